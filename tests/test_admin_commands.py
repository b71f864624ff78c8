"""The operator's commands on a running server (AdminWorld) and, for those that work on
the store alone, on a control without a game."""

from __future__ import annotations

import datetime

import pytest
from twisted.internet.task import Clock

from emulator.admin.commands import build_registry
from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller
from emulator.config import Config
from emulator.content.model import square_centre
from emulator.game.operator import log_off
from emulator.store import accounts, characters
from emulator.testing.admin import TEST_MONSTER, AdminWorld
from emulator.testing.memory_server import MemoryClient
from emulator.wire.codec import Message


@pytest.fixture
def world(tmp_path):
    admin_world = AdminWorld(tmp_path)
    yield admin_world
    admin_world.stop()


def said(messages: list[Message]) -> list[str]:
    return [m["params"][0] for m in messages if m.name == "BP_MESSAGE"]


def read_all(world: AdminWorld) -> dict[str, list[Message]]:
    return {name: client.read() for name, client in world.clients.items()}


def player_of(world: AdminWorld, character: str):
    return next(p for p in world.server.hub.world.all_players() if p.name == character)


def try_login(world: AdminWorld, account: str, password: str) -> tuple[MemoryClient, list[Message]]:
    client = world.server.connect()
    client.read()
    return client, client.send(client.codec.login(account, password))


# ---------------------------------------------------------------------- show


def test_show_status_gives_uptime_players_ticks_and_the_last_save(world):
    world.server.advance(3)  # a few ticks
    assert "last save: none yet" in world.run("show status")
    world.run("save")
    text = world.run("show status")
    assert text.startswith("up ")
    assert "3 in the world, 3 in game mode, 3 connections" in text
    assert "ticks in the last minute: " in text and "p50 " in text and "p99 " in text
    assert "last save: 0 s ago, took " in text
    world.run("lock 'Closed.'")
    world.run("shutdown --in 5m")
    text = world.run("show status")
    assert "logins locked: The server shuts down in 5 minutes." in text
    assert "shutdown in 5 min 0 s" in text


def test_show_usage_counts_connections_sessions_and_pending_writes(world):
    extra = world.server.connect()  # not logged in
    text = world.run("show usage")
    assert "connections: 4 (1 awaiting_login, 3 game)" in text
    assert "accounts logged in: 3" in text
    assert "game sessions: 3, 3 in the world" in text
    assert "item operations waiting to be written: 0" in text
    world.run("create item apple jasper_inn 5 5")
    assert "item operations waiting to be written: 1" in world.run("show usage")
    extra.close()


def test_show_memory_gives_resident_memory_objects_and_collector_figures(world):
    text = world.run("show memory")
    assert "resident memory: " in text and "MiB" in text
    assert "Python objects tracked: " in text
    assert "generation 2: " in text
    assert "not allowed" in world.run("show memory", Caller("dave", "game", accounts.DM))
    assert "Alanna" not in world.run("show status", Caller("dave", "game", accounts.DM))  # a DM may see status


# ---------------------------------------------------------------------- kick, ban, account


def test_kick_shows_the_message_closes_the_connection_and_saves_the_character(world):
    world.run("teleport Bobbin jasper_inn 6 7")
    read_all(world)
    assert world.run("kick Bobbin --message 'Time for bed.'") == "Bobbin logged off"
    bob = world.clients["bob"]
    assert "Time for bed." in said(bob.read())
    assert bob.closed_by_server
    record = world.server.store.run(characters.find_character, "Bobbin")
    assert (record.room, record.y, record.x) == ("jasper_inn", *square_centre(6, 7))
    assert "Bobbin" not in world.run("who")
    assert "Bobbin" not in [p.name for p in world.server.hub.world.all_players()]
    # once gone, the account is known but not online; an unknown name is an error
    assert world.run("kick bob") == "bob is not online; nothing to do"
    assert world.run("kick nobody") == "kick: no account or character named 'nobody'"


def test_kick_by_account_name_and_of_an_account_at_the_login_menu(world):
    assert world.run("kick dave") == "Davos logged off"
    assert world.clients["dave"].closed_by_server
    world.server.create_account("erin", "pw-erin")
    erin, answer = try_login(world, "erin", "pw-erin")
    MemoryClient.expect_in(answer, "AP_LOGINOK")
    assert "disconnected (it was not in the game)" in world.run("kick erin")
    erin.read()
    assert erin.closed_by_server


def test_ban_logs_off_an_online_player_and_refuses_its_logins_until_unbanned(world):
    text = world.run("ban bob --until 2099-01-31 --reason 'rude'")
    assert text == "bob banned until 2099-01-31 00:00 UTC (rude); logged off"
    bob = world.clients["bob"]
    assert world.server.factory.config.login.banned_message in said(bob.read())
    assert bob.closed_by_server
    client, answer = try_login(world, "bob", "pw-bob")
    refused = MemoryClient.expect_in(answer, "AP_MESSAGE")
    assert refused[-1]["text"] == world.server.factory.config.login.banned_message
    info = world.server.store.run(accounts.get_account, "bob")
    assert info.banned and info.ban_reason == "rude"
    assert info.banned_until == datetime.datetime(2099, 1, 31, tzinfo=datetime.UTC)
    assert world.run("unban bob") == "bob unbanned"
    client, answer = try_login(world, "bob", "pw-bob")
    MemoryClient.expect_in(answer, "AP_LOGINOK")
    assert world.run("unban bob") == "bob unbanned (it was not banned)"


def test_ban_takes_a_character_name_a_time_from_now_and_refuses_bad_times_and_names(world):
    now = datetime.datetime.fromtimestamp(world.server.reactor.seconds(), datetime.UTC).replace(microsecond=0)
    assert world.run("ban Carolus --until 12h").startswith("carol banned until ")
    info = world.server.store.run(accounts.get_account, "carol")
    assert info.banned_until == now + datetime.timedelta(hours=12)
    assert world.run("ban carol").startswith("carol banned with no end")
    assert world.server.store.run(accounts.get_account, "carol").banned_until is None
    assert "give a date" in world.run("ban carol --until tomorrow")
    assert "already past" in world.run("ban carol --until 1970-01-01")
    assert world.run("ban nobody") == "ban: no account or character named 'nobody'"
    assert world.run("unban nobody") == "unban: no account or character named 'nobody'"


def test_account_shows_level_logins_ban_and_characters(world):
    text = world.run("account alice")
    assert "account alice" in text and "level admin" in text
    assert "last login 1970-01-12" in text and "from 127.0.0.1" in text
    assert "not banned" in text
    assert "Alanna: health 20/20, in jasper_inn, in the world now" in text
    world.run("ban carol --reason 'spam'")
    text = world.run("account Carolus")
    assert "account carol" in text and "level user" in text and "last login never" in text
    assert "banned with no end: spam" in text
    assert "Carolus: health 20/20, never played" in text
    assert world.run("account nobody") == "account: no account or character named 'nobody'"


def test_ban_unban_and_account_work_offline_without_touching_the_game(world):
    registry = build_registry()
    control = ServerControl(Clock(), Config(), world.server.store, registry)  # no hub, no factory
    operator = Caller("op", "cli", accounts.ADMIN)

    def run(line: str) -> str:
        result: list[str] = []
        registry.execute(control, operator, line).addCallback(result.append)
        return result[0]

    assert run("ban bob --reason offline") == "bob banned with no end (offline)"
    assert world.server.store.run(accounts.get_account, "bob").banned
    assert not world.clients["bob"].closed_by_server  # the game was not told: the command ran offline
    assert "banned with no end: offline" in run("account bob")
    assert run("unban bob") == "bob unbanned"
    assert not world.server.store.run(accounts.get_account, "bob").banned
    for line in ("kick bob", "broadcast hi", "save", "teleport bob jasper_inn", "lock", "shutdown --in 1m"):
        assert "needs the running server" in run(line)


# ---------------------------------------------------------------------- broadcast


def test_broadcast_reaches_every_player_as_a_system_line(world):
    read_all(world)
    assert world.run("broadcast 'The bank opens at noon.'") == "told 3 players"
    for name, messages in read_all(world).items():
        assert said(messages) == ["The bank opens at noon."], name
    assert "nothing to say" in world.run("broadcast ' '")
    assert "at most 500" in world.run("broadcast " + "x" * 501)


# ---------------------------------------------------------------------- lock


def test_a_lock_refuses_new_non_admin_logins_with_its_message_and_lets_admins_in(world):
    world.server.create_account("erin", "pw-erin", admin_level=accounts.ADMIN)
    world.server.create_account("dora", "pw-dora", admin_level=accounts.DM)
    assert "logins locked" in world.run("lock 'Back at six.'")
    for account in ("carol", "dora"):
        client, answer = try_login(world, account, f"pw-{account}")
        (refusal,) = [m for m in answer if m.name == "AP_MESSAGE"]
        assert refusal["text"] == "Back at six."
        assert "AP_LOGINOK" not in [m.name for m in answer]
        assert client.closed_by_server
    client, answer = try_login(world, "erin", "pw-erin")
    MemoryClient.expect_in(answer, "AP_LOGINOK")
    assert not world.clients["bob"].closed_by_server  # players already in stay
    assert world.run("unlock") == "logins open"
    assert world.run("unlock") == "logins were not locked"
    client, answer = try_login(world, "carol", "pw-carol")
    MemoryClient.expect_in(answer, "AP_LOGINOK")


def test_a_lock_without_a_message_gives_the_default_one(world):
    world.run("lock")
    client, answer = try_login(world, "carol", "pw-carol")
    assert "maintenance" in next(m for m in answer if m.name == "AP_MESSAGE")["text"]


# ---------------------------------------------------------------------- save


def test_save_writes_the_characters_and_the_world_and_says_how_long_it_took(world):
    world.run("teleport Davos jasper_inn 8 3")
    assert world.run("save").startswith("saved every character in the world and the world's state in ")
    record = world.server.store.run(characters.find_character, "Davos")
    assert (record.room, record.y, record.x) == ("jasper_inn", *square_centre(8, 3))
    assert world.server.store.run(characters.world_state_saved_at) is not None
    hub = world.server.hub
    hub._saving = object()  # a save still running
    assert world.run("save") == "a save is already running; it was not doubled"
    hub._saving = None


# ---------------------------------------------------------------------- teleport


def test_teleport_moves_a_player_and_its_client_gets_the_new_room(world):
    read_all(world)
    assert world.run("teleport Bobbin jasper_hall 5 6") == "Bobbin is now in jasper_hall (row 5, column 6)"
    bob = world.clients["bob"].read()
    MemoryClient.expect_in(bob, "BP_PLAYER", "BP_ROOM_CONTENTS")
    contents = next(m for m in bob if m.name == "BP_ROOM_CONTENTS")
    assert contents["room_id"] == world.server.hub.world.room_id("jasper_hall")
    player = player_of(world, "Bobbin")
    assert (player.room, player.y, player.x) == ("jasper_hall", *square_centre(5, 6))
    # the ones left behind see it go
    assert any(m.name == "BP_REMOVE" and m["id"] == player.object_id for m in world.clients["alice"].read())


def test_teleport_to_a_room_without_a_square_uses_its_teleport_square_and_to_another_player(world):
    world.run("teleport bob jasper_hall")
    room = world.server.hub.world.definition.rooms["jasper_hall"]
    player = player_of(world, "Bobbin")
    assert (player.y, player.x) == square_centre(room.spawns[0].row, room.spawns[0].col)
    world.run("teleport Davos jasper_inn 9 9")
    assert world.run("teleport Bobbin --to-player Davos") == "Bobbin is now in jasper_inn (row 9, column 9)"
    assert player_of(world, "Bobbin").room == "jasper_inn"


def test_teleport_me_is_the_in_game_caller(world):
    alanna = player_of(world, "Alanna")
    caller = Caller("alice", "game", accounts.ADMIN, alanna.object_id)
    assert world.run("teleport me jasper_store", caller).startswith("Alanna is now in jasper_store")
    assert "only for a caller in the world" in world.run("teleport me jasper_store")  # the SSH console has no "me"


@pytest.mark.parametrize(("line", "error"), [
    ("teleport Bobbin nowhere", "no room 'nowhere'; rooms: "),
    ("teleport Bobbin jasper_inn 99 1", "room 'jasper_inn' has rows 1 to 10 and columns 1 to 14"),
    ("teleport Bobbin jasper_inn 0 3", "rows 1 to 10"),
    ("teleport Bobbin jasper_inn 4", "both a row and a column"),
    ("teleport Nobody jasper_inn", "no player named 'Nobody' is in the world"),
    ("teleport Bobbin jasper_inn --to-player Davos", "not both"),
    ("teleport Bobbin", "give a room"),
    ("teleport Bobbin --to-player Nobody", "no player named 'Nobody'"),
    ("teleport Bobbin jasper_inn x y", "invalid int value"),
])
def test_teleport_errors_are_clear_texts(world, line, error):
    assert error in world.run(line)


# ---------------------------------------------------------------------- create


def test_create_item_puts_items_on_a_square_seen_by_the_room_and_saved(world):
    read_all(world)
    text = world.run("create item apple jasper_inn 5 6 --count 3")
    assert text.startswith("3 apple in jasper_inn (row 5, column 6): id ")
    items = world.server.hub.world.items
    (pile,) = [item for item in items.on_ground("jasper_inn") if item.kind == "apple"]
    assert pile.number == 3 and (pile.y, pile.x) == square_centre(5, 6)
    assert any(m.name == "BP_CREATE" and m["id"] & 0x0FFFFFFF == pile.object_id
               for m in world.clients["bob"].read())
    world.run("create item healing_draught jasper_inn 5 7 --count 2")
    assert len([item for item in items.on_ground("jasper_inn") if item.kind == "healing_draught"]) == 2
    world.server.advance(5)  # the item saver's delay
    assert not items.pending


def test_create_item_near_a_player(world):
    world.run("teleport Bobbin jasper_inn 3 3")
    assert world.run("create item apple --near Bobbin").startswith("1 apple in jasper_inn (row 3, column 3)")


@pytest.mark.parametrize(("line", "error"), [
    ("create item pebble jasper_inn 5 5", "no item kind 'pebble'"),
    ("create item innkeeper jasper_inn 5 5", "no item kind 'innkeeper'"),
    ("create item apple jasper_inn 50 5", "rows 1 to 10"),
    ("create item apple nowhere 5 5", "no room 'nowhere'"),
    ("create item apple jasper_inn 5 5 --count 0", "--count must be 1 to 100"),
    ("create item apple jasper_inn 5 5 --count 101", "--count must be 1 to 100"),
    ("create item apple jasper_inn", "give ROOM ROW COL, or --near NAME"),
    ("create item apple jasper_inn 5 5 --near Bobbin", "not both"),
    ("create monster pebble jasper_inn 5 5", "no monster kind 'pebble'"),
    ("create monster apple jasper_inn 5 5", "no monster kind 'apple'"),
    ("create monster rat jasper_inn 5 99", "columns 1 to 14"),
    ("create monster rat --near Nobody", "no player named 'Nobody'"),
])
def test_create_errors_are_clear_texts(world, line, error):
    assert error in world.run(line)


def test_create_monster_puts_a_monster_in_the_room_that_lives_and_is_saved(world):
    read_all(world)
    text = world.run(f"create monster {TEST_MONSTER} jasper_inn 7 8")
    monster_id = int(text.split("(id ")[1].split(")")[0])
    monster = next(m for m in world.server.hub.world.monsters() if m.object_id == monster_id)
    assert (monster.kind, monster.room, monster.y, monster.x) == (TEST_MONSTER, "jasper_inn", *square_centre(7, 8))
    assert any(m.name == "BP_CREATE" and m["id"] & 0x0FFFFFFF == monster_id for m in world.clients["bob"].read())
    world.server.advance(3)  # it lives through ticks
    snapshot = world.server.hub.world.snapshot()
    assert monster_id in [saved["id"] for saved in snapshot["monsters"]["monsters"]]


# ---------------------------------------------------------------------- set stat


def test_set_stat_of_an_attribute_tells_the_client_and_is_saved(world):
    read_all(world)
    assert world.run("set stat Bobbin might 33") == "Bobbin's might is now 33"
    assert player_of(world, "Bobbin").stats.might == 33
    stats = [m for m in world.clients["bob"].read() if m.name == "BP_STAT" and m["group"] == 2]
    assert stats[0]["stat"]["data"]["value"]["value"] == 33
    assert world.server.store.run(characters.find_character, "Bobbin").might == 33


def test_set_stat_of_a_vital_shows_the_bars_and_is_saved_with_play(world):
    read_all(world)
    world.run("set stat Bobbin health 7")
    bars = [m for m in world.clients["bob"].read() if m.name == "BP_STAT" and m["group"] == 1]
    assert bars and bars[0]["stat"]["data"]["value"]["value"] == 7
    world.run("set stat Bobbin max_mana 40")
    assert world.server.store.run(characters.find_character, "Bobbin").max_mana == 40
    world.run("kick Bobbin")
    record = world.server.store.run(characters.find_character, "Bobbin")
    assert (record.health, record.max_mana) == (7, 40)


def test_set_stat_lowering_a_maximum_lowers_the_current_value(world):
    world.run("set stat Bobbin max_health 10")
    stats = player_of(world, "Bobbin").stats
    assert (stats.max_health, stats.health, stats.base_max_health) == (10, 10, 10)


@pytest.mark.parametrize(("line", "error"), [
    ("set stat Bobbin might 51", "might must be 1 to 50, not 51"),
    ("set stat Bobbin karma -101", "karma must be -100 to 100"),
    ("set stat Bobbin health 25", "health 25 is above max_health 20"),
    ("set stat Bobbin luck 5", "invalid choice: 'luck'"),
    ("set stat Nobody might 5", "no player named 'Nobody'"),
    ("set stat Bobbin might many", "invalid int value"),
])
def test_set_stat_errors_are_clear_texts(world, line, error):
    assert error in world.run(line)


def test_log_off_of_a_player_still_choosing_a_character(world):
    world.server.create_account("erin", "pw-erin")
    erin = world.server.connect()
    erin.login_to_game("erin", "pw-erin")
    ctx = world.server.hub.context
    session = next(s for s in ctx.sessions.values() if s.account.name == "erin")
    log_off(ctx, session, "Bye.", "kick")
    assert "Bye." in said(erin.read())
    assert erin.closed_by_server


def test_the_connection_machine_refuses_a_locked_login_with_the_locks_text():
    from emulator.connection import Refusal
    from emulator.testing.client import names
    from tests.login_harness import Harness

    harness = Harness()
    harness.auto_verify = False
    harness.start()
    harness.send(harness.client.login("wire1", "wirepass1"))
    replies = harness._handle(harness.session.login_refused(Refusal.LOCKED, 0.0, "Closed until six."))
    assert names(replies) == ["AP_MESSAGE"]
    assert (replies[0]["text"], replies[0]["action"]) == ("Closed until six.", 1)
    assert harness.disconnected
