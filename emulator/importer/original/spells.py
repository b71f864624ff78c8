"""Spells (with their reagents) and skills."""

from __future__ import annotations

from typing import Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ClassRef, KodClass, ast, evaluate
from emulator.importer.blakod.calls import _statement_expressions, find_calls, find_sends, iter_calls, iter_statements
from emulator.importer.blakod.evaluate import ResourceRef
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
            for field, variable in (("chance_to_increase", "viChance_To_Increase"), ("post_cast", "viPostCast_time")):
                value = _int(cls.value(variable))
                if value is not None:
                    table[field] = value
            own_sound = isinstance(cls.value("vrSucceed_wav"), ResourceRef)
            self.texts.put(table, "sound", cls, "vrSucceed_wav" if own_sound else
                           _SCHOOL_SOUNDS.get(table.get("school", ""), ""), category="spell", file_suffixes=(".wav",))
            self.spell_effect(cls, table)
            self.spell_by_number[number] = _key(cls.name)
            self.spells[_key(cls.name)] = table
        self.report.counts["spells"] = len(self.spells)

    def spell_effect(self, cls: KodClass, table: dict[str, Any]) -> None:
        """``effect`` and the spell's own words, where its CastSpell is one of the server's
        effects: recognised by what it asks of the caster and the target (health, mana,
        vigor, a teleport, the room's items it can hold), by the food it makes, or by its
        family (the attack spells, with their damage figures); otherwise the report says
        its effect is left to code not yet run (the enchantments among them). What else a
        recognised cast does that the server does not run is in the report too."""
        sent = _sent(cls, "CastSpell")
        effect = next((name for name, needs in _EFFECTS if needs <= sent), None)
        if effect is None and "newhold" in sent and self.creates_food(cls):
            effect = "create_food"
        attack = any(a.name.casefold() == "attackspell" for a in cls.ancestry())
        if attack and _int(cls.value("piDamageMax")):
            effect = "damage"  # atakspel.kod's CastSpell, with the class's figures
            for field, variable in (("damage_min", "piDamageMin"), ("damage_max", "piDamageMax"),
                                    ("damage_spell", "viAttack_spell"), ("range", "piRange")):
                value = _int(cls.value(variable))
                if value is not None:
                    table[field] = value
        if effect is None or ("startenchantment" in sent and effect != "damage"):
            self.skip("spell", cls, cls.line, "its effect is code the server does not run yet: not castable")
            return
        table["effect"] = effect
        left = sorted(_LEFT_OUT.get(effect, {}).keys() & sent)
        if left:  # what else the cast does, not run
            handler = cls.messages["castspell"]
            self.skip("spell", cls, handler.line, "not run, of its cast: " + "; ".join(_LEFT_OUT[effect][m] for m in left))
        for site in find_sends(cls, "MsgSendUser", "CastSpell"):
            receiver = site.call.positional[0] if site.call.positional else None
            purpose = "caster" if isinstance(receiver, ast.Name) and receiver.name.casefold() == "who" else "target"
            resource = {k.casefold(): v for k, v in site.call.named.items()}.get("message_rsc")
            resource_name = resource.name.casefold() if isinstance(resource, ast.Name) else ""
            if "special" in resource_name:
                continue  # the words of the special rooms' ways out, not modelled
            if effect == "create_food":  # what appeared, or that the hands are full
                purpose = "hands_full" if "full" in resource_name else "made"
            if effect == "gather_items":  # whether the caster took anything, and the room's words
                purpose = next((p for p in ("something", "nothing", "room") if p in resource_name), purpose)
            self.put_own_text(cls, table, purpose, site.call.named)
        checks = [a for a in cls.ancestry() if "canpaycosts" in a.messages and a.name.casefold() != "spell"]
        for site in (site for owner in checks for site in find_sends(owner, "MsgSendUser", "CanPayCosts")):
            named = {k.casefold(): v for k, v in site.call.named.items()}
            resource = named.get("message_rsc")
            if not isinstance(resource, ast.Name) or resource.name.casefold().startswith("spell_"):
                continue  # the generic words (bad target) come from messages.toml
            name = resource.name.casefold()
            purpose = ("unnecessary" if "unnecessary" in name else "not_on_self" if "notonself" in name or "no_self" in name
                       else "out_of_range" if "range" in name else "too_low")
            self.put_own_text(cls, table, purpose, site.call.named)

    def creates_food(self, cls: KodClass) -> bool:
        """Whether CastSpell makes only food (Create of Food classes)."""
        made = [site.arg(0) for site in find_calls(cls, "Create", "CastSpell")]
        food = {c.name.casefold() for c in self.tree.subclasses_of("Food")}
        return bool(made) and all(isinstance(m, ClassRef) and m.name.casefold() in food for m in made)

    def put_own_text(self, cls: KodClass, table: dict[str, Any], purpose: str, named: dict[str, ast.Expression]) -> None:
        resource = {k.casefold(): v for k, v in named.items()}.get("message_rsc")
        if isinstance(resource, ast.Name) and purpose not in table:
            self.texts.put(table, purpose, cls, resource.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)

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


#: Each effect by what its CastSpell sends (to the caster or the target), most specific first.
_EFFECTS = (
    ("give_mana", {"losemana", "gainmana"}),
    ("give_health", {"losehealth", "gainhealth"}),
    # minor heal's figures (the others heal by figures of their own, not yet read)
    ("heal", {"gainhealthnormal", "checkplayerflag"}),
    ("give_vigor", {"addexertion", "msgsenduser"}),
    ("teleport", {"teleport", "msgsenduser"}),  # blink: to the room's teleport square
    ("gather_items", {"getplpassive", "reqnewhold"}),  # sweep: the room's items the caster can hold
)

#: What a recognised effect's cast also sends that the server does not run, by message.
_LEFT_OUT = {
    "gather_items": {"rewardsweep": "the rewards of non-player characters (RewardSweep)",
                     "ransnit": "the Marion elder's rant (RanSnit)"},
}

#: The school's cast sound (spell.kod GetSpellSound) when a spell has none of its own.
_SCHOOL_SOUNDS = {
    "shalille": "spell_sound_shalille", "qor": "spell_sound_qor", "kraanan": "spell_sound_kraanan",
    "faren": "spell_sound_faren", "riija": "spell_sound_riija", "dm_command": "spell_sound_dm_command",
}


def _sent(cls: KodClass, handler: str) -> set[str]:
    """The messages a class's own handler sends (casefolded)."""
    found = cls.messages.get(handler.casefold())
    if found is None:
        return set()
    names: set[str] = set()
    for statement in iter_statements(found.body):
        for expression in _statement_expressions(statement):
            for call in iter_calls(expression):
                args = call.positional
                if call.function.casefold() in ("send", "post") and len(args) > 1 and isinstance(args[1], ast.MessageLiteral):
                    names.add(args[1].name.casefold())
    return names


def _constant_return(cls: KodClass, message: str) -> int | None:
    """The number a handler returns when its body is just `return <constant>;`."""
    handler = cls.handler(message)
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return None
    value = handler.body[0].value
    owner = next((c for c in cls.ancestry() if message.casefold() in c.messages), cls)
    return _int(evaluate(value, owner.scope())) if value is not None else None
