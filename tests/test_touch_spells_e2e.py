"""End to end on the imported original world: the touch spells (zap, icy fingers, touch of
flame, acid touch, holy touch). Each is cast on oneself (BP_ADD_ENCHANTMENT, its words by
the original's ids); then the caster's bare-handed blows on a giant rat are struck with
the spell: its damage by the power, the blow named by the spell, the kill told in the
spell's own words; it wears off by the original's time (BP_REMOVE_ENCHANTMENT and its
words), and the next punch is a punch again. A second touch spell replaces the first."""

from __future__ import annotations

from emulator.rules.combat import damage_after_resistance
from emulator.world.resistances import resistance_against

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from emulator.content.model import WorldDefinition, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.casting import SPELLPOWER_MAXIMUM
from emulator.rules.combat import PLAYER_ATTACK_DELAY_MS
from emulator.rules.spells import touch
from emulator.testing.memory_server import MemoryClient, MemoryServer

from emulator.wire.codec import Message
from emulator.world import events as ev
from emulator.world.casting import spell_object_id
from emulator.world.objects import Player
from emulator.world.world import World

from .test_consumables_e2e import texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place, _spy, _the_rat
from .test_fight_messages import _client_texts

#: The touch spells of levels 1 and 2: (damage_min, damage_max, reach) as the original has them.
TOUCH = {
    "zap": (3, 8, 3), "icyfingers": (5, 8, 2), "touchofflame": (4, 9, 2), "acidtouch": (4, 8, 2), "holytouch": (3, 6, 2),
}


@attrs.define
class Fight:
    server: MemoryServer
    world: WorldDefinition
    live: World
    alice: MemoryClient
    caster: Player
    recorded: list[ev.WorldEvent]

    def own(self, key: str, purpose: str) -> int:
        """The id a spell's own words reach the client by."""
        text = self.world.spells[key].text(purpose)
        assert text, (key, purpose)
        return self.server.hub.context.resources.id(text)

    def cast(self, key: str) -> list[Message]:
        """Cast on oneself until it does not fizzle."""
        spell = self.world.spells[key]
        failed = self.world.messages.id("spell_failed")  # type: ignore[union-attr]
        for _ in range(30):
            self.server.advance(1.5)
            self.alice.read()
            self.caster.stats.mana = 50
            reply: list[Message] = self.alice.request(
                "BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None}, targets=[])
            if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
                return reply + self.alice.read()
        raise AssertionError(f"{key} fizzled 30 times")

    def punch(self, target: int) -> list[Message]:
        self.server.advance(PLAYER_ATTACK_DELAY_MS / 1000)
        seen: list[Message] = self.alice.read()
        seen += self.alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": target, "amount": None}, trailing=0)
        self.alice.request("BP_PING")
        return seen


@pytest.fixture
def fight(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Fight]:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 7200.0\n'
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
        caster = live.player(alice.enter_world("Alanna")["id"])
        caster.stats.mysticism = caster.stats.stamina = caster.stats.intellect = 50
        caster.stats.max_health = caster.stats.health = 500  # the rats bite back: she outlasts them
        caster.stats.max_mana = 60
        for key in TOUCH:
            caster.spells[key] = 60
            for reagent in world.spells[key].reagents:
                pile = live.items.create_on_ground(reagent.kind, 30 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
                alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 30 * reagent.count})
        alice.read()
        recorded: list[ev.WorldEvent] = []
        _spy(live, recorded)
        yield Fight(server, world, live, alice, caster, recorded)
        assert not alice.closed_by_server
    finally:
        server.stop()


def test_the_import_reads_the_touch_spells(world: WorldDefinition) -> None:
    found = {k for k, s in world.spells.items() if s.effect == "touch"}
    assert found == set(TOUCH)
    for key, (low, high, reach) in TOUCH.items():
        spell = world.spells[key]
        assert (spell.damage_min, spell.damage_max, spell.range, spell.targets) == (low, high, reach, 0), key
        assert spell.damage_spell & 1, key  # a spell type, for its words
        assert spell.karma_factor == (key == "holytouch"), key
        for purpose in ("target", "ended", "already_on", "killed_something", "was_killed"):
            assert spell.text_id(purpose), (key, purpose)


@pytest.mark.parametrize("key", sorted(TOUCH))
def test_a_touch_spell_arms_the_bare_hands_until_it_wears_off(fight: Fight, key: str) -> None:
    spell, live, caster = fight.world.spells[key], fight.live, fight.caster
    messages = fight.world.messages
    assert messages is not None
    school = spell.school
    caster.stats.karma = 40 if school == "shalille" else -40 if school == "qor" else 0
    told = fight.cast(key)
    icons = [m["object"]["id"] for m in told if m.name == "BP_ADD_ENCHANTMENT" and m["type"] == 1]
    assert icons == [spell_object_id(spell.number)]
    assert (fight.own(key, "target"), []) in texts_of(told)
    (enchantment,) = live.enchantments_of(caster.object_id)
    power = enchantment.state
    assert enchantment.spell == key and 1 <= power <= SPELLPOWER_MAXIMUM
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert max(10, power // 3) * 6000 - 2000 <= left <= min(75, power // 2) * 6000  # a third to half the power, in tenths of a minute
    # bare-handed blows on a rat are struck with the spell until it dies
    for rat in [m for m in live.monsters() if m.room == caster.room and m.kind == "giantrat"][:1]:
        seen: list[Message] = []
        weakness = resistance_against(live, rat.object_id, 0, spell.damage_spell)
        for _ in range(200):
            caster.y, caster.x = rat.y, rat.x + 64  # keep by it, a square east
            caster.angle = 2048
            seen += fight.punch(rat.object_id)
            if live.object(rat.object_id) is None:
                break
        assert live.object(rat.object_id) is None
        blows = [e for e in fight.recorded if isinstance(e, ev.AttackResolved) and e.attacker == caster.object_id]
        assert blows and all(e.spell == key for e in blows)
        most = spell.damage_max // 2 + spell.damage_max // 2 * power // SPELLPOWER_MAXIMUM + 1
        # what the rat resists or suffers more from of the spell's type (giant rats burn more)
        most = max(most, damage_after_resistance(most, weakness))
        assert all(1 <= e.damage <= most for e in blows if e.hit) and any(e.hit for e in blows)
        hits = [p for f, p in texts_of(seen) if f == messages.id("attacker_hit")]
        assert hits and all(p[1] == dict(spell.resource_ids)["name"] for p in hits)  # the blow named by the spell
        (killed,) = [e for e in fight.recorded if isinstance(e, ev.MonsterKilled)]
        assert killed.spell == key
        kill_words = [p for f, p in texts_of(seen) if f == fight.own(key, "killed_something")]
        assert len(kill_words) == 1 and kill_words[0][1] == dict(fight.world.kinds["giantrat"].resource_ids)["name"]
        assert not any(f == messages.id("punch_killed_something") for f, _ in texts_of(seen))
    # it wears off at its time
    left = enchantment.due_ms - round(live.game_time * 1000)
    fight.server.advance(left / 1000 - 1.0)
    assert live.is_enchanted(caster.object_id, key)
    fight.alice.read()
    fight.server.advance(2.0)
    ended = fight.alice.read()
    assert [m["id"] for m in ended if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert (fight.own(key, "ended"), []) in texts_of(ended)
    assert not live.is_enchanted(caster.object_id)


def test_a_second_touch_spell_replaces_the_first(fight: Fight) -> None:
    fight.cast("zap")
    fight.caster.stats.karma = 0
    told = fight.cast("icyfingers")
    assert [e.spell for e in fight.live.enchantments_of(fight.caster.object_id)] == ["icyfingers"]
    assert [m["id"] for m in told if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(fight.world.spells["zap"].number)]
    assert (fight.own("zap", "ended"), []) not in texts_of(told)  # removed silently


def test_the_blow_damage_rule() -> None:
    assert touch.blow_damage(lambda lo, hi: hi, 3, 8, 99) == 4 + 4 + 1
    assert touch.blow_damage(lambda lo, hi: lo, 3, 8, 0) == 1 + 0 + 1
    assert touch.duration_ms(lambda lo, hi: hi, 99) == 49 * 6000
    assert touch.duration_ms(lambda lo, hi: lo, 6) == 10 * 6000
    assert touch.duration_ms(lambda lo, hi: hi, 200) == 75 * 6000


def test_a_touch_blow_on_a_player_follows_the_player_killing_rules(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 7200.0\n'
    messages = world.messages
    assert messages is not None
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        rat = _the_rat(live, world)  # its room: one where players may fight
        room = world.rooms[rat.room]
        first = _beside(ROOM_FILES / room.roo_file, *square_of(rat.y, rat.x), taken=set())
        second = _beside(ROOM_FILES / room.roo_file, *first, taken={square_of(rat.y, rat.x)})
        clients, ids = {}, {}
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
        caster.spells["zap"] = 60
        caster.stats.mysticism = 50
        pile = live.items.create_on_ground("bluemushroom", 10, caster.room, caster.y, caster.x, 0, "t", [])
        alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 10})
        for player in (caster, victim):
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
        fight = Fight(server, world, live, alice, caster, [])
        fight.cast("zap")
        assert live.is_enchanted(caster.object_id, "zap")
        caster.safety = False
        victim.stats.health = 3  # a blow or two ends it
        seen: list[Message] = []
        heard: list[Message] = []
        for _ in range(40):
            caster.y, caster.x = victim.y, victim.x + 64
            seen += fight.punch(victim.object_id)
            heard += bob.read()
            if victim.room != rat.room:
                break
        assert victim.room != rat.room and caster.murderer  # an innocent killed: a murderer
        zap = world.spells["zap"]
        hits = [p for f, p in texts_of(seen) if f == messages.id("attacker_hit")]
        assert all(p[1] == dict(zap.resource_ids)["name"] for p in hits)
        alice_name, bob_name = (server.hub.context.in_world[i].avatar.name_resource for i in (caster.object_id, victim.object_id))  # type: ignore[union-attr]
        assert (fight.own("zap", "killed_something"), [messages.id("cap_article_none"), bob_name]) in texts_of(seen)
        assert (fight.own("zap", "was_killed"), [messages.id("article_none"), alice_name]) in texts_of(heard)
        assert not any(f == messages.id("punch_was_killed") for f, _ in texts_of(heard))
    finally:
        server.stop()


def test_a_touch_blow_aims_with_the_spell_and_mysticism(fight: Fight) -> None:
    live, caster = fight.live, fight.caster
    fight.cast("zap")
    touch_of = live._touch_of(caster.object_id)
    assert touch_of is not None and touch_of[0].key == "zap"
    caster.skills["punch"] = 10
    ability = caster.spells["zap"]  # 60, or one more if the cast improved it
    assert live._attack_abilities(caster, None, touch_of, 50) == (ability, 75)  # 1.5 x mysticism over punch
    assert live._attack_abilities(caster, None, touch_of, 4) == (ability, 10)  # punch over 1.5 x mysticism
    assert live._attack_abilities(caster, None, None, 50) == live.fighting.attack_abilities(caster, None)
    assert touch.karma_weighed(10, 0) == 10
    assert touch.karma_weighed(10, -100) == 15 and touch.karma_weighed(10, 100) == 5  # half the karma, in percent
    assert touch.karma_weighed(1, 100) == 1
