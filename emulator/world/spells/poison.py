"""Poison on players (sickness/poison.kod, player.kod AddPoison and PoisonTimer), cure
poison (cpoison.kod) and the check of resist poison (a personal enchantment run as data,
``modifier = "resist_poison"``).

A poisoned player carries one ``poison`` enchantment (shown with the poison's icon) whose
state is its doses, newest first, each a loss rate and the time it has left, and the time
to the next bite. Every 10 s the doses together take health, never the last point; a
dose ends when its time is up (the player is told), the enchantment with the last one.
The times are kept as time left, counted down by the world tick, so they stop while the
player is logged off, as the original's enchantment timers do. The poisoners among the
monsters (spiders, dusk rats...) may poison a player they hurt, by their kind's figures
(on the ``poison`` entry). Monsters are not poisoned (MakePoisoned poisons players only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import poison as rules
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["CURE_POISON", "EFFECTS", "POISON", "doses", "make_poisoned", "monster_hit", "resist_chance", "run"]

#: The poison's key in the spell list (the import brings it from the sickness).
POISON = "poison"
RESIST_MODIFIER = "resist_poison"


def doses(world: World, player_id: int) -> list[list[int]]:
    """The player's poison doses, newest first: [loss rate, time left in ms]."""
    found = world.enchantments.find(player_id, POISON)
    if found is None or not isinstance(found.state, dict):
        return []
    return [[int(rate), int(left)] for rate, left in found.state.get("doses", [])]


def resist_chance(world: World, player_id: int) -> int:
    """The chance in percent to shrug off a poisoning: a resisting enchantment's power
    within its spell's bounds (respois.kod InitializeEnchantmentState)."""
    chance = 0
    for enchantment in world.enchantments_of(player_id):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is None or spell.modifier != RESIST_MODIFIER:
            continue
        power = enchantment.effect.modifiers.get(RESIST_MODIFIER, 0)
        chance = max(chance, max(spell.figure("resist_min", 0), min(spell.figure("resist_max", 99), power)))
    return chance


def make_poisoned(world: World, player: Player, rate: int, duration_ms: int, events: list[WorldEvent]) -> bool:
    """MakePoisoned: unless resisted, a dose of ``rate`` for ``duration_ms`` (its vigor
    taken at once); the player is told either way. False when resisted or impossible."""
    if POISON not in world.definition.spells or rate <= 0:
        return False
    held = len(doses(world, player.object_id))
    roll = world.roll_for("poison", player.object_id, held)
    if rules.resisted(roll, resist_chance(world, player.object_id)):
        events.append(SpellTold(player.object_id, POISON, "resisted"))
        return False
    found = world.enchantments.find(player.object_id, POISON)
    if found is not None and isinstance(found.state, dict):
        found.state = {**found.state, "doses": [[rate, duration_ms], *found.state.get("doses", [])]}
    else:
        state = {"doses": [[rate, duration_ms]], "bite_in": rules.POISON_PERIOD_MS}
        started = world.enchant(player.object_id, POISON, None, Effect(), state=state)
        if started.enchantment is None:
            return False
        events += started.events
    player.stats.vigor = max(0, player.stats.vigor - rules.POISONED_VIGOR_LOSS)
    events += [SpellTold(player.object_id, POISON, "target"), VitalsChanged(player.object_id)]
    return True


def _set_doses(world: World, player_id: int, left: list[list[int]], bite_in: int, events: list[WorldEvent]) -> None:
    """Keep what is left of the poison; the enchantment ends with its last dose."""
    found = world.enchantments.find(player_id, POISON)
    if found is None:
        return
    if not left:
        events += world.disenchant(player_id, POISON, report=False)
        return
    found.state = {"doses": left, "bite_in": bite_in}


def run(world: World, events: list[WorldEvent]) -> None:
    """One world tick of every poisoned player in the world: the doses' time runs down
    (each that ends is told), and the poison bites when its 10 s are up."""
    step = round(world.rules.tick_interval * 1000)
    poisoned = [e for found in world.enchantments.by_target.values() for e in found if e.spell == POISON]
    for found in poisoned:  # only the enchanted are looked at, not every player
        player = world._players.get(found.target_id)
        if player is None or not isinstance(found.state, dict):
            continue
        left = []
        for rate, time_left in doses(world, player.object_id):
            if time_left - step > 0:
                left.append([rate, time_left - step])
            else:
                events.append(SpellTold(player.object_id, POISON, "ended"))
        bite_in = int(found.state.get("bite_in", rules.POISON_PERIOD_MS)) - step
        strength = sum(rate for rate, _ in left)
        if bite_in <= 0 and left:
            bite_in += rules.POISON_PERIOD_MS
            health = rules.health_after(player.stats.health, strength)
            if health != player.stats.health:
                player.stats.health = health
                events.append(VitalsChanged(player.object_id))
        _set_doses(world, player.object_id, left, bite_in, events)


def monster_hit(world: World, monster: Thing, player: Player, events: list[WorldEvent]) -> None:
    """monster.kod DidDamage and the poisoners' HitSideEffect: a damaging hit by a
    monster whose kind poisons does, one time in its chance."""
    spell = world.definition.spells.get(POISON)
    kind = monster.kind or ""
    if spell is None or player.stats.health <= 0 or not spell.figure(f"{kind}_chance"):
        return
    roll = world.roll_for("venom", monster.object_id, player.object_id)
    if roll(1, spell.figure(f"{kind}_chance")) == 1:
        make_poisoned(world, player, spell.figure(f"{kind}_rate"), spell.figure(f"{kind}_ms"), events)


class _CurePoison:
    """cpoison.kod: on a poisoned player; the newest dose goes, or weakens."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if not doses(world, target.object_id):
            return "unnecessary", target.object_id
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        events.append(SpellTold(target.object_id, spell.key, "target"))
        events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))
        found = world.enchantments.find(target.object_id, POISON)
        held = doses(world, target.object_id)
        if found is None or not held or not isinstance(found.state, dict):
            return
        roll = world.roll_for("cure", caster.object_id, target.object_id)
        rate, left = held[0]
        after = rules.cure(roll, rate, power)
        bite_in = int(found.state.get("bite_in", rules.POISON_PERIOD_MS))
        if after == 0:
            _set_doses(world, target.object_id, held[1:], bite_in, events)
            events.append(SpellTold(target.object_id, POISON, "ended"))
        else:
            _set_doses(world, target.object_id, [[after, left], *held[1:]], bite_in, events)
            events.append(SpellTold(target.object_id, spell.key, "abates"))


CURE_POISON = _CurePoison()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"cure_poison": CURE_POISON}
