"""Re-publish a plan's text in the forms plans are found in: a government web page, a
gazette PDF with running headers and page numbers, a Word file (optionally with a task
table), UTF-16 text and a traditional-script mirror copy with pinyin and site junk.

Everything here is written for the tests (no text of real pages): the page chrome, the
disclosure table, the header line and the pinyin table are our own inventions, shaped like
what such files carry.
"""

from __future__ import annotations

import html
import io
import quopri
import re

import opencc

ITEM = re.compile(r"^(\d{1,3})[.、](.*)$")
ROLE = re.compile(r"^(牵头单位|责任单位|参加单位)[:：](.*)$")
PINYIN = {"设": "shè", "实": "shí", "发": "fā", "规": "guī", "开": "kāi", "务": "wù"}


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def as_html(text: str, canonical: str = "https://www.example.gov.cn/zwgk/2022/plan.html") -> bytes:
    """A government page: menu, breadcrumbs, disclosure table, share bar, footer, script."""
    lines = lines_of(text)
    title = lines[0] if len(lines[0]) <= 60 else None
    body = lines[1:] if title else lines
    paras = "\n".join(f"<p style='text-indent:2em'>{html.escape(x)}</p>" for x in body)
    heading = f"<div class='article-title'><h1>{html.escape(title)}</h1></div>" if title else ""
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title or "政策文件")}_示例市人民政府门户网站</title>
<link rel="canonical" href="{canonical}">
<style>.nav {{ color: red }}</style><script>var _hmt = _hmt || []; document.write("统计");</script>
</head><body>
<div class="header"><img src="logo.png"><ul class="nav"><li><a href="/">首页</a></li>
<li><a href="/zwgk">政务公开</a></li><li><a href="/hdjl">互动交流</a></li><li><a href="/bsfw">办事服务</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 规划计划</div>
<div class="main"><table class="xxgk">
<tr><td>索 引 号：</td><td>11460100MB0000000X/2022-01234</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>示例市人民政府办公室</td><td>成文日期：</td><td>2022年3月8日</td></tr>
<tr><td>发文字号：</td><td>示府办〔2022〕12号</td><td>发布日期：</td><td>2022-03-10</td></tr>
</table>
{heading}
<div class="fontsize">字号：<a>大</a> <a>中</a> <a>小</a></div>
<div id="zoom" class="TRS_Editor">
{paras}
</div>
<div class="bdshare">分享到：<a>微信</a><a>微博</a></div>
<div class="related"><h3>相关文件</h3><ul><li><a href="/a">关于做好春季防火工作的通知</a></li>
<li><a href="/b">示例市2021年政府工作报告</a></li></ul></div></div>
<div class="footer"><p>主办：示例市人民政府办公室 版权所有</p><p>网站标识码：4601000001 琼ICP备05000001号</p></div>
<script>console.log("页脚脚本")</script>
</body></html>"""  # noqa: E501 (markup lines, as sites write them)
    return page.encode("utf-8")


TASK_HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "参加单位", "完成时限"]


def as_mhtml(text: str, gbk: bool = False) -> bytes:
    """The government page saved by a browser as one file (.mhtml): a MIME message whose
    HTML part is quoted-printable (in GBK, with ``gbk``, as old sites serve it), with an
    image part after it, and the page's address in the browser's snapshot header."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    page = as_html(text).decode("utf-8")
    charset = "gb18030" if gbk else "utf-8"
    if gbk:
        page = page.replace('<meta charset="utf-8">', "")  # the charset only in the part
    message = MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = "https://www.example.gov.cn/zwgk/2022/saved.html"
    message["Subject"] = "saved page"
    part = MIMEText(page, "html", charset)
    del part["Content-Transfer-Encoding"]
    part.set_payload(quopri.encodestring(page.encode(charset)).decode("ascii"))
    part["Content-Transfer-Encoding"] = "quoted-printable"
    message.attach(part)
    message.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(64), "png"))
    return message.as_bytes()


def task_runs(lines: list[str], single: bool = False) -> list[str | list[list[str]]]:
    """``lines`` with every run of numbered items followed by role lines made one table: a
    header row, then one row per item (number, task, lead, responsible, participating,
    deadline; one agency per line in a cell), as plans print their task-division tables.
    With ``single``, everything from the first such item to the last is one table, the
    headings between them rows of one cell (as an annex's table groups its tasks)."""
    out: list = []
    i = 0
    last = max((k for k, line in enumerate(lines) if ROLE.match(line)), default=-1)
    while i < len(lines):
        if ITEM.match(lines[i]) and i + 1 < len(lines) and ROLE.match(lines[i + 1]):
            rows = [list(TASK_HEADER)]
            while i < len(lines) and (ITEM.match(lines[i]) or (single and i <= last)):
                if not ITEM.match(lines[i]):
                    rows.append([lines[i]])  # a heading inside the table
                    i += 1
                    continue
                number, task = ITEM.match(lines[i]).groups()
                roles = {"牵头单位": "", "责任单位": "", "参加单位": ""}
                i += 1
                while i < len(lines) and ROLE.match(lines[i]):
                    label, names = ROLE.match(lines[i]).groups()
                    roles[label] = "\n".join(names.split("、"))
                    i += 1
                rows.append([number, task, *roles.values(), ""])
            out.append(rows)
            continue
        out.append(lines[i])
        i += 1
    return out


def as_pdf(
    text: str,
    header: str = "示例市人民政府公报 2022年第3期",
    task_table: bool = False,
    repeat_header: bool = True,
    frame: bool = False,
) -> bytes:
    """A gazette PDF: STSong-Light text, running header, '— n —' page numbers; with
    ``task_table``, the plan's tasks are one ruled task-division table (``task_runs``) that
    runs over pages, its header row repeated on each page or not; with ``frame``, a border
    is drawn around each page (a frame of one column, as some gazettes print)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=11, leading=18, firstLineIndent=22,
        wordWrap="CJK",
    )  # fmt: skip

    def furniture(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, header)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")
        if frame:  # a border, split under the running header: two cells of one column
            canvas.rect(50, 55, A4[0] - 100, A4[1] - 80)
            canvas.line(50, A4[1] - 60, A4[0] - 50, A4[1] - 60)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, topMargin=70, bottomMargin=60, title="示例公报")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    story = []
    for part in task_runs(lines_of(text), single=True) if task_table else lines_of(text):
        if isinstance(part, str):
            story.append(Paragraph(html.escape(part), style))
            continue
        rows = [
            [Paragraph(html.escape(value).replace("\n", "<br/>"), cell) for value in row]
            + [""] * (len(TASK_HEADER) - len(row))
            for row in part
        ]
        spans = [("SPAN", (0, r), (-1, r)) for r, row in enumerate(part) if len(row) == 1]
        table = Table(rows, colWidths=[30, 200, 70, 80, 60, 40], repeatRows=int(repeat_header))
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), *spans]))
        story.append(table)
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


def private_use_pdf() -> bytes:
    """A one-page PDF whose font's ToUnicode map sends every code to a private-use code
    point (U+E000 + the byte), as fonts without a real map do: text, but no characters."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
        b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange "
        b"<20> <7E> <E020> endbfrange endcmap CMapName currentdict /CMap defineresource pop "
        b"end end"
    )
    content = b"BT /F1 12 Tf 50 800 Td " + b"(ABCDEFGHIJKLMNOPQRST) Tj 0 -16 Td " * 20 + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(cmap), cmap),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%b\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF whose pages are only drawn shapes (as a scan is only an image): no text layer."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


STYLE_MARKERS = (
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[(（][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d{1,3}[.．、](?!\d)"),
)


def as_docx(
    text: str,
    task_table: bool = False,
    numbers_in_styles: bool = False,
    list_numbering: bool = False,
) -> bytes:
    """A Word file: heading style for chapters; with ``task_table``, every run of numbered
    items with role lines becomes one task-division table; with ``numbers_in_styles``, every
    chapter, section and item heading is styled Heading 1/2/3 and prints no number (as when
    Word numbers the headings itself); with ``list_numbering``, they are plain paragraphs
    numbered by one Word list of three levels (一、 （一） 1.), sections and items counted
    through the whole plan (``w:lvlRestart`` 0), and print no number either."""
    import docx

    document = docx.Document()
    num_id = _word_list(document) if list_numbering else None
    document.core_properties.title = lines_of(text)[0][:60]
    lines = lines_of(text)
    i = 0
    while i < len(lines):
        line = lines[i]
        if task_table and ITEM.match(line) and i + 1 < len(lines) and ROLE.match(lines[i + 1]):
            rows: list[list[str]] = []
            while i < len(lines) and ITEM.match(lines[i]):
                number, task = ITEM.match(lines[i]).groups()
                roles = {"牵头单位": "", "责任单位": "", "参加单位": ""}
                i += 1
                while i < len(lines) and ROLE.match(lines[i]):
                    label, names = ROLE.match(lines[i]).groups()
                    roles[label] = "\n".join(names.split("、"))  # one agency per line
                    i += 1
                rows.append([number, task, *roles.values(), ""])
            header = ["序号", "工作任务", "牵头单位", "责任单位", "参加单位", "完成时限"]
            table = document.add_table(rows=1, cols=len(header))
            for cell, name in zip(table.rows[0].cells, header, strict=True):
                cell.text = name
            for row in rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value
            continue
        style = "Heading 1" if re.match(r"^[一二三四五六七八九十]+、", line) else None
        if num_id is not None:
            for level, marker in enumerate(STYLE_MARKERS):
                if marker.match(line):
                    paragraph = document.add_paragraph(marker.sub("", line, count=1))
                    _number(paragraph, num_id, level)
                    break
            else:
                document.add_paragraph(line)
            i += 1
            continue
        if numbers_in_styles:
            for level, marker in enumerate(STYLE_MARKERS, start=1):
                if marker.match(line):
                    style, line = f"Heading {level}", marker.sub("", line, count=1)
                    break
        document.add_paragraph(line, style=style)
        i += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


WORD_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]


def _word_list(document) -> str:
    """Add a three-level list definition to the document's numbering part; its numId."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + ('<w:lvlRestart w:val="0"/>' if i else "")
        + f'<w:lvlText w:val="{label}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, label) in enumerate(WORD_LEVELS)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _number(paragraph, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.get_or_add_pPr().insert(
        0, parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def as_utf16(text: str, big_endian: bool = False) -> bytes:
    """UTF-16 with a byte-order mark and CRLF line ends, as Windows tools save text."""
    text = text.replace("\n", "\r\n")
    return (b"\xfe\xff" + text.encode("utf-16-be")) if big_endian else text.encode("utf-16")


def as_mirror(text: str) -> bytes:
    """A mirror-site copy: traditional script, pinyin after some characters, site chrome,
    a doc-sharing banner and teaser, and a mojibake run."""
    trad = opencc.OpenCC("s2t").convert(text)
    simplified_of = {opencc.OpenCC("s2t").convert(k): (k, v) for k, v in PINYIN.items()}
    marked = "".join(f"{ch}({simplified_of[ch][1]})" if ch in simplified_of else ch for ch in trad)
    lines = marked.split("\n")
    middle = len(lines) // 2
    lines.insert(middle, "已閱讀3頁，還剩9頁未讀，繼續閱讀")
    lines[middle + 1] = lines[middle + 1] + "?。ぢ耕_嗰)"
    junk = ["設為首頁 | 收藏本站", "當前位置：首頁 > 文檔 > 政府規劃", "字號：大 中 小",
            "示例方案.doc 由會員分享，可在線閱讀，更多相關文檔請搜索"]  # fmt: skip
    return ("\n".join(junk + lines + ["打印本頁 關閉窗口"]) + "\n").encode("utf-8")
