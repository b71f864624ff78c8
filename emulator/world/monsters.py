"""Monsters that live in the world: spawning per room, wandering, noticing, chasing, healing.

Facts from the original (monster rooms and monster.kod), not its code:

* A room with a monster table fills up at start with between its initial minimum and
  maximum (no more than its spawn squares or its limit); then every spawn interval it tries
  once more, with the room's spawn percentage, while it holds fewer than its limit. The
  original divides the interval by five (its full-speed spawn rate with players about);
  here the world keeps spawning with nobody online, at that rate.
* A spawn picks its kind by a 1..100 roll against the table's running percentages (a roll
  past the table's total spawns nothing) and a random spawn square; here only among the
  spawn squares no monster stands on (none free: no spawn).
* A monster acts on its own timer: a wandering step every move delay, a chase step every
  chase delay (the rules' GetMoveTime and GetChaseTime). Aggressive ones notice the nearest
  player within their vision distance and in sight, chase it along open squares, and give
  up when it leaves the room or their sight range. A wounded monster heals a point on some
  steps (the rules' heal chances).
* A monster wounded below its wimpy figure (brain.kod's chase and attack behaviours) no
  longer swings: one that regroups walks to the nearest monster of its kind in the room
  (with none about it fights on), any other runs straight away from its attacker, trying
  the two neighbouring directions when a wall is in the way.
* A chasing monster whose target is within its attack range (and in sight) swings instead
  of stepping, then waits its attack delay (GetAttackTime): monster offence against the
  player's defence (its parry, block and dodge weighing in), its damage less the armour's
  share (and the shield's, on a block check) through the player's damage-taken rule; a
  miss is told by the player's defences. Monsters have no defence skills of their own
  (their misses are told by their dodge weight), and every monster's blow may be
  parried (the avar chieftain's may not in the original: not modelled). A player left at
  0 health is handed to the world, which sends it where the dead go.

Every step asks the room file (``can_step(..., monster=True)``), so no monster ever crosses
a wall. Work per tick is the monsters and rooms whose timers are due (a timer wheel keyed by
tick), never the whole population. All randomness comes from the world's per-tick
generator, and due monsters act in id order, so a seed and a number of ticks give the same
monsters in the same places, also after a snapshot and restore.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from emulator.content.model import MonsterChance, RoomDefinition, WorldDefinition, square_centre, square_of
from emulator.rules.combat import (
    health_below_wimpy,
    karma_same,
    monster_attack_delay_ms,
    monster_attack_range,
    monster_damage,
    monster_damage_taken,
    monster_defense,
    monster_offense,
    armour_damage_reduction,
    player_damage_taken,
    player_defense,
    roll_attack,
    monster_chase_delay_ms,
    monster_heals_on_chase_step,
    monster_heals_on_move_step,
    monster_max_hit_points,
    monster_move_delay_ms,
    monster_vision_distance,
)
from emulator.rules.dice import Roll, roll_with
from emulator.rules.spells.sickness import PALSY_DIVISOR, PALSY_SHARE
from emulator.rules.feedback import defence_of_miss, monster_blow_type
from emulator.rules.skills import DefenceAbilities
from emulator.world.events import MonsterAttacked, ObjectEntered, ObjectMoved, WorldEvent
from emulator.world.fighting import FightingSkills, Gear
from emulator.world.objects import Player, Thing
from emulator.world.resistances import attack_types
from emulator.world.roofile import RoomGeometry
from emulator.world.sight import line_of_sight

__all__ = [
    "FIRST_MONSTER_ID", "LAST_MONSTER_ID", "Monster", "MonsterPopulation", "SpawnRoom", "STEPS",
]

FIRST_MONSTER_ID = 0x0080_0000  # rooms and placed objects stay below, players start above
LAST_MONSTER_ID = 0x00FF_FFFF
WALK_SPEED = 18
FACE_TRAVEL = 0x80  # BP_MOVE speed bit: the client turns the object to face where it goes

# The original's defaults for a monster class that sets nothing (monster.kod, monsroom.kod).
DEFAULT_LEVEL = 25
DEFAULT_DIFFICULTY = 0
DEFAULT_SPEED = 0
DEFAULT_SPAWN_MS = 20_000
DEFAULT_LIMIT = 10
DEFAULT_INITIAL_MIN, DEFAULT_INITIAL_MAX = 1, 5
SPAWN_RATE_DIVISOR = 5  # the original's interval is divided by the players present, at most 5

AGGRESSIVE = frozenset({"fight_aggressive", "fight_hyperaggressive"})
KARMA_AGGRESSIVE = "fight_karma_aggressive"
NO_MOVE = "nomove"
REGROUP = "move_regroup"
CHASE_SEARCH_MARGIN = 2  # squares beyond the vision distance a chase path may go round

# One-square steps in a fixed order (the RNG indexes it), with the facing of each.
# ASSUMPTION (unverified against the client): angle 0 faces east, 1024 south.
STEPS: tuple[tuple[int, int, int], ...] = (
    (-1, 0, 3072), (-1, 1, 3584), (0, 1, 0), (1, 1, 512),
    (1, 0, 1024), (1, -1, 1536), (0, -1, 2048), (-1, -1, 2560),
)
_FACING = {(d_row, d_col): angle for d_row, d_col, angle in STEPS}


@attrs.define(eq=False)
class Monster(Thing):
    """A live monster. ``next_action`` is the tick its timer fires next."""

    level: int = DEFAULT_LEVEL
    difficulty: int = DEFAULT_DIFFICULTY
    speed: int = DEFAULT_SPEED
    karma: int | None = None
    hit_points: int = 1
    max_hit_points: int = 1
    moves: bool = True
    aggressive: bool = False
    karma_aggressive: bool = False
    next_action: int = 0
    target: int | None = None  # the player it chases
    wimpy: int = 0  # percent of its hit points under which it runs or regroups
    regroups: bool = False  # wounded, it seeks its own kind instead of running
    #: Made by a spell (vbSummoned): it keeps to its target anywhere in the room, is not
    #: saved, and its spell's code (``emulator/world/spells/``) sends it away.
    summoned: bool = False
    #: A monster it fights (a summoned creature set on one, or one that struck it back):
    #: while that one is alive in its room it chases and strikes it instead of players.
    foe: int | None = None
    #: A player it follows about its room without striking it (a seduced monster).
    leader: int | None = None

    @property
    def vision(self) -> int:
        return monster_vision_distance(self.difficulty)


@attrs.define(eq=False)
class SpawnRoom:
    """A room's monster table, spawn squares and limits, and what lives in it now."""

    key: str
    chances: tuple[MonsterChance, ...]
    spawns: tuple[tuple[int, int], ...]
    limit: int
    initial_min: int
    initial_max: int
    interval_ticks: int
    percent: int
    next_spawn: int = 0
    monsters: dict[int, Monster] = attrs.field(factory=dict)  # by id


PlayersIn = Callable[[str], Mapping[int, Player]]
#: The world's handling of a player a monster's blow left at 0 health (it moves the player).
OnDeath = Callable[[Player, "Monster", list[WorldEvent]], None]


#: The world's handling of a monster another monster's blow left at 0 hit points (its
#: body, its treasure, its leaving).
OnSlain = Callable[["Monster", "Monster", list[WorldEvent]], None]


#: A monster chasing an invisible player loses it once in this many chase steps.
INVISIBLE_LOST_ONE_IN = 50


class MonsterPopulation:
    """Every live monster of the world and every room's spawn bookkeeping."""

    def __init__(
        self,
        definition: WorldDefinition,
        geometry: Mapping[str, RoomGeometry | None],
        seed: int,
        tick_interval: float,
    ) -> None:
        self.definition = definition
        self.geometry = geometry
        self.seed = seed
        self.tick_ms = tick_interval * 1000
        self.rooms: dict[str, SpawnRoom] = {}
        for key in sorted(definition.rooms):
            room = spawn_room(definition, definition.rooms[key], self.ticks)
            if room is not None:
                self.rooms[key] = room
        self.by_id: dict[int, Monster] = {}
        self.next_serial = 0
        self._due_monsters: dict[int, list[Monster]] = {}
        self._due_rooms: dict[int, list[SpawnRoom]] = {}
        self._graphs: dict[str, WalkGraph] = {}
        self._blow_types: dict[str | None, int] = {}
        #: A player's worn armour (defence, damage reduction): the world sets it.
        self.armour_of: Callable[[int], tuple[int, int]] = lambda player_id: (0, 0)
        #: (target, weapon types, spell types) → the target's resistance modifier
        self.resistance_of: Callable[[int, int, int], int] = lambda target_id, weapon, spell: 0
        self._attack_bits: dict[str, tuple[int, int]] = {}
        #: A player's weapon and shield, and the world's skills: the world sets them.
        self.gear_of: Callable[[int], Gear] = lambda player_id: Gear()
        #: A blow's damage to a player after its wards (armor of Gort), before the damage-taken rule.
        self.ward_damage: Callable[[int, int, Roll], int] = lambda player_id, damage, roll: damage
        #: Whether a monster is palsied (a sickness): it strikes and hits at three quarters.
        self.palsied: Callable[[int], bool] = lambda monster_id: False
        self.fighting: FightingSkills | None = None
        #: A turn of a held, blinded or turned monster (the world sets it: ``holding.monster_turn``):
        #: the milliseconds to its next turn, or None to act as usual.
        self.hindrance: Callable[[Monster, random.Random, Mapping[int, Player], list[WorldEvent]], float | None] = (
            lambda monster, rng, players, events: None)
        #: What a player's enchantments do to a monster's swing at it (the world sets it:
        #: ``holding.defended``): the damage it takes (0 on a miss) after them.
        self.defended: Callable[[Monster, Player, int, list[WorldEvent]], int] = lambda monster, player, damage, events: damage
        #: The offence and the damage of a monster that fights as a player does (None:
        #: its own): the world sets it.
        self.fights_as: Callable[[Monster, Roll], tuple[int, Callable[[], int]] | None] = lambda monster, roll: None
        #: Whether a monster may strike a player (one made by a player's spell strikes as
        #: its summoner would; the brands it earns go to it): the world sets it.
        self.may_strike: Callable[[Monster, Player, list[WorldEvent]], bool] = lambda monster, player, events: True
        #: A monster's defence when another monster swings at it (None: its own): the world sets it.
        self.defends_as: Callable[[Monster], int | None] = lambda monster: None
        #: What happens to a monster killed by another: the world sets it.
        self.on_slain: OnSlain | None = None
        #: Whether a player is invisible (a chase may lose it): the world sets it.
        self.invisible: Callable[[int], bool] = lambda player_id: False
        #: What else a damaging hit on a player does (a poisoner's venom): the world sets it.
        self.on_hit: Callable[[Monster, Player, list[WorldEvent]], None] = lambda monster, player, events: None
        #: Whether monsters may strike in a room (room.kod ReqSomethingAttack): the world sets it.
        self.may_fight_in: Callable[[str], bool] = lambda room: True

    # ------------------------------------------------------------------ queries

    def in_room(self, room: str) -> list[Monster]:
        state = self.rooms.get(room)
        return [] if state is None else list(state.monsters.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Monster]:
        return iter(self.by_id.values())

    # ------------------------------------------------------------------ spawning

    def populate(self, tick: int) -> None:
        """Every room's first monsters, and its timers started (staggered, so the rooms
        do not all spawn on the same tick)."""
        for key, room in self.rooms.items():
            rng = random.Random(f"{self.seed}:monsters:{key}")
            count = min(rng.randint(room.initial_min, max(room.initial_min, room.initial_max)), len(room.spawns))
            for _ in range(count):
                if len(room.monsters) >= room.limit:
                    break
                self._try_spawn(room, rng, tick, [])
            self._schedule_room(room, tick + 1 + rng.randrange(room.interval_ticks))

    def _try_spawn(self, room: SpawnRoom, rng: random.Random, tick: int, events: list[WorldEvent]) -> Monster | None:
        roll = rng.randint(1, 100)
        total = 0
        kind = None
        for chance in room.chances:
            total += chance.percent
            if roll <= total:
                kind = chance.kind
                break
        taken = {square_of(m.y, m.x) for m in room.monsters.values()}
        free = [square for square in room.spawns if square not in taken]
        if kind is None or not free:
            return None
        row, col = free[rng.randrange(len(free))]
        monster = self._make(self._fresh_id(), kind, room.key, row, col, rng)
        monster.next_action = tick + self.ticks(monster_move_delay_ms(monster.speed, roll_with(rng)))
        self._add(monster)
        events.append(ObjectEntered(room.key, monster.object_id))
        return monster

    def _make(self, object_id: int, kind_key: str, room: str, row: int, col: int, rng: random.Random) -> Monster:
        info = self.definition.kinds[kind_key].monster
        level = info.level if info is not None and info.level is not None else DEFAULT_LEVEL
        behaviour = info.behaviour if info is not None else ()
        y, x = square_centre(row, col)
        max_hit_points = monster_max_hit_points(level)
        return Monster(
            object_id, kind_key, room, y, x, STEPS[rng.randrange(len(STEPS))][2], "",
            level=level,
            difficulty=info.difficulty if info is not None and info.difficulty is not None else DEFAULT_DIFFICULTY,
            speed=info.speed if info is not None and info.speed is not None else DEFAULT_SPEED,
            karma=info.karma if info is not None else None,
            hit_points=max_hit_points,
            max_hit_points=max_hit_points,
            moves=NO_MOVE not in behaviour,
            aggressive=bool(AGGRESSIVE.intersection(behaviour)),
            karma_aggressive=KARMA_AGGRESSIVE in behaviour,
            wimpy=info.wimpy if info is not None else 0,
            regroups=REGROUP in behaviour,
        )

    def _fresh_id(self) -> int:
        """The next id in the monsters' range, wrapping round past ones still alive."""
        span = LAST_MONSTER_ID - FIRST_MONSTER_ID + 1
        for _ in range(span):
            object_id = FIRST_MONSTER_ID + self.next_serial % span
            self.next_serial = (self.next_serial + 1) % span
            if object_id not in self.by_id:
                return object_id
        raise OverflowError("no free monster id")

    def _add(self, monster: Monster) -> None:
        self.by_id[monster.object_id] = monster
        self.rooms[monster.room].monsters[monster.object_id] = monster
        self._due_monsters.setdefault(monster.next_action, []).append(monster)

    def summon(self, kind_key: str, room: str, y: int, x: int, tick: int, target: int | None) -> Monster:
        """A creature a spell makes where it says, set on ``target``; a room without a
        monster table of its own gets an empty one to hold it (it spawns nothing)."""
        state = self.rooms.get(room)
        if state is None:
            state = self.rooms[room] = SpawnRoom(room, (), (), 0, 0, 0, 1, 0)
        monster = self._make(self._fresh_id(), kind_key, room, *square_of(y, x), random.Random(f"{self.seed}:summon:{tick}"))
        monster.y, monster.x, monster.summoned, monster.target = y, x, True, target
        monster.next_action = tick + 1
        self._add(monster)
        return monster

    def place(self, kind_key: str, room: str, row: int, col: int, tick: int) -> Monster:
        """A monster put on a square by hand (an operator's): it lives as a spawned one and
        is saved with the world; a room without a monster table gets an empty one to hold it."""
        state = self.rooms.get(room)
        if state is None:
            state = self.rooms[room] = SpawnRoom(room, (), (), 0, 0, 0, 1, 0)
        rng = random.Random(f"{self.seed}:placed:{tick}:{self.next_serial}")
        monster = self._make(self._fresh_id(), kind_key, room, row, col, rng)
        monster.next_action = tick + self.ticks(monster_move_delay_ms(monster.speed, roll_with(rng)))
        self._add(monster)
        return monster

    def move_to(self, monster: Monster, room: str, y: int, x: int) -> None:
        """A summoned creature goes to another room (after its target): the rooms count it
        there; its timer runs on as it was."""
        if self.by_id.get(monster.object_id) is not monster:
            return
        del self.rooms[monster.room].monsters[monster.object_id]
        state = self.rooms.get(room)
        if state is None:
            state = self.rooms[room] = SpawnRoom(room, (), (), 0, 0, 0, 1, 0)
        monster.room, monster.y, monster.x = room, y, x
        state.monsters[monster.object_id] = monster

    def remove(self, monster: Monster) -> None:
        """A monster is gone (killed): its room counts it no more, so the room refills on
        its spawn timer; its own timer finds it gone and is dropped."""
        if self.by_id.get(monster.object_id) is monster:
            del self.by_id[monster.object_id]
            del self.rooms[monster.room].monsters[monster.object_id]
        monster.target = monster.foe = monster.leader = None

    def _schedule_room(self, room: SpawnRoom, tick: int) -> None:
        room.next_spawn = tick
        self._due_rooms.setdefault(tick, []).append(room)

    # ------------------------------------------------------------------ time

    def ticks(self, milliseconds: float) -> int:
        """A delay in whole ticks, at least one."""
        return max(1, round(milliseconds / self.tick_ms))

    def run_tick(
        self,
        tick: int,
        rng: random.Random,
        players_in: PlayersIn,
        events: list[WorldEvent],
        on_death: OnDeath | None = None,
    ) -> None:
        for room in sorted(self._due_rooms.pop(tick, ()), key=lambda r: r.key):
            if len(room.monsters) < room.limit and rng.randint(1, 100) <= room.percent:
                self._try_spawn(room, rng, tick, events)
            self._schedule_room(room, tick + room.interval_ticks)
        due = self._due_monsters.pop(tick, ())
        for monster in sorted(due, key=lambda m: m.object_id):
            if self.by_id.get(monster.object_id) is not monster:
                continue  # gone since it was scheduled
            delay_ms = self._act(monster, rng, players_in(monster.room), events, on_death)
            monster.next_action = tick + self.ticks(delay_ms)
            self._due_monsters.setdefault(monster.next_action, []).append(monster)

    def _act(
        self,
        monster: Monster,
        rng: random.Random,
        players: Mapping[int, Player],
        events: list[WorldEvent],
        on_death: OnDeath | None = None,
    ) -> float:
        """One turn of a monster; returns the milliseconds until its next one."""
        hindered = self.hindrance(monster, rng, players, events)
        if hindered is not None:
            return hindered
        roll = roll_with(rng)
        row, col = square_of(monster.y, monster.x)
        geometry = self.geometry.get(monster.room)
        if monster.foe is not None:
            fought = self._fight_foe(monster, row, col, roll, geometry, events)
            if fought is not None:
                return fought
        if monster.leader is not None and monster.leader in players:
            leader = players[monster.leader]
            step = chase_step_on(self._graph(monster.room), row, col, *square_of(leader.y, leader.x), monster.vision)
            if step is not None and monster.moves:
                self._step(monster, row, col, step, events)
            return monster_chase_delay_ms(monster.difficulty, monster.speed, roll, step is not None and 0 not in step)
        target = players.get(monster.target) if monster.target is not None else None
        if target is not None and not self._still_in_range(monster, row, col, target):
            target = None
        if target is None and players and (monster.aggressive or monster.karma_aggressive):
            target = self._notice(monster, row, col, players.values(), geometry)
        monster.target = None if target is None else target.object_id
        if target is not None and health_below_wimpy(monster.hit_points, monster.max_hit_points, monster.wimpy):
            step = self._wounded_step(monster, row, col, target, geometry)
            if step is not None:
                self._step(monster, row, col, step, events)
                if monster_heals_on_chase_step(roll):
                    self._heal(monster)
                return monster_chase_delay_ms(monster.difficulty, monster.speed, roll, step[0] != 0 and step[1] != 0)
            # a regrouper with nobody to join fights on; a cornered runner too
        if target is not None:
            t_row, t_col = square_of(target.y, target.x)
            reach = monster_attack_range(monster.difficulty)
            if within(row, col, t_row, t_col, reach) and line_of_sight(geometry, row, col, t_row, t_col):
                if self.may_fight_in(monster.room):  # else its blow is refused, its turn spent (TryAttack)
                    self._attack(monster, target, roll, events, on_death)
                return monster_attack_delay_ms(monster.difficulty, monster.speed, roll)
            step = chase_step_on(self._graph(monster.room), row, col, *square_of(target.y, target.x), monster.vision)
            if step is not None and monster.moves:
                self._step(monster, row, col, step, events)
            if self.invisible(target.object_id) and roll(1, INVISIBLE_LOST_ONE_IN) == 1:
                monster.target = None  # it lost sight of the invisible (brain.kod PostChaseTimer)
            if monster_heals_on_chase_step(roll):
                self._heal(monster)
            diagonal = step is not None and step[0] != 0 and step[1] != 0
            return monster_chase_delay_ms(monster.difficulty, monster.speed, roll, diagonal)
        if monster.moves:
            d_row, d_col, _ = STEPS[rng.randrange(len(STEPS))]
            if self._graph(monster.room).can_walk(row, col, row + d_row, col + d_col):
                self._step(monster, row, col, (d_row, d_col), events)
        if monster_heals_on_move_step(roll):
            self._heal(monster)
        return monster_move_delay_ms(monster.speed, roll)

    def _attack(
        self, monster: Monster, target: Player, roll: Roll, events: list[WorldEvent], on_death: OnDeath | None
    ) -> None:
        """One swing at the chased player by the rules (monster.kod/battler.kod TryAttack):
        monster offence against the player's defence (worn armour's added), the monster's
        damage less the armour's share through the player's damage-taken rule; at 0 health the world takes the dead player."""
        if not self.may_strike(monster, target, events):
            return  # its summoner may not attack that player (an evil twin)
        stats = target.stats
        # a creature fighting with a player's own figures (an evil twin), else the monster's
        offense, damage = self.fights_as(monster, roll) or (
            monster_offense(monster.level, monster.difficulty), lambda: monster_damage(monster.level, roll))
        weak = self.palsied(monster.object_id)
        if weak:
            offense = max(1, offense * PALSY_SHARE // PALSY_DIVISOR)
        armour_defense, armour_reduce = self.armour_of(target.object_id)
        gear = self.gear_of(target.object_id)
        guard = self.fighting.defences(target, gear) if self.fighting is not None else DefenceAbilities()
        defense = player_defense(guard.parry, guard.block, guard.dodge, stats.agility, stats.max_health, armour_bonus=armour_defense)
        swing = roll_attack(offense, defense, lambda: weakened(damage(), weak), roll)
        if swing.hit:  # the shield (on a block check) and worn armour take their share (ModifyDefenseDamage)
            blocked = self.fighting is not None and self.fighting.shield_blocks(target, gear, roll)
            reduce = armour_reduce + (gear.shield_reduce if blocked else 0)
            reduced = armour_damage_reduction(swing.damage, reduce, roll)
            swing = attrs.evolve(swing, damage=self.ward_damage(target.object_id, reduced, roll))
        warded = self.defended(monster, target, swing.damage if swing.hit else 0, events)
        resisted = self.resistance_of(target.object_id, *self._attack_types(monster))
        taken = player_damage_taken(warded, stats.health, stats.max_health, resisted) if swing.hit else 0
        stats.health = max(0, stats.health - taken)
        # A miss is told by the player's parry, block and dodge (battler.kod GetDefenseDesc),
        # drawn from its own generator so the tick's die keeps its sequence; the player was
        # missed, so the fight may improve a defence (AssessMiss sets PFLAG_DODGED).
        defence = ""
        if not swing.hit:
            describe = roll_with(random.Random(f"{self.seed}:defence:{monster.next_action}:{monster.object_id}:{target.object_id}"))
            defence = defence_of_miss(guard.parry, guard.block, guard.dodge, describe).value
            target.dodged = True
        if swing.hit:  # what the player's next kill counts for a max-health gain
            target.took_blow(monster.object_id, taken)
        events.append(MonsterAttacked(
            monster.room, monster.object_id, monster.kind or "", target.object_id, swing.hit, taken, stats.health,
            damage_type=self._blow_type(monster.kind), defence=defence,
        ))
        if stats.health <= 0:
            monster.target = None
            if on_death is not None:
                on_death(target, monster, events)
        elif taken > 0:  # DidDamage: the hit's side effect
            self.on_hit(monster, target, events)

    def _fight_foe(
        self, monster: Monster, row: int, col: int, roll: Roll, geometry: RoomGeometry | None, events: list[WorldEvent]
    ) -> float | None:
        """A turn against the monster it fights: a swing when within its attack range and
        in sight, else a chase step; None (and the foe forgotten) when that one is gone
        from its room."""
        foe = self.by_id.get(monster.foe) if monster.foe is not None else None
        if foe is None or foe.room != monster.room:
            monster.foe = None
            return None
        f_row, f_col = square_of(foe.y, foe.x)
        if within(row, col, f_row, f_col, monster_attack_range(monster.difficulty)) and line_of_sight(
                geometry, row, col, f_row, f_col):
            self._strike_monster(monster, foe, roll, events)
            return monster_attack_delay_ms(monster.difficulty, monster.speed, roll)
        step = chase_step_on(self._graph(monster.room), row, col, f_row, f_col, monster.vision)
        if step is not None and monster.moves:
            self._step(monster, row, col, step, events)
        return monster_chase_delay_ms(monster.difficulty, monster.speed, roll, step is not None and 0 not in step)

    def _strike_monster(self, monster: Monster, foe: Monster, roll: Roll, events: list[WorldEvent]) -> None:
        """One swing at another monster by the monsters' rules (battler.kod TryAttack
        between monsters): its offence (or a player's it fights as) against the victim's
        defence, the damage through the victim's AssessDamage. The victim turns on its
        attacker when it fights nobody else; at 0 hit points the world takes the body."""
        offense, damage = self.fights_as(monster, roll) or (
            monster_offense(monster.level, monster.difficulty), lambda: monster_damage(monster.level, roll))
        borrowed = self.defends_as(foe)
        defense = monster_defense(foe.level, foe.difficulty) if borrowed is None else borrowed
        swing = roll_attack(offense, defense, damage, roll)
        taken = monster_damage_taken(swing.damage) if swing.hit else 0
        foe.hit_points -= taken
        if foe.foe is None:
            foe.foe = monster.object_id
        events.append(MonsterAttacked(
            monster.room, monster.object_id, monster.kind or "", foe.object_id, swing.hit, taken, max(0, foe.hit_points),
            damage_type=self._blow_type(monster.kind),
        ))
        if foe.hit_points <= 0:
            monster.foe = None
            self.remove(foe)
            if self.on_slain is not None:
                self.on_slain(foe, monster, events)

    def _wounded_step(
        self, monster: Monster, row: int, col: int, target: Player, geometry: RoomGeometry | None
    ) -> tuple[int, int] | None:
        """Where a monster below its wimpy figure goes: towards the nearest monster of its
        kind when it regroups, else away from its attacker; None to stand and fight."""
        if not monster.moves:
            return None
        size = self._room_size(monster.room)
        if monster.regroups:
            allies = [
                (((a_row - row) ** 2 + (a_col - col) ** 2), other.object_id, a_row, a_col)
                for other in self.rooms[monster.room].monsters.values()
                if other is not monster and other.kind == monster.kind
                for a_row, a_col in (square_of(other.y, other.x),)
            ]
            if not allies:
                return None
            _, _, a_row, a_col = min(allies)
            return chase_step_on(self._graph(monster.room), row, col, a_row, a_col, monster.vision)
        t_row, t_col = square_of(target.y, target.x)
        return flee_step(geometry, size, row, col, t_row, t_col)

    def _blow_type(self, kind_key: str | None) -> int:
        """The type of the kind's blows for the damage words (its attack and spell types),
        worked out once per kind."""
        found = self._blow_types.get(kind_key)
        if found is None:
            found = self._blow_types[kind_key] = self._kind_blow_type(kind_key)
        return found

    def _attack_types(self, monster: Monster) -> tuple[int, int]:
        """(weapon bits, spell bits) of the kind's blows, for the target's resistances."""
        found = self._attack_bits.get(monster.kind or "")
        if found is None:
            kind = self.definition.kinds.get(monster.kind or "")
            attack = kind.monster.attack if kind is not None and kind.monster is not None else ()
            messages = self.definition.messages
            spells = messages.kind(monster.kind).attack_spell if messages is not None and monster.kind else ()
            found = self._attack_bits[monster.kind or ""] = attack_types((*attack, *(f"spell_{s}" for s in spells)))
        return found

    def _kind_blow_type(self, kind_key: str | None) -> int:
        kind = self.definition.kinds.get(kind_key or "")
        attack = kind.monster.attack if kind is not None and kind.monster is not None else ()
        messages = self.definition.messages
        spells = messages.kind(kind_key).attack_spell if messages is not None and kind_key else ()
        return monster_blow_type(attack, spells)

    def give_up_on(self, room: str, player_id: int) -> None:
        """The monsters of a room chasing this player stop (it died or left)."""
        state = self.rooms.get(room)
        if state is None:
            return
        for monster in state.monsters.values():
            if monster.target == player_id:
                monster.target = None

    def _still_in_range(self, monster: Monster, row: int, col: int, target: Player) -> bool:
        """A chase goes on while the player stays in the room and within vision distance
        (only noticing needs a clear line: a player round a corner is still hunted)."""
        t_row, t_col = square_of(target.y, target.x)
        return target.room == monster.room and (monster.summoned or within(row, col, t_row, t_col, monster.vision))

    def _notice(
        self, monster: Monster, row: int, col: int, players: Any, geometry: RoomGeometry | None
    ) -> Player | None:
        """The nearest player in range and in sight that the monster would attack."""
        best: tuple[int, int, Player] | None = None
        for player in players:
            if monster.karma_aggressive and not monster.aggressive and karma_same(monster.karma, player.stats.karma):
                continue
            t_row, t_col = square_of(player.y, player.x)
            if not within(row, col, t_row, t_col, monster.vision):
                continue
            distance = (t_row - row) ** 2 + (t_col - col) ** 2
            if (best is None or (distance, player.object_id) < best[:2]) and line_of_sight(geometry, row, col, t_row, t_col):
                best = (distance, player.object_id, player)
        return None if best is None else best[2]

    def _step(self, monster: Monster, row: int, col: int, step: tuple[int, int], events: list[WorldEvent]) -> None:
        monster.y, monster.x = square_centre(row + step[0], col + step[1])
        monster.angle = _FACING[step]
        events.append(ObjectMoved(monster.room, monster.object_id, monster.y, monster.x, WALK_SPEED | FACE_TRAVEL))

    @staticmethod
    def _heal(monster: Monster) -> None:
        if monster.hit_points < monster.max_hit_points:
            monster.hit_points += 1

    def _graph(self, room: str) -> WalkGraph:
        """The room's monster steps, asked of its room file once per square."""
        graph = self._graphs.get(room)
        if graph is None:
            graph = self._graphs[room] = WalkGraph(self.geometry.get(room), self._room_size(room))
        return graph

    def _room_size(self, room: str) -> tuple[int, int]:
        definition = self.definition.rooms[room]
        return definition.rows, definition.cols

    # ------------------------------------------------------------------ persistence

    def snapshot(self) -> dict[str, Any]:
        return {
            "next_serial": self.next_serial,
            "spawn_due": {key: room.next_spawn for key, room in self.rooms.items()},
            "monsters": [
                {
                    "id": m.object_id, "kind": m.kind, "room": m.room, "y": m.y, "x": m.x, "angle": m.angle,
                    "hit_points": m.hit_points, "next_action": m.next_action,
                }
                for m in sorted(self.by_id.values(), key=lambda m: m.object_id)
                if not m.summoned  # its spell's bonds are not saved: it goes with a restart
            ],
        }

    def restore(self, saved: Mapping[str, Any] | None, tick: int) -> None:
        """Take back saved monsters (those whose kind, room and square still make sense);
        ``None`` (a snapshot from before monsters lived) keeps the fresh population and
        moves its timers on to ``tick``. Chases are not saved: players are not either."""
        if saved is None:
            monsters = list(self.by_id.values())
            rooms = {key: room.next_spawn for key, room in self.rooms.items()}
            offset = tick
        else:
            monsters = [m for m in map(self._restored, saved["monsters"]) if m is not None]
            rooms = {key: int(value) for key, value in dict(saved["spawn_due"]).items()}
            offset = 0
            self.next_serial = int(saved["next_serial"]) % (LAST_MONSTER_ID - FIRST_MONSTER_ID + 1)
        self.by_id.clear()
        self._due_monsters.clear()
        self._due_rooms.clear()
        for room in self.rooms.values():
            room.monsters.clear()
            due = rooms.get(room.key, 0) + offset
            self._schedule_room(room, due if due > tick else tick + 1 + (room.next_spawn % room.interval_ticks))
        for monster in sorted(monsters, key=lambda m: m.object_id):
            if monster.object_id in self.by_id:
                continue
            if monster.room not in self.rooms:  # one put by hand where nothing spawns
                self.rooms[monster.room] = SpawnRoom(monster.room, (), (), 0, 0, 0, 1, 0)
            monster.target = None
            monster.next_action = max(monster.next_action + offset, tick + 1)
            self._add(monster)

    def _restored(self, entry: Mapping[str, Any]) -> Monster | None:
        kind, room, object_id = entry["kind"], entry["room"], int(entry["id"])
        if kind not in self.definition.kinds or room not in self.definition.rooms:
            return None
        if not FIRST_MONSTER_ID <= object_id <= LAST_MONSTER_ID:
            return None
        y, x = int(entry["y"]), int(entry["x"])
        rows, cols = self._room_size(room)
        row, col = square_of(y, x)
        if not (1 <= row <= rows and 1 <= col <= cols):
            return None
        monster = self._make(object_id, kind, room, row, col, random.Random(0))
        monster.y, monster.x = y, x
        monster.angle = int(entry["angle"]) % 4096
        monster.hit_points = max(1, min(int(entry["hit_points"]), monster.max_hit_points))
        monster.next_action = int(entry["next_action"])
        return monster


def spawn_room(definition: WorldDefinition, room: RoomDefinition, ticks: Callable[[float], int]) -> SpawnRoom | None:
    """A room's spawn bookkeeping, or None when it has no usable table or spawn square."""
    chances = tuple(c for c in room.monsters if c.percent > 0 and c.kind in definition.kinds)
    if not chances or not room.monster_spawns:
        return None
    rules = room.spawn_rules
    initial_min = rules.initial_min if rules.initial_min is not None else DEFAULT_INITIAL_MIN
    initial_max = rules.initial_max if rules.initial_max is not None else DEFAULT_INITIAL_MAX
    interval_ms = rules.interval_ms if rules.interval_ms is not None else DEFAULT_SPAWN_MS
    return SpawnRoom(
        room.key,
        chances,
        tuple(dict.fromkeys((s.row, s.col) for s in room.monster_spawns)),
        limit=rules.limit if rules.limit is not None else DEFAULT_LIMIT,
        initial_min=initial_min,
        initial_max=initial_max,
        interval_ticks=ticks(interval_ms / SPAWN_RATE_DIVISOR),
        percent=rules.percent if rules.percent is not None else 100,
    )


def within(row: int, col: int, to_row: int, to_col: int, distance: int) -> bool:
    return (to_row - row) ** 2 + (to_col - col) ** 2 <= distance * distance


def can_walk(geometry: RoomGeometry | None, size: tuple[int, int], row: int, col: int, to_row: int, to_col: int) -> bool:
    """Whether a monster may take one step: inside the grid, and allowed by the room file."""
    if not (1 <= to_row <= size[0] and 1 <= to_col <= size[1]):
        return False
    return geometry is None or geometry.can_step(row, col, to_row, to_col, monster=True)


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


def flee_step(
    geometry: RoomGeometry | None, size: tuple[int, int], row: int, col: int, from_row: int, from_col: int
) -> tuple[int, int] | None:
    """One step straight away from a square, or failing that one of the two directions
    beside it; None when cornered (the monster then stands its ground)."""
    away = (_sign(row - from_row), _sign(col - from_col))
    if away == (0, 0):
        away = (-1, 0)  # on the same square: any way out
    index = next(i for i, (d_row, d_col, _) in enumerate(STEPS) if (d_row, d_col) == away)
    for turn in (0, 1, -1):
        d_row, d_col, _ = STEPS[(index + turn) % len(STEPS)]
        if can_walk(geometry, size, row, col, row + d_row, col + d_col):
            return d_row, d_col
    return None


class WalkGraph:
    """The one-square steps a monster may take from each square of a room, asked of the
    room file once per square (lazily) instead of on every search: chases search a few
    hundred squares a turn."""

    def __init__(self, geometry: RoomGeometry | None, size: tuple[int, int]) -> None:
        self.geometry = geometry
        self.size = size
        self._steps: list[tuple[tuple[int, int, int, int], ...] | None] = [None] * (size[0] * size[1])

    def steps(self, row: int, col: int) -> tuple[tuple[int, int, int, int], ...]:
        """(d_row, d_col, to_row, to_col) of each allowed step from (row, col), in STEPS order."""
        rows, cols = self.size
        inside = 1 <= row <= rows and 1 <= col <= cols
        index = (row - 1) * cols + col - 1
        found = self._steps[index] if inside else None
        if found is None:
            found = tuple(
                (d_row, d_col, row + d_row, col + d_col)
                for d_row, d_col, _ in STEPS
                if can_walk(self.geometry, self.size, row, col, row + d_row, col + d_col)
            )
            if inside:
                self._steps[index] = found
        return found

    def can_walk(self, row: int, col: int, to_row: int, to_col: int) -> bool:
        for _, _, step_row, step_col in self.steps(row, col):
            if step_row == to_row and step_col == to_col:
                return True
        return False


def chase_step(
    geometry: RoomGeometry | None, size: tuple[int, int], row: int, col: int, to_row: int, to_col: int, reach: int
) -> tuple[int, int] | None:
    """:func:`chase_step_on` for a room asked directly (no cached steps)."""
    return chase_step_on(WalkGraph(geometry, size), row, col, to_row, to_col, reach)


def chase_step_on(graph: WalkGraph, row: int, col: int, to_row: int, to_col: int, reach: int) -> tuple[int, int] | None:
    """The first step of a shortest walk towards a square next to the target, searched
    within a box of ``reach`` (plus a margin) around the monster; None when it is already
    next to the target or no walk is found (then it waits rather than bump a wall)."""
    if max(abs(to_row - row), abs(to_col - col)) <= 1:
        return None
    radius = reach + CHASE_SEARCH_MARGIN
    first: dict[tuple[int, int], tuple[int, int] | None] = {(row, col): None}
    queue = deque([(row, col)])
    while queue:
        square = queue.popleft()
        came = first[square]
        for d_row, d_col, n_row, n_col in graph.steps(*square):
            nxt = (n_row, n_col)
            if nxt in first or abs(n_row - row) > radius or abs(n_col - col) > radius:
                continue
            step = came or (d_row, d_col)
            if abs(to_row - n_row) <= 1 and abs(to_col - n_col) <= 1:
                return step
            first[nxt] = step
            queue.append(nxt)
    return None


def weakened(damage: int, palsied: bool) -> int:
    """A palsied monster's blow: three quarters of it, at least 1 (monster.kod GetDamage)."""
    return max(1, damage * PALSY_SHARE // PALSY_DIVISOR) if palsied else damage
