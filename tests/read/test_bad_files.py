"""Hostile and broken inputs are rejected with their reason, quickly and with bounded
memory; provenance sidecars are read, and a bad or orphaned sidecar is reported."""

from __future__ import annotations

import hashlib
import io
import json
import time
import tracemalloc
import zipfile

from pipeline.read.base import MAX_INFLATED_BYTES
from pipeline.read.ingest import Decoded, Rejection, Source, decode, find_inputs
from pipeline.read.pdf import SCANNED
from tests.helpers import seed_path, seed_text
from tests.read import forms

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def reason(name: str, data: bytes) -> str:
    result = decode(Source(name, hashlib.sha256(data).hexdigest(), len(data), data))
    assert isinstance(result, Rejection), result
    assert result.source_file == name
    return result.reason


def zip_bomb(inflated: int) -> bytes:
    """A .docx whose document.xml inflates to ``inflated`` bytes of zeros (~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(inflated >> 20):
                fh.write(block)
    return out.getvalue()


def test_scanned_pdf_is_rejected_with_the_exact_reason():
    assert reason("scan.pdf", forms.scanned_pdf()) == SCANNED


def test_a_pdf_whose_text_is_a_fonts_private_codes_is_rejected():
    assert reason("private.pdf", forms.private_use_pdf()).startswith(
        "PDF text layer in a font's private code points (400 of 400 characters"
    )


def test_broken_and_encrypted_pdfs_are_rejected_with_their_reason():
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(50, 700, "plan")
    c.save()
    assert reason("locked.pdf", out.getvalue()).startswith("encrypted PDF (needs a password)")
    assert reason("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog").startswith("broken PDF")
    truncated = forms.as_pdf(seed_text("003"))[:2000]
    assert reason("truncated.pdf", truncated).startswith("broken PDF")


def test_zip_bomb_is_rejected_before_it_is_inflated():
    bomb = zip_bomb(MAX_INFLATED_BYTES + (16 << 20))
    assert len(bomb) < MAX_INFLATED_BYTES // 500
    tracemalloc.start()
    started = time.monotonic()
    why = reason("tasks.docx", bomb)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert why.startswith("zip bomb?") and "not inflated" in why
    assert elapsed < 1 and peak < 4 * len(bomb) + (8 << 20)


def test_broken_docx_and_other_zips_are_rejected():
    assert reason("plan.docx", b"PK\x03\x04" + b"\0" * 40).startswith("broken .docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "an Excel .xlsx workbook" in reason("tasks.docx", out.getvalue())


def test_error_page_and_empty_page_are_rejected():
    page = (
        "<html><head><title>404 页面不存在</title></head><body><div class='nav'>首页 政务公开"
        "</div><h1>抱歉，您访问的页面不存在或已被删除</h1><p>请返回首页。</p></body></html>"
    )
    assert reason("plan.html", page.encode()).startswith("an error page, not a plan")
    empty = "<html><head><title>通知</title></head><body><p>附件下载</p></body></html>"
    assert reason("page.htm", empty.encode()).startswith("web page without an article body")


def test_legacy_and_image_files_are_rejected_with_how_to_convert_them():
    why = reason("plan.doc", OLE + b"\0" * 504)
    assert why.startswith("legacy binary Office/WPS file") and "--convert-to docx" in why
    assert reason("plan.wps", OLE + b"\x01" * 504) == why  # by content, whatever the name
    assert "OCR" in reason("scan.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100)
    assert reason("plan.rtf", rb"{\rtf1\ansi plan}").startswith("RTF document")


def test_format_is_chosen_by_content_not_by_name():
    page = forms.as_html(seed_text("000"))
    decoded = decode(Source("saved.txt", "x", len(page), page))
    assert isinstance(decoded, Decoded) and decoded.source_format == "html"
    text = seed_text("000").encode()
    decoded = decode(Source("plan.pdf", "x", len(text), text))
    assert isinstance(decoded, Decoded) and decoded.source_format == "txt"


def test_sidecar_gives_provenance_and_is_not_an_input(tmp_path):
    (tmp_path / "plan.txt").write_bytes(seed_path("000").read_bytes())
    meta = {"source_url": "https://example.gov.cn/a.html", "retrieved_at": "2024-05-01",
            "publisher": "示例市人民政府", "note": "saved by hand"}  # fmt: skip
    (tmp_path / "plan.txt.meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    (tmp_path / "other.txt").write_bytes(seed_path("003").read_bytes())
    (tmp_path / "other.txt.meta.json").write_text('{"source_url": "ftp://x"}')
    (tmp_path / "gone.pdf.meta.json").write_text("{}")
    inputs, rejected = find_inputs(tmp_path)
    assert [(i.name, dict(i.provenance)) for i in inputs] == [
        ("other.txt", {}),
        (
            "plan.txt",
            {"source_url": meta["source_url"], "retrieved_at": "2024-05-01",
             "publisher": "示例市人民政府", "source_note": "saved by hand"},
        ),
    ]  # fmt: skip
    assert {r.source_file: r.reason for r in rejected} == {
        "gone.pdf.meta.json": "sidecar of gone.pdf, which is not in the seeds folder",
        "other.txt.meta.json": "sidecar source_url must start with http:// or https:// ('ftp://x')",
    }


def test_pdf_and_word_readers_are_stopped_at_their_time_and_memory_limits(monkeypatch):
    from pipeline.read import isolate

    pdf = forms.as_pdf(seed_text("003"))
    monkeypatch.setattr(isolate, "TIME_LIMIT", 0.01)
    assert "took longer than 0.01 s; stopped" in reason("slow.pdf", pdf)
    monkeypatch.setattr(isolate, "TIME_LIMIT", 60.0)
    monkeypatch.setattr(isolate, "MEMORY_LIMIT", 32 << 20)  # too little to load pdfplumber
    assert "within its limit of 32 MB of memory" in reason("big.pdf", pdf)
