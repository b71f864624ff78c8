"""The spells that change how a player looks to others (anon.kod, fdeath.kod, fade.kod,
shadform.kod, invis.kod): their effect, the figures their handlers compute and their words.

Figures (``SpellDefinition.figure``):

* ``duration_ms``, ``duration_per_power``: the whole time a cast lasts is
  ``duration_ms + duration_per_power * power`` (shadow form, fade, invisibility, read
  from their GetDuration; invisibility lasts between half and all of it);
* ``duration_step_power``: anonymity's time grows by ``duration_per_power`` each whole
  ``duration_step_power`` points of power (read from its CastSpell);
* ``drain_mana``, ``drain_ms``: feign death's mana taken each period while it lasts;
* ``form_<kind>``: 1 for each monster kind a player may take the look of (the original's
  monster templates whose CanMorphTo allows it), for illusionary form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.original.common import _int, _key

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

_POWERS = range(0, 121)

#: The effect of each spell class of the family (by its key), and how it reads.
_EFFECTS = {
    "anonymity": "anonymity",
    "feigndeath": "feign_death",
    "fade": "fade",
    "shadowform": "shadow_form",
    "invisibility": "invisibility",
    "illusionaryform": "illusionary_form",
    "morph": "morph",
    "summoneviltwin": "evil_twin",
    "summonapparition": "summon_apparition",
    "summonreflection": "summon_reflection",
    "seduce": "seduce",
}


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    effect = _EFFECTS.get(_key(cls.name))
    if effect is None:
        return None
    figures: dict[str, int] = {}
    read = {"anonymity": _anonymity, "feign_death": _feign_death, "fade": _fade,
            "shadow_form": _shadow_form, "invisibility": _invisibility, "illusionary_form": _illusionary_form,
            "morph": _morph, "evil_twin": _evil_twin, "summon_apparition": _apparition,
            "summon_reflection": _reflection, "seduce": _seduce}[effect]
    if not read(importer, cls, table, figures):
        return None
    table["figures"] = figures
    return effect


def _put(importer: SpellImport, table: dict[str, Any], cls: KodClass, purpose: str, variable: str) -> bool:
    return importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _anonymity(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """Anonymous for whole minutes, one more each ten points of power (its CastSpell)."""
    values = _assigned(cls, "CastSpell", "iduration")
    step = _steps(values)
    if step is None:
        return False
    figures["duration_ms"], figures["duration_per_power"], figures["duration_step_power"] = step
    table["targets"] = 0
    _put(importer, table, cls, "target", "anonymity_start")
    _put(importer, table, cls, "ended", "anonymity_stop")
    _put(importer, table, cls, "already_have", "anonymity_already_enchanted")
    _put(importer, table, cls, "blank_name", "user_blank_string")
    return True


def _feign_death(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    drain, every = _int(cls.value("viManaDrain")), _int(cls.value("viDrainTime"))
    if not drain or not every:
        return False
    figures["drain_mana"], figures["drain_ms"] = drain, every
    table["targets"] = 0
    for purpose, variable in (("killed_by", "feigndeath_user_killed"), ("prank_1", "feigndeath_angrymocker"),
                              ("prank_2", "feigndeath_fallingpiano"), ("prank_3", "feigndeath_firebunny"),
                              ("blank_name", "user_blank_string"),
                              # the body a player leaves (player.kod CreateCorpse), by gender
                              ("body_male_icon", "player_dead_male_icona_rsc"),
                              ("body_female_icon", "player_dead_female_icona_rsc"),
                              ("body_male_name", "player_dead_male_name_rsc"),
                              ("body_female_name", "player_dead_female_name_rsc"),
                              ("body_look", "deadbody_player_desc_rsc")):
        _put(importer, table, cls, purpose, variable)
    return True


def _fade(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    if not _line(importer, cls, figures):
        return False
    table["targets"] = 0
    for purpose, variable in (("target", "fade_on"), ("ended", "fade_off"), ("trance_lost", "fade_broke_trance"),
                              ("already_self", "fade_already_enchanted")):
        _put(importer, table, cls, purpose, variable)
    return True


def _shadow_form(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    if not _line(importer, cls, figures):
        return False
    table["targets"] = 0 if cls.value("vbCanCastOnOthers") == 0 else 1
    for purpose, variable in (("target", "vrEnchantment_On"), ("caster", "vrSuccess"), ("ended", "shadowform_off"),
                              ("looks_taken", "shadowform_already_affected"),
                              ("not_here", "PersonalEnchantment_bad_location")):
        _put(importer, table, cls, purpose, variable)
    return True


def _invisibility(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    if not _line(importer, cls, figures):
        return False
    table["targets"] = 0 if cls.value("vbCanCastOnOthers") == 0 else 1
    if table["targets"]:
        return False  # only its caster is modelled
    for purpose, variable in (("target", "vrEnchantment_On"), ("ended", "vrEnchantment_Off"),
                              ("already_self", "vrAlreadyEnchanted")):
        _put(importer, table, cls, purpose, variable)
    return True


def _illusionary_form(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """A look drawn among the monster templates for a time drawn from a line of the power
    (its PerformIllusionaryForm)."""
    values = _assigned(cls, "PerformIllusionaryForm", "itime")
    if not values or not all(isinstance(v, int) for v in values):
        return False
    base, per = values[0], values[1] - values[0]
    if any(v != base + per * p for p, v in zip(_POWERS, values)):
        return False
    figures["duration_ms"], figures["duration_per_power"], figures["drawn"] = base, per, 1
    forms = _forms(importer)
    if not forms:
        return False
    figures.update({f"form_{kind}": 1 for kind in forms})
    table["targets"] = 0
    for purpose, variable in (("took_form", "illusionaryform_on"), ("ended", "illusionaryform_off"),
                              ("already_self", "illusionaryform_already_affected")):
        _put(importer, table, cls, purpose, variable)
    return True


def _morph(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """A monster's look, name and health, for a time of the power and the healths (its
    PerformMorph, coded in ``emulator/rules/spells/looks.py``)."""
    forms = _forms(importer)
    if not forms:
        return False
    figures.update({f"form_{kind}": 1 for kind in forms})
    table["targets"] = 0
    for purpose, variable in (("took_form", "morph_on"), ("ended", "morph_off"),
                              ("already_have", "morph_already_enchanted")):
        _put(importer, table, cls, purpose, variable)
    return True


def _evil_twin(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """The creature its CastSpell makes must be the one the server makes (``TWIN_KIND``
    of ``emulator/world/spells/illusions.py``), with its words."""
    from emulator.importer.blakod import ClassRef
    from emulator.importer.blakod.calls import find_calls

    made = [site.arg(0) for site in find_calls(cls, "Create", "CastSpell")]
    if len(made) != 1 or not isinstance(made[0], ClassRef) or _key(made[0].name) != "eviltwin":
        return False
    table["targets"] = 1
    for purpose, variable in (("caster", "summonEvilTwin_cast_rsc"), ("not_on_self", "summonEvilTwin_no_self"),
                              ("wrong_target", "summonEvilTwin_bad_target"), ("crowded", "summonEvilTwin_failed_rsc"),
                              ("vanished", "EvilTwin_delete"), ("trouble", "EvilTwin_trouble")):
        _put(importer, table, cls, purpose, variable)
    return True


def _apparition(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """The creatures its power draws outside monster rooms must be the ones the server
    draws (``rules/spells/summons.py``), with its words."""
    from emulator.importer.blakod import ClassRef
    from emulator.importer.blakod.calls import find_calls
    from emulator.rules.spells.summons import apparition_kinds

    args = [site.arg(0) for site in find_calls(cls, "Create", "CreateRandomMonster")]
    made = {_key(arg.name) for arg in args if isinstance(arg, ClassRef)}
    if made != apparition_kinds():
        return False
    table["targets"] = 1
    for purpose, variable in (("raised", "summonapparition_cast_rsc"), ("crowded", "summonapparition_failed_rsc"),
                              ("wrong_target", "summonapparition_failed_inanimate")):
        _put(importer, table, cls, purpose, variable)
    return True


def _reflection(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """The creature its CastSpell makes must be the one the server makes (``REFLECTION_KIND``
    of ``emulator/world/spells/summons.py``), with its words and the creature's."""
    from emulator.importer.blakod import ClassRef
    from emulator.importer.blakod.calls import find_calls

    made = [site.arg(0) for site in find_calls(cls, "Create", "CastSpell")]
    if len(made) != 1 or not isinstance(made[0], ClassRef) or _key(made[0].name) != "reflection":
        return False
    table["targets"] = 0
    for purpose, variable in (("caster", "summonreflection_cast_rsc"), ("crowded", "summonreflection_failed_rsc"),
                              ("guardian", "spell_guardian"), ("vanished", "reflection_delete"),
                              ("trouble", "Reflection_trouble")):
        _put(importer, table, cls, purpose, variable)
    return True


def _seduce(importer: SpellImport, cls: KodClass, table: dict[str, Any], figures: dict[str, int]) -> bool:
    """The kinds its CanPayCosts refuses (``refuse_<kind>``), with its words."""
    from emulator.importer.blakod import ClassRef
    from emulator.importer.blakod.calls import find_calls

    args = [site.arg(1) for site in find_calls(cls, "IsClass", "CanPayCosts")]
    refused = {_key(arg.name) for arg in args if isinstance(arg, ClassRef)} - {"battler"}
    if not refused:
        return False
    figures.update({f"refuse_{kind}": 1 for kind in sorted(refused)})
    table["targets"] = 1
    for purpose, variable in (("seduced", "seduce_caster"), ("already_on", "seduce_already_enchanted"),
                              ("player_first", "seduce_player_first"), ("player_second", "seduce_player_second"),
                              ("fail_1", "seduce_fail_1"), ("fail_2", "seduce_fail_2"),
                              ("not_on_self", "spell_no_self_target")):
        _put(importer, table, cls, purpose, variable)
    return True


def _forms(importer: SpellImport) -> list[str]:
    """The kinds of the original's monster templates (system.kod RecreateMonsterTemplates)
    whose CanMorphTo says a player may take their look."""
    from emulator.importer.blakod.calls import collected_list
    from emulator.importer.blakod.evaluate import CallValue
    from emulator.importer.blakod import ClassRef
    from emulator.importer.original.spells import _constant_return

    tree = importer.tree
    if "system" not in tree.classes:
        return []
    found = []
    for item in collected_list(tree.classes["system"], "plMonsterTemplates", "RecreateMonsterTemplates"):
        if not (isinstance(item, CallValue) and item.function.casefold() == "create" and item.args
                and isinstance(item.args[0], ClassRef) and item.args[0].name in tree.classes):
            continue
        monster = tree.classes[item.args[0].name]
        key = _key(monster.name)
        if _constant_return(monster, "CanMorphTo") and len(f"form_{key}") <= 32:
            found.append(key)
    return found


def _line(importer: SpellImport, cls: KodClass, figures: dict[str, int]) -> bool:
    """GetDuration as a straight line of the power (a drawn one by its whole)."""
    from emulator.importer.original.spells import _Drawn, _run

    values = [_run(cls, "GetDuration", power) for power in _POWERS]
    wholes = [v.whole if isinstance(v, _Drawn) else v for v in values]
    if not all(isinstance(w, int) for w in wholes):
        return False
    base, per = wholes[0], wholes[1] - wholes[0]
    if any(w != base + per * p for p, w in zip(_POWERS, wholes)):
        return False
    figures["duration_ms"], figures["duration_per_power"] = base, per
    if isinstance(values[0], _Drawn):
        figures["drawn"] = 1  # between half and all of it
    return True


def _assigned(cls: KodClass, handler: str, variable: str) -> list[Any]:
    """The value a handler's top-level assignment to ``variable`` takes at each power."""
    from emulator.importer.original.spells import _value

    found = cls.handler(handler)
    if found is None:
        return []
    for statement in found.body:
        if isinstance(statement, ast.Assign) and statement.target.casefold() == variable:
            return [_value(cls, statement.value, {"ispellpower": power}) for power in _POWERS]
    return []


def _steps(values: list[Any]) -> tuple[int, int, int] | None:
    """(at power 0, added each step, points of power a step) of a value growing in steps."""
    if not values or not all(isinstance(v, int) for v in values):
        return None
    base = values[0]
    step_at = next((p for p, v in zip(_POWERS, values) if v != base), None)
    if step_at is None:
        return None
    per = values[step_at] - base
    if any(v != base + per * (p // step_at) for p, v in zip(_POWERS, values)):
        return None
    return base, per, step_at
