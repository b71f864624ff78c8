"""Spells (with their reagents) and skills."""

from __future__ import annotations

from typing import Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ClassRef, KodClass, ast, evaluate
from emulator.importer.original.common import _collect, _handler_class, _int, _key, _line_of, _value_names
from emulator.importer.original.state import ImportState


class SpellImport(ImportState):
    """Spells and skills, by number."""

    def import_spells(self) -> None:
        schools = _value_names(self.tree, "SS_")
        for cls in sorted(self.tree.subclasses_of("Spell"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("viSpell_num"))
            if number is None:
                continue  # a family of spells
            if number in self.spell_by_number:
                self.skip("spell", cls, _line_of(cls, "viSpell_num"), f"spell number {number} is already {self.spell_by_number[number]}")
                continue
            table: dict[str, Any] = {"number": number}
            if not self.texts.put(table, "name", cls, "vrName", category="spell"):
                self.skip("spell", cls, cls.line, "no usable name")
                continue
            self.texts.put(table, "icon", cls, "vrIcon", category="spell", file_suffixes=(".bgf",))
            self.texts.put(table, "description", cls, "vrDesc", category="spell", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
            school = _int(cls.value("viSchool"))
            if school is not None:
                table["school"] = schools.get(school, str(school)).casefold()
            for field, variable in (("level", "viSpell_level"), ("mana", "viMana"), ("vigor", "viSpellExertion"), ("cast_time", "viCast_time")):
                value = _int(cls.value(variable))
                if value is not None:
                    table[field] = value
            targets = _constant_return(cls, "GetNumSpellTargets")
            if targets is not None:
                table["targets"] = targets
            table["harmful"] = bool(_int(cls.value("viHarmful")))
            table["outlaw"] = bool(_int(cls.value("viOutlaw")))
            table["family"] = _key(cls.parent.name) if cls.parent is not None else "spell"
            # where its enchantment icon shows (ENCHANTMENT_SHOW_ROOM 1, _PLAYER 2), and its cycling
            shown = _int(cls.value("viShow_enchantment_icon"))
            if shown is not None and shown & 3 != 3:
                table["show_icon"] = [name for bit, name in ((2, "player"), (1, "room")) if shown & bit]
            speed = _int(cls.value("viAnimationSpeed"))
            if speed:
                table["icon_animation"] = [speed, _int(cls.value("viAnimation_start")) or 1, _int(cls.value("viAnimation_end")) or 1]
            reagents = self.reagents(cls)
            if reagents:
                table["reagents"] = reagents
            self.spell_by_number[number] = _key(cls.name)
            self.spells[_key(cls.name)] = table
        self.report.counts["spells"] = len(self.spells)

    def reagents(self, cls: KodClass) -> list[dict[str, Any]]:
        owner = _handler_class(cls, "ResetReagents", "plReagents")
        if owner is None:
            return []
        found: list[dict[str, Any]] = []
        for item, line in _collect(cls, owner, "plReagents", "ResetReagents"):
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], ClassRef) and isinstance(item[1], int):
                found.append({"kind": _key(item[0].name), "count": item[1]})
            else:
                self.skip("spell", owner, line, "reagent is not [&Class, count]")
        found.reverse()  # Cons prepends: the list at run time
        return found

    def import_skills(self) -> None:
        for cls in sorted(self.tree.subclasses_of("Skill"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("viSkill_num"))
            if number is None:
                continue
            table: dict[str, Any] = {"number": number}
            if not self.texts.put(table, "name", cls, "vrName", category="skill"):
                self.skip("skill", cls, cls.line, "no usable name")
                continue
            self.texts.put(table, "icon", cls, "vrIcon", category="skill", file_suffixes=(".bgf",))
            self.texts.put(table, "description", cls, "vrDesc", category="skill", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
            for field, variable in (("level", "viSkill_level"), ("school", "viSchool"), ("vigor", "viSkillExertion")):
                value = _int(cls.value(variable))
                if value is not None:
                    table[field] = value
            chance = _int(cls.value("viChance_to_Increase"))
            if chance is not None:
                table["improve_chance"] = chance
            table["family"] = _key(cls.parent.name) if cls.parent is not None else "skill"
            requisite = _requisite(cls)
            if requisite is not None:
                table["requisite"] = requisite
            self.skill_by_number[number] = _key(cls.name)
            self.skills[_key(cls.name)] = table
        self.report.counts["skills"] = len(self.skills)


#: The player's attribute getters a skill's GetRequisiteStat may return.
_ATTRIBUTE_GETTERS = {f"get{name}": name for name in ("might", "intellect", "stamina", "agility", "mysticism", "aim")}


def _requisite(cls: KodClass) -> str | None:
    """The attribute a skill's GetRequisiteStat returns (``return Send(who,@GetAim)``), its
    own or inherited; None when the handler has another shape."""
    handler = cls.handler("GetRequisiteStat")
    if handler is None:
        return None
    for statement in handler.body:
        if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Call):
            call = statement.value
            args = call.positional
            if call.function.casefold() == "send" and len(args) >= 2 and isinstance(args[1], ast.MessageLiteral):
                return _ATTRIBUTE_GETTERS.get(args[1].name.casefold())
    return None


def _constant_return(cls: KodClass, message: str) -> int | None:
    """The number a handler returns when its body is just `return <constant>;`."""
    handler = cls.handler(message)
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return None
    value = handler.body[0].value
    owner = next((c for c in cls.ancestry() if message.casefold() in c.messages), cls)
    return _int(evaluate(value, owner.scope())) if value is not None else None
