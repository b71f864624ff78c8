"""How a blow is told: the verb for the damage, the defence that made a swing miss, and
which sound goes with it (battler.kod GetDamageDesc, GetDefenseDesc, AssessHit;
player.kod DoHitMessageSound, GetOuchSound; stroke.kod SendMissMessageToAttacker).

The rules choose *which* word or sound; the texts and their resource ids are content
(``messages.toml`` of an imported world). Words are named by purpose keys: a damage
word is ``<family>_<severity>`` (``punch_wound``) or the bare severity for the default
words (``wound``); a defence word is its verb (``dodge``) or its third person
(``dodges``).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable

import attrs

from emulator.rules.combat import SpellDamage, WeaponDamage
from emulator.rules.dice import Roll, div

#: battler.kod constants: a blow above WOUND points is told as a wound, above DAMAGE as
#: damage (below: a nick).
DAMAGE_THRESHOLD_WOUND = 5
DAMAGE_THRESHOLD_DAMAGE = 15
#: battler.kod BATTLER_AVOID_CHANCE: the weight of the plain "avoids" against the
#: defender's parry, block and dodge abilities when a miss is described.
BATTLER_AVOID_CHANCE = 50
#: battler.kod AssessHit: a blow taking at least this fraction of a player's max health
#: is told with the strongest word short of a kill.
PLAYER_BIG_HIT_FRACTION = 3
#: player.kod DoHitMessageSound: a blow of at most this many points sounds like flesh,
#: at most LEATHER like leather, else (and a killing blow) like metal.
HIT_SOUND_FLESH_MAX = 3
HIT_SOUND_LEATHER_MAX = 6
#: Each hit and swish sound comes in this many variants, drawn with random(1, 3).
SOUND_VARIANTS = 3


class Severity(str, enum.Enum):
    FAIL = "fail"  # no damage (only the default words have it)
    NICK = "nick"
    WOUND = "wound"
    DAMAGE = "damage"
    SLAY = "slay"  # the blow killed


#: GetDamageDesc's own words, in the order it tests the attack type's bits: spell types
#: (a negative type) first, then weapon types; the first bit present picks the family.
SPELL_WORD_FAMILIES: tuple[tuple[int, str], ...] = (
    (SpellDamage.FIRE, "fire"),
    (SpellDamage.SHOCK, "shock"),
    (SpellDamage.COLD, "cold"),
    (SpellDamage.ACID, "acid"),
    (SpellDamage.HOLY, "holy"),
    (SpellDamage.UNHOLY, "unholy"),
    (SpellDamage.QUAKE, "quake"),
)
WEAPON_WORD_FAMILIES: tuple[tuple[int, str], ...] = (
    (WeaponDamage.BITE, "bite"),
    (WeaponDamage.CLAW, "claw"),
    (WeaponDamage.STING, "sting"),
    (WeaponDamage.ACID, "acid"),
    (WeaponDamage.PUNCH, "punch"),
    (WeaponDamage.SLASH, "slash"),
    (WeaponDamage.BLUDGEON, "bludgeon"),
    (WeaponDamage.THRUST, "thrust"),
    (WeaponDamage.PIERCE, "pierce"),
)
WORD_FAMILIES = tuple(dict.fromkeys(name for _, name in SPELL_WORD_FAMILIES + WEAPON_WORD_FAMILIES))


#: The original's mask of a blow's spell type, as a plain int (made once: asked on every
#: blow, and an int mask spares enum.IntFlag's operators).
_SPELL_TYPE_MASK = int(~SpellDamage.HUNTERSWORD | ~SpellDamage.ALL)


def blow_type(weapon_type: int, spell_type: int) -> int:
    """The type GetDamageDesc is given (battler.kod AssessHit): the weapon type when the
    blow has no spell type, else the spell type negated. The original's test masks the
    spell type with ``~HUNTERSWORD | ~ALL``, which keeps every bit: any spell type counts."""
    if spell_type & _SPELL_TYPE_MASK == 0:
        return weapon_type
    return -spell_type


def described_damage(damage: int, killed: bool, target_is_player: bool = False, target_max_health: int = 0) -> int | None:
    """The damage AssessHit describes: None (the original's ``$``) for a killing blow; a
    blow of a third of a player's max health or more counts as one past the DAMAGE
    threshold."""
    if killed:
        return None
    if target_is_player and damage >= div(target_max_health, PLAYER_BIG_HIT_FRACTION):
        return DAMAGE_THRESHOLD_DAMAGE + 1
    return damage


def _severity(damage: int | None) -> Severity | None:
    if damage is None:
        return Severity.SLAY
    if damage > DAMAGE_THRESHOLD_DAMAGE:
        return Severity.DAMAGE
    if damage > DAMAGE_THRESHOLD_WOUND:
        return Severity.WOUND
    if damage > 0:
        return Severity.NICK
    return None


def damage_word(damage: int | None, damage_type: int) -> str:
    """The purpose key of the verb for a blow (battler.kod GetDamageDesc): ``damage`` as
    :func:`described_damage` gives it, ``damage_type`` as :func:`blow_type` gives it.
    No damage always takes the default "fail" word."""
    severity = _severity(damage)
    if severity is None:
        return Severity.FAIL.value
    return _word(severity.value, damage_type)


@functools.lru_cache(maxsize=1024)
def _word(severity: str, damage_type: int) -> str:
    """The word of a severity for a blow type (few pairs occur: worked out once each)."""
    families = SPELL_WORD_FAMILIES if damage_type < 0 else WEAPON_WORD_FAMILIES
    bits = -damage_type if damage_type < 0 else damage_type
    for bit, family in families:
        if bits & bit:
            return f"{family}_{severity}"
    return severity


class Defence(str, enum.Enum):
    """Why a swing missed, as the defender's GetDefenseDesc tells it."""

    PARRY = "parry"
    BLOCK = "block"
    DODGE = "dodge"
    AVOID = "avoid"

    def word(self, singular: bool) -> str:
        """The purpose key: "dodges" when told of the defender, "dodge" when told to it."""
        if not singular:
            return self.value
        return "parries" if self is Defence.PARRY else f"{self.value}s"


def defence_of_miss(parry: int, block: int, dodge: int, roll: Roll) -> Defence:
    """battler.kod GetDefenseDesc: random(0, parry + block + dodge + AVOID_CHANCE) falls
    in the parry, block, dodge or avoid share."""
    drawn = roll(0, parry + block + dodge + BATTLER_AVOID_CHANCE)
    if drawn < parry:
        return Defence.PARRY
    if drawn < parry + block:
        return Defence.BLOCK
    if drawn < parry + block + dodge:
        return Defence.DODGE
    return Defence.AVOID


class HitSound(str, enum.Enum):
    FLESH = "flesh"
    LEATHER = "leather"
    METAL = "metal"


@attrs.frozen
class Sound:
    """A sound by purpose: ``family`` and its ``variant`` (1-based)."""

    family: str
    variant: int

    @property
    def key(self) -> str:
        return f"{self.family}{self.variant}"


def player_hit_sound(damage: int | None, roll: Roll) -> Sound:
    """The sound of a player's blow on a monster (player.kod DoHitMessageSound): flesh,
    leather or metal by the damage done (None: a killing blow, metal), one of three."""
    if damage is not None and damage <= HIT_SOUND_FLESH_MAX:
        family = HitSound.FLESH
    elif damage is not None and damage <= HIT_SOUND_LEATHER_MAX:
        family = HitSound.LEATHER
    else:
        family = HitSound.METAL
    return Sound(f"hit_{family.value}", roll(1, SOUND_VARIANTS))


def swing_miss_sound(roll: Roll) -> Sound:
    """A swing that missed a monster swishes (stroke.kod SendMissMessageToAttacker), one of three."""
    return Sound("swish", roll(1, SOUND_VARIANTS))


#: player.kod GetOuchSound: health above these percentages of max health gives ouch 1, 2, 3; else 4.
OUCH_HEALTH_PERCENTS = (75, 50, 25)
MALE = 1  # GENDER_MALE in blakston.khd; anything else sounds female


def ouch_sound(gender: int, health: int, max_health: int) -> Sound:
    """The cry of a player who was hit, by gender and the health left (player.kod GetOuchSound)."""
    fraction = div(100 * health, max_health) if max_health > 0 else 0
    variant = next((i for i, percent in enumerate(OUCH_HEALTH_PERCENTS, 1) if fraction > percent), len(OUCH_HEALTH_PERCENTS) + 1)
    return Sound("ouch_male" if gender == MALE else "ouch_female", variant)


def monster_blow_type(attack: Iterable[str], attack_spell: Iterable[str] = ()) -> int:
    """The type of a monster's blows for GetDamageDesc, from its kind's attack names
    (``"weap_bite"``: ATCK_WEAP_* without the prefix) and spell names (``"fire"``). A
    kind without weapon types strikes with ATCK_WEAP_HIT (monster.kod viAttack_type)."""
    weapon = 0
    for name in attack:
        member = WeaponDamage.__members__.get(name.upper().removeprefix("WEAP_"))
        if name.lower().startswith("weap_") and member is not None:
            weapon |= member
    spell = 0
    for name in attack_spell:
        spell_member = SpellDamage.__members__.get(name.upper())
        if spell_member is not None:
            spell |= spell_member
    return blow_type(weapon or WeaponDamage.HIT, spell)
