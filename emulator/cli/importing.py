"""``m59emu import``: make a data folder from the operator's own copy of the original game."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from emulator.content.loader import ContentError, load_world
from emulator.importer.blakod import BlakodSyntaxError


def add_import_command(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "import",
        help="write a data folder from a copy of the original game (Blakod kod/, room files)",
        description=(
            "Reads the Blakod sources (kod/), the room files (.roo) and the compiler's resource ids "
            "(kodbase.txt) of your copy of the original game, and writes a data folder the server "
            "loads with --data. What cannot be imported as data is listed in import-report.txt."
        ),
    )
    parser.add_argument("--source", type=Path, required=True,
                        help="checkout of the Meridian 59 source: holds kod/ (and resource/rooms/, build/kodbase.txt)")
    parser.add_argument("--resources", type=Path, default=None,
                        help="the client's resource folder (.roo files, kodbase.txt); default: found in --source")
    parser.add_argument("--out", type=Path, required=True, help="the data folder to write (created or replaced)")
    parser.set_defaults(run=_run_import)
    return parser


def _run_import(args: argparse.Namespace) -> int:
    from emulator.importer.original import REPORT_NAME, ImportSourceError, import_world

    started = time.perf_counter()
    try:
        report = import_world(args.source, args.out, args.resources)
    except (ImportSourceError, OSError, BlakodSyntaxError) as error:
        print(f"m59emu import: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    try:
        load_world(args.out)
    except ContentError as error:
        print(f"m59emu import: the folder written does not load:\n{error}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s; details in {args.out / REPORT_NAME}")
    return 0
