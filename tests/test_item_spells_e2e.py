"""End to end on the imported original world: the spells on items, cast with BP_REQ_CAST
in Jasper's streets by Alice, Bob beside her. Create weapon puts a weapon in her hands
that vanishes when its time is up (in the ledger both ways); glow makes a wielded weapon
give its wielder light (BP_LIGHT_PLAYER) and shows on a look; enchant, holy and unholy
weapon dedicate a weapon (its blows magic, holy or unholy) for hours; curse weapon keeps
a wielded weapon in hand until remove curse strips it off. Each is checked for its
words by the original's resource ids, its refusals and its end on the world clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import SpellDefinition, WorldDefinition
from emulator.game import item_attribute_messages
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as casting_rules
from emulator.rules.combat import SpellDamage, WeaponDamage
from emulator.rules.spells import itemspells as rules
from emulator.wire.codec import Message
from emulator.world import item_attributes
from emulator.world.casting import spell_object_id
from emulator.world.items import Item, ItemAttribute
from emulator.world.ledger import check_ledger

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import texts_of
from .test_personal_enchantments_e2e import make_scene

#: The spells of this family the server runs, and their effects.
CASTABLE = {
    "createweapon": "create_weapon", "glowweapon": "glow_weapon", "enchantweapon": "dedicate_weapon",
    "holyweapon": "dedicate_weapon", "unholyweapon": "dedicate_weapon", "removecurse": "remove_curse",
    "curseweapon": "curse_weapon", "shroud": "shroud_item", "createspiritualhammer": "create_spiritual_weapon",
    "identify": "identify_item", "reveal": "identify_item", "shatter": "shatter_items", "swap": "swap_items",
}


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        yield made
        live = made.server.hub.world
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_the_spells_on_items(world: WorldDefinition) -> None:
    for key, effect in CASTABLE.items():
        assert world.spells[key].effect == effect, key
    for key in ("enchantweapon", "holyweapon", "unholyweapon"):
        for purpose in ("dedicated", "item_cannot", "item_already", "item_desc", "item_ended"):
            assert world.spells[key].text_id(purpose), (key, purpose)
    assert world.spells["holyweapon"].figure("spell_type") == SpellDamage.HOLY
    assert world.spells["unholyweapon"].figure("spell_type") == SpellDamage.UNHOLY
    assert world.spells["enchantweapon"].figure("spell_type") == 0
    for purpose in ("made", "hands_full", "item_ended", "item_desc"):
        assert world.spells["createweapon"].text_id(purpose), purpose
    for purpose in ("item_done", "your", "no_weapon", "item_cannot", "already_stronger", "item_desc", "item_ended"):
        assert world.spells["glowweapon"].text_id(purpose), purpose
    for purpose in ("target", "cast_on", "no_curse"):
        assert world.spells["removecurse"].text_id(purpose), purpose
    for purpose in ("item_done", "item_cannot", "resists", "item_clings", "item_unknown", "item_ended"):
        assert world.spells["curseweapon"].text_id(purpose), purpose
    # the weapons a create weapon makes are in the world
    for _, kind in rules.CREATED_WEAPONS:
        assert world.kinds[kind].item is not None
    assert world.kinds[rules.BEST_CREATED_WEAPON].item is not None


# ---------------------------------------------------------------------- helpers


def said(scene: Scene, spell: SpellDefinition, purpose: str) -> int:
    """The id a spell's own words reach the client by (the lowest of the original's ids
    for the same sentence)."""
    text = spell.text(purpose)
    assert text and spell.text_id(purpose), f"{spell.key} has no {purpose} words"
    return scene.server.hub.context.resources.id(text)


def _messages(scene: Scene) -> object:
    messages = scene.world.messages
    assert messages is not None
    return messages


def article(scene: Scene, kind: str, capital: bool = False) -> int:
    messages = scene.world.messages
    assert messages is not None
    return messages.id(f"{'cap_' if capital else ''}article_{messages.kind(kind).article}")


def name_of(scene: Scene, kind: str) -> int:
    return scene.server.hub.context.resources.id(scene.world.kinds[kind].name)


def cast(scene: Scene, key: str, *targets: int, mana: int = 60) -> list[Message]:
    """Cast until the spell does not fizzle; a trance is waited out. Everything Alice and
    Bob were sent is returned (Bob's after Alice's)."""
    spell = scene.world.spells[key]
    school = spell.school
    scene.caster.stats.karma = 50 if school == "shalille" else -50 if school == "qor" else 0
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        scene.server.advance(1.5)
        scene.alice.read()
        scene.bob.read()
        scene.caster.stats.mana = mana
        scene.caster.stats.vigor = 100  # rested between the casts
        for reagent in spell.reagents:  # enough of each, every time
            scene.give(reagent.kind, reagent.count)
        scene.alice.read()
        reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                                    targets=[{"id": t, "amount": None} for t in targets])
        if any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            continue
        if spell.cast_time:
            scene.server.advance(spell.cast_time * 1.5 / 1000 + 1.0)
            reply += scene.alice.read()
        return reply + scene.bob.read()
    raise AssertionError(f"{key} fizzled 30 times")


def give_weapon(scene: Scene, kind: str = "longsword", wield: bool = True, client: str = "alice") -> Item:
    """A weapon in Alice's (or Bob's) hands, wielded unless told otherwise."""
    live = scene.server.hub.world
    player = scene.caster if client == "alice" else scene.target
    reader = scene.alice if client == "alice" else scene.bob
    item = live.items.create_on_ground(kind, None, player.room, player.y, player.x, 0, "test", [])
    reader.request("BP_REQ_GET", object={"id": item.object_id, "amount": None})
    assert item.carrier == player.character_id
    if wield:
        reader.request("BP_REQ_USE", object={"id": item.object_id, "amount": None})
        assert item.used
    reader.read()
    return item


def jump_to(scene: Scene, due_ms: int, before_ms: int = 2000) -> None:
    """Pass game time up to ``before_ms`` before ``due_ms`` at once: these attributes last
    minutes to hours, too long to tick through one by one."""
    live = scene.server.hub.world
    ticks = (due_ms - before_ms - round(live.game_time * 1000)) // round(live.rules.tick_interval * 1000)
    assert ticks >= 0
    live.tick_count += ticks


def look(scene: Scene, item: Item, bob: bool = False) -> str:
    """The description the carrier (Alice, or Bob) reads on a look at its item."""
    (looked,) = [m for m in (scene.bob if bob else scene.alice).request("BP_REQ_LOOK", object={"id": item.object_id, "amount": None})
                 if m.name == "BP_LOOK"]
    described = looked["description"]
    text = scene.server.hub.context.resources.text(described["format"])
    assert text is not None
    return str(described["params"][0]) if described["params"] else text  # plain text, or the original's by id


def flickers(messages: list[Message], player_id: int) -> list[bool]:
    """Whether each BP_CHANGE of a player shows it flickering with a light of its own."""
    return [bool(m["flags"] & item_attribute_messages.FLICKERING) and m["lighting"]["flags"] != 0
            for m in messages if m.name == "BP_CHANGE" and m["id"] == player_id]


def lights(messages: list[Message]) -> list[int]:
    return [m["light"] for m in messages if m.name == "BP_LIGHT_PLAYER"]


# ---------------------------------------------------------------------- create weapon


def test_create_weapon_puts_a_weapon_in_hand_that_vanishes_later(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells["createweapon"]
    caster.spells["createweapon"] = 40
    before = set(i.object_id for i in live.carried(caster.object_id))
    spell_power = power(scene, "createweapon")
    told = cast(scene, "createweapon")
    cast_at_ms = round(live.game_time * 1000)
    (made,) = [i for i in live.carried(caster.object_id) if i.object_id not in before]
    kind = made.kind or ""
    # a weapon of the original's table, from the band the power draws in
    bands = [(0, rules.CREATED_WEAPONS[0][1])] + [(rules.CREATED_WEAPONS[i][0], rules.CREATED_WEAPONS[i + 1][1])
                                                  for i in range(len(rules.CREATED_WEAPONS) - 1)]
    allowed = {k for low, k in bands if low <= spell_power} | (
        {rules.BEST_CREATED_WEAPON} if spell_power >= rules.CREATED_WEAPONS[-1][0] else set())
    assert kind in allowed and live.items.usage(kind) is not None and live.items.usage(kind).weapon  # type: ignore[union-attr]
    assert [m["id"] for m in told if m.name == "BP_INVENTORY_ADD"] == [made.object_id]
    assert (said(scene, spell, "made"), [_cap_indefinite(scene, kind), name_of(scene, kind)]) in texts_of(told)
    assert live.items.ledger.totals[kind][0] >= 1  # recorded made
    attribute = made.attribute(item_attributes.MADE)
    assert attribute is not None and attribute.due_ms is not None
    whole = rules.created_weapon_duration_ms(spell_power)
    assert whole == spell_power * 2 * 60_000
    assert abs(attribute.due_ms - (cast_at_ms + whole)) <= 3000
    assert spell.text("item_desc") in look(scene, made)  # its attribute's words on a look
    # wielded when its time is up: put away and gone, its owner told
    scene.alice.request("BP_REQ_USE", object={"id": made.object_id, "amount": None})
    assert made.used
    jump_to(scene, attribute.due_ms)
    scene.server.advance(1.0)
    assert made.object_id in live.items.by_id
    scene.server.advance(3.0)
    ended = scene.alice.read()
    assert made.object_id not in live.items.by_id
    assert [m["id"] for m in ended if m.name == "BP_UNUSE"] == [made.object_id]
    assert [m["id"] for m in ended if m.name == "BP_INVENTORY_REMOVE"] == [made.object_id]
    assert (said(scene, spell, "item_ended"), [name_of(scene, kind)]) in texts_of(ended)
    assert live.items.ledger.totals[kind][1] >= 1  # recorded destroyed: the fixture checks the balance


def _cap_indefinite(scene: Scene, kind: str) -> int:
    messages = scene.world.messages
    assert messages is not None
    return messages.id(f"cap_article_{messages.kind(kind).indefinite}")


def test_create_weapon_with_full_hands_makes_nothing(scene: Scene) -> None:
    live = scene.server.hub.world
    scene.caster.spells["createweapon"] = 40
    scene.caster.stats.might = -100  # nothing more fits
    before = live.items.existing_units()
    told = cast(scene, "createweapon")
    assert not [m for m in told if m.name == "BP_INVENTORY_ADD" and live.items.usage(live.items.by_id[m["id"]].kind or "")]
    formats = [f for f, _ in texts_of(told)]
    assert said(scene, scene.world.spells["createweapon"], "hands_full") in formats
    assert {k: v for k, v in live.items.existing_units().items() if live.items.usage(k)} == \
        {k: v for k, v in before.items() if live.items.usage(k)}


# ---------------------------------------------------------------------- glow


def test_glow_lights_the_wielder_of_a_weapon_and_wears_off(scene: Scene) -> None:
    world, caster, bob = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["glowweapon"]
    caster.spells["glowweapon"] = 50
    base = world.rooms[caster.room].player_light
    # at a player with no weapon: refused, nothing paid
    mana = caster.stats.mana = 60
    refused = scene.cast("glowweapon", bob.object_id)
    assert (said(scene, spell, "no_weapon"), [_messages(scene).id("article_none"), _bob_name(scene)]) in texts_of(refused)  # type: ignore[attr-defined]
    assert caster.stats.mana == mana
    # at something that is not a weapon
    pile = scene.give("mushroom", 3)
    refused = scene.cast("glowweapon", pile)
    assert (said(scene, spell, "item_cannot"), [article(scene, "mushroom"), name_of(scene, "mushroom")]) in texts_of(refused)
    # at Bob, who wields a sword: its glow lights him; Alice and Bob are told
    sword = give_weapon(scene, client="bob")
    scene.bob.read()
    spell_power = power(scene, "glowweapon")
    told = cast(scene, "glowweapon", bob.object_id)
    glow = sword.attribute(item_attributes.GLOWING)
    assert glow is not None and glow.due_ms is not None
    most = 20 + spell_power // 3
    assert most // 2 <= glow.amount <= most
    assert (said(scene, spell, "item_done"), [article(scene, "longsword", capital=True), name_of(scene, "longsword")]) \
        in texts_of(told)
    assert (said(scene, spell, "item_done"), [spell.text_id("your"), name_of(scene, "longsword")]) in texts_of(told)
    assert lights(told) == [base + glow.amount]
    assert flickers(scene.alice.read() + told, bob.object_id) == [True]  # the others see him flicker
    now_ms = round(live.game_time * 1000)
    assert 3_600_000 * (1 + spell_power // 3) - 3000 <= glow.due_ms - now_ms <= 3_600_000 * (4 + spell_power // 3)
    assert spell.text("item_desc") in look(scene, sword, bob=True)
    # put away and wielded again: the light goes and comes back
    off = scene.bob.request("BP_REQ_UNUSE", object={"id": sword.object_id, "amount": None})
    assert lights(off) == [base]
    on = scene.bob.request("BP_REQ_USE", object={"id": sword.object_id, "amount": None})
    assert lights(on) == [base + glow.amount]
    assert flickers(scene.alice.read(), bob.object_id) == [False, True]
    # it wears off on time: Bob is told and his light is back
    jump_to(scene, glow.due_ms)
    scene.server.advance(1.0)
    assert sword.attribute(item_attributes.GLOWING) is not None
    scene.server.advance(3.0)
    ended = scene.bob.read()
    assert sword.attribute(item_attributes.GLOWING) is None
    assert (said(scene, spell, "item_ended"), [name_of(scene, "longsword")]) in texts_of(ended)
    assert lights(ended) == [base]
    assert flickers(scene.alice.read(), bob.object_id) == [False]
    assert spell.text("item_desc") not in look(scene, sword, bob=True)


def _bob_name(scene: Scene) -> int:
    session = scene.server.hub.context.in_world[scene.target.object_id]
    assert session.avatar is not None
    return session.avatar.name_resource


def test_a_glow_weaker_than_the_one_on_the_weapon_is_refused(scene: Scene) -> None:
    live = scene.server.hub.world
    spell = scene.world.spells["glowweapon"]
    scene.caster.spells["glowweapon"] = 50
    sword = give_weapon(scene, wield=False)
    cast(scene, "glowweapon", sword.object_id)
    glow = sword.attribute(item_attributes.GLOWING)
    assert glow is not None
    live.items.set_attribute(sword.object_id, type(glow)(glow.name, 255, glow.due_ms, glow.spell))  # the brightest there is
    mana = scene.caster.stats.mana = 60
    refused = scene.cast("glowweapon", sword.object_id)
    assert (said(scene, spell, "already_stronger"), []) in texts_of(refused)
    assert scene.caster.stats.mana == mana and sword.attribute(item_attributes.GLOWING).amount == 255  # type: ignore[union-attr]


# ---------------------------------------------------------------------- enchant, holy and unholy weapon


@pytest.mark.parametrize("key", ["enchantweapon", "holyweapon", "unholyweapon"])
def test_a_weapon_dedicated_for_hours(scene: Scene, key: str) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells[key]
    caster.spells[key] = 50
    # not at a reagent
    pile = scene.give("mushroom", 3)
    caster.stats.karma = 50 if spell.school == "shalille" else -50 if spell.school == "qor" else 0
    refused = scene.cast(key, pile)
    assert (said(scene, spell, "item_cannot"), [article(scene, "mushroom"), name_of(scene, "mushroom")]) in texts_of(refused)
    sword = give_weapon(scene)
    before = live._blow_type(caster, live.wielded_weapon(caster.object_id), None)
    spell_power = power(scene, key)
    told = cast(scene, key, sword.object_id)
    assert (said(scene, spell, "dedicated"), [name_of(scene, "longsword")]) in texts_of(told)
    name = item_attributes.SPELL_TYPE if spell.figure("spell_type") else item_attributes.ENCHANTED
    attribute = sword.attribute(name)
    assert attribute is not None and attribute.due_ms is not None and attribute.spell == key
    now_ms = round(live.game_time * 1000)
    assert 3_600_000 * (1 + spell_power // 3) - 40_000 <= attribute.due_ms - now_ms <= 3_600_000 * (4 + spell_power // 3)
    assert spell.text("item_desc") in look(scene, sword)
    # the blows: magic, or told as the spell type's
    blow = live._blow_type(caster, live.wielded_weapon(caster.object_id), None)
    if spell.figure("spell_type"):
        assert blow == -spell.figure("spell_type")
    else:
        assert blow == (before | WeaponDamage.MAGIC) & ~WeaponDamage.NONMAGIC and blow != before
    # again on the same weapon: refused, nothing paid
    mana = caster.stats.mana = 60
    again = scene.cast(key, sword.object_id)
    assert (said(scene, spell, "item_already"), []) in texts_of(again)
    assert caster.stats.mana == mana
    # it wears off on time
    jump_to(scene, attribute.due_ms)
    scene.server.advance(1.0)
    assert sword.attribute(name) is not None
    scene.server.advance(3.0)
    ended = scene.alice.read()
    assert sword.attribute(name) is None
    assert (said(scene, spell, "item_ended"), [name_of(scene, "longsword")]) in texts_of(ended)
    assert live._blow_type(caster, live.wielded_weapon(caster.object_id), None) == before


def test_a_dedicated_weapon_stays_dedicated_over_a_restart_of_the_store(scene: Scene) -> None:
    """The attribute is written with the item (schema 10) and read back as it was."""
    from emulator.store import items as stored_items

    live = scene.server.hub.world
    scene.caster.spells["enchantweapon"] = 50
    sword = give_weapon(scene)
    cast(scene, "enchantweapon", sword.object_id)
    attribute = sword.attribute(item_attributes.ENCHANTED)
    assert attribute is not None
    scene.server.advance(30.0)  # the item saver writes the pending operations
    stored = scene.server.store.run(stored_items.load_items)
    (row,) = [r for r in stored.rows if r.id == sword.object_id]
    assert row.attributes == (attribute,)
    assert not live.items.pending


# ---------------------------------------------------------------------- curse weapon, remove curse


def test_a_cursed_weapon_clings_until_remove_curse_strips_it(scene: Scene) -> None:
    world, caster, bob = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    curse, remove = world.spells["curseweapon"], world.spells["removecurse"]
    caster.spells["curseweapon"] = caster.spells["removecurse"] = 50
    # nothing cursed on Bob: refused
    mana = caster.stats.mana = 60
    caster.stats.karma = 50
    refused = scene.cast("removecurse", bob.object_id)
    assert (said(scene, remove, "no_curse"), []) in texts_of(refused)
    assert caster.stats.mana == mana
    sword = give_weapon(scene)
    spell_power = power(scene, "curseweapon")
    told = cast(scene, "curseweapon", sword.object_id)
    assert (said(scene, curse, "item_done"), [article(scene, "longsword", capital=True), name_of(scene, "longsword")]) \
        in texts_of(told)
    cursed = sword.attribute(item_attributes.CURSED)
    assert cursed is not None and spell_power // 20 <= cursed.amount <= spell_power // 10
    assert curse.text("item_unknown") in look(scene, sword) and curse.text("item_desc") not in look(scene, sword)
    # a cursed blow is worse
    assert item_attributes.blow_penalties(live, caster) == rules.curse_penalties(cursed.amount)
    # it will not be put away, dropped, or replaced by another weapon
    clings = (said(scene, curse, "item_clings"), [article(scene, "longsword", capital=True), name_of(scene, "longsword")])
    for request, form in (("BP_REQ_UNUSE", {}), ("BP_REQ_DROP", {"form": "single"})):
        reply = scene.alice.request(request, **form, object={"id": sword.object_id, "amount": None})
        assert clings in texts_of(reply) and not [m for m in reply if m.name in ("BP_UNUSE", "BP_INVENTORY_REMOVE")]
        assert sword.used and sword.carrier == caster.character_id
    other = give_weapon(scene, "mace", wield=False)
    reply = scene.alice.request("BP_REQ_USE", object={"id": other.object_id, "amount": None})
    assert clings in texts_of(reply) and sword.used and not other.used
    # remove curse takes it off (the curse stays on the sword)
    told = cast(scene, "removecurse", caster.object_id)
    assert [m["id"] for m in told if m.name == "BP_UNUSE"] == [sword.object_id]
    assert (said(scene, remove, "target"), []) in texts_of(told)
    assert not sword.used and sword.attribute(item_attributes.CURSED) is not None
    scene.alice.request("BP_REQ_DROP", form="single", object={"id": sword.object_id, "amount": None})
    assert sword.carrier is None  # let go now
    # the curse wears off in time, told to whoever carries it (nobody: it lies on the ground)
    assert cursed.due_ms is not None
    jump_to(scene, cursed.due_ms)
    scene.server.advance(4.0)
    assert sword.attribute(item_attributes.CURSED) is None


def test_remove_curse_on_another_player(scene: Scene) -> None:
    world, caster, bob = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    remove = world.spells["removecurse"]
    caster.spells["removecurse"] = 50
    sword = give_weapon(scene, client="bob")
    # a cursed weapon found in the world is cursed from the start (the treasure's curse)
    live.items.set_attribute(sword.object_id, ItemAttribute(item_attributes.CURSED, 2, None, "curseweapon"))
    told = cast(scene, "removecurse", bob.object_id)
    assert (said(scene, remove, "cast_on"), [remove.text_id("name") or scene.server.hub.context.resources.id(remove.name),
                                             _messages(scene).id("article_none"), _bob_name(scene)]) in texts_of(told)  # type: ignore[attr-defined]
    assert (said(scene, remove, "target"), []) in texts_of(told)
    assert not sword.used


# ---------------------------------------------------------------------- shroud, spiritual hammer, identify


def test_a_shrouded_item_takes_no_enchantment(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    shroud, curse, enchant = world.spells["shroud"], world.spells["curseweapon"], world.spells["enchantweapon"]
    for key in ("shroud", "curseweapon", "enchantweapon"):
        caster.spells[key] = 50
    sword = give_weapon(scene)
    spell_power = power(scene, "shroud")
    told = cast(scene, "shroud", sword.object_id)
    assert (said(scene, shroud, "dedicated"), [name_of(scene, "longsword")]) in texts_of(told)
    shrouded = sword.attribute(item_attributes.SHROUDED)
    assert shrouded is not None and shrouded.due_ms is not None
    assert spell_power // 20 <= shrouded.amount <= spell_power // 10
    now_ms = round(live.game_time * 1000)
    assert 3_600_000 * (1 + spell_power // 3) - 40_000 <= shrouded.due_ms - now_ms <= 3_600_000 * (4 + spell_power // 3)
    assert shroud.text("item_desc") in look(scene, sword)
    # a curse and a second shroud are refused before the costs, with the spell's words
    cap_sword = [article(scene, "longsword", capital=True), name_of(scene, "longsword")]
    for key, spell in (("curseweapon", curse), ("shroud", shroud)):
        caster.stats.karma = -50 if key == "curseweapon" else 0
        mana = caster.stats.mana = 60
        refused = scene.cast(key, sword.object_id)
        assert (said(scene, spell, "item_cannot"), cap_sword) in texts_of(refused)
        assert caster.stats.mana == mana
    # an enchant weapon is cast and paid, and the weapon resists it
    told = cast(scene, "enchantweapon", sword.object_id)
    assert (said(scene, enchant, "resists"), cap_sword) in texts_of(told)
    assert sword.attribute(item_attributes.ENCHANTED) is None
    jump_to(scene, shrouded.due_ms)
    scene.server.advance(4.0)
    ended = scene.alice.read()
    assert (said(scene, shroud, "item_ended"), [name_of(scene, "longsword")]) in texts_of(ended)
    assert sword.attribute(item_attributes.SHROUDED) is None


def test_a_spiritual_hammer_is_holy_aims_better_and_vanishes(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells["createspiritualhammer"]
    caster.spells["createspiritualhammer"] = 99  # no improvement to change the power on the way
    before = {i.object_id for i in live.carried(caster.object_id)}
    told = cast(scene, "createspiritualhammer")
    made_at = round(live.game_time * 1000)
    spell_power = power(scene, "createspiritualhammer")  # as it went off: the reagents used up
    (hammer,) = [i for i in live.carried(caster.object_id) if i.object_id not in before and i.kind == rules.SPIRITUAL_HAMMER]
    assert (said(scene, spell, "made"), []) in texts_of(told)  # its words name nothing
    assert [m["id"] for m in told if m.name == "BP_INVENTORY_ADD" and m["id"] == hammer.object_id] == [hammer.object_id]
    made = hammer.attribute(item_attributes.MADE)
    assert made is not None and made.due_ms is not None
    # creasphm.kod GetLongevity, from when it went off (within the trance waited out)
    longevity = (10 + 50 * spell_power // 100) * 60_000
    assert longevity - (spell.cast_time or 0) * 1.5 - 1000 <= made.due_ms - made_at <= longevity
    scene.alice.request("BP_REQ_USE", object={"id": hammer.object_id, "amount": None})
    assert hammer.used
    assert live._blow_type(caster, live.wielded_weapon(caster.object_id), None) == -SpellDamage.HOLY
    assert item_attributes.blow_penalties(live, caster) == (-(spell_power * 3 // 2), 0)  # a hit bonus
    # no enchantment takes on it
    caster.spells["curseweapon"] = 50
    caster.stats.karma = -50
    refused = scene.cast("curseweapon", hammer.object_id)
    assert said(scene, world.spells["curseweapon"], "item_cannot") in [f for f, _ in texts_of(refused)]
    jump_to(scene, made.due_ms)
    scene.server.advance(4.0)
    ended = scene.alice.read()
    assert hammer.object_id not in live.items.by_id
    assert (said(scene, spell, "item_ended"), []) in texts_of(ended)
    assert [m["id"] for m in ended if m.name == "BP_INVENTORY_REMOVE"] == [hammer.object_id]


@pytest.mark.parametrize("key", ["identify", "reveal"])
def test_identify_and_reveal_show_what_is_hidden_on_an_item(scene: Scene, key: str) -> None:
    world, caster = scene.world, scene.caster
    identify, curse = world.spells[key], world.spells["curseweapon"]
    caster.spells[key] = caster.spells["curseweapon"] = 60
    sword = give_weapon(scene)
    cast(scene, "curseweapon", sword.object_id)
    assert curse.text("item_desc") not in look(scene, sword)  # a plain look: unidentified
    # not at a player
    caster.stats.karma = 50
    caster.stats.mana = 60
    refused = scene.cast(key, scene.target.object_id)
    assert said(scene, identify, "item_cannot") in [f for f, _ in texts_of(refused)]
    told = cast(scene, key, sword.object_id)
    assert (said(scene, identify, "looking"), [article(scene, "longsword"), name_of(scene, "longsword")]) in texts_of(told)
    (looked,) = [m for m in told if m.name == "BP_LOOK"]
    assert looked["object"]["id"] == sword.object_id
    shown = looked["description"]["params"][0]
    assert curse.text("item_desc") in shown and (curse.text("item_unknown") or "") not in shown
    # identified for good: a plain look shows it now (the original hides again only what is still hidden)
    assert curse.text("item_desc") in look(scene, sword)
    assert not any(a.hidden for a in sword.attributes)


# ---------------------------------------------------------------------- shatter, swap: at another player


@pytest.fixture
def field(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    """Alice and Bob, grown up, in a room where players may fight (the giant rats' first,
    emptied of them); Alice's safety off."""
    room = sorted(key for key, r in world.rooms.items()
                  if any(m.kind == "giantrat" for m in r.monsters) and not r.flags and r.spawns)[0]
    made = make_scene(imported[0], world, kod_tree, tmp_path, room)
    try:
        live = made.server.hub.world
        for monster in [m for m in live.monsters() if m.room == room]:
            live._monsters.remove(monster)
        made.caster.safety = False
        made.caster.stats.max_health = made.target.stats.max_health = 60
        yield made
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def _gone_from_bob(scene: Scene) -> None:
    """Bob drops whatever he carries (he starts with nothing of his own here)."""
    live = scene.server.hub.world
    for item in live.carried(scene.target.object_id):
        live.items.destroy(item.object_id, "test", [], player_id=scene.target.object_id)
    scene.bob.read()


def test_shatter_breaks_the_best_of_a_players_items(field: Scene) -> None:
    scene, world = field, field.world
    live = scene.server.hub.world
    spell = world.spells["shatter"]
    scene.caster.spells["shatter"] = 60
    _gone_from_bob(scene)
    # nothing to shatter: both are told nothing happened
    told = cast(scene, "shatter", scene.target.object_id)
    bob = [_messages(scene).id("article_none"), _bob_name(scene)]  # type: ignore[attr-defined]
    assert (said(scene, spell, "point_failed"), bob) in texts_of(told)
    alice = [_messages(scene).id("cap_article_none"), _name(scene, scene.caster.object_id)]  # type: ignore[attr-defined]
    assert (said(scene, spell, "pointed_at"), alice) in texts_of(told)
    # his one sword shatters: gone, in the ledger
    sword = give_weapon(scene, client="bob")
    told = cast(scene, "shatter", scene.target.object_id)
    assert sword.object_id not in live.items.by_id
    assert (said(scene, spell, "shattered"), [name_of(scene, "longsword")]) in texts_of(told)
    assert (said(scene, spell, "shatter_done"), [*bob, name_of(scene, "longsword")]) in texts_of(told)
    assert sword.object_id in [m["id"] for m in told if m.name == "BP_INVENTORY_REMOVE"]
    assert live.items.ledger.totals["longsword"][1] >= 1
    assert scene.caster.outlaw  # a harmful spell at an innocent
    # a pile loses part of itself
    pile = live.items.create_on_ground("mushroom", 40, scene.target.room, scene.target.y, scene.target.x, 0, "test", [])
    scene.bob.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 40})
    (held,) = live.carried(scene.target.object_id)
    spell_power = power(scene, "shatter")
    told = cast(scene, "shatter", scene.target.object_id)
    low = max(20, min(70, spell_power - 29))
    assert 40 - max(1, 40 * (low + 30) // 100) - 2 <= held.number <= 40 - max(1, 40 * (low // 2) // 100) + 2  # type: ignore[operator]
    plural = scene.server.hub.context.resources.id(world.kinds["mushroom"].item.plural or "")  # type: ignore[union-attr]
    assert (said(scene, spell, "shattered_plural"), [plural]) in texts_of(told)
    # a shrouded item is spared
    live.items.set_attribute(held.object_id, ItemAttribute(item_attributes.SHROUDED, 1, None, "shroud"))
    told = cast(scene, "shatter", scene.target.object_id)
    assert (said(scene, spell, "point_failed"), bob) in texts_of(told) and held.object_id in live.items.by_id


def _name(scene: Scene, player_id: int) -> int:
    session = scene.server.hub.context.in_world[player_id]
    assert session.avatar is not None
    return session.avatar.name_resource


def test_swap_exchanges_an_item_of_each(field: Scene) -> None:
    scene, world = field, field.world
    live = scene.server.hub.world
    spell = world.spells["swap"]
    scene.caster.spells["swap"] = 60
    _gone_from_bob(scene)
    mace = give_weapon(scene, "mace", wield=False)
    sword = give_weapon(scene, client="bob")
    mine_before = {i.object_id for i in live.carried(scene.caster.object_id)}
    told = cast(scene, "swap", scene.target.object_id)
    # Bob's only item came to Alice; one of hers went to him
    assert sword.carrier == scene.caster.character_id and not sword.used
    (given,) = [i for i in live.carried(scene.target.object_id)]
    assert given.object_id in mine_before | {mace.object_id}
    kind = given.kind or ""
    plural = (given.number or 1) > 1
    resources = scene.server.hub.context.resources
    swapped = said(scene, spell, "swapped")
    indefinite = _messages(scene).id(f"article_{_messages(scene).kind(kind).indefinite}")  # type: ignore[attr-defined]
    sword_a = _messages(scene).id(f"article_{_messages(scene).kind('longsword').indefinite}")  # type: ignore[attr-defined]
    assert (swapped, [name_of(scene, "longsword"), resources.id("is"), indefinite, name_of(scene, kind)]) in texts_of(told)
    lost_name = resources.id(world.kinds[kind].item.plural) if plural else name_of(scene, kind)  # type: ignore[union-attr, arg-type]
    assert (swapped, [lost_name, resources.id("are" if plural else "is"), sword_a, name_of(scene, "longsword")]) in texts_of(told)
    # at oneself: refused, nothing paid
    mana = scene.caster.stats.mana = 60
    refused = scene.cast("swap", scene.caster.object_id)
    assert refused and scene.caster.stats.mana == mana and sword.carrier == scene.caster.character_id
