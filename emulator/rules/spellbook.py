"""The original's rules of what a player knows: the spell schools, who may learn what
(player.kod PlayerCanLearn), the ability a new spell or skill starts at (spell.kod,
skill.kod InitialAbility) and the choices of a new character (player.kod
PlayerNewCharInfo, system.kod SendCharInfo).

Pure functions over plain values: an ability is given as :class:`Known` (its level, its
school number and the player's percent in it).
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable, Sequence

import attrs

from emulator.rules.dice import bound

#: The schools in the order of UC_SPELL_SCHOOLS (blakston.khd SS_*): a spell's school byte
#: is its 1-based place here.
SCHOOLS = ("shalille", "qor", "kraanan", "faren", "riija", "jala")
DM_SCHOOL = "dm_command"  # SS_DM_COMMAND, 7: listed to DMs only
SHALILLE, QOR, KRAANAN, FAREN, RIIJA, JALA = 1, 2, 3, 4, 5, 6
DM_COMMAND = 7

ABILITY_MIN, ABILITY_MAX = 1, 99
INITIAL_ABILITY_MAX = 25

#: player.kod: the slope of learning points, and the least a player needs to advance.
POINTS_SLOPE = 7
MIN_NEEDED_TO_ADVANCE = 75
#: settings.kod piMaxLearnPoints: the learning points at which a player is maxed out.
MAX_LEARN_POINTS = 16
#: system.kod vlLevelPoints: what knowing a school up to a level costs, levels 1 to 6.
LEVEL_POINTS = (1, 2, 4, 6, 8, 10)
#: The spell whose level does not count towards its school's (player.kod: Blink).
UNCOUNTED_SPELL = "blink"

#: Character creation (system.kod SendCharInfo, player.kod PlayerNewCharInfo): the schools
#: offered, the points a level-1 and a level-2 choice costs, and the most a player spends.
NEW_CHARACTER_SCHOOLS = frozenset({SHALILLE, QOR, KRAANAN, FAREN})
NEW_CHARACTER_MAX_LEVEL = 2
NEW_CHARACTER_POINTS = 45
#: The spell every new character knows (player.kod AddDefaultSpells).
DEFAULT_SPELLS = ("blink",)
#: player.kod PlayerNewCharInfo: a new character who chose Shal'ille but not Qor starts at
#: +20 karma, Qor but not Shal'ille at -20 (piKarma 2000 hundredths).
CHOSEN_KARMA = 20


def school_number(school: str) -> int:
    """The school byte of a spell (1-based, as UC_SPELL_SCHOOLS lists them); 0 for none."""
    if school == DM_SCHOOL:
        return DM_COMMAND
    return SCHOOLS.index(school) + 1 if school in SCHOOLS else 0


def level_points(level: int) -> int:
    """system.kod GetLevelLearnPoints: 0 for level 0."""
    if level <= 0:
        return 0
    return LEVEL_POINTS[min(level, len(LEVEL_POINTS)) - 1]


def required_karma(school: int, level: int) -> int:
    """spell.kod GetRequiredKarma: Shal'ille asks 10 karma a level, Qor -10 a level; 0: none."""
    if school == QOR:
        return -10 * level
    if school == SHALILLE:
        return 10 * level
    return 0


def karma_allows(school: int, level: int, karma: int) -> bool:
    """spell.kod KarmaCheck: the opposed schools want karma at least as good (Shal'ille) or
    as evil (Qor) as their requirement."""
    needed = required_karma(school, level)
    return not ((needed > 0 and karma < needed) or (needed < 0 and karma > needed))


@attrs.frozen
class Known:
    """One spell or skill a player knows (or wants to learn)."""

    key: str
    level: int
    school: int
    ability: int = 0
    spell: bool = True


class Learn(enum.IntEnum):
    """player.kod PlayerCanLearn's answers (blakston.khd PLAYER_LEARN_*)."""

    SUCCESS = 0
    ERROR = 1
    ALREADY = 2
    KARMA = 3
    BASE = 5  # needs more ability in the previous level (``Verdict.short_by``)
    IMPOSSIBLE = 8
    NOBASE = 9


@attrs.frozen
class Verdict:
    answer: Learn
    short_by: int = 0  # with BASE: the points of ability still missing


def _count_at(known: Iterable[Known], school: int, level: int) -> int:
    return sum(1 for k in known if k.school == school and k.level == level)


def can_learn(
    wanted: Known, known: Sequence[Known], intellect: int, karma: int, previous_level_count: int,
) -> Verdict:
    """Whether a player may learn ``wanted`` (player.kod PlayerCanLearn).

    ``known`` is everything the player knows, spells and skills; ``previous_level_count``
    how many spells and skills the world has at ``wanted``'s school and the level below it
    (system.kod GetNumAtLevel). A player who knows one of the next level learns freely; one
    who knows two of this level, or one for level 3 and up, too. Otherwise the karma of
    the opposed schools, then the ability in the previous level (the best three) against
    what the player's schools so far and intellect make it need."""
    if any(k.key == wanted.key and k.spell == wanted.spell for k in known):
        return Verdict(Learn.ALREADY)
    school, level = wanted.school, wanted.level
    if _count_at(known, school, level + 1) > 0:
        return Verdict(Learn.SUCCESS)
    have_here = _count_at(known, school, level)
    know_one = False
    if have_here > 0:
        if level > 2 or have_here >= 2:
            return Verdict(Learn.SUCCESS)
        know_one = True
    best: list[int] = []
    weapon = 0
    highest: dict[int, int] = {}
    for k in known:
        if not k.spell:
            if k.school == school and k.level == level - 1:
                best.append(k.ability)
            weapon = max(weapon, k.level)
            continue
        if k.level > 10 or k.school == DM_COMMAND:
            continue
        if k.school == school and k.level == level - 1:
            best.append(k.ability)
        if k.key != UNCOUNTED_SPELL and SHALILLE <= k.school <= JALA:
            highest[k.school] = max(highest.get(k.school, 0), k.level)
    have = sum(sorted(best, reverse=True)[:3]) if level > 1 else 3 * ABILITY_MAX
    if wanted.spell and not karma_allows(school, level, karma):
        return Verdict(Learn.KARMA)
    if have == 0:
        return Verdict(Learn.NOBASE)
    points = level_points(weapon) + sum(level_points(highest.get(s, 0)) for s in range(SHALILLE, JALA + 1))
    if not know_one:
        points += level_points(level) - level_points(level - 1)
    need = points * POINTS_SLOPE + (3 * ABILITY_MAX - MAX_LEARN_POINTS * POINTS_SLOPE) - intellect * 2 * POINTS_SLOPE // 5
    need = bound(need, MIN_NEEDED_TO_ADVANCE, None)
    if previous_level_count == 1:
        need //= 3
    elif previous_level_count == 2:
        need = need * 2 // 3
    if have >= need:
        return Verdict(Learn.SUCCESS)
    if need > ABILITY_MAX * bound(previous_level_count, 1, 3):
        return Verdict(Learn.IMPOSSIBLE)
    return Verdict(Learn.BASE, need - have)


def requisite_stat(school: int, might: int, intellect: int, stamina: int, agility: int, mysticism: int) -> int:
    """spell.kod GetDivisionReq: mysticism for Shal'ille, Qor and Faren, stamina for
    Kraanan, intellect for Riija and Jala."""
    if school == KRAANAN:
        return stamina
    if school in (RIIJA, JALA):
        return intellect
    return mysticism


def initial_ability(requisite: int, rng: random.Random) -> int:
    """spell.kod, skill.kod InitialAbility: half of a roll between half the requisite
    attribute and all of it, within 1 and 25."""
    requisite = max(requisite, 0)
    roll = rng.randint(requisite // 2, requisite)
    return bound(roll // 2, ABILITY_MIN, INITIAL_ABILITY_MAX)


def creation_cost(level: int) -> int:
    """What a choice costs in the creation wizard (system.kod SendCharInfo): 25 for level 2
    and up, else 10."""
    return 25 if level >= 2 else 10


def offered_to_new_characters(school: int, level: int) -> bool:
    """spell.kod OfferToNewCharacters: spells of levels 1 and 2 of the four schools of the
    wizard (not Riija or Jala)."""
    return level <= NEW_CHARACTER_MAX_LEVEL and school in NEW_CHARACTER_SCHOOLS


@attrs.frozen
class Choices:
    """What a new character starts with: spells and skills kept from its choices, and the
    karma they give it."""

    spells: tuple[Known, ...]
    skills: tuple[Known, ...]
    karma: int = 0


def new_character(spells: Sequence[Known], skills: Sequence[Known]) -> Choices:
    """The choices of the creation wizard (player.kod PlayerNewCharInfo): all refused when
    they cost more than 45 points; else spells offered to new characters and skills of
    level 2 or less are kept. A choice of Shal'ille without Qor gives good karma, of Qor
    without Shal'ille evil karma."""
    cost = sum(creation_cost(k.level) for k in (*spells, *skills))
    if cost > NEW_CHARACTER_POINTS:
        return Choices((), ())
    kept_spells = tuple(k for k in spells if offered_to_new_characters(k.school, k.level))
    kept_skills = tuple(k for k in skills if k.level <= NEW_CHARACTER_MAX_LEVEL)
    schools = {k.school for k in kept_spells}
    karma = 0
    if SHALILLE in schools and QOR not in schools:
        karma = CHOSEN_KARMA
    elif QOR in schools and SHALILLE not in schools:
        karma = -CHOSEN_KARMA
    return Choices(kept_spells, kept_skills, karma)
