"""The enchantment engine of the world: started, refused or replaced as the original does
for the same spell, ended on the game clock or early, its modifiers queried and counted
in fights, frozen over a logoff, gone at death, kept in the world snapshot for rooms
and monsters."""

from __future__ import annotations

import attrs

from emulator.content.model import SpellDefinition, WorldDefinition
from emulator.world import events as ev
from emulator.world.enchantments import EnchantRefusal, Effect, Hooks, Target, spell_object_id
from emulator.world.world import World, WorldRules
from tests.test_world import definition as plain_definition

STRENGTH = Effect({"might": 5})


def definition() -> WorldDefinition:
    spells = {
        "strength": SpellDefinition("strength", 21, "strength", icon="istreng.bgf"),
        "curse": SpellDefinition("curse", 22, "curse", icon="icurse.bgf", harmful=True),
        "light": SpellDefinition("light", 23, "light", icon="ilight.bgf"),
    }
    return attrs.evolve(plain_definition(), spells=spells)


def make_world() -> World:
    world = World(definition(), {}, seed=3, rules=WorldRules(tick_interval=0.25))
    world.tick(0.0)
    return world


def ticks(world: World, seconds: float) -> list[ev.WorldEvent]:
    events: list[ev.WorldEvent] = []
    for _ in range(round(seconds / world.rules.tick_interval)):
        step: list[ev.WorldEvent] = []
        world._run_tick(step)
        events += step
    return events


def ended(events: list[ev.WorldEvent]) -> list[ev.EnchantmentEnded]:
    return [e for e in events if isinstance(e, ev.EnchantmentEnded)]


def test_a_player_enchantment_lasts_its_time_and_its_modifier_with_it() -> None:
    world = make_world()
    me, _ = world.add_player(1, "Alanna")
    base = world.player(me).stats.might
    started = world.enchant(me, "strength", 10_000, STRENGTH, state=5, caster_id=me)
    assert started.refusal is None and started.enchantment is not None
    assert started.events == [ev.EnchantmentStarted(me, Target.PLAYER, "inn", "strength", True, True)]
    assert world.is_enchanted(me, "strength") and world.is_enchanted(me) and not world.is_enchanted(me, "light")
    assert world.enchantment_modifier(me, "might") == 5
    assert world.effective_stats(me).might == base + 5 and world.player(me).stats.might == base
    assert not ended(ticks(world, 9.75))
    (gone,) = ended(ticks(world, 0.25))
    assert gone == ev.EnchantmentEnded(me, Target.PLAYER, "inn", "strength", True, True, expired=True)
    assert world.enchantment_modifier(me, "might") == 0 and world.effective_stats(me).might == base
    assert not world.is_enchanted(me)


def test_the_same_spell_is_replaced_on_oneself_and_refused_from_another() -> None:
    world = make_world()
    me, _ = world.add_player(1, "Alanna")
    other, _ = world.add_player(2, "Bob")
    world.enchant(me, "strength", 10_000, STRENGTH, caster_id=me)
    ticks(world, 5)
    refused = world.enchant(me, "strength", 60_000, Effect({"might": 9}), caster_id=other)
    assert refused.refusal is EnchantRefusal.ALREADY and refused.events == []
    recast = world.enchant(me, "strength", 20_000, Effect({"might": 7}), caster_id=me)
    assert [type(e) for e in recast.events] == [ev.EnchantmentEnded, ev.EnchantmentStarted]
    assert world.enchantment_modifier(me, "might") == 7 and len(world.enchantments_of(me)) == 1
    assert not ended(ticks(world, 19.75))  # the new one's time, not what the old had left
    assert len(ended(ticks(world, 0.25))) == 1
    assert world.enchant(me, "nothing", 1000).refusal is EnchantRefusal.NO_SPELL
    assert world.enchant(12345, "strength", 1000).refusal is EnchantRefusal.NO_TARGET


def test_a_room_enchantment_is_refused_while_it_lasts_and_queried_by_room() -> None:
    world = make_world()
    room = world.room_enchantment_target("inn")
    started = world.enchant(room, "light", 3000, Effect({"light": 25}, flags={"lit"}))
    assert started.events == [ev.EnchantmentStarted(room, Target.ROOM, "inn", "light", True, False)]
    assert world.enchant(room, "light", 3000, caster_id=room).refusal is EnchantRefusal.ALREADY
    assert world.enchantment_flag(room, "lit") and world.enchantment_modifier(room, "light") == 25
    (gone,) = ended(ticks(world, 3))
    assert gone.target == Target.ROOM and gone.room == "inn" and not world.enchantment_flag(room, "lit")


def test_removed_early_with_its_end_hook_and_indefinite_ones_stay() -> None:
    world = make_world()
    me, _ = world.add_player(1, "Alanna")
    calls: list[tuple[str, bool]] = []
    world.enchantments.hooks["strength"] = Hooks(
        start=lambda e, report: calls.append(("start", report)), end=lambda e, report: calls.append(("end", report)),
    )
    world.enchant(me, "strength", 5000, STRENGTH, caster_id=me)
    world.enchant(me, "light", None, Effect(flags={"see_invisible"}))
    assert [e.spell for e in world.enchantments_of(me)] == ["light", "strength"]  # newest first
    (gone,) = world.disenchant(me, "strength", report=False)
    assert isinstance(gone, ev.EnchantmentEnded) and not gone.expired
    assert calls == [("start", True), ("end", False)]
    assert world.disenchant(me, "strength") == []
    assert not ended(ticks(world, 600)) and world.enchantment_flag(me, "see_invisible")


def test_time_stops_while_logged_off_and_harmful_ones_get_three_seconds() -> None:
    world = make_world()
    me, _ = world.add_player(1, "Alanna")
    world.enchant(me, "strength", 10_000, STRENGTH, state=5, caster_id=me)
    world.enchant(me, "curse", 10_000, Effect({"aim": -3}))
    world.enchant(me, "light", 0, Effect(shown=False))
    ticks(world, 4)
    player = world.player(me)
    world.remove_player(me, world.game_time)
    assert not world.enchantments_of(me)
    saved = player.enchantments_left  # what the save gets: oldest first, time left frozen
    assert [(e["spell"], e["remaining_ms"]) for e in saved] == [("strength", 6000), ("curse", 9000), ("light", None)]
    assert saved[0]["state"] == 5
    ticks(world, 100)  # nothing runs while it is away
    restarted: list[str] = []
    world.enchantments.hooks["curse"] = Hooks(restart=lambda e, report: restarted.append(e.spell))
    me, _ = world.add_player(1, "Alanna", enchantments=saved)
    assert restarted == ["curse"]
    now_ms = round(world.game_time * 1000)
    assert {e.spell: e.remaining_ms(now_ms) for e in world.enchantments_of(me)} == {
        "strength": 6000, "curse": 9000, "light": None,
    }
    assert world.enchantment_modifier(me, "aim") == -3 and world.enchantment_modifier(me, "might") == 5
    assert [e.spell for e in ended(ticks(world, 6))] == ["strength"]
    assert [e.spell for e in ended(ticks(world, 3))] == ["curse"]


def test_a_death_ends_every_enchantment_of_the_dead() -> None:
    world = make_world()
    me, _ = world.add_player(1, "Alanna")
    world.enchant(me, "strength", 10_000, STRENGTH, caster_id=me)
    events: list[ev.WorldEvent] = []
    world._player_died(world.player(me), "", events)
    assert [e.spell for e in ended(events)] == ["strength"] and not world.enchantments_of(me)


def test_rooms_and_monsters_keep_theirs_in_the_snapshot() -> None:
    world = make_world()
    room = world.room_enchantment_target("field")
    world.enchant(room, "light", 8000, Effect({"light": 30}), state=30)
    ticks(world, 2)
    snapshot = world.snapshot()
    again = World(definition(), {}, seed=3, rules=WorldRules(tick_interval=0.25))
    again.restore(snapshot)
    (kept,) = again.enchantments_of(room)
    assert kept.spell == "light" and kept.state == 30 and again.enchantment_modifier(room, "light") == 30
    assert kept.remaining_ms(round(again.game_time * 1000)) == 6000
    assert not ended(ticks(again, 5.75))
    assert len(ended(ticks(again, 0.25))) == 1


def test_an_enchantment_names_its_spell_by_the_id_of_the_spell_list(world: WorldDefinition) -> None:
    from emulator.world import spellbook

    spell = world.spells["superstrength"]
    assert spell_object_id(spell.number) == spellbook.spell_object_id(spell)


def test_the_import_says_where_spells_show_their_icon_and_which_cycle(world: WorldDefinition) -> None:
    spells = world.spells
    assert spells["superstrength"].show_icon == {"player", "room"} and spells["superstrength"].icon_animation is None
    assert spells["winds"].show_icon == {"room"}  # ENCHANTMENT_SHOW_ROOM
    assert spells["truce"].icon_animation == (200, 1, 3)
    lit = World(world, {}, seed=1)
    room = lit.room_enchantment_target(world.start.room)
    me, _ = lit.add_player(1, "Alanna")
    assert lit.enchant(me, "winds", 1000).events[0].shown is False  # type: ignore[union-attr]
    assert lit.enchant(room, "winds", 1000).events[0].shown is True  # type: ignore[union-attr]


def test_a_monster_keeps_its_enchantment_over_a_restart_without_an_icon(world: WorldDefinition) -> None:
    live = World(world, {}, seed=1, rules=WorldRules(tick_interval=0.25))
    monster = live.monsters()[0]
    started = live.enchant(monster.object_id, "superstrength", 4000, Effect({"defense": 40}))
    (event,) = started.events
    assert isinstance(event, ev.EnchantmentStarted) and event.target == Target.MONSTER and not event.shown
    assert live.enchantment_modifier(monster.object_id, "defense") == 40
    again = World(world, {}, seed=1, rules=WorldRules(tick_interval=0.25))
    again.restore(live.snapshot())
    assert [e.spell for e in again.enchantments_of(monster.object_id)] == ["superstrength"]
    again._monsters.remove(again._monsters.by_id[monster.object_id])  # gone before its time: dropped quietly
    assert not ended(ticks(again, 4)) and not again.enchantments_of(monster.object_id)


def test_a_defence_enchantment_adds_to_what_armour_gives() -> None:
    world = make_world()
    me, _ = world.add_player(1, "Alanna")
    assert world.armour_of(me) == (0, 0)
    world.enchant(me, "light", 1000, Effect({"defense": 15, "offense": 5}))
    assert world.armour_of(me) == (15, 0) and world.enchantment_modifier(me, "offense") == 5


def test_a_snapshot_from_before_enchantments_restores_without_them() -> None:
    world = make_world()
    world.enchant(world.room_enchantment_target("inn"), "light", 8000)
    snapshot = world.snapshot()
    del snapshot["enchantments"]
    snapshot["version"] = 5
    again = World(definition(), {}, seed=3)
    again.restore(snapshot)
    assert again.tick_count == world.tick_count and not again.enchantments_of(again.room_enchantment_target("inn"))
