"""Wielding weapons and wearing armour: what can be used, one weapon at a time, the hands
and the body's places, dropping a used item, the flag kept with the item in the store,
and armed blows and worn armour by the combat rules."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from pathlib import Path

import attrs
import peewee
import pytest

from emulator.content.model import (
    ItemInfo,
    MonsterChance,
    MonsterInfo,
    ObjectKind,
    Placement,
    RoomDefinition,
    SpawnRules,
    WorldDefinition,
    square_centre,
)
from emulator.rules.combat import (
    SKID_PROFICIENCY_SCIMITAR,
    STOCK_WEAPONS,
    AttackKind,
    WeaponClass,
    WeaponDamage,
    WeaponQuality,
    armour_damage_reduction,
    monster_damage_taken,
    monster_defense,
    player_attack_type,
    player_damage,
    player_defense,
    player_offense,
    roll_attack,
    swing_exertion,
    weapon_of,
)
from emulator.rules.dice import roll_with
from emulator.rules.feedback import blow_type
from emulator.store import items as stored
from emulator.store.database import open_database
from emulator.testing.memory_server import MemoryServer
from emulator.world import events as ev
from emulator.world.items import Item, ItemRefusal, Items
from emulator.world.monsters import Monster
from emulator.world.world import World
from tests.test_items import replayed
from tests.test_items_e2e import enter, named, world_data

HAND, BODY, HEAD = 0x08, 0x10, 0x200
WEAPON, ARMOUR = 0x01, 0x02
START = (5, 5)
OGRE_SQUARE = (5, 8)  # three squares east of the start: a thrust weapon's reach, not a fist's
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _item(key: str, *values: tuple[str, int], stacks: bool = False) -> ObjectKind:
    return ObjectKind(key, key, f"{key}.bgf", "", 0x10, item=ItemInfo(values, stacks, key + "s" if stacks else ""))


def definition() -> WorldDefinition:
    rooms = {
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", 10, 10,
            monsters=(MonsterChance("ogre", 100),), monster_spawns=(Placement("cave", *OGRE_SQUARE),),
            spawn_rules=SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=10_000, percent=100),
        ),
    }
    kinds = {
        "ogre": ObjectKind("ogre", "ogre", "ogre.bgf", "", monster=MonsterInfo(level=30, difficulty=4, speed=10, behaviour=("nomove",))),
        # weapons by their figures: a thrusting spear, a fine slashing blade, a club
        "spear": _item("spear", ("use_type", HAND), ("item_type", WEAPON), ("weapon_type", 1), ("weapon_quality", 1)),
        "blade": _item("blade", ("use_type", HAND), ("item_type", WEAPON), ("weapon_type", 2), ("weapon_quality", 2),
                       ("proficiency", SKID_PROFICIENCY_SCIMITAR)),
        "club": _item("club", ("use_type", HAND), ("item_type", WEAPON), ("weapon_type", 0), ("weapon_quality", 0)),
        "greatbow": _item("greatbow", ("use_type", HAND), ("item_type", WEAPON), ("use_amount", 2), ("weapon_type", 1)),
        "shield": _item("shield", ("use_type", HAND), ("item_type", ARMOUR), ("defense", 20)),
        "plate": _item("plate", ("use_type", BODY), ("item_type", ARMOUR), ("defense", 30), ("damage_reduce", 6)),
        "robe": _item("robe", ("use_type", BODY), ("item_type", ARMOUR), ("defense", 5)),
        "helm": _item("helm", ("use_type", HEAD), ("item_type", ARMOUR), ("defense", 10), ("damage_reduce", 3)),
        "stick": _item("stick"),  # no figures to use it by
        "ring": _item("ring", ("use_type", 0x80)),  # a place but nothing to fight with
        "shillings": _item("shillings", ("weight", 0), ("bulk", 0), stacks=True),
    }
    return WorldDefinition(rooms, kinds, (), start=Placement("cave", *START))


def armed(*kinds: str) -> tuple[World, int, list[Item]]:
    """A world with a player at the start carrying one item of each kind."""
    world = World(definition(), seed=3)
    player_id, _ = world.add_player(1, "P1")
    carried = []
    for kind in kinds:
        item = world.items.create_on_ground(kind, None, "cave", *square_centre(*START), 0, "test", [])
        assert world.pick_up(player_id, item.object_id, None, 0.0)[-1] == ev.CarriedGained(player_id, item.object_id)
        carried.append(item)
    return world, player_id, carried


# ---------------------------------------------------------------------------- using


def test_wielding_a_weapon() -> None:
    world, player, (spear,) = armed("spear")
    assert world.use_item(player, spear.object_id) == [ev.ItemUsed(player, spear.object_id)]
    assert world.used_items(player) == [spear.object_id] and spear.used
    weapon = world.wielded_weapon(player)
    assert weapon is not None and weapon.weapon_class is WeaponClass.THRUST and weapon.kind is AttackKind.MELEE
    assert world.use_item(player, spear.object_id) == []  # used already: nothing changes


def test_a_new_weapon_replaces_the_old_in_one_operation() -> None:
    world, player, (spear, blade) = armed("spear", "blade")
    world.use_item(player, spear.object_id)
    before = len(world.items.pending)
    assert world.use_item(player, blade.object_id) == [
        ev.ItemUnused(player, spear.object_id), ev.ItemUsed(player, blade.object_id),
    ]
    assert world.used_items(player) == [blade.object_id] and not spear.used
    assert len(world.items.pending) == before + 1
    assert world.wielded_weapon(player) == weapon_of("blade", 2, 2, SKID_PROFICIENCY_SCIMITAR)


def test_hands_and_places() -> None:
    world, player, (spear, shield, greatbow, plate, robe, helm) = armed("spear", "shield", "greatbow", "plate", "robe", "helm")
    for item in (spear, shield, plate, helm):
        assert world.use_item(player, item.object_id) == [ev.ItemUsed(player, item.object_id)]
    # the shield's defence goes to block, not to the armour's (shield.kod ModifyDefensePower)
    assert world.armour_of(player) == (30 + 10, 6 + 3)
    assert world.gear_of(player).shield_defense == 20
    # a robe takes the body's place: the plate comes off
    assert world.use_item(player, robe.object_id) == [ev.ItemUnused(player, plate.object_id), ev.ItemUsed(player, robe.object_id)]
    # both hands for the great bow: the spear (a weapon) and the shield (a hand) come off
    assert world.use_item(player, greatbow.object_id) == [
        ev.ItemUnused(player, spear.object_id), ev.ItemUnused(player, shield.object_id), ev.ItemUsed(player, greatbow.object_id),
    ]
    assert set(world.used_items(player)) == {greatbow.object_id, robe.object_id, helm.object_id}
    # and a shield back takes a hand the bow needs
    assert world.use_item(player, shield.object_id) == [ev.ItemUnused(player, greatbow.object_id), ev.ItemUsed(player, shield.object_id)]
    assert world.wielded_weapon(player) is None


def test_unusing() -> None:
    world, player, (spear,) = armed("spear")
    world.use_item(player, spear.object_id)
    assert world.unuse_item(player, spear.object_id) == [ev.ItemUnused(player, spear.object_id)]
    assert world.used_items(player) == [] and world.wielded_weapon(player) is None
    assert world.unuse_item(player, spear.object_id) == []


def test_refusals() -> None:
    world, player, (stick, ring, coins) = armed("stick", "ring", "stick")
    coins_on_ground = world.items.create_on_ground("shillings", 5, "cave", *square_centre(*START), 0, "test", [])
    world.pick_up(player, coins_on_ground.object_id, None, 0.0)
    (coins,) = [item for item in world.carried(player) if item.kind == "shillings"]
    for item in (stick, ring, coins):
        assert world.use_item(player, item.object_id) == [ev.ItemRefused(player, ItemRefusal.CANNOT_USE.value, item.kind or "")]
    ground = world.items.create_on_ground("spear", None, "cave", *square_centre(*START), 0, "test", [])
    assert world.use_item(player, ground.object_id) == [ev.ItemRefused(player, ItemRefusal.NOT_CARRIED.value, "spear")]
    assert world.unuse_item(player, ground.object_id) == [ev.ItemRefused(player, ItemRefusal.NOT_CARRIED.value, "spear")]
    assert world.use_item(player, 0x0FFF_FFF0) == [ev.ItemRefused(player, ItemRefusal.NOT_CARRIED.value, "")]
    other, _ = world.add_player(2, "P2")
    assert world.use_item(other, stick.object_id)[0].reason == ItemRefusal.NOT_CARRIED.value  # type: ignore[union-attr]
    assert world.used_items(player) == []


def test_dropping_a_wielded_weapon_unuses_it_first() -> None:
    world, player, (spear,) = armed("spear")
    world.use_item(player, spear.object_id)
    events = world.drop(player, spear.object_id, None, 1.0)
    assert events[:2] == [ev.ItemUnused(player, spear.object_id), ev.CarriedLost(player, spear.object_id)]
    assert not spear.used and spear.carrier is None and world.wielded_weapon(player) is None
    assert replayed(world.items)[spear.object_id].used is False


def test_the_used_flag_is_recorded_and_loaded() -> None:
    world, player, (spear, plate) = armed("spear", "plate")
    world.use_item(player, spear.object_id)
    world.use_item(player, plate.object_id)
    rows = replayed(world.items)
    assert rows[spear.object_id].used and rows[plate.object_id].used
    again = Items(definition())
    again.load(rows.values(), world.items.ledger.totals, lambda room: (10, 10))
    assert [item.object_id for item in again.used(1)] == [spear.object_id, plate.object_id]


@pytest.fixture
def db(tmp_path: object) -> Iterator[peewee.Database]:
    database = open_database(f"sqlite:///{tmp_path}/m59.db")
    yield database
    database.close()


def test_the_used_flag_survives_a_restart(db: peewee.Database) -> None:
    world, player, (spear, helm, stick) = armed("spear", "helm", "stick")
    world.use_item(player, spear.object_id)
    world.use_item(player, helm.object_id)
    stored.apply_item_batch(db, world.items.take_operations(1000), NOW)
    loaded = stored.load_items(db)
    assert {row.id for row in loaded.rows if row.used} == {spear.object_id, helm.object_id}
    restarted = World(definition(), seed=3)
    restarted.items.load(loaded.rows, loaded.totals, lambda room: (10, 10), None, loaded.last_seq)  # no characters stored here
    again, _ = restarted.add_player(1, "P1")
    assert set(restarted.used_items(again)) == {spear.object_id, helm.object_id}
    assert restarted.wielded_weapon(again) == weapon_of("spear", 1, 1, None)


# ---------------------------------------------------------------------------- fighting


def test_figures_make_a_weapon_and_stock_names_keep_theirs() -> None:
    blade = weapon_of("blade", 2, 2, SKID_PROFICIENCY_SCIMITAR)
    assert (blade.weapon_class, blade.quality, blade.attack_type) == (
        WeaponClass.SLASH, WeaponQuality.HIGH, WeaponDamage.NONMAGIC | WeaponDamage.SLASH,
    )
    assert weapon_of("Longbow", 1, 1, None) is STOCK_WEAPONS["Longbow"]
    assert weapon_of("battlebow", 1, 1, 456) is STOCK_WEAPONS["BattleBow"]  # a kind key, lower case
    crossbow = weapon_of("crossbow", 1, 1, 456)  # the bow proficiency: ranged, both hands
    assert crossbow.kind is AttackKind.RANGED and crossbow.two_handed and crossbow.reach == 100
    assert weapon_of("odd", 9, 9, None).weapon_class is WeaponClass.THRUST  # weapon.kod's defaults


def expected_armed_swing(world: World, player_id: int, monster: Monster, now: float) -> tuple[bool, int]:
    """The same swing from the rules with the wielded weapon, with the world's roll for it."""
    roll = roll_with(random.Random(f"{world.seed}:attack:{world.tick_count}:{player_id}:{monster.object_id}:{now!r}"))
    stats = world.player(player_id).stats
    weapon = world.wielded_weapon(player_id)
    assert weapon is not None
    swing = roll_attack(
        player_offense(0, 0, stats.aim, stats.max_health, weapon),
        monster_defense(monster.level, monster.difficulty),
        lambda: player_damage(roll, stats.might, stats.aim, weapon),
        roll,
    )
    return swing.hit, monster_damage_taken(swing.damage) if swing.hit else 0


def test_an_armed_attack_reaches_further_and_hits_by_the_weapon() -> None:
    world, player, (spear,) = armed("spear")
    (monster,) = world.monsters()
    assert world.attack(player, monster.object_id, 0.0) == []  # three squares: out of a fist's reach
    world.use_item(player, spear.object_id)
    weapon = world.wielded_weapon(player)
    assert weapon is not None
    monster.hit_points = 10_000  # it lives through every swing
    hits = 0
    for swing in range(40):
        now = 2.0 * (swing + 1)
        expected = expected_armed_swing(world, player, monster, now)
        events = world.attack(player, monster.object_id, now)
        if swing == 0:  # a stroke's exertion, not a punch's
            assert world.player(player).exertion == swing_exertion(weapon) != swing_exertion(None)
        resolved = events[0]
        assert isinstance(resolved, ev.AttackResolved)
        assert (resolved.hit, resolved.damage) == expected
        assert resolved.damage_type == blow_type(player_attack_type(weapon), 0) != blow_type(player_attack_type(None), 0)
        hits += resolved.hit
    assert hits > 0


def test_worn_armour_adds_defence_and_takes_damage_off() -> None:
    assert player_defense(0, 0, 0, 30, 20, armour_bonus=40) == player_defense(0, 0, 0, 30, 20) + 40
    roll = roll_with(random.Random(5))
    taken = [armour_damage_reduction(10, 6, roll) for _ in range(200)]
    assert set(taken) == {4, 5, 6, 7, 8}  # 6/3 .. 6 taken off
    assert armour_damage_reduction(3, 30, roll) == 1  # never below 1
    assert armour_damage_reduction(10, 0, lambda low, high: pytest.fail("no roll without armour")) == 10


# ---------------------------------------------------------------------------- the protocol


def test_wielding_and_fighting_through_the_protocol(tmp_path: Path) -> None:
    """A spear put down through the items layer is picked up, wielded (BP_USE, listed by
    BP_USE_LIST), named in the hit message, and still wielded after a restart."""
    data = world_data(tmp_path)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[spear]\nname = "spear"\nicon = "spear.bgf"\ndescription = "A spear."\nflags = ["gettable"]\n'
            '\n[spear.item]\nuse_type = 8\nitem_type = 1\nweapon_type = 1\nweapon_quality = 1\n'
        )
    config = f'[server]\ndata = "{data}"\n'
    server = MemoryServer(tmp_path, config)
    try:
        alice = enter(server, "alice", "Alanna")
        world = server.hub.world
        (player,) = world.all_players()
        spear = world.items.create_on_ground("spear", None, player.room, player.y, player.x, 0, "test", [])
        alice.read()
        alice.request("BP_REQ_GET", object={"id": spear.object_id, "amount": None})
        assert named(alice.request("BP_REQ_USE", object={"id": spear.object_id, "amount": None}), "BP_USE")[0]["id"] == spear.object_id
        (listed,) = named(alice.request("BP_REQ_INVENTORY"), "BP_USE_LIST")
        assert listed["ids"] == [spear.object_id]
        # the stick cannot be wielded: told, nothing used
        stick = world.items.create_on_ground("stick", None, player.room, player.y, player.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": stick.object_id, "amount": None})
        assert [m.name for m in alice.request("BP_REQ_USE", object={"id": stick.object_id, "amount": None})] == ["BP_MESSAGE"]
        (rat,) = world.monsters()
        rat.hit_points = 10_000
        said: list[str] = []
        for _ in range(30):
            replies = alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            said += [str(m.fields) for m in named(replies, "BP_MESSAGE")]
            if any("with your spear" in text for text in said):
                break
            server.advance(1.0)
        assert any("You hit the cellar rat with your spear for" in text for text in said), said
        server.advance(0.5)  # the item writes leave within a quarter of a second
    finally:
        server.stop()
    again = MemoryServer(tmp_path, config)
    try:
        alice = enter(again, "alice", "Alanna", create=False)
        (listed,) = named(alice.request("BP_REQ_INVENTORY"), "BP_USE_LIST")
        assert listed["ids"] == [spear.object_id]
        (player,) = again.hub.world.all_players()
        assert again.hub.world.wielded_weapon(player.object_id) is not None
        # taken off, and told so
        assert named(alice.request("BP_REQ_UNUSE", object={"id": spear.object_id, "amount": None}), "BP_UNUSE")[0]["id"] == spear.object_id
    finally:
        again.stop()


def test_worn_armour_takes_monster_blows_down() -> None:
    """Armour reducing up to 100 (at least 33 a blow) leaves every ogre hit at 1 health;
    bare, its hits take more."""
    from tests.test_monster_attacks import add_player as add_fighter, definition as ogre_cave, fight

    base = ogre_cave()
    kinds = dict(base.kinds)
    kinds["mail"] = _item("mail", ("use_type", BODY), ("item_type", ARMOUR), ("damage_reduce", 100))
    taken: dict[bool, list[int]] = {}
    for worn in (False, True):
        world = World(attrs.evolve(base, kinds=kinds), seed=3)
        victim = add_fighter(world, "cave", 5, 6, health=200)
        world.player(victim).stats.max_health = 200
        if worn:
            mail = world.items.create_on_ground("mail", None, "cave", *square_centre(5, 6), 0, "test", [])
            world.pick_up(victim, mail.object_id, None, 0.0)
            assert world.use_item(victim, mail.object_id) == [ev.ItemUsed(victim, mail.object_id)]
        taken[worn] = [e.damage for e in fight(world, 60) if isinstance(e, ev.MonsterAttacked) and e.hit]
    assert taken[True] and set(taken[True]) == {1}
    assert max(taken[False]) > 1


def test_an_axe_in_the_imported_world_is_named_in_the_original_words(imported, kod_tree, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The original's axe, picked up and wielded: its hits read "Your axe <slash word> the
    giant rat" (battler.kod AssessHit with the weapon's name and its blow's words)."""
    import re
    import shutil

    from protocol_specs.format_string import render
    from tests.test_fight_messages import ROOM, _client_texts, _ids

    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    world_file = data / "world.toml"
    world_file.write_text(re.sub(r'\[start\]\nroom = "\w+"\nrow = \d+\ncol = \d+', f'[start]\nroom = "{ROOM}"\nrow = 32\ncol = 14',
                                 world_file.read_text()))
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    texts = _client_texts(kod_tree)
    try:
        alice = enter(server, "alice", "Alanna")
        for resource_id, known in texts.items():
            alice.codec.resources.add(resource_id, known)
        world = server.hub.world
        (player,) = world.all_players()
        player.stats.health = 500
        axe = world.items.create_on_ground("axe", None, player.room, player.y, player.x, 0, "test", [])
        alice.read()
        alice.request("BP_REQ_GET", object={"id": axe.object_id, "amount": None})
        assert [m["id"] for m in named(alice.request("BP_REQ_USE", object={"id": axe.object_id, "amount": None}), "BP_USE")] == [axe.object_id]
        # a ring has no figures to fight with: refused
        ring = world.items.create_on_ground("acidring", None, player.room, player.y, player.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": ring.object_id, "amount": None})
        assert named(alice.request("BP_REQ_USE", object={"id": ring.object_id, "amount": None}), "BP_USE") == []
        (rat,) = [m for m in world.monsters() if m.room == ROOM and m.kind == "giantrat"][:1]
        rat.hit_points = 10_000
        attacker_hit = _ids(kod_tree, "battler_attacker_hit")[0]
        axe_name = kod_tree.classes["axe"].resource_id("vrName")
        slash_words = set(_ids(kod_tree, *(f"battler_slash_{s}" for s in ("nick", "wound", "damage", "slay"))))
        hits = []
        for _ in range(60):
            player.y, player.x = rat.y, rat.x + 64
            replies = alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            hits += [m for m in named(replies, "BP_MESSAGE") if m["format"] == attacker_hit]
            if hits:
                break
            server.advance(1.0)
        assert hits, "the axe never hit"
        params = hits[0]["params"]
        assert params[1] == axe_name and params[2] in slash_words
        assert "Your axe " in render(hits[0]["format"], params, texts)  # after the colour code
    finally:
        server.stop()


def test_a_player_armed_against_a_player_in_armour() -> None:
    """Between players: the attacker's spear reaches three squares and strikes by its
    rules; the victim's plate adds its defence and takes its share off each hit."""
    from emulator.rules.combat import player_damage_taken
    from tests.test_pvp import ADULT, add_player as add_pvp, definition as pvp_definition

    base = pvp_definition()
    kinds = {key: definition().kinds[key] for key in ("spear", "plate")}
    world = World(attrs.evolve(base, kinds=kinds), seed=5)
    anna = add_pvp(world, "field", 5, 5, 1, health=ADULT, max_health=ADULT)
    bob = add_pvp(world, "field", 5, 8, 2, health=500, max_health=ADULT)
    world.set_safety(anna, False)
    for who, kind in ((anna, "spear"), (bob, "plate")):
        player = world.player(who)
        item = world.items.create_on_ground(kind, None, "field", player.y, player.x, 0, "test", [])
        world.pick_up(who, item.object_id, None, 0.0)
        world.use_item(who, item.object_id)
    weapon = world.wielded_weapon(anna)
    assert weapon is not None and world.armour_of(bob) == (30, 6)
    hits = 0
    for swing in range(30):
        now = 2.0 * swing
        roll = roll_with(random.Random(f"{world.seed}:attack:{world.tick_count}:{anna}:{bob}:{now!r}"))
        a, v = world.player(anna).stats, world.player(bob).stats
        expected = roll_attack(
            player_offense(0, 0, a.aim, a.max_health, weapon),
            player_defense(0, 0, 0, v.agility, v.max_health, armour_bonus=30),
            lambda: player_damage(roll, a.might, a.aim, weapon),
            roll,
        )
        damage = player_damage_taken(armour_damage_reduction(expected.damage, 6, roll), v.health, v.max_health,
                                     outlaw_or_murderer=world.player(bob).outlaw) if expected.hit else 0
        (attacked,) = [e for e in world.attack(anna, bob, now) if isinstance(e, ev.PlayerAttacked)]
        assert (attacked.hit, attacked.damage, attacked.weapon) == (expected.hit, damage, "spear")
        assert attacked.damage_type == blow_type(player_attack_type(weapon), 0)
        hits += attacked.hit
    assert hits > 0
