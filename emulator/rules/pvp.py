"""Player against player: whether an attack on a player is allowed, and the brands an
attack or a kill puts on the attacker (player.kod AllowPlayerAttack,
CheckStatusAndSafety, EvaluatePKStatus, KilledSomething; room.kod ReqSomethingAttack;
system.kod IsPKAllowed).

Pure functions of the facts they are given. What the original also weighs and the
callers do not have yet is left out: arenas, chaos nights, guilds and their wars,
faction soldiers and faction loss, tokens, DMs.
Without guilds and soldier shields, a guild-only room lets only murderers fight each
other.
"""

from __future__ import annotations

import enum
from collections.abc import Collection

import attrs

from .kills import PKILL_ENABLE_HP


class AttackRefusal(str, enum.Enum):
    """Why an attack on a player did not happen; each is told with its own message."""

    SELF = "self"  # player.kod TryAttack: player_no_target_self
    NO_COMBAT = "no_combat"  # a no-combat room (room.kod): room_no_attack
    NO_PK_ROOM = "no_pk_room"  # a no-player-killing room: room_no_pk_allowed
    GUILD_ROOM = "guild_room"  # a guild-only room, and one of the two is no guild fighter: room_guild_combat
    SAFE_SERVER = "safe_server"  # the server type forbids it: player_safe_server
    NEWBIE_ATTACKER = "newbie_attacker"  # the attacker is too new: player_cant_hit_newbie
    NEWBIE_VICTIM = "newbie_victim"  # the victim is too new: player_guardian_angel (the victim named)
    SAFETY = "safety"  # the attacker's safety is on: player_safety_caught (the victim named)

    @property
    def names_victim(self) -> bool:
        """Whether the message names the victim (its article and name)."""
        return self in (AttackRefusal.NEWBIE_VICTIM, AttackRefusal.SAFETY)


@attrs.frozen
class PkStatus:
    """What the attack rules read of a player: base max health and the brands."""

    base_max_health: int
    outlaw: bool = False
    murderer: bool = False
    #: Anonymous or morphed (PFLAG_ANONYMOUS, PFLAG_MORPHED): unknown, so attacking or
    #: killing it brands nobody and the safety does not hold back from it.
    disguised: bool = False

    @property
    def innocent(self) -> bool:
        """Neither outlaw nor murderer."""
        return not (self.outlaw or self.murderer)

    @property
    def protected(self) -> bool:
        """An innocent others can tell: attacking or killing one brands the attacker."""
        return self.innocent and not self.disguised

    @property
    def pkill_enabled(self) -> bool:
        """PFLAG_PKILL_ENABLE as EvaluatePKStatus sets it for a player without a guild:
        base max health at least PKILL_ENABLE_HP, or an outlaw or murderer."""
        return self.base_max_health >= PKILL_ENABLE_HP or not self.innocent


def attack_refusal(
    attacker: PkStatus,
    victim: PkStatus,
    attacker_safety: bool,
    room_flags: Collection[str],
    pk_allowed: bool = True,
) -> AttackRefusal | None:
    """The first rule that forbids the attack, in the original's order, or None.

    The room first (ReqSomethingAttack: no combat, no player killing, guild-only), then
    the server type (IsPKAllowed), then, outside a kill zone, both players must be
    able to fight players (PFLAG_PKILL_ENABLE), then the safety flag holds back an
    attack on an innocent (CheckStatusAndSafety).
    """
    if "no_combat" in room_flags:
        return AttackRefusal.NO_COMBAT
    if "no_pk" in room_flags:
        return AttackRefusal.NO_PK_ROOM
    if "guild_pk_only" in room_flags and pk_allowed and not (attacker.murderer and victim.murderer):
        return AttackRefusal.GUILD_ROOM
    if not pk_allowed:
        return AttackRefusal.SAFE_SERVER
    if "kill_zone" not in room_flags:
        if not attacker.pkill_enabled:
            return AttackRefusal.NEWBIE_ATTACKER
        if not victim.pkill_enabled:
            return AttackRefusal.NEWBIE_VICTIM
    if victim.protected and attacker_safety:
        return AttackRefusal.SAFETY
    return None


def attack_makes_outlaw(attacker: PkStatus, victim: PkStatus) -> bool:
    """An allowed attack on an innocent by an innocent makes the attacker an outlaw
    (CheckStatusAndSafety: player_aggressor, PFLAG_OUTLAW)."""
    return victim.protected and attacker.innocent


def kill_zone_crossing(player: PkStatus, from_flags: Collection[str], to_flags: Collection[str]) -> bool | None:
    """A player who may not fight players is warned on entering a kill zone (True) and
    told it is protected again on leaving one (False); None: nothing to tell
    (user.kod, on every room change)."""
    if player.pkill_enabled:
        return None
    was, will = "kill_zone" in from_flags, "kill_zone" in to_flags
    return None if was == will else will


class Murder(str, enum.Enum):
    """What killing a player makes of the killer (player.kod KilledSomething)."""

    JUSTIFIED = "justified"  # the victim was an outlaw or murderer: no brand
    BRANDED = "branded"  # a first murder: player_wanted_now; murderer, no longer outlaw
    AGAIN = "again"  # already a murderer: player_killed_player


def murder(killer: PkStatus, victim: PkStatus, safe_room: bool = False) -> Murder:
    """The brand of a kill; none in a safe-death room (SafePlayerAttack)."""
    if safe_room or not victim.protected:
        return Murder.JUSTIFIED
    return Murder.AGAIN if killer.murderer else Murder.BRANDED
