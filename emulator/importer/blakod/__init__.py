"""Read the original game's Blakod sources: parse, evaluate constants, model the classes.

    tree = KodTree.load(kod_dir, kodbase_path)
    jasper = tree.classes["Jasper"]
    jasper.value("viTeleport_row"); jasper.resource_text("vrName"); jasper.resource_id("vrName")
    tree.subclasses_of("Monster")
    find_sends(jasper, "NewHold"); collected_list(room, "plMonsters")
"""

from .calls import AssignmentSite, CallSite, collected_list, find_assignments, find_calls, find_sends
from .evaluate import NIL, CallValue, CannotEvaluate, ClassRef, KodValue, MessageRef, NilValue, ResourceRef, Scope, evaluate
from .kodbase import KodBase, read_kodbase
from .model import KodClass, KodTree, LoadProblem, Resource, Variable
from .parser import BlakodSyntaxError, parse_constants, parse_file, parse_kod, parse_statements

__all__ = [
    "NIL",
    "AssignmentSite",
    "BlakodSyntaxError",
    "CallSite",
    "CallValue",
    "CannotEvaluate",
    "ClassRef",
    "KodBase",
    "KodClass",
    "KodTree",
    "KodValue",
    "LoadProblem",
    "MessageRef",
    "NilValue",
    "Resource",
    "ResourceRef",
    "Scope",
    "Variable",
    "collected_list",
    "evaluate",
    "find_assignments",
    "find_calls",
    "find_sends",
    "parse_constants",
    "parse_file",
    "parse_kod",
    "parse_statements",
    "read_kodbase",
]
