"""Jala's songs (jala.kod): a room enchantment its singer keeps up while singing.

A song needs an instrument played (one in use; its level is the school's bonus to the
power). It starts only if louder than the song already sung in the room (the room hears
it fail otherwise); then the room gets its icon, hears it start and plays its music, and
every listener in the room is touched by it (a mood song may move one, warp time
stretches trances). Every drain time the singer pays the drain in mana; once its mana is
under twice the drain the song goes on one more turn and ends. It ends too when its
singer's trance breaks (casting, attacking, being hurt, resting, running, using an item,
leaving the room, logging off; a necklace of Jala bears some of these): the room hears it end
and its own music plays again. A player coming into the room hears it playing.

While a song is on a room (the newest song counts, as the original's GetJalaInfo):
invigorate, restorate and rejuvenate quicken the listeners' rest, health and mana
timers; a hinder song cuts the chance of the casts of its school; warp time (any one on
the room) stretches the trances begun there; a listener a mood song moved strikes
harder at those of the other side; spellbane stops the spells weaker than the room's
song; mana convergence raises the power of every spell cast there; jig makes every
listener but its singer put away what it holds and dance.

The song's state (JSON, in the room's enchantment): its volume, singer, power, the game
time of its next drain, whether that is its last, the listeners a mood song moved and
those a jig has dancing.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from emulator.content.model import SpellDefinition
from emulator.rules.casting import SPELLPOWER_MAXIMUM, SPELLPOWER_MINIMUM
from emulator.rules.dice import Roll, bound, div
from emulator.rules.spells import songs as rules
from emulator.world.enchantments import Effect, Enchantment, EnchantmentBook
from emulator.world.events import (
    MonsterAttacked, ObjectChanged, PlayerAttacked, SongPlayed, SongTold, VitalsChanged, WorldEvent,
)
from emulator.world.items import USE_HAND
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = [
    "EFFECTS", "SONG", "cast_refusal", "current_song", "damage_against", "entered", "health_delay_ms",
    "NECKLACE_KIND", "dancing", "instrument_level", "mana_delay_ms", "offense_against", "power_change", "rest_delay_ms", "run",
    "success_chance", "trance_broken", "trance_ms", "use_refusal", "wounded",
]

#: The rooms (their enchantment ids) that have a song on, per world and its book of
#: enchantments (a restore makes a new book): what each tick looks at.
_SUNG: weakref.WeakKeyDictionary[World, tuple[EnchantmentBook, dict[int, None]]] = weakref.WeakKeyDictionary()


def _is_song(world: World, spell_key: str) -> bool:
    spell = world.definition.spells.get(spell_key)
    return spell is not None and spell.effect == "song"


def _sung(world: World) -> dict[int, None]:
    """The rooms with a song on (built from the enchantments once, e.g. after a restore)."""
    found = _SUNG.get(world)
    if found is None or found[0] is not world.enchantments:
        found = world.enchantments, {
            target: None for target, on in world.enchantments.by_target.items()
            if world.room_key(target) is not None and any(_is_song(world, e.spell) for e in on)
        }
        _SUNG[world] = found
    return found[1]


def _songs_on(world: World, room_id: int) -> list[tuple[SpellDefinition, Enchantment]]:
    """The songs on a room, newest first."""
    found = []
    for enchantment in world.enchantments_of(room_id):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == "song" and isinstance(enchantment.state, dict):
            found.append((spell, enchantment))
    return found


def current_song(world: World, room: str) -> tuple[SpellDefinition, Enchantment] | None:
    """The song that counts in a room: the newest Jala enchantment on it (GetJalaInfo)."""
    room_id = world.room_enchantment_target(room)
    if room_id not in _sung(world):
        return None
    songs = _songs_on(world, room_id)
    return songs[0] if songs else None


def instrument_level(world: World, player: Player) -> int:
    """The level of the best instrument the player plays (GetInstrumentLevel); 0: none."""
    levels = [0]
    for item in world.items.used(player.character_id):
        kind = world.definition.kinds.get(item.kind or "")
        level = kind.item.get("instrument") if kind is not None and kind.item is not None else None
        if level is not None:
            levels.append(level)
    return max(levels)


def _audience(world: World, room: str) -> tuple[int, ...]:
    return tuple(p.object_id for p in world.players_here(room))


def _power(enchantment: Enchantment) -> int:
    return int(enchantment.state.get("power", 0))


class _Song:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        """Jala's CanPayCosts: a song that hinders others is not for those who cannot fight
        players yet; every song needs an instrument played."""
        from emulator.world.world import _pk_status

        flags = world.definition.rooms[caster.room].flags
        if spell.figure("guild_rooms_refused") and "guild_pk_only" in flags:  # where only guilds may fight (no guilds here)
            if not spell.figure("murderers_may"):  # jig
                return "spell_cast_here", 0
            if world.rules.player_killing and not caster.murderer:  # spellbane
                return "no_towns", 0
        if not spell.figure("newbies", 1) and not _pk_status(caster).pkill_enabled:
            return "no_newbie", 0
        if instrument_level(world, caster) == 0:
            return "need_instrument", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> bool:
        room = caster.room
        room_id = world.room_enchantment_target(room)
        if spell.text("cast_said"):  # mana convergence tells the room first, even if the song then fails
            events.append(SongTold(room, spell.key, "cast_said", _audience(world, room)))
        sung = current_song(world, room)
        loudness = rules.volume(power, spell.figure("drain", rules.DEFAULT_DRAIN), spell.figure("drain_ms", rules.DEFAULT_DRAIN_MS))
        if sung is not None and loudness <= int(sung[1].state.get("volume", 0)):
            events.append(SongTold(room, spell.key, "song_failed", _audience(world, room)))
            return False  # Jala's CastSpell returns without the common part
        if world.is_enchanted(room_id, spell.key):  # the same song, louder: it takes over from the other singer
            _end(world, room_id, spell.key, events, report=False)
        now_ms = round(world.game_time * 1000)
        if spell.figure("raises_power"):  # the power it keeps is its own line of the cast's (BuildState)
            power = rules.kept_power(power, spell.figure("power_per"), spell.figure("power_divisor", 1), spell.figure("power_plus"))
        state: dict[str, Any] = {
            "volume": loudness, "caster": caster.object_id, "power": power,
            "next_ms": now_ms + spell.figure("drain_ms", rules.DEFAULT_DRAIN_MS), "last": False, "moved": [],
        }
        started = world.enchant(room_id, spell.key, None, Effect(), state=state, caster_id=caster.object_id)
        if started.enchantment is None:
            return False
        _sung(world)[room_id] = None
        audience = _audience(world, room)
        events += started.events  # the room's icon
        events.append(SongTold(room, spell.key, "song_starts", audience))
        events.append(SongPlayed(room, spell.key, audience))
        for listener in list(world.players_here(room)):
            _touch(world, spell, started.enchantment, listener, events)
        return True


SONG = _Song()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"song": SONG}


def _touch(world: World, spell: SpellDefinition, enchantment: Enchantment, listener: Player, events: list[WorldEvent]) -> None:
    """The song's StartEnchantment on one listener."""
    state = enchantment.state
    room = listener.room
    if spell.figure("mood"):  # moved with a chance of its power in percent
        moved = [i for i in state["moved"] if i != listener.object_id]
        roll = world.roll_for("song", listener.object_id, spell.number)
        if roll(1, 100) < _power(enchantment):
            moved.append(listener.object_id)
            events.append(SongTold(room, spell.key, "listener", (listener.object_id,), int(state["caster"])))
        state["moved"] = moved
    if spell.figure("stretches") and listener.trance is not None:
        _warp(world, listener, lambda left: rules.stretched_ms(left, _power(enchantment)))
        events.append(SongTold(room, spell.key, "slowed", (listener.object_id,)))
    if spell.figure("dances") and listener.object_id != state["caster"]:
        _dance(world, spell, enchantment, listener, events)


def _dance(world: World, spell: SpellDefinition, enchantment: Enchantment, listener: Player, events: list[WorldEvent]) -> None:
    """Jig on one listener (FreeHands, DoDance): what it holds in its hands is put away,
    then it dances, shown to the room, unless it rests."""
    put_away = False
    for item in world.items.used(listener.character_id):
        usage = world.items.usage(item.kind or "")
        if usage is not None and usage.places & USE_HAND:
            world.items.unuse(listener.character_id, listener.object_id, item.object_id, events)
            put_away = True
    if put_away:  # an instrument put away ends the song its player sings (instrum.kod NewUnused)
        trance_broken(world, listener, events)
    dancers = [i for i in enchantment.state.get("dancers", []) if i != listener.object_id]
    if listener.resting:
        events.append(SongTold(listener.room, spell.key, "cant_dance_resting", (listener.object_id,)))
    else:
        dancers.append(listener.object_id)
        events.append(SongTold(listener.room, spell.key, "dance", (listener.object_id,)))
        events.append(ObjectChanged(listener.room, listener.object_id))
    enchantment.state["dancers"] = dancers


def _untouch(world: World, spell: SpellDefinition, enchantment: Enchantment, listener: Player, events: list[WorldEvent]) -> None:
    """The song's RemoveEnchantment on one listener, as it ends."""
    if spell.figure("stretches") and listener.trance is not None:
        _warp(world, listener, lambda left: rules.unstretched_ms(left, _power(enchantment)))
        events.append(SongTold(listener.room, spell.key, "sped", (listener.object_id,)))
    if listener.object_id in enchantment.state.get("dancers", ()):  # StopDancing, once the song is gone
        enchantment.state["dancers"].remove(listener.object_id)
        events.append(SongTold(listener.room, spell.key, "stop_dance", (listener.object_id,)))
        events.append(ObjectChanged(listener.room, listener.object_id))


def _warp(world: World, listener: Player, change: Any) -> None:
    """The listener's trance goes on for the changed time it had left."""
    assert listener.trance is not None
    key, targets, due = listener.trance
    now_ms = round(world.game_time * 1000)
    listener.trance = (key, targets, now_ms + change(max(0, due - now_ms)))


def _end(world: World, room_id: int, spell_key: str, events: list[WorldEvent], report: bool = True) -> None:
    """EndSpell: the listeners are let go, the room hears the song end (``report``), its
    icon goes and its own music plays again."""
    enchantment = world.enchantments.find(room_id, spell_key)
    room = world.room_key(room_id)
    spell = world.definition.spells.get(spell_key)
    if enchantment is None or room is None or spell is None:
        return
    for listener in list(world.players_here(room)):
        _untouch(world, spell, enchantment, listener, events)
    if report:
        events.append(SongTold(room, spell_key, "song_ends", _audience(world, room)))
    events += world.disenchant(room_id, spell_key, report=report)
    if report:
        events.append(SongPlayed(room, "", _audience(world, room)))
    if not _songs_on(world, room_id):
        _sung(world).pop(room_id, None)


def run(world: World, events: list[WorldEvent]) -> None:
    """Each tick: a song whose singer is gone ends; those whose drain is due take it from
    their singers, or end (the last turn done); driven by the world tick, each ends."""
    sung = _sung(world)
    if not sung:
        return
    now_ms = round(world.game_time * 1000)
    for room_id in list(sung):
        room = world.room_key(room_id)
        songs = _songs_on(world, room_id) if room is not None else []
        if not songs:
            sung.pop(room_id, None)
            continue
        for spell, enchantment in songs:
            state = enchantment.state
            singer = world._players.get(int(state.get("caster", 0)))
            if singer is None or singer.room != room:  # gone (a death, a restart): the song with it
                _end(world, room_id, spell.key, events)
                continue
            if int(state.get("next_ms", 0)) > now_ms:
                continue
            if state.get("last"):
                _end(world, room_id, spell.key, events)
                continue
            drain = spell.figure("drain", rules.DEFAULT_DRAIN)
            state["last"] = rules.last_call(singer.stats.mana, drain)  # StartPeriodicEnchantment
            singer.stats.mana = max(0, singer.stats.mana - drain)
            events.append(VitalsChanged(singer.object_id))
            state["next_ms"] = int(state["next_ms"]) + max(1, spell.figure("drain_ms", rules.DEFAULT_DRAIN_MS))


#: The item whose wearer sings on through what would break a song (jala.kod BreakTrance
#: asks whether the singer uses a JalaNecklace).
NECKLACE_KIND = "jalanecklace"


def _sings_on(world: World, player: Player, cause: str, what: str) -> bool:
    """Jala's BreakTrance with a necklace of Jala worn: the song bears an attack, running,
    a cast of another school, and the use of an item that is neither eaten or drunk nor an
    instrument."""
    if not any(item.kind == NECKLACE_KIND for item in world.items.used(player.character_id)):
        return False
    if cause in ("attack", "run", "damage"):
        return True
    if cause == "cast":
        spell = world.definition.spells.get(what)
        return spell is not None and spell.school != "jala"
    if cause == "use":
        kind = world.definition.kinds.get(what)
        info = kind.item if kind is not None else None
        return info is not None and not info.use and info.get("instrument") is None
    return False


def wounded(world: World, events: list[WorldEvent], since: int) -> None:
    """The players a blow hurt (``events`` from ``since``) stop singing (player.kod
    LoseHealth breaks the trance, EVENT_DAMAGE). Not yet a casting trance."""
    if not _sung(world):
        return
    for event in events[since:]:
        if isinstance(event, (MonsterAttacked, PlayerAttacked)) and event.damage > 0:
            victim = world._players.get(event.victim)
            if victim is not None:
                trance_broken(world, victim, events, "damage")


def trance_broken(world: World, player: Player, events: list[WorldEvent], cause: str = "", what: str = "") -> None:
    """The singer's trance broke (BreakTrance, ``cause`` and ``what`` as casting's
    break_trance says): its song ends, unless a necklace of Jala bears it."""
    if not _sung(world):
        return  # no song on anywhere (asked on every swing)
    if cause and _sings_on(world, player, cause, what):
        return
    for room_id in list(_sung(world)):
        for spell, enchantment in _songs_on(world, room_id):
            if int(enchantment.state.get("caster", 0)) == player.object_id:
                _end(world, room_id, spell.key, events)


def entered(world: World, player: Player, events: list[WorldEvent]) -> None:
    """A player came into a room with songs on (StartEnchantmentNewOccupant): it hears
    each playing, unless the song greets in its own way, and each touches it."""
    room_id = world.room_enchantment_target(player.room)
    if room_id not in _sung(world):
        return
    for spell, enchantment in reversed(_songs_on(world, room_id)):  # oldest first, as the room walks them
        if spell.figure("greets", 1):
            events.append(SongTold(player.room, spell.key, "song_playing", (player.object_id,)))
            events.append(SongPlayed(player.room, spell.key, (player.object_id,)))
        elif spell.text("greeting"):  # its own words instead
            events.append(SongTold(player.room, spell.key, "greeting", (player.object_id,)))
        _touch(world, spell, enchantment, player, events)


def _figure_song(world: World, room: str, figure: str) -> Enchantment | None:
    """The room's current song if it has ``figure``."""
    sung = current_song(world, room)
    return sung[1] if sung is not None and sung[0].figure(figure) else None


def rest_delay_ms(world: World, player: Player, delay_ms: int) -> int:
    """The rest timer under invigorate (GetRestTime)."""
    song = _figure_song(world, player.room, "quickens_vigor")
    return delay_ms if song is None else rules.quickened_ms(delay_ms, _power(song))


def health_delay_ms(world: World, player: Player, delay_ms: int) -> int:
    """The health timer under restorate (CalculateHealthTime)."""
    song = _figure_song(world, player.room, "quickens_health")
    return delay_ms if song is None else rules.health_delay_ms(delay_ms, _power(song))


def mana_delay_ms(world: World, player: Player, delay_ms: int) -> int:
    """The mana timer under rejuvenate (CalculateManaTime); boosted mana decays as ever."""
    if player.stats.mana > player.stats.max_mana:
        return delay_ms
    song = _figure_song(world, player.room, "quickens_mana")
    return delay_ms if song is None else rules.mana_delay_ms(delay_ms, _power(song))


def success_chance(world: World, player: Player, spell: SpellDefinition, requisite: int, power: int) -> int:
    """SuccessChance with a hinder song in the room cutting the casts of its school."""
    chance = div((100 - requisite) * power, 100) + requisite
    song = _figure_song(world, player.room, "hinders")
    if song is not None and rules.SCHOOLS.get(world.definition.spells[song.spell].figure("hinders")) == spell.school:
        roll = world.roll_for("hinder", player.object_id, spell.number)
        chance = rules.hindered_chance(chance, _power(song), roll)
    return bound(chance, 5, 95)


def trance_ms(world: World, player: Player, trance: int) -> int:
    """A trance begun where warp time is sung lasts longer (BeginCastingTrance)."""
    room_id = world.room_enchantment_target(player.room)
    if trance <= 0 or room_id not in _sung(world):
        return trance
    for spell, enchantment in _songs_on(world, room_id):
        if spell.figure("stretches"):
            return rules.stretched_ms(trance, _power(enchantment))
    return trance


def _moved_against(world: World, attacker_id: int, victim_karma: int) -> bool:
    """Whether a mood song of the attacker's room moved it, against a victim of the other side."""
    attacker = world._players.get(attacker_id)
    if attacker is None:
        return False
    room_id = world.room_enchantment_target(attacker.room)
    if room_id not in _sung(world):
        return False
    return any(
        spell.figure("mood") and attacker_id in enchantment.state.get("moved", ())
        and rules.mood_bites(spell.figure("mood"), victim_karma)
        for spell, enchantment in _songs_on(world, room_id)
    )


def offense_against(world: World, attacker_id: int, victim_karma: int) -> int:
    """A moved listener's hit bonus against the other side (the mood songs' ModifyHitRoll)."""
    return rules.MOOD_HIT_BONUS if _moved_against(world, attacker_id, victim_karma) else 0


def damage_against(world: World, attacker_id: int, victim_karma: int, roll: Roll) -> int:
    """A moved listener's extra damage against the other side (their ModifyDamage)."""
    return roll(1, rules.MOOD_DAMAGE_MAX) if _moved_against(world, attacker_id, victim_karma) else 0


#: The spell mana convergence leaves as it is (the original's anti-magic aura exception).
UNCHANGED_BY_CONVERGENCE = "antimagicaura"


def power_change(world: World, player: Player, spell: SpellDefinition, power: int) -> int:
    """GetSpellPower in a room where mana convergence is sung: the power it keeps is added
    to every spell's, within the bounds of spell power."""
    room_id = world.room_enchantment_target(player.room)
    if room_id not in _sung(world) or spell.key == UNCHANGED_BY_CONVERGENCE:
        return power
    gain = sum(_power(e) for s, e in _songs_on(world, room_id) if s.figure("raises_power"))
    return power if not gain else bound(power + gain, SPELLPOWER_MINIMUM, SPELLPOWER_MAXIMUM)


def cast_refusal(world: World, player: Player, spell: SpellDefinition, power: int) -> list[WorldEvent] | None:
    """CanCastHere: where spellbane is sung, a spell weaker than the room's song (its
    power) is stopped, and its caster told by whose song."""
    room_id = world.room_enchantment_target(player.room)
    if room_id not in _sung(world):
        return None
    sung = current_song(world, player.room)
    for bane, enchantment in _songs_on(world, room_id):
        if bane.figure("bans_weaker") and sung is not None and _power(sung[1]) > power:
            singer = int(enchantment.state.get("caster", 0))
            return [SongTold(player.room, bane.key, "stopped", (player.object_id,), singer)]
    return None


def dancing(world: World, player_id: int) -> bool:
    """Whether a jig of the player's room has it dancing (PFLAG2_DANCING)."""
    player = world._players.get(player_id)
    if player is None:
        return False
    room_id = world.room_enchantment_target(player.room)
    if room_id not in _sung(world):
        return False
    return any(player_id in e.state.get("dancers", ()) for s, e in _songs_on(world, room_id) if s.figure("dances"))


def use_refusal(world: World, player: Player, consumed: bool) -> list[WorldEvent] | None:
    """Nothing is used where a jig is sung (room.kod ReqSomethingUse, told; an item used up,
    ReqSomethingApply, silently); None elsewhere."""
    room_id = world.room_enchantment_target(player.room)
    if room_id not in _sung(world):
        return None
    for spell, _ in _songs_on(world, room_id):
        if spell.figure("dances"):
            return [] if consumed else [SongTold(player.room, spell.key, "no_use", (player.object_id,))]
    return None
