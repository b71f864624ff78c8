"""End to end on the imported original world: a weapon's wear. Alice's blows at Bob wear
her sword until it breaks (put away, its words told, refused when wielded again); a look
tells its condition in the weapons' own words; mend (Kraanan) gives a worn weapon back
most of its hits; brittle (Faren, an outlaw spell) ages the weapon Bob wields."""

from __future__ import annotations

import random

from emulator.rules import wear as rules
from emulator.rules.dice import roll_with
from emulator.world import wear
from emulator.world.items import ItemAttribute

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import texts_of
from .test_item_spells_e2e import (  # noqa: F401 (the fixtures)
    _bob_name, _messages, _name, article, cast, field, give_weapon, look, name_of, said, scene,
)


def test_the_import_reads_wear(scene: Scene) -> None:
    world = scene.world
    assert world.spells["mend"].effect == "mend_item"
    assert world.spells["brittle"].effect == "brittle_weapon"
    for purpose in ("item_cannot", "beyond_salvage", "perfect", "mended", "condition_this", "weapon_broke", "already_broken",
                    *(c.value for c in rules.Condition)):
        assert world.spells["mend"].text_id(purpose), purpose
    for purpose in ("nothing", "dulled", "weapon_dulled"):
        assert world.spells["brittle"].text_id(purpose), purpose
    # a new sword's hits are drawn from its kind's, and stay the same until written
    info = world.kinds["longsword"].item
    assert info is not None and 0 < (info.get("hits_min") or 0) <= (info.get("hits_max") or 0)
    sword = give_weapon(scene)
    hits, most = wear.hits_of(scene.server.hub.world, sword)
    assert hits == most and info.get("hits_min") <= most <= info.get("hits_max")  # type: ignore[operator]
    assert wear.hits_of(scene.server.hub.world, sword) == (hits, most)


def _condition(scene: Scene, words: str) -> str:
    return "\n\n" + (scene.world.spells["mend"].text("condition_this") or "") + scene.world.kinds["longsword"].name + words


def test_a_look_tells_the_condition(scene: Scene) -> None:
    live = scene.server.hub.world
    mend = scene.world.spells["mend"]
    sword = give_weapon(scene)
    _, most = wear.hits_of(live, sword)
    info = scene.world.kinds["longsword"].item
    assert info is not None
    for hits, condition in ((most, rules.Condition.EXCELLENT), (most * 80 // 100, rules.Condition.GOOD),
                            (most // 2, rules.Condition.WORN), (most // 10, rules.Condition.POOR), (0, rules.Condition.BROKEN)):
        wear.set_hits(live, sword, hits, most)
        assert look(scene, sword).endswith(_condition(scene, mend.text(condition.value) or "")), condition
    # a most below a new one's least: excellent, but mended before
    least = info.get("hits_min") or 0
    wear.set_hits(live, sword, least - 5, least - 5)
    assert look(scene, sword).endswith(_condition(scene, mend.text("condition_mended") or ""))
    # armour tells none (defmod.kod shows no condition)
    worn = give_weapon(scene, "chainarmor", wield=False)
    assert wear.wears(live, worn)
    seen = look(scene, worn)
    assert all((mend.text(c.value) or "@") not in seen for c in rules.Condition)


def test_blows_wear_a_weapon_until_it_breaks(field: Scene) -> None:
    scene = field
    live = scene.server.hub.world
    mend = scene.world.spells["mend"]
    sword = give_weapon(scene)
    live.items.set_attribute(sword.object_id, ItemAttribute("glowing", 10, None, "glowweapon"))
    _, most = wear.hits_of(live, sword)
    wear.set_hits(live, sword, 3, most)
    seen = []
    for _ in range(200):
        scene.target.stats.health = scene.target.stats.max_health  # he never dies of it
        before = wear.hits_of(live, sword)[0]
        seen += scene.alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": scene.target.object_id, "amount": None}, trailing=0)
        assert before - wear.hits_of(live, sword)[0] in (0, 1)  # a hit at most a blow
        if not sword.used:
            break
        scene.server.advance(1.1)
        seen += scene.alice.read()
    assert not sword.used, "the sword never broke"
    assert wear.hits_of(live, sword) == (0, most) and wear.broken(live, sword)
    assert sword.attribute("glowing") is None  # its attributes came off with it
    told = texts_of(seen + scene.alice.read())
    cap = article(scene, "longsword", capital=True)
    assert (said(scene, mend, "weapon_broke"), [cap, name_of(scene, "longsword")]) in told
    assert sword.object_id in [m["id"] for m in seen if m.name == "BP_UNUSE"]
    # it stays in the pack, broken: wielding it again is refused with its words
    assert sword.carrier == scene.caster.character_id
    refused = scene.alice.request("BP_REQ_USE", object={"id": sword.object_id, "amount": None})
    assert not sword.used
    assert (said(scene, mend, "already_broken"), [cap, name_of(scene, "longsword")]) in texts_of(refused)
    # mend cannot save it
    scene.caster.spells["mend"] = 60
    mana = scene.caster.stats.mana = 60
    refused = scene.alice.request("BP_REQ_CAST", spell={"id": _spell_id(scene, "mend"), "amount": None},
                                  targets=[{"id": sword.object_id, "amount": None}])
    assert (said(scene, mend, "beyond_salvage"), [cap, name_of(scene, "longsword")]) in texts_of(refused)
    assert scene.caster.stats.mana == mana


def _spell_id(scene: Scene, key: str) -> int:
    from emulator.world.casting import spell_object_id

    return spell_object_id(scene.world.spells[key].number)


def test_mend_gives_a_worn_weapon_back_most_of_its_hits(scene: Scene) -> None:
    live = scene.server.hub.world
    mend = scene.world.spells["mend"]
    scene.caster.spells["mend"] = 80
    sword = give_weapon(scene)
    _, most = wear.hits_of(live, sword)
    # a weapon in perfect condition needs none: refused, nothing paid
    mana = scene.caster.stats.mana = 60
    refused = scene.alice.request("BP_REQ_CAST", spell={"id": _spell_id(scene, "mend"), "amount": None},
                                  targets=[{"id": sword.object_id, "amount": None}])
    cap, sword_name = article(scene, "longsword", capital=True), name_of(scene, "longsword")
    assert (said(scene, mend, "perfect"), [cap, sword_name]) in texts_of(refused) and scene.caster.stats.mana == mana
    # something not equipment: refused
    pile = scene.give("sapphire", 1)
    refused = scene.alice.request("BP_REQ_CAST", spell={"id": _spell_id(scene, "mend"), "amount": None},
                                  targets=[{"id": pile | 1 << 28, "amount": 1}])
    assert said(scene, mend, "item_cannot") in [f for f, _ in texts_of(refused)]
    # worn: mended to a share of its most, by the power
    wear.set_hits(live, sword, most // 3, most)
    spell_power = power(scene, "mend")
    told = cast(scene, "mend", sword.object_id)
    mended = rules.mended_hits(most, spell_power)
    assert wear.hits_of(live, sword) == (mended, mended) and mended < most
    assert (said(scene, mend, "mended"), [article(scene, "longsword"), sword_name]) in texts_of(told)
    assert look(scene, sword).endswith(_condition(scene, mend.text(rules.condition(mended, mended, 250).value) or ""))
    # mended again after more wear: its most shrinks again
    wear.set_hits(live, sword, 10, mended)
    cast(scene, "mend", sword.object_id)
    again = rules.mended_hits(mended, power(scene, "mend"))
    assert wear.hits_of(live, sword) == (again, again) and again < mended
    # it is written with the item (its attributes, schema 10) and read back as it was
    from emulator.store import items as stored_items

    scene.server.advance(30.0)  # the item saver writes the pending operations
    (row,) = [r for r in scene.server.store.run(stored_items.load_items).rows if r.id == sword.object_id]
    assert set(row.attributes) == {ItemAttribute(wear.MAX_HITS, again), ItemAttribute(wear.HITS, again)}


def test_brittle_ages_the_weapon_another_player_wields(field: Scene) -> None:
    scene = field
    live = scene.server.hub.world
    brittle = scene.world.spells["brittle"]
    scene.caster.spells["brittle"] = 60
    # Bob wields nothing: nothing happens, nothing paid
    mana = scene.caster.stats.mana = 60
    for reagent in brittle.reagents:
        scene.give(reagent.kind, reagent.count)
    refused = scene.alice.request("BP_REQ_CAST", spell={"id": _spell_id(scene, "brittle"), "amount": None},
                                  targets=[{"id": scene.target.object_id, "amount": None}])
    assert (said(scene, brittle, "nothing"), []) in texts_of(refused) and scene.caster.stats.mana == mana
    # at herself: refused
    refused = scene.cast("brittle", scene.caster.object_id)
    assert refused and scene.caster.stats.mana == mana
    sword = give_weapon(scene, client="bob")
    hits, most = wear.hits_of(live, sword)
    spell_power = power(scene, "brittle")
    told = cast(scene, "brittle", scene.target.object_id)
    after, after_most = wear.hits_of(live, sword)
    assert after_most == most and hits - spell_power // 2 - rules.BRITTLE_EXTRA <= after <= hits - 1 - rules.BRITTLE_EXTRA
    sword_name = name_of(scene, "longsword")
    bob = [_messages(scene).id("article_none"), _bob_name(scene)]  # type: ignore[attr-defined]
    alice = [_messages(scene).id("cap_article_none"), _name(scene, scene.caster.object_id)]  # type: ignore[attr-defined]
    assert (said(scene, brittle, "dulled"), [*bob, sword_name]) in texts_of(told)
    assert (said(scene, brittle, "weapon_dulled"), [*alice, sword_name]) in texts_of(told)
    assert scene.caster.outlaw  # an outlaw spell at an innocent
    # it never breaks the weapon at once: one hit is left
    wear.set_hits(live, sword, 5, most)
    cast(scene, "brittle", scene.target.object_id)
    assert wear.hits_of(live, sword)[0] == 1 and sword.used
    # the roll is the rules' (a draw within power/2)
    assert rules.brittle_hits(roll_with(random.Random(1)), 100, 2) == 100 - 1 - rules.BRITTLE_EXTRA


def test_the_wear_rules() -> None:
    # condition by the share of hits left: above 90, 65, 30 percent, then poor while any is left
    assert rules.condition(300, 300, 250) is rules.Condition.EXCELLENT
    assert rules.condition(240, 240, 250) is rules.Condition.MENDED
    # (whole percents, rounded down)
    assert rules.condition(273, 300, 250) is rules.Condition.EXCELLENT and rules.condition(272, 300, 250) is rules.Condition.GOOD
    assert rules.condition(198, 300, 250) is rules.Condition.GOOD and rules.condition(197, 300, 250) is rules.Condition.WORN
    assert rules.condition(93, 300, 250) is rules.Condition.WORN and rules.condition(92, 300, 250) is rules.Condition.POOR
    assert rules.condition(1, 300, 250) is rules.Condition.POOR and rules.condition(0, 300, 250) is rules.Condition.BROKEN
    # a mend keeps 75% of the most at no power, a point more each 5 of power, at most 95%
    assert rules.mended_hits(300, 0) == 225 and rules.mended_hits(300, 50) == 255 and rules.mended_hits(300, 200) == 285
    # a blow wears three times in four (random(1, 100) below 75)
    worn = sum(rules.worn_by_blow(roll_with(random.Random(n))) for n in range(2000))
    assert 1400 < worn < 1560
