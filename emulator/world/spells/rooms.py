"""Room enchantments (roomench.kod and its spells): a spell cast on the caster's room that
lasts on it through the enchantment engine (``World.enchant`` on the room's id), one of a
kind at a time. What each does is data: the spell's figures (``spells.toml``
``[key.figures]``), read by the import from the original's handlers, each a line of the
power ``p * <name>_per / <name>_divisor + <name>_plus``:

``duration``
    its time in ``duration_unit`` ms (default 1); with ``duration_drawn`` a random count
    between half and all of it.
``light``
    added to the room's light while it lasts (negative for darkness): the client is told
    the room's light at once, and whoever enters sees it (:func:`room_light`).
``spell_power_loss``
    taken off the power of every spell cast in the room (:func:`spell_power`, asked by
    casting; anti-magic aura).
``blow_damage_min``, ``blow_damage_max`` (plain numbers)
    a random bonus between them to the damage of every blow a player strikes in the room
    (:func:`blow_bonus`, asked by fights; killing fields).

``drain_mana`` (a plain number), ``silences`` (1)
    a silence: no one in the room may cast or speak while it lasts (:func:`cast_check`,
    :func:`speech_refusal`), for as long as its caster concentrates, paying ``drain_mana``
    each period (its ``duration`` at the power); it ends when the caster casts, rests,
    is hurt, leaves the room or runs short of mana (:func:`run_tick`).

``kill_health_min``/``_max``, ``kill_mana_min``/``_max``, ``kill_player_factor``
    a death link: each death in the room gives its caster a roll of health and one of
    mana, times the factor for a player's death (:func:`something_killed`, asked by the
    world at a death). ``names_caster``: its words name its caster.

``occupant_duration`` (ms), ``occupant_aim`` (a line of the power)
    winds: every player in the room bears an enchantment of the spell adding ``occupant_aim``
    to its aim, for ``occupant_duration`` or until it leaves the room or the room's ends
    (kept in step by :func:`run_tick`); ``ruin_chance`` (a line of the power, within
    ``ruin_chance_min`` and ``ruin_chance_max``): the chance in percent that a shot with a
    ranged weapon in the room is snatched away (:func:`shot_ruined`, asked by fights).

``bars_monster_fights`` (1)
    a truce: no fight with a monster in the room while it lasts (room.kod ROOM_NO_MOB_COMBAT,
    ReqSomethingAttack): the monsters' blows are held back (:func:`monsters_may_fight`,
    asked by the monsters' turns), a player's blow or harmful spell at a monster is refused
    in the room's words (:func:`monster_fight_refusal`); its cast is refused where fights
    with monsters already are, and in a guild-only room with no monster to make a truce with
    (:func:`truce_refusal`).

``hurts_armoured`` (1), ``period_base``/``_divisor``/``_unit``, ``armour_heat_<kind>``
    heat: every period, ``(period_base - p) / period_divisor * period_unit`` ms, until its
    whole time (the last period hurts nobody), each player in the room wearing armour is
    hurt by the armour kind's heat, and one entering at once (:func:`run_tick`), when it may
    fight players or the room is a kill zone, never where death is safe; it may kill.
``occupant_offense`` (a line), ``occupant_good_only`` (1)
    forces of light: every player of good karma in the room bears the spell while there,
    ``occupant_offense`` added to its hit roll, told as it starts; every player leaving is
    told its ``room_left`` words (:func:`player_left`), and with ``leave_words_at_end``
    everyone in the room at its end.
``duration_steps_*``
    a time that moves in whole steps of the power (:func:`rules.stepped`), instead of the
    ``duration`` line.
``exerts`` (1), ``harm_exertion_*`` (stepped like the period), ``harm_damage`` (a line),
``client_effect``, ``client_effect_end``
    sandstorm: every period each player in the room is exerted and hurt (never past 1
    health) by the power, one entering (or there at the cast) at once as at no power; while
    there it bears the spell's ``occupant_aim`` and its client shows the effect (BP_EFFECT)
    until it leaves or the storm ends; ranged shots may be snatched away as in winds, the
    chance a line of the room's state (the power and the end of the current period).
``no_newbie_offense`` (1)
    refused to one who may not fight players with another player in the room (heat,
    sandstorm, silence), in its guardian angel's words.
``only_where_players_fight`` (1)
    refused where players may not fight one another (no combat, no player killing, guild
    fights only).

The banes (Shal'illebane, Qorbane: ``rules.BANES``) hurt whoever casts a spell of the
school they are against in the room, after it goes off (:func:`after_cast`, asked by
casting), by the bane's power and the spell's level; it may kill.

The words (its own, by the original's resource ids) are rendered by
``emulator/game/room_enchantment_messages.py``: said to the room when it starts and ends,
to whoever enters while it lasts, and to a caster whose room already has it.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import Roll
from emulator.rules.spells import rooms as rules
from emulator.rules.combat import AttackKind, Weapon, player_damage_taken
from emulator.world.enchantments import Effect, Enchantment, Target
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = [
    "EFFECTS", "ROOM_ENCHANTMENT", "after_cast", "monster_fight_refusal", "monsters_may_fight", "player_left",
    "truce_refusal", "blow_bonus", "cast_check", "changes_light", "room_light", "run_tick",
    "shot_ruined", "something_killed", "speech_refusal", "spell_power",
]

#: The figures that are room modifiers (lines of the power), kept on the enchantment.
MODIFIERS = ("light", "spell_power_loss")


def modifiers(spell: SpellDefinition, power: int) -> dict[str, int]:
    """The room modifiers the spell adds at ``power``."""
    names = {name for name, _ in spell.figures}
    return {m: rules.line(spell.figure, m, power) for m in MODIFIERS if f"{m}_plus" in names or f"{m}_per" in names}


def changes_light(spell: SpellDefinition) -> bool:
    return any(name in ("light_plus", "light_per") for name, _ in spell.figures)


def room_light(world: World, room: str) -> int:
    """The light the client is told a room has: its own, moved by its enchantments."""
    added = world.enchantment_modifier(world.room_enchantment_target(room), "light")
    return rules.room_light(world.definition.rooms[room].ambient_light, added)


def spell_power(world: World, room: str, spell: SpellDefinition, power: int) -> int:
    """The power of ``spell`` cast in ``room``: less what an anti-magic aura there takes."""
    loss = world.enchantment_modifier(world.room_enchantment_target(room), "spell_power_loss")
    if not loss or spell.key in rules.UNAFFECTED_BY_ANTIMAGIC:
        return power
    return rules.power_after_loss(power, loss)


def blow_bonus(world: World, room: str, roll: Roll) -> int:
    """What the room's enchantments add to a player's blow struck in it (the attack
    modifiers killing fields gives each player in the room); no die is rolled without."""
    bonus = 0
    for enchantment in world.enchantments_of(world.room_enchantment_target(room)):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == "room_enchantment" and spell.figure("blow_damage_max"):
            bonus += roll(spell.figure("blow_damage_min"), spell.figure("blow_damage_max"))
    return bonus


def after_cast(world: World, caster: Player, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """A spell went off (room.kod SpellCast): a bane in the room against its school hurts
    its caster."""
    for enchantment in world.enchantments_of(world.room_enchantment_target(caster.room)):
        if rules.BANES.get(enchantment.spell) == spell.school and caster.stats.health > 0:
            _hurt_by_bane(world, caster, enchantment, spell, events)


def _hurt_by_bane(world: World, caster: Player, bane: Enchantment, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """HurtCaster: only one who may fight players, or anyone in a kill zone; nobody where
    death is safe (the arenas' fighters, who would be, are not modelled). Told, then hurt
    as by a blow (AssessDamage), and told again if it dies of it."""
    from emulator.world.world import _pk_status

    flags = world.definition.rooms[caster.room].flags
    status = _pk_status(caster)
    if "safe_death" in flags or not (status.pkill_enabled or "kill_zone" in flags):
        return
    roll = world.roll_for("bane", caster.object_id, spell.number)
    stats = caster.stats
    damage = rules.bane_damage(roll, int(bane.state or 0), spell.level or 1)
    taken = player_damage_taken(damage, stats.health, stats.max_health, outlaw_or_murderer=not status.innocent)
    events.append(SpellTold(caster.object_id, bane.spell, "bane_hurt"))
    stats.health = max(0, stats.health - taken)
    events.append(VitalsChanged(caster.object_id))
    if stats.health <= 0:
        events.append(SpellTold(caster.object_id, bane.spell, "bane_killed"))
        world._player_died(caster, "", events)


_SILENCED = "silenced"


def _concentrated(spell: SpellDefinition) -> bool:
    """A spell that lasts while its caster concentrates and pays for it (silence)."""
    return spell.figure("drain_mana") > 0


def cast_check(world: World, caster: Player, spell: SpellDefinition, events: list[WorldEvent]) -> SpellTold | None:
    """Before a cast: a caster concentrating on a silence breaks it by casting (its
    BreakTrance on EVENT_CAST); then a silence in the room stops the cast (spell.kod
    CanCastHere), in the casting words of the original."""
    room = world.room_enchantment_target(caster.room)
    for enchantment in world.enchantments_of(room):
        kept = world.definition.spells.get(enchantment.spell)
        if kept is not None and _concentrated(kept) and enchantment.state["caster"] == caster.object_id:
            events += world.disenchant(room, enchantment.spell)
    return _silence_told(world, caster, "cast_silenced")


def speech_refusal(world: World, speaker: Player) -> SpellTold | None:
    """Speech of any kind from a silenced room is stopped (room.kod RoomReqCommunication)."""
    return _silence_told(world, speaker, "speech_silenced")


def _silence_told(world: World, player: Player, purpose: str) -> SpellTold | None:
    room = world.room_enchantment_target(player.room)
    if not world.enchantment_flag(room, _SILENCED):
        return None
    silence = next(e for e in world.enchantments_of(room) if _SILENCED in e.effect.flags)
    return SpellTold(player.object_id, silence.spell, purpose)


def _occupying(spell: SpellDefinition) -> bool:
    """A room enchantment that enchants each player in the room (winds, sandstorm)."""
    return spell.figure("occupant_duration") > 0 or spell.figure("occupant_aim_per") != 0 \
        or spell.figure("occupant_offense_per") != 0


def _enchant_occupant(world: World, player: Player, spell: SpellDefinition, room: str, power: int,
                      events: list[WorldEvent]) -> None:
    """StartEnchantment on one player in the room: the spell on it, with its modifiers."""
    if world.is_enchanted(player.object_id, spell.key):
        return
    if spell.figure("occupant_good_only") and player.stats.karma <= 0:
        return  # only the good bear it (forces of light)
    effect = Effect({m: rules.line(spell.figure, f"occupant_{m}", power) for m in ("aim", "offense")
                     if spell.figure(f"occupant_{m}_per") or spell.figure(f"occupant_{m}_plus")})
    started = world.enchant(player.object_id, spell.key, spell.figure("occupant_duration") or None, effect,
                            state={"room": room, "power": power})
    events += started.events
    if spell.figure("occupant_good_only"):
        events.append(SpellTold(player.object_id, spell.key, "occupant_on"))


def shot_ruined(world: World, player: Player, weapon: Weapon | None, now: float) -> SpellTold | None:
    """A shot with a ranged weapon in a room with winds may be snatched away (player.kod
    TryAttack, winds.kod WindsRuinShot): no swing then, and the shooter is told."""
    if weapon is None or weapon.kind is not AttackKind.RANGED:
        return None
    for enchantment in world.enchantments_of(world.room_enchantment_target(player.room)):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is None or not spell.figure("ruin_chance_max") or not isinstance(enchantment.state, dict):
            continue
        state = enchantment.state
        # the room's state: the power, and for a periodic one the end of its period too (a sandstorm's)
        basis = int(state["power"]) + (int(state["elapsed_ms"]) + int(state["period_ms"]) if "period_ms" in state else 0)
        chance = max(spell.figure("ruin_chance_min"), min(spell.figure("ruin_chance_max"),
                     rules.line(spell.figure, "ruin_chance", basis)))
        roll = world.roll_for("winds", player.object_id, now)
        if roll(1, 100) < chance:
            return SpellTold(player.object_id, spell.key, "shot_ruined")
    return None


def _keep_occupants(world: World, enchantment: Enchantment, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """Each tick: the room's players bear it (one who entered gets it, StartEnchantmentNewOccupant);
    a player's that no longer has it in its room ends (LeaveHold, UnenchantAllOccupants)."""
    state = enchantment.state
    if enchantment.target is Target.ROOM:
        for player in list(world.players_here(state["room"])):
            _enchant_occupant(world, player, spell, state["room"], int(state["power"]), events)
        return
    bearer = world.object(enchantment.target_id)
    if not isinstance(bearer, Player) or bearer.room != state.get("room") \
            or not world.is_enchanted(world.room_enchantment_target(bearer.room), spell.key):
        events += world.disenchant(enchantment.target_id, spell.key, report=False)


def _periodic(spell: SpellDefinition) -> bool:
    """A room enchantment that hurts the room's players period after period (heat, sandstorm)."""
    return spell.figure("hurts_armoured") > 0 or spell.figure("exerts") > 0


def _stepped(spell: SpellDefinition, name: str, power: int) -> int:
    return rules.stepped(spell.figure, name, power)


def _period_ms(spell: SpellDefinition, power: int) -> int:
    return max(1, _stepped(spell, "period", power))


def _exerted_by_sand(world: World, player: Player, spell: SpellDefinition, power: int, events: list[WorldEvent]) -> None:
    """sandstor.kod StartEnchantment on one player: exertion and harm by lines of the power,
    the harm never past 1 health left; then told."""
    from emulator.world.world import _pk_status

    if player.stats.health <= 0 or not _may_be_hurt(world, player):
        return
    stats = player.stats
    world._exert(player, _stepped(spell, "harm_exertion", power))
    damage = max(0, min(rules.line(spell.figure, "harm_damage", power), stats.health - 1))
    if damage:
        taken = player_damage_taken(damage, stats.health, stats.max_health, outlaw_or_murderer=not _pk_status(player).innocent)
        stats.health = max(1, stats.health - taken)
    events.append(VitalsChanged(player.object_id))
    events.append(SpellTold(player.object_id, spell.key, "sand_hurt"))


def _harm(world: World, player: Player, spell: SpellDefinition, power: int, events: list[WorldEvent]) -> None:
    if spell.figure("hurts_armoured"):
        _hurt_by_heat(world, player, spell, events)
    else:
        _exerted_by_sand(world, player, spell, power, events)


def _may_be_hurt(world: World, player: Player) -> bool:
    """Only one who may fight players, or anyone in a kill zone; nobody where death is safe
    (the arenas' fighters, who would be, are not modelled)."""
    from emulator.world.world import _pk_status

    flags = world.definition.rooms[player.room].flags
    return "safe_death" not in flags and (_pk_status(player).pkill_enabled or "kill_zone" in flags)


def _armour_heat(world: World, player: Player, spell: SpellDefinition) -> int:
    """The heat of the armour the player wears (the first worn that is armour)."""
    for item in world.items.used(player.character_id):
        heat = spell.figure(f"armour_heat_{item.kind or ''}")
        if heat:
            return heat
    return 0


def _hurt_by_heat(world: World, player: Player, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """heat.kod StartEnchantment on one player: told, then hurt by its armour's heat as by
    a blow (AssessDamage), told again if it dies of it (nobody is charged with the death)."""
    from emulator.world.world import _pk_status

    heat = _armour_heat(world, player, spell)
    if not heat or player.stats.health <= 0 or not _may_be_hurt(world, player):
        return
    stats = player.stats
    taken = player_damage_taken(heat, stats.health, stats.max_health, outlaw_or_murderer=not _pk_status(player).innocent)
    events.append(SpellTold(player.object_id, spell.key, "heat_hurt"))
    stats.health = max(0, stats.health - taken)
    events.append(VitalsChanged(player.object_id))
    if stats.health <= 0:
        events.append(SpellTold(player.object_id, spell.key, "heat_killed"))
        world._player_died(player, "", events)


def _run_periods(world: World, enchantment: Enchantment, spell: SpellDefinition, now_ms: int,
                 events: list[WorldEvent]) -> None:
    """One entering the room is hurt at once (StartEnchantmentNewOccupant); each period
    that falls before its whole time hurts everyone there (StartPeriodicEnchantment,
    EnchantAllOccupants)."""
    state = enchantment.state
    here = [p for p in world.players_here(state["room"])]
    known = set(state["occupants"])
    for player in here:
        if player.object_id not in known:  # as at no power (StartEnchantment's default)
            _harm(world, player, spell, 0, events)
    state["occupants"] = sorted(p.object_id for p in world.players_here(state["room"]))
    if now_ms < int(state["next_ms"]):
        return
    state["elapsed_ms"] = int(state["elapsed_ms"]) + int(state["period_ms"])
    state["next_ms"] = int(state["next_ms"]) + int(state["period_ms"])
    if int(state["elapsed_ms"]) + int(state["period_ms"]) >= int(state["whole_ms"]):
        state["next_ms"] = int(state["whole_ms"]) * 2 + now_ms  # the last period: it ends with its time
        return
    for player in list(world.players_here(state["room"])):
        _harm(world, player, spell, int(state["power"]), events)


def player_left(world: World, player: Player, room: str, events: list[WorldEvent]) -> None:
    """A player left ``room`` (room.kod LeaveHold's EndRoomEnchantment): a room enchantment
    with words for one leaving (a truce's) tells it; it is no longer among the occupants
    its periodic enchantments know, so coming back it is treated as entering (NewHold's
    StartEnchantmentNewOccupant)."""
    for enchantment in world.enchantments_of(world.room_enchantment_target(room)):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.text_id("room_left") is not None:
            events.append(SpellTold(player.object_id, spell.key, "room_left"))
        state = enchantment.state
        if isinstance(state, dict) and "occupants" in state and player.object_id in state["occupants"]:
            state["occupants"] = [o for o in state["occupants"] if o != player.object_id]


def run_tick(world: World, events: list[WorldEvent]) -> None:
    """The concentrated room enchantments: each ends when its caster breaks off (gone from
    the room, resting, hurt since the last tick), or pays its drain when a period is due,
    the one after it paid short being its last (silence.kod StartPeriodicEnchantment,
    BreakTrance)."""
    now_ms = round(world.game_time * 1000)
    spells = world.definition.spells
    kept = [
        e for found in world.enchantments.by_target.values() for e in found
        if isinstance(e.state, dict) and e.spell in spells and spells[e.spell].effect == "room_enchantment"
    ]
    for enchantment in kept:
        if _occupying(spells[enchantment.spell]):
            _keep_occupants(world, enchantment, spells[enchantment.spell], events)
        if _periodic(spells[enchantment.spell]) and enchantment.target is Target.ROOM:
            _run_periods(world, enchantment, spells[enchantment.spell], now_ms, events)
    concentrated = [e for e in kept if e.target is Target.ROOM and _concentrated(spells[e.spell])]
    for enchantment in concentrated:
        state, spell = enchantment.state, spells[enchantment.spell]
        caster = world.object(int(state["caster"]))
        if not isinstance(caster, Player) or caster.room != state["room"] or caster.resting \
                or caster.stats.health < int(state["health"]):
            events += world.disenchant(enchantment.target_id, enchantment.spell)
            continue
        state["health"] = caster.stats.health
        if now_ms < int(state["next_ms"]):
            continue
        if state["last"]:
            events += world.disenchant(enchantment.target_id, enchantment.spell)
            continue
        drain = spell.figure("drain_mana")
        state["last"] = rules.last_period(caster.stats.mana, drain)
        caster.stats.mana = max(0, caster.stats.mana - drain)
        events.append(VitalsChanged(caster.object_id))
        state["next_ms"] = int(state["next_ms"]) + rules.duration_ms(_no_draw, spell.figure, int(state["power"]))


def _no_draw(low: int, high: int) -> int:
    return high  # a period is never drawn


def something_killed(world: World, room: str, victim_is_player: bool, events: list[WorldEvent]) -> None:
    """A monster or a player died in ``room`` (room.kod SomethingKilled): a death link there
    gives its caster, wherever it is, health (not past its max) and mana (past it, as the
    original's GainMana does)."""
    for enchantment in world.enchantments_of(world.room_enchantment_target(room)):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is None or not spell.figure("kill_health_max") or not isinstance(enchantment.state, dict):
            continue
        caster = world.object(int(enchantment.state["caster"]))
        if not isinstance(caster, Player) or caster.stats.health <= 0:
            continue  # logged off, or dying itself
        roll = world.roll_for("link", caster.object_id, len(events))
        factor = spell.figure("kill_player_factor", 1)
        health = rules.kill_gain(roll, spell.figure("kill_health_min"), spell.figure("kill_health_max"), factor, victim_is_player)
        mana = rules.kill_gain(roll, spell.figure("kill_mana_min"), spell.figure("kill_mana_max"), factor, victim_is_player)
        stats = caster.stats
        if stats.health <= stats.max_health:  # GainHealthNormal
            stats.health = min(stats.max_health, stats.health + health)
        stats.mana += mana
        events.append(VitalsChanged(caster.object_id))


_NO_MONSTER_FIGHTS = "no_monster_fights"


def monsters_may_fight(world: World, room: str) -> bool:
    """Whether monsters and players may fight in ``room``: not under a truce, nor where the
    room's own rules forbid it."""
    return "no_mob_combat" not in world.definition.rooms[room].flags \
        and not world.enchantment_flag(world.room_enchantment_target(room), _NO_MONSTER_FIGHTS)


def monster_fight_refusal(world: World, player: Player, targets: list[Thing], whole_room: bool = False) -> SpellTold | None:
    """A player's blow or harmful spell at a monster where monsters may not fight: refused,
    told in the room's words (room.kod ReqSomethingAttack, asked by AllowPlayerAttack and a
    harmful spell's CheckPlayerAttack; a spell at the whole room is refused with any monster
    there)."""
    room = world.room_enchantment_target(player.room)
    if not world.enchantment_flag(room, _NO_MONSTER_FIGHTS):
        return None
    aimed = world._monsters.in_room(player.room) if whole_room else targets
    if not any(world._monsters.by_id.get(t.object_id) is not None for t in aimed):
        return None
    truce = next(e for e in world.enchantments_of(room) if _NO_MONSTER_FIGHTS in e.effect.flags)
    return SpellTold(player.object_id, truce.spell, "attack_refused")


def truce_refusal(world: World, caster: Player, spell: SpellDefinition) -> tuple[str, int] | None:
    """truce.kod CanPayCosts: where fights with monsters already are barred, it is
    unnecessary; in a guild-only room (where the caster, without a guild, may not fight
    players) on a server allowing player fights, only a room with a monster that fights
    (no town folk) may have one. Not modelled: its guardian-angel check of players who
    attacked players too recently and of logoff ghosts (neither is kept)."""
    flags = world.definition.rooms[caster.room].flags
    if "no_combat" in flags or not monsters_may_fight(world, caster.room):
        return "room_already", 0
    if "guild_pk_only" in flags and world.rules.player_killing and not caster.murderer:
        kinds = world.definition.kinds
        for monster in world._monsters.in_room(caster.room):
            kind = kinds.get(monster.kind or "")
            info = kind.monster if kind is not None else None
            if info is None or "npc" not in info.behaviour:
                return None
        return "towns_refused", 0
    return None


def _troubles_the_unready(world: World, caster: Player) -> bool:
    """spell.kod CanPayCosts for a spell that must not trouble those not ready to fight
    players (viNoNewbieOffense) cast on the whole room: one who may not fight players may
    not cast it with another player in the room, save in a kill zone or where death is safe."""
    from emulator.world.world import _pk_status

    flags = world.definition.rooms[caster.room].flags
    if _pk_status(caster).pkill_enabled or "safe_death" in flags or "kill_zone" in flags:
        return False
    return any(p is not caster for p in world.players_here(caster.room))


class _RoomEnchantment:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(world.room_enchantment_target(caster.room), spell.key):
            return "room_already", 0  # its CanPayCosts: nothing paid
        if spell.figure("bars_monster_fights"):
            return truce_refusal(world, caster, spell)
        if spell.figure("only_where_players_fight") and {"no_combat", "no_pk", "guild_pk_only"} & set(
                world.definition.rooms[caster.room].flags):
            return "spell_cast_here", 0  # its CanPayCosts: not where players may not fight
        if spell.figure("no_newbie_offense") and _troubles_the_unready(world, caster):
            return "guardian_refused", 0  # then spell.kod's
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        room = world.room_enchantment_target(caster.room)
        if world.is_enchanted(room, spell.key):  # cast by another during a trance (DoubleCheckAfterTrance)
            events.append(SpellTold(caster.object_id, spell.key, "room_already"))
            return
        roll = world.roll_for("room", caster.object_id, spell.number)
        duration: int | None = rules.duration_ms(roll, spell.figure, power)
        flags = {_SILENCED} if spell.figure("silences") else set()
        if spell.figure("bars_monster_fights"):
            flags.add(_NO_MONSTER_FIGHTS)
        state: object = power
        if _concentrated(spell):  # lasts while the caster pays, period after period
            state = {"power": power, "caster": caster.object_id, "room": caster.room, "health": caster.stats.health,
                     "next_ms": round(world.game_time * 1000) + (duration or 0), "last": False}
            duration = None
        elif spell.figure("kill_health_max") or spell.figure("names_caster"):  # it remembers its caster
            state = {"power": power, "caster": caster.object_id}
        elif _periodic(spell):  # its periods, and who is in the room (those entering are hurt at once)
            period = _period_ms(spell, power)
            greeted = [] if spell.figure("exerts") else sorted(p.object_id for p in world.players_here(caster.room))
            state = {"power": power, "room": caster.room, "period_ms": period, "elapsed_ms": 0, "whole_ms": duration,
                     "next_ms": round(world.game_time * 1000) + period, "occupants": greeted}
        elif _occupying(spell):  # its room's players bear it
            state = {"power": power, "room": caster.room}
        started = world.enchant(room, spell.key, duration, Effect(modifiers(spell, power), flags), state=state,
                                caster_id=caster.object_id)
        events += started.events
        if _occupying(spell) and started.enchantment is not None:  # EnchantAllOccupants
            for player in list(world.players_here(caster.room)):
                _enchant_occupant(world, player, spell, caster.room, power, events)
        if _periodic(spell) and started.enchantment is not None:  # a sandstorm's cast treats those there as entering
            _run_periods(world, started.enchantment, spell, round(world.game_time * 1000), events)


ROOM_ENCHANTMENT = _RoomEnchantment()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"room_enchantment": ROOM_ENCHANTMENT}
