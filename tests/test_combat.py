"""A player fights a monster bare-handed: the swing, the rules' numbers, the kill, the
respawn, the refusals, and the same through the real protocol (issue 11, step 3)."""

from __future__ import annotations

import random
import shutil
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
from emulator.rules.combat import (
    monster_damage_taken,
    monster_defense,
    player_damage,
    player_offense,
    roll_attack,
)
from emulator.rules.dice import roll_with
from emulator.rules.kills import karma_change_for_killing_monster, shown_karma
from emulator.testing.memory_server import MemoryServer
from emulator.world import events as ev
from emulator.world.monsters import FIRST_MONSTER_ID, Monster
from emulator.world.objects import Stats
from emulator.world.world import FIRST_PLAYER_ID, World

REPO = Path(__file__).resolve().parent.parent
MONSTER_SQUARE = (5, 5)


def definition(level: int = 30, difficulty: int = 4, karma: int | None = None) -> WorldDefinition:
    """A town, and a cave whose one spawn square holds an ogre that stands still; an
    empty cave refills every 2 ticks (10 s over the original's full-speed rate of 5)."""
    rooms = {
        "town": RoomDefinition("town", "Town", "town.roo", 6, 6),
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", 10, 10,
            monsters=(MonsterChance("ogre", 100),),
            monster_spawns=(Placement("cave", *MONSTER_SQUARE),),
            spawn_rules=SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=10_000, percent=100),
        ),
    }
    info = MonsterInfo(level=level, difficulty=difficulty, karma=karma, speed=10, behaviour=("nomove",))
    kinds = {"ogre": ObjectKind("ogre", "ogre", "ogre.bgf", "An ogre.", monster=info)}
    return WorldDefinition(rooms, kinds, (), start=Placement("town", 3, 3))


def add_player(world: World, room: str, row: int, col: int, character: int = 1) -> int:
    y, x = square_centre(row, col)
    player_id, _ = world.add_player(character, f"P{character}", ev.Position(room, y, x))
    return player_id


def cave_with_ogre(**kwargs: int | None) -> tuple[World, Monster]:
    world = World(definition(**kwargs), seed=7)  # type: ignore[arg-type]
    (monster,) = world.monsters()
    return world, monster


def expected_swing(world: World, player_id: int, monster: Monster, now: float) -> tuple[bool, int]:
    """The same swing from the rules, with the world's roll for it."""
    roll = roll_with(random.Random(f"{world.seed}:attack:{world.tick_count}:{player_id}:{monster.object_id}:{now!r}"))
    stats = world.player(player_id).stats
    swing = roll_attack(
        player_offense(0, 0, stats.aim, stats.max_health),
        monster_defense(monster.level, monster.difficulty),
        lambda: player_damage(roll, stats.might, stats.aim),
        roll,
    )
    return swing.hit, monster_damage_taken(swing.damage) if swing.hit else 0


# ---------------------------------------------------------------------------- the world


def test_a_player_beats_a_monster_to_death_by_the_rules() -> None:
    world, monster = cave_with_ogre()
    attacker = add_player(world, "cave", 5, 6)
    watcher = add_player(world, "cave", 8, 8, character=2)
    assert monster.hit_points == 30
    hits = misses = 0
    now = 0.0
    killed: list[ev.MonsterKilled] = []
    while not killed:
        assert now < 500, "the ogre never died"
        before = monster.hit_points
        hit, damage = expected_swing(world, attacker, monster, now)
        events = world.attack(attacker, monster.object_id, now)
        resolved = events[0]
        assert isinstance(resolved, ev.AttackResolved)
        assert (resolved.room, resolved.attacker, resolved.target, resolved.target_kind) == ("cave", attacker, monster.object_id, "ogre")
        assert (resolved.hit, resolved.damage) == (hit, damage)
        assert 1 <= damage <= 4 if hit else damage == 0  # random(1, 4), might 25 adds nothing
        assert resolved.target_health_left == monster.hit_points == before - damage
        hits += hit
        misses += not hit
        killed = [e for e in events if isinstance(e, ev.MonsterKilled)]
        now += 1.0
    assert hits and misses  # chance 130 * 55 / 255 = 28 %
    assert killed == [ev.MonsterKilled("cave", monster.object_id, "ogre", attacker, False)]
    assert monster.hit_points <= 0
    assert world.monsters() == [] and world.object(monster.object_id) is None
    assert monster not in world.room_objects("cave")
    assert watcher in {p.object_id for p in world.players_in("cave")}
    # a dead monster is no target any more
    assert world.attack(attacker, monster.object_id, now + 5) == []
    # the room counts it gone and refills on its spawn timer
    entered = [e for second in range(20) for e in world.tick(now + second) if isinstance(e, ev.ObjectEntered)]
    assert entered and entered[0].room == "cave" and entered[0].object_id != monster.object_id
    (again,) = world.monsters()
    assert again.hit_points == again.max_hit_points == 30


def test_killing_an_evil_monster_raises_karma_as_the_original() -> None:
    world, monster = cave_with_ogre(level=1, difficulty=0, karma=-50)
    attacker = add_player(world, "cave", 5, 6)
    events: list[ev.WorldEvent] = []
    for second in range(20):
        events = world.attack(attacker, monster.object_id, float(second))
        if any(isinstance(e, ev.MonsterKilled) for e in events):
            break
    (killed,) = [e for e in events if isinstance(e, ev.MonsterKilled)]
    change = karma_change_for_killing_monster(0, -50)
    assert change == 300 and killed.karma_changed
    assert world.player(attacker).stats.karma == shown_karma(change) == 3


def test_a_monster_without_karma_leaves_karma_alone() -> None:
    world, monster = cave_with_ogre(level=1, difficulty=0)
    attacker = add_player(world, "cave", 5, 6)
    for second in range(20):
        world.attack(attacker, monster.object_id, float(second))
    assert world.monsters() == [] and world.player(attacker).stats.karma == 0


def test_the_same_seed_and_swings_give_the_same_fight() -> None:
    def fight() -> list[ev.WorldEvent]:
        world, monster = cave_with_ogre()
        attacker = add_player(world, "cave", 5, 4)
        return [e for second in range(40) for e in world.attack(attacker, monster.object_id, float(second))]

    assert fight() == fight()


def test_attacks_that_do_nothing() -> None:
    world, monster = cave_with_ogre()
    far = add_player(world, "cave", 5, 8)  # three squares off; unarmed reach is 2
    near = add_player(world, "cave", 6, 6, character=2)  # a diagonal step: within reach
    town = add_player(world, "town", 3, 3, character=3)
    full = monster.hit_points
    assert world.attack(far, monster.object_id, 0.0) == []
    assert world.attack(town, monster.object_id, 0.0) == []  # a monster in another room
    assert world.attack(near, near, 0.0) == [ev.PlayerAttackRefused(near, near, "self")]  # told, nothing else
    assert world.attack(near, far, 0.0) == []  # a player out of reach (player against player: tests/test_pvp.py)
    assert world.attack(near, world.room_id("cave"), 0.0) == []  # nor is a room
    assert world.attack(near, 0xDEAD, 0.0) == []  # nor nothing
    assert world.attack(FIRST_PLAYER_ID + 99, monster.object_id, 0.0) == []  # nobody attacking
    assert monster.hit_points == full
    # two squares straight is still within reach; faster than once a second is not
    assert world.attack(add_player(world, "cave", 5, 7, character=4), monster.object_id, 0.0)
    assert world.attack(near, monster.object_id, 10.0)
    assert world.attack(near, monster.object_id, 10.5) == []
    assert world.attack(near, monster.object_id, 10.99) == []
    assert world.attack(near, monster.object_id, 11.0)


def test_a_fresh_player_has_the_starting_figures_the_rules_use() -> None:
    # offence 4 * aim + 3/2 * max health with no punch or brawling skill
    assert player_offense(0, 0, Stats().aim, Stats().max_health) == 130


# ---------------------------------------------------------------------------- through the server


def test_two_clients_see_a_rat_beaten_to_death(tmp_path: Path) -> None:
    """The bundled data with a still rat next to the start square: one player punches it
    until it dies, the other sees it removed; every frame decodes whole."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[cellar_rat]\nname = "cellar rat"\nicon = "rat.bgf"\ndescription = "A rat."\n'
            'flags = ["attackable"]\n\n[cellar_rat.monster]\nlevel = 6\nkarma = -40\nbehaviour = ["nomove"]\n'
        )
    inn = data / "rooms" / "jasper_inn.toml"
    inn.write_text(
        "monster_limit = 1\ninitial_min = 1\ninitial_max = 1\n"
        + inn.read_text()
        + '\n[[monsters]]\nkind = "cellar_rat"\npercent = 100\n'
        + "\n[[monster_spawns]]\nrow = 5\ncol = 10\n"  # the start is (4, 10)
    )
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        clients = []
        for account, character in (("alice", "Alanna"), ("bob", "Bertram")):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, character)
            client = server.connect()
            client.login_to_game(account, f"pw-{account}")
            client.enter_world(character)
            clients.append(client)
        alice, bob = clients
        alice_id = next(m for m in alice.received if m.name == "BP_PLAYER")["id"]
        contents = next(m for m in bob.received if m.name == "BP_ROOM_CONTENTS")
        (rat,) = [o["id"] for o in contents["objects"] if FIRST_MONSTER_ID <= o["id"] < FIRST_PLAYER_ID]
        alice.read()
        bob.read()

        texts: list[str] = []
        stats = []
        for _ in range(40):
            replies = alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat, "amount": None}, trailing=0)
            texts += [m["params"][0] for m in replies if m.name == "BP_MESSAGE"]
            stats += [m for m in replies if m.name == "BP_STAT"]
            # too soon after the last swing: nothing at all
            assert alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat, "amount": None}, trailing=None) == []
            if texts and texts[-1] == "You killed the cellar rat.":
                break
            server.advance(1.0)
        assert texts[-1] == "You killed the cellar rat."
        assert all(t.startswith(("You hit the cellar rat for ", "You miss the cellar rat.")) for t in texts[:-1])
        # the kill moved karma 0 -> 2.6: shown 2, sent with the attributes (group 2, slot 7)
        assert [s["stat"]["data"]["value"]["value"] for s in stats if s["group"] == 2 and s["stat"]["slot"] == 7] == [2]
        seen = bob.read()
        removed = [m for m in seen if m.name == "BP_REMOVE"]
        assert [m["id"] for m in removed] == [rat]
        # every punch is seen by the room as Alice playing the fist attack once (600 ms, groups 3-4, then 1)
        swings = [m for m in seen if m.name == "BP_CHANGE"]
        assert len(swings) == len(texts) and all(m["id"] == alice_id for m in swings)
        played = {
            (m["animation"]["type"], *(m["animation"]["params"][k] for k in ("period", "group_low", "group_high", "group_final")))
            for m in swings
        }
        assert played == {(3, 600, 3, 4, 1)}
        # attacking the dead rat does nothing
        server.advance(1.0)
        assert alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat, "amount": None}, trailing=0) == []
        assert not alice.closed_by_server and not bob.closed_by_server
        # The karma earned is kept: Alice logs off and comes back with it.
        alice.request("BP_LOGOFF")
        alice.close()
        again = server.connect()
        again.login_to_game("alice", "pw-alice")
        again.enter_world("Alanna")
        (attributes,) = [m for m in again.request("BP_SEND_STATS", group=2) if m.name == "BP_STAT_GROUP"]
        assert attributes["stats"][6]["data"]["value"]["value"] == 2  # karma, slot 7
    finally:
        server.stop()
