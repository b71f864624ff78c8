"""End to end on the imported original world: the spells that strike everyone around the
caster, cast with BP_REQ_CAST where players may fight. Mana bomb: refused while one
there may not be attacked (the safety), and below the mana it asks; then it burns all of
Alanna's mana and half of it, raised by the power, of Bram's and Cora's, each told in the
spell's words (all gone or some), the room told whose mana went off, Alanna an outlaw.
Words by the original's resource ids; every frame decodes whole."""

from __future__ import annotations

from pathlib import Path

from emulator.content.model import WorldDefinition, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.testing.memory_server import MemoryServer
from emulator.world.casting import spell_object_id
from emulator.rules.spells import area as rules
from protocol_specs.opcodes import UC

from .test_consumables_e2e import bars, place, texts_of
from .test_divination_e2e import Trio, _power, own, trio  # noqa: F401  (the fixture)
from .test_e2e_giant_rat import ROOM_FILES, _beside, _the_rat
from .test_fight_messages import _client_texts


def test_the_import_reads_mana_bomb(world: WorldDefinition) -> None:
    bomb = world.spells["manabomb"]
    assert bomb.effect == "mana_bomb" and bomb.targets == 0 and bomb.harmful and bomb.mana == 0
    assert (bomb.figure("reach"), bomb.figure("reach_per"), bomb.figure("mana_needed")) == (6, 20, 12)


def test_mana_bomb_burns_the_caster_s_mana_and_half_of_everyone_else_s(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    bomb = scene.world.spells["manabomb"]
    messages = scene.world.messages
    assert messages is not None
    alanna, bram, cora = scene.players["alice"], scene.players["bob"], scene.players["cora"]
    alanna.spells["manabomb"] = 90
    scene.give("alice", "sapphire", 40)
    # the safety holds her back from striking innocents
    reply = scene.cast("alice", "manabomb")
    assert [m.name for m in reply if m.name == "BP_MESSAGE"] and alanna.stats.mana == 60
    assert not any(f == own(scene, bomb, "room") for f, _ in texts_of(reply))
    scene.clients["alice"].request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
    # too little mana: refused with the fizzle's sound
    scene.server.advance(1.5)
    scene.read_all()
    alanna.stats.mana = 11
    reply = scene.clients["alice"].request("BP_REQ_CAST", spell={"id": bomb_id(scene), "amount": None}, targets=[])
    assert texts_of(reply) == [(messages.id("spell_no_mana"), [bomb.text_id("name")])] and alanna.stats.mana == 11
    failed = messages.id("spell_failed")
    for _ in range(30):
        scene.server.advance(1.5)
        scene.read_all()
        bram.stats.mana, cora.stats.mana = 30, 5
        bram.stats.max_mana = cora.stats.max_mana = 30
        power = _power(scene, "alice", "manabomb")
        reply = scene.cast_now("alice", "manabomb")  # with 60 mana
        if not any(f == failed for f, _ in texts_of(reply)):
            break
    taken = rules.mana_bomb_burn(60, power)
    assert 30 <= taken <= 60 and alanna.stats.mana == 0 and bars(reply, 2)[-1] == 0
    assert bram.stats.mana == max(0, 30 - taken) and cora.stats.mana == 0
    told = {who: texts_of(client.read()) + (texts_of(reply) if who == "alice" else []) for who, client in scene.clients.items()}
    said = (own(scene, bomb, "room"), [messages.id("cap_article_none"), scene.name_id("alice")])
    assert all(said in told[who] for who in told)
    assert (own(scene, bomb, "all_gone"), []) in told["cora"]
    assert (own(scene, bomb, "all_gone" if bram.stats.mana == 0 else "some_gone"), []) in told["bob"]
    assert not any(f in (own(scene, bomb, "all_gone"), own(scene, bomb, "some_gone")) for f, _ in told["alice"])
    assert alanna.outlaw


def bomb_id(scene: Trio) -> int:
    from emulator.world.casting import spell_object_id

    return spell_object_id(scene.world.spells["manabomb"].number)


def test_the_import_reads_earthquake(world: WorldDefinition) -> None:
    quake = world.spells["earthquake"]
    assert quake.effect == "earthquake" and quake.targets == 0 and quake.harmful
    assert (quake.damage_min, quake.damage_max) == (5, 9)
    assert [quake.figure(n) for n in ("severity_per", "full_distance", "zero_distance")] == [25, 8, 20]


def test_the_quake_s_damage_falls_off_with_distance() -> None:
    def always(low: int, high: int) -> int:
        return high

    assert rules.earthquake_damage(always, 5, 9, 3, 0, 8, 20) == 27
    assert rules.earthquake_damage(always, 5, 9, 3, 64, 8, 20) == 27
    assert rules.earthquake_damage(always, 5, 9, 3, 65, 8, 20) == 27 * (100 * (400 - 65) // 336) // 100
    assert rules.earthquake_damage(always, 5, 9, 3, 401, 8, 20) == 0
    assert rules.earthquake_severity(99, 25) == 4


def test_earthquake_hurts_everyone_in_the_room_and_its_caster(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    quake = scene.world.spells["earthquake"]
    messages = scene.world.messages
    assert messages is not None
    alanna, bram, cora = scene.players["alice"], scene.players["bob"], scene.players["cora"]
    alanna.spells["earthquake"] = 80
    alanna.stats.max_health = alanna.stats.health = 100
    scene.give("alice", "redmushroom", 20)
    scene.give("alice", "purplemushroom", 20)
    reply = scene.cast("alice", "earthquake")  # the safety holds her back
    assert any(m.name == "BP_MESSAGE" for m in reply) and alanna.stats.mana == 60 and alanna.trance is None
    scene.clients["alice"].request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
    failed = messages.id("spell_failed")
    for _ in range(30):
        bram.stats.health, cora.stats.health = 40, 1
        reply = scene.cast("alice", "earthquake")
        if not any(f == failed for f, _ in texts_of(reply)):
            break
    assert alanna.trance is not None
    told: dict[str, list] = {who: [] for who in scene.clients}
    for _ in range(12):  # the trance, then the quake
        scene.server.advance(1.0)
        for who, client in scene.clients.items():
            told[who] += texts_of(client.read())
        if alanna.trance is None:
            break
    none, cap_none = messages.id("article_none"), messages.id("cap_article_none")
    pronouns = {messages.id("his"), messages.id("her"), messages.id("its")}
    assert 0 < 100 - alanna.stats.health <= 9 * 4
    assert (own(scene, quake, "shaken"), []) in told["alice"] and (own(scene, quake, "first"), []) in told["alice"]
    for who in ("bob", "cora"):
        (third,) = [p for f, p in told[who] if f == own(scene, quake, "third")]
        assert third[:2] == [cap_none, scene.name_id("alice")] and third[2] in pronouns
    # Bram is hurt and told; Alanna reads of it
    assert 0 < 40 - bram.stats.health <= 9 * 4 and (own(scene, quake, "shaken"), []) in told["bob"]
    (hit,) = [p for f, p in told["alice"] if f == own(scene, quake, "hit")]
    assert hit[:2] == [cap_none, scene.name_id("bob")] and hit[2] in pronouns
    # Cora dies of it: a murder by Alanna, who is told in the spell's words
    (killed,) = [p for f, p in told["alice"] if f == own(scene, quake, "killed_someone")]
    assert killed[:2] == [none, scene.name_id("cora")]
    assert killed[2] in {own(scene, quake, p) for p in ("he", "she", "it")}
    assert cora.room != alanna.room and alanna.murderer and live.last_murderer == alanna.character_id


def test_earthquake_strikes_the_monsters_in_the_room(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path,
) -> None:
    """Alanna beside a giant rat at death's door: her quake kills it (its body stays, the
    kill is hers), its body and the client told it is gone."""
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 7200.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        rat = _the_rat(live, world)
        square = _beside(ROOM_FILES / world.rooms[rat.room].roo_file, *square_of(rat.y, rat.x), taken=set())
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        place(server, "Alanna", rat.room, square, health=200, mana=60, vigor=100, max_health=200, base_max_health=200)
        client = server.connect()
        for resource_id, text in _client_texts(kod_tree).items():
            client.codec.resources.add(resource_id, text)
        client.login_to_game("alice", "pw-alice")
        alanna = live.player(client.enter_world("Alanna")["id"])
        alanna.spells["earthquake"] = 99
        alanna.stats.mysticism = alanna.stats.intellect = 60
        for kind in ("redmushroom", "purplemushroom"):
            item = live.items.create_on_ground(kind, 20, alanna.room, alanna.y, alanna.x, 0, "test", [])
            client.request("BP_REQ_GET", object={"id": item.object_id | (1 << 28), "amount": 20})
        seen = []
        for _ in range(40):
            server.advance(1.5)
            seen += client.read()
            rat.hit_points = 1
            alanna.stats.health = alanna.stats.max_health = 200
            alanna.stats.mana = 60
            client.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["earthquake"].number), "amount": None},
                           targets=[])
            for _ in range(10):
                server.advance(1.0)
                seen += client.read()
                if alanna.trance is None:
                    break
            if live.object(rat.object_id) is None:
                break
        assert live.object(rat.object_id) is None and rat.object_id not in live._monsters.by_id
        assert any(m.name == "BP_REMOVE" and m["id"] == rat.object_id for m in seen)
        assert not client.closed_by_server
    finally:
        server.stop()
