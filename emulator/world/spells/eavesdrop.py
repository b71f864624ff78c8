"""Eavesdrop (eavesdrp.kod and its listener, listener.kod): the caster hears what is said
in a room next to its own, drawn among the rooms joined to it, as long as it keeps still
and has the mana.

The enchantment (no icon: the original adds none) keeps the room and the power as its
state. :class:`Eavesdroppers` is the world's list of those listening (kept by the
enchantment's start, end and restart hooks): each world tick it drains the bearer's mana
every period (the last drain when it runs short ends it), ends it when the bearer's trance
is broken (it moved, fought, cast another spell or rested), and tells of players coming
and going in the room; :meth:`Eavesdroppers.overheard` tells what a player says or emotes
there (not yells or broadcasts, which reach everyone anyway). A bearer is told who it was
only now and then, more often at a higher power."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import attrs

from emulator.content.model import SpellDefinition
from emulator.rules.spells import hexes as rules
from emulator.world.enchantments import Effect, Enchantment, Hooks
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EAVESDROP", "EFFECTS", "Eavesdroppers"]

#: The say types a listener passes on (world.SAY and world.EMOTE).
_SAY, _EMOTE = 1, 6


@attrs.define
class _Listening:
    spell: str
    room: str
    power: int
    spot: tuple[str, int, int]  # where the bearer stood: moving breaks the trance
    last_attack_at: float | None  # a swing or another cast breaks it too
    next_drain_ms: int
    last_call: bool = False  # the mana ran short at the last drain: it ends at the next
    present: frozenset[int] = frozenset()  # the players in the room at the last tick


@attrs.define(eq=False)
class Eavesdroppers:
    """Who is listening where, for one world."""

    world: World
    bearers: dict[int, _Listening] = attrs.field(factory=dict)

    @classmethod
    def install(cls, world: World) -> Eavesdroppers:
        """The world's list, kept by the hooks of every eavesdrop spell of its definition."""
        made = cls(world)
        for spell in (world.definition.spells or {}).values():
            if spell.effect == "eavesdrop":
                world.enchantments.hooks[spell.key] = Hooks(start=made._started, end=made._ended, restart=made._started)
        return made

    def _started(self, enchantment: Enchantment, report: bool) -> None:
        player = self.world._players.get(enchantment.target_id)
        state = enchantment.state if isinstance(enchantment.state, dict) else {}
        room, power = state.get("room"), int(state.get("power", 0))
        if player is None or not isinstance(room, str) or room not in self.world.definition.rooms:
            return
        now_ms = round(self.world.game_time * 1000)
        self.bearers[player.object_id] = _Listening(
            enchantment.spell, room, power, (player.room, player.y, player.x), player.last_attack_at,
            now_ms + rules.eavesdrop_drain_ms(power), present=self._players_in(room),
        )

    def _ended(self, enchantment: Enchantment, report: bool) -> None:
        self.bearers.pop(enchantment.target_id, None)

    def _players_in(self, room: str) -> frozenset[int]:
        return frozenset(p.object_id for p in self.world.players_here(room))

    def _named(self, bearer_id: int, power: int, what: str) -> bool:
        world = self.world
        roll = world.roll_for("eavesdrop", bearer_id, what)
        return rules.eavesdrop_names(roll, power)

    def overheard(self, speaker: Player, say_type: int, text: str) -> list[WorldEvent]:
        """A player spoke: what those listening to its room hear."""
        if not self.bearers or say_type not in (_SAY, _EMOTE):
            return []
        heard: list[WorldEvent] = []
        what = "emote" if say_type == _EMOTE else "say"
        for bearer_id, listening in self.bearers.items():
            if listening.room == speaker.room and bearer_id != speaker.object_id:
                named = self._named(bearer_id, listening.power, f"{what}:{speaker.object_id}")
                heard.append(SpellTold(bearer_id, listening.spell, f"heard_name_{what}" if named else f"heard_{what}",
                                       speaker.object_id if named else 0, words=text))
        return heard

    def run(self, events: list[WorldEvent]) -> None:
        """One world tick: trances broken, mana drained, comings and goings told."""
        world = self.world
        now_ms = round(world.game_time * 1000)
        for bearer_id, listening in list(self.bearers.items()):
            player = world._players.get(bearer_id)
            if player is None:  # logged off: its enchantment left with it, the restart puts it back
                del self.bearers[bearer_id]
                continue
            if ((player.room, player.y, player.x) != listening.spot or player.last_attack_at != listening.last_attack_at
                    or player.resting):
                events += world.disenchant(bearer_id, listening.spell)  # BreakTrance
                continue
            if now_ms >= listening.next_drain_ms:
                if listening.last_call:
                    events += world.disenchant(bearer_id, listening.spell)
                    continue
                drain = world.definition.spells[listening.spell].figure("mana_drain", 1)
                listening.last_call = player.stats.mana < drain * 2
                player.stats.mana = max(0, player.stats.mana - drain)
                listening.next_drain_ms = now_ms + rules.eavesdrop_drain_ms(listening.power)
                events.append(VitalsChanged(bearer_id))
            present = self._players_in(listening.room)
            if present != listening.present:
                for purpose, who in (("enter", present - listening.present), ("leave", listening.present - present)):
                    for other in sorted(who):
                        named = self._named(bearer_id, listening.power, f"{purpose}:{other}")
                        events.append(SpellTold(bearer_id, listening.spell,
                                                f"heard_name_{purpose}" if named else f"heard_{purpose}", other if named else 0))
                listening.present = present


class _Eavesdrop:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if not world._rooms[caster.room].neighbours:  # GetYellList: no room to listen to
            return "no_rooms", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        rooms = world._rooms[caster.room].neighbours
        if not rooms:
            return
        rng = random.Random(f"{world.seed}:eavesdrop:{world.tick_count}:{caster.object_id}")
        room = rooms[rng.randrange(len(rooms))]
        started = world.enchant(caster.object_id, spell.key, None, Effect(shown=False), state={"room": room, "power": power},
                                caster_id=caster.object_id)
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        events += started.events


EAVESDROP = _Eavesdrop()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"eavesdrop": EAVESDROP}
