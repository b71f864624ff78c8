"""Resistances (battler.kod ResistanceCheck and GetDamageFromResistance): the monster kinds'
lists read from the original, a player's resistance enchantments, and the damage of blows
and attack spells scaled by them on the imported world."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from emulator.content.loader import ContentError, load_world
from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.blakod.calls import find_assignments
from emulator.importer.original import ImportReport
from emulator.rules.combat import SpellDamage, WeaponDamage, damage_after_resistance, monster_damage_taken
from emulator.rules.dice import roll_with
from emulator.testing.memory_server import MemoryServer
from emulator.world.enchantments import Effect
from emulator.world.events import Position
from emulator.world.resistances import resistance_against
from emulator.world.spells import EFFECTS
from emulator.world.spells.damage import spell_damage

from .test_e2e_giant_rat import ROOM_FILES

REPO = Path(__file__).resolve().parents[1]


def test_the_import_reads_each_kind_s_resistances(world: WorldDefinition, kod_tree: KodTree) -> None:
    with_lists = {k: kind.monster.resistances for k, kind in world.kinds.items() if kind.monster and kind.monster.resistances}
    assert len(with_lists) >= 40
    # the centipede's list, against the original's at test time
    (site,) = find_assignments(kod_tree.classes["centipede"], "plResistances")
    original = sorted((value, -against if against < 0 else against) for value, against in site.value)
    ours = world.kinds["centipede"].monster.resistances  # type: ignore[union-attr]
    bits = {"spell_fire": SpellDamage.FIRE, "spell_shock": SpellDamage.SHOCK, "weapon_slash": WeaponDamage.SLASH,
            "weapon_magic": WeaponDamage.MAGIC}
    assert sorted((value, int(bits[names[0]])) for value, names in ours) == original


def test_a_resistance_to_an_unknown_type_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    creatures = data / "objects" / "kinds.toml"
    creatures.write_text(creatures.read_text() + '\n[[cow.monster.resistances]]\nvalue = 30\nagainst = ["spell_firy"]\n')
    with pytest.raises(ContentError) as error:
        load_world(data)
    assert creatures.name in str(error.value) and "spell_fire" in str(error.value)  # the close match offered


def test_fire_hurts_a_fire_resistant_kind_less_and_an_enchanted_player_too(
    imported: tuple[Path, ImportReport], world: WorldDefinition, tmp_path: Path,
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world

        def fire_resistance(kind: str | None) -> int:
            info = world.kinds[kind or ""].monster
            return max((v for v, names in info.resistances if "spell_fire" in names), default=0) if info else 0

        resistant = min((m for m in live.monsters() if 0 < fire_resistance(m.kind) < 100), key=lambda m: m.object_id)
        assert resistance_against(live, resistant.object_id, 0, SpellDamage.FIRE) >= fire_resistance(resistant.kind)
        def untouched_by_fire(kind: str | None) -> bool:
            info = world.kinds[kind or ""].monster
            return info is not None and not any({"spell_fire", "spell_all"} & set(names) for _, names in info.resistances)

        plain = min((m for m in live.monsters() if untouched_by_fire(m.kind)), key=lambda m: m.object_id)
        assert resistance_against(live, plain.object_id, 0, SpellDamage.FIRE) == 0
        # a fireball at the resistant one: the roll of the spell, less the resistance
        fireball = world.spells["fireball"]
        assert fireball.damage_spell & SpellDamage.FIRE
        caster_id, _ = live.add_player(1, "Caster", Position(resistant.room, resistant.y, resistant.x + 64))
        caster = live.player(caster_id)
        resistant.hit_points = before = 10_000
        events: list = []
        EFFECTS["damage"].apply(live, caster, fireball, [resistant], 50, events)
        roll = roll_with(random.Random(f"{live.seed}:spell:{live.tick_count}:{caster_id}:{resistant.object_id}"))
        rolled = spell_damage(roll(fireball.damage_min, fireball.damage_max), 50)
        modifier = resistance_against(live, resistant.object_id, 0, fireball.damage_spell)
        assert before - resistant.hit_points == monster_damage_taken(rolled, modifier) < max(1, rolled)
        # a player under withstand fire resists by the enchantment's amount
        victim_id, _ = live.add_player(2, "Victim", Position(resistant.room, resistant.y, resistant.x - 64))
        live.enchant(victim_id, "resistfire", 60_000, Effect({"resist_fire": 40}))
        assert resistance_against(live, victim_id, 0, SpellDamage.FIRE) == 40
        assert resistance_against(live, victim_id, 0, SpellDamage.COLD) == 0
        assert damage_after_resistance(50, 40) == 30
        # and a monster's fire breath at that player is taken through it
        assert live._monsters.resistance_of(victim_id, 0, SpellDamage.FIRE) == 40
    finally:
        server.stop()
