"""End to end on the imported original world: purify, purge and discordance, cast with
BP_REQ_CAST where players may fight. Enchantments are put on the players and the room
through the enchantment engine; the spells end those the original's rules pick on the
same die (purify the harmful ones on its caster, purge the helpful ones on another,
discordance the room's, one of them surely at a chance of 60 or more), each end told and
its icon removed; and the refusals when there is nothing to end. Words by the original's
resource ids; every frame decodes whole."""

from __future__ import annotations

import random

from emulator.content.model import WorldDefinition
from emulator.rules.dice import roll_with
from emulator.rules.spells import cleansing as rules
from emulator.world.casting import spell_object_id
from emulator.world.enchantments import Effect
from emulator.world.spells.cleansing import _figures
from protocol_specs.opcodes import UC

from .test_consumables_e2e import texts_of
from .test_divination_e2e import Trio, _power, own, trio  # noqa: F401  (the fixture)

HARMFUL = ("enfeeble", "vertigo", "forgetspell")
HELPFUL = ("superstrength", "bless", "detectgood")


def test_the_import_reads_the_cleansing_spells(world: WorldDefinition) -> None:
    purify, purge, discord = world.spells["purify"], world.spells["purge"], world.spells["discordance"]
    assert (purify.effect, purge.effect, discord.effect) == ("cleanse", "cleanse", "discord")
    assert purify.targets == 0 and purge.targets == 1 and purge.harmful and discord.targets == 0
    assert purify.figure("harmful_ones") == 1 and purge.figure("harmful_ones") == 0
    assert _figures(purify) == rules.DispelFigures(2, 60) and _figures(discord) == rules.DispelFigures(1, 60, 50, 100)
    # the boons are beyond them
    boons = [s for s in world.spells.values() if s.family == "boon"]
    assert boons and all(purify.figure(f"keep_{s.number}") and purge.figure(f"keep_{s.number}") for s in boons)
    for key in HARMFUL:
        assert world.spells[key].harmful and not purify.figure(f"keep_{world.spells[key].number}")


def _enchant(scene: Trio, target_id: int, keys: tuple[str, ...]) -> None:
    live = scene.server.hub.world
    for key in keys:
        assert live.enchant(target_id, key, 600_000, Effect(), caster_id=0).enchantment is not None


def _expected(scene: Trio, key: str, target_id: int, walked: list[str], power: int, songs: list[bool] | None = None) -> set[str]:
    live = scene.server.hub.world
    roll = roll_with(random.Random(f"{live.seed}:dispel:{live.tick_count}:{key}:{target_id}"))
    spell = scene.world.spells[key]
    return {walked[i] for i in rules.dispelled(roll, _figures(spell), power, songs or [False] * len(walked))}


def _cast(scene: Trio, key: str, *targets: int) -> tuple[list, int, set[str]]:
    """Cast until it does not fizzle: what the caster read, the power, what was on before."""
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        scene.server.advance(1.5)
        scene.read_all()
        power = _power(scene, "alice", key)
        reply = scene.cast_now("alice", key, *targets)
        if any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            continue
        return reply, power, set()
    raise AssertionError(f"{key} fizzled 30 times")


def test_purify_ends_harmful_enchantments_on_its_caster(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    purify = scene.world.spells["purify"]
    messages = scene.world.messages
    assert messages is not None
    alanna = scene.players["alice"]
    alanna.spells["purify"] = 99
    alanna.stats.karma = 70
    scene.give("alice", "emerald", 40)
    scene.give("alice", "elderberry", 40)
    _enchant(scene, alanna.object_id, HELPFUL[:1])
    # nothing harmful on her: refused, nothing paid
    reply = scene.cast("alice", "purify")
    assert texts_of(reply) == [(own(scene, purify, "not_enchanted"), [messages.id("article_none"), scene.name_id("alice")])]
    assert alanna.stats.mana == 60
    ended_any = False
    for _ in range(6):
        for key in HARMFUL:
            if not live.is_enchanted(alanna.object_id, key):
                _enchant(scene, alanna.object_id, (key,))
        walked = [e.spell for e in reversed(live.enchantments_of(alanna.object_id)) if e.spell in HARMFUL]
        reply, power, _ = _cast(scene, "purify")
        # the expected ones from the die of the tick it went off on
        expected = _expected(scene, "purify", alanna.object_id, walked, power)
        told = reply + scene.clients["alice"].read()
        assert (own(scene, purify, "target"), []) in texts_of(told)
        assert {k for k in HARMFUL if not live.is_enchanted(alanna.object_id, k)} == expected
        removed = [m["id"] for m in told if m.name == "BP_REMOVE_ENCHANTMENT"]
        assert sorted(removed) == sorted(spell_object_id(scene.world.spells[k].number) for k in expected)
        assert live.is_enchanted(alanna.object_id, HELPFUL[0])
        assert len(expected) >= (1 if power >= 60 else 0)
        ended_any = ended_any or bool(expected)
    assert ended_any


def test_purge_ends_helpful_enchantments_on_another(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    purge = scene.world.spells["purge"]
    messages = scene.world.messages
    assert messages is not None
    alanna, bram = scene.players["alice"], scene.players["bob"]
    alanna.spells["purge"] = 99
    alanna.stats.karma = 70
    scene.give("alice", "emerald", 60)
    scene.give("alice", "purplemushroom", 30)
    scene.clients["alice"].request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
    none, name = messages.id("article_none"), scene.name_id("bob")
    reply = scene.cast("alice", "purge", bram.object_id)
    assert texts_of(reply) == [(own(scene, purge, "not_enchanted"), [none, name])]
    _enchant(scene, bram.object_id, HARMFUL[:1])
    ended_any = False
    for _ in range(4):
        for key in HELPFUL:
            if not live.is_enchanted(bram.object_id, key):
                _enchant(scene, bram.object_id, (key,))
        walked = [e.spell for e in reversed(live.enchantments_of(bram.object_id)) if e.spell in HELPFUL]
        reply, power, _ = _cast(scene, "purge", bram.object_id)
        expected = _expected(scene, "purge", bram.object_id, walked, power)
        told, heard = texts_of(reply + scene.clients["alice"].read()), scene.clients["bob"].read()
        assert (own(scene, purge, "caster"), [purge.text_id("name"), none, name]) in told
        assert (own(scene, purge, "target"), []) in texts_of(heard)
        assert {k for k in HELPFUL if not live.is_enchanted(bram.object_id, k)} == expected
        assert len(expected) >= (1 if power >= 60 else 0)
        ended_any = ended_any or bool(expected)
        for key in expected:  # each end told in its own words
            ended = scene.world.spells[key]
            assert (scene.server.hub.context.resources.id(ended.text("ended") or ""), []) in texts_of(heard)
        assert live.is_enchanted(bram.object_id, HARMFUL[0])
    assert ended_any


def test_discordance_ends_the_room_s_enchantments(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    discord = scene.world.spells["discordance"]
    messages = scene.world.messages
    assert messages is not None
    alanna = scene.players["alice"]
    alanna.spells["discordance"] = 99
    alanna.stats.stamina = 60
    scene.give("alice", "sapphire", 40)
    reply = scene.cast("alice", "discordance")
    assert texts_of(reply) == [(own(scene, discord, "bad_location"), [discord.text_id("name")])]
    room_id = live.room_enchantment_target(alanna.room)
    for _ in range(3):
        _enchant(scene, room_id, ("darkness",))
        failed = messages.id("spell_failed")
        for _ in range(30):
            reply = scene.cast("alice", "discordance")
            if not any(f == failed for f, _ in texts_of(reply)):
                break
        power = _power(scene, "alice", "discordance")
        assert power >= 60  # one of them surely ends
        scene.server.advance(1.5)  # the trance
        told = {who: client.read() for who, client in scene.clients.items()}
        for who in ("alice", "bob", "cora"):
            assert (own(scene, discord, "room"), []) in texts_of(told[who])
            assert [m["id"] for m in told[who] if m.name == "BP_REMOVE_ENCHANTMENT"] == [
                spell_object_id(scene.world.spells["darkness"].number)]
        assert not live.enchantments_of(room_id)


def test_dispel_illusion_ends_the_illusions_around_its_caster(trio: Trio) -> None:
    scene, live = trio, trio.server.hub.world
    dispel = scene.world.spells["dispelillusion"]
    alanna, bram, cora = scene.players["alice"], scene.players["bob"], scene.players["cora"]
    illusions = sorted(k for k, s in scene.world.spells.items() if dispel.figure(f"illusion_{s.number}"))
    assert "vertigo" in illusions and "foresight" not in illusions and "superstrength" not in illusions
    alanna.spells["dispelillusion"] = 99
    alanna.stats.stamina = 60
    for kind, count in (("dragonflyeye", 20), ("uncutseraphym", 20), ("solagh", 40)):
        scene.give("alice", kind, count)
    chances: list[int] = []
    for attempt in range(4):
        for player, keys in ((bram, ("vertigo", "forgetspell", "superstrength")), (cora, ("vertigo",))):
            for key in keys:
                if not live.is_enchanted(player.object_id, key):
                    _enchant(scene, player.object_id, (key,))
        walked = [(p.object_id, e.spell) for p in live.players_in(alanna.room) for e in live.enchantments_of(p.object_id)
                  if dispel.figure(f"illusion_{scene.world.spells[e.spell].number}")]
        reply, power, _ = _cast(scene, "dispelillusion")
        roll = roll_with(random.Random(f"{live.seed}:illusions:{live.tick_count}:{alanna.object_id}"))
        chance = rules.illusion_chance(power)
        chances.append(chance)
        expected = {pair for pair in walked if roll(1, 100) <= chance}
        gone = {(pid, key) for pid, key in walked if not live.is_enchanted(pid, key)}
        assert gone == expected
        assert live.is_enchanted(bram.object_id, "superstrength")
        assert (own(scene, dispel, "caster"), []) in texts_of(reply)
    # a caster not yet open to player killing dispels nothing
    alanna.stats.max_health = alanna.stats.base_max_health = 20
    _enchant(scene, cora.object_id, ("forgetspell",)) if not live.is_enchanted(cora.object_id, "forgetspell") else None
    before = {(p.object_id, e.spell) for p in live.players_in(alanna.room) for e in live.enchantments_of(p.object_id)}
    _cast(scene, "dispelillusion")
    assert {(p.object_id, e.spell) for p in live.players_in(alanna.room) for e in live.enchantments_of(p.object_id)} == before
