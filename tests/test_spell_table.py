"""The README's table of the player spells (the six schools), castable or not and why, kept
true: it is made here from the imported world (which spells have an effect the server
runs) and must match the README between its markers, with the count of castable spells
the README states. Print it after an import into ``var/imported``:
``python -m tests.test_spell_table`` (or give the data folder, then the shared folder)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from emulator.content.model import SpellDefinition, WorldDefinition

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- spell table -->", "<!-- /spell table -->"
SCHOOLS = {"shalille": "Shal'ille", "qor": "Qor", "kraanan": "Kraanan", "faren": "Faren", "riija": "Riija", "jala": "Jala"}

#: Why each spell the server does not run yet is not castable.
NOT_YET: dict[str, str] = {
    # spells cast together by several players through a prism (multicast)
    "hunt": "cast by several players together through a prism: multicasting is not modelled",
    "shatterlock": "cast by several players together through a prism, on guild halls: not modelled",
    "deathsdoor": "cast by several players together through a prism: multicasting is not modelled",
    "bloodinheritance": "cast by several players together through a prism: multicasting is not modelled",
    "bond": "cast by several players together through a prism: multicasting is not modelled",
    "summoncow": "cast by several players together through a prism: multicasting is not modelled",
    # what the spell acts on is not modelled
    "curedisease": "ends a disease, and monsters' diseases are not modelled",
    "defile": "feeds on the body of a murdered innocent: players' bodies are not kept",
    "animate": "raises a dead player's body to fight: players' bodies are not kept",
    "portaloflife": "a way back from the underworld to one's body: players' bodies are not kept",
    "distill": "makes a potion of a spell the caster names: potions that cast spells are not modelled",
    "crystalizemana": "a crystal holding the mana sung into it: not modelled yet",
    "rescue": "takes the caster to its home room, which the store does not keep",
    "nodeburst": "draws on the caster's mana nodes, which are not modelled",
    "artifice": "fakes the look of other item attributes, and that misdirection is not modelled",
    "martyrsbattleground": "revenants for those who die in the room, and revenants are not modelled",
}


def player_spells(world: WorldDefinition) -> list[SpellDefinition]:
    spells = [s for s in world.spells.values() if s.school in SCHOOLS]
    return sorted(spells, key=lambda s: (s.level or 0, s.school, s.key))


def spell_table(world: WorldDefinition) -> str:
    spells = player_spells(world)
    castable = sum(1 for s in spells if s.effect)
    rows = [f"{castable} of the {len(spells)} player spells are castable.", "",
            "| spell | key | school | level | castable | why not |", "|---|---|---|---|---|---|"]
    for spell in spells:
        if spell.effect:
            assert spell.key not in NOT_YET, f"{spell.key} is castable: take it out of NOT_YET"
            castable_text, why = f"yes ({spell.effect})", ""
        else:
            assert spell.key in NOT_YET, f"no reason given why {spell.key} is not castable"
            castable_text, why = "no", NOT_YET[spell.key]
        rows.append(f"| {spell.name} | `{spell.key}` | {SCHOOLS[spell.school]} | {spell.level} | {castable_text} | {why} |")
    return "\n".join(rows)


def test_the_readme_table_of_spells_is_true(world: WorldDefinition) -> None:
    table = spell_table(world)
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert shown == table, f"the README's spell table should read:\n{table}"


def test_every_level_1_and_2_spell_is_castable_and_most_of_the_rest(world: WorldDefinition) -> None:
    spells = player_spells(world)
    assert len(spells) == 150
    assert [s.key for s in spells if (s.level or 0) <= 2 and not s.effect] == []
    stated = re.search(r"(\d+) of the 150 player spells are castable", README.read_text(encoding="utf-8"))
    assert stated is not None and int(stated.group(1)) == sum(1 for s in spells if s.effect)


def test_every_effect_the_data_may_name_has_its_code() -> None:
    from emulator.content.model import SPELL_EFFECTS
    from emulator.world.spells import EFFECTS

    assert set(SPELL_EFFECTS) == set(EFFECTS)


if __name__ == "__main__":
    from emulator.content.loader import load_world

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/imported")
    print(spell_table(load_world(data)))
