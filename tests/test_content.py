"""World content in ``data/`` and its loader (``emulator.content.loader``)."""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
import textwrap
from collections import deque
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.content.loader import (
    FLAG_BITS,
    MOVEON_VALUES,
    ContentError,
    angle_from_degrees,
    load_world,
)
from emulator.content.model import Edge, WorldDefinition

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    """1-based line of the nth line containing ``needle``."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[nth]


def replace_line(path: Path, old: str, new: str, nth: int = 0) -> int:
    """Replace the nth line containing ``old`` with ``new``; return its line number."""
    lines = path.read_text().splitlines()
    number = line_of(path, old, nth)
    lines[number - 1] = new
    path.write_text("\n".join(lines) + "\n")
    return number


def problems_of(data_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_world(data_dir)
    return [str(p) for p in caught.value.problems]


def assert_problem(problems: list[str], file: Path, line: int, *words: str) -> None:
    prefix = f"{file}:{line}: "
    matching = [p for p in problems if p.startswith(prefix)]
    assert matching, f"no problem at {prefix!r} in:\n" + "\n".join(problems)
    assert any(all(w in p for w in words) for p in matching), matching


# ------------------------------------------------------------------ bundled world


def test_bundled_world_loads_with_connected_rooms() -> None:
    world = load_world(DATA)
    assert len(world.rooms) >= 5

    # Every room is reachable from the start by following exits.
    seen = {world.start.room}
    queue = deque([world.start.room])
    while queue:
        for exit_ in world.rooms[queue.popleft()].exits:
            if exit_.target.room not in seen:
                seen.add(exit_.target.room)
                queue.append(exit_.target.room)
    assert seen == set(world.rooms)

    # ... and every room leads somewhere, so nobody is stuck.
    for room in world.rooms.values():
        assert room.exits, room.key
        for exit_ in room.exits:
            target = world.rooms[exit_.target.room]
            assert 1 <= exit_.target.row <= target.rows and 1 <= exit_.target.col <= target.cols
            if exit_.edge is None:
                assert 1 <= exit_.row <= room.rows and 1 <= exit_.col <= room.cols  # type: ignore[operator]
        for spawn in room.spawns:
            assert spawn.room == room.key
            assert 1 <= spawn.row <= room.rows and 1 <= spawn.col <= room.cols

    start_room = world.rooms[world.start.room]
    assert 1 <= world.start.row <= start_room.rows and 1 <= world.start.col <= start_room.cols
    for obj in world.objects:
        room = world.rooms[obj.at.room]
        assert obj.kind in world.kinds
        assert 1 <= obj.at.row <= room.rows and 1 <= obj.at.col <= room.cols
    assert len({obj.key for obj in world.objects}) == len(world.objects)
    assert any(kind.wanders for kind in world.kinds.values())
    assert any(exit_.edge is not None for room in world.rooms.values() for exit_ in room.exits)


def test_bundled_inn_matches_the_captures() -> None:
    world = load_world(DATA)
    inn = world.rooms[world.start.room]
    assert (inn.name, inn.roo_file, inn.rows, inn.cols) == (
        "Yonder Inn of Jasper",
        "jasinn.roo",
        10,
        14,
    )
    assert inn.security == 0x899DEED0
    assert (world.start.row, world.start.col) == (4, 10)
    assert {world.kinds[o.kind].name for o in world.objects if o.at.room == inn.key} >= {
        "Widow Qesino",
        "Designers' News",
        "table",
    }
    assert inn.source.endswith(
        "jasper_inn.toml:" + str(line_of(DATA / "rooms/jasper_inn.toml", "name ="))
    )


def test_units_are_converted() -> None:
    world = load_world(DATA)
    keeper = world.kinds["innkeeper"]
    assert keeper.flags == FLAG_BITS["offerable"] | FLAG_BITS["buyable"] | MOVEON_VALUES["no"]
    assert keeper.flags == 0x601
    qesino = next(o for o in world.objects if o.key == "widow_qesino")
    assert qesino.at.angle == 3584  # north-east (kod ANGLE_NORTH_EAST)
    lake = world.rooms["lake_f8"]
    assert lake.exits[0].edge is Edge.WEST and lake.exits[0].target.angle == angle_from_degrees(225)


@pytest.mark.parametrize(
    ("degrees", "angle"),
    [(0, 3072), (90, 0), (180, 1024), (270, 2048), (45, 3584), (359, 3061)],
)
def test_angle_from_degrees(degrees: int, angle: int) -> None:
    assert angle_from_degrees(degrees) == angle


# ------------------------------------------------------------ each kind of error


def test_unknown_key_typo(data: Path) -> None:
    room = data / "rooms/jasper_smithy.toml"
    line = replace_line(room, "name =", 'nmae = "Quintor\'s Smithy"')
    assert_problem(problems_of(data), room, line, "unknown key 'nmae'", "did you mean 'name'")


def test_unknown_key_inside_exit_block(data: Path) -> None:
    room = data / "rooms/jasper_west.toml"
    line = replace_line(room, "to_col = 6", "to_colum = 6")  # the tavern door, 3rd exit
    problems = problems_of(data)
    assert_problem(problems, room, line, "unknown key 'to_colum'")
    # The missing to_col is reported at the exit block's header.
    header = line_of(room, "[[exits]]", 2)
    assert_problem(problems, room, header, "'to_col' is missing")


def test_bad_room_reference(data: Path) -> None:
    room = data / "rooms/jasper_west.toml"
    line = replace_line(room, 'to = "jasper_tavern"', 'to = "jasper_taven"')
    assert_problem(problems_of(data), room, line, "no room 'jasper_taven'", "jasper_tavern")


def test_bad_kind_and_room_of_placed_object(data: Path) -> None:
    placed = data / "objects/placed.toml"
    kind_line = replace_line(placed, 'kind = "cow"', 'kind = "cwo"')
    room_line = replace_line(placed, 'room = "jasper_hall"', 'room = "jasper_hal"')
    problems = problems_of(data)
    assert_problem(problems, placed, kind_line, "no object kind 'cwo'", "'cow'")
    assert_problem(problems, placed, room_line, "no room 'jasper_hal'")


def test_start_room_must_exist(data: Path) -> None:
    world = data / "world.toml"
    line = replace_line(world, 'room = "jasper_inn"', 'room = "nowhere"')
    assert_problem(problems_of(data), world, line, "start", "no room 'nowhere'")


def test_exit_square_outside_room(data: Path) -> None:
    room = data / "rooms/jasper_inn.toml"
    line = replace_line(room, "row = 2", "row = 11")  # the inn has 10 rows
    assert_problem(problems_of(data), room, line, "outside this room", "rows 1..10")


def test_exit_target_outside_target_room(data: Path) -> None:
    room = data / "rooms/jasper_hall.toml"
    line = replace_line(room, "to_row = 60", "to_row = 600")
    assert_problem(problems_of(data), room, line, "outside room 'jasper_east'")


def test_placed_object_outside_room(data: Path) -> None:
    placed = data / "objects/placed.toml"
    line = replace_line(placed, "col = 12", "col = 15")  # notice board; the inn has 14 cols
    assert_problem(problems_of(data), placed, line, "outside room 'jasper_inn'")


def test_duplicate_object_key(data: Path) -> None:
    placed = data / "objects/placed.toml"
    first = line_of(placed, 'key = "pietro"')
    line = replace_line(placed, 'key = "quintor"', 'key = "pietro"')
    first = line_of(placed, 'key = "pietro"', 0)
    second = line_of(placed, 'key = "pietro"', 1)
    assert line in (first, second)
    assert_problem(problems_of(data), placed, second, "'pietro' is used twice", f"line {first}")


def test_duplicate_exit_square_and_edge(data: Path) -> None:
    room = data / "rooms/jasper_store.toml"
    line = replace_line(room, "col = 2", "col = 1")
    # Reported at the duplicate's 'row' line, just above; the first one is named.
    first = line_of(room, "[[exits]]", 0)
    assert_problem(problems_of(data), room, line - 1, "already uses square", f"(line {first})")
    lake = data / "rooms/lake_f8.toml"
    lake.write_text(
        lake.read_text()
        + '\n[[exits]]\nedge = "west"\nto = "jasper_east"\nto_row = 1\nto_col = 1\n'
    )
    assert_problem(
        problems_of(data),
        lake,
        line_of(lake, 'edge = "west"', 1),
        "already has an exit past its west edge",
    )


def test_bad_toml_syntax(data: Path) -> None:
    room = data / "rooms/jasper_hall.toml"
    line = replace_line(room, "rows = 15", "rows = = 15")
    problems = problems_of(data)
    assert_problem(problems, room, line, "TOML syntax error")
    assert sum(str(room) in p for p in problems) == 1  # no follow-on noise from that file
    # References to the unparsable room are not flagged as unknown rooms.
    assert not any("no room 'jasper_hall'" in p for p in problems)


def test_non_latin1_text(data: Path) -> None:
    kinds = data / "objects/kinds.toml"
    line = replace_line(kinds, 'name = "cow"', 'name = "cow 🐄"')
    assert_problem(problems_of(data), kinds, line, "'name'", "Latin-1")


def test_latin1_accents_are_fine(data: Path) -> None:
    kinds = data / "objects/kinds.toml"
    replace_line(kinds, 'name = "cow"', 'name = "vache normande à l\'œil"'.replace("œ", "oe"))
    assert isinstance(load_world(data), WorldDefinition)


def test_wrong_types_and_ranges(data: Path) -> None:
    room = data / "rooms/jasper_store.toml"
    rows = replace_line(room, "rows = 25", "rows = 25.5")
    light = replace_line(room, "ambient_light = 164", "ambient_light = 300")
    kinds = data / "objects/kinds.toml"
    wanders = replace_line(kinds, "wanders = true", "wanders = 1")
    name = replace_line(kinds, 'name = "Pietro"', 'name = "' + "P" * 51 + '"')
    flag = replace_line(kinds, 'flags = ["gettable"]', 'flags = ["getable"]')
    problems = problems_of(data)
    assert_problem(problems, room, rows, "'rows' must be a whole number")
    assert_problem(problems, room, light, "out of range 0..255")
    assert_problem(problems, kinds, wanders, "true or false")
    assert_problem(problems, kinds, name, "51 bytes", "50")
    assert_problem(problems, kinds, flag, "unknown flag 'getable'", "did you mean 'gettable'")


def test_booleans_are_not_numbers(data: Path) -> None:
    placed = data / "objects/placed.toml"
    line = replace_line(placed, "row = 13", "row = true")
    assert_problem(problems_of(data), placed, line, "'row' must be a whole number")


def test_exit_needs_square_or_edge(data: Path) -> None:
    room = data / "rooms/lake_f8.toml"
    line = replace_line(room, 'edge = "west"', 'edge = "westward"')
    assert_problem(problems_of(data), room, line, "north, south, east or west")


def test_missing_files(data: Path) -> None:
    (data / "objects/kinds.toml").unlink()
    (data / "world.toml").unlink()
    problems = problems_of(data)
    assert f"{data / 'objects/kinds.toml'}:1: file is missing" in problems
    assert f"{data / 'world.toml'}:1: file is missing" in problems


def test_bad_room_file_name(data: Path) -> None:
    shutil.copy(data / "rooms/jasper_hall.toml", data / "rooms/Jasper Hall.toml")
    assert_problem(problems_of(data), data / "rooms/Jasper Hall.toml", 1, "must be lowercase")


def test_many_errors_are_reported_together(data: Path) -> None:
    smithy = data / "rooms/jasper_smithy.toml"
    west = data / "rooms/jasper_west.toml"
    placed = data / "objects/placed.toml"
    world = data / "world.toml"
    hall = data / "rooms/jasper_hall.toml"
    expected = [
        (smithy, replace_line(smithy, "name =", 'nmae = "x"')),
        (west, replace_line(west, 'to = "jasper_tavern"', 'to = "jasper_taven"')),
        (placed, replace_line(placed, 'kind = "cow"', 'kind = "cwo"')),
        (world, replace_line(world, "motd =", 'motd = "snow ☃"')),
        (hall, replace_line(hall, "rows = 15", "rows = 15 15")),
    ]
    problems = problems_of(data)
    for file, line in expected:
        assert any(p.startswith(f"{file}:{line}: ") for p in problems), (
            file,
            line,
            problems,
        )
    message = str(ContentError([]))
    assert "0 problems" in message


def test_broken_file_never_yields_a_partial_world(data: Path) -> None:
    # A single bad value in one room: nothing at all is returned.
    replace_line(data / "rooms/lake_f8.toml", "rows = 49", 'rows = "49"')
    with pytest.raises(ContentError) as caught:
        load_world(data)
    assert len(caught.value.problems) == 1
    assert "lake_f8.toml" in str(caught.value)


def test_problem_lines_in_inline_and_dotted_forms(data: Path) -> None:
    world = data / "world.toml"
    text = world.read_text()
    text = re.sub(r"\[start\][^\[]*", "", text)
    text += 'start = { room = "jasper_inn", row = 40, col = 10 }\n'
    world.write_text(text)
    line = line_of(world, "start = {")
    assert_problem(problems_of(data), world, line, "outside room 'jasper_inn'")


# --------------------------------------------------------------------------- fuzz

CONTENT_FILES = [
    "world.toml",
    "objects/kinds.toml",
    "objects/placed.toml",
    *(f"rooms/{p.name}" for p in sorted((DATA / "rooms").glob("*.toml"))),
]

_toml_scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: "nan" if math.isnan(f) else {math.inf: "inf", -math.inf: "-inf"}.get(f, repr(f))
    ),
    st.sampled_from(
        [
            "true",
            "false",
            "1979-05-27T07:32:00Z",
            "07:32:00",
            "0x899DEED0",
            "0o17",
            "1_000",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60).map(
        lambda s: json.dumps(s, ensure_ascii=False)
    ),
    st.sampled_from(['"north"', '"east"', '"jasper_inn"', '"cow"', '"x.roo"', '"x.bgf"', '"no"']),
)
_toml_values = st.recursive(
    _toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=8,
)
_garbage_lines = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(
        [
            "[[exits]]",
            "[[object]]",
            "[start]",
            "[cow]",
            "[[spawns]]",
            "nmae = 1",
            'edge = "north"',
        ]
    ),
)


def _load_only_content_errors(data_dir: Path) -> None:
    try:
        world = load_world(data_dir)
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1
            assert problem.path.startswith(str(data_dir))
        return
    assert isinstance(world, WorldDefinition)


def _fuzz_copy() -> tuple[tempfile.TemporaryDirectory[str], Path]:
    tmp = tempfile.TemporaryDirectory()
    copy = Path(tmp.name) / "data"
    shutil.copytree(DATA, copy)
    return tmp, copy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(CONTENT_FILES), raw=st.binary(max_size=400))
def test_fuzz_random_bytes_file(file: str, raw: bytes) -> None:
    tmp, copy = _fuzz_copy()
    with tmp:
        (copy / file).write_bytes(raw)
        _load_only_content_errors(copy)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(CONTENT_FILES),
    pick=st.integers(min_value=0),
    value=_toml_values,
)
def test_fuzz_random_toml_values(file: str, pick: int, value: str) -> None:
    tmp, copy = _fuzz_copy()
    with tmp:
        path = copy / file
        lines = path.read_text().splitlines()
        assignments = [i for i, line in enumerate(lines) if re.match(r"^\s*[A-Za-z_]+\s*=", line)]
        index = assignments[pick % len(assignments)]
        key = lines[index].split("=", 1)[0]
        lines[index] = f"{key}= {value}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _load_only_content_errors(copy)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(CONTENT_FILES),
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.one_of(st.none(), _garbage_lines)),
        max_size=4,
    ),
)
def test_fuzz_line_edits(file: str, edits: list[tuple[int, str | None]]) -> None:
    tmp, copy = _fuzz_copy()
    with tmp:
        path = copy / file
        lines = path.read_text().splitlines()
        for pick, new in edits:
            if not lines:
                break
            index = pick % len(lines)
            if new is None:
                del lines[index]
            else:
                lines.insert(index, new)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _load_only_content_errors(copy)


def test_readme_example_room_loads(data: Path) -> None:
    """The worked example in data/README.md stays correct."""
    readme = (DATA / "README.md").read_text()
    example = readme.split("## Example", 1)[1]
    room_block, inn_block = (
        textwrap.dedent(block) for block in re.findall(r"```toml\n(.*?)```", example, re.DOTALL)[:2]
    )
    (data / "rooms/inn_back_room.toml").write_text(room_block)
    inn = data / "rooms/jasper_inn.toml"
    inn.write_text(inn.read_text() + "\n" + inn_block)
    world = load_world(data)
    assert any(e.target.room == "inn_back_room" for e in world.rooms["jasper_inn"].exits)
    assert world.rooms["inn_back_room"].exits[0].target.room == "jasper_inn"


def test_on_step_is_only_for_square_exits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    east = data / "rooms" / "jasper_east.toml"
    east.write_text(east.read_text().replace("edge = ", "on_step = true\nedge = ", 1))
    with pytest.raises(ContentError) as raised:
        load_world(data)
    assert "'on_step' is only for a square exit" in str(raised.value)
    assert "jasper_east.toml:" in str(raised.value)
