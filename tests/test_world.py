"""The world simulator: movement rules, exits, speech audiences, limits, ticking, persistence."""

from __future__ import annotations

import json

import attrs
import pytest

from emulator.content.model import (
    Edge,
    Exit,
    ObjectKind,
    PlacedObject,
    Placement,
    RoomDefinition,
    WorldDefinition,
    square_centre,
    square_of,
)
from emulator.world import events as ev
from emulator.world.roofile import RoomGeometry
from emulator.world.world import (
    BROADCAST,
    EMOTE,
    FIRST_PLAYER_ID,
    SAY,
    YELL,
    World,
    WorldError,
    WorldRules,
)


def definition(extra_objects: tuple[PlacedObject, ...] = ()) -> WorldDefinition:
    """inn (10x10) -- square exit at (5,5) to street, east edge to field;
    street (8x8) -- north edge back to the inn; field (12x12) -- west edge to the inn.
    So the inn neighbours both others, street and field only the inn."""
    rooms = {
        "inn": RoomDefinition(
            "inn", "Inn", "inn.roo", 10, 10,
            exits=(
                Exit(Placement("street", 3, 3), row=5, col=5),
                Exit(Placement("field", 5, 1, angle=1024), edge=Edge.EAST),
            ),
        ),
        "street": RoomDefinition("street", "Street", "street.roo", 8, 8, exits=(Exit(Placement("inn", 9, 5), edge=Edge.NORTH),)),
        "field": RoomDefinition("field", "Field", "field.roo", 12, 12, exits=(Exit(Placement("inn", 5, 10), edge=Edge.WEST),)),
    }
    kinds = {
        "keeper": ObjectKind("keeper", "innkeeper", "keeper.bgf", "Keeps the inn."),
        "rat": ObjectKind("rat", "rat", "rat.bgf", "A rat.", wanders=True),
    }
    objects = (
        PlacedObject("innkeeper", "keeper", Placement("inn", 2, 2)),
        PlacedObject("rat1", "rat", Placement("field", 6, 6)),
        PlacedObject("rat2", "rat", Placement("field", 3, 9)),
        *extra_objects,
    )
    return WorldDefinition(rooms, kinds, objects, start=Placement("inn", 4, 4))


def world(seed: int = 7, geometry: dict[str, RoomGeometry | None] | None = None, **rules: float) -> World:
    return World(definition(), geometry or {}, seed=seed, rules=WorldRules(**rules))


def at(world_: World, room: str, row: int, col: int, character: int = 1, name: str = "Ann") -> int:
    y, x = square_centre(row, col)
    player_id, _ = world_.add_player(character, name, ev.Position(room, y, x), now=0.0)
    return player_id


def square(world_: World, player_id: int) -> tuple[str, int, int]:
    player = world_.player(player_id)
    return (player.room, *square_of(player.y, player.x))


# ---------------------------------------------------------------------------- players


def test_new_player_starts_at_the_start_and_others_see_it() -> None:
    w = world()
    first = at(w, "inn", 3, 3)
    second, events = w.add_player(2, "Bob", None, now=0.0)
    assert second == FIRST_PLAYER_ID + 2
    assert square(w, second) == ("inn", 4, 4)
    assert events == [ev.PlayerJoined(second, "Bob", (first, second)), ev.ObjectEntered("inn", second)]
    keeper, *players = w.room_objects("inn")
    assert keeper.key == "innkeeper" and w.object(keeper.object_id) is keeper
    assert [p.object_id for p in players] == [first, second]


def test_invalid_saved_place_falls_back_to_start_and_duplicates_are_refused() -> None:
    w = world()
    player_id, _ = w.add_player(5, "Cy", ev.Position("gone", 100, 100), now=0.0)
    assert square(w, player_id) == ("inn", 4, 4)
    player_id2, _ = w.add_player(6, "Di", Placement("street", 99, 2), now=0.0)
    assert square(w, player_id2) == ("inn", 4, 4)
    with pytest.raises(WorldError):
        w.add_player(5, "Cy", None, now=0.0)


def test_remove_player_tells_the_room_and_the_list() -> None:
    w = world()
    ann, bob = at(w, "inn", 3, 3, 1), at(w, "inn", 3, 4, 2)
    assert w.remove_player(ann, 1.0) == [ev.PlayerLeft(ann, (bob,)), ev.ObjectLeft("inn", ann)]
    assert w.players_in("inn") == [w.player(bob)]
    assert w.remove_player(ann, 2.0) == []


# ---------------------------------------------------------------------------- movement


def test_walk_one_square_is_told_to_the_room_not_echoed() -> None:
    w = world()
    ann = at(w, "inn", 3, 3)
    y, x = square_centre(3, 4)
    assert w.move(ann, "inn", y, x, 18, 1.0) == [ev.ObjectMoved("inn", ann, y, x, 18, ann)]
    assert square(w, ann) == ("inn", 3, 4)


def test_move_in_the_wrong_room_is_ignored() -> None:
    w = world()
    ann = at(w, "inn", 3, 3)
    assert w.move(ann, "street", *square_centre(3, 4), 18, 1.0) == []
    assert square(w, ann) == ("inn", 3, 3)


def test_past_an_edge_without_exit_is_refused() -> None:
    w = world()
    ann = at(w, "inn", 1, 3)
    y, x = w.player(ann).y, w.player(ann).x
    assert w.move(ann, "inn", 40, x, 0, 1.0) == [ev.MoveRefused(ann, "outside the room", y, x)]


def test_past_an_edge_with_exit_changes_room() -> None:
    w = world()
    ann = at(w, "inn", 5, 10, 1)
    watcher_inn = at(w, "inn", 2, 9, 2)
    events = w.move(ann, "inn", *square_centre(5, 11), 0, 1.0)
    assert events == [
        ev.ObjectLeft("inn", ann),
        ev.PlayerMovedRoom(ann, "inn", "field"),
        ev.ObjectEntered("field", ann),
    ]
    assert square(w, ann) == ("field", 5, 1)
    assert w.player(ann).angle == 1024
    assert w.players_in("inn") == [w.player(watcher_inn)]
    # a move still addressed to the old room is stale and ignored
    assert w.move(ann, "inn", *square_centre(5, 9), 18, 2.0) == []


def test_too_fast_is_refused_and_position_kept() -> None:
    w = world()
    ann = at(w, "inn", 2, 2)
    y, x = w.player(ann).y, w.player(ann).x
    assert w.move(ann, "inn", *square_centre(9, 9), 36, 1.0) == [ev.MoveRefused(ann, "too fast", y, x)]
    assert square(w, ann) == ("inn", 2, 2)


def test_running_at_two_squares_a_second_goes_on_for_ever() -> None:
    w = world()
    ann = at(w, "inn", 1, 1)
    col = 1
    for second in range(1, 40):
        col = col + 2 if col <= 7 else 1
        if col == 1:
            w.remove_player(ann, float(second))
            ann = at(w, "inn", 1, 1)
            continue
        events = w.move(ann, "inn", *square_centre(1, col), 36, float(second))
        assert [type(e) for e in events] == [ev.ObjectMoved]


def test_sustained_speedhack_is_caught() -> None:
    w = world()
    ann = at(w, "field", 1, 1)
    covered = 0
    for step in range(1, 21):  # tries five squares every second, from wherever the server has it
        col = square_of(w.player(ann).y, w.player(ann).x)[1]
        target = col + 5 if col <= 6 else col - 5
        events = w.move(ann, "field", *square_centre(1, target), 36, float(step))
        covered += 5 * isinstance(events[0], ev.ObjectMoved)
    assert covered <= 3.0 * 20 + 5  # the refill rate plus the burst, no more


def wall_room() -> RoomGeometry:
    """10 x 10, column 5 is a wall on rows 1..9."""
    return RoomGeometry.open_floor(10, 10, blocked={(row, 5) for row in range(1, 10)})


def test_wall_refused_with_geometry_allowed_without() -> None:
    with_walls = world(geometry={"inn": wall_room()})
    ann = at(with_walls, "inn", 3, 4)
    y, x = with_walls.player(ann).y, with_walls.player(ann).x
    assert with_walls.move(ann, "inn", *square_centre(3, 5), 18, 1.0) == [ev.MoveRefused(ann, "blocked", y, x)]
    # two squares would be a "teleport" to the step rule; the path check still sees the wall
    assert with_walls.move(ann, "inn", *square_centre(3, 6), 36, 2.0) == [ev.MoveRefused(ann, "blocked", y, x)]
    # walking round the end of the wall is fine
    bob = at(with_walls, "inn", 9, 4, 2)
    assert [type(e) for e in with_walls.move(bob, "inn", *square_centre(10, 5), 18, 1.0)] == [ev.ObjectMoved]

    without = world()
    cy = at(without, "inn", 3, 4)
    assert [type(e) for e in without.move(cy, "inn", *square_centre(3, 5), 18, 1.0)] == [ev.ObjectMoved]


def test_geometry_must_match_the_content() -> None:
    with pytest.raises(WorldError, match="inn.roo"):
        world(geometry={"inn": RoomGeometry.open_floor(9, 10)})


def test_request_floods_are_dropped() -> None:
    w = world(action_burst=3, actions_per_second=1)
    ann = at(w, "inn", 3, 3)
    y, x = w.player(ann).y, w.player(ann).x
    answered = [w.move(ann, "inn", y + i % 2, x, 18, 1.0) for i in range(10)]
    assert sum(1 for events in answered if events) == 3
    assert w.turn(ann, 100, 1.0) == []
    assert w.turn(ann, 4096 + 100, 2.0) == [ev.ObjectTurned("inn", ann, 100, ann)]


# ---------------------------------------------------------------------------- exits


def test_go_uses_the_square_exit_under_the_player() -> None:
    w = world()
    ann = at(w, "inn", 5, 5)
    assert w.go(ann, 1.0) == [
        ev.ObjectLeft("inn", ann),
        ev.PlayerMovedRoom(ann, "inn", "street"),
        ev.ObjectEntered("street", ann),
    ]
    assert square(w, ann) == ("street", 3, 3)
    assert w.go(ann, 2.0) == []  # no exit under (3, 3) in the street


# ---------------------------------------------------------------------------- speech


def speakers() -> tuple[World, dict[str, int]]:
    w = world()
    ids = {
        "inn": at(w, "inn", 3, 3, 1, "Ann"),
        "inn2": at(w, "inn", 3, 4, 2, "Bob"),
        "street": at(w, "street", 4, 4, 3, "Cy"),
        "field": at(w, "field", 4, 4, 4, "Di"),
    }
    return w, ids


def test_say_and_emote_reach_the_room_speaker_included() -> None:
    w, ids = speakers()
    for say_type in (SAY, EMOTE):
        assert w.say(ids["inn"], say_type, "hello", 1.0) == [
            ev.Said("inn", ids["inn"], say_type, "hello", (ids["inn"], ids["inn2"]))
        ]


def test_yell_reaches_neighbouring_rooms_only() -> None:
    w, ids = speakers()
    (from_street,) = w.say(ids["street"], YELL, "hey", 1.0)
    assert set(from_street.audience) == {ids["street"], ids["inn"], ids["inn2"]}
    (from_inn,) = w.say(ids["inn"], YELL, "hey", 1.0)
    assert set(from_inn.audience) == set(ids.values())


def test_broadcast_reaches_everyone() -> None:
    w, ids = speakers()
    (said,) = w.say(ids["field"], BROADCAST, "all", 1.0)
    assert said.audience == tuple(ids.values())


def test_say_to_names_its_audience() -> None:
    w, ids = speakers()
    (said,) = w.say_to(ids["inn"], [ids["field"], 12345], "psst", 1.0)
    assert said.audience == (ids["inn"], ids["field"])


def test_long_text_and_unknown_types_are_refused() -> None:
    w, ids = speakers()
    assert w.say(ids["inn"], SAY, "x" * 256, 1.0) == [ev.SayRefused(ids["inn"], "too long")]
    assert len(w.say(ids["inn"], SAY, "x" * 255, 1.0)[0].text) == 255
    assert w.say(ids["inn"], 9, "dm", 1.0) == [ev.SayRefused(ids["inn"], "unsupported say type")]
    assert w.say(ids["inn"], SAY, "", 1.0) == []


def test_speech_rate_limit_is_a_token_bucket() -> None:
    w, ids = speakers()
    ann = ids["inn"]
    results = [w.say(ann, SAY, "spam", 10.0)[0] for _ in range(7)]
    assert [type(r) for r in results] == [ev.Said] * 5 + [ev.SayRefused] * 2
    assert results[-1] == ev.SayRefused(ann, "too often")
    assert isinstance(w.say(ann, SAY, "later", 11.0)[0], ev.Said)  # one more a second later
    assert isinstance(w.say(ann, SAY, "again", 11.0)[0], ev.SayRefused)


# ---------------------------------------------------------------------------- ticking


def rat_squares(w: World) -> list[tuple[str, int, int]]:
    return [(t.room, *square_of(t.y, t.x)) for t in w.room_objects("field")]


def test_ticking_with_nobody_around_moves_wanderers_only() -> None:
    w = world()
    before = rat_squares(w)
    keeper = w.room_objects("inn")[0]
    keeper_at = (keeper.y, keeper.x)
    events = [e for second in range(30) for e in w.tick(float(second))]
    assert w.tick_count == 30 and w.game_time == 30.0
    assert events and all(isinstance(e, ev.ObjectMoved) and e.room == "field" and e.mover is None for e in events)
    assert rat_squares(w) != before
    assert (keeper.y, keeper.x) == keeper_at
    for room, row, col in rat_squares(w):
        assert 1 <= row <= 12 and 1 <= col <= 12


def test_wanderers_respect_geometry() -> None:
    # the field's only walkable squares are the two rats' own
    walkable = {(6, 6), (3, 9)}
    blocked = {(r, c) for r in range(1, 13) for c in range(1, 13)} - walkable
    w = world(geometry={"field": RoomGeometry.open_floor(12, 12, blocked=blocked)})
    before = rat_squares(w)
    for second in range(50):
        assert w.tick(float(second)) == []
    assert rat_squares(w) == before


def test_ticks_follow_the_interval_and_catch_up_is_capped() -> None:
    w = world(tick_interval=1.0, max_catch_up_ticks=3)
    w.tick(0.0)
    w.tick(0.5)
    assert w.tick_count == 1
    w.tick(0.99)  # jitter just before the beat still counts
    assert w.tick_count == 2
    w.tick(100.0)  # a long stall: three ticks, then skip ahead
    assert w.tick_count == 5
    w.tick(100.5)
    assert w.tick_count == 5
    w.tick(101.0)
    assert w.tick_count == 6


def script(w: World) -> list[object]:
    events: list[object] = []
    ann = at(w, "field", 2, 2, 1)
    bob, joined = w.add_player(2, "Bob", None, now=0.0)
    events += joined
    for second in range(1, 25):
        now = float(second)
        events += w.tick(now)
        events += w.move(ann, "field", *square_centre(2, 2 + second % 3), 18, now)
        events += w.say(bob, SAY, f"line {second}", now)
        events += w.turn(bob, second * 100, now)
    return events


def test_same_seed_same_events_other_seed_other_events() -> None:
    assert script(world(seed=3)) == script(world(seed=3))
    assert script(world(seed=3)) != script(world(seed=4))


# ---------------------------------------------------------------------------- persistence


def test_snapshot_round_trips_through_json() -> None:
    w = world()
    for second in range(20):
        w.tick(float(second))
    snapshot = json.loads(json.dumps(w.snapshot()))
    again = world()
    again.restore(snapshot)
    assert again.snapshot() == w.snapshot()
    assert rat_squares(again) == rat_squares(w)
    # and both run on identically from there
    assert [again.tick(float(s)) for s in range(20, 30)] == [w.tick(float(s)) for s in range(20, 30)]


def test_ids_survive_restore_when_content_changes() -> None:
    w = world()
    old_ids = {t.key: t.object_id for room in ("inn", "field") for t in w.room_objects(room)}
    room_ids = {key: w.room_id(key) for key in ("inn", "street", "field")}
    snapshot = w.snapshot()
    # a new object whose key sorts first would take a low id in a fresh world
    extra = PlacedObject("aardvark", "keeper", Placement("street", 2, 2))
    edited = World(definition((extra,)), {}, seed=7)
    edited.restore(snapshot)
    assert {t.key: t.object_id for room in ("inn", "field") for t in edited.room_objects(room)} == old_ids
    assert {key: edited.room_id(key) for key in room_ids} == room_ids
    new_id = edited.room_objects("street")[0].object_id
    assert new_id not in old_ids.values() and new_id not in room_ids.values()
    assert edited.object(new_id).key == "aardvark"
    assert edited.room_key(room_ids["street"]) == "street"


def test_restore_drops_invalid_places_and_refuses_bad_states() -> None:
    w = world()
    snapshot = w.snapshot()
    snapshot["objects"]["rat1"].update(room="gone")
    snapshot["objects"]["rat2"].update(y=5000)
    fresh = world()
    fresh.restore(snapshot)
    assert rat_squares(fresh) == rat_squares(world())
    with pytest.raises(WorldError):
        world().restore({"version": 99})
    with pytest.raises(WorldError):
        world().restore({"version": 2, "objects": []})
    busy = world()
    at(busy, "inn", 3, 3)
    with pytest.raises(WorldError):
        busy.restore(w.snapshot())


def test_bad_content_is_refused_early() -> None:
    good = definition()
    with pytest.raises(WorldError, match="unknown room"):
        rooms = dict(good.rooms)
        rooms["street"] = attrs.evolve(rooms["street"], exits=(Exit(Placement("moon", 1, 1), edge=Edge.SOUTH),))
        World(attrs.evolve(good, rooms=rooms))
    with pytest.raises(WorldError, match="unknown kind"):
        World(attrs.evolve(good, objects=(PlacedObject("x", "dragon", Placement("inn", 1, 1)),)))


# ---------------------------------------------------------------------------- load


def test_a_hundred_walking_talking_players_are_all_served() -> None:
    # Speed is measured by emulator.bench.load (BENCHMARKS.md), not asserted here.
    w = world()
    players = [at(w, "field", 1 + i % 12, 1 + (i // 12) % 12, i + 1, f"P{i}") for i in range(100)]
    moved = said = 0
    for second in range(1, 31):
        now = float(second)
        w.tick(now)
        for index, player_id in enumerate(players):
            row, col = square_of(w.player(player_id).y, w.player(player_id).x)
            target_col = col + 1 if col < 12 else col - 1
            events = w.move(player_id, "field", *square_centre(row, target_col), 18, now)
            moved += sum(isinstance(event, ev.ObjectMoved) for event in events)
            if index % 10 == second % 10:
                said += sum(isinstance(event, ev.Said) for event in w.say(player_id, SAY, "hello", now))
    assert moved == 100 * 30
    assert said == 10 * 30
