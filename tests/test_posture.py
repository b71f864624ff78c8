"""Rest and stand, vigor, the safety flag and no-combat rooms (issue 11, step 5)."""

from __future__ import annotations

from pathlib import Path

from emulator.content.model import (
    MonsterChance,
    MonsterInfo,
    ObjectKind,
    Placement,
    RoomDefinition,
    SpawnRules,
    WorldDefinition,
    square_centre,
)
from emulator.rules.combat import PLAYER_ATTACK_DELAY_MS, swing_exertion
from emulator.rules.vitals import (
    DEFAULT_VIGOR_REST_THRESHOLD,
    MIN_VIGOR_CHANGE,
    Vigor,
    add_exertion,
    USER_RUNNING_SPEED,
    USER_WALKING_SPEED,
    VIGOR_RUN_THRESHOLD,
    health_regen_delay_ms,
    move_exertion,
    rest_delay_ms,
)
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import table
from emulator.world import events as ev
from emulator.world.objects import Stats
from emulator.world.world import World
from protocol_specs.opcodes import UC
from protocol_specs.registry import C2S, GAME

MONSTER_SQUARE = (5, 5)


def definition(cave_flags: tuple[str, ...] = ()) -> WorldDefinition:
    """A town (the start) and a cave whose one spawn square holds a still, aggressive,
    sturdy ogre."""
    rooms = {
        "town": RoomDefinition("town", "Town", "town.roo", 6, 6),
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", 12, 12, flags=cave_flags,
            monsters=(MonsterChance("ogre", 100),),
            monster_spawns=(Placement("cave", *MONSTER_SQUARE),),
            spawn_rules=SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=10_000, percent=100),
        ),
    }
    info = MonsterInfo(level=100, difficulty=4, speed=0, behaviour=("nomove", "fight_aggressive"))
    kinds = {"ogre": ObjectKind("ogre", "ogre", "ogre.bgf", "An ogre.", monster=info)}
    return WorldDefinition(rooms, kinds, (), start=Placement("town", 3, 3))


def add_player(world: World, room: str, row: int, col: int, character: int = 1, **stats: int) -> int:
    y, x = square_centre(row, col)
    player_id, _ = world.add_player(character, f"P{character}", ev.Position(room, y, x), Stats(**stats))
    return player_id


def test_resting_raises_vigor_and_standing_does_not() -> None:
    world = World(definition())
    rester = add_player(world, "town", 2, 2, character=1, vigor=50)
    stander = add_player(world, "town", 4, 4, character=2, vigor=50)
    world.rest(rester)
    assert world.player(rester).resting and not world.player(stander).resting
    changed: list[int] = []
    for second in range(30):
        before = world.player(rester).stats.vigor
        tick_changes = [e.player_id for e in world.tick(float(second)) if isinstance(e, ev.VitalsChanged)]
        # batched: one event in a tick that moved the bar, none otherwise
        assert tick_changes == ([rester] if world.player(rester).stats.vigor != before else [])
        changed += tick_changes
    gained = world.player(rester).stats.vigor - 50
    assert world.player(stander).stats.vigor == 50
    # a rest tick every rest_delay_ms (rounded up to whole world ticks), 3 vigor every third one
    ticks_per_rest = -(-rest_delay_ms(25) // 1000)
    rests = (30 - 1) // ticks_per_rest
    assert gained == 3 * (rests // 3) and gained > 0
    assert changed and set(changed) == {rester}  # one event per tick that moved the bar
    for second in range(30, 400):
        world.tick(float(second))
    assert world.player(rester).stats.vigor == DEFAULT_VIGOR_REST_THRESHOLD  # rest stops at the threshold
    world.stand(rester)
    assert not world.player(rester).resting


def test_swinging_costs_the_rules_exertion() -> None:
    world = World(definition())
    (monster,) = world.monsters()
    player = add_player(world, "cave", MONSTER_SQUARE[0], MONSTER_SQUARE[1] + 1)
    expected = Vigor(200, 0)
    seen_change = False
    for swing in range(8):
        events = world.attack(player, monster.object_id, swing * PLAYER_ATTACK_DELAY_MS / 1000)
        assert any(isinstance(e, ev.AttackResolved) for e in events)
        before = expected
        expected = add_exertion(expected, swing_exertion(None))
        p = world.player(player)
        assert (p.stats.vigor, p.exertion) == (expected.vigor, expected.exertion)
        moved = any(isinstance(e, ev.VitalsChanged) for e in events)
        assert moved == (expected.vigor != before.vigor)
        seen_change |= moved
    assert seen_change and world.player(player).stats.vigor < 200
    assert 8 * swing_exertion(None) > MIN_VIGOR_CHANGE


def test_walking_costs_vigor_once_a_second_and_running_needs_vigor() -> None:
    world = World(definition())
    walker = add_player(world, "town", 1, 1, vigor=100)
    expected = Vigor(100, 0)
    for second in range(1, 6):
        # one update a second, as the client sends while walking: each is charged; a
        # second one in the same second is not
        for step, fraction in ((0, 0.1), (1, 0.6))[: 2 if second == 5 else 1]:
            y, x = square_centre(1 + (second + step) % 5, 1)
            events = world.move(walker, "town", y, x, USER_WALKING_SPEED, second + fraction)
            assert isinstance(events[0], ev.ObjectMoved)
            if step == 0:
                expected = add_exertion(expected, move_exertion(USER_WALKING_SPEED))
            p = world.player(walker)
            assert (p.stats.vigor, p.exertion) == (expected.vigor, expected.exertion)
    assert world.player(walker).exertion == 5 * move_exertion(USER_WALKING_SPEED)  # the sixth update was free
    assert move_exertion(USER_RUNNING_SPEED) > move_exertion(USER_WALKING_SPEED) > 0

    tired = add_player(world, "town", 5, 5, character=2, vigor=VIGOR_RUN_THRESHOLD - 1)
    y, x = square_centre(5, 4)
    (refused,) = world.move(tired, "town", y, x, USER_RUNNING_SPEED, 1.0)
    assert isinstance(refused, ev.MoveRefused) and refused.reason == ev.MoveRefusal.TOO_TIRED.value
    assert isinstance(world.move(tired, "town", y, x, USER_WALKING_SPEED, 1.0)[0], ev.ObjectMoved)


def test_health_regenerates_one_point_per_rules_delay_once_moved() -> None:
    world = World(definition())
    still = add_player(world, "town", 2, 2, character=1, health=10)
    mover = add_player(world, "town", 4, 4, character=2, health=10)
    y, x = square_centre(4, 5)
    assert world.move(mover, "town", y, x, 18, 0.0)
    healths = []
    for second in range(20):
        world.tick(float(second))
        healths.append(world.player(mover).stats.health)
    assert world.player(still).stats.health == 10  # not moved since entry: no regeneration
    rises = [i for i in range(1, len(healths)) if healths[i] > healths[i - 1]]
    assert all(healths[i] - healths[i - 1] in (0, 1) for i in range(1, len(healths)))
    ticks = -(-health_regen_delay_ms(200, 25, 20) // 1000)
    assert len(rises) >= 3 and all(b - a == ticks for a, b in zip(rises, rises[1:]))


def test_a_no_combat_room_refuses_attacks_both_ways() -> None:
    world = World(definition(cave_flags=("no_combat",)))
    (monster,) = world.monsters()
    player = add_player(world, "cave", MONSTER_SQUARE[0], MONSTER_SQUARE[1] + 1)
    assert world.attack(player, monster.object_id, 0.0) == []
    events = []
    for second in range(60):
        events += world.tick(float(second))
    assert not any(isinstance(e, (ev.MonsterAttacked, ev.PlayerDied)) for e in events)
    assert world.player(player).stats.health == 20
    # the same room without the flag: the fight happens
    fighting = World(definition())
    (ogre,) = fighting.monsters()
    other = add_player(fighting, "cave", MONSTER_SQUARE[0], MONSTER_SQUARE[1] + 1)
    assert fighting.attack(other, ogre.object_id, 0.0)
    events = []
    for second in range(60):
        events += fighting.tick(float(second))
    assert any(isinstance(e, ev.MonsterAttacked) for e in events)


def test_the_safety_flag_toggles_and_forbids_attacking_players() -> None:
    world = World(definition())
    anna = add_player(world, "town", 2, 2, character=1, health=40, max_health=40)
    bob = add_player(world, "town", 2, 3, character=2, health=40, max_health=40)
    assert world.player(anna).safety  # on by default, as the original
    assert world.attack(anna, bob, 0.0) == [ev.PlayerAttackRefused(anna, bob, "safety")]
    world.set_safety(anna, False)
    assert not world.player(anna).safety
    assert any(isinstance(e, ev.PlayerAttacked) for e in world.attack(anna, bob, 5.0))  # the safety no longer holds back
    world.tick(0.0)
    assert not world.player(anna).safety  # kept
    world.set_safety(anna, True)
    assert world.player(anna).safety


def test_user_commands_through_the_server(tmp_path: Path) -> None:
    server = MemoryServer(tmp_path)
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        client = server.connect()
        client.login_to_game("alice", "pw-alice")
        client.enter_world("Alanna")
        client.read()
        world = server.hub.world
        (player,) = world.all_players()
        requests = table(GAME, C2S)
        for command, args in ((UC.UC_REST, {}), (UC.UC_SAFETY, {"on": 0}), (UC.UC_STAND, {}), (UC.UC_SAFETY, {"on": 1})):
            payload = requests.encode("BP_USERCOMMAND", {"command": command, "args": args})
            decoded = requests.decode(payload)  # exact: raises on bytes left over
            assert decoded.name == "BP_USERCOMMAND" and decoded["command"] == command
        player.stats.vigor = 40
        client.request("BP_USERCOMMAND", command=UC.UC_REST, args={})
        assert player.resting
        client.request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
        assert not player.safety
        received = []
        for _ in range(20):  # within the game's idle timeout (30 s of silence)
            server.advance(1.0)
            received += client.read()  # every frame decodes exactly (raises otherwise)
        vigors = [
            m["stat"]["data"]["value"]["value"]
            for m in received
            if m.name == "BP_STAT" and m["group"] == 1 and m["stat"]["slot"] == 3
        ]
        assert vigors and vigors == sorted(vigors) and vigors[-1] == player.stats.vigor > 40
        client.request("BP_USERCOMMAND", command=UC.UC_STAND, args={})
        client.request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 1})
        assert not player.resting and player.safety
        assert not client.closed_by_server
    finally:
        server.stop()
