"""Wall spells (wallspel.kod, its spells and their elements): a spell places elements on
squares in front of its caster (ring of flames: around its target); each is an object of
its room, shown to the players there as it appears (BP_CREATE) and as it goes
(BP_REMOVE) when its own time is up.

* Fog (summfog.kod, fogcloud.kod): nine clouds that only hide what is behind them.
* Bramble wall (brmblwll.kod, BRAMBLE.kod): five patches across the caster's way; a
  player who steps onto one is scratched: nothing for its caster or one the caster may
  not attack (the player-killing rules, as a blow), else up to the wall's most (by the
  power), at least 1 as any blow; a scratch may kill.
* Poison fog (summpfog.kod, poisfogc.kod): nine clouds; one who breathes them may be
  poisoned (``poison.py``), by odds that grow with the power.
* Walls of fire and lightning, ring of flames (firewall.kod, ltngwall.kod, rngflame.kod,
  wallfire.kod, wallltng.kod): five elements with passive fillers between (eight around
  the target and four fillers, for the ring) that burn whoever is in them, players and
  monsters, up to the wall's most; a burn may kill.

An active element acts once per effect interval (1.5 s) on each player or monster on its
square: on a player who walks onto it, and every interval on whoever stands in it
(brambles only on those who walk in); never on its caster, on a player in a room where
fights are never allowed or one who has not moved since entering the room, and a player
the caster may not attack reads that it is unaffected (wallelem.kod CheckForEffect).

The world keeps them in :class:`Walls` (``World.walls``): the tick ends them and runs
the intervals, a move asks them about the mover's new square. Work is proportional to
the elements that stand, never to the world. They are not in the world snapshot: a
restart clears them, as it clears any summoned object.

Monsters are caught as they step (after their move in the tick) and, but by brambles and
spore clouds, standing in an element each interval; webs and poison fog leave them be.

Not yet: attacking brambles (the original's patches are monsters with hit points); the sounds of a scratch, a burn or a cough; the walls'
light; monsters' resistances; a wall whose caster has left the world acts on
nobody."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from emulator.content.model import FINENESS, SpellDefinition, square_of
from emulator.rules.combat import MAX_RESISTANCE, SpellDamage, monster_damage_taken, player_damage_taken
from emulator.rules.dice import Roll, roll_with
from emulator.rules.pvp import attack_refusal
from emulator.rules.spells import walls as rules
from emulator.world.events import MonsterKilled, ObjectEntered, ObjectLeft, ObjectMoved, SpellTold, VitalsChanged, WorldEvent
from emulator.world.monsters import Monster
from emulator.world.spells import poison
from emulator.world.enchantments import Effect
from emulator.world.objects import Player, Thing
from emulator.world.sight import line_of_sight

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "FIRST_WALL_ID", "LAST_WALL_ID", "WallElement", "Walls", "monsters_moved", "run", "stepped", "stuck"]

FIRST_WALL_ID = 0x0030_0000  # below the bodies' range, far above rooms and placed objects
LAST_WALL_ID = 0x003F_FFFF


@attrs.define(eq=False)
class WallElement(Thing):
    """One element of a wall: ``spell`` is the spell that placed it (its look and words)."""

    spell: str = ""
    caster_id: int = 0
    ends_ms: int = 0  # game time it goes
    strength: int = 0  # the most a scratch or a burn takes; poison fog's odds in percent
    active: bool = True  # False: a filler that only shows
    touched: set[int] = attrs.field(factory=set)  # who it acted on this interval
    interval_ends_ms: int = 0


@attrs.define
class Walls:
    """Every standing wall element, by id and by room."""

    by_id: dict[int, WallElement] = attrs.field(factory=dict)
    rooms: dict[str, dict[int, WallElement]] = attrs.field(factory=dict)
    next_serial: int = 0

    def in_room(self, room: str) -> list[WallElement]:
        return list(self.rooms.get(room, {}).values())

    def fresh_id(self) -> int:
        span = LAST_WALL_ID - FIRST_WALL_ID + 1
        for _ in range(span):
            object_id = FIRST_WALL_ID + self.next_serial % span
            self.next_serial += 1
            if object_id not in self.by_id:
                return object_id
        raise RuntimeError("no wall element ids left")

    def add(self, element: WallElement) -> None:
        self.by_id[element.object_id] = element
        self.rooms.setdefault(element.room, {})[element.object_id] = element

    def remove(self, element: WallElement) -> None:
        self.by_id.pop(element.object_id, None)
        here = self.rooms.get(element.room)
        if here is not None:
            here.pop(element.object_id, None)
            if not here:
                del self.rooms[element.room]


def _roll(world: World, what: str, *keys: object) -> Roll:
    return roll_with(random.Random(":".join(str(k) for k in (world.seed, what, world.tick_count, *keys))))


def _now_ms(world: World) -> int:
    return round(world.game_time * 1000)


#: The effects whose elements act each interval on who stands in them (not brambles).
PERIODIC = frozenset({"poison_fog", "damage_wall", "ring_of_flames", "spider_web", "illusion_wall"})
#: The flag of one stuck in a web (the original's PFLAG_NO_MOVE): its moves are refused.
NO_MOVE = "no_move"


def _over_limit(world: World, room: str, spell: SpellDefinition) -> bool:
    """CheckForSummoningLimit: the room's summoned objects and the new ones together."""
    elements = spell.figure("elements", 9)
    return len(world.walls.in_room(room)) + elements > rules.SUMMONED_OBJECT_LIMIT


def _figure_line(spell: SpellDefinition, name: str, power: int) -> int:
    """A figure the import read as bound(power * per / div + plus, min, max)."""
    parts = (spell.figure(f"{name}_per"), spell.figure(f"{name}_div", 1), spell.figure(f"{name}_plus"),
             spell.figure(f"{name}_min"), spell.figure(f"{name}_max", 1_000_000))
    return rules.bounded_line(parts, power)


def _place(
    world: World, caster: Player, spell: SpellDefinition, room_key: str, placed: list[rules.Placed],
    duration_ms: Callable[[Roll], int], strength: int, events: list[WorldEvent],
) -> None:
    """NewHold of each element on its square (within the room's grid), each with its own
    time."""
    room = world._rooms[room_key]
    now = _now_ms(world)
    for index, (row, col, fine_row, fine_col, active) in enumerate(placed):
        if not room.inside(row, col):
            continue
        roll = _roll(world, "wall", caster.object_id, spell.number, index)
        element = WallElement(
            world.walls.fresh_id(), None, room_key, row * FINENESS + fine_row, col * FINENESS + fine_col, 0, "",
            spell=spell.key, caster_id=caster.object_id, ends_ms=now + duration_ms(roll), strength=strength,
            active=active, interval_ends_ms=now + rules.period_ms(roll),
        )
        world.walls.add(element)
        events.append(ObjectEntered(room_key, element.object_id))


def run(world: World, events: list[WorldEvent]) -> None:
    """A world tick: elements whose time is up go; those whose interval ended forget whom
    they touched and act on who stands in them."""
    now = _now_ms(world)
    for element in list(world.walls.by_id.values()):
        if element.ends_ms <= now:
            world.walls.remove(element)
            events.append(ObjectLeft(element.room, element.object_id))
        elif element.interval_ends_ms <= now:
            element.touched.clear()
            element.interval_ends_ms = now + rules.period_ms(_roll(world, "wall-interval", element.object_id))
            spell = world.definition.spells.get(element.spell)
            if element.active and spell is not None and spell.effect in PERIODIC:
                _periodic(world, element, spell, events)


def _periodic(world: World, element: WallElement, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """PeriodicEffect: who stands on the element's square."""
    square = square_of(element.y, element.x)
    for victim in [*world.players_in(element.room), *world._monsters.in_room(element.room)]:
        if square_of(victim.y, victim.x) == square and world.walls.by_id.get(element.object_id) is element:
            _act_on(world, element, spell, victim, events)


def monsters_moved(world: World, events: list[WorldEvent], since: int) -> None:
    """SomethingMoved for the monsters that stepped this tick (their moves among
    ``events[since:]``), in rooms where walls stand."""
    if not world.walls.rooms:
        return
    for event in events[since:]:
        if isinstance(event, ObjectMoved) and event.room in world.walls.rooms:
            monster = world._monsters.by_id.get(event.object_id)
            if monster is not None and monster.room == event.room:
                stepped(world, monster, events)


def stepped(world: World, mover: Thing, events: list[WorldEvent]) -> None:
    """SomethingMoved: a player's or monster's move ended on an element's square (within
    a spore cloud's reach, in its sight)."""
    here = world.walls.rooms.get(mover.room)
    if not here:
        return
    row, col = square_of(mover.y, mover.x)
    for element in list(here.values()):
        if not element.active:
            continue
        spell = world.definition.spells.get(element.spell)
        if spell is None:
            continue
        e_row, e_col = square_of(element.y, element.x)
        if spell.effect == "spore_burst":
            geometry = world._rooms[element.room].geometry
            reach = element.strength
            if (row - e_row) ** 2 + (col - e_col) ** 2 > reach * reach or not line_of_sight(geometry, e_row, e_col, row, col):
                continue
        elif (e_row, e_col) != (row, col):
            continue
        if world.object(mover.object_id) is mover:  # not killed by another element meanwhile
            _act_on(world, element, spell, mover, events)


def _act_on(world: World, element: WallElement, spell: SpellDefinition, victim: Thing, events: list[WorldEvent]) -> None:
    if spell.effect == "bramble_wall":
        _scratch(world, element, spell, victim, events)
        return
    if spell.effect not in PERIODIC and spell.effect != "spore_burst":
        return
    from emulator.world.world import _pk_status

    caster = world._players.get(element.caster_id)
    if caster is None or victim is caster or victim.object_id in element.touched:
        return
    if isinstance(victim, Player):
        if world.no_combat(victim.room) or not victim.moved_since_entry:
            return
        flags = world.definition.rooms[victim.room].flags
        if attack_refusal(_pk_status(caster), _pk_status(victim), caster.safety, flags, world.rules.player_killing) is not None:
            element.touched.add(victim.object_id)
            events.append(SpellTold(victim.object_id, spell.key, "unaffected"))
            return
    elif not isinstance(victim, Monster):
        return
    element.touched.add(victim.object_id)
    roll = _roll(world, "wall-effect", element.object_id, victim.object_id)
    if spell.effect == "poison_fog":
        _breathe(world, element, spell, caster, victim, roll, events)
    elif spell.effect == "spore_burst":
        _hold(world, element, spell, victim, events)
    elif spell.effect == "spider_web":
        _stick(world, element, spell, victim, roll, events)
    elif spell.effect == "illusion_wall":
        _wound(world, element, spell, caster, victim, roll, events)
    else:
        _burn(world, element, spell, caster, victim, roll, events)


def _breathe(world: World, element: WallElement, spell: SpellDefinition, caster: Player, victim: Thing, roll: Roll,
             events: list[WorldEvent]) -> None:
    """poisfogc.kod DoEffect: by the cloud's odds a poisoning (again, on one already
    poisoned, one time in its chance); monsters are not poisoned."""
    if not isinstance(victim, Player):
        return
    if roll(1, 100) < element.strength:
        poisoned = bool(poison.doses(world, victim.object_id))
        if not poisoned or roll(1, spell.figure("repoison_chance", 30)) == 1:
            events.append(SpellTold(victim.object_id, spell.key, "inhaled"))
            poison.make_poisoned(world, victim, spell.figure("poison_rate"), spell.figure("poison_ms"), events)
            caster.did_damage = True
    else:
        events.append(SpellTold(victim.object_id, spell.key, "unaffected"))


def _hold(world: World, element: WallElement, spell: SpellDefinition, victim: Thing, events: list[WorldEvent]) -> None:
    """asburstc.kod DoEffect and the hold spell's DoHold: held (the ``held`` flag) for the
    hold's base time and the cloud's reach more, in seconds, unless already held by it or
    free to act; a player reads the hold's words."""
    number = spell.figure("hold_number")
    hold = next((s for s in world.definition.spells.values() if s.number == number), None)
    if hold is None or world.is_enchanted(victim.object_id, hold.key) or world.enchantment_flag(victim.object_id, "free_action"):
        return
    seconds = spell.figure("hold_base", 5) + element.strength
    started = world.enchant(victim.object_id, hold.key, seconds * 1000, Effect(flags={"held"}))
    if started.enchantment is None:
        return
    events += started.events
    if isinstance(victim, Player):
        events.append(SpellTold(victim.object_id, spell.key, "held"))


def _stick(world: World, element: WallElement, spell: SpellDefinition, victim: Thing, roll: Roll,
           events: list[WorldEvent]) -> None:
    """web.kod DoEffect and summweb.kod DoHold: a player not already stuck is, for up
    to the web's most in seconds (its moves refused: ``no_move``), and reads the words
    for how long."""
    if not isinstance(victim, Player) or world.is_enchanted(victim.object_id, spell.key):
        return
    seconds = rules.web_hold_seconds(roll, element.strength)
    if seconds > 0:
        started = world.enchant(victim.object_id, spell.key, seconds * 1000, Effect(flags={NO_MOVE}))
        events += started.events
    events.append(SpellTold(victim.object_id, spell.key, rules.stuck_purpose(seconds)))


def _wound(world: World, element: WallElement, spell: SpellDefinition, caster: Player, victim: Thing, roll: Roll,
           events: list[WorldEvent]) -> None:
    """wallfire.kod DoEffect for an illusion: an illusionary wound (illwound.kod), never
    the last point, that heals when its time is up; a player reads the fire's words for
    it. Wounds are kept on the victim as the wall spell's own enchantment (no icon), its
    state the health they took and the time they have left."""
    power = element.strength
    if power < rules.ILLUSION_LEAST_POWER:
        return
    caster.did_damage = True
    monster = world._monsters.by_id.get(victim.object_id)
    if isinstance(victim, Player):
        stats = victim.stats
        most = rules.wound_most(power, rules.player_wound_base(stats.intellect), stats.max_health, stats.health)
    elif monster is not None:
        most = rules.wound_most(power, rules.monster_wound_base(monster.difficulty), monster.max_hit_points, monster.hit_points)
    else:
        return
    taken = roll(0, most)
    if taken > 0:
        if isinstance(victim, Player):
            victim.stats.health -= taken
            events.append(VitalsChanged(victim.object_id))
        elif monster is not None:
            monster.hit_points -= taken
        found = world.enchantments.find(victim.object_id, spell.key)
        if found is not None and isinstance(found.state, dict):  # more wounds heal with the first
            found.state = {**found.state, "wounds": int(found.state.get("wounds", 0)) + taken}
        else:
            parts = (spell.figure("wound_ms_plus"), spell.figure("wound_ms_per"), spell.figure("wound_ms_min"),
                     spell.figure("wound_ms_max", 1_000_000))
            left = max(parts[2], min(parts[3], parts[0] + parts[1] * power))
            events += world.enchant(victim.object_id, spell.key, None, Effect(shown=False),
                                    state={"wounds": taken, "left_ms": left}).events
    if isinstance(victim, Player):
        events.append(SpellTold(victim.object_id, spell.key, rules.burn_purpose(taken)))


def heal_wounds(world: World, events: list[WorldEvent]) -> None:
    """A world tick of the illusionary wounds: their time runs down (not while their
    bearer is away); when it is up the health they took comes back (illwound.kod
    EndEnchantmentEffects) and a player reads that they were illusions."""
    step = round(world.rules.tick_interval * 1000)
    spells = world.definition.spells
    # every tick: asked of the few enchantments on, not of the whole spell table
    wounds = [
        e for found in world.enchantments.by_target.values() for e in found
        if (spell := spells.get(e.spell)) is not None and spell.effect == "illusion_wall"
    ]
    for wound in wounds:
        if not isinstance(wound.state, dict):
            continue
        left = int(wound.state.get("left_ms", 0)) - step
        if left > 0:
            wound.state = {**wound.state, "left_ms": left}
            continue
        healed = int(wound.state.get("wounds", 0))
        events += world.disenchant(wound.target_id, wound.spell, report=False)
        player = world._players.get(wound.target_id)
        monster = world._monsters.by_id.get(wound.target_id)
        if player is not None and player.stats.health > 0:
            player.stats.health = min(player.stats.max_health, player.stats.health + healed)
            events += [VitalsChanged(player.object_id), SpellTold(player.object_id, wound.spell, "wounds_healed")]
        elif monster is not None and monster.hit_points > 0:
            monster.hit_points = min(monster.max_hit_points, monster.hit_points + healed)


def stuck(world: World, player_id: int) -> bool:
    """Whether a player's moves are refused: stuck in a web."""
    return world.enchantment_flag(player_id, NO_MOVE)


def _burn(world: World, element: WallElement, spell: SpellDefinition, caster: Player, victim: Thing, roll: Roll,
          events: list[WorldEvent]) -> None:
    """wallfire.kod and wallltng.kod DoEffect: up to the wall's most, as a blow without
    its report; the victim player reads the words for its size; a kill counts as the
    caster's."""
    from emulator.world.world import _pk_status

    caster.did_damage = True
    if isinstance(victim, Player):
        stats = victim.stats
        victim_status = _pk_status(victim)
        taken = player_damage_taken(roll(0, element.strength), stats.health, stats.max_health,
                                    resistance=_resistance(world, victim, spell), outlaw_or_murderer=not victim_status.innocent)
        stats.health = max(0, stats.health - taken)
        events += [SpellTold(victim.object_id, spell.key, rules.burn_purpose(taken)), VitalsChanged(victim.object_id)]
        if stats.health <= 0:
            world._player_killed_player(caster, victim, _pk_status(caster), victim_status, events, spell=spell.key)
        return
    _hurt_monster(world, caster, victim, roll(0, element.strength), roll, events)


def _resistance(world: World, victim: Player, spell: SpellDefinition) -> int:
    """The victim's resistance to the wall's spell type (fire, shock), in percent, from
    its enchantments (resist fire, resist shock...)."""
    found = sum(world.enchantment_modifier(victim.object_id, f"resist_{kind.name.lower()}")
                for kind in SpellDamage if kind.name and kind & spell.damage_spell and kind is not SpellDamage.ALL)
    return min(MAX_RESISTANCE, found)


def _hurt_monster(world: World, caster: Player, victim: Thing, damage: int, roll: Roll, events: list[WorldEvent]) -> None:
    """A monster's AssessDamage without report: at least 1; a kill is the caster's."""
    monster = world._monsters.by_id.get(victim.object_id)
    if monster is None:
        return
    monster.hit_points -= monster_damage_taken(damage)
    if monster.hit_points <= 0:
        world._monsters.remove(monster)
        corpse = world._leave_remains(monster, world.game_time, events)
        events.append(MonsterKilled(
            monster.room, monster.object_id, monster.kind or "", caster.object_id, world._karma_for_kill(caster, monster),
            corpse_id=corpse,
        ))
        world._advance_after_kill(caster, monster, roll, events)


def _scratch(world: World, element: WallElement, spell: SpellDefinition, victim: Thing, events: list[WorldEvent]) -> None:
    """BRAMBLE.kod CheckForEffect and ScratchPerson."""
    from emulator.world.world import _pk_status

    if victim.object_id in element.touched:
        return
    element.touched.add(victim.object_id)
    caster = world._players.get(element.caster_id)
    if caster is None:
        return
    if not isinstance(victim, Player):
        roll = _roll(world, "scratch", element.object_id, victim.object_id)
        _hurt_monster(world, caster, victim, roll(0, element.strength), roll, events)
        caster.did_damage = True
        return
    if caster is victim:  # it spares its caster
        events.append(SpellTold(victim.object_id, spell.key, "scratch_0"))
        return
    flags = world.definition.rooms[victim.room].flags
    refused = attack_refusal(_pk_status(caster), _pk_status(victim), caster.safety, flags, world.rules.player_killing)
    if refused is not None:
        events.append(SpellTold(victim.object_id, spell.key, "scratch_0"))
        return
    roll = _roll(world, "scratch", element.object_id, victim.object_id)
    stats = victim.stats
    victim_status = _pk_status(victim)
    taken = player_damage_taken(roll(0, element.strength), stats.health, stats.max_health,
                                outlaw_or_murderer=not victim_status.innocent)
    stats.health = max(0, stats.health - taken)
    caster.did_damage = True
    events += [SpellTold(victim.object_id, spell.key, rules.scratch_purpose(taken)), VitalsChanged(victim.object_id)]
    if stats.health <= 0:
        world._player_killed_player(caster, victim, _pk_status(caster), victim_status, events, spell=spell.key)


Placing = Callable[[Player, list[Thing], SpellDefinition, int], list[rules.Placed]]


def _ahead(squares: Callable[[int, int, int], list[tuple[int, int]]]) -> Placing:
    """Whole squares in front of the caster, at its place within its own square."""
    def placed(caster: Player, targets: list[Thing], spell: SpellDefinition, power: int) -> list[rules.Placed]:
        fine_row, fine_col = caster.y % FINENESS, caster.x % FINENESS
        return [(r, c, fine_row, fine_col, True) for r, c in squares(caster.angle, *square_of(caster.y, caster.x))]
    return placed


def _line(caster: Player, targets: list[Thing], spell: SpellDefinition, power: int) -> list[rules.Placed]:
    return rules.line_with_fillers(caster.angle, *square_of(caster.y, caster.x), caster.y % FINENESS, caster.x % FINENESS)


def _ring(caster: Player, targets: list[Thing], spell: SpellDefinition, power: int) -> list[rules.Placed]:
    target = targets[0] if targets else caster
    return rules.ring_squares(*square_of(target.y, target.x))


class _Wall:
    """A wall spell: the room's summoning limit, then its elements in front of the caster
    (or around its target), each with its own time from the wall's base."""

    def __init__(
        self, placed: Placing,
        duration_ms: Callable[[SpellDefinition, Roll, int], int],
        strength: Callable[[SpellDefinition, int], int] = lambda spell, power: 0,
    ) -> None:
        self.placed, self.duration_ms, self.strength = placed, duration_ms, strength

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if spell.targets == 1:
            target = targets[0] if targets else caster
            if not isinstance(target, Player) and world._monsters.by_id.get(target.object_id) is None:
                return "spell_bad_target", target.object_id
        return ("summon_limit", 0) if _over_limit(world, caster.room, spell) else None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        if _over_limit(world, caster.room, spell):  # DoubleCheckAfterTrance: others may have filled the room meanwhile
            events.append(SpellTold(caster.object_id, spell.key, "summon_limit"))
            return
        target = targets[0] if targets else caster
        if spell.targets == 1:
            if target.room != caster.room:
                return
            events.append(SpellTold(target.object_id, spell.key, "target"))
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))
        else:
            events.append(SpellTold(caster.object_id, spell.key, "caster"))
        _place(world, caster, spell, target.room, self.placed(caster, targets, spell, power),
               lambda roll: self.duration_ms(spell, roll, power), self.strength(spell, power), events)


SUMMON_FOG = _Wall(_ahead(rules.fog_squares), lambda spell, roll, power: rules.fog_duration_ms(roll, power))
BRAMBLE_WALL = _Wall(_ahead(rules.bramble_squares), lambda spell, roll, power: rules.bramble_duration_ms(roll, power),
                     lambda spell, power: rules.bramble_damage_most(power))


def _element_ms(spell: SpellDefinition, roll: Roll, power: int) -> int:
    return rules.element_duration_ms(roll, _figure_line(spell, "base", power))


POISON_FOG = _Wall(_ahead(rules.fog_squares), _element_ms, lambda spell, power: _figure_line(spell, "odds", power))
DAMAGE_WALL = _Wall(_line, _element_ms, lambda spell, power: _figure_line(spell, "most", power))
#: An illusion's elements carry the power itself: the wounds are drawn from it.
ILLUSION_WALL = _Wall(_line, _element_ms, lambda spell, power: power)


def _spores(caster: Player, targets: list[Thing], spell: SpellDefinition, power: int) -> list[rules.Placed]:
    """All around the caster, as wide as its reach."""
    return rules.spore_squares(_figure_line(spell, "radius", power), *square_of(caster.y, caster.x))


#: Its clouds' time is the wall's base itself (no element draws its own).
SPORE_BURST = _Wall(_spores, lambda spell, roll, power: _figure_line(spell, "base", power) * 1000,
                    lambda spell, power: _figure_line(spell, "radius", power))
SPIDER_WEB = _Wall(_ahead(rules.fog_squares),
                   lambda spell, roll, power: rules.web_duration_ms(roll, _figure_line(spell, "base", power)),
                   lambda spell, power: _figure_line(spell, "hold", power))
RING_OF_FLAMES = _Wall(_ring, _element_ms, lambda spell, power: _figure_line(spell, "most", power))

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {
    "summon_fog": SUMMON_FOG, "bramble_wall": BRAMBLE_WALL, "poison_fog": POISON_FOG, "damage_wall": DAMAGE_WALL,
    "ring_of_flames": RING_OF_FLAMES, "spore_burst": SPORE_BURST, "spider_web": SPIDER_WEB, "illusion_wall": ILLUSION_WALL,
}
