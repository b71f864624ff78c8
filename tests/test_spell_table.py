"""The README's table of the level-1 and level-2 spells, castable or not and why, kept
true: it is made here from the imported world (which spells have an effect the server
runs) and the original's classes (which of the others are enchantments, built
separately), and must match the README between its markers. Run this module to print it:
``python -m tests.test_spell_table`` after an import into ``var/imported``."""

from __future__ import annotations

import sys
from pathlib import Path

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original.spells import _sent

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- spell table -->", "<!-- /spell table -->"

#: Why a family of the original's spells is not castable yet.
_FAMILIES = {
    "personalenchantment": "a personal enchantment",
    "resistanceenchantment": "a personal enchantment (a resistance)",
    "touchattackspell": "a personal enchantment (the caster's next blow carries it)",
    "roomenchantment": "a room enchantment",
    "jala": "a song: a room enchantment",
    "hinderspell": "a song: a room enchantment",
    "wallspell": "a wall that stands a while: a room enchantment",
}

#: Why a spell of its own kind is not castable yet (the instant ones the server lacks).
_OWN = {
    # the personal enchantments whose effect is more than a modifier or flags
}

_SCHOOLS = {"shalille": "Shal'ille", "qor": "Qor", "kraanan": "Kraanan", "faren": "Faren", "riija": "Riija", "jala": "Jala"}


def spell_table(world: WorldDefinition, tree: KodTree) -> str:
    rows = ["| spell | key | school | level | castable | why not |", "|---|---|---|---|---|---|"]
    spells = [s for s in world.spells.values() if (s.level or 0) in (1, 2) and s.school in _SCHOOLS]
    for spell in sorted(spells, key=lambda s: (s.level, s.school, s.key)):
        if spell.effect:
            castable, why = f"yes ({spell.effect})", ""
        else:
            castable = "no"
            cls = tree.classes[spell.key]
            if spell.key in _OWN:
                why = _OWN[spell.key]
            elif spell.family in _FAMILIES:
                why = _FAMILIES[spell.family]
            elif "startenchantment" in _sent(cls, "CastSpell"):
                why = "a personal enchantment"
            else:
                raise AssertionError(f"no reason given why {spell.key} is not castable")
        rows.append(f"| {spell.name} | `{spell.key}` | {_SCHOOLS[spell.school]} | {spell.level} | {castable} | {why} |")
    return "\n".join(rows)


def test_the_readme_table_of_spells_is_true(world: WorldDefinition, kod_tree: KodTree) -> None:
    table = spell_table(world, kod_tree)
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert shown == table, f"the README's spell table should read:\n{table}"


if __name__ == "__main__":  # print the table from an imported world: python -m tests.test_spell_table DATA KOD KODBASE
    from emulator.content.loader import load_world

    data, kod, kodbase = (Path(arg) for arg in sys.argv[1:4])
    print(spell_table(load_world(data), KodTree.load(kod, kodbase)))


def test_every_effect_the_data_may_name_has_its_code() -> None:
    from emulator.content.model import SPELL_EFFECTS
    from emulator.world.spells import EFFECTS

    assert set(SPELL_EFFECTS) == set(EFFECTS)
