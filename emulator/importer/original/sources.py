"""Where the parts of the operator's copy of the game are: Blakod sources, resource ids, room files."""

from __future__ import annotations

from pathlib import Path

import attrs


class ImportSourceError(Exception):
    """The source folder is not a copy of the game the importer can read."""


@attrs.define
class SourceCopy:
    """Where the parts of the operator's copy are."""

    root: Path
    kod_dir: Path
    kodbase: Path | None
    room_dir: Path

    @classmethod
    def find(cls, source: Path, resources: Path | None = None) -> SourceCopy:
        source = Path(source)
        kod_dir = source / "kod" if (source / "kod").is_dir() else source
        if not any(kod_dir.glob("*.kod")) and not (kod_dir / "object").is_dir():
            raise ImportSourceError(f"{source}: no Blakod sources (expected a kod/ folder)")
        candidates = [
            source / "build" / "kodbase.txt",
            kod_dir / "kodbase.txt",
            source / "kodbase.txt",
        ]
        if resources is not None:
            candidates.insert(0, Path(resources) / "kodbase.txt")
        kodbase = next((path for path in candidates if path.is_file()), None)
        room_candidates = [Path(resources)] if resources is not None else []
        room_candidates += [source / "resource" / "rooms", source / "resource", source / "rooms"]
        room_dir = next((path for path in room_candidates if path.is_dir() and any(path.glob("*.roo"))), None)
        if room_dir is None:
            raise ImportSourceError(f"{source}: no room files (.roo) found; give --resources DIR")
        return cls(source, kod_dir, kodbase, room_dir)
