"""End to end on the imported original world: a new character made with the creation
wizard knows Blink and what it chose, sees them in its spell and skill lists and stat
groups, learns Sweep (a level-1 Faren spell) from Widow Qesino, Jasper's innkeeper, for
the original's 500 shillings, forgets two, and keeps what it knows over a kill and a
restart; every frame decodes whole and the ledger stays balanced."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.content.model import WorldDefinition, square_centre
from emulator.game.render import render
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting, shops
from emulator.rules.spellbook import FAREN, KRAANAN, RIIJA
from emulator.store import accounts, characters
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world import spellbook
from emulator.world.casting import _power
from emulator.world.ledger import check_ledger
from emulator.world.objects import Player

from .test_consumables_e2e import inventory, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place
from .test_fight_messages import _client_texts

REPO = Path(__file__).resolve().parent.parent
NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1
MONEY = 600
KEEPER = "jasperinnkeeper"  # Widow Qesino: she teaches Sweep (monster.kod plFor_Sale)


def _one(messages: list[Message], name: str) -> Message:
    (found,) = [m for m in messages if m.name == name]
    return found


def _client(server: MemoryServer, kod_tree: KodTree) -> MemoryClient:
    client = server.connect()
    for resource_id, text in _client_texts(kod_tree).items():  # a stock client has the original's strings
        client.codec.resources.add(resource_id, text)
    client.login_to_game("alice", "pw-alice")
    return client


def _spells_shown(client: MemoryClient) -> tuple[dict[int, Message], dict[int, int]]:
    """BP_SEND_SPELLS: the spell objects by id, and the abilities of the stat group."""
    answer = client.request("BP_SEND_SPELLS")
    assert [m.name for m in answer] == ["BP_SPELLS", "BP_STAT_GROUP"]
    group = answer[1]
    assert group["group"] == 3
    assert [s["slot"] for s in group["stats"]] == list(range(1, len(group["stats"]) + 1))
    abilities = {s["data"]["id"]: s["data"]["value"] for s in group["stats"]}
    spells = {s["id"]: s for s in answer[0]["spells"]}
    assert set(spells) == set(abilities)
    return spells, abilities


def test_a_new_character_learns_sweep_from_the_jasper_innkeeper(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    spells, skills = world.spells, world.skills
    assert "sweep" in world.kinds[KEEPER].shop.teaches_spells  # type: ignore[union-attr]
    try:
        server.create_account("alice", "pw-alice")
        server.store.run(characters.create_character, "alice", "Newcomer", ready=False)
        alice = _client(server, kod_tree)
        (slot,) = alice.request("BP_SEND_CHARACTERS")[0]["characters"]

        # the wizard offers the level 1 and 2 spells of the four schools, and the low skills
        (info,) = [m for m in alice.request("BP_SYSTEM", command=49, args={}) if m.name == "BP_CHARINFO"]
        offered = {s["number"]: s for s in info["spells"]}
        assert spells["createfood"].number in offered and spells["bless"].number in offered
        assert spells["blink"].number not in offered and spells["sweep"].number in offered  # Riija is not offered
        assert offered[spells["createfood"].number]["cost"] == 10 and offered[spells["bless"].number]["cost"] == 25
        assert offered[spells["createfood"].number]["school"] == KRAANAN
        assert offered[spells["createfood"].number]["name"] == dict(spells["createfood"].resource_ids)["name"]
        offered_skills = {s["number"] for s in info["skills"]}
        assert skills["punch"].number in offered_skills and skills["parry"].number not in offered_skills
        assert skills["proficiency"].number not in offered_skills  # a base class, not a skill of the game
        made = alice.request(
            "BP_SYSTEM", command=48,
            args={"character": {"id": slot["id"], "amount": None}, "name": "Alanna", "description": "New here.",
                  "gender": 2, "face_parts": [], "hair_translation": 0, "face_translation": 0,
                  "stats": [25] * 6, "spells": [spells["createfood"].number], "skills": [skills["punch"].number]},
        )
        assert _one(made, "BP_CHARINFO_OK")["character"] == slot["id"]
        record = server.store.run(characters.find_character, "Alanna")
        assert record is not None and set(record.spells) == {"blink", "createfood"} and set(record.skills) == {"punch"}
        assert all(1 <= a <= 25 for a in (*record.spells.values(), *record.skills.values())) and record.karma == 0

        (placed,) = [p for p in world.objects if p.kind == KEEPER]
        room = world.rooms[placed.at.room]
        square = _beside(ROOM_FILES / room.roo_file, placed.at.row, placed.at.col, taken=set())
        _save_in_place(server, "Alanna", placed.at.room, *square)
        player_id = alice.enter_world("Alanna")["id"]
        # the schools by the original's names (user.kod ToCliSpellSchools), in the school bytes' order
        (schools,) = [m for m in alice.received if m.name == "BP_USERCOMMAND" and m["command"] == 4]
        names = [kod_tree.resources[f"user_school_{s}"].id for s in ("shalille", "qor", "kraanan", "faren", "riija", "jala")]
        assert schools["args"]["schools"] == names
        live = server.hub.world
        (keeper,) = [t for t in live.room_objects(placed.at.room) if t.kind == KEEPER]

        # the lists: the original's spell objects with their ids, names, icons, targets and schools
        shown, abilities = _spells_shown(alice)
        blink, createfood, sweep = spells["blink"], spells["createfood"], spells["sweep"]
        assert set(shown) == {spellbook.spell_object_id(blink), spellbook.spell_object_id(createfood)}
        shown_blink = shown[spellbook.spell_object_id(blink)]
        ids = dict(blink.resource_ids)
        assert (shown_blink["name"], shown_blink["icon"], shown_blink["school"]) == (ids["name"], ids["icon"], RIIJA)
        assert shown_blink["targets"] == (blink.targets or 0)
        assert abilities[spellbook.spell_object_id(blink)] == record.spells["blink"]
        answer = alice.request("BP_SEND_SKILLS")
        assert [m.name for m in answer] == ["BP_SKILLS", "BP_STAT_GROUP"]
        punch_id = spellbook.skill_object_id(skills["punch"])
        assert [s["id"] for s in answer[0]["skills"]] == [punch_id]
        assert [(s["data"]["id"], s["data"]["value"]) for s in answer[1]["stats"]] == [(punch_id, record.skills["punch"])]
        for group, count in ((3, 2), (4, 1)):
            stats = _one(alice.request("BP_SEND_STATS", group=group), "BP_STAT_GROUP")
            assert stats["group"] == group and len(stats["stats"]) == count
        assert len(_one(alice.request("BP_SEND_STAT_GROUPS"), "BP_STAT_GROUPS")["names"]) == 4

        # shillings to pay with, made through the items layer so the ledger has them
        coins = live.items.create_on_ground("money", MONEY, placed.at.room, *square_centre(*square), 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": MONEY})

        # she lists Sweep at the original's price (the capture shows it at 500), not Restorate (level 3)
        seller = {"id": keeper.object_id, "amount": None}
        buy_list = _one(alice.request("BP_REQ_BUY", seller=seller), "BP_BUY_LIST")
        offers = {o["object"]["id"]: o for o in buy_list["offers"]}
        sweep_id = spellbook.spell_object_id(sweep)
        assert offers[sweep_id]["price"] == shops.teaching_price(1) == 500
        assert offers[sweep_id]["object"]["name"] == dict(sweep.resource_ids)["name"]
        assert spellbook.spell_object_id(spells["restorate"]) not in offers

        learnt = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": sweep_id, "amount": None}])
        added = _one(learnt, "BP_SPELL_ADD")
        assert (added["id"], added["school"], added["name"]) == (sweep_id, FAREN, dict(sweep.resource_ids)["name"])
        wave = _one(learnt, "BP_PLAY_WAVE")  # the room hears a spell learnt (player.kod AddSpell)
        assert (wave["wave"], wave["source"]) == (kod_tree.resources["player_sound_learn_spell"].id, player_id)
        group = _one(learnt, "BP_STAT_GROUP")
        assert group["group"] == 3 and sweep_id in [s["data"]["id"] for s in group["stats"]]
        changed = _one(learnt, "BP_CHANGE")
        assert changed["id"] & ID_MASK == coins.object_id and changed["amount"] == MONEY - 500
        shown, abilities = _spells_shown(alice)
        assert sweep_id in shown and 1 <= abilities[sweep_id] <= 25
        ability = abilities[sweep_id]
        (player,) = live.players_in(placed.at.room)
        assert player.spells["sweep"] == ability
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok

        ability = _casts_sweep(server, alice, player, world, kod_tree, placed.at.room, square, (placed.at.row, placed.at.col))

        # taught once: no longer listed
        again = _one(alice.request("BP_REQ_BUY", seller=seller), "BP_BUY_LIST")
        assert sweep_id not in [o["object"]["id"] for o in again["offers"]]
        assert not alice.closed_by_server

        # forgetting one (as a forget spell would): it leaves the list by its id
        render(server.hub.context, live.forget(player.object_id, "createfood"))
        gone = alice.read()
        assert _one(gone, "BP_SPELL_REMOVE")["id"] == spellbook.spell_object_id(createfood)
        assert len(_one(gone, "BP_STAT_GROUP")["stats"]) == 2
        render(server.hub.context, live.forget(player.object_id, "punch", spell=False))
        gone = alice.read()
        assert _one(gone, "BP_SKILL_REMOVE")["id"] == punch_id and _one(gone, "BP_STAT_GROUP")["stats"] == []
        assert live.forget(player.object_id, "punch", spell=False) == []
        server.hub.autosave()

        # killed right after the lesson (the store's files as they are now): saved already
        crash = tmp_path / "killed"
        crash.mkdir()
        for path in tmp_path.glob("m59emu.db*"):
            shutil.copy(path, crash / path.name)
    finally:
        server.stop()
    killed = MemoryServer(crash, config)
    try:
        alice = _client(killed, kod_tree)
        alice.enter_world("Alanna")
        shown, abilities = _spells_shown(alice)
        assert abilities[sweep_id] == ability
    finally:
        killed.stop()

    # a restart: she logs in again and her spell list still has it, at the same ability
    restarted = MemoryServer(tmp_path, config)
    try:
        alice = _client(restarted, kod_tree)
        alice.enter_world("Alanna")
        shown, abilities = _spells_shown(alice)
        assert abilities[sweep_id] == ability and len(shown) == 2  # Blink and Sweep
        assert _one(alice.request("BP_SEND_SKILLS"), "BP_SKILLS")["skills"] == []
        assert not alice.closed_by_server
    finally:
        restarted.stop()


def _casts_sweep(
    server: MemoryServer, alice: MemoryClient, player: Player, world: WorldDefinition, kod_tree: KodTree,
    room: str, square: tuple[int, int], elsewhere: tuple[int, int],
) -> int:
    """She casts the Sweep she learnt (BP_REQ_CAST, no target): its two mushrooms (made
    through the items layer, so the ledger has them) and its mana go at once, it goes off
    when its trance ends on the game clock, and the two swords lying on the inn's floor
    come into her pack, not the pile of mushrooms too heavy for her. Her ability now."""
    live = server.hub.world
    messages = world.messages
    assert messages is not None
    sweep = world.spells["sweep"]
    sweep_id = spellbook.spell_object_id(sweep)
    ids = dict(sweep.resource_ids)
    assert sweep.effect == "gather_items" and not sweep.targets
    assert [(r.kind, r.count) for r in sweep.reagents] == [("mushroom", 2)]
    mushrooms = live.items.create_on_ground("mushroom", 2, room, *square_centre(*square), 0, "test", [])
    alice.request("BP_REQ_GET", object={"id": mushrooms.object_id | NUMBER_TAG, "amount": 2})
    assert mushrooms.object_id in inventory(alice)
    swords = [live.items.create_on_ground(kind, None, room, *square_centre(*square), 0, "test", []).object_id
              for kind in ("shortsword", "scimitar")]
    heavy = live.items.create_on_ground("mushroom", 2000, room, *square_centre(*elsewhere), 0, "test", []).object_id
    assert live.items.weight_and_bulk("mushroom", 2000)[0] > live.items.capacity(player.stats.might)
    made = live.items.ledger.totals["mushroom"]

    failed = messages.id("spell_failed")
    for _ in range(40):  # cast until it does not fizzle (a fizzle keeps the reagents)
        server.advance(1.5)  # the attack timer
        alice.read()
        player.stats.mana, player.stats.vigor = 40, 100
        spell_power = _power(live, player, sweep)
        reply = alice.request("BP_REQ_CAST", spell={"id": sweep_id, "amount": None}, targets=[])
        if (failed, [ids["name"]]) not in texts_of(reply):
            break
    else:
        raise AssertionError("sweep fizzled 40 times")
    # the costs at once: mana, the mushrooms gone in one item operation; then the trance
    assert player.stats.mana == 40 - casting.mana_cost(sweep.mana or 0, spell_power)
    assert (messages.id("spell_trance"), [ids["name"]]) in texts_of(reply)
    assert mushrooms.object_id not in live.items.by_id and mushrooms.object_id not in inventory(alice)
    trance = casting.trance_ms(sweep.cast_time or 0, spell_power)
    assert trance > 1000
    server.advance(trance / 1000 - 1.0)
    assert set(swords) <= {i.object_id for i in live.items.on_ground(room)}  # still in the trance
    server.advance(1.5)
    told = alice.read()
    assert sorted(m["id"] & ID_MASK for m in told if m.name == "BP_INVENTORY_ADD") == sorted(swords)
    assert set(swords) <= {m["id"] for m in told if m.name == "BP_REMOVE"}  # they left the floor
    assert (ids["something"], []) in texts_of(told)  # the original's words, by id
    assert (ids["sound"], player.object_id) in [(m["wave"], m["source"]) for m in told if m.name == "BP_PLAY_WAVE"]
    held = inventory(alice)
    assert set(swords) <= set(held) and heavy not in held
    assert [i.object_id for i in live.items.on_ground(room)] == [heavy]
    totals = live.items.ledger.totals["mushroom"]
    assert totals[1] - made[1] == 2  # the two mushrooms used up
    assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
    assert not alice.closed_by_server
    return player.spells["sweep"]


def test_the_starter_world_lists_no_spells(tmp_path: Path) -> None:
    """A hand-made world without spells: empty lists and groups, as the capture shows."""
    server = MemoryServer(tmp_path)
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        alice = server.connect()
        alice.login_to_game("alice", "pw-alice")
        (listed,) = [m for m in alice.request("BP_SEND_CHARACTERS") if m.name == "BP_CHARACTERS"]
        entry = alice.request("BP_USE_CHARACTER", character_id=listed["characters"][0]["id"])
        (schools,) = [m for m in entry if m.name == "BP_USERCOMMAND"]
        assert len(schools["args"]["schools"]) == 6  # UC_SPELL_SCHOOLS, as the capture has
        spells = alice.request("BP_SEND_SPELLS")
        assert [m.name for m in spells] == ["BP_SPELLS", "BP_STAT_GROUP"]
        assert spells[0]["spells"] == [] and spells[1]["stats"] == []
        skills = alice.request("BP_SEND_SKILLS")
        assert skills[0]["skills"] == [] and skills[1]["group"] == 4 and skills[1]["stats"] == []

        # a DM (and an admin) is listed a seventh school (user.kod ToCliSpellSchools)
        server.create_account("gm", "pw-gm", admin_level=accounts.DM)
        server.create_character("gm", "Keeper")
        gm = server.connect()
        gm.login_to_game("gm", "pw-gm")
        gm.enter_world("Keeper")
        (schools,) = [m for m in gm.received if m.name == "BP_USERCOMMAND"]
        names = [gm.codec.resources.text(i) for i in schools["args"]["schools"]]
        assert len(names) == 7 and names[0] == "Shal'ille" and names[-1] == "Game master"
    finally:
        server.stop()



def test_the_import_gives_each_skill_its_requisite_attribute(world: WorldDefinition) -> None:
    """skill.kod GetRequisiteStat and its overrides: what a skill's ability starts from."""
    skills = world.skills
    assert (skills["archery"].requisite, skills["secondwind"].requisite) == ("aim", "stamina")
    assert (skills["brawling"].requisite, skills["punch"].requisite) == ("might", "agility")
    offered = [s.key for s in spellbook.offered_skills(world)]
    assert "punch" in offered and not {"proficiency", "stroke", "unarmed"} & set(offered)


def test_a_hand_made_teacher_teaches_a_spell_and_a_skill_in_the_servers_own_words(tmp_path: Path) -> None:
    """A world of one's own: a hermit teaching a Faren spell, a Shal'ille spell (which asks
    for karma a newcomer lacks), a level 2 spell (which asks for the level below) and a
    skill; the lessons it may give are listed, refused when too dear, and taught once."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "spells.toml").write_text(
        '[spark]\nnumber = 1\nname = "spark"\nicon = "spark.bgf"\nschool = "faren"\nlevel = 1\n'
        '\n[blaze]\nnumber = 2\nname = "blaze"\nicon = "blaze.bgf"\nschool = "faren"\nlevel = 2\n'
        '\n[mend]\nnumber = 3\nname = "mend"\nicon = "mend.bgf"\nschool = "shalille"\nlevel = 1\ntargets = 1\n'
    )
    (data / "skills.toml").write_text(
        '[jab]\nnumber = 10\nname = "jab"\nicon = "jab.bgf"\nschool = 10\nlevel = 1\nrequisite = "might"\n'
    )
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[hermit]\nname = "hermit"\nicon = "hermit.bgf"\ndescription = "A hermit."\n'
            '\n[hermit.shop]\nteaches_spells = ["spark", "blaze", "mend"]\nteaches_skills = ["jab"]\n'
            '\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
            '\n[shillings.item]\nstacks = true\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\nvalue = 1\n'
        )
    with (data / "objects" / "placed.toml").open("a") as placed:
        placed.write('\n[[object]]\nkey = "inn_hermit"\nkind = "hermit"\nroom = "jasper_inn"\nrow = 5\ncol = 12\n')
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        alice = server.connect()
        alice.login_to_game("alice", "pw-alice")
        me = server.hub.world.player(alice.enter_world("Alanna")["id"])
        live = server.hub.world
        coins = live.items.create_on_ground("shillings", 700, me.room, me.y, me.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": 700})
        (keeper,) = [t for t in live.room_objects(me.room) if t.kind == "hermit"]
        seller = {"id": keeper.object_id, "amount": None}
        definition = server.hub.context.definition
        spark_id = spellbook.spell_object_id(definition.spells["spark"])
        jab_id = spellbook.skill_object_id(definition.skills["jab"])

        # skills before spells, each group in the reverse of its list (monster.kod GetForSale)
        listed = _one(alice.request("BP_REQ_BUY", seller=seller), "BP_BUY_LIST")
        assert [(o["object"]["id"], o["price"]) for o in listed["offers"]] == [(jab_id, 500), (spark_id, 500)]

        # the spell twice in one request: taught and paid once, the second line refused
        learnt = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": spark_id, "amount": None}] * 2)
        assert _one(learnt, "BP_SPELL_ADD")["id"] == spark_id
        said = [m["text"]["params"][1] for m in learnt if m.name == "BP_SAID"]
        assert said == ["I don't sell that."]
        assert "BP_PLAY_WAVE" not in [m.name for m in learnt]  # a world without messages.toml has no sound for it
        assert set(me.spells) == {"spark"} and 1 <= me.spells["spark"] <= 12  # mysticism 25: at most 12

        # 200 shillings left: the skill is too dear, said in the server's words naming it
        refused = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": jab_id, "amount": None}])
        assert [m["text"]["params"][1] for m in refused if m.name == "BP_SAID"] == ["You can't afford the jab."]
        coins2 = live.items.create_on_ground("shillings", 300, me.room, me.y, me.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins2.object_id | NUMBER_TAG, "amount": 300})
        taught = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": jab_id, "amount": None}])
        assert _one(taught, "BP_SKILL_ADD")["id"] == jab_id
        group = _one(taught, "BP_STAT_GROUP")
        assert group["group"] == 4 and [s["data"]["id"] for s in group["stats"]] == [jab_id]
        assert set(me.skills) == {"jab"} and not live.carried(me.object_id)  # every shilling paid

        # nothing left it may teach her now (blaze wants more of Faren's first level, mend karma)
        assert [m.name for m in alice.request("BP_REQ_BUY", seller=seller)] == ["BP_SAID"]
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not alice.closed_by_server
    finally:
        server.stop()


def test_a_hand_made_sweep_speaks_the_servers_own_words(tmp_path: Path) -> None:
    """A world of one's own with a spell that gathers items and no words of its own: the
    caster and the others in the room read the server's sentences."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "spells.toml").write_text(
        '[gust]\nnumber = 1\nname = "gust"\nicon = "gust.bgf"\nschool = "faren"\nlevel = 1\nmana = 1\n'
        'targets = 0\neffect = "gather_items"\n'
    )
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        clients = []
        for account, name in (("alice", "Alanna"), ("bob", "Bram")):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            client = server.connect()
            client.login_to_game(account, f"pw-{account}")
            clients.append((client, client.enter_world(name)["id"]))
        (alice, me_id), (bob, _) = clients
        live = server.hub.world
        me = live.player(me_id)
        me.spells["gust"], me.stats.mana, me.stats.mysticism = 99, 20, 99
        gust_id = spellbook.spell_object_id(server.hub.context.definition.spells["gust"])

        def cast() -> tuple[list[str], list[str]]:
            for _ in range(30):
                server.advance(1.5)
                alice.read(), bob.read()
                me.stats.mana = 20
                reply = alice.request("BP_REQ_CAST", spell={"id": gust_id, "amount": None}, targets=[])
                said = [m["params"][0] for m in reply if m.name == "BP_MESSAGE"]
                if "Your gust spell fizzles." not in said:
                    return said, [m["params"][0] for m in bob.read() if m.name == "BP_MESSAGE"]
            raise AssertionError("gust fizzled 30 times")

        apple = live.items.create_on_ground("apple", 1, me.room, me.y, me.x, 0, "test", [])
        mine, theirs = cast()
        assert mine == ["A gust gathers loose things into your pack."]
        assert theirs == ["Alanna murmurs and gestures.", "A gust of wind gathers loose things into Alanna's pack."]
        assert apple.carrier == me.character_id
        mine, theirs = cast()
        assert mine == ["The gust finds nothing here you can carry."] and theirs == ["Alanna murmurs and gestures."]
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not alice.closed_by_server and not bob.closed_by_server
    finally:
        server.stop()
