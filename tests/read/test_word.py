"""Word files are read as Word shows them: list numbers (word_numbering.py), and text
outside plain runs (word_text.py)."""

from __future__ import annotations

import hashlib
import io

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

from pipeline.extract.plan import process_plan
from pipeline.read.docx import read_docx
from pipeline.read.ingest import Source, decode
from pipeline.read.word_numbering import format_number

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _list(document, num_id: str, levels: list[tuple[str, str]], extra: str = "") -> None:
    body = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="{num_id}">{body}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(
            f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/>{extra}</w:num>'
        )
    )


def _numbered(document, text: str, num_id: str, ilvl: int | None = 0, style: str | None = None):
    paragraph = document.add_paragraph(text, style=style)
    if ilvl is not None:
        paragraph._p.get_or_add_pPr().insert(
            0,
            parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
            ),
        )
    return paragraph


def _lines(document) -> list[str]:
    out = io.BytesIO()
    document.save(out)
    return read_docx(out.getvalue()).text.splitlines()


def test_lower_levels_restart_when_a_higher_one_advances_by_default():
    document = docx.Document()
    _list(
        document,
        "71",
        [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")],
    )
    for text, ilvl in [("总体要求", 0), ("指导思想", 1), ("工作原则", 1), ("主要任务", 0),
                       ("健全制度", 1), ("制定规章", 2), ("清理文件", 2), ("加强监督", 1),
                       ("公开权力", 2)]:  # fmt: skip
        _numbered(document, text, "71", ilvl)
    assert _lines(document) == [
        "一、总体要求", "（一）指导思想", "（二）工作原则", "二、主要任务", "（一）健全制度",
        "1.制定规章", "2.清理文件", "（二）加强监督", "1.公开权力",
    ]  # fmt: skip


def test_a_list_instance_can_start_elsewhere_and_a_text_number_is_not_doubled():
    document = docx.Document()
    start_at_3 = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride>'
    _list(document, "72", [("chineseCounting", "%1、")], extra=start_at_3)
    _numbered(document, "保障措施", "72")
    _numbered(document, "五、组织实施", "72")  # the author typed the number as well
    document.add_paragraph("各部门要抓好落实。")
    assert _lines(document) == ["三、保障措施", "五、组织实施", "各部门要抓好落实。"]


def test_numbering_set_by_the_style_and_switched_off_by_numid_zero():
    document = docx.Document()
    _list(document, "73", [("chineseCounting", "%1、")])
    style = document.styles.add_style("章标题", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.element.get_or_add_pPr().insert(
        0, parse_xml(f'<w:numPr {W}><w:numId w:val="73"/></w:numPr>')
    )
    document.add_paragraph("总体要求", style="章标题")
    document.add_paragraph("主要任务", style="章标题")
    _numbered(document, "附件", "0", 0, style="章标题")
    assert _lines(document) == ["一、总体要求", "二、主要任务", "附件"]


def test_bullets_give_no_label():
    document = docx.Document()
    _list(document, "74", [("bullet", "●")])
    _numbered(document, "坚持党的领导", "74")
    assert _lines(document) == ["坚持党的领导"]


@pytest.mark.parametrize(
    ("n", "fmt", "printed"),
    [(12, "chineseCounting", "十二"), (20, "chineseCountingThousand", "二十"), (3, "decimal", "3"),
     (3, "ideographTraditional", "丙"), (4, "decimalEnclosedCircle", "④"),
     (10, "ideographDigital", "一〇"), (12, "decimalFullWidth", "１２"), (4, "upperRoman", "IV"),
     (28, "lowerLetter", "bb"), (2, "bullet", None), (2, "none", None)],
)  # fmt: skip
def test_number_formats(n, fmt, printed):
    assert format_number(n, fmt) == printed


def _xml(document, paragraph_xml: str) -> None:
    document.element.body.insert(
        len(document.element.body) - 1,  # before the section properties
        parse_xml(paragraph_xml.replace("<w:p>", f"<w:p {W}>", 1)
                  if paragraph_xml.startswith("<w:p>") else paragraph_xml),
    )  # fmt: skip


def test_text_word_shows_outside_plain_runs_is_read_and_deleted_text_is_not():
    document = docx.Document()
    document.add_paragraph("东江市法治政府建设实施方案")
    _xml(document, '<w:p><w:r><w:t>一、总体</w:t></w:r><w:ins w:id="1" w:author="审核">'
         '<w:r><w:t>要求</w:t></w:r></w:ins><w:del w:id="2" w:author="审核"><w:r>'
         '<w:delText>目标</w:delText></w:r></w:del></w:p>')  # a draft's tracked changes
    _xml(document, '<w:p><w:r><w:t>到</w:t></w:r><w:smartTag w:uri="urn:schemas" w:element="chs'
         'date"><w:r><w:t>2025年</w:t></w:r></w:smartTag><w:r><w:t>,基本建成法治政府。'
         '</w:t></w:r></w:p>')  # older Word tagged dates
    _xml(document, f'<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>二、主要任务</w:t>'
         '</w:r></w:p></w:sdtContent></w:sdt>')  # a template's content control
    _xml(document, '<w:p><w:r><w:t>见第</w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>3'
         '</w:t></w:r></w:fldSimple><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>'
         '<w:instrText> REF x </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
         '</w:r><w:r><w:t>页</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    assert _lines(document) == [
        "东江市法治政府建设实施方案", "一、总体要求", "到2025年,基本建成法治政府。", "二、主要任务",
        "见第3页",
    ]  # fmt: skip


def test_a_text_box_is_read_once_after_its_paragraph():
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    wps = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    box = "<w:txbxContent><w:p><w:r><w:t>东江市人民政府办公室</w:t></w:r></w:p></w:txbxContent>"
    document = docx.Document()
    _xml(document, f'<w:p {W} {mc} {wps}><w:r><w:t>印发</w:t></w:r><w:r><mc:AlternateContent>'
         f"<mc:Choice Requires=\"wps\"><wps:txbx>{box}</wps:txbx></mc:Choice>"
         f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    assert _lines(document) == ["印发", "东江市人民政府办公室"]


def test_a_table_of_contents_in_a_content_control_gives_no_headings():
    document = docx.Document()
    document.add_paragraph("东江市法治建设规划(2021—2025年)")
    entries = "".join(
        f"<w:p><w:r><w:t>{entry}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r></w:p>"
        for entry, page in [("一、总体要求", 1), ("(一)指导思想", 1), ("二、主要任务", 2)]
    )
    gallery = '<w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj>'
    _xml(document, f"<w:sdt {W}><w:sdtPr>{gallery}</w:sdtPr><w:sdtContent>{entries}"
         "</w:sdtContent></w:sdt>")  # fmt: skip
    body = ["一、总体要求", "(一)指导思想", "坚持法治。", "二、主要任务", "推进依法行政。"]
    for line in body:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    source = Source("plan.docx", hashlib.sha256(data).hexdigest(), len(data), data)
    rows = process_plan(decode(source))
    headings = [(s["level"], s["heading"]) for s in rows.tables["sections"]]
    assert headings == [(1, "总体要求"), (2, "指导思想"), (1, "主要任务")]


def test_numbering_with_values_word_would_repair_is_read_not_rejected():
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="75"><w:lvl w:ilvl="0"><w:start w:val="abc"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
    ))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {W} w:numId="75"><w:abstractNumId w:val="75"/></w:num>'))
    _numbered(document, "总体要求", "75", 0)
    paragraph = document.add_paragraph("主要任务")
    paragraph._p.get_or_add_pPr().insert(
        0, parse_xml(f'<w:numPr {W}><w:ilvl w:val="x"/><w:numId w:val="75"/></w:numPr>')
    )
    assert _lines(document) == ["一、总体要求", "二、主要任务"]
