"""Items with identities: every item of the world, where it is, and the operations that
move, split, join, create and destroy them, each whole or not at all.

An item has a stable id (also its object id on the wire), a kind, a number when its kind
is counted (number items: money, reagents...), and one place: the ground of a room (a
fine position, its arrival time for tidying) or carried by a character (in inventory
order). Containers are left out: in the original only active objects hold things (chests,
vaults, the player), never an item a player carries.

Rules from the original (user.kod UserGet, UserDrop, UserMoveInventoryItem; holder.kod
ReqNewHold, CanHoldWeightAndBulk, NewHold; numbitem.kod GetWeight, GetBulk,
GetNumberCanHold; player.kod GetWeightMax, GetBulkMax; item.kod defaults), not its code:

* picking up needs the item on the ground of the player's room within 7 squares
  (rows plus columns); the player's carried weight and bulk may not pass its capacity
  (1700 + 20 x might, each); a number item is taken whole or, when a number is asked
  for or the whole does not fit, as much as asked and fits (the rest stays);
* dropping needs the item carried; a number item drops the number asked (more than 0,
  not more than carried); it lands on the player's square;
* a number item joins one of its kind: on the ground on the same square, when carried
  anywhere in the inventory;
* an item's weight and bulk are its kind's (10 each when the kind does not say); a
  number item's are per unit, a negative figure per hundred units.

Every operation records what it changed (the items' rows, the ledger's entries) as one
:class:`Operation` for the store, which writes whole operations only.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

import attrs

from emulator.content.model import WorldDefinition, square_of
from emulator.world.events import (
    CarriedChanged, CarriedGained, CarriedLost, ItemUnused, ItemUsed, ObjectChanged, ObjectEntered, ObjectLeft,
    WorldEvent,
)
from emulator.world.ledger import Ledger, LedgerEntry
from emulator.world.objects import Thing

__all__ = [
    "FIRST_ITEM_ID", "LAST_ITEM_ID", "Item", "ItemRefusal", "ItemRow", "Items", "Operation", "Usage",
]

FIRST_ITEM_ID = 0x0200_0000  # above players (0x0100_0000 + character id)
LAST_ITEM_ID = 0x0FFF_FFFF  # ids are 28 bits on the wire
DEFAULT_WEIGHT = 10  # item.kod viWeight
DEFAULT_BULK = 10  # item.kod viBulk
CAPACITY_BASE = 1700  # player.kod viWeight_hold_max, viBulk_hold_max
CAPACITY_PER_MIGHT = 20
REACH_SQUARES = 7  # rows plus columns between player and item (user.kod UserGet)

#: How the world tells the items a room's size (rows, columns); None: no such room.
RoomSize = Callable[[str], "tuple[int, int] | None"]


class ItemRefusal(enum.Enum):
    """Why an item operation did nothing (the player is told)."""

    GONE = "gone"  # not (any longer) where the player can take it
    TOO_FAR = "too_far"
    TOO_HEAVY = "too_heavy"  # nothing of it fits
    TOO_MANY = "too_many"  # more asked than the pile holds
    NOT_CARRIED = "not_carried"
    BAD_NUMBER = "bad_number"  # zero or less, asked to pick up
    BAD_DROP_NUMBER = "bad_drop_number"  # zero or less, asked to drop
    NOT_ENOUGH = "not_enough"  # more asked than carried
    PARTLY = "partly"  # not a refusal: only part of a pile was taken, the rest does not fit
    CANNOT_USE = "cannot_use"  # the kind has no figures to wield or wear it by
    CANNOT_APPLY = "cannot_apply"  # applied to something it does nothing to, or not applicable at all
    NOT_YET = "not_yet"  # its effect is a spell or other code, not modelled yet
    TOO_FULL = "too_full"  # food that does not fit the stomach
    TOO_FULL_DRINK = "too_full_drink"  # the same for a drink


@attrs.define(eq=False)
class Item(Thing):
    """``room``, ``y``, ``x`` are meaningful on the ground only (``carrier`` None)."""

    number: int | None = None  # a number item's count; None: a single item
    carrier: int | None = None  # the character carrying it
    slot: int = 0  # inventory order (ascending) while carried
    arrived_ms: int = 0  # game time it came to the ground: the oldest are tidied first
    used: bool = False  # wielded or worn by its carrier (never on the ground)

    @property
    def units(self) -> int:
        """What the ledger counts of it."""
        return 1 if self.number is None else self.number


#: blakston.khd ITEM_USE_* places on the body an item is used in; the hands hold two
#: (player.kod's slot count), every other place one.
USE_PLACES = 0x1FF8
USE_HAND = 0x0008
HANDS = 2
ITEMTYPE_WEAPON = 0x01
ITEMTYPE_ARMOR = 0x02


@attrs.frozen
class Usage:
    """How an item kind is used: the places it takes, how many hands, whether a weapon."""

    places: int
    amount: int
    weapon: bool

    def conflicts(self, other: Usage) -> bool:
        """Whether ``other``, in use, must come off before this is used: one weapon at a
        time; a shared place other than the hands; more than two hands in all."""
        if self.weapon and other.weapon:
            return True
        if self.places & other.places & ~USE_HAND:
            return True
        return bool(self.places & other.places & USE_HAND) and self.amount + other.amount > HANDS


@attrs.frozen
class ItemRow:
    """An item as the store keeps it."""

    id: int
    kind: str
    number: int | None
    room: str | None
    y: int
    x: int
    angle: int
    carrier: int | None
    slot: int
    arrived_ms: int
    used: bool = False  # carried only: wielded or worn


@attrs.frozen
class Operation:
    """One whole change for the store: rows to write (None: delete) and ledger entries.
    ``seq`` numbers operations in the order they happened, across restarts: the store
    applies each once, even when a write whose answer was lost is sent again."""

    seq: int
    rows: tuple[tuple[int, ItemRow | None], ...]
    ledger: tuple[LedgerEntry, ...] = ()


def row_of(item: Item) -> ItemRow:
    on_ground = item.carrier is None
    return ItemRow(
        item.object_id, item.kind or "", item.number, item.room if on_ground else None,
        item.y if on_ground else 0, item.x if on_ground else 0, item.angle if on_ground else 0,
        item.carrier, item.slot, item.arrived_ms, item.used and not on_ground,
    )


class _Change:
    """Collects what one operation touches, to record it once at the end."""

    def __init__(self) -> None:
        self.touched: dict[int, Item | None] = {}
        self.ledger: list[LedgerEntry] = []


class Items:
    def __init__(self, definition: WorldDefinition) -> None:
        self.definition = definition
        self.by_id: dict[int, Item] = {}
        self._ground: dict[str, dict[int, Item]] = {}  # by room, in arrival order
        self._carried: dict[int, dict[int, Item]] = {}  # by character, in slot order
        self.ledger = Ledger()
        self.next_id = FIRST_ITEM_ID
        self.pending: list[Operation] = []  # not yet in the store, oldest first
        self.next_seq = 1

    # ------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Item]:
        return iter(self.by_id.values())

    def on_ground(self, room: str) -> list[Item]:
        return list(self._ground.get(room, {}).values())

    def ground_rooms(self) -> list[str]:
        return list(self._ground)

    def carried(self, character_id: int) -> list[Item]:
        """What a character carries, in inventory order."""
        return list(self._carried.get(character_id, {}).values())

    def existing_units(self) -> dict[str, int]:
        units: dict[str, int] = {}
        for item in self.by_id.values():
            units[item.kind or ""] = units.get(item.kind or "", 0) + item.units
        return units

    def stacks(self, kind: str) -> bool:
        found = self.definition.kinds.get(kind)
        return found is not None and found.item is not None and found.item.stacks

    def weight_and_bulk(self, kind: str, number: int | None) -> tuple[int, int]:
        found = self.definition.kinds.get(kind)
        info = found.item if found is not None else None
        figures = []
        for name, default in (("weight", DEFAULT_WEIGHT), ("bulk", DEFAULT_BULK)):
            value = info.get(name) if info is not None else None
            value = default if value is None else value
            if number is None:
                figures.append(value)
            elif value < 0:
                figures.append(-value * number // 100)
            else:
                figures.append(value * number)
        return figures[0], figures[1]

    def usage(self, kind: str) -> Usage | None:
        """How a kind is wielded or worn, from its imported figures (weapon.kod, defmod.kod:
        a use place and either a weapon class or armour figures); None: it cannot be."""
        found = self.definition.kinds.get(kind)
        info = found.item if found is not None else None
        if info is None or info.stacks:
            return None
        places = (info.get("use_type") or 0) & USE_PLACES
        item_type = info.get("item_type") or 0
        weapon = info.get("weapon_type") is not None or bool(item_type & ITEMTYPE_WEAPON)
        armour = bool(item_type & ITEMTYPE_ARMOR) or info.get("defense") is not None or info.get("damage_reduce") is not None
        if not places or not (weapon or armour):
            return None
        return Usage(places, max(1, info.get("use_amount") or 1), weapon)

    def used(self, character_id: int) -> list[Item]:
        """What a character wields and wears, in inventory order."""
        return [item for item in self._carried.get(character_id, {}).values() if item.used]

    def load_of(self, character_id: int) -> tuple[int, int]:
        """The carried weight and bulk (player.kod RecalcBulkAndWeight)."""
        weight = bulk = 0
        for item in self._carried.get(character_id, {}).values():
            w, b = self.weight_and_bulk(item.kind or "", item.number)
            weight, bulk = weight + w, bulk + b
        return weight, bulk

    @staticmethod
    def capacity(might: int) -> int:
        """Both the weight and the bulk a player may carry (player.kod GetWeightMax, GetBulkMax)."""
        return CAPACITY_BASE + might * CAPACITY_PER_MIGHT

    # ------------------------------------------------------------------ operations

    def create_on_ground(
        self, kind: str, number: int | None, room: str, y: int, x: int, now_ms: int, reason: str,
        events: list[WorldEvent],
    ) -> Item:
        """A new item onto a square (recorded as created); a number item joins a pile of
        its kind there (room.kod NewHold)."""
        if self.stacks(kind) != (number is not None) or (number is not None and number <= 0):
            raise ValueError(f"{kind!r} cannot be made with number {number!r}")
        change = _Change()
        units = 1 if number is None else number
        change.ledger.append(LedgerEntry(kind, created=units, reason=reason))
        item = self._to_ground(change, kind, number, room, y, x, now_ms, events)
        self._record(change)
        return item

    def destroy(self, item_id: int, reason: str, events: list[WorldEvent]) -> bool:
        """The item is gone (recorded as destroyed)."""
        item = self.by_id.get(item_id)
        if item is None:
            return False
        change = _Change()
        change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
        self._unplace(change, item, events, player_id=None)
        self._record(change)
        return True

    def destroy_carried(self, character_id: int, reason: str) -> int:
        """Everything a character carries is gone, in one operation (its character was
        deleted); how many items."""
        held = self.carried(character_id)
        if not held:
            return 0
        change = _Change()
        for item in held:
            change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
            self._unplace(change, item, [], player_id=None)
        self._record(change)
        return len(held)

    def pick_up(
        self, character_id: int, player_id: int, item_id: int, number: int | None,
        room: str, y: int, x: int, might: int, events: list[WorldEvent],
    ) -> tuple[ItemRefusal | None, bool]:
        """Take an item from the ground; (refusal, whether only part of a pile was taken
        because the rest does not fit)."""
        item = self.by_id.get(item_id)
        if item is None or item.carrier is not None or item.room != room:
            return ItemRefusal.GONE, False
        row, col = square_of(y, x)
        i_row, i_col = square_of(item.y, item.x)
        if abs(row - i_row) + abs(col - i_col) > REACH_SQUARES:
            return ItemRefusal.TOO_FAR, False
        kind = item.kind or ""
        weight, bulk = self.load_of(character_id)
        room_left = self.capacity(might)
        if item.number is None:
            w, b = self.weight_and_bulk(kind, None)
            if not _fits(weight, bulk, w, b, room_left):
                return ItemRefusal.TOO_HEAVY, False
            change = _Change()
            self._unplace(change, item, events, player_id=None)
            self._to_carrier(change, item, character_id, player_id, events)
            self._record(change)
            return None, False
        wanted = item.number if number is None else number
        if wanted <= 0:
            return ItemRefusal.BAD_NUMBER, False
        if wanted > item.number:
            return ItemRefusal.TOO_MANY, False
        taken = min(wanted, self._number_fitting(kind, weight, bulk, room_left))
        if taken <= 0:
            return ItemRefusal.TOO_HEAVY, False
        change = _Change()
        if taken == item.number:
            self._unplace(change, item, events, player_id=None)
            self._to_carrier(change, item, character_id, player_id, events)
        else:
            split = self._new_item(kind, taken)  # first: running out of ids changes nothing
            item.number -= taken
            change.touched[item.object_id] = item
            events.append(ObjectChanged(item.room, item.object_id))
            self._to_carrier(change, split, character_id, player_id, events)
        self._record(change)
        return None, taken < wanted

    def drop(
        self, character_id: int, player_id: int, item_id: int, number: int | None,
        room: str, y: int, x: int, now_ms: int, events: list[WorldEvent],
    ) -> ItemRefusal | None:
        """Put a carried item (or part of a pile) down on the player's square."""
        item = self.by_id.get(item_id)
        if item is None or item.carrier != character_id:
            return ItemRefusal.NOT_CARRIED
        change = _Change()
        if item.used:  # a used item comes off before it leaves the hands (user.kod UserDrop)
            self._set_used(change, item, False, player_id, events)
        if item.number is None or number is None or number == item.number:
            self._unplace(change, item, events, player_id=player_id)
            self._put_on_ground(change, item, room, y, x, now_ms, events)
        else:
            if number <= 0:
                return ItemRefusal.BAD_DROP_NUMBER
            if number > item.number:
                return ItemRefusal.NOT_ENOUGH
            if self.next_id > LAST_ITEM_ID:
                raise OverflowError("no free id for items")  # before anything changed
            item.number -= number
            change.touched[item.object_id] = item
            events.append(CarriedChanged(player_id, item.object_id))
            self._to_ground(change, item.kind or "", number, room, y, x, now_ms, events)
        self._record(change)
        return None

    def use(self, character_id: int, player_id: int, item_id: int, events: list[WorldEvent]) -> ItemRefusal | None:
        """Wield or wear a carried item; whatever it conflicts with comes off first (the
        original's slots: a new weapon replaces the old), all in one operation."""
        item = self.by_id.get(item_id)
        if item is None or item.carrier != character_id:
            return ItemRefusal.NOT_CARRIED
        usage = self.usage(item.kind or "")
        if usage is None:
            return ItemRefusal.CANNOT_USE
        if item.used:
            return None
        change = _Change()
        for other in self.used(character_id):
            other_usage = self.usage(other.kind or "")
            if other_usage is None or usage.conflicts(other_usage):
                self._set_used(change, other, False, player_id, events)
        self._set_used(change, item, True, player_id, events)
        self._record(change)
        return None

    def unuse(self, character_id: int, player_id: int, item_id: int, events: list[WorldEvent]) -> ItemRefusal | None:
        """Take off (or put away) a used item; an item not in use is left as it is."""
        item = self.by_id.get(item_id)
        if item is None or item.carrier != character_id:
            return ItemRefusal.NOT_CARRIED
        if item.used:
            change = _Change()
            self._set_used(change, item, False, player_id, events)
            self._record(change)
        return None

    def consume(self, character_id: int, player_id: int, item_id: int, reason: str, events: list[WorldEvent]) -> bool:
        """One of a carried item is used up (eaten, drunk): a number item loses one, any
        other item is gone; recorded as one unit destroyed, in one operation. False,
        changing nothing, when the character does not carry it."""
        item = self.by_id.get(item_id)
        if item is None or item.carrier != character_id:
            return False
        change = _Change()
        change.ledger.append(LedgerEntry(item.kind or "", destroyed=1, reason=reason))
        if item.number is not None and item.number > 1:
            item.number -= 1
            change.touched[item.object_id] = item
            events.append(CarriedChanged(player_id, item.object_id))
        else:
            if item.used:
                self._set_used(change, item, False, player_id, events)
            self._unplace(change, item, events, player_id=player_id)
        self._record(change)
        return True

    def drop_on_death(
        self, character_id: int, player_id: int, room: str, y: int, x: int, now_ms: int, kept: Callable[[str], bool],
        events: list[WorldEvent],
    ) -> list[Item]:
        """Everything a dying character carries falls on (y, x), but the kinds ``kept``
        answers True for (player.kod Killed: each item whose DropOnDeath allows it, used
        ones taken off first), in one operation; number items stay piles of their own
        (NewHold without merging). Moving only: the ledger does not change. What fell."""
        fallen = [item for item in self.carried(character_id) if not kept(item.kind or "")]
        if not fallen:
            return []
        change = _Change()
        for item in fallen:
            if item.used:
                self._set_used(change, item, False, player_id, events)
            self._unplace(change, item, events, player_id=player_id)
            self._put_on_ground(change, item, room, y, x, now_ms, events, join=False)
        self._record(change)
        return fallen

    def money_of(self, character_id: int, money_kinds: Collection[str]) -> int:
        """The shillings a character carries (its piles of money kinds)."""
        return sum(item.units for item in self.carried(character_id) if item.kind in money_kinds)

    def buy(
        self, character_id: int, player_id: int, bought: Iterable[tuple[str, int | None]], price: int,
        money_kinds: Collection[str], reason: str, events: list[WorldEvent],
    ) -> bool:
        """Pay ``price`` from carried money and make the ``bought`` items (kind, number) in
        the inventory, as one operation: the money paid is recorded destroyed, the items
        created (a shop's wares come from nowhere and the shillings go nowhere, as in the
        original). False, changing nothing, when the money is short. Capacity is the
        caller's check (the rules refuse line by line)."""
        wares = list(bought)
        for kind, number in wares:
            if self.stacks(kind) != (number is not None) or (number is not None and number <= 0):
                raise ValueError(f"{kind!r} cannot be made with number {number!r}")
        piles = [item for item in self.carried(character_id) if item.kind in money_kinds]
        if price < 0 or sum(item.units for item in piles) < price:
            return False
        if self.next_id + len(wares) - 1 > LAST_ITEM_ID:
            raise OverflowError("no free id for items")  # before anything changed
        change = _Change()
        left = price
        for pile in piles:
            if left == 0:
                break
            taken = min(left, pile.units)
            left -= taken
            change.ledger.append(LedgerEntry(pile.kind or "", destroyed=taken, reason=reason))
            if pile.number is None or taken == pile.number:
                self._unplace(change, pile, events, player_id=player_id)
            else:
                pile.number -= taken
                change.touched[pile.object_id] = pile
                events.append(CarriedChanged(player_id, pile.object_id))
        for kind, number in wares:
            change.ledger.append(LedgerEntry(kind, created=1 if number is None else number, reason=reason))
            self._to_carrier(change, self._new_item(kind, number), character_id, player_id, events)
        self._record(change)
        return True

    def reorder(self, character_id: int, item_id: int, before_id: int) -> bool:
        """Move a carried item to just before another (the client's drag in the inventory)."""
        held = self._carried.get(character_id)
        if held is None or item_id not in held or before_id not in held or item_id == before_id:
            return False
        order = [i for i in held if i != item_id]
        order.insert(order.index(before_id), item_id)
        return self._renumber(character_id, order)

    def reorder_by_index(self, character_id: int, payload: int, target: int) -> bool:
        """The same by positions, as the original counts them (user.kod
        UserMoveInventoryItem): the item at ``payload`` (from 1) goes just before the one at
        ``target``; a target one past the last puts it last."""
        held = self._carried.get(character_id)
        if held is None or not (1 <= payload <= len(held)) or not (1 <= target <= len(held) + 1) or payload == target:
            return False
        order = list(held)
        if target == len(held) + 1:
            moved = order.pop(payload - 1)
            return self._renumber(character_id, [*order, moved])
        return self.reorder(character_id, order[payload - 1], order[target - 1])

    # ------------------------------------------------------------------ persistence

    def take_operations(self, limit: int) -> list[Operation]:
        taken, self.pending = self.pending[:limit], self.pending[limit:]
        return taken

    def give_back(self, operations: list[Operation]) -> None:
        """Operations the store did not take: first in line again."""
        self.pending[:0] = operations

    def load(
        self, rows: Iterable[ItemRow], totals: Mapping[str, tuple[int, int]], room_size: RoomSize,
        characters: Collection[int] | None = None, last_seq: int = 0,
    ) -> None:
        """Take the store's items and ledger (before any player enters). An item whose kind
        or place no longer makes sense, or (given the ``characters`` that exist) whose
        carrier was deleted, is destroyed, recorded as such."""
        self.by_id.clear()
        self._ground.clear()
        self._carried.clear()
        self.ledger = Ledger(dict(totals))
        self.pending.clear()
        self.next_seq = last_seq + 1
        gone: list[tuple[ItemRow, str]] = []
        for row in sorted(rows, key=lambda r: (r.carrier is not None, r.arrived_ms, r.slot, r.id)):
            self.next_id = max(self.next_id, row.id + 1)
            item = Item(row.id, row.kind, row.room or "", row.y, row.x, row.angle, number=row.number,
                        carrier=row.carrier, slot=row.slot, arrived_ms=row.arrived_ms,
                        used=row.used and row.carrier is not None)
            if not self._loadable(row, room_size) or row.id in self.by_id:
                gone.append((row, "content gone"))
                continue
            if row.carrier is not None and characters is not None and row.carrier not in characters:
                gone.append((row, "owner gone"))
                continue
            self.by_id[row.id] = item
            if row.carrier is None:
                self._ground.setdefault(item.room, {})[item.object_id] = item
            else:
                self._carried.setdefault(row.carrier, {})[item.object_id] = item
        for held in list(self._carried):
            self._carried[held] = dict(sorted(self._carried[held].items(), key=lambda pair: (pair[1].slot, pair[0])))
        for row, reason in gone:
            units = 1 if row.number is None else max(0, row.number)
            self.ledger.add(entry := LedgerEntry(row.kind, destroyed=units, reason=reason))
            self._append(((row.id, None),), (entry,))

    def _loadable(self, row: ItemRow, room_size: RoomSize) -> bool:
        if not FIRST_ITEM_ID <= row.id <= LAST_ITEM_ID or row.kind not in self.definition.kinds:
            return False
        if self.stacks(row.kind) != (row.number is not None) or (row.number is not None and row.number <= 0):
            return False
        if row.carrier is not None:
            return True
        size = room_size(row.room) if row.room is not None else None
        if size is None:
            return False
        r, c = square_of(row.y, row.x)
        return 1 <= r <= size[0] and 1 <= c <= size[1]

    # ------------------------------------------------------------------ helpers

    def _new_item(self, kind: str, number: int | None) -> Item:
        if self.next_id > LAST_ITEM_ID:
            raise OverflowError("no free id for items")
        item = Item(self.next_id, kind, "", 0, 0, 0, number=number)
        self.next_id += 1
        return item

    def _number_fitting(self, kind: str, weight: int, bulk: int, capacity: int) -> int:
        """How many units of a number item fit (numbitem.kod GetNumberCanHold)."""
        w, b = self.weight_and_bulk(kind, 100)  # per hundred: exact for per-unit and per-hundred figures
        fitting = []
        for per_hundred, held in ((w, weight), (b, bulk)):
            if per_hundred <= 0:
                continue
            fitting.append(max(0, (capacity - held) * 100 // per_hundred))
        return min(fitting) if fitting else 2**31 - 1

    def _to_ground(
        self, change: _Change, kind: str, number: int | None, room: str, y: int, x: int, now_ms: int,
        events: list[WorldEvent],
    ) -> Item:
        if number is not None:
            for other in self._ground.get(room, {}).values():
                if other.kind == kind and other.number is not None and square_of(other.y, other.x) == square_of(y, x):
                    other.number += number
                    change.touched[other.object_id] = other
                    events.append(ObjectChanged(room, other.object_id))
                    return other
        item = self._new_item(kind, number)
        self._put_on_ground(change, item, room, y, x, now_ms, events, join=False)
        return item

    def _put_on_ground(
        self, change: _Change, item: Item, room: str, y: int, x: int, now_ms: int, events: list[WorldEvent],
        join: bool = True,
    ) -> None:
        if join and item.number is not None:
            for other in self._ground.get(room, {}).values():
                if other.kind == item.kind and other.number is not None and square_of(other.y, other.x) == square_of(y, x):
                    other.number += item.number
                    change.touched[other.object_id] = other
                    change.touched[item.object_id] = None
                    events.append(ObjectChanged(room, other.object_id))
                    return
        item.room, item.y, item.x, item.angle = room, y, x, 0
        item.carrier, item.slot, item.arrived_ms = None, 0, now_ms
        self.by_id[item.object_id] = item
        self._ground.setdefault(room, {})[item.object_id] = item
        change.touched[item.object_id] = item
        events.append(ObjectEntered(room, item.object_id))

    def _to_carrier(self, change: _Change, item: Item, character_id: int, player_id: int, events: list[WorldEvent]) -> None:
        held = self._carried.setdefault(character_id, {})
        if item.number is not None:
            for other in held.values():
                if other.kind == item.kind and other.number is not None:
                    other.number += item.number
                    change.touched[other.object_id] = other
                    change.touched[item.object_id] = None
                    self.by_id.pop(item.object_id, None)
                    events.append(CarriedChanged(player_id, other.object_id))
                    return
        item.carrier, item.room, item.y, item.x, item.angle = character_id, "", 0, 0, 0
        item.slot = max((other.slot for other in held.values()), default=-1) + 1
        self.by_id[item.object_id] = item
        held[item.object_id] = item
        change.touched[item.object_id] = item
        events.append(CarriedGained(player_id, item.object_id))

    def _unplace(self, change: _Change, item: Item, events: list[WorldEvent], player_id: int | None) -> None:
        """Take the item from where it is (it is in no place afterwards, and not in use)."""
        item.used = False
        del self.by_id[item.object_id]
        change.touched[item.object_id] = None
        if item.carrier is None:
            held = self._ground[item.room]
            del held[item.object_id]
            if not held:
                del self._ground[item.room]
            events.append(ObjectLeft(item.room, item.object_id))
        else:
            carried = self._carried[item.carrier]
            del carried[item.object_id]
            if not carried:
                del self._carried[item.carrier]
            if player_id is not None:
                events.append(CarriedLost(player_id, item.object_id))

    def _set_used(self, change: _Change, item: Item, used: bool, player_id: int, events: list[WorldEvent]) -> None:
        item.used = used
        change.touched[item.object_id] = item
        events.append((ItemUsed if used else ItemUnused)(player_id, item.object_id))

    def _renumber(self, character_id: int, order: list[int]) -> bool:
        held = self._carried[character_id]
        change = _Change()
        self._carried[character_id] = {item_id: held[item_id] for item_id in order}
        for slot, item_id in enumerate(order):
            held[item_id].slot = slot
            change.touched[item_id] = held[item_id]
        self._record(change)
        return True

    def _record(self, change: _Change) -> None:
        self.ledger.add_all(change.ledger)
        rows = tuple(
            (item_id, None if item is None or item_id not in self.by_id else row_of(item))
            for item_id, item in change.touched.items()
        )
        self._append(rows, tuple(change.ledger))

    def _append(self, rows: tuple[tuple[int, ItemRow | None], ...], ledger: tuple[LedgerEntry, ...]) -> None:
        self.pending.append(Operation(self.next_seq, rows, ledger))
        self.next_seq += 1


def _fits(weight: int, bulk: int, w: int, b: int, capacity: int) -> bool:
    """holder.kod CanHoldWeightAndBulk: nothing weightless or bulkless is ever too much."""
    return not (w != 0 and weight + w > capacity) and not (b != 0 and bulk + b > capacity)

