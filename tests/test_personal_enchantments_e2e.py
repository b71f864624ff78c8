"""End to end on the imported original world: the level-1 and level-2 personal
enchantments the server runs from data, cast with BP_REQ_CAST on another player in
Jasper's streets and on oneself in the inn. Each is checked for its costs (mana, the
reagents), its icon (BP_ADD_ENCHANTMENT), its modifier where the server shows it (might
on the attributes group) or where fights and checks read it, its flags, its words by the
original's resource ids, and its end on the deterministic clock (BP_REMOVE_ENCHANTMENT and
the words when it wears off, between half and all of its whole duration). And the refusals:
the same spell on one who has it, another player in the inn, a monster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import SpellDefinition, WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells import personal
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id
from emulator.world.ledger import check_ledger

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import bars, inventory, place, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts

#: The level-1 and level-2 spells castable as personal enchantments, and what they add.
CASTABLE = {
    "superstrength": ("might", ()), "bless": ("offense", ()), "resistfire": ("resist_fire", ()),
    "resistcold": ("resist_cold", ()), "resistacid": ("resist_acid", ()), "resistgood": ("resist_holy", ()),
    "detectgood": ("", ("detect_good",)), "detectevil": ("", ("detect_evil",)), "haste": ("", ("hasted",)),
    "resistpoison": ("resist_poison", ()),  # its chance against poison (spells/poison.py)
}


def make_scene(imported: Path, world: WorldDefinition, kod_tree: KodTree, tmp_path: Path, room: str) -> Scene:
    """Alice and Bob side by side in ``room`` (Bob in front of Alice), Alice a caster."""
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported}"\n[timeouts]\ngame_idle = 7200.0\n'
    server = MemoryServer(tmp_path, config)
    if room == "jasperinn":
        (placed,) = [p for p in world.objects if p.kind == "jasperinnkeeper"]
        at = (placed.at.row, placed.at.col)
    else:
        at = (world.rooms[room].spawns[0].row, world.rooms[room].spawns[0].col)
    first = _beside(ROOM_FILES / world.rooms[room].roo_file, *at, taken=set())
    second = _beside(ROOM_FILES / world.rooms[room].roo_file, *first, taken={at})
    clients = []
    for account, name, square in (("alice", "Alanna", first), ("bob", "Bram", second)):
        server.create_account(account, f"pw-{account}")
        server.create_character(account, name)
        place(server, name, room, square, health=40, mana=10, vigor=100, max_health=40, base_max_health=40)
        client = server.connect()
        for resource_id, text in _client_texts(kod_tree).items():
            client.codec.resources.add(resource_id, text)
        client.login_to_game(account, f"pw-{account}")
        clients.append((client, client.enter_world(name)["id"]))
    (alice, me), (bob, him) = clients
    live = server.hub.world
    keeper = next((t.object_id for t in live.room_objects(room) if t.kind == "jasperinnkeeper"), 0)
    caster, target = live.player(me), live.player(him)
    caster.stats.mysticism = caster.stats.stamina = caster.stats.intellect = 50
    caster.stats.max_mana = 60  # no regeneration past it between the casts
    return Scene(server, world, alice, bob, caster, target, keeper)


@pytest.fixture(params=["jasper", "jasperinn"])
def scene(request: pytest.FixtureRequest, imported: tuple[Path, ImportReport], world: WorldDefinition,
          kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, request.param)
    try:
        yield made
        live = made.server.hub.world
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_the_personal_enchantments(world: WorldDefinition) -> None:
    found = {k for k, s in world.spells.items() if s.effect == "personal_enchantment" and (s.level or 0) <= 2}
    assert found == set(CASTABLE)
    for key, (modifier, flags) in CASTABLE.items():
        spell = world.spells[key]
        assert (spell.modifier, spell.flags, spell.targets) == (modifier, flags, 1), key
        for purpose in ("target", "caster", "ended", "already_on", "not_here"):
            assert spell.text_id(purpose), (key, purpose)
    # the original's figures: bound to the power as each GetDuration and state reads it
    strength = world.spells["superstrength"]
    assert strength.duration == (300_000, 6_000) and strength.modifier_amount == (1, 5, 1)
    assert world.spells["resistfire"].duration == (180_000, 6_000) and world.spells["resistfire"].modifier_amount == (1, 2, 25)
    assert world.spells["detectgood"].duration == (240_000, 2_400)
    assert world.spells["bless"].modifier_amount == (1, 1, 0)
    assert world.spells["haste"].duration is None  # whole minutes: coded
    assert personal.whole_duration_ms("haste", None, 40) == 11 * 60_000


def said(scene: Scene, spell: SpellDefinition, purpose: str) -> int:
    """The id the spell's own words reach the client by: the original's (the lowest of
    them when the original has the same sentence under several ids)."""
    text = spell.text(purpose)
    assert text and spell.text_id(purpose), f"{spell.key} has no {purpose} words"
    found = scene.server.hub.context.resources.id(text)
    assert found <= spell.text_id(purpose)  # type: ignore[operator]
    return found


def cast_with(scene: Scene, key: str, target: int, mana: int) -> list[Message]:
    """Cast until the spell does not fizzle, with ``mana`` just before each cast."""
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        scene.server.advance(1.5)
        scene.alice.read()
        scene.bob.read()
        scene.caster.stats.mana = mana
        reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(scene.world.spells[key].number), "amount": None},
                                    targets=[{"id": target, "amount": None}])
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            return reply
    raise AssertionError(f"{key} fizzled 30 times")


def _karma(scene: Scene, key: str) -> None:
    school = scene.world.spells[key].school
    scene.caster.stats.karma = 30 if school == "shalille" else -30 if school == "qor" else 0


def _might(messages: list[Message]) -> list[int]:
    """Might as the attributes group's BP_STAT lines show it."""
    return [m["stat"]["data"]["value"]["value"] for m in messages
            if m.name == "BP_STAT" and m["group"] == 2 and m["stat"]["slot"] == 1]


def _icons(messages: list[Message], name: str) -> list[int]:
    return [(m["object"]["id"] if name == "BP_ADD_ENCHANTMENT" else m["id"]) for m in messages
            if m.name == name and m["type"] == 1]


#: The higher levels' personal enchantments run from data, tested the same way.
HIGHER = ("detectinvisible", "resistevil", "resistmagic", "resistshock")


@pytest.mark.parametrize("key", [*sorted(CASTABLE), *HIGHER])
def test_a_personal_enchantment_cast_lasts_and_wears_off(scene: Scene, key: str) -> None:
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    spell = world.spells[key]
    in_inn = "no_combat" in world.rooms[caster.room].flags
    target = caster if in_inn else scene.target
    reader = scene.alice if in_inn else scene.bob
    caster.spells[key] = 40
    _karma(scene, key)
    reagents = {r.kind: scene.give(r.kind, r.count + 1) for r in spell.reagents}
    might = target.stats.might
    mana = max(40, 3 * (spell.mana or 0))
    caster.stats.max_mana = max(caster.stats.max_mana, mana)
    reply = cast_with(scene, key, target.object_id, mana)
    spell_power = power(scene, key)
    assert bars(reply, 2)[-1] == caster.stats.mana == mana - rules.mana_cost(spell.mana or 0, spell_power)
    held = inventory(scene.alice)
    for reagent in spell.reagents:
        assert held[reagents[reagent.kind]] == 1  # one more than it takes was given
    told = reply + scene.alice.read()
    heard = told if in_inn else scene.bob.read()
    if spell.cast_time:  # the trance, then the spell goes off
        assert not live.is_enchanted(target.object_id, key)
        scene.server.advance(spell.cast_time * 1.5 / 1000 + 0.5)
        told += scene.alice.read()
        heard = told if in_inn else heard + scene.bob.read()
    # started: its icon to the target, its words to both
    assert _icons(heard, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert (said(scene, spell, "target"), []) in texts_of(heard)
    if not in_inn:
        assert (said(scene, spell, "caster"), [messages.id("article_none"), _name_of(scene, told, target)]) in texts_of(told)
        assert not _icons(told, "BP_ADD_ENCHANTMENT")
    (enchantment,) = live.enchantments_of(target.object_id)
    amount = personal.modifier_amount(spell.modifier_amount, spell_power)
    if spell.modifier:
        assert live.enchantment_modifier(target.object_id, spell.modifier) == amount > 0
    if spell.modifier == "might":  # the attributes group shows it at once
        assert _might(heard) == [might + amount]
    for flag in spell.flags:
        assert live.enchantment_flag(target.object_id, flag)
    # it lasts between half and all of its whole duration at that power
    whole = personal.whole_duration_ms(key, spell.duration, spell_power)
    assert whole is not None and enchantment.due_ms is not None
    now_ms = round(live.game_time * 1000)
    left = enchantment.due_ms - now_ms
    assert whole // 2 - 3000 <= left <= whole
    scene.server.advance(left / 1000 - 1.0)
    ended = scene.alice.read() + scene.bob.read()
    assert not _icons(ended, "BP_REMOVE_ENCHANTMENT") and live.is_enchanted(target.object_id, key)
    scene.server.advance(2.0)
    ended = reader.read()
    assert _icons(ended, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert not live.is_enchanted(target.object_id, key)
    assert live.enchantment_modifier(target.object_id, spell.modifier or "might") == 0
    if spell.modifier == "might":
        assert _might(ended) == [might]


def test_the_same_spell_again_and_where_others_cannot_be_enchanted(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path,
) -> None:
    messages = world.messages
    assert messages is not None
    spell = world.spells["superstrength"]
    for room in ("jasper", "jasperinn"):
        (tmp_path / room).mkdir()
        scene = make_scene(imported[0], world, kod_tree, tmp_path / room, room)
        try:
            caster, target, live = scene.caster, scene.target, scene.server.hub.world
            caster.spells["superstrength"] = 40
            caster.stats.mana = 60
            scene.give("mushroom", 10)
            scene.give("orctooth", 5)
            if room == "jasperinn":  # another player here: refused, nothing paid
                reply = scene.cast("superstrength", target.object_id)
                assert texts_of(reply) == [(said(scene, spell, "not_here"), [])] and caster.stats.mana == 60
                # a monster is no player
                reply = scene.cast("superstrength", scene.keeper)
                ((format_id, params),) = texts_of(reply)
                assert format_id == messages.id("spell_bad_target") and caster.stats.mana == 60
                # on oneself again: the new one replaces the old
                cast_with(scene, "superstrength", caster.object_id, 60)
                first = live.enchantments_of(caster.object_id)
                cast_with(scene, "superstrength", caster.object_id, 60)
                second = live.enchantments_of(caster.object_id)
                assert len(first) == len(second) == 1 and first[0] is not second[0]
                assert caster.stats.might + second[0].effect.modifiers["might"] == live.effective_stats(caster.object_id).might
                continue
            cast_with(scene, "superstrength", target.object_id, 60)
            mana = caster.stats.mana
            reply = scene.cast("superstrength", target.object_id)  # another who has it: refused
            assert texts_of(reply) == [(said(scene, spell, "already_on"), [messages.id("cap_article_none"), _name_of(scene, reply, target)])]
            assert caster.stats.mana == mana and len(live.enchantments_of(target.object_id)) == 1
        finally:
            scene.server.stop()
