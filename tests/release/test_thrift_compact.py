"""The Thrift compact-protocol reader and writer: exact round trips, unknown fields kept,
malformed bytes refused."""

from __future__ import annotations

import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.release import thrift_compact as t


def footer(path) -> bytes:
    data = path.read_bytes()
    (length,) = struct.unpack("<I", data[-8:-4])
    return data[-8 - length : -8]


def test_a_pyarrow_footer_decodes_and_encodes_to_the_same_bytes(tmp_path):
    rows = pa.table(
        {
            "n": pa.array([1, None, -3], pa.int64()),
            "s": ["a", None, "c" * 300],
            "tags": pa.array([["x"], [], None], pa.list_(pa.string())),  # nested schema
            "when": pa.array([None, 18000, 19000], pa.date32()),
            "ok": [True, False, None],
            "x": [0.5, None, -1e300],
        }
    )
    pq.write_table(rows, tmp_path / "a.parquet", compression="zstd", row_group_size=2)
    raw = footer(tmp_path / "a.parquet")
    meta = t.loads(raw)
    assert t.dumps(meta) == raw
    assert meta.get(3) == 3  # FileMetaData.num_rows
    assert [g.get(3) for g in meta.get(4).items] == [2, 1]  # RowGroup.num_rows
    assert meta.get(6).startswith(b"parquet-cpp-arrow")  # created_by


def test_every_wire_type_round_trips_and_field_ids_far_apart_use_the_long_form():
    inner = t.Struct({1: (t.BINARY, b"k"), 2: (t.TRUE, True)})
    value = t.Struct(
        {
            1: (t.TRUE, True),
            2: (t.FALSE, False),
            3: (t.I8, -7),
            4: (t.I16, -300),
            5: (t.I32, 2**31 - 1),
            6: (t.I64, -(2**63)),
            7: (t.DOUBLE, 2.5),
            8: (t.BINARY, "法治".encode()),
            40: (t.LIST, t.Sequence(t.LIST, t.I32, list(range(-10, 30)))),  # 40 elements
            41: (t.SET, t.Sequence(t.SET, t.TRUE, [True, False, True])),
            42: (t.MAP, t.Mapping(t.BINARY, t.STRUCT, [(b"a", inner), (b"b", inner)])),
            43: (t.MAP, t.Mapping(0, 0, [])),
            44: (t.LIST, t.Sequence(t.LIST, t.STRUCT, [])),
            30: (t.STRUCT, t.Struct({100: (t.I64, 5)})),  # id going down: long form
        }
    )
    raw = t.dumps(value)
    assert t.loads(raw) == value
    assert t.dumps(t.loads(raw)) == raw


def test_unknown_fields_are_kept_where_they_were():
    # a struct as a newer writer might send it: field 99 (a struct) among known ones
    raw = bytes([0x15, 0x04]) + bytes([0x0C, 0xC6, 0x01, 0x16, 0x02, 0x00]) + bytes([0x00])
    decoded = t.loads(raw)
    assert list(decoded.fields) == [1, 99]
    decoded.set(1, 3)
    assert t.dumps(decoded) == bytes([0x15, 0x06]) + raw[2:]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (bytes([0x15]), "truncated"),
        (bytes([0x18, 0x05, 0x61]), "truncated"),  # binary shorter than its length
        (bytes([0x1D, 0x00]), "unknown wire type 13"),
        (bytes([0x15, 0x02, 0x00, 0xFF]), "1 bytes after the struct"),
        (bytes([0x1C]) * 100, "nested deeper"),
    ],
)
def test_malformed_bytes_raise_a_clear_error(raw, message):
    with pytest.raises(t.ThriftError, match=message):
        t.loads(raw)
