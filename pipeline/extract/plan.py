"""Turn one decoded plan into its rows of every table: the per-plan unit of work.

This is a plain function of one input (no Prefect, no I/O), so it can be tested directly,
batched by the flow, and cached by the sha256 of the input plus the extraction code version.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from pipeline.extract.rows import extract_rows
from pipeline.parse.metadata import extract_metadata, is_interpretation, is_report
from pipeline.parse.structure import parse_sections, preamble_end
from pipeline.parse.titles import LIST_MIN_TITLES, find_title, plans_listed
from pipeline.read.ingest import Decoded, Rejection
from pipeline.text.headings import review_parts
from pipeline.text.normalize import Normalized, normalize, raw_offset

Row = dict[str, Any]


@dataclass
class PlanRows:
    """Rows of every table for one plan."""

    doc_id: str
    source_file: str
    text: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    # sections that review past work (一、发展现状 and all below it): no targets, no outline part
    review_sections: frozenset[str] = frozenset()


def doc_id_for(sha256: str) -> str:
    """Stable document id from the input's bytes: same file, same id, on any machine."""
    return f"d{sha256[:16]}"


def _page(decoded: Decoded, normalized: Normalized, char_start: int) -> int | None:
    """PDF page (1-based) holding the normalized text's ``char_start``; None for other files."""
    if not decoded.page_starts:
        return None
    raw = raw_offset(normalized.edits, char_start)
    return max(1, bisect.bisect_right(decoded.page_starts, raw))


def process_plan(decoded: Decoded) -> PlanRows | Rejection:
    """Normalize one plan, read its metadata and structure, extract its measures, targets,
    agencies and instruments; reject it if it has no headings."""
    source = decoded.source
    normalized = normalize(decoded.text)
    text = normalized.text
    sections = parse_sections(text)
    if not sections and not (find_title(text) or find_title(decoded.container.get("title", ""))):
        return Rejection(
            source_file=source.name,
            sha256=source.sha256,
            reason="not a plan: no chapter (一、), section ((一)) or item (1.) headings found, "
            "and no plan title",
        )
    listed = [] if sections else plans_listed(text)
    if len(listed) >= LIST_MIN_TITLES:
        return Rejection(
            source_file=source.name,
            sha256=source.sha256,
            reason=f"not a plan: a list of {len(listed)} plans without headings "
            f"({'; '.join(listed[:3])}; …)",
        )
    # a page without headings that names its plan (a news report of it, a notice, the
    # first page of a long copy) is published for what it says of the plan, and flagged
    doc_id = doc_id_for(source.sha256)
    # what the file says about itself (a page's <title> and disclosure table) fills gaps
    body_start = preamble_end(sections, text)
    meta = extract_metadata(text, body_start, decoded.container)
    if is_interpretation(meta.title):  # a page explaining a plan: its headings are its own
        sections = []
    rows = PlanRows(doc_id=doc_id, source_file=source.name, text=text)
    rows.tables["documents"] = [
        {
            "doc_id": doc_id,
            "source_file": source.name,
            "source_sha256": source.sha256,
            "source_bytes": source.size,
            "encoding": decoded.encoding,
            **vars(meta),
            "source_format": decoded.source_format,
            "source_url": decoded.container.get("source_url"),  # a sidecar may override it
            "retrieved_at": None,
            "publisher": None,
            "source_note": None,
            "has_plan_text": bool(sections),
            "n_chars": len(text),
            "text": text,
        }
    ]
    section_id = {s.ordinal: f"{doc_id}:{s.ordinal}" for s in sections}
    rows.tables["sections"] = [
        {
            "section_id": section_id[s.ordinal],
            "doc_id": doc_id,
            "parent_id": section_id.get(s.parent_ordinal) if s.parent_ordinal else None,
            "level": s.level,
            "number": s.number,
            "heading": s.heading,
            "text": text[s.char_start : s.char_end],
            "char_start": s.char_start,
            "char_end": s.char_end,
            "page": _page(decoded, normalized, s.char_start),
        }
        for s in sections
    ]
    report = is_report(meta.title, text[:body_start])
    review = review_parts(((s.ordinal, s.parent_ordinal, s.heading) for s in sections), report)
    rows.review_sections = frozenset(section_id[ordinal] for ordinal in review)
    rows.tables.update(
        extract_rows(
            text, doc_id, sections, section_id, review, meta.period_end, meta.period_start
        )
    )
    rows.tables["normalization_edits"] = [
        {"doc_id": doc_id, "seq": i, **vars(edit)} for i, edit in enumerate(normalized.edits)
    ]
    return rows
