"""End to end on the imported original world: the spells that see, cast with
BP_REQ_CAST in a room where players may fight. Bram murders Cora with his fists (the
world remembers him); Alanna's seance then names his room, or a wrong one it keeps
naming while its enchantment lasts, each outcome checked against the rules' figures on
the same die; Bram hears that he was found, or, under his cloak (Qor), that his cloak
turned the seance away. Foresight names Bram's spells and skills with how well he knows
them in one message built of the spell's words. All words by the original's resource
ids; every frame decodes whole."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from emulator.content.model import SpellDefinition, WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.dice import roll_with
from emulator.rules.spells import divination as rules
from emulator.game.render import render
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id
from emulator.world.ledger import check_ledger
from emulator.world.objects import Player
from protocol_specs.opcodes import UC

from .test_casting_e2e import NUMBER_TAG
from .test_consumables_e2e import place, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts


@attrs.define
class Trio:
    server: MemoryServer
    world: WorldDefinition
    clients: dict[str, MemoryClient]
    players: dict[str, Player]
    room: str

    def read_all(self) -> dict[str, list[Message]]:
        return {name: client.read() for name, client in self.clients.items()}

    def give(self, who: str, kind: str, count: int) -> None:
        live, player = self.server.hub.world, self.players[who]
        stacks = live.items.stacks(kind)
        item = live.items.create_on_ground(kind, count if stacks else None, player.room, player.y, player.x, 0, "test", [])
        self.clients[who].request("BP_REQ_GET", object={"id": item.object_id | (NUMBER_TAG if stacks else 0),
                                                         "amount": count if stacks else None})

    def cast(self, who: str, key: str, *targets: int) -> list[Message]:
        """One BP_REQ_CAST after the attack timer ran out, with mana enough."""
        self.server.advance(1.5)
        self.read_all()
        return self.cast_now(who, key, *targets)

    def cast_now(self, who: str, key: str, *targets: int) -> list[Message]:
        self.players[who].stats.mana, self.players[who].stats.vigor = 60, 100
        number = self.world.spells[key].number
        return self.clients[who].request("BP_REQ_CAST", spell={"id": spell_object_id(number), "amount": None},
                                         targets=[{"id": t, "amount": None} for t in targets])

    def name_id(self, who: str) -> int:
        session = self.server.hub.context.in_world[self.players[who].object_id]
        assert session.avatar is not None
        return session.avatar.name_resource


@pytest.fixture
def trio(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Trio]:
    """Alanna, Bram and Cora side by side at the start of a room with no flags and no
    monsters (players may fight there), all past being new, Alanna a caster."""
    room = next(key for key, r in sorted(world.rooms.items()) if not r.flags and not r.monsters and r.spawns)
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 7200.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        roo = ROOM_FILES / world.rooms[room].roo_file
        start = (world.rooms[room].spawns[0].row, world.rooms[room].spawns[0].col)
        squares = [start]
        squares.append(_beside(roo, *squares[0], taken=set(squares)))
        squares.append(_beside(roo, *squares[1], taken=set(squares)))
        clients, players = {}, {}
        texts = _client_texts(kod_tree)
        for (account, name), square in zip((("alice", "Alanna"), ("bob", "Bram"), ("cora", "Cora")), squares):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            place(server, name, room, square, health=40, mana=60, vigor=100, max_health=40, base_max_health=40)
            client = server.connect()
            for resource_id, text in texts.items():
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            clients[account] = client
            players[account] = server.hub.world.player(client.enter_world(name)["id"])
        caster = players["alice"]
        caster.stats.mysticism = caster.stats.stamina = caster.stats.intellect = caster.stats.aim = 50
        caster.stats.max_mana = 60
        yield Trio(server, world, clients, players, room)
        live = server.hub.world
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not any(c.closed_by_server for c in clients.values())
    finally:
        server.stop()


def own(scene: Trio, spell: SpellDefinition, purpose: str) -> int:
    """The id the spell's own words reach the client by."""
    text = spell.text(purpose)
    assert text and spell.text_id(purpose), f"{spell.key} has no {purpose} words"
    return scene.server.hub.context.resources.id(text)


def murder(scene: Trio) -> None:
    """Bram, his safety off, punches Cora (1 health left) until she dies: a murder."""
    bram, cora = scene.players["bob"], scene.players["cora"]
    scene.clients["bob"].request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
    for _ in range(60):
        scene.server.advance(1.0)
        cora.stats.health = min(cora.stats.health, 1)
        scene.clients["bob"].request("BP_REQ_ATTACK", attack_type=1, target={"id": cora.object_id, "amount": None}, trailing=0)
        scene.read_all()
        if bram.murderer:
            return
    raise AssertionError("Bram never landed a blow")


def test_the_import_reads_the_spells_that_see(world: WorldDefinition) -> None:
    seance, cloak, foresight = world.spells["seance"], world.spells["cloak"], world.spells["foresight"]
    assert (seance.effect, cloak.effect, foresight.effect) == ("seance", "cloak", "foresight")
    assert (seance.level, cloak.level, foresight.level) == (1, 1, 2)
    assert seance.targets == 0 and cloak.targets == 1 and foresight.targets == 1 and foresight.harmful
    # the rooms a misled seance never names (the god room among them), and Tos' inn
    assert seance.figure("unseen_1") and world.rooms["tosinn"].number == seance.figure("fallback_room")
    assert not seance.figure(f"unseen_{world.rooms['jasper'].number}")
    assert cloak.duration == (300_000, 33_000)
    assert [foresight.figure(p) for p in rules.ABILITY_WORDS] == [16, 32, 48, 64, 80, 90]
    for purpose in ("no_murderer", "found", "cloaked", "casting", "location"):
        assert seance.text_id(purpose), purpose
    for purpose in ("info", "ability", "last_ability", "one", "nothing", "not_player", *rules.ABILITY_WORDS, "master_of"):
        assert foresight.text_id(purpose), purpose


def _expected_seance(scene: Trio, power: int) -> tuple[bool, str | None]:
    """Whether the seance about to be cast is misled, and the wrong room it would name,
    from the world's die for it (the same seeded draw the world makes)."""
    live = scene.server.hub.world
    alanna, bram = scene.players["alice"], scene.players["bob"]
    roll = roll_with(random.Random(f"{live.seed}:seance:{live.tick_count}:{alanna.object_id}:{bram.object_id}"))
    cloak = next((int(e.state) for e in live.enchantments_of(bram.object_id) if e.spell == "cloak"), None)
    strength = rules.seance_strength(power, alanna.stats.karma, alanna.stats.max_health)
    if not rules.seance_misled(roll, strength, cloak):
        return False, None
    spell = scene.world.spells["seance"]
    rooms = sorted(scene.world.rooms)
    shown = {k: not spell.figure(f"unseen_{scene.world.rooms[k].number}") for k in rooms}
    return True, rules.wrong_room(roll, rooms, shown, "tosinn")


def _seance_words(scene: Trio, messages: list[Message]) -> list[tuple[int, list[int]]]:
    """What of the messages are the seance's own words (a murmur nearby is not)."""
    seance = scene.world.spells["seance"]
    mine = {own(scene, seance, p) for p in ("found", "cloaked", "casting", "location", "no_murderer")}
    return [(f, p) for f, p in texts_of(messages) if f in mine]


def _power(scene: Trio, who: str, key: str) -> int:
    from emulator.world.casting import _power

    return _power(scene.server.hub.world, scene.players[who], scene.world.spells[key])


def _room_name(scene: Trio, room: str) -> int:
    found = dict(scene.world.rooms[room].resource_ids).get("name")
    assert found is not None
    return found


def test_seance_finds_the_murderer_or_is_misled_and_a_cloak_turns_it_away(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    seance = scene.world.spells["seance"]
    messages = scene.world.messages
    assert messages is not None
    alanna, bram = scene.players["alice"], scene.players["bob"]
    alanna.spells["seance"] = 60
    alanna.stats.karma = 60
    scene.give("alice", "herbs", 40)
    # no murder yet: refused, nothing paid
    reply = scene.cast("alice", "seance")
    assert texts_of(reply) == [(own(scene, seance, "no_murderer"), [])] and alanna.stats.mana == 60
    murder(scene)
    assert live.last_murderer == bram.character_id
    none, name = messages.id("article_none"), scene.name_id("bob")
    outcomes: dict[str, int] = {}
    for _ in range(40):
        live.disenchant(alanna.object_id, "seance", report=False)  # a fresh seance each time
        scene.server.advance(1.5)
        scene.read_all()
        alanna.stats.vigor = 100
        misled, wrong = _expected_seance(scene, _power(scene, "alice", "seance"))
        cloaked = live.is_enchanted(bram.object_id, "cloak")
        reply = scene.cast_now("alice", "seance")
        told, heard = texts_of(reply + scene.clients["alice"].read()), _seance_words(scene, scene.clients["bob"].read())
        if (own(scene, seance, "casting"), [none, name]) not in told:
            assert told and told[-1][0] == messages.id("spell_failed")  # a fizzle
            continue
        room = wrong if misled else bram.room
        assert room is not None
        location = [(f, p) for f, p in told if f == own(scene, seance, "location")]
        assert location == [(own(scene, seance, "location"), [none, name, _room_name(scene, room)])]
        if misled:
            (remembered,) = [e for e in live.enchantments_of(alanna.object_id) if e.spell == "seance"]
            assert remembered.state == room and not remembered.effect.shown
            assert heard == ([(own(scene, seance, "cloaked"), [])] if cloaked else [])
            # while it lasts the caster is shown the same room, and the murderer is told nothing
            reply = scene.cast("alice", "seance")
            again = texts_of(reply + scene.clients["alice"].read())
            if (own(scene, seance, "casting"), [none, name]) in again:
                assert location[0] in again and _seance_words(scene, scene.clients["bob"].read()) == []
        else:
            assert heard == [(own(scene, seance, "found"), [])]
            assert not live.is_enchanted(alanna.object_id, "seance")
        outcome = ("cloaked_" if cloaked else "") + ("misled" if misled else "found")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == "found" and not cloaked:
            # Bram cloaks himself as strongly as he can: its chance is half the seances
            bram.spells["cloak"] = 99
            bram.stats.karma = -80
            bram.stats.mysticism = bram.stats.intellect = bram.stats.aim = 50
            scene.give("bob", "entrootberry", 2)
            for _ in range(30):
                scene.cast("bob", "cloak", bram.object_id)
                scene.server.advance(3.5)  # its trance
                if live.is_enchanted(bram.object_id, "cloak"):
                    break
            (cloak,) = [e for e in live.enchantments_of(bram.object_id) if e.spell == "cloak"]
            assert cloak.state == rules.cloak_factor(_power(scene, "bob", "cloak")) and cloak.effect.shown
            told = texts_of(scene.clients["bob"].read())
            assert (own(scene, scene.world.spells["cloak"], "target"), []) in told
        if {"cloaked_misled", "cloaked_found"} <= outcomes.keys():
            break
    assert {"found", "cloaked_misled", "cloaked_found"} <= outcomes.keys(), outcomes
    # the cloak ended: its words and its icon gone
    scene.clients["bob"].read()
    render(scene.server.hub.context, live.disenchant(bram.object_id, "cloak"))
    ended = scene.clients["bob"].read()
    assert (own(scene, scene.world.spells["cloak"], "ended"), []) in texts_of(ended)
    assert [m["id"] for m in ended if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(scene.world.spells["cloak"].number)]


def test_foresight_names_the_target_s_abilities(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    foresight = scene.world.spells["foresight"]
    messages = scene.world.messages
    assert messages is not None
    alanna, bram = scene.players["alice"], scene.players["bob"]
    alanna.spells["foresight"] = 80
    scene.give("alice", "uncutseraphym", 60)
    murder(scene)  # a murderer may be looked into without the safety holding Alanna back
    none = messages.id("article_none")
    # a thing is no player
    item = live.items.create_on_ground("herbs", 1, alanna.room, alanna.y, alanna.x, 0, "test", [])
    reply = scene.cast("alice", "foresight", item.object_id)
    ((format_id, params),) = texts_of(reply)
    assert format_id == own(scene, foresight, "not_player") and len(params) == 2
    # a head with nothing in it
    bram.spells.clear()
    bram.skills.clear()
    told, _ = _cast_until_it_works(scene, bram.object_id)
    assert told == [(own(scene, foresight, "nothing"), [none, scene.name_id("bob")])]
    # spells and skills, some of each, named with how well he knows them
    bram.skills.update({"punch": 10, "parry": 40})
    bram.spells.update({"heal": 55, "blink": 70, "zap": 85, "cloak": 99})
    for _ in range(3):
        told, power = _cast_until_it_works(scene, bram.object_id)
        known = [("skill", k, a) for k, a in bram.skills.items()] + [("spell", k, a) for k, a in bram.spells.items()]
        abilities = rules.foresight_order(known)
        count = rules.foresight_count(power, len(abilities))
        assert count == min(6, max(1, power // 4))
        roll = roll_with(random.Random(f"{live.seed}:foresight:{live.tick_count}:{alanna.object_id}:{bram.object_id}"))
        params = [none, scene.name_id("bob")]
        limits = [16, 32, 48, 64, 80, 90]
        for listed, place_at in enumerate(rules.foresight_picks(roll, count, len(abilities)), start=1):
            kind, key, ability = abilities[place_at]
            joint = "one" if count == 1 else "last_ability" if listed == count else "ability"
            name = (scene.world.spells[key] if kind == "spell" else scene.world.skills[key]).resource_ids
            params += [own(scene, foresight, joint), own(scene, foresight, rules.ability_words(ability, limits)),
                       dict(name)["name"]]
        assert told == [(own(scene, foresight, "info"), params)]
        alanna.spells["foresight"] = 20  # fewer named at less power


def _cast_until_it_works(scene: Trio, target: int) -> tuple[list[tuple[int, list[int]]], int]:
    """Foresight until it does not fizzle: what Alanna read, and the power it had."""
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        power = _power(scene, "alice", "foresight")
        reply = scene.cast("alice", "foresight", target)
        told = texts_of(reply)
        if told and told[0][0] == failed:
            continue
        return told, power
    raise AssertionError("foresight fizzled 30 times")
