"""What the import writes about consuming the original's items: food with its nutrition
and filling, the flask as a healing draught, spell items and other effects in code marked
to be refused, the words and sounds by their resource ids, the kinds kept on death and the
client's applyable flag; what it cannot express is in the report."""

from __future__ import annotations

from pathlib import Path

from emulator.content.loader import FLAG_BITS
from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport


def test_food_and_draughts_carry_the_originals_figures(world: WorldDefinition, kod_tree: KodTree) -> None:
    apple = world.kinds["apple"].item
    assert apple is not None and apple.use == "eat" and apple.stacks
    assert (apple.get("nutrition"), apple.get("filling")) == (10, 24)  # apple.kod
    assert apple.use_message == "Yum-yum good!" and dict(apple.resource_ids)["use_message"] == kod_tree.resources["food_use"].id
    assert apple.use_sound == "eat.wav" and not apple.beverage
    mug = world.kinds["mug"].item  # a drink with its own taste (mug.kod SendTaste)
    assert mug is not None and mug.beverage and mug.use_sound == "drink.wav"
    assert dict(mug.resource_ids)["use_message"] == kod_tree.resources["mug_use"].id
    flask = world.kinds["flask"].item  # a Healer: GainHealthNormal between its two figures
    assert flask is not None and flask.use == "heal" and flask.beverage
    assert (flask.get("heal_min"), flask.get("heal_max"), flask.get("filling")) == (5, 10, 15)
    assert dict(flask.resource_ids)["use_message"] == kod_tree.resources["healer_use"].id
    assert flask.use_sound == "drkptn.wav"


def test_spell_items_and_effects_in_code_are_marked_to_be_refused(world: WorldDefinition) -> None:
    uses = {key: kind.item.use for key, kind in world.kinds.items() if kind.item is not None}
    spells = sorted(key for key, use in uses.items() if use == "spell")
    assert len(spells) > 40  # potions, scrolls and wands
    # wands are applyable (the stock client picks a target and sends BP_REQ_APPLY); potions
    # and scrolls are not (it sends BP_REQ_USE, applied to the user as TryUseItem does)
    applyable = {key for key in spells if world.kinds[key].flags & FLAG_BITS["applyable"]}
    assert "firewand" in applyable and "blindwand" in applyable
    assert not applyable & {key for key in spells if key.endswith("potion") or key.endswith("scroll")}
    for key in ("chaosfood", "karmapotion", "arsenic", "manacrystal"):
        assert uses[key] == "special", key
    assert not any(world.kinds[key].flags & FLAG_BITS["applyable"] for key, use in uses.items() if use == "eat")


def test_kinds_kept_on_death_are_those_whose_drop_on_death_says_no(world: WorldDefinition) -> None:
    kept = sorted(key for key, kind in world.kinds.items() if kind.item is not None and kind.item.kept_on_death)
    assert {"ringwedding", "blackdagger", "manacrystal", "soldiershield", "warjoinpendant"} <= set(kept)
    assert not world.kinds["mace"].item.kept_on_death  # type: ignore[union-attr]


def test_what_consuming_does_in_code_is_reported(imported: tuple[Path, ImportReport]) -> None:
    lines = [(s.category, s.class_name, s.why) for s in imported[1].skipped if s.category == "items"]
    classes = {name for _, name, _ in lines}
    assert {"ChaosFood", "Mint", "wineGoblet", "FortuneCookie", "KarmaPotion"} <= classes
