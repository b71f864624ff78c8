"""End to end on the imported original world: two players beside Jasper's innkeeper cast
the level-1 and level-2 spells whose effect is instant (minor heal, breath of life,
mystic touch, relay) on each other with BP_REQ_CAST, as the stock client sends it. Each
cast is checked for its effect, its mana and vigor, the reagent gone from the inventory
(one item operation, the ledger balanced), the words each player reads and the sounds
they hear by the original's resource ids; and the refusals: a spell not known, too little
mana, no reagents, a wrong target, resting, the caster's karma, a fizzle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from emulator.content.model import FINENESS, SpellDefinition, WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells.gathering import sweep_count
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id
from emulator.world.ledger import check_ledger
from emulator.world.objects import Player
from emulator.world.spells.itemspells import EFFECTS as _ITEM_SPELL_EFFECTS
from emulator.world.spells.wear import EFFECTS as _WEAR_EFFECTS

from .test_consumables_e2e import bars, inventory, place, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts

NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1


@attrs.define
class Scene:
    server: MemoryServer
    world: WorldDefinition
    alice: MemoryClient
    bob: MemoryClient
    caster: Player
    target: Player
    keeper: int

    def give(self, kind: str, count: int) -> int:
        """Reagents put in the caster's hands (picked up from its square): the pile's id."""
        live = self.server.hub.world
        stacks = live.items.stacks(kind)
        item = live.items.create_on_ground(kind, count if stacks else None, self.caster.room, self.caster.y,
                                           self.caster.x, 0, "test", [])
        self.alice.request("BP_REQ_GET", object={"id": item.object_id | (NUMBER_TAG if stacks else 0),
                                                  "amount": count if stacks else None})
        return item.object_id

    def cast(self, spell: str, *targets: int) -> list[Message]:
        """One BP_REQ_CAST; the attack timer is let run out first."""
        self.server.advance(1.5)
        self.alice.read()
        self.bob.read()
        number = self.world.spells[spell].number
        return self.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(number), "amount": None},
                                  targets=[{"id": t, "amount": None} for t in targets])

    def cast_until_it_works(self, spell: str, *targets: int) -> list[Message]:
        """Cast until the spell does not fizzle (a fizzle is checked and costs half)."""
        failed = self.world.messages.id("spell_failed")  # type: ignore[union-attr]
        for _ in range(30):
            mana = self.caster.stats.mana
            reply = self.cast(spell, *targets)
            if any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
                cost = rules.mana_cost(self.world.spells[spell].mana or 0, power(self, spell))
                assert self.caster.stats.mana == mana - cost // 2
                continue
            return reply
        raise AssertionError(f"{spell} fizzled 30 times")


def power(scene: Scene, spell: str) -> int:
    from emulator.world.casting import _power

    return _power(scene.server.hub.world, scene.caster, scene.world.spells[spell])


def waves(messages: list[Message]) -> list[tuple[int, int]]:
    return [(m["wave"], m["source"]) for m in messages if m.name == "BP_PLAY_WAVE"]


def own(spell: SpellDefinition, purpose: str) -> int:
    found = spell.text_id(purpose)
    assert found is not None, f"{spell.key} has no {purpose} words"
    return found


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 600.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        (placed,) = [p for p in world.objects if p.kind == "jasperinnkeeper"]
        first = _beside(ROOM_FILES / world.rooms[placed.at.room].roo_file, placed.at.row, placed.at.col, taken=set())
        second = _beside(ROOM_FILES / world.rooms[placed.at.room].roo_file, *first, taken={(placed.at.row, placed.at.col)})
        clients = []
        for account, name, square in (("alice", "Alanna", first), ("bob", "Bram", second)):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            place(server, name, placed.at.room, square, health=40, mana=10, vigor=100, max_health=40, base_max_health=40)
            client = server.connect()
            for resource_id, text in _client_texts(kod_tree).items():
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            clients.append((client, client.enter_world(name)["id"]))
        (alice, me), (bob, him) = clients
        live = server.hub.world
        (keeper,) = [t for t in live.room_objects(placed.at.room) if t.kind == "jasperinnkeeper"]
        caster, target = live.player(me), live.player(him)
        caster.stats.mysticism = caster.stats.stamina = caster.stats.intellect = 50
        yield Scene(server, world, alice, bob, caster, target, keeper.object_id)
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not alice.closed_by_server and not bob.closed_by_server
    finally:
        server.stop()




def test_the_import_marks_the_instant_spells(world: WorldDefinition) -> None:
    effects = {key: spell.effect for key, spell in world.spells.items() if spell.effect not in ("", "damage", "personal_enchantment", "touch")}
    effects = {key: effect for key, effect in effects.items() if effect not in _ITEM_SPELL_EFFECTS}  # test_item_spells_e2e
    effects = {key: effect for key, effect in effects.items() if effect not in _WEAR_EFFECTS}  # test_wear_e2e
    assert effects == {
        "heal": "heal", "breathoflife": "give_health", "mystictouch": "give_mana", "relay": "give_vigor",
        "createfood": "create_food", "blink": "teleport", "sweep": "gather_items",
    }
    for key in set(effects) - {"createfood", "blink", "sweep"}:
        spell = world.spells[key]
        assert spell.sound and spell.text_id("sound") and spell.text_id("caster") and spell.text_id("target")


def test_minor_heal_on_another_player_after_its_trance(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    spell = world.spells["heal"]
    messages = world.messages
    assert messages is not None
    caster.spells["heal"] = 50
    caster.stats.karma = 20  # Shal'ille asks 10 karma a level
    caster.stats.mana = 30
    target.stats.health = 10
    target.stats.karma = 60  # a better soul: healing it earns karma
    herbs = scene.give("herbs", 3)
    reply = scene.cast_until_it_works("heal", target.object_id)
    spell_power = power(scene, "heal")
    # the costs are paid at once, then the trance: the spell goes off when it ends
    assert bars(reply, 2)[-1] == caster.stats.mana < 30
    assert (messages.id("spell_trance"), [own(spell, "name")]) in texts_of(reply)
    assert inventory(scene.alice)[herbs] == 2
    assert target.stats.health == 10
    trance = rules.trance_ms(spell.cast_time or 0, spell_power)
    assert 0 < trance < 1000
    scene.server.advance(1.0)
    told, heard = scene.alice.read(), scene.bob.read()
    healed = target.stats.health - 10
    assert 1 + 2 <= healed <= 10 + 5  # 1 to 10, and 2 to 5 more for a player not yet open to player killing
    assert (own(spell, "caster"), [messages.id("article_none"), _name_of(scene, told, target)]) in texts_of(told)
    assert (own(spell, "target"), []) in texts_of(heard)
    assert bars(heard, 1) == [target.stats.health]
    # 40 points apart: -(-40**3/2500 - 5*40) = 225 hundredths, a tenth of it at swing 1
    assert (caster.stats.karma, caster.karma_fraction) == (20, 22)
    # the target saw the caster murmur and point at it as the trance began
    (murmur,) = [p for f, p in texts_of(heard) if f == messages.id("spell_murmur_at")]
    assert murmur[:2] == [messages.id("cap_article_none"), _name_of(scene, heard, caster)]
    assert murmur[2] in (messages.id("his"), messages.id("her")) and murmur[3:] == [messages.id("article_none"), messages.id("spell_you")]
    # the room hears the school's sound, from the caster
    assert (spell.text_id("sound"), caster.object_id) in waves(told)
    assert (spell.text_id("sound"), caster.object_id) in waves(heard)
    # a player at full health needs none: the spell's own words, nothing paid
    target.stats.health = target.stats.max_health
    mana = caster.stats.mana
    reply = scene.cast("heal", target.object_id)
    assert texts_of(reply) == [(own(spell, "unnecessary"), [messages.id("article_none"), _name_of(scene, reply, target)])]
    assert caster.stats.mana == mana and inventory(scene.alice)[herbs] == 2
    # the innkeeper is no player: the original's words name it
    reply = scene.cast("heal", scene.keeper)
    ((format_id, params),) = texts_of(reply)
    assert format_id == messages.id("spell_bad_target") and params[0] == own(spell, "name")


def _name_of(scene: Scene, messages: list[Message], player: Player) -> int:
    """The resource id the server shows a player's name by."""
    session = scene.server.hub.context.in_world[player.object_id]
    assert session.avatar is not None
    return session.avatar.name_resource


@pytest.mark.parametrize("key", ["breathoflife", "mystictouch", "relay"])
def test_the_gifts_of_health_mana_and_vigor(scene: Scene, key: str) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    spell = world.spells[key]
    messages = world.messages
    assert messages is not None and not spell.cast_time
    caster.spells[key] = 60
    caster.stats.karma = 20
    caster.stats.mana, caster.stats.health, caster.stats.vigor = 40, 40, 100
    target.stats.mana, target.stats.health, target.stats.vigor = 2, 20, 30
    reagents = {r.kind: scene.give(r.kind, r.count + 1) for r in spell.reagents}
    before_caster = (caster.stats.health, caster.stats.mana, caster.stats.vigor)
    before_target = (target.stats.health, target.stats.mana, target.stats.vigor)
    reply = scene.cast_until_it_works(key, target.object_id)
    heard = scene.bob.read()
    held = inventory(scene.alice)
    for reagent in spell.reagents:
        assert held[reagents[reagent.kind]] == 1  # one more than it takes was given
    cost = rules.mana_cost(spell.mana or 0, power(scene, key))
    assert (own(spell, "caster"), [messages.id("article_none"), _name_of(scene, reply, target)]) in texts_of(reply)
    assert (own(spell, "target"), []) in texts_of(heard)
    assert (spell.text_id("sound"), caster.object_id) in waves(reply)
    assert (spell.text_id("sound"), caster.object_id) in waves(heard)
    if key == "breathoflife":
        assert caster.stats.health < before_caster[0] and target.stats.health > before_target[0]
        assert bars(heard, 1) == [target.stats.health]
    elif key == "mystictouch":
        given = target.stats.mana - before_target[1]
        assert given > 0 and caster.stats.mana == before_caster[1] - cost - given
        assert bars(heard, 2) == [target.stats.mana]
    else:
        assert target.stats.vigor > before_target[2] and caster.stats.vigor < before_caster[2]
        assert bars(heard, 3) == [target.stats.vigor]
    assert bars(reply, 2)[-1] == caster.stats.mana
    # not on oneself: the spell's own words
    reply = scene.cast(key, caster.object_id)
    assert texts_of(reply) == [(own(spell, "not_on_self"), [])]


def test_refusals(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    spell = world.spells["mystictouch"]
    name = own(spell, "name")
    # a spell the caster does not know: nothing at all happens
    assert scene.cast("mystictouch", target.object_id) == []
    caster.spells["mystictouch"] = 40
    # too little mana for the spell's own check (it keeps some back), then for the cost
    caster.stats.mana = 3
    assert texts_of(scene.cast("mystictouch", target.object_id)) == [(own(spell, "too_low"), [])]
    caster.spells["relay"] = 40
    caster.stats.mana = 1
    reply = scene.cast("relay", target.object_id)
    fail_sound = messages.id("spell_fail_sound")
    assert texts_of(reply) == [(messages.id("spell_no_mana"), [own(world.spells["relay"], "name")])]
    assert waves(reply) == [(fail_sound, 0)]
    # no reagents
    caster.stats.mana = 40
    reply = scene.cast("mystictouch", target.object_id)
    assert texts_of(reply) == [(messages.id("spell_no_reagents"), [name])] and waves(reply) == [(fail_sound, 0)]
    # a wrong number of targets: nothing said
    scene.give("mushroom", 5)
    assert scene.cast("mystictouch") == []
    assert scene.cast("mystictouch", target.object_id, caster.object_id) == []
    # resting
    caster.resting = True
    assert texts_of(scene.cast("mystictouch", target.object_id)) == [(messages.id("spell_no_rest"), [])]
    caster.resting = False
    # a target behind the caster (three squares west of one facing east) is out of view
    where = (target.y, target.x)
    caster.angle, target.y, target.x = 0, caster.y, caster.x - 3 * FINENESS
    assert texts_of(scene.cast("mystictouch", target.object_id)) == [(messages.id("spell_not_in_view"), [])]
    target.y, target.x = where
    # Shal'ille asks for good karma
    caster.spells["breathoflife"] = 40
    caster.stats.karma = 0
    scene.give("herbs", 1)
    reply = scene.cast("breathoflife", target.object_id)
    assert texts_of(reply) == [(messages.id("spell_not_good_enough"), [own(world.spells["breathoflife"], "name")])]
    # nothing was spent on any of these
    assert caster.stats.mana == 40 and inventory(scene.alice)


def test_a_fizzle_costs_half_and_the_reagents_stay(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    spell = world.spells["mystictouch"]
    caster.spells["mystictouch"] = 1
    caster.stats.mysticism = 0  # the chance is the least, 5%
    mushrooms = scene.give("mushroom", 30)
    for _ in range(30):
        caster.stats.mana = 40
        reply = scene.cast("mystictouch", target.object_id)
        if (messages.id("spell_failed"), [own(spell, "name")]) in texts_of(reply):
            break
    else:
        raise AssertionError("thirty casts at 5% never fizzled")
    assert caster.stats.mana == 40 - rules.mana_cost(spell.mana or 0, power(scene, "mystictouch")) // 2
    assert (messages.id("spell_fail_sound"), 0) in waves(reply)
    assert bars(reply, 2) == [caster.stats.mana]
    assert inventory(scene.alice)[mushrooms] <= 30


def test_casting_improves_the_ability(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    spell = world.spells["relay"]
    caster.spells["relay"] = 5
    caster.stats.intellect = 100
    scene.give("snack", 60)
    improved: list[Any] = []
    for _ in range(60):
        caster.stats.mana, caster.stats.vigor, target.stats.vigor = 40, 100, 20
        reply = scene.cast("relay", target.object_id)
        improved += [p for f, p in texts_of(reply) if f == messages.id("spell_advanced")]
        if improved:
            break
    assert improved and improved[0] == [own(spell, "name")]
    assert caster.spells["relay"] == 6
    assert (messages.id("spell_improved_sound"), caster.object_id) in waves(reply)


def test_create_food_puts_a_food_in_the_casters_hands(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    spell = world.spells["createfood"]
    assert spell.effect == "create_food" and spell.targets == 0 and spell.cast_time
    caster.spells["createfood"] = 80
    caster.stats.mana = 60
    given = {r.kind: scene.give(r.kind, r.count) for r in spell.reagents}
    held = inventory(scene.alice)
    reply = scene.cast_until_it_works("createfood")
    assert (messages.id("spell_trance"), [own(spell, "name")]) in texts_of(reply)
    after_costs = inventory(scene.alice)
    for item_id in given.values():  # every reagent used up, in one operation
        assert item_id not in after_costs
    assert caster.stats.mana < 60
    scene.server.advance(1.0)
    told = scene.alice.read()
    (added,) = [m for m in told if m.name == "BP_INVENTORY_ADD"]
    made = scene.server.hub.world.items.by_id[added["id"] & ID_MASK]
    assert made.kind in ("apple", "bread", "grapes", "turkeyleg", "meatpie", "cheese", "inkycap") and made.units == 1
    article = messages.id(f"cap_article_{messages.kind(made.kind or '').indefinite}")
    name = dict(world.kinds[made.kind or ""].resource_ids)["name"]
    made_id = scene.server.hub.context.resources.id(spell.text("made") or "")  # create weapon says the same, by a lower id
    assert (made_id, [article, name]) in texts_of(told)
    assert (spell.text_id("sound"), caster.object_id) in waves(told)
    assert set(inventory(scene.alice)) - set(held) == {made.object_id}
    assert scene.server.hub.world.items.ledger.totals[made.kind or ""][0] >= 1


def test_blink_takes_the_caster_to_the_rooms_teleport_square(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    spell = world.spells["blink"]
    assert spell.effect == "teleport" and not spell.reagents and spell.cast_time
    caster.spells["blink"] = 50
    caster.stats.mana, caster.stats.vigor = 60, 100
    start = (caster.y, caster.x)
    reply = scene.cast_until_it_works("blink")
    assert (messages.id("spell_trance"), [own(spell, "name")]) in texts_of(reply)
    assert caster.stats.vigor <= 100 - (spell.vigor or 0) and bars(reply, 3)[-1] == caster.stats.vigor
    # the trance of blink is long: 10 seconds at power 50
    trance = rules.trance_ms(spell.cast_time or 0, power(scene, "blink"))
    assert trance > 5000
    scene.server.advance(trance / 1000 - 1.5)
    assert (caster.y, caster.x) == start  # still in its trance
    scene.server.advance(2.0)
    told, seen = scene.alice.read(), scene.bob.read()
    teleport = world.rooms[caster.room].spawns[0]
    assert (caster.y, caster.x) == square_centre(teleport.row, teleport.col) != start
    assert (own(spell, "caster"), []) in texts_of(told)
    # both clients see the caster where it arrived, and hear Riija's sound
    for messages_seen in (told, seen):
        moves = [(m["id"], m["y"], m["x"]) for m in messages_seen if m.name == "BP_MOVE"]
        assert (caster.object_id, caster.y, caster.x) in moves
        assert (spell.text_id("sound"), caster.object_id) in waves(messages_seen)


def test_a_new_cast_breaks_the_trance(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    spell = world.spells["blink"]
    caster.spells["blink"] = 50
    caster.stats.mana, caster.stats.vigor = 90, 150
    start = (caster.y, caster.x)
    scene.cast_until_it_works("blink")
    assert caster.trance is not None
    reply = scene.cast("blink")
    assert texts_of(reply)[0] == (messages.id("spell_trance_broken"), [own(spell, "name")])
    assert waves(reply)[0] == (messages.id("spell_fail_sound"), 0)
    # resting breaks the new one (or the fizzle left none): blink never goes off
    scene.server.hub.world.rest(caster.object_id)
    assert caster.trance is None
    scene.server.advance(20.0)
    assert (caster.y, caster.x) == start


def test_sweep_gathers_the_floors_items_and_the_room_reads_it(scene: Scene) -> None:
    """Sweep takes as many of the room's items as its power allows (bound(power/6, 2, 15)),
    chosen at random among those the caster can carry, in one item operation; the caster
    reads the original's words and the other player in the room its room words, by id."""
    world, caster, live = scene.world, scene.caster, scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell = world.spells["sweep"]
    caster.spells["sweep"] = 80
    given = {r.kind: scene.give(r.kind, r.count) for r in spell.reagents}
    square = (caster.y, caster.x)
    swords = {live.items.create_on_ground("shortsword", None, caster.room, *square, 0, "test", []).object_id
               for _ in range(20)}
    boulder = live.items.create_on_ground("chaosfood", 1, caster.room, *square, 0, "test", []).object_id  # 5000 weight
    ledger = dict(live.items.ledger.totals)
    for _ in range(30):
        caster.stats.mana, caster.stats.vigor = 60, 250  # Faren's vigor bonus at its most: a steady power
        reply = scene.cast("sweep")
        if (messages.id("spell_failed"), [own(spell, "name")]) not in texts_of(reply):
            break
    else:
        raise AssertionError("sweep fizzled 30 times")
    assert given["mushroom"] not in live.items.by_id
    count = sweep_count(power(scene, "sweep"))
    assert 2 < count < 15
    scene.server.advance(rules.trance_ms(spell.cast_time or 0, power(scene, "sweep")) / 1000 + 0.5)
    told, heard = scene.alice.read(), scene.bob.read()
    taken = {m["id"] & ID_MASK for m in told if m.name == "BP_INVENTORY_ADD"}
    assert len(taken) == count and taken <= swords
    assert {m["id"] for m in heard if m.name == "BP_REMOVE"} == taken  # they left the floor
    assert {i.object_id for i in live.items.on_ground(caster.room)} == (swords - taken) | {boulder}
    assert (own(spell, "something"), []) in texts_of(told)
    name = _name_of(scene, heard, caster)
    avatar = scene.server.hub.context.in_world[caster.object_id].avatar
    assert avatar is not None
    (room_words,) = [p for f, p in texts_of(heard) if f == own(spell, "room")]
    assert room_words[:2] == [messages.id("cap_article_none"), name]
    assert room_words[2] == messages.id({1: "his", 2: "her"}.get(avatar.gender, "its"))
    assert {k: v for k, v in live.items.ledger.totals.items() if k != "mushroom"} == {
        k: v for k, v in ledger.items() if k != "mushroom"}  # moved, nothing made or destroyed

    # nothing left it can carry: the caster reads so, the room nothing
    for item_id in swords - taken:
        live.items.destroy(item_id, "test", [])
    scene.give("mushroom", 2)
    for _ in range(30):
        caster.stats.mana, caster.stats.vigor = 60, 250
        reply = scene.cast("sweep")
        if (messages.id("spell_failed"), [own(spell, "name")]) not in texts_of(reply):
            break
    scene.server.advance(rules.trance_ms(spell.cast_time or 0, power(scene, "sweep")) / 1000 + 0.5)
    told, heard = scene.alice.read(), scene.bob.read()
    assert (own(spell, "nothing"), []) in texts_of(told) and "BP_INVENTORY_ADD" not in [m.name for m in told]
    assert own(spell, "room") not in [f for f, _ in texts_of(heard)]
    assert [i.object_id for i in live.items.on_ground(caster.room)] == [boulder]


def test_the_import_says_what_of_sweep_is_not_run(imported: tuple[Path, ImportReport], world: WorldDefinition) -> None:
    """Sweep's words are imported by purpose; its shopkeepers' rewards and the Marion
    elder's rant are not run, and the report says so."""
    spell = world.spells["sweep"]
    assert all(spell.text_id(p) for p in ("something", "nothing", "room", "sound"))
    (left,) = [s for s in imported[1].skipped if s.category == "spell" and s.class_name == "Sweep"]
    assert "RewardSweep" in left.why and "RanSnit" in left.why and left.file.endswith("sweep.kod")
