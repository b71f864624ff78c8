"""The things the world holds: placed objects and players."""

from __future__ import annotations

from typing import Any

import attrs

from emulator.ratelimit import TokenBucket

__all__ = ["Player", "Stats", "Thing", "TokenBucket", "WorldObject"]


@attrs.define
class Stats:
    health: int = 20
    max_health: int = 20
    mana: int = 10
    max_mana: int = 10
    vigor: int = 200
    might: int = 25
    intellect: int = 25
    stamina: int = 25
    agility: int = 25
    mysticism: int = 25
    aim: int = 25
    karma: int = 0
    #: Max health before boosts (the original's piBase_max_health): what kills raise and
    #: deaths lower. Without boosts (none are modelled yet) it equals max_health.
    base_max_health: int = attrs.field(default=attrs.Factory(lambda stats: stats.max_health, takes_self=True))


@attrs.define(eq=False)
class Thing:
    """Anything with a place in a room. Read-only outside the world."""

    object_id: int
    kind: str | None  # content kind key; None for players
    room: str
    y: int  # fine units
    x: int
    angle: int = 0  # 0..4095
    key: str = ""  # the placed object's stable content key ("" for players)


WorldObject = Thing


@attrs.define(eq=False)
class Player(Thing):
    character_id: int = 0
    name: str = ""
    account_id: int | None = None
    stats: Stats = attrs.field(factory=Stats)
    speed: int = 0  # last accepted move's speed byte
    travel: TokenBucket | None = None  # squares of movement
    actions: TokenBucket | None = None  # move and turn requests, against floods
    speech: TokenBucket | None = None
    last_attack_at: float | None = None  # when its last swing was resolved (the attack delay)
    #: Hundredths of a karma point beyond ``stats.karma`` (the original keeps karma in
    #: hundredths; whole points are shown). Saved with the character.
    karma_fraction: int = 0
    #: Posture. Resting is not saved: the original stands a player up
    #: when it logs off (UserLogoffHook StopResting). Safety is saved, as the original keeps
    #: it among the player's saved flags (PFLAG_SAFETY).
    resting: bool = False  # UC_REST until UC_STAND
    safety: bool = True  # UC_SAFETY: on by default, as the original; on, no attacks on players
    #: The running chance of a max-health gain that kills build up (piGain_chance). Saved.
    gain_chance: int = 0
    #: The death cost, in percent, still to be paid on leaving the Underworld (piDeathCost,
    #: set at death, cleared by the penalty); 0: nothing pending. Saved.
    death_cost: int = 0
    #: The original's PFLAG_TUTORIAL, despite its name set once a player is past being a
    #: newbie (base max health reached 30): from then on no newbie honor (so deaths are no
    #: longer cheap) and the harder death penalty. It never clears. Saved.
    past_tutorial: bool = False
    #: What the next kill counts for a max-health gain (poKill_target, PFLAG_DID_DAMAGE,
    #: PFLAG_TOOK_DAMAGE): reset on a new target, a room change and after a kill. Not saved:
    #: the original resets them when the player enters a room, as it does on logging in.
    kill_target: int | None = None
    did_damage: bool = False
    took_damage: bool = False
    #: Brands of player killing (player.kod PFLAG_OUTLAW, PFLAG_MURDERER). Saved.
    outlaw: bool = False  # attacked an innocent player
    #: Game time of its last allowed attack on a player (player.kod piTimeAttackedPlayer):
    #: the escapes (elusion) wait a while after it. Not saved.
    attacked_player_at: float | None = None
    murderer: bool = False  # killed an innocent player
    moved_since_entry: bool = False  # health regenerates only once the player has moved (player.kod)
    moves_counter: int = 0  # user.kod piMovesCounter: when moving costs vigor
    last_move_second: int | None = None  # whole game second of the last accepted move
    exertion: int = 0  # exertion not yet turned into vigor (rules.vitals.Vigor.exertion)
    #: How full the stomach is, in percent (piStomach), as of game second ``stomach_at``:
    #: what is eaten or drunk must fit (rules.vitals.too_full). Not saved: a player entering
    #: the world starts with an empty one, as a new character does.
    stomach: int = 0
    stomach_at: int = 0
    #: Game time (milliseconds) when the next health, mana and rest timers fire; None: unarmed.
    health_due_ms: int | None = None
    mana_due_ms: int | None = None
    rest_due_ms: int | None = None
    #: The spellbook: what the player knows, by key of ``spells.toml`` / ``skills.toml``,
    #: each with its ability in percent (1 to 99, the original's plSpells / plSkills).
    spells: dict[str, int] = attrs.field(factory=dict)
    skills: dict[str, int] = attrs.field(factory=dict)
    #: Missed by an attacker in the fight being counted (PFLAG_DODGED): the kill may then
    #: improve a defence skill. Reset with the gain flags.
    dodged: bool = False
    #: Swings with one proficiency and the swing bonus they earned (player.kod
    #: piWeaponSwings, piWeaponInfo): strokes and proficiencies improve only with a bonus.
    #: Not saved, as the original does not save them either.
    swing_proficiency: int = 0
    swings: int = 0
    swing_bonus: int = 0
    #: Improvements since the advancement timer started, and when it ends (game time in
    #: milliseconds; None: not running) (piAdvancement_points, ptAdvancement).
    advancement_points: int = 0
    advancement_ends_ms: int | None = None
    #: The enchantments it logged off with, their time frozen (``enchantments.to_json``):
    #: set when it leaves the world, for the save.
    enchantments_left: tuple[dict[str, Any], ...] = ()
    #: A spell waiting for the caster's trance to end: (spell key, target ids, game
    #: millisecond it goes off). Not saved: the original's trance ends with the session.
    trance: tuple[str, tuple[int, ...], int] | None = None
    #: Casts in each school since the last improvement in it, weighted by spell level
    #: (AddSchoolCast): they raise the chance to improve. Not saved yet.
    school_casts: dict[str, int] = attrs.field(factory=dict)

    def reset_gain_flags(self) -> None:
        """Forget what the fight so far counted for a max-health gain (ResetGainFlags)."""
        self.kill_target, self.did_damage, self.took_damage, self.dodged = None, False, False, False

    def took_blow(self, attacker_id: int, damage: int) -> None:
        """A blow landed on the player: the first attacker becomes its kill target, and
        damage from that target counts as taken (player.kod AssessDamage)."""
        if self.kill_target is None:
            self.kill_target = attacker_id
        if attacker_id == self.kill_target and damage > 0:
            self.took_damage = True
