"""The spells of looks below the protocol: how a look is drawn into a player's flags,
shadow form's defence by the light, the monsters' loss of interest in one feigning death,
and the crowd path (one encoding per look for a whole room)."""

from __future__ import annotations

from types import SimpleNamespace

import attrs

from emulator.content.model import SpawnRules, SpellDefinition
from emulator.rules.spells import looks as rules
from emulator.world import disguise
from emulator.world.enchantments import Effect
from emulator.world.world import World

from .test_monsters import add_player, definition, run


def test_invisibility_replaces_the_drawing_effect_and_flashes_for_those_who_see_it() -> None:
    plain = 0x4 | 0x200
    assert rules.drawn_flags(plain, invisible=False, drawfx=0, sees_invisible=False) == plain
    assert rules.drawn_flags(plain, invisible=False, drawfx=rules.DRAWFX_BLACK, sees_invisible=True) == plain | rules.DRAWFX_BLACK
    shimmer = rules.drawn_flags(plain | rules.FLICKERING, invisible=True, drawfx=0, sees_invisible=False)
    assert shimmer == plain | rules.FLICKERING | rules.DRAWFX_INVISIBLE
    seen = rules.drawn_flags(plain | rules.FLICKERING, invisible=True, drawfx=0, sees_invisible=True)
    assert seen == plain | rules.FLASHING
    # shadow form over invisibility: the original adds the silhouette's bits to the shimmer's
    both = rules.drawn_flags(plain, invisible=True, drawfx=rules.DRAWFX_BLACK, sees_invisible=False)
    assert both & rules.DRAWFX_MASK == rules.DRAWFX_INVISIBLE | rules.DRAWFX_BLACK


def test_shadow_form_defends_more_in_the_dark() -> None:
    assert rules.shadow_defense(rules.LIGHT_NICE) == 30
    assert rules.shadow_defense(0) == 150 and rules.shadow_defense(255) == 10
    assert rules.shadow_defense(100) > rules.shadow_defense(150)


def test_feign_death_and_kept_spells_drain_until_too_little_is_left() -> None:
    assert rules.kept_drain(12, 5) == (7, True)
    assert rules.kept_drain(7, 5) == (2, False)  # the last period
    assert rules.feign_drop_chance(0) == 10 and rules.feign_drop_chance(99) == 1
    assert rules.morph_health_change(40, 60, 50) == 10 and rules.morph_health_change(40, 1, 99) == 20 - 40


def _world_with_feign_death() -> tuple[World, int]:
    spell = SpellDefinition("feigndeath", 142, "feign death", school="riija", level=1, effect="feign_death",
                            figures=(("drain_mana", 5), ("drain_ms", 5000)))
    rules_ = SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=1_000_000, percent=100)
    made = attrs.evolve(definition(spawns=((2, 2),), rules=rules_, behaviour=("fight_aggressive",)), spells={"feigndeath": spell})
    world = World(made, {"cave": None}, seed=2)
    return world, add_player(world, "cave", 5, 5)


def test_monsters_lose_interest_in_one_feigning_death() -> None:
    world, player_id = _world_with_feign_death()
    (monster,) = world.monsters()
    run(world, range(10))
    assert monster.target == player_id
    started = world.enchant(player_id, "feigndeath", None, Effect({}, {"feigning", "anonymous"}), caster_id=player_id)
    assert started.enchantment is not None
    health = world.player(player_id).stats.health
    run(world, range(10, 40))
    assert monster.target is None and world.player(player_id).stats.health >= health
    assert disguise.look_of(world, player_id) == disguise.Look(anonymous="feigndeath", body="feigndeath")
    # up again: noticed again
    world.disenchant(player_id, "feigndeath")
    assert disguise.look_of(world, player_id).plain
    run(world, range(40, 50))
    assert monster.target == player_id


def test_a_room_sees_a_player_by_one_encoding_per_look() -> None:
    """Three watchers, one of whom sees the invisible: two blocks for the room, never one
    per watcher; one block when the player is not invisible."""
    from emulator.game import looks

    world, player_id = _world_with_feign_death()
    seers = {add_player(world, "cave", 7, 7, character=c): c == 3 for c in (2, 3, 4)}

    @attrs.define
    class Session:  # what the crowd path asks of a session: whose it is, and its queue
        player_id: int
        queued: list[object] = attrs.field(factory=list)

        @property
        def avatar(self) -> SimpleNamespace:
            return SimpleNamespace(player_id=self.player_id)

        def queue(self, encoded: object) -> None:
            self.queued.append(encoded)

    built: list[bool] = []

    @attrs.define
    class Context:
        world: World

        def encode_fields(self, message: str, fields: dict[str, object]) -> tuple[str, object]:
            return message, fields

    def build(ctx: object, thing: object, seeing: bool) -> dict[str, object]:
        built.append(seeing)
        return {"seeing": seeing}

    sessions = [Session(i) for i in seers]
    ctx = Context(world)
    looks_ctx: object = ctx
    player = world.player(player_id)
    looks.show_object(looks_ctx, sessions, "BP_CHANGE", player, build)  # type: ignore[arg-type]
    assert built == [False] and all(s.queued == sessions[0].queued for s in sessions)
    invisible = SpellDefinition("fade", 65, "fade", effect="fade")
    seer = SpellDefinition("detectinvisible", 123, "detect invisible", effect="personal_enchantment", flags=("detect_invis",))
    world.definition.spells.update(fade=invisible, detectinvisible=seer)
    world.enchant(player_id, "fade", None, Effect({}, {"invisible"}), caster_id=player_id)
    for viewer, sees in seers.items():
        if sees:
            world.enchant(viewer, "detectinvisible", None, Effect({}, {"detect_invis"}), caster_id=viewer)
    built.clear()
    for session in sessions:
        session.queued.clear()
    looks.show_object(looks_ctx, sessions, "BP_CHANGE", player, build)  # type: ignore[arg-type]
    assert sorted(built) == [False, True]
    for session in sessions:
        assert session.queued == [("BP_CHANGE", {"seeing": seers[session.player_id]})]


def test_attacking_or_killing_one_anonymous_brands_nobody() -> None:
    from emulator.rules.pvp import AttackRefusal, Murder, PkStatus, attack_makes_outlaw, attack_refusal, murder

    grown, hidden = PkStatus(60), PkStatus(60, disguised=True)
    assert attack_refusal(grown, grown, True, ()) is AttackRefusal.SAFETY
    assert attack_refusal(grown, hidden, True, ()) is None  # the safety does not know it
    assert attack_makes_outlaw(grown, grown) and not attack_makes_outlaw(grown, hidden)
    assert murder(grown, grown) is Murder.BRANDED and murder(grown, hidden) is Murder.JUSTIFIED
    assert attack_refusal(grown, PkStatus(20, disguised=True), False, ()) is AttackRefusal.NEWBIE_VICTIM  # still a newbie
    # in the world: a player under anonymity is attacked with the safety on, and nobody is branded
    spell = SpellDefinition("anonymity", 86, "anonymity", school="riija", level=1, effect="anonymity")
    made = attrs.evolve(definition(spawns=((2, 2),)), spells={"anonymity": spell})
    world = World(made, {"cave": None}, seed=2)
    for monster in world.monsters():
        world._monsters.remove(monster)
    attacker, victim = add_player(world, "cave", 5, 5, character=1), add_player(world, "cave", 5, 6, character=2)
    for player_id in (attacker, victim):
        stats = world.player(player_id).stats
        stats.max_health = stats.base_max_health = stats.health = 60
    assert world.player(attacker).safety
    refused = world.attack(attacker, victim, 1.0)
    assert [type(e).__name__ for e in refused] == ["PlayerAttackRefused"]
    world.enchant(victim, "anonymity", 60_000, Effect({}, {"anonymous"}), caster_id=victim)
    swung = world.attack(attacker, victim, 3.0)
    assert "PlayerAttacked" in [type(e).__name__ for e in swung]
    assert not world.player(attacker).outlaw and not world.player(attacker).murderer
