"""Word (.docx) plans: paragraphs and tables in document order, task tables as role lines.

A .docx is a zip, so before python-docx inflates anything the archive is checked against
the limits: the members' declared sizes, their compression ratio and their number, and then
the members are inflated in a stream that stops at the limit (declared sizes can lie). Only
then does python-docx read the paragraphs and tables, in the order the document has them
(``word_text.py``: what Word shows, tracked insertions, content controls and text boxes
included). Tables go through ``tables.table_lines``: a task-division
table becomes items with their role lines. Core properties (title, author, created) are
container metadata.

List numbering is printed back: a paragraph Word numbers itself (its own or its style's
``w:numPr``) gets the label Word shows, 二、 or (三), in front of its text
(``word_numbering.py``), unless its text prints a number of its own.

Heading styles mark headings: a paragraph styled Heading 1/2/3 (标题 1/2/3) whose text does
not print its number (Word numbered it, or the author relied on the style) is given the
marker the plan's own form would print there, 一、, (一) or 1., so that structure parsing
sees the heading it is. Each level is counted through the whole document, as most plans of
this family (and both national outlines) number their sections ((一)…(二十八)) and items
(1.…80.) across chapters; a plan that restarts its sections in each chapter gets its levels
right but not those numbers, which its styles do not tell. A heading that prints its number
is left as it is, and the count follows it.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile

import cn2an
import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.read.base import (
    MAX_INFLATED_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    Deadline,
    Reading,
    Unreadable,
    check_text_size,
)
from pipeline.read.tables import table_lines
from pipeline.read.word_numbering import ListNumbering
from pipeline.read.word_text import cell_text, iter_blocks, paragraph_text
from pipeline.text.headings import match_marker
from pipeline.vocab import load_yaml

CHUNK = 1 << 16
HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*([123])$")


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The archive, once its members are known to inflate within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Unreadable(f"broken .docx (not a readable zip archive: {error})") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise Unreadable(f"zip bomb? {len(members)} members in the .docx (limit {MAX_ZIP_MEMBERS})")
    declared = sum(m.file_size for m in members)
    if declared > MAX_INFLATED_BYTES:
        raise Unreadable(
            f"zip bomb? the .docx would inflate to {declared:,} bytes "
            f"(limit {MAX_INFLATED_BYTES:,}); not inflated"
        )
    for m in members:
        if m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1) and m.file_size > 1 << 20:
            raise Unreadable(
                f"zip bomb? {m.filename} inflates {m.file_size // max(m.compress_size, 1)}-fold "
                f"(limit {MAX_ZIP_RATIO}); not inflated"
            )
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        what = (
            "an Excel .xlsx workbook" if any(n.startswith("xl/") for n in names)
            else "a PowerPoint .pptx" if any(n.startswith("ppt/") for n in names)
            else "an OpenDocument file" if "mimetype" in names
            else "no word/document.xml"
        )  # fmt: skip
        raise Unreadable(load_yaml("readers.yaml")["legacy"]["zip"].format(what=what))
    inflated = 0
    try:
        for m in members:  # stream: a member that lies about its size stops at the limit
            with archive.open(m) as fh:
                while block := fh.read(CHUNK):
                    inflated += len(block)
                    if inflated > MAX_INFLATED_BYTES:
                        raise Unreadable(
                            f"zip bomb? the .docx inflates beyond {MAX_INFLATED_BYTES:,} bytes "
                            "(its declared sizes are wrong); not read"
                        )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise Unreadable(f"broken .docx ({error})") from None
    return archive


def _container(document: docx.document.Document) -> dict[str, str]:
    props = document.core_properties
    out = {"title": (props.title or "").strip(), "author": (props.author or "").strip()}
    if props.created:
        out["created"] = props.created.date().isoformat()
    return {k: v for k, v in out.items() if v}


def read_docx(data: bytes) -> Reading:
    """Paragraphs and tables of a .docx in order, or ``Unreadable`` (bomb, broken, too big)."""
    deadline = Deadline("reading the Word file")
    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors...
        raise Unreadable(f"broken .docx ({type(error).__name__}: {error})"[:300]) from None
    lines: list[str] = []
    numbers = [0, 0, 0]  # headings counted per level, for headings that print no number
    lists = ListNumbering.of(document)
    for block in iter_blocks(document):
        if isinstance(block, Table):
            rows = [[cell_text(cell) for cell in row.cells] for row in block.rows]
            lines.extend(table_lines(rows))
        else:
            lines.extend(_numbered(block, numbers, lists).split("\n"))
        deadline.check()
    text = "\n".join(line.strip() for line in lines if line.strip())
    if not text:
        raise Unreadable("Word file without text")
    return Reading(text=check_text_size(text + "\n"), container=_container(document))


@functools.cache
def _unnumbered_headings() -> frozenset[str]:
    return frozenset(load_yaml("headings.yaml")["unnumbered_headings"])


def _numbered(paragraph: Paragraph, numbers: list[int], lists: ListNumbering) -> str:
    """The paragraph's text, with its list number in front when Word numbers it, or else
    the marker of its heading level when its heading style numbers it but its text does not
    (see the module docstring)."""
    raw = paragraph_text(paragraph._p)
    text = raw.strip()
    label = lists.label(paragraph)  # counted even when the text prints its own number
    if label and text and match_marker(text.replace("（", "(").replace("）", ")")) is None:
        raw = text = label + text
    style = HEADING_STYLE.match(paragraph.style.name if paragraph.style is not None else "")
    if not style or not text:
        return raw
    level = int(style.group(1))
    marker = match_marker(text.replace("（", "(").replace("）", ")"))
    if marker is not None:  # printed: the count follows the plan's own numbers
        numbers[level - 1] = marker.number
        return raw
    if re.sub(r"\s+", "", text) in _unnumbered_headings():  # 前言: before the tree
        return raw
    numbers[level - 1] += 1
    n = numbers[level - 1]
    prefix = {1: f"{cn2an.an2cn(n)}、", 2: f"({cn2an.an2cn(n)})", 3: f"{n}."}[level]
    return prefix + text
