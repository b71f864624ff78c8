"""The command registry: finding a command, arguments, rights, and the log of who ran what."""

import pytest

from emulator.admin.commands import all_commands, build_registry
from emulator.admin.registry import Caller, Command, CommandRegistry
from emulator.store import accounts
from emulator.testing.admin import AdminWorld


@pytest.fixture
def world(tmp_path):
    admin_world = AdminWorld(tmp_path)
    yield admin_world
    admin_world.stop()


def test_every_command_has_a_unique_name_and_a_summary():
    commands = all_commands()
    names = [command.name for command in commands]
    assert len(names) == len(set(names))
    assert all(command.summary and command.examples for command in commands)
    with pytest.raises(ValueError, match="two admin commands"):
        CommandRegistry([commands[0], commands[0]])


def test_who_lists_the_players_in_the_world(world):
    text = world.run("who")
    for character in ("Alanna", "Davos", "Bobbin"):
        assert character in text
    assert "3 in the world" in text


def test_help_lists_commands_and_shows_one_commands_usage(world):
    assert "who" in world.run("help")
    assert "usage: help" in world.run("help help")
    assert "no command" in world.run("help frobnicate")


def test_unknown_commands_bad_quotes_and_bad_arguments_are_answered_not_raised(world):
    assert "unknown command" in world.run("frobnicate now")
    assert "cannot read the line" in world.run('help "unclosed')
    assert "unrecognized arguments" in world.run("who --loud")
    assert "type a command" in world.run("   ")


def test_a_player_account_may_run_nothing_and_a_dm_only_dm_commands(world):
    player = Caller("bob", "game", accounts.USER)
    assert "not allowed" in world.run("who", player)
    assert "not allowed" in world.run("help", player)
    dm = Caller("dave", "game", accounts.DM)
    assert "Alanna" in world.run("who", dm)


def test_every_call_is_logged_with_who_made_it(world):
    from twisted.logger import globalLogPublisher

    events = []
    globalLogPublisher.addObserver(events.append)
    try:
        world.run("who")
    finally:
        globalLogPublisher.removeObserver(events.append)
    logged = [e for e in events if e.get("log_namespace") == "m59emu.admin"]
    assert any(e.get("caller") == "alice (ssh)" and e.get("line") == "who" for e in logged)


def test_a_command_needing_the_world_says_so_offline(tmp_path):
    from twisted.internet.task import Clock

    from emulator.admin.control import ServerControl
    from emulator.config import Config

    registry = build_registry()
    control = ServerControl(Clock(), Config(), store=None, registry=registry)  # type: ignore[arg-type]
    result = []
    registry.execute(control, Caller("op", "cli", accounts.ADMIN), "who").addCallback(result.append)
    assert "needs the running server" in result[0]


def test_a_failing_command_is_reported_and_logged_not_raised(world):
    def broken(call):
        raise RuntimeError("boom")

    world.control.registry.add(Command("explode", "fails", broken, examples=("",)))
    assert "failed (boom)" in world.run("explode")
