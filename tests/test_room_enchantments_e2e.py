"""End to end on the imported original world: the room enchantments the server runs,
cast with BP_REQ_CAST in Jasper's streets with another player looking on. Each is
checked for its costs, its words to the room by the original's resource ids, its icon
(BP_ADD_ENCHANTMENT type 2), the room's light as the stock client is told it for light
and darkness (BP_LIGHT_AMBIENT to those in the room, BP_PLAYER's light to one arriving),
the words an arrival reads, the refusal while it lasts, and its end on the deterministic
clock (the words, the light back, the icon gone) within its time. And what each does
beyond: an anti-magic aura's loss of spell power (seen in the light a light spell cast in
it gives), killing fields' bonus to the blows struck in the room, the banes' harm to the
casters of the school they are against (to death), a silence stopping casts and speech
while its caster pays for it period after period (and broken by its own cast), a death
link feeding its caster at each death in the room, winds lowering aims and snatching shots,
a truce holding back the fights with monsters, heat burning the armoured and a sandstorm
wearing everyone down period after period, forces of light raising the hit rolls of the
good."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import SpellDefinition, WorldDefinition, square_centre, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.casting import PowerFigures, spell_power
from emulator.rules.spells import rooms
from emulator.testing.memory_server import MemoryClient
from emulator.wire.codec import Message
from emulator.world import events as ev
from emulator.world.casting import spell_object_id

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import bars, place, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts
from .test_personal_enchantments_e2e import make_scene
from .test_touch_spells_e2e import Fight, fight  # noqa: F401 - the fixture

#: The room enchantments of levels 1 and 2 and the way each moves the room's light.
LIGHTS = {"light": 1, "darkness": -1}
#: Every room enchantment the server runs.
ROOM_ENCHANTMENTS = {
    *LIGHTS, "antimagicaura", "killingfields", "shalillebane", "qorbane", "silence", "deathlink", "winds", "truce",
    "heat", "sandstorm", "forcesoflight",
}
#: Those that last their time in Jasper's streets (a silence lasts while its caster keeps it
#: up; a truce is not made in a guild-only street without monsters; heat is not cast where
#: only guilds fight).
TIMED = ROOM_ENCHANTMENTS - {"silence", "truce", "heat", "sandstorm", "forcesoflight"}


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_the_room_enchantments(world: WorldDefinition) -> None:
    assert {k for k, s in world.spells.items() if s.effect == "room_enchantment"} == ROOM_ENCHANTMENTS
    assert not world.spells["martyrsbattleground"].effect  # its revenants are other code's
    for key in ROOM_ENCHANTMENTS:
        spell = world.spells[key]
        assert spell.effect == "room_enchantment" and spell.targets == 0
        assert spell.harmful == (key in ("shalillebane", "qorbane", "silence", "heat", "sandstorm"))
        for purpose in ("room_started", "room_ended", "room_entered", "room_already"):
            # forces of light says nothing to arrivals but to the good it fills
            assert bool(spell.text_id(purpose)) == (purpose != "room_entered" or key != "forcesoflight"), (key, purpose)
    # the original's figures, lines of the power: the time, and what each adds
    for key, sign in LIGHTS.items():
        assert _figures(world, key, "light") == (sign, 1, 25 * sign)
    assert _figures(world, "light", "duration") == (3_000, 1, 45_000) and world.spells["light"].figure("duration_drawn")
    assert _figures(world, "darkness", "duration") == (2_000, 1, 30_000)
    aura = world.spells["antimagicaura"]
    assert _figures(world, "antimagicaura", "duration") == (1, 1, 60) and aura.figure("duration_unit") == 1000
    assert _figures(world, "antimagicaura", "spell_power_loss") == (1, 2, 25)
    fields = world.spells["killingfields"]
    assert _figures(world, "killingfields", "duration") == (1_000, 1, 50_000) and not fields.figure("duration_drawn")
    assert (fields.figure("blow_damage_min"), fields.figure("blow_damage_max")) == (2, 5)
    for key in ("shalillebane", "qorbane"):
        assert world.spells[key].text_id("bane_hurt") and world.spells[key].text_id("bane_killed")
    silence = world.spells["silence"]
    assert _figures(world, "silence", "duration") == (1_000, 99, 1_000) and not silence.figure("duration_drawn")
    assert (silence.figure("drain_mana"), silence.figure("silences")) == (10, 1)
    assert silence.text_id("cast_silenced") and silence.text_id("speech_silenced")
    link = world.spells["deathlink"]
    assert _figures(world, "deathlink", "duration") == (1_000, 1, 71_000)
    assert (link.figure("duration_spread_steps"), link.figure("duration_spread_step")) == (29, 1_000)
    assert [link.figure(f"kill_{n}") for n in ("health_min", "health_max", "mana_min", "mana_max", "player_factor")] == [1, 5, 1, 5, 4]
    assert link.figure("names_caster") == 1
    winds = world.spells["winds"]
    assert _figures(world, "winds", "duration") == (0, 1, 60_000) and winds.figure("occupant_duration") == 60_000
    assert _figures(world, "winds", "occupant_aim") == (-1, 4, 0) and _figures(world, "winds", "ruin_chance") == (1, 2, 10)
    assert (winds.figure("ruin_chance_min"), winds.figure("ruin_chance_max")) == (25, 60) and winds.text_id("shot_ruined")
    heat = world.spells["heat"]
    assert _figures(world, "heat", "duration") == (0, 1, 300_000) and heat.figure("only_where_players_fight")
    assert [heat.figure(f"period_{n}") for n in ("base", "divisor", "unit")] == [170, 10, 1000]
    assert {k: heat.figure(f"armour_heat_{k}") for k in ("leatherarmor", "chainarmor", "scalearmor", "platearmor")} == {
        "leatherarmor": 1, "chainarmor": 2, "scalearmor": 3, "platearmor": 4}
    assert not heat.figure("armour_heat_robe") and heat.text_id("heat_hurt") and heat.text_id("heat_killed")
    sand = world.spells["sandstorm"]
    assert _figures(world, "sandstorm", "duration") == (1_000, 1, 80_000) and sand.figure("period_base") == 10_000
    assert _figures(world, "sandstorm", "occupant_aim") == (-1, 3, 0) and _figures(world, "sandstorm", "harm_damage") == (1, 30, 1)
    assert [sand.figure(f"harm_exertion_{n}") for n in ("base", "sign", "divisor", "unit")] == [10, 1, 10, 10_000]
    assert (sand.figure("client_effect"), sand.figure("client_effect_end")) == (12, 13)  # the client's sand, cleared
    assert _figures(world, "sandstorm", "ruin_chance") == (1, 3, 10)
    assert (sand.figure("ruin_chance_min"), sand.figure("ruin_chance_max")) == (15, 40) and sand.text_id("sand_hurt")
    light = world.spells["forcesoflight"]
    assert [light.figure(f"duration_steps_{n}") for n in ("base", "sign", "divisor", "unit")] == [3, 1, 3, 6000]
    assert _figures(world, "forcesoflight", "occupant_offense") == (1, 1, 50) and light.figure("occupant_good_only")
    assert light.text_id("occupant_on") and light.text_id("room_left") and light.figure("leave_words_at_end")
    truce = world.spells["truce"]
    assert _figures(world, "truce", "duration") == (1_000, 1, 20_000) and truce.figure("duration_drawn")
    assert truce.figure("bars_monster_fights") == 1
    assert truce.text_id("attack_refused") and truce.text_id("towns_refused") and truce.text_id("room_left")


def _figures(world: WorldDefinition, key: str, name: str) -> tuple[int, int, int]:
    spell = world.spells[key]
    return spell.figure(f"{name}_per"), spell.figure(f"{name}_divisor"), spell.figure(f"{name}_plus")


def _words(scene: Scene, key: str, purpose: str) -> tuple[int, list[int]]:
    spell = scene.world.spells[key]
    text = spell.text(purpose)
    assert text and spell.text_id(purpose)
    return scene.server.hub.context.resources.id(text), []


def _started_words(scene: Scene, key: str) -> tuple[int, list[int]]:
    """Its words to the room as it starts: naming the caster for death link."""
    format_id, params = _words(scene, key, "room_started")
    if scene.world.spells[key].figure("names_caster"):
        params = [scene.world.messages.id("cap_article_none"), _name_of(scene, [], scene.caster)]  # type: ignore[union-attr]
    return format_id, params


def _lights(messages: list[Message]) -> list[int]:
    return [m["light"] for m in messages if m.name == "BP_LIGHT_AMBIENT"]


def _room_icons(messages: list[Message], name: str) -> list[int]:
    return [(m["object"]["id"] if name == "BP_ADD_ENCHANTMENT" else m["id"]) for m in messages
            if m.name == name and m["type"] == 2]


def _arrive(scene: Scene, kod_tree: KodTree, world: WorldDefinition) -> tuple[MemoryClient, list[Message]]:
    """Carl enters the world in the enchanted room: his client and what it was sent."""
    server = scene.server
    room = scene.caster.room
    at = (world.rooms[room].spawns[0].row, world.rooms[room].spawns[0].col)
    square = _beside(ROOM_FILES / world.rooms[room].roo_file, *at, taken=set())
    server.create_account("carl", "pw-carl")
    server.create_character("carl", "Carlo")
    place(server, "Carlo", room, square, health=40, mana=10, vigor=100, max_health=40, base_max_health=40)
    client = server.connect()
    for resource_id, text in _client_texts(kod_tree).items():
        client.codec.resources.add(resource_id, text)
    client.login_to_game("carl", "pw-carl")
    client.enter_world("Carlo")
    return client, list(client.received)


def _units(scene: Scene, kind: str) -> int:
    live = scene.server.hub.world
    return sum(i.units for i in live.items.carried(scene.caster.character_id) if i.kind == kind)


def cast_room(scene: Scene, key: str, ability: int = 40, dies: bool = False) -> tuple[list[Message], list[Message]]:
    """Alice casts ``key`` on her room until it does not fizzle (through its trance, if it
    has one), with its reagents and 40 mana: what she and Bob were sent. Its costs are
    checked unless she ``dies`` of it (a death gives new vitals)."""
    caster, spell = scene.caster, scene.world.spells[key]
    caster.spells[key] = ability
    caster.stats.karma = {"qor": -60, "shalille": 60}.get(spell.school or "", 0)
    live = scene.server.hub.world
    held = {r.kind: _units(scene, r.kind) + r.count + 1 for r in spell.reagents}
    for reagent in spell.reagents:
        scene.give(reagent.kind, reagent.count + 1)
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):  # until it does not fizzle, with 40 mana before each cast
        scene.server.advance(1.5)  # the attack timer runs out; mana may regenerate meanwhile
        scene.alice.read()
        scene.bob.read()
        caster.stats.mana = 40
        reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None}, targets=[])
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            break
    spell_power = power(scene, key)
    assert dies or bars(reply, 2)[-1] == caster.stats.mana == 40 - rules.mana_cost(spell.mana or 0, spell_power)
    for reagent in spell.reagents:
        assert _units(scene, reagent.kind) == held[reagent.kind] - reagent.count  # taken from what she holds
    if spell.cast_time:  # the trance, then it goes off
        assert not live.is_enchanted(live.room_enchantment_target(caster.room), key)
        scene.server.advance(rules.trance_ms(spell.cast_time, spell_power) / 1000 + 0.5)
        reply += scene.alice.read()
    return reply, scene.bob.read()


@pytest.mark.parametrize("key", sorted(TIMED))
def test_a_room_enchantment_cast_lasts_and_wears_off(
    scene: Scene, key: str, kod_tree: KodTree, world: WorldDefinition,
) -> None:
    caster, live = scene.caster, scene.server.hub.world
    spell = world.spells[key]
    base = world.rooms[caster.room].ambient_light
    told, onlooker = cast_room(scene, key)
    room = live.room_enchantment_target(caster.room)
    (enchantment,) = live.enchantments_of(room)
    # the power it went off with (an aura takes from its own after); kept with the caster for death link
    spell_power = enchantment.state["power"] if isinstance(enchantment.state, dict) else enchantment.state
    sign = LIGHTS.get(key, 0)
    lit = rooms.room_light(base, sign * (25 + spell_power))
    assert (lit != base) == bool(sign)
    for seen in (told, onlooker):  # both in the room: the words, the icon, the new light
        assert _started_words(scene, key) in texts_of(seen)
        assert _room_icons(seen, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
        assert _lights(seen) == ([lit] if sign else [])
    assert live.enchantment_modifier(room, "light") == sign * (25 + spell_power)

    # again while it lasts: refused in its own words, nothing paid
    mana = caster.stats.mana
    again = scene.cast(key)
    assert texts_of(again) == [_words(scene, key, "room_already")] and caster.stats.mana >= mana  # it may regenerate
    assert len(live.enchantments_of(room)) == 1

    # one arriving sees the room's light, reads the words, gets the icon
    carl, burst = _arrive(scene, kod_tree, world)
    (player,) = [m for m in burst if m.name == "BP_PLAYER"]
    assert player["ambient_light"] == lit
    assert _words(scene, key, "room_entered") in texts_of(burst)
    assert _room_icons(burst, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]

    # it lasts its time at that power: between half and all of it when drawn
    unit = spell.figure("duration_unit", 1)
    whole = rooms.line(spell.figure, "duration", spell_power) * unit
    shortest = (whole // unit // 2) * unit if spell.figure("duration_drawn") else whole
    whole += spell.figure("duration_spread_steps") * spell.figure("duration_spread_step")  # death link's draw
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert shortest - 5000 <= left <= whole
    scene.server.advance(left / 1000 - 1.0)
    quiet = scene.alice.read() + scene.bob.read() + carl.read()
    assert not _room_icons(quiet, "BP_REMOVE_ENCHANTMENT") and not _lights(quiet)
    scene.server.advance(2.0)
    for client in (scene.alice, scene.bob, carl):
        ended = client.read()
        assert _words(scene, key, "room_ended") in texts_of(ended)
        assert _lights(ended) == ([base] if sign else [])
        assert _room_icons(ended, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert not live.enchantments_of(room) and live.enchantment_modifier(room, "light") == 0
    assert not carl.closed_by_server


def test_a_light_lights_its_own_room_alone(scene: Scene, world: WorldDefinition) -> None:
    """Cast in the street, the light is the street's alone: the inn next door keeps its own."""
    live = scene.server.hub.world
    cast_room(scene, "light")
    from emulator.world.spells.rooms import room_light

    assert room_light(live, "jasperinn") == world.rooms["jasperinn"].ambient_light
    assert room_light(live, scene.caster.room) > world.rooms[scene.caster.room].ambient_light


def _power_without_rooms(scene: Scene, key: str) -> int:
    """The power casting would give without the room's enchantments (casting's figures)."""
    live, caster = scene.server.hub.world, scene.caster
    stats = caster.stats
    return spell_power(PowerFigures(
        ability=caster.spells.get(key, 0), school=scene.world.spells[key].school, karma=stats.karma,
        room_population=len(live.room_objects(caster.room)), health=stats.health, max_health=stats.max_health,
        vigor=stats.vigor, bulk_held=live.items.load_of(caster.character_id)[1],
        bulk_max=live.items.capacity(stats.might),
    ))


def test_an_antimagic_aura_takes_spell_power_from_spells_cast_in_it(scene: Scene, world: WorldDefinition) -> None:
    """A light cast in the aura lights the room by 25 and the power the aura left it."""
    caster, live = scene.caster, scene.server.hub.world
    room = live.room_enchantment_target(caster.room)
    cast_room(scene, "antimagicaura", ability=20)
    (aura,) = live.enchantments_of(room)
    loss = 25 + aura.state // 2
    assert live.enchantment_modifier(room, "spell_power_loss") == loss
    told, onlooker = cast_room(scene, "light", ability=99)
    light_power = power(scene, "light")
    assert 1 <= light_power == rooms.power_after_loss(_power_without_rooms(scene, "light"), loss)
    assert light_power < _power_without_rooms(scene, "light")
    base = world.rooms[caster.room].ambient_light
    assert _lights(told) == _lights(onlooker) == [rooms.room_light(base, 25 + light_power)]
    # the aura ends: the power is whole again
    live.disenchant(room, "antimagicaura")
    assert power(scene, "light") == _power_without_rooms(scene, "light")


def test_killing_fields_adds_to_every_blow_struck_in_the_room(fight: Fight) -> None:
    """The same swing at the same instant, with and without the enchantment: the blow that
    lands does 2 to 5 more damage on the rat (the attack modifier killing fields gives)."""
    live, caster = fight.live, fight.caster
    spell = fight.world.spells["killingfields"]
    caster.spells["killingfields"] = 60
    for reagent in spell.reagents:
        pile = live.items.create_on_ground(reagent.kind, reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
        fight.alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": reagent.count})
    fight.cast("killingfields")
    room = live.room_enchantment_target(caster.room)
    assert live.is_enchanted(room, "killingfields")
    (rat,) = [m for m in live.monsters() if m.room == caster.room and m.kind == "giantrat"][:1]
    caster.y, caster.x = rat.y, rat.x + 64  # a square east of it
    rat.hit_points = 10_000  # it outlasts the blows
    skills, saved = dict(caster.skills), live.enchantments_of(room)[0]
    bonuses = []
    for instant in range(40):
        now = 10_000.0 + instant
        blows = []
        for enchanted in (True, False):
            caster.skills, caster.last_attack_at, rat.hit_points = dict(skills), None, 10_000
            if not enchanted:
                live.disenchant(room, "killingfields", report=False)
            (resolved,) = [e for e in live.attack(caster.object_id, rat.object_id, now) if isinstance(e, ev.AttackResolved)]
            blows.append(resolved)
        live.enchantments.add(saved)  # back for the next swing
        with_it, without = blows
        assert with_it.hit == without.hit
        if with_it.hit:
            bonuses.append(with_it.damage - without.damage)
    assert bonuses and all(2 <= b <= 5 for b in bonuses)
    assert len(set(bonuses)) > 1  # drawn for each blow


@pytest.mark.parametrize("bane,against,other", [("qorbane", "darkness", "light"), ("shalillebane", "qorbane", "light")])
def test_a_bane_hurts_the_casters_of_the_school_it_is_against(
    scene: Scene, world: WorldDefinition, bane: str, against: str, other: str,
) -> None:
    """Bram can fight players: a spell of the school the bane is against hurts him as it
    goes off, by the bane's power and the spell's level, in the bane's words; other
    schools' spells do not; at the end of his health it kills him."""
    caster, live = scene.caster, scene.server.hub.world
    cast_room(scene, bane, ability=99)
    (enchantment,) = live.enchantments_of(live.room_enchantment_target(caster.room))
    level = world.spells[against].level or 1
    most = max(1, rooms.bane_damage(lambda low, high: high, enchantment.state, level))
    caster.stats.max_health = caster.stats.health = 60  # one who may fight players
    told, _ = cast_room(scene, other)
    assert caster.stats.health == 60 and _words(scene, bane, "bane_hurt") not in texts_of(told)
    told, _ = cast_room(scene, against)
    lost = 60 - caster.stats.health
    assert 1 <= lost <= most
    assert _words(scene, bane, "bane_hurt") in texts_of(told) and bars(told, 1)[-1] == caster.stats.health
    # one who may not fight players is spared
    caster.stats.max_health = caster.stats.health = 20
    live.disenchant(live.room_enchantment_target(caster.room), against)
    told, _ = cast_room(scene, against)
    assert caster.stats.health == 20 and _words(scene, bane, "bane_hurt") not in texts_of(told)
    # at the end of his health it kills him: he leaves for the dead's place
    caster.stats.max_health, caster.stats.health = 60, 1
    live.disenchant(live.room_enchantment_target("jasper"), against)
    told, onlooker = cast_room(scene, against, dies=not world.spells[against].cast_time)
    assert _words(scene, bane, "bane_hurt") in texts_of(told) and _words(scene, bane, "bane_killed") in texts_of(told)
    assert caster.room != "jasper" and [m for m in told if m.name == "BP_PLAYER"]
    assert any(m.name == "BP_REMOVE" and m["id"] == caster.object_id for m in onlooker)


def test_a_silence_lasts_while_its_caster_pays_and_stops_casts_and_speech(scene: Scene, world: WorldDefinition) -> None:
    """Alanna silences the street: Bram can neither cast nor speak there (the original's
    words); she pays 10 mana each period (longer with more power) and the period after
    she paid short of two drains is the last; casting herself breaks it at once."""
    caster, bob, live = scene.caster, scene.target, scene.server.hub.world
    spell = world.spells["silence"]
    room = live.room_enchantment_target(caster.room)
    told, onlooker = cast_room(scene, "silence")
    (silence,) = live.enchantments_of(room)
    assert silence.due_ms is None and silence.state["caster"] == caster.object_id
    for seen in (told, onlooker):
        assert _words(scene, "silence", "room_started") in texts_of(seen)
        assert _room_icons(seen, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    # Bram is stopped before any cost, in the words of casting; his speech too
    bob.spells["light"] = 40
    mana, vigor = bob.stats.mana, bob.stats.vigor
    reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["light"].number), "amount": None},
                              targets=[])
    assert texts_of(reply) == [_words(scene, "silence", "cast_silenced")]
    assert (bob.stats.mana, bob.stats.vigor) == (mana, vigor) and not live.is_enchanted(room, "light")
    reply = scene.bob.request("BP_SAY_TO", say_type=1, text="can you hear me")
    assert texts_of(reply) == [_words(scene, "silence", "speech_silenced")] and not scene.alice.read()
    # the periods: her mana pays 10 each (regeneration held off), the last after she paid short
    period = _period(spell, silence.state["power"])
    payments, left = 0, caster.stats.mana
    while True:
        payments += 1
        last = left < 20
        left = max(0, left - 10)
        if last:
            break
    end_ms = int(silence.state["next_ms"]) + payments * period
    while round(live.game_time * 1000) < end_ms - 300:
        caster.mana_due_ms = 10**12
        scene.server.advance(0.2)
        assert live.is_enchanted(room, "silence")
    assert caster.stats.mana == left
    scene.server.advance(0.6)
    for client in (scene.alice, scene.bob):
        ended = client.read()
        assert _words(scene, "silence", "room_ended") in texts_of(ended)
        assert _room_icons(ended, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert not live.enchantments_of(room)
    assert bars(scene.alice.received, 2)[-1] == left  # she saw each payment on her bar

    # again; her own cast breaks it at once, and her light goes off in a room no longer silent
    cast_room(scene, "silence")
    assert live.is_enchanted(room, "silence")
    told, onlooker = cast_room(scene, "light")
    assert not live.is_enchanted(room, "silence") and live.is_enchanted(room, "light")
    assert _words(scene, "silence", "room_ended") in texts_of(onlooker)


def _period(spell: SpellDefinition, power: int) -> int:
    """A silence's period at the power it was cast with, in ms."""
    return rooms.line(spell.figure, "duration", power)


def test_a_death_link_feeds_its_caster_on_a_players_death_in_the_room(scene: Scene) -> None:
    """Bram dies in the linked street: Alanna gains 4 to 20 health (not past her max) and
    4 to 20 mana (past it)."""
    caster, live = scene.caster, scene.server.hub.world
    cast_room(scene, "deathlink")
    assert live.is_enchanted(live.room_enchantment_target(caster.room), "deathlink")
    caster.stats.max_health, caster.stats.health = 100, 50
    caster.stats.max_mana, caster.stats.mana = 60, 58
    events: list[ev.WorldEvent] = []
    live._player_died(scene.target, "", events)
    assert 54 <= caster.stats.health <= 70 and 62 <= caster.stats.mana <= 78
    assert (caster.stats.health - 50) % 4 == 0 and (caster.stats.mana - 58) % 4 == 0
    assert ev.VitalsChanged(caster.object_id) in events


def test_a_death_link_feeds_its_caster_on_a_monsters_death(fight: Fight) -> None:
    """Alanna kills a rat in the room she linked: 1 to 5 health and mana, at once."""
    live, caster = fight.live, fight.caster
    spell = fight.world.spells["deathlink"]
    caster.spells["deathlink"] = 60
    caster.stats.karma = -60
    for reagent in spell.reagents:
        pile = live.items.create_on_ground(reagent.kind, reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
        fight.alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": reagent.count})
    fight.cast("deathlink")
    fight.server.advance(spell.cast_time * 1.5 / 1000 + 0.5)
    assert live.is_enchanted(live.room_enchantment_target(caster.room), "deathlink")
    (rat,) = [m for m in live.monsters() if m.room == caster.room and m.kind == "giantrat"][:1]
    caster.y, caster.x = rat.y, rat.x + 64
    rat.hit_points = 1
    caster.stats.health, caster.stats.mana = caster.stats.max_health - 10, 20
    for instant in range(40):  # the same instant's swings until one lands and kills
        health, mana = caster.stats.health, caster.stats.mana
        caster.last_attack_at = None
        events = live.attack(caster.object_id, rat.object_id, 20_000.0 + instant)
        if any(isinstance(e, ev.MonsterKilled) for e in events):
            break
    else:
        raise AssertionError("the rat was never hit")
    assert 1 <= caster.stats.health - health <= 5 and 1 <= caster.stats.mana - mana <= 5


def test_the_room_enchantment_rules() -> None:
    figures = {"duration_per": 3_000, "duration_plus": 45_000, "duration_drawn": 1}

    def figure(name: str, default: int) -> int:
        return figures.get(name, default)

    assert rooms.line(figure, "duration", 10) == 75_000
    assert rooms.duration_ms(lambda low, high: low, figure, 10) == 37_500
    assert rooms.duration_ms(lambda low, high: high, figure, 10) == 75_000
    figures.update(duration_drawn=0, duration_spread_steps=29, duration_spread_step=1_000)
    assert rooms.duration_ms(lambda low, high: high, figure, 10) == 75_000 + 29_000
    assert rooms.room_light(164, 25 + 99) == 255 and rooms.room_light(20, -50) == 0
    assert rooms.power_after_loss(40, 50) == 1 and rooms.power_after_loss(60, 25) == 35
    assert rooms.bane_damage(lambda low, high: high, 60, 4) == 60 * 4 * 12 // 300
    assert rooms.last_period(19, 10) and not rooms.last_period(20, 10)
    assert rooms.kill_gain(lambda low, high: 3, 1, 5, 4, True) == 12 and rooms.kill_gain(lambda low, high: 3, 1, 5, 4, False) == 3


def test_winds_lower_the_aim_of_everyone_in_the_room_while_they_are_in_it(
    scene: Scene, kod_tree: KodTree, world: WorldDefinition,
) -> None:
    caster, bob, live = scene.caster, scene.target, scene.server.hub.world
    cast_room(scene, "winds")
    (winds,) = live.enchantments_of(live.room_enchantment_target(caster.room))
    lowered = -(winds.state["power"] // 4)
    assert lowered < 0
    for player in (caster, bob):  # EnchantAllOccupants: the aim each bears
        assert live.enchantment_modifier(player.object_id, "aim") == lowered
        assert live.effective_stats(player.object_id).aim == player.stats.aim + lowered
    carl, _ = _arrive(scene, kod_tree, world)
    scene.server.advance(0.5)  # one arriving bears it from the next tick
    (newcomer,) = [p for p in live.players_here(caster.room) if p.name == "Carlo"]
    assert live.enchantment_modifier(newcomer.object_id, "aim") == lowered
    assert not _room_icons(carl.read(), "BP_ADD_ENCHANTMENT")  # the room's icon only (its entry burst had it)
    scene.server.advance(61)
    assert not live.enchantments_of(live.room_enchantment_target(caster.room))
    for player in (caster, bob, newcomer):
        assert live.enchantment_modifier(player.object_id, "aim") == 0


def test_winds_snatch_away_ranged_shots(fight: Fight) -> None:
    """Alanna shoots at a rat with a bow: in the winds some shots are snatched away, in
    their words, without a swing; out of them none."""
    live, caster = fight.live, fight.caster
    spell = fight.world.spells["winds"]
    caster.spells["winds"] = 60
    bow = live.items.create_on_ground("bow", None, caster.room, caster.y, caster.x, 0, "t", [])
    fight.alice.request("BP_REQ_GET", object={"id": bow.object_id, "amount": None})
    fight.alice.request("BP_REQ_USE", object={"id": bow.object_id, "amount": None})
    (rat,) = [m for m in live.monsters() if m.room == caster.room and m.kind == "giantrat"][:1]
    rat.hit_points = 10_000

    def shoot(instants: range) -> list[str]:
        seen = []
        for instant in instants:
            caster.last_attack_at = None
            caster.y, caster.x = rat.y, rat.x + 64
            events = live.attack(caster.object_id, rat.object_id, 30_000.0 + instant)
            seen += ["ruined" for e in events if isinstance(e, ev.SpellTold) and e.purpose == "shot_ruined"]
            seen += ["swung" for e in events if isinstance(e, ev.AttackResolved)]
        return seen

    assert shoot(range(30)).count("ruined") == 0
    for reagent in spell.reagents:
        pile = live.items.create_on_ground(reagent.kind, reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
        fight.alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": reagent.count})
    fight.cast("winds")
    assert live.is_enchanted(live.room_enchantment_target(caster.room), "winds")
    seen = shoot(range(100, 160))
    assert seen.count("ruined") and seen.count("swung") and len(seen) == 60


def _give_reagents(fight: Fight, key: str) -> None:
    live, caster = fight.live, fight.caster
    for reagent in fight.world.spells[key].reagents:
        pile = live.items.create_on_ground(reagent.kind, reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
        fight.alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": reagent.count})


def test_a_truce_is_not_made_in_a_guild_only_street_without_monsters(scene: Scene, world: WorldDefinition) -> None:
    """Jasper's streets are guild-only and hold no monster: Alanna, without a guild, is
    refused in the truce's words before any cost."""
    caster, live = scene.caster, scene.server.hub.world
    assert "guild_pk_only" in world.rooms[caster.room].flags and not live._monsters.in_room(caster.room)
    caster.spells["truce"], caster.stats.karma, caster.stats.mana = 60, 60, 40
    for reagent in world.spells["truce"].reagents:
        scene.give(reagent.kind, reagent.count)
    reply = scene.cast("truce")
    assert texts_of(reply) == [_words(scene, "truce", "towns_refused")] and caster.stats.mana == 40
    assert not live.enchantments_of(live.room_enchantment_target(caster.room))


def test_a_truce_stops_the_fights_with_monsters_in_its_room(fight: Fight) -> None:
    """In the rats' room: while the truce lasts the rat chasing Alanna never strikes, and her
    blows and attack spells at it are refused in the room's words, nothing paid; when it
    ends, the rat bites again."""
    live, caster = fight.live, fight.caster
    spell = fight.world.spells["truce"]
    caster.spells["truce"], caster.stats.karma = 60, 60
    _give_reagents(fight, "truce")
    told = fight.cast("truce")
    room = live.room_enchantment_target(caster.room)
    (truce,) = live.enchantments_of(room)
    assert truce.spell == "truce"
    assert (fight.own("truce", "room_started"), []) in texts_of(told)
    assert _room_icons(told, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    again = fight.cast("truce")  # fights with monsters are already barred: unnecessary
    assert (fight.own("truce", "room_already"), []) in texts_of(again) and len(live.enchantments_of(room)) == 1
    (rat,) = [m for m in live.monsters() if m.room == caster.room and m.kind == "giantrat"][:1]
    caster.y, caster.x = rat.y, rat.x + 64
    health = caster.stats.health = caster.stats.max_health

    roo = ROOM_FILES / fight.world.rooms[rat.room].roo_file

    def chase(seconds: float) -> list[ev.WorldEvent]:
        fight.recorded.clear()
        for _ in range(int(seconds * 2)):
            rat.target = caster.object_id
            caster.y, caster.x = square_centre(*_beside(roo, *square_of(rat.y, rat.x), taken=set()))  # she stays beside it
            fight.server.advance(0.5)
        return [e for e in fight.recorded if isinstance(e, ev.MonsterAttacked) and e.monster_id == rat.object_id]

    assert truce.due_ms is not None
    left = (truce.due_ms - round(live.game_time * 1000)) / 1000
    assert left > 10
    assert chase(min(12.0, left - 6)) == [] and caster.stats.health == health
    # her blow and her attack spell at the rat: refused, told in the room's words
    rat_health = rat.hit_points
    punched = fight.punch(rat.object_id)
    assert (fight.own("truce", "attack_refused"), []) in texts_of(punched) and rat.hit_points == rat_health
    caster.spells["shockingfury"] = 60
    _give_reagents(fight, "shockingfury")
    fight.server.advance(1.5)
    fight.alice.read()
    caster.stats.mana = 50
    bolt = fight.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(fight.world.spells["shockingfury"].number),
                                                      "amount": None}, targets=[{"id": rat.object_id, "amount": None}])
    assert texts_of(bolt) == [(fight.own("truce", "attack_refused"), [])]
    assert caster.stats.mana == 50 and rat.hit_points == rat_health
    # one leaving is told it leaves the calm (coming back, it reads the words of the room again)
    _out_and_back(live, caster, fight.server.hub.context)
    fight.server.advance(0.5)
    assert (fight.own("truce", "room_left"), []) in texts_of(fight.alice.read())
    # it ends: the room is told, and the rat strikes again
    fight.server.advance((truce.due_ms - round(live.game_time * 1000)) / 1000 + 0.5)
    assert (fight.own("truce", "room_ended"), []) in texts_of(fight.alice.read())
    assert not live.enchantments_of(room)
    assert chase(10.0)


def test_heat_is_not_cast_where_only_guilds_fight(scene: Scene, world: WorldDefinition) -> None:
    caster, live = scene.caster, scene.server.hub.world
    caster.spells["heat"], caster.stats.mana = 60, 40
    for reagent in world.spells["heat"].reagents:
        scene.give(reagent.kind, reagent.count)
    reply = scene.cast("heat")
    assert [f for f, _ in texts_of(reply)] == [world.messages.id("spell_cast_here")]  # type: ignore[union-attr]
    assert caster.stats.mana == 40 and not live.enchantments_of(live.room_enchantment_target(caster.room))


def test_heat_hurts_those_wearing_armour_each_period(fight: Fight) -> None:
    """In the rats' room (the rats taken away) Alanna, who may fight players, wears chain
    armour: each period of the heat (whole seconds, fewer with more power) burns her for
    the chain's 2, in the heat's words, until the period before its five minutes end;
    without armour she is spared; a last burn at 2 health kills her."""
    live, caster = fight.live, fight.caster
    spell = fight.world.spells["heat"]
    for monster in live._monsters.in_room(caster.room):
        live._monsters.remove(monster)
    live._monsters.rooms[caster.room].limit = 0  # none spawn meanwhile
    chain = live.items.create_on_ground("chainarmor", None, caster.room, caster.y, caster.x, 0, "t", [])
    fight.alice.request("BP_REQ_GET", object={"id": chain.object_id, "amount": None})
    fight.alice.request("BP_REQ_USE", object={"id": chain.object_id, "amount": None})
    assert [i.kind for i in live.items.used(caster.character_id)] == ["chainarmor"]
    caster.spells["heat"] = 60
    _give_reagents(fight, "heat")
    told = fight.cast("heat")
    room = live.room_enchantment_target(caster.room)
    (heat,) = live.enchantments_of(room)
    assert (fight.own("heat", "room_started"), []) in texts_of(told)
    assert _room_icons(told, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    period = (170 - heat.state["power"]) // 10 * 1000
    assert heat.state["period_ms"] == period and heat.due_ms is not None
    start = heat.due_ms - 300_000
    burn = (fight.own("heat", "heat_hurt"), [])
    health = caster.stats.health = caster.stats.max_health

    def until(ms: int) -> list[Message]:
        fight.server.advance((ms - round(live.game_time * 1000)) / 1000)
        return fight.alice.read()

    assert burn not in texts_of(until(start + period - 300))
    seen = until(start + period + 300)
    assert texts_of(seen).count(burn) == 1 and caster.stats.health == health - 2 and bars(seen, 1)[-1] == health - 2
    # without armour she is spared
    fight.alice.request("BP_REQ_UNUSE", object={"id": chain.object_id, "amount": None})
    assert not live.items.used(caster.character_id)
    assert burn not in texts_of(until(start + 2 * period + 300)) and caster.stats.health == health - 2
    fight.alice.request("BP_REQ_USE", object={"id": chain.object_id, "amount": None})
    # every period before the last: the last falls where the next would reach its whole time
    burns = sum(1 for k in range(3, 300) if (k + 1) * period < 300_000)
    seen = until(heat.due_ms - 500)
    assert texts_of(seen).count(burn) == burns and caster.stats.health == health - 2 * (burns + 1)
    assert live.is_enchanted(room, "heat")
    seen = until(heat.due_ms + 600)
    assert (fight.own("heat", "room_ended"), []) in texts_of(seen) and not live.enchantments_of(room)
    # again, at 2 health: the first burn kills her, in its words
    street = caster.room
    _give_reagents(fight, "heat")
    fight.cast("heat")
    (heat,) = live.enchantments_of(room)
    caster.stats.health = 2
    seen = until(heat.due_ms - 300_000 + heat.state["period_ms"] + 300)
    assert (fight.own("heat", "heat_killed"), []) in texts_of(seen) and caster.room != street
    assert [m for m in seen if m.name == "BP_PLAYER"]  # she left for the dead's place


def test_a_sandstorm_wears_down_everyone_in_the_room(fight: Fight) -> None:
    """In the rats' room (the rats taken away) Alanna, who may fight players, raises a
    sandstorm: it wears her down at once as at no power (1 health), lowers her aim by a third
    of the power and shows her client the sand; each ten seconds it hurts her by 1 and a
    thirtieth of the power, in its words, until the period before its end (80 seconds and a
    second per point of power); then the sand clears and her aim is back."""
    live, caster = fight.live, fight.caster
    spell = fight.world.spells["sandstorm"]
    for monster in live._monsters.in_room(caster.room):
        live._monsters.remove(monster)
    live._monsters.rooms[caster.room].limit = 0  # none spawn meanwhile
    caster.spells["sandstorm"] = 60
    _give_reagents(fight, "sandstorm")
    caster.stats.health = caster.stats.max_health
    told = fight.cast("sandstorm")
    room = live.room_enchantment_target(caster.room)
    (storm,) = live.enchantments_of(room)
    power = storm.state["power"]
    hurt = (fight.own("sandstorm", "sand_hurt"), [])
    assert (fight.own("sandstorm", "room_started"), []) in texts_of(told)
    assert _room_icons(told, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert [m["effect"] for m in told if m.name == "BP_EFFECT"] == [12]
    assert texts_of(told).count(hurt) == 1 and caster.stats.health == caster.stats.max_health - 1
    assert live.enchantment_modifier(caster.object_id, "aim") == -(power // 3)
    assert storm.due_ms is not None and storm.due_ms - round(live.game_time * 1000) <= (80 + power) * 1000
    start = storm.due_ms - (80 + power) * 1000

    def until(ms: int) -> list[Message]:
        fight.server.advance((ms - round(live.game_time * 1000)) / 1000)
        return fight.alice.read()

    assert hurt not in texts_of(until(start + 10_000 - 300))
    health, vigor = caster.stats.health, caster.stats.vigor
    seen = until(start + 10_000 + 300)
    assert texts_of(seen).count(hurt) == 1 and caster.stats.health == health - (1 + power // 30)
    assert caster.stats.vigor < vigor
    periods = sum(1 for k in range(2, 100) if (k + 1) * 10_000 < (80 + power) * 1000)
    seen = until(storm.due_ms - 500)
    assert texts_of(seen).count(hurt) == periods and live.is_enchanted(room, "sandstorm")
    seen = until(storm.due_ms + 600)
    assert (fight.own("sandstorm", "room_ended"), []) in texts_of(seen) and not live.enchantments_of(room)
    assert [m["effect"] for m in seen if m.name == "BP_EFFECT"] == [13]
    assert live.enchantment_modifier(caster.object_id, "aim") == 0


def test_forces_of_light_strengthen_the_blows_of_the_good_in_the_room(
    scene: Scene, kod_tree: KodTree, world: WorldDefinition,
) -> None:
    """Alanna (good) calls the forces of light on Jasper's street: she is told she is filled
    and her hit roll is the power and 50 higher while she is there; Bram (evil) and Carlo
    (neutral, arriving) are not, and nobody arriving reads words of the room; its time is a
    tenth of a minute per three points of power and one more; at its end everyone there is
    told it left (as the original tells each one still in the room) and her hit roll is back."""
    caster, bob, live = scene.caster, scene.target, scene.server.hub.world
    spell = world.spells["forcesoflight"]
    bob.stats.karma = -10
    told, onlooker = cast_room(scene, "forcesoflight")
    room = live.room_enchantment_target(caster.room)
    (light,) = live.enchantments_of(room)
    power = light.state["power"]
    for seen in (told, onlooker):
        assert _started_words(scene, "forcesoflight") in texts_of(seen)
        assert _room_icons(seen, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    filled, left = _words(scene, "forcesoflight", "occupant_on"), _words(scene, "forcesoflight", "room_left")
    assert filled in texts_of(told) and filled not in texts_of(onlooker)
    assert live.enchantment_modifier(caster.object_id, "offense") == power + 50
    assert live.enchantment_modifier(bob.object_id, "offense") == 0
    assert light.due_ms is not None
    assert light.due_ms - round(live.game_time * 1000) <= (power // 3 + 1) * 6000
    carl, burst = _arrive(scene, kod_tree, world)
    scene.server.advance(0.5)
    (newcomer,) = [p for p in live.players_here(caster.room) if p.name == "Carlo"]
    assert newcomer.stats.karma <= 0 and live.enchantment_modifier(newcomer.object_id, "offense") == 0
    own = {scene.server.hub.context.resources.id(text) for _, text in spell.texts}
    assert not [f for f, _ in texts_of(burst + carl.read()) if f in own]  # no words of the room to one arriving
    scene.server.advance((light.due_ms - round(live.game_time * 1000)) / 1000 + 0.6)
    ended = scene.alice.read()
    assert _words(scene, "forcesoflight", "room_ended") in texts_of(ended) and left in texts_of(ended)
    assert left in texts_of(scene.bob.read())  # everyone there is told, filled or not
    assert not live.enchantments_of(room) and live.enchantment_modifier(caster.object_id, "offense") == 0


def test_a_sandstorm_snatches_away_ranged_shots(fight: Fight) -> None:
    """Alanna shoots at a rat with a bow in a sandstorm: with the room's state as the original
    keeps it (the end of the period in ms and the power), the chance is its most, 40 in
    100: some shots are snatched away in its words, without a swing."""
    live, caster = fight.live, fight.caster
    bow = live.items.create_on_ground("bow", None, caster.room, caster.y, caster.x, 0, "t", [])
    fight.alice.request("BP_REQ_GET", object={"id": bow.object_id, "amount": None})
    fight.alice.request("BP_REQ_USE", object={"id": bow.object_id, "amount": None})
    (rat,) = [m for m in live.monsters() if m.room == caster.room and m.kind == "giantrat"][:1]
    rat.hit_points = 10_000
    caster.spells["sandstorm"] = 60
    _give_reagents(fight, "sandstorm")
    fight.cast("sandstorm")
    assert live.is_enchanted(live.room_enchantment_target(caster.room), "sandstorm")
    seen = []
    for instant in range(100):
        caster.last_attack_at = None
        caster.y, caster.x = rat.y, rat.x + 64
        events = live.attack(caster.object_id, rat.object_id, 40_000.0 + instant)
        seen += ["ruined" for e in events if isinstance(e, ev.SpellTold) and e.purpose == "shot_ruined"
                 and e.spell == "sandstorm"]
        seen += ["swung" for e in events if isinstance(e, ev.AttackResolved)]
    assert len(seen) == 100 and 20 <= seen.count("ruined") <= 60


def test_a_silence_is_refused_to_one_not_ready_to_fight_players_with_another_there(
    scene: Scene, world: WorldDefinition,
) -> None:
    """Alanna, too new to fight players, may not silence the street while Bram is there: her
    guardian angel's words, nothing paid; once she may fight players, she may."""
    caster, live = scene.caster, scene.server.hub.world
    assert world.spells["silence"].figure("no_newbie_offense") and not world.spells["light"].figure("no_newbie_offense")
    caster.spells["silence"] = 40
    for reagent in world.spells["silence"].reagents:
        scene.give(reagent.kind, reagent.count)
    caster.stats.max_health = caster.stats.health = 20
    caster.stats.mana = 40
    reply = scene.cast("silence")
    assert texts_of(reply) == [_words(scene, "silence", "guardian_refused")] and caster.stats.mana == 40
    room = live.room_enchantment_target(caster.room)
    assert not live.enchantments_of(room)
    caster.stats.max_health = caster.stats.health = 40
    cast_room(scene, "silence")
    assert live.is_enchanted(room, "silence")


def _out_and_back(live: object, player: object, context: object) -> None:
    """The player takes a way out of its room and the way back in at once (its client told
    as the server tells it)."""
    from emulator.game.render import render

    rooms = live._rooms  # type: ignore[attr-defined]
    home = player.room  # type: ignore[attr-defined]
    exits = [*rooms[home].square_exits.values(), *(e for found in rooms[home].edge_exits.values() for e in found)]
    for out in exits:
        there = out.target.room
        back = [e for e in (*rooms[there].square_exits.values(), *(e for f in rooms[there].edge_exits.values() for e in f))
                if e.target.room == home]
        if there != home and back:
            render(context, live._take_exit(player, out))  # type: ignore[attr-defined, arg-type]
            assert player.room == there  # type: ignore[attr-defined]
            render(context, live._take_exit(player, back[0]))  # type: ignore[attr-defined, arg-type]
            assert player.room == home  # type: ignore[attr-defined]
            return
    raise AssertionError(f"no way out of {home} and back")


def test_heat_burns_one_entering_at_once(fight: Fight) -> None:
    """Alanna, in chain armour, leaves the heated room and comes back: she is burnt on
    entering, before the first period is due."""
    live, caster = fight.live, fight.caster
    for monster in live._monsters.in_room(caster.room):
        live._monsters.remove(monster)
    live._monsters.rooms[caster.room].limit = 0
    chain = live.items.create_on_ground("chainarmor", None, caster.room, caster.y, caster.x, 0, "t", [])
    fight.alice.request("BP_REQ_GET", object={"id": chain.object_id, "amount": None})
    fight.alice.request("BP_REQ_USE", object={"id": chain.object_id, "amount": None})
    caster.spells["heat"] = 60
    _give_reagents(fight, "heat")
    fight.cast("heat")
    (heat,) = live.enchantments_of(live.room_enchantment_target(caster.room))
    burn = (fight.own("heat", "heat_hurt"), [])
    fight.server.advance(0.5)
    assert burn not in texts_of(fight.alice.read())  # no burn at the cast
    health = caster.stats.health
    _out_and_back(live, caster, fight.server.hub.context)
    fight.server.advance(0.5)
    assert round(live.game_time * 1000) < heat.due_ms - 300_000 + heat.state["period_ms"]
    assert burn in texts_of(fight.alice.read()) and caster.stats.health == health - 2
