"""Turn payloads into :class:`Message` values and back, using the declared schemas.

A payload is named by the opcode table of the connection's current mode and the
direction it travels; the byte alone is ambiguous (AP and BP opcodes overlap).
Decoding is exact: a payload that leaves bytes over is an error, so a schema that is
wrong shows up at once instead of silently desynchronising.

Hot messages have hand-written fast paths (:mod:`emulator.wire.fastpath`); the schema
stays the single declaration and a property test proves each fast path byte-identical
to it.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Mapping
from typing import Any, Protocol

import attrs
from construct import Container, ConstructError, ListContainer

import protocol_specs
from emulator.wire import fastpath
from emulator.wire.errors import (
    DecodeError,
    EncodeError,
    MalformedMessage,
    TrailingBytes,
    UndeclaredMessage,
    UnknownOpcode,
)
from protocol_specs.format_string import FormatStringError, FormattedText, encode_params
from protocol_specs.registry import Direction, MessageSpec, Mode

# Every way a construct parse of hostile bytes has been seen to fail.
_PARSE_FAILURES = (ConstructError, struct.error, KeyError, UnicodeError, ValueError, TypeError, IndexError, OverflowError)


class ResourceLookup(Protocol):
    def text(self, resource_id: int) -> str | None: ...


@attrs.frozen(slots=True)
class Message:
    """One decoded message: its name (``BP_MOVE``) and its fields."""

    name: str
    fields: Mapping[str, Any] = attrs.field(factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]


def plain(value: Any) -> Any:
    """Construct containers as plain dicts/lists, without construct's private keys."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class MessageTable:
    """The messages of one mode and direction."""

    def __init__(self, mode: Mode, direction: Direction) -> None:
        self.mode = mode
        self.direction = direction
        self._specs: dict[int, MessageSpec] = {}
        self._by_name: dict[str, MessageSpec] = {}
        for spec in protocol_specs.all_specs():
            if spec.mode is mode and spec.direction is direction:
                self._specs[spec.opcode] = spec
                self._by_name[spec.name] = spec
        self._fast_decoders = fastpath.decoders(list(self._specs.values()))
        self._fast_encoders = fastpath.encoders(list(self._specs.values()))
        # Messages that are one formatted text (BP_MESSAGE): built by the function the
        # schema itself calls, without construct around it (a fight sends one per blow).
        self._formatted_texts = {spec.name: spec.opcode for spec in self._specs.values() if spec.body is FormattedText}

    def spec(self, opcode: int) -> MessageSpec:
        spec = self._specs.get(opcode)
        if spec is None:
            where = f"{self.mode.value} {self.direction.value}"
            listed = protocol_specs.gap_for(self.mode, self.direction, opcode)
            if listed is not None:
                raise UndeclaredMessage(f"{listed.name} has no {where} schema: {listed.reason}", opcode)
            raise UnknownOpcode(f"unknown {where} opcode {opcode}", opcode)
        return spec

    def spec_named(self, name: str) -> MessageSpec:
        try:
            return self._by_name[name]
        except KeyError:
            raise EncodeError(f"no {self.mode.value} {self.direction.value} message named {name}") from None

    def decode(self, payload: bytes, resources: ResourceLookup | None = None) -> Message:
        """Decode one payload (opcode included). Raises :class:`DecodeError`."""
        if not payload:
            raise MalformedMessage("empty payload")
        opcode = payload[0]
        fast = self._fast_decoders.get(opcode)
        if fast is not None:
            fields = fast(payload)
            if fields is not None:
                return Message(self._specs[opcode].name, fields)
        spec = self.spec(opcode)
        return Message(spec.name, self.decode_body(spec, payload, resources))

    @staticmethod
    def decode_body(spec: MessageSpec, payload: bytes, resources: ResourceLookup | None) -> Container:
        stream = io.BytesIO(payload)
        stream.seek(1)
        try:
            fields = spec.body.parse_stream(stream, resources=resources)
        except _PARSE_FAILURES as error:
            raise MalformedMessage(f"{spec.name}: {_describe(error)}") from error
        leftover = payload[stream.tell() :]
        if leftover:
            raise TrailingBytes(f"{spec.name}: {len(leftover)} bytes left over", leftover)
        return fields

    def encode(
        self,
        message: Message | str,
        fields: Mapping[str, Any] | None = None,
        resources: ResourceLookup | None = None,
        **named_fields: Any,
    ) -> bytes:
        """Build the payload (opcode included) of a message given by name and fields."""
        if isinstance(message, Message):
            name, values = message.name, message.fields
        else:
            name, values = message, {**(fields or {}), **named_fields}
        fast = self._fast_encoders.get(name)
        if fast is not None:
            try:
                payload = fast(values)
            except (KeyError, TypeError, AttributeError, struct.error, UnicodeError, OverflowError) as error:
                raise EncodeError(f"{name}: {_describe(error)}") from error
            if payload is not None:
                return payload
        opcode = self._formatted_texts.get(name)
        if opcode is not None:
            try:
                return bytes((opcode,)) + encode_params(values["format"], values["params"], resources)
            except (FormatStringError, KeyError, TypeError) as error:
                raise EncodeError(f"{name}: {_describe(error)}") from error
        spec = self.spec_named(name)
        try:
            body = spec.body.build(values, resources=resources)
        except _PARSE_FAILURES as error:
            raise EncodeError(f"{name}: {_describe(error)}") from error
        return bytes((spec.opcode,)) + body

    def encode_with_schema(self, name: str, fields: Mapping[str, Any], resources: ResourceLookup | None = None) -> bytes:
        """Build through the schema even where a fast path exists (for tests)."""
        spec = self.spec_named(name)
        return bytes((spec.opcode,)) + spec.body.build(fields, resources=resources)

    def decode_with_schema(self, payload: bytes, resources: ResourceLookup | None = None) -> Message:
        """Decode through the schema even where a fast path exists (for tests)."""
        spec = self.spec(payload[0])
        return Message(spec.name, self.decode_body(spec, payload, resources))


def _describe(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0] if "\n" in text else text


_tables: dict[tuple[Mode, Direction], MessageTable] = {}


def table(mode: Mode, direction: Direction) -> MessageTable:
    """The shared :class:`MessageTable` for a mode and direction."""
    found = _tables.get((mode, direction))
    if found is None:
        found = _tables[(mode, direction)] = MessageTable(mode, direction)
    return found


__all__ = [
    "DecodeError",
    "Message",
    "MessageTable",
    "ListContainer",
    "plain",
    "table",
]
