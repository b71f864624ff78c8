"""``m59emu import``: the original world, imported from the copy in ``../shared/upstream``.

The import reads the Blakod tree once per session and writes into a temporary folder;
tests assert on counts, keys and resource ids only (no text of the original is here).
"""

from __future__ import annotations

import collections
import re
import filecmp
from pathlib import Path

import attrs
import pytest

from emulator.cli.main import main as cli_main
from emulator.content.loader import ContentError, load_world
from emulator.content.model import WorldDefinition, square_centre, square_of
from emulator.game.resources import ORIGINAL_RSC_NAME, RSC_FILE_NAME
from emulator.importer.blakod import KodTree
from emulator.importer.original import REPORT_NAME, ImportReport, import_world, rooms_reached
from emulator.resources import load_resources
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.world.roofile import load_roo

from .conftest import SHARED

UPSTREAM = SHARED / "upstream"
ROOM_FILES = UPSTREAM / "resource" / "rooms"


# --- what the import gives -------------------------------------------------------------


def test_import_counts(imported: tuple[Path, ImportReport], world: WorldDefinition) -> None:
    _, report = imported
    assert len(world.rooms) == 265 == report.counts["rooms"]
    creatures = [k for k in world.kinds.values() if k.monster is not None and "attackable" in _flag_names(k.flags)]
    assert len(creatures) >= 85
    sellers = [k for k in world.kinds.values() if k.shop is not None]
    assert len(sellers) >= 40
    items = [k for k in world.kinds.values() if k.item is not None]
    assert len(items) >= 300
    assert len(world.spells) >= 150
    assert len(world.skills) == 22
    assert sum(1 for table in world.treasure.values() if table.items) >= 30
    assert report.counts["NPCs that sell or teach"] == len(sellers)
    # the schools' priests in their temples teach most spells, and are not to be fought
    priests = {"shalillepriestess", "qorpriestess", "kraananpriestess", "farenpriestess"}
    assert all(world.kinds[k].shop is not None and world.kinds[k].shop.teaches_spells for k in priests)  # type: ignore[union-attr]
    assert not priests & {k.key for k in creatures}
    taught = {key for k in sellers for key in k.shop.teaches_spells}  # type: ignore[union-attr]
    schools = {k for k, spell in world.spells.items() if spell.school not in ("dm_command", "0", "")}
    assert len(schools) == 150 and len(taught & schools) == 134  # the README says so


def _flag_names(bits: int) -> set[str]:
    from emulator.content.loader import FLAG_BITS

    return {name for name, bit in FLAG_BITS.items() if bits & bit}


def test_rooms_are_true_to_the_room_files(world: WorldDefinition) -> None:
    for room in world.rooms.values():
        geometry = load_roo(ROOM_FILES / room.roo_file)
        assert (room.rows, room.cols, room.security) == (geometry.rows, geometry.cols, geometry.security), room.key
        for spawn in room.monster_spawns:
            assert geometry.walkable(spawn.row, spawn.col), (room.key, spawn)


def test_every_exit_leads_to_an_open_square_of_an_existing_room(world: WorldDefinition) -> None:
    exits = 0
    for room in world.rooms.values():
        for exit in room.exits:
            target = world.rooms[exit.target.room]
            geometry = load_roo(ROOM_FILES / target.roo_file)
            assert geometry.walkable(exit.target.row, exit.target.col), (room.key, exit)
            if exit.edge is None:
                assert 1 <= (exit.row or 0) <= room.rows and 1 <= (exit.col or 0) <= room.cols
            exits += 1
    assert exits >= 800


def test_start_is_the_jasper_inn_and_most_of_the_world_is_reachable(world: WorldDefinition, kod_tree: KodTree) -> None:
    assert world.start.room == "jasperinn"
    inn = kod_tree.classes["JasperInn"]
    assert world.rooms["jasperinn"].resource_ids == (("name", inn.resource_id("vrName")), ("roo_file", inn.resource_id("prRoom")), ("music", inn.resource_id("prMusic")))
    rooms = {key: {"exits": [{"to": e.target.room} for e in room.exits]} for key, room in world.rooms.items()}
    assert len(rooms_reached(rooms, "jasperinn")) >= 150


def test_monster_tables_and_shops_are_data(world: WorldDefinition, kod_tree: KodTree) -> None:
    with_tables = [room for room in world.rooms.values() if room.monsters]
    assert len(with_tables) >= 100
    for room in with_tables:
        assert all(chance.kind in world.kinds and 0 <= chance.percent <= 100 for chance in room.monsters)
    troll = world.kinds["troll"].monster
    assert troll is not None and troll.level == 90 and troll.karma == -75
    # the classes that set viWimpy carry it; the others fight to the end (0)
    wimpy = {c.name.casefold(): c.value("viWimpy") for c in kod_tree.subclasses_of("Monster")}
    assert {k: v for k, v in wimpy.items() if k in world.kinds and v} == {
        key: kind.monster.wimpy for key, kind in world.kinds.items() if kind.monster is not None and kind.monster.wimpy
    }
    assert world.kinds["orc"].monster is not None and world.kinds["orc"].monster.wimpy > 0
    # the attack animation each class plays when it swings (its SendAnimation's ANIM_ATTACK branch)
    animated = {key: kind.monster.attack_animation for key, kind in world.kinds.items() if kind.monster is not None and kind.monster.attack_animation}
    assert len(animated) >= 40
    source = (UPSTREAM / "kod/object/active/holder/nomoveon/battler/monster/giarat.kod").read_text()
    branch = source[source.index("if piAnimation = ANIM_ATTACK"):]
    numbers = [int(n) for n in re.findall(r"\d+", branch[branch.index("ANIMATE_ONCE"):branch.index(";")])]
    assert animated["giantrat"] == tuple(numbers[1::2])  # AddPacket(..., 4,period, 2,first, 2,last, 2,after)
    smith = world.kinds["jasperblacksmith"].shop
    assert smith is not None and {"mace", "shortsword"} <= {entry.kind for entry in smith.sells}
    innkeeper = world.kinds["jasperinnkeeper"].shop
    assert innkeeper is not None and len(innkeeper.teaches_spells) == 2
    lines = world.kinds["jasperinnkeeper"].dialogue
    assert lines and {line.action for line in lines} == {"mood"} and all(line.numbers for line in lines)
    assert all(len(line.triggers_rsc) == len(line.triggers) for line in lines)
    assert sum(len(kind.dialogue) for kind in world.kinds.values()) >= 300
    blind = next(spell for spell in world.spells.values() if spell.number == kod_tree.constant("SID_BLIND"))
    assert (blind.level, blind.mana, blind.school) == (5, 15, "qor")
    assert {r.kind for r in blind.reagents} == {"entrootberry", "purplemushroom"}


def test_the_report_names_class_file_line_and_why(imported: tuple[Path, ImportReport]) -> None:
    out, report = imported
    text = (out / REPORT_NAME).read_text()
    assert report.skipped
    assert {"object", "teleport", "spawn point"} <= {s.category for s in report.skipped}
    teleports = [s for s in report.skipped if s.category == "teleport"]
    assert teleports and all(s.file.startswith("kod/") and s.line > 0 and s.class_name for s in teleports)
    assert f"{teleports[0].class_name}\t{teleports[0].file}:{teleports[0].line}" in text
    for name, count in report.skipped_counts().items():
        assert f"  {name}: {count}" in text


def test_locked_doors_keep_their_message_ids(world: WorldDefinition, kod_tree: KodTree) -> None:
    doors = [door for room in world.rooms.values() for door in room.locked_doors]
    assert len(doors) >= 300
    ids = [dict(door.resource_ids).get("message") for door in doors if door.message]
    assert ids and all(resource_id is not None and resource_id < 200_000 for resource_id in ids)
    pinned = world.pinned_resource_ids()
    assert all(pinned[door.message] <= dict(door.resource_ids)["message"] for door in doors if door.message)


def test_the_import_command_is_deterministic_and_rerunnable(
    imported: tuple[Path, ImportReport], kod_tree: KodTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, report = imported
    again = tmp_path / "again"
    monkeypatch.setattr(KodTree, "load", classmethod(lambda cls, *args: kod_tree))  # parsed once per session
    assert cli_main(["import", "--source", str(UPSTREAM), "--out", str(again)]) == 0
    printed = capsys.readouterr().out
    assert report.summary() in printed and f"{again / REPORT_NAME}" in printed
    import_world(UPSTREAM, again, tree=kod_tree)  # re-runnable over its own output
    comparison = filecmp.dircmp(first, again)
    stack = [comparison]
    while stack:
        current = stack.pop()
        assert not current.left_only and not current.right_only
        _, mismatch, errors = filecmp.cmpfiles(current.left, current.right, current.common_files, shallow=False)
        assert mismatch == [] and errors == []
        stack.extend(current.subdirs.values())


def test_the_import_command_refuses_a_folder_without_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["import", "--source", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "no Blakod sources" in capsys.readouterr().err


# --- the loader checks the extended format ----------------------------------------------


BREAKAGES = [
    ("rooms/jasperinn.toml", "ambient_light", "ambiant_light", "unknown key 'ambiant_light' (did you mean 'ambient_light'?)"),
    ("rooms/jasperinn.toml", 'to = "jasperwest"', 'to = "jasperwset"', "no room 'jasperwset' (did you mean 'jasperwest'?)"),
    ("rooms/jasperinn.toml", 'flags = ["', 'flags = ["no_kombat", "', "unknown flags name 'no_kombat'"),
    ("rooms/jasperwest.toml", "to_row = ", "to_row = 9", "is outside room"),
    ("rooms/spidernest1.toml", 'kind = "spider"', 'kind = "spyder"', "no kind 'spyder' (did you mean 'spider'?)"),
    ("rooms/spidernest1.toml", "[[monster_spawns]]\nrow = ", "[[monster_spawns]]\nrow = 9", "monster spawn square"),
    ("objects/creatures.toml", "[troll.monster]\n", "[troll.monster]\nlevle = 3\n", "unknown key 'levle'"),
    ("objects/npcs.toml", 'teaches_spells = ["', 'teaches_spells = ["x', "no spell 'x"),
    ("spells.toml", 'kind = "entrootberry"', 'kind = "entrootbery"', "no kind 'entrootbery'"),
    ("objects/npcs.toml", "triggers_rsc = [", "triggers_rsc = [1, ", "must give one id for each"),
    ("objects/items.toml", "name_rsc = ", "name_rsc = 2", "is out of range 1..199999"),
]


def test_the_loader_names_file_and_line_of_every_problem(imported: tuple[Path, ImportReport], tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    for path, old, new, _ in BREAKAGES:
        target = data / path
        text = target.read_text(encoding="utf-8")
        assert old in text, (path, old)
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_world(data)
    problems = [str(problem) for problem in raised.value.problems]
    for path, _, _, reason in BREAKAGES:
        assert any(problem.startswith(f"{data / path}:") and reason in problem for problem in problems), (reason, problems)


# --- the server with the imported world --------------------------------------------------


def REF(object_id: int) -> dict:
    return {"id": object_id, "amount": None}


def _server(tmp_path: Path, data: Path, room_files: bool) -> MemoryServer:
    world_keys = f'room_files = "{ROOM_FILES}"\n' if room_files else ""
    config = (
        f"{world_keys}[server]\ndata = \"{data}\"\n"
        "[requests.kinds]\nBP_REQ_MOVE = [100000.0, 100000]\nBP_REQ_GO = [100000.0, 100000]\n"
    )
    server = MemoryServer(tmp_path, config)
    server.create_account("alice", "pw-alice")
    server.create_character("alice", "Alanna")
    return server


def test_names_sent_for_imported_things_carry_the_original_ids(imported: tuple[Path, ImportReport], kod_tree: KodTree, tmp_path: Path) -> None:
    server = _server(tmp_path, imported[0], room_files=True)
    try:
        client = server.connect()
        client.login_to_game("alice", "pw-alice")
        player = client.enter_world("Alanna")
        inn = kod_tree.classes["JasperInn"]
        assert player["room_name"] == inn.resource_id("vrName")
        assert player["room_file"] == inn.resource_id("prRoom")
        assert player["room_security"] == load_roo(ROOM_FILES / "jasinn.roo").security
        contents = next(m for m in client.received if m.name == "BP_ROOM_CONTENTS")
        things = [server.hub.world.object(o["id"]) for o in contents["objects"]]
        kinds = {thing.kind: obj for thing, obj in zip(things, contents["objects"]) if thing is not None and thing.kind}
        assert "jasperinnkeeper" in kinds  # the innkeeper stands in the inn
        for kind, obj in kinds.items():
            cls = kod_tree.classes[kind]
            assert obj["name"] == cls.resource_id("vrName"), kind
            assert obj["icon"] == cls.resource_id("vrIcon"), kind
        # Looking at the innkeeper: its description by the original's id, no text sent. The
        # client reads it from its own files (a stock client has the release's strings).
        for resource_id, text in server.game.prepared.resources.table.entries(ORIGINAL_RSC_NAME):
            client.codec.resources.add(resource_id, text)
        keeper = kinds["jasperinnkeeper"]
        look = next(m for m in client.request("BP_REQ_LOOK", object={"id": keeper["id"], "amount": None}) if m.name == "BP_LOOK")
        assert look["description"]["format"] == kod_tree.classes["jasperinnkeeper"].resource_id("vrDesc")
        assert look["description"]["params"] == []
        # Only the server's own strings are in its .rsc, all above the original's ids.
        ours = load_resources(server.game.prepared.rsc_path)
        assert all(resource_id >= 200_000 for resource_id, _ in ours.entries(RSC_FILE_NAME))
        kodbase_max = max(kod_tree.kodbase.resource_ids.values()) if kod_tree.kodbase else 0
        assert kodbase_max < 200_000
    finally:
        server.stop()


def test_a_client_walks_through_every_reachable_exit(imported: tuple[Path, ImportReport], world: WorldDefinition, tmp_path: Path) -> None:
    server = _server(tmp_path, imported[0], room_files=False)
    try:
        hub_world = server.hub.world
        # Long strides: the walk checks the exits, not the pace of a player.
        hub_world.rules = attrs.evolve(hub_world.rules, squares_per_second=1e9, move_burst=1e9, actions_per_second=1e9, action_burst=1e9)
        walkers = iter(range(1, 1000))

        def new_walker() -> tuple[MemoryClient, int]:
            # A new character starts in the inn: how the walk goes on from a one-way end.
            number = next(walkers)
            server.create_account(f"walker{number}", "pw")
            server.create_character(f"walker{number}", f"Walker{number}")
            client = server.connect()
            client.login_to_game(f"walker{number}", "pw")
            return client, client.enter_world(f"Walker{number}")["id"]

        client, player_id = new_walker()
        here = world.start.room
        graph = {key: {"exits": [{"to": e.target.room} for e in room.exits]} for key, room in world.rooms.items()}
        reachable = rooms_reached(graph, here)
        pending = {(key, index) for key in reachable for index in range(len(world.rooms[key].exits))}
        total, taken, restarts = len(pending), 0, 0
        while pending:
            mine = sorted(index for key, index in pending if key == here)
            index = mine[0] if mine else _path_to_untested(world, here, {key for key, _ in pending})
            if index is None:
                assert not client.closed_by_server
                client.request("BP_LOGOFF")
                client.close()
                client, player_id = new_walker()
                here, restarts = world.start.room, restarts + 1
                continue
            pending.discard((here, index))
            here = _take_exit(client, hub_world, player_id, world, here, index)
            taken += 1
            assert taken < 20 * total
        assert total >= 600 and taken >= total, (total, taken, restarts)
        assert not client.closed_by_server
    finally:
        server.stop()


def _take_exit(client: MemoryClient, hub_world, player_id: int, world: WorldDefinition, here: str, index: int) -> str:
    """Use exit ``index`` of room ``here``; every frame decodes (read() raises otherwise)."""
    room = world.rooms[here]
    exit = room.exits[index]
    room_ref = REF(hub_world.room_id(here))
    if exit.edge is None:
        y, x = square_centre(exit.row, exit.col)
        messages = client.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=room_ref)
        messages += client.request("BP_REQ_GO")
    else:
        row, col = _departure(room, exit)  # the square by the edge that this exit is for
        assert client.request("BP_REQ_MOVE", y=row * 64 + 32, x=col * 64 + 32, speed=18, room=room_ref) == []
        row = {"north": 0, "south": room.rows + 1}.get(exit.edge.value, row)
        col = {"west": 0, "east": room.cols + 1}.get(exit.edge.value, col)
        messages = client.request("BP_REQ_MOVE", y=row * 64 + 32, x=col * 64 + 32, speed=18, room=room_ref)
    arrived = [m for m in messages if m.name == "BP_PLAYER"]
    assert len(arrived) == 1, (here, exit, [m.name for m in messages])
    target = exit.target
    assert arrived[0]["room_id"] == hub_world.room_id(target.room)
    assert any(m.name == "BP_ROOM_CONTENTS" for m in messages)
    me = hub_world.player(player_id)
    assert (me.room, me.y // 64, me.x // 64) == (target.room, target.row, target.col)
    return target.room


def _departure(room, exit) -> tuple[int, int]:
    """A square along the exit's edge from which walking off takes this exit."""
    same_side = sorted((e for e in room.exits if e.edge == exit.edge), key=lambda e: e.when is None)
    if exit.edge.value in ("north", "south"):
        squares = [(1 if exit.edge.value == "north" else room.rows, col) for col in range(1, room.cols + 1)]
    else:
        squares = [(row, 1 if exit.edge.value == "west" else room.cols) for row in range(1, room.rows + 1)]
    for row, col in squares:
        if next((e for e in same_side if e.applies(row, col)), None) is exit:
            return row, col
    raise AssertionError(f"no square of {room.key} leads through {exit}")


def _path_to_untested(world: WorldDefinition, start: str, wanted: set[str]) -> int | None:
    """Index of the first exit on a shortest way from ``start`` to a room in ``wanted``."""
    first: dict[str, int] = {start: -1}
    queue = collections.deque([start])
    while queue:
        room = queue.popleft()
        if room in wanted and room != start:
            return first[room]
        for index, exit in enumerate(world.rooms[room].exits):
            if exit.target.room not in first:
                first[exit.target.room] = index if room == start else first[room]
                queue.append(exit.target.room)
    return None  # a one-way end


def test_monsters_start_on_their_spawn_squares(world: WorldDefinition) -> None:
    from emulator.world.world import World

    live = World(world, seed=0)
    monsters = live.monsters()
    assert [(m.object_id, m.kind, m.room, m.y, m.x) for m in monsters] == [
        (m.object_id, m.kind, m.room, m.y, m.x) for m in World(world, seed=0).monsters()
    ]  # the same monsters and ids every start
    by_room = collections.Counter(monster.room for monster in monsters)
    assert len(by_room) >= 90
    for key, count in by_room.items():
        room = world.rooms[key]
        spawns = {(s.row, s.col) for s in room.monster_spawns}
        table = {chance.kind for chance in room.monsters}
        in_room = [m for m in monsters if m.room == key]
        assert all(square_of(m.y, m.x) in spawns and m.kind in table for m in in_room), key
        assert len({square_of(m.y, m.x) for m in in_room}) == count <= len(spawns)  # one a square
    nest = world.rooms["spidernest1"]
    table = {chance.kind for chance in nest.monsters}
    kinds = [thing.kind for thing in live.room_objects("spidernest1")]
    assert sum(kind in table for kind in kinds) == by_room["spidernest1"] > 0


def test_a_monster_spawn_square_in_a_wall_stops_the_start(world: WorldDefinition) -> None:
    from emulator.content.model import Placement
    from emulator.world.world import World, WorldError

    nest = world.rooms["spidernest1"]
    geometry = load_roo(ROOM_FILES / nest.roo_file)
    wall = next((r, c) for r in range(1, geometry.rows + 1) for c in range(1, geometry.cols + 1) if not geometry.walkable(r, c))
    walled = attrs.evolve(nest, monster_spawns=(*nest.monster_spawns, Placement(nest.key, *wall)))
    broken = attrs.evolve(world, rooms={**world.rooms, nest.key: walled})
    with pytest.raises(WorldError, match=f"monster spawn square \\({wall[0]}, {wall[1]}\\) is a wall in {nest.roo_file}"):
        World(broken, {nest.key: geometry})


def test_the_dead_leave_the_underworld_through_its_portals(world: WorldDefinition) -> None:
    """The Underworld's five portals are imported as objects and as exits taken by stepping
    on them; each leads to an inn, and walking onto one takes a player there."""
    from emulator.world import events as ev
    from emulator.world.world import World

    underworld = world.rooms["underworld"]
    portals = [e for e in underworld.exits if e.on_step]
    assert len(portals) == 5 and all(e.target.room.endswith("inn") for e in portals)
    placed = {(p.at.row, p.at.col) for p in world.objects if p.at.room == "underworld" and world.kinds[p.kind].icon == world.kinds["portal"].icon}
    assert placed == {(e.row, e.col) for e in portals}
    geometry = {key: load_roo(ROOM_FILES / world.rooms[key].roo_file) for key in {"underworld", *(e.target.room for e in portals)}}
    live = World(world, geometry, seed=0)
    used = set()
    for number, portal in enumerate(portals, 1):
        assert portal.row is not None and portal.col is not None
        # from a neighbouring open square, one step onto the portal (where the room's grid allows one)
        room = geometry["underworld"]
        ways_in = [
            (portal.row + d_row, portal.col + d_col)
            for d_row in (-1, 0, 1) for d_col in (-1, 0, 1)
            if (d_row or d_col) and room.walkable(portal.row + d_row, portal.col + d_col)
            and room.can_step(portal.row + d_row, portal.col + d_col, portal.row, portal.col)
        ]
        if not ways_in:
            continue
        player, _ = live.add_player(number, f"P{number}", ev.Position("underworld", *square_centre(*ways_in[0])))
        events = live.move(player, "underworld", *square_centre(portal.row, portal.col), 18, float(number))
        assert [e.to_room for e in events if isinstance(e, ev.PlayerMovedRoom)] == [portal.target.room]
        assert live.player(player).room == portal.target.room
        used.add(portal.target.room)
    # one portal (Barloque's) stands where the room's movement grid lets nobody step in
    assert len(used) >= 4 and "jasperinn" in used
