"""Forget (forget.kod): the target loses some of its spells and skills for a while.

A cast takes one ability per part of the power (``rules.spells.hexes``), each drawn from
the target's spells or skills (the same one may be drawn twice); the enchantment keeps
them as its state and sets the ``forgotten`` flag. While it lasts a forgotten spell cannot
be cast (the caster reads one of the original's four excuses: :func:`forgotten_refusal`)
and a forgotten skill is of no use in fights (:func:`forgets`). The original leaves the
client's spell and skill lists as they are, and so does the server; when it ends the
target is told it remembers."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from emulator.content.model import SpellDefinition
from emulator.rules.spells import hexes as rules
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "ENDS_TOLD", "FORGET", "FORGOTTEN", "forgets", "forgotten_refusal"]

#: This family's effects whose target is told when they wear off (their ``ended`` words).
ENDS_TOLD = ("forget", "eavesdrop", "free_action", "eagle_eyes", "magic_shield", "armor_of_gort", "denial", "mana_focus", "deflect",
             "enfeeble", "dement", "vertigo", "dishonor", "night_vision")

#: The flag a forget sets (PFLAG_FORGOTTEN): one at a time.
FORGOTTEN = "forgotten"
#: The excuses a caster reads for a forgotten spell (spell.kod, four of them).
EXCUSES = ("forgot1", "forgot2", "forgot3", "forgot4")


def _forget_key(world: World) -> str | None:
    return next((s.key for s in (world.definition.spells or {}).values() if s.effect == "forget"), None)


def _forgotten(world: World, player_id: int) -> list[list[Any]]:
    if not world.enchantment_flag(player_id, FORGOTTEN):
        return []
    key = _forget_key(world)
    found = world.enchantments.find(player_id, key) if key is not None else None
    return list(found.state or []) if found is not None else []


def forgets(world: World, player_id: int, kind: str, key: str) -> bool:
    """Whether the player has forgotten that spell or skill (``kind`` "spell" or "skill")
    for now (player.kod HasForgetEnchantment)."""
    if not world.enchantments.by_target.get(player_id):
        return False  # nothing on, nothing forgotten: asked for each skill of every swing
    return [kind, key] in _forgotten(world, player_id)


def forgotten_refusal(world: World, player: Player, spell: SpellDefinition) -> SpellTold | None:
    """What a caster reads when it tries a spell it has forgotten (one of the excuses,
    drawn), or None."""
    if not forgets(world, player.object_id, "spell", spell.key):  # the flag first: most casters have none
        return None
    key = _forget_key(world)
    if key is None:
        return None
    rng = random.Random(f"{world.seed}:forgot:{world.tick_count}:{player.object_id}:{spell.number}")
    return SpellTold(player.object_id, key, rng.choice(EXCUSES))


class _Forget:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0]
        if target is caster:
            return "not_on_self", 0
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if world.enchantment_flag(target.object_id, FORGOTTEN):
            return "already_forgetful", target.object_id
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        if not isinstance(target, Player):
            return
        roll = world.roll_for("forget", caster.object_id, target.object_id)
        duration = rules.forget_duration_ms(roll, spell.figure("base_ms"), spell.figure("per_power_ms"), power)
        spells, skills = sorted(target.spells), sorted(target.skills)
        if not spells and not skills:  # nothing to forget: the caster is told, no enchantment
            events.append(SpellTold(caster.object_id, spell.key, "nothing_to_forget", target.object_id))
            return
        taken: list[list[str]] = []
        for _ in range(rules.forgotten_count(power)):
            from_spells = bool(spells) and (not skills or roll(1, 2) == 1)
            pool = spells if from_spells else skills
            taken.insert(0, ["spell" if from_spells else "skill", pool[roll(1, len(pool)) - 1]])  # consed on the front
        for kind, key in taken:
            events.append(SpellTold(target.object_id, spell.key, "forgot_ability", ability=f"{kind}:{key}"))
        events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))
        started = world.enchant(target.object_id, spell.key, duration, Effect(flags={FORGOTTEN}), state=taken,
                                caster_id=caster.object_id)
        events += started.events


FORGET = _Forget()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"forget": FORGET}
