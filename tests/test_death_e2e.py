"""A player's death and what it keeps, through the whole server in memory on a
deterministic clock: killed by a monster, it wakes in the Underworld with the revival
vitals, the server crashes and comes back with the penalty still pending, the player
walks out of the Underworld and pays it, and a clean restart keeps the result."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

from emulator.content.model import square_centre, square_of
from emulator.rules.death import UNDERWORLD, revival_vitals
from emulator.store import characters
from emulator.store.characters import CharacterState
from emulator.testing.memory_server import MemoryClient, MemoryServer

REPO = Path(__file__).resolve().parent.parent
START = (4, 10)  # the bundled world's start square, in the inn
OUT_OF_THE_UNDERWORLD = ("jasper_hall", 10, 7)


def bundled_data_with_a_killer(tmp_path: Path) -> Path:
    """The bundled world plus a strong, still, aggressive brute beside the start and an
    Underworld, known by the original's number, whose door on the square the dead wake on
    leads to the Adventurer's Hall."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[brute]\nname = "brute"\nicon = "brute.bgf"\ndescription = "A brute."\n'
            'flags = ["attackable"]\n\n[brute.monster]\nlevel = 60\ndifficulty = 6\n'
            'behaviour = ["nomove", "fight_aggressive"]\n'
        )
    room, row, col = OUT_OF_THE_UNDERWORLD
    (data / "rooms" / "hades.toml").write_text(
        'name = "Underworld"\nroo_file = "uworld.roo"\nrows = 30\ncols = 20\nnumber = 1\nflags = ["no_combat"]\n'
        f'\n[[exits]]\nrow = {UNDERWORLD.row}\ncol = {UNDERWORLD.col}\nto = "{room}"\nto_row = {row}\nto_col = {col}\n'
    )
    inn = data / "rooms" / "jasper_inn.toml"
    inn.write_text(
        "monster_limit = 1\ninitial_min = 1\ninitial_max = 1\n"
        + inn.read_text()
        + '\n[[monsters]]\nkind = "brute"\npercent = 100\n'
        + f"\n[[monster_spawns]]\nrow = {START[0] + 1}\ncol = {START[1]}\n"
    )
    return data


def start(tmp_path: Path, data: Path) -> MemoryServer:
    return MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')


def enter(server: MemoryServer, account: str, character: str) -> tuple[MemoryClient, dict[str, Any]]:
    client = server.connect()
    client.login_to_game(account, "pw")
    player = client.enter_world(character)
    return client, player


def health_bars(messages: list[Any]) -> list[tuple[int, int]]:
    """(health, max health) of every health bar the client was sent."""
    return [
        (m["stat"]["data"]["value"]["value"], m["stat"]["data"]["value"]["current_max"])
        for m in messages
        if m.name == "BP_STAT" and m["group"] == 1 and m["stat"]["slot"] == 1
    ]


def test_a_veteran_dies_pays_on_leaving_the_underworld_and_keeps_it_over_restarts(tmp_path: Path) -> None:
    data = bundled_data_with_a_killer(tmp_path)
    first = start(tmp_path, data)
    servers = [first]
    try:
        first.create_account("alice", "pw")
        first.create_character("alice", "Alanna")
        first.create_account("bob", "pw")
        first.create_character("bob", "Bors")
        alanna = first.store.run(characters.find_character, "Alanna")
        bors = first.store.run(characters.find_character, "Bors")
        assert alanna is not None and bors is not None
        # a veteran (base max health 40, past the tutorial) with little health left, beside the
        # brute; another player far from it, in the hall
        y, x = square_centre(*START)
        veteran = CharacterState(
            alanna.id, "jasper_inn", y, x, 0, health=6, mana=10, vigor=200, max_health=40, karma=12,
            base_max_health=40, karma_fraction=34, gain_chance=50, past_tutorial=True,
        )
        far = CharacterState(bors.id, "jasper_hall", *square_centre(5, 5), 0, health=20, mana=10, vigor=200)
        first.store.run(characters.save_characters, [veteran, far], datetime.datetime.now(datetime.UTC))
        watcher, _ = enter(first, "bob", "Bors")
        client, _ = enter(first, "alice", "Alanna")
        received: list[Any] = []
        for _ in range(600):
            first.advance(1.0)
            received += client.read()
            if any(m.name == "BP_MESSAGE" and m["params"][0] == "You have died." for m in received):
                break
        texts = [m["params"][0] for m in received if m.name == "BP_MESSAGE"]
        assert texts[-2:] == ["Alanna has fallen to the brute.", "You have died."]
        heard = [m["params"][0] for m in watcher.read() if m.name == "BP_MESSAGE"]
        assert heard == ["Alanna has fallen to the brute."]  # everyone online is told
        # it wakes where the original sends the dead, with the revival vitals of a veteran
        world = first.hub.world
        dead = world.player_by_character(alanna.id)
        assert dead is not None
        assert (dead.room, square_of(dead.y, dead.x)) == ("hades", (UNDERWORLD.row, UNDERWORLD.col))
        revival = revival_vitals(40, 10, 200, 100, tutorial=True)
        assert (dead.stats.health, dead.stats.mana, dead.stats.vigor) == (revival.health, revival.mana, revival.vigor)
        assert health_bars(received)[-1] == (1, 40)
        assert (dead.death_cost, dead.gain_chance, dead.stats.max_health) == (100, 25, 40)  # nothing paid yet

        # the autosave runs, then the server dies without saving again (it is never stopped)
        first.hub.autosave()
        second = start(tmp_path, data)
        servers.append(second)
        client, player = enter(second, "alice", "Alanna")
        assert player["room_id"] == second.hub.world.room_id("hades")
        back = second.hub.world.player(player["id"])
        assert (back.death_cost, back.stats.max_health, back.stats.base_max_health) == (100, 40, 40)
        assert (back.stats.karma, back.karma_fraction, back.gain_chance, back.past_tutorial) == (12, 34, 25, True)
        assert back.stats.health == 1

        # it walks out through the Underworld's door and pays: one point of base max health
        client.read()
        out = client.request("BP_REQ_GO")
        room, row, col = OUT_OF_THE_UNDERWORLD
        assert (back.room, square_of(back.y, back.x)) == (room, (row, col))
        assert (back.death_cost, back.stats.max_health, back.stats.base_max_health) == (0, 39, 39)
        assert health_bars(out) and health_bars(out)[-1][1] == 39
        played = next(m for m in out if m.name == "BP_PLAYER")
        assert played["room_id"] == second.hub.world.room_id(room)

        # a clean restart keeps all of it
        client.request("BP_LOGOFF")
        second.stop()
        third = start(tmp_path, data)
        servers.append(third)
        _, player = enter(third, "alice", "Alanna")
        assert player["room_id"] == third.hub.world.room_id(room)
        kept = third.hub.world.player(player["id"])
        assert (kept.stats.max_health, kept.stats.base_max_health, kept.death_cost) == (39, 39, 0)
        assert (kept.stats.karma, kept.karma_fraction, kept.gain_chance, kept.past_tutorial) == (12, 34, 25, True)
    finally:
        for server in reversed(servers[1:]):
            server.stop()


def test_logging_off_in_the_underworld_pays_the_penalty_and_the_dead_wake_there_again(tmp_path: Path) -> None:
    """As the original's logoff leaves the room: the penalty is paid, the place is kept."""
    data = bundled_data_with_a_killer(tmp_path)
    server = start(tmp_path, data)
    try:
        server.create_account("alice", "pw")
        server.create_character("alice", "Alanna")
        alanna = server.store.run(characters.find_character, "Alanna")
        assert alanna is not None
        y, x = square_centre(UNDERWORLD.row, UNDERWORLD.col)
        dead = CharacterState(alanna.id, "hades", y, x, 0, health=1, mana=1, vigor=50, max_health=40,
                              base_max_health=40, death_cost=100, past_tutorial=True)
        server.store.run(characters.save_characters, [dead], datetime.datetime.now(datetime.UTC))
        client, player = enter(server, "alice", "Alanna")
        assert server.hub.world.player(player["id"]).death_cost == 100
        client.request("BP_LOGOFF")
        saved = server.store.run(characters.get_character, alanna.id)
        assert (saved.room, saved.max_health, saved.base_max_health, saved.death_cost) == ("hades", 39, 39, 0)
        _, again = enter(server, "alice", "Alanna")
        assert again["room_id"] == server.hub.world.room_id("hades")
    finally:
        server.stop()


def test_a_kill_that_toughens_the_player_shows_and_keeps_the_new_max_health(tmp_path: Path) -> None:
    """A sure gain (a huge running chance) on killing the brute, a tougher monster: the
    client reads it and sees its bars full at the new maximum; the gain is saved."""
    data = bundled_data_with_a_killer(tmp_path)
    server = start(tmp_path, data)
    try:
        server.create_account("alice", "pw")
        server.create_character("alice", "Alanna")
        alanna = server.store.run(characters.find_character, "Alanna")
        assert alanna is not None
        y, x = square_centre(*START)
        fighter = CharacterState(alanna.id, "jasper_inn", y, x, 0, health=40, mana=10, vigor=200, max_health=40,
                                 base_max_health=40, gain_chance=10_000, past_tutorial=True)
        server.store.run(characters.save_characters, [fighter], datetime.datetime.now(datetime.UTC))
        client, player = enter(server, "alice", "Alanna")
        (brute,) = server.hub.world.monsters()
        brute.hit_points = 1
        client.read()
        replies: list[Any] = []
        for _ in range(60):
            replies += client.request("BP_REQ_ATTACK", attack_type=1, target={"id": brute.object_id, "amount": None},
                                      trailing=0)
            if any(m.name == "BP_MESSAGE" and m["params"][0] == "You killed the brute." for m in replies):
                break
            server.advance(1.0)
            replies += client.read()
        texts = [m["params"][0] for m in replies if m.name == "BP_MESSAGE"]
        assert texts[-2:] == ["You killed the brute.", "That fight has hardened you: your health grows."]
        assert health_bars(replies)[-1] == (41, 41)
        stamina = alanna.stamina
        client.request("BP_LOGOFF")
        saved = server.store.run(characters.get_character, alanna.id)
        assert (saved.max_health, saved.base_max_health, saved.health) == (41, 41, 41)
        assert saved.gain_chance == -(41 // 2) - (50 - stamina) // 2  # the chance starts over
    finally:
        server.stop()
