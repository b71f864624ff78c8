"""The pure figures of walls and poison: where a wall's elements go by the way its caster
faces, how long they last, what a scratch or a burn is called, how poison bites and how a
cure weakens it."""

from __future__ import annotations

from emulator.rules.dice import Roll
from emulator.rules.spells import poison, walls


def _fixed(value: int) -> Roll:
    return lambda low, high: max(low, min(high, value))


def test_the_way_a_caster_faces_is_cut_at_the_sixteenths() -> None:
    assert [walls.octant(a) for a in (0, 255, 256, 767, 768, 1024, 2048, 3072, 3839)] == [0, 0, 1, 1, 2, 2, 4, 6, 7]
    assert walls.octant(3840) == 0 and walls.octant(4095) == 0


def test_fog_is_three_by_three_two_squares_ahead() -> None:
    east = walls.fog_squares(0, 10, 10)
    assert east[0] == (10, 12) and len(set(east)) == 9
    assert {(r - 10, c - 12) for r, c in east} == {(r, c) for r in (-1, 0, 1) for c in (-1, 0, 1)}
    assert walls.fog_squares(1024, 10, 10)[0] == (12, 10)  # facing south: rows grow southwards


def test_a_line_of_five_crosses_the_casters_way() -> None:
    assert walls.bramble_squares(0, 10, 10) == [(8, 11), (9, 11), (10, 11), (11, 11), (12, 11)]
    assert walls.bramble_squares(3072, 10, 10) == [(9, 8), (9, 9), (9, 10), (9, 11), (9, 12)]  # north


def test_fillers_stand_half_a_square_along_the_line() -> None:
    placed = walls.line_with_fillers(0, 10, 10, 10, 20)  # east: the line runs south
    actives = [p for p in placed if p[4]]
    fillers = [p for p in placed if not p[4]]
    assert len(actives) == 5 and len(fillers) == 4
    assert fillers[0] == (8, 11, 42, 20, False)
    assert walls.line_with_fillers(0, 10, 10, 40, 20)[1] == (9, 11, 8, 20, False)  # past the middle: the next square


def test_a_ring_surrounds_its_target() -> None:
    placed = walls.ring_squares(5, 5)
    around = {(r, c) for r, c, _, _, active in placed if active}
    assert around == {(r, c) for r in (4, 5, 6) for c in (4, 5, 6)} - {(5, 5)}
    assert [(r, c) for r, c, _, _, active in placed if not active] == [(5, 5)] * 4


def test_spore_clouds_grow_with_the_reach() -> None:
    assert [len(walls.spore_squares(r, 5, 5)) for r in (1, 2, 3)] == [5, 13, 25]


def test_times_and_words() -> None:
    assert walls.fog_duration_ms(_fixed(0), 0) == 22_500 and walls.fog_duration_ms(_fixed(1000), 99) == 82_500
    assert walls.bramble_duration_ms(_fixed(60), 5) == 60_000
    assert walls.element_duration_ms(_fixed(1000), 180) == 200_000
    assert walls.bramble_damage_most(99) == 5 and walls.bramble_damage_most(14) == 0
    assert [walls.scratch_purpose(d) for d in (0, 1, 2, 3, 4, 5, 9)] == [
        "scratch_0", "scratch_2", "scratch_2", "scratch_3", "scratch_4", "scratch_5", "scratch_5"]
    assert [walls.burn_purpose(d) for d in (0, 4, 5, 14, 15)] == ["burn_0", "burn_5", "burn_10", "burn_15", "burn_20"]
    assert [walls.stuck_purpose(s) for s in (0, 1, 3, 4)] == ["stuck_0", "stuck_1", "stuck_3", "stuck_5"]
    assert walls.bounded_line((1, 6, 0, 1, 16), 99) == 16 and walls.bounded_line((1, 6, 0, 1, 16), 3) == 1


def test_poison_bites_never_take_the_last_point() -> None:
    assert poison.health_after(60, 5000) == 55
    assert poison.health_after(3, 5000) == 1
    assert poison.health_after(1, 5000) == 1


def test_a_cure_removes_or_weakens_a_dose() -> None:
    assert poison.cure(_fixed(100), 5000, 40) == 3000  # the roll misses the power: weakened by it
    assert poison.cure(_fixed(1), 5000, 40) == 0  # the roll is under the power: gone
    assert poison.cure(_fixed(100), 100, 10) == 0  # too weak to keep
    assert poison.resisted(_fixed(5), 10) and not poison.resisted(_fixed(50), 10) and not poison.resisted(_fixed(1), 0)
