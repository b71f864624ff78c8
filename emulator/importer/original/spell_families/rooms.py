"""Room enchantments (roomench.kod's spells): recognised when the class's own handlers do
only what ``emulator/world/spells/rooms.py`` runs (its time, a room modifier such as the
light, its words to the room, to arrivals and to a caster whose room already has it). Its
figures are read by running its GetDuration and the amounts its cast sends at each power."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import find_sends
from emulator.importer.original.common import _key
from emulator.importer.original.spells import _POWERS, _Drawn, _line, _run, _sent, _value

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.common import _key
from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

#: What each handler of a recognised spell may send; anything more is code not run.
_SENDS = {
    "castspell": {"getowner", "isenchanted", "msgsenduser", "someonesaid", "roomstartenchantment", "getduration",
                  "addbaselight"},
    "endspell": {"someonesaid", "addbaselight"},
    "startenchantmentnewoccupant": {"msgsenduser"},
    "canpaycosts": {"getowner", "isenchanted", "msgsenduser"},
    "getduration": set(),
    "resetreagents": set(),
    "getnumspelltargets": set(),
}

#: Spells whose class does little itself, their effect being other code's: not claimed
#: until that code is run.
_EFFECT_ELSEWHERE = {
    "martyrsbattleground",  # a revenant for those who die in the room (player.kod): not modelled
}

#: Room modifiers the cast sends, by the message that adds them.
_MODIFIERS = {"addbaselight": "light"}

#: Its words: (purpose, handler, message that says them, argument naming the resource).
_WORDS = (
    ("room_started", "CastSpell", "SomeoneSaid", "string"),
    ("room_ended", "EndSpell", "SomeoneSaid", "string"),
    ("room_entered", "StartEnchantmentNewOccupant", "MsgSendUser", "message_rsc"),
    ("room_already", "CanPayCosts", "MsgSendUser", "message_rsc"),
)


def _amount_line(cls: KodClass, message: str) -> tuple[int, int] | None:
    """(at power 0, per point) of the ``#amount`` the cast sends with ``message``, when it
    is one send and a straight line of the power."""
    sites = find_sends(cls, message, "CastSpell")
    if len(sites) != 1:
        return None
    amount = {k.casefold(): v for k, v in sites[0].call.named.items()}.get("amount")
    if amount is None:
        return None
    values = [_value(cls, amount, {"ispellpower": power}) for power in _POWERS]
    if not all(isinstance(v, int) for v in values):
        return None
    base, per = values[0], values[1] - values[0]
    return (base, per) if all(v == base + per * p for p, v in zip(_POWERS, values)) else None


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    names = [c.name.casefold() for c in cls.ancestry()]
    if "roomenchantment" not in names[1:] or _key(cls.name) in _EFFECT_ELSEWHERE:
        return None
    for handler in cls.messages:
        allowed = _SENDS.get(handler)
        if allowed is None or _sent(cls, handler) - allowed:
            return None  # more to it than the server runs
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    if not all(isinstance(w, _Drawn) for w in whole):
        return None
    duration = _line(whole)
    if duration is None:
        return None
    figures = {"duration_base": duration[0], "duration_per": duration[1]}
    for message, modifier in _MODIFIERS.items():
        if message in _sent(cls, "CastSpell"):
            found = _amount_line(cls, message)
            if found is None:
                return None
            figures[f"{modifier}_base"], figures[f"{modifier}_per"] = found
    table["figures"] = {**table.get("figures", {}), **figures}
    table["targets"] = 0  # the caster's room
    for purpose, handler, message, argument in _WORDS:
        for site in find_sends(cls, message, handler):
            resource = {k.casefold(): v for k, v in site.call.named.items()}.get(argument)
            if isinstance(resource, ast.Name) and purpose not in table:
                importer.texts.put(table, purpose, cls, resource.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "room_enchantment"
