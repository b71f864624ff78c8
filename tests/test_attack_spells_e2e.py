"""End to end on the imported original world: a player casts shocking fury (an attack
spell: its damage scaled by the power) at a giant rat until it dies, through the same path
as a blow: the rat's hit points, the blow told with the spell's name and its type's words,
the kill, the body; and it is refused at oneself."""

from __future__ import annotations

import pytest

from emulator.rules.combat import damage_after_resistance
from emulator.world.resistances import resistance_against

from pathlib import Path
from typing import Any

from emulator.content.model import WorldDefinition, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import Message
from emulator.world import events as ev
from emulator.world.casting import spell_object_id
from emulator.world.spells.damage import spell_damage

from .test_consumables_e2e import texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place, _spy, _the_rat
from .test_fight_messages import _client_texts


def _attack_spells(world: WorldDefinition) -> list[str]:
    return sorted(k for k, s in world.spells.items() if s.effect == "damage" and s.school not in ("dm_command", ""))


def test_the_attack_spells_of_the_schools_are_castable(world: WorldDefinition) -> None:
    assert _attack_spells(world) == [
        "blastoffire", "explosivefrost", "fireball", "lightning", "shockingfury", "splashofacid", "vampiricdrain",
    ]


@pytest.mark.parametrize("key", ["shockingfury", "blastoffire", "explosivefrost", "fireball", "lightning", "splashofacid",
                                 "vampiricdrain"])
def test_an_attack_spell_kills_a_giant_rat(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path, key: str,
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 600.0\n'
    spell = world.spells[key]
    messages = world.messages
    assert messages is not None and spell.effect == "damage" and spell.harmful
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        rat = _the_rat(live, world)
        room = world.rooms[rat.room]
        square = _beside(ROOM_FILES / room.roo_file, *square_of(rat.y, rat.x), taken=set())
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        _save_in_place(server, "Alanna", rat.room, *square)
        alice = server.connect()
        for resource_id, text in _client_texts(kod_tree).items():
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        me = alice.enter_world("Alanna")["id"]
        caster = live.player(me)
        caster.spells[key] = 60
        caster.stats.karma = {"qor": -60, "shalille": 60}.get(spell.school, 0)  # the opposed schools' karma
        caster.stats.mysticism = 50
        caster.stats.max_health = caster.stats.health = 500  # the rats bite back: she outlasts them
        for reagent in spell.reagents:
            pile = live.items.create_on_ground(reagent.kind, 50 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
            alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 50 * reagent.count})
        recorded: list[ev.WorldEvent] = []
        _spy(live, recorded)
        cast = live.cast

        def spied(*args: Any) -> list[ev.WorldEvent]:
            found = cast(*args)
            recorded.extend(found)
            return found

        live.cast = spied  # type: ignore[method-assign]
        seen: list[Message] = []
        weakness = resistance_against(live, rat.object_id, 0, spell.damage_spell)  # giant rats burn more
        for _ in range(60):
            caster.stats.mana = caster.stats.max_mana = 100
            caster.y, caster.x = rat.y, rat.x + 128  # keep near it, within every spell's reach
            caster.angle = 2048  # facing west, at the rat
            seen += alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                                  targets=[{"id": rat.object_id, "amount": None}])
            if live.object(rat.object_id) is None:
                break
            server.advance(spell.post_cast + 0.5)
            seen += alice.read()
            alice.request("BP_PING")
        assert live.object(rat.object_id) is None
        blows = [e for e in recorded if isinstance(e, ev.AttackResolved) and e.spell == key]
        assert blows and all(e.hit and e.attacker == me for e in blows)
        most = spell_damage(spell.damage_max, 99)
        most = max(most, damage_after_resistance(most, weakness))
        assert all(1 <= e.damage <= most for e in blows)
        (killed,) = [e for e in recorded if isinstance(e, ev.MonsterKilled)]
        assert (killed.monster_id, killed.killer) == (rat.object_id, me)
        # the blow is told with the spell's name (and a shock word for shocking fury), by the original's ids
        hits = [p for f, p in texts_of(seen) if f == messages.id("attacker_hit")]
        assert hits and all(p[1] == dict(spell.resource_ids)["name"] for p in hits)
        if key == "shockingfury":
            shock_words = {messages.id(f"shock_{w}") for w in ("nick", "wound", "damage", "slay")}
            assert all(p[2] in shock_words for p in hits)
        # not at oneself: the attack spell's own words name it
        server.advance(spell.post_cast + 0.5)
        alice.read()
        reply = alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                              targets=[{"id": me, "amount": None}])
        name = dict(spell.resource_ids)["name"]
        assert texts_of(reply) == [(dict(spell.resource_ids)["not_on_self"], [name])]
        assert not alice.closed_by_server
    finally:
        server.stop()


def test_shocking_fury_at_a_player_follows_the_player_killing_rules(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 600.0\n'
    spell = world.spells["shockingfury"]
    messages = world.messages
    assert messages is not None
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        rat = _the_rat(live, world)  # its room: one where players may fight
        room = world.rooms[rat.room]
        assert not room.flags
        first = _beside(ROOM_FILES / room.roo_file, *square_of(rat.y, rat.x), taken=set())
        second = _beside(ROOM_FILES / room.roo_file, *first, taken={square_of(rat.y, rat.x)})
        ids = {}
        clients = {}
        for account, name, square in (("alice", "Alanna", first), ("bob", "Bram", second)):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            _save_in_place(server, name, rat.room, *square)
            client = server.connect()
            for resource_id, text in _client_texts(kod_tree).items():
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            ids[name] = client.enter_world(name)["id"]
            clients[name] = client
        alice, bob = clients["Alanna"], clients["Bram"]
        caster, victim = live.player(ids["Alanna"]), live.player(ids["Bram"])
        for rat_here in [m for m in live.monsters() if m.room == rat.room]:
            live._monsters.remove(rat_here)  # no bites in the way
        caster.spells["shockingfury"] = 60
        caster.stats.mysticism = 50
        for reagent in spell.reagents:
            pile = live.items.create_on_ground(reagent.kind, 50 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
            alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 50 * reagent.count})

        def cast() -> list[Message]:
            server.advance(spell.post_cast + 0.5)
            alice.read()
            bob.read()
            caster.stats.mana = 50
            return alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                                 targets=[{"id": victim.object_id, "amount": None}])

        # a newbie victim (max health below 30): its guardian angel stops the spell, nothing paid
        caster.stats.max_health = caster.stats.base_max_health = caster.stats.health = 60
        assert victim.stats.max_health < 30
        reply = cast()
        assert texts_of(reply) == [(messages.id("refused_newbie_victim"), [messages.id("article_none"), _name(server, victim.object_id)])]
        assert caster.stats.mana == 50
        # grown up, both of them: the caster's safety holds it back
        for player in (caster, victim):
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
        assert caster.safety
        reply = cast()
        assert [f for f, _ in texts_of(reply)] == [messages.id("refused_safety")]
        # safety off: the spell hurts, and the caster is an outlaw for attacking an innocent
        caster.safety = False
        for _ in range(20):
            reply = cast()
            if any(f == messages.id("attacker_hit") for f, _ in texts_of(reply)):
                break
        assert caster.outlaw and victim.stats.health < 60
        (hit,) = [p for f, p in texts_of(reply) if f == messages.id("attacker_hit")]
        assert hit[1] == dict(spell.resource_ids)["name"] and hit[4] == _name(server, victim.object_id)
        heard = bob.read()
        (told,) = [p for f, p in texts_of(heard) if f == messages.id("defender_hit")]
        assert told[-1] == dict(spell.resource_ids)["name"]
        # until it dies: a player killed by a player
        for _ in range(40):
            if victim.room != rat.room:
                break
            cast()
        assert victim.room != rat.room and caster.murderer
        assert not alice.closed_by_server
    finally:
        server.stop()


def _name(server: MemoryServer, player_id: int) -> int:
    session = server.hub.context.in_world[player_id]
    assert session.avatar is not None
    return session.avatar.name_resource
