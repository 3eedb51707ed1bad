"""PDF plans: the text layer, page by page, without running headers, footers and page numbers.

pdfplumber (on pdfminer.six) gives each text line with its position, which is what both
jobs need: a line at the top or bottom of a page that is a page number (— 3 —, 第3页) or
repeats on many pages (digits aside) is page furniture and is dropped; a line that runs to
the right margin continues on the next line unless that one is indented, so the lines the
page width broke are re-joined (across a page break too). The offset where each page's text
begins is kept, so sections can say which page their heading is on. Ruled tables are read
as tables (pdfplumber's ``find_tables``), their rows rendered as a web page's or a Word
file's are (``pipeline.read.tables``: a task-division table's rows as items with role
lines, its header carried over the pages it runs on). A PDF without a text layer is a scan;
encrypted and broken files are ``Unreadable`` with their reason.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from pipeline.read.base import MAX_PAGES, Deadline, Reading, Unreadable, check_text_size
from pipeline.read.tables import TableRun
from pipeline.vocab import load_yaml

SCANNED = "scanned PDF: no text layer (OCR it first)"
DIGITS = re.compile(r"\d+")
SPACE = re.compile(r"\s+")
FIRST_WORD = re.compile(r"[^\u3400-\u9fff\s]*[\u3400-\u9fff]?")  # "(2021—2025年", "一"
CID = re.compile(r"\(cid:\d+\)")
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
PDF_DATE = re.compile(r"(?:D:)?(\d{4})(\d{2})(\d{2})")


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    cell: bool = False  # a line a table's rows were rendered as: never joined, never furniture


def _rules() -> dict:
    return load_yaml("readers.yaml")["pdf"]


def _open(data: bytes) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 (parses the page tree: broken files fail here)
    except Exception as error:  # pdfminer raises many types; each is a reason, not a crash
        raise Unreadable(_reason(error)) from None
    return pdf


def _reason(error: Exception) -> str:
    cause = error.__cause__ or error.__context__ or error
    for e in (error, cause, *getattr(error, "args", ())):
        if isinstance(e, PDFPasswordIncorrect):
            return "encrypted PDF (needs a password): decrypt it first, e.g. `qpdf --decrypt`"
        if isinstance(e, PDFEncryptionError):
            return f"encrypted PDF ({e}): decrypt it first, e.g. `qpdf --decrypt`"
        if isinstance(e, PDFSyntaxError):
            return f"broken PDF: {e}"
    detail = str(error).strip() or type(error).__name__
    return f"broken PDF: {detail[:200]}"


def _page_lines(page: pdfplumber.page.Page, tables: TableRun) -> list[Line]:
    """The page's text lines, its ruled tables' rows in their place as the lines
    ``tables`` renders them (a task-division table's rows as items with role lines)."""
    if _drawn_twice(page.chars):  # a heading in fake bold: 一一、、总总体体 -> 一、总体
        page = page.dedupe_chars(tolerance=1)
    # a frame of one column (a page border, a boxed note) holds text, not a table
    found = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) > 1]
    lines = [
        Line(SPACE.sub(" ", ln["text"]).strip(), ln["x0"], ln["x1"], ln["top"])
        for ln in page.extract_text_lines(return_chars=False)
        if ln["text"].strip() and not any(_inside(ln, t.bbox) for t in found)
    ]
    for table in sorted(found, key=lambda t: t.bbox[1]):
        x0, top, x1, _ = table.bbox
        above = sum(ln.top < top for ln in lines)
        rendered = tables.lines(table.extract(), opens_page=above <= _rules()["edge_lines"])
        lines += [Line(text, x0, x1, top + k / 1000, cell=True) for k, text in enumerate(rendered)]
    return sorted(lines, key=lambda ln: ln.top) if found else lines


def _drawn_twice(chars: list[dict]) -> bool:
    """Whether a character is drawn twice within a point of itself (a look-up per
    character: pdfplumber's ``dedupe_chars``, which removes them, costs half the page's
    parse, so it runs only where they are)."""
    seen: set[tuple[str, int, int]] = set()
    for c in chars:
        text, x, y = c["text"], int(c["x0"]), int(c["top"])
        if not text.strip():
            continue
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if (text, x + dx, y + dy) in seen:
                    return True
        seen.add((text, x, y))
    return False


def _inside(line: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return top - 1 <= line["top"] <= bottom + 1 and x0 - 1 <= line["x0"] <= x1 + 1


def _furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without their running headers, footers and page numbers."""
    rules = _rules()
    number = re.compile(rules["page_number"])
    edge = rules["edge_lines"]

    def key(line: Line) -> str:
        return DIGITS.sub("#", SPACE.sub("", line.text))

    def edges(lines: list[Line]) -> list[tuple[str, Line]]:
        lines = [ln for ln in lines if not ln.cell]
        top = [("top", ln) for ln in lines[:edge]]
        return top + [("bottom", ln) for ln in lines[edge:][-edge:]]

    seen: Counter[tuple[str, str]] = Counter()
    tops: dict[tuple[str, str], list[float]] = {}
    for lines in pages:
        for zone, ln in edges(lines):
            seen[zone, key(ln)] += 1
            tops.setdefault((zone, key(ln)), []).append(ln.top)
    needed = max(2, rules["repeat_share"] * len(pages))
    out = []
    for lines in pages:
        drop = set()
        for zone, ln in edges(lines):
            k = (zone, key(ln))
            at = sorted(tops[k])[len(tops[k]) // 2]
            if number.match(ln.text) or (seen[k] >= needed and abs(ln.top - at) < 6):
                drop.add(id(ln))
        out.append([ln for ln in lines if id(ln) not in drop])
    return out


def _join(pages: list[list[Line]]) -> tuple[str, tuple[int, ...]]:
    """Text with the lines the page width broke re-joined; where each page begins."""
    body = [ln for lines in pages for ln in lines if not ln.cell]
    widths = sorted((ln.x1 - ln.x0) / len(ln.text) for ln in body if len(ln.text) >= 4)
    char = widths[len(widths) // 2] if widths else 10.0
    # the right margin: where the longest lines end (the median of those within 3
    # characters of the longest, as a few run past it by a hanging punctuation mark)
    longest = max((ln.x1 for ln in body), default=0.0)
    ends = sorted(ln.x1 for ln in body if ln.x1 >= longest - 3 * char)
    right = ends[len(ends) // 2] if ends else 0.0
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    prev: Line | None = None
    for lines in pages:
        starts.append(length)
        if not lines:
            continue
        # the text's left edge (a table may stand wider than the text, as may its x0)
        left = min((ln.x0 for ln in lines if not ln.cell), default=0.0)
        for ln in lines:
            if prev is not None and (ln.cell or prev.cell):
                parts.append("\n")  # a table's rows are lines of their own
                length += 1
            elif prev is not None:
                # the previous line was broken by the width when this line's first word
                # would not have fitted after it
                word = len(FIRST_WORD.match(ln.text).group()) * (ln.x1 - ln.x0) / len(ln.text)
                full = prev.x1 + max(word, char) > right - 0.5 * char
                indented = ln.x0 > left + 0.8 * char
                sep = "" if full and not indented else "\n"
                parts.append(sep)
                length += len(sep)
            parts.append(ln.text)
            length += len(ln.text)
            prev = ln
    return "".join(parts) + "\n", tuple(starts)


def _container(metadata: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, name in (("Title", "title"), ("Author", "author")):
        value = metadata.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()
    created = PDF_DATE.match(str(metadata.get("CreationDate", "")))
    if created:
        with contextlib.suppress(ValueError):
            out["created"] = datetime(*map(int, created.groups())).date().isoformat()
    return out


def read_pdf(data: bytes) -> Reading:
    """The text layer of a PDF plan, or ``Unreadable`` (scan, encrypted, broken, too big)."""
    deadline = Deadline("reading the PDF")
    pdf = _open(data)
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise Unreadable(f"PDF of {len(pdf.pages)} pages exceeds {MAX_PAGES}")
        pages: list[list[Line]] = []
        tables = TableRun()
        try:
            for page in pdf.pages:
                pages.append(_page_lines(page, tables))
                page.close()  # frees the page's parsed objects: memory stays per page
                deadline.check()
        except Unreadable:
            raise
        except Exception as error:
            raise Unreadable(_reason(error)) from None
        container = _container(pdf.metadata or {})
    chars = sum(len(SPACE.sub("", ln.text)) for lines in pages for ln in lines)
    if chars < _rules()["min_text_chars"]:
        raise Unreadable(SCANNED)
    unmapped = sum(len(CID.findall(ln.text)) for lines in pages for ln in lines)
    if unmapped * 14 > chars:  # over 1 glyph in 5 unmapped ("(cid:1234)": 10 chars, 1 glyph)
        raise Unreadable(
            f"PDF text layer without Unicode mapping ({unmapped} glyphs as (cid:N)): "
            "OCR it, or export the PDF again with its fonts embedded"
        )
    private = sum(len(PRIVATE_USE.findall(ln.text)) for lines in pages for ln in lines)
    if private * 5 > chars:  # a font's own glyph codes, not characters
        raise Unreadable(
            f"PDF text layer in a font's private code points ({private} of {chars} characters "
            "in U+E000-F8FF): OCR it, or export the PDF again with its fonts embedded"
        )
    text, starts = _join(_furniture(pages))
    return Reading(text=check_text_size(text), container=container, page_starts=starts)
