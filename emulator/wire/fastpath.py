"""Fast encoders and decoders for the hottest messages.

The construct schemas in :mod:`protocol_specs` are the declaration; construct costs tens
of microseconds per message, too much for a busy server. So:

* for every *flat* schema (fixed-width integers, object references, and at most one
  trailing string) a :mod:`struct`-based codec is **generated from the schema** at import;
* the object blocks of ``BP_ROOM_CONTENTS`` / ``BP_CREATE`` are encoded by hand;
* ``BP_REQ_ATTACK`` (its optional trailing byte keeps it off the flat path) is decoded
  by hand: every swing of every player comes in as one.

``tests/test_fastpath.py`` proves with hypothesis that every fast path produces exactly
what its schema produces. A decoder returns ``None`` for anything it does not handle
simply (a number-item amount, a length that does not fit), and an encoder returns ``None``
likewise; the codec then uses the schema, which also gives the precise error.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from construct import Construct, FormatField, Renamed, Struct

from protocol_specs import common
from protocol_specs.opcodes import BP
from protocol_specs.registry import Direction, MessageSpec, Mode
from protocol_specs.server_messages import STAT_INT, STAT_RESOURCE, STATS_LIST, STATS_NUMERIC

Decoder = Callable[[bytes], "dict[str, Any] | None"]
Encoder = Callable[[Mapping[str, Any]], "bytes | None"]

_TAG_SHIFT = 28
_NUMBER_TAG = 1


def _flat_layout(body: Construct) -> tuple[str, list[tuple[str, str]], str | None] | None:
    """``(struct format, [(field, kind)], trailing string field)`` for a flat schema.

    kind is ``"int"`` or ``"ref"`` (an ObjectRef: one u32 id, no amount). Returns
    ``None`` when the schema has anything else.
    """
    if not isinstance(body, Struct):
        return None
    fmt = "<"
    fields: list[tuple[str, str]] = []
    trailing: str | None = None
    for sub in body.subcons:
        if trailing is not None or not isinstance(sub, Renamed):
            return None
        inner = sub.subcon
        if inner is common.ObjectRef:
            fmt += "I"
            fields.append((sub.name, "ref"))
        elif isinstance(inner, FormatField):
            fmt += inner.fmtstr[1:]
            fields.append((sub.name, "int"))
        elif inner is common.String:
            trailing = sub.name
        else:
            return None
    return fmt, fields, trailing


def _flat_decoder(spec: MessageSpec) -> Decoder | None:
    layout = _flat_layout(spec.body)
    if layout is None:
        return None
    fmt, fields, trailing = layout
    packer = struct.Struct(fmt)
    size = 1 + packer.size
    names = [name for name, _ in fields]
    refs = [index for index, (_, kind) in enumerate(fields) if kind == "ref"]

    def decode(payload: bytes) -> dict[str, Any] | None:
        if trailing is None:
            if len(payload) != size:
                return None
        elif len(payload) < size + 2 or len(payload) != size + 2 + (payload[size] | payload[size + 1] << 8):
            return None
        values: list[Any] = list(packer.unpack_from(payload, 1))
        for index in refs:
            if values[index] >> _TAG_SHIFT == _NUMBER_TAG:
                return None
            values[index] = {"id": values[index], "amount": None}
        out = dict(zip(names, values))
        if trailing is not None:
            out[trailing] = payload[size + 2 :].decode("latin-1")
        return out

    return decode


def _flat_encoder(spec: MessageSpec) -> Encoder | None:
    layout = _flat_layout(spec.body)
    if layout is None:
        return None
    fmt, fields, trailing = layout
    packer = struct.Struct("<B" + fmt[1:])
    opcode = spec.opcode

    def encode(values: Mapping[str, Any]) -> bytes | None:
        row = [opcode]
        for name, kind in fields:
            value = values[name]
            if kind == "ref":
                if value.get("amount") is not None or value["id"] >> _TAG_SHIFT == _NUMBER_TAG:
                    return None
                value = value["id"]
            row.append(value)
        packed = packer.pack(*row)
        if trailing is None:
            return packed
        text = values[trailing].encode("latin-1")
        return packed + len(text).to_bytes(2, "little") + text

    return encode


# --- hand-written object blocks (protocol_specs.common) --------------------------------

_u8 = struct.Struct("<B").pack
_u16 = struct.Struct("<H").pack
_id_head = struct.Struct("<IIIII").pack  # id, icon, name, flags, rarity
_tagged_head = struct.Struct("<IIIIII").pack  # id, amount, icon, name, flags, rarity
_light = struct.Struct("<HBH").pack
_position = struct.Struct("<HHH").pack
_anim_none = struct.Struct("<BH").pack
_anim_cycle = struct.Struct("<BIHH").pack
_anim_once = struct.Struct("<BIHHH").pack
_overlay_head = struct.Struct("<IB").pack
_NO_LIGHT = b"\x00\x00"
_STATIC_ANIMATION = {"type": 1, "params": {"group": 1}}


def _translation(value: Mapping[str, Any] | None) -> bytes:
    if value is None:
        return b""
    if value["kind"] not in (common.ANIMATE_TRANSLATION, common.ANIMATE_EFFECT):
        raise struct.error("translation kind must be 9 or 10")
    return bytes((value["kind"], value["value"]))


def _animation(value: Mapping[str, Any]) -> bytes:
    kind, params = value["type"], value["params"]
    if kind == common.ANIMATE_NONE:
        return _anim_none(1, params["group"])
    if kind == common.ANIMATE_CYCLE:
        return _anim_cycle(2, params["period"], params["group_low"], params["group_high"])
    if kind == common.ANIMATE_ONCE:
        return _anim_once(3, params["period"], params["group_low"], params["group_high"], params["group_final"])
    raise struct.error(f"animation type {kind} cannot be sent")


_overlay_static = struct.Struct("<IBBH").pack  # icon, hotspot, ANIMATE_NONE, group
_overlay_translated_static = struct.Struct("<IBBBBH").pack  # icon, hotspot, kind, value, ANIMATE_NONE, group
_TRANSLATION_KINDS = (common.ANIMATE_TRANSLATION, common.ANIMATE_EFFECT)


def _overlays(overlays: list[Mapping[str, Any]]) -> bytes:
    if not overlays:
        return b"\x00"
    out = bytearray((len(overlays),))
    for overlay in overlays:
        translation, animation = overlay["translation"], overlay["animation"]
        if animation["type"] == common.ANIMATE_NONE:  # the common case, packed in one call
            group = animation["params"]["group"]
            if translation is None:
                out += _overlay_static(overlay["icon"], overlay["hotspot"], common.ANIMATE_NONE, group)
                continue
            if translation["kind"] in _TRANSLATION_KINDS:
                out += _overlay_translated_static(
                    overlay["icon"], overlay["hotspot"], translation["kind"], translation["value"], common.ANIMATE_NONE, group
                )
                continue
        out += _overlay_head(overlay["icon"], overlay["hotspot"])
        out += _translation(translation)
        out += _animation(animation)
    return bytes(out)


_plain_object = struct.Struct("<IIIIIHBH").pack  # untagged id .. rarity, no light, ANIMATE_NONE, group
_still_position = struct.Struct("<HHHBH").pack  # y, x, angle, ANIMATE_NONE, group


def encode_object(obj: Mapping[str, Any]) -> bytes:
    """The OBJECT block (with lighting), as ``protocol_specs.common.Object`` builds it."""
    return _object_and_overlays(obj, {})


def _object_and_overlays(obj: Mapping[str, Any], overlay_bytes: dict[int, bytes]) -> bytes:
    object_id, lighting, translation, animation = obj["id"], obj["lighting"], obj["translation"], obj["animation"]
    overlays = _overlays_once(obj["overlays"], overlay_bytes)
    if (
        object_id >> _TAG_SHIFT != _NUMBER_TAG
        and not lighting["flags"]
        and translation is None
        and animation["type"] == common.ANIMATE_NONE
    ):  # the common case, packed in one call
        group = animation["params"]["group"]
        head = _plain_object(object_id, obj["icon"], obj["name"], obj["flags"], obj["rarity"], 0, common.ANIMATE_NONE, group)
        return head + overlays
    if object_id >> _TAG_SHIFT == _NUMBER_TAG:
        head = _tagged_head(object_id, obj["amount"], obj["icon"], obj["name"], obj["flags"], obj["rarity"])
    else:
        head = _id_head(object_id, obj["icon"], obj["name"], obj["flags"], obj["rarity"])
    if lighting["flags"]:
        light = lighting["light"]
        light_bytes = _light(lighting["flags"], light["intensity"], light["color"])
    else:
        light_bytes = _NO_LIGHT
    return b"".join((head, light_bytes, _translation(translation), _animation(animation), overlays))


def _overlays_once(overlays: list[Mapping[str, Any]], done: dict[int, bytes]) -> bytes:
    """Encode an overlay list, reusing the bytes when the same list object recurs.

    A walking player's motion overlays are usually the very list of its standing ones;
    ``done`` lives for one encode call only, so nothing can change in between.
    """
    key = id(overlays)
    found = done.get(key)
    if found is None:
        found = done[key] = _overlays(overlays)
    return found


def encode_room_object(obj: Mapping[str, Any]) -> bytes:
    """The ROOMOBJ block, as ``protocol_specs.common.RoomObject`` builds it."""
    overlay_bytes: dict[int, bytes] = {}
    head = _object_and_overlays(obj, overlay_bytes)
    motion_translation, motion_animation = obj["motion_translation"], obj["motion_animation"]
    motion_overlays = _overlays_once(obj["motion_overlays"], overlay_bytes)
    if motion_translation is None and motion_animation["type"] == common.ANIMATE_NONE:
        tail = _still_position(obj["y"], obj["x"], obj["angle"], common.ANIMATE_NONE, motion_animation["params"]["group"])
        return head + tail + motion_overlays
    return b"".join(
        (
            head,
            _position(obj["y"], obj["x"], obj["angle"]),
            _translation(motion_translation),
            _animation(motion_animation),
            motion_overlays,
        )
    )


def _encode_room_contents(values: Mapping[str, Any]) -> bytes:
    objects = values["objects"]
    return b"".join(
        (bytes((134,)), struct.pack("<IH", values["room_id"], len(objects)), *map(encode_room_object, objects))
    )


def _encode_create(values: Mapping[str, Any]) -> bytes:
    return bytes((217,)) + encode_room_object(values)


_BP_CHANGE = int(BP.BP_CHANGE)


def _encode_change(values: Mapping[str, Any]) -> bytes:
    """BP_CHANGE: an OBJECT block then the motion appearance, without a position. Every
    swing in a fight sends one to the room (the attacker playing its attack once)."""
    overlay_bytes: dict[int, bytes] = {}
    return b"".join(
        (
            bytes((_BP_CHANGE,)),
            _object_and_overlays(values, overlay_bytes),
            _translation(values["motion_translation"]),
            _animation(values["motion_animation"]),
            _overlays_once(values["motion_overlays"], overlay_bytes),
        )
    )


# BP_STAT: opcode, group, then one STAT (protocol_specs.server_messages.Stat). A fight sends
# a condition bar per blow, so this is as hot as a step.
_stat_int = struct.Struct("<BBBIBBiiii").pack  # opcode, group, slot, name, NUMERIC, INT, value, min, max, current max
_stat_resource = struct.Struct("<BBBIBBI").pack  # ... NUMERIC, RESOURCE, resource id
_stat_list = struct.Struct("<BBBIBIiI").pack  # ... LIST, object id, value, icon
_BP_STAT = int(BP.BP_STAT)


def _encode_stat(values: Mapping[str, Any]) -> bytes | None:
    group, stat = values["group"], values["stat"]
    kind, data = stat["type"], stat["data"]
    if kind == STATS_NUMERIC:
        tag, value = data["tag"], data["value"]
        if tag == STAT_INT:
            return _stat_int(_BP_STAT, group, stat["slot"], stat["name"], kind, tag,
                             value["value"], value["min"], value["max"], value["current_max"])
        if tag == STAT_RESOURCE:
            return _stat_resource(_BP_STAT, group, stat["slot"], stat["name"], kind, tag, value["resource"])
    elif kind == STATS_LIST:
        return _stat_list(_BP_STAT, group, stat["slot"], stat["name"], kind, data["id"], data["value"], data["icon"])
    return None  # the schema refuses it, with the reason


_req_attack = struct.Struct("<bI").unpack_from  # attack type, target id
_REQ_ATTACK_SIZE = 1 + 5  # opcode, attack type, target id; the stock client adds a byte


def _decode_req_attack(payload: bytes) -> dict[str, Any] | None:
    if len(payload) not in (_REQ_ATTACK_SIZE, _REQ_ATTACK_SIZE + 1):
        return None  # a number-item target or a malformed request: the schema's
    attack_type, target = _req_attack(payload, 1)
    if target >> _TAG_SHIFT == _NUMBER_TAG:
        return None
    trailing = payload[_REQ_ATTACK_SIZE] if len(payload) > _REQ_ATTACK_SIZE else None
    return {"attack_type": attack_type, "target": {"id": target, "amount": None}, "trailing": trailing}


_HAND_WRITTEN_DECODERS: dict[tuple[Mode, Direction, str], Decoder] = {
    (Mode.GAME, Direction.CLIENT_TO_SERVER, "BP_REQ_ATTACK"): _decode_req_attack,
}


_HAND_WRITTEN_ENCODERS: dict[tuple[Mode, Direction, str], Encoder] = {
    (Mode.GAME, Direction.SERVER_TO_CLIENT, "BP_ROOM_CONTENTS"): _encode_room_contents,
    (Mode.GAME, Direction.SERVER_TO_CLIENT, "BP_CREATE"): _encode_create,
    (Mode.GAME, Direction.SERVER_TO_CLIENT, "BP_CHANGE"): _encode_change,
    (Mode.GAME, Direction.SERVER_TO_CLIENT, "BP_STAT"): _encode_stat,
}


def decoders(specs: list[MessageSpec]) -> dict[int, Decoder]:
    """Fast decoders for the given specs (one table's worth), keyed by opcode."""
    found = {}
    for spec in specs:
        decoder = _HAND_WRITTEN_DECODERS.get((spec.mode, spec.direction, spec.name)) or _flat_decoder(spec)
        if decoder is not None:
            found[spec.opcode] = decoder
    return found


def encoders(specs: list[MessageSpec]) -> dict[str, Encoder]:
    """Fast encoders for the given specs, keyed by message name."""
    found = {}
    for spec in specs:
        encoder = _HAND_WRITTEN_ENCODERS.get((spec.mode, spec.direction, spec.name)) or _flat_encoder(spec)
        if encoder is not None:
            found[spec.name] = encoder
    return found
