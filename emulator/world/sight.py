"""Line of sight over a room file's squares.

A monster sees a square when the straight line of squares towards it (a Bresenham walk)
crosses no wall: every square on the way is open and every single step between them is
one the room file allows. Without a room file nothing blocks the view.
"""

from __future__ import annotations

from emulator.world.roofile import RoomGeometry

__all__ = ["line_of_sight", "squares_between"]


def squares_between(row: int, col: int, to_row: int, to_col: int) -> list[tuple[int, int]]:
    """The squares of a straight line from (row, col) to (to_row, to_col), both ends
    included, each one step (straight or diagonal) from the last."""
    d_row, d_col = abs(to_row - row), abs(to_col - col)
    step_row = 1 if to_row > row else -1
    step_col = 1 if to_col > col else -1
    error = d_col - d_row
    squares = [(row, col)]
    while (row, col) != (to_row, to_col):
        doubled = 2 * error
        if doubled > -d_row:
            error -= d_row
            col += step_col
        if doubled < d_col:
            error += d_col
            row += step_row
        squares.append((row, col))
    return squares


def line_of_sight(geometry: RoomGeometry | None, row: int, col: int, to_row: int, to_col: int) -> bool:
    """Whether the view from one square reaches the other without crossing a wall."""
    if geometry is None:
        return True
    line = squares_between(row, col, to_row, to_col)
    for (from_row, from_col), (next_row, next_col) in zip(line, line[1:]):
        # the players' grid: the monster grid also fences monsters out of places they can see
        if not geometry.can_step(from_row, from_col, next_row, next_col):
            return False
    return True
