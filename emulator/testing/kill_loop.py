"""The crash loop: players trading, buying and selling while the real server is killed
with SIGKILL at random moments; after every kill the store must hold a whole world.

Run it with ``python -m emulator.testing.kill_loop --kills 50`` (it prints a line per
kill and a summary, and exits 1 on the first broken invariant). Each round starts the
real server (``twistd -n m59emu``, SQLite) on a loopback port, logs in three players and
sets two loops going on their own threads:

- Ann and Ben trade a stick for 100 shillings, back and forth, through
  BP_REQ_OFFER / BP_REQ_COUNTEROFFER / BP_ACCEPT_OFFER;
- Cat buys a stick from the pedlar (BP_REQ_BUY_ITEMS) and sells it back (BP_REQ_OFFER to
  the keeper, whose counter-offer she accepts);
- Dan deposits shillings with the banker and withdraws them (the client's ``deposit N``
  and ``withdraw N``: UC_DEPOSIT, UC_WITHDRAW).

At a random moment the server is killed. Then, over the store as the kill left it:

- the ledger balances (created minus destroyed equals what exists, for every kind);
- every item is in exactly one place;
- Ann and Ben together hold their 3 sticks and 1,000 shillings: a trade is whole or
  not at all;
- Cat's wealth (shillings, and sticks at the keeper's two prices) is one her trades
  with the pedlar can reach;
- Dan's purse and his balance at the bank add up to the 1,000 shillings he started with.

And after the restart each player's BP_INVENTORY is what the store holds.
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from emulator import auth
from emulator.content.model import square_centre
from emulator.rules import shops
from emulator.store import accounts, characters
from emulator.store.database import open_database
from emulator.store.items import apply_item_batch, existing_units, load_items
from emulator.testing.live import REPO, LiveClient, LiveServer
from emulator.wire.codec import Message
from emulator.world.items import FIRST_ITEM_ID, ItemRow, Operation
from emulator.world.ledger import LedgerEntry, check_ledger
from protocol_specs.opcodes import UC

NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1
STICKS = 3  # Ann's at the start
TRADERS_MONEY = 1000  # Ben's at the start
CAT_MONEY = 10_000_000  # enough for every deal of a long run
STICK_VALUE = 100
PEDLAR_MARKUP = shops.Markup.NORMAL  # asks 160, pays 70: every deal costs Cat 90
PRICE = 100  # what a stick fetches between Ann and Ben
KEEPER_SQUARE = (5, 12)  # the pedlar's, in the inn; players start at (4, 10)
DAN_MONEY = 1000
BANKER_SQUARE = (6, 12)
PLAYERS = ("ann", "ben", "cat", "dan")
ROUND_SECONDS = 1.5  # the latest kill after the players are in the world


def world_data(into: Path) -> Path:
    """The bundled world with shillings, a stick, a pedlar in the inn who sells sticks
    and buys them back, and a banker beside him."""
    data = into / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[pedlar]\nname = "pedlar"\nicon = "pedlar.bgf"\ndescription = "A pedlar."\n'
            '\n[pedlar.monster]\nnpc_flags = ["buyer"]\n'
            f'\n[pedlar.shop]\nmarkup = {int(PEDLAR_MARKUP)}\nbuys = ["stick"]\n\n[[pedlar.shop.sells]]\nkind = "stick"\n'
            '\n[banker]\nname = "banker"\nicon = "banker.bgf"\ndescription = "A banker."\n'
            '\n[banker.shop]\nbank = 1\n'
            '\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
            '\n[shillings.item]\nstacks = true\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\nvalue = 1\n'
            f'\n[stick]\nname = "stick"\nicon = "stick.bgf"\ndescription = "A stick."\nflags = ["gettable"]\n'
            f'\n[stick.item]\nvalue = {STICK_VALUE}\nweight = 10\nbulk = 10\n'
        )
    with (data / "objects" / "placed.toml").open("a") as placed:
        for kind, (row, col) in (("pedlar", KEEPER_SQUARE), ("banker", BANKER_SQUARE)):
            placed.write(f'\n[[object]]\nkey = "inn_{kind}"\nkind = "{kind}"\nroom = "jasper_inn"\nrow = {row}\ncol = {col}\n')
    return data


def prepare_store(url: str) -> dict[str, int]:
    """An account with a character each; Ann carries the sticks, Ben, Cat and Dan their
    shillings (one operation, in the ledger). Returns the character ids by account."""
    db = open_database(url)
    try:
        ids = {}
        for name in PLAYERS:
            accounts.create_account(db, name, f"pw-{name}", cost=auth.TEST_COST)
            ids[name] = characters.create_character(db, name, name.capitalize()).id
        rows = [ItemRow(FIRST_ITEM_ID + i, "stick", None, None, 0, 0, 0, ids["ann"], i, 0) for i in range(STICKS)]
        rows.append(ItemRow(FIRST_ITEM_ID + STICKS, "shillings", TRADERS_MONEY, None, 0, 0, 0, ids["ben"], 0, 0))
        rows.append(ItemRow(FIRST_ITEM_ID + STICKS + 1, "shillings", CAT_MONEY, None, 0, 0, 0, ids["cat"], 0, 0))
        rows.append(ItemRow(FIRST_ITEM_ID + STICKS + 2, "shillings", DAN_MONEY, None, 0, 0, 0, ids["dan"], 0, 0))
        entries = (LedgerEntry("stick", created=STICKS, reason="kill loop"),
                   LedgerEntry("shillings", created=TRADERS_MONEY + CAT_MONEY + DAN_MONEY, reason="kill loop"))
        apply_item_batch(db, [Operation(1, tuple((r.id, r) for r in rows), entries)],
                         datetime.datetime.now(datetime.UTC))
        return ids
    finally:
        db.close()


@attrs.define
class Holdings:
    """What one character carries, by the store or by the client."""

    sticks: set[int] = attrs.field(factory=set)
    money: dict[int, int] = attrs.field(factory=dict)  # pile id -> shillings
    banked: int = attrs.field(default=0, eq=False)  # at the bank (the store knows; the client asks)

    @property
    def shillings(self) -> int:
        return sum(self.money.values())


def stored_holdings(url: str, ids: dict[str, int]) -> tuple[dict[str, Holdings], list[str]]:
    """Each player's holdings in the store, and every broken store-wide invariant."""
    db = open_database(url)
    try:
        stored = load_items(db)
    finally:
        db.close()
    problems = []
    verdict = check_ledger(stored.totals, existing_units(stored.rows, stored.balances))
    if not verdict.ok:
        problems.append(f"ledger: {verdict}")
    by_character = {character: name for name, character in ids.items()}
    held = {name: Holdings() for name in PLAYERS}
    for row in stored.rows:
        if (row.room is None) == (row.carrier is None):
            problems.append(f"item {row.id} is in {row.room!r} and carried by {row.carrier}")
        name = by_character.get(row.carrier) if row.carrier is not None else None
        if name is None:
            continue
        if row.kind == "stick":
            held[name].sticks.add(row.id)
        elif row.kind == "shillings":
            held[name].money[row.id] = row.number or 0
    for balance in stored.balances:
        name = by_character.get(balance.character)
        if name is not None:
            held[name].banked += balance.amount
    return held, problems


def client_holdings(inventory: Message) -> Holdings:
    held = Holdings()
    for listed in inventory["objects"]:
        if listed["id"] & NUMBER_TAG:
            held.money[listed["id"] & ID_MASK] = listed["amount"]
        else:
            held.sticks.add(listed["id"] & ID_MASK)
    return held


class Stopped(Exception):
    """The server went away under a player: the round is over."""


@attrs.define
class Player:
    """A logged-in protocol client and what it last knew."""

    name: str
    client: LiveClient
    id: int
    room_contents: Message

    def send(self, name: str, **fields: Any) -> None:
        try:
            self.client.request(name, **fields)
        except OSError as gone:
            raise Stopped() from gone

    def wait_for(self, name: str, since: int, deadline: float) -> Message:
        """The first ``name`` message that arrived after ``since`` messages."""
        while True:
            for message in self.client.received[since:]:
                if message.name == name:
                    return message
            since = len(self.client.received)
            if self.client.closed_by_server:
                raise Stopped()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: no {name}; got {[m.name for m in self.client.received[-20:]]}")
            try:
                list(self.client._read(min(deadline, time.monotonic() + 0.5)))
            except OSError as gone:
                raise Stopped() from gone

    def inventory(self, deadline: float) -> Holdings:
        mark = len(self.client.received)
        self.send("BP_REQ_INVENTORY")
        return client_holdings(self.wait_for("BP_INVENTORY", mark, deadline))


def ref(object_id: int, amount: int | None = None) -> dict[str, Any]:
    return {"id": object_id | (NUMBER_TAG if amount is not None else 0), "amount": amount}


def enter(server: LiveServer, account: str) -> Player:
    client = server.connect(resources=server.client_resources())
    client.login_to_game(account, f"pw-{account}")
    client.request("BP_SEND_CHARACTERS")
    (character,) = client.expect("BP_CHARACTERS")[-1]["characters"]
    client.request("BP_USE_CHARACTER", character_id=character["id"])
    burst = client.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    player = next(m for m in burst if m.name == "BP_PLAYER")
    contents = next(m for m in burst if m.name == "BP_ROOM_CONTENTS")
    return Player(account, client, player["id"], contents)


@attrs.define
class Counts:
    trades: int = 0
    buys: int = 0
    sells: int = 0
    bankings: int = 0  # a deposit and its withdrawal
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def add(self, what: str) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)


def trade_loop(ann: Player, ben: Player, counts: Counts, stop: threading.Event, deadline: float) -> None:
    """Whoever holds more sticks sells one to the other for :data:`PRICE` shillings."""
    held = {p.name: p.inventory(deadline) for p in (ann, ben)}
    while not stop.is_set():
        seller, buyer = (ann, ben) if len(held["ann"].sticks) >= len(held["ben"].sticks) else (ben, ann)
        if held[buyer.name].shillings < PRICE:
            seller, buyer = buyer, seller
        if not held[seller.name].sticks or held[buyer.name].shillings < PRICE:
            raise AssertionError(f"no trade possible: {held}")
        stick = min(held[seller.name].sticks)
        pile, _ = max(held[buyer.name].money.items(), key=lambda entry: entry[1])
        mark_buyer, mark_seller = len(buyer.client.received), len(seller.client.received)
        seller.send("BP_REQ_OFFER", partner=ref(buyer.id), objects=[ref(stick)])
        buyer.wait_for("BP_OFFER", mark_buyer, deadline)
        buyer.send("BP_REQ_COUNTEROFFER", objects=[ref(pile, PRICE)])
        seller.wait_for("BP_COUNTEROFFER", mark_seller, deadline)
        seller.send("BP_ACCEPT_OFFER")
        # the seller's inventory reply leaves after the exchange; the buyer asks after that
        before = held[seller.name].shillings + held[buyer.name].shillings
        held[seller.name] = seller.inventory(deadline)
        held[buyer.name] = buyer.inventory(deadline)
        if held[seller.name].shillings + held[buyer.name].shillings != before or stick not in held[buyer.name].sticks:
            raise AssertionError(f"the trade of stick {stick} did not happen whole: {held}")
        counts.add("trades")


def shop_loop(cat: Player, counts: Counts, stop: threading.Event, deadline: float) -> None:
    """Buy a stick from the pedlar, sell it back, again and again."""
    y, x = square_centre(*KEEPER_SQUARE)
    (pedlar,) = [o["id"] for o in cat.room_contents["objects"] if (o["y"], o["x"]) == (y, x)]
    held = cat.inventory(deadline)
    while not stop.is_set():
        mark = len(cat.client.received)
        cat.send("BP_REQ_BUY", seller=ref(pedlar))
        listed = cat.wait_for("BP_BUY_LIST", mark, deadline)
        (offer,) = listed["offers"]
        cat.send("BP_REQ_BUY_ITEMS", seller=ref(pedlar), objects=[ref(offer["object"]["id"] & ID_MASK)])
        after = cat.inventory(deadline)
        (bought,) = after.sticks - held.sticks
        counts.add("buys")
        mark = len(cat.client.received)
        cat.send("BP_REQ_OFFER", partner=ref(pedlar), objects=[ref(bought)])
        cat.wait_for("BP_COUNTEROFFER", mark, deadline)
        cat.send("BP_ACCEPT_OFFER")
        held = cat.inventory(deadline)
        if bought in held.sticks:
            raise AssertionError(f"the pedlar did not take stick {bought}")
        counts.add("sells")


def bank_loop(dan: Player, banked: int, counts: Counts, stop: threading.Event, deadline: float,
              rng: random.Random) -> None:
    """Take out what an earlier round left in the bank, then deposit part of the purse and
    withdraw it again, each answer awaited."""

    def banker(command: UC, amount: int) -> Holdings:
        mark = len(dan.client.received)
        dan.send("BP_USERCOMMAND", command=command, args={"amount": {"id": amount, "amount": None}})
        dan.wait_for("BP_MESSAGE", mark, deadline)
        return dan.inventory(deadline)

    held = dan.inventory(deadline)
    if banked:
        held = banker(UC.UC_WITHDRAW, banked)
    if held.shillings != DAN_MONEY:
        raise AssertionError(f"Dan carries {held.shillings} shillings with nothing in the bank")
    while not stop.is_set():
        amount = rng.randint(1, DAN_MONEY)
        if banker(UC.UC_DEPOSIT, amount).shillings != DAN_MONEY - amount:
            raise AssertionError(f"Dan's deposit of {amount} did not leave his purse")
        if banker(UC.UC_WITHDRAW, amount).shillings != DAN_MONEY:
            raise AssertionError(f"Dan's withdrawal of {amount} did not reach his purse")
        counts.add("bankings")


def run_actor(loop: Callable[[], None], failures: list[str]) -> threading.Thread:
    def guarded() -> None:
        try:
            loop()
        except Stopped:
            pass
        except Exception as error:  # reported by the round, never lost in a thread
            failures.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    return thread


@attrs.frozen
class Prices:
    """What the pedlar asks for a stick and pays for one, by the shop rules."""

    sells: int = shops.unit_price(STICK_VALUE, PEDLAR_MARKUP)
    buys: int = shops.keeper_offer([STICK_VALUE], PEDLAR_MARKUP)


def cat_reachable(held: Holdings, prices: Prices) -> list[str]:
    """Cat starts with :data:`CAT_MONEY` and no stick; each buy costs ``sells`` and each
    sale pays ``buys``. Her holdings must be reachable by whole deals."""
    loss_per_cycle = prices.sells - prices.buys
    sticks = len(held.sticks)
    # money = CAT_MONEY - cycles * loss - sticks * sells, for some whole cycles >= 0
    spent = CAT_MONEY - held.shillings - sticks * prices.sells
    if spent < 0 or (loss_per_cycle and spent % loss_per_cycle) or (not loss_per_cycle and spent):
        return [f"cat holds {held.shillings} shillings and {sticks} sticks: not a whole number of deals"]
    return []


def one_round(number: int, server_dir: Path, url: str, config: str, ids: dict[str, int], rng: random.Random,
              counts: Counts, prices: Prices) -> list[str]:
    """Start, check the clients see the store, play until a random kill, check the store."""
    before, problems = stored_holdings(url, ids)
    server = LiveServer(server_dir, url, config)
    failures: list[str] = []
    try:
        players = {name: enter(server, name) for name in PLAYERS}
        deadline = time.monotonic() + 30
        for name, player in players.items():
            seen = player.inventory(deadline)
            if seen != before[name]:
                failures.append(f"{name} sees {seen}, the store holds {before[name]}")
        stop = threading.Event()
        threads = [
            run_actor(lambda: trade_loop(players["ann"], players["ben"], counts, stop, deadline), failures),
            run_actor(lambda: shop_loop(players["cat"], counts, stop, deadline), failures),
            run_actor(lambda: bank_loop(players["dan"], before["dan"].banked, counts, stop, deadline,
                                        random.Random(rng.random())), failures),
        ]
        time.sleep(rng.uniform(0.0, ROUND_SECONDS))
        server.process.kill()
        server.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
        for player in players.values():
            player.client.close()
    finally:
        server.stop()
    after, problems = stored_holdings(url, ids)
    problems += failures
    ann_ben = after["ann"], after["ben"]
    if sum(len(h.sticks) for h in ann_ben) != STICKS or sum(h.shillings for h in ann_ben) != TRADERS_MONEY:
        problems.append(f"Ann and Ben hold {[len(h.sticks) for h in ann_ben]} sticks and "
                        f"{[h.shillings for h in ann_ben]} shillings: a trade was half done")
    problems += cat_reachable(after["cat"], prices)
    if after["dan"].shillings + after["dan"].banked != DAN_MONEY:
        problems.append(f"Dan carries {after['dan'].shillings} and banks {after['dan'].banked} shillings")
    print(f"kill {number}: Ann {len(after['ann'].sticks)} sticks {after['ann'].shillings} sh, "
          f"Ben {len(after['ben'].sticks)} sticks {after['ben'].shillings} sh, "
          f"Cat {len(after['cat'].sticks)} sticks {after['cat'].shillings} sh, "
          f"Dan {after['dan'].shillings} sh + {after['dan'].banked} banked; "
          f"so far {counts.trades} trades, {counts.buys} buys, {counts.sells} sales, "
          f"{counts.bankings} deposits and withdrawals", flush=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop starting rounds after this long")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed}", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="m59-kill-loop-") as scratch:
        work = Path(scratch)
        data = world_data(work)
        url = f"sqlite:///{work / 'world.db'}"
        ids = prepare_store(url)
        # the players deal as fast as the server answers: lift the flood budget
        config = (f'[server]\ndata = "{data}"\n[requests]\nrate = 200.0\nburst = 400\n'
                  '[requests.kinds]\nBP_REQ_INVENTORY = [200.0, 400]\nBP_REQ_BUY = [200.0, 400]\n')
        counts = Counts()
        prices = Prices()
        done = 0
        for number in range(1, args.kills + 1):
            if time.monotonic() - started > args.max_seconds:
                print(f"stopped after {args.max_seconds:.0f} s", flush=True)
                break
            problems = one_round(number, work, url, config, ids, rng, counts, prices)
            if problems:
                for problem in problems:
                    print(f"  BROKEN: {problem}", flush=True)
                return 1
            done = number
    print(f"kills: {done}; trades {counts.trades}, buys {counts.buys}, sales {counts.sells}, "
          f"bankings {counts.bankings}; every invariant held; {time.monotonic() - started:.0f} s", flush=True)
    if not (counts.trades and counts.buys and counts.sells and counts.bankings):
        print("BROKEN: the players never completed a trade, a purchase, a sale and a banking", flush=True)
        return 1
    return 0 if done == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
