"""The import report: what was imported, and every fact that was not, with where and why."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import attrs

from emulator.importer.blakod import KodClass


REPORT_NAME = "import-report.txt"


@attrs.define
class Skipped:
    category: str
    class_name: str
    file: str
    line: int
    why: str


@attrs.define
class ImportReport:
    counts: dict[str, int] = attrs.field(factory=dict)
    skipped: list[Skipped] = attrs.field(factory=list)

    def skip(self, category: str, cls: KodClass | None, line: int | None, why: str, source_root: Path) -> None:
        file = _relative(cls.path, source_root) if cls is not None else ""
        self.skipped.append(Skipped(category, cls.name if cls is not None else "", file, line or (cls.line if cls else 0), why))

    def skipped_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(item.category for item in self.skipped).items()))

    def summary(self) -> str:
        lines = ["imported:"]
        lines += [f"  {name}: {count}" for name, count in self.counts.items()]
        lines.append(f"not imported ({len(self.skipped)} facts, listed in {REPORT_NAME}):")
        lines += [f"  {name}: {count}" for name, count in self.skipped_counts().items()]
        return "\n".join(lines)

    def text(self) -> str:
        lines = [
            "m59emu import report",
            "",
            self.summary(),
            "",
            "What was not imported (category, class, file:line, why):",
        ]
        for item in sorted(self.skipped, key=lambda s: (s.category, s.file, s.line, s.class_name, s.why)):
            lines.append(f"{item.category}\t{item.class_name}\t{item.file}:{item.line}\t{item.why}")
        return "\n".join(lines) + "\n"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
