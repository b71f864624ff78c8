"""Room enchantments (roomench.kod and its spells): how long one lasts and what it adds to
the room, from the spell's power and the figures the import read of each spell's
GetDuration, CastSpell and attack-modifier handlers; the light a room shows with them, and
the spell power left to a spell cast in an anti-magic room, a bane's harm to a caster of
the school it is against, the drain of a silence on its caster's mana, a death link's gains."""

from __future__ import annotations

from collections.abc import Callable

from emulator.rules.casting import SPELLPOWER_MAXIMUM, SPELLPOWER_MINIMUM
from emulator.rules.dice import Roll, bound, div

__all__ = [
    "BANES", "BANE_DIVISOR", "BANE_ROLL", "DRAINS_TO_GO_ON", "LIGHT_MAX", "LIGHT_MIN", "UNAFFECTED_BY_ANTIMAGIC",
    "bane_damage", "duration_ms", "stepped", "kill_gain", "last_period", "line", "power_after_loss", "room_light",
]

#: The bounds of a room's light as the client is told it (blakston.khd LIGHT_MIN, LIGHT_MAX).
LIGHT_MIN, LIGHT_MAX = 0, 255

#: Spells whose power an anti-magic aura leaves alone (antimag.kod ModifySpellPower:
#: mana convergence, the counter to it).
UNAFFECTED_BY_ANTIMAGIC = frozenset({"manaconvergence"})

Figure = Callable[[str, int], int]  # a spell's figure by name, with its default


def line(figure: Figure, name: str, power: int) -> int:
    """A figure that is a line of the power as the original divides it:
    ``power * <name>_per / <name>_divisor + <name>_plus``."""
    return div(power * figure(f"{name}_per", 0), figure(f"{name}_divisor", 1) or 1) + figure(f"{name}_plus", 0)


def stepped(figure: Figure, name: str, power: int) -> int:
    """A figure that moves with the power in whole steps, as the original divides it:
    ``(<name>_base + <name>_sign * power) / <name>_divisor * <name>_unit``."""
    return div(figure(f"{name}_base", 0) + figure(f"{name}_sign", 0) * power, figure(f"{name}_divisor", 1) or 1) \
        * (figure(f"{name}_unit", 1) or 1)


def duration_ms(roll: Roll, figure: Figure, power: int) -> int:
    """Its time at ``power``: the whole (in ``duration_unit`` ms), or when ``duration_drawn``
    a random count of units between half and all of it (each spell's GetDuration); plus,
    with ``duration_spread_steps``, a random count of that many ``duration_spread_step``
    ms (death link's cast)."""
    whole = max(1, stepped(figure, "duration_steps", power) if figure("duration_steps_unit", 0) else line(figure, "duration", power))
    units = roll(div(whole, 2), whole) if figure("duration_drawn", 0) else whole
    steps = figure("duration_spread_steps", 0)
    spread = roll(0, steps) * figure("duration_spread_step", 0) if steps else 0
    return max(1, units * (figure("duration_unit", 1) or 1) + spread)


def room_light(base: int, added: int) -> int:
    """The room's light with what its enchantments add, within the client's bounds
    (room.kod GetRoomLight on a base moved by AddBaseLight)."""
    return max(LIGHT_MIN, min(LIGHT_MAX, base + added))


def power_after_loss(power: int, loss: int) -> int:
    """Spell power in an anti-magic room: the loss taken off (spell.kod GetSpellPower takes
    it before the items' and shrines' bonuses, which the server does not add), within the
    bounds."""
    return bound(bound(power - loss, 0, None), SPELLPOWER_MINIMUM, SPELLPOWER_MAXIMUM)


#: The school whose casters each bane hurts (room.kod SpellCast: a Shal'ille spell cast
#: where Shal'illebane lasts, a Qor spell where Qorbane lasts).
BANES = {"shalillebane": "shalille", "qorbane": "qor"}

#: A bane's harm to such a caster (shalbane.kod and qorbane.kod HurtCaster): the bane's
#: power times the level of the spell cast times a roll of 8 to 12, over 300.
BANE_ROLL = (8, 12)
BANE_DIVISOR = 300


def bane_damage(roll: Roll, bane_power: int, spell_level: int) -> int:
    return div(bane_power * spell_level * roll(*BANE_ROLL), BANE_DIVISOR)


#: A silence's caster pays its drain of mana each period while it concentrates; once it
#: holds less than this many drains when one is paid, the next period is the last
#: (silence.kod StartPeriodicEnchantment).
DRAINS_TO_GO_ON = 2


def last_period(mana: int, drain: int) -> bool:
    return mana < drain * DRAINS_TO_GO_ON


def kill_gain(roll: Roll, low: int, high: int, player_factor: int, victim_is_player: bool) -> int:
    """What a death link's caster gains of health or mana from a death in its room
    (dethlink.kod GiveKilledBenefits): a roll, times the factor for a player's death."""
    gained = roll(low, high)
    return gained * player_factor if victim_is_player else gained
