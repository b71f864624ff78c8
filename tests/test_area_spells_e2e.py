"""End to end on the imported original world: the spells that strike everyone around the
caster, cast with BP_REQ_CAST where players may fight. Mana bomb: refused while one
there may not be attacked (the safety), and below the mana it asks; then it burns all of
Alanna's mana and half of it, raised by the power, of Bram's and Cora's, each told in the
spell's words (all gone or some), the room told whose mana went off, Alanna an outlaw.
Words by the original's resource ids; every frame decodes whole."""

from __future__ import annotations

from emulator.content.model import WorldDefinition
from emulator.rules.spells import area as rules
from protocol_specs.opcodes import UC

from .test_consumables_e2e import bars, texts_of
from .test_divination_e2e import Trio, _power, own, trio  # noqa: F401  (the fixture)


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
