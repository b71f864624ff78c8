"""End to end on the imported original world: Jala's level-1 and level-2 songs sung with
BP_REQ_CAST in Jasper's streets by a bard playing a lute, heard by another player beside
her. Each song is checked for its costs (mana, reagents), the room's icon
(BP_ADD_ENCHANTMENT type 2), the words the room reads and the music it hears by the
original's resource ids, the mana drained every drain time, its effect on the listener
(a quicker rest, a mood, a stretched trance, the casts of a school hindered), and its
end when the singer casts again (the words, the icon gone, the room's own music back).
And the refusals and the rest of a song's life: no instrument, a newbie and the songs
that hinder, a quieter song over a louder one, the singer out of mana, a newcomer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells import songs as song_rules
from emulator.rules.vitals import health_regen_delay_ms, mana_regen_delay_ms, rest_delay_ms
from emulator.testing.memory_server import MemoryClient
from emulator.wire.codec import Message
from emulator.world.casting import _success_chance, spell_object_id
from emulator.world.ledger import check_ledger
from emulator.world.objects import Player
from emulator.world.spells import songs
from protocol_specs.opcodes import UC

from .test_casting_e2e import NUMBER_TAG, Scene, _name_of, power
from .test_consumables_e2e import bars, inventory, texts_of
from .test_personal_enchantments_e2e import make_scene

#: The level-1 and level-2 songs, castable.
SONGS = ("invigorate", "melancholy", "mirth", "truth", "civility", "conciliation", "warptime")
#: The higher levels' songs the server runs.
HIGHER = ("restorate", "rejuvenate", "profaneresonance", "sacredresonance", "disharmony")
#: A castable spell of each school a hinder song hinders (to be cast under it), and the
#: karma its caster needs.
HINDERED = {
    "truth": ("riija", "blink", 0), "civility": ("faren", "zap", 0), "conciliation": ("kraanan", "bless", 0),
    "profaneresonance": ("shalille", "holytouch", 30), "sacredresonance": ("qor", "acidtouch", -30),
    "disharmony": ("jala", "invigorate", 0),
}


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        made.caster.stats.max_mana = 200
        yield made
        live = made.server.hub.world
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def give(scene: Scene, client: MemoryClient, player: Player, kind: str, count: int = 1) -> int:
    """Items put in a player's hands (picked up from its square): the item's id."""
    live = scene.server.hub.world
    stacks = live.items.stacks(kind)
    item = live.items.create_on_ground(kind, count if stacks else None, player.room, player.y, player.x, 0, "test", [])
    client.request("BP_REQ_GET", object={"id": item.object_id | (NUMBER_TAG if stacks else 0), "amount": count if stacks else None})
    return item.object_id


def play(scene: Scene, client: MemoryClient, player: Player, kind: str = "lute") -> int:
    """A lute in the player's hands, played (BP_REQ_USE)."""
    lute = give(scene, client, player, kind)
    reply = client.request("BP_REQ_USE", object={"id": lute, "amount": None})
    assert [m["id"] for m in reply if m.name == "BP_USE"] == [lute]
    return lute


def sing(scene: Scene, key: str, client: MemoryClient | None = None, singer: Player | None = None, mana: int = 100) -> list[Message]:
    """Cast a song until it does not fizzle, with ``mana`` before each try."""
    client, singer = client or scene.alice, singer or scene.caster
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        scene.server.advance(1.5)
        scene.alice.read()
        scene.bob.read()
        singer.stats.mana = mana
        reply = client.request("BP_REQ_CAST", spell={"id": spell_object_id(scene.world.spells[key].number), "amount": None},
                               targets=[])
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            return reply
    raise AssertionError(f"{key} fizzled 30 times")


def said(scene: Scene, key: str, purpose: str) -> int:
    """The id a song's words reach the client by (the original's, the lowest of equal ones)."""
    spell = scene.world.spells[key]
    text = spell.text(purpose)
    assert text and spell.text_id(purpose), f"{key} has no {purpose} words"
    found = scene.server.hub.context.resources.id(text)
    assert found <= spell.text_id(purpose)  # type: ignore[operator]
    return found


def room_icons(messages: list[Message], name: str) -> list[int]:
    return [(m["object"]["id"] if name == "BP_ADD_ENCHANTMENT" else m["id"]) for m in messages
            if m.name == name and m["type"] == 2]


def music(messages: list[Message], name: str = "BP_PLAY_MIDI") -> list[int]:
    return [m["music"] for m in messages if m.name == name]


def test_the_import_reads_the_songs(world: WorldDefinition) -> None:
    found = {k for k, s in world.spells.items() if s.effect == "song" and (s.level or 0) <= 2}
    assert found == set(SONGS)
    for key in SONGS:
        spell = world.spells[key]
        assert spell.school == "jala" and spell.targets == 0 and spell.figure("drain_ms") == 5000
        for purpose in ("song_starts", "song_failed", "song_ends", "song_playing", "need_instrument", "no_newbie", "music"):
            assert spell.text_id(purpose), (key, purpose)
    # the figures of each class: its drain, whom it is for, its effect
    assert [world.spells[k].figure("drain") for k in SONGS] == [1, 2, 2, 3, 3, 3, 5]
    assert world.spells["invigorate"].figure("quickens_vigor") and world.spells["warptime"].figure("stretches")
    assert (world.spells["melancholy"].figure("mood"), world.spells["mirth"].figure("mood")) == (-1, 1)
    assert {k: song_rules.SCHOOLS[world.spells[k].figure("hinders")] for k in HINDERED} == {k: s for k, (s, _, _) in HINDERED.items()}
    assert [world.spells[k].figure("newbies") for k in SONGS] == [1, 1, 1, 0, 0, 0, 1]
    assert world.spells["melancholy"].text_id("listener") and world.spells["warptime"].text_id("slowed")
    assert not world.spells["melancholy"].figure("greets") and world.spells["invigorate"].figure("greets")
    for key in HIGHER + ("spellbane", "manaconvergence", "jig"):
        assert world.spells[key].effect == "song", key
    assert world.spells["spellbane"].figure("bans_weaker") and world.spells["spellbane"].figure("guild_rooms_refused")
    convergence = world.spells["manaconvergence"]
    assert [convergence.figure(f) for f in ("power_per", "power_divisor", "power_plus")] == [1, 2, 25]
    assert convergence.text_id("cast_said") and convergence.text_id("greeting") and not convergence.figure("greets")
    assert world.spells["jig"].figure("dances") and world.spells["jig"].text_id("dance")
    assert world.spells["crystalizemana"].effect == ""  # a crystal that holds mana: not run
    lute = world.kinds["lute"].item
    assert lute is not None and lute.get("instrument") == 20


@pytest.mark.parametrize("key", SONGS + HIGHER)
def test_a_song_is_sung_heard_drains_works_and_ends(scene: Scene, key: str) -> None:
    world, caster, listener = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells[key]
    room_id = live.room_enchantment_target(caster.room)
    caster.spells[key] = 60
    play(scene, scene.alice, caster)
    reagents = {r.kind: give(scene, scene.alice, caster, r.kind, r.count + 1) for r in spell.reagents}
    if key == "warptime":  # the listener begins a spell with a long trance (blink's) before the song
        listener.spells["blink"] = 50
        listener.stats.intellect = 60
        for _ in range(10):
            listener.stats.mana = 30
            scene.server.advance(1.5)
            scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["blink"].number), "amount": None}, targets=[])
            if listener.trance is not None:
                break
        assert listener.trance is not None
    song_power = power(scene, key)
    assert song_power == min(99, 20 + 40 // 12 + 30)  # the lute's level, max health / 12, half the ability
    trance_due = listener.trance[2] if listener.trance is not None else 0
    listener.stats.max_mana = listener.stats.mana  # no mana timer running before the song
    reply = sing(scene, key)
    heard = scene.bob.read()
    told = reply + scene.alice.read()
    mana = 100 - rules.mana_cost(spell.mana or 0, song_power)
    assert bars(told, 2)[-1] == caster.stats.mana == mana
    held = inventory(scene.alice)
    for reagent in spell.reagents:
        assert held[reagents[reagent.kind]] == 1  # one more than it takes was given
    # the room: its icon, the words of the song starting, the song's music
    for messages in (told, heard):
        assert room_icons(messages, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
        assert (said(scene, key, "song_starts"), []) in texts_of(messages)
        assert music(messages) == [said(scene, key, "music")]
    (enchantment,) = live.enchantments_of(room_id)
    assert enchantment.state["caster"] == caster.object_id and enchantment.state["power"] == song_power
    assert enchantment.state["volume"] == song_rules.volume(song_power, spell.figure("drain"), 5000)
    # the listener is touched by it
    if key == "invigorate":  # resting comes back quicker
        listener.stats.vigor = 40
        scene.bob.request("BP_USERCOMMAND", command=UC.UC_REST, args={})
        scene.server.advance(0.5)
        now_ms = round(live.game_time * 1000)
        assert listener.rest_due_ms is not None
        expected = song_rules.quickened_ms(rest_delay_ms(listener.stats.stamina), song_power)
        assert expected < rest_delay_ms(listener.stats.stamina)
        assert 0 < listener.rest_due_ms - now_ms <= expected
        scene.server.advance(5.0)  # a rest tick each second (the world's tick), where it takes two without
        assert max(bars(scene.bob.read(), 3)) > 40
        scene.bob.request("BP_USERCOMMAND", command=UC.UC_STAND, args={})
    if key in ("restorate", "rejuvenate"):  # health or mana comes back quicker
        stats = listener.stats
        stats.health, stats.mana, stats.max_mana = 20, 5, 50
        scene.server.advance(1.0)
        now_ms = round(live.game_time * 1000)
        if key == "restorate":
            plain = health_regen_delay_ms(stats.vigor, stats.stamina, stats.max_health)
            expected, due = song_rules.health_delay_ms(plain, song_power), listener.health_due_ms
        else:
            plain = mana_regen_delay_ms(stats.mana, stats.max_mana, stats.vigor, stats.mysticism)
            expected, due = song_rules.mana_delay_ms(plain, song_power), listener.mana_due_ms
        assert due is not None and expected < plain and 0 < due - now_ms <= expected
    if spell.figure("mood"):  # a listener moved reads it, named by its singer
        moved = enchantment.state["moved"]
        assert moved, "nobody was moved at this power"
        words = (said(scene, key, "listener"), [world.messages.id("cap_article_none"), _name_of(scene, told, caster)])  # type: ignore[union-attr]
        assert (words in texts_of(heard)) == (listener.object_id in moved)
        assert (words in texts_of(told)) == (caster.object_id in moved)
        # one it moved strikes harder at the other side: the good under melancholy, the evil under mirth
        other_side, same_side = (30, -30) if spell.figure("mood") < 0 else (-30, 30)
        bonus = song_rules.MOOD_HIT_BONUS if listener.object_id in moved else 0
        assert songs.offense_against(live, listener.object_id, other_side) == bonus
        assert songs.offense_against(live, listener.object_id, same_side) == songs.offense_against(live, listener.object_id, 0) == 0
        assert (1 <= songs.damage_against(live, listener.object_id, other_side, lambda low, high: high) <= 5) == bool(bonus)
    if key == "warptime":  # the trance begun before it is stretched, and said so
        assert listener.trance is not None
        now_ms = round(live.game_time * 1000)
        assert (said(scene, key, "slowed"), []) in texts_of(heard)
        assert listener.trance[2] - now_ms >= song_rules.stretched_ms(trance_due - now_ms, song_power) - 1600
        assert listener.trance[2] > trance_due
    if key in HINDERED:  # the casts of its school are cut by a half to two thirds of its power
        school, hindered_key, karma = HINDERED[key]
        hindered = world.spells[hindered_key]
        assert hindered.school == school
        listener.spells[hindered_key] = 50
        listener.stats.karma = karma
        if school == "jala":
            play(scene, scene.bob, listener)
        listener.stats.intellect = listener.stats.mysticism = listener.stats.stamina = 10
        their_power = power(Scene(scene.server, world, scene.bob, scene.alice, listener, caster, 0), hindered_key)
        chance = _success_chance(live, listener, hindered, [], their_power)
        whole = (100 - 10) * their_power // 100 + 10  # before the bounds of 5 and 95
        assert max(5, whole - (song_power * 2) // 3) <= chance <= max(5, min(95, whole - song_power // 2))
        assert chance < rules.success_chance(10, their_power)
        # cast under the song: it fizzles (a chance of a few percent, this world's dice say no)
        listener.stats.mana = 30
        for reagent in hindered.reagents:
            give(scene, scene.bob, listener, reagent.kind, reagent.count)
        scene.server.advance(1.5)
        scene.alice.read()
        target = [] if not hindered.targets else [{"id": listener.object_id, "amount": None}]
        reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(hindered.number), "amount": None}, targets=target)
        assert (world.messages.id("spell_failed"), [_spell_name(scene, hindered_key)]) in texts_of(reply)  # type: ignore[union-attr]
    # every drain time the singer pays the drain
    scene.alice.read()
    scene.bob.read()
    before = caster.stats.max_mana = caster.stats.mana  # no regeneration in the way
    due = enchantment.state["next_ms"]
    scene.server.advance((due - round(live.game_time * 1000)) / 1000 + 0.5)
    assert caster.stats.mana == before - spell.figure("drain")
    assert bars(scene.alice.read(), 2)[-1] == caster.stats.mana
    assert live.is_enchanted(room_id, key)
    # the singer casts again: the trance breaks, the song ends
    scene.bob.read()
    ended = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None}, targets=[])
    heard = scene.bob.read()
    room_music = scene.server.hub.context.resources.id(world.rooms[caster.room].music)
    for messages in (ended, heard):
        assert (said(scene, key, "song_ends"), []) in texts_of(messages)
        assert spell_object_id(spell.number) in room_icons(messages, "BP_REMOVE_ENCHANTMENT")
        assert room_music in music(messages, "BP_PLAY_MUSIC")
    if key == "warptime":
        assert (said(scene, key, "sped"), []) in texts_of(heard)
    if not any(e.spell == key for e in live.enchantments_of(room_id)):
        assert songs.current_song(live, caster.room) is None


def _spell_name(scene: Scene, key: str) -> int:
    spell = scene.world.spells[key]
    return spell.text_id("name") or scene.server.hub.context.resources.id(spell.name)


def test_no_instrument_and_the_newbie_who_would_hinder(scene: Scene) -> None:
    caster = scene.caster
    caster.spells["invigorate"] = caster.spells["truth"] = 50
    give(scene, scene.alice, caster, "diamond", 2)
    give(scene, scene.alice, caster, "snack", 2)
    caster.stats.mana = caster.stats.max_mana = 50  # no regeneration in the way
    reply = scene.cast("invigorate")
    assert texts_of(reply) == [(said(scene, "invigorate", "need_instrument"), [])] and caster.stats.mana == 50
    play(scene, scene.alice, caster)
    caster.stats.max_health = 20  # not yet able to fight players: no song that hinders them
    reply = scene.cast("truth")
    assert texts_of(reply) == [(said(scene, "truth", "no_newbie"), [])] and caster.stats.mana == 50
    caster.stats.max_health = 40
    caster.spells["spellbane"] = 50  # not where only guilds may fight
    give(scene, scene.alice, caster, "polishedseraphym")
    reply = scene.cast("spellbane")
    assert texts_of(reply) == [(said(scene, "spellbane", "no_towns"), [])] and caster.stats.mana == 50
    caster.spells["jig"] = 50  # nor a jig
    reply = scene.cast("jig")
    cast_here = scene.world.messages.id("spell_cast_here")  # type: ignore[union-attr]
    assert texts_of(reply) == [(cast_here, [_spell_name(scene, "jig")])] and caster.stats.mana == 50
    # putting the lute away while singing ends the song
    sing(scene, "invigorate")
    (lute,) = [i for i in scene.server.hub.world.items.used(caster.character_id)]
    reply = scene.alice.request("BP_REQ_UNUSE", object={"id": lute.object_id, "amount": None})
    assert (said(scene, "invigorate", "song_ends"), []) in texts_of(reply)
    assert not scene.server.hub.world.enchantments_of(scene.server.hub.world.room_enchantment_target(caster.room))


def test_a_quieter_song_fails_the_singer_runs_dry_and_a_newcomer_hears_it(scene: Scene) -> None:
    world, caster, other = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    room_id = live.room_enchantment_target(caster.room)
    caster.spells["warptime"] = 90
    other.spells["invigorate"] = 10
    play(scene, scene.alice, caster, "finelute")
    play(scene, scene.bob, other)
    sing(scene, "warptime", mana=11)  # too little left to go on for long
    drain = world.spells["warptime"].figure("drain")
    caster.stats.max_mana = caster.stats.mana  # no regeneration in the way
    loud = live.enchantments_of(room_id)[0].state["volume"]
    # a quieter song: the room hears it fail; its costs are paid
    give(scene, scene.bob, other, "diamond")
    give(scene, scene.bob, other, "snack")
    reply = sing(scene, "invigorate", scene.bob, other, mana=20)
    quiet = song_rules.volume(power(Scene(scene.server, world, scene.bob, scene.alice, other, caster, 0), "invigorate"), 1, 5000)
    assert quiet <= loud
    assert (said(scene, "invigorate", "song_failed"), []) in texts_of(reply)
    assert (said(scene, "invigorate", "song_failed"), []) in texts_of(scene.alice.read())
    assert other.stats.mana < 20 and [e.spell for e in live.enchantments_of(room_id)] == ["warptime"]
    assert "jala" not in other.school_casts  # a song drowned out stops short of the common part
    # the singer's mana runs low: one more turn and the song ends
    heard = scene.bob.read()
    for _ in range(15):
        if not live.enchantments_of(room_id):
            break
        scene.server.advance(1.0)
        heard += scene.bob.read()
    assert (said(scene, "warptime", "song_ends"), []) in texts_of(heard)
    assert room_icons(heard, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(world.spells["warptime"].number)]
    # under twice the drain at the first turn: it paid that turn and sang one more
    assert caster.stats.max_mana < 2 * drain and not live.enchantments_of(room_id)
    assert caster.stats.mana == caster.stats.max_mana - drain
    # a song is playing when a player comes in: it hears it and its music
    sing(scene, "warptime")
    scene.alice.read()
    for room, exit_room in (("jasper", "jaspersmithy"), ("jaspersmithy", "jasper")):  # out by a door, and back
        (door, *_) = [e for e in world.rooms[room].exits if e.row is not None and e.target.room == exit_room]
        assert door.row is not None and door.col is not None and other.room == room
        other.y, other.x = square_centre(door.row, door.col)
        scene.server.advance(0.5)
        scene.bob.read()
        came = scene.bob.request("BP_REQ_GO")
        assert other.room == exit_room
    assert (said(scene, "warptime", "song_playing"), []) in texts_of(came)
    assert music(came) == [said(scene, "warptime", "music")]
    assert room_icons(came, "BP_ADD_ENCHANTMENT") == [spell_object_id(world.spells["warptime"].number)]


@pytest.fixture
def open_scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    """Alice and Bob where anyone may fight (not only guilds): an abandoned house of Jasper."""
    assert not {"no_combat", "guild_pk_only"} & set(world.rooms["jasperab2"].flags)
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasperab2")
    try:
        made.caster.stats.max_mana = 200
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def _bob(scene: Scene) -> Scene:
    """The same scene with Bob casting."""
    return Scene(scene.server, scene.world, scene.bob, scene.alice, scene.target, scene.caster, 0)


def test_spellbane_stops_weaker_spells_and_mana_convergence_raises_them(open_scene: Scene) -> None:
    scene, world = open_scene, open_scene.world
    caster, other = scene.caster, scene.target
    live = scene.server.hub.world
    room_id = live.room_enchantment_target(caster.room)
    caster.spells["spellbane"] = caster.spells["manaconvergence"] = 90
    other.spells["blink"] = 20
    play(scene, scene.alice, caster, "finelute")
    give(scene, scene.alice, caster, "polishedseraphym", 3)
    bane = world.spells["spellbane"]
    sing(scene, "spellbane")
    (enchantment,) = live.enchantments_of(room_id)
    assert enchantment.state["power"] == power(scene, "spellbane") > power(_bob(scene), "blink")
    # Bob's weaker blink is stopped before its costs, told by whose song
    scene.alice.read()
    other.stats.mana = 30
    scene.server.advance(1.5)
    scene.bob.read()
    reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["blink"].number), "amount": None}, targets=[])
    assert texts_of(reply) == [(said(scene, "spellbane", "stopped"), [_name_of(scene, reply, caster)])]
    assert other.stats.mana == 30 and other.trance is None
    assert bane.figure("bans_weaker") and not world.spells["invigorate"].figure("bans_weaker")
    # mana convergence: the room told, then the song (which ends spellbane: a new cast breaks the trance)
    spell = world.spells["manaconvergence"]
    before, cast_power = power(_bob(scene), "blink"), power(scene, "manaconvergence")
    reply = sing(scene, "manaconvergence")
    heard = scene.bob.read()
    for messages in (reply, heard):
        assert (said(scene, "manaconvergence", "cast_said"), []) in texts_of(messages)
        assert (said(scene, "spellbane", "song_ends"), []) in texts_of(messages)
        assert (said(scene, "manaconvergence", "song_starts"), []) in texts_of(messages)
        assert music(messages) == [said(scene, "manaconvergence", "music")]
    (enchantment,) = live.enchantments_of(room_id)
    kept = song_rules.kept_power(cast_power, spell.figure("power_per"), spell.figure("power_divisor"), spell.figure("power_plus"))
    assert enchantment.state["power"] == kept == cast_power // 2 + 25
    assert power(_bob(scene), "blink") == min(99, before + kept)
    # Bob's blink now goes off (no spellbane), its trance shortened by the higher power
    reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["blink"].number), "amount": None}, targets=[])
    assert not any(f == said(scene, "spellbane", "stopped") for f, _ in texts_of(reply))
    # the singer logs off: her song ends with her
    scene.bob.read()
    scene.alice.close()
    scene.server.advance(0.5)
    heard = scene.bob.read()
    assert (said(scene, "manaconvergence", "song_ends"), []) in texts_of(heard)
    assert room_icons(heard, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert not live.enchantments_of(room_id) and songs.current_song(live, other.room) is None


def test_jig_makes_the_listeners_dance(open_scene: Scene) -> None:
    scene, world = open_scene, open_scene.world
    caster, other = scene.caster, scene.target
    live = scene.server.hub.world
    caster.spells["jig"] = 60
    play(scene, scene.alice, caster)
    lute = play(scene, scene.bob, other)  # what Bob holds is put away to dance
    give(scene, scene.alice, caster, "diamond", 2)
    reply = sing(scene, "jig")
    heard = scene.bob.read()
    told = reply + scene.alice.read()
    assert [m["id"] for m in heard if m.name == "BP_UNUSE"] == [lute] and not live.items.used(other.character_id)
    assert (said(scene, "jig", "dance"), []) in texts_of(heard)
    assert live.items.used(caster.character_id) and songs.dancing(live, other.object_id)
    assert not songs.dancing(live, caster.object_id)  # its singer plays on
    (change,) = [m for m in told if m.name == "BP_CHANGE" and m["id"] == other.object_id]
    for field in ("animation", "motion_animation"):  # a cycle of its dance's bitmap groups
        params = change[field]["params"]
        assert change[field]["type"] == 2 and (params["period"], params["group_low"], params["group_high"]) == (150, 6, 22)
    # nothing is used while it plays: the lute back in hand is refused, an apple not eaten
    reply = scene.bob.request("BP_REQ_USE", object={"id": lute, "amount": None})
    assert texts_of(reply) == [(said(scene, "jig", "no_use"), [])] and not live.items.used(other.character_id)
    apple = give(scene, scene.bob, other, "apple")
    assert scene.bob.request("BP_REQ_USE", object={"id": apple | NUMBER_TAG, "amount": 1}) == []
    assert inventory(scene.bob)[apple] == 1
    # the song ends: Bob stops, as Alice sees
    scene.alice.read()
    ended = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells["jig"].number), "amount": None}, targets=[])
    assert (said(scene, "jig", "stop_dance"), []) in texts_of(scene.bob.read())
    (change,) = [m for m in ended if m.name == "BP_CHANGE" and m["id"] == other.object_id]
    assert change["animation"]["type"] != 2 and not songs.dancing(live, other.object_id)


def test_a_song_whose_singer_is_gone_ends_after_a_restore(world: WorldDefinition) -> None:
    from emulator.world import events as ev
    from emulator.world.enchantments import Effect
    from emulator.world.world import World, WorldRules

    first = World(world, {}, seed=3, rules=WorldRules(tick_interval=0.5))
    room_id = first.room_enchantment_target("jasper")
    state = {"volume": 10, "caster": 99_999_999, "power": 40, "next_ms": 60_000, "last": False, "moved": []}
    assert first.enchant(room_id, "invigorate", None, Effect(), state=state).enchantment is not None
    snapshot = first.snapshot()
    again = World(world, {}, seed=3, rules=WorldRules(tick_interval=0.5))
    again.tick(0.0)  # it has looked for songs before the restore
    again.restore(snapshot)
    room_id = again.room_enchantment_target("jasper")
    assert songs.current_song(again, "jasper") is not None
    events = again.tick(0.5)
    assert [e.spell for e in events if isinstance(e, ev.EnchantmentEnded)] == ["invigorate"]
    assert not again.enchantments_of(room_id) and songs.current_song(again, "jasper") is None


def test_a_necklace_of_jala_sings_on_through_running_and_other_spells(open_scene: Scene) -> None:
    scene, world = open_scene, open_scene.world
    caster = scene.caster
    live = scene.server.hub.world
    room_id = live.room_enchantment_target(caster.room)
    caster.spells["invigorate"] = caster.spells["zap"] = 60
    play(scene, scene.alice, caster)
    play(scene, scene.alice, caster, songs.NECKLACE_KIND)  # worn on the neck, beside the lute
    assert len(live.items.used(caster.character_id)) == 2
    give(scene, scene.alice, caster, "diamond")
    give(scene, scene.alice, caster, "snack")
    sing(scene, "invigorate")
    scene.alice.read()
    ends = said(scene, "invigorate", "song_ends")
    # running does not stop it
    scene.server.advance(1.0)
    moved = scene.alice.request("BP_REQ_MOVE", y=caster.y + 8, x=caster.x, speed=36, room={"id": room_id, "amount": None})
    assert caster.speed == 36 and live.is_enchanted(room_id, "invigorate")
    assert ends not in [f for f, _ in texts_of(moved + scene.bob.read())]
    # nor a spell of another school (zap: Faren)
    give(scene, scene.alice, caster, "bluemushroom")
    caster.stats.mana = 50
    reply = scene.cast("zap")
    assert live.is_enchanted(room_id, "invigorate") and ends not in [f for f, _ in texts_of(reply)]
    # eating does
    apple = give(scene, scene.alice, caster, "apple")
    reply = scene.alice.request("BP_REQ_USE", object={"id": apple | NUMBER_TAG, "amount": 1})
    assert (ends, []) in texts_of(reply) and not live.is_enchanted(room_id, "invigorate")
    # without the necklace, running ends it
    (necklace,) = [i for i in live.items.used(caster.character_id) if i.kind == songs.NECKLACE_KIND]
    scene.alice.request("BP_REQ_UNUSE", object={"id": necklace.object_id, "amount": None})
    give(scene, scene.alice, caster, "diamond")
    give(scene, scene.alice, caster, "snack")
    sing(scene, "invigorate")
    scene.server.advance(1.0)
    scene.alice.read()
    moved = scene.alice.request("BP_REQ_MOVE", y=caster.y - 8, x=caster.x, speed=36, room={"id": room_id, "amount": None})
    assert (ends, []) in texts_of(moved + scene.alice.read()) and not live.is_enchanted(room_id, "invigorate")


def test_a_singer_hurt_stops_singing(open_scene: Scene) -> None:
    scene = open_scene
    caster, other = scene.caster, scene.target
    live = scene.server.hub.world
    room_id = live.room_enchantment_target(caster.room)
    caster.spells["invigorate"] = 60
    play(scene, scene.alice, caster)
    give(scene, scene.alice, caster, "diamond")
    give(scene, scene.alice, caster, "snack")
    sing(scene, "invigorate")
    scene.bob.request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
    for _ in range(30):  # Bob strikes until a blow hurts her; a miss leaves the song be
        scene.server.advance(1.5)
        scene.alice.read()
        health = caster.stats.health
        struck = scene.bob.request("BP_REQ_ATTACK", attack_type=1, target={"id": caster.object_id, "amount": None}, trailing=0)
        if caster.stats.health < health:
            break
        assert live.is_enchanted(room_id, "invigorate")
    assert caster.stats.health < health and other.outlaw
    assert (said(scene, "invigorate", "song_ends"), []) in texts_of(struck)
    assert not live.is_enchanted(room_id, "invigorate")
