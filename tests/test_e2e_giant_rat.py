"""End to end on the imported original world: a player punches a giant rat to death in a
room whose monster table has giant rats; it leaves its body and its treasure, which the
killer and a second player in the room see created, every frame decoding whole."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.content.model import WorldDefinition, square_centre, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.combat import PLAYER_ATTACK_DELAY_MS
from emulator.store import characters
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import Message
from emulator.world import events as ev
from emulator.world.monsters import Monster
from emulator.world.remains import Corpse, GroundItem
from emulator.world.roofile import load_roo
from emulator.world.world import World

from .conftest import SHARED
from .test_fight_messages import _client_texts

ROOM_FILES = SHARED / "upstream" / "resource" / "rooms"
NUMBER_TAG = 1 << 28  # a number item's id on the wire carries this tag and its amount
def _save_in_place(server: MemoryServer, name: str, room: str, row: int, col: int) -> tuple[int, int]:
    """Save the character in ``room`` on (row, col), with the figures it was created with
    (the way a player logged off there comes back); its health and max health."""
    record = server.store.run(characters.find_character, name)
    assert record is not None
    y, x = square_centre(row, col)
    state = characters.CharacterState(record.id, room, y, x, 0, record.health, record.mana, record.vigor)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    assert server.store.run(characters.save_characters, [state], now) == []
    return record.health, record.max_health


def _the_rat(world: World, definition: WorldDefinition) -> Monster:
    """A live giant rat in the first room (by key) whose monster table has giant rats."""
    rat_rooms = sorted(key for key, room in definition.rooms.items() if any(m.kind == "giantrat" for m in room.monsters))
    assert rat_rooms, "no room of the original has giant rats"
    rats = [m for m in world.monsters() if m.kind == "giantrat"]
    room = next(key for key in rat_rooms if any(m.room == key for m in rats))
    return min((m for m in rats if m.room == room), key=lambda m: m.object_id)


def _beside(room_file: Path, row: int, col: int, taken: set[tuple[int, int]]) -> tuple[int, int]:
    """An open square next to (row, col) that a walker could step to from it."""
    geometry = load_roo(room_file)
    for d_row, d_col in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)):
        square = (row + d_row, col + d_col)
        if square not in taken and geometry.can_step(row, col, *square):
            return square
    raise AssertionError(f"no open square beside ({row}, {col}) in {room_file.name}")


def _spy(world: World, recorded: list[ev.WorldEvent]) -> None:
    """Record every event the world reports to the server from now on."""
    for name in ("tick", "attack"):
        method: Callable[..., list[ev.WorldEvent]] = getattr(world, name)

        def spy(*args: Any, _method: Callable[..., list[ev.WorldEvent]] = method, **kwargs: Any) -> list[ev.WorldEvent]:
            events = _method(*args, **kwargs)
            recorded.extend(events)
            return events

        setattr(world, name, spy)


def _condition(message: Message) -> tuple[int, int]:
    """Health and max health of a condition group (BP_STAT_GROUP, group 1)."""
    health = message["stats"][0]["data"]["value"]
    return health["value"], health["current_max"]


def test_a_giant_rat_beaten_to_death_leaves_its_body_and_treasure(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        rat = _the_rat(live, world)
        room = world.rooms[rat.room]
        rat_square = square_of(rat.y, rat.x)
        alice_square = _beside(ROOM_FILES / room.roo_file, *rat_square, taken=set())
        bob_square = _beside(ROOM_FILES / room.roo_file, *rat_square, taken={alice_square})
        # Fresh characters, as the rules make them. The rat (and its neighbours in the room)
        # bite them on the way: the fight is the same on every run (the world's seed, the
        # clock this test drives), and it leaves Alanna alive; the test checks that she is.
        clients, saved = {}, {}
        stock_texts = list(_client_texts(kod_tree).items())
        for account, name, square in (("alice", "Alanna", alice_square), ("bob", "Bertram", bob_square)):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            figures = _save_in_place(server, name, rat.room, *square)
            client = server.connect()
            for resource_id, text in stock_texts:  # a stock client has the original's strings
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            entered = client.enter_world(name)
            assert entered["room_id"] == live.room_id(rat.room)
            clients[name] = (client, entered["id"])
            saved[entered["id"]] = figures
        (alice, alice_id), (bob, bob_id) = clients["Alanna"], clients["Bertram"]
        for client in (alice, bob):
            contents = next(m for m in client.received if m.name == "BP_ROOM_CONTENTS")
            assert rat.object_id in [o["id"] for o in contents["objects"]]
        alice.read()
        bob.read()
        recorded: list[ev.WorldEvent] = []
        _spy(live, recorded)

        # Alanna punches the rat, a swing per attack delay, until it dies; an aggressive
        # rat stays by her (or comes back), so a swing that finds it out of reach is retried.
        seen_by_alice: list[Message] = []
        seen_by_bob: list[Message] = []
        for _ in range(300):
            seen_by_alice += alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            if live.object(rat.object_id) is None:
                break
            server.advance(PLAYER_ATTACK_DELAY_MS / 1000)
            seen_by_alice += alice.read()
            seen_by_bob += bob.request("BP_PING")  # the stock client's keep-alive, or it is hung up on
        seen_by_bob += bob.read()
        assert not alice.closed_by_server and not bob.closed_by_server
        (killed,) = [e for e in recorded if isinstance(e, ev.MonsterKilled)]
        assert (killed.monster_id, killed.kind, killed.killer) == (rat.object_id, "giantrat", alice_id)

        # The body and the treasure, on the rat's square, by the content and the rules.
        here = [t for t in live.room_objects(rat.room) if isinstance(t, (Corpse, GroundItem))]
        (corpse,) = [t for t in here if isinstance(t, Corpse)]
        items = [t for t in here if isinstance(t, GroundItem)]
        assert (corpse.kind, square_of(corpse.y, corpse.x)) == ("giantrat", square_of(rat.y, rat.x))
        assert items and all(square_of(i.y, i.x) == square_of(rat.y, rat.x) for i in items)
        giantrat_info = world.kinds["giantrat"].monster
        assert giantrat_info is not None
        table = world.treasure[giantrat_info.treasure]
        assert {i.kind for i in items} <= {entry.kind for entry in table.items}
        # reported right before the rat's death: the body, then each item
        at_death = recorded[recorded.index(killed) - 1 - len(items):recorded.index(killed)]
        assert at_death == [ev.ObjectEntered(rat.room, t.object_id) for t in (corpse, *items)]

        # What the clients see: resource ids of the original (a stock client has their
        # texts), whose texts are those of the class's resources in the original's own
        # sources. (A text with several ids goes by one of them: the client shows the same.)
        original_text = {r.id: r.text(None) for r in kod_tree.resources.values() if r.id is not None}

        def look(class_name: str, icon: str, name: str) -> tuple[str | None, str | None]:
            cls = kod_tree.classes[class_name]
            return cls.resource_text(icon), cls.resource_text(name)

        expected_body = look("giantrat", "vrDead_icon", "vrDead_name")
        # a monster's body cannot be looked at, and keeps its kind's drawing effect (body.kod)
        body_flags = kod_tree.constant("LOOK_NO") | (kod_tree.classes["giantrat"].value("viDead_drawfx") or 0)
        expected_items = {}
        for item in items:
            wire_id = item.object_id | NUMBER_TAG if item.number is not None else item.object_id
            # a pile of more than one shows the plural name (numbitem.kod GetName)
            name = "vrName_plural" if item.number not in (None, 1) else "vrName"
            expected_items[wire_id] = (item.number, *look(item.kind or "", "vrIcon", name))
        for seen in (seen_by_alice, seen_by_bob):
            created = [m for m in seen if m.name == "BP_CREATE"]
            bodies = [(original_text.get(m["icon"]), original_text.get(m["name"]), m["flags"]) for m in created if m["id"] == corpse.object_id]
            assert bodies == [(*expected_body, body_flags)]
            dropped = {
                m["id"]: (m["amount"], original_text.get(m["icon"]), original_text.get(m["name"]))
                for m in created if m["id"] & ~NUMBER_TAG in {i.object_id for i in items}
            }
            assert dropped == expected_items
            assert all(m["flags"] == world.kinds[i.kind or ""].flags for m in created for i in items if m["id"] & ~NUMBER_TAG == i.object_id)
            # the body and the treasure first, then the rat goes (monster.kod Killed)
            names = [(m.name, m.fields.get("id")) for m in seen]
            removed = names.index(("BP_REMOVE", rat.object_id))
            assert names.index(("BP_CREATE", corpse.object_id)) < removed
            assert names.count(("BP_REMOVE", rat.object_id)) == 1
        # the other player saw the room as the killer did: the monsters coming and going,
        # the body and the treasure appearing, the rat removed
        def room_changes(seen: list[Message]) -> list[tuple[str, Any]]:
            names = ("BP_MOVE", "BP_TURN", "BP_CREATE", "BP_CHANGE", "BP_REMOVE")
            return [(m.name, m.fields.get("id")) for m in seen if m.name in names and m.fields.get("id") not in (alice_id, bob_id)]

        assert room_changes(seen_by_bob) == room_changes(seen_by_alice)
        # and the fight itself: each of Alanna's swings and each of the rat's, as the
        # swinger's look changing (BP_CHANGE), with the sounds of the blows
        def changes_of(object_id: int) -> int:
            return sum((m.name, m.fields.get("id")) == ("BP_CHANGE", object_id) for m in seen_by_bob)

        swings = [e for e in recorded if isinstance(e, ev.AttackResolved) and e.attacker == alice_id]
        bites = [e for e in recorded if isinstance(e, ev.MonsterAttacked) and e.monster_id == rat.object_id]
        assert swings and changes_of(alice_id) == len(swings)
        assert changes_of(rat.object_id) == len(bites)
        assert any(m.name == "BP_PLAY_WAVE" for m in seen_by_bob)

        # Health and max health: what the rules left in the world, and what each client shows.
        # No regeneration before a player moves (player.kod HealthTimer), so health is the
        # saved health less every blow the monsters landed.
        for client, player_id in ((alice, alice_id), (bob, bob_id)):
            player = live.player(player_id)
            assert player.room == rat.room  # still alive
            health, max_health = saved[player_id]
            blows = sum(e.damage for e in recorded if isinstance(e, ev.MonsterAttacked) and e.victim == player_id)
            assert player.stats.health == health - blows > 0
            if player_id == alice_id:
                assert blows > 0  # the rat did bite her: the health shown is after damage
            # max health is whatever the rules made of it (a kill may raise it), never less
            assert player.stats.max_health >= max_health
            (group,) = [m for m in client.request("BP_SEND_STATS", group=1) if m.name == "BP_STAT_GROUP"]
            assert _condition(group) == (player.stats.health, player.stats.max_health)

        # Someone entering later finds the body and the treasure in the room's contents.
        server.create_account("carol", "pw-carol")
        server.create_character("carol", "Cora")
        _save_in_place(server, "Cora", rat.room, *alice_square)
        carol = server.connect()
        for resource_id, text in stock_texts:
            carol.codec.resources.add(resource_id, text)
        carol.login_to_game("carol", "pw-carol")
        carol.enter_world("Cora")
        contents = next(m for m in carol.received if m.name == "BP_ROOM_CONTENTS")
        listed = {o["id"]: o for o in contents["objects"]}
        body = listed[corpse.object_id]
        assert (original_text.get(body["icon"]), original_text.get(body["name"])) == expected_body
        for wire_id, (amount, icon, name) in expected_items.items():
            shown = listed[wire_id]
            assert (shown["amount"], original_text.get(shown["icon"]), original_text.get(shown["name"])) == (amount, icon, name)
        assert rat.object_id not in listed
        assert not any(c.closed_by_server for c in (alice, bob, carol))
    finally:
        server.stop()
