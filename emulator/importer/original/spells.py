"""Spells (with their reagents) and skills."""

from __future__ import annotations

from typing import Any

import attrs

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ClassRef, KodClass, ast, evaluate
from emulator.importer.blakod.calls import _statement_expressions, find_calls, find_sends, iter_calls, iter_statements
from emulator.importer.blakod.evaluate import ResourceRef
from emulator.importer.original import spell_families
from emulator.importer.original.common import _collect, _handler_class, _int, _key, _line_of, _value_names
from emulator.importer.original.state import ImportState
from emulator.rules.dice import div
from emulator.rules.spells.personal import CODED_DURATIONS


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
        if effect is None and self.personal_enchantment(cls, table):
            effect = "personal_enchantment"
        if effect is None and self.touch_attack(cls, table):
            effect = "touch"
        own_family = False
        if effect is None or ("startenchantment" in sent and effect not in ("damage", "touch")):
            # an enchantment whose cast looks like an instant effect (mark of dishonor's exertion) is its family's
            found = spell_families.recognise(self, cls, table)
            effect, own_family = (found, True) if found is not None else (effect, False)
        if effect is None or ("startenchantment" in sent and effect not in ("damage", "touch") and not own_family):
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

    def personal_enchantment(self, cls: KodClass, table: dict[str, Any]) -> bool:
        """A personal enchantment (persench.kod) the server runs from data: one whose own
        handlers are all of the kinds read here, which adds one attribute (Add<Attr>), a
        resistance (viResistanceType), an attack or defense modifier, or sets player
        flags, for a time that is a straight line of the power (or coded in
        ``emulator.rules.spells.personal``). Writes its figures and its words."""
        chain = list(cls.ancestry())
        names = [c.name.casefold() for c in chain]
        if "personalenchantment" not in names or "touchattackspell" in names:
            return False
        for owner in chain[: names.index("personalenchantment")]:
            if set(owner.messages) - _PERSONAL_HANDLERS:
                return False  # more to it than data says
            if any(_sent(owner, handler) - known for handler, known in _PERSONAL_SENDS.items()):
                return False  # its cast or end does more (a side effect at the end...)
        key = _key(cls.name)
        whole = [_run(cls, "GetDuration", power) for power in _POWERS]
        duration = _line(whole) if all(isinstance(w, _Drawn) for w in whole) else None
        if duration is None and key not in CODED_DURATIONS:
            return False
        state = [_run(cls, "InitializeEnchantmentState", power) for power in _POWERS]
        sends = _sends_of(cls, "InitializeEnchantmentState")
        modifier, amounts = "", None
        added = [n for n in sends if n.startswith("add") and n[3:] in _ATTRIBUTES]
        if added and sends[added[0]] is not None:
            modifier, amounts = added[0][3:], [_points(cls, power) for power in _POWERS]
        elif "addresistances" in sends and isinstance(resisted := cls.value("viResistanceType"), int):
            kind = _value_names(self.tree, "ATCK_SPELL_").get(abs(resisted), "")  # negative: a spell's type
            modifier, amounts = ("resist_" + kind.casefold().removeprefix("atck_spell_")) if kind else "", state
        else:
            cast_sends = _sent(cls, "CastSpell")
            for message, name, handler, figure in (("addattackmodifier", "offense", "ModifyHitRoll", "hit_roll"),
                                                   ("adddefensemodifier", "defense", "ModifyDefensePower", "defense_power")):
                if message in cast_sends and _adds_state(cls, handler, figure):
                    modifier, amounts = name, state
        flags = _flags(cls)
        amount = _fit(amounts) if modifier and amounts is not None else None
        if modifier and amount is None or not (modifier or flags):
            return False
        targets = cls.value("vbCanCastOnOthers")
        table["targets"] = 1 if targets != 0 else 0
        if duration is not None:
            table["duration"] = list(duration)
        if modifier and amount is not None:
            table["modifier"], table["modifier_amount"] = modifier, list(amount)
        if flags:
            table["flags"] = flags
        for purpose, variable in (("target", "vrEnchantment_On"), ("caster", "vrSuccess"),
                                  ("ended", "vrEnchantment_Off"), ("already_on", "vrOtherAlreadyEnchanted"),
                                  ("not_here", "PersonalEnchantment_bad_location")):
            self.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
        return True

    def touch_attack(self, cls: KodClass, table: dict[str, Any]) -> bool:
        """A touch spell (touchatk.kod): the caster's bare-handed blows are struck with it
        while it lasts. Writes its damage figures, its spell type and reach, and its words
        (its own when it starts, ends and is already on; those of its blows)."""
        names = [c.name.casefold() for c in cls.ancestry()]
        if "touchattackspell" not in names[1:] or not _int(cls.value("viMax_Damage")):
            return False
        for field, variable in (("damage_min", "viMin_Damage"), ("damage_max", "viMax_Damage"),
                                ("damage_spell", "viSpellType"), ("range", "viRange")):
            value = _int(cls.value(variable))
            if value is not None:
                table[field] = value
        table["targets"] = 0  # never cast on others
        if "getkarma" in _sent(cls, "DamageFactors"):
            table["karma_factor"] = True  # its blow weighed by the victim's karma
        for purpose, variable in (("target", "vrEnchantment_On"), ("ended", "vrEnchantment_Off"),
                                  ("already_on", "vrAlreadyEnchanted"), ("hit_something", "vrPlayer_hit_something"),
                                  ("killed_something", "vrPlayer_killed_something"), ("was_hit", "vrPlayer_was_hit"),
                                  ("was_killed", "vrPlayer_was_killed")):
            self.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
        return True

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


#: The handlers a data-run personal enchantment may have of its own (the rest is code).
_PERSONAL_HANDLERS = {
    name.casefold() for name in (
        "ResetReagents", "InitializeEnchantmentState", "GetDuration", "SetSpellPlayerFlag", "EndEnchantment",
        "CastSpell", "GetPotionClass", "OfferToNewCharacters", "GetResistanceStrength", "CanPayCosts",
        "AddResistances", "RemoveResistances", "ModifyHitRoll", "ModifyDamage", "GetNumSpellTargets",
    )
}
#: What the cast and the end of a data-run personal enchantment may send (the rest is code).
_PERSONAL_SENDS = {
    "CastSpell": {"addattackmodifier", "adddefensemodifier", "tocliroomcontents"},
    "EndEnchantment": {"removeattackmodifier", "removedefensemodifier", "tocliroomcontents", "isloggedon",
                       "removeresistances", *(f"add{name}" for name in ("might", "intellect", "stamina", "agility", "mysticism", "aim"))},
}
_ATTRIBUTES = ("might", "intellect", "stamina", "agility", "mysticism", "aim")
#: The powers a spell's figures are read at (spell power runs 0 to 99 and a little past).
_POWERS = range(0, 121)


@attrs.frozen
class _Drawn:
    """A GetDuration's ``random(whole / 2, whole)``: the whole duration."""

    whole: int


class _Unknown:
    """A value the straight-line reading does not know (a caller's object)."""


def _run(cls: KodClass, message: str, power: int) -> Any:
    """What a handler of straight assignments and one return gives at ``power`` (an int, a
    :class:`_Drawn`, or None when it is not such a handler)."""
    handler = cls.handler(message)
    if handler is None:
        return None
    env: dict[str, Any] = {"ispellpower": power}
    for statement in handler.body:
        if isinstance(statement, ast.Assign):
            env[statement.target.casefold()] = _value(cls, statement.value, env)
        elif isinstance(statement, ast.Return):
            value = statement.value
            if isinstance(value, ast.Call) and value.function.casefold() == "random" and len(value.positional) == 2:
                low, high = (_value(cls, arg, env) for arg in value.positional)
                return _Drawn(high) if isinstance(high, int) and low == div(high, 2) else None
            found = _value(cls, value, env) if value is not None else None
            return found if isinstance(found, int) else None
        elif not isinstance(statement, ast.CallStatement):
            return None
    return None


def _value(cls: KodClass, expression: ast.Expression, env: dict[str, Any]) -> Any:
    if isinstance(expression, ast.Number):
        return expression.value
    if isinstance(expression, ast.Name):
        key = expression.name.casefold()
        if key in env:
            return env[key]
        found = cls.scope().lookup(expression.name)
        return found if isinstance(found, int) else _Unknown()
    if isinstance(expression, ast.UnaryOp) and expression.op == "-":
        operand = _value(cls, expression.operand, env)
        return -operand if isinstance(operand, int) else _Unknown()
    if isinstance(expression, ast.BinaryOp) and expression.op in ("+", "-", "*", "/"):
        left, right = _value(cls, expression.left, env), _value(cls, expression.right, env)
        if not isinstance(left, int) or not isinstance(right, int) or (expression.op == "/" and right == 0):
            return _Unknown()
        return {"+": left + right, "-": left - right, "*": left * right, "/": div(left, right) if right else 0}[expression.op]
    if isinstance(expression, ast.Call) and expression.function.casefold() == "bound" and len(expression.positional) == 3:
        value, low, high = (_value(cls, arg, env) for arg in expression.positional)
        if all(isinstance(v, int) for v in (value, low, high)):
            return max(low, min(high, value))
    if isinstance(expression, ast.Call) and expression.function.casefold() == "send" and len(expression.positional) >= 2:
        receiver, message = expression.positional[0], expression.positional[1]
        if isinstance(receiver, ast.Name) and receiver.name.casefold() == "self" and isinstance(message, ast.MessageLiteral):
            power = {k.casefold(): v for k, v in expression.named.items()}.get("ispellpower")
            if power is not None:
                at = _value(cls, power, env)
                if isinstance(at, int):
                    return _run(cls, message.name, at)
    return _Unknown()


def _adds_state(cls: KodClass, message: str, figure: str) -> bool:
    """Whether the handler is ``return <figure> + Send(who,@GetEnchantedState,...)``: the
    modifier is the enchantment's state itself."""
    handler = cls.handler(message)
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return False
    value = handler.body[0].value
    if not isinstance(value, ast.BinaryOp) or value.op != "+" or not isinstance(value.left, ast.Name):
        return False
    call = value.right
    return (value.left.name.casefold() == figure and isinstance(call, ast.Call) and len(call.positional) > 1
            and isinstance(call.positional[1], ast.MessageLiteral) and call.positional[1].name.casefold() == "getenchantedstate")


def _sends_of(cls: KodClass, message: str) -> dict[str, ast.Expression | None]:
    """The messages a handler's statements send (casefolded) to their ``#points``, if any."""
    handler = cls.handler(message)
    found: dict[str, ast.Expression | None] = {}
    for statement in handler.body if handler is not None else ():
        if isinstance(statement, ast.CallStatement) and isinstance(statement.call, ast.Call):
            args = statement.call.positional
            if statement.call.function.casefold() == "send" and len(args) > 1 and isinstance(args[1], ast.MessageLiteral):
                found[args[1].name.casefold()] = {k.casefold(): v for k, v in statement.call.named.items()}.get("points")
    return found


def _points(cls: KodClass, power: int) -> int | None:
    """The ``#points`` of InitializeEnchantmentState's Add<Attr>, at ``power``."""
    handler = cls.handler("InitializeEnchantmentState")
    if handler is None:
        return None
    env: dict[str, Any] = {"ispellpower": power}
    for statement in handler.body:
        if isinstance(statement, ast.Assign):
            env[statement.target.casefold()] = _value(cls, statement.value, env)
        elif isinstance(statement, ast.CallStatement) and isinstance(statement.call, ast.Call):
            points = {k.casefold(): v for k, v in statement.call.named.items()}.get("points")
            if points is not None:
                found = _value(cls, points, env)
                return found if isinstance(found, int) else None
    return None


def _flags(cls: KodClass) -> list[str]:
    """The player flags SetSpellPlayerFlag sets (``PFLAG2_DETECT_GOOD`` → ``detect_good``)."""
    handler = cls.handler("SetSpellPlayerFlag")
    found: list[str] = []
    for statement in handler.body if handler is not None else ():
        if isinstance(statement, ast.CallStatement) and isinstance(statement.call, ast.Call):
            flag = {k.casefold(): v for k, v in statement.call.named.items()}.get("flag")
            if isinstance(flag, ast.Name):
                found.append(flag.name.casefold().split("_", 1)[-1])
    return found


def _line(values: list[Any]) -> tuple[int, int] | None:
    """(at power 0, per point) when the whole durations are a straight line of the power."""
    base, per = values[0].whole, values[1].whole - values[0].whole
    return (base, per) if all(v.whole == base + per * p for p, v in zip(_POWERS, values)) else None


def _fit(values: list[Any]) -> tuple[int, int, int] | None:
    """(per, divisor, plus) with power * per / divisor + plus giving every value."""
    if not all(isinstance(v, int) for v in values):
        return None
    plus = values[0]
    for divisor in range(1, 11):
        for per in range(-10, 11):
            if all(div(p * per, divisor) + plus == v for p, v in zip(_POWERS, values)):
                return per, divisor, plus
    return None


def _constant_return(cls: KodClass, message: str) -> int | None:
    """The number a handler returns when its body is just `return <constant>;`."""
    handler = cls.handler(message)
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return None
    value = handler.body[0].value
    owner = next((c for c in cls.ancestry() if message.casefold() in c.messages), cls)
    return _int(evaluate(value, owner.scope())) if value is not None else None
