"""Read `kodbase.txt`, the id database the original compiler writes.

Line kinds (tab-indented under the class they belong to):
`C name id parent_id [parent_name]` a class, `M name id` a message handler,
`P name id` a message parameter, `R name id` a resource, `V name index` a classvar,
`Y name index` a property, `T ...` the file's totals.
"""

from __future__ import annotations

from pathlib import Path

import attrs


@attrs.frozen
class KodBaseClass:
    name: str
    id: int
    parent_id: int
    messages: dict[str, int] = attrs.field(factory=dict)
    resources: dict[str, int] = attrs.field(factory=dict)
    classvars: dict[str, int] = attrs.field(factory=dict)
    properties: dict[str, int] = attrs.field(factory=dict)


@attrs.frozen
class KodBase:
    """Compiler-assigned ids; every mapping is keyed by casefolded name."""

    classes: dict[str, KodBaseClass]
    resource_ids: dict[str, int]
    message_ids: dict[str, int]

    def class_id(self, name: str) -> int | None:
        found = self.classes.get(name.casefold())
        return found.id if found is not None else None

    def resource_id(self, name: str) -> int | None:
        return self.resource_ids.get(name.casefold())

    def message_id(self, name: str) -> int | None:
        return self.message_ids.get(name.casefold())


def read_kodbase(path: Path) -> KodBase:
    classes: dict[str, KodBaseClass] = {}
    resource_ids: dict[str, int] = {}
    message_ids: dict[str, int] = {}
    current: KodBaseClass | None = None
    for line in path.read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        kind, name, number = fields[0], fields[1], fields[2]
        if kind == "C":
            current = KodBaseClass(name=name, id=int(number), parent_id=int(fields[3]) if len(fields) > 3 else 0)
            classes[name.casefold()] = current
            continue
        if current is None:
            continue
        key = name.casefold()
        if kind == "M":
            current.messages[key] = int(number)
            message_ids[key] = int(number)
        elif kind == "R":
            current.resources[key] = int(number)
            resource_ids[key] = int(number)
        elif kind == "V":
            current.classvars[key] = int(number)
        elif kind == "Y":
            current.properties[key] = int(number)
    return KodBase(classes=classes, resource_ids=resource_ids, message_ids=message_ids)
