"""The ledger of items: what was ever created and destroyed, per kind, and the check that
it accounts for what exists.

Every creation (treasure, later shops) and destruction (a room tidied, later use) adds to
the ledger with the kind and the number of units: a number item counts its number (money
in shillings), any other item counts one. Moving, splitting and joining never touch it.
The invariant, per kind: created - destroyed = the units that exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

__all__ = ["Ledger", "LedgerEntry", "LedgerLine", "LedgerVerdict", "check_ledger"]


@attrs.frozen
class LedgerEntry:
    """One creation or destruction: ``created`` and ``destroyed`` units of ``kind``."""

    kind: str
    created: int = 0
    destroyed: int = 0
    reason: str = ""  # "treasure", "tidied", "dropped", "content gone", ...


@attrs.define
class Ledger:
    """Running totals per kind: (created, destroyed)."""

    totals: dict[str, tuple[int, int]] = attrs.field(factory=dict)

    def add(self, entry: LedgerEntry) -> None:
        created, destroyed = self.totals.get(entry.kind, (0, 0))
        self.totals[entry.kind] = (created + entry.created, destroyed + entry.destroyed)

    def add_all(self, entries: Iterable[LedgerEntry]) -> None:
        for entry in entries:
            self.add(entry)


@attrs.frozen
class LedgerLine:
    kind: str
    created: int
    destroyed: int
    existing: int

    @property
    def balanced(self) -> bool:
        return self.created - self.destroyed == self.existing and self.created >= 0 and self.destroyed >= 0


@attrs.frozen
class LedgerVerdict:
    lines: tuple[LedgerLine, ...]  # by kind

    @property
    def ok(self) -> bool:
        return all(line.balanced for line in self.lines)

    def report(self) -> str:
        rows = [("KIND", "CREATED", "DESTROYED", "EXISTING", "")]
        for line in self.lines:
            rows.append((line.kind, str(line.created), str(line.destroyed), str(line.existing),
                         "ok" if line.balanced else "MISMATCH"))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        text = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
        bad = [line.kind for line in self.lines if not line.balanced]
        text.append("ledger balanced" if not bad else f"ledger MISMATCH in {len(bad)} kind(s): {', '.join(bad)}")
        return "\n".join(text)


def check_ledger(totals: Mapping[str, tuple[int, int]], existing: Mapping[str, int]) -> LedgerVerdict:
    """Compare the ledger's totals with the units that exist, kind by kind (a kind on
    either side only counts as zero on the other)."""
    kinds = sorted(set(totals) | set(existing))
    return LedgerVerdict(tuple(
        LedgerLine(kind, *totals.get(kind, (0, 0)), existing.get(kind, 0)) for kind in kinds
    ))
