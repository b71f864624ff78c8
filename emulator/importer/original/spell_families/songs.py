"""Jala's songs (jala.kod and its spells, the hinder songs of jala/hinder.kod): a song is
claimed when every handler of its own is one whose effect the server runs (see
``emulator/world/spells/songs.py``). Its figures are read from the class: the mana it
drains and how often, whether those not yet able to fight may sing it, the school it
hinders, which regeneration it quickens, whether it stretches trances, the mood it
lifts or sinks; its words and music by the original's resources."""

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
                             "BreakTrance", "StartEnchantment"),
        "StartEnchantmentNewOccupant": ("StartEnchantment",),
        "EndRoomEnchantment": ("RemoveEnchantment",),
        "RemoveEnchantment": ("RemoveAttackModifier", "GetEnchantmentsByClass", "GetUnstretchedTime", "BreakTrance",
                              "StartEnchantment", "MsgSendUser", "GetOwner"),
        # the mood songs' moods of the town folk (not modelled)
        "StartPeriodicEnchantment": ("GetHolderActive", "HolderExtractObject", "GetBehavior", "ChangeMood"),
        # the mood songs' blows against the good or the evil
        "ModifyHitRoll": ("GetKarma",), "ModifyDamage": ("GetKarma",),
    }.items()
}

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
    table["figures"] = figures
    for purpose, variable in _JALA_WORDS:
        importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    importer.texts.put(table, "music", cls, "prMusic", category="spell", file_suffixes=(".mid", ".mp3"))
    for handler, purpose in (("StartEnchantment", "listener" if mood else "slowed"), ("RemoveEnchantment", "sped")):
        for site in find_sends(cls, "MsgSendUser", handler):
            resource = {k.casefold(): v for k, v in site.call.named.items()}.get("message_rsc")
            if isinstance(resource, ast.Name) and purpose not in table:
                importer.texts.put(table, purpose, cls, resource.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "song"


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
