"""The spells that end enchantments: purify and purge (a DoPurify / DoPurge of a player's
harmful or helpful ones) and discordance (a DoDiscordance of the room's). Their figures
are the constants their code compares with; which spells they never end is read from
every spell's IsPersonalEnchantment and CanBeRemovedByPlayer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import iter_calls, iter_statements
from emulator.importer.original.common import _int, _value_names
from emulator.importer.original.spells import _constant_return, _sent

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    cast = _sent(cls, "CastSpell")
    if "dopurify" in cast or "dopurge" in cast:
        return _cleanse(importer, cls, table, "dopurify" if "dopurify" in cast else "dopurge")
    if "dodiscordance" in cast:
        return _discord(importer, cls, table)
    if "dispelillusionenchantments" in cast:
        return _dispel_illusion(importer, cls, table)
    return None


def _put(importer: SpellImport, cls: KodClass, table: dict[str, Any], purpose: str, resource: str) -> bool:
    return importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _autoremove(cls: KodClass, figures: dict[str, int]) -> bool:
    count, chance = _int(cls.constant("MIN_ENCHANTMENTS_FOR_AUTOREMOVE")), _int(cls.constant("MIN_CHANCE_FOR_AUTOREMOVE"))
    if count is None or chance is None:
        return False
    figures["min_count"], figures["min_chance"] = count, chance
    return True


def _cleanse(importer: SpellImport, cls: KodClass, table: dict[str, Any], handler_name: str) -> str | None:
    figures: dict[str, int] = {}
    handler = cls.handler(handler_name)
    if handler is None or not _autoremove(cls, figures):
        return None
    harmful = _asks_harmful(handler.body)
    if harmful is None:
        return None
    figures["harmful_ones"] = int(harmful)
    for spell in importer.tree.subclasses_of("Spell"):
        number = _int(spell.value("viSpell_num"))
        if number is not None and _kept(spell):
            figures[f"keep_{number}"] = 1
    resource = next((name for name in cls.resources if "not_enchanted" in name), None)
    if resource is None or not _put(importer, cls, table, "not_enchanted", resource):
        return None
    on_others = cls.value("pbCan_cast_on_others")
    if isinstance(on_others, int):  # purify: on its caster alone, unless the setting is changed
        table["targets"] = 1 if on_others else 0
    table.setdefault("figures", {}).update(figures)
    return "cleanse"


def _kept(spell: KodClass) -> bool:
    """Whether a spell lasting on a player is beyond purify and purge."""
    personal = _constant_return(spell, "IsPersonalEnchantment")
    if personal is None:
        personal = _int(spell.value("viPersonal_ench"))
    return personal == 0 or _constant_return(spell, "CanBeRemovedByPlayer") == 0


def _asks_harmful(body: tuple[ast.Statement, ...]) -> bool | None:
    """Whether the handler picks the harmful enchantments (``IsHarmful``) or the helpful
    ones (``NOT ... IsHarmful``)."""
    for statement in iter_statements(body):
        if isinstance(statement, ast.If):
            found = _harmful_in(statement.condition, negated=False)
            if found is not None:
                return found
    return None


def _harmful_in(expression: ast.Expression, negated: bool) -> bool | None:
    if isinstance(expression, ast.UnaryOp) and expression.op == "not":
        return _harmful_in(expression.operand, not negated)
    if isinstance(expression, ast.BinaryOp):
        return _harmful_in(expression.left, negated) if _harmful_in(expression.left, negated) is not None else _harmful_in(expression.right, negated)
    if isinstance(expression, ast.Call):
        for call in iter_calls(expression):
            args = call.positional
            if len(args) > 1 and isinstance(args[1], ast.MessageLiteral) and args[1].name.casefold() == "isharmful":
                return not negated
    return None


def _discord(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    figures: dict[str, int] = {}
    handler = cls.handler("DoDiscordance")
    song = _int(cls.constant("JALA_PERCENT"))
    if handler is None or song is None or not _autoremove(cls, figures):
        return None
    figures["song_percent"] = song
    for statement in iter_statements(handler.body):  # a chance past this ends them all
        if isinstance(statement, ast.If):
            for part in _comparisons(statement.condition):
                if part.op == ">=" and isinstance(part.left, ast.Name) and part.left.name.casefold() == "ichance" \
                        and isinstance(part.right, ast.Number):
                    figures["all_at"] = part.right.value
    said = [site for site in _said(cls)]
    if len(said) != 1 or not _put(importer, cls, table, "room", said[0]):
        return None
    if not _put(importer, cls, table, "bad_location", "spell_bad_location"):
        return None
    table.setdefault("figures", {}).update(figures)
    table["targets"] = 0
    return "discord"


def _comparisons(expression: ast.Expression) -> list[ast.BinaryOp]:
    if not isinstance(expression, ast.BinaryOp):
        return []
    return [expression, *_comparisons(expression.left), *_comparisons(expression.right)]


def _said(cls: KodClass) -> list[str]:
    """The resources the cast says to the room (SomeoneSaid's ``#string``)."""
    from emulator.importer.blakod.calls import find_sends

    found = []
    for site in find_sends(cls, "SomeoneSaid", "CastSpell"):
        string = {k.casefold(): v for k, v in site.call.named.items()}.get("string")
        if isinstance(string, ast.Name):
            found.append(string.name)
    return found


def _dispel_illusion(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """Which spells are illusions: each spell's IsIllusion (a constant of its own, else
    spell.kod's: those of Riija's school)."""
    riija = {name: number for number, name in _value_names(importer.tree, "SS_").items()}.get("riija")
    figures: dict[str, int] = {}
    for spell in importer.tree.subclasses_of("Spell"):
        number = _int(spell.value("viSpell_num"))
        if number is None:
            continue
        illusion = _constant_return(spell, "IsIllusion")
        if illusion is None:
            illusion = int(riija is not None and _int(spell.value("viSchool")) == riija)
        if illusion:
            figures[f"illusion_{number}"] = 1
    if not figures or "caster" not in table and not _put(importer, cls, table, "caster", _caster_words(cls) or ""):
        return None
    table.setdefault("figures", {}).update(figures)
    table["targets"] = 0
    return "dispel_illusion"


def _caster_words(cls: KodClass) -> str | None:
    from emulator.importer.blakod.calls import find_sends

    for site in find_sends(cls, "MsgSendUser", "CastSpell"):
        resource = {k.casefold(): v for k, v in site.call.named.items()}.get("message_rsc")
        if isinstance(resource, ast.Name):
            return resource.name
    return None
