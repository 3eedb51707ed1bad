"""Reading and decoding inputs: UTF-8 (with/without BOM), GB18030, and clear rejections."""

from __future__ import annotations

from pathlib import Path

from pipeline.read.ingest import Decoded, Rejection, decode, discover, find_inputs, read_source
from tests.helpers import seed_path, seed_text


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_seed_decodes_with_its_hash():
    source = read_source(seed_path("004"))
    result = decode(source)
    assert isinstance(result, Decoded)
    assert result.encoding == "utf-8"
    assert result.text.strip().startswith("海口市法治政府建设实施方案")
    assert len(source.sha256) == 64


def test_gb18030_file_decodes_to_the_same_text(tmp_path):
    text = seed_text("002")
    result = decode(read_source(_write(tmp_path, "plan.txt", text.encode("gb18030"))))
    assert isinstance(result, Decoded)
    assert result.encoding == "gb18030"
    assert result.text == text


def test_utf8_bom_is_recognised(tmp_path):
    text = seed_text("003")
    result = decode(read_source(_write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.encode())))
    assert isinstance(result, Decoded)
    assert result.encoding == "utf-8-sig"
    assert result.text == text


def test_undecodable_file_is_rejected_with_reason(tmp_path):
    data = "法治社会".encode() + bytes([0xFF, 0xFE, 0xFD, 0x81, 0x20]) + b"abc"
    result = decode(read_source(_write(tmp_path, "broken.txt", data)))
    assert isinstance(result, Rejection)
    assert result.source_file == "broken.txt"
    assert "not valid UTF-8 or GB18030" in result.reason


def test_empty_binary_and_unreadable_files_are_rejected(tmp_path):
    empty = decode(read_source(_write(tmp_path, "empty.txt", b"")))
    image = decode(read_source(_write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")))
    binary = decode(read_source(_write(tmp_path, "data.txt", b"ab\x00\x01\x02cd")))
    utf16 = decode(read_source(_write(tmp_path, "u16.txt", "法治2025年".encode("utf-16-le"))))
    pdf = decode(read_source(_write(tmp_path, "plan.pdf", b"%PDF-1.4")))
    assert isinstance(empty, Rejection) and empty.reason == "empty file (0 bytes)"
    assert isinstance(image, Rejection) and image.reason.startswith("an image (PNG)")
    assert isinstance(binary, Rejection) and "NUL bytes" in binary.reason
    assert isinstance(utf16, Rejection) and "byte-order mark" in utf16.reason  # no BOM
    assert isinstance(pdf, Rejection) and pdf.reason.startswith("broken PDF")


def test_discover_lists_files_sorted(tmp_path):
    for name in ("b.txt", "a.txt"):
        _write(tmp_path, name, b"x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in discover(tmp_path)] == ["a.txt", "b.txt"]


def test_files_in_sub_folders_are_listed_as_rejected(tmp_path):
    (tmp_path / "hainan" / "2021").mkdir(parents=True)
    (tmp_path / "plan.txt").write_bytes(seed_path("000").read_bytes())
    (tmp_path / "hainan" / "sanya.txt").write_text("三亚市法治社会建设实施方案", encoding="utf-8")
    (tmp_path / "hainan" / "2021" / "scan.pdf").write_bytes(b"%PDF-1.4")
    for ignored in (".git", "out"):  # a hidden folder; the run's own output folder
        (tmp_path / ignored / "releases").mkdir(parents=True)
        (tmp_path / ignored / "releases" / "LATEST").write_text("1.0.0\n")
    inputs, rejected = find_inputs(tmp_path, output=tmp_path / "out")
    assert [i.name for i in inputs] == ["plan.txt"]
    assert [(r.source_file, r.reason) for r in rejected] == [
        (name, "in a sub-folder (hainan/); only files directly in the seeds folder are read")
        for name in ("hainan/2021/scan.pdf", "hainan/sanya.txt")
    ]
