"""The zip writer: entries from pieces, stored files and bytes, read back by zipfile and
``unzip -t``; zip64 records tested with small limits rather than 4 GiB of data."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zipfile

import pytest

from pipeline.release.pieces import deflate, read_piece, write_piece
from pipeline.release.zipwriter import ZipWriter


def archive(tmp_path, **limits):
    write_piece(tmp_path / "rows.csvz", "1,宪法\n".encode() * 3000)
    (tmp_path / "data.parquet").write_bytes(bytes(range(256)) * 300)
    path = tmp_path / f"out{len(limits)}.zip"
    with ZipWriter(path, **limits) as out:
        out.add_pieces(
            "r/data/rows.csv",
            [b"\xef\xbb\xbfid,text\n", read_piece(tmp_path / "rows.csvz"), deflate(b"2,x\n")],
        )
        out.add_stored("r/data/data.parquet", tmp_path / "data.parquet")
        out.add_bytes("r/说明.md", "# 说明\n".encode())
        out.add_pieces("r/empty.csv", [])
    expected = {
        "r/data/rows.csv": b"\xef\xbb\xbfid,text\n" + "1,宪法\n".encode() * 3000 + b"2,x\n",
        "r/data/data.parquet": (tmp_path / "data.parquet").read_bytes(),
        "r/说明.md": "# 说明\n".encode(),
        "r/empty.csv": b"",
    }
    return path, expected


@pytest.mark.parametrize("limits", [{}, {"limit": 100, "max_entries": 2}])
def test_zipfile_and_unzip_read_every_entry(tmp_path, limits):
    path, expected = archive(tmp_path, **limits)
    with zipfile.ZipFile(path) as zipped:
        assert zipped.testzip() is None
        assert zipped.namelist() == list(expected)
        assert {n: zipped.read(n) for n in expected} == expected
        infos = zipped.infolist()
        assert [i.compress_type for i in infos] == [8, 0, 8, 8]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-tq", str(path)], check=True, capture_output=True)
    data = path.read_bytes()
    has_zip64 = struct.pack("<I", 0x06064B50) in data and struct.pack("<I", 0x07064B50) in data
    assert has_zip64 == bool(limits)


def test_the_same_entries_give_the_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, _ = archive(tmp_path / "a")
    second, _ = archive(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
