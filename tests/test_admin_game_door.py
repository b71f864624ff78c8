"""The stock client's in-game consoles: BP_REQ_ADMIN for admins, BP_REQ_DM for admins and
DMs, answered with BP_ADMIN text; nothing at all for other accounts."""

from __future__ import annotations

import attrs
import pytest
from twisted.internet import defer
from twisted.logger import globalLogPublisher

from emulator.admin.commands import all_commands
from emulator.admin.registry import Call, Command, CommandError, CommandRegistry
from emulator.content.model import square_centre
from emulator.game.systems.admin import CHUNK_CHARACTERS, DM_GET_PLAYER, DM_GO_PLAYER, DM_GO_ROOM, chunks
from emulator.testing.admin import AdminWorld
from emulator.wire.codec import Message


@pytest.fixture
def world(tmp_path):
    admin_world = AdminWorld(tmp_path)
    for client in admin_world.clients.values():
        client.read()
    yield admin_world
    admin_world.stop()


def admin_texts(messages: list[Message]) -> list[str]:
    return [m["text"] for m in messages if m.name == "BP_ADMIN"]


def player_of(world: AdminWorld, character: str):
    return next(p for p in world.server.hub.world.all_players() if p.name == character)


@attrs.define
class Watch:
    """Which command lines reached their command, and which of those failed."""

    ran: list[str] = attrs.field(factory=list)
    failed: list[tuple[str, str]] = attrs.field(factory=list)

    def wrap(self, command: Command) -> Command:
        def run(call: Call) -> object:
            self.ran.append(call.line)
            try:
                result = command.run(call)
            except Exception as error:
                self.failed.append((call.line, repr(error)))
                raise
            if isinstance(result, defer.Deferred):
                result.addErrback(self._failed, call.line)
            return result

        return attrs.evolve(command, run=run)

    def _failed(self, failure, line):
        self.failed.append((line, repr(failure.value)))
        return failure


def test_every_commands_examples_work_through_the_admin_console(world):
    watch = Watch()
    world.control.registry = CommandRegistry(watch.wrap(command) for command in all_commands())
    alice = world.clients["alice"]
    for command in sorted(all_commands(), key=lambda c: c.name):
        for example in command.examples:
            line = f"{command.name} {example}".strip()
            world.server.advance(1)  # within the connection's request budget
            texts = admin_texts(alice.request("BP_REQ_ADMIN", command=line))
            assert texts[0] == f"> {line}\n", line
            assert len(texts) >= 2 and texts[1].strip(), (line, texts)
            assert watch.ran[-1] == line, (line, texts)  # it reached its command: no usage or rights error
    assert watch.failed == []


def test_long_output_comes_in_several_bounded_messages(world):
    text = "\n".join(f"line {number:04} " + "x" * 60 for number in range(100))
    world.control.registry.add(Command("long", "much text", lambda call: text))
    texts = admin_texts(world.clients["alice"].request("BP_REQ_ADMIN", command="long"))
    assert texts[0] == "> long\n"
    assert len(texts) > 5
    assert all(len(piece) <= CHUNK_CHARACTERS for piece in texts)
    assert all(piece.endswith("\n") for piece in texts)  # cut at line ends
    assert "".join(texts[1:]) == text + "\n"


def test_chunks_cut_long_lines_and_replace_what_the_client_cannot_show():
    assert list(chunks("a" * 2500)) == ["a" * 1000, "a" * 1000, "a" * 500 + "\n"]
    assert list(chunks("Ωmega")) == ["?mega\n"]
    assert "".join(chunks("z" * 70_000)).endswith("(output cut)\n")


def test_command_errors_come_back_as_text(world):
    texts = admin_texts(world.clients["alice"].request("BP_REQ_ADMIN", command="teleport Nobody jasper_inn"))
    assert texts == ["> teleport Nobody jasper_inn\n", "no player named 'Nobody' is in the world\n"]
    texts = admin_texts(world.clients["alice"].request("BP_REQ_ADMIN", command="frobnicate"))
    assert "unknown command" in texts[1]


def test_me_in_the_admin_console_is_the_admins_character(world):
    texts = admin_texts(world.clients["alice"].request("BP_REQ_ADMIN", command="teleport me jasper_store 3 4"))
    assert texts[1] == "Alanna is now in jasper_store (row 3, column 4)\n"
    assert player_of(world, "Alanna").room == "jasper_store"


def _refusals(events):
    return [e for e in events if e.get("log_namespace") == "m59emu.game" and "may not use it" in e.get("log_format", "")]


def test_a_player_gets_nothing_from_either_console_and_is_logged_once(world):
    events: list[dict] = []
    globalLogPublisher.addObserver(events.append)
    try:
        bob = world.clients["bob"]
        for _ in range(2):
            assert bob.request("BP_REQ_ADMIN", command="who") == []
            assert bob.request("BP_REQ_DM", dm_type=DM_GO_ROOM, argument="jasper_hall") == []
    finally:
        globalLogPublisher.removeObserver(events.append)
    assert sorted(e["request"] for e in _refusals(events)) == ["BP_REQ_ADMIN", "BP_REQ_DM"]
    assert player_of(world, "Bobbin").room == "jasper_inn"
    assert not world.clients["bob"].closed_by_server


def test_a_dm_may_use_the_dm_shortcuts_but_not_the_admin_console(world):
    dave = world.clients["dave"]
    assert dave.request("BP_REQ_ADMIN", command="who") == []
    texts = admin_texts(dave.request("BP_REQ_DM", dm_type=DM_GO_ROOM, argument="jasper_hall"))
    assert texts[0] == "> teleport me 'jasper_hall'\n"
    assert texts[1].startswith("Davos is now in jasper_hall")
    assert player_of(world, "Davos").room == "jasper_hall"
    bobbin = player_of(world, "Bobbin")
    texts = admin_texts(dave.request("BP_REQ_DM", dm_type=DM_GO_PLAYER, argument=str(bobbin.object_id)))
    assert texts[1].startswith("Davos is now in jasper_inn")
    davos = player_of(world, "Davos")
    assert (davos.room, davos.y, davos.x) == (bobbin.room, bobbin.y, bobbin.x)
    world.run("teleport Davos jasper_smithy 3 3")
    texts = admin_texts(dave.request("BP_REQ_DM", dm_type=DM_GET_PLAYER, argument=str(bobbin.object_id)))
    assert texts[0] == f"> teleport '{bobbin.object_id}' --to-player me\n"
    assert texts[1] == "Bobbin is now in jasper_smithy (row 3, column 3)\n"
    assert player_of(world, "Bobbin").y == square_centre(3, 3)[0]
    assert dave.request("BP_REQ_DM", dm_type=9, argument="jasper_inn") == []


def test_an_admin_may_use_the_dm_shortcuts_by_name(world):
    texts = admin_texts(world.clients["alice"].request("BP_REQ_DM", dm_type=DM_GET_PLAYER, argument="Davos"))
    assert texts[1].startswith("Davos is now in jasper_inn")


def test_without_a_registry_the_console_says_so(world):
    world.server.hub.context.operator_console = None
    texts = admin_texts(world.clients["alice"].request("BP_REQ_ADMIN", command="who"))
    assert texts == ["> who\n", "The operator's commands are not available on this server.\n"]


def test_a_command_answering_after_the_player_left_sends_nothing(world):
    later: defer.Deferred[str] = defer.Deferred()
    world.control.registry.add(Command("slow", "answers later", lambda call: later))
    alice = world.clients["alice"]
    assert admin_texts(alice.request("BP_REQ_ADMIN", command="slow")) == ["> slow\n"]
    world.run("kick Alanna")
    alice.read()
    later.callback("done")
    assert admin_texts(alice.read()) == []


def test_a_command_error_raised_in_the_console_is_text_too(world):
    def refuse(call: Call) -> str:
        raise CommandError("refused: no")

    world.control.registry.add(Command("refuse", "always refuses", refuse))
    assert admin_texts(world.clients["alice"].request("BP_REQ_ADMIN", command="refuse"))[1] == "refused: no\n"


def test_the_dm_go_room_shortcut_takes_the_original_room_number(tmp_path):
    from emulator.testing.admin import world_data

    hall = world_data(tmp_path) / "rooms" / "jasper_hall.toml"
    hall.write_text("number = 42\n" + hall.read_text())
    world = AdminWorld(tmp_path)
    try:
        texts = admin_texts(world.clients["dave"].request("BP_REQ_DM", dm_type=DM_GO_ROOM, argument="42"))
        assert texts[1].startswith("Davos is now in jasper_hall"), texts
        assert "no room '43'" in world.run("teleport Davos 43")
    finally:
        world.stop()
