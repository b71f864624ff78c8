"""The spells that change how a player looks to others (anon.kod, shadform.kod, fade.kod,
invis.kod, illform.kod, morph.kod, summtwin.kod, fdeath.kod): each is an enchantment whose flags (``emulator/world/disguise.py``)
the game layer draws the player by, with its figures from the import
(``spells.toml`` ``[key.figures]``, see the recogniser ``spell_families/illusions.py``).

* anonymity: the caster's name is hidden from others for whole minutes by the power;
* shadow form: a player drawn as a dark silhouette, whose defence grows in the dark;
* fade: the caster is invisible while the trance holds (and at most its time);
* invisibility: the caster is invisible for a while, and harder to hit;
* illusionary form: the caster takes the look of a monster drawn by the power, for a while;
* morph: the caster becomes, to others, a monster drawn by the power: its look and
  name; its max health moves towards the monster's while it lasts, what it wields and
  wears is put away; who attacks or kills it is not branded. Not modelled: the scream and
  the pain, the items it may not use while morphed;
* evil twin: a creature mirroring the target player hunts it with the player's own
  offence, damage and defence, follows it from room to room, and goes when its player
  dies or logs off; it strikes only as its caster may strike that player, and its blows
  and kills brand its caster;
* feign death: the caster is drawn as a dead body and its name hidden, the players near
  read that it was killed, monsters lose interest; it holds while the trance does and
  mana lasts, some mana every few seconds; what it holds in hand or on its head falls,
  and now and then something else it carries.

A trance-kept spell (flag ``trance``) ends when the trance breaks (:func:`trance_broken`,
from ``casting.break_trance``): a run, a cast, a blow, resting.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.combat import player_defense, player_offense
from emulator.rules.dice import div, roll_with
from emulator.rules.spells import looks as rules
from emulator.world import disguise
from emulator.world.enchantments import Effect, Enchantment
from emulator.world.events import FeignedDeath, ObjectEntered, ObjectLeft, SpellTold, SummonVanished, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.rules.dice import Roll
    from emulator.world.monsters import Monster
    from emulator.world.world import World

__all__ = [
    "EFFECTS", "defends_as", "defense_bonus", "ended", "fights_as", "forms", "killed_for_summoner", "may_strike",
    "run_tick", "trance_broken",
]

#: The scapegoat of a feigned death where the room has no monsters of its own (fdeath.kod).
DEFAULT_SCAPEGOAT = "giantrat"
#: Out of 100, the rolls at or below which the news of a feigned death names a prank
#: instead of a monster: 1, 2 and 3, each its own (fdeath.kod CastSpell).
PRANKS = 3
#: Invisibility's defence: this much and the power (invis.kod ModifyDefensePower).
INVISIBLE_DEFENSE = 25


def _roll(world: World, caster: Player, spell: SpellDefinition, what: str) -> random.Random:
    return random.Random(f"{world.seed}:{what}:{world.tick_count}:{caster.object_id}:{spell.number}")


def _whole_ms(spell: SpellDefinition, power: int) -> int:
    per = spell.figure("duration_per_power")
    step = spell.figure("duration_step_power")
    return spell.figure("duration_ms") + per * (div(power, step) if step else power)


def _start(world: World, target: Player, spell: SpellDefinition, duration: int | None, flags: set[str], state: object,
           caster: Player, events: list[WorldEvent]) -> bool:
    started = world.enchant(target.object_id, spell.key, duration, Effect({}, flags), state=state, caster_id=caster.object_id)
    if started.enchantment is None:
        return False
    events += started.events
    return True


class _Anonymity:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(caster.object_id, spell.key):
            return "already_have", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        if _start(world, caster, spell, _whole_ms(spell, power), {"anonymous"}, power, caster, events):
            events.append(SpellTold(caster.object_id, spell.key, "target"))


class _ShadowForm:
    """A personal enchantment on the caster or another player (persench.kod's rules)."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if world.enchantment_flag(target.object_id, "shadow"):
            return "looks_taken", 0  # already drawn dark
        if target is not caster and world.no_combat(caster.room):
            return "not_here", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        events.append(SpellTold(target.object_id, spell.key, "target"))
        if not _start(world, target, spell, _whole_ms(spell, power), {"shadow"}, power, caster, events):
            return
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))


class _Fade:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.enchantment_flag(caster.object_id, "invisible"):
            return "already_self", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        _start(world, caster, spell, _whole_ms(spell, power), {"invisible", "trance"}, power, caster, events)


class _Invisibility:
    """Only on its caster; cast again on oneself it starts anew (persench.kod)."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        whole = max(2, _whole_ms(spell, power))
        duration = roll_with(_roll(world, caster, spell, "enchant"))(div(whole, 2), whole)
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        _start(world, caster, spell, duration, {"invisible"}, power, caster, events)


class _IllusionaryForm:
    """The caster takes the look of a monster drawn by the power (illform.kod)."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(caster.object_id, spell.key) or world.enchantment_flag(caster.object_id, "morphed"):
            return "already_self", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        roll = roll_with(_roll(world, caster, spell, "form"))
        form = rules.pick_form(roll, power, forms(world, spell))
        if form is None:
            return
        whole = max(2, _whole_ms(spell, power))
        if _start(world, caster, spell, roll(div(whole, 2), whole), {"illusion"}, {"form": form, "power": power}, caster, events):
            events.append(SpellTold(caster.object_id, spell.key, "took_form", kind=form))


def forms(world: World, spell: SpellDefinition) -> list[tuple[str, int]]:
    """The monster kinds whose look the spell may give, with their levels."""
    found = []
    for name, allowed in spell.figures:
        kind = world.definition.kinds.get(name.removeprefix("form_")) if name.startswith("form_") and allowed else None
        if kind is not None and kind.monster is not None and kind.monster.level is not None:
            found.append((kind.key, kind.monster.level))
    return found


class _Morph:
    """The caster becomes, to others, a monster drawn by the power (morph.kod): its name
    and icon, no longer a player's flags; its max health moves towards the monster's;
    everything it wields or wears is put away."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.enchantment_flag(caster.object_id, "morphed"):
            return "already_have", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        for other in world.enchantments_of(caster.object_id):
            if "illusion" in other.effect.flags:
                events += world.disenchant(caster.object_id, other.spell)
        for item in world.items.used(caster.character_id):
            events += world.unuse_item(caster.object_id, item.object_id)
        roll = roll_with(_roll(world, caster, spell, "form"))
        form = rules.pick_form(roll, power, forms(world, spell), morph=True)
        level = dict(forms(world, spell)).get(form or "")
        if form is None or level is None:
            return
        stats = caster.stats
        monster_health = div(level * roll(90, 110), 100)
        change = rules.morph_health_change(stats.max_health, monster_health, power)
        duration = rules.morph_seconds(power, stats.max_health, monster_health, roll(80, 120)) * 1000
        events.append(SpellTold(caster.object_id, spell.key, "took_form", kind=form))
        if _start(world, caster, spell, max(1, duration), {"morphed"}, {"form": form, "health": change}, caster, events):
            stats.max_health += change
            events.append(VitalsChanged(caster.object_id))


class _FeignDeath:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        for other in world.enchantments_of(caster.object_id):  # its body replaces any borrowed look
            if other.effect.flags & {"illusion", "morphed"}:
                events += world.disenchant(caster.object_id, other.spell, report=False)
        now_ms = round(world.game_time * 1000)
        state = {"power": power, "next_ms": now_ms + spell.figure("drain_ms", rules.FEIGN_DRAIN_MS), "last": False}
        if not _start(world, caster, spell, None, {"anonymous", "feigning", "trance"}, state, caster, events):
            return
        world._monsters.give_up_on(caster.room, caster.object_id)
        _drop_items(world, caster, spell, power, events)
        roll = _roll(world, caster, spell, "feign").randint(1, 100)
        room = world.definition.rooms[caster.room]
        scapegoat = room.monsters[0].kind if room.monsters else DEFAULT_SCAPEGOAT
        prank = roll if roll <= PRANKS else 0
        hearers = tuple(p.object_id for p in world.players_here(caster.room))
        events.append(FeignedDeath(caster.room, caster.object_id, spell.key, "" if prank else scapegoat, prank, hearers))


#: What feign death lets fall (fdeath.kod CastSpell, blakston.khd): the items used on the
#: hands or the head, never special items nor Riija's sword.
USE_HAND, USE_HEAD, ITEMTYPE_SPECIAL = 0x0008, 0x0200, 0x4000
NEVER_DROPPED = frozenset({"riijasword"})


def _drop_items(world: World, caster: Player, spell: SpellDefinition, power: int, events: list[WorldEvent]) -> None:
    """The dead do not hold things: what the caster wields or wears on hand or head falls
    on its square, and each other item it carries by a small chance that shrinks with
    the power; only those a death would drop (each fall one item operation)."""
    roll = roll_with(_roll(world, caster, spell, "drop"))
    chance = rules.feign_drop_chance(power)
    for item in list(world.items.carried(caster.character_id)):
        kind = item.kind or ""
        info = world.definition.kinds[kind].item if kind in world.definition.kinds else None
        if info is None or kind in NEVER_DROPPED or (info.get("item_type") or 0) & ITEMTYPE_SPECIAL or info.kept_on_death:
            continue
        usage = world.items.usage(kind)
        held = item.used and usage is not None and bool(usage.places & (USE_HAND | USE_HEAD))
        if held or roll(1, 100) < chance:
            events += world.drop(caster.object_id, item.object_id, item.number, world.game_time)


#: The creature evil twin makes (summtwin.kod CastSpell: &EvilTwin; the import checks it).
TWIN_KIND = "eviltwin"
#: No twin where more monsters than this are (summtwin.kod CanPayCosts).
ROOM_MONSTER_LIMIT = 25


class _EvilTwin:
    """A creature mirroring the target player appears beside it and hunts it, fighting
    with the player's own offence and damage (summtwin.kod, eviltwin.kod); it goes up in
    smoke when its target leaves the room, dies or logs off."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else caster
        if target is caster:
            return "not_on_self", 0
        if not isinstance(target, Player) or world.enchantment_flag(target.object_id, "morphed"):
            return "wrong_target", target.object_id
        here = world._monsters.in_room(caster.room)
        if len(here) > ROOM_MONSTER_LIMIT or any(m.kind == TWIN_KIND and m.summoned for m in here):
            return "crowded", 0
        if TWIN_KIND not in world.definition.kinds:
            return "spell_cast_here", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        target = targets[0] if targets else None
        if not isinstance(target, Player):
            return
        twin = world._monsters.summon(TWIN_KIND, target.room, target.y, target.x, world.tick_count, target.object_id)
        world.enchant(twin.object_id, spell.key, None, Effect({}, {"mirror"}, shown=False),
                      state={"mirror": target.object_id, "caster": caster.object_id}, caster_id=caster.object_id)
        events += [ObjectEntered(target.room, twin.object_id), SpellTold(caster.object_id, spell.key, "caster")]


def fights_as(world: World, monster: Monster, roll: Roll) -> tuple[int, Callable[[], int]] | None:
    """A mirroring creature's offence and damage: its player's, as that player would
    strike with what it wields (eviltwin.kod GetOffense, GetDamage); None for others."""
    mirror = disguise.mirror_of(world, monster.object_id) if monster.summoned else None
    player = world._players.get(mirror) if mirror is not None else None
    if player is None:
        return None
    stats = world.effective_stats(player.object_id)
    weapon = world._wielded(player.object_id)[0]
    stroke, proficiency = world.fighting.attack_abilities(player, weapon)
    brawling = proficiency if weapon is None else 0
    offense = player_offense(stroke, proficiency, stats.aim, stats.max_health, weapon)
    offense += world.enchantment_modifier(player.object_id, "offense")
    return offense, lambda: world._blow_damage(roll, stats, weapon, proficiency, brawling, None, 0)


def defends_as(world: World, monster: Monster) -> int | None:
    """A mirroring creature's defence: its player's, by its parry, block, dodge, agility
    and worn armour (eviltwin.kod GetDefense); None for others."""
    mirror = disguise.mirror_of(world, monster.object_id) if monster.summoned else None
    player = world._players.get(mirror) if mirror is not None else None
    if player is None:
        return None
    stats = world.effective_stats(player.object_id)
    guard = world.fighting.defences(player, world.gear_of(player.object_id))
    armour = world.armour_of(player.object_id)[0]
    return player_defense(guard.parry, guard.block, guard.dodge, stats.agility, stats.max_health, armour_bonus=armour)


def _summoner(world: World, monster: Monster) -> tuple[Player, str] | None:
    """The online player whose spell made the creature, and the spell."""
    if not monster.summoned:
        return None
    for enchantment in world.enchantments.by_target.get(monster.object_id, ()):
        caster = enchantment.state.get("caster") if isinstance(enchantment.state, dict) else None
        if "mirror" in enchantment.effect.flags and isinstance(caster, int) and caster in world._players:
            return world._players[caster], enchantment.spell
    return None


def may_strike(world: World, monster: Monster, victim: Player, events: list[WorldEvent]) -> bool:
    """A creature made by a player's spell strikes a player only as its summoner may, and
    an innocent struck brands its summoner an outlaw, who reads of the trouble
    (eviltwin.kod TryAttack); any other monster strikes as it will."""
    found = _summoner(world, monster)
    if found is None:
        return True  # asked on every monster's swing: the imports below only for a summoned one
    from emulator.rules.pvp import attack_makes_outlaw, attack_refusal
    from emulator.world.events import PlayerOutlawed
    from emulator.world.world import _pk_status

    caster, spell = found
    caster_status, victim_status = _pk_status(caster), _pk_status(victim, world)
    flags = world.definition.rooms[monster.room].flags
    if attack_refusal(caster_status, victim_status, caster.safety, flags, world.rules.player_killing) is not None:
        return False
    if attack_makes_outlaw(caster_status, victim_status):
        caster.outlaw = True
        events += [PlayerOutlawed(caster.object_id), SpellTold(caster.object_id, spell, "trouble")]
    return True


def killed_for_summoner(world: World, victim: Player, monster: Monster, events: list[WorldEvent]) -> bool:
    """A player killed by a creature of a player's spell is its summoner's kill (its
    karma, its brand; eviltwin.kod KilledSomething); False for any other monster's."""
    from emulator.world.world import _pk_status

    found = _summoner(world, monster)
    if found is None:
        return False
    caster, spell = found
    if not caster.murderer:
        events.append(SpellTold(caster.object_id, spell, "trouble"))
    world._player_killed_player(caster, victim, _pk_status(caster), _pk_status(victim, world), events)
    return True


def _follow(world: World, monster: Monster, player: Player, events: list[WorldEvent]) -> None:
    """The creature goes after its player into the room it went to, onto its square
    (eviltwin.kod GotoOriginal)."""
    events.append(ObjectLeft(monster.room, monster.object_id))
    world._monsters.move_to(monster, player.room, player.y, player.x)
    monster.target = player.object_id
    events.append(ObjectEntered(player.room, monster.object_id))


def _vanish(world: World, monster: Monster, spell: str, mirror: int, told: bool, events: list[WorldEvent]) -> None:
    """The creature goes; the room reads it when the player it mirrored is still about."""
    room = monster.room
    world._monsters.remove(monster)
    world._end_all_enchantments(monster.object_id, events)
    events.append(ObjectLeft(room, monster.object_id))
    if told:
        events.append(SummonVanished(room, spell, mirror, tuple(p.object_id for p in world.players_here(room))))


ANONYMITY, SHADOW_FORM, FADE, INVISIBILITY, FEIGN_DEATH = _Anonymity(), _ShadowForm(), _Fade(), _Invisibility(), _FeignDeath()
ILLUSIONARY_FORM, MORPH, EVIL_TWIN = _IllusionaryForm(), _Morph(), _EvilTwin()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {
    "anonymity": ANONYMITY, "shadow_form": SHADOW_FORM, "fade": FADE, "invisibility": INVISIBILITY,
    "feign_death": FEIGN_DEATH, "illusionary_form": ILLUSIONARY_FORM, "morph": MORPH,
    "evil_twin": EVIL_TWIN,
}


def ended(world: World, enchantment: Enchantment, report: bool, events: list[WorldEvent]) -> None:
    """A spell of this family ended on a player: what it changed is given back (a
    morph's max health), and the player reads its ``ended`` words: anonymity's always
    (even removed silently), the others' when reported."""
    spell = world.definition.spells.get(enchantment.spell)
    player = world._players.get(enchantment.target_id)
    if spell is None or player is None or spell.effect not in EFFECTS:
        return
    if spell.effect == "morph" and isinstance(enchantment.state, dict):
        player.stats.max_health -= int(enchantment.state.get("health", 0))
        events.append(VitalsChanged(player.object_id))
    if spell.effect == "anonymity" or report and spell.effect in ("shadow_form", "fade", "invisibility",
                                                                   "illusionary_form", "morph"):
        events.append(SpellTold(player.object_id, spell.key, "ended"))


def defense_bonus(world: World, player_id: int) -> int:
    """What the player's spells of looks add to its defence against a blow now: shadow
    form by the room's light, invisibility and feign death by their power."""
    found = world.enchantments.by_target.get(player_id)
    if not found:
        return 0
    bonus = 0
    for enchantment in found:
        effect = world.definition.spells[enchantment.spell].effect if enchantment.spell in world.definition.spells else ""
        if effect == "shadow_form":
            player = world.player(player_id)
            bonus += rules.shadow_defense(world.definition.rooms[player.room].ambient_light)
        elif effect == "invisibility" and isinstance(enchantment.state, int):
            bonus += INVISIBLE_DEFENSE + enchantment.state
        elif effect == "feign_death" and isinstance(enchantment.state, dict):
            bonus += rules.feign_defense(int(enchantment.state.get("power", 0)))
    return bonus


def trance_broken(world: World, player: Player, events: list[WorldEvent]) -> None:
    """The player's trance broke: the spells it kept end, each with its words."""
    found = world.enchantments.by_target.get(player.object_id)
    if not found:
        return
    for enchantment in [e for e in found if "trance" in e.effect.flags]:
        events += world.disenchant(player.object_id, enchantment.spell)
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.text("trance_lost"):
            events.append(SpellTold(player.object_id, spell.key, "trance_lost"))


def run_tick(world: World, events: list[WorldEvent]) -> None:
    """Feign death's periods: each one due takes its mana, or ends the spell after the
    last (fdeath.kod StartPeriodicEnchantment). Only enchanted targets are looked at."""
    now_ms = round(world.game_time * 1000)
    due: list[Enchantment] = []
    mirrors: list[Enchantment] = []
    for found in world.enchantments.by_target.values():
        for enchantment in found:
            state = enchantment.state
            if "feigning" in enchantment.effect.flags and isinstance(state, dict) and state.get("next_ms", now_ms) <= now_ms:
                due.append(enchantment)
            elif "mirror" in enchantment.effect.flags and "reflection" not in enchantment.effect.flags:
                mirrors.append(enchantment)  # a twin (a reflection keeps to its room: summons.py)
    for enchantment in mirrors:  # a twin stays while its player is in its room
        monster = world._monsters.by_id.get(enchantment.target_id)
        mirror = enchantment.state.get("mirror") if isinstance(enchantment.state, dict) else None
        player = world._players.get(mirror) if isinstance(mirror, int) else None
        if monster is None or not isinstance(mirror, int):
            continue
        if player is not None and player.room != monster.room and not world._is_underworld(player.room):
            _follow(world, monster, player, events)
        elif player is None or player.room != monster.room:
            _vanish(world, monster, enchantment.spell, mirror, player is not None, events)
        elif monster.target is None:
            monster.target = mirror  # single-minded: back on its player
    for enchantment in due:
        spell = world.definition.spells.get(enchantment.spell)
        player = world._players.get(enchantment.target_id)
        if spell is None or player is None:
            continue
        state = dict(enchantment.state)
        if state.get("last"):
            events += world.disenchant(player.object_id, spell.key)
            continue
        drain = spell.figure("drain_mana")
        mana, more = rules.kept_drain(player.stats.mana, drain)
        last = not more
        player.stats.mana = mana
        state.update(next_ms=now_ms + spell.figure("drain_ms", rules.FEIGN_DRAIN_MS), last=last)
        enchantment.state = state
        events.append(VitalsChanged(player.object_id))
