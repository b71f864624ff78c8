"""Rooms: names, flags, exits, locked doors, monster tables, spawn points, moves made in code,
and the start square."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import NIL, CallValue, ClassRef, KodClass, ResourceRef, find_assignments, find_sends
from emulator.importer.original.common import (
    MAX_ANGLE,
    _collect,
    _constant_names,
    _degrees,
    _fits,
    _flags,
    _handler_class,
    _has_children,
    _int,
    _ints,
    _key,
    _line_of,
)
from emulator.importer.original.state import ImportState
from emulator.world.roofile import RoomFileError, RoomGeometry, load_roo


START_ROOM_NUMBER_CONSTANT = "RID_JAS_INN"  # the Yonder Inn of Jasper
EDGES = {1: "south", 2: "north", 3: "west", 4: "east"}  # LEAVE_SOUTH .. LEAVE_EAST
# ROW_IS_GREATER_THAN .. COL_IS_LESS_THAN: which squares an edge exit is for.
EDGE_CONDITIONS = {1: "row_above", 2: "row_below", 3: "col_above", 4: "col_below"}
NO_OTHER_CONDITIONS = 5
ROTATE_NONE = 8
LOCKED_DOOR = -1  # ROOM_LOCKED_DOOR


class RoomImport(ImportState):
    """Rooms with their exits and monster tables, and where new characters start."""

    def room_files(self) -> dict[str, Path]:
        return {path.name.casefold(): path for path in sorted(self.source.room_dir.iterdir()) if path.suffix.lower() == ".roo"}

    def collect_rooms(self) -> list[tuple[str, KodClass, Path]]:
        files = self.room_files()
        found: list[tuple[str, KodClass, Path]] = []
        used_files: dict[str, str] = {}
        for cls in sorted(self.tree.subclasses_of("Room"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("piRoom_num"))
            room_file = self.texts.resource(cls, "prRoom")
            if number is None or room_file is None:
                if _has_children(cls):
                    continue  # a family of rooms, not a room
                self.skip("room", cls, cls.line, "no room number (piRoom_num) or room file (prRoom): not a room players can enter")
                continue
            path = files.get(room_file[0].strip().casefold())
            if path is None:
                self.skip("room", cls, _line_of(cls, "prRoom"), f"room file {room_file[0]!r} is not among the client's room files")
                continue
            if number in self.room_by_number:
                self.skip("room", cls, _line_of(cls, "piRoom_num"), f"room number {number} is already used by {self.room_by_number[number]}")
                continue
            try:
                self.geometry[_key(cls.name)] = load_roo(path)
            except (RoomFileError, OSError) as error:
                self.skip("room", cls, _line_of(cls, "prRoom"), f"room file {path.name} cannot be read: {error}")
                continue
            used_files[path.name.casefold()] = cls.name
            self.room_by_number[number] = _key(cls.name)
            self.room_classes[_key(cls.name)] = cls
            found.append((_key(cls.name), cls, path))
        return found

    def import_rooms(self) -> None:
        found = self.collect_rooms()
        room_flag_names = _constant_names(self.tree, "ROOM_", exclude=("ROOM_OVERRIDE",))
        for key, cls, path in found:
            geometry = self.geometry[key]
            room: dict[str, Any] = {}
            if not self.texts.put(room, "name", cls, "vrName", category="room"):
                room["name"] = cls.name
            room["roo_file"] = path.name
            resource = cls.resource("prRoom")
            if resource is not None and resource.id is not None:
                room["roo_file_rsc"] = resource.id
            room["rows"], room["cols"], room["security"] = geometry.rows, geometry.cols, geometry.security
            room["number"] = _int(cls.value("piRoom_num"))
            # the teleport square is where players sent to the room alone arrive (its spawn)
            teleport_row, teleport_col = _int(cls.value("viTeleport_row")), _int(cls.value("viTeleport_col"))
            if teleport_row is not None and teleport_col is not None:
                # as the start square: a teleport square on a wall moves to the nearest open one
                near: tuple[int, int] | None = (teleport_row, teleport_col)
                if not geometry.walkable(teleport_row, teleport_col):
                    near = _nearest_walkable(geometry, teleport_row, teleport_col)
                if near is not None:
                    room["spawns"] = [{"row": near[0], "col": near[1]}]
            self.texts.put(room, "music", cls, "prMusic", category="room", file_suffixes=(".mid", ".mp3"))
            self.texts.put(room, "background", cls, "prBackground", category="room", file_suffixes=(".bgf",))
            light = _int(cls.value("piBaseLight"))
            if light is not None:
                if 0 <= light <= 255:
                    room["ambient_light"] = light
                else:
                    self.skip("room", cls, _line_of(cls, "piBaseLight"), f"light {light} is outside 0..255")
            flags = _int(cls.value("viPermanent_flags"))
            if flags:
                room["flags"] = [name.casefold() for name in _flags(flags, room_flag_names)]
            self.rooms[key] = room
        for key, cls, _ in found:
            self.import_exits(key, cls)
            self.import_monster_table(key, cls)
        self.report.counts["rooms"] = len(self.rooms)
        self.report.counts["exits"] = sum(len(room.get("exits", ())) for room in self.rooms.values())
        self.report.counts["locked doors"] = sum(len(room.get("locked_doors", ())) for room in self.rooms.values())

    def _arrival(self, cls: KodClass, line: int, number: int, row: int, col: int, what: str) -> tuple[str, int, int] | None:
        target = self.room_by_number.get(number)
        if target is None:
            self.skip("exit", cls, line, f"{what} leads to room number {number}, which is not an imported room")
            return None
        geometry = self.geometry[target]
        if not geometry.walkable(row, col):
            # The original puts arrivals on the nearest open square (UtilGoNearSquare).
            near = _nearest_walkable(geometry, min(max(row, 1), geometry.rows), min(max(col, 1), geometry.cols))
            if near is None:
                self.skip("exit", cls, line, f"{what} arrives on ({row}, {col}) of {target}, with no open square near")
                return None
            self.skip("adjusted arrival", cls, line, f"{what} arrives on ({row}, {col}) of {target}, not an open square: moved to {near} as the original's UtilGoNearSquare does")
            row, col = near
        return target, row, col

    def import_exits(self, key: str, cls: KodClass) -> None:
        geometry = self.geometry[key]
        exits: list[dict[str, Any]] = []
        locked: list[dict[str, Any]] = []
        squares: set[tuple[int, int]] = set()
        owner = _handler_class(cls, "CreateStandardExits", "plExits")
        if owner is not None:
            for site in find_assignments(owner, "plExits", "CreateStandardExits"):
                value = site.value
                if value == NIL or (isinstance(value, CallValue) and value.function.casefold() == "cons"):
                    continue
                if not isinstance(value, tuple):
                    self.skip("exit", owner, site.line, "plExits is computed in code")
            for item, line in _collect(cls, owner, "plExits", "CreateStandardExits"):
                if not isinstance(item, tuple) or len(item) < 3 or _int(item[0]) is None or _int(item[1]) is None:
                    self.skip("exit", owner, line, "door exit is not a list of numbers")
                    continue
                row, col = _ints(item[:1])[0], _ints(item[1:2])[0]
                if _int(item[2]) == LOCKED_DOOR:
                    if not geometry.inside(row, col) or (row, col) in squares:
                        self.skip("exit", owner, line, f"locked door ({row}, {col}) is outside the room or on an exit square")
                        continue
                    door: dict[str, Any] = {"row": row, "col": col}
                    if len(item) > 3 and isinstance(item[3], ResourceRef):
                        found = self.tree.resources.get(item[3].name.casefold())
                        text = found.text(None) if found is not None else None
                        if text is not None and _fits(text, MAX_DESCRIPTION_BYTES, False):
                            door["message"] = text
                            if found is not None and found.id is not None:
                                door["message_rsc"] = found.id
                    squares.add((row, col))
                    locked.append(door)
                    continue
                if len(item) not in (6, 7) or not all(_int(v) is not None for v in item):  # 7th: reach
                    self.skip("exit", owner, line, "door exit is not [row, col, room, row, col, angle] of constants")
                    continue
                number, to_row, to_col, angle = _ints(item[2:6])
                if not geometry.inside(row, col):
                    self.skip("exit", owner, line, f"door square ({row}, {col}) is outside the room ({geometry.rows} x {geometry.cols})")
                    continue
                if (row, col) in squares:
                    self.skip("exit", owner, line, f"door square ({row}, {col}) has an earlier exit")
                    continue
                arrival = self._arrival(owner, line, number, to_row, to_col, f"door ({row}, {col})")
                if arrival is None:
                    continue
                squares.add((row, col))
                exits.append({"row": row, "col": col, **_target(arrival, angle)})
        edge_owner = _handler_class(cls, "CreateStandardExits", "plEdge_Exits")
        if edge_owner is not None:
            used: dict[str, int] = {}
            # Cons prepends: at run time the list is in reverse source order, and the
            # original takes the first exit that fits.
            for item, line in reversed(_collect(cls, edge_owner, "plEdge_Exits", "CreateStandardExits")):
                if not isinstance(item, tuple) or len(item) not in (5, 6, 7) or not all(_int(v) is not None for v in item):
                    self.skip("exit", edge_owner, line, "edge exit is not a list of constants")
                    continue
                values = _ints(item)
                edge = EDGES.get(values[0])
                if edge is None:
                    self.skip("exit", edge_owner, line, f"edge exit with unknown side {values[0]}")
                    continue
                when: tuple[str, int] | None = None
                if len(values) > 5 and values[5] != NO_OTHER_CONDITIONS:
                    test = EDGE_CONDITIONS.get(values[5])
                    if test is None or len(values) < 7:
                        self.skip("exit", edge_owner, line, f"{edge} edge exit with unknown condition {values[5]}")
                        continue
                    when = (test, values[6])
                elif edge in used:
                    self.skip("exit", edge_owner, line, f"second {edge} edge exit without a condition (line {used[edge]} is used)")
                    continue
                number, to_row, to_col, angle = values[1:5]
                arrival = self._arrival(edge_owner, line, number, to_row, to_col, f"{edge} edge")
                if arrival is None:
                    continue
                entry: dict[str, Any] = {"edge": edge}
                if when is not None:
                    entry[f"when_{when[0]}"] = when[1]
                else:
                    used[edge] = line
                exits.append({**entry, **_target(arrival, angle)})
        if exits:
            self.rooms[key]["exits"] = exits
        if locked:
            self.rooms[key]["locked_doors"] = locked

    def import_monster_table(self, key: str, cls: KodClass) -> None:
        if not cls.is_a("MonsterRoom") and _handler_class(cls, "Constructed", "plMonsters") is None:
            return
        room = self.rooms[key]
        geometry = self.geometry[key]
        owner = _handler_class(cls, "Constructed", "plMonsters")
        if owner is not None:
            sites = find_assignments(owner, "plMonsters", "Constructed")
            table: list[dict[str, Any]] = []
            for site in sites:
                if site.value == NIL:
                    table = []
                    continue
                if not isinstance(site.value, tuple):
                    self.skip("monster table", owner, site.line, "plMonsters is computed in code")
                    continue
                table = []
                for entry in site.value:
                    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], ClassRef) and _int(entry[1]) is not None:
                        kind = self.want_kind(entry[0].name, owner, site.line)
                        if kind is not None:
                            table.append({"kind": kind, "percent": _ints(entry[1:2])[0]})
                    else:
                        self.skip("monster table", owner, site.line, "monster table entry is not [&Class, percent]")
            if table:
                room["monsters"] = table
        generators = _handler_class(cls, "Constructed", "plGenerators")
        spawns: list[dict[str, Any]] = []
        if generators is not None:
            for site in find_assignments(generators, "plGenerators", "Constructed"):
                if site.value == NIL:
                    spawns = []
                    continue
                if not isinstance(site.value, tuple):
                    self.skip("spawn point", generators, site.line, "plGenerators is computed in code")
                    continue
                spawns = []
                for entry in site.value:
                    if not (isinstance(entry, tuple) and len(entry) == 2 and all(_int(v) is not None for v in entry)):
                        self.skip("spawn point", generators, site.line, "spawn point is not [row, col]")
                        continue
                    row, col = _ints(entry)
                    if not geometry.walkable(row, col):
                        self.skip("spawn point", generators, site.line, f"spawn point ({row}, {col}) is not an open square of {_room_file(room)}")
                        continue
                    point = {"row": row, "col": col}
                    if point not in spawns:
                        spawns.append(point)
        if spawns:
            room["monster_spawns"] = spawns
        if "monsters" in room:
            limits = {
                "monster_limit": "piMonster_count_max",
                "initial_min": "piInit_count_min",
                "initial_max": "piInit_count_max",
                "spawn_milliseconds": "piGen_time",
                "spawn_percent": "piGen_percent",
            }
            for field, variable in limits.items():
                value = _int(cls.value(variable))
                if value is not None and value >= 0:
                    room[field] = value

    def report_code_transitions(self) -> None:
        """Rooms that move players or place things from code: listed, not imported."""
        for key in sorted(self.rooms):
            cls = self.room_class(key)
            for site in find_sends(cls, "UtilGoNearSquare"):
                where = site.named_arg("where")
                target = ""
                if isinstance(where, CallValue) and where.function.casefold() == "send":
                    number = _int(where.named_arg("num"))
                    target = f" to {self.room_by_number.get(number, number)}" if number is not None else ""
                self.skip("teleport", cls, site.line, f"moves players{target} from {site.handler}: a rule in code, not an exit")
            for site in find_sends(cls, "NewHold"):
                if site.handler.casefold() != "createstandardobjects":
                    self.skip("object", cls, site.line, f"places an object from {site.handler}: in code, at run time")

    def choose_start(self) -> None:
        number = _int(self.tree.constant(START_ROOM_NUMBER_CONSTANT))
        key = self.room_by_number.get(number) if number is not None else None
        if key is None:
            key = sorted(self.rooms)[0]
        cls = self.room_class(key)
        row, col = _int(cls.value("viTeleport_row")), _int(cls.value("viTeleport_col"))
        geometry = self.geometry[key]
        if row is None or col is None or not geometry.walkable(row, col):
            near = _nearest_walkable(geometry, row or 1, col or 1)
            assert near is not None
            row, col = near
        self.start = {"room": key, "row": row, "col": col}


def _room_file(room: Mapping[str, Any]) -> str:
    return str(room.get("roo_file", "the room"))


def _target(arrival: tuple[str, int, int], angle: int) -> dict[str, Any]:
    room, row, col = arrival
    target: dict[str, Any] = {"to": room, "to_row": row, "to_col": col}
    if angle >= ROTATE_NONE:
        target["turn"] = ((angle - ROTATE_NONE) * 45) % 360
    else:
        target["to_angle"] = _degrees(angle * (MAX_ANGLE // 8))
    return target


def _nearest_walkable(geometry: RoomGeometry, row: int, col: int) -> tuple[int, int] | None:
    for distance in range(0, max(geometry.rows, geometry.cols) + 1):
        ring = [
            (r, c)
            for r in range(row - distance, row + distance + 1)
            for c in range(col - distance, col + distance + 1)
            if max(abs(r - row), abs(c - col)) == distance
        ]
        for r, c in ring:
            if geometry.walkable(r, c):
                return r, c
    return None
