"""Each seed re-published as a web page, a gazette PDF, a Word file, UTF-16 text and a
traditional-script mirror copy gives the same metadata, section counts and targets as the
seed's own .txt; a seed's items as a Word task table give the same agencies and roles."""

from __future__ import annotations

import functools
import hashlib
import io
from collections import Counter

import pytest

from pipeline.extract.plan import PlanRows, process_plan
from pipeline.read.ingest import Decoded, Source, decode
from tests.helpers import plan_of_text, seed_text
from tests.read import forms

META = ("title", "jurisdiction", "admin_level", "province", "plan_type", "period_start",
        "period_end", "status", "has_masked_names")  # fmt: skip
FORMATS = {
    "html": (forms.as_html, "plan.html", "html"),
    "pdf": (forms.as_pdf, "plan.pdf", "pdf"),
    "docx": (forms.as_docx, "plan.docx", "docx"),
    "docx-styles": (
        functools.partial(forms.as_docx, numbers_in_styles=True),
        "plan.docx",
        "docx",
    ),
    "docx-lists": (functools.partial(forms.as_docx, list_numbering=True), "plan.docx", "docx"),
    "mhtml": (forms.as_mhtml, "plan.mhtml", "html"),
    "mhtml-gbk": (functools.partial(forms.as_mhtml, gbk=True), "plan.mht", "html"),
    "utf16": (forms.as_utf16, "plan.txt", "txt"),
    "utf16be": (functools.partial(forms.as_utf16, big_endian=True), "plan.txt", "txt"),
    "mirror": (forms.as_mirror, "mirror.txt", "txt"),
}


def read(name: str, data: bytes) -> Decoded:
    decoded = decode(Source(name, hashlib.sha256(data).hexdigest(), len(data), data))
    assert isinstance(decoded, Decoded), decoded
    return decoded


@functools.cache
def plan_of_seed(prefix: str) -> PlanRows:
    rows = process_plan(read("seed.txt", seed_text(prefix).encode("utf-8")))
    assert isinstance(rows, PlanRows)
    return rows


def summary(rows: PlanRows) -> tuple:
    doc = rows.tables["documents"][0]
    targets = sorted(
        (
            (t["kind"], t["value"], t["unit"], t["comparator"], t["deadline_year"], t["frequency"])
            for t in rows.tables["targets"]
        ),
        key=repr,
    )
    levels = Counter(s["level"] for s in rows.tables["sections"])
    return {k: doc[k] for k in META}, dict(levels), targets


@pytest.mark.parametrize("prefix", ["002", "004"])
@pytest.mark.parametrize("form", sorted(FORMATS))
def test_republished_seed_reads_as_its_txt(form, prefix):
    make, name, source_format = FORMATS[form]
    decoded = read(name, make(seed_text(prefix)))
    rows = process_plan(decoded)
    assert isinstance(rows, PlanRows), rows
    assert summary(rows) == summary(plan_of_seed(prefix))
    assert rows.tables["documents"][0]["source_format"] == source_format
    pages = [s["page"] for s in rows.tables["sections"]]
    if form == "pdf":
        assert pages[0] == 1 and len(decoded.page_starts) - 1 <= pages[-1] <= len(
            decoded.page_starts
        )
        assert len(decoded.page_starts) > 3
        assert pages == sorted(pages)
        assert "公报" not in rows.text and "— 2 —" not in rows.text  # header, page numbers
    else:
        assert set(pages) == {None}


def test_web_page_keeps_only_the_article_and_its_metadata_apart():
    decoded = read("plan.html", forms.as_html(seed_text("004")))
    for chrome in ("当前位置", "互动交流", "规划计划", "分享到", "版权所有", "ICP备", "网站标识码",
                   "_hmt", "字号", "相关文件", "索引号", "示府办", "春季防火"):  # fmt: skip
        assert chrome not in decoded.text, chrome
    assert decoded.text.startswith("海口市法治政府建设实施方案")
    assert decoded.encoding == "utf-8"
    assert decoded.container == {
        "title": "海口市法治政府建设实施方案 (2021—2025年)_示例市人民政府门户网站",
        "source_url": "https://www.example.gov.cn/zwgk/2022/plan.html",
        "index_number": "11460100MB0000000X/2022-01234",
        "subject": "综合政务",
        "issuer": "示例市人民政府办公室",
        "issue_date": "2022-03-08",
        "document_number": "示府办〔2022〕12号",
        "published_date": "2022-03-10",
    }
    rows = process_plan(decoded)
    assert rows.tables["documents"][0]["source_url"] == decoded.container["source_url"]


def test_word_task_table_gives_the_same_agencies_and_roles():
    def links(rows: PlanRows) -> set[tuple[str, str, str]]:
        name = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
        text = {m["measure_id"]: m["text"] for m in rows.tables["measures"]}
        return {
            (text[x["measure_id"]], name[x["agency_id"]], x["role"])
            for x in rows.tables["measure_agencies"]
        }

    data = forms.as_docx(seed_text("002"), task_table=True)
    decoded = read("tasks.docx", data)
    assert "| 牵头单位 |" not in decoded.text  # rendered as role lines, not as cells
    rows = process_plan(decoded)
    expected = links(plan_of_seed("002"))
    assert len(expected) > 200
    assert links(rows) == expected
    assert {r for _, _, r in expected} >= {"lead", "responsible", "participating"}


@pytest.mark.parametrize("repeat_header", [True, False])
def test_pdf_task_table_over_pages_gives_the_same_agencies_and_roles(repeat_header):
    def links(rows: PlanRows) -> set[tuple[str, str, str]]:
        name = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
        # STSong-Light has no glyph for ·, which the PDF therefore lacks
        text = {m["measure_id"]: m["text"].replace("·", "") for m in rows.tables["measures"]}
        return {
            (text[x["measure_id"]], name[x["agency_id"]], x["role"])
            for x in rows.tables["measure_agencies"]
        }

    data = forms.as_pdf(seed_text("002"), task_table=True, repeat_header=repeat_header)
    decoded = read("tasks.pdf", data)
    assert len(decoded.page_starts) >= 5  # the tables run over pages
    assert "牵头单位:区委宣传部、区司法局\n" in decoded.text  # a row's cell as a role line
    assert "区直机关工委" in decoded.text  # a name the cell width broke, joined
    rows = process_plan(decoded)
    expected = links(plan_of_seed("002"))
    assert len(expected) > 500
    assert links(rows) == expected


def test_a_pdf_table_wider_than_the_text_leaves_the_texts_lines_joined_as_they_were():
    task = "加强法治政府建设,推进严格规范公正文明执法,健全行政执法工作体系,推行行政执法公示制度。"
    text = "\n".join(
        ["东江区法治政府建设实施方案(2021—2025年)", "一、总体要求", task * 3, "二、主要任务"]
        + ["1.完善执法程序。", "牵头单位:区司法局", "2.加强执法监督。", "牵头单位:区财政局"]
        + ["三、组织保障", task * 3]
    )  # one page: the paragraphs, broken by the width, around a table wider than they are
    plain = read("plain.pdf", forms.as_pdf(text)).text
    assert read("table.pdf", forms.as_pdf(text, task_table=True)).text == plain
    assert task * 3 + "\n二、主要任务" in plain


def test_a_border_around_a_pdfs_pages_is_no_table():
    plain = read("plain.pdf", forms.as_pdf(seed_text("004")))
    framed = read("framed.pdf", forms.as_pdf(seed_text("004"), frame=True))
    assert framed.text == plain.text


def test_mirror_copy_edits_are_logged_and_the_raw_text_kept():
    raw = forms.as_mirror(seed_text("003"))
    decoded = read("mirror.txt", raw)
    rows = process_plan(decoded)
    kinds = Counter(e["kind"] for e in rows.tables["normalization_edits"])
    assert kinds["t2s"] > 100 and kinds["pinyin"] > 10 and kinds["mojibake"] == 1
    assert kinds["junk"] >= 5  # banner, breadcrumb, font-size bar, teaser, page tools
    assert rows.text == plan_of_seed("003").text
    assert decoded.text == raw.decode("utf-8")  # the raw text is what arrived


def test_html5_article_and_old_layout_table_pages():
    body = "".join(f"<p>{line}</p>" for line in forms.lines_of(seed_text("003"))[1:])
    title = forms.lines_of(seed_text("003"))[0]
    html5 = (
        "<html><body><header class='site-header'><h1>示例区人民政府</h1><nav>首页 新闻</nav>"
        f"</header><main><article><header class='article-header'><h1>{title}</h1>"
        "<div class='share'>分享到：微信</div></header>"
        f"{body}</article></main><footer>版权所有 示例区人民政府</footer></body></html>"
    )
    layout = (
        "<html><body><table><tr><td class='menu'><a href='/'>首页</a><a>政务公开</a></td></tr>"
        f"<tr><td><table><tr><td class='title'>{title}</td></tr><tr><td>{body}</td></tr>"
        "</table></td></tr><tr><td>版权所有 示例区人民政府 技术支持：示例公司</td></tr></table>"
        "</body></html>"
    )
    for page in (html5, layout):
        rows = process_plan(read("page.html", page.encode("utf-8")))
        assert summary(rows) == summary(plan_of_seed("003"))
        assert "版权所有" not in rows.text and "分享到" not in rows.text


def test_article_that_names_disclosure_labels_is_kept_whole():
    plan = (
        "示例县法治社会建设实施方案(2021—2025年)\n为推进法治社会建设，制定本方案。\n"
        "一、总体要求\n(一)指导思想。坚持依法治县。\n二、主要任务\n"
        "(一)加强普法。到2025年，群众法治素养明显提高，每年开展宪法宣传活动不少于2次。\n"
    )
    lines = forms.lines_of(plan)
    body = "".join(f"<p>{line}</p>" for line in lines[1:])
    page = (
        f"<html><body><h1>{lines[0]}</h1><div id='zoom'><p>索引号：001/2021-1</p>"
        f"<p>发布机构：示例县司法局</p>{body}</div></body></html>"
    )
    rows = process_plan(read("page.html", page.encode("utf-8")))
    expected = process_plan(read("plan.txt", plan.encode("utf-8")))
    assert summary(rows) == summary(expected)
    assert len(rows.tables["targets"]) == 2


@pytest.mark.parametrize("numbered_by", ["numbers_in_styles", "list_numbering"])
@pytest.mark.parametrize("prefix", ["001", "004"])  # sections and items numbered throughout
def test_word_headings_numbered_by_word_get_their_numbers(prefix, numbered_by):
    data = forms.as_docx(seed_text(prefix), **{numbered_by: True})
    assert "二、" not in data.decode("latin-1")  # the file itself prints no number
    rows = process_plan(read("plan.docx", data))
    assert isinstance(rows, PlanRows), rows
    numbered = [(s["level"], s["number"]) for s in rows.tables["sections"]]
    assert numbered == [(s["level"], s["number"]) for s in plan_of_seed(prefix).tables["sections"]]


def test_what_a_browser_would_not_show_is_not_read_unless_it_is_the_article():
    page = forms.as_html(seed_text("004")).decode("utf-8")
    plain = read("plan.html", page.encode()).text
    poisoned = page.replace(  # anti-copy runs inside the text, a hidden print copy
        "</p>", "<span style='display: none'>码乱</span><font style='font-size:0px'>伪字</font></p>"
    ).replace('<div id="zoom"', '<div hidden><p>打印版全文</p></div><div id="zoom"', 1)
    assert read("plan.html", poisoned.encode()).text == plain
    shown_by_script = page.replace('<div id="zoom"', '<div id="zoom" style="display:none"', 1)
    assert read("plan.html", shown_by_script.encode()).text == plain
    small = page.replace("text-indent:2em", "text-indent:2em;font-size:0.8em")  # not hidden
    assert read("plan.html", small.encode()).text == plain


def _category_table_page(merged: str) -> bytes:
    """A page whose task table has a category column merged down its measures (rowspan)."""
    rows = [
        ("1", "(一)加强宪法实施", "深入开展宪法宣传教育。", "市司法局", "各区人民政府"),
        ("2", "(一)加强宪法实施", "落实宪法宣誓制度。", "市人大常委会办公厅", "市委组织部"),
        ("3", "(二)健全制度体系", "完善规范性文件备案审查制度。", "市司法局", "市直各部门"),
    ]
    body = []
    for i, (n, category, measure, lead, resp) in enumerate(rows):
        first = i == 0 or rows[i - 1][1] != category
        span = sum(r[1] == category for r in rows)
        cat = f"<td {merged}='{span}'>{category}</td>" if first else ""
        if merged == "none":
            cat = f"<td>{category}</td>"
        body.append(f"<tr><td>{n}</td>{cat}<td>{measure}</td><td>{lead}</td><td>{resp}</td></tr>")
    return (
        "<html><body><div id='zoom'><p>东江市法治政府建设实施方案(2021—2025年)</p>"
        "<p>为加快建设法治政府,结合我市实际,制定本方案。</p><p>一、主要任务</p>"
        "<table><tr><th>序号</th><th>重点任务</th><th>具体措施</th><th>牵头单位</th>"
        f"<th>责任单位</th></tr>{''.join(body)}</table></div></body></html>"
    ).encode()


@pytest.mark.parametrize("merged", ["rowspan", "none"])
def test_a_task_tables_category_column_heads_its_measures(merged):
    decoded = read("plan.html", _category_table_page(merged))
    lines = decoded.text.splitlines()
    start = lines.index("一、主要任务") + 1
    assert lines[start:] == [
        "(一)加强宪法实施",
        "1.深入开展宪法宣传教育。", "牵头单位:市司法局", "责任单位:各区人民政府",
        "2.落实宪法宣誓制度。", "牵头单位:市人大常委会办公厅", "责任单位:市委组织部",
        "(二)健全制度体系",
        "3.完善规范性文件备案审查制度。", "牵头单位:市司法局", "责任单位:市直各部门",
    ]  # fmt: skip
    rows = process_plan(decoded)
    names = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
    text = {m["measure_id"]: m["text"] for m in rows.tables["measures"]}
    links = {
        (text[x["measure_id"]], names[x["agency_id"]], x["role"])
        for x in rows.tables["measure_agencies"]
    }
    assert ("落实宪法宣誓制度。", "市人大常委会办公厅", "lead") in links
    assert ("完善规范性文件备案审查制度。", "市直各部门", "responsible") in links


def test_a_pdf_heading_in_fake_bold_is_read_once():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    lines = ["东江市法治社会建设实施方案", "为推进法治建设,制定本方案。", "一、总体要求",
             "坚持以法治思想为指导。", "(一)主要目标", "到2025年,法治社会基本建成。"]  # fmt: skip
    for k, line in enumerate(lines):
        page.setFont("STSong-Light", 14)
        indent = 28 if k else 0  # each paragraph's first line indented by two characters
        for dx in (0, 0.4) if "、" in line or ")" in line else (0,):  # drawn twice: bold
            page.drawString(60 + indent + dx, 780 - 24 * k, line)
    page.save()
    decoded = read("plan.pdf", out.getvalue())
    assert "一、总体要求" in decoded.text and "一一" not in decoded.text
    rows = process_plan(decoded)
    assert [s["heading"] for s in rows.tables["sections"]] == ["总体要求", "主要目标"]


def test_a_task_tables_header_of_two_rows_names_its_role_columns_by_the_lower_row():
    page = (
        "<html><body><div id='zoom'><p>东江市法治政府建设实施方案(2021—2025年)</p>"
        "<p>为加快建设法治政府,结合我市实际,制定本方案。</p><p>一、主要任务</p><table>"
        "<tr><th rowspan='2'>序号</th><th rowspan='2'>工作任务</th><th colspan='2'>责任单位</th>"
        "</tr><tr><th>牵头单位</th><th>配合单位</th></tr>"
        "<tr><td>1</td><td>深入开展宪法宣传教育。</td><td>市司法局</td><td>市委宣传部</td></tr>"
        "</table></div></body></html>"
    ).encode()
    lines = read("plan.html", page).text.splitlines()
    assert lines[lines.index("一、主要任务") + 1 :] == [
        "1.深入开展宪法宣传教育。", "牵头单位:市司法局", "配合单位:市委宣传部",
    ]  # fmt: skip


def test_a_page_saved_as_one_file_is_read_as_the_page():
    decoded = read("saved.mhtml", forms.as_mhtml(seed_text("004"), gbk=True))
    assert decoded.text == read("plan.html", forms.as_html(seed_text("004"))).text
    assert decoded.source_format == "html"
    assert decoded.container["source_url"] == "https://www.example.gov.cn/zwgk/2022/plan.html"


def test_a_disclosure_list_with_other_sites_labels_gives_the_fields():
    page = forms.as_html(seed_text("004")).decode("utf-8")
    start, end = page.index('<table class="xxgk">'), page.index("</table>") + len("</table>")
    listing = (
        "<ul class='xxgk-info'><li><span>索引号：</span>11460100MB0000000X/2022-01234</li>"
        "<li><span>制发机构：</span>示例市人民政府办公室</li><li><span>发文日期：</span>2022年3月8日</li>"
        "<li><span>文件编号：</span>示府办〔2022〕12号</li><li><span>有效性：</span>有效</li></ul>"
    )
    decoded = read("plan.html", (page[:start] + listing + page[end:]).encode())
    assert {k: decoded.container[k] for k in ("issuer", "issue_date", "document_number")} == {
        "issuer": "示例市人民政府办公室", "issue_date": "2022-03-08",
        "document_number": "示府办〔2022〕12号",
    }  # fmt: skip
    assert "制发机构" not in decoded.text


@pytest.mark.parametrize("spanned", ["repeated", "empty"])  # Word's and web readers', a PDF's
def test_a_header_of_two_rows_as_each_reader_gives_it(spanned):
    from pipeline.read.tables import table_lines

    upper = ["序号", "工作任务", "责任单位", "责任单位" if spanned == "repeated" else ""]
    lower = ["序号", "工作任务"] if spanned == "repeated" else ["", ""]
    task = ["1", "开展宪法宣传。", "市司法局", "市委宣传部"]
    rows = [upper, [*lower, "牵头单位", "配合单位"], task]
    assert table_lines(rows) == ["1.开展宪法宣传。", "牵头单位:市司法局", "配合单位:市委宣传部"]


@pytest.mark.parametrize("separator", ["\t", " | "])
def test_a_task_table_copied_into_text_is_read_as_the_table(separator):
    def row(*cells: str) -> str:
        line = separator.join(cells)
        return f"| {line} |" if separator == " | " else line

    text = "\n".join([
        "东江市法治政府建设实施方案(2021—2025年)", "为加快建设法治政府。", "一、主要任务",
        row("序号", "工作任务", "牵头单位", "责任单位"),
        row("1", "完善重大行政决策程序。", "市司法局", "市政府办公室"),
        row("2", "推行权责清单制度。", "市委编办", "各县(市、区)人民政府"),
        "二、保障措施", "各地要加强领导。", "",
    ])  # fmt: skip
    decoded = read("plan.txt", text.encode())
    lines = decoded.text.split("\n")
    assert lines[3:9] == [
        "1.完善重大行政决策程序。", "牵头单位:市司法局", "责任单位:市政府办公室",
        "2.推行权责清单制度。", "牵头单位:市委编办", "责任单位:各县(市、区)人民政府",
    ]  # fmt: skip
    kept = "项目\t金额\t备注\n办公\t100\t无\n"  # no task table: left as it is
    assert read("other.txt", ("东江市法治方案\n一、总体要求\n" + kept).encode()).text.endswith(kept)


@pytest.mark.parametrize("form", ["txt", "html"])
def test_a_task_table_flattened_to_one_cell_a_line_is_read_back_row_by_row(form):
    # a mirror's copy: each cell on a line of its own, blank lines between them, a task cell
    # wrapped over two lines, row 2 with no 责任单位, the last row followed by the text
    cells = [
        "序号", "重点任务", "牵头单位", "责任单位", "完成时限",
        "1", "全面实行政府权责清单制度,", "动态调整权责清单。", "市委编办", "市直各部门",
        "2022年底前",
        "2", "行政执法人员培训每年不少于40学时。", "市司法局", "长期坚持",
        "3", "推进“互联网+监管”。", "市市场监管局", "市政务服务数据管理局", "2023年6月底前",
    ]  # fmt: skip
    title = "东江市法治政府建设重点任务分工方案\n\n"
    text = title + "\n\n".join(cells) + "\n二、保障措施\n加强领导。"
    if form == "html":  # a page with each cell a paragraph of its own
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n") if line)
        text = f"<html><body><div>{paragraphs}</div></body></html>"
    decoded = read(f"plan.{form}", text.encode())
    assert [line for line in decoded.text.split("\n") if line][1:] == [
        "1.全面实行政府权责清单制度,动态调整权责清单,完成时限:2022年底前。",
        "牵头单位:市委编办", "责任单位:市直各部门",
        "2.行政执法人员培训每年不少于40学时,完成时限:长期坚持。", "牵头单位:市司法局",
        "3.推进“互联网+监管”,完成时限:2023年6月底前。",
        "牵头单位:市市场监管局", "责任单位:市政务服务数据管理局",
        "二、保障措施", "加强领导。",
    ]  # fmt: skip
    rows = process_plan(decoded)
    roles = [(link["name_raw"], link["role"]) for link in rows.tables["measure_agencies"]]
    assert roles[:3] == [("市委编办", "lead"), ("市直各部门", "responsible"), ("市司法局", "lead")]
    years = [t["deadline_year"] for t in rows.tables["targets"] if t["kind"] == "deadline"]
    assert years == [2022, 2023]
    # a 序号 line that opens no table, and a table numbered from 2: left as they are
    no_table = "序号\n说明\n本方案由市司法局解释。"
    for kept in (no_table, "序号\n任务\n牵头单位\n2\n开展宣传。\n市司法局"):
        assert read("other.txt", kept.encode()).text == kept


def _wrapped_source(page: str, width: int = 30) -> str:
    """The page's source wrapped as Word's "save as web page" wraps it: a line break in the
    middle of the text, wherever the line grew past the width."""
    out, column = [], 0
    for ch in page:
        out.append(ch)
        column = 0 if ch == "\n" else column + 1
        if column >= width and ch not in "<>=\"'" and out[-2:-1] != ["<"]:
            out.append("\n")
            column = 0
    return "".join(out)


def test_a_line_break_in_a_pages_source_is_a_space_as_a_browser_shows_it():
    page = forms.as_html(seed_text("004")).decode("utf-8")
    body_start = page.index('<div id="zoom"')
    body_end = page.index("</div>", body_start)
    wrapped = page[:body_start] + _wrapped_source(page[body_start:body_end]) + page[body_end:]
    assert "\n" in wrapped[body_start:body_end] and wrapped != page
    assert summary(process_plan(read("plan.html", wrapped.encode()))) == summary(
        plan_of_seed("004")
    )
    lines = (
        "东江市法治方案\n一、总体要求\n(一)指导思想\n" + "坚持以法治思想为指导,推进法治建设。\n" * 4
    )
    laid_out = f"<html><body><div>{lines}</div></body></html>"
    assert read("plan.html", laid_out.encode()).text.split("\n")[:3] == [
        "东江市法治方案",
        "一、总体要求",
        "(一)指导思想",
    ]  # fmt: skip  (text laid out by its line breaks alone keeps them)


def test_a_task_table_holding_most_of_the_page_is_part_of_its_article():
    rows = "".join(
        f"<tr><td>{n}</td><td>开展第{n}项法治宣传教育活动,推动法治观念深入人心。</td>"
        "<td>市司法局</td><td>市直各部门</td></tr>"
        for n in range(1, 30)
    )
    page = (
        "<html><body><div class='article-content'><p>东江市法治社会建设实施方案(2021—2025年)</p>"
        "<p>为推进法治社会建设,制定本方案。</p><p>一、主要任务</p><table><tr><th>序号</th>"
        f"<th>工作任务</th><th>牵头单位</th><th>责任单位</th></tr>{rows}</table></div></body></html>"
    )
    text = read("plan.html", page.encode()).text
    assert text.startswith("东江市法治社会建设实施方案(2021—2025年)\n为推进法治社会建设")
    assert "29.开展第29项" in text


def test_a_category_column_before_the_task_column_is_no_task():
    from pipeline.read.tables import table_lines

    header = ["类别", "序号", "工作任务", "牵头单位"]
    rows = [header, ["(一)维护宪法权威", "1", "开展宪法宣传。", "市司法局"]]
    assert table_lines(rows) == ["(一)维护宪法权威", "1.开展宪法宣传。", "牵头单位:市司法局"]


def test_a_heading_in_a_bt_cell_and_a_page_title_with_spaces_give_the_title():
    body = (
        "<p>为推进法治建设,制定本方案。</p><p>一、总体要求</p>"
        + "<p>坚持以法治思想为指导,推进法治建设。</p>" * 3
    )
    cell = "<td class='bt'><b>东江市法治社会建设实施方案(2021—2025年)</b></td>"
    page = f"<html><body><table><tr>{cell}</tr><tr><td>{body}</td></tr></table></body></html>"
    rows = process_plan(read("plan.html", page.encode()))
    assert rows.tables["documents"][0]["title"] == "东江市法治社会建设实施方案(2021—2025年)"
    titled = "<html><head><title>东江市法治社会建设实施方案 (2021—2025年)_东江市人民政府</title>"
    rows = process_plan(read("plan.html", (titled + f"</head><body>{body}</body></html>").encode()))
    assert rows.tables["documents"][0]["title"] == "东江市法治社会建设实施方案(2021—2025年)"


def test_a_pages_info_bar_and_attachment_link_are_junk():
    from pipeline.text.normalize import normalize

    raw = (
        "发布时间:2022-10-12 09:30 来源:东江市人民政府 浏览次数:1024 字号:大 中 小\n"
        "一、总体要求\n坚持法治。\n附件:东江市法治社会建设实施方案(2021—2025年).pdf\n"
    )
    assert normalize(raw).text == "一、总体要求\n坚持法治。"


def test_a_task_tables_deadline_is_a_clause_of_its_task_not_a_line_of_its_own():
    from pipeline.read.tables import table_lines

    rows = [
        ["序号", "工作任务", "牵头单位", "完成时限"],
        ["1", "完善重大行政决策程序。", "市司法局", "2022年底前"],
        ["2", "推行权责清单制度", "市委编办", ""],
    ]
    assert table_lines(rows) == [
        "1.完善重大行政决策程序,完成时限:2022年底前。", "牵头单位:市司法局",
        "2.推行权责清单制度", "牵头单位:市委编办",
    ]  # fmt: skip
    text = "东江市法治政府建设实施方案\n为加快建设法治政府,制定本方案。\n一、主要任务\n"
    rows_of_plan = plan_of_text(text + "\n".join(table_lines(rows)) + "\n")
    measures = {m["measure_id"]: m["text"] for m in rows_of_plan.tables["measures"]}
    [target] = rows_of_plan.tables["targets"]
    assert (target["text"], target["deadline_year"]) == ("2022年底前", 2022)
    assert measures[target["measure_id"]].startswith("完善重大行政决策程序")
    assert len(measures) == 2  # no measure of the deadline alone


def test_a_pdf_role_cell_wrapped_inside_a_name_or_after_its_list_mark_keeps_its_names():
    from pipeline.read.tables import table_lines, unwrap_cells

    header = ["序号", "重点任务", "牵头单位", "责任单位"]
    # the lines of each cell as the PDF's cell width broke them
    rows = [
        ["1", "开展宪法宣传。", "市司法局", "市人大常委会办公室,各\n县(市、区)党委和政府"],
        ["2", "推进公共法律服务。", "市司法局", "市文化广电旅游体育局,各县(市、\n区)人民政府"],
        ["3", "加强普法阵地建设。", "市委宣传部", "市委宣传部、市财政局、\n市自然资源局"],
        ["4", "深化依法行政。", "市司法局", "区直机关工\n委\n区直相关部\n门"],
    ]
    lines = table_lines([header, *unwrap_cells(rows, header)])
    assert [line for line in lines if line.startswith("责任单位")] == [
        "责任单位:市人大常委会办公室,各县(市、区)党委和政府",
        "责任单位:市文化广电旅游体育局,各县(市、区)人民政府",
        "责任单位:市委宣传部、市财政局、市自然资源局",
        "责任单位:区直机关工委、区直相关部门",
    ]


def test_an_indicator_tables_rows_give_their_targets_dated_by_the_target_column():
    from pipeline.read.tables import table_lines
    from tests.helpers import plan_of_text

    # a page's table: the unit in the indicator's name, a baseline and a target year column
    page = [
        ["序号", "指标", "2020年", "2025年目标", "属性"],
        ["1", "行政规范性文件合法性审核率(%)", "100", "100", "约束性"],
        ["2", "政务服务事项“一网通办”率(%)", "85", "95以上", "预期性"],
        ["3", "法律援助案件年办理量(件)", "5200", "6000", "预期性"],
    ]
    lines = table_lines(page)
    assert lines[2] == "2 | 政务服务事项“一网通办”率(%) | 2020年85 | 2025年目标95%以上 | 预期性"
    text = "东江市法治建设规划(2021—2025年)\n一、主要目标\n" + "\n".join(lines) + "\n"
    got = [
        (t["value"], t["unit"], t["comparator"], t["deadline_year"])
        for t in plan_of_text(text).tables["targets"]
    ]
    assert got == [(100.0, "%", "=", 2025), (95.0, "%", ">=", 2025), (6000.0, "件", "=", 2025)]


def test_a_word_indicator_table_with_a_two_row_header_and_a_unit_column():
    import docx

    document = docx.Document()
    document.add_paragraph("东江县法治社会建设实施方案(2021—2025年)")
    document.add_paragraph("一、主要指标")
    rows = [
        ["指标", "", "单位", "2025年目标"],
        ["一级指标", "二级指标", "", ""],
        ["法治宣传教育", "国家工作人员年度学法考试参考率", "%", "100"],
        ["基层依法治理", "每个村(社区)“法律明白人”", "名", "≥3"],
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for cells, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
    table.cell(0, 0).merge(table.cell(0, 1))  # 指标 over 一级指标 | 二级指标
    table.cell(0, 2).merge(table.cell(1, 2))  # 单位 and 2025年目标 merged down
    table.cell(0, 3).merge(table.cell(1, 3))
    out = io.BytesIO()
    document.save(out)
    rows_of_plan = process_plan(read("plan.docx", out.getvalue()))
    got = [
        (t["value"], t["unit"], t["comparator"], t["deadline_year"])
        for t in rows_of_plan.tables["targets"]
    ]
    assert got == [(100.0, "%", "=", 2025), (3.0, "名", ">=", 2025)]


def test_a_wechat_articles_picture_headings_decorated_headings_and_chrome():
    page = (
        "<html><body><h1 class='rich_media_title'>东江县法治政府建设实施方案</h1>"
        "<div id='js_content'><p>点击上方蓝字关注我们</p>"
        "<section><strong>一、总体要求</strong></section><p>坚持依法行政。</p>"
        "<p><img data-src='x.png' alt='二、健全依法行政制度体系'></p>"
        "<p><strong>🔹（一）加强规范性文件管理</strong></p><p>1.每年至少开展1次规范性文件清理。</p>"
        "<p><img src='line.gif' alt='图片'></p>"
        "<p>———END———</p><p>编辑：东小江 审核：西小河</p><p>👇推荐阅读</p>"
        "<p><a href='#'>东江县召开2021年法治政府建设推进会</a></p>"
        "<p>长按识别二维码关注</p><p>分享 收藏 在看 点赞</p></div></body></html>"
    )
    rows = process_plan(read("wechat.html", page.encode()))
    tree = [(s["level"], s["number"], s["heading"]) for s in rows.tables["sections"]]
    assert tree == [
        (1, 1, "总体要求"),
        (1, 2, "健全依法行政制度体系"),  # only the picture's alt text holds it
        (2, 1, "加强规范性文件管理"),
        (3, 1, None),
    ]
    measures = [m["text"] for m in rows.tables["measures"]]
    assert measures == ["坚持依法行政。", "每年至少开展1次规范性文件清理。"]
    assert [t["frequency"] for t in rows.tables["targets"]] == ["annual"]


def test_big5_pages_and_texts_are_read_as_big5_not_as_gb18030_nonsense():
    plan = (
        "永春縣法治社會建設實施方案（2021—2025年）\n一、總體要求\n"
        "加強法治社會建設，推進依法治縣，提高全縣人民群眾的法治素養和社會治理法治化水平。\n"
        "二、主要任務\n深入開展法治宣傳教育，每年組織開展一次憲法宣傳周集中宣傳活動。\n"
    )
    page = (
        "<html><head><meta charset='big5'><title>永春縣法治社會建設實施方案</title></head>"
        f"<body><div>{plan.replace(chr(10), '<br>')}</div></body></html>"
    ).encode("cp950")
    for name, data in (("plan.html", page), ("plan.txt", plan.encode("cp950"))):
        decoded = read(name, data)
        assert decoded.encoding == "cp950", name
        rows = process_plan(decoded)
        document = rows.tables["documents"][0]
        assert (document["jurisdiction"], document["plan_type"]) == ("永春县", "society"), name
    gb = read("plan.txt", "永春县法治社会建设实施方案\n一、总体要求\n加强。\n".encode("gb18030"))
    assert gb.encoding == "gb18030"
