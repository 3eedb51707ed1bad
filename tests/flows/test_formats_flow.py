"""One real run on a folder of plans in every form they are published in, beside hostile
and broken files: the good ones publish with their format, provenance and PDF pages; each
bad one is rejected with its reason, in seconds and within bounded memory."""

from __future__ import annotations

import json
import resource
import shutil
import time

import pandas as pd

from pipeline.read.base import MAX_INFLATED_BYTES
from pipeline.read.pdf import SCANNED
from tests.helpers import digest, run_flow, seed_path, seed_text
from tests.read import forms
from tests.read.test_bad_files import OLE, zip_bomb


def test_every_form_publishes_and_every_bad_file_is_rejected(tmp_path, running_server):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(seed_path("000"), seeds / "a_plan.txt")
    (seeds / "b_page.html").write_bytes(forms.as_html(seed_text("002")))
    sidecar = {"source_url": "https://www.example.gov.cn/b.html", "retrieved_at": "2024-05-01"}
    (seeds / "b_page.html.meta.json").write_text(json.dumps(sidecar))
    (seeds / "c_gazette.pdf").write_bytes(forms.as_pdf(seed_text("004")))
    (seeds / "d_plan.docx").write_bytes(forms.as_docx(seed_text("003")))
    (seeds / "e_mirror.txt").write_bytes(forms.as_mirror(seed_text("001")))
    (seeds / "f_scan.pdf").write_bytes(forms.scanned_pdf())
    (seeds / "g_broken.pdf").write_bytes(forms.as_pdf(seed_text("001"))[:3000])
    (seeds / "h_bomb.docx").write_bytes(zip_bomb(MAX_INFLATED_BYTES + (16 << 20)))
    page = "<html><head><title>404 页面不存在</title></head><body><p>页面不存在</p></body></html>"
    (seeds / "i_404.html").write_bytes(page.encode())
    (seeds / "j_legacy.doc").write_bytes(OLE + b"\0" * 2048)
    before = digest(seeds)

    started = time.monotonic()
    proc = run_flow(seeds, tmp_path / "out", env=running_server)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert elapsed < 120
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 2 * 1024 * 1024  # KiB
    assert digest(seeds) == before  # inputs are never written to

    release = tmp_path / "out" / "releases" / "1.0.0"
    rejected = pd.read_csv(release / "rejected.csv").set_index("source_file")["reason"]
    assert sorted(rejected.index) == ["f_scan.pdf", "g_broken.pdf", "h_bomb.docx",
                                      "i_404.html", "j_legacy.doc"]  # fmt: skip
    assert rejected["f_scan.pdf"] == SCANNED
    assert rejected["g_broken.pdf"].startswith("broken PDF")
    assert rejected["h_bomb.docx"].startswith("zip bomb?")
    assert rejected["i_404.html"].startswith("an error page, not a plan")
    assert "convert it to .docx" in rejected["j_legacy.doc"]

    data = release / "data"
    docs = pd.read_parquet(data / "documents.parquet").set_index("source_file")
    assert docs["source_format"].to_dict() == {
        "a_plan.txt": "txt", "b_page.html": "html", "c_gazette.pdf": "pdf",
        "d_plan.docx": "docx", "e_mirror.txt": "txt",
    }  # fmt: skip
    assert docs.loc["b_page.html", "source_url"] == sidecar["source_url"]  # sidecar wins
    assert docs.loc["b_page.html", "retrieved_at"] == "2024-05-01"
    assert docs.loc["e_mirror.txt", "title"] == "XX市法治社会建设实施方案(2021-2025年)"
    sections = pd.read_parquet(data / "sections.parquet")
    pages = sections.groupby("doc_id")["page"].max()
    assert pages[docs.loc["c_gazette.pdf", "doc_id"]] > 3
    assert pages.drop(docs.loc["c_gazette.pdf", "doc_id"]).isna().all()
