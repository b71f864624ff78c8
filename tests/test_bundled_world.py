"""The bundled starter world in ``data/`` against the original game's own files.

The original's room files and Blakod source are read at test time from
``../shared/upstream`` (or ``M59_SHARED``); these tests fail, never skip, without them.

- every room's size and security value are those of the real ``.roo`` file;
- the server starts with ``[world] room_files`` pointed at the real rooms, and everything
  the content places (start, spawns, exit arrivals, objects) stands on a walkable square;
- no text of the bundled data repeats the original's prose: no run of
  ``RUN_WORDS`` consecutive words is shared with any resource string of the ``.kod`` files.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from twisted.application.service import Service
from twisted.internet.testing import MemoryReactorClock

from emulator.content.loader import load_world
from emulator.content.model import WorldDefinition
from emulator.world.roofile import RoomGeometry, load_roo
from emulator.world.world import World

from tests.conftest import REPO, SHARED

DATA = REPO / "data"
UPSTREAM = SHARED / "upstream"
ROOMS = UPSTREAM / "resource" / "rooms"
KOD = UPSTREAM / "kod"
RUN_WORDS = 6


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def room_folder() -> Path:
    if not ROOMS.is_dir() or not any(ROOMS.glob("*.roo")):
        pytest.fail(f"no original room files in {ROOMS}; set M59_SHARED to the shared folder")
    return ROOMS


@pytest.fixture(scope="module")
def definition() -> WorldDefinition:
    return load_world(DATA)


@pytest.fixture(scope="module")
def geometry(definition: WorldDefinition, room_folder: Path) -> dict[str, RoomGeometry]:
    """Each bundled room's real geometry, the file found by name regardless of case."""
    by_name = {path.name.lower(): path for path in room_folder.glob("*.roo")}
    found = {}
    for key, room in definition.rooms.items():
        path = by_name.get(room.roo_file.lower())
        assert path is not None, f"room {key}: no {room.roo_file} in {room_folder}"
        found[key] = load_roo(path)
    return found


# ------------------------------------------------------------------ room files


def test_rooms_have_the_size_and_security_of_their_room_file(definition, geometry) -> None:
    wrong = []
    for key, room in sorted(definition.rooms.items()):
        real = geometry[key]
        ours = (room.rows, room.cols, room.security)
        if ours != (real.rows, real.cols, real.security):
            wrong.append(
                f"{key} ({room.roo_file}): data has {room.rows} x {room.cols}, security "
                f"{room.security if room.security is None else hex(room.security)}; "
                f"the file has {real.rows} x {real.cols}, security {real.security:#x}"
            )
    assert not wrong, "\n".join(wrong)


def test_the_world_builds_on_the_real_room_files(definition, geometry) -> None:
    world = World(definition, geometry)
    assert world.room_id(definition.start.room)


def test_the_server_starts_with_room_files_pointed_at_the_original(tmp_path, room_folder) -> None:
    from emulator import tap

    config = tmp_path / "m59.toml"
    config.write_text(
        f'[server]\ndata = "{DATA}"\n'
        f'[world]\nrsc_dir = "{tmp_path / "rsc"}"\nroom_files = "{room_folder}"\n'
    )
    options = tap.Options()
    options.parseOptions(["--config", str(config), "--database", f"sqlite:///{tmp_path / 'w.db'}"])
    service = tap.makeService(options, reactor=MemoryReactorClock(), store=Service())  # SystemExit if not
    game = service.getServiceNamed("game")
    for key, room in load_world(DATA).rooms.items():
        # The value from the .roo file, and the one written in data/ agrees with it.
        assert game.hub.context.security_of(key) == room.security, key


def _places(definition: WorldDefinition) -> Iterator[tuple[str, str, int, int]]:
    """(what, room, row, col) of every square the content puts something or someone on."""
    start = definition.start
    yield "start", start.room, start.row, start.col
    for key, room in sorted(definition.rooms.items()):
        for spawn in room.spawns:
            yield f"spawn of {key} ({room.source})", key, spawn.row, spawn.col
        for exit in room.exits:
            where = f"{exit.edge.value} edge" if exit.edge else f"door ({exit.row}, {exit.col})"
            target = exit.target
            yield f"arrival of {key}'s {where} ({room.source})", target.room, target.row, target.col
    for placed in definition.objects:
        yield f"object {placed.key} ({placed.source})", placed.at.room, placed.at.row, placed.at.col


def test_everything_stands_on_a_walkable_square(definition, geometry) -> None:
    bad = []
    for what, room, row, col in _places(definition):
        real = geometry[room]
        if not real.inside(row, col):
            bad.append(f"{what}: ({row}, {col}) is outside {room}'s {real.rows} x {real.cols}")
        elif not real.walkable(row, col):
            bad.append(f"{what}: ({row}, {col}) in {room} is not walkable")
    assert not bad, "\n".join(bad)


def test_arrivals_are_not_on_a_door(definition) -> None:
    doors = {
        (key, exit.row, exit.col)
        for key, room in definition.rooms.items()
        for exit in room.exits
        if exit.edge is None
    }
    for key, room in definition.rooms.items():
        for exit in room.exits:
            target = exit.target
            assert (target.room, target.row, target.col) not in doors, (key, exit)


# ------------------------------------------------------------------ our own words

_KOD_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|%[^\n]*|^\s*([A-Za-z_]\w*)\s*=', re.MULTILINE)
_SECTION = re.compile(r"^\s*(constants|resources|classvars|properties|messages)\s*:", re.MULTILINE | re.IGNORECASE)
_FORMAT_CODE = re.compile(r"~[A-Za-z]|%[a-z]|\\[nrt]")


def resource_texts(source: str) -> list[str]:
    """The string resources of one .kod file: ``name = "text"`` in its ``resources:``
    sections, where a text may be several quoted pieces over continued lines; ``%``
    comments are skipped."""
    texts = []
    sections = list(_SECTION.finditer(source))
    for index, section in enumerate(sections):
        if section.group(1).lower() != "resources":
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(source)
        pieces: list[str] | None = None
        for token in _KOD_TOKEN.finditer(source, section.end(), end):
            if token.group(2) is not None:  # a new resource starts
                if pieces:
                    texts.append("".join(pieces))
                pieces = []
            elif token.group(1) is not None and pieces is not None:
                pieces.append(token.group(1))
        if pieces:
            texts.append("".join(pieces))
    return texts


def kod_resource_texts(kod: Path) -> list[str]:
    """Every string resource of every .kod file under ``kod``."""
    texts = []
    for path in sorted(kod.rglob("*.kod")):
        texts.extend(resource_texts(path.read_text(encoding="latin-1")))
    return texts


def words(text: str) -> list[str]:
    text = _FORMAT_CODE.sub(" ", text).lower().replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def runs(text: str, length: int = RUN_WORDS) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + length]) for i in range(len(found) - length + 1)}


def bundled_texts(data: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of every string value and every comment in the data files."""

    def strings(value, where):
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from strings(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from strings(item, f"{where}[{index}]")

    for path in sorted(data.rglob("*.toml")):
        name = str(path.relative_to(data))
        text = path.read_text(encoding="utf-8")
        yield from strings(tomllib.loads(text), name)
        for number, line in enumerate(text.splitlines(), 1):
            if "#" in line and line.lstrip().startswith("#"):
                yield f"{name}:{number} (comment)", line
    for path in sorted(data.rglob("*.md")):
        yield str(path.relative_to(data)), path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def original_runs() -> dict[tuple[str, ...], str]:
    if not KOD.is_dir():
        pytest.fail(f"no original kod source in {KOD}; set M59_SHARED to the shared folder")
    texts = kod_resource_texts(KOD)
    assert len(texts) > 5_000  # the whole game (about 7,800), not a stray file
    found: dict[tuple[str, ...], str] = {}
    for text in texts:
        for run in runs(text):
            found.setdefault(run, text)
    return found


def test_the_resource_reader_joins_continued_lines() -> None:
    source = (
        "Lamp is Thing\n\nconstants:\n\n   include blakston.khd\n\nresources:\n\n"
        '   lamp_name_rsc = "brass lamp"\n'
        "   lamp_icon_rsc = lamp.bgf   % a file name, not a text\n"
        "   lamp_desc_rsc = \\\n"
        '      "It glows %s, never brighter "\n'
        "      % a comment between the pieces\n"
        '      "than a \\"candle\\"."\n\n'
        'classvars:\n\n   vrName = lamp_name_rsc\n\nmessages:\n\n   Glow() { Debug("not a resource"); }\n'
    )
    texts = resource_texts(source)
    assert texts == ["brass lamp", 'It glows %s, never brighter than a \\"candle\\".']
    assert words(texts[1]) == ["it", "glows", "never", "brighter", "than", "a", "candle"]


def test_no_bundled_text_repeats_the_original(original_runs) -> None:
    copied = []
    for where, text in bundled_texts(DATA):
        for run in sorted(runs(text)):
            if run in original_runs:
                copied.append(f"{where}: {' '.join(run)!r} is in the original: {original_runs[run][:120]!r}")
                break
    assert not copied, "\n".join(copied)


SENTENCE_WORDS = 8  # a run this long is a sentence of someone's, not a name or a stock phrase


def repository_files() -> list[Path]:
    """The files the repository holds (``git ls-files``), text only."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    paths = [REPO / name for name in listed.decode().split("\0") if name]
    return [path for path in paths if path.is_file() and path.stat().st_size < 2_000_000]


def test_no_file_in_the_repository_holds_a_sentence_of_the_original() -> None:
    """What `git grep` would find: no eight-word run of any of the original's texts
    (descriptions, messages) in any file the repository holds, code and docs included."""
    if not KOD.is_dir():
        pytest.fail(f"no original kod source in {KOD}; set M59_SHARED to the shared folder")
    sentences: dict[tuple[str, ...], str] = {}
    for text in kod_resource_texts(KOD):
        for run in runs(text, SENTENCE_WORDS):
            sentences.setdefault(run, text)
    assert len(sentences) > 10_000
    copied = []
    files = repository_files()
    assert len(files) > 100
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # not text
        for run in runs(text, SENTENCE_WORDS) & sentences.keys():
            copied.append(f"{path.relative_to(REPO)}: {' '.join(run)!r} (the original: {sentences[run][:80]!r})")
    assert not copied, "\n".join(copied[:20])
