"""How a wall spell's element looks in a room (``world/spells/walls.py``): the look its
spell's data gives it (the element's own name, icon and object flags, by the original's
resource ids in an imported world), the fog's bitmap groups in a cycle."""

from __future__ import annotations

from typing import Any

from emulator.game.context import GameContext
from emulator.world.spells.walls import WallElement
from protocol_specs.opcodes import Animate

#: SendAnimation of each element: its groups in a cycle, about this many ms a frame
#: (fogcloud.kod 280 to 300 from group 2, poisfogc.kod and asburstc.kod 240 to 280,
#: wallfire.kod and wallltng.kod 100 to 140).
CYCLES = {
    "summon_fog": (290, 2, 5), "poison_fog": (260, 1, 5), "spore_burst": (260, 1, 5),
    "damage_wall": (120, 1, 5), "ring_of_flames": (120, 1, 5), "illusion_wall": (120, 1, 5),
}
#: BRAMBLE.kod SendAnimation: a whole patch shows its fullest group.
BRAMBLE_GROUP = 5


def appearance(ctx: GameContext, element: WallElement) -> tuple[int, int, int]:
    """Icon, name and flags resources of an element."""
    spell = ctx.definition.spells[element.spell]
    # by their text, as a spell's own words go: one the original has under several ids goes by one of them
    icon = ctx.resources.id(spell.text("element_icon") or spell.icon)
    name = ctx.resources.id(spell.text("element_name") or spell.name)
    return icon, name, spell.figure("element_flags")


def animation(ctx: GameContext, element: WallElement) -> dict[str, Any] | None:
    """How it plays; None: still, as any object (a web)."""
    spell = ctx.definition.spells[element.spell]
    if spell.effect == "bramble_wall":
        return {"type": Animate.ANIMATE_NONE, "params": {"group": BRAMBLE_GROUP}}
    if spell.effect not in CYCLES:
        return None
    period, low, high = CYCLES[spell.effect]
    return {"type": Animate.ANIMATE_CYCLE, "params": {"period": period, "group_low": low, "group_high": high}}
