"""Hypothesis strategies derived from construct schemas.

``values_for(construct)`` walks a schema and draws values that the schema can build:
fields are drawn in order with the partly built context, so ``If``/``Switch``
conditions and ``Array`` counts see the sibling fields drawn before them, as they
would when parsing. Custom constructs register their own strategy in ``CUSTOM``.
"""

from __future__ import annotations

from typing import Any, Callable

from construct import (
    Array,
    Const,
    Construct,
    Container,
    Error,
    FocusedSeq,
    FormatField,
    GreedyBytes,
    IfThenElse,
    Pass,
    Peek,
    Prefixed,
    Rebuild,
    Select,
    Renamed,
    StringEncoded,
    Struct,
    Switch,
    Computed,
)
from hypothesis import strategies as st

from protocol_specs.common import OptionalTranslation
from protocol_specs.client_requests import RemainingLengthSwitch
from protocol_specs.format_string import FormattedText

_latin1 = st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=30)
_s32 = st.integers(-(2**31), 2**31 - 1)

#: Format ids of tests/test_resources_fixture.py with the parameters each one takes.
_FORMATTED = st.one_of(
    st.builds(lambda: Container(format=100, params=[])),
    st.builds(lambda q: Container(format=101, params=[q]), _latin1),
    st.builds(lambda s, q: Container(format=102, params=[s, q]), st.sampled_from([104, 105]), _latin1),
    st.builds(lambda d: Container(format=103, params=[104, 105, d]), _s32),
    st.builds(lambda i, q: Container(format=106, params=[i, q]), _s32, _latin1),
    st.builds(lambda i, q: Container(format=107, params=[104, 105, 106, i, q]), _s32, _latin1),
    st.builds(lambda: Container(format=108, params=[])),
)

MAX_LIST = 4

_MARKER = object()

CUSTOM: dict[type, Callable[[Construct, Container], st.SearchStrategy]] = {
    OptionalTranslation: lambda con, ctx: st.one_of(
        st.none(), st.builds(Container, kind=st.sampled_from([9, 10]), value=st.integers(0, 255))
    ),
    type(FormattedText): lambda con, ctx: _FORMATTED,
    RemainingLengthSwitch: lambda con, ctx: st.one_of(
        *(values_for(case, ctx).map(lambda fields, form=form: Container(form=form, **fields)) for form, case in con.cases.items())
    ),
}


def _integers(fmt: str) -> st.SearchStrategy[int]:
    code = fmt[-1]
    bits = {"b": 8, "B": 8, "h": 16, "H": 16, "i": 32, "I": 32, "l": 32, "L": 32, "q": 64, "Q": 64}[code]
    if code.islower():
        return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if bits == 32:
        # Bias toward tagged number-item ids so amount fields get exercised.
        return st.one_of(st.integers(0, 2**32 - 1), st.integers(0x10000000, 0x1FFFFFFF), st.integers(0, 1000))
    return st.integers(0, 2**bits - 1)


def _unwrap(con: Construct) -> Construct:
    while isinstance(con, Renamed):
        con = con.subcon
    return con


def _evaluate(func: Any, ctx: Container) -> Any:
    return func(ctx) if callable(func) else func


def _switch_keys(con: Construct) -> list | None:
    con = _unwrap(con)
    if isinstance(con, Switch) and (con.default is Error or _unwrap(con.default) is Error):
        return list(con.cases)
    return None


@st.composite
def _struct(draw, subcons: list[Construct], parent: Container | None) -> Container:
    ctx = Container(_=parent) if parent is not None else Container()
    out = Container()
    for index, sub in enumerate(subcons):
        name = getattr(sub, "name", None)
        inner = _unwrap(sub)
        if isinstance(inner, (Rebuild, Computed, Peek)) or inner is Pass:
            continue
        value = _draw_constrained(draw, name, inner, subcons[index + 1 :], ctx)
        if name is not None:
            ctx[name] = value
            out[name] = value
    return out


def _draw_constrained(draw, name, inner, later, ctx):
    """Draw a field; if a later Switch keys on it or an Array counts by it, respect that."""
    if name is not None and isinstance(inner, FormatField):
        probe = Container(ctx)
        probe[name] = _MARKER
        for other in later:
            other_inner = _unwrap(other)
            keys = _switch_keys(other_inner)
            try:
                if keys is not None and other_inner.keyfunc(probe) is _MARKER:
                    return draw(st.sampled_from(keys))
                if isinstance(other_inner, Array) and callable(other_inner.count) and other_inner.count(probe) is _MARKER:
                    return draw(st.integers(0, MAX_LIST))
            except Exception:
                continue
    return draw(values_for(inner, ctx))


def values_for(con: Construct, ctx: Container | None = None) -> st.SearchStrategy:
    ctx = ctx if ctx is not None else Container()
    con = _unwrap(con)
    for kind, factory in CUSTOM.items():
        if isinstance(con, kind):
            return factory(con, ctx)
    if isinstance(con, Struct):
        return _struct(list(con.subcons), ctx)
    if isinstance(con, FormatField):
        return _integers(con.fmtstr)
    if isinstance(con, StringEncoded):
        prefixed = _unwrap(con.subcon)
        limit = 40
        if isinstance(prefixed, Prefixed) and isinstance(_unwrap(prefixed.lengthfield), FormatField):
            limit = min(limit, 2 ** (8 * _unwrap(prefixed.lengthfield).length) - 1)
        return st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=limit)
    if isinstance(con, FocusedSeq) and con.parsebuildfrom == "items":
        items = next(_unwrap(sub) for sub in con.subcons if sub.name == "items")
        return st.lists(values_for(items.subcon, ctx), max_size=MAX_LIST)
    if isinstance(con, Array):
        count = _evaluate(con.count, ctx)
        return st.lists(values_for(con.subcon, ctx), min_size=count, max_size=count)
    if isinstance(con, IfThenElse):
        return values_for(con.thensubcon if con.condfunc(ctx) else con.elsesubcon, ctx)
    if isinstance(con, Switch):
        key = con.keyfunc(ctx)
        return values_for(con.cases.get(key, con.default), ctx)
    if isinstance(con, Select):
        return st.one_of(*(values_for(sub, ctx) for sub in con.subcons))
    if isinstance(con, Const):
        return st.just(con.value)
    if isinstance(con, GreedyBytes.__class__):
        return st.binary(max_size=20)
    if con is Pass:
        return st.none()
    if isinstance(con, Prefixed):
        return values_for(con.subcon, ctx)
    raise NotImplementedError(f"no strategy for {type(con).__name__}: register one in CUSTOM")


def subset_equal(expected: Any, actual: Any) -> bool:
    """``actual`` has every key of ``expected`` with an equal value (recursively)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            subset_equal(value, actual.get(key)) for key, value in expected.items() if not key.startswith("_")
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(subset_equal, expected, actual))
    return expected == actual
