"""Monsters fight back: an aggressive monster swings at the player it chases when within
its attack range, by the rules' numbers and on its attack timer; a player at 0 health dies
and wakes where the original sends the dead, with the revival vitals (issue 11, step 4)."""

from __future__ import annotations

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
    square_of,
)
from emulator.rules.combat import MAX_DAMAGE_PER_HIT, monster_attack_range
from emulator.rules.death import UNDERWORLD, revival_vitals
from emulator.testing.memory_server import MemoryServer
from emulator.world import events as ev
from emulator.world.monsters import FIRST_MONSTER_ID, Monster
from emulator.world.objects import Stats
from emulator.world.world import FIRST_PLAYER_ID, World

REPO = Path(__file__).resolve().parent.parent
MONSTER_SQUARE = (5, 5)


def definition(underworld: bool = True, level: int = 30, difficulty: int = 4) -> WorldDefinition:
    """A town (the start), an Underworld (when asked for) and a cave whose one spawn
    square holds an aggressive ogre that stands still."""
    rooms = {
        "town": RoomDefinition("town", "Town", "town.roo", 6, 6),
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", 12, 12,
            monsters=(MonsterChance("ogre", 100),),
            monster_spawns=(Placement("cave", *MONSTER_SQUARE),),
            spawn_rules=SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=10_000, percent=100),
        ),
    }
    if underworld:
        rooms["underworld"] = RoomDefinition("underworld", "Underworld", "uworld.roo", 30, 20)
    info = MonsterInfo(level=level, difficulty=difficulty, speed=0, behaviour=("nomove", "fight_aggressive"))
    kinds = {"ogre": ObjectKind("ogre", "ogre", "ogre.bgf", "An ogre.", monster=info)}
    return WorldDefinition(rooms, kinds, (), start=Placement("town", 3, 3))


def add_player(world: World, room: str, row: int, col: int, character: int = 1, health: int = 20) -> int:
    y, x = square_centre(row, col)
    player_id, _ = world.add_player(character, f"P{character}", ev.Position(room, y, x), Stats(health=health))
    return player_id


def fight(world: World, seconds: int = 300) -> list[ev.WorldEvent]:
    """Tick until someone dies (or the time is up); every event on the way."""
    events: list[ev.WorldEvent] = []
    for second in range(seconds):
        events += world.tick(float(second))
        if any(isinstance(e, ev.PlayerDied) for e in events):
            break
    return events


def test_an_aggressive_monster_hits_a_weak_player_until_it_dies() -> None:
    world = World(definition(), seed=3)
    (monster,) = world.monsters()
    victim = add_player(world, "cave", 5, 6, health=12)
    watcher = add_player(world, "cave", 10, 10, character=2, health=500)  # out of range, never attacked
    events = fight(world)
    swings = [e for e in events if isinstance(e, ev.MonsterAttacked)]
    assert swings and all(s.monster_id == monster.object_id and s.kind == "ogre" and s.room == "cave" for s in swings)
    assert all(s.victim == victim for s in swings)
    health = 12
    for swing in swings:
        assert 1 <= swing.damage <= min(7, MAX_DAMAGE_PER_HIT) if swing.hit else swing.damage == 0  # a third of 20
        health = max(0, health - swing.damage)
        assert swing.health_left == health
    assert swings[-1].hit and swings[-1].health_left == 0
    # then the death, in order: gone from the cave, announced to all, told, moved, shown in the Underworld
    tail = events[events.index(swings[-1]) + 1:]
    assert tail == [
        ev.ObjectLeft("cave", victim),
        ev.DeathAnnounced(victim, "P1", "ogre", (victim, watcher)),
        ev.PlayerDied(victim, "cave", "underworld", "ogre"),
        ev.PlayerMovedRoom(victim, "cave", "underworld"),
        ev.ObjectEntered("underworld", victim),
    ]
    player = world.player(victim)
    assert player.room == "underworld"
    assert square_of(player.y, player.x) == (UNDERWORLD.row, UNDERWORLD.col)
    assert player.angle == UNDERWORLD.angle
    # a new player still has the newbie honor: a cheap death, nothing to pay
    revival = revival_vitals(20, 10, 200, 0)
    assert (player.stats.health, player.stats.mana, player.stats.vigor) == (revival.health, revival.mana, revival.vigor)
    assert (revival.health, revival.mana, revival.vigor) == (1, 1, 50)
    assert player.death_cost == 0
    # still online, in the players list; the monster gave up
    assert victim in {p.object_id for p in world.all_players()}
    assert victim not in {p.object_id for p in world.players_in("cave")}
    assert monster.target is None
    assert world.player(watcher).stats.health == 500  # out of sight: never hit
    # nothing more happens to the dead player
    later = [e for second in range(300, 330) for e in world.tick(float(second))]
    assert not any(isinstance(e, ev.MonsterAttacked) and e.victim == victim for e in later)


def test_without_an_underworld_the_dead_go_to_the_start() -> None:
    world = World(definition(underworld=False), seed=5)
    victim = add_player(world, "cave", 6, 5, health=3)
    events = fight(world)
    assert ev.PlayerDied(victim, "cave", "town", "ogre") in events
    player = world.player(victim)
    assert (player.room, square_of(player.y, player.x)) == ("town", (3, 3))
    assert player.stats.health == 1


def test_a_player_outside_the_attack_range_is_not_attacked() -> None:
    world = World(definition(), seed=9)
    (monster,) = world.monsters()
    assert monster_attack_range(monster.difficulty) == 2 < monster.vision  # sees 6 squares, reaches 2
    far = add_player(world, "cave", 5, 8, health=5)  # three squares off
    events = [e for second in range(120) for e in world.tick(float(second))]
    assert monster.target == far  # it noticed and chases, but does not move ...
    assert not any(isinstance(e, (ev.MonsterAttacked, ev.PlayerDied)) for e in events)  # ... nor reach
    assert world.player(far).stats.health == 5


def test_a_monster_attacks_on_its_attack_timer() -> None:
    world = World(definition(), seed=11)
    add_player(world, "cave", 5, 6, health=500)
    ticks = []
    for second in range(200):
        if any(isinstance(e, ev.MonsterAttacked) for e in world.tick(float(second))):
            ticks.append(world.tick_count)
    gaps = {b - a for a, b in zip(ticks, ticks[1:])}
    # GetAttackTime: fuzzy(1000) + 3500 - 70 * (3 * 4 + 0), 3410..3910 ms: 3 or 4 ticks of 1 s
    assert len(ticks) > 30 and gaps <= {3, 4}


def test_the_same_seed_gives_the_same_fight() -> None:
    def run(seed: int) -> list[ev.WorldEvent]:
        world = World(definition(), seed=seed)
        add_player(world, "cave", 5, 6, health=15)
        return fight(world)

    assert run(21) == run(21)
    assert any(isinstance(e, ev.PlayerDied) for e in run(21))


# ---------------------------------------------------------------------------- through the server


def test_a_player_killed_by_a_monster_wakes_in_the_underworld(tmp_path: Path) -> None:
    """The bundled data with an Underworld and a strong, still, aggressive brute next to
    the start square: the player stands there until it dies; its client sees its health
    fall, reads the death and gets the Underworld; logging in again finds it there."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[brute]\nname = "brute"\nicon = "brute.bgf"\ndescription = "A brute."\n'
            'flags = ["attackable"]\n\n[brute.monster]\nlevel = 60\ndifficulty = 6\n'
            'behaviour = ["nomove", "fight_aggressive"]\nattack_animation = [100, 7, 11, 1]\n'
        )
    (data / "rooms" / "underworld.toml").write_text(
        'name = "Underworld"\nroo_file = "uworld.roo"\nrows = 30\ncols = 20\n'
    )
    inn = data / "rooms" / "jasper_inn.toml"
    inn.write_text(
        "monster_limit = 1\ninitial_min = 1\ninitial_max = 1\n"
        + inn.read_text()
        + '\n[[monsters]]\nkind = "brute"\npercent = 100\n'
        + "\n[[monster_spawns]]\nrow = 5\ncol = 10\n"  # the start is (4, 10)
    )
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        client = server.connect()
        client.login_to_game("alice", "pw-alice")
        client.enter_world("Alanna")
        client.read()
        received = []
        for _ in range(600):
            server.advance(1.0)
            received += client.read()
            if any(m.name == "BP_MESSAGE" and m["params"][0] == "You have died." for m in received):
                break
        texts = [m["params"][0] for m in received if m.name == "BP_MESSAGE"]
        assert texts[-2:] == ["Alanna has fallen to the brute.", "You have died."]  # everyone hears of it
        assert texts[:-2] and all(t.startswith(("The brute hits you for ", "The brute misses you.")) for t in texts[:-2])
        # each blow is seen as the brute playing its attack animation once
        swings = [m for m in received if m.name == "BP_CHANGE"]
        assert len(swings) == len(texts) - 2 and {m["animation"]["params"]["group_low"] for m in swings} == {7}
        healths = [
            m["stat"]["data"]["value"]["value"]
            for m in received
            if m.name == "BP_STAT" and m["group"] == 1 and m["stat"]["slot"] == 1
        ]
        falling, revived = healths[:-1], healths[-1]
        assert falling == sorted(falling, reverse=True) and falling[-1] == 0 and revived == 1
        died_at = next(i for i, m in enumerate(received) if m.name == "BP_MESSAGE" and m["params"][0] == "You have died.")
        (player,) = [m for m in received[died_at:] if m.name == "BP_PLAYER"]
        world = server.game.hub.world
        assert player["room_id"] == world.room_id("underworld")
        contents = next(m for m in received[died_at:] if m.name == "BP_ROOM_CONTENTS")
        assert contents["room_id"] == player["room_id"]
        assert not any(FIRST_MONSTER_ID <= o["id"] < FIRST_PLAYER_ID for o in contents["objects"])
        assert not client.closed_by_server
        client.request("BP_LOGOFF")
        client.close()
        again = server.connect()
        again.login_to_game("alice", "pw-alice")
        back = again.enter_world("Alanna")
        assert back["room_id"] == player["room_id"]
        (condition,) = [m for m in again.request("BP_SEND_STATS", group=1) if m.name == "BP_STAT_GROUP"]
        assert condition["stats"][0]["data"]["value"]["value"] == 1
        placed = world.player(back["id"])
        assert (placed.room, square_of(placed.y, placed.x)) == ("underworld", (UNDERWORLD.row, UNDERWORLD.col))
    finally:
        server.stop()
