"""The spells that take the caster elsewhere: elusion, whose trance listens for the name
of a destination (SomethingSaidDuringTrance) among those its GetLocations offers. Its
figures are the rooms its code names (by their numbers), the power's share, the trance's
length and the wait after attacking a player (the game settings); its words by the
resources its handlers send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import iter_statements
from emulator.importer.original.common import _int

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

#: Elusion's words by purpose: the resource each is.
_WORDS = {
    "caster": "Elusion_Success", "wrong_place": "Elusion_fail", "no_destination": "Elusion_No_Location_Given",
    "destinations": "Elusion_Location_list", "not_from_here": "Elusion_cant_cast_here", "and": "Elusion_and",
    "too_soon": "spell_too_soon_since_attacking",
}


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    if not {"somethingsaidduringtrance", "getlocations"} <= set(cls.messages):
        return None
    figures: dict[str, int] = {}
    locations = cls.messages["getlocations"]
    towns: list[int] = []
    for statement in iter_statements(locations.body):
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.ListLiteral):
            towns += [n for n in (_room_number(cls, item) for item in statement.value.items) if n is not None]
        elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            call = statement.value
            if call.function.casefold() == "cons" and call.positional:
                refuge = _room_number(cls, call.positional[0])
                if refuge is not None:
                    figures["refuge"] = refuge
            if call.function.casefold() == "bound" and len(call.positional) == 3:  # bound(iSpellPower/per, 1, most)
                share, least, most = call.positional
                if isinstance(share, ast.BinaryOp) and share.op == "/" and isinstance(share.right, ast.Number) \
                        and isinstance(most, ast.Number):
                    figures["per_power"], figures["most"] = share.right.value, most.value
    figures.update({f"town_{i}": number for i, number in enumerate(towns, start=1)})
    # the rooms it may be cast from: CanPayCosts compares the room's number with each
    handler = cls.messages.get("canpaycosts")
    for statement in iter_statements(handler.body if handler is not None else ()):
        if isinstance(statement, ast.If):
            for part in _comparisons(statement.condition):
                if part.op == "<>" and isinstance(part.right, ast.Name) and part.right.name.casefold().startswith("rid_"):
                    number = _int(cls.constant(part.right.name))
                    if number is not None:
                        figures[f"from_{number}"] = 1
    trance = _int(cls.constant("TRANCE_TIME"))
    first, last = _int(cls.constant("RID_KOCATAN")), _int(cls.constant("RID_KOCATAN_END"))
    settings = importer.tree.classes.get("settings")
    delay = _int(settings.value("piTeleportAttackDelaySec")) if settings is not None else None
    if None in (trance, first, last, delay) or len(towns) < 2 or "refuge" not in figures or "most" not in figures:
        return None
    figures.update({"trance_ms": trance, "region_first": first, "region_last": last, "attack_delay_s": delay})  # type: ignore[dict-item]
    for purpose, resource in _WORDS.items():
        if not importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES):
            return None
    table.setdefault("figures", {}).update(figures)
    table["targets"] = 0
    return "elusion"


def _room_number(cls: KodClass, expression: ast.Expression) -> int | None:
    """``Send(SYS, @FindRoomByNum, #num=RID_X)``: the room's number."""
    if not isinstance(expression, ast.Call) or expression.function.casefold() != "send":
        return None
    args = expression.positional
    if len(args) < 2 or not isinstance(args[1], ast.MessageLiteral) or args[1].name.casefold() != "findroombynum":
        return None
    number = {k.casefold(): v for k, v in expression.named.items()}.get("num")
    return _int(cls.constant(number.name)) if isinstance(number, ast.Name) else None


def _comparisons(expression: ast.Expression) -> list[ast.BinaryOp]:
    if not isinstance(expression, ast.BinaryOp):
        return []
    return [expression, *_comparisons(expression.left), *_comparisons(expression.right)]
