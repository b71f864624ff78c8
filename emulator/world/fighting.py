"""A player's fighting skills as the world applies them: the abilities a swing and a
defence read (by the original's skill numbers, found through ``skills.toml``), and their
improvement with use.

The rules (``emulator.rules.skills``) compute; this module keeps the per-player counts
(swings, advancement points) and reports :class:`SkillImproved` and
:class:`AdvancementCapped`. A world without ``skills.toml`` has no skills: every ability
reads 0 and nothing improves.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from emulator.content.model import SkillDefinition, WorldDefinition
from emulator.rules.combat import SKID_BLOCK, SKID_DODGE, SKID_PARRY, AttackKind, Weapon
from emulator.rules.dice import Roll
from emulator.rules.skills import (
    ADVANCEMENT_LIMIT,
    STROKES_AND_PROFICIENCIES,
    DefenceAbilities,
    SwingCount,
    advancement_cap_note,
    advancement_timer_ms,
    defence_abilities,
    defence_skill_to_improve,
    improves,
    initial_chance,
    learn_points,
    proficiency_skill,
    secondary_chance,
    shield_block_succeeds,
    stroke_or_proficiency,
    stroke_skill,
    swing_recorded,
)
from emulator.world.events import AdvancementCapped, SkillImproved, WorldEvent
from emulator.world.objects import Player

#: Spells GetTotalLearnPoints leaves out: blink, and the DMs' school.
_UNCOUNTED_SPELL = "blink"
_UNCOUNTED_SCHOOL = "dm_command"


@attrs.frozen
class Gear:
    """What a player fights with: its weapon (None: bare hands) and its shield's
    figures (None: no shield)."""

    weapon: Weapon | None = None
    shield_defense: int | None = None
    shield_reduce: int = 0


@attrs.frozen
class Where:
    """When and where a skill is used: game time (milliseconds) and the room's rules."""

    now_ms: int
    hard_learn: bool = False  # ROOM_HARD_LEARN: a tenth of the chance
    safe_death: bool = False  # ROOM_SAFE_DEATH: no improvement at all


class FightingSkills:
    """The skills of the world's ``skills.toml`` by the original's numbers."""

    def __init__(self, definition: WorldDefinition) -> None:
        self.definition = definition
        self._by_number: dict[int, SkillDefinition] = {s.number: s for s in definition.skills.values()}
        #: Whether the player has forgotten the skill for now (a forget spell): of no use then.
        self.forgotten: Callable[[Player, str], bool] = lambda player, key: False

    def key(self, number: int) -> str | None:
        skill = self._by_number.get(number)
        return None if skill is None else skill.key

    def ability(self, player: Player, number: int) -> int:
        """The player's ability in the skill of that number; 0 when not known."""
        key = self.key(number)
        return 0 if key is None or self.forgotten(player, key) else player.skills.get(key, 0)

    def knows(self, player: Player, number: int) -> bool:
        return self.ability(player, number) > 0

    # --- a swing --------------------------------------------------------------------------

    def attack_abilities(self, player: Player, weapon: Weapon | None) -> tuple[int, int]:
        """(stroke, proficiency) abilities of a swing: the weapon's stroke and proficiency,
        or punch and brawling bare-handed (player.kod GetOffense)."""
        return self.ability(player, stroke_skill(weapon)), self.ability(player, proficiency_skill(weapon))

    @staticmethod
    def record_swing(player: Player, weapon: Weapon | None) -> None:
        """player.kod SwingWeapon: the swing counts towards the swing bonus."""
        count = swing_recorded(SwingCount(player.swing_proficiency, player.swings, player.swing_bonus), proficiency_skill(weapon))
        player.swing_proficiency, player.swings, player.swing_bonus = count.proficiency, count.swings, count.bonus

    def after_hit(
        self, player: Player, weapon: Weapon | None, target_level: int, monster_level: int | None, roll: Roll,
        where: Where, events: list[WorldEvent],
    ) -> None:
        """player.kod AssessHit: a blow that landed with a swing bonus may improve the
        stroke or the weapon's proficiency (stroke.kod ImproveStroke). ``target_level`` is
        the target's GetLevel (a player's is its base max health), ``monster_level`` the
        level a monster target gives the improvement's difficulty (None: a player)."""
        if player.swing_bonus <= 0:
            return
        stroke, proficiency = stroke_skill(weapon), proficiency_skill(weapon)
        chosen = stroke_or_proficiency(
            stroke, self.ability(player, stroke), proficiency, self.ability(player, proficiency),
            self.knows(player, proficiency), target_level, roll, armed=weapon is not None,
        )
        if chosen is not None:
            self.try_improve(player, chosen, monster_level, roll, where, events)

    # --- a defence ------------------------------------------------------------------------

    def defences(self, player: Player, gear: Gear) -> DefenceAbilities:
        """The player's parry, block and dodge (player.kod GetParryAbility and its kin)."""
        return defence_abilities(
            self.ability(player, SKID_PARRY), self.ability(player, SKID_BLOCK), self.ability(player, SKID_DODGE),
            gear.weapon, gear.shield_defense,
        )

    def shield_blocks(self, player: Player, gear: Gear, roll: Roll) -> bool:
        """shield.kod ModifyDefenseDamage: whether the shield takes its share off a blow."""
        if gear.shield_defense is None:
            return False
        block = self.ability(player, SKID_BLOCK)
        return shield_block_succeeds(block, self._requisite(player, SKID_BLOCK), gear.shield_defense, roll)

    def after_kill(
        self, player: Player, gear: Gear, monster_level: int | None, roll: Roll, where: Where, events: list[WorldEvent],
    ) -> None:
        """player.kod AdvancementCheck, its last part: a player that was missed in the
        fight may improve parry, block or dodge (the caller checks the flag, and that no
        max-health gain came first)."""
        melee = gear.weapon is not None and gear.weapon.kind is not AttackKind.RANGED
        number = defence_skill_to_improve(
            melee, self.knows(player, SKID_PARRY), gear.shield_defense is not None, self.knows(player, SKID_BLOCK), roll,
        )
        self.try_improve(player, number, monster_level, roll, where, events)

    # --- improvement ----------------------------------------------------------------------

    def try_improve(
        self, player: Player, number: int, monster_level: int | None, roll: Roll, where: Where, events: list[WorldEvent],
    ) -> bool:
        """skill.kod ImproveAbility for a player using a skill on a monster of
        ``monster_level`` (None: no monster), in its order of checks; every target here
        lets players advance on it (illusions and revenants do not exist)."""
        skill = self._by_number.get(number)
        if skill is None or player.skills.get(skill.key, 0) <= 0:
            return False  # HasSkill
        now_ms = where.now_ms
        if player.advancement_ends_ms is not None and now_ms >= player.advancement_ends_ms:
            player.advancement_points, player.advancement_ends_ms = 0, None  # AdvancementTimer went off
        if player.advancement_points >= ADVANCEMENT_LIMIT:  # CheckAdvancementPoints
            note = advancement_cap_note(roll)
            if note is not None:
                events.append(AdvancementCapped(player.object_id, note))
            return False
        if where.safe_death:
            return False
        stats = player.stats
        requisite = self._requisite(player, number)
        ability = player.skills[skill.key]
        first = initial_chance(skill.improve_chance, stats.intellect)
        second = secondary_chance(requisite, skill.level or 1, self.learn_points(player), monster_level)
        if not improves(ability, first, second, requisite, roll, where.hard_learn):
            return False
        player.skills[skill.key] = ability + 1
        if self._resets_swings(skill):
            player.swings, player.swing_bonus = 0, 0  # ResetWeaponSwings
        if player.advancement_ends_ms is None:  # AddAdvancementPoints
            player.advancement_ends_ms = now_ms + advancement_timer_ms(roll)
        player.advancement_points += 1
        slot = sorted(player.skills).index(skill.key) + 1  # the skills group lists them by key
        events.append(SkillImproved(player.room, player.object_id, skill.key, ability + 1, slot))
        return True

    def learn_points(self, player: Player) -> int:
        """The generalisation penalty from the spells the player knows."""
        spells = self.definition.spells
        known = (spells[key] for key in player.spells if key in spells)
        return learn_points(
            (spell.school, spell.level or 0) for spell in known
            if spell.key != _UNCOUNTED_SPELL and spell.school != _UNCOUNTED_SCHOOL
        )

    def _requisite(self, player: Player, number: int) -> int:
        skill = self._by_number.get(number)
        stat: int = getattr(player.stats, skill.requisite if skill is not None else "agility")
        return stat

    def _resets_swings(self, skill: SkillDefinition) -> bool:
        """ChangeSkillAbility starts the swing count over when a stroke or a proficiency
        improves: one of the stock ones, or a skill of those families in skills.toml."""
        if skill.number in STROKES_AND_PROFICIENCIES:
            return True
        families = {skill.family}
        parent = self.definition.skills.get(skill.family)
        while parent is not None and parent.family not in families:
            families.add(parent.family)
            parent = self.definition.skills.get(parent.family)
        return bool(families & {"stroke", "proficiency"})
