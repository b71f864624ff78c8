"""The world keeps living with nobody connected, on a clock the test drives, and the
autosave runs inside the tick loop without stopping it."""

from __future__ import annotations

from twisted.internet import defer, task

from emulator.config import DEFAULT_DATA_DIR
from emulator.content.loader import load_world
from emulator.game.hub import GameConfig, GameHub
from emulator.game.resources import ServerResources, in_memory_assigner
from emulator.world.world import World


class RecordingStore:
    """A character store whose saves finish only when the test says so."""

    def __init__(self) -> None:
        self.character_saves: list[list] = []
        self.world_saves: list[dict] = []
        self.pending: list[defer.Deferred] = []

    def _later(self) -> defer.Deferred:
        deferred: defer.Deferred = defer.Deferred()
        self.pending.append(deferred)
        return deferred

    def save_characters(self, states):
        self.character_saves.append(list(states))
        return self._later()

    def save_world_state(self, snapshot):
        self.world_saves.append(snapshot)
        return self._later()

    def save_items(self, operations):
        return defer.succeed(len(operations))

    def finish_saves(self) -> None:
        while self.pending:
            self.pending.pop(0).callback(None)


def make_hub(clock: task.Clock, store: RecordingStore, seed: int = 7) -> GameHub:
    definition = load_world(DEFAULT_DATA_DIR)
    world = World(definition, seed=seed)
    resources = ServerResources(definition, in_memory_assigner())
    return GameHub(world, definition, resources, store, clock, GameConfig(tick_seconds=1.0, autosave_seconds=10.0))


def wanderer_positions(hub: GameHub) -> dict:
    return {key: value for key, value in hub.world.snapshot()["objects"].items()}


def test_world_ticks_with_no_players_and_autosaves_during_the_loop():
    clock, store = task.Clock(), RecordingStore()
    hub = make_hub(clock, store)
    hub.start()
    before = wanderer_positions(hub)
    clock.pump([1.0] * 9)
    assert hub.world.tick_count == 9 and store.world_saves == []
    clock.pump([1.0])  # t = 10: tick and the first autosave
    assert hub.world.tick_count == 10 and len(store.world_saves) == 1
    assert store.character_saves == [[]]  # nobody online
    # The save is still running on the store's thread: ticking goes on meanwhile ...
    clock.pump([1.0] * 10)
    assert hub.world.tick_count == 20
    # ... and the next autosave, due now, is not stacked on the unfinished one.
    assert len(store.world_saves) == 1
    store.finish_saves()
    clock.pump([1.0] * 10)
    assert hub.world.tick_count == 30 and len(store.world_saves) == 2
    assert wanderer_positions(hub) != before  # the cow at the lake wandered with nobody watching
    assert store.world_saves[-1]["tick_count"] in (29, 30)  # both loops are due at t = 30


def test_same_seed_and_clock_give_the_same_world():
    results = []
    for _ in range(2):
        clock, store = task.Clock(), RecordingStore()
        hub = make_hub(clock, store, seed=42)
        hub.start()
        clock.pump([1.0] * 50)
        results.append(wanderer_positions(hub))
    assert results[0] == results[1]


def test_saved_world_state_restores_after_a_restart():
    clock, store = task.Clock(), RecordingStore()
    hub = make_hub(clock, store)
    hub.start()
    clock.pump([1.0] * 40)
    saved = store.world_saves[-1]
    restarted = make_hub(task.Clock(), RecordingStore())
    restarted.world.restore(saved)
    assert restarted.world.snapshot()["objects"] == saved["objects"]
    assert restarted.world.tick_count == saved["tick_count"]
