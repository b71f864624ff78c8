"""Objects rooms place at start (`CreateStandardObjects`), and the ornament kinds that differ
only by their `#type`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES, MAX_NAME_BYTES
from emulator.importer.blakod import CallValue, ClassRef, KodClass, KodValue, ResourceRef, ast, evaluate, find_sends
from emulator.importer.blakod.calls import iter_statements
from emulator.importer.original.common import _degrees, _fits, _int, _key
from emulator.importer.original.state import ImportState


class PlacedImport(ImportState):
    """Placed objects and the ornament variants they are made as."""

    def import_placed(self) -> None:
        for key in sorted(self.rooms):
            cls = self.room_class(key)
            geometry = self.geometry[key]
            owner_chain = []
            for ancestor in cls.ancestry():
                handler = ancestor.messages.get("createstandardobjects")
                if handler is None:
                    continue
                owner_chain.append(ancestor)
                if not any(isinstance(statement, ast.Propagate) for statement in iter_statements(handler.body)):
                    break  # the parents' objects only come with `propagate`
            counter = 0
            for owner in owner_chain:
                for site in find_sends(owner, "NewHold", "CreateStandardObjects"):
                    what = site.named_arg("what")
                    if not (isinstance(what, CallValue) and what.function.casefold() == "create" and what.args and isinstance(what.args[0], ClassRef)):
                        self.skip("object", owner, site.line, "placed object is not Create(&Class)")
                        continue
                    variant = self.variant_kind(what, owner, site.line)
                    extra = sorted(
                        name for name, _ in what.named if name.casefold() != "number" and self.constructor_takes(what.args[0].name, name)
                    )
                    if variant is None and extra:
                        self.skip("object", owner, site.line, f"{what.args[0].name} made with #{', #'.join(extra)}: its look depends on code")
                        continue
                    row, col = _int(site.named_arg("new_row")), _int(site.named_arg("new_col"))
                    if row is None or col is None:
                        self.skip("object", owner, site.line, f"{what.args[0].name}: square is computed in code")
                        continue
                    if not geometry.inside(row, col):
                        self.skip("object", owner, site.line, f"{what.args[0].name}: square ({row}, {col}) is outside {key}")
                        continue
                    kind = variant or self.want_kind(what.args[0].name, owner, site.line)
                    if kind is None:
                        continue
                    counter += 1
                    entry: dict[str, Any] = {"key": f"{key}-{counter}"[:64], "kind": kind, "room": key, "row": row, "col": col}
                    angle = _int(site.named_arg("new_angle"))
                    if angle is not None:
                        entry["angle"] = _degrees(angle)
                    self.placed.append(entry)

    def constructor_takes(self, class_name: str, argument: str) -> bool:
        """Whether a Create argument reaches a constructor of the class (one that takes no
        such parameter ignores it, e.g. the bank number given to bankers, which they hold
        as a classvar)."""
        if class_name not in self.tree.classes:
            return True
        wanted = argument.casefold()
        for cls in self.tree.classes[class_name].ancestry():
            for name in ("constructor", "constructed"):
                handler = cls.messages.get(name)
                if handler is not None and any(p.name.casefold() == wanted for p in handler.parameters):
                    return True
        return False

    def variant_kind(self, what: CallValue, where: KodClass, line: int) -> str | None:
        """`Create(&OrnamentalObject, #type=OO_BARREL)`: a kind of its own when the class
        picks name, icon and description by type in a chain of `if type = ...` blocks."""
        type_value = _int(what.named_arg("type"))
        if type_value is None or len(what.named) != 1 or not isinstance(what.args[0], ClassRef):
            return None
        cls = self.tree.classes.get(what.args[0].name) if what.args[0].name in self.tree.classes else None
        if cls is None:
            return None
        variants = self.type_variants(cls)
        found = variants.get(type_value)
        if found is None:
            return None
        key, table = found
        self.variant_tables[key] = table
        return key

    def type_variants(self, cls: KodClass) -> dict[int, tuple[str, dict[str, Any]]]:
        if cls.name in self.variant_cache:
            return self.variant_cache[cls.name]
        variants: dict[int, tuple[str, dict[str, Any]]] = {}
        owner = next((c for c in cls.ancestry() if "resetobjecttype" in c.messages), None)
        if owner is not None:
            scope = owner.scope()
            for statement in owner.messages["resetobjecttype"].body:
                if not (isinstance(statement, ast.If) and isinstance(statement.condition, ast.BinaryOp) and statement.condition.op == "="):
                    continue
                left, right = statement.condition.left, statement.condition.right
                number = _int(evaluate(right, scope))
                if not (isinstance(left, ast.Name) and left.name.casefold() == "type" and isinstance(right, ast.Name)) or number is None:
                    continue
                values: dict[str, KodValue] = {}
                for assignment in statement.then:
                    if isinstance(assignment, ast.Assign):
                        values[assignment.target.casefold()] = evaluate(assignment.value, scope)
                table = self.variant_table(owner, values)
                if table is not None:
                    suffix = right.name.casefold().removeprefix("oo_")
                    variants[number] = (_key(f"{cls.name}-{suffix}"), table)
        self.variant_cache[cls.name] = variants
        return variants

    def variant_table(self, owner: KodClass, values: Mapping[str, KodValue]) -> dict[str, Any] | None:
        table: dict[str, Any] = {}
        for field, variable, limit, multiline in (("name", "vrname", MAX_NAME_BYTES, False), ("icon", "vricon", MAX_NAME_BYTES, False), ("description", "vrdesc", MAX_DESCRIPTION_BYTES, True)):
            ref = values.get(variable)
            resource = self.tree.resources.get(ref.name.casefold()) if isinstance(ref, ResourceRef) else None
            text = resource.text(None) if resource is not None else None
            if text is None or not _fits(text, limit, multiline):
                if field == "description":
                    continue
                return None
            table[field] = text
            if resource is not None and resource.id is not None:
                table[f"{field}_rsc"] = resource.id
        if not str(table["icon"]).lower().endswith(".bgf"):
            return None
        flags = [name for name, variable in (("hanging", "pbhanging"), ("flickering", "pbflicker")) if _int(values.get(variable))]
        if not _int(values.get("pblook")):
            flags.append("noexamine")
        if flags:
            table["flags"] = flags
        if _int(values.get("pbnomoveon")):
            table["moveon"] = "no"
        return table
