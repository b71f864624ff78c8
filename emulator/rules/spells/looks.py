"""How illusions change the way a player is drawn and what they are worth: the drawing
effect bits of an object's flags, and the figures of the spells that hide or disguise a
player (anonymity, shadow form, fade, invisibility, feign death)."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = [
    "DRAWFX_BLACK", "DRAWFX_INVISIBLE", "DRAWFX_MASK", "FEIGN_DRAIN_MS", "FLASHING", "FLICKERING", "LIGHT_NICE",
    "drawn_flags", "feign_defense", "feign_drop_chance", "form_weight", "kept_drain", "morph_health_change", "morph_seconds", "pick_form", "shadow_defense",
]

#: The drawing effect field of an object's flags (blakston.khd DRAWFX_*), bits 20 to 24.
DRAWFX_MASK = 0x1F00000
DRAWFX_BLACK = 0x400000  # a dark silhouette (shadow form)
DRAWFX_INVISIBLE = 0x500000  # a shimmer the client draws where one stands
#: The other ways an object is drawn (OF_FLICKERING, OF_FLASHING).
FLICKERING = 0x20000
FLASHING = 0x40000

#: The light a room is pleasant in (blakston.khd LIGHT_NICE): shadow form defends more
#: the darker it is below it.
LIGHT_NICE = 164

#: Feign death lasts while the trance holds and the mana lasts: this much mana every
#: period (fdeath.kod viManaDrain, viDrainTime); the last period starts below twice it.
FEIGN_DRAIN_MS = 5000


def drawn_flags(flags: int, *, invisible: bool, drawfx: int, sees_invisible: bool) -> int:
    """A player's object flags as a viewer sees them (user.kod GetObjectFlags, and its
    ToCliObject for one who detects the invisible): invisibility replaces any drawing
    effect, a spell's own effect is added over it, and a viewer who sees the invisible
    gets an invisible one flashing instead of its shimmer."""
    if invisible:
        flags = (flags & ~DRAWFX_MASK) | DRAWFX_INVISIBLE
    flags |= drawfx & DRAWFX_MASK
    if sees_invisible and flags & DRAWFX_MASK == DRAWFX_INVISIBLE:
        flags = (flags & ~DRAWFX_MASK & ~FLICKERING) | FLASHING
    return flags


def shadow_defense(room_light: int, attacker_light: int = 0) -> int:
    """Shadow form's defence against one blow (shadform.kod ModifyDefensePower): more in
    the dark, between 10 and 150."""
    return max(10, min(150, 30 + (LIGHT_NICE - (room_light + attacker_light))))


def feign_defense(power: int) -> int:
    """Feign death's defence (fdeath.kod ModifyDefensePower): three points a point of power."""
    return 3 * power


def feign_drop_chance(power: int) -> int:
    """The percent chance, at most 10 and at least 1, that feigning death drops each of
    the caster's other carried items (fdeath.kod CastSpell)."""
    return max(1, min(10, 10 - div(power, 10)))


#: Illusionary form weighs the forms by the power and a third more (illform.kod
#: CalculateIllusionType's 130 in 100).
FORM_POWER_PERCENT = 130


def form_weight(power: int, level: int, morph: bool = False) -> int:
    """How likely a monster's look is among the forms at a spell power: most near the
    (illusionary form: raised) power's level, less below it, twice as fast less above
    (1 to 100; illusionary form's far above it, 0). Morph weighs by the power itself
    (morph.kod CalculateIllusionType)."""
    raised = power if morph else div(power * FORM_POWER_PERCENT, 100)
    apart = raised - level
    if apart < 0:
        apart = abs(apart * 2)
    amount = raised - apart
    return 0 if amount < -99 and not morph else max(1, min(100, amount))


def pick_form(roll: Roll, power: int, levels: list[tuple[str, int]], morph: bool = False) -> str | None:
    """One form drawn by weight (the forms in their order, each with its level); None
    without any."""
    weights = [form_weight(power, level, morph) for _, level in levels]
    index = roll(0, sum(weights))
    for (form, _), weight in zip(levels, weights):
        index -= weight
        if index <= 0:
            return form
    return levels[-1][0] if levels else None


#: A morphed player's health is the monster's, at a random 90 to 110 percent of its
#: level, by the power in percent; no lower than the least max health (morph.kod
#: PerformMorph, player.kod GainMaxHealth).
LEAST_MAX_HEALTH = 20


def morph_health_change(max_health: int, monster_health: int, power: int) -> int:
    """What morphing adds to a max health (negative: takes), by the power in percent of
    the way to the monster's health."""
    wanted = max_health - div((max_health - monster_health) * power, 100)
    return max(LEAST_MAX_HEALTH, wanted) - max_health


def morph_seconds(power: int, max_health: int, monster_health: int, percent: int) -> int:
    """How long a morph lasts: a minute and 3 seconds a point of power, longer the weaker
    the monster is than the player, times a random 80 to 120 percent."""
    seconds = div((60 + 3 * power) * max_health, max(1, monster_health))
    return div(seconds * percent, 100)


def kept_drain(mana: int, drain: int) -> tuple[int, bool]:
    """One period of a spell kept by draining mana: the mana after it and whether another
    period follows (the last starts when the mana is below twice the drain)."""
    return max(0, mana - drain), mana >= drain * 2
