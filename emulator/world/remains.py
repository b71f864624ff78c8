"""What killed monsters leave in rooms: their bodies and their treasure on the ground.

Facts from the original (monster.kod Killed, CreateDeadBody, CreateTreasure; body.kod;
trestype.kod GenerateTreasure; room.kod NewHold and DisposeTimer), not its code:

* A killed monster whose kind has a dead icon leaves a body on its square, facing its
  way, shown with the kind's dead name, dead icon and dead drawing effect; the body
  decomposes (leaves the room) after the rules' corpse time.
* Its treasure type then makes the rules' number of items, each chosen by the rules
  from the table; money gets the rules' amount on top of its own number. They are put on
  the monster's square; a number item joins a pile of its kind already on that square
  (the room sees it change). The piles of one death are counted together first, so the
  room sees each new pile once, at its size.
* A room tidies up on its dispose timer: with nobody in it every ground item goes; with
  players in it, only when it holds more than five passive objects, the oldest fifth of
  them (bodies and fixtures stay). The original's timer runs in every room from the
  start; here a room's firings are fixed points of game time (a phase per room, a jitter
  per firing, both from the seed), looked at only while the room holds ground items.

Work is proportional to the remains whose timers are due, never to the whole world.
Randomness comes from the caller's generator (seeded by the world from stable facts).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from emulator.content.model import ObjectKind, WorldDefinition, square_centre, square_of
from emulator.rules.combat import monster_treasure_count
from emulator.rules.dice import Roll, roll_with
from emulator.rules.treasure import (
    MONSTER_CORPSE_DECAY_MS,
    ROOM_DISPOSE_MS,
    choose_treasure,
    disposed_when_crowded,
    money_drop_added,
    normalized_weights,
    room_dispose_delay_ms,
)
from emulator.world.events import ObjectChanged, ObjectEntered, ObjectLeft, WorldEvent
from emulator.world.objects import Thing

__all__ = ["FIRST_REMAINS_ID", "LAST_REMAINS_ID", "Corpse", "GroundItem", "Remains", "is_money"]

FIRST_REMAINS_ID = 0x0040_0000  # below the monsters' range, far above rooms and placed objects
LAST_REMAINS_ID = 0x007F_FFFF
ANGLES = 4096
ITEMTYPE_MONEY = 0x2000  # the original's item type bit of money (blakston.khd)
ONE_TREASURE = "one_treasure"  # the npc flag of monsters that drop a single item

#: How the world tells the remains about a room: are players in it, how many fixtures
#: (placed passive objects, older than any remains) does it hold.
PlayersPresent = Callable[[str], bool]
FixturesIn = Callable[[str], int]


@attrs.define(eq=False)
class Corpse(Thing):
    """A killed monster's body; ``kind`` is the monster's kind (its dead look)."""

    decays_at_ms: int = 0  # game time


@attrs.define(eq=False)
class GroundItem(Thing):
    """An item lying in a room; ``number`` is a number item's count (None: a single item)."""

    number: int | None = None


Remain = Corpse | GroundItem


def _piled(made: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """One death's number items of a kind counted together (they would join one pile on
    its square anyway): the room sees the pile once, at its size, rather than changing."""
    piles: dict[str, int] = {}
    result: list[tuple[str, int | None]] = []
    for kind, number in made:
        if number is None:
            result.append((kind, None))
        elif kind in piles:
            result[piles[kind]] = (kind, (result[piles[kind]][1] or 0) + number)
        else:
            piles[kind] = len(result)
            result.append((kind, number))
    return result


def is_money(kind: ObjectKind) -> bool:
    item = kind.item
    return item is not None and bool((item.get("item_type") or 0) & ITEMTYPE_MONEY)


class Remains:
    """Every body and ground item of the world, by room in arrival order."""

    def __init__(self, definition: WorldDefinition, seed: int) -> None:
        self.definition = definition
        self.seed = seed
        self.by_id: dict[int, Remain] = {}
        self.rooms: dict[str, dict[int, Remain]] = {}
        self.next_serial = 0
        self._decay: list[tuple[int, int]] = []  # (due ms, id), a heap; stale entries skipped
        self._dispose_due: dict[str, int] = {}  # rooms holding ground items: next firing (ms)
        self._dispose_order: list[tuple[int, str]] = []  # the same as a heap; stale entries skipped

    # ------------------------------------------------------------------ queries

    def in_room(self, room: str) -> list[Remain]:
        return list(self.rooms.get(room, {}).values())

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Remain]:
        return iter(self.by_id.values())

    # ------------------------------------------------------------------ a death

    def monster_died(
        self, kind_key: str, level: int, difficulty: int, room: str, y: int, x: int, angle: int,
        now_ms: int, rng: random.Random, events: list[WorldEvent],
    ) -> int | None:
        """The body (if the kind has a dead icon), then the treasure, on the monster's
        square; returns the body's id (None without one)."""
        kind = self.definition.kinds.get(kind_key)
        info = kind.monster if kind is not None else None
        if info is None:
            return None
        y, x = square_centre(*square_of(y, x))
        corpse_id = None
        if info.dead_icon:
            corpse = Corpse(self._fresh_id(), kind_key, room, y, x, angle % ANGLES, decays_at_ms=now_ms + MONSTER_CORPSE_DECAY_MS)
            self._add(corpse)
            events.append(ObjectEntered(room, corpse.object_id))
            corpse_id = corpse.object_id
        roll = roll_with(rng)
        made = self.treasure(info.treasure, level, difficulty, ONE_TREASURE in info.npc_flags, roll)
        for item_kind, number in _piled(made):
            self.drop(item_kind, number, room, y, x, now_ms, events)
        return corpse_id

    def treasure(self, table_key: str, level: int, difficulty: int, one_treasure: bool, roll: Roll) -> list[tuple[str, int | None]]:
        """The items a treasure type makes for a monster: (item kind, number or None)."""
        table = self.definition.treasure.get(table_key)
        if table is None or not table.items:
            return []
        weights = normalized_weights([entry.weight for entry in table.items])
        made: list[tuple[str, int | None]] = []
        for _ in range(monster_treasure_count(level, difficulty, roll, one_treasure=one_treasure)):
            index = choose_treasure(weights, roll)
            if index is None:
                continue  # unreachable with normalized weights (they add up to 100)
            key = table.items[index].kind
            kind = self.definition.kinds[key]
            number = None
            if kind.item is not None and kind.item.stacks:
                number = kind.item.get("number") or 1
                if is_money(kind):
                    number += money_drop_added(level, roll)
            made.append((key, number))
        return made

    def drop(self, kind: str, number: int | None, room: str, y: int, x: int, now_ms: int, events: list[WorldEvent]) -> None:
        """An item onto a square: a number item joins a pile of its kind there (room.kod NewHold)."""
        if number is not None:
            for other in self.rooms.get(room, {}).values():
                if isinstance(other, GroundItem) and other.kind == kind and other.number is not None \
                        and square_of(other.y, other.x) == square_of(y, x):
                    other.number += number
                    events.append(ObjectChanged(room, other.object_id))
                    return
        item = GroundItem(self._fresh_id(), kind, room, y, x, 0, number=number)
        self._add(item)
        self._arm_dispose(room, now_ms)
        events.append(ObjectEntered(room, item.object_id))

    # ------------------------------------------------------------------ time

    def run(self, now_ms: int, players_present: PlayersPresent, fixtures_in: FixturesIn, events: list[WorldEvent]) -> None:
        """Bodies whose time is up decompose; rooms whose dispose timer fired tidy up."""
        while self._decay and self._decay[0][0] <= now_ms:
            due, object_id = heapq.heappop(self._decay)
            corpse = self.by_id.get(object_id)
            if isinstance(corpse, Corpse) and corpse.decays_at_ms == due:
                self._remove(corpse, events)
        while self._dispose_order and self._dispose_order[0][0] <= now_ms:
            due, room = heapq.heappop(self._dispose_order)
            if self._dispose_due.get(room) != due:
                continue
            del self._dispose_due[room]
            self._dispose(room, players_present(room), fixtures_in(room), events)
            if any(isinstance(r, GroundItem) for r in self.rooms.get(room, {}).values()):
                self._arm_dispose(room, now_ms)

    def _dispose(self, room: str, players: bool, fixtures: int, events: list[WorldEvent]) -> None:
        held = list(self.rooms.get(room, {}).values())  # oldest first
        if not players:
            offered = held
        else:
            count = disposed_when_crowded(fixtures + len(held))
            offered = held[: max(0, count - fixtures)]  # the fixtures are the oldest of all
        for remain in offered:
            if isinstance(remain, GroundItem):
                self._remove(remain, events)

    def _next_dispose(self, room: str, after_ms: int) -> int:
        """The room's first dispose firing after ``after_ms``: its phase plus whole periods,
        each firing moved by its own jitter."""
        phase = random.Random(f"{self.seed}:dispose:{room}").randrange(ROOM_DISPOSE_MS)
        period = max(0, (after_ms - phase) // ROOM_DISPOSE_MS)
        while True:
            jitter = room_dispose_delay_ms(roll_with(random.Random(f"{self.seed}:dispose:{room}:{period}"))) - ROOM_DISPOSE_MS
            due = phase + period * ROOM_DISPOSE_MS + jitter
            if due > after_ms:
                return due
            period += 1

    # ------------------------------------------------------------------ bookkeeping

    def _fresh_id(self) -> int:
        """The next id in the remains' range, wrapping round past ones still lying about."""
        span = LAST_REMAINS_ID - FIRST_REMAINS_ID + 1
        for _ in range(span):
            object_id = FIRST_REMAINS_ID + self.next_serial % span
            self.next_serial = (self.next_serial + 1) % span
            if object_id not in self.by_id:
                return object_id
        raise OverflowError("no free id for remains")

    def _add(self, remain: Remain) -> None:
        self.by_id[remain.object_id] = remain
        self.rooms.setdefault(remain.room, {})[remain.object_id] = remain
        if isinstance(remain, Corpse):
            heapq.heappush(self._decay, (remain.decays_at_ms, remain.object_id))

    def _arm_dispose(self, room: str, now_ms: int) -> None:
        if room not in self._dispose_due:
            due = self._dispose_due[room] = self._next_dispose(room, now_ms)
            heapq.heappush(self._dispose_order, (due, room))

    def _remove(self, remain: Remain, events: list[WorldEvent]) -> None:
        del self.by_id[remain.object_id]
        held = self.rooms[remain.room]
        del held[remain.object_id]
        if not held:
            del self.rooms[remain.room]
        events.append(ObjectLeft(remain.room, remain.object_id))

    # ------------------------------------------------------------------ persistence

    def snapshot(self, now_ms: int) -> dict[str, Any]:
        """Every remain in arrival order, bodies with the time they have left."""
        entries = []
        for remains in self.rooms.values():
            for remain in remains.values():
                entry: dict[str, Any] = {
                    "id": remain.object_id, "kind": remain.kind, "room": remain.room,
                    "y": remain.y, "x": remain.x, "angle": remain.angle,
                }
                if isinstance(remain, Corpse):
                    entry["decays_in_ms"] = max(0, remain.decays_at_ms - now_ms)
                else:
                    entry["number"] = remain.number
                entries.append(entry)
        return {"next_serial": self.next_serial, "objects": entries}

    def restore(self, saved: Mapping[str, Any] | None, now_ms: int, room_size: Callable[[str], tuple[int, int] | None]) -> None:
        """Take back saved remains that still make sense (kind, room, square, id); None
        (a snapshot from before remains were kept) leaves the world without any."""
        self.by_id.clear()
        self.rooms.clear()
        self._decay.clear()
        self._dispose_due.clear()
        self._dispose_order.clear()
        if saved is None:
            return
        self.next_serial = int(saved["next_serial"]) % (LAST_REMAINS_ID - FIRST_REMAINS_ID + 1)
        for entry in saved["objects"]:
            remain = self._restored(entry, now_ms, room_size)
            if remain is not None and remain.object_id not in self.by_id:
                self._add(remain)
                if isinstance(remain, GroundItem):
                    self._arm_dispose(remain.room, now_ms)

    def _restored(self, entry: Mapping[str, Any], now_ms: int, room_size: Callable[[str], tuple[int, int] | None]) -> Remain | None:
        object_id, kind_key, room = int(entry["id"]), entry["kind"], entry["room"]
        kind = self.definition.kinds.get(kind_key) if isinstance(kind_key, str) else None
        size = room_size(room) if isinstance(room, str) else None
        if kind is None or size is None or not FIRST_REMAINS_ID <= object_id <= LAST_REMAINS_ID:
            return None
        y, x, angle = int(entry["y"]), int(entry["x"]), int(entry["angle"]) % ANGLES
        row, col = square_of(y, x)
        if not (1 <= row <= size[0] and 1 <= col <= size[1]):
            return None
        if "decays_in_ms" in entry:
            if kind.monster is None or not kind.monster.dead_icon:
                return None
            return Corpse(object_id, kind_key, room, y, x, angle, decays_at_ms=now_ms + max(0, int(entry["decays_in_ms"])))
        number = entry.get("number")
        stacks = kind.item is not None and kind.item.stacks
        if stacks != (number is not None):
            return None  # the kind changed between counted and single since
        return GroundItem(object_id, kind_key, room, y, x, angle, number=None if number is None else max(1, int(number)))
