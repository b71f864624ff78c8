"""A killed monster leaves its body and its treasure: where, what, for how long, and after
a restart (monster.kod Killed, CreateDeadBody, CreateTreasure; body.kod; room.kod)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from emulator.content.loader import ContentError, load_world
from emulator.content.model import (
    ItemInfo,
    MonsterChance,
    MonsterInfo,
    ObjectKind,
    PlacedObject,
    Placement,
    RoomDefinition,
    SpawnRules,
    TreasureEntry,
    TreasureTable,
    WorldDefinition,
    square_centre,
    square_of,
)
from emulator.importer.blakod import KodTree
from emulator.rules.combat import monster_treasure_count
from emulator.rules.dice import roll_with
from emulator.rules.treasure import MONSTER_CORPSE_DECAY_MS, ROOM_DISPOSE_JITTER_MS, ROOM_DISPOSE_MS
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import Message
from tests.test_rules_treasure import scripted
from emulator.world import events as ev
from emulator.world.monsters import FIRST_MONSTER_ID, Monster
from emulator.world.items import FIRST_ITEM_ID, Items, row_of
from emulator.world.remains import FIRST_REMAINS_ID, Corpse, GroundItem, Remains, is_money
from emulator.world.world import World

REPO = Path(__file__).resolve().parent.parent
SPAWN = (5, 5)


def definition(
    treasure: tuple[TreasureEntry, ...] = (TreasureEntry("coins", 50), TreasureEntry("berries", 50)),
    level: int = 1,
    difficulty: int = 0,
    dead_icon: str = "ratX.bgf",
    fixtures: int = 0,
    respawn: bool = False,
) -> WorldDefinition:
    """A cellar whose one spawn square holds a still rat; with ``respawn``, another takes
    its place within a few ticks."""
    rooms = {
        "town": RoomDefinition("town", "Town", "town.roo", 6, 6),
        "cellar": RoomDefinition(
            "cellar", "Cellar", "cellar.roo", 10, 10,
            monsters=(MonsterChance("rat", 100),),
            monster_spawns=(Placement("cellar", *SPAWN),),
            spawn_rules=SpawnRules(
                limit=1, initial_min=1, initial_max=1, interval_ms=10_000 if respawn else 1_000_000, percent=100 if respawn else 0,
            ),
        ),
    }
    info = MonsterInfo(
        level=level, difficulty=difficulty, behaviour=("nomove",), treasure="ratloot",
        dead_name="dead rat" if dead_icon else "", dead_icon=dead_icon, dead_drawfx=0x200000,
    )
    kinds = {
        "rat": ObjectKind("rat", "rat", "rat.bgf", "A rat.", monster=info),
        "coins": ObjectKind("coins", "coin", "coin.bgf", "", 0x10, item=ItemInfo((("item_type", 0x2000), ("number", 1)), True, "coins")),
        "berries": ObjectKind("berries", "berry", "berry.bgf", "", 0x10, item=ItemInfo((("number", 4),), True, "berries")),
        "stick": ObjectKind("stick", "stick", "stick.bgf", "", 0x10, item=ItemInfo()),
        "barrel": ObjectKind("barrel", "barrel", "barrel.bgf", ""),
    }
    placed = tuple(PlacedObject(f"barrel{n}", "barrel", Placement("cellar", 1, n + 1)) for n in range(fixtures))
    tables = {"ratloot": TreasureTable("ratloot", 27, treasure)}
    return WorldDefinition(rooms, kinds, placed, start=Placement("town", 3, 3), treasure=tables)


def kill_the_rat(world: World, now: float = 0.0) -> tuple[Monster, int, list[ev.WorldEvent]]:
    (rat,) = world.monsters()
    rat.hit_points = 1  # one blow left in it, whatever its level
    y, x = square_centre(SPAWN[0], SPAWN[1] + 1)
    killer = next((p.object_id for p in world.players_in("cellar")), None)
    if killer is None:
        killer, _ = world.add_player(1, "Killer", ev.Position("cellar", y, x))
    for second in range(300):
        events = world.attack(killer, rat.object_id, now + second)
        if any(isinstance(e, ev.MonsterKilled) for e in events):
            return rat, killer, events
    raise AssertionError("the rat never died")


def test_the_body_and_the_treasure_appear_where_the_monster_fell_before_it_goes() -> None:
    world = World(definition(), seed=3)
    rat, killer, events = kill_the_rat(world)
    remains = world.remains()
    corpse, *items = remains
    assert isinstance(corpse, Corpse)
    assert (corpse.kind, corpse.room, corpse.y, corpse.x, corpse.angle) == ("rat", "cellar", rat.y, rat.x, rat.angle)
    assert corpse.object_id >= FIRST_REMAINS_ID
    # level 1, difficulty 0: one item, a pile on the rat's square
    assert len(items) == monster_treasure_count(1, 0, roll_with(random.Random(0))) == 1
    (item,) = items
    assert isinstance(item, GroundItem) and item.kind in ("coins", "berries")
    assert square_of(item.y, item.x) == SPAWN and item.number is not None
    if item.kind == "berries":
        assert item.number == 4  # its own number
    else:
        assert 1 + 2 * 1 <= item.number <= 1 + 2 * 1  # 1 + money of a level 1 monster: 2 * max(1, random(0, 1))
    # the order of the original: body, treasure, then the monster is deleted
    kinds = [type(e).__name__ for e in events]
    assert kinds[-3:] == ["ObjectEntered", "ObjectEntered", "MonsterKilled"]
    assert [e.object_id for e in events if isinstance(e, ev.ObjectEntered)] == [corpse.object_id, item.object_id]
    # everyone in the room has them now, in arrival order; the monster is gone
    assert [t.object_id for t in world.room_objects("cellar")] == [corpse.object_id, item.object_id, killer]
    assert world.object(corpse.object_id) is corpse and world.object(rat.object_id) is None


def test_the_body_decomposes_after_the_originals_time() -> None:
    world = World(definition(), seed=3)
    world.tick(0.0)
    kill_the_rat(world)
    corpse = world.remains()[0]
    died_ms = round(world.game_time * 1000)
    assert isinstance(corpse, Corpse) and corpse.decays_at_ms == died_ms + MONSTER_CORPSE_DECAY_MS
    left: list[tuple[float, ev.ObjectLeft]] = []
    now = 0.0
    while world.game_time * 1000 < died_ms + MONSTER_CORPSE_DECAY_MS:
        now += 1.0
        left += [(world.game_time, e) for e in world.tick(now) if isinstance(e, ev.ObjectLeft)]
    assert left == [(world.game_time, ev.ObjectLeft("cellar", corpse.object_id))]
    assert world.game_time * 1000 == died_ms + MONSTER_CORPSE_DECAY_MS
    assert world.object(corpse.object_id) is None


def test_a_monster_without_a_dead_icon_leaves_only_its_treasure() -> None:
    world = World(definition(dead_icon=""), seed=3)
    kill_the_rat(world)
    assert [type(r) for r in world.remains()] == [GroundItem]


def test_an_empty_treasure_table_drops_nothing() -> None:
    world = World(definition(treasure=()), seed=3)
    kill_the_rat(world)
    assert [type(r) for r in world.remains()] == [Corpse]


def test_a_number_item_joins_its_pile_on_the_same_square() -> None:
    content = definition(treasure=(TreasureEntry("berries", 1),), level=55 * 3, respawn=True)
    world = World(content, seed=3)
    # level 165: 1 + 165/55 = 4 items, all berries, on one square: a single pile of 16,
    # which the room sees once
    rat, killer, events = kill_the_rat(world)
    (corpse, pile) = world.remains()
    assert isinstance(pile, GroundItem) and pile.number == 4 * 4
    assert [e for e in events if isinstance(e, (ev.ObjectEntered, ev.ObjectChanged))] == [
        ev.ObjectEntered("cellar", corpse.object_id), ev.ObjectEntered("cellar", pile.object_id),
    ]
    # a later death on the same square: its berries join the pile, which the room sees change
    for second in range(1, 100):
        events = world.tick(float(second))
        if world.monsters():
            break
    (again,) = world.monsters()
    assert square_of(again.y, again.x) == SPAWN
    _, _, events = kill_the_rat(world, now=200.0)
    assert [e for e in events if isinstance(e, ev.ObjectChanged)] == [ev.ObjectChanged("cellar", pile.object_id)]
    assert pile.number == 2 * 4 * 4 and [type(r) for r in world.remains()] == [Corpse, Corpse, GroundItem]


def test_single_items_lie_side_by_side() -> None:
    world = World(definition(treasure=(TreasureEntry("stick", 1),), level=110), seed=3)
    kill_the_rat(world)
    sticks = [r for r in world.remains() if isinstance(r, GroundItem)]
    assert len(sticks) == 3 and all(s.number is None for s in sticks)


def test_an_empty_room_loses_its_ground_items_on_its_dispose_timer_and_keeps_the_body() -> None:
    world = World(definition(), seed=3)
    world.tick(0.0)
    rat, killer, _ = kill_the_rat(world)
    world.remove_player(killer, 1.0)
    corpse, item = world.remains()
    gone: list[float] = []
    now = 0.0
    while world.object(item.object_id) is not None:
        now += 1.0
        if any(isinstance(e, ev.ObjectLeft) and e.object_id == item.object_id for e in world.tick(now)):
            gone.append(world.game_time)
    # the room's timer fires within one period (plus the jitter) of the drop
    assert 0 < gone[0] <= (ROOM_DISPOSE_MS + ROOM_DISPOSE_JITTER_MS) / 1000 + 1
    if gone[0] * 1000 < MONSTER_CORPSE_DECAY_MS:
        assert world.object(corpse.object_id) is corpse  # the body has its own timer


def test_with_players_about_only_a_crowded_room_is_tidied() -> None:
    def leftovers(fixtures: int, level: int = 110, dead_icon: str = "ratX.bgf") -> int:
        content = definition(treasure=(TreasureEntry("stick", 1),), level=level, dead_icon=dead_icon, fixtures=fixtures)
        world = World(content, seed=3)
        world.tick(0.0)
        kill_the_rat(world)  # the killer stays in the room
        for second in range(1, 2 * (ROOM_DISPOSE_MS + ROOM_DISPOSE_JITTER_MS) // 1000):
            world.tick(float(second))
        return sum(isinstance(r, GroundItem) for r in world.remains())

    # body + 3 sticks = 4 passive objects: not more than five, nothing goes
    assert leftovers(0) == 3
    # 7 barrels + body + 3 sticks = 11: the oldest 3 go at each firing, and the barrels
    # are the oldest, so the sticks stay
    assert leftovers(7) == 3
    # 2 barrels + body + 3 sticks = 6: the oldest 2 (the barrels) are offered at the first
    # firing, nothing goes; the body decays, then 5 objects are not a crowd
    assert leftovers(2) == 3
    # no body, 6 sticks (the most a monster drops): the oldest 2 go, then 4 are no crowd
    assert leftovers(0, level=55 * 6, dead_icon="") == 4


def test_the_remains_survive_a_restart_with_their_time_left() -> None:
    content = definition()
    world = World(content, seed=3)
    world.tick(0.0)
    kill_the_rat(world)
    for second in range(1, 31):
        world.tick(float(second))
    corpse, item = world.remains()
    assert isinstance(corpse, Corpse) and isinstance(item, GroundItem)
    snapshot = world.snapshot()
    assert snapshot["version"] == 6
    assert [entry["id"] for entry in snapshot["remains"]["objects"]] == [corpse.object_id]  # items: the store's
    again = World(content, seed=3)
    again.restore(snapshot)
    again.load_items([row_of(i) for i in world.items], world.items.ledger.totals)
    restored = again.remains()
    assert [(type(r), r.object_id, r.kind, r.room, r.y, r.x, r.angle) for r in restored] == [
        (type(r), r.object_id, r.kind, r.room, r.y, r.x, r.angle) for r in (corpse, item)
    ]
    assert isinstance(restored[1], GroundItem) and restored[1].number == item.number
    assert isinstance(restored[0], Corpse) and restored[0].decays_at_ms == corpse.decays_at_ms
    # both decompose on the same tick
    def decayed(w: World) -> float:
        now = 100.0
        while w.object(corpse.object_id) is not None:
            now += 1.0
            w.tick(now)
        return w.game_time

    assert decayed(world) == decayed(again)
    # new remains do not take the restored ids
    assert world.snapshot()["remains"]["next_serial"] == snapshot["remains"]["next_serial"]


def test_older_snapshots_load_and_bad_remains_are_dropped() -> None:
    content = definition()
    world = World(content, seed=3)
    kill_the_rat(world)
    snapshot = world.snapshot()
    world.remove_player(world.all_players()[0].object_id, 0.0)
    old = {key: value for key, value in snapshot.items() if key != "remains"}
    old["version"] = 3
    before = World(content, seed=3)
    before.restore(old)
    assert before.remains() == []
    objects = snapshot["remains"]["objects"]
    objects[0]["kind"] = "dragon"  # a kind no longer defined
    pruned = World(content, seed=3)
    pruned.restore(snapshot)
    assert pruned.remains() == []
    objects[0]["kind"] = "rat"
    objects[0]["room"] = "moon"  # a room no longer defined
    pruned = World(content, seed=3)
    pruned.restore(snapshot)
    assert pruned.remains() == []
    # a version 4 snapshot's ground items are not taken (the store moved them to its tables)
    old4 = {**snapshot, "version": 4}
    old4["remains"] = {"next_serial": 5, "objects": [{"id": FIRST_REMAINS_ID + 1, "kind": "coins", "room": "cellar",
                                                       "y": 352, "x": 352, "angle": 0, "number": 3}]}
    four = World(content, seed=3)
    four.restore(old4)
    assert four.remains() == []
    with pytest.raises(Exception, match="malformed"):
        World(content, seed=3).restore({**snapshot, "remains": {"objects": []}})


# ---------------------------------------------------------------------------- through the server


def test_two_clients_see_the_body_and_a_growing_pile(tmp_path: Path) -> None:
    """The bundled data with a still rat next to the start square that drops three lots
    of berries: both players see its body and one pile of them (the amount, the plural
    name, the ground bitmap group); a second rat dying there makes the pile grow (BP_CHANGE)."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[cellar_rat]\nname = "cellar rat"\nicon = "rat.bgf"\ndescription = "A rat."\n'
            'flags = ["attackable"]\n\n[cellar_rat.monster]\nlevel = 110\nbehaviour = ["nomove"]\n'
            'treasure = "cellar"\ndead_name = "dead cellar rat"\ndead_icon = "ratX.bgf"\ndead_drawfx = "black"\n'
            '\n[berries]\nname = "berry"\nicon = "berry.bgf"\ndescription = "Berries."\nflags = ["gettable"]\n'
            '\n[berries.item]\nstacks = true\nnumber = 4\nplural = "berries"\nground_group = 2\n'
        )
    (data / "treasure.toml").write_text('[cellar]\nnumber = 1\n\n[[cellar.items]]\nkind = "berries"\nweight = 1\n')
    inn = data / "rooms" / "jasper_inn.toml"
    inn.write_text(
        "monster_limit = 1\ninitial_min = 1\ninitial_max = 1\nspawn_milliseconds = 5000\nspawn_percent = 100\n"
        + inn.read_text()
        + '\n[[monsters]]\nkind = "cellar_rat"\npercent = 100\n'
        + "\n[[monster_spawns]]\nrow = 5\ncol = 10\n"  # the start is (4, 10)
    )
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        clients = []
        for account, character in (("alice", "Alanna"), ("bob", "Bertram")):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, character)
            client = server.connect()
            client.login_to_game(account, f"pw-{account}")
            client.enter_world(character)
            clients.append(client)
        alice, bob = clients
        live = server.hub.world

        def kill() -> tuple[int, list[Message]]:
            """Alanna punches the rat of the inn to death (a level 110 rat, three drops,
            with one blow left in it); what Bertram saw of the room meanwhile."""
            for _ in range(20):
                if live.monsters():
                    break
                server.advance(1.0)
            (rat,) = live.monsters()
            rat.hit_points = 1
            alice.read()
            seen = bob.read()
            for _ in range(200):
                alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
                if live.object(rat.object_id) is None:
                    break
                server.advance(1.0)
                seen += bob.request("BP_PING")
            seen += bob.read()
            # the rat's end and what it left (not its coming, the swings or other monsters)
            return rat.object_id, [
                m for m in seen if (m.name, m.fields.get("id")) == ("BP_REMOVE", rat.object_id)
                or (m.name in ("BP_CREATE", "BP_CHANGE") and (FIRST_REMAINS_ID <= m["id"] & 0x0FFF_FFFF < FIRST_MONSTER_ID
                                                              or m["id"] & 0x0FFF_FFFF >= FIRST_ITEM_ID))
            ]

        first_rat, seen = kill()
        corpse, pile = live.remains()
        assert isinstance(pile, GroundItem) and pile.number == 3 * 4
        tagged = pile.object_id | 1 << 28  # a number item: tagged id, then its amount
        assert [(m.name, m["id"]) for m in seen] == [("BP_CREATE", corpse.object_id), ("BP_CREATE", tagged), ("BP_REMOVE", first_rat)]
        resources = server.game.prepared.resources
        body, created = seen[0], seen[1]
        assert (body["icon"], body["name"], body["flags"]) == (resources.id("ratX.bgf"), resources.id("dead cellar rat"), 0x40 | 0x400000)
        assert (created["amount"], created["name"], created["icon"]) == (12, resources.id("berries"), resources.id("berry.bgf"))
        assert created["animation"]["params"]["group"] == 2
        # looking: the pile by its tagged id and amount, as the client names number items;
        # the body offers no look
        looked = [m for m in bob.request("BP_REQ_LOOK", object={"id": tagged, "amount": 12}) if m.name == "BP_LOOK"]
        assert [m["description"]["params"] for m in looked] == [["Berries."]]
        assert [(m["object"]["id"], m["object"]["amount"]) for m in looked] == [(tagged, 12)]
        assert bob.request("BP_REQ_LOOK", object={"id": corpse.object_id, "amount": None}) == []

        second_rat, seen = kill()
        second_corpse = [r for r in live.remains() if isinstance(r, Corpse)][-1]
        assert [(m.name, m["id"]) for m in seen] == [
            ("BP_CREATE", second_corpse.object_id), ("BP_CHANGE", tagged), ("BP_REMOVE", second_rat),
        ]
        changed = seen[-2]
        assert (changed["amount"], changed["name"], changed["animation"]["params"]["group"]) == (24, resources.id("berries"), 2)
        assert not alice.closed_by_server and not bob.closed_by_server
        # A restart: the world saved on the way down comes back with the bodies (and the
        # time they have left) and the pile, which a player entering sees.
        now_ms = round(live.game_time * 1000)
        before = [(type(r), r.object_id, r.kind, r.y, r.x, r.angle) for r in live.remains()]
        left = [r.decays_at_ms - now_ms for r in live.remains() if isinstance(r, Corpse)]
        assert left and all(0 < ms <= MONSTER_CORPSE_DECAY_MS for ms in left)
    finally:
        server.stop()
    restarted = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        world = restarted.hub.world
        now_ms = round(world.game_time * 1000)
        assert [(type(r), r.object_id, r.kind, r.y, r.x, r.angle) for r in world.remains()] == before
        assert [r.decays_at_ms - now_ms for r in world.remains() if isinstance(r, Corpse)] == left
        carol = restarted.connect()
        carol.login_to_game("alice", "pw-alice")
        carol.enter_world("Alanna")
        contents = next(m for m in carol.received if m.name == "BP_ROOM_CONTENTS")
        listed = {o["id"]: o for o in contents["objects"]}
        assert listed[tagged]["amount"] == 24 and {r[1] for r in before if r[0] is Corpse} <= set(listed)
    finally:
        restarted.stop()


# ---------------------------------------------------------------------------- content


def test_the_loader_reads_a_body_and_a_pile_and_names_file_and_line_of_mistakes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    kinds = data / "objects" / "kinds.toml"
    good = (
        '\n[cellar_rat]\nname = "cellar rat"\nicon = "rat.bgf"\n\n[cellar_rat.monster]\n'
        'dead_name = "dead cellar rat"\ndead_name_rsc = 23824\ndead_icon = "ratX.bgf"\ndead_drawfx = "translucent_50"\n'
        '\n[berries]\nname = "berry"\nicon = "berry.bgf"\n\n[berries.item]\nstacks = true\nnumber = 4\n'
        'plural = "berries"\nplural_rsc = 29679\nground_group = 2\n'
    )
    kinds.write_text(kinds.read_text() + good)
    loaded = load_world(data)
    rat = loaded.kinds["cellar_rat"].monster
    assert rat is not None and (rat.dead_name, rat.dead_icon, rat.dead_drawfx) == ("dead cellar rat", "ratX.bgf", 0x200000)
    berries = loaded.kinds["berries"].item
    assert berries is not None and (berries.plural, berries.get("number"), berries.get("ground_group")) == ("berries", 4, 2)
    # the original's ids are kept for the texts a stock client has
    assert loaded.pinned_resource_ids()["dead cellar rat"] == 23824
    assert loaded.pinned_resource_ids()["berries"] == 29679

    bad = (
        good.replace('dead_drawfx = "translucent_50"', 'dead_drawfx = "glowing"')
        .replace('dead_icon = "ratX.bgf"', 'dead_icon = "ratX.png"')
        .replace("number = 4", "number = 0")
        .replace('plural = "berries"\n', "")
        .replace("ground_group = 2", "ground_group = 70000")
    )
    kinds.write_text(kinds.read_text().replace(good, bad))
    problems = "\n".join(problems_of_loading(data))
    text = kinds.read_text().splitlines()

    def line(start: str) -> str:
        return f"{kinds}:{next(n for n, t in enumerate(text, 1) if t.startswith(start))}: "

    assert line("dead_drawfx") + "'dead_drawfx' must be one of translucent_25" in problems
    assert line("dead_icon") + "'dead_icon' must end with .bgf" in problems
    assert line("number = 0") + "'number' = 0 is out of range 1..1000000" in problems
    assert line("plural_rsc") + "'plural_rsc' is given without 'plural'" in problems
    assert line("ground_group") + "'ground_group' = 70000 is out of range 1..65535" in problems


def problems_of_loading(data: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_world(data)
    return [str(problem) for problem in caught.value.problems]


def test_the_import_gives_bodies_and_piles_as_the_original(world: WorldDefinition, kod_tree: KodTree) -> None:
    with_body = 0
    for key, kind in world.kinds.items():
        info = kind.monster
        if info is None:
            continue
        cls = kod_tree.classes[key]
        if cls.resource("vrDead_icon") is None:
            assert not info.dead_icon, key
            continue
        with_body += 1
        assert dict(info.dead_resource_ids) == {
            "dead_icon": cls.resource_id("vrDead_icon"), "dead_name": cls.resource_id("vrDead_name"),
        }, key
        assert info.dead_drawfx == (cls.value("viDead_drawfx") or 0), key
    assert with_body >= 60 and world.kinds["giantrat"].monster is not None
    assert any(kind.monster is not None and kind.monster.dead_drawfx for kind in world.kinds.values())
    herbs, money = kod_tree.classes["herbs"], kod_tree.classes["money"]
    herb_item, money_item = world.kinds["herbs"].item, world.kinds["money"].item
    assert herb_item is not None and money_item is not None
    assert (herb_item.get("number"), dict(herb_item.resource_ids)) == (herbs.value("piNumber"), {"plural": herbs.resource_id("vrName_plural")})
    assert money_item.get("ground_group") == money.value("viGround_group") != 1
    assert is_money(world.kinds["money"]) and not is_money(world.kinds["herbs"])
    # every item a treasure table names is a kind of the world
    assert all(entry.kind in world.kinds for table in world.treasure.values() for entry in table.items)


def test_treasure_follows_the_rules_roll_by_roll() -> None:
    remains = Remains(definition(), 3, Items(definition()))
    # count: 1 + 30/55 + random(0, 9/3) -> 2 drawn; then per item random(0, 100), and for
    # money random(30/2, 3*30/2) doubled on top of its own 1
    made = remains.treasure("ratloot", 30, 9, False, scripted(1, 51, 50, 20))
    assert made == [("berries", 4), ("coins", 1 + 2 * 20)]
    # one_treasure monsters draw a single item and roll no count
    assert remains.treasure("ratloot", 30, 9, True, scripted(100)) == [("berries", 4)]
    assert remains.treasure("nothing", 30, 9, False, scripted()) == []
