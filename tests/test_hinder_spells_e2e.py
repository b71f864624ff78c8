"""End to end on the imported original world: the spells that hold, blind and turn, cast
with BP_REQ_CAST by a protocol client among the original's monsters. Flash whites out the
screens it catches (BP_EFFECT) and breaks their trances, and stands monsters still; holy
symbol turns the undead, which then keep away from the caster; bait sets monsters on the
caster; Kara'hol's curse raises its bearer's hit roll and holds it when it ends, and a held
player's moves are put back and it can neither fight nor cast; hold holds a monster, which
does nothing while held. The words are the original's by resource id, and every frame
decodes whole (the clients' read checks it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.content.model import WorldDefinition, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells import hinder
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import Message
from emulator.world import events as ev
from emulator.world.casting import spell_object_id
from emulator.world.holding import hold
from emulator.world.ledger import check_ledger
from emulator.world.monsters import Monster
from emulator.world.world import World
from protocol_specs.server_messages import (
    EFFECT_BLIND, EFFECT_PAIN, EFFECT_PARALYZE, EFFECT_RELEASE, EFFECT_SEE, EFFECT_WHITEOUT, EFFECT_XLATOVERRIDE,
)

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import place, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside, _spy, _the_rat
from .test_fight_messages import _client_texts

Pick = Callable[[World, WorldDefinition], Monster]


@pytest.fixture
def make(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree,
         tmp_path: Path) -> Iterator[Callable[[Pick], tuple[Scene, Monster]]]:
    """Alice (the caster) and Bob side by side next to a monster the test picks."""
    made: list[Scene] = []

    def build(pick: Pick) -> tuple[Scene, Monster]:
        config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 7200.0\n'
        server = MemoryServer(tmp_path, config)
        live = server.hub.world
        monster = pick(live, world)
        near = square_of(monster.y, monster.x)
        roo = ROOM_FILES / world.rooms[monster.room].roo_file
        first = _beside(roo, *near, taken=set())
        second = _beside(roo, *first, taken={near})
        clients = []
        for account, name, square in (("alice", "Alanna", first), ("bob", "Bram", second)):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            # tough enough to stand among the monsters for the whole test
            place(server, name, monster.room, square, health=400, mana=60, vigor=100, max_health=400, base_max_health=400)
            client = server.connect()
            for resource_id, text in _client_texts(kod_tree).items():
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            clients.append((client, client.enter_world(name)["id"]))
        (alice, me), (bob, him) = clients
        caster, target = live.player(me), live.player(him)
        caster.stats.mysticism = caster.stats.stamina = caster.stats.intellect = 50
        caster.stats.max_mana = 60
        scene = Scene(server, world, alice, bob, caster, target, 0)
        made.append(scene)
        return scene, monster

    try:
        yield build
        for scene in made:
            live = scene.server.hub.world
            assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
            assert not scene.alice.closed_by_server and not scene.bob.closed_by_server
    finally:
        for scene in made:
            scene.server.stop()


def _first_of(kinds: Callable[[WorldDefinition, str], bool]) -> Pick:
    """A live monster of the first room (by key) that has one of the kinds wanted."""
    def pick(live: World, world: WorldDefinition) -> Monster:
        found = sorted((m for m in live.monsters() if kinds(world, m.kind or "")), key=lambda m: (m.room, m.object_id))
        assert found, "no such monster lives in the original's world"
        return found[0]
    return pick


def _undead(world: WorldDefinition, kind: str) -> bool:
    info = world.kinds[kind].monster
    return info is not None and "undead" in info.behaviour


def _calm(world: WorldDefinition, kind: str) -> bool:
    """A monster that never attacks on its own (so only bait sets it on a player)."""
    info = world.kinds[kind].monster
    return (info is not None and "npc" not in info.behaviour and "nomove" not in info.behaviour
            and not {"fight_aggressive", "fight_hyperaggressive", "fight_karma_aggressive"} & set(info.behaviour))


def _effects(messages: list[Message], effect: int) -> list[dict[str, Any]]:
    return [{k: v for k, v in dict(m["args"]).items() if not k.startswith("_")}
            for m in messages if m.name == "BP_EFFECT" and m["effect"] == effect]


def _icons(messages: list[Message], name: str) -> list[int]:
    return [(m["object"]["id"] if name == "BP_ADD_ENCHANTMENT" else m["id"]) for m in messages
            if m.name == name and m["type"] == 1]


def _recorded(scene: Scene) -> list[ev.WorldEvent]:
    recorded: list[ev.WorldEvent] = []
    _spy(scene.server.hub.world, recorded)
    return recorded


def _give(scene: Scene, key: str, times: int) -> None:
    for reagent in scene.world.spells[key].reagents:
        scene.give(reagent.kind, reagent.count * times)


def test_the_import_reads_the_family_and_the_undead(world: WorldDefinition) -> None:
    family = ("flash", "holy_symbol", "bait", "karahols_curse", "hold", "blind", "dazzle")
    effects = {k: s.effect for k, s in world.spells.items() if s.effect in family}
    assert effects == {"flash": "flash", "holysymbol": "holy_symbol", "bait": "bait", "karaholscurse": "karahols_curse",
                       "hold": "hold", "blind": "blind", "dazzle": "dazzle"}
    assert world.spells["holysymbol"].figure("hate_margin", 0) == hinder.HATE_MARGIN
    assert world.spells["karaholscurse"].targets == 0
    for key, purposes in {"holysymbol": ("caster",), "bait": ("caster",), "karaholscurse": ("target", "ended", "already_self"),
                          "hold": ("target", "ended", "done_to", "already_on", "not_on_self")}.items():
        for purpose in purposes:
            assert world.spells[key].text_id(purpose), (key, purpose)
    undead = {k for k, kind in world.kinds.items() if kind.monster is not None and "undead" in kind.monster.behaviour}
    assert {"skeleton", "zombie", "mummy", "ghost", "lich", "thrasher"} <= undead
    assert not {"giantrat", "centipede", "orc", "troll"} & undead
    troops = {k for k, kind in world.kinds.items() if kind.monster is not None and "faction_troop" in kind.monster.behaviour}
    assert "factiontroop" in troops and not troops & undead - {"necromancertroop"} and "giantrat" not in troops


def test_flash_whites_out_breaks_trances_and_stands_monsters_still(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    world, caster, target = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell = world.spells["flash"]
    caster.spells["flash"] = 80
    _give(scene, "flash", 40)
    caught_bob = held_rat = missed_bob = False
    for _ in range(25):
        now_ms = round(live.game_time * 1000)
        target.trance = ("heal", (), now_ms + 600_000)  # Bob concentrates on a long spell
        caster.stats.mana = 60
        reply = scene.cast_until_it_works("flash")
        heard = scene.bob.read()
        assert caster.stats.mana <= 60 - rules.mana_cost(spell.mana or 0, power(scene, "flash"))  # after any fizzles
        # the caster's screen always flashes, once more when it catches the caster too
        assert _effects(reply, EFFECT_WHITEOUT)[:1] == [{"duration": hinder.FLASH_WHITEOUT_MS}]
        assert len(_effects(reply, EFFECT_WHITEOUT)) in (1, 2)
        if _effects(heard, EFFECT_WHITEOUT):
            assert _effects(heard, EFFECT_WHITEOUT) == [{"duration": hinder.FLASH_WHITEOUT_MS}]
            assert target.trance is None
            assert (messages.id("spell_trance_broken"), [world.spells["heal"].text_id("name")]) in texts_of(heard)
            caught_bob = True
        else:
            assert target.trance is not None  # it saw the caster murmur, nothing more
            assert messages.id("spell_trance_broken") not in [f for f, _ in texts_of(heard)]
            missed_bob = True
        if live.is_enchanted(rat.object_id, "hold"):
            (held,) = [e for e in live.enchantments_of(rat.object_id) if e.spell == "hold"]
            assert "held" in held.effect.flags and held.due_ms is not None
            assert 0 < held.due_ms - round(live.game_time * 1000) <= hinder.FLASH_HOLD_MS
            held_rat = True
        # the room hears it from the caster
        assert (spell.text_id("sound"), caster.object_id) in [(m["wave"], m["source"]) for m in heard if m.name == "BP_PLAY_WAVE"]
        if caught_bob and held_rat and missed_bob:
            break
    assert caught_bob and held_rat
    chance = hinder.flash_chance(power(scene, "flash"))
    assert missed_bob or chance >= 90  # at this power it catches most


def test_a_held_monster_does_nothing_and_hold_holds_one(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    live = scene.server.hub.world
    recorded = _recorded(scene)
    # beside an aggressive rat for ten seconds: it bites
    scene.server.advance(10.0)
    assert any(isinstance(e, ev.MonsterAttacked) and e.monster_id == rat.object_id for e in recorded)
    # held, it neither moves nor bites, and it keeps whom it chased
    events: list[ev.WorldEvent] = []
    assert hold(live, rat.object_id, 10_000, events, free_action=False)
    assert not hold(live, rat.object_id, 10_000, events)  # not held twice
    chased = rat.target
    where = (rat.y, rat.x)
    recorded.clear()
    scene.server.advance(9.0)
    assert not any(isinstance(e, ev.MonsterAttacked | ev.ObjectMoved) and getattr(e, "monster_id", getattr(e, "object_id", 0)) == rat.object_id
                   for e in recorded)
    assert (rat.y, rat.x) == where and rat.target == chased
    scene.server.advance(2.0)
    assert not live.is_enchanted(rat.object_id, "hold")
    # free action keeps a hold from taking, unless the hold allows none (flash's, Kara'hol's)
    from emulator.world.enchantments import Effect

    live.enchant(rat.object_id, "freeaction", 60_000, Effect(flags={"free_action"}))
    assert not hold(live, rat.object_id, 5_000, events) and not live.is_enchanted(rat.object_id, "hold")
    assert hold(live, rat.object_id, 1_000, events, free_action=False)
    events += live.disenchant(rat.object_id, "freeaction") + live.disenchant(rat.object_id, "hold")
    # the hold spell: the caster reads that it took, naming the rat
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    caster.spells["hold"] = 80
    caster.stats.karma = -60
    _give(scene, "hold", 20)
    for _ in range(30):
        scene.server.advance(2.5)
        scene.alice.read()
        if live.is_enchanted(rat.object_id, "hold"):
            continue
        caster.stats.mana = 60
        row, col = square_of(caster.y, caster.x)
        caster.angle = next(a for a in range(0, 4096, 512) if rules.in_view(a, row, col, *square_of(rat.y, rat.x)))
        reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["hold"].number), "amount": None},
                                    targets=[{"id": rat.object_id, "amount": None}])
        done = [p for f, p in texts_of(reply) if f == world.spells["hold"].text_id("done_to")]
        if done:
            kind = world.kinds["giantrat"]
            assert done == [[messages.id(f"cap_article_{messages.kind('giantrat').article}"), dict(kind.resource_ids)["name"]]]
            assert live.enchantment_flag(rat.object_id, "held")
            (held,) = [e for e in live.enchantments_of(rat.object_id) if e.spell == "hold"]
            whole = 2000 + 40 * power(scene, "hold")
            assert held.due_ms is not None and held.due_ms - round(live.game_time * 1000) <= whole
            break
    else:
        raise AssertionError("hold never took")
    # on oneself: refused with the original's words, nothing paid
    mana = caster.stats.mana = 60
    scene.server.advance(2.5)
    reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["hold"].number), "amount": None},
                                targets=[{"id": caster.object_id, "amount": None}])
    assert texts_of(reply) == [(world.spells["hold"].text_id("not_on_self"), [world.spells["hold"].text_id("name")])]
    assert caster.stats.mana == mana


def test_holy_symbol_turns_the_undead_away(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, undead = make(_first_of(_undead))
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells["holysymbol"]
    caster.spells["holysymbol"] = 80
    caster.stats.karma = 90  # Shal'ille's: the better the soul, the surer the turning
    _give(scene, "holysymbol", 5)
    for monster in live.monsters():
        if monster.room == caster.room:
            monster.target = None
    reply = scene.cast_until_it_works("holysymbol")
    assert (rules.trance_ms(spell.cast_time or 0, power(scene, "holysymbol")) > 0
            and (scene.world.messages.id("spell_trance"), [spell.text_id("name")]) in texts_of(reply))  # type: ignore[union-attr]
    recorded = _recorded(scene)
    scene.server.advance(2.5)
    told = scene.alice.read()
    assert (spell.text_id("caster"), []) in texts_of(told)
    in_room = [m for m in live.monsters() if m.room == caster.room]
    turned = [m for m in in_room if live.enchantment_flag(m.object_id, "turned")]
    assert turned, "at the best chance some undead are turned"
    for monster in in_room:
        if not _undead(world, monster.kind or ""):
            assert not live.is_enchanted(monster.object_id, "holysymbol")
    for monster in turned:
        (turn,) = [e for e in live.enchantments_of(monster.object_id) if e.spell == "holysymbol"]
        assert turn.state == caster.object_id and not turn.effect.shown
        assert turn.due_ms is not None and turn.due_ms - round(live.game_time * 1000) <= hinder.turned_ms(monster.difficulty)
    # a turned one keeps away: it never strikes the caster, and it does not come nearer
    watched = turned[0]
    c_row, c_col = square_of(caster.y, caster.x)

    def distance() -> int:
        row, col = square_of(watched.y, watched.x)
        return (row - c_row) ** 2 + (col - c_col) ** 2

    start = distance()
    recorded.clear()
    scene.server.advance(10.0)
    assert not any(isinstance(e, ev.MonsterAttacked) and e.monster_id == watched.object_id for e in recorded)
    assert distance() >= start


def test_bait_sets_the_rooms_monsters_on_the_caster(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, calm = make(_first_of(_calm))
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells["bait"]
    caster.spells["bait"] = 90
    _give(scene, "bait", 20)
    recorded = _recorded(scene)
    for _ in range(10):
        reply = scene.cast_until_it_works("bait")
        assert any(m.name == "BP_MESSAGE" for m in reply)
        scene.server.advance(2.5)
        told = scene.alice.read()
        assert (spell.text_id("caster"), []) in texts_of(told)
        calm_ones = [m for m in live.monsters() if m.room == caster.room and _calm(world, m.kind or "")]
        if any(m.target == caster.object_id for m in calm_ones):
            break
    else:
        raise AssertionError("no monster ever fell for the bait")
    # only the caster is their target: nobody else was ever chased by a calm monster
    assert all(m.target in (None, caster.object_id) for m in calm_ones)


def test_karahols_curse_then_held_fast(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell, held_spell = world.spells["karaholscurse"], world.spells["hold"]
    caster.spells["karaholscurse"] = 60
    caster.stats.karma = -40
    _give(scene, "karaholscurse", 3)
    reply = scene.cast_until_it_works("karaholscurse")
    spell_power = power(scene, "karaholscurse")
    assert (spell.text_id("target"), []) in texts_of(reply)
    assert _icons(reply, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert live.enchantment_modifier(caster.object_id, "offense") == hinder.karahol_offense(spell_power)
    (curse,) = live.enchantments_of(caster.object_id)
    assert curse.due_ms is not None
    assert curse.due_ms - round(live.game_time * 1000) == hinder.karahol_duration_ms(spell_power)
    # again while it lasts: its own words, nothing paid
    mana = caster.stats.mana
    reply = scene.cast("karaholscurse")
    assert texts_of(reply) == [(spell.text_id("already_self"), [])] and caster.stats.mana == mana
    # it ends: the words, its icon goes, and the bearer is held a sixth of its time
    left = curse.due_ms - round(live.game_time * 1000)
    scene.server.advance(left / 1000 + 0.5)
    ended = scene.alice.read()
    assert (spell.text_id("ended"), []) in texts_of(ended)
    assert _icons(ended, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert _icons(ended, "BP_ADD_ENCHANTMENT") == [spell_object_id(held_spell.number)]
    assert (held_spell.text_id("target"), []) in texts_of(ended)
    assert _effects(ended, EFFECT_PARALYZE) == [{}]
    assert live.enchantment_modifier(caster.object_id, "offense") == 0
    (held,) = live.enchantments_of(caster.object_id)
    assert held.spell == "hold" and held.due_ms is not None
    hold_left = held.due_ms - round(live.game_time * 1000)
    assert hinder.karahol_hold_ms(spell_power) - 1000 <= hold_left <= hinder.karahol_hold_ms(spell_power)
    # held: a move is put back, a swing and a cast are refused in the original's words
    room_ref = {"id": live.room_id(caster.room), "amount": None}
    where = (caster.y, caster.x)
    (back,) = [m for m in scene.alice.request("BP_REQ_MOVE", y=caster.y + 64, x=caster.x, speed=18, room=room_ref)
               if m.name == "BP_MOVE"]
    assert (back["id"], back["y"], back["x"]) == (caster.object_id, *where) and (caster.y, caster.x) == where
    angle = caster.angle
    scene.alice.request("BP_REQ_TURN", object={"id": caster.object_id, "amount": None}, angle=(angle + 1024) % 4096)
    assert caster.angle == angle and not [m for m in scene.bob.read() if m.name == "BP_TURN"]
    reply = scene.alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
    assert texts_of(reply) == [(messages.id("held_no_fight"), [])]
    reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None}, targets=[])
    assert texts_of(reply) == [(messages.id("held_no_cast"), [])]
    reply = scene.alice.request("BP_REQ_GO")
    assert texts_of(reply) == [(messages.id("held_no_go"), [])]
    # free again: the client moves, the words, the icon goes
    scene.server.advance(hold_left / 1000 + 0.5)
    freed = scene.alice.read()
    assert _effects(freed, EFFECT_RELEASE) == [{}]
    assert (held_spell.text_id("ended"), []) in texts_of(freed)
    assert _icons(freed, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(held_spell.number)]
    assert not live.enchantment_flag(caster.object_id, "held")


@pytest.mark.parametrize("key", ["blind", "dazzle"])
def test_blind_and_dazzle_take_a_players_sight(make: Callable[[Pick], tuple[Scene, Monster]], key: str, kod_tree: KodTree) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    world, caster, target = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell = world.spells[key]
    caster.spells[key] = 80
    caster.stats.karma = -60 if spell.school == "qor" else 60
    caster.safety = False  # both are grown players where fights are allowed
    target.spells["flash"] = 10
    _give(scene, key, 20)
    reply = scene.cast_until_it_works(key, target.object_id)
    name = _name_of(scene, reply, target)
    assert (spell.text_id("done_to"), [messages.id("cap_article_none"), name]) in texts_of(reply)
    heard = scene.bob.read()
    assert (spell.text_id("target"), []) in texts_of(heard)
    assert _icons(heard, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    (on,) = live.enchantments_of(target.object_id)
    assert on.due_ms is not None and "blinded" in on.effect.flags
    left = on.due_ms - round(live.game_time * 1000)
    low, high = hinder.DAZZLE_SECONDS if key == "dazzle" else hinder.BLIND_SECONDS
    assert low * 1000 - 1500 <= left <= high * 1000
    if key == "dazzle":  # a white screen for its whole time
        assert len(_effects(heard, EFFECT_WHITEOUT)) == 1
        seconds = hinder.dazzle_seconds(power(scene, key), caster.stats.karma, target.stats.karma)
        assert _effects(heard, EFFECT_WHITEOUT)[0]["duration"] == seconds * 1000
    else:
        assert _effects(heard, EFFECT_BLIND) == [{}]
    # blinded: no swing, no spell, nowhere to go; walking is still allowed
    reply = scene.bob.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
    assert texts_of(reply) == [(messages.id("held_no_fight"), [])]
    reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["flash"].number), "amount": None}, targets=[])
    assert texts_of(reply) == [(messages.id("held_no_cast"), [])]
    assert texts_of(scene.bob.request("BP_REQ_GO")) == [(messages.id("held_no_go"), [])]
    if key == "blind":  # walking blind, it turns aside now and then, and sees itself turned
        room_ref = {"id": live.room_id(target.room), "amount": None}
        turns = []
        for step in range(12):
            scene.server.advance(0.4)
            turns += [m for m in scene.bob.request("BP_REQ_MOVE", y=target.y + (16 if step % 2 else -16), x=target.x,
                                                    speed=18, room=room_ref) if m.name == "BP_TURN"]
        assert turns and all(m["id"] == target.object_id for m in turns) and target.angle == turns[-1]["angle"]
    # again on one blinded: refused, naming it
    mana = caster.stats.mana = 60
    reply = scene.cast(key, target.object_id)
    assert texts_of(reply) == [(spell.text_id("already_on"), [messages.id("cap_article_none"), name])]
    assert caster.stats.mana == mana
    if key == "blind":  # logged off and on while blind: told again, the screen dark again
        scene.bob.request("BP_LOGOFF")
        scene.server.advance(5.0)
        scene.bob = scene.server.connect()
        for resource_id, text in _client_texts(kod_tree).items():
            scene.bob.codec.resources.add(resource_id, text)
        scene.bob.login_to_game("bob", "pw-bob")
        scene.bob.enter_world("Bram")
        back_on = list(scene.bob.received)
        assert (spell.text_id("target"), []) in texts_of(back_on) and _effects(back_on, EFFECT_BLIND) == [{}]
        target = live.player(target.object_id)
        (on,) = live.enchantments_of(target.object_id)
    # its sight comes back
    assert on.due_ms is not None
    left = on.due_ms - round(live.game_time * 1000)
    scene.server.advance(left / 1000 + 0.5)
    back = scene.bob.read()
    assert (spell.text_id("ended"), []) in texts_of(back)
    assert _icons(back, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    if key == "dazzle":
        assert _effects(back, EFFECT_PAIN) == [{"duration": hinder.DAZZLE_PAIN_MS}] and _effects(back, EFFECT_XLATOVERRIDE) == [{"xlat": 0}]
    else:
        assert _effects(back, EFFECT_SEE) == [{}]
    assert not live.enchantment_flag(target.object_id, "blinded")


def test_a_blinded_monster_loses_its_target_and_eagle_eyes_guard_sight(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    world, caster, target = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["blind"]
    caster.spells["blind"] = 80
    caster.stats.karma = -60
    caster.safety = False
    _give(scene, "blind", 30)
    recorded = _recorded(scene)
    for _ in range(30):
        scene.server.advance(1.5)
        scene.alice.read()
        if rat.target is not None:
            break
    assert rat.target is not None  # an aggressive rat beside players chases one
    row, col = square_of(caster.y, caster.x)
    for _ in range(30):
        caster.stats.mana = 60
        caster.angle = next(a for a in range(0, 4096, 512) if rules.in_view(a, row, col, *square_of(rat.y, rat.x)))
        scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                            targets=[{"id": rat.object_id, "amount": None}])
        if live.enchantment_flag(rat.object_id, "blinded"):
            break
        scene.server.advance(1.5)
    assert live.enchantment_flag(rat.object_id, "blinded") and rat.target is None
    (on,) = [e for e in live.enchantments_of(rat.object_id) if e.spell == "blind"]
    assert on.due_ms is not None
    recorded.clear()
    scene.server.advance((on.due_ms - round(live.game_time * 1000)) / 1000 - 0.5)
    assert not any(isinstance(e, ev.MonsterAttacked) and e.monster_id == rat.object_id for e in recorded)
    # eagle eyes on Bob: the blinding is repelled or shortened, both told
    from emulator.world.enchantments import Effect

    scene.server.advance(1.0)
    live.enchant(target.object_id, "eagleeyes", 600_000, Effect(flags={"eagle_eyes"}), state=100)
    scene.bob.read()
    reply = scene.cast_until_it_works("blind", target.object_id)
    heard = scene.bob.read()
    told, felt = [f for f, _ in texts_of(reply)], [f for f, _ in texts_of(heard)]
    if spell.text_id("evaded") in felt:
        assert spell.text_id("evaded_caster") in told and not live.is_enchanted(target.object_id, "blind")
    else:
        assert spell.text_id("resisted") in felt and spell.text_id("resisted_caster") in told
        (blinded,) = [e for e in live.enchantments_of(target.object_id) if e.spell == "blind"]
        assert blinded.due_ms is not None
        whole = 5 + power(scene, "blind") // 6
        assert blinded.due_ms - round(live.game_time * 1000) <= max(3, whole - whole * 100 // 200) * 1000


def test_umbrella_shields_its_caster_from_the_undead(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, undead = make(_first_of(_undead))
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells["umbrella"]
    caster.spells["umbrella"] = 80
    caster.stats.karma = 60
    _give(scene, "umbrella", 3)
    reply = scene.cast_until_it_works("umbrella")
    spell_power = power(scene, "umbrella")
    assert (spell.text_id("target"), []) in texts_of(reply)
    assert _icons(reply, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert live.enchantment_modifier(caster.object_id, "defense") == spell.figure("defense", 0) == hinder.UMBRELLA_DEFENSE
    (dome,) = [e for e in live.enchantments_of(caster.object_id) if e.spell == "umbrella"]
    whole = 40_000 + 6_000 * spell_power
    assert dome.due_ms is not None and whole // 2 - 2000 <= dome.due_ms - round(live.game_time * 1000) <= whole
    # an undead's blow loses a part by the power; another's does not
    rat = next((m for m in live.monsters() if not _undead(world, m.kind or "")), None)
    assert live._monsters.defended(undead, caster, 100, []) == hinder.umbrella_warded(100, spell_power) < 100
    if rat is not None:
        assert live._monsters.defended(rat, caster, 100, []) == 100
    # again while it lasts: its own words, nothing paid
    mana = caster.stats.mana
    assert texts_of(scene.cast("umbrella")) == [(spell.text_id("already_self"), [])] and caster.stats.mana == mana
    # it wears off
    scene.server.advance((dome.due_ms - round(live.game_time * 1000)) / 1000 + 0.5)
    ended = scene.alice.read()
    assert (spell.text_id("ended"), []) in texts_of(ended)
    assert _icons(ended, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert live.enchantment_modifier(caster.object_id, "defense") == 0


def test_final_rites_burn_the_undead_of_the_room(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, undead = make(_first_of(_undead))
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell = world.spells["finalrites"]
    caster.spells["finalrites"] = 80
    caster.stats.karma = 90
    caster.safety = False
    _give(scene, "finalrites", 5)
    scene.cast_until_it_works("finalrites")
    recorded = _recorded(scene)
    in_room = {m.object_id: (m, m.hit_points) for m in live.monsters() if m.room == caster.room}
    trance = rules.trance_ms(spell.cast_time or 0, power(scene, "finalrites"))
    scene.server.advance(trance / 1000 + 0.5)
    told, heard = scene.alice.read(), scene.bob.read()
    name = _name_of(scene, told, caster)
    assert (spell.text_id("caster"), []) in texts_of(told)
    assert (spell.text_id("seen"), [messages.id("article_none"), name]) in texts_of(told)
    assert (spell.text_id("seen"), [messages.id("article_none"), name]) in texts_of(heard)
    blows = [e for e in recorded if isinstance(e, ev.AttackResolved) and e.spell == "finalrites"]
    # every undead of the room (some may have come while the rites went on), nothing else
    assert {i for i, (m, _) in in_room.items() if _undead(world, m.kind or "")} <= {e.target for e in blows}
    assert undead.object_id in {e.target for e in blows} and all(_undead(world, e.target_kind) for e in blows)
    most = 5 + power(scene, "finalrites") // 20 + 2 * ((caster.stats.karma + 100) // 40)
    for blow in blows:
        assert blow.hit and blow.attacker == caster.object_id and 1 <= blow.damage <= most
        if blow.target in in_room:
            assert blow.target_health_left == in_room[blow.target][1] - blow.damage
    # the blow is told with the spell's name
    hits = [p for f, p in texts_of(told) if f == messages.id("attacker_hit")]
    assert all(p[1] == spell.text_id("name") for p in hits)
    assert len(hits) + len([e for e in recorded if isinstance(e, ev.MonsterKilled)]) >= 1


def test_illusionary_wounds_hurt_but_never_kill_and_heal_later(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    world, caster, target = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell = world.spells["illusionarywounds"]
    shown = {world.spells[k].text_id("name") for k in ("blastoffire", "shockingfury", "explosivefrost", "splashofacid")}
    caster.spells["illusionarywounds"] = 80
    caster.safety = False
    _give(scene, "illusionarywounds", 20)
    for monster in [m for m in live.monsters() if m.room == caster.room]:
        live._monsters.remove(monster)  # no bites to blur Bob's health
    target.stats.health = 300
    reply = scene.cast_until_it_works("illusionarywounds", target.object_id)
    spell_power = power(scene, "illusionarywounds")
    (illusion,) = [p for f, p in texts_of(reply) if f == spell.text_id("illusion")]
    assert illusion[0] in shown
    loss = hinder.illusionary_loss(spell_power, 300, target.stats.max_health, hinder.illusionary_base(target.stats.intellect))
    assert loss > 0 and target.stats.health == 300 - loss
    heard = scene.bob.read()
    (told,) = [p for f, p in texts_of(heard) if f == messages.id("defender_hit")]
    assert told[-1] in shown  # the blow is named by the illusion's spell
    (wounds,) = live.enchantments_of(target.object_id)
    assert wounds.state == loss and not _icons(heard, "BP_ADD_ENCHANTMENT")
    assert wounds.due_ms is not None and wounds.due_ms - round(live.game_time * 1000) <= hinder.illusionary_ms(spell_power)
    # never to death: a player at 2 health keeps 1
    for _ in range(20):
        scene.server.advance(spell.post_cast + 0.5)
        caster.stats.mana, target.stats.health = 60, 2
        scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                            targets=[{"id": target.object_id, "amount": None}])
        if target.stats.health == 1:
            break
    assert target.stats.health == 1 and live.enchantments_of(target.object_id)[0].state == loss + 1
    # the wounds heal when the illusion fades
    scene.server.advance((wounds.due_ms - round(live.game_time * 1000)) / 1000 + 0.5)
    healed = scene.bob.read()
    assert (spell.text_id("ended"), []) in texts_of(healed)
    assert target.stats.health >= 1 + loss + 1 and not live.is_enchanted(target.object_id, "illusionarywounds")


def test_the_basilisks_gaze_holds_whoever_strikes_its_caster(make: Callable[[Pick], tuple[Scene, Monster]]) -> None:
    scene, rat = make(lambda live, world: _the_rat(live, world))
    world, caster, target = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    messages = world.messages
    assert messages is not None
    spell, held_spell = world.spells["paralyze"], world.spells["hold"]
    caster.spells["paralyze"] = 80
    caster.stats.karma = -70
    _give(scene, "paralyze", 3)
    scene.cast_until_it_works("paralyze")
    trance = rules.trance_ms(spell.cast_time or 0, power(scene, "paralyze"))
    recorded = _recorded(scene)
    scene.server.advance(trance / 1000 + 0.3)
    told = scene.alice.read()
    assert (spell.text_id("target"), []) in texts_of(told)
    (gaze,) = [e for e in live.enchantments_of(caster.object_id) if e.spell == "paralyze"]
    assert gaze.due_ms is not None and gaze.due_ms - round(live.game_time * 1000) <= int(gaze.state) * 1000
    # Bob swings at her: he meets the gaze and is held, both told
    target.safety = False
    scene.bob.read()
    for _ in range(10):
        scene.server.advance(1.5)
        scene.bob.read()
        if live.is_enchanted(target.object_id, "hold"):
            continue
        reply = scene.bob.request("BP_REQ_ATTACK", attack_type=1, target={"id": caster.object_id, "amount": None}, trailing=0)
        if any(f == spell.text_id("gazed") for f, _ in texts_of(reply)):
            break
    else:
        raise AssertionError("Bob never met the gaze")
    name = _name_of(scene, reply, caster)
    assert (spell.text_id("gazed"), [messages.id("article_none"), name]) in texts_of(reply)
    assert (held_spell.text_id("target"), []) in texts_of(reply) and _effects(reply, EFFECT_PARALYZE) == [{}]
    (held,) = [e for e in live.enchantments_of(target.object_id) if e.spell == "hold"]
    assert held.due_ms is not None and held.due_ms - round(live.game_time * 1000) <= hinder.GAZE_HOLD_BOUNDS[1]
    seen = scene.alice.read()
    assert (spell.text_id("done_to"), [messages.id("cap_article_none"), _name_of(scene, seen, target)]) in texts_of(seen)
    # the rat that bites her freezes too
    recorded.clear()
    for _ in range(20):
        scene.server.advance(1.0)
        if any(isinstance(e, ev.MonsterAttacked) and e.monster_id == rat.object_id and e.victim == caster.object_id
               for e in recorded):
            break
    assert live.is_enchanted(rat.object_id, "hold") or any(
        isinstance(e, ev.EnchantmentStarted) and e.target_id == rat.object_id and e.spell == "hold" for e in recorded)
