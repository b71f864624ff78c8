"""Player death: where the dead go, what they keep, and the penalty they pay.

The original splits death in two. At the moment of death (player.kod Killed) the player
drops their inventory on the corpse (unless the death is "cheap"), wakes with almost no
health, mana and vigor, and is sent to the Underworld. The lasting penalty (player.kod
ApplyDeathPenalties) is taken only when they leave the Underworld (uworld.kod LeaveHold),
which leaves time for a resurrection to lower it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from .dice import Roll, bound, div
from .kills import PKILL_ENABLE_HP, gain_base_max_health

#: Death cost in percent for a normal death (settings.kod piDefaultDeathCost).
DEFAULT_DEATH_COST = 100
#: Room numbers (blakston.khd RID_*).
RID_UNDERWORLD = 1
RID_NEWB_BASE = 1010
RID_NEWB1 = 1011
RID_NEWB_MAX = 1018
#: The consolation weapon is a "made" item that lasts five hours (player.kod Killed).
CONSOLATION_ITEM_LIFETIME_MS = 18_000_000
#: Stored karma (hundredths) above which the consolation weapon is a hammer, not a mace.
HAMMER_KARMA_THRESHOLD = 5000


@attrs.frozen
class DeathDestination:
    """Where a dead player is placed.

    ``row``/``col`` of ``None`` mean the room's own teleport square (viTeleport_row/col).
    """

    room_class: str
    room_number: int
    row: int | None = None
    col: int | None = None
    fine_row: int | None = None
    fine_col: int | None = None
    angle: int | None = None


#: user.kod UserGotoDeadRoom: the Underworld, near square (24, 10), facing angle 3072.
UNDERWORLD = DeathDestination("Underworld", RID_UNDERWORLD, row=24, col=10, fine_row=38, fine_col=54, angle=3072)
#: A death in the newbie area returns the player to its first room instead.
NEWBIE_RESTART = DeathDestination("Newb1", RID_NEWB1)


def in_newbie_area(room_number: int) -> bool:
    """Newbie rooms are numbered RID_NEWB_BASE..RID_NEWB_MAX (blakston.khd)."""
    return RID_NEWB_BASE <= room_number <= RID_NEWB_MAX


def death_destination(room_number: int) -> DeathDestination:
    """Where a player who died in ``room_number`` goes (user.kod UserGotoDeadRoom)."""
    return NEWBIE_RESTART if in_newbie_area(room_number) else UNDERWORLD


@attrs.frozen
class DeathCircumstances:
    """What decides how hard a death is (player.kod Killed)."""

    room_number: int
    chaos_night: bool = False
    #: The player still carries the newbie honor title.
    newbie_honor: bool = False
    #: The player was using a token (the token game's carrier).
    carrying_token: bool = False
    #: An arena bout without real death, the Out of Grace prison, or a safe-attack room:
    #: the player is not killed at all, only left at 1 health.
    escapes_death: bool = False


def is_cheap_death(circumstances: DeathCircumstances) -> bool:
    """A death that drops nothing and costs nothing (player.kod Killed).

    Chaos night, a death in the newbie area, a player with the newbie honor, or one
    carrying a token.
    """
    return (
        circumstances.chaos_night
        or in_newbie_area(circumstances.room_number)
        or circumstances.newbie_honor
        or circumstances.carrying_token
    )


def death_cost(circumstances: DeathCircumstances, default_cost: int = DEFAULT_DEATH_COST) -> int:
    """The death cost in percent set at death: 0 for a cheap death (player.kod Killed)."""
    return 0 if is_cheap_death(circumstances) else default_cost


@attrs.frozen
class Revival:
    """Health, mana and vigor a dead player wakes with (player.kod Killed)."""

    health: int
    mana: int
    vigor: int


def revival_vitals(
    max_health: int,
    max_mana: int,
    vigor: int,
    cost: int,
    chaos_night: bool = False,
    tutorial: bool = False,
    murderer: bool = False,
) -> Revival:
    """What the dead wake with.

    Normally 1 health, 1 mana and a quarter of their vigor, at most 50 (at least 1, the
    vigor floor); on a chaos night half health and mana and 100 vigor. A player paying a
    real death cost, other than tutorial players and murderers, is given half their max mana
    plus 2 (to ask for help).
    """
    if chaos_night:
        revival = Revival(div(max_health, 2), div(max_mana, 2), 100)
    else:
        revival = Revival(1, 1, bound(bound(div(vigor, 4), 0, 50), 1, None))
    if cost > 0 and not tutorial and not murderer:
        revival = attrs.evolve(revival, mana=div(max_mana, 2) + 2)
    return revival


def consolation_weapon(stored_karma: int, home_room: int) -> str | None:
    """The Blakod class of the weapon a non-cheap death hands out, if any (player.kod Killed).

    A hammer for karma above 50 (unless the player's home is the first newbie room), a mace
    for other non-negative karma, nothing for negative karma. It is a "made" item lasting
    CONSOLATION_ITEM_LIFETIME_MS, so it cannot be sold.
    """
    if stored_karma > HAMMER_KARMA_THRESHOLD and home_room != RID_NEWB1:
        return "Hammer"
    if stored_karma >= 0:
        return "Mace"
    return None


def gain_chance_after_death(gain_chance: int) -> int:
    """A non-cheap death halves the running max-health gain chance (player.kod Killed)."""
    return div(gain_chance, 2)


def drops_inventory(circumstances: DeathCircumstances) -> bool:
    """Whether the inventory falls onto the corpse (player.kod Killed).

    Every carried and used item whose own DropOnDeath allows it drops, unless the death is
    cheap. Items dropped by a player killed by a player are marked so that only players who
    may fight other players can pick them up.
    """
    return not is_cheap_death(circumstances)


# --- the lasting penalty ------------------------------------------------------------------


@attrs.frozen
class DeathPenalty:
    """The outcome of player.kod ApplyDeathPenalties."""

    base_max_health: int
    lost_health_point: bool
    #: New ability by skill or spell id, only for the ones that dropped.
    skills: Mapping[int, int]
    spells: Mapping[int, int]
    #: A full-price death ends outlaw status and a haunting.
    clears_outlaw: bool
    #: Below the player-killing threshold a player leaves their guild.
    leaves_guild: bool
    #: The cost actually used for the ability rolls.
    effective_cost: int


def apply_death_penalties(
    cost: int,
    base_max_health: int,
    stamina: int,
    skills: Iterable[tuple[int, int]],
    spells: Iterable[tuple[int, int]],
    roll: Roll,
    tutorial: bool = False,
    murderer: bool = False,
    chaos_night: bool = False,
    default_cost: int = DEFAULT_DEATH_COST,
) -> DeathPenalty:
    """The penalty taken when the dead leave the Underworld (player.kod ApplyDeathPenalties).

    As the original runs: a normal player's cost is divided by 3 and they keep their
    health; a tutorial player or a murderer instead risks one base max health point with
    chance ``cost`` percent. Then each spell and then each skill (``(id, ability)`` pairs in
    the player's list order) above 5 drops by 1 (2 for murderers) when
    ``random(1,100) > stamina`` and ``random(1,100) < cost`` (the second roll is made only
    when the first passes). No penalty at all on a chaos night.
    """
    skill_list = list(skills)
    spell_list = list(spells)
    if chaos_night:
        return DeathPenalty(base_max_health, False, {}, {}, False, False, 0)
    clears_outlaw = cost >= default_cost
    lost_health = False
    if cost > 0:
        if not tutorial and not murderer:
            cost = div(cost, 3)
        elif roll(1, 100) <= cost:
            base_max_health = gain_base_max_health(base_max_health, -1, stamina)
            lost_health = True
    drop = -2 if murderer else -1

    def dropped(abilities: list[tuple[int, int]]) -> dict[int, int]:
        changed: dict[int, int] = {}
        for ability_id, ability in abilities:
            if ability > 5 and roll(1, 100) > stamina and roll(1, 100) < cost:
                changed[ability_id] = ability + drop
        return changed

    new_spells = dropped(spell_list)
    new_skills = dropped(skill_list)
    return DeathPenalty(
        base_max_health=base_max_health,
        lost_health_point=lost_health,
        skills=new_skills,
        spells=new_spells,
        clears_outlaw=clears_outlaw,
        leaves_guild=base_max_health < PKILL_ENABLE_HP,
        effective_cost=cost,
    )
