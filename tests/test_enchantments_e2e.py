"""End to end on the deterministic clock: a player's enchantment shown (BP_ADD_ENCHANTMENT
type 1, and again on BP_SEND_ENCHANTMENTS), its attribute mod on the character sheet,
its time stopped over a logoff and kept over a restart, and BP_REMOVE_ENCHANTMENT when
its time is up; a room's enchantment (type 2) seen by everyone in the room, by a player
who enters it, and removed for all when it ends. Every frame decodes whole."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.game.render import render
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.enchantments import Effect, spell_object_id

REPO = Path(__file__).resolve().parents[1]
SPELLS = """
[strength]
number = 21
name = "strength"
icon = "istreng.bgf"

[light]
number = 23
name = "light"
icon = "isunlite.bgf"
"""
STRENGTH_ID, LIGHT_ID = spell_object_id(21), spell_object_id(23)


def world_data(tmp_path: Path) -> Path:
    """The bundled world with two spells of its own."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "spells.toml").write_text(SPELLS)
    return data


def named(messages: list[Message], name: str) -> list[Message]:
    return [m for m in messages if m.name == name]


def enter(server: MemoryServer, account: str, character: str, create: bool = True) -> tuple[MemoryClient, list[Message]]:
    """A player in the world; the entry burst it was sent."""
    if create:
        server.create_account(account, f"pw-{account}")
        server.create_character(account, character)
    client = server.connect()
    client.login_to_game(account, f"pw-{account}")
    client.enter_world(character)
    return client, list(client.received)


def icons(messages: list[Message], kind: str = "BP_ADD_ENCHANTMENT") -> list[tuple[int, int]]:
    """(type, spell id) of each enchantment message."""
    return [(m["type"], m["object"]["id"] if kind == "BP_ADD_ENCHANTMENT" else m["id"]) for m in named(messages, kind)]


def might_shown(client: MemoryClient) -> int:
    (group,) = named(client.request("BP_SEND_STATS", group=2), "BP_STAT_GROUP")
    return next(s["data"]["value"]["value"] for s in group["stats"] if s["slot"] == 1)


def wait_for_removal(server: MemoryServer, client: MemoryClient, seconds: float) -> float:
    """Advance half a second at a time; when the client was told the enchantment went."""
    waited = 0.0
    while waited < seconds:
        server.advance(0.5)
        waited += 0.5
        if named(client.read(), "BP_REMOVE_ENCHANTMENT"):
            return waited
    raise AssertionError(f"no BP_REMOVE_ENCHANTMENT within {seconds} s")


def test_a_player_enchantment_ends_on_time_over_a_logoff_and_a_restart(tmp_path: Path) -> None:
    config = f'[server]\ndata = "{world_data(tmp_path)}"\n[timeouts]\ngame_idle = 600.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        alice, _ = enter(server, "alice", "Alanna")
        world = server.hub.world
        (me,) = [p.object_id for p in world.all_players()]
        base = might_shown(alice)
        started = world.enchant(me, "strength", 60_000, Effect({"might": 5}), state=5, caster_id=me)
        render(server.hub.context, started.events)
        shown = alice.read()
        (added,) = named(shown, "BP_ADD_ENCHANTMENT")
        spell = server.hub.context.definition.spells["strength"]
        assert added["type"] == 1 and added["object"]["id"] == STRENGTH_ID
        resources = server.hub.context.resources
        assert (added["object"]["icon"], added["object"]["name"]) == (resources.id(spell.icon), resources.id(spell.name))
        assert added["object"]["animation"] == {"type": 1, "params": {"group": 1}} and added["object"]["overlays"] == []
        assert might_shown(alice) == base + 5  # the sheet shows the mod; the stored might is unchanged
        assert icons(alice.request("BP_SEND_ENCHANTMENTS", enchantment_type=1)) == [(1, STRENGTH_ID)]
        assert alice.request("BP_SEND_ENCHANTMENTS", enchantment_type=2) == []

        server.advance(20)
        alice.request("BP_LOGOFF")
        server.advance(300)  # away five minutes: its time does not run
        alice, _ = enter(server, "alice", "Alanna", create=False)
        (me,) = [p.object_id for p in server.hub.world.all_players()]
        assert icons(alice.request("BP_SEND_ENCHANTMENTS", enchantment_type=1)) == [(1, STRENGTH_ID)]
        assert might_shown(alice) == base + 5
        assert 39.5 <= wait_for_removal(server, alice, 45) <= 41
        assert server.hub.world.enchantment_modifier(me, "might") == 0 and might_shown(alice) == base
        assert alice.request("BP_SEND_ENCHANTMENTS", enchantment_type=1) == []

        started = server.hub.world.enchant(me, "strength", 30_000, Effect({"might": 5}), caster_id=me)
        render(server.hub.context, started.events)
        server.advance(10)
        alice.read()
    finally:
        server.stop()
    again = MemoryServer(tmp_path, config)
    try:
        alice, _ = enter(again, "alice", "Alanna", create=False)
        assert icons(alice.request("BP_SEND_ENCHANTMENTS", enchantment_type=1)) == [(1, STRENGTH_ID)]
        assert might_shown(alice) == base + 5
        assert 19.5 <= wait_for_removal(again, alice, 25) <= 21
        (removed,) = [m for m in alice.received if m.name == "BP_REMOVE_ENCHANTMENT"]
        assert (removed["type"], removed["id"]) == (1, STRENGTH_ID)
        assert might_shown(alice) == base
    finally:
        again.stop()


def test_a_room_enchantment_is_seen_by_who_enters_and_removed_for_all(tmp_path: Path) -> None:
    config = f'[server]\ndata = "{world_data(tmp_path)}"\n[timeouts]\ngame_idle = 600.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        alice, _ = enter(server, "alice", "Alanna")
        world = server.hub.world
        (player,) = world.all_players()
        room = world.room_enchantment_target(player.room)
        started = world.enchant(room, "light", 30_000, Effect({"light": 25}))
        assert started.refusal is None
        render(server.hub.context, started.events)
        assert icons(alice.read()) == [(2, LIGHT_ID)]
        assert world.enchant(room, "light", 30_000).refusal is not None  # already lit: refused

        server.advance(10)
        bob, burst = enter(server, "bob", "Bertram")  # he arrives in the same room
        names = [m.name for m in burst]
        assert icons(burst) == [(2, LIGHT_ID)]
        assert names.index("BP_ADD_ENCHANTMENT") > names.index("BP_ROOM_CONTENTS")  # the client clears them with it
        assert icons(bob.request("BP_SEND_ROOM_CONTENTS")) == [(2, LIGHT_ID)]
        assert bob.request("BP_SEND_ENCHANTMENTS", enchantment_type=1) == []  # not his own
        alice.read()

        assert 19.5 <= wait_for_removal(server, bob, 25) <= 21
        assert icons(bob.received, "BP_REMOVE_ENCHANTMENT") == [(2, LIGHT_ID)]
        assert icons(alice.read(), "BP_REMOVE_ENCHANTMENT") == [(2, LIGHT_ID)]
        assert not world.enchantments_of(room)
    finally:
        server.stop()
