"""Building blocks shared by many messages (upstream ``clientd3d/server.c`` Extract*
functions for s2c blocks, ``blakserv/parsecli.c`` for c2s fields).

All integers are little-endian. Game strings are single-byte text; latin-1 is used
because it maps every byte to one character, so any byte string round-trips exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from construct import (
    Construct,
    Container,
    Error,
    GreedyBytes,
    If,
    Int8sl,
    Int8ul,
    Int16sl,
    Int16ul,
    Int32sl,
    Int32ul,
    PascalString,
    Prefixed,
    PrefixedArray,
    StreamError,
    Struct,
    Switch,
    stream_read,
    stream_write,
    this,
)

from protocol_specs.opcodes import CLIENT_TAG_NUMBER

TEXT_ENCODING = "latin-1"

#: STR: u16 byte count, then that many bytes, no terminator.
String = PascalString(Int16ul, TEXT_ENCODING)


def has_amount(context: Container) -> bool:
    """True when the id's tag nibble marks a number item (a u32 amount follows)."""
    return (context.id >> 28) == CLIENT_TAG_NUMBER


#: A u32 id; number items (tag nibble 1) are followed by a u32 amount.  Used for
#: object ids in both directions (s2c ``ExtractObject``, c2s ``parsecli.c``).
ObjectRef = Struct(
    "id" / Int32ul,
    "amount" / If(has_amount, Int32ul),
)

#: c2s list of objects: u16 count, then that many object references.
ObjectRefList = PrefixedArray(Int16ul, ObjectRef)

#: List of integers/resource ids: u16 count, then u32 values (no tag rule).
IntList = PrefixedArray(Int16ul, Int32ul)

#: A 4-byte field of the server's c2s parse tables: the same wire form as an object
#: reference even when it is a plain integer (``{4, TAG_INT}``), so a value whose top
#: nibble is 1 is followed by an amount.
TaggedInt = ObjectRef

#: A password digest field: u16 length, then the raw bytes (normally 16: MD5 of the
#: password with every 0x00 byte replaced by 0x01). Kept as bytes, not text.
Digest = Prefixed(Int16ul, GreedyBytes)

#: Dynamic lighting (``ExtractDLighting``): 2 bytes when flags is 0, else 5.
Lighting = Struct(
    "flags" / Int16ul,
    "light" / If(this.flags != 0, Struct("intensity" / Int8ul, "color" / Int16ul)),
)

ANIMATE_NONE = 1
ANIMATE_CYCLE = 2
ANIMATE_ONCE = 3
ANIMATE_TRANSLATION = 9
ANIMATE_EFFECT = 10


class OptionalTranslation(Construct):
    """The self-identifying palette-translation prefix (``ExtractPaletteTranslation``).

    The next byte is peeked: 9 (translation) or 10 (effect) starts a two-byte prefix
    ``kind, value``; anything else belongs to what follows and nothing is consumed.
    Parses to ``None`` or ``Container(kind=..., value=...)``.
    """

    def _parse(self, stream: IO[bytes], context: Container, path: str) -> Container | None:
        position = stream.tell()
        peeked = stream.read(1)
        if len(peeked) == 1 and peeked[0] in (ANIMATE_TRANSLATION, ANIMATE_EFFECT):
            value = stream_read(stream, 1, path)
            return Container(kind=peeked[0], value=value[0])
        stream.seek(position)
        return None

    def _build(
        self, obj: Mapping[str, int] | None, stream: IO[bytes], context: Container, path: str
    ) -> Mapping[str, int] | None:
        if obj is None:
            return None
        kind, value = obj["kind"], obj["value"]
        if kind not in (ANIMATE_TRANSLATION, ANIMATE_EFFECT):
            raise StreamError(f"translation kind must be 9 or 10, not {kind!r}", path=path)
        stream_write(stream, bytes((kind, value)), 2, path)
        return obj

    def _sizeof(self, context: Container, path: str) -> int:
        raise StreamError("translation prefix has a variable size", path=path)


Translation = OptionalTranslation()

#: Animation (``ExtractAnimation``); groups are 1-based. Other type bytes are refused:
#: the client would read nothing more and lose its place.
Animation = Struct(
    "type" / Int8ul,
    "params"
    / Switch(
        this.type,
        {
            ANIMATE_NONE: Struct("group" / Int16ul),
            ANIMATE_CYCLE: Struct("period" / Int32ul, "group_low" / Int16ul, "group_high" / Int16ul),
            ANIMATE_ONCE: Struct(
                "period" / Int32ul,
                "group_low" / Int16ul,
                "group_high" / Int16ul,
                "group_final" / Int16ul,
            ),
        },
        default=Error,
    ),
)

#: One overlay (``ExtractOverlay``): icon resource, hotspot inside the .bgf,
#: translation prefix, animation.
Overlay = Struct(
    "icon" / Int32ul,
    "hotspot" / Int8ul,
    "translation" / Translation,
    "animation" / Animation,
)

Overlays = PrefixedArray(Int8ul, Overlay)

# The object block's fields as a list so other blocks can extend it flat.
_OBJECT_HEAD = [
    "id" / Int32ul,
    "amount" / If(has_amount, Int32ul),
    "icon" / Int32ul,
    "name" / Int32ul,
    "flags" / Int32ul,
    "rarity" / Int32ul,
]
_APPEARANCE = [
    "translation" / Translation,
    "animation" / Animation,
    "overlays" / Overlays,
]
OBJECT_FIELDS = [*_OBJECT_HEAD, "lighting" / Lighting, *_APPEARANCE]

#: OBJECT block (``ExtractObject`` with lighting): used by most s2c messages.
Object = Struct(*OBJECT_FIELDS)

#: OBJECT block without the lighting block (``BP_PLAYER_OVERLAY``).
ObjectWithoutLight = Struct(*_OBJECT_HEAD, *_APPEARANCE)

#: The appearance used while an object moves (after a ROOMOBJ's position, or in BP_CHANGE).
MOTION_FIELDS = [
    "motion_translation" / Translation,
    "motion_animation" / Animation,
    "motion_overlays" / Overlays,
]

#: ROOMOBJ block (``ExtractNewRoomObject``): OBJECT, position Y then X (fine units),
#: angle 0..4095, then the motion appearance.
RoomObject = Struct(
    *OBJECT_FIELDS,
    "y" / Int16ul,
    "x" / Int16ul,
    "angle" / Int16ul,
    *MOTION_FIELDS,
)

__all__ = [
    "Animation",
    "Digest",
    "TaggedInt",
    "IntList",
    "Int8sl",
    "Int8ul",
    "Int16sl",
    "Int16ul",
    "Int32sl",
    "Int32ul",
    "Lighting",
    "MOTION_FIELDS",
    "OBJECT_FIELDS",
    "Object",
    "ObjectRef",
    "ObjectRefList",
    "ObjectWithoutLight",
    "Overlay",
    "Overlays",
    "RoomObject",
    "String",
    "TEXT_ENCODING",
    "Translation",
]
