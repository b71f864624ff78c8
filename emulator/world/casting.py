"""Casting spells (user.kod UserCast, spell.kod CanPayCosts, PayCosts, BeginCastingTrance,
CastSpell): the checks in the original's order, the costs, the chance to fizzle, the
trance of the slower spells, the effect (``emulator/world/spells/``), the improvement of
the caster's ability and the school's weight of casts.

Spells are objects to the client: each spell's object id is fixed by its number
(:func:`spell_object_id`), outside the ranges of rooms, monsters, players and items.

Jala's songs of the caster's room (``emulator/world/spells/songs.py``) play in: the
instrument's bonus, mana convergence's power, spellbane's refusal, the hinder songs' cut
of the chance, warp time's longer trances; and a broken trance ends its song.

Not modelled yet: the cast animation and flashes, reagent rings, tokens,
item and shrine bonuses to spell power and the advancement cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition, square_of
from emulator.rules import casting as rules
from emulator.rules.dice import div
from emulator.rules.pvp import attack_refusal
from emulator.rules.vitals import EXERTION_PER_VIGOR
from emulator.world.events import (
    PlayerAttackRefused, PlayerOutlawed, SpellCast, SpellImproved, SpellMurmured, SpellTold, VitalsChanged, WorldEvent,
)
from emulator.world.objects import Player, Thing
from emulator.world.sight import line_of_sight
from emulator.world import holding, spellbook
from emulator.world.spells import EFFECTS, hexes, illusions, songs, wards
from emulator.world.spells.itemspells import held_by, held_target
from emulator.world.spells import rooms as room_spells

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["break_trance", "cast", "heard_in_trance", "run_trances", "spell_for_object", "spell_object_id"]


def spell_object_id(number: int) -> int:
    """The id the client knows the spell with the original's ``number`` by (its spell list's)."""
    return spellbook.SPELL_ID_BASE + number % spellbook.ID_SPAN


def spell_for_object(world: World, object_id: int) -> SpellDefinition | None:
    """The spell a client's spell object id stands for."""
    return spellbook.spell_by_object_id(world.definition, object_id)


def cast(world: World, player_id: int, spell_object: int, target_ids: list[int], now: float) -> list[WorldEvent]:
    """A BP_REQ_CAST. A spell the player does not know is ignored, as the original does."""
    player = world._players.get(player_id)
    spell = spell_for_object(world, spell_object)
    if player is None or spell is None or spell.key not in player.spells:
        return []
    events: list[WorldEvent] = []
    break_trance(player, events, world, cause="cast", what=spell.key)  # a new cast breaks the trance (EVENT_CAST)
    hindered = holding.cast_refusal(world, player)
    if hindered is not None:  # held or blinded: no magic
        return events + [hindered]
    world.focusers.cast_begun(player, spell)  # mana focus lets attack spells be cast in it
    effect = EFFECTS.get(spell.effect)
    room_flags = world.definition.rooms[player.room].flags
    if effect is None or "no_magic" in room_flags or (spell.harmful and world.no_combat(player.room)):
        return events + [SpellTold(player_id, spell.key, "spell_cast_here")]
    silenced = room_spells.cast_check(world, player, spell, events)  # a silence: its caster breaks it, others are stopped
    if silenced is not None:
        return events + [silenced]
    targets = [world.object(t) or held_target(world, player, t) for t in target_ids]  # or an item it carries
    if spell.targets is not None and spell.targets > 0 and len(targets) != spell.targets:
        return events  # the client sent the wrong number of targets: nothing said
    if any(t is None for t in targets):
        return events
    found = [t for t in targets if t is not None]
    power = _power(world, player, spell)
    refusal = effect.refusal(world, player, spell, found)
    if isinstance(refusal, tuple):
        purpose, named = refusal
        return events + [SpellTold(player_id, spell.key, purpose, named)]
    if refusal is not None:
        return events + [refusal]
    refused = _cannot_pay(world, player, spell, found, power, now)
    if refused is None:  # CanCastHere: a song of the room may stop it (spellbane)
        refused = songs.cast_refusal(world, player, spell, power)
    if refused is not None:
        return events + refused
    if spell.harmful:  # CheckPlayerAttack: a harmful spell at a player follows the rules of a blow
        attack = _attack_refusal(world, player, found) or room_spells.monster_fight_refusal(
            world, player, found, whole_room=spell.outlaw and not spell.targets)
        if attack is not None:
            return events + [attack]
        if any(isinstance(t, Player) and t is not player for t in found):
            player.attacked_player_at = world.game_time  # CheckStatusAndSafety records it
    # PayCosts: the chance to fizzle, then mana, exertion and reagents
    roll = world.roll_for("cast", player_id, spell.number, now)
    stats = player.stats
    vigor = spell.vigor or 0
    if roll(1, 100) > _success_chance(world, player, spell, found, power):
        stats.mana = max(0, stats.mana - rules.failed_mana(spell.mana or 0, power))
        world._exert(player, div(EXERTION_PER_VIGOR * vigor, 2))
        events += [SpellTold(player_id, spell.key, "spell_failed", fail_sound=True), VitalsChanged(player_id)]
        return events
    stats.mana = max(0, stats.mana - rules.mana_cost(spell.mana or 0, power))
    world._exert(player, EXERTION_PER_VIGOR * vigor)
    world.items.use_up(player.character_id, player_id, [(r.kind, r.count) for r in spell.reagents], f"spell {spell.key}", events)
    events.append(VitalsChanged(player_id))
    _murmur(world, player, spell, found, events)
    trance = songs.trance_ms(world, player, rules.trance_ms(spell.cast_time or 0, power))
    held = tuple(t.object_id for t in found)
    begin = getattr(effect, "begin_trance", None)
    if begin is not None:  # a spell with a trance of its own (elusion: what it holds, how long)
        held, trance = begin(world, player, spell, power, events)
    if trance > 0:  # BeginCastingTrance: the spell goes off when the trance ends
        player.trance = (spell.key, held, round(world.game_time * 1000) + trance)
        events.append(SpellTold(player_id, spell.key, "spell_trance"))
        return events
    _go_off(world, player, spell, found, power, events)
    return _bars_once(events)


def _bars_once(events: list[WorldEvent]) -> list[WorldEvent]:
    """One VitalsChanged per player, the last: the bars are sent as they end up."""
    last = {e.player_id: i for i, e in enumerate(events) if isinstance(e, VitalsChanged)}
    return [e for i, e in enumerate(events) if not isinstance(e, VitalsChanged) or last[e.player_id] == i]


#: Players closer than this (squared, in squares) see a caster begin (SPELL_MURMUR_SQUARED).
MURMUR_SQUARED = 64


def _murmur(world: World, player: Player, spell: SpellDefinition, targets: list[Thing], events: list[WorldEvent]) -> None:
    """BeginCastingTrance's murmur: the other players near the caster see it."""
    row, col = square_of(player.y, player.x)
    hearers = []
    for other in world.players_here(player.room):
        o_row, o_col = square_of(other.y, other.x)
        if other is not player and (row - o_row) ** 2 + (col - o_col) ** 2 < MURMUR_SQUARED:
            hearers.append(other.object_id)
    if hearers:
        target = targets[0].object_id if spell.targets == 1 and targets else 0
        events.append(SpellMurmured(player.object_id, spell.key, target, tuple(hearers)))


def break_trance(player: Player, events: list[WorldEvent], world: World | None = None, *, cause: str = "", what: str = "") -> None:
    """The caster's trance ends before its spell goes off (BreakTrance, TranceBroken): it
    is told and hears the fizzle; the costs stay paid. A song it sings ends too, unless
    what broke it (``cause``: "cast" of the spell ``what``, "use" of the item kind
    ``what``, "attack", "run") is one the song bears (a necklace of Jala)."""
    if player.trance is not None:
        events.append(SpellTold(player.object_id, player.trance[0], "spell_trance_broken", fail_sound=True))
        player.trance = None
    if world is not None:
        illusions.trance_broken(world, player, events)
        songs.trance_broken(world, player, events, cause, what)


def run_trances(world: World, events: list[WorldEvent]) -> None:
    """Trances that ended go off (trance.kod EndEnchantment): with the power of now, on
    the targets still in the world, unless the caster rests (DoubleCheckAfterTrance)."""
    now_ms = round(world.game_time * 1000)
    # collected first: a spell going off may change who is in the world
    due = [p for p in world._players.values() if p.trance is not None and p.trance[2] <= now_ms]
    for player in due:
        if player.trance is None:  # broken by an earlier one this tick
            continue
        key, target_ids, _ = player.trance
        player.trance = None
        spell = (world.definition.spells or {}).get(key)
        if spell is None:
            continue
        if player.resting:
            events.append(SpellTold(player.object_id, key, "spell_no_rest"))
            continue
        ended = getattr(EFFECTS.get(spell.effect), "trance_ended", None)
        if ended is not None:  # its own check after the trance (DoubleCheckAfterTrance)
            ended(world, player, spell, target_ids, events)
            continue
        found = [t for t in (world.object(i) or held_target(world, player, i) for i in target_ids) if t is not None]
        if len(found) != len(target_ids):
            continue
        _go_off(world, player, spell, found, _power(world, player, spell), events)


def heard_in_trance(world: World, player: Player, text: str, events: list[WorldEvent]) -> None:
    """A player in a trance said something (user.kod SomethingSaidDuringTrance): the
    spell hears it, if it listens (elusion's destination); the words are said all the same."""
    if player.trance is None:
        return
    spell = (world.definition.spells or {}).get(player.trance[0])
    heard = getattr(EFFECTS.get(spell.effect), "heard", None) if spell is not None else None
    if spell is not None and heard is not None:
        held = player.trance[1]
        heard(world, player, spell, held, text, events)


def _go_off(world: World, player: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent]) -> None:
    """CastSpell: the effect, then the improvement, the sound, the school's casts and the
    brand for helping an outlaw."""
    targets, power = wards.deflection(world, player, spell, targets, power, events)  # a victim's deflect
    if EFFECTS[spell.effect].apply(world, player, spell, targets, power, events) is False:
        return  # it stopped short (a song drowned out)
    _improve(world, player, spell, targets, events)
    events.append(SpellCast(player.object_id, spell.key, player.room))
    room_spells.after_cast(world, player, spell, events)  # a bane in the room against its school
    player.school_casts[spell.school] = player.school_casts.get(spell.school, 0) + (spell.level or 1)
    if not spell.harmful and not (player.outlaw or player.murderer):
        if any(isinstance(t, Player) and t is not player and (t.outlaw or t.murderer) for t in targets):
            player.outlaw = True
            events.append(PlayerOutlawed(player.object_id))


def _cannot_pay(world: World, player: Player, spell: SpellDefinition, targets: list[Thing], power: int, now: float) -> list[WorldEvent] | None:
    """CanPayCosts after the spell's own checks: resting, the attack timer, vigor, mana,
    reagents, karma, range, and helping outlaws. What the caster is told, if refused."""
    told = _refusal(world, player, spell, targets, power, now)
    return None if told is None else [told] if told.purpose else []


def _refusal(world: World, player: Player, spell: SpellDefinition, targets: list[Thing], power: int, now: float) -> SpellTold | None:
    from emulator.world.world import _pk_status

    key, stats = spell.key, player.stats
    if player.resting:
        return SpellTold(player.object_id, key, "spell_no_rest")
    forgotten = hexes.forgotten_refusal(world, player, spell)  # a forget on the caster
    if forgotten is not None:
        return forgotten
    # IsOkayAttackTime: casts and swings share one timer, here the time of the last one
    if player.last_attack_at is not None and (now - player.last_attack_at) < spell.post_cast:
        return SpellTold(player.object_id, key, "")  # nothing said
    player.last_attack_at = now
    if spell.vigor and stats.vigor <= spell.vigor:
        return SpellTold(player.object_id, key, "spell_too_tired")
    if stats.mana < rules.mana_cost(spell.mana or 0, power):
        return SpellTold(player.object_id, key, "spell_no_mana", fail_sound=True)
    if not world.items.has_units(player.character_id, [(r.kind, r.count) for r in spell.reagents]):
        return SpellTold(player.object_id, key, "spell_no_reagents", fail_sound=True)
    if not rules.karma_allows(spell.school, spell.level or 1, stats.karma):
        return SpellTold(player.object_id, key, "spell_not_good_enough" if spell.school == "shalille" else "spell_not_evil_enough")
    for target in targets:
        if target is not player and target.room != player.room and not held_by(target, player):
            return SpellTold(player.object_id, key, "")  # not in range: the original says nothing
        # a single-target spell at a fighter: not at one behind the caster
        if spell.targets == 1 and target is not player and (isinstance(target, Player) or world._monsters.by_id.get(target.object_id)):
            row, col = square_of(player.y, player.x)
            if not rules.in_view(player.angle, row, col, *square_of(target.y, target.x)):
                return SpellTold(player.object_id, key, "spell_not_in_view")
    if not spell.harmful:  # CheckPlayerHelp: helping an outlaw or murderer brands the helper
        for target in targets:
            if isinstance(target, Player) and target is not player and (target.outlaw or target.murderer):
                if not _pk_status(player).pkill_enabled:
                    return SpellTold(player.object_id, key, "spell_help_unlawful_angel", target.object_id)
                if player.safety:
                    return SpellTold(player.object_id, key, "spell_help_unlawful_safety", target.object_id)
    return None


def _attack_refusal(world: World, player: Player, targets: list[Thing]) -> PlayerAttackRefused | None:
    from emulator.world.world import _pk_status

    flags = world.definition.rooms[player.room].flags
    for target in targets:
        if isinstance(target, Player) and target is not player:
            refusal = attack_refusal(_pk_status(player), _pk_status(target, world), player.safety, flags, world.rules.player_killing)
            if refusal is not None:
                return PlayerAttackRefused(player.object_id, target.object_id, refusal.value)
    return None


def _power(world: World, player: Player, spell: SpellDefinition) -> int:
    stats = player.stats
    capacity = world.items.capacity(stats.might)
    power = rules.spell_power(rules.PowerFigures(
        ability=player.spells.get(spell.key, 0), school=spell.school, karma=stats.karma, hour=world.game_hour,
        room_population=len(world.room_objects(player.room)),
        health=stats.health, max_health=stats.max_health, vigor=stats.vigor,
        bulk_held=world.items.load_of(player.character_id)[1], bulk_max=capacity,
        instrument=songs.instrument_level(world, player),
    ))
    power = songs.power_change(world, player, spell, power)  # a song of the room may raise it (mana convergence)
    return room_spells.spell_power(world, player.room, spell, power)  # an anti-magic aura's loss


def _requisite(player: Player, spell: SpellDefinition) -> int:
    return int(getattr(player.stats, rules.requisite_stat_name(spell.school)))


def _success_chance(world: World, player: Player, spell: SpellDefinition, targets: list[Thing], power: int) -> int:
    """SuccessChance, with its penalty for a single target out of sight: the farther, the
    worse, at most halved."""
    chance = songs.success_chance(world, player, spell, _requisite(player, spell), power)  # a hinder song's cut
    if spell.targets == 1 and targets and targets[0] is not player:
        target = targets[0]
        row, col = square_of(player.y, player.x)
        t_row, t_col = square_of(target.y, target.x)
        if not line_of_sight(world._rooms[player.room].geometry, row, col, t_row, t_col):
            distance = div((row - t_row) ** 2 + (col - t_col) ** 2, 4)
            if distance > div(chance, 2):
                chance = div(chance, 2)
            elif distance < div(chance, 2):
                chance -= distance
    return chance


def _improve(world: World, player: Player, spell: SpellDefinition, targets: list[Thing], events: list[WorldEvent]) -> None:
    """ImproveAbility: never in a room where death is safe; the two gates of the rules."""
    if "safe_death" in world.definition.rooms[player.room].flags:
        return
    ability = player.spells.get(spell.key, 0)
    requisite = _requisite(player, spell)
    others: dict[str, int] = {}
    for key in player.spells:  # GetTotalLearnPoints: the highest level known in each other school
        known = (world.definition.spells or {}).get(key)
        if known is None or known.school in (spell.school, "dm_command") or known.family == "blink" or key == "blink":
            continue
        others[known.school] = max(others.get(known.school, 0), known.level or 0)
    target = targets[0] if targets else None
    monster = world._monsters.by_id.get(target.object_id) if target is not None else None
    chance = rules.improvement_chance(
        requisite, spell.level or 1, sum(others.values()), ability, player.school_casts.get(spell.school, 0),
        difficulty=monster.level if monster is not None else rules.DEFAULT_DIFFICULTY,
    )
    roll = world.roll_for("improve", player.object_id, spell.number, ability)
    if rules.improves(roll, rules.initial_improve_chance(spell.chance_to_increase, player.stats.intellect), ability, chance):
        player.spells[spell.key] = min(rules.MAX_ABILITY, ability + 1)
        player.school_casts[spell.school] = 0  # ResetSchoolCast
        events.append(SpellImproved(player.object_id, spell.key, player.room))
