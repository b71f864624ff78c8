"""Room enchantments (roomench.kod's spells): the spells whose effect
``emulator/world/spells/rooms.py`` runs, each recognised when its class's own handlers do
only what is run of it (its time, a room modifier such as the light or the spell power it
takes, a bonus to the blows struck in the room, its words to the room, to arrivals and to a
caster whose room already has it; a truce's barred fights, heat's and a sandstorm's periods
and harm, the armour classes' heat, forces of light's hit bonus to the good). Its figures are
read by running its GetDuration, and the amounts its handlers give, at each power."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import find_sends, iter_statements
from emulator.importer.original.common import _key
from emulator.importer.original.spells import _POWERS, _sent, _value
from emulator.rules.casting import SPELLPOWER_MAXIMUM
from emulator.rules.dice import div

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

Figures = dict[str, int]

#: What each handler of every room enchantment may send; anything more is code not run.
_COMMON = {
    "castspell": {"getowner", "isenchanted", "msgsenduser", "someonesaid", "roomstartenchantment", "getduration"},
    "endspell": {"someonesaid"},
    "startenchantmentnewoccupant": {"msgsenduser"},
    "canpaycosts": {"getowner", "isenchanted", "msgsenduser"},
    "getduration": set(),
    "resetreagents": set(),
    "getnumspelltargets": set(),
}


@attrs.frozen
class _Part:
    """What is run of one spell: the handlers (and their sends) it may have beyond the
    common ones, and the reading of its figures (False: not as the server runs it)."""

    handlers: dict[str, set[str]]
    read: Callable[[KodClass, Figures], bool]
    #: Words of other classes it makes the server say: (purpose, the class, its resource).
    words: tuple[tuple[str, str, str], ...] = ()
    #: How its time is read (its GetDuration, by default).
    duration: Callable[[KodClass, Figures], bool] | None = None
    #: Its own words beyond the common ones: (purpose, handler, message, argument, index), as ``_WORDS``.
    own_words: tuple[tuple[str, str, str, str, int], ...] = ()


def _fit(values: list[Any]) -> tuple[int, int, int] | None:
    """(per, divisor, plus) with ``power * per / divisor + plus`` giving every value."""
    if not all(isinstance(v, int) for v in values):
        return None
    plus = values[0]
    for divisor in range(1, 101):
        per = values[divisor] - plus
        if all(div(p * per, divisor) + plus == v for p, v in zip(_POWERS, values)):
            return per, divisor, plus
    return None


def _put_line(figures: Figures, name: str, values: list[Any]) -> bool:
    found = _fit(values)
    if found is None:
        return False
    figures[f"{name}_per"], figures[f"{name}_divisor"], figures[f"{name}_plus"] = found
    return True


def _named(site_call: ast.Call, name: str) -> ast.Expression | None:
    return {k.casefold(): v for k, v in site_call.named.items()}.get(name)


def _sent_amount(cls: KodClass, message: str, argument: str) -> list[Any] | None:
    """The values at each power of ``#argument`` of the one ``message`` the cast sends."""
    sites = find_sends(cls, message, "CastSpell")
    if len(sites) != 1:
        return None
    arguments = [(k.casefold(), v) for k, v in sites[0].call.named.items()]
    found = [v for k, v in arguments if k == argument]
    if len(found) != 1:
        return None  # given twice: which one counts is not read here
    return [_value(cls, found[0], {"ispellpower": power}) for power in _POWERS]


@attrs.frozen
class _Time:
    """A GetDuration's value: ``whole`` units of ``unit`` ms, drawn between half and all
    of them when ``drawn``."""

    whole: int
    unit: int = 1
    drawn: bool = False


def _time_value(cls: KodClass, expression: ast.Expression, env: dict[str, Any]) -> Any:
    if isinstance(expression, ast.Call) and expression.function.casefold() == "random" and len(expression.positional) == 2:
        low, high = (_time_value(cls, arg, env) for arg in expression.positional)
        return _Time(high, 1, True) if isinstance(high, int) and low == div(high, 2) else None
    if isinstance(expression, ast.BinaryOp) and expression.op == "*":
        left, right = _time_value(cls, expression.left, env), _time_value(cls, expression.right, env)
        if isinstance(left, _Time) and isinstance(right, int) and left.unit == 1:
            return attrs.evolve(left, unit=right)
    if isinstance(expression, ast.BinaryOp) and expression.op in ("+", "-", "*", "/"):
        left, right = _time_value(cls, expression.left, env), _time_value(cls, expression.right, env)
        if isinstance(left, int) and isinstance(right, int) and not (expression.op == "/" and right == 0):
            return {"+": left + right, "-": left - right, "*": left * right}.get(expression.op) \
                if expression.op != "/" else div(left, right)
    if isinstance(expression, ast.Name) and expression.name.casefold() not in env:
        known = cls.value(expression.name)  # a classvar such as the drain's period
        if isinstance(known, int) and not isinstance(known, bool):
            return known
    return _value(cls, expression, env)


def _duration(cls: KodClass, power: int) -> _Time | None:
    """What GetDuration gives at ``power``, for a handler of straight assignments."""
    handler = cls.handler("GetDuration")
    if handler is None:
        return None
    env: dict[str, Any] = {"ispellpower": power}
    for statement in handler.body:
        if isinstance(statement, ast.Assign):
            env[statement.target.casefold()] = _time_value(cls, statement.value, env)
        elif isinstance(statement, ast.Return) and statement.value is not None:
            found = _time_value(cls, statement.value, env)
            return _Time(found) if isinstance(found, int) else found if isinstance(found, _Time) else None
        else:
            return None
    return None


def _read_duration(cls: KodClass, figures: Figures) -> bool:
    times = [_duration(cls, power) for power in _POWERS]
    if not all(isinstance(t, _Time) for t in times):
        return False
    first = times[0]
    assert first is not None
    if any(t is None or (t.unit, t.drawn) != (first.unit, first.drawn) for t in times):
        return False
    if not _put_line(figures, "duration", [t.whole for t in times if t is not None]):
        return False
    if first.unit != 1:
        figures["duration_unit"] = first.unit
    if first.drawn:
        figures["duration_drawn"] = 1
    return True


def _light(cls: KodClass, figures: Figures) -> bool:
    """The light its cast adds (AddBaseLight's amount), taken back at its end."""
    values = _sent_amount(cls, "AddBaseLight", "amount")
    return values is not None and _put_line(figures, "light", values)


def _spell_power_loss(cls: KodClass, figures: Figures) -> bool:
    """The state its cast keeps, which ModifySpellPower gives spell.kod to take off the power."""
    values = _sent_amount(cls, "RoomStartEnchantment", "state")
    return values is not None and _put_line(figures, "spell_power_loss", values)


def _blow_bonus(cls: KodClass, figures: Figures) -> bool:
    """The damage its ModifyDamage adds to a blow struck in the room (``damage +
    Random(low, high)``); its ModifyHitRoll must leave the roll as it is."""
    hit = cls.handler("ModifyHitRoll")
    if hit is None or len(hit.body) != 1 or not isinstance(hit.body[0], ast.Return):
        return False
    given = hit.body[0].value
    if not (isinstance(given, ast.Name) and given.name.casefold() == "hit_roll"):
        return False
    damage = cls.handler("ModifyDamage")
    if damage is None or len(damage.body) != 1 or not isinstance(damage.body[0], ast.Return):
        return False
    added = damage.body[0].value
    if not (isinstance(added, ast.BinaryOp) and added.op == "+" and isinstance(added.left, ast.Name)
            and added.left.name.casefold() == "damage" and isinstance(added.right, ast.Call)
            and added.right.function.casefold() == "random" and len(added.right.positional) == 2):
        return False
    low, high = (_value(cls, arg, {}) for arg in added.right.positional)
    if not (isinstance(low, int) and isinstance(high, int)):
        return False
    figures["blow_damage_min"], figures["blow_damage_max"] = low, high
    return True


_LIGHT = _Part({"castspell": {"addbaselight"}, "endspell": {"addbaselight"}}, _light)
#: The room enchantments the server runs, by key.
_PARTS = {
    "light": _LIGHT,
    "darkness": _LIGHT,
    "antimagicaura": _Part(
        {"affectsspellpower": set(), "modifyspellpower": {"getenchantedstate"}, "removeenchantment": set()},
        _spell_power_loss,
    ),
    "killingfields": _Part(
        {"castspell": {"enchantalloccupants"}, "endspell": {"unenchantalloccupants"},
         "startenchantmentnewoccupant": {"startenchantment"}, "startenchantment": {"addattackmodifier"},
         "endroomenchantment": {"removeattackmodifier"}, "modifyhitroll": set(), "modifydamage": set()},
        _blow_bonus,
    ),
}

def _bane(cls: KodClass, figures: Figures) -> bool:
    """A bane keeps its power as its state (what HurtCaster is given, room.kod SpellCast)."""
    values = _sent_amount(cls, "RoomStartEnchantment", "state")
    return values is not None and _fit(values) == (1, 1, 0)


def _silence(cls: KodClass, figures: Figures) -> bool:
    """Kept up by its caster, who pays its drain each period (its duration); it silences."""
    drain = cls.value("viManaDrain")
    if not isinstance(drain, int) or drain <= 0 or figures.get("duration_drawn"):
        return False
    figures["drain_mana"], figures["silences"] = drain, 1
    return True


_PARTS["silence"] = _Part(
    {"castspell": {"settranceflag", "getjalainfo", "removeenchantment"}, "breaktrance": {"getowner", "removeenchantment"},
     "startperiodicenchantment": {"getmana", "roomstartenchantment", "getduration", "losemana"},
     "spellbannedinarena": set()},
    _silence,
    # why a cast or speech is stopped in its room (spell.kod CanCastHere, room.kod RoomReqCommunication)
    (("cast_silenced", "spell", "spell_silenced_rsc"), ("speech_silenced", "room", "room_silenced_rsc")),
)

def _picked(cls: KodClass, expression: ast.Expression, env: dict[str, Any], pick: Callable[[int, int], int]) -> Any:
    """A value with each ``Random(low, high)`` in it taken as ``pick`` chooses."""
    if isinstance(expression, ast.Call) and expression.function.casefold() == "random" and len(expression.positional) == 2:
        low, high = (_picked(cls, arg, env, pick) for arg in expression.positional)
        return pick(low, high) if isinstance(low, int) and isinstance(high, int) else None
    if isinstance(expression, ast.BinaryOp) and expression.op in ("+", "*"):
        left, right = _picked(cls, expression.left, env, pick), _picked(cls, expression.right, env, pick)
        if isinstance(left, int) and isinstance(right, int):
            return left + right if expression.op == "+" else left * right
        return None
    return _time_value(cls, expression, env)


def _cast_duration(cls: KodClass, figures: Figures) -> bool:
    """A time its cast draws itself (death link: a line of the power and a random number
    of whole seconds more), from the assignment the cast's RoomStartEnchantment sends."""
    sites = find_sends(cls, "RoomStartEnchantment", "CastSpell")
    time = _named(sites[0].call, "time") if len(sites) == 1 else None
    handler = cls.handler("CastSpell")
    if not isinstance(time, ast.Name) or handler is None:
        return False
    assigned = [st.value for st in handler.body if isinstance(st, ast.Assign) and st.target.casefold() == time.name.casefold()]
    if len(assigned) != 1:
        return False
    lows, highs = [], []
    for power in _POWERS:
        env = {"ispellpower": power}
        lows.append(_picked(cls, assigned[0], env, lambda low, high: low))
        highs.append(_picked(cls, assigned[0], env, lambda low, high: high))
    step = _picked(cls, assigned[0], {"ispellpower": 0}, lambda low, high: low + 1)
    if not (isinstance(step, int) and all(isinstance(v, int) for v in (*lows, *highs))):
        return False
    step -= lows[0]
    spreads = {high - low for low, high in zip(lows, highs)}
    if len(spreads) != 1 or step <= 0 or spreads.pop() % step or not _put_line(figures, "duration", lows):
        return False
    figures["duration_spread_steps"], figures["duration_spread_step"] = (highs[0] - lows[0]) // step, step
    return True


def _kill_gains(cls: KodClass, figures: Figures) -> bool:
    """What its caster gains from a death in the room (GiveKilledBenefits): a roll of
    health and one of mana, each times a factor for a player's death; and its words name
    the caster (its cast's SomeoneSaid gives the caster's article and name)."""
    handler = cls.handler("GiveKilledBenefits")
    if handler is None:
        return False
    rolls: dict[str, tuple[int, int]] = {}
    factors: dict[str, int] = {}
    for statement in iter_statements(handler.body):
        if not isinstance(statement, ast.Assign):
            continue
        value, target = statement.value, statement.target.casefold()
        if isinstance(value, ast.Call) and value.function.casefold() == "random" and len(value.positional) == 2:
            low, high = (_value(cls, arg, {}) for arg in value.positional)
            if isinstance(low, int) and isinstance(high, int):
                rolls[target] = (low, high)
        elif (isinstance(value, ast.BinaryOp) and value.op == "*" and isinstance(value.left, ast.Name)
              and value.left.name.casefold() == target and isinstance(value.right, ast.Number)):
            factors[target] = value.right.value
    gains = {_gained(cls, message): target for message in ("GainHealthNormal", "GainMana")
             for target in [_gain_amount(cls, message)] if target is not None}
    health, mana = gains.get("health"), gains.get("mana")
    if health not in rolls or mana not in rolls or factors.get(health) != factors.get(mana) or health not in factors:
        return False
    assert health is not None and mana is not None
    figures["kill_health_min"], figures["kill_health_max"] = rolls[health]
    figures["kill_mana_min"], figures["kill_mana_max"] = rolls[mana]
    figures["kill_player_factor"] = factors[health]
    said = find_sends(cls, "SomeoneSaid", "CastSpell")
    if len(said) == 1 and {"parm1", "parm2"} <= {k.casefold() for k in said[0].call.named}:
        figures["names_caster"] = 1
    return True


def _gained(cls: KodClass, message: str) -> str:
    return "health" if "health" in message.casefold() else "mana"


def _gain_amount(cls: KodClass, message: str) -> str | None:
    sites = find_sends(cls, message, "GiveKilledBenefits")
    amount = _named(sites[0].call, "amount") if len(sites) == 1 else None
    return amount.name.casefold() if isinstance(amount, ast.Name) else None


def _passes_blows_through(cls: KodClass, figures: Figures) -> bool:
    """Its attack-modifier handlers give back the roll and the damage unchanged."""
    for handler, given in (("ModifyHitRoll", "hit_roll"), ("ModifyDamage", "damage")):
        found = cls.handler(handler)
        if found is None or len(found.body) != 1 or not isinstance(found.body[0], ast.Return):
            return False
        value = found.body[0].value
        if not (isinstance(value, ast.Name) and value.name.casefold() == given):
            return False
    return True


_PARTS["deathlink"] = _Part(
    {"castspell": {"enchantalloccupants", "getcapdef", "getname"}, "endspell": {"unenchantalloccupants"},
     "doublecheckaftertrance": {"getowner", "checkroomflag", "msgsenduser", "isenchanted"},
     "givekilledbenefits": {"gainhealthnormal", "gainmana"},
     "startenchantmentnewoccupant": {"startenchantment"}, "startenchantment": {"addattackmodifier"},
     "endroomenchantment": {"removeattackmodifier"}, "modifyhitroll": set(), "modifydamage": set()},
    lambda cls, figures: _kill_gains(cls, figures) and _passes_blows_through(cls, figures),
    duration=_cast_duration,
)

def _powerless_duration(cls: KodClass, sender: str) -> int | None:
    """The time ``sender`` gives by asking its GetDuration without a power (as winds does:
    power 0 then, so its random range is one number)."""
    sites = [site for site in find_sends(cls, "RoomStartEnchantment" if sender == "CastSpell" else "StartEnchantment", sender)]
    time = _named(sites[0].call, "time") if len(sites) == 1 else None
    if not (isinstance(time, ast.Call) and time.function.casefold() == "send" and len(time.positional) == 2
            and isinstance(time.positional[1], ast.MessageLiteral)
            and time.positional[1].name.casefold() == "getduration" and not time.named):
        return None
    handler = cls.handler("GetDuration")
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return) or handler.body[0].value is None:
        return None
    env = {"ispellpower": 0}
    low = _picked(cls, handler.body[0].value, env, lambda a, b: a)
    high = _picked(cls, handler.body[0].value, env, lambda a, b: b)
    return low if isinstance(low, int) and low == high else None


def _winds_duration(cls: KodClass, figures: Figures) -> bool:
    found = _powerless_duration(cls, "CastSpell")
    if found is None:
        return False
    figures["duration_per"], figures["duration_divisor"], figures["duration_plus"] = 0, 1, found
    return True


def _winds(cls: KodClass, figures: Figures) -> bool:
    """Each player in the room bears it for its own time, its aim lowered by the power
    (StartEnchantment's AddAim, taken back at its end); its WindsRuinShot's chance, a line
    of the power within bounds, that a ranged shot is snatched away."""
    occupant = _powerless_duration(cls, "StartEnchantment")
    sites = find_sends(cls, "AddAim", "StartEnchantment")
    points = _named(sites[0].call, "points") if len(sites) == 1 else None
    if occupant is None or points is None:
        return False
    if not _put_line(figures, "occupant_aim", [_value(cls, points, {"ispellpower": p}) for p in _POWERS]):
        return False
    figures["occupant_duration"] = occupant
    return _ruin_chance(cls, figures)


_PARTS["winds"] = _Part(
    {"castspell": {"enchantalloccupants"}, "endspell": {"unenchantalloccupants"},
     "startenchantmentnewoccupant": {"startenchantment"}, "startenchantment": {"addaim", "startenchantment", "getduration"},
     "endroomenchantment": {"removeenchantment"}, "endenchantment": {"addaim"}, "removeenchantment": {"removeenchantment"},
     "windsruinshot": {"getowner", "getenchantmentstate", "msgsenduser"}},
    _winds,
    duration=_winds_duration,
)

def _truce(cls: KodClass, figures: Figures) -> bool:
    """Its cast bars fights with monsters in the room (SetRoomFlag of ROOM_NO_MOB_COMBAT),
    given back at its end."""
    sites = find_sends(cls, "SetRoomFlag", "CastSpell")
    if len(sites) != 1:
        return False
    flag, value = _named(sites[0].call, "flag"), _named(sites[0].call, "value")
    if not (isinstance(flag, ast.Name) and flag.name.casefold() == "room_no_mob_combat") or value is None \
            or _value(cls, value, {}) not in (1, True):
        return False
    figures["bars_monster_fights"] = 1
    return True


_PARTS["truce"] = _Part(
    {"castspell": {"gettruename", "getname", "setroomflag"},
     "canpaycosts": {"checkroomflag", "checkplayerflag", "getholderactive", "holderextractobject", "canhelpplayer",
                     "allowguildattack", "ispkallowed", "getbehavior", "isillusion", "issummoned"},
     "endroomenchantment": {"msgsenduser"},
     "endspell": {"checkroomflag", "setroomflagtodefault", "getenchantmentlist", "getspellnum", "setroomflag"},
     "spellbannedinarena": set()},
    _truce,
    # why an attack on a monster is stopped where monsters may not fight (room.kod ReqSomethingAttack)
    (("attack_refused", "room", "room_no_mob_attack"),),
    # its refusal of a cast where a guild-only room has no monster to make a truce with
    own_words=(("towns_refused", "CanPayCosts", "MsgSendUser", "message_rsc", 2),
               ("room_left", "EndRoomEnchantment", "MsgSendUser", "message_rsc", 0)),
)

def _assigned(cls: KodClass, handler: str, name: str, power: int) -> Any:
    """The last value ``handler`` gives its local ``name`` at ``power``, for straight
    assignments at its top (None otherwise)."""
    found = cls.handler(handler)
    env: dict[str, Any] = {"ispellpower": power}
    if found is None:
        return None
    for statement in found.body:
        if isinstance(statement, ast.Assign):
            env[statement.target.casefold()] = _time_value(cls, statement.value, env)
    return env.get(name.casefold())


def _put_stepped(figures: Figures, name: str, values: list[Any]) -> bool:
    """``(<name>_base + <name>_sign * p) / <name>_divisor * <name>_unit`` giving every value
    (heat's period: whole seconds falling with the power; sandstorm's exertion: whole points
    of vigor rising with it)."""
    if not all(isinstance(v, int) and v > 0 for v in values):
        return False
    for unit in (math.gcd(*values), 10000, 1000, 1):
        if any(v % unit for v in values):
            continue
        for sign in (-1, 1):
            for divisor in range(1, 101):
                for base in range(values[0] // unit * divisor, values[0] // unit * divisor + divisor):
                    if all(div(base + sign * p, divisor) * unit == v for p, v in zip(_POWERS, values)):
                        figures[f"{name}_base"], figures[f"{name}_sign"] = base, sign
                        figures[f"{name}_divisor"], figures[f"{name}_unit"] = divisor, unit
                        return True
    return False


def _arithmetic(cls: KodClass, expression: ast.Expression, env: dict[str, Any]) -> Any:
    """A value with negation and ``mod`` too (as the original's interpreter computes them)."""
    if isinstance(expression, ast.UnaryOp) and expression.op == "-":
        found = _arithmetic(cls, expression.operand, env)
        return -found if isinstance(found, int) else None
    if isinstance(expression, ast.BinaryOp) and expression.op in ("mod", "/", "*", "+", "-"):
        left, right = _arithmetic(cls, expression.left, env), _arithmetic(cls, expression.right, env)
        if not (isinstance(left, int) and isinstance(right, int)) or (expression.op in ("mod", "/") and right == 0):
            return None
        if expression.op == "mod":
            return abs(left - div(left, right) * right)
        return {"/": div(left, right) if right else 0, "*": left * right, "+": left + right, "-": left - right}[expression.op]
    return _value(cls, expression, env)


def _armour_heat(cls: KodClass, figures: Figures) -> bool:
    """What each kind of armour gives its wearer of a heat's harm (the armour classes'
    GetHeatDamage; robes none): ``armour_heat_<kind>``."""
    tree = cls.tree
    if tree is None:
        return False
    for other in tree.classes.values():
        if "armor" not in [c.name.casefold() for c in other.ancestry()][1:]:
            continue
        handler = other.handler("GetHeatDamage")
        if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return) \
                or handler.body[0].value is None:
            return False
        heat = _value(other, handler.body[0].value, {})
        if not isinstance(heat, int):
            return False
        if heat:
            figures[f"armour_heat_{_key(other.name)}"] = heat
    return True


def _last_call_times(cls: KodClass) -> list[Any] | None:
    """The whole time a periodic enchantment lasts at each power: the state its last
    period's RoomStartEnchantment keeps, less the power (``<time> + iPower``)."""
    for site in find_sends(cls, "RoomStartEnchantment", "StartPeriodicEnchantment"):
        last = _named(site.call, "lastcall")
        state = _named(site.call, "state")
        if last is not None and _value(cls, last, {}) in (1, True) and isinstance(state, ast.BinaryOp) and state.op == "+":
            return [_arithmetic(cls, state.left, {"ipower": power}) for power in _POWERS]
    return None


def _heat(cls: KodClass, figures: Figures) -> bool:
    """Every period (whole seconds, fewer with more power) until its whole time, each
    player in the room hurt by the heat of its armour, and one entering at once."""
    periods = [_assigned(cls, "CastSpell", "iPeriod", power) for power in _POWERS]
    wholes = _last_call_times(cls)
    if wholes is None or not _put_stepped(figures, "period", periods) or not _armour_heat(cls, figures):
        return False
    if not _put_line(figures, "duration", wholes):
        return False
    figures["hurts_armoured"] = 1
    return _only_where_players_fight(cls, figures)


def _only_where_players_fight(cls: KodClass, figures: Figures) -> bool:
    """Its CanPayCosts refuses it in rooms where players may not fight one another (no
    combat, no player killing, guild fights only)."""
    asked = {flag.name.casefold() for site in find_sends(cls, "CheckRoomFlag", "CanPayCosts")
             for flag in [_named(site.call, "flag")] if isinstance(flag, ast.Name)}
    if not {"room_no_combat", "room_no_pk", "room_guild_pk_only"} <= asked:
        return False
    figures["only_where_players_fight"] = 1
    return True


_PARTS["heat"] = _Part(
    {"castspell": {"getowner", "someonesaid", "roomstartenchantment"},
     "canpaycosts": {"checkroomflag"},
     "startperiodicenchantment": {"roomstartenchantment", "enchantalloccupants"},
     "startenchantmentnewoccupant": {"startenchantment"},
     "startenchantment": {"getarmor", "getowner", "checkplayerflag", "checkroomflag", "isvalidtarget", "getheatdamage",
                          "msgsenduser", "assessdamage", "killed", "somethingkilled"},
     "endroomenchantment": {"removeenchantment"}, "removeenchantment": set()},
    lambda cls, figures: True,
    duration=_heat,
    own_words=(("heat_hurt", "StartEnchantment", "MsgSendUser", "message_rsc", 0),
               ("heat_killed", "StartEnchantment", "MsgSendUser", "message_rsc", 1)),
)

def _ruin_chance(cls: KodClass, figures: Figures) -> bool:
    """Its WindsRuinShot's chance, a line of the room's state within bounds, that a ranged
    shot is snatched away."""
    handler = cls.handler("WindsRuinShot")
    if handler is None:
        return False
    assigned = [st for st in handler.body if isinstance(st, ast.Assign)]
    # its power (the room's state), then a line of it, then bounded
    if len(assigned) != 3 or not isinstance(assigned[2].value, ast.Call) or assigned[2].value.function.casefold() != "bound":
        return False
    chance = assigned[1]
    if not _put_line(figures, "ruin_chance", [_value(cls, chance.value, {assigned[0].target.casefold(): p}) for p in _POWERS]):
        return False
    low, high = (_value(cls, arg, {}) for arg in assigned[2].value.positional[1:3])
    if not (isinstance(low, int) and isinstance(high, int)):
        return False
    figures["ruin_chance_min"], figures["ruin_chance_max"] = low, high
    return True


def _sandstorm(cls: KodClass, figures: Figures) -> bool:
    """Every period (its cast's first time) until its whole time (a line of the power), each
    player in the room exerted and hurt by lines of the power (and one entering, or there at
    the cast, at once, as at no power); while there its aim is lowered by a line of the power
    and its client shows the sand; a ranged shot may be snatched away."""
    cast = find_sends(cls, "RoomStartEnchantment", "CastSpell")
    time = _named(cast[0].call, "time") if len(cast) == 1 else None
    period = _value(cls, time, {}) if time is not None else None
    wholes = _last_call_times(cls)
    if not isinstance(period, int) or period <= 0 or wholes is None or not _put_line(figures, "duration", wholes):
        return False
    figures["period_base"], figures["period_sign"], figures["period_divisor"], figures["period_unit"] = period, 0, 1, 1
    aims = find_sends(cls, "AddAim", "StartEnchantmentNewOccupant")
    points = _named(aims[0].call, "points") if len(aims) == 1 else None
    # the power its cast keeps in the state's last two digits (bounded to 0..99 there)
    if points is None or not _put_line(figures, "occupant_aim", [_arithmetic(cls, points, {"state": period + p}) for p in _POWERS if p <= SPELLPOWER_MAXIMUM]):
        return False
    exertions = find_sends(cls, "AddExertion", "StartEnchantment")
    amount = _named(exertions[0].call, "amount") if len(exertions) == 1 else None
    if amount is None or not _put_stepped(figures, "harm_exertion", [_arithmetic(cls, amount, {"ispellpower": p}) for p in _POWERS]):
        return False
    handler = cls.handler("StartEnchantment")
    damage = [st.value for st in iter_statements(handler.body if handler else ())
              if isinstance(st, ast.Assign) and st.target.casefold() == "idamage"]
    if not damage or not _put_line(figures, "harm_damage", [_arithmetic(cls, damage[0], {"ispellpower": p}) for p in _POWERS]):
        return False
    for handler_name, name in (("StartEnchantmentNewOccupant", "client_effect"), ("RemoveEnchantment", "client_effect_end")):
        sends = find_sends(cls, "EffectSendUser", handler_name)
        given = _named(sends[0].call, "effect") if len(sends) == 1 else None
        effect = _value(cls, given, {}) if given is not None else None
        if not isinstance(effect, int):
            return False
        figures[name] = effect
    figures["exerts"] = 1
    return _ruin_chance(cls, figures) and _only_where_players_fight(cls, figures)


_PARTS["sandstorm"] = _Part(
    {"castspell": {"getowner", "someonesaid", "roomstartenchantment", "getholderactive", "holderextractobject",
                   "startenchantmentnewoccupant"},
     "canpaycosts": {"checkroomflag"},
     "startperiodicenchantment": {"roomstartenchantment", "enchantalloccupants"},
     "startenchantmentnewoccupant": {"startenchantment", "addaim", "effectsenduser"},
     "startenchantment": {"checkplayerflag", "getowner", "checkroomflag", "isvalidtarget", "addexertion", "gethealth",
                          "assessdamage", "msgsenduser"},
     "endspell": {"unenchantalloccupants"},
     "endroomenchantment": {"removeenchantment"}, "removeenchantment": {"effectsenduser", "addaim"},
     "windsruinshot": {"getowner", "getenchantmentstate", "msgsenduser"}},
    lambda cls, figures: True,
    duration=_sandstorm,
    own_words=(("sand_hurt", "StartEnchantment", "MsgSendUser", "message_rsc", 0),),
)

def _first_given(call: ast.Call, name: str) -> ast.Expression | None:
    """The first value given for ``#name``: a message handler's parameter takes the first of
    the arguments named alike (the compiler keeps their order; the interpreter takes the
    first match)."""
    found = [a.value for a in call.args if isinstance(a, ast.NamedArgument) and a.name.casefold() == name]
    return found[0] if found else None


def _forces_of_light(cls: KodClass, figures: Figures) -> bool:
    """Its time in whole steps of the power; each player of good karma in the room (at the
    cast or entering) bears an attack modifier whose ModifyHitRoll adds the room's state and
    a constant to the hit roll, the state being the power (its cast names the state twice,
    the power first: the first counts); its ModifyDamage leaves the damage as it is."""
    times = [_assigned(cls, "GetDuration", "iDuration", power) for power in _POWERS]
    if not _put_stepped(figures, "duration_steps", times):
        return False
    cast = find_sends(cls, "RoomStartEnchantment", "CastSpell")
    state = _first_given(cast[0].call, "state") if len(cast) == 1 else None
    if state is None or _fit([_value(cls, state, {"ispellpower": p}) for p in _POWERS]) != (1, 1, 0):
        return False
    hit = cls.handler("ModifyHitRoll")
    assigned = [st for st in hit.body if isinstance(st, ast.Assign)] if hit is not None else []
    if len(assigned) != 2 or not _put_line(
            figures, "occupant_offense", [_value(cls, assigned[1].value, {assigned[0].target.casefold(): p}) for p in _POWERS]):
        return False
    damage = cls.handler("ModifyDamage")
    if damage is None or len(damage.body) != 1 or not isinstance(damage.body[0], ast.Return) \
            or not (isinstance(damage.body[0].value, ast.Name) and damage.body[0].value.name.casefold() == "damage"):
        return False
    start = cls.handler("StartEnchantment")
    test = start.body[0] if start is not None and start.body else None
    condition = test.condition if isinstance(test, ast.If) else None
    if not (isinstance(condition, ast.BinaryOp) and condition.op == ">" and isinstance(condition.right, ast.Number)
            and condition.right.value == 0 and "getkarma" in _sent(cls, "StartEnchantment")):
        return False
    figures["occupant_good_only"] = 1
    if "unenchantalloccupants" in _sent(cls, "EndSpell"):  # its end tells everyone there what leaving does
        figures["leave_words_at_end"] = 1
    return True


_PARTS["forcesoflight"] = _Part(
    {"castspell": {"enchantalloccupants"}, "endspell": {"unenchantalloccupants"},
     "startenchantmentnewoccupant": {"startenchantment"},
     "startenchantment": {"getkarma", "addattackmodifier", "msgsenduser"},
     "endroomenchantment": {"removeattackmodifier", "msgsenduser"},
     "modifyhitroll": {"getowner", "getenchantedstate", "getenchantmentstate"}, "modifydamage": set()},
    lambda cls, figures: True,
    duration=_forces_of_light,
    own_words=(("occupant_on", "StartEnchantment", "MsgSendUser", "message_rsc", 0),
               ("room_left", "EndRoomEnchantment", "MsgSendUser", "message_rsc", 0)),
)

_BANE = _Part(
    {"hurtcaster": {"checkplayerflag", "getowner", "checkroomflag", "isvalidtarget", "msgsenduser", "assessdamage",
                    "killed", "somethingkilled"}},
    _bane,
)
_PARTS["shalillebane"] = _PARTS["qorbane"] = _BANE

#: Its words: (purpose, handler, message that says them, argument naming the resource,
#: which of the handler's sends of it in source order).
_WORDS = (
    ("room_started", "CastSpell", "SomeoneSaid", "string", 0),
    ("room_ended", "EndSpell", "SomeoneSaid", "string", 0),
    ("room_entered", "StartEnchantmentNewOccupant", "MsgSendUser", "message_rsc", 0),
    ("room_already", "CanPayCosts", "MsgSendUser", "message_rsc", 0),
    ("bane_hurt", "HurtCaster", "MsgSendUser", "message_rsc", 0),
    ("bane_killed", "HurtCaster", "MsgSendUser", "message_rsc", 1),
    ("shot_ruined", "WindsRuinShot", "MsgSendUser", "message_rsc", 0),
)


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    names = [c.name.casefold() for c in cls.ancestry()]
    part = _PARTS.get(_key(cls.name))
    if "roomenchantment" not in names[1:] or part is None:
        return None
    for handler in cls.messages:
        allowed = _COMMON.get(handler, set()) | part.handlers.get(handler, set())
        if (handler not in _COMMON and handler not in part.handlers) or _sent(cls, handler) - allowed:
            return None  # more to it than the server runs
    figures: Figures = {}
    if not ((part.duration or _read_duration)(cls, figures) and part.read(cls, figures)):
        return None
    if cls.value("viNoNewbieOffense") in (1, True):  # spell.kod CanPayCosts: not on the unready
        figures["no_newbie_offense"] = 1
        importer.texts.put(table, "guardian_refused", importer.tree.classes["spell"], "spell_guardian", category="spell",
                           max_bytes=MAX_DESCRIPTION_BYTES)
    table["figures"] = {**table.get("figures", {}), **figures}
    table["targets"] = 0  # the caster's room
    for purpose, owner, resource_name in part.words:
        importer.texts.put(table, purpose, importer.tree.classes[owner], resource_name, category="spell",
                           max_bytes=MAX_DESCRIPTION_BYTES)
    for purpose, handler, message, argument, index in (*_WORDS, *part.own_words):
        sites = sorted(find_sends(cls, message, handler), key=lambda site: site.line)
        resource = _named(sites[index].call, argument) if index < len(sites) else None
        if isinstance(resource, ast.Name):
            importer.texts.put(table, purpose, cls, resource.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "room_enchantment"
