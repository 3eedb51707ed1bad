"""A small, generic reader and writer of the Thrift compact protocol (Parquet's footer).

Parquet describes a file in a Thrift ``FileMetaData`` struct written with the compact
protocol. Copying row groups from one file into another means rewriting that footer with
a few offsets changed, so it is decoded here without a schema (field ids and wire types
only) and written back in the same order: every field this code does not know, including
those of format versions newer than the writer's, comes out exactly as it went in. What
the fields mean belongs to the caller (pipeline.release.parquet_concat).

Wire format (Thrift's compact protocol specification): a struct is a run of fields, each
a header byte (field-id delta in the high nibble when it is 1..15, else 0 and a zigzag
varint id after the type) and a value, ended by a 0 byte; integers are zigzag varints
(i8 a raw byte), doubles 8 bytes little-endian, binary a varint length and its bytes, a
list or set a header (size in the high nibble when under 15, else 0xF and a varint) and
its elements, a map a varint size and, when not empty, one byte of key and value types.
A bool field carries its value in its type (1 true, 2 false); a bool element is one byte.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

STOP, TRUE, FALSE, I8, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)
_INTS = (I16, I32, I64)
MAX_DEPTH = 64  # deeper nesting than any Parquet footer has: a corrupt or hostile input


class ThriftError(ValueError):
    """The bytes are not a well-formed compact-protocol struct."""


@dataclass
class Struct:
    """A decoded struct: its fields by id, each as (wire type, value), in wire order.

    Values: int (i8/i16/i32/i64), bool, float, bytes, Struct, ``Sequence`` (list, set)
    or ``Mapping`` (map)."""

    fields: dict[int, tuple[int, Any]] = field(default_factory=dict)

    def get(self, fid: int, default: Any = None) -> Any:
        return self.fields[fid][1] if fid in self.fields else default

    def set(self, fid: int, value: Any) -> None:
        """Replace the value of an existing field, keeping its wire type and place."""
        kind, _ = self.fields[fid]
        self.fields[fid] = (kind, value)


@dataclass
class Sequence:
    """A list or set: its element type and elements."""

    kind: int  # LIST or SET
    element: int
    items: list[Any]


@dataclass
class Mapping:
    """A map: key and value types and the (key, value) pairs in wire order."""

    key: int
    value: int
    items: list[tuple[Any, Any]]


def loads(data: bytes) -> Struct:
    """The struct encoded in all of ``data``; ThriftError if it is malformed or followed
    by other bytes."""
    reader = _Reader(data)
    out = reader.struct(0)
    if reader.pos != len(data):
        raise ThriftError(f"{len(data) - reader.pos} bytes after the struct")
    return out


def dumps(value: Struct) -> bytes:
    """The compact-protocol bytes of ``value`` (the inverse of ``loads``)."""
    out = bytearray()
    _write_struct(out, value)
    return bytes(out)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        try:
            b = self.data[self.pos]
        except IndexError:
            raise ThriftError(f"truncated at byte {self.pos}") from None
        self.pos += 1
        return b

    def varint(self) -> int:
        b = self.byte()
        if b < 0x80:  # most values of a footer: one byte
            return b
        result, shift = b & 0x7F, 7
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7
            if shift > 70:
                raise ThriftError(f"varint too long at byte {self.pos}")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise ThriftError(f"truncated at byte {self.pos} (needs {size} bytes)")
        self.pos += size
        return self.data[self.pos - size : self.pos]

    def value(self, kind: int, depth: int) -> Any:
        if kind in _INTS:
            return self.zigzag()
        if kind in (TRUE, FALSE):  # an element: one byte
            return self.byte() == TRUE
        if kind == I8:
            return struct.unpack("b", self.take(1))[0]
        if kind == DOUBLE:
            return struct.unpack("<d", self.take(8))[0]
        if kind == BINARY:
            return self.take(self.varint())
        if kind in (LIST, SET):
            head = self.byte()
            size, element = head >> 4, head & 0x0F
            if size == 0x0F:
                size = self.varint()
            return Sequence(kind, element, [self.value(element, depth + 1) for _ in range(size)])
        if kind == MAP:
            size = self.varint()
            if not size:
                return Mapping(0, 0, [])
            types = self.byte()
            key, val = types >> 4, types & 0x0F
            pairs = [(self.value(key, depth + 1), self.value(val, depth + 1)) for _ in range(size)]
            return Mapping(key, val, pairs)
        if kind == STRUCT:
            return self.struct(depth + 1)
        raise ThriftError(f"unknown wire type {kind} at byte {self.pos}")

    def struct(self, depth: int) -> Struct:
        if depth > MAX_DEPTH:
            raise ThriftError(f"nested deeper than {MAX_DEPTH} at byte {self.pos}")
        fields: dict[int, tuple[int, Any]] = {}
        last = 0
        while True:
            head = self.byte()
            if head == STOP:
                return Struct(fields)
            kind, delta = head & 0x0F, head >> 4
            fid = last + delta if delta else self.zigzag()
            if kind in _INTS:  # inlined: most fields of a footer are integers
                n = self.varint()
                fields[fid] = (kind, (n >> 1) ^ -(n & 1))
            elif kind in (TRUE, FALSE):
                fields[fid] = (kind, kind == TRUE)
            else:
                fields[fid] = (kind, self.value(kind, depth))
            last = fid


def _varint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _zigzag(out: bytearray, n: int) -> None:
    _varint(out, (n << 1) ^ (n >> 63))


def _write_value(out: bytearray, kind: int, value: Any) -> None:
    if kind in (TRUE, FALSE):
        out.append(TRUE if value else FALSE)
    elif kind == I8:
        out += struct.pack("b", value)
    elif kind in _INTS:
        _zigzag(out, value)
    elif kind == DOUBLE:
        out += struct.pack("<d", value)
    elif kind == BINARY:
        _varint(out, len(value))
        out += value
    elif kind in (LIST, SET):
        size = len(value.items)
        out.append((min(size, 0x0F) << 4) | value.element)
        if size >= 0x0F:
            _varint(out, size)
        for item in value.items:
            _write_value(out, value.element, item)
    elif kind == MAP:
        _varint(out, len(value.items))
        if value.items:
            out.append((value.key << 4) | value.value)
            for k, v in value.items:
                _write_value(out, value.key, k)
                _write_value(out, value.value, v)
    elif kind == STRUCT:
        _write_struct(out, value)
    else:
        raise ThriftError(f"unknown wire type {kind}")


def _write_struct(out: bytearray, value: Struct) -> None:
    last = 0
    for fid, (kind, item) in value.fields.items():
        wire = (TRUE if item else FALSE) if kind in (TRUE, FALSE) else kind
        if 0 < fid - last <= 15:
            out.append(((fid - last) << 4) | wire)
        else:
            out.append(wire)
            _zigzag(out, fid)
        if kind not in (TRUE, FALSE):
            _write_value(out, kind, item)
        last = fid
    out.append(STOP)
