"""End to end on the imported original world: summoned creatures that fight monsters.
Summon reflection: a creature drawn as its caster rises beside it, turns on the monster
that goes for its caster and fights it with the caster's figures; its kill moves the
caster's karma; it takes the caster's mana and goes when there is none left.
Summon apparition cast with BP_REQ_CAST on a monster of a room where players fight: the
creature rises beside it (one of the room's own kinds, with a fifth of its hit points),
the caster reads the spell's own words naming both, the room sees it swing at its victim
(its kind's attack animation) and hears the blows, the victim fights back, and when one
falls the room sees it go (a body for a monster of the room, none for the apparition),
the apparition going up in smoke once its victim is gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from emulator.content.model import WorldDefinition, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.combat import monster_max_hit_points
from emulator.rules.spells import summons as rules
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id
from emulator.world.events import ObjectEntered
from emulator.world.monsters import Monster
from emulator.world.objects import Player
from emulator.world.world import World

from .test_consumables_e2e import texts_of


@attrs.define
class Arena:
    server: MemoryServer
    live: World
    alice: MemoryClient
    bob: MemoryClient
    caster: Player
    rat: Monster


@pytest.fixture
def arena(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Arena]:
    from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place, _the_rat
    from .test_fight_messages import _client_texts

    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 600.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        rat = _the_rat(live, world)
        room = world.rooms[rat.room]
        first = _beside(ROOM_FILES / room.roo_file, *square_of(rat.y, rat.x), taken=set())
        second = _beside(ROOM_FILES / room.roo_file, *first, taken={square_of(rat.y, rat.x)})
        clients, ids = [], []
        for account, name, square in (("alice", "Alanna", first), ("bob", "Bram", second)):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            _save_in_place(server, name, rat.room, *square)
            client = server.connect()
            for resource_id, text in _client_texts(kod_tree).items():
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            ids.append(client.enter_world(name)["id"])
            clients.append(client)
        for other in [m for m in live.monsters() if m.room == rat.room and m is not rat]:
            live._monsters.remove(other)  # the rat alone
        spawns = live._monsters.rooms[rat.room]
        spawns.limit = 0  # and no newcomers
        rat.aggressive = rat.karma_aggressive = False  # it minds only what attacks it
        rat.target = None
        caster = live.player(ids[0])
        caster.stats.max_health = caster.stats.base_max_health = caster.stats.health = 60
        caster.stats.intellect = caster.stats.mysticism = 50
        caster.spells["summonapparition"] = caster.spells["summonreflection"] = 60
        for reagent in (*world.spells["summonapparition"].reagents, *world.spells["summonreflection"].reagents):
            pile = live.items.create_on_ground(reagent.kind, 10 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
            clients[0].request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 10 * reagent.count})
        yield Arena(server, live, clients[0], clients[1], caster, rat)
        assert not clients[0].closed_by_server and not clients[1].closed_by_server
    finally:
        server.stop()


def _cast(arena: Arena, target: int | None, key: str = "summonapparition") -> list[Message]:
    spell = arena.live.definition.spells[key]
    messages = arena.live.definition.messages
    assert messages is not None
    failed = messages.id("spell_failed")
    for _ in range(30):
        arena.server.advance(1.5)
        arena.alice.read()
        arena.bob.read()
        arena.caster.stats.mana = 60
        reply = arena.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                                    targets=[] if target is None else [{"id": target, "amount": None}])
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            return reply + arena.alice.read()
    raise AssertionError(f"{key} fizzled 30 times")


def _apparition(arena: Arena) -> Monster:
    (found,) = [m for m in arena.live.monsters() if m.summoned]
    return found


def _name_ids(arena: Arena, kind: str) -> tuple[int, int]:
    from emulator.game import fight_messages

    ctx = arena.server.hub.context
    messages = arena.live.definition.messages
    assert messages is not None
    return messages.id(f"article_{messages.kind(kind).indefinite}"), fight_messages._name(ctx, kind)


def test_the_import_reads_summon_apparition(world: WorldDefinition) -> None:
    spell = world.spells["summonapparition"]
    assert spell.effect == "summon_apparition" and spell.targets == 1 and spell.harmful
    assert spell.text("raised") and spell.text("crowded") and spell.text("wrong_target")
    assert all(world.kinds[kind].monster is not None for kind in rules.apparition_kinds())


@pytest.mark.parametrize("weak_rat", [True, False], ids=["the rat falls", "the apparition is banished"])
def test_an_apparition_fights_a_monster_to_the_death(arena: Arena, weak_rat: bool) -> None:
    live, rat, bob = arena.live, arena.rat, arena.bob
    spell = live.definition.spells["summonapparition"]
    resources = arena.server.hub.context.resources
    told = _cast(arena, rat.object_id)
    arena.server.advance((spell.cast_time or 0) * 1.5 / 1000 + 0.5)  # the trance
    told += arena.alice.read()
    creature = _apparition(arena)
    # one of the room's own kinds, with a fifth of its hit points, set on the rat
    assert creature.kind in {c.kind for c in live.definition.rooms[rat.room].monsters}
    assert creature.max_hit_points == monster_max_hit_points(creature.level) // rules.APPARITION_HEALTH_DIVISOR
    assert creature.foe == rat.object_id and creature.room == rat.room
    if weak_rat:
        rat.hit_points = 1  # the first blow that lands fells it
    raised = resources.id(spell.text("raised") or "")
    assert (raised, [*_name_ids(arena, creature.kind or ""), *_name_ids(arena, "giantrat")]) in texts_of(told)
    # Bob sees it rise, then swing at the rat until one of them falls
    seen: list[Message] = []
    for _ in range(240):
        arena.server.advance(0.5)
        seen += bob.read()
        if rat.object_id not in live._monsters.by_id or creature.object_id not in live._monsters.by_id:
            break
    arena.server.advance(1.0)
    seen += bob.read()
    assert [m for m in seen if m.name == "BP_CREATE" and m["id"] == creature.object_id] or creature.object_id in {
        m["id"] for m in bob.received if m.name == "BP_CREATE"}
    kinds = live.definition.kinds
    animation = kinds[creature.kind or ""].monster.attack_animation  # type: ignore[union-attr]
    swings = [m for m in seen if m.name == "BP_CHANGE" and m["id"] == creature.object_id and "animation" in m.fields]
    if animation is not None:
        assert swings and {m["animation"]["params"]["group_low"] for m in swings} == {animation[1]}
    removed = {m["id"] for m in seen if m.name == "BP_REMOVE"}
    assert (rat.object_id not in live._monsters.by_id) == weak_rat
    if weak_rat:
        # the rat fell to it: the room sees it go and its body fall; the apparition then vanishes
        assert rat.object_id in removed and creature.object_id in removed
        assert creature.object_id not in live._monsters.by_id and not live.enchantments_of(creature.object_id)
        bodies = [m for m in seen if m.name == "BP_CREATE" and m["id"] not in (rat.object_id, creature.object_id)]
        assert bodies or not kinds["giantrat"].monster.dead_icon  # type: ignore[union-attr]
        assert arena.caster.stats.karma == 0  # a monster's kill moves nobody's karma
    else:
        # the rat banished it: it leaves nothing behind
        assert creature.object_id in removed and creature.object_id not in live._monsters.by_id
        assert not [m for m in seen if m.name == "BP_CREATE" and m["id"] != creature.object_id]
    # the room hears the blows: the apparition's kind's sound at each swing
    sounds = [m for m in seen if m.name == "BP_PLAY_WAVE"]
    assert len(sounds) >= len(swings) > 0


def test_a_reflection_fights_for_its_caster_and_goes_without_mana(arena: Arena) -> None:
    from .test_looks_spells_e2e import _name_of_player

    live, rat, bob, caster = arena.live, arena.rat, arena.bob, arena.caster
    spell = live.definition.spells["summonreflection"]
    resources = arena.server.hub.context.resources
    told = _cast(arena, None, "summonreflection")
    arena.server.advance((spell.cast_time or 0) * 1.5 / 1000 + 0.5)
    told += arena.alice.read()
    watched = bob.read()
    assert (resources.id(spell.text("caster") or ""), []) in texts_of(told)
    creature = _apparition(arena)
    assert creature.kind == "reflection" and creature.room == caster.room
    assert 1 <= creature.hit_points == creature.max_hit_points <= 150 // rules.REFLECTION_HEALTH_DIVISOR
    # Bob sees Alice's double: her icon and name, a player's flags marked false
    (created,) = [m for m in watched if m.name == "BP_CREATE" and m["id"] == creature.object_id]
    assert created["icon"] == resources.id(live.definition.player_icon)
    assert created["name"] == _name_of_player(arena.server, caster)
    assert int(created["flags"]) & 0x4 and int(created["flags"]) & 0x800
    # the rat goes for Alice: her reflection turns on it and fells it; the kill is hers
    karma = (caster.stats.karma, caster.karma_fraction)
    rat.hit_points, rat.target = 1, caster.object_id
    caster.stats.mana = 60
    seen: list[Message] = []
    for _ in range(120):
        arena.server.advance(0.5)
        seen += bob.read()
        caster.stats.health = caster.stats.max_health  # the rat's bites never fell her
        if rat.object_id not in live._monsters.by_id:
            break
    assert rat.object_id not in live._monsters.by_id
    assert rat.object_id in {m["id"] for m in seen if m.name == "BP_REMOVE"}
    assert creature.object_id in live._monsters.by_id  # it fought on her side
    assert (caster.stats.karma, caster.karma_fraction) != karma
    # its upkeep: a point of mana each period; with none left it goes up in smoke
    mana = caster.stats.mana
    arena.server.advance(rules.REFLECTION_DRAIN_MS / 1000 + 0.5)
    assert caster.stats.mana == mana - rules.REFLECTION_DRAIN_MANA
    caster.stats.mana = 0
    arena.server.advance(rules.REFLECTION_DRAIN_MS / 1000 + 0.5)
    assert creature.object_id not in live._monsters.by_id and not live.enchantments_of(creature.object_id)
    assert creature.object_id in {m["id"] for m in bob.read() if m.name == "BP_REMOVE"}
    messages = live.definition.messages
    assert messages is not None
    vanished = resources.id(spell.text("vanished") or "")
    assert (vanished, [messages.id("cap_article_none"), _name_of_player(arena.server, caster)]) in texts_of(arena.alice.read())


def test_a_seduced_monster_follows_and_fights_for_its_caster(arena: Arena) -> None:
    from emulator.game.render import render

    live, rat, bob, caster = arena.live, arena.rat, arena.bob, arena.caster
    spell = live.definition.spells["seduce"]
    assert spell.figure("refuse_yeti") and spell.figure("refuse_revenant") and not spell.figure("refuse_giantrat")
    resources = arena.server.hub.context.resources
    messages = live.definition.messages
    assert messages is not None
    caster.spells["seduce"] = 60
    for reagent in spell.reagents:
        pile = live.items.create_on_ground(reagent.kind, 10 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
        arena.alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 10 * reagent.count})
    # not on oneself
    refused = texts_of(_cast(arena, caster.object_id, "seduce"))
    assert (resources.id(spell.text("not_on_self") or ""), [spell.text_id("name")]) in refused
    rat.max_hit_points = rat.hit_points = 10  # a weak will: below the least hers reaches at this power
    told = _cast(arena, rat.object_id, "seduce")
    arena.server.advance(0.5)
    told += arena.alice.read()
    from emulator.game import item_messages

    rat_name = item_messages.name_id(arena.server.hub.context, live.definition.kinds["giantrat"], plural=False)
    seduced = (resources.id(spell.text("seduced") or ""), [messages.id("cap_article_the"), rat_name])
    assert seduced in texts_of(told)
    assert live.is_enchanted(rat.object_id, "seduce") and rat.leader == caster.object_id and not rat.aggressive
    # again: it is already hers
    again = _cast(arena, rat.object_id, "seduce")
    assert (resources.id(spell.text("already_on") or ""), [messages.id("cap_article_the"), rat_name]) in texts_of(again)
    # another monster goes for Alice: the seduced rat turns on it and kills it, the room seeing it go
    other = live._monsters.summon("giantrat", rat.room, rat.y, rat.x, live.tick_count, caster.object_id)
    other.summoned, other.hit_points = False, 1
    render(arena.server.hub.context, [ObjectEntered(rat.room, other.object_id)])
    seen: list[Message] = []
    for _ in range(120):
        arena.server.advance(0.5)
        seen += bob.read()
        caster.stats.health = caster.stats.max_health
        if other.object_id not in live._monsters.by_id:
            break
    assert other.object_id not in live._monsters.by_id and rat.object_id in live._monsters.by_id
    assert other.object_id in {m["id"] for m in seen if m.name == "BP_REMOVE"}
    assert rat.target != caster.object_id  # it never turned on her
    # Alice leaves the room: at the next renewal the spell ends and the rat is itself again
    exits = [e for e in live._rooms[rat.room].square_exits.values() if e.target.room != rat.room]
    assert exits
    render(arena.server.hub.context, live._take_exit(caster, exits[0]))
    arena.server.advance(rules.SEDUCE_PERIOD_MS / 1000 + 0.5)
    assert not live.is_enchanted(rat.object_id, "seduce") and rat.leader is None


def test_a_failed_seduction_is_told_in_one_line(arena: Arena) -> None:
    live, rat, caster = arena.live, arena.rat, arena.caster
    spell = live.definition.spells["seduce"]
    caster.spells["seduce"] = 60
    for reagent in spell.reagents:
        pile = live.items.create_on_ground(reagent.kind, 10 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
        arena.alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 10 * reagent.count})
    rat.max_hit_points = rat.hit_points = 1000  # a will far beyond hers
    told = _cast(arena, rat.object_id, "seduce")
    arena.server.advance(0.5)
    told += arena.alice.read()
    lines = [m["params"][0] for m in told if m.name == "BP_MESSAGE" and m["params"] and isinstance(m["params"][0], str)]
    assert f"{spell.text('fail_1')}the giant rat{spell.text('fail_2')}" in lines
    assert not live.is_enchanted(rat.object_id, "seduce") and rat.target == caster.object_id  # it hates her now
