"""The text Word shows, read from the document's XML instead of python-docx's ``.text``.

Why: python-docx's ``Paragraph.text`` reads only the runs and hyperlinks directly in a
paragraph, and ``Document.iter_inner_content`` only the paragraphs and tables directly in
the body. Text that Word shows is also kept in other places, and was lost: tracked
insertions (``w:ins``, a draft's edits), smart tags (``w:smartTag``: dates and places that
older Chinese Word versions tagged), content controls (``w:sdt``, inline or around whole
paragraphs, as templates and cover pages use them), simple fields (``w:fldSimple``) and
text boxes. Deleted text (``w:del``, ``w:moveFrom``), field codes and the fallback copy of
a drawing (``mc:Fallback``, which repeats the text box) are what Word does not show, so
they are left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
HIDDEN = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), qn("w:instrText"),
          qn("w:delText"), qn("w:delInstrText"), MC_FALLBACK}  # fmt: skip
CHARACTERS = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
              qn("w:noBreakHyphen"): "-"}  # fmt: skip
P, TBL, SDT, SDT_CONTENT, CUSTOM_XML = (
    qn(t) for t in ("w:p", "w:tbl", "w:sdt", "w:sdtContent", "w:customXml")
)
T, TEXT_BOX = qn("w:t"), qn("w:txbxContent")


def paragraph_text(p) -> str:
    """What Word shows of the paragraph element ``p``; a text box's paragraphs on lines of
    their own after it."""
    out: list[str] = []
    boxes: list[str] = []
    _walk(p, out, boxes)
    return "".join(out) + "".join("\n" + box for box in boxes)


def _walk(element, out: list[str], boxes: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in HIDDEN or not isinstance(tag, str):  # comments and processing instructions
            continue
        if tag == T:
            out.append(child.text or "")
        elif tag in CHARACTERS:
            out.append(CHARACTERS[tag])
        elif tag == TEXT_BOX:
            boxes.extend(paragraph_text(p) for p in blocks_of(child) if p.tag == P)
        else:
            _walk(child, out, boxes)


def blocks_of(container) -> Iterator:
    """The paragraph and table elements of a body, a cell or a text box in document order,
    through content controls and custom XML around them."""
    for child in container:
        if child.tag in (P, TBL):
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from blocks_of(content)
        elif child.tag == CUSTOM_XML:
            yield from blocks_of(child)


def iter_blocks(document) -> Iterator[Paragraph | Table]:
    """The document's paragraphs and tables, as python-docx objects, in document order."""
    body = document.element.body
    parent = document._body
    for element in blocks_of(body):
        yield Paragraph(element, parent) if element.tag == P else Table(element, parent)


def cell_text(cell) -> str:
    """What Word shows in a table cell: its paragraphs, one a line."""
    return "\n".join(paragraph_text(p) for p in blocks_of(cell._tc) if p.tag == P)
