"""Turn the operator's copy of the original game into a data folder (``m59emu import``).

Reads the Blakod classes (through :mod:`emulator.importer.blakod`), the client's room
files and the compiler's resource ids, and writes a folder in the format of ``data/``
with the extensions documented in ``data/README.md``: rooms with their exits, flags,
monster tables and spawn points; creature, town NPC, item and ornament kinds; spells,
skills, treasure tables and the texts and sounds of a fight. Texts keep the original resource ids (``*_rsc`` keys).

What the sources say in code rather than data is never guessed: it is listed in
``import-report.txt`` with class, file, line and why. The output depends only on the
input files: sorted keys, no timestamps, so the same copy gives byte-identical files.

The families live in the modules of this package; this one runs them in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emulator.importer.blakod import KodTree
from emulator.importer.original.buying import BuyingImport
from emulator.importer.original.kinds import KindImport
from emulator.importer.original.messages import MessageImport
from emulator.importer.original.output import SERVER_CONFIG_NAME, write_folder
from emulator.importer.original.placed import PlacedImport
from emulator.importer.original.portals import PortalImport
from emulator.importer.original.references import ReferenceImport
from emulator.importer.original.report import REPORT_NAME, ImportReport, Skipped, _relative
from emulator.importer.original.rooms import RoomImport
from emulator.importer.original.sources import ImportSourceError, SourceCopy
from emulator.importer.original.spells import SpellImport
from emulator.importer.original.treasure import TreasureImport


class _Importer(
    PortalImport, RoomImport, PlacedImport, SpellImport, TreasureImport, KindImport, BuyingImport, MessageImport, ReferenceImport
):
    """One import run: the families of the import over one shared state."""


def import_world(source: Path, out: Path, resources: Path | None = None, tree: KodTree | None = None) -> ImportReport:
    """Read the copy at ``source`` and write the data folder ``out``; returns the report."""
    copy = SourceCopy.find(source, resources)
    if tree is None:
        tree = KodTree.load(copy.kod_dir, copy.kodbase)
    importer = _Importer(tree, copy)
    if copy.kodbase is None:
        importer.skip("resource ids", None, 0, "no kodbase.txt: texts keep no original resource ids")
    for problem in tree.problems:
        importer.report.skipped.append(Skipped("blakod", "", _relative(Path(problem.path), copy.root), problem.line, problem.message))
    importer.import_rooms()
    importer.import_placed()
    importer.import_portals()
    importer.report_code_transitions()
    importer.import_spells()
    importer.import_skills()
    importer.import_treasure()
    importer.import_kinds()
    importer.import_dialogue()
    importer.import_buying()
    importer.resolve_references()
    importer.choose_start()
    importer.import_messages()
    write_folder(importer, out)
    return importer.report


def rooms_reached(rooms: Mapping[str, Mapping[str, Any]], start: str) -> set[str]:
    reached, pending = {start}, [start]
    while pending:
        for exit in rooms[pending.pop()].get("exits", ()):
            if exit["to"] not in reached:
                reached.add(exit["to"])
                pending.append(exit["to"])
    return reached


__all__ = [
    "REPORT_NAME",
    "SERVER_CONFIG_NAME",
    "ImportReport",
    "ImportSourceError",
    "SourceCopy",
    "Skipped",
    "import_world",
    "rooms_reached",
    "write_folder",
]
