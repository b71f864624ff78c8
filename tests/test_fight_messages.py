"""A fight told as the original tells it: the rules that choose the words and sounds
(battler.kod GetDamageDesc and GetDefenseDesc, player.kod DoHitMessageSound and
GetOuchSound), the import of the texts by purpose (messages.toml), and punches in the
imported world seen through the real protocol, expanded with the client's format rules."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from emulator.content.loader import ContentError, load_world
from emulator.content.model import (
    BANK_TEXT_KEYS, ITEM_TEXT_KEYS, SHOP_TEXT_KEYS, SKILL_TEXT_KEYS, SPELL_TEXT_KEYS, SPELLBOOK_TEXT_KEYS, TRADE_TEXT_KEYS,
    VAULT_TEXT_KEYS, WorldDefinition, combat_text_keys,
)
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.importer.original.messages import resource_name
from emulator.resources import ResourceTable, read_rsc
from emulator.rules.combat import SpellDamage, WeaponDamage, monster_defense, player_damage, player_offense, roll_attack
from emulator.rules.dice import roll_with
from emulator.rules.feedback import (
    BATTLER_AVOID_CHANCE,
    Defence,
    blow_type,
    damage_word,
    defence_of_miss,
    described_damage,
    monster_blow_type,
    ouch_sound,
    player_hit_sound,
    swing_miss_sound,
)
from emulator.world import events as ev
from emulator.world.world import World
from emulator.testing.memory_server import MemoryServer
from protocol_specs.format_string import render

from .conftest import UPSTREAM

ROOM = "jassewer1"  # giant rats (and a few lupoggs) from the start
PUNCH = WeaponDamage.UNARMED | WeaponDamage.PUNCH


# --- the rules ---------------------------------------------------------------------------


def test_damage_words_follow_the_thresholds_and_the_first_type_bit() -> None:
    assert [damage_word(d, PUNCH) for d in (None, 16, 15, 6, 5, 1)] == [
        "punch_slay", "punch_damage", "punch_wound", "punch_wound", "punch_nick", "punch_nick"]
    # no damage: the default word whatever the type
    assert damage_word(0, PUNCH) == "fail" and damage_word(-3, -SpellDamage.FIRE) == "fail"
    # a type without words of its own takes the defaults
    assert [damage_word(d, WeaponDamage.HIT) for d in (None, 20, 10, 2)] == ["slay", "damage", "wound", "nick"]
    # bite is tested before claw, fire before cold; spells are negative types
    assert damage_word(3, WeaponDamage.CLAW | WeaponDamage.BITE) == "bite_nick"
    assert damage_word(30, -(SpellDamage.COLD | SpellDamage.FIRE)) == "fire_damage"
    assert damage_word(30, WeaponDamage.WHIP) == "damage"


def test_blow_types_and_the_big_hit_on_a_player() -> None:
    assert blow_type(PUNCH, 0) == PUNCH
    assert blow_type(WeaponDamage.SLASH, SpellDamage.FIRE) == -SpellDamage.FIRE
    assert blow_type(WeaponDamage.SLASH, SpellDamage.HUNTERSWORD) == -SpellDamage.HUNTERSWORD
    assert monster_blow_type(()) == WeaponDamage.HIT
    assert monster_blow_type(("weap_claw", "0x40")) == WeaponDamage.CLAW
    assert monster_blow_type(("weap_bite",), ("quake",)) == -SpellDamage.QUAKE
    assert described_damage(7, killed=True) is None
    assert described_damage(7, killed=False) == 7
    assert described_damage(10, False, target_is_player=True, target_max_health=30) == 16  # a third: the big word
    assert described_damage(9, False, target_is_player=True, target_max_health=30) == 9


def _scripted(value: int, seen: list[tuple[int, int]]):
    def roll(low: int, high: int) -> int:
        seen.append((low, high))
        return value
    return roll


def test_the_defence_of_a_miss_is_drawn_over_the_abilities_and_the_avoid_chance() -> None:
    seen: list[tuple[int, int]] = []
    parry, block, dodge = 10, 20, 30
    for drawn, expected in ((0, Defence.PARRY), (9, Defence.PARRY), (10, Defence.BLOCK), (29, Defence.BLOCK),
                            (30, Defence.DODGE), (59, Defence.DODGE), (60, Defence.AVOID), (110, Defence.AVOID)):
        assert defence_of_miss(parry, block, dodge, _scripted(drawn, seen)) is expected
    assert set(seen) == {(0, parry + block + dodge + BATTLER_AVOID_CHANCE)}
    assert [d.word(True) for d in Defence] == ["parries", "blocks", "dodges", "avoids"]
    assert [d.word(False) for d in Defence] == ["parry", "block", "dodge", "avoid"]


def test_hit_sounds_and_cries() -> None:
    seen: list[tuple[int, int]] = []
    assert [player_hit_sound(d, _scripted(2, seen)).key for d in (1, 3, 4, 6, 7, None)] == [
        "hit_flesh2", "hit_flesh2", "hit_leather2", "hit_leather2", "hit_metal2", "hit_metal2"]
    assert set(seen) == {(1, 3)}
    assert [ouch_sound(1, h, 100).key for h in (100, 76, 75, 51, 50, 26, 25, 0)] == [
        "ouch_male1", "ouch_male1", "ouch_male2", "ouch_male2", "ouch_male3", "ouch_male3", "ouch_male4", "ouch_male4"]
    assert ouch_sound(2, 80, 100).key == "ouch_female1" and ouch_sound(2, 5, 0).key == "ouch_female4"


# --- the world decides ---------------------------------------------------------------------


def test_the_world_decides_how_each_swing_is_told_from_the_swing_s_own_die() -> None:
    from .test_combat import add_player, cave_with_ogre, expected_swing

    world, monster = cave_with_ogre()
    attacker = add_player(world, "cave", 5, 6)
    told: list[tuple[bool, str, str]] = []
    now = 0.0
    while world.monsters() and now < 500:
        roll = roll_with(random.Random(f"{world.seed}:attack:{world.tick_count}:{attacker}:{monster.object_id}:{now!r}"))
        stats = world.player(attacker).stats
        swing = roll_attack(player_offense(0, 0, stats.aim, stats.max_health), monster_defense(monster.level, monster.difficulty),
                            lambda: player_damage(roll, stats.might, stats.aim), roll)
        hit, damage = expected_swing(world, attacker, monster, now)
        assert swing.hit == hit
        (resolved, *_) = world.attack(attacker, monster.object_id, now)
        assert isinstance(resolved, ev.AttackResolved) and resolved.damage_type == PUNCH
        if hit and world.player(attacker).swing_bonus > 0:  # after 75 swings a landed blow
            roll(1, 100)  # first picks the stroke or the proficiency to improve (stroke.kod ImproveStroke)
        if hit:  # the sound is drawn after the damage, from the same die
            expected = ("", player_hit_sound(None if monster.hit_points <= 0 else damage, roll).key)
        else:  # the ogre's dodge weight is its difficulty times 10
            expected = (defence_of_miss(0, 0, 10 * monster.difficulty, roll).value, swing_miss_sound(roll).key)
        assert (resolved.defence, resolved.sound) == expected
        told.append((hit, resolved.defence, resolved.sound))
        now += 1.0
    assert {d for hit, d, _ in told if not hit} == {"dodge", "avoid"}
    assert {s[:-1] for hit, _, s in told} >= {"hit_flesh", "swish", "hit_metal"}


def test_a_monster_s_blows_carry_its_attack_type_and_its_misses_the_player_s_defence() -> None:
    from .test_monster_attacks import add_player, definition, fight

    plain = definition()
    ogre = plain.kinds["ogre"]
    assert ogre.monster is not None
    biting = attrs.evolve(plain, kinds={"ogre": attrs.evolve(ogre, monster=attrs.evolve(ogre.monster, attack=("weap_bite",)))})
    for world_definition, blow in ((plain, WeaponDamage.HIT), (biting, WeaponDamage.BITE)):
        world = World(world_definition, seed=3)
        add_player(world, "cave", 5, 6, health=40)
        swings = [e for e in fight(world) if isinstance(e, ev.MonsterAttacked)]
        assert any(s.hit for s in swings) and not all(s.hit for s in swings)
        assert all(s.damage_type == blow for s in swings)
        assert all(s.defence == ("" if s.hit else "avoid") for s in swings)  # no parry, block or dodge yet


# --- the import ---------------------------------------------------------------------------


def _kodbase_resource_ids() -> dict[str, int]:
    """The compiler's ``R name id`` lines, read here on their own."""
    ids = {}
    for line in (UPSTREAM / "build" / "kodbase.txt").read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "R":
            ids[parts[1].casefold()] = int(parts[2])
    return ids


def test_the_import_writes_every_purpose_with_the_original_id(world: WorldDefinition, kod_tree: KodTree, imported: tuple[Path, ImportReport]) -> None:
    messages = world.messages
    assert messages is not None
    assert set(messages.texts) == set(
        combat_text_keys() + ITEM_TEXT_KEYS + SHOP_TEXT_KEYS + TRADE_TEXT_KEYS + BANK_TEXT_KEYS + VAULT_TEXT_KEYS
        + SKILL_TEXT_KEYS + SPELLBOOK_TEXT_KEYS + SPELL_TEXT_KEYS
    )
    kodbase = _kodbase_resource_ids()
    for key, entry in messages.texts.items():
        name = resource_name(key)
        assert entry.resource_id == kodbase[name.casefold()], key
        assert entry.text == kod_tree.resources[name.casefold()].text(None), key
    assert re.fullmatch(r"%s.*%s.*", messages.texts["attacker_hit"].text)
    assert messages.texts["swish1"].text.lower().endswith(".wav")
    # per kind: gender and article as the classes give them; no monster renames its attack
    genders = {0: "neuter", 1: "male", 2: "female"}
    articles = {1: "the", 0: "none"}
    checked = 0
    for key, kind in world.kinds.items():
        if kind.monster is None:
            continue
        cls = kod_tree.classes[key]
        named = messages.kind(key)
        assert named.gender == genders[cls.value("viGender")], key
        assert named.article == articles[cls.value("viDefinite")], key
        assert named.attack_name is None
        checked += 1
    assert checked > 100
    assert "[kinds.council]" in (imported[0] / "messages.toml").read_text()


def test_a_broken_messages_file_is_reported_by_file_and_line(imported: tuple[Path, ImportReport], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    path = data / "messages.toml"
    text = path.read_text()
    text = text.replace("[texts.swish2]\n", "[texts.swoosh2]\n", 1)
    text = text.replace('[kinds.council]\narticle = "none"', '[kinds.council]\narticle = "thee"\n[kinds.nosuchkind]\ngender = "male"', 1)
    path.write_text(text)
    with pytest.raises(ContentError) as raised:
        load_world(data)
    problems = str(raised.value)
    lines = text.splitlines()
    assert f"{path}:{lines.index('[texts.swoosh2]') + 1}: unknown text purpose 'swoosh2'" in problems
    assert "lacks 1 purposes: swish2" in problems
    bad_article = lines.index('article = "thee"') + 1
    assert f"{path}:{bad_article}: 'article' must be one of" in problems
    assert "no kind 'nosuchkind'" in problems


# --- punches in the imported world, through the protocol ---------------------------------


def _client_texts(kod_tree: KodTree) -> ResourceTable:
    """What a stock client of this release has: the compiled .rsc files when the copy
    has them, else the same strings as the compiler numbered them (kodbase ids)."""
    table = ResourceTable()
    compiled = sorted((UPSTREAM / "build" / "rsc").glob("*.rsc"))
    if compiled:
        for path in compiled:
            for resource_id, text in read_rsc(path):
                table.add(resource_id, text)
        return table
    for resource in kod_tree.resources.values():
        text = resource.text(None)
        if resource.id is not None and text is not None:
            table.add(resource.id, text)
    assert len(table) > 10_000
    return table


def _original(kod_tree: KodTree, name: str) -> str:
    """The original's text of a resource, read from the upstream source at test time."""
    text = kod_tree.resources[name.casefold()].text(None)
    assert text is not None
    return text


def _ids(kod_tree: KodTree, *names: str) -> list[int]:
    found = [kod_tree.resources[name.casefold()].id for name in names]
    assert all(i is not None for i in found)
    return [i for i in found if i is not None]


def _frames(messages, name: str) -> Iterator:
    return (m for m in messages if m.name == name)


def test_punches_in_the_imported_world_are_told_in_the_original_words(
    imported: tuple[Path, ImportReport], kod_tree: KodTree, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    world_file = data / "world.toml"
    world_file.write_text(re.sub(r'\[start\]\nroom = "\w+"\nrow = \d+\ncol = \d+', f'[start]\nroom = "{ROOM}"\nrow = 32\ncol = 14',
                                 world_file.read_text()))
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    texts = _client_texts(kod_tree)
    text = texts.text

    def sentence(format_name: str, *param_names: str) -> str:
        """The original's sentence, put together here with Python's own % (no client rules)."""
        return str(text(_ids(kod_tree, format_name)[0])) % tuple(text(i) for i in _ids(kod_tree, *param_names))

    attacker_hit, attacker_miss, defender_hit, defender_miss, killed = _ids(
        kod_tree, "battler_attacker_hit", "battler_attacker_miss", "battler_defender_hit", "battler_defender_miss",
        "punch_player_killed_something")
    swishes = set(_ids(kod_tree, "stroke_swish1", "stroke_swish2", "stroke_swish3"))
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        client = server.connect()
        for resource_id, known in texts.items():  # a stock client reads the original's ids from its own files
            client.codec.resources.add(resource_id, known)
        client.login_to_game("alice", "pw-alice")
        player_id = client.enter_world("Alanna")["id"]
        world = server.hub.world
        player = world.player(player_id)
        player.stats.health = 500  # lives through the rats' bites (max health, which weighs on the odds, as it is)
        rats = [m for m in world.monsters() if m.room == ROOM and m.kind == "giantrat"]
        assert rats, "the sewer starts with giant rats"
        rat = rats[0]
        found = kod_tree.classes["giantrat"].resource("vrName")
        assert found is not None
        rat_resource = found.name
        client.read()

        seen: dict[str, int] = {"hit": 0, "miss": 0, "defender": 0}
        killed_it = False
        for swing in range(80):
            # stand next to the rat (it may have moved), then punch
            player.y, player.x = rat.y, rat.x + 64
            if seen["hit"] >= 2 and seen["miss"] >= 1 and seen["defender"] >= 1:
                rat.hit_points = 1  # the next hit kills
            before = rat.hit_points
            replies = client.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            damage = before - rat.hit_points
            said = [m for m in _frames(replies, "BP_MESSAGE") if m["format"] in (attacker_hit, attacker_miss)]
            assert len(said) == 1, replies
            (message,) = said
            shown = render(message["format"], message["params"], texts)
            waves = [m for m in _frames(replies, "BP_PLAY_WAVE")]
            own = [w for w in waves if w["source"] == player_id]
            assert len(own) == 1 and own[0]["flags"] == 0 and own[0]["row"] == own[0]["col"] == 0
            if message["format"] == attacker_hit:
                dead = rat.hit_points <= 0
                severity = "slay" if dead else "damage" if damage > 15 else "wound" if damage > 5 else "nick"
                wanted = ("battler_blue_text", "battler_punch", f"battler_punch_{severity}", "object_article_the_rsc", rat_resource)
                assert message["params"] == _ids(kod_tree, *wanted)
                assert shown == sentence("battler_attacker_hit", *wanted)
                family = "metal" if dead or damage > 6 else "leather" if damage > 3 else "flesh"
                assert own[0]["wave"] in _ids(kod_tree, *(f"player_sound_hit_monster_{family}{n}" for n in (1, 2, 3)))
                # the sound comes before the message, as DoHitMessageSound runs first
                assert replies.index(own[0]) < replies.index(message)
                seen["hit"] += 1
                if dead:
                    after = replies[replies.index(message) + 1:]
                    (kill,) = [m for m in _frames(after, "BP_MESSAGE") if m["format"] == killed]
                    assert kill["params"] == _ids(kod_tree, "object_article_cap_the_rsc", rat_resource)
                    assert render(kill["format"], kill["params"], texts) == sentence(
                        "punch_player_killed_something", "object_article_cap_the_rsc", rat_resource)
                    # the death cry comes from the body the rat left (monster.kod Killed)
                    (body,) = [m["id"] for m in _frames(replies, "BP_CREATE") if m["icon"] == _ids(kod_tree, "giantrat_dead_icon_rsc")[0]]
                    death = [w for w in _frames(after, "BP_PLAY_WAVE") if w["source"] == body]
                    assert [w["wave"] for w in death] == [kod_tree.classes["giantrat"].resource_id("vrSound_death")]
                    removed = [m for m in _frames(after, "BP_REMOVE")]
                    assert [m["id"] for m in removed] == [rat.object_id]
                    assert after.index(death[0]) < after.index(removed[0])
                    killed_it = True
                    break
            else:
                # no parry or block: the rat dodges or avoids
                defences = {i: n for n, i in zip(("battler_dodges", "battler_avoids"), _ids(kod_tree, "battler_dodges", "battler_avoids"))}
                wanted = ("battler_blue_text", "object_article_cap_the_rsc", rat_resource, defences[message["params"][3]])
                assert message["params"] == _ids(kod_tree, *wanted)
                assert shown == sentence("battler_attacker_miss", *wanted)
                assert own[0]["wave"] in swishes
                assert replies.index(message) < replies.index(own[0])
                seen["miss"] += 1
            server.advance(1.0)
            for m in _frames(replies + client.read(), "BP_MESSAGE"):
                if m["format"] in (defender_hit, defender_miss):
                    _check_defender(m, kod_tree, texts, defender_hit)
                    seen["defender"] += 1
        assert killed_it and seen["hit"] >= 3 and seen["miss"] >= 1 and seen["defender"] >= 1, seen
        assert not client.closed_by_server
    finally:
        server.stop()


def _check_defender(message, kod_tree: KodTree, texts: ResourceTable, defender_hit: int) -> None:
    """A blow of a sewer monster on the player, in the original's words: its article and
    name, a claw word (or a bite word for lupoggs), "its", the default attack name."""
    text = texts.text
    names = {kod_tree.classes[k].resource_id("vrName"): k for k in ("giantrat", "lupogg")}
    params = message["params"]
    shown = render(message["format"], params, texts)
    if message["format"] == defender_hit:
        blue, article, name, word, its, attack = params
        assert [blue, article, its, attack] == _ids(kod_tree, "battler_blue_text", "object_article_cap_the_rsc", "object_its", "monster_default_attack")
        assert name in names
        assert text(word) in {text(i) for i in _ids(kod_tree, *(f"battler_{f}_{s}" for f in ("claw", "bite") for s in ("nick", "wound", "damage", "slay")))}
        assert shown == text(defender_hit) % tuple(text(p) for p in params)
    else:
        blue, defence, article, name = params
        assert [blue, defence, article] == _ids(kod_tree, "battler_blue_text", "battler_avoid", "object_article_the_rsc")
        assert name in names
        assert shown == text(message["format"]) % tuple(text(p) for p in params)
