"""The fighting skills in the world: a player's parry, block and dodge against a monster's
blows, its strokes and proficiencies in its swings, and their improvement with use."""

from __future__ import annotations

import random

import attrs

from emulator.content.model import (
    ItemInfo,
    MonsterChance,
    MonsterInfo,
    ObjectKind,
    Placement,
    RoomDefinition,
    SkillDefinition,
    SpawnRules,
    WorldDefinition,
    square_centre,
)
from emulator.rules.combat import (
    SKID_BLOCK,
    SKID_BRAWLING,
    SKID_DODGE,
    SKID_PARRY,
    SKID_PROFICIENCY_MACE,
    SKID_PUNCH,
    SKID_SLASH,
    monster_damage_taken,
    monster_defense,
    player_damage,
    player_offense,
    roll_attack,
)
from emulator.rules.dice import roll_with
from emulator.world import events as ev
from emulator.world.objects import Stats
from emulator.world.world import World

HAND, WEAPON, ARMOUR = 0x0008, 0x0001, 0x0002
OGRE_SQUARE = (5, 5)

SKILLS = {
    key: SkillDefinition(key, number, key, level=level, improve_chance=chance, requisite=requisite)
    for key, number, level, chance, requisite in (
        ("dodge", SKID_DODGE, 2, 20, "agility"), ("parry", SKID_PARRY, 4, 20, "agility"),
        ("block", SKID_BLOCK, 1, 60, "agility"), ("punch", SKID_PUNCH, 1, 60, "agility"),
        ("brawling", SKID_BRAWLING, 2, 25, "might"), ("slash", SKID_SLASH, 1, 20, "agility"),
        ("maceproficiency", SKID_PROFICIENCY_MACE, 1, 40, "might"),
    )
}


def _item(key: str, *values: tuple[str, int]) -> ObjectKind:
    return ObjectKind(key, key, f"{key}.bgf", "", 0x10, item=ItemInfo(values))


def definition(level: int = 30, difficulty: int = 4, skills: dict[str, SkillDefinition] = SKILLS) -> WorldDefinition:
    """A cave whose one spawn square holds an aggressive ogre that stands still; a mace
    and a shield to fight with; the skills above."""
    rooms = {
        "cave": RoomDefinition(
            "cave", "Cave", "cave.roo", 12, 12,
            monsters=(MonsterChance("ogre", 100),), monster_spawns=(Placement("cave", *OGRE_SQUARE),),
            spawn_rules=SpawnRules(limit=1, initial_min=1, initial_max=1, interval_ms=10_000, percent=100),
        ),
    }
    info = MonsterInfo(level=level, difficulty=difficulty, speed=0, behaviour=("nomove", "fight_aggressive"))
    kinds = {
        "ogre": ObjectKind("ogre", "ogre", "ogre.bgf", "An ogre.", monster=info),
        "mace": _item("mace", ("use_type", HAND), ("item_type", WEAPON), ("weapon_type", 0), ("weapon_quality", 0),
                      ("proficiency", SKID_PROFICIENCY_MACE)),
        "shield": _item("shield", ("use_type", HAND), ("item_type", ARMOUR), ("defense", 15), ("damage_reduce", 2)),
    }
    return WorldDefinition(rooms, kinds, (), start=Placement("cave", 9, 9), skills=dict(skills))


def fighter(world: World, *carried: str, health: int = 500, **skills: int) -> int:
    """A player beside the ogre, wielding and wearing what it is given, with those skills."""
    y, x = square_centre(OGRE_SQUARE[0], OGRE_SQUARE[1] + 1)
    player_id, _ = world.add_player(1, "P1", ev.Position("cave", y, x), Stats(health=health, max_health=health, agility=50))
    for kind in carried:
        item = world.items.create_on_ground(kind, None, "cave", y, x, 0, "test", [])
        world.pick_up(player_id, item.object_id, None, 0.0)
        assert world.use_item(player_id, item.object_id) == [ev.ItemUsed(player_id, item.object_id)]
    world.player(player_id).skills.update(skills)
    return player_id


def blows(world: World, seconds: int) -> list[ev.MonsterAttacked]:
    """The ogre's blows over that many seconds; the player's health is kept full."""
    events: list[ev.WorldEvent] = []
    for second in range(seconds):
        events += world.tick(float(second))
        for player in world.all_players():
            player.stats.health = player.stats.max_health
    return [e for e in events if isinstance(e, ev.MonsterAttacked)]


def test_a_skilled_player_parries_blocks_and_dodges_the_monster_s_blows() -> None:
    world = World(definition(), seed=5)
    player = fighter(world, "mace", "shield", dodge=60, parry=60, block=60)
    swings = blows(world, 400)
    misses = [s.defence for s in swings if not s.hit]
    assert {"parry", "block", "dodge", "avoid"} == set(misses)
    assert world.player(player).dodged  # missed: the next kill may improve a defence


def test_without_a_weapon_or_a_shield_only_dodge_is_told() -> None:
    world = World(definition(), seed=5)
    fighter(world, dodge=60, parry=60, block=60)
    assert {s.defence for s in blows(world, 400) if not s.hit} == {"dodge", "avoid"}


def test_the_defence_skills_keep_the_blows_off() -> None:
    hits = {}
    for skilled in (False, True):
        world = World(definition(), seed=5)
        abilities = {"dodge": 99, "parry": 99, "block": 99} if skilled else {}
        fighter(world, "mace", "shield", health=30, **abilities)
        swings = blows(world, 600)
        hits[skilled] = sum(s.hit for s in swings) / len(swings)
    # ogre offence 330; defence 200 + 45 = 245 bare (74% to hit), 854 with the skills (21%)
    assert hits[False] > 0.6 and hits[True] < 0.35


def _punch_until_improved(world: World, player: int, swings: int, start: int = 0) -> tuple[list[ev.WorldEvent], int]:
    (ogre,) = world.monsters()
    events: list[ev.WorldEvent] = []
    for n in range(swings):
        ogre.hit_points = 10_000
        events += world.attack(player, ogre.object_id, float(start + n))
        if any(isinstance(e, ev.SkillImproved) for e in events):
            return events, n + 1
    return events, swings


def test_strokes_and_proficiencies_improve_only_after_75_swings() -> None:
    world = World(definition(), seed=7)
    player = fighter(world, punch=5, brawling=5)
    events, swings = _punch_until_improved(world, player, 400)
    (improved,) = [e for e in events if isinstance(e, ev.SkillImproved)]
    assert swings > 75 and improved.skill in ("punch", "brawling") and improved.ability == 6
    assert improved.slot == sorted(world.player(player).skills).index(improved.skill) + 1
    assert world.player(player).skills[improved.skill] == 6
    # told after the blow it came with; the swing bonus starts over
    assert isinstance(events[events.index(improved) - 1], ev.AttackResolved)
    assert (world.player(player).swings, world.player(player).swing_bonus) == (0, 0)
    assert (world.player(player).advancement_points, world.player(player).advancement_ends_ms is not None) == (1, True)


def test_a_player_without_the_skills_improves_nothing() -> None:
    world = World(definition(), seed=7)
    player = fighter(world)
    events, _ = _punch_until_improved(world, player, 200)
    assert not [e for e in events if isinstance(e, (ev.SkillImproved, ev.AdvancementCapped))]
    assert world.player(player).skills == {}


def test_at_the_advancement_limit_nothing_improves_and_the_player_is_sometimes_told() -> None:
    world = World(definition(), seed=7)
    player = fighter(world, punch=5, brawling=5)
    world.player(player).advancement_points, world.player(player).advancement_ends_ms = 10, 10**9
    events, _ = _punch_until_improved(world, player, 400)
    assert not [e for e in events if isinstance(e, ev.SkillImproved)]
    notes = [e.note for e in events if isinstance(e, ev.AdvancementCapped)]
    assert notes and set(notes) <= {1, 2, 3}
    # once the advancement timer has run out, the count starts over
    world.player(player).advancement_ends_ms = 0
    events, _ = _punch_until_improved(world, player, 400, start=1000)
    assert [e for e in events if isinstance(e, ev.SkillImproved)]


def test_a_kill_after_being_missed_improves_a_defence() -> None:
    """A level-50 ogre: the improvement's difficulty is at its highest; the player is
    tougher than the ogre, so the kill brings no max-health roll first."""
    skills = dict(SKILLS, dodge=attrs.evolve(SKILLS["dodge"], improve_chance=100))
    world = World(definition(level=50, skills=skills), seed=11)
    player_id = fighter(world, dodge=30, health=60)
    player = world.player(player_id)
    player.stats.base_max_health = 60
    (ogre,) = world.monsters()
    # the player takes the ogre on (a new target starts the fight's flags over), then
    # the ogre swings until it misses once
    world.attack(player_id, ogre.object_id, 0.0)
    missed = False
    for second in range(200):
        for event in world.tick(float(second)):
            missed = missed or (isinstance(event, ev.MonsterAttacked) and not event.hit)
        player.stats.health = 60
        if missed:
            break
    assert missed and player.dodged
    events: list[ev.WorldEvent] = []
    for second in range(200, 400):
        ogre.hit_points = 1
        events += world.attack(player_id, ogre.object_id, float(second))
        if any(isinstance(e, ev.MonsterKilled) for e in events):
            break
    killed = next(e for e in events if isinstance(e, ev.MonsterKilled))
    improved = [e for e in events if isinstance(e, ev.SkillImproved)]
    assert [(e.skill, e.ability) for e in improved] == [("dodge", 31)]
    assert events.index(killed) < events.index(improved[0])
    assert not player.dodged  # the fight's flags start over


def test_the_stroke_and_the_proficiency_enter_each_swing_by_the_rules() -> None:
    """player.kod GetOffense and stroke.kod FindDamage with the player's slash and mace
    proficiency: the world's swings are the rules' swings with those abilities."""
    world = World(definition(), seed=9)
    player_id = fighter(world, "mace", slash=40, maceproficiency=70)
    (ogre,) = world.monsters()
    weapon = world.wielded_weapon(player_id)
    stats = world.player(player_id).stats
    hits = 0
    for n in range(60):
        ogre.hit_points = 10_000
        now = float(n)
        roll = roll_with(random.Random(f"{world.seed}:attack:{world.tick_count}:{player_id}:{ogre.object_id}:{now!r}"))
        swing = roll_attack(
            player_offense(40, 70, stats.aim, stats.max_health, weapon), monster_defense(ogre.level, ogre.difficulty),
            lambda: player_damage(roll, stats.might, stats.aim, weapon, 70), roll,
        )
        resolved = world.attack(player_id, ogre.object_id, now)[0]
        assert isinstance(resolved, ev.AttackResolved)
        assert (resolved.hit, resolved.damage) == (swing.hit, monster_damage_taken(swing.damage) if swing.hit else 0)
        hits += resolved.hit
    assert 0 < hits < 60
