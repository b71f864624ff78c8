"""What a player keeps over fights and deaths, in the world: the max-health gain a kill may
bring (player.kod AdvancementCheck), the death cost and where the dead go (player.kod
Killed, user.kod UserGotoDeadRoom), and the penalty paid on leaving the Underworld
(uworld.kod LeaveHold, player.kod ApplyDeathPenalties)."""

from __future__ import annotations

import random

from emulator.content.model import (
    Exit,
    MonsterChance,
    MonsterInfo,
    ObjectKind,
    Placement,
    RoomDefinition,
    SpawnRules,
    WorldDefinition,
    square_centre,
    square_of,
)
from emulator.rules.death import UNDERWORLD, apply_death_penalties, revival_vitals
from emulator.rules.dice import roll_with
from emulator.world import events as ev
from emulator.world import mortality
from emulator.world.objects import Player, Stats
from emulator.world.world import World

MONSTER_SQUARE = (5, 5)


def definition(
    level: int = 60, aggressive: bool = False, cave_flags: tuple[str, ...] = (), cave_number: int | None = None
) -> WorldDefinition:
    """A town (the start), a cave with one still monster, an Underworld known by its number
    (not its key) whose door square (24, 10) leads to the town, and the first newbie room."""
    behaviour = ("nomove", "fight_aggressive") if aggressive else ("nomove",)
    rooms = {
        "town": RoomDefinition("town", "Town", "town.roo", 6, 6),
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", 12, 12, flags=cave_flags, number=cave_number,
            monsters=(MonsterChance("ogre", 100),),
            monster_spawns=(Placement("cave", *MONSTER_SQUARE),),
            spawn_rules=SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=600_000, percent=100),
        ),
        "hades": RoomDefinition(
            "hades", "Hades", "uworld.roo", 32, 30, number=1, flags=("no_combat",),
            exits=(Exit(Placement("town", 3, 3), row=24, col=10),),
        ),
        "raza": RoomDefinition("raza", "Raza", "guest1.roo", 8, 11, number=1011, spawns=(Placement("raza", 7, 4),)),
    }
    info = MonsterInfo(level=level, difficulty=4, speed=0, behaviour=behaviour)
    kinds = {"ogre": ObjectKind("ogre", "ogre", "ogre.bgf", "An ogre.", monster=info)}
    return WorldDefinition(rooms, kinds, (), start=Placement("town", 3, 3))


def add_player(world: World, room: str, row: int, col: int, stats: Stats, character: int = 1) -> Player:
    y, x = square_centre(row, col)
    player_id, _ = world.add_player(character, f"P{character}", ev.Position(room, y, x), stats)
    return world.player(player_id)


def kill_the_ogre(world: World, player: Player) -> list[ev.WorldEvent]:
    """Swing at the ogre (left with 1 hit point) until it dies; every event on the way."""
    (ogre,) = world.monsters()
    ogre.hit_points = 1
    events: list[ev.WorldEvent] = []
    for second in range(200):
        events += world.attack(player.object_id, ogre.object_id, 10.0 + second)
        if any(isinstance(e, ev.MonsterKilled) for e in events):
            return events
    raise AssertionError("the ogre never died")


def fight(world: World, seconds: int = 300) -> list[ev.WorldEvent]:
    """Tick until someone dies (or the time is up); every event on the way."""
    events: list[ev.WorldEvent] = []
    for second in range(seconds):
        events += world.tick(float(second))
        if any(isinstance(e, ev.PlayerDied) for e in events):
            break
    return events


def veteran(health: int = 5, max_health: int = 40) -> Stats:
    return Stats(health=health, max_health=max_health, mana=10, max_mana=20, vigor=120, stamina=30)


# --- the max-health gain -------------------------------------------------------------------


def test_a_kill_of_a_tougher_monster_adds_to_the_gain_chance() -> None:
    """Level 60 against base 20: 2 without damage taken, plus 1 for a newbie; no gain when
    the roll cannot pass."""
    world = World(definition(), seed=1)
    player = add_player(world, "cave", 5, 6, Stats(health=20, max_health=20))
    player.gain_chance = -10_000
    events = kill_the_ogre(world, player)
    assert player.gain_chance == -10_000 + 2 + 1
    assert not any(isinstance(e, ev.MaxHealthGained) for e in events)
    assert (player.stats.base_max_health, player.stats.max_health) == (20, 20)
    assert (player.kill_target, player.did_damage, player.took_damage) == (None, False, False)  # counted, reset


def test_damage_taken_from_the_target_counts_one_more() -> None:
    world = World(definition(), seed=1)
    player = add_player(world, "cave", 5, 6, Stats(health=20, max_health=20))
    player.gain_chance = -10_000
    (ogre,) = world.monsters()
    player.took_blow(ogre.object_id, 3)  # the ogre hit first: it becomes the counted target
    kill_the_ogre(world, player)
    assert player.gain_chance == -10_000 + 3 + 1


def test_a_sure_roll_raises_base_and_max_health_and_refills_health() -> None:
    world = World(definition(), seed=1)
    player = add_player(world, "cave", 5, 6, Stats(health=7, max_health=29, stamina=30))
    player.gain_chance = 10_000  # beyond any roll of the high mark
    events = kill_the_ogre(world, player)
    gained = [e for e in events if isinstance(e, ev.MaxHealthGained)]
    assert gained == [ev.MaxHealthGained(player.object_id, 30)]
    assert events.index(gained[0]) > next(i for i, e in enumerate(events) if isinstance(e, ev.MonsterKilled))
    stats = player.stats
    assert (stats.base_max_health, stats.max_health, stats.health) == (30, 30, 30)
    assert player.gain_chance == -(30 // 2)  # the chance starts over below zero (base 30: no stamina term)
    assert player.past_tutorial  # 30 is past being a newbie, for good


def test_a_weaker_monster_never_rolls_and_a_safe_death_room_never_counts() -> None:
    world = World(definition(level=10), seed=1)
    player = add_player(world, "cave", 5, 6, Stats(health=40, max_health=40))
    player.gain_chance = 10_000
    assert not any(isinstance(e, ev.MaxHealthGained) for e in kill_the_ogre(world, player))
    assert player.gain_chance == 10_000  # no damage taken: nothing added, and no roll
    safe = World(definition(cave_flags=("safe_death",)), seed=1)
    other = add_player(safe, "cave", 5, 6, Stats(health=20, max_health=20))
    other.gain_chance = 10_000
    assert not any(isinstance(e, ev.MaxHealthGained) for e in kill_the_ogre(safe, other))
    assert other.gain_chance == 10_000 and other.stats.base_max_health == 20


def test_switching_targets_or_rooms_forgets_the_fight() -> None:
    world = World(definition(), seed=1)
    player = add_player(world, "cave", 5, 6, Stats(health=20, max_health=20))
    player.kill_target, player.did_damage, player.took_damage = 12345, True, True
    (ogre,) = world.monsters()
    ogre.hit_points = 10_000
    world.attack(player.object_id, ogre.object_id, 1.0)
    assert player.kill_target == ogre.object_id and not player.took_damage
    hades = World(definition(), seed=1)
    walker = add_player(hades, "hades", 24, 10, Stats())
    walker.kill_target, walker.took_damage = 7, True
    hades.go(walker.object_id, 1.0)
    assert (walker.room, walker.kill_target, walker.took_damage) == ("town", None, False)


# --- death --------------------------------------------------------------------------------


def test_a_veteran_pays_a_full_death_cost_and_its_gain_chance_halves() -> None:
    world = World(definition(aggressive=True, level=80), seed=2)
    player = add_player(world, "cave", 5, 6, veteran())
    player.past_tutorial, player.gain_chance = True, 41
    events = fight(world)
    died = [e for e in events if isinstance(e, ev.PlayerDied)]
    assert died == [ev.PlayerDied(player.object_id, "cave", "hades", "ogre")]
    assert ev.DeathAnnounced(player.object_id, "P1", "ogre", (player.object_id,)) in events
    assert (player.room, square_of(player.y, player.x)) == ("hades", (UNDERWORLD.row, UNDERWORLD.col))
    assert player.death_cost == 100 and player.gain_chance == 20
    revival = revival_vitals(40, 20, 120, 100, tutorial=True)  # past the tutorial: no mana to ask for help
    assert (player.stats.health, player.stats.mana, player.stats.vigor) == (revival.health, revival.mana, revival.vigor)
    assert (revival.health, revival.mana) == (1, 1)
    assert (player.stats.max_health, player.stats.base_max_health) == (40, 40)  # nothing lost yet


def test_a_newbie_dies_cheaply_and_a_newbie_area_death_returns_to_its_first_room() -> None:
    world = World(definition(aggressive=True, level=80, cave_number=1013), seed=2)
    player = add_player(world, "cave", 5, 6, Stats(health=3, max_health=20))
    player.gain_chance = 9
    events = fight(world)
    assert ev.PlayerDied(player.object_id, "cave", "raza", "ogre") in events
    assert (player.room, square_of(player.y, player.x)) == ("raza", (7, 4))
    assert player.death_cost == 0 and player.gain_chance == 9
    # a cheap death: the mana to ask for help comes only with a real cost
    assert (player.stats.health, player.stats.mana) == (1, 1)


def test_leaving_the_underworld_pays_the_penalty_once() -> None:
    world = World(definition(), seed=4)
    player = add_player(world, "hades", 24, 10, veteran(health=1))
    player.past_tutorial, player.death_cost = True, 100
    events = world.go(player.object_id, 1.0)
    # a veteran's full cost: one base max health point, surely (random(1,100) <= 100)
    assert ev.DeathPenaltyPaid(player.object_id, 100, True, 39) in events
    assert [type(e) for e in events] == [ev.ObjectLeft, ev.DeathPenaltyPaid, ev.PlayerMovedRoom, ev.ObjectEntered]
    assert (player.stats.base_max_health, player.stats.max_health, player.death_cost) == (39, 39, 0)
    assert player.room == "town"


def test_a_newbie_keeps_its_health_and_the_floor_is_twenty() -> None:
    newbie = Player(1, None, "hades", 0, 0, stats=Stats(health=1, max_health=25))
    newbie.death_cost = 100
    roll = roll_with(random.Random(0))
    penalty = mortality.pay_death_penalty(newbie, roll)
    assert not penalty.lost_health_point and penalty.effective_cost == 33  # a third for the ability rolls
    assert newbie.stats.max_health == 25 and newbie.death_cost == 0
    floor = Player(2, None, "hades", 0, 0, stats=Stats(health=1, max_health=20), past_tutorial=True, death_cost=100)
    mortality.pay_death_penalty(floor, roll)
    assert (floor.stats.base_max_health, floor.stats.max_health) == (20, 20)


def test_the_penalty_follows_the_rules_with_the_same_dice() -> None:
    player = Player(1, None, "hades", 0, 0, stats=veteran(max_health=55), past_tutorial=True, death_cost=60)
    expected = apply_death_penalties(60, 55, 30, (), (), roll_with(random.Random(9)), tutorial=True)
    paid = mortality.pay_death_penalty(player, roll_with(random.Random(9)))
    assert paid == expected and player.stats.base_max_health == expected.base_max_health


def test_a_full_death_clears_the_outlaw_brand_and_a_cheap_one_does_not() -> None:
    """An outlaw who dies for real has met justice (player.kod ApplyDeathPenalties);
    a murderer stays one."""
    full = Player(1, None, "hades", 0, 0, stats=veteran(), past_tutorial=True, death_cost=100, outlaw=True, murderer=True)
    mortality.pay_death_penalty(full, roll_with(random.Random(1)))
    assert (full.outlaw, full.murderer) == (False, True)
    cheap = Player(2, None, "hades", 0, 0, stats=veteran(), past_tutorial=True, death_cost=10, outlaw=True)
    mortality.pay_death_penalty(cheap, roll_with(random.Random(1)))
    assert cheap.outlaw


def test_logging_off_in_the_underworld_pays_too() -> None:
    """As the original's logoff leaves the room (user.kod UserLogoff)."""
    world = World(definition(), seed=4)
    player = add_player(world, "hades", 24, 10, veteran(health=1))
    player.past_tutorial, player.death_cost = True, 100
    events = world.remove_player(player.object_id, 1.0)
    assert ev.DeathPenaltyPaid(player.object_id, 100, True, 39) in events
    assert (player.stats.max_health, player.death_cost) == (39, 0)
    elsewhere = add_player(world, "town", 3, 3, veteran(), character=2)
    elsewhere.death_cost = 100
    assert not any(isinstance(e, ev.DeathPenaltyPaid) for e in world.remove_player(elsewhere.object_id, 2.0))
    assert elsewhere.death_cost == 100


def test_without_numbers_the_underworld_is_found_by_key(world) -> None:
    """The imported world carries the original's numbers and teleport squares."""
    assert world.rooms["underworld"].number == 1
    assert world.rooms["newb1"].number == 1011
    assert [(p.row, p.col) for p in world.rooms["newb1"].spawns] == [(7, 4)]
    imported = World(world)
    assert imported.death_place("newb2").room == "newb1"
    assert imported.death_place("jasperinn").room == "underworld"
    keyed = RoomDefinition("underworld", "U", "uworld.roo", 32, 30)
    bare = WorldDefinition({"town": RoomDefinition("town", "T", "t.roo", 6, 6), "underworld": keyed}, {}, (),
                           start=Placement("town", 3, 3))
    assert World(bare).death_place("town").room == "underworld"
