"""Writing the data folder: world, rooms, object kinds, spells, skills, treasure, server
configuration and the report."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emulator.importer import toml_writer
from emulator.importer.original.messages import MESSAGES_NAME
from emulator.importer.original.report import REPORT_NAME
from emulator.importer.original.state import ImportState


SERVER_CONFIG_NAME = "server.toml"


def _header(what: str) -> str:
    return (
        f"{what}\n"
        "Written by `m59emu import` from the operator's copy of the original game.\n"
        "Names and descriptions are the original's; *_rsc keys keep its resource ids."
    )


def write_folder(importer: ImportState, out: Path) -> list[Path]:
    out = Path(out)
    rooms_dir, objects_dir = out / "rooms", out / "objects"
    for folder in (rooms_dir, objects_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    written: list[Path] = []

    def write(path: Path, data: Mapping[str, Any], header: str) -> None:
        path.write_text(toml_writer.dumps(data, header), encoding="utf-8", newline="\n")
        written.append(path)

    write(
        out / "world.toml",
        {
            "motd": "Meridian 59, served by m59emu from the operator's own copy of the original world.",
            "player_icon": "bta.bgf",
            "start": importer.start,
        },
        _header("The whole world: where new characters appear."),
    )
    for key in sorted(importer.rooms):
        write(rooms_dir / f"{key}.toml", importer.rooms[key], _header(f"Room {key}."))
    for family in ("kinds", "creatures", "npcs", "items"):
        tables = importer.kinds.get(family, {})
        if family == "kinds" or tables:
            write(objects_dir / f"{family}.toml", {key: tables[key] for key in sorted(tables)}, _header(f"Object kinds: {family}."))
    write(objects_dir / "placed.toml", {"object": importer.placed}, _header("Objects standing in rooms."))
    for name, tables in (("spells", importer.spells), ("skills", importer.skills), ("treasure", importer.treasure)):
        write(out / f"{name}.toml", {key: tables[key] for key in sorted(tables)}, _header(f"{name.capitalize()}."))
    if importer.messages:
        write(out / MESSAGES_NAME, importer.messages, _header("What a fight says and sounds like: texts by purpose, attack names by kind."))
    write(
        out / SERVER_CONFIG_NAME,
        {"server": {"data": "."}, "world": {"room_files": str(importer.source.room_dir.resolve())}},
        "A server configuration for this world: twistd -n m59emu --config THIS_FILE\n"
        "room_files: the client's room folder, for the security values and walls of every room.",
    )
    report_path = out / REPORT_NAME
    report_path.write_text(importer.report.text(), encoding="utf-8", newline="\n")
    written.append(report_path)
    return written
