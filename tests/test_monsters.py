"""Monsters living in the world: spawning, wandering, noticing, chasing, never through walls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.content.model import (
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
from emulator.testing.memory_server import MemoryServer
from emulator.world import events as ev
from emulator.world.monsters import FIRST_MONSTER_ID, LAST_MONSTER_ID, Monster, chase_step
from emulator.world.roofile import RoomGeometry
from emulator.world.sight import line_of_sight, squares_between
from emulator.world.world import FIRST_PLAYER_ID, World, WorldError

REPO = Path(__file__).resolve().parent.parent
SPAWNS = ((2, 2), (2, 9), (9, 2), (9, 9), (5, 5))


def definition(
    rows: int = 10,
    cols: int = 10,
    spawns: tuple[tuple[int, int], ...] = SPAWNS,
    rules: SpawnRules = SpawnRules(limit=5, initial_min=2, initial_max=3, interval_ms=10_000, percent=100),
    behaviour: tuple[str, ...] = (),
    difficulty: int = 4,
) -> WorldDefinition:
    """A town with no monsters and a cave with rats (70 %) and bats (30 %)."""
    rooms = {
        "town": RoomDefinition("town", "Town", "town.roo", 6, 6),
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", rows, cols,
            monsters=(MonsterChance("rat", 70), MonsterChance("bat", 30)),
            monster_spawns=tuple(Placement("cave", row, col) for row, col in spawns),
            spawn_rules=rules,
        ),
    }
    kinds = {
        kind: ObjectKind(kind, kind, f"{kind}.bgf", f"A {kind}.", monster=MonsterInfo(level=level, difficulty=difficulty, speed=10, behaviour=behaviour))
        for kind, level in (("rat", 5), ("bat", 50))
    }
    return WorldDefinition(rooms, kinds, (), start=Placement("town", 3, 3))


def places(world: World) -> list[tuple[int, str | None, str, int, int, int]]:
    return [(m.object_id, m.kind, m.room, m.y, m.x, m.hit_points) for m in world.monsters()]


def run(world: World, seconds: range) -> list[ev.WorldEvent]:
    return [event for second in seconds for event in world.tick(float(second))]


# ---------------------------------------------------------------------------- spawning


def test_first_monsters_stand_on_spawn_squares_with_their_rules_figures() -> None:
    world = World(definition(), seed=3)
    monsters = world.monsters()
    assert 2 <= len(monsters) <= 3
    assert len({square_of(m.y, m.x) for m in monsters}) == len(monsters)  # one per square
    for monster in monsters:
        assert square_of(monster.y, monster.x) in SPAWNS and monster.room == "cave"
        assert monster.kind in ("rat", "bat")
        assert FIRST_MONSTER_ID <= monster.object_id <= LAST_MONSTER_ID < FIRST_PLAYER_ID
        assert monster.hit_points == monster.max_hit_points == {"rat": 5, "bat": 60}[monster.kind]
        assert world.object(monster.object_id) is monster
    assert world.room_objects("cave") == monsters
    assert world.room_objects("town") == []


def test_rooms_refill_up_to_their_limit_after_the_spawn_delay() -> None:
    world = World(definition(), seed=3)
    first = len(world.monsters())
    # 10 s between attempts, divided by the original's full-speed rate of 5: an attempt every 2 ticks
    events = run(world, range(2))
    entered = [e for e in events if isinstance(e, ev.ObjectEntered)]
    assert all(e.room == "cave" and e.object_id >= FIRST_MONSTER_ID for e in entered)
    run(world, range(2, 200))
    assert len(world.monsters()) == 5 > first  # the limit, never more
    counts = set()
    for second in range(200, 300):
        world.tick(float(second))
        counts.add(len(world.monsters()))
    assert counts == {5}


def test_kinds_follow_the_table_percentages() -> None:
    kinds = [m.kind for seed in range(200) for m in World(definition(), seed=seed).monsters()]
    rats = kinds.count("rat") / len(kinds)
    assert 0.6 < rats < 0.8


def test_a_room_without_spawn_squares_or_table_stays_empty() -> None:
    world = World(definition(spawns=()), seed=1)
    run(world, range(100))
    assert world.monsters() == []


# ---------------------------------------------------------------------------- behaviour


def test_monsters_wander_and_heal_with_nobody_online() -> None:
    world = World(definition(), seed=5)
    before = places(world)
    for monster in world.monsters():
        monster.hit_points = 1
    events = run(world, range(120))
    moved = [e for e in events if isinstance(e, ev.ObjectMoved)]
    assert moved and all(e.mover is None and e.room == "cave" for e in moved)
    assert [(p[3], p[4]) for p in places(world)[: len(before)]] != [(p[3], p[4]) for p in before]
    healed = [m for m in world.monsters() if m.object_id in {p[0] for p in before}]
    assert all(1 < m.hit_points <= m.max_hit_points for m in healed)


def test_nomove_monsters_stay_put() -> None:
    world = World(definition(behaviour=("nomove",)), seed=5)
    before = {m.object_id: (m.y, m.x) for m in world.monsters()}
    run(world, range(60))
    assert all((m.y, m.x) == before[m.object_id] for m in world.monsters() if m.object_id in before)


def test_same_seed_same_ticks_same_monsters() -> None:
    one, two = World(definition(), seed=11), World(definition(), seed=11)
    assert run(one, range(150)) == run(two, range(150))
    assert places(one) == places(two)
    assert run(World(definition(), seed=12), range(50)) != run(World(definition(), seed=11), range(50))


def add_player(world: World, room: str, row: int, col: int, character: int = 1) -> int:
    y, x = square_centre(row, col)
    player_id, _ = world.add_player(character, f"P{character}", ev.Position(room, y, x))
    return player_id


def lone_monster_world(geometry: RoomGeometry | None = None, behaviour: tuple[str, ...] = ("fight_aggressive",)) -> tuple[World, Monster]:
    rules = SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=1_000_000, percent=100)
    world = World(definition(spawns=((2, 2),), rules=rules, behaviour=behaviour), {"cave": geometry}, seed=2)
    (monster,) = world.monsters()
    return world, monster


def distance(world: World, monster: Monster, player_id: int) -> int:
    player = world.player(player_id)
    (m_row, m_col), (p_row, p_col) = square_of(monster.y, monster.x), square_of(player.y, player.x)
    return max(abs(m_row - p_row), abs(m_col - p_col))


def test_aggressive_monsters_notice_chase_and_give_up() -> None:
    world, monster = lone_monster_world()
    player = add_player(world, "cave", 6, 6)  # 4 rows and columns away; vision is 4 + 4/2 = 6
    run(world, range(30))
    assert monster.target == player and distance(world, monster, player) == 1
    # the player walks out of the room: the chase ends and the monster wanders again
    world.remove_player(player, 30.0)
    run(world, range(30, 40))
    assert monster.target is None


def test_a_chase_ends_when_the_player_gets_out_of_range() -> None:
    world, monster = lone_monster_world()
    player_id = add_player(world, "cave", 5, 5)
    run(world, range(10))
    assert monster.target == player_id
    player = world.player(player_id)
    row, col = square_of(monster.y, monster.x)
    far = (1 if row > 5 else 10, 1 if col > 5 else 10)  # the far corner: over 7 squares off, vision is 6
    player.y, player.x = square_centre(*far)
    run(world, range(10, 15))
    assert monster.target is None


def test_timid_monsters_do_not_chase() -> None:
    world, monster = lone_monster_world(behaviour=())
    add_player(world, "cave", 4, 4)
    run(world, range(30))
    assert monster.target is None


def test_a_wall_hides_the_player() -> None:
    wall = frozenset((row, 5) for row in range(1, 11))  # splits the cave in two
    world, monster = lone_monster_world(RoomGeometry.open_floor(10, 10, blocked=wall))
    player = add_player(world, "cave", 3, 7)
    run(world, range(60))
    assert monster.target is None and square_of(monster.y, monster.x)[1] < 5
    assert distance(world, monster, player) > 1


def test_a_chase_goes_round_a_wall() -> None:
    wall = frozenset((row, 5) for row in range(1, 8))  # a gap at rows 8..10
    geometry = RoomGeometry.open_floor(10, 10, blocked=wall)
    assert chase_step(geometry, (10, 10), 2, 4, 2, 6, 6) in ((1, 0), (1, -1))  # downwards, to the gap
    assert chase_step(geometry, (10, 10), 2, 4, 3, 4, 6) is None  # already beside the target


def test_snapshot_and_restore_keep_the_monsters_and_their_future() -> None:
    world = World(definition(), seed=4)
    run(world, range(40))
    saved = json.loads(json.dumps(world.snapshot()))
    assert len(saved["monsters"]["monsters"]) == len(world.monsters())
    again = World(definition(), seed=4)
    again.restore(saved)
    assert places(again) == places(world)
    assert run(again, range(40, 120)) == run(world, range(40, 120))
    assert places(again) == places(world)


def test_a_version_2_snapshot_keeps_a_fresh_population_running() -> None:
    world = World(definition(), seed=4)
    saved = world.snapshot()
    saved.update(version=2, tick_count=500)
    del saved["monsters"]
    again = World(definition(), seed=4)
    again.restore(saved)
    assert again.tick_count == 500 and places(again) == places(World(definition(), seed=4))
    run(again, range(100))
    assert len(again.monsters()) == 5


def test_a_snapshot_with_broken_monsters_is_refused_and_unknown_ones_dropped() -> None:
    world = World(definition(), seed=4)
    saved = json.loads(json.dumps(world.snapshot()))
    saved["monsters"]["monsters"][0].update(kind="dragon")  # no longer in the content
    again = World(definition(), seed=4)
    again.restore(saved)
    assert places(again) == places(world)[1:]
    saved["monsters"] = []
    with pytest.raises(WorldError, match="malformed"):
        World(definition(), seed=4).restore(saved)


# ---------------------------------------------------------------------------- sight


def test_squares_between_is_a_connected_straight_line() -> None:
    assert squares_between(1, 1, 1, 4) == [(1, 1), (1, 2), (1, 3), (1, 4)]
    assert squares_between(1, 1, 4, 4) == [(1, 1), (2, 2), (3, 3), (4, 4)]
    line = squares_between(5, 2, 1, 9)
    assert line[0] == (5, 2) and line[-1] == (1, 9)
    assert all(max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1 for a, b in zip(line, line[1:]))


def test_line_of_sight_stops_at_walls() -> None:
    geometry = RoomGeometry.open_floor(9, 9, blocked={(5, 5)})
    assert line_of_sight(geometry, 1, 5, 4, 5)
    assert not line_of_sight(geometry, 1, 5, 9, 5)
    assert line_of_sight(geometry, 1, 4, 9, 4)
    assert line_of_sight(None, 1, 5, 9, 5)


# ---------------------------------------------------------------------------- never through walls


@st.composite
def walled_rooms(draw: st.DrawFn) -> tuple[RoomGeometry, tuple[tuple[int, int], ...], list[tuple[int, int]]]:
    rows, cols = draw(st.integers(3, 9)), draw(st.integers(3, 9))
    squares = [(row, col) for row in range(1, rows + 1) for col in range(1, cols + 1)]
    blocked = draw(st.sets(st.sampled_from(squares), max_size=len(squares) // 2))
    open_squares = [square for square in squares if square not in blocked]
    spawns = draw(st.lists(st.sampled_from(open_squares), min_size=1, max_size=4, unique=True)) if open_squares else []
    players = draw(st.lists(st.sampled_from(open_squares), max_size=3)) if open_squares else []
    geometry = RoomGeometry.open_floor(rows, cols, blocked=frozenset(blocked), version=12)
    # the monster grid: the players' one with random steps taken out (fences only monsters feel)
    fences = draw(st.lists(st.one_of(st.just(0), st.integers(0, 255)), min_size=rows * cols, max_size=rows * cols))
    monster_grid = bytes(step & ~fence for step, fence in zip(geometry.move_grid, fences))
    return attrs.evolve(geometry, monster_grid=monster_grid), tuple(spawns), players


@settings(max_examples=60, deadline=None)
@given(walled_rooms(), st.integers(0, 2**16), st.booleans())
def test_no_monster_step_is_one_the_room_file_refuses(
    room: tuple[RoomGeometry, tuple[tuple[int, int], ...], list[tuple[int, int]]], seed: int, aggressive: bool
) -> None:
    geometry, spawns, players = room
    if not spawns:
        return
    rules = SpawnRules(limit=4, initial_min=1, initial_max=4, interval_ms=5_000, percent=100)
    content = definition(geometry.rows, geometry.cols, spawns, rules, ("fight_aggressive",) if aggressive else (), difficulty=9)
    world = World(content, {"cave": geometry}, seed=seed)
    for number, (row, col) in enumerate(players, 1):
        add_player(world, "cave", row, col, character=number)
    where = {m.object_id: square_of(m.y, m.x) for m in world.monsters()}
    for second in range(150):
        for event in world.tick(float(second)):
            if isinstance(event, ev.ObjectEntered) and FIRST_MONSTER_ID <= event.object_id <= LAST_MONSTER_ID:
                thing = world.object(event.object_id)
                assert thing is not None and square_of(thing.y, thing.x) in spawns
                where[event.object_id] = square_of(thing.y, thing.x)
            elif isinstance(event, ev.ObjectMoved) and FIRST_MONSTER_ID <= event.object_id <= LAST_MONSTER_ID:
                row, col = where[event.object_id]
                to_row, to_col = square_of(event.y, event.x)
                assert max(abs(to_row - row), abs(to_col - col)) == 1
                assert geometry.can_step(row, col, to_row, to_col, monster=True)
                where[event.object_id] = (to_row, to_col)
    assert all(geometry.walkable(*square) for square in where.values())


def test_monster_grid_is_the_one_asked() -> None:
    # a version 12 room whose monster grid forbids every step, while players may walk
    geometry = RoomGeometry.open_floor(10, 10, version=12)
    fenced = attrs.evolve(geometry, monster_grid=bytes(len(geometry.move_grid)))
    world, monster = lone_monster_world(fenced, behaviour=())
    start = (monster.y, monster.x)
    run(world, range(100))
    assert (monster.y, monster.x) == start


# ---------------------------------------------------------------------------- through the server


def test_a_player_sees_the_monsters_of_the_room_and_their_steps(tmp_path: Path) -> None:
    """The bundled data with a rat table added to the inn: the real protocol shows the
    rats in the room's contents and their steps as the server's clock runs."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[cellar_rat]\nname = "cellar rat"\nicon = "rat.bgf"\ndescription = "A rat."\n'
            'flags = ["attackable"]\n\n[cellar_rat.monster]\nlevel = 3\nspeed = 20\n'
        )
    inn = data / "rooms" / "jasper_inn.toml"
    inn.write_text(
        "monster_limit = 3\ninitial_min = 3\ninitial_max = 3\n"
        + inn.read_text()
        + '\n[[monsters]]\nkind = "cellar_rat"\npercent = 100\n'
        + "".join(f"\n[[monster_spawns]]\nrow = {row}\ncol = {col}\n" for row, col in ((6, 3), (7, 5), (8, 12)))
    )
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        client = server.connect()
        client.login_to_game("alice", "pw-alice")
        client.enter_world("Alanna")
        contents = next(m for m in client.received if m.name == "BP_ROOM_CONTENTS")
        rats = {o["id"] for o in contents["objects"] if FIRST_MONSTER_ID <= o["id"] < FIRST_PLAYER_ID}
        assert len(rats) == 3
        steps = []
        for _ in range(30):
            server.advance(1.0)
            steps += [m for m in client.read() if m.name == "BP_MOVE"]
        assert steps and {m["id"] for m in steps} <= rats
    finally:
        server.stop()


# ---------------------------------------------------------------------------- wounded monsters


def wounded_world(count: int, behaviour: tuple[str, ...]) -> tuple[World, list[Monster]]:
    """A 20 x 20 cave with ``count`` aggressive rats at 1 hit point, wimpy at 100 % (so a
    heal on the way never brings them back to fighting)."""
    spawns = ((10, 10), (10, 2))[:count]
    rules = SpawnRules(limit=count, initial_min=count, initial_max=count, interval_ms=1_000_000, percent=100)
    world = World(definition(20, 20, spawns, rules, ("fight_aggressive", *behaviour)), {"cave": None}, seed=4)
    monsters = sorted(world.monsters(), key=lambda m: square_of(m.y, m.x)[1], reverse=True)
    for monster, (row, col) in zip(monsters, spawns):
        monster.kind, monster.wimpy, monster.hit_points = "rat", 100, 1
        monster.y, monster.x = square_centre(row, col)
    return world, monsters


def test_health_below_wimpy_follows_the_whole_percent_rule() -> None:
    from emulator.rules.combat import health_below_wimpy

    assert not health_below_wimpy(1, 100, 0)  # 0: fights to the end
    assert health_below_wimpy(49, 100, 50) and not health_below_wimpy(50, 100, 50)
    assert health_below_wimpy(9, 20, 50) and not health_below_wimpy(10, 20, 50)


def test_a_wounded_monster_runs_from_its_attacker_instead_of_swinging() -> None:
    world, (monster,) = wounded_world(1, ())
    add_player(world, "cave", 10, 11)  # right next to it, east
    events = run(world, range(40))
    assert not [e for e in events if isinstance(e, ev.MonsterAttacked)]
    row, col = square_of(monster.y, monster.x)
    assert col <= 5, (row, col)  # ran west, away from the player


def test_a_wounded_regrouper_walks_to_its_kind_and_without_one_fights_on() -> None:
    world, (wounded, ally) = wounded_world(2, ("move_regroup",))
    ally.wimpy = 0
    ally.moves = False
    add_player(world, "cave", 10, 11)
    before = abs(square_of(wounded.y, wounded.x)[1] - 2)
    run(world, range(10))
    assert abs(square_of(wounded.y, wounded.x)[1] - 2) < before  # closer to the ally at column 2

    alone, (rat,) = wounded_world(1, ("move_regroup",))
    add_player(alone, "cave", 10, 11)
    assert [e for e in run(alone, range(20)) if isinstance(e, ev.MonsterAttacked)]
