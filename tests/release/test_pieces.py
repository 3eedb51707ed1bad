"""Deflate pieces: made apart, joined into one stream; their CRCs combined without the bytes."""

from __future__ import annotations

import random
import zlib

import pytest

from pipeline.release.pieces import (
    FINAL,
    combined,
    crc32_combine,
    deflate,
    read_piece,
    split,
    write_piece,
)


@pytest.mark.parametrize("sizes", [(0, 0), (1, 1), (5, 0), (0, 7), (1000, 3), (4096, 65537)])
def test_crc32_combine_matches_the_crc_of_the_concatenation(sizes):
    rng = random.Random(sum(sizes))
    a, b = (rng.randbytes(n) for n in sizes)
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_pieces_made_apart_inflate_as_one_stream_with_the_combined_crc(tmp_path):
    texts = ["编号,标题\n".encode(), b"", "法治社会建设\n".encode() * 500, bytes(range(256)) * 9]
    for i, text in enumerate(texts):
        write_piece(tmp_path / f"p{i}.csvz", text, {"rows": i})
    pieces = [read_piece(tmp_path / f"p{i}.csvz") for i in range(len(texts))]
    assert [p.meta["rows"] for p in pieces] == list(range(len(texts)))
    stream = tmp_path / "stream"
    with stream.open("wb") as out:
        for piece in pieces:
            piece.copy_to(out)
        out.write(FINAL)
    joined = b"".join(texts)
    assert zlib.decompress(stream.read_bytes(), -15) == joined
    crc, size, length = combined(pieces)
    assert (crc, size, length + len(FINAL)) == (
        zlib.crc32(joined),
        len(joined),
        stream.stat().st_size,
    )
    assert combined([deflate(t) for t in texts])[:2] == (crc, size)  # in memory, the same


def test_a_truncated_or_foreign_piece_file_is_refused_with_its_name(tmp_path):
    write_piece(tmp_path / "p.csvz", b"a,b\n" * 100)
    cut = tmp_path / "cut.csvz"
    cut.write_bytes((tmp_path / "p.csvz").read_bytes()[:-3])
    with pytest.raises(ValueError, match="cut.csvz: truncated"):
        read_piece(cut)
    (tmp_path / "other.csvz").write_bytes(b"PK\x03\x04 not a piece")
    with pytest.raises(ValueError, match="other.csvz: not a deflate piece"):
        read_piece(tmp_path / "other.csvz")


def test_a_piece_compressed_afresh_at_cuts_splits_there_into_pieces_of_their_own(tmp_path):
    data = "甲,1\n".encode() * 40 + b"b,2\n" * 7 + "丙,3\n".encode() * 90
    cuts = [len("甲,1\n".encode()) * 40, len("甲,1\n".encode()) * 40 + 28]
    write_piece(tmp_path / "p.sheetz", data, {"rows": 137}, cuts)
    parts = split(read_piece(tmp_path / "p.sheetz"), [{"plan": i} for i in range(3)])
    assert [p.meta for p in parts] == [{"plan": 0}, {"plan": 1}, {"plan": 2}]
    with (tmp_path / "p.sheetz").open("rb") as fh:
        spans = list(zip([0, *cuts], [*cuts, len(data)], strict=True))
        for part, (start, end) in zip(parts, spans, strict=True):
            fh.seek(part.offset)
            assert zlib.decompress(fh.read(part.length) + FINAL, -15) == data[start:end]
            assert (part.crc, part.size) == (zlib.crc32(data[start:end]), end - start)
    assert deflate(b"").length == 0  # an empty batch adds no byte
