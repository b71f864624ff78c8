"""The game hub without sockets: requests in, messages out, on a driven clock."""

from __future__ import annotations

import datetime

from twisted.internet import defer, task

from emulator.config import DEFAULT_DATA_DIR
from emulator.content.loader import load_world
from emulator.game import texts
from emulator.game.hub import GameConfig, GameHub
from emulator.game.ports import Account
from emulator.game.resources import ServerResources, in_memory_assigner
from emulator.store.characters import CharacterRecord
from emulator.wire.codec import Message, table
from emulator.world.world import World
from protocol_specs.registry import GAME, S2C

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def record(character_id: int, account_id: int, name: str) -> CharacterRecord:
    return CharacterRecord(
        id=character_id, account_id=account_id, account_name=f"acct{account_id}", name=name, first_time=False,
        description="", gender=1, appearance=None, room=None, y=0, x=0, angle=0, health=18, max_health=20,
        mana=7, max_mana=10, vigor=150, might=30, intellect=20, stamina=25, agility=25, mysticism=25, aim=25,
        karma=-5, created_at=NOW, last_saved_at=None, last_played_at=None,
    )


class Store:
    def __init__(self, records):
        self.records = {r.id: r for r in records}
        self.saved = []

    def list_characters(self, account_id):
        return defer.succeed([r for r in self.records.values() if r.account_id == account_id])

    def get_character(self, character_id):
        return defer.succeed(self.records.get(character_id))

    def save_characters(self, states):
        self.saved.extend(states)
        return defer.succeed(None)

    def save_world_state(self, snapshot):
        return defer.succeed(None)

    def save_items(self, operations):
        return defer.succeed(len(operations))


class Link:
    """A client link that collects what the hub sends and proves each message decodes with its schema."""

    def __init__(self, resources):
        self.resources = resources
        self.messages: list[Message] = []

    def deliver(self, messages):
        codec = table(GAME, S2C)
        for message in messages:
            self.messages.append(codec.decode(message.payload, self.resources.table))

    def character_entered(self):
        pass

    def close(self, reason):
        self.closed = reason

    def named(self, name):
        return [m for m in self.messages if m.name == name]


def setup():
    definition = load_world(DEFAULT_DATA_DIR)
    resources = ServerResources(definition, in_memory_assigner())
    store = Store([record(1, 10, "Anna"), record(2, 20, "Boris")])
    hub = GameHub(World(definition, seed=3), definition, resources, store, task.Clock(), GameConfig(broadcast_seconds=0, broadcast_seconds_per_player=0))
    connections = {}
    for key, account, character in ((1, 10, 1), (2, 20, 2)):
        connections[key] = Link(resources)
        hub.enter_game(connections[key], Account(account, f"acct{account}", 0))
        hub.request(connections[key], Message("BP_USE_CHARACTER", {"character_id": character}))
        end_of_turn(hub)
    return hub, connections, resources


def end_of_turn(hub):
    """What others see leaves at the end of the reactor turn."""
    hub.context.clock.advance(0)


def test_entry_burst_in_the_original_order():
    hub, connections, resources = setup()
    names = [m.name for m in connections[1].messages]
    burst = names[names.index("BP_LOAD_MODULE"):]
    order = ["BP_LOAD_MODULE", "BP_MESSAGE", "BP_PLAYERS", "BP_PLAYER", "BP_LIGHT_SHADING", "BP_ROOM_CONTENTS",
             "BP_PLAY_MUSIC", "BP_USERCOMMAND", "BP_LOAD_MODULE", "BP_STAT"]
    remaining = iter(burst)
    assert all(name in remaining for name in order), burst  # in this order, others may come between
    assert connections[1].named("BP_LOAD_MODULE")[0]["module"] == resources.id(texts.UI_MODULE)


def test_stats_groups_and_look_at_a_player():
    hub, connections, resources = setup()
    anna = connections[1]
    for group in (1, 2, 3, 4, 9):
        hub.request(connections[1], Message("BP_SEND_STATS", {"group": group}))
    groups = {m["group"]: m["stats"] for m in anna.named("BP_STAT_GROUP")}
    assert sorted(groups) == [1, 2, 3, 4]  # group 9 is not answered
    health = groups[1][0]["data"]["value"]
    assert (health["value"], health["current_max"]) == (18, 20)
    assert [s["data"]["value"]["value"] for s in groups[2]] == [30, 20, 25, 25, 25, 25, -5]
    boris_id = next(pid for pid, s in hub.in_world.items() if s.avatar.name == "Boris")
    hub.request(connections[1], Message("BP_REQ_LOOK", {"object": {"id": boris_id, "amount": None}}))
    look = anna.named("BP_USERCOMMAND")[-1]
    assert look["command"] == 2 and look["args"]["object"]["id"] == boris_id  # UC_LOOK_PLAYER
    hub.request(connections[1], Message("BP_SEND_STAT_GROUPS", {}))
    assert len(anna.named("BP_STAT_GROUPS")[-1]["names"]) == 4


def test_speech_formats_for_speaker_and_listener():
    hub, connections, resources = setup()
    hub.request(connections[1], Message("BP_SAY_TO", {"say_type": 2, "text": "over here"}))
    end_of_turn(hub)
    mine = connections[1].named("BP_SAID")[-1]["text"]
    theirs = connections[2].named("BP_SAID")[-1]["text"]
    assert resources.text(mine["format"]) == texts.SAY_SELF[2] and mine["params"] == ["over here"]
    assert resources.text(theirs["format"]) == texts.SAY[2]
    assert resources.text(theirs["params"][0]) == "Anna"  # the dynamic name resource


def test_leaving_saves_the_character_and_tells_the_others():
    hub, connections, resources = setup()
    anna_id = next(pid for pid, s in hub.in_world.items() if s.avatar.name == "Anna")
    hub.leave_game(connections[1])
    end_of_turn(hub)
    assert [state.character_id for state in hub.store.saved] == [1]
    assert connections[2].named("BP_PLAYER_REMOVE")[-1]["id"] == anna_id
    assert connections[2].named("BP_REMOVE")[-1]["id"] == anna_id
