"""Entering and leaving the world many times leaves nothing behind: names, sessions,
queued output and pending calls all go when the session ends."""

from __future__ import annotations

import gc

from twisted.internet import defer

from emulator.game.ports import Account
from emulator.wire.codec import Message
from tests.test_hub import end_of_turn, setup

ENTRIES = 10_000


class CountingLink:
    """A client link that only counts what it is given (decoding is tested elsewhere)."""

    def __init__(self) -> None:
        self.delivered = 0

    def deliver(self, messages):
        self.delivered += len(messages)

    def character_entered(self):
        pass

    def close(self, reason):
        pass


class ForgetfulStore:
    """Answers like the test store but keeps nothing it is asked to save."""

    def __init__(self, records):
        self.records = records

    def get_character(self, character_id):
        return defer.succeed(self.records.get(character_id))

    def save_characters(self, states):
        return defer.succeed([])

    def save_world_state(self, snapshot):
        return defer.succeed(None)

    def save_items(self, operations):
        return defer.succeed(len(operations))


def test_ten_thousand_entries_leave_memory_flat():
    hub, links, resources = setup()
    hub.leave_game(links[1])  # Anna's character is the one that comes and goes
    hub.context.store = ForgetfulStore(hub.context.store.records)
    watcher = links[2]  # Boris stays and sees every arrival
    watcher.deliver = lambda messages: None  # decoding is tested elsewhere; here it only costs time

    def one_entry():
        link = CountingLink()
        hub.enter_game(link, Account(10, "acct10", 0))
        hub.request(link, Message("BP_USE_CHARACTER", {"character_id": 1}))
        hub.request(link, Message("BP_LOGOFF", {}))
        hub.leave_game(link)
        end_of_turn(hub)

    for _ in range(500):  # warm caches and free lists
        one_entry()
    gc.collect()
    names_before = len(resources.table.texts)
    objects_before = len(gc.get_objects())
    for _ in range(ENTRIES):
        one_entry()
    gc.collect()
    grown = len(gc.get_objects()) - objects_before
    assert len(resources.table.texts) == names_before  # the name was freed every time
    assert resources.names_held == 1  # only Boris's
    assert len(hub.sessions) == 1 and len(hub.in_world) == 1
    assert len(hub.context.clock.getDelayedCalls()) == 0
    assert grown < 100, f"{grown} more objects after {ENTRIES} entries"  # one per entry would be 10,000
