"""A hand-made world (the bundled one with a spells.toml of its own, no messages.toml):
casting tells the server's own sentences, and the room hears the spell's sound by the
server's own id; the apples it takes are used up."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.testing.memory_server import MemoryServer
from emulator.world.casting import spell_object_id

from .test_consumables_e2e import bars

REPO = Path(__file__).resolve().parents[1]

SPELLS = """
[mend]
number = 7
name = "mend"
school = "faren"
level = 1
mana = 4
vigor = 2
targets = 1
effect = "heal"
sound = "heal.wav"

[[mend.reagents]]
kind = "apple"
count = 1
"""


def test_a_hand_made_heal_spell(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "spells.toml").write_text(SPELLS, encoding="utf-8")
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        alice = server.connect()
        alice.login_to_game("alice", "pw-alice")
        me = alice.enter_world("Alanna")["id"]
        live = server.hub.world
        player = live.player(me)
        player.spells["mend"] = 99
        player.stats.mysticism = 100
        player.stats.health, player.stats.mana = 5, 10
        apples = live.items.create_on_ground("apple", 5, player.room, player.y, player.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": apples.object_id | 1 << 28, "amount": 5})
        shown: list[str] = []
        for _ in range(20):  # 95%: a fizzle now and then
            server.advance(1.5)
            alice.read()
            reply = alice.request("BP_REQ_CAST", spell={"id": spell_object_id(7), "amount": None},
                                  targets=[{"id": me, "amount": None}])
            shown = [m["params"][0] for m in reply if m.name == "BP_MESSAGE"]
            if "Your mend spell fizzles." not in shown:
                break
        assert shown == ["You feel the mend spell."]
        assert player.stats.health > 5 and bars(reply, 1) == [player.stats.health]
        sound = server.hub.context.resources.id("heal.wav")
        assert [(m["wave"], m["source"]) for m in reply if m.name == "BP_PLAY_WAVE"] == [(sound, me)]
        assert live.items.by_id[apples.object_id].number == 4
        # at full health: the server's own refusal
        player.stats.health = player.stats.max_health
        server.advance(1.5)
        alice.read()
        reply = alice.request("BP_REQ_CAST", spell={"id": spell_object_id(7), "amount": None},
                              targets=[{"id": me, "amount": None}])
        assert [m["params"][0] for m in reply if m.name == "BP_MESSAGE"] == ["Alanna has no need of mend."]
        assert not alice.closed_by_server
    finally:
        server.stop()


def test_a_spell_s_figures_are_read_and_a_bad_one_is_named(tmp_path: Path) -> None:
    from emulator.content.loader import ContentError, load_world

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "spells.toml").write_text(SPELLS + "\n[mend.figures]\nrate = 12\nbonus = -3\n", encoding="utf-8")
    spell = load_world(data).spells["mend"]
    assert spell.figures == (("bonus", -3), ("rate", 12))
    assert (spell.figure("rate"), spell.figure("absent", 7)) == (12, 7)
    (data / "spells.toml").write_text(SPELLS + '\n[mend.figures]\nrate = "fast"\n', encoding="utf-8")
    try:
        load_world(data)
    except ContentError as error:
        assert "spells.toml" in str(error) and "figure 'rate' must be a whole number" in str(error)
    else:
        raise AssertionError("a figure that is not a number was accepted")
