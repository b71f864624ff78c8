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

An item a player stores with a vault keeper is in that vault, in the player's box (by
vault number and character; storage.kod's safety deposit boxes): it still exists, out of
the world (no object of any room or inventory), and moves in and out in one operation.

Money kept with a banker is a balance, by bank number and character (bank.kod's
accounts): it exists as much as the coins it was, so the ledger counts it with its kind,
and a deposit or a withdrawal moves units between a pile and a balance in one operation,
making and destroying nothing.

Every operation records what it changed (the items' rows, the balances, the ledger's
entries) as one :class:`Operation` for the store, which writes whole operations only.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

import attrs

from emulator.content.model import WorldDefinition, square_of
from emulator.world.events import (
    CarriedChanged, CarriedGained, CarriedLost, ItemUnused, ItemUsed, ObjectChanged, ObjectEntered, ObjectLeft,
    WorldEvent,
)
from emulator.world.ledger import Ledger, LedgerEntry
from emulator.world.objects import Thing

__all__ = [
    "FIRST_ITEM_ID", "LAST_ITEM_ID", "BalanceRow", "Delivery", "Handover", "Item", "ItemAttribute", "ItemRefusal", "ItemRow",
    "Items",
    "Operation", "Usage",
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


@attrs.frozen
class ItemAttribute:
    """One attribute of an item (itematt.kod's item attributes): ``name`` says which
    (``made``, ``glowing``, ``enchanted``, ``holy``, ``unholy``, ``cursed``...), ``amount``
    its figure (a glow's light, a curse's power), ``due_ms`` the game time it ends (None:
    it lasts), ``spell`` the spell that gave it (whose words tell of it), ``hidden`` whether
    it is still unidentified."""

    name: str
    amount: int = 0
    due_ms: int | None = None
    spell: str = ""
    hidden: bool = False  # not yet identified: a look shows only that something is odd

    def to_json(self) -> list[object]:
        return [self.name, self.amount, self.due_ms, self.spell, self.hidden]

    @classmethod
    def from_json(cls, data: object) -> ItemAttribute:
        assert isinstance(data, list | tuple) and len(data) == 5, data
        due = data[2]
        return cls(str(data[0]), int(data[1]), None if due is None else int(due), str(data[3]), bool(data[4]))


@attrs.define(eq=False)
class Item(Thing):
    """``room``, ``y``, ``x`` are meaningful on the ground only (``carrier`` None)."""

    number: int | None = None  # a number item's count; None: a single item
    carrier: int | None = None  # the character carrying it
    slot: int = 0  # inventory order (ascending) while carried
    arrived_ms: int = 0  # game time it came to the ground: the oldest are tidied first
    used: bool = False  # wielded or worn by its carrier (never on the ground)
    vault: int | None = None  # stored in this vault; ``carrier`` is then its owner
    attributes: tuple[ItemAttribute, ...] = ()  # at most one of each name, oldest first

    def attribute(self, name: str) -> ItemAttribute | None:
        return next((found for found in self.attributes if found.name == name), None)

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
    vault: int | None = None  # stored in this vault, for the character ``carrier``
    attributes: tuple[ItemAttribute, ...] = ()  # since schema 10


@attrs.frozen
class BalanceRow:
    """Money a character keeps at a bank: ``amount`` units of the money kind ``kind``."""

    bank: int
    character: int
    kind: str
    amount: int


#: A balance's key: (bank number, character id).
BalanceKey = tuple[int, int]


@attrs.frozen
class Operation:
    """One whole change for the store: rows to write (None: delete), balances to write
    (None: delete) and ledger entries. ``seq`` numbers operations in the order they
    happened, across restarts: the store applies each once, even when a write whose
    answer was lost is sent again."""

    seq: int
    rows: tuple[tuple[int, ItemRow | None], ...]
    ledger: tuple[LedgerEntry, ...] = ()
    balances: tuple[tuple[BalanceKey, BalanceRow | None], ...] = ()


@attrs.frozen
class Handover:
    """A carried item (or ``number`` of a number item; None: the whole item) passing from
    one character to another in an exchange; to nobody (``receiver`` None) it is destroyed
    (a keeper bought it). The player ids are whom the inventory changes are told."""

    item_id: int
    number: int | None
    giver: int
    giver_player: int
    receiver: int | None
    receiver_player: int | None = None


@attrs.frozen
class Delivery:
    """A new item made in an exchange for a character (a keeper's money); ``ground``
    (room, y, x, now_ms) is where it lands instead when it cannot be carried."""

    kind: str
    number: int | None
    receiver: int
    receiver_player: int
    ground: tuple[str, int, int, int] | None = None


def row_of(item: Item) -> ItemRow:
    on_ground = item.carrier is None
    return ItemRow(
        item.object_id, item.kind or "", item.number, item.room if on_ground else None,
        item.y if on_ground else 0, item.x if on_ground else 0, item.angle if on_ground else 0,
        item.carrier, item.slot, item.arrived_ms, item.used and not on_ground and item.vault is None, item.vault,
        item.attributes,
    )


#: A vault box's key: (vault number, character id).
BoxKey = tuple[int, int]


class _Change:
    """Collects what one operation touches, to record it once at the end."""

    def __init__(self) -> None:
        self.touched: dict[int, Item | None] = {}
        self.ledger: list[LedgerEntry] = []
        self.balances: dict[BalanceKey, BalanceRow | None] = {}


class Items:
    def __init__(self, definition: WorldDefinition) -> None:
        self.definition = definition
        self.by_id: dict[int, Item] = {}
        self._ground: dict[str, dict[int, Item]] = {}  # by room, in arrival order
        self._carried: dict[int, dict[int, Item]] = {}  # by character, in slot order
        self.ledger = Ledger()
        self.balances: dict[BalanceKey, BalanceRow] = {}  # money kept at banks, never 0
        self._boxes: dict[BoxKey, dict[int, Item]] = {}  # stored items by vault box, in box order
        self._stored: dict[int, Item] = {}  # the same by id (never in by_id: out of the world)
        self.next_id = FIRST_ITEM_ID
        self.pending: list[Operation] = []  # not yet in the store, oldest first
        self.next_seq = 1
        #: Told of every item that leaves the character carrying it (the world cancels a
        #: trade with it on the table), whichever operation moves it.
        self.on_carried_left: Callable[[int], None] | None = None
        #: When item attributes end: (due_ms, item id, name); an entry whose attribute
        #: is gone or changed is skipped when it comes up.
        self._attributes_due: list[tuple[int, int, str]] = []

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
        """Per kind, the units that exist: the items' and the money kept at banks."""
        units: dict[str, int] = {}
        for item in self.by_id.values():
            units[item.kind or ""] = units.get(item.kind or "", 0) + item.units
        for balance in self.balances.values():
            units[balance.kind] = units.get(balance.kind, 0) + balance.amount
        for item in self._stored.values():
            units[item.kind or ""] = units.get(item.kind or "", 0) + item.units
        return units

    def box(self, vault: int, character_id: int) -> list[Item]:
        """What a character has stored in a vault, in the order it came."""
        return list(self._boxes.get((vault, character_id), {}).values())

    def stored_bulk(self, vault: int, character_id: int) -> int:
        """The bulk of a vault box (storage.kod GetCurrentBulkStored)."""
        return sum(self.weight_and_bulk(item.kind or "", item.number)[1] for item in self.box(vault, character_id))

    def balance_of(self, bank: int, character_id: int) -> int:
        """What a character keeps at a bank (0: no account)."""
        found = self.balances.get((bank, character_id))
        return 0 if found is None else found.amount

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
        """How a kind is wielded or worn, from its imported figures (weapon.kod, defmod.kod,
        instrum.kod: a use place and either a weapon class, armour figures or an
        instrument's level); None: it cannot be."""
        found = self.definition.kinds.get(kind)
        info = found.item if found is not None else None
        if info is None or info.stacks:
            return None
        places = (info.get("use_type") or 0) & USE_PLACES
        item_type = info.get("item_type") or 0
        weapon = info.get("weapon_type") is not None or bool(item_type & ITEMTYPE_WEAPON)
        armour = bool(item_type & ITEMTYPE_ARMOR) or info.get("defense") is not None or info.get("damage_reduce") is not None
        played = info.get("instrument") is not None  # an instrument is held in the hands to be played
        if not places or not (weapon or armour or played):
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

    def destroy(self, item_id: int, reason: str, events: list[WorldEvent], player_id: int | None = None) -> bool:
        """The item is gone (recorded as destroyed); ``player_id``, the carrier's, is told.
        An item stored in a vault goes from its box."""
        item = self.by_id.get(item_id)
        if item is None:
            return self._destroy_stored(item_id, reason)
        change = _Change()
        change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
        if item.used and player_id is not None:
            self._set_used(change, item, False, player_id, events)
        self._unplace(change, item, events, player_id=player_id)
        self._record(change)
        return True

    def _destroy_stored(self, item_id: int, reason: str) -> bool:
        item = self._stored.pop(item_id, None)
        if item is None or item.vault is None or item.carrier is None:
            return False
        key = (item.vault, item.carrier)
        box = self._boxes[key]
        del box[item_id]
        if not box:
            del self._boxes[key]
        change = _Change()
        change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
        change.touched[item_id] = None
        self._record(change)
        return True

    def destroy_carried(self, character_id: int, reason: str) -> int:
        """Everything a character carries and keeps at banks is gone, in one operation
        (its character was deleted); how many items."""
        held = self.carried(character_id)
        accounts = sorted(key for key in self.balances if key[1] == character_id)
        boxes = sorted(key for key in self._boxes if key[1] == character_id)
        if not held and not accounts and not boxes:
            return 0
        change = _Change()
        for item in held:
            change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
            self._unplace(change, item, [], player_id=None)
        for key in boxes:
            for item in self._boxes.pop(key).values():
                del self._stored[item.object_id]
                change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
                change.touched[item.object_id] = None
        for key in accounts:
            balance = self.balances.pop(key)
            change.ledger.append(LedgerEntry(balance.kind, destroyed=balance.amount, reason=reason))
            change.balances[key] = None
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

    def gather(
        self, character_id: int, player_id: int, item_ids: Sequence[int], room: str, might: int | None,
        at_most: int | None, events: list[WorldEvent],
    ) -> list[int]:
        """Items lying in ``room`` into a character's inventory, from anywhere in it (a
        spell's reach), in one operation; the ids taken. Of ``item_ids`` (in the order to
        try them), only those it could carry to begin with are tried, the first
        ``at_most`` (None: all); each is taken whole, and only if it still fits the load
        so far (holder.kod ReqNewHold before each NewHold). ``might`` None: no limit (an
        immortal's)."""
        weight, bulk = self.load_of(character_id)
        capacity = None if might is None else self.capacity(might)

        def fits(item: Item) -> bool:
            w, b = self.weight_and_bulk(item.kind or "", item.number)
            return capacity is None or _fits(weight, bulk, w, b, capacity)

        ground = self._ground.get(room, {})
        tried = [ground[i] for i in dict.fromkeys(item_ids) if i in ground and fits(ground[i])]
        change = _Change()
        taken: list[int] = []
        for item in tried[:at_most]:
            if not fits(item):
                continue
            w, b = self.weight_and_bulk(item.kind or "", item.number)
            weight, bulk = weight + w, bulk + b
            self._unplace(change, item, events, player_id=None)
            self._to_carrier(change, item, character_id, player_id, events)
            taken.append(item.object_id)
        if taken:
            self._record(change)
        return taken

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

    def has_units(self, character_id: int, wanted: Iterable[tuple[str, int]]) -> bool:
        """Whether a character carries at least ``count`` units of each ``kind`` (spell.kod
        CanPayReagents: piles and single items of the kind counted together)."""
        held: dict[str, int] = {}
        for item in self.carried(character_id):
            held[item.kind or ""] = held.get(item.kind or "", 0) + item.units
        return all(held.get(kind, 0) >= count for kind, count in wanted)

    def use_up(
        self, character_id: int, player_id: int, wanted: Iterable[tuple[str, int]], reason: str, events: list[WorldEvent],
    ) -> bool:
        """Units of carried kinds used up at once (a spell's reagents, PayCosts), in
        inventory order, as one operation recorded as destroyed. False, changing nothing,
        when the character lacks any of them."""
        wanted = [(kind, count) for kind, count in wanted if count > 0]
        if not self.has_units(character_id, wanted):
            return False
        change = _Change()
        for kind, count in wanted:
            change.ledger.append(LedgerEntry(kind, destroyed=count, reason=reason))
            for item in self.carried(character_id):
                if count == 0:
                    break
                if item.kind != kind:
                    continue
                taken = min(count, item.units)
                count -= taken
                if item.number is not None and item.number > taken:
                    item.number -= taken
                    change.touched[item.object_id] = item
                    events.append(CarriedChanged(player_id, item.object_id))
                    continue
                if item.used:
                    self._set_used(change, item, False, player_id, events)
                self._unplace(change, item, events, player_id=player_id)
        self._record(change)
        return True

    def make(
        self, character_id: int, player_id: int, kind: str, number: int | None, might: int, reason: str,
        events: list[WorldEvent],
    ) -> Item | None:
        """A new item in a character's hands (a spell's creation), as one operation recorded
        created; None, changing nothing, when it does not fit what the character may carry
        (player.kod ReqNewHold)."""
        weight, bulk = self.load_of(character_id)
        w, b = self.weight_and_bulk(kind, number)
        if not _fits(weight, bulk, w, b, self.capacity(might)):
            return None
        change = _Change()
        item = self._new_item(kind, number)
        change.ledger.append(LedgerEntry(kind, created=item.units, reason=reason))
        self._to_carrier(change, item, character_id, player_id, events)
        self._record(change)
        return item

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
        if price < 0 or self.money_of(character_id, money_kinds) < price:
            return False
        if self.next_id + len(wares) - 1 > LAST_ITEM_ID:
            raise OverflowError("no free id for items")  # before anything changed
        change = _Change()
        self._pay(change, character_id, player_id, price, money_kinds, reason, events)
        for kind, number in wares:
            change.ledger.append(LedgerEntry(kind, created=1 if number is None else number, reason=reason))
            self._to_carrier(change, self._new_item(kind, number), character_id, player_id, events)
        self._record(change)
        return True

    def exchange(
        self, handovers: Iterable[Handover], made: Iterable[Delivery], reason: str, events: list[WorldEvent],
    ) -> bool:
        """A trade, applied whole in one operation (user.kod UserAcceptOffer, AcceptOffer):
        every item handed over, a used one taken off first (as when dropped); part of a
        number item split off as a new item, and whatever a receiver gets joining a pile
        of its kind. Moving records nothing in the ledger; what goes to nobody is recorded
        destroyed, what is ``made`` created, both for ``reason``. False, changing nothing,
        when a giver no longer holds what it hands over (or not that many), or an item
        comes twice. Capacity is the caller's check (the trade rules refuse first)."""
        moves = list(handovers)
        deliveries = list(made)
        seen: set[int] = set()
        splits = 0
        for move in moves:
            item = self.by_id.get(move.item_id)
            if item is None or item.carrier != move.giver or move.item_id in seen:
                return False
            seen.add(move.item_id)
            if move.number is not None and item.number is not None and move.number != item.number:
                if not 0 < move.number < item.number:
                    return False
                splits += 1
            elif move.number is not None and item.number is None and move.number != 1:
                return False
        for delivery in deliveries:
            if self.stacks(delivery.kind) != (delivery.number is not None) or (
                delivery.number is not None and delivery.number <= 0
            ):
                raise ValueError(f"{delivery.kind!r} cannot be made with number {delivery.number!r}")
        if self.next_id + splits + len(deliveries) - 1 > LAST_ITEM_ID:
            raise OverflowError("no free id for items")  # before anything changed
        change = _Change()
        # first everything leaves its giver, then it reaches its receiver: a pile handed
        # over whole must not take along what joined it in the same trade
        detached: list[tuple[Item, Handover]] = []
        for move in moves:
            item = self.by_id[move.item_id]
            if item.number is None or move.number is None or move.number == item.number:
                if item.used:  # a used item comes off before it changes hands
                    self._set_used(change, item, False, move.giver_player, events)
                self._unplace(change, item, events, player_id=move.giver_player)
                detached.append((item, move))
            else:
                part = self._new_item(item.kind or "", move.number)
                item.number -= move.number
                change.touched[item.object_id] = item
                events.append(CarriedChanged(move.giver_player, item.object_id))
                detached.append((part, move))
        for item, move in detached:
            if move.receiver is None or move.receiver_player is None:
                # gone: a whole item left its place already, a part never had one
                change.ledger.append(LedgerEntry(item.kind or "", destroyed=item.units, reason=reason))
            else:
                self._to_carrier(change, item, move.receiver, move.receiver_player, events)
        for delivery in deliveries:
            units = 1 if delivery.number is None else delivery.number
            change.ledger.append(LedgerEntry(delivery.kind, created=units, reason=reason))
            if delivery.ground is None:
                self._to_carrier(change, self._new_item(delivery.kind, delivery.number), delivery.receiver,
                                 delivery.receiver_player, events)
            else:
                room, y, x, now_ms = delivery.ground
                self._to_ground(change, delivery.kind, delivery.number, room, y, x, now_ms, events)
        self._record(change)
        return True

    def deposit(
        self, character_id: int, player_id: int, bank: int, amount: int, money_kinds: Collection[str], kind: str,
        reason: str, events: list[WorldEvent],
    ) -> bool:
        """Move ``amount`` units of carried money into the character's balance at ``bank``,
        as one operation (bank.kod DepositAccount after SubtractNumber): nothing is made
        or destroyed. The balance is kept in ``kind`` (or the kind it has already); a
        pile of another money kind is recorded destroyed and that much of the balance's
        kind created. False, changing nothing, when the money carried is short."""
        piles = [item for item in self.carried(character_id) if item.kind in money_kinds]
        if amount <= 0 or sum(item.units for item in piles) < amount:
            return False
        key = (bank, character_id)
        before = self.balances.get(key)
        kind = before.kind if before is not None else kind
        change = _Change()
        left = amount
        for pile in piles:
            if left == 0:
                break
            taken = min(left, pile.units)
            left -= taken
            if pile.kind != kind:  # another money kind: exchanged at par
                change.ledger.append(LedgerEntry(pile.kind or "", destroyed=taken, reason=reason))
                change.ledger.append(LedgerEntry(kind, created=taken, reason=reason))
            if pile.number is None or taken == pile.number:
                self._unplace(change, pile, events, player_id=player_id)
            else:
                pile.number -= taken
                change.touched[pile.object_id] = pile
                events.append(CarriedChanged(player_id, pile.object_id))
        self._set_balance(change, key, kind, (0 if before is None else before.amount) + amount)
        self._record(change)
        return True

    def withdraw(self, character_id: int, player_id: int, bank: int, amount: int, events: list[WorldEvent]) -> bool:
        """Move ``amount`` units of the character's balance at ``bank`` into its inventory
        (joining a pile of the kind it carries), as one operation; the rules decided
        how much it can carry. False, changing nothing, when the balance is short."""
        key = (bank, character_id)
        balance = self.balances.get(key)
        if balance is None or amount <= 0 or balance.amount < amount:
            return False
        change = _Change()
        item = self._new_item(balance.kind, amount)  # first: running out of ids changes nothing
        self._set_balance(change, key, balance.kind, balance.amount - amount)
        self._to_carrier(change, item, character_id, player_id, events)
        self._record(change)
        return True

    def _set_balance(self, change: _Change, key: BalanceKey, kind: str, amount: int) -> None:
        if amount > 0:
            row = BalanceRow(key[0], key[1], kind, amount)
            self.balances[key] = row
            change.balances[key] = row
        else:  # an emptied account is no account (bank.kod WithdrawAccount)
            self.balances.pop(key, None)
            change.balances[key] = None

    def store(
        self, character_id: int, player_id: int, vault: int, lines: Sequence[tuple[int, int | None]], fee: int,
        money_kinds: Collection[str], reason: str, events: list[WorldEvent],
    ) -> bool:
        """Put carried items (a number of a pile: part of it) into the character's box of
        ``vault`` and pay ``fee`` from its money, as one operation (monster.kod
        VaultDeposit, storage.kod DepositItems): the items are moved, the fee recorded
        destroyed. A used item comes off first; a number item joins its kind in the box.
        False, changing nothing, when a line names an item not carried, or the money
        left after storing is short (the rules decided the rest)."""
        held = self._carried.get(character_id, {})
        if len({item_id for item_id, _ in lines}) != len(lines) or any(item_id not in held for item_id, _ in lines):
            return False
        storing = {item_id: _part(held[item_id], number) for item_id, number in lines}
        if any(part <= 0 for part in storing.values()):
            return False
        money_left = sum(item.units - storing.get(item.object_id, 0) for item in held.values() if item.kind in money_kinds)
        if fee < 0 or money_left < fee:
            return False
        if self.next_id + len(lines) - 1 > LAST_ITEM_ID:
            raise OverflowError("no free id for items")  # before anything changed
        change = _Change()
        for item_id, _ in lines:
            item, part = held[item_id], storing[item_id]
            if item.used:
                self._set_used(change, item, False, player_id, events)
            if item.number is None or part == item.number:
                self._unplace(change, item, events, player_id=player_id)
                self._to_box(change, item, vault, character_id)
            else:
                item.number -= part
                change.touched[item.object_id] = item
                events.append(CarriedChanged(player_id, item.object_id))
                self._to_box(change, self._new_item(item.kind or "", part), vault, character_id)
        self._pay(change, character_id, player_id, fee, money_kinds, reason, events)
        self._record(change)
        return True

    def take_back(
        self, character_id: int, player_id: int, vault: int, lines: Sequence[tuple[int, int | None]], fee: int,
        money_kinds: Collection[str], reason: str, events: list[WorldEvent],
    ) -> bool:
        """Take stored items (a number of a pile: part of it) from the character's box
        of ``vault`` into its inventory and pay ``fee``, as one operation (monster.kod
        VaultWithdraw, storage.kod WithdrawFromStorage). False, changing nothing, when a
        line names an item not in the box or more than it holds, or the money is short."""
        box = self._boxes.get((vault, character_id), {})
        if len({item_id for item_id, _ in lines}) != len(lines) or any(item_id not in box for item_id, _ in lines):
            return False
        if any(number is not None and box[item_id].number is not None and not 0 < number <= (box[item_id].number or 0)
               for item_id, number in lines):
            return False
        if fee < 0 or self.money_of(character_id, money_kinds) < fee:
            return False
        if self.next_id + len(lines) - 1 > LAST_ITEM_ID:
            raise OverflowError("no free id for items")  # before anything changed
        change = _Change()
        self._pay(change, character_id, player_id, fee, money_kinds, reason, events)
        for item_id, number in lines:
            item = box[item_id]
            part = _part(item, number)
            if item.number is None or part == item.number:
                del box[item_id], self._stored[item_id]
                item.vault = None
                change.touched[item_id] = None  # out of the box; _to_carrier places it anew
                self._to_carrier(change, item, character_id, player_id, events)
            else:
                item.number -= part
                change.touched[item_id] = item
                self._to_carrier(change, self._new_item(item.kind or "", part), character_id, player_id, events)
        if not box:
            self._boxes.pop((vault, character_id), None)
        self._record(change)
        return True

    def _to_box(self, change: _Change, item: Item, vault: int, character_id: int) -> None:
        box = self._boxes.setdefault((vault, character_id), {})
        if item.number is not None:
            for other in box.values():
                if other.kind == item.kind and other.number is not None:
                    other.number += item.number
                    change.touched[other.object_id] = other
                    change.touched[item.object_id] = None
                    return
        item.carrier, item.vault, item.used = character_id, vault, False
        item.room, item.y, item.x, item.angle = "", 0, 0, 0
        item.slot = max((other.slot for other in box.values()), default=-1) + 1
        box[item.object_id] = item
        self._stored[item.object_id] = item
        change.touched[item.object_id] = item

    def _pay(
        self, change: _Change, character_id: int, player_id: int, price: int, money_kinds: Collection[str], reason: str,
        events: list[WorldEvent],
    ) -> None:
        """Take ``price`` units from the carried money, recorded destroyed (checked by the caller)."""
        left = price
        for pile in [item for item in self.carried(character_id) if item.kind in money_kinds]:
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
        assert left == 0, "the money was checked before anything changed"

    # ------------------------------------------------------------------ attributes

    def find(self, item_id: int) -> Item | None:
        """An item in the world or stored in a vault."""
        return self.by_id.get(item_id) or self._stored.get(item_id)

    def set_attribute(self, item_id: int, attribute: ItemAttribute) -> bool:
        """Give an item an attribute, replacing one of the same name, as one operation
        (it changes no count: nothing for the ledger)."""
        item = self.find(item_id)
        if item is None:
            return False
        item.attributes = (*(a for a in item.attributes if a.name != attribute.name), attribute)
        if attribute.due_ms is not None:
            heapq.heappush(self._attributes_due, (attribute.due_ms, item_id, attribute.name))
        change = _Change()
        change.touched[item_id] = item
        self._record(change)
        return True

    def remove_attribute(self, item_id: int, name: str) -> ItemAttribute | None:
        """Take an attribute off an item, as one operation; the one taken, if any."""
        item = self.find(item_id)
        found = item.attribute(name) if item is not None else None
        if item is None or found is None:
            return None
        item.attributes = tuple(a for a in item.attributes if a.name != name)
        change = _Change()
        change.touched[item_id] = item
        self._record(change)
        return found

    def reveal(self, item_id: int) -> bool:
        """Identify every hidden attribute of an item, as one operation (item.kod
        RevealHiddenAttributes); whether any was hidden."""
        item = self.find(item_id)
        if item is None or not any(a.hidden for a in item.attributes):
            return False
        item.attributes = tuple(attrs.evolve(a, hidden=False) for a in item.attributes)
        change = _Change()
        change.touched[item_id] = item
        self._record(change)
        return True

    def attributes_due(self, now_ms: int) -> list[tuple[Item, ItemAttribute]]:
        """The attributes whose time has come (taken off the timers, not off the items),
        in order of due time."""
        due = []
        while self._attributes_due and self._attributes_due[0][0] <= now_ms:
            due_ms, item_id, name = heapq.heappop(self._attributes_due)
            item = self.find(item_id)
            found = item.attribute(name) if item is not None else None
            if item is not None and found is not None and found.due_ms == due_ms:
                due.append((item, found))
        return due

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

    def every_item(self) -> Iterator[Item]:
        """Every item: in rooms, carried, and stored in vaults."""
        yield from self.by_id.values()
        yield from self._stored.values()

    def take_over(self, old: Items, room_size: RoomSize) -> None:
        """Everything of a running ``old`` under this one's content (a reload of the
        content): loaded as the store would give it back after a restart, so what no
        longer makes sense is destroyed the same way; the operations ``old`` has not
        written yet stay first in line."""
        unwritten = list(old.pending)
        self.load([row_of(item) for item in old.every_item()], old.ledger.totals, room_size, None,
                  old.next_seq - 1, old.balances.values())
        self.pending[:0] = unwritten
        self.next_id = max(self.next_id, old.next_id)

    def load(
        self, rows: Iterable[ItemRow], totals: Mapping[str, tuple[int, int]], room_size: RoomSize,
        characters: Collection[int] | None = None, last_seq: int = 0, balances: Iterable[BalanceRow] = (),
    ) -> None:
        """Take the store's items, balances and ledger (before any player enters). An item
        or a balance whose kind or place no longer makes sense, or (given the
        ``characters`` that exist) whose owner was deleted, is destroyed, recorded as such."""
        self.by_id.clear()
        self._ground.clear()
        self._carried.clear()
        self.balances.clear()
        self._boxes.clear()
        self._stored.clear()
        self.ledger = Ledger(dict(totals))
        self._attributes_due.clear()
        self.pending.clear()
        self.next_seq = last_seq + 1
        gone: list[tuple[ItemRow, str]] = []
        for row in sorted(rows, key=lambda r: (r.carrier is not None, r.arrived_ms, r.slot, r.id)):
            self.next_id = max(self.next_id, row.id + 1)
            stored = row.vault is not None
            item = Item(row.id, row.kind, row.room or "", row.y, row.x, row.angle, number=row.number,
                        carrier=row.carrier, slot=row.slot, arrived_ms=row.arrived_ms,
                        used=row.used and row.carrier is not None and not stored, vault=row.vault,
                        attributes=row.attributes)
            if not self._loadable(row, room_size) or row.id in self.by_id or row.id in self._stored:
                gone.append((row, "content gone"))
                continue
            if row.carrier is not None and characters is not None and row.carrier not in characters:
                gone.append((row, "owner gone"))
                continue
            if row.vault is not None and row.carrier is not None:
                self._stored[row.id] = item
                self._boxes.setdefault((row.vault, row.carrier), {})[row.id] = item
                continue
            self.by_id[row.id] = item
            if row.carrier is None:
                self._ground.setdefault(item.room, {})[item.object_id] = item
            else:
                self._carried.setdefault(row.carrier, {})[item.object_id] = item
        for item in (*self.by_id.values(), *self._stored.values()):
            for attribute in item.attributes:
                if attribute.due_ms is not None:
                    heapq.heappush(self._attributes_due, (attribute.due_ms, item.object_id, attribute.name))
        for held in list(self._carried):
            self._carried[held] = dict(sorted(self._carried[held].items(), key=lambda pair: (pair[1].slot, pair[0])))
        for key in list(self._boxes):
            self._boxes[key] = dict(sorted(self._boxes[key].items(), key=lambda pair: (pair[1].slot, pair[0])))
        for row, reason in gone:
            units = 1 if row.number is None else max(0, row.number)
            self.ledger.add(entry := LedgerEntry(row.kind, destroyed=units, reason=reason))
            self._append(((row.id, None),), (entry,))
        for balance in sorted(balances, key=lambda b: (b.bank, b.character)):
            key = (balance.bank, balance.character)
            why = None
            if not self.stacks(balance.kind) or balance.amount <= 0 or key in self.balances:
                why = "content gone"
            elif characters is not None and balance.character not in characters:
                why = "owner gone"
            if why is None:
                self.balances[key] = balance
                continue
            self.ledger.add(entry := LedgerEntry(balance.kind, destroyed=max(0, balance.amount), reason=why))
            self._append((), (entry,), ((key, None),))

    def _loadable(self, row: ItemRow, room_size: RoomSize) -> bool:
        if not FIRST_ITEM_ID <= row.id <= LAST_ITEM_ID or row.kind not in self.definition.kinds:
            return False
        if self.stacks(row.kind) != (row.number is not None) or (row.number is not None and row.number <= 0):
            return False
        if row.vault is not None:
            return row.carrier is not None
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
            if self.on_carried_left is not None:
                self.on_carried_left(item.object_id)
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
            (item_id, None if item is None or (item_id not in self.by_id and item_id not in self._stored) else row_of(item))
            for item_id, item in change.touched.items()
        )
        self._append(rows, tuple(change.ledger), tuple(change.balances.items()))

    def _append(
        self, rows: tuple[tuple[int, ItemRow | None], ...], ledger: tuple[LedgerEntry, ...],
        balances: tuple[tuple[BalanceKey, BalanceRow | None], ...] = (),
    ) -> None:
        self.pending.append(Operation(self.next_seq, rows, ledger, balances))
        self.next_seq += 1


def _part(item: Item, number: int | None) -> int:
    """How many units of a line a store or a take-back moves: a number item the number
    asked (at most all of it), any other item itself."""
    if item.number is None or number is None:
        return item.units
    return max(0, min(number, item.number))


def _fits(weight: int, bulk: int, w: int, b: int, capacity: int) -> bool:
    """holder.kod CanHoldWeightAndBulk: nothing weightless or bulkless is ever too much."""
    return not (w != 0 and weight + w > capacity) and not (b != 0 and bulk + b > capacity)

