"""A player's max health over its fights and deaths, as the rules give it: the gain a kill
may bring, what a death does at once, and the penalty paid on leaving the Underworld.

The rules (``emulator.rules.kills``, ``emulator.rules.death``) compute; these functions
apply the outcome to a :class:`Player`. Where the player goes is the world's business.
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.rules.death import (
    DeathCircumstances,
    DeathPenalty,
    apply_death_penalties,
    death_cost,
    drops_inventory,
    gain_chance_after_death,
    is_cheap_death,
    revival_vitals,
)
from emulator.rules.dice import Roll
from emulator.rules.kills import (
    MIN_BASE_MAX_HEALTH,
    PKILL_ENABLE_HP,
    KillRecord,
    gain_base_max_health,
    health_gain_after_kill,
)
from emulator.world.objects import Player

#: Max health never drops below this (player.kod GainMaxHealth).
MIN_MAX_HEALTH = MIN_BASE_MAX_HEALTH


def change_base_max_health(player: Player, amount: int) -> int:
    """Raise or lower base max health within the rules' bounds; max health follows by the
    same amount (GainBaseMaxHealth, GainMaxHealth), health is left as it is. Returns the
    actual change."""
    stats = player.stats
    before = stats.base_max_health
    stats.base_max_health = gain_base_max_health(before, amount, stats.stamina)
    change = stats.base_max_health - before
    stats.max_health = max(MIN_MAX_HEALTH, stats.max_health + change)
    _evaluate_newbie_status(player)
    return change


def after_kill(player: Player, victim_id: int, victim_level: int, roll: Roll, can_advance: bool = True) -> bool:
    """The player landed the killing blow on ``victim_id`` (KilledSomething, then
    SomethingKilled and AdvancementCheck): the kill adds to its gain chance and may raise
    its base max health by one, refilling health. ``can_advance`` is False where kills
    never advance (safe-death rooms). True when max health rose."""
    player.did_damage = True  # a kill is damage done
    if player.kill_target != victim_id:
        return False  # not the fight being counted: nothing changes, as in the original
    gained = False
    if can_advance:
        stats = player.stats
        record = KillRecord(did_damage=player.did_damage, took_damage=player.took_damage, killing_blow=True)
        result = health_gain_after_kill(
            victim_level, True, record, stats.base_max_health, stats.max_health, stats.stamina,
            player.gain_chance, roll,
        )
        player.gain_chance = result.gain_chance
        if result.gained_point:
            change_base_max_health(player, result.base_max_health - stats.base_max_health)
            stats.health = stats.max_health  # invigorated by the success
            gained = True
    player.reset_gain_flags()
    return gained


def die(player: Player, room_number: int) -> int:
    """What a death does at once (player.kod Killed), wherever the player is sent: the
    death cost to pay later (0 for a cheap death: the newbie area, or a player with the
    newbie honor, which is every player not yet past the tutorial), a halved gain chance
    for a real death, and the revival vitals. Returns the cost.

    Not modelled: chaos nights, tokens, arenas (no such things yet), and the consolation
    weapon (a "made" mace or hammer that vanishes after five hours: items have no such
    attributes yet). The inventory drop is the world's (``drops_items``)."""
    stats = player.stats
    circumstances = DeathCircumstances(room_number=room_number, newbie_honor=not player.past_tutorial)
    cost = death_cost(circumstances)
    if not is_cheap_death(circumstances):
        player.gain_chance = gain_chance_after_death(player.gain_chance)
    player.reset_gain_flags()
    revival = revival_vitals(stats.max_health, stats.max_mana, stats.vigor, cost, tutorial=player.past_tutorial)
    stats.health, stats.mana, stats.vigor = revival.health, revival.mana, revival.vigor
    player.health_due_ms = player.mana_due_ms = player.rest_due_ms = None  # the timers start over
    player.death_cost = cost
    return cost


def drops_items(player: Player, room_number: int) -> bool:
    """Whether dying now drops what the player carries (player.kod Killed): not in a cheap
    death (the newbie area, or a player with the newbie honor, not yet past the tutorial)."""
    return drops_inventory(DeathCircumstances(room_number=room_number, newbie_honor=not player.past_tutorial))


def pay_death_penalty(
    player: Player,
    roll: Roll,
    skills: Iterable[tuple[int, int]] = (),
    spells: Iterable[tuple[int, int]] = (),
) -> DeathPenalty:
    """The penalty due for the last death, taken as the player leaves the Underworld
    (player.kod ApplyDeathPenalties); nothing is due afterwards.

    ``skills`` and ``spells`` are the player's ``(id, ability)`` lists; players have none
    yet, so the abilities that drop (``penalty.skills``/``penalty.spells``) are for the
    caller to apply once they exist. Guilds do not exist either, so ``leaves_guild``
    changes nothing here; an outlaw whose death was not cheap has met justice."""
    stats = player.stats
    penalty = apply_death_penalties(
        player.death_cost, stats.base_max_health, stats.stamina, skills, spells, roll, tutorial=player.past_tutorial
    )
    change_base_max_health(player, penalty.base_max_health - stats.base_max_health)
    if penalty.clears_outlaw:
        player.outlaw = False
    player.death_cost = 0
    return penalty


def _evaluate_newbie_status(player: Player) -> None:
    """Once base max health reaches the player-killing threshold the player is past the
    tutorial for good (player.kod EvaluatePKStatus; guilds and outlaws, its other ways,
    do not exist yet)."""
    if player.stats.base_max_health >= PKILL_ENABLE_HP:
        player.past_tutorial = True
