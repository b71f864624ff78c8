"""How a player looks to others, from the enchantments on it: hidden name, invisible,
a drawing effect, the look of a dead body. Spells set these as enchantment flags; the
game layer (``emulator/game/looks.py``) draws the player by them.

Flags read here (``Effect(flags=...)``):

* ``anonymous``: others see no name (user.kod GetApparentName with PFLAG_ANONYMOUS);
* ``invisible``: others see a shimmer, those who see the invisible (``detect_invis``)
  see the player flashing;
* ``shadow``: drawn as a dark silhouette (DRAWFX_BLACK);
* ``feigning``: drawn as the body a dead player leaves; monsters lose interest;
* ``illusion``: drawn as the monster kind its state names (``{"form": kind}``);
* ``morphed``: as ``illusion``, with the monster's name and flags, no longer a player's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from emulator.rules.spells.looks import DRAWFX_BLACK
from emulator.world.objects import Player

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["LOOK_FLAGS", "PLAIN", "SEES_INVISIBLE", "Look", "hides_brands", "look_of", "mirror_of", "noticeable", "sees_invisible"]

#: The enchantment flags that change how others see a player.
LOOK_FLAGS = frozenset({"anonymous", "invisible", "shadow", "feigning", "illusion", "morphed"})
#: The flag of those who see invisible players (detect invisible, PFLAG2_DETECT_INVIS).
SEES_INVISIBLE = "detect_invis"


@attrs.frozen
class Look:
    """What others see of a player; the spells named give the words and icons."""

    anonymous: str = ""  # the spell hiding the name ("" none)
    invisible: bool = False
    drawfx: int = 0
    body: str = ""  # the spell drawing it as a body ("" none)
    form: str = ""  # the monster kind it looks like ("" its own)
    morphed: bool = False  # named and flagged as that monster too

    @property
    def plain(self) -> bool:
        return self == PLAIN


PLAIN = Look()


def look_of(world: World, player_id: int) -> Look:
    """The look of a player now (PLAIN without any spell of looks on it)."""
    found = world.enchantments.by_target.get(player_id)
    if not found or not any(e.effect.flags & LOOK_FLAGS for e in found):
        return PLAIN
    anonymous = body = form = ""
    invisible, drawfx, morphed = False, 0, False
    for enchantment in reversed(found):  # oldest first: the newest spell's words win
        flags = enchantment.effect.flags
        if "anonymous" in flags:
            anonymous = enchantment.spell
        if "feigning" in flags:
            body = enchantment.spell
        invisible = invisible or "invisible" in flags
        if "shadow" in flags:
            drawfx = DRAWFX_BLACK
        if flags & {"illusion", "morphed"} and isinstance(enchantment.state, dict):
            form = str(enchantment.state.get("form", ""))
            morphed = "morphed" in flags
    return Look(anonymous, invisible, drawfx, body, form, morphed)


def mirror_of(world: World, monster_id: int) -> int | None:
    """The player a summoned creature mirrors (flag ``mirror``, state ``{"mirror": id}``),
    None for any other object."""
    found = world.enchantments.by_target.get(monster_id)
    for enchantment in found or ():
        if "mirror" in enchantment.effect.flags and isinstance(enchantment.state, dict):
            mirror = enchantment.state.get("mirror")
            return mirror if isinstance(mirror, int) else None
    return None


def hides_brands(world: World, player_id: int) -> bool:
    """Whether the player is anonymous or morphed: who attacks or kills it is not branded
    (player.kod CheckStatusAndSafety, KilledSomething)."""
    return world.enchantment_flag(player_id, "anonymous") or world.enchantment_flag(player_id, "morphed")


def sees_invisible(world: World, player_id: int) -> bool:
    return world.enchantment_flag(player_id, SEES_INVISIBLE)


def noticeable(world: World, players: Mapping[int, Player]) -> Mapping[int, Player]:
    """The players of a room the monsters may notice and keep chasing: not those
    feigning death. The room's own mapping when nobody feigns (no copy)."""
    by_target = world.enchantments.by_target
    if not by_target or by_target.keys().isdisjoint(players):  # every monster turn: no generator
        return players
    if not any(world.enchantment_flag(player_id, "feigning") for player_id in players):
        return players
    return {i: p for i, p in players.items() if not world.enchantment_flag(i, "feigning")}
