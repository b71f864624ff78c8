"""End to end on the imported original world, through the protocol: a player with parry,
block and dodge, a mace and a shield, bitten at by the sewer's monsters, reads the blows
it turned aside in the original's words; a player punching a giant rat improves with use
and is shown and told so as the original does. Every frame decodes whole."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.game.sheet import StatGroup
from emulator.world.spellbook import SKILL_ID_BASE
from emulator.rules.combat import SKID_BRAWLING, SKID_PUNCH
from emulator.testing.client import TestClient
from emulator.testing.memory_server import MemoryServer
from emulator.world.world import World
from protocol_specs.format_string import render
from protocol_specs.server_messages import STATS_LIST

from .test_fight_messages import ROOM, _client_texts, _frames, _ids


def _server(imported: tuple[Path, ImportReport], tmp_path: Path) -> MemoryServer:
    """The imported world with new characters starting in the sewer under Jasper."""
    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    world_file = data / "world.toml"
    world_file.write_text(re.sub(r'\[start\]\nroom = "\w+"\nrow = \d+\ncol = \d+', f'[start]\nroom = "{ROOM}"\nrow = 32\ncol = 14',
                                 world_file.read_text()))
    return MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')


def _enter(server: MemoryServer, kod_tree: KodTree) -> tuple[TestClient, int]:
    server.create_account("alice", "pw-alice")
    server.create_character("alice", "Alanna")
    client = server.connect()
    for resource_id, known in _client_texts(kod_tree).items():  # a stock client has the original's strings
        client.codec.resources.add(resource_id, known)
    client.login_to_game("alice", "pw-alice")
    return client, client.enter_world("Alanna")["id"]


def _take_up(client: TestClient, world: World, player_id: int, kind: str) -> None:
    """The item appears at the player's feet; it picks it up and uses it, as a client does."""
    player = world.player(player_id)
    item = world.items.create_on_ground(kind, None, player.room, player.y, player.x, 0, "test", [])
    client.request("BP_REQ_GET", object={"id": item.object_id, "amount": None})
    used = client.request("BP_REQ_USE", object={"id": item.object_id, "amount": None})
    assert [m["id"] for m in _frames(used, "BP_USE")] == [item.object_id]


def test_parried_blocked_and_dodged_blows_are_told_in_the_original_s_words(
    imported: tuple[Path, ImportReport], kod_tree: KodTree, tmp_path: Path
) -> None:
    server = _server(imported, tmp_path)
    texts = _client_texts(kod_tree)
    defender_miss, defender_hit = _ids(kod_tree, "battler_defender_miss", "battler_defender_hit")
    words = dict(zip(_ids(kod_tree, "battler_parry", "battler_block", "battler_dodge", "battler_avoid"),
                     ("parry", "block", "dodge", "avoid")))
    try:
        client, player_id = _enter(server, kod_tree)
        world = server.hub.world
        _take_up(client, world, player_id, "mace")
        _take_up(client, world, player_id, "knightshield")
        player = world.player(player_id)
        player.skills.update(dodge=60, parry=60, block=60)
        rat = next(m for m in world.monsters() if m.room == ROOM and m.kind == "giantrat")
        client.read()
        told: list[str] = []
        for _ in range(400):
            if world.object(rat.object_id) is None:
                break
            player.y, player.x = rat.y, rat.x + 64  # keep beside it; it bites back
            player.stats.health = player.stats.max_health
            server.advance(0.5)
            for message in _frames(client.read(), "BP_MESSAGE"):
                if message["format"] != defender_miss:
                    assert message["format"] != defender_hit or len(message["params"]) == 6
                    continue
                blue, defence, article, name = message["params"]
                assert [blue, article] == _ids(kod_tree, "battler_blue_text", "object_article_the_rsc")
                told.append(words[defence])
                shown = render(message["format"], message["params"], texts)
                assert shown == str(texts.text(defender_miss)) % tuple(texts.text(p) for p in message["params"])
            if {"parry", "block", "dodge"} <= set(told):
                break
        assert {"parry", "block", "dodge"} <= set(told), told
        assert player.dodged
        assert not client.closed_by_server
    finally:
        server.stop()


def test_punching_improves_with_use_and_the_player_is_shown_and_told(
    imported: tuple[Path, ImportReport], kod_tree: KodTree, tmp_path: Path
) -> None:
    server = _server(imported, tmp_path)
    texts = _client_texts(kod_tree)
    improved_text, improved_wave = _ids(kod_tree, "player_improved", "player_improved_wav_rsc")
    try:
        client, player_id = _enter(server, kod_tree)
        world = server.hub.world
        player = world.player(player_id)
        player.skills.update(dodge=10, punch=5, brawling=5)
        rat = next(m for m in world.monsters() if m.room == ROOM and m.kind == "giantrat")
        client.read()
        replies: list[Any] = []
        for swing in range(400):
            player.y, player.x = rat.y, rat.x + 64
            player.stats.health = player.stats.max_health
            rat.hit_points = 10_000
            replies = client.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            if [m for m in _frames(replies, "BP_STAT") if m["group"] == StatGroup.SKILLS]:
                break
            server.advance(1.0)
            client.read()
        (stat,) = [m for m in _frames(replies, "BP_STAT") if m["group"] == StatGroup.SKILLS]
        assert swing >= 75  # strokes and proficiencies improve only after 75 swings
        key = next(k for k in ("punch", "brawling") if player.skills[k] == 6)
        cls = kod_tree.classes[key]
        number = SKID_PUNCH if key == "punch" else SKID_BRAWLING
        # user.kod SendStatSkill: its place among the player's skills, its name, the object,
        # the new ability, its icon
        assert stat["stat"]["slot"] == sorted(player.skills).index(key) + 1 and stat["stat"]["type"] == STATS_LIST
        assert stat["stat"]["name"] == cls.resource_id("vrName")
        assert stat["stat"]["data"] == {"id": SKILL_ID_BASE + number, "value": 6, "icon": cls.resource_id("vrIcon")}
        # the room hears the improvement from the player, then the player reads which skill
        (wave,) = [m for m in _frames(replies, "BP_PLAY_WAVE") if m["wave"] == improved_wave]
        assert wave["source"] == player_id
        (told,) = [m for m in _frames(replies, "BP_MESSAGE") if m["format"] == improved_text]
        assert told["params"] == [cls.resource_id("vrName")]
        assert render(told["format"], told["params"], texts) == str(texts.text(improved_text)) % texts.text(cls.resource_id("vrName"))
        order = [replies.index(m) for m in (stat, wave, told)]
        assert order == sorted(order)
        assert not client.closed_by_server
    finally:
        server.stop()
