"""Jala's songs (jala.kod and its spells, the hinder songs of jala/hinder.kod): a song is
claimed when every handler of its own is one whose effect the server runs (see
``emulator/world/spells/songs.py``). Its figures are read from the class: the mana it
drains and how often, whether those not yet able to fight may sing it, the school it
hinders, which regeneration it quickens, whether it stretches trances, the mood it
lifts or sinks, whether it refuses weaker spells (spellbane) or raises the power of all
(mana convergence, by the power its state keeps), whether its listeners dance (jig); its
words and music by the original's resources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import find_sends
from emulator.importer.original.common import _int

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

#: What each handler a song may have of its own may send (casefolded): the rest is code
#: the server does not run (a crystal made, a dance, spell power changed, own checks).
_HANDLERS: dict[str, frozenset[str]] = {
    name.casefold(): frozenset(s.casefold() for s in sends) for name, sends in {
        "ResetReagents": (),
        "AdjustVigorTime": (), "AdjustHealthTime": (), "AdjustManaTime": (),
        "GetAlteredChance": ("GetSchool",),
        "GetStretchedTime": ("GetEnchantmentState",), "GetUnstretchedTime": ("GetEnchantmentState",),
        # the mood songs: a listener moved tells it, its face changes (not modelled)
        "StartEnchantment": ("GetOwner", "GetEnchantmentState", "SetAction", "GetAction", "MsgSendUser", "GetCapDef",
                             "GetName", "AddAttackModifier", "GetEnchantmentsByClass", "GetStretchedTime",
                             "BreakTrance", "StartEnchantment", "ResetPlayerFlagList", "FreeHands", "DoDance"),
        "StartEnchantmentNewOccupant": ("StartEnchantment", "MsgSendUser"),
        "EndRoomEnchantment": ("RemoveEnchantment",),
        "RemoveEnchantment": ("RemoveAttackModifier", "GetEnchantmentsByClass", "GetUnstretchedTime", "BreakTrance",
                              "StartEnchantment", "MsgSendUser", "GetOwner", "StopDancing"),
        # the mood songs' moods of the town folk (not modelled)
        "StartPeriodicEnchantment": ("GetHolderActive", "HolderExtractObject", "GetBehavior", "ChangeMood"),
        # the mood songs' blows against the good or the evil
        "ModifyHitRoll": ("GetKarma",), "ModifyDamage": ("GetKarma",),
        # spellbane and jig: not sung where only guilds may fight
        "CanPayCosts": ("GetOwner", "AllowGuildAttack", "IsPKAllowed", "MsgSendUser", "PlayerIsImmortal", "CheckRoomFlag",
                        "GetGuild", "CheckPlayerFlag", "GetName"),
        # mana convergence: the room told, a power of its own, every spell's power raised;
        # jig: the room's flags of a dance (no monster comes in nor fights: not modelled)
        "CastSpell": ("GetOwner", "SomeoneSaid", "SetRoomFlag"), "BuildState": (), "AffectsSpellPower": (),
        "ModifySpellPower": ("GetEnchantedState",),
        "EndSpell": ("SetRoomFlag", "CheckRoomFlag", "SetRoomFlagToDefault", "GetEnchantmentList", "GetSpellNum"),
        "CheckDisruptWithNecklace": (), "SpellBannedInArena": (),
    }.items()
}

#: The spell whose song refuses weaker spells (spell.kod CanCastHere names it by number).
_SPELLBANE = "SID_SPELLBANE"

#: Jala's words by the purpose the server tells them for.
_JALA_WORDS = (
    ("song_starts", "jala_song_starts"), ("song_failed", "jala_song_failed"), ("song_ends", "jala_song_ends"),
    ("song_playing", "jala_song_playing"), ("need_instrument", "jala_need_instrument"), ("no_newbie", "jala_no_newbie"),
)


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    from emulator.importer.original.spells import _sent

    chain = list(cls.ancestry())
    names = [c.name.casefold() for c in chain]
    if "jala" not in names[1:]:
        return None
    own = chain[: names.index("jala")]
    for owner in own:
        for handler in owner.messages:
            allowed = _HANDLERS.get(handler)
            if allowed is None or _sent(owner, handler) - allowed:
                return None
    figures: dict[str, int] = {}
    for name, variable in (("drain", "viManaDrain"), ("drain_ms", "viDrainTime")):
        value = _int(cls.value(variable))
        if value is not None:
            figures[name] = value
    figures["newbies"] = 1 if _int(cls.value("vbCanNewbieSing")) else 0
    if "hinderspell" in names:
        hindered = _int(cls.value("viHinderedSchool"))
        if hindered is None:
            return None
        figures["hinders"] = hindered
    for name, handler in (("quickens_vigor", "AdjustVigorTime"), ("quickens_health", "AdjustHealthTime"),
                          ("quickens_mana", "AdjustManaTime"), ("stretches", "GetStretchedTime")):
        if any(handler.casefold() in owner.messages for owner in own):
            figures[name] = 1
    mood = _mood(cls)
    if mood:
        figures["mood"] = mood
    # a song of its own arrival greets a newcomer in its own way, not with Jala's words
    figures["greets"] = 0 if any("startenchantmentnewoccupant" in owner.messages for owner in own) else 1
    if _int(cls.value("viSpell_num")) == _int(cls.scope().lookup(_SPELLBANE)):
        figures["bans_weaker"] = 1
        importer.texts.put(table, "stopped", cls, "spell_spellbane_stopped", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    if any("canpaycosts" in owner.messages for owner in own):
        figures["guild_rooms_refused"] = 1
        if "allowguildattack" in _sent(cls, "CanPayCosts"):  # spellbane: a murderer may, where fights are allowed
            figures["murderers_may"] = 1
            _put_sent(importer, cls, table, "CanPayCosts", "no_towns")
    if "dodance" in _sent(cls, "StartEnchantment"):  # jig: its listeners dance, in the words of players
        figures["dances"] = 1
        player = importer.tree.classes.get("player")
        for purpose, variable in (("dance", "player_dance"), ("cant_dance_resting", "player_cant_dance_resting"),
                                  ("stop_dance", "player_stop_dance")):
            if player is not None:
                importer.texts.put(table, purpose, player, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
        room = importer.tree.classes.get("room")  # nothing is used in a room where it is sung
        if room is not None:
            importer.texts.put(table, "no_use", room, "no_use_jig", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    if any("affectsspellpower" in owner.messages for owner in own):
        state = _state_power(cls)
        if state is None:
            return None
        figures["power_per"], figures["power_divisor"], figures["power_plus"] = state
        figures["raises_power"] = 1
    table["figures"] = figures
    for purpose, variable in _JALA_WORDS:
        importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    importer.texts.put(table, "music", cls, "prMusic", category="spell", file_suffixes=(".mid", ".mp3"))
    for handler, purpose in (("StartEnchantment", "listener" if mood else "slowed"), ("RemoveEnchantment", "sped"),
                             ("StartEnchantmentNewOccupant", "greeting")):
        _put_sent(importer, cls, table, handler, purpose)
    for site in find_sends(cls, "SomeoneSaid", "CastSpell"):  # what the room hears as it is cast
        said = {k.casefold(): v for k, v in site.call.named.items()}.get("string")
        if isinstance(said, ast.Name):
            importer.texts.put(table, "cast_said", cls, said.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "song"


def _put_sent(importer: SpellImport, cls: KodClass, table: dict[str, Any], handler: str, purpose: str) -> None:
    """The words a handler of the class sends the player (MsgSendUser), as ``purpose``."""
    for site in find_sends(cls, "MsgSendUser", handler):
        resource = {k.casefold(): v for k, v in site.call.named.items()}.get("message_rsc")
        if isinstance(resource, ast.Name) and purpose not in table:
            importer.texts.put(table, purpose, cls, resource.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _state_power(cls: KodClass) -> tuple[int, int, int] | None:
    """The power a song keeps in its state (BuildState's third element) as (per, divisor,
    plus) of the power it was cast with; None when it is not such a line."""
    from emulator.importer.original.spells import _POWERS, _fit, _value

    handler = cls.handler("BuildState")
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return None
    found = handler.body[0].value
    if not isinstance(found, ast.ListLiteral) or len(found.items) != 3:
        return None
    return _fit([_value(cls, found.items[2], {"ispellpower": power}) for power in _POWERS])


def _mood(cls: KodClass) -> int:
    """The mood a song's periodic turn gives the town folk (ChangeMood's amount): which
    way it moves its listeners, -1 sad, 1 happy, 0 neither."""
    for site in find_sends(cls, "ChangeMood", "StartPeriodicEnchantment"):
        amount = {k.casefold(): v for k, v in site.call.named.items()}.get("amount")
        if isinstance(amount, ast.Number):
            return 1 if amount.value > 0 else -1 if amount.value < 0 else 0
        if isinstance(amount, ast.UnaryOp) and amount.op == "-" and isinstance(amount.operand, ast.Number):
            return -1 if amount.operand.value > 0 else 0
    return 0
