"""Reloading the data folder with players connected: a good folder is swapped in and
seen, a broken one changes nothing and names every problem, and a reload that would
pull the floor from under a player is refused."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from twisted.internet import defer

from emulator.admin.registry import Caller
from emulator.admin.reload import ReloadError, build_candidate
from emulator.config import DEFAULT_DATA_DIR
from emulator.content.loader import load_world
from emulator.content.model import square_centre
from emulator.store import items as stored_items
from emulator.testing.admin import AdminWorld
from emulator.testing.memory_server import MemoryClient
from emulator.wire.codec import Message
from emulator.world.world import WorldRules
from tests.conftest import SHARED


def REF(object_id: int) -> dict[str, int | None]:
    return {"id": object_id, "amount": None}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the bundled world that the server runs on (its configured data folder)."""
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    return folder


@pytest.fixture
def world(tmp_path: Path, data: Path) -> Iterator[AdminWorld]:
    (tmp_path / "server").mkdir()
    admin_world = AdminWorld(tmp_path / "server", f'[server]\ndata = "{data}"\n')
    for client in admin_world.clients.values():
        client.read()
    yield admin_world
    admin_world.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def places(world: AdminWorld) -> dict[str, tuple[str, int, int, int]]:
    hub = world.server.hub
    found = {}
    for session in hub.in_world.values():
        assert session.avatar is not None
        player = hub.world.player(session.avatar.player_id)
        found[session.avatar.name] = (player.room, player.y, player.x, player.angle)
    return found


def named(client: MemoryClient, resource_id: int) -> str | None:
    return client.codec.resources.text(resource_id)


def last(messages: list[Message], name: str) -> Message:
    found = [message for message in messages if message.name == name]
    assert found, f"no {name} in {[m.name for m in messages]}"
    return found[-1]


NEW_TABLE_TEXT = "A long oak table, freshly planed; it still smells of the sawmill."


def test_a_changed_folder_is_swapped_in_and_players_see_it(world: AdminWorld, data: Path) -> None:
    hub = world.server.hub
    before = places(world)
    old_definition, old_world = hub.context.definition, hub.world
    table_id = next(t.object_id for t in old_world.room_objects("jasper_inn") if t.kind == "table")
    # what players see: a room's name, a kind's name and description, a new object in their room
    edit(data / "rooms" / "jasper_inn.toml", 'name = "Yonder Inn of Jasper"', 'name = "Yonder Inn, newly painted"')
    edit(data / "objects" / "kinds.toml", 'name = "table"', 'name = "oak table"')
    edit(data / "objects" / "kinds.toml", "A sturdy wooden table, scarred by years of mugs and elbows.", NEW_TABLE_TEXT)
    with (data / "objects" / "placed.toml").open("a") as placed:
        placed.write('\n[[object]]\nkey = "inn_second_table"\nkind = "table"\nroom = "jasper_inn"\nrow = 8\ncol = 3\n')

    answer = world.run("reload")

    assert answer.startswith(f"reloaded {data}"), answer
    assert "kinds: 1 changed" in answer and "placed objects: 1 added" in answer and "rooms: 1 changed" in answer
    assert "2 new or changed string(s): sent to everyone connected; players need the new " in answer
    assert hub.context.definition is not old_definition and hub.world is not old_world
    assert hub.context.definition.kinds["table"].description == NEW_TABLE_TEXT
    assert places(world) == before  # everyone still where they stood
    new_object = next(t for t in hub.world.room_objects("jasper_inn") if t.kind == "table" and t.object_id != table_id)
    for account in ("alice", "bob"):
        client = world.clients[account]
        assert not client.closed_by_server
        messages = client.read()
        player = last(messages, "BP_PLAYER")
        assert named(client, player["room_name"]) == "Yonder Inn, newly painted"
        contents = {block["id"]: block for block in last(messages, "BP_ROOM_CONTENTS")["objects"]}
        assert named(client, contents[table_id]["name"]) == "oak table"  # the same object, renamed
        assert new_object.object_id in contents  # the new one, in the room they stand in
        assert player["id"] in contents
        # a look at the changed kind shows the new text
        looked = last(client.request("BP_REQ_LOOK", object=REF(table_id)), "BP_LOOK")
        assert NEW_TABLE_TEXT in str(looked["description"]) or NEW_TABLE_TEXT in (
            named(client, looked["description"]["format"]) or "")

    # the world keeps ticking and playing on the new content
    ticks = hub.world.tick_count
    world.server.advance(3.0)
    assert hub.world.tick_count > ticks
    alice, bob = world.clients["alice"], world.clients["bob"]
    alice.request("BP_SAY_TO", say_type=1, text="still here after the reload")
    said = last(bob.read(), "BP_SAID")
    assert said["text"]["params"][-1] == "still here after the reload"
    assert (world.server.workdir / "rsc" / "m59emu.rsc").read_bytes().count(b"Yonder Inn, newly painted") == 1
    assert world.control.reloader.data_dir == data


def test_a_renamed_spell_and_skill_reach_the_lists_of_those_who_know_them(data: Path, tmp_path: Path) -> None:
    """The client keeps its spell and skill lists from BP_SPELLS and BP_SKILLS: a reload
    that renames a spell or a skill sends both lists again, in the new names."""
    (data / "spells.toml").write_text(
        '[spark]\nnumber = 1\nname = "spark"\nicon = "spark.bgf"\nschool = "faren"\nlevel = 1\n')
    (data / "skills.toml").write_text(
        '[jab]\nnumber = 10\nname = "jab"\nicon = "jab.bgf"\nschool = 10\nlevel = 1\nrequisite = "might"\n')
    (tmp_path / "server").mkdir()
    admin_world = AdminWorld(tmp_path / "server", f'[server]\ndata = "{data}"\n')
    try:
        hub = admin_world.server.hub
        session = next(s for s in hub.in_world.values() if s.avatar is not None and s.avatar.name == "Bobbin")
        assert session.avatar is not None
        bobbin = hub.world.player(session.avatar.player_id)
        bobbin.spells["spark"], bobbin.skills["jab"] = 30, 20
        for client in admin_world.clients.values():
            client.read()
        edit(data / "spells.toml", 'name = "spark"', 'name = "kindling spark"')
        edit(data / "skills.toml", 'name = "jab"', 'name = "quick jab"')

        answer = admin_world.run("reload")

        assert "spells: 1 changed" in answer and "skills: 1 changed" in answer, answer
        bob = admin_world.clients["bob"]
        messages = bob.read()
        (spell,) = last(messages, "BP_SPELLS")["spells"]
        (skill,) = last(messages, "BP_SKILLS")["skills"]
        assert (named(bob, spell["name"]), named(bob, skill["name"])) == ("kindling spark", "quick jab")
        groups = {m["group"]: m["stats"] for m in messages if m.name == "BP_STAT_GROUP"}
        assert [s["data"]["value"] for s in groups[3]] == [30] and [s["data"]["value"] for s in groups[4]] == [20]
        # alice knows neither: her lists come again, empty
        alices = admin_world.clients["alice"].read()
        assert last(alices, "BP_SPELLS")["spells"] == [] and last(alices, "BP_SKILLS")["skills"] == []
    finally:
        admin_world.stop()


def test_check_only_changes_nothing(world: AdminWorld, data: Path) -> None:
    hub = world.server.hub
    definition = hub.context.definition
    edit(data / "objects" / "kinds.toml", 'name = "table"', 'name = "oak table"')
    answer = world.run("reload --check")
    assert "is valid and fits the running world (kinds: 1 changed); nothing changed" in answer
    assert hub.context.definition is definition
    assert all(not client.read() for client in world.clients.values())


def _break(data: Path) -> None:
    # bad TOML in one room, an unknown key in another, a placed object of no kind
    edit(data / "rooms" / "jasper_tavern.toml", "\n", '\nname = = "broken"\n')
    edit(data / "rooms" / "jasper_hall.toml", "\n", "\nceiling_height = 3\n")
    with (data / "objects" / "placed.toml").open("a") as placed:
        placed.write('\n[[object]]\nkey = "ghost"\nkind = "no_such_kind"\nroom = "jasper_inn"\nrow = 8\ncol = 3\n')


def test_a_broken_folder_changes_nothing_and_lists_every_problem(world: AdminWorld, data: Path) -> None:
    hub = world.server.hub
    game = world.server.game
    before = places(world)
    definition, live_world, resources, prepared = hub.context.definition, hub.world, hub.context.resources, game.prepared
    rsc = (world.server.workdir / "rsc" / "m59emu.rsc").read_bytes()
    _break(data)

    answer = world.run("reload")

    assert answer.startswith("reload refused, nothing changed"), answer
    lines = answer.splitlines()[1:]
    tavern, hall, placed = (str(data / "rooms" / "jasper_tavern.toml"), str(data / "rooms" / "jasper_hall.toml"),
                            str(data / "objects" / "placed.toml"))
    assert any(re.fullmatch(rf"  {re.escape(tavern)}:2: TOML syntax error.*", line) for line in lines), answer
    assert any(re.fullmatch(rf"  {re.escape(hall)}:2: .*ceiling_height.*", line) for line in lines), answer
    ghost_line = (data / "objects" / "placed.toml").read_text().splitlines().index('kind = "no_such_kind"') + 1
    assert f"  {placed}:{ghost_line}: no object kind 'no_such_kind'; kinds are in objects/kinds.toml" in lines, answer
    # nothing changed: the same objects, players where they were and sent nothing
    assert hub.context.definition is definition and hub.world is live_world
    assert hub.context.resources is resources and game.prepared is prepared
    assert (world.server.workdir / "rsc" / "m59emu.rsc").read_bytes() == rsc
    assert not list((world.server.workdir / "rsc").glob("*.new"))
    assert places(world) == before
    for client in world.clients.values():
        assert not client.closed_by_server and not client.read()
    # --check says the same
    assert world.run("reload --check").splitlines()[1:] == lines


def test_a_reload_from_under_a_players_feet_is_refused(world: AdminWorld, data: Path, tmp_path: Path) -> None:
    hub = world.server.hub
    original = tmp_path / "original"
    shutil.copytree(data, original)
    # a new room behind a door in the inn
    (data / "rooms" / "jasper_annex.toml").write_text(
        'name = "Annex"\nroo_file = "jasinn.roo"\nrows = 5\ncols = 5\nsecurity = 1\n'
        '[[exits]]\nrow = 1\ncol = 1\nto = "jasper_inn"\nto_row = 4\nto_col = 10\n')
    edit(data / "rooms" / "jasper_inn.toml", "# The door to West Jasper.",
         '[[exits]]\nrow = 4\ncol = 8\nto = "jasper_annex"\nto_row = 3\nto_col = 3\n\n# The door to West Jasper.')
    assert world.run("reload").startswith("reloaded"), "the annex"
    bob = world.clients["bob"]
    bob.read()
    room_id = hub.world.room_id("jasper_inn")
    y, x = square_centre(4, 8)
    bob.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(room_id))
    bob.request("BP_REQ_GO")
    assert hub.world.player_by_character(_character_id(world, "Bobbin")).room == "jasper_annex"  # type: ignore[union-attr]
    definition, before = hub.context.definition, places(world)

    answer = world.run(f"reload {original}")

    assert answer.startswith("reload refused, nothing changed: 1 problem"), answer
    assert f"{original / 'rooms' / 'jasper_annex.toml'}: room 'jasper_annex' is gone, but Bobbin is in it" in answer
    assert hub.context.definition is definition and places(world) == before
    assert world.control.reloader.data_dir == data


def _character_id(world: AdminWorld, name: str) -> int:
    return next(s.avatar.character_id for s in world.server.hub.in_world.values() if s.avatar and s.avatar.name == name)


TRINKET = """
[trinket]
name = "brass trinket"
icon = "flask.bgf"
description = "A little brass thing of no use at all."
flags = ["gettable"]

[trinket.item]
weight = 1
bulk = 1
"""


def test_items_of_a_kind_the_new_folder_drops_are_refused(world: AdminWorld, data: Path, tmp_path: Path) -> None:
    hub = world.server.hub
    original = tmp_path / "original"
    shutil.copytree(data, original)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(TRINKET)
    assert world.run("reload").startswith("reloaded"), "the new kind"
    bob = world.clients["bob"]
    bob.read()
    trinket = hub.world.items.create_on_ground("trinket", None, "jasper_inn", *square_centre(7, 7), 0, "test", [])
    definition = hub.context.definition

    answer = world.run(f"reload {original}")

    assert answer.startswith("reload refused, nothing changed: 1 problem"), answer
    assert f"{data / 'objects' / 'kinds.toml'}:" in answer
    assert "kind 'trinket' is gone, but 1 item(s) of it exist (a restart would destroy them)" in answer
    assert hub.context.definition is definition and hub.world.items.find(trinket.object_id) is trinket
    assert not bob.read()


def test_every_room_that_does_not_fit_its_room_file_is_listed(data: Path, tmp_path: Path) -> None:
    rooms = SHARED / "upstream" / "resource" / "rooms"
    if not (rooms / "jasinn.roo").is_file():
        pytest.fail(f"no original room files in {rooms}; set M59_SHARED to the shared folder")
    folder = tmp_path / "roo"
    folder.mkdir()
    for name in ("jasinn.roo", "jastavrn.roo"):
        shutil.copy(rooms / name, folder / name)
    edit(data / "rooms" / "jasper_inn.toml", "rows = 10", "rows = 12")
    edit(data / "rooms" / "jasper_tavern.toml", "rows = 18", "rows = 19")

    with pytest.raises(ReloadError) as refused:
        build_candidate(data, str(folder), 0, WorldRules())

    rooms_now = load_world(data).rooms  # the content alone is valid
    inn, tavern = rooms_now["jasper_inn"].source, rooms_now["jasper_tavern"].source
    assert inn.startswith(f"{data / 'rooms' / 'jasper_inn.toml'}:")
    assert refused.value.problems == (
        f"{inn}: room 'jasper_inn' is 12 x 14, but jasinn.roo has 10 x 14",
        f"{tavern}: room 'jasper_tavern' is 19 x 11, but jastavrn.roo has 18 x 11",
    )


def test_items_and_their_unwritten_operations_carry_over(world: AdminWorld) -> None:
    hub = world.server.hub
    old_items = hub.world.items
    apples = old_items.create_on_ground("apple", 3, "jasper_inn", *square_centre(7, 7), 0, "test", [])
    assert old_items.pending  # not yet written: the saver waits a moment after a change

    assert world.run("reload").startswith("reloaded")

    items = hub.world.items
    assert items is not old_items and hub.item_saver.items is items
    carried_over = items.find(apples.object_id)
    assert carried_over is not None and (carried_over.kind, carried_over.number, carried_over.room) == ("apple", 3, "jasper_inn")
    contents = last(world.clients["bob"].read(), "BP_ROOM_CONTENTS")
    assert any(block["id"] & 0x0FFF_FFFF == apples.object_id for block in contents["objects"])
    world.server.advance(5.0)
    stored = world.server.store.run(stored_items.load_items)
    assert [(row.kind, row.number) for row in stored.rows if row.id == apples.object_id] == [("apple", 3)]
    assert stored.totals["apple"][0] >= 3  # the creation reached the ledger too


class HeldStore:
    """The store's calls, held until the test lets them through (a slow store thread)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.held: list[tuple[defer.Deferred[Any], Any, tuple[Any, ...]]] = []

    def call(self, fn: Any, *args: Any) -> defer.Deferred[Any]:
        waiting: defer.Deferred[Any] = defer.Deferred()
        self.held.append((waiting, fn, args))
        return waiting

    def release(self) -> None:
        for waiting, fn, args in self.held:
            waiting.callback(self.store.run(fn, *args))
        self.held.clear()


def test_one_reload_at_a_time_and_the_world_runs_on_meanwhile(world: AdminWorld, data: Path) -> None:
    hub = world.server.hub
    reloader = world.control.reloader
    held = HeldStore(world.server.store)
    reloader.store = held
    edit(data / "objects" / "kinds.toml", 'name = "table"', 'name = "oak table"')
    answers: list[str] = []
    world.control.registry.execute(world.control, Caller("alice", "ssh", 1), "reload").addCallback(answers.append)
    world.server.reactor.advance(0)
    assert not answers and held.held  # waiting for the new strings' ids
    definition = hub.context.definition

    assert world.run("reload") == "reload refused, nothing changed: 1 problem:\n  a reload is already running"
    world.server.advance(2.0)  # the world ticks on the old content meanwhile
    assert hub.context.definition is definition

    held.release()
    world.server.reactor.advance(0)
    assert answers and answers[0].startswith("reloaded"), answers
    assert hub.context.definition.kinds["table"].name == "oak table"
    assert not reloader.busy
