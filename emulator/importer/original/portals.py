"""Portals rooms place at start: a glowing object and, on its square, a way to another room.

The original places them in ``CreateStandardObjects`` (``Create(&Portal, #dest_room_num=...,
#dest_row=..., #dest_col=...)``, often through a property first) and moves whoever steps on
them (the portal's ``SomethingMoved``), not on ``BP_REQ_GO`` as doors do. The Underworld's
five portals are its only ways out, so without them the dead could never leave it.

A portal's destination that code changes while the game runs (``HellPortal`` swaps its
town on a timer; the Underworld lights all but one or two of its portals, chosen at random,
until its brazier puzzle is solved) is a rule in code: those are listed in the report. The
Underworld's portals are imported open, as each is most of the time.
"""

from __future__ import annotations

from typing import Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import CallValue, ClassRef, KodClass, ResourceRef, ast, evaluate, find_assignments, find_sends
from emulator.importer.blakod.calls import iter_statements
from emulator.importer.original.common import _fits, _int, _key
from emulator.importer.original.kinds import KindImport
from emulator.importer.original.rooms import RoomImport

PORTAL_CLASS = "Portal"
#: Portals whose destination is chosen by code at run time.
MOVING_PORTALS = frozenset({"hellportal"})


class PortalImport(RoomImport, KindImport):
    """Portals placed by rooms: a placed object and an exit taken on stepping onto it."""

    def import_portals(self) -> None:
        count = 0
        for key in sorted(self.rooms):
            cls = self.room_class(key)
            for owner in self._placing_classes(cls):
                for site in find_sends(owner, "NewHold", "CreateStandardObjects"):
                    made = self._portal_made(owner, site.call)
                    if made is None:
                        continue
                    portal_class, create = made
                    if portal_class.name.casefold() in MOVING_PORTALS:
                        self.skip("portal", owner, site.line, f"{portal_class.name} changes its destination in code")
                        continue
                    row, col = _int(site.named_arg("new_row")), _int(site.named_arg("new_col"))
                    number = _int(create.named_arg("dest_room_num"))
                    to_row, to_col = _int(create.named_arg("dest_row")), _int(create.named_arg("dest_col"))
                    if None in (row, col, number, to_row, to_col):
                        self.skip("portal", owner, site.line, "portal square or destination is computed in code")
                        continue
                    assert row is not None and col is not None and number is not None
                    assert to_row is not None and to_col is not None
                    if not self.geometry[key].inside(row, col):
                        self.skip("portal", owner, site.line, f"portal square ({row}, {col}) is outside {key}")
                        continue
                    arrival = self._arrival(owner, site.line, number, to_row, to_col, f"portal ({row}, {col})")
                    if arrival is None:
                        continue
                    exits = self.rooms[key].setdefault("exits", [])
                    if any(e.get("row") == row and e.get("col") == col for e in exits):
                        self.skip("portal", owner, site.line, f"portal square ({row}, {col}) has an earlier exit")
                        continue
                    kind = self._portal_kind(portal_class, create, owner, site.line)
                    if kind is None:
                        continue
                    to_room, arrive_row, arrive_col = arrival
                    exits.append({"row": row, "col": col, "on_step": True, "to": to_room, "to_row": arrive_row, "to_col": arrive_col})
                    count += 1
                    self.placed.append({"key": f"{key}-portal-{count}"[:64], "kind": kind, "room": key, "row": row, "col": col})
        self.report.counts["portals"] = count

    def _placing_classes(self, cls: KodClass) -> list[KodClass]:
        """The classes whose CreateStandardObjects run for this room (up the `propagate` chain)."""
        chain = []
        for ancestor in cls.ancestry():
            handler = ancestor.messages.get("createstandardobjects")
            if handler is None:
                continue
            chain.append(ancestor)
            if not any(isinstance(statement, ast.Propagate) for statement in iter_statements(handler.body)):
                break
        return chain

    def _portal_made(self, owner: KodClass, call: ast.Call) -> tuple[KodClass, CallValue] | None:
        """The portal class and its Create call placed by this NewHold: made in place, or
        made into a property or local first (the last such assignment in the handler)."""
        what = call.named.get("what")
        create: Any = None
        if isinstance(what, ast.Name):
            sites = [s for s in find_assignments(owner, what.name, "CreateStandardObjects") if s.line <= call.line]
            create = sites[-1].value if sites else None
        elif what is not None:
            create = evaluate(what, owner.scope())
        if not (isinstance(create, CallValue) and create.function.casefold() == "create" and create.args):
            return None
        made = create.args[0]
        if not isinstance(made, ClassRef) or made.name not in self.tree.classes:
            return None
        portal_class = self.tree.classes[made.name]
        if not portal_class.is_a(PORTAL_CLASS):
            return None
        return portal_class, create

    def _portal_kind(self, portal_class: KodClass, create: CallValue, owner: KodClass, line: int) -> str | None:
        """The portal's kind: its class, or a variant of it when the room gives it a
        description of its own (the Underworld names each portal's town)."""
        base = self.kind_table(portal_class, "kinds", report=False)
        if base is None:
            self.skip("portal", owner, line, f"{portal_class.name} has no name or icon")
            return None
        base["moveon"] = "teleporter"
        key = _key(portal_class.name)
        desc = create.named_arg("desc")
        if isinstance(desc, ResourceRef):
            resource = self.tree.resources.get(desc.name.casefold())
            text = resource.text(None) if resource is not None else None
            if text is not None and _fits(text, MAX_DESCRIPTION_BYTES, True):
                base["description"] = text
                base.pop("description_rsc", None)
                if resource is not None and resource.id is not None:
                    base["description_rsc"] = resource.id
                key = _key(f"{portal_class.name}-{desc.name}")
        self.variant_tables.setdefault(key, base)
        return key
