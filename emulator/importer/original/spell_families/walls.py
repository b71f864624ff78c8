"""The walls, fog and poison family (wallspel.kod and its spells, the poison sickness,
cure poison and resist poison): which effect each runs, its figures and its words.

Walls: the element class a spell's PlaceWallElements creates says what its elements do
(a passive fog cloud that only hides, or brambles that scratch who walks through); its
look (name, icon, object flags) is written into the spell's table.

Poison (sickness/poison.kod) is not a spell class, yet it is an enchantment by spell
number, shown with its own icon and words: the first spell of this family that needs it
brings it into the spell list as ``poison`` (not castable: nobody learns it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ClassRef, KodClass, ast, evaluate
from emulator.importer.blakod.calls import find_calls, find_sends
from emulator.importer.original.common import _int
from emulator.importer.original.spells import _POWERS, _constant_return, _Drawn, _line, _run, _sent, _value
from emulator.rules.dice import div

if TYPE_CHECKING:
    from emulator.importer.original.spells import SpellImport

__all__ = ["POISON_KEY", "recognise"]

POISON_KEY = "poison"
BATTLER_YES = 0x08  # blakston.khd: the client may attack it


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    names = [c.name.casefold() for c in cls.ancestry()]
    if "wallspell" in names:
        return _wall(importer, cls, table)
    if {"removeenchantment", "addpoison", "getenchantmentsbyclass"} <= _sent(cls, "CastSpell"):
        return _cure_poison(importer, cls, table)
    if "personalenchantment" in names and _resists_poison(importer, cls):
        return _resist_poison(importer, cls, table)
    return None


# ---------------------------------------------------------------- poison


def _poison_class(importer: SpellImport) -> KodClass | None:
    return importer.tree.classes.get(POISON_KEY)


def _bring_poison(importer: SpellImport) -> bool:
    """Put the poison sickness into the spell list once: its number (GetSpellNum), name,
    icon, where its icon shows, and its words when it starts, ends and is resisted."""
    if POISON_KEY in importer.spells:
        return True
    cls = _poison_class(importer)
    number = _constant_return(cls, "GetSpellNum") if cls is not None else None
    if cls is None or number is None or number in importer.spell_by_number:
        return False
    entry: dict[str, Any] = {"number": number}
    if not importer.texts.put(entry, "name", cls, "vrName", category="spell"):
        return False
    importer.texts.put(entry, "icon", cls, "vrIcon", category="spell", file_suffixes=(".bgf",))
    importer.texts.put(entry, "description", cls, "vrDesc", category="spell", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
    shown = _int(cls.value("viShow_enchantment_icon"))
    if shown is not None and shown & 3 != 3:
        entry["show_icon"] = [name for bit, name in ((2, "player"), (1, "room")) if shown & bit]
    entry["harmful"] = True  # Sickness IsHarmful
    entry["family"] = "sickness"
    starts = [s.call.named for s in find_sends(cls, "MsgSendUser", "MakePoisoned")]
    words = [_resource_name(named) for named in starts]
    resisted = [w for w in words if w and "kraanan" in w.casefold()]
    started = [w for w in words if w and w not in resisted]
    ends = [_resource_name(s.call.named) for s in find_sends(cls, "MsgSendUser", "EndEnchantment")]
    for purpose, found in (("target", started), ("resisted", resisted), ("ended", ends)):
        if found and found[0]:
            importer.texts.put(entry, purpose, cls, found[0], category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    entry["figures"] = _poisoning_monsters(importer)
    importer.spells[POISON_KEY] = entry
    importer.spell_by_number[number] = POISON_KEY
    return True


def _poisoning_monsters(importer: SpellImport) -> dict[str, int]:
    """The monsters whose hits may poison (HitSideEffect's MakePoisoned): by kind, one
    chance in ``<kind>_chance`` per damaging hit, a dose of ``<kind>_rate`` for
    ``<kind>_ms``, each read from the constants of the class that poisons."""
    figures: dict[str, int] = {}
    for cls in importer.tree.subclasses_of("Monster"):
        owner = next((c for c in cls.ancestry() if "hitsideeffect" in c.messages), None)
        if owner is None or "makepoisoned" not in _sent(owner, "HitSideEffect"):
            continue
        read = [_int(owner.constant(name)) for name in ("POISON_CHANCE", "POISON_LOSSRATE", "POISON_DURATION")]
        key = cls.name.casefold()
        if any(value is None for value in read) or len(key) > 24:
            continue
        for suffix, value in zip(("chance", "rate", "ms"), read):
            figures[f"{key}_{suffix}"] = value or 0
    return figures


def _resource_name(named: dict[str, Any]) -> str | None:
    found = {k.casefold(): v for k, v in named.items()}.get("message_rsc")
    name = getattr(found, "name", None)
    return name if isinstance(name, str) else None


def _resists_poison(importer: SpellImport, cls: KodClass) -> bool:
    """Whether the poison looks this spell up (FindSpellByNum in MakePoisoned) to let its
    bearer shrug the poison off."""
    poison = _poison_class(importer)
    if poison is None:
        return False
    for site in find_sends(poison, "FindSpellByNum", "MakePoisoned"):
        num = {k.casefold(): v for k, v in site.call.named.items()}.get("num")
        if num is not None and evaluate(num, poison.scope()) == _int(cls.value("viSpell_num")):
            return True
    return False


def _resist_poison(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """A personal enchantment whose state, the power within two bounds, is the chance in
    percent to shrug off a poisoning: run as data (``modifier = "resist_poison"``, the
    power itself) with the bounds as figures, applied where the poison is resisted."""
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    duration = _line(whole) if all(isinstance(w, _Drawn) for w in whole) else None
    state = [_run(cls, "InitializeEnchantmentState", power) for power in _POWERS]
    if duration is None or not all(isinstance(s, int) for s in state):
        return None
    low, high = state[0], state[-1]
    if any(s != max(low, min(high, power)) for power, s in zip(_POWERS, state)):
        return None  # not the power within two bounds
    if not _bring_poison(importer):
        return None
    table["targets"] = 1 if cls.value("vbCanCastOnOthers") != 0 else 0
    table["duration"] = list(duration)
    table["modifier"], table["modifier_amount"] = "resist_poison", [1, 1, 0]
    table["figures"] = {"resist_min": low, "resist_max": high}
    for purpose, variable in (("target", "vrEnchantment_On"), ("caster", "vrSuccess"),
                              ("ended", "vrEnchantment_Off"), ("already_on", "vrOtherAlreadyEnchanted"),
                              ("not_here", "PersonalEnchantment_bad_location")):
        importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "personal_enchantment"


def _cure_poison(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """Cure poison: its words when the poison only weakens (the last it tells the target)."""
    if not _bring_poison(importer):
        return None
    told = [s for s in find_sends(cls, "MsgSendUser", "CastSpell")
            if getattr(s.call.positional[0], "name", "").casefold() != "who"]
    last = _resource_name(told[-1].call.named) if len(told) > 1 else None
    if last is not None:
        importer.texts.put(table, "abates", cls, last, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "cure_poison"


# ---------------------------------------------------------------- walls


def _wall(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """A wall spell whose element the server runs: fog clouds that only hide (a passive
    object), brambles that scratch, poison fog, walls of fire or lightning (with their
    passive fillers between, where the original has such a class)."""
    sites = find_calls(cls, "Create", "PlaceWallElements")
    made = [site.arg(0) for site in sites]
    kinds = [importer.tree.classes.get(m.name.casefold()) for m in made if isinstance(m, ClassRef)]
    found = [k for k in dict.fromkeys(kinds) if k is not None]
    active = [k for k in found if k.is_a("ActiveWallElement") or k.is_a("Brambles")]
    fillers = [k for k in found if k not in active]
    if len(active) > 1 or len(fillers) > 1 or not found:
        return None
    illusion = False
    for site in sites:  # an illusion: the illusionary firewall
        flag = {k.casefold(): v for k, v in site.call.named.items()}.get("illusionary")
        illusion = illusion or (flag is not None and evaluate(flag, cls.scope()) not in (0, None))
    if active:
        effect = _illusion_wall(importer, cls, active[0], table) if illusion else _active_wall(importer, cls, active[0], table)
        if effect is None:
            return None
        figures = dict(table.get("figures", {}))
        figures["fillers"] = sum(1 for k in kinds if k is not None and k in fillers)
        table["figures"] = figures
        return _element_look(importer, cls, active[0], table, effect)
    element = found[0]
    lineage = [c.name.casefold() for c in element.ancestry()]
    if "passiveobject" in lineage and not any(
        {"somethingmoved", "doeffect"} & set(c.messages) for c in list(element.ancestry())[: lineage.index("passiveobject")]
    ):  # a passive object of its own that acts on nobody
        effect = "summon_fog"
    else:
        return None
    return _element_look(importer, cls, element, table, effect)


def _element_look(importer: SpellImport, cls: KodClass, element: KodClass, table: dict[str, Any], effect: str) -> str:
    """The element's name, icon and object flags, the number of elements, the words of
    the summoning limit."""
    importer.texts.put(table, "element_name", element, "vrName", category="spell")
    importer.texts.put(table, "element_icon", element, "vrIcon", category="spell", file_suffixes=(".bgf",))
    flags = _int(element.value("viObject_flags")) or 0
    figures = dict(table.get("figures", {}))
    figures["element_flags"] = flags & ~BATTLER_YES  # not attacked here
    elements = _int(cls.value("viNumElements"))
    if elements is not None:
        figures["elements"] = elements
    table["figures"] = figures
    importer.texts.put(table, "summon_limit", cls, "vrSummonLimitMsg", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return effect


#: The active elements the server runs, by the class they are (or descend from).
_ACTIVE = {"brambles": "bramble_wall", "poisonfogcloud": "poison_fog", "walloffire": "damage_wall",
           "walloflightning": "damage_wall", "activesporecloud": "spore_burst", "web": "spider_web"}


def _active_wall(importer: SpellImport, cls: KodClass, element: KodClass, table: dict[str, Any]) -> str | None:
    """An active element's figures (read from PlaceWallElements at every power) and its
    words; a ring of flames (one target) is a damage wall around its target."""
    lineage = [c.name.casefold() for c in element.ancestry()]
    effect = next((_ACTIVE[name] for name in lineage if name in _ACTIVE), None)
    if effect is None:
        return None
    if effect == "bramble_wall":
        for purpose, name in (("scratch_0", "Brambles_damage0"), ("scratch_2", "Brambles_damage2"),
                              ("scratch_3", "Brambles_damage3"), ("scratch_4", "Brambles_damage4"),
                              ("scratch_5", "Brambles_damage5")):
            importer.texts.put(table, purpose, element, name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
        return effect
    figures = dict(table.get("figures", {}))
    if effect == "spore_burst":
        return _spore_burst(importer, cls, element, table, figures)
    wanted = {"iduration": "base", "imaxdamage": "most", "iodds": "odds", "imaxholdtime": "hold"}
    read = _placing_figures(cls, tuple(wanted))
    for variable, name in wanted.items():
        fit = read.get(variable)
        if fit is not None:
            for part, value in zip(("per", "div", "plus", "min", "max"), fit):
                figures[f"{name}_{part}"] = value
    if "base_per" not in figures:
        return None
    if effect == "poison_fog":
        if "odds_per" not in figures:
            return None
        for figure, constant in (("poison_rate", "POISON_LOSSRATE"), ("poison_ms", "POISON_DURATION"),
                                 ("repoison_chance", "POISON_CHANCE")):
            number = _int(element.constant(constant))
            if number is None:
                return None
            figures[figure] = number
        told = [_resource_name(s.call.named) for s in find_sends(element, "MsgSendUser", "DoEffect")]
        if told and told[0]:
            importer.texts.put(table, "inhaled", element, told[0], category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    elif effect == "spider_web":
        if "hold_per" not in figures:
            return None
        for number in (0, 1, 2, 3, 5):
            if not importer.texts.put(table, f"stuck_{number}", element, f"web_stick{number}", category="spell",
                                      max_bytes=MAX_DESCRIPTION_BYTES):
                return None
    else:
        if "most_per" not in figures or not _burn_words(importer, element, table):
            return None
        for site in find_sends(element, "AssessDamage", "DoEffect"):  # the burn's spell type (not an illusion's)
            kind = {k.casefold(): v for k, v in site.call.named.items()}.get("aspell")
            bits = _int(evaluate(kind, element.scope())) if kind is not None else None
            if bits is not None and bits != _int(element.constant("ATCK_SPELL_ALL")):
                table["damage_spell"] = bits
        if table.get("targets") == 1:
            effect = "ring_of_flames"
    importer.texts.put(table, "unaffected", element, "vrUnaffectedMessage", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    table["figures"] = figures
    return effect


def _burn_words(importer: SpellImport, element: KodClass, table: dict[str, Any]) -> bool:
    """A burning element's words by damage (its ``<name>_damage<N>``, the lowest for none)."""
    steps = sorted((int(name.rsplit("damage", 1)[1]), name) for name in element.resources
                   if name.rsplit("damage", 1)[-1].isdigit() and "_damage" in name)
    if [n for n, _ in steps] != [0, 5, 10, 15, 20]:
        return False
    for number, name in steps:
        importer.texts.put(table, f"burn_{number}", element, name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return True


def _illusion_wall(importer: SpellImport, cls: KodClass, element: KodClass, table: dict[str, Any]) -> str | None:
    """The illusionary firewall: a wall of fire whose burns are illusionary wounds (the
    illusionary wounds spell's GetDuration, its words when they heal), its base time
    read as the other walls'."""
    base = _placing_figures(cls, ("iduration",)).get("iduration")
    if not element.is_a("WallOfFire") or base is None or not _burn_words(importer, element, table):
        return None
    number = None
    for site in find_sends(element, "FindSpellByNum", "DoEffect"):
        num = {k.casefold(): v for k, v in site.call.named.items()}.get("num")
        number = _int(evaluate(num, element.scope())) if num is not None else number
    wounds = _spell_class(importer, number)
    if wounds is None:
        return None
    line = _clamped_line([_run(wounds, "GetDuration", power) for power in _POWERS])
    healed = [_resource_name(s.call.named) for s in find_sends(wounds, "MsgSendUser", "EndEnchantmentEffects")]
    if line is None or not healed or not healed[0]:
        return None
    figures = dict(table.get("figures", {}))
    for part, value in zip(("per", "div", "plus", "min", "max"), base):
        figures[f"base_{part}"] = value
    for part, value in zip(("plus", "per", "min", "max"), line):
        figures[f"wound_ms_{part}"] = value
    table["figures"] = figures
    importer.texts.put(table, "unaffected", element, "vrUnaffectedMessage", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    importer.texts.put(table, "wounds_healed", wounds, healed[0], category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "illusion_wall"


def _spell_class(importer: SpellImport, number: int | None) -> KodClass | None:
    """The spell class with the original's number ``number`` (whether or not the import
    has come to it yet)."""
    if number is None:
        return None
    return next((c for c in importer.tree.subclasses_of("Spell") if _int(c.value("viSpell_num")) == number), None)


def _clamped_line(values: list[Any]) -> tuple[int, int, int, int] | None:
    """(plus, per, min, max) with bound(plus + per * power, min, max) giving every value."""
    if not values or not all(isinstance(v, int) for v in values):
        return None
    low, high = min(values), max(values)
    rising = next((p for p in range(len(values) - 1) if values[p + 1] != values[p]), None)
    if rising is None:
        return values[0], 0, low, high
    per = values[rising + 1] - values[rising]
    plus = values[rising] - per * _POWERS[rising]
    if all(max(low, min(high, plus + per * p)) == v for p, v in zip(_POWERS, values)):
        return plus, per, low, high
    return None


def _spore_burst(importer: SpellImport, cls: KodClass, element: KodClass, table: dict[str, Any],
                 figures: dict[str, int]) -> str | None:
    """Spore burst: its radius and time from the power (PlaceWallElements, GetDuration),
    the hold it puts on who moves within its reach (the hold spell's enchantment, for its
    base time and the radius more), the hold's words."""
    read = _placing_figures(cls, ("iradius", "iduration"), seconds=("iduration",))
    hold_number = None
    for site in find_sends(element, "FindSpellByNum", "DoEffect"):
        num = {k.casefold(): v for k, v in site.call.named.items()}.get("num")
        hold_number = _int(evaluate(num, element.scope())) if num is not None else None
    base = _int(element.constant("BASE_HOLD_DURATION"))
    hold = _spell_class(importer, hold_number)
    if "iradius" not in read or "iduration" not in read or base is None or hold is None:
        return None
    for name, variable in (("radius", "iradius"), ("base", "iduration")):
        for part, value in zip(("per", "div", "plus", "min", "max"), read[variable]):
            figures[f"{name}_{part}"] = value
    figures["hold_number"], figures["hold_base"] = hold_number or 0, base
    told = [_resource_name(s.call.named) for s in find_sends(hold, "MsgSendUser", "DoHold")]
    if told and told[0]:
        importer.texts.put(table, "held", hold, told[0], category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    importer.texts.put(table, "unaffected", element, "vrUnaffectedMessage", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    table["figures"] = figures
    return "spore_burst"


def _placing_figures(
    cls: KodClass, variables: tuple[str, ...], seconds: tuple[str, ...] = (),
) -> dict[str, tuple[int, int, int, int, int]]:
    """PlaceWallElements's opening assignments at every power, each as
    bound(power * per / div + plus, min, max) (those in ``seconds``: of their thousandths)."""
    handler = cls.handler("PlaceWallElements")
    values: dict[str, list[Any]] = {v: [] for v in variables}
    for power in _POWERS:
        env: dict[str, Any] = {"ispellpower": power}
        for statement in handler.body if handler is not None else ():
            if isinstance(statement, ast.Assign):
                env[statement.target.casefold()] = _open_bound(cls, statement.value, env)
        for variable in variables:
            values[variable].append(env.get(variable))
    found = {}
    for variable, seen in values.items():
        if variable in seconds and all(isinstance(v, int) and v % 1000 == 0 for v in seen):
            seen = [v // 1000 for v in seen]
        fit = _bounded_line(seen)
        if fit is not None:
            found[variable] = fit
    return found


def _open_bound(cls: KodClass, expression: ast.Expression, env: dict[str, Any]) -> Any:
    """An assignment's value, reading ``bound(x, $, high)`` (no low bound) too."""
    if isinstance(expression, ast.Call) and expression.function.casefold() == "bound" and len(expression.positional) == 3:
        value, low, high = expression.positional
        if isinstance(low, ast.Nil) or isinstance(high, ast.Nil):
            found = _value(cls, value, env)
            if not isinstance(found, int):
                return found
            if not isinstance(low, ast.Nil):
                bottom = _value(cls, low, env)
                found = max(bottom, found) if isinstance(bottom, int) else found
            if not isinstance(high, ast.Nil):
                top = _value(cls, high, env)
                found = min(top, found) if isinstance(top, int) else found
            return found
    return _value(cls, expression, env)


def _bounded_line(values: list[Any]) -> tuple[int, int, int, int, int] | None:
    """(per, div, plus, min, max) giving every value, or None."""
    if not values or not all(isinstance(v, int) for v in values):
        return None
    low, high = min(values), max(values)
    inside = [(p, v) for p, v in zip(_POWERS, values) if low < v < high] or list(zip(_POWERS, values))
    for divisor in range(1, 51):
        for per in range(0, 11):
            at, value = inside[0]
            plus = value - div(at * per, divisor)
            if all(max(low, min(high, div(p * per, divisor) + plus)) == v for p, v in zip(_POWERS, values)):
                return per, divisor, plus, low, high
    return None
