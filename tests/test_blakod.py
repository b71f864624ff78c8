"""The Blakod reader: parsing, constant evaluation, the class model and its queries.

The facts checked against the original game come from the copy in ``../shared/upstream``
(or ``$M59_SHARED/upstream``), read at test time; only names and numbers appear here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from emulator.importer.blakod import (
    NIL,
    BlakodSyntaxError,
    CallValue,
    CannotEvaluate,
    ClassRef,
    KodTree,
    MessageRef,
    ResourceRef,
    collected_list,
    evaluate,
    find_assignments,
    find_calls,
    find_sends,
    parse_constants,
    parse_file,
    parse_kod,
    parse_statements,
)
from emulator.importer.blakod import ast

from .conftest import SHARED

UPSTREAM = SHARED / "upstream"
KOD_DIR = UPSTREAM / "kod"
KODBASE = UPSTREAM / "build" / "kodbase.txt"
STATEMENT_FRAGMENT_SUFFIXES = (".ktm", ".kmn", ".kxt")


@pytest.fixture(scope="session")
def kod_dir() -> Path:
    if not KOD_DIR.is_dir() or not KODBASE.is_file():
        pytest.fail(f"no original game sources in {UPSTREAM}; set M59_SHARED to the shared folder")
    return KOD_DIR


@pytest.fixture(scope="session")
def tree(kod_dir: Path, kod_tree: KodTree) -> KodTree:
    # Loading parses every .kod and .khd file; a file that does not parse raises there.
    return kod_tree


def _one_class(source: str) -> ast.ClassDef:
    (cls,) = parse_kod(source, "test.kod").classes
    return cls


def _write_tree(folder: Path, files: dict[str, str]) -> KodTree:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="latin-1")
    return KodTree.load(folder)


# --- the whole game parses -----------------------------------------------------------------


def test_every_kod_and_khd_file_parses(tree: KodTree, kod_dir: Path) -> None:
    kod_files = list(kod_dir.rglob("*.kod"))
    khd_files = list(kod_dir.rglob("*.khd"))
    assert len(kod_files) == 1232
    assert len(khd_files) == 2
    assert tree.problems == []
    # Every class file holds one class, and each was modelled.
    assert len(tree.classes) == 1232
    assert {cls.path for cls in tree.classes.values()} == set(kod_files)
    assert set(tree.include_constants) == {"blakston.khd", "protocol.khd"}
    assert tree.files_parsed >= 1232 + 2


def test_loading_the_whole_game_takes_seconds(tree: KodTree) -> None:
    assert tree.parse_seconds < 60


def test_statement_fragment_files_parse(kod_dir: Path) -> None:
    fragments = [path for path in kod_dir.rglob("*") if path.suffix in STATEMENT_FRAGMENT_SUFFIXES]
    assert len(fragments) == 17
    statement_counts = [len(parse_file(path).statements) for path in fragments]
    assert sum(statement_counts) > 0


def test_classes_and_parents_match_the_original_compilers_kodbase(tree: KodTree) -> None:
    kodbase = tree.kodbase
    assert kodbase is not None
    checked = 0
    for cls in tree.classes.values():
        recorded = kodbase.classes.get(cls.name.casefold())
        if recorded is None:
            continue  # a class the original build could not compile (it names an undefined constant)
        expected_parent_id = kodbase.class_id(cls.parent_name) if cls.parent_name else 0
        assert expected_parent_id == recorded.parent_id, cls.name
        checked += 1
    assert checked == len(kodbase.classes) == 1231


def test_every_resource_has_its_kodbase_id(tree: KodTree) -> None:
    assert len(tree.resources) == 10569
    assert all(resource.id is not None for resource in tree.resources.values())


def test_class_families(tree: KodTree) -> None:
    counts = {name: len(tree.subclasses_of(name)) for name in ("Room", "Monster", "Item", "Spell", "Skill")}
    assert counts == {"Room": 281, "Monster": 171, "Item": 323, "Spell": 186, "Skill": 22}
    assert all(cls.is_a("Monster") for cls in tree.subclasses_of("Monster"))
    assert [cls.name for cls in tree.classes["Troll"].ancestry()] == [
        "Troll",
        "Monster",
        "Battler",
        "NoMoveOn",
        "Holder",
        "ActiveObject",
        "Object",
    ]


# --- known facts -----------------------------------------------------------------------


def test_include_file_constants(tree: KodTree) -> None:
    assert tree.constant("ATCK_WEAP_SLASH") == 0x80
    assert tree.constant("MAX_ANGLE") == 4096
    assert tree.constant("ANGLE_NORTH") == 6 * 4096 // 8  # defined as an expression of MAX_ANGLE
    assert tree.constant("RID_JASWEST") == 382
    assert tree.constant("atck_weap_slash") == 0x80  # names are case-insensitive


def test_monster_values_and_inheritance(tree: KodTree) -> None:
    troll = tree.classes["Troll"]
    monster = tree.classes["Monster"]
    assert troll.parent is monster
    assert troll.value("viLevel") == 90
    assert monster.value("viLevel") == 25  # the subclass's classvar overrides the parent's
    assert troll.value("viKarma") == -75
    assert troll.value("viDefault_behavior") == tree.constant("AI_FIGHT_AGGRESSIVE") == 0x4000
    # Not defined by Troll: inherited from Monster, evaluated in Monster's scope.
    assert troll.variable("viAttack_type").class_name == "Monster"  # type: ignore[union-attr]
    assert troll.value("viAttack_type") == tree.constant("ATCK_WEAP_HIT") == 8


def test_resource_ids_and_texts(tree: KodTree) -> None:
    troll = tree.classes["Troll"]
    assert troll.value("vrName") == ResourceRef("troll_name_rsc")
    assert troll.resource_id("vrName") == 23920
    assert troll.resource_id("troll_name_rsc") == 23920
    assert troll.resource_text("vrIcon") == "troll.bgf"
    assert troll.resource("vrIcon").is_file  # type: ignore[union-attr]
    jasper = tree.classes["Jasper"]
    assert jasper.resource_id("vrName") == 22230
    assert "Jasper" in (jasper.resource_text("vrName") or "")
    assert jasper.resource_text("prRoom") == "jas-east.roo"
    assert jasper.class_id == 10394


def test_room_class(tree: KodTree) -> None:
    jasper = tree.classes["jasper"]
    assert jasper.name == "Jasper"
    assert jasper.parent_name == "JasperRoom"
    assert jasper.is_a("Room")
    assert jasper.path.name == "jasper.kod"
    assert jasper.value("viTeleport_row") == 40
    terrain = sum(tree.constant(name) for name in ("TERRAIN_CITY", "TERRAIN_ROAD", "TERRAIN_MOUNTAIN"))  # type: ignore[misc]
    assert jasper.value("viTerrain_type") == terrain == 0x2802


def test_room_exits_and_objects(tree: KodTree) -> None:
    jasper = tree.classes["Jasper"]
    exits = collected_list(jasper, "plExits", "CreateStandardExits")
    assert len(exits) == 18
    assert exits[0] == (36, 34, 382, 43, 37, tree.constant("ROTATE_NONE"))
    locked_door = exits[-1]
    assert isinstance(locked_door, tuple)
    assert locked_door[:3] == (54, 39, tree.constant("ROOM_LOCKED_DOOR"))
    assert isinstance(locked_door[3], ResourceRef)
    assert len(collected_list(jasper, "plEdge_Exits")) == 2

    placed = find_sends(jasper, "NewHold", "CreateStandardObjects")
    assert len(placed) == 5
    first = placed[0]
    what = first.named_arg("what")
    assert isinstance(what, CallValue)
    assert what.function == "Create"
    assert what.args == (ClassRef("OrnamentalObject"),)
    assert what.named_arg("type") == tree.constant("OO_BARREL2")
    assert (first.named_arg("new_row"), first.named_arg("new_col")) == (47, 39)
    assert first.named_arg("NEW_ANGLE") == tree.constant("ANGLE_EAST")
    assert first.arg(1) == MessageRef("NewHold")
    assert first.handler == "CreateStandardObjects"
    assert first.line > jasper.line
    assert len(find_calls(jasper, "Create")) == 5


def test_monster_tables(tree: KodTree) -> None:
    room = tree.classes["OutdoorsA5"]
    assert collected_list(room, "plMonsters") == [(ClassRef("RedAnt"), 60), (ClassRef("Troll"), 40)]
    generators = collected_list(room, "plGenerators")
    assert len(generators) == 15
    assert generators[0] == (38, 39)
    (assignment,) = find_assignments(room, "plMonsters")
    assert assignment.target == "plMonsters"
    assert isinstance(assignment.value, tuple)
    assert assignment.line > room.line


def test_included_statement_files_are_spliced_into_handlers(tree: KodTree) -> None:
    # This room's generator list lives in a statement file its handler includes.
    room = tree.classes["LichMaze"]
    assert len(collected_list(room, "plGenerators")) == 3
    assert not any(
        isinstance(statement, ast.IncludeStatements)
        for handler in room.messages.values()
        for statement in handler.body
    )


def test_unknown_constant_in_the_game_cannot_be_evaluated(tree: KodTree) -> None:
    unevaluable = [
        variable
        for cls in tree.classes.values()
        for variable in [*cls.classvars.values(), *cls.properties.values()]
        if isinstance(variable.value, CannotEvaluate)
    ]
    # One class names a constant nobody defines (the original build skips that class too).
    assert [variable.class_name for variable in unevaluable] == ["ItemAttRenamed"]


# --- the parser on small sources -------------------------------------------------------


CLASS_SOURCE = """\
% a comment line
Thing is Base

constants:

   include blakston.khd
   LOCAL_A = 3
   LOCAL_B = LOCAL_A * 2 + 1   % trailing comment

resources:

   thing_name = "thing"
   thing_long = "first part "
      "second part"
   thing_cont = \\
      "continued"
   thing_icon = thing.bgf
   thing_name = de "Ding"

classvars:

   vrName = thing_name
   viBare

properties:

   piValue = LOCAL_B
   piMissing = NO_SUCH_NAME

messages:

   Constructor(what = $, count = -1)
   "what the handler does"
   {
      local i, total;

      total = 0;
      for i in [1, 2, 3] { total = total + i; }
      IF total > 5 AND NOT (total = 7) { return 1; }
      else if total mod 2 = 0 { return 2; }
      while total > 0 { total = total - 1; }
      Send(self, @Use, #what = Create(&Thing, #count = 2));
      propagate;
   }

END
"""


def test_class_structure() -> None:
    cls = _one_class(CLASS_SOURCE)
    assert (cls.name, cls.parent, cls.line) == ("Thing", "Base", 2)
    assert [type(item).__name__ for item in cls.constants] == ["Include", "ConstantDef", "ConstantDef"]
    assert [variable.name for variable in cls.classvars] == ["vrName", "viBare"]
    assert cls.classvars[1].value == ast.Nil()
    (handler,) = cls.messages
    assert handler.name == "Constructor"
    assert [parameter.name for parameter in handler.parameters] == ["what", "count"]
    assert handler.parameters[1].default == ast.Number(-1)
    assert handler.locals == ("i", "total")
    assert handler.doc == "what the handler does"
    assert [type(statement).__name__ for statement in handler.body] == [
        "Assign",
        "ForEach",
        "If",
        "While",
        "CallStatement",
        "Propagate",
    ]
    assert handler.body[0].line == 37


def test_resources_strings_and_languages() -> None:
    resources = {(item.name, item.language): item for item in _one_class(CLASS_SOURCE).resources if isinstance(item, ast.ResourceDef)}
    assert resources["thing_long", None].value == "first part second part"
    assert resources["thing_cont", None].value == "continued"
    assert resources["thing_icon", None].is_file
    assert resources["thing_name", "de"].value == "Ding"


def test_resource_language_variants_share_one_resource(tmp_path: Path) -> None:
    tree = _write_tree(tmp_path, {"base.kod": "Base\nend\n", "thing.kod": CLASS_SOURCE.replace("include blakston.khd", "")})
    thing = tree.classes["Thing"]
    assert thing.resource_text("vrName") == "thing"
    assert thing.resource_text("vrName", language="de") == "Ding"
    assert thing.resource_text("vrName", language="fr") == "thing"


def test_operator_precedence_follows_the_original() -> None:
    cls = _one_class(
        "A\nconstants:\n"
        " P1 = 1 + 2 * 3\n"
        " P2 = 1 | 6 & 3\n"
        " P3 = 1 OR 0 AND 0\n"
        " P4 = 2 + 3 = 5\n"
        " P5 = -7 / 2\n"
        " P6 = -7 mod 2\n"
        " P7 = ~0x0F & 0xFF\n"
        " P8 = NOT 0 AND 1\n"
        " P9 = 10 - 4 - 3\n"
        " P10 = 2 <> 3\n"
        " P11 = 7 / 0\n"
        "end\n"
    )
    from emulator.importer.blakod.evaluate import Scope

    constants: dict[str, object] = {}
    scope = Scope(constants, lambda name: False)  # type: ignore[arg-type]
    for item in cls.constants:
        assert isinstance(item, ast.ConstantDef)
        constants[item.name.casefold()] = evaluate(item.value, scope)
    assert constants == {
        "p1": 7,
        "p2": 3,
        "p3": 1,
        "p4": 1,
        "p5": -3,  # C division truncates toward zero
        "p6": -1,
        "p7": 0xF0,
        "p8": 1,
        "p9": 3,
        "p10": 1,
        "p11": CannotEvaluate("/ by zero"),
    }


def test_unknown_names_cannot_be_evaluated(tmp_path: Path) -> None:
    tree = _write_tree(
        tmp_path,
        {
            "include/defs.khd": "KNOWN = 4\nDOUBLE = KNOWN * 2\n",
            "base.kod": "Base\nend\n",
            "thing.kod": CLASS_SOURCE.replace("blakston.khd", "defs.khd"),
        },
    )
    thing = tree.classes["Thing"]
    missing = thing.value("piMissing")
    assert isinstance(missing, CannotEvaluate)
    assert "NO_SUCH_NAME" in missing.reason
    assert isinstance(thing.value("piNotDefinedAnywhere"), CannotEvaluate)
    assert thing.value("piValue") == 7
    assert thing.constant("DOUBLE") == 8
    assert tree.constant("double") == 8
    assert thing.value("viBare") == NIL


def test_subclass_classvar_overrides_parent(tmp_path: Path) -> None:
    tree = _write_tree(
        tmp_path,
        {
            "a.kod": "A\nclassvars:\n viX = 1\n viY = 2\nproperties:\n piZ = 3\nend\n",
            "b.kod": "B is A\nclassvars:\n viX = 5\nend\n",
            "c.kod": "C is B\nproperties:\n piZ = 9\nend\n",
        },
    )
    b, c = tree.classes["B"], tree.classes["C"]
    assert (b.value("viX"), b.value("viY"), b.value("piZ")) == (5, 2, 3)
    assert (c.value("viX"), c.value("piZ")) == (5, 9)
    assert [cls.name for cls in tree.subclasses_of("A")] == ["B", "C"]
    assert tree.subclasses_of("A", include_self=True)[0].name == "A"


def test_syntax_error_reports_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.kod"
    path.write_text("Broken is Object\n\nmessages:\n\n   Go()\n   {\n      x = 1 +;\n   }\nend\n")
    with pytest.raises(BlakodSyntaxError) as raised:
        parse_file(path)
    assert (raised.value.line, raised.value.column) == (7, 14)
    assert str(raised.value).startswith(f"{path}:7:14: unexpected ';'")


def test_lexical_errors_report_position() -> None:
    with pytest.raises(BlakodSyntaxError, match=r"^x\.kod:3:8: invalid character '\?'"):
        parse_kod("A\nclassvars:\n viX = ?\nend\n", "x.kod")
    with pytest.raises(BlakodSyntaxError, match=r"^x\.kod:3:8: unterminated string"):
        parse_kod('A\nresources:\n r_x = "open\nend\n', "x.kod")
    with pytest.raises(BlakodSyntaxError, match=r"^x\.kod:.*unexpected end of file"):
        parse_kod("A\nclassvars:\n viX = 1\n", "x.kod")


def test_newlines_end_definitions_only_before_messages() -> None:
    with pytest.raises(BlakodSyntaxError):
        parse_kod("A\nclassvars:\n viX = 1 viY = 2\nend\n")
    cls = _one_class("A\nclassvars:\n viX = 1 + \\\n   2\nmessages:\n F() {\n return\n 3\n ;\n }\nend")
    assert cls.classvars[0].value == ast.BinaryOp("+", ast.Number(1), ast.Number(2))
    assert cls.messages[0].body == (ast.Return(ast.Number(3), 7),)


def test_include_and_fragment_files() -> None:
    (first, second) = parse_constants("A = 1\n% note\n\nB = A | 0x10").constants
    assert isinstance(first, ast.ConstantDef) and isinstance(second, ast.ConstantDef)
    assert second.value == ast.BinaryOp("|", ast.Name("A"), ast.Number(16))
    statements = parse_statements("plExits = $;\nplExits = Cons([1, 2], plExits);\n").statements
    assert [type(statement).__name__ for statement in statements] == ["Assign", "Assign"]


def test_messages_and_classes_literals_evaluate_symbolically() -> None:
    from emulator.importer.blakod.evaluate import Scope

    scope = Scope({"two": 2}, lambda name: name == "thing_name")
    call = ast.Call("Create", (ast.ClassLiteral("Rat"), ast.NamedArgument("count", ast.Name("TWO"))), 1)
    assert evaluate(call, scope) == CallValue("Create", (ClassRef("Rat"),), (("count", 2),))
    assert evaluate(ast.MessageLiteral("Go"), scope) == MessageRef("Go")
    assert evaluate(ast.Name("thing_name"), scope) == ResourceRef("thing_name")
    assert evaluate(ast.ListLiteral((ast.Number(1), ast.Nil()), 1), scope) == (1, NIL)


def test_parse_speed_of_one_large_file(kod_dir: Path) -> None:
    path = kod_dir / "util" / "system.kod"
    started = time.perf_counter()
    parsed = parse_file(path)
    assert parsed.classes[0].name == "System"
    assert time.perf_counter() - started < 5


def test_later_dialect_loops_and_increments() -> None:
    cls = _one_class(
        "A\nmessages:\n"
        " F()\n {\n local i, n;\n"
        "  for (i = 0, n = 1; i < 10; i++) { n = n + 1; }\n"
        "  for (;;) { break; }\n"
        "  foreach i in [1, 2] { --n; }\n"
        "  return n;\n }\nend\n"
    )
    loop, endless, each, _ = cls.messages[0].body
    assert isinstance(loop, ast.For) and isinstance(endless, ast.For) and isinstance(each, ast.ForEach)
    assert [assignment.target for assignment in loop.init] == ["i", "n"]
    assert loop.step == (ast.Assign("i", ast.IncDec("++", "i", prefix=False), 6),)
    assert endless.condition is None
    assert each.iterable == ast.ListLiteral((ast.Number(1), ast.Number(2)), 8)
    assert each.body == (ast.Assign("n", ast.IncDec("--", "n", prefix=True), 8),)
