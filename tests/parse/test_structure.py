"""Every heading form the seeds use, checked on the real plans against the gold counts."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from pipeline.parse.structure import parse_sections
from pipeline.text.normalize import normalize
from tests.helpers import SEEDS, SHARED, seed_text

GOLD = SHARED / "gold" / "structure.json"
EXPECTED = {  # from ../shared/gold/structure.json (kept here so tests run without shared/)
    "000": {1: 7, 2: 27},
    "001": {1: 7, 2: 27, 3: 80},
    "002": {1: 7, 2: 27, 3: 68},
    "003": {1: 7, 2: 29},
    "004": {1: 10, 2: 36},
}


def _parse(prefix: str):
    text = normalize(seed_text(prefix)).text
    return text, parse_sections(text)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_counts_per_level_match_gold(prefix):
    _, sections = _parse(prefix)
    assert dict(Counter(s.level for s in sections)) == EXPECTED[prefix]


def test_expected_counts_agree_with_shared_gold_when_present():
    if not GOLD.exists():
        pytest.skip("../shared/gold not present")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    for name, want in gold.items():
        assert EXPECTED[name[:3]] == {int(k): v for k, v in want.items()}
        assert (SEEDS / name).exists()


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_span_text_is_heading_plus_body_and_headings_hold_no_body(prefix):
    text, sections = _parse(prefix)
    for s in sections:
        span = text[s.char_start : s.char_end]
        assert span == span.strip() and span
        if s.heading is not None:
            assert s.heading in span.split("\n")[0]
            assert "。" not in s.heading
        assert s.char_start < s.body_start <= s.char_end or s.heading is None


def test_heading_alone_on_its_line_and_heading_followed_by_body():
    text, sections = _parse("001")
    by_ordinal = {s.ordinal: s for s in sections}
    assert by_ordinal["2"].heading == "推动全社会增强法治观念"  # 二、 alone on its line
    assert by_ordinal["2.1"].heading == "维护宪法权威"  # (四) alone on its line
    assert by_ordinal["2.1"].number == 4
    item = by_ordinal["2.1.1"]
    assert (item.level, item.number, item.heading) == (3, 1, "深入宣传宪法")
    assert text[item.body_start :].startswith("弘扬宪法精神")
    inline = by_ordinal["1.1"]  # "(一)指导思想。书记考察…"
    assert inline.heading == "指导思想"


def test_section_numbering_restarts_inside_a_chapter():
    _, sections = _parse("002")
    chapter2 = [s for s in sections if s.parent_ordinal == "2"]
    assert [s.number for s in chapter2] == [1, 2, 3, 4]
    assert [s.heading for s in chapter2][:2] == ["维护宪法权威", "增强全民法治观念"]
    items = [s for s in sections if s.level == 3]
    assert [s.number for s in items] == list(range(1, 69))
    assert all(s.parent_ordinal and s.parent_ordinal.count(".") == 1 for s in items)


def test_item_that_is_a_single_task_has_no_separate_heading():
    text, sections = _parse("002")
    item50 = next(s for s in sections if s.level == 3 and s.number == 50)
    assert item50.heading is None
    assert text[item50.body_start : item50.char_end].startswith(
        "加强农村土地承包经营纠纷调解仲裁工作。"
    )
    assert "牵头单位:区农业农村局" in text[item50.char_start : item50.char_end]


def test_a_sections_paired_title_running_into_its_body_is_its_heading_and_a_task_is_not():
    text = (
        "一、加强组织领导\n(一)加强组织学习,坚持政治引领。县政府通过常务会学习法治思想。\n"
        "(二)贯彻落实领导干部应知应会党内法规和法律法规清单制度,常态化开展会前学法。加强培训。\n"
        "1.健全学法制度,完善考核。每年组织考试。\n"
        "(三)2022年底前,完成权责清单编制。加强监督。\n"
    )
    headings = {s.ordinal: s.heading for s in parse_sections(text)}
    assert headings == {
        "1": "加强组织领导",
        "1.1": "加强组织学习,坚持政治引领",
        "1.2": None,  # a task, its first half long
        "1.2.1": None,  # an item's first sentence is a task
        "1.3": None,  # a deadline: a task
    }


def test_a_cover_notices_own_numbered_points_are_not_the_plans_chapters():
    notice = (
        "现将《东江区法治建设规划(征求意见稿)》公布,征求社会各界意见。\n"
        "一、意见可寄送区司法局。\n二、征求意见截止日期为2025年12月23日。\n"
        "东江区委依法治区办\n2025年11月24日\n东江区法治建设规划(征求意见稿)\n"
    )
    plan = "一、总体要求\n(一)指导思想\n坚持法治思想。\n二、主要任务\n(一)推进立法\n完善立法。\n"
    sections = parse_sections(notice + plan)
    assert [(s.ordinal, s.heading) for s in sections if s.level == 1] == [
        ("1", "总体要求"),
        ("2", "主要任务"),
    ]
    # a plan's annex after its signature stays the plan's
    annex = "东江区人民政府\n2025年11月24日\n附件\n一、任务分工\n"
    chapters = [s for s in parse_sections(plan + annex) if s.level == 1]
    assert [s.heading for s in chapters] == ["总体要求", "主要任务", "任务分工"]


def test_chapter_intro_paragraph_stays_with_the_chapter():
    text, sections = _parse("003")
    chapter2 = next(s for s in sections if s.ordinal == "2")
    assert chapter2.heading == "增强全社会法治观念"
    assert (
        text[chapter2.body_start : chapter2.char_end].strip().startswith('全面实施"八五"普法规划')
    )


def test_closing_paragraphs_belong_to_the_last_section():
    text, sections = _parse("004")
    last = sections[-1]
    assert (last.level, last.number) == (2, 36)
    assert text[last.char_start : last.char_end].endswith("确保各项部署有序推进、取得实效。")


def test_truncated_ending_is_kept_as_the_last_items_body():
    text, sections = _parse("002")  # the plan stops after item 68, with no closing section
    last = sections[-1]
    assert (last.level, last.number) == (3, 68)
    assert last.char_end == len(text)


def test_text_without_headings_gives_no_sections():
    assert parse_sections("这是一段没有任何标题的文字。它不是方案。") == []


def test_items_numbered_in_brackets_are_items_when_the_plan_numbers_none_with_a_point():
    plan = "一、主要任务\n(一)加强宪法宣传\n(1)加强宪法学习。纳入学习内容。\n(2)落实宣誓制度。\n"
    assert [(s.level, s.number, s.heading) for s in parse_sections(plan)] == [
        (1, 1, "主要任务"),
        (2, 1, "加强宪法宣传"),
        (3, 1, "加强宪法学习"),
        (3, 2, None),
    ]
    # below items numbered 1., (1) numbers sub-items, part of the item's body
    nested = plan.replace("(1)加强", "1.维护宪法权威。\n(1)加强")
    assert [(s.level, s.number) for s in parse_sections(nested)] == [(1, 1), (2, 1), (3, 1)]


def test_a_generic_heading_running_on_into_its_paragraph_is_the_title():
    plan = (
        "一、总体要求\n(一)指导思想高举中国特色社会主义伟大旗帜,坚持以人民为中心,"
        "为全面建设社会主义现代化提供法治保障\n(二)主要目标和任务\n"
    )
    sections = parse_sections(plan)
    assert [s.heading for s in sections] == ["总体要求", "指导思想", "主要目标和任务"]
    assert plan[sections[1].body_start :].startswith("高举中国特色社会主义伟大旗帜")


def test_a_boxs_numbered_entries_are_no_items_and_its_title_and_a_tables_caption_no_tasks():
    from tests.helpers import plan_of_text

    text = (
        "东江市法治建设规划(2021—2025年)\n"
        "一、建设法治政府\n"
        "(一)推进依法行政\n"
        "1.深化放管服改革。到2025年,政务服务事项网上可办率达到95%以上。\n"
        "2.严格规范执法。重大执法决定法制审核率达到100%。\n"
        "专栏1 法治政府建设重点工程\n"
        "1.权责清单动态管理工程:2022年底前建成全市统一的权责清单管理系统。\n"
        "2.执法监督平台工程:2023年底前建成覆盖市、县两级的执法监督平台。\n"
        "(二)加强监督\n"
        "3.完善监督体系。每年至少开展1次执法检查。\n"
        "表1 主要指标\n"
        "序号 | 指标 | 2020年 | 2025年目标 | 属性\n"
        "1 | 行政规范性文件合法性审核率(%) | 95 | 100 | 约束性\n"
        "附件\n"
        "东江市法治建设重点任务分工表\n"
    )
    rows = plan_of_text(text)
    items = [(s["number"], s["heading"]) for s in rows.tables["sections"] if s["level"] == 3]
    assert [n for n, _ in items] == [1, 2, 3]  # the box's 1. 2. are its list
    measures = [m["text"] for m in rows.tables["measures"]]
    assert not [m for m in measures if m.startswith(("专栏", "表1", "序号", "附件", "东江市法治"))]
    # the box's entries are measures (and targets) of the section they stand in
    box = [m for m in rows.tables["measures"] if "权责清单管理系统" in m["text"]]
    section = {s["section_id"]: s for s in rows.tables["sections"]}[box[0]["section_id"]]
    assert (section["level"], section["heading"]) == (3, "严格规范执法")
    assert 2022 in {t["deadline_year"] for t in rows.tables["targets"]}


_CHAPTERS_AND_SECTIONS = [
    "东江市法治建设规划(2021—2025年)",
    "前言",
    "“十三五”时期,全市已建成法治文化阵地38个。",
    "第一章 总体要求",
    "第一节 指导思想",
    "坚持以习近平法治思想为指导。",
    "第二节 主要目标",
    "一、法治政府建设目标",
    "到2025年,政务服务事项网上可办率达到95%以上。",
    "二、法治社会建设目标",
    "每年至少开展1次普法考核。",
    "第二章 建设法治政府",
    "一、依法全面履行政府职能",
    "(一)深化放管服改革",
    "压缩审批时限至3个工作日。",
    "二、严格规范公正文明执法",
    "第三章 组织实施",
    "第一节 加强组织领导",
    "建立规划实施协调机制。",
]


_WORDED_PLAN = (
    "第一章 总体要求\n一、指导思想\n坚持党的领导。\n二、主要目标\n到2025年,建成法治城市。\n"
    "第二章 主要任务\n一、依法全面履行政府职能\n(一)深化改革\n推进简政放权。\n"
)


@pytest.mark.parametrize(
    ("plan", "tree"),
    [
        (  # 第一章 holding 一、: its sections, their (一) items
            _WORDED_PLAN,
            [
                (1, 1, "总体要求"),
                (2, 1, "指导思想"),
                (2, 2, "主要目标"),
                (1, 2, "主要任务"),
                (2, 1, "依法全面履行政府职能"),
                (3, 1, "深化改革"),
            ],
        ),
        (  # a 规划's 第一章 holding 第一节 (its 一、 items) or 一、 (its (一) items)
            "\n".join(_CHAPTERS_AND_SECTIONS) + "\n",
            [
                (1, 1, "总体要求"),
                (2, 1, "指导思想"),
                (2, 2, "主要目标"),
                (3, 1, "法治政府建设目标"),
                (3, 2, "法治社会建设目标"),
                (1, 2, "建设法治政府"),
                (2, 1, "依法全面履行政府职能"),
                (3, 1, "深化放管服改革"),
                (2, 2, "严格规范公正文明执法"),
                (1, 3, "组织实施"),
                (2, 1, "加强组织领导"),
            ],
        ),
    ],
)
def test_chapters_numbered_in_words_hold_sections_numbered_in_words_or_one_two(plan, tree):
    got = [(s.level, s.number, s.heading) for s in parse_sections(normalize(plan).text)]
    assert got == tree


def test_a_guihuas_word_headings_keep_their_printed_numbers_and_its_preface_stays_unnumbered():
    import hashlib
    import io

    import docx

    from pipeline.read.ingest import Source, decode

    document = docx.Document()
    for line in _CHAPTERS_AND_SECTIONS:
        style = None
        if line.startswith("第") and "章" in line[:4] or line == "前言":
            style = "Heading 1"
        elif line.startswith(("第一节", "第二节", "一、", "二、")):
            style = "Heading 2"
        elif line.startswith("(一)"):
            style, line = "Heading 3", line.replace("(", "（").replace(")", "）")
        document.add_paragraph(line, style=style)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    decoded = decode(Source("plan.docx", hashlib.sha256(data).hexdigest(), len(data), data))
    assert "一、前言" not in decoded.text and "\n前言\n" in decoded.text
    assert "1.(一)" not in decoded.text.replace("（", "(").replace("）", ")")
    text = normalize(decoded.text).text
    levels = [(s.level, s.heading) for s in parse_sections(text)]
    assert levels[:4] == [
        (1, "总体要求"),
        (2, "指导思想"),
        (2, "主要目标"),
        (3, "法治政府建设目标"),
    ]


def test_a_gazettes_next_document_after_the_plan_is_no_part_of_it():
    from tests.helpers import plan_of_text

    text = (
        "东江市人民政府公报\n"
        "东江市人民政府关于调整最低工资标准的通知\n东政发〔2022〕5号\n各县市区人民政府:\n"
        "一、调整标准\n月最低工资标准调整为1930元。\n二、执行时间\n自2022年4月1日起执行。\n"
        "东江市人民政府\n2022年3月2日\n"
        "东江市人民政府办公室\n关于印发东江市法治政府建设实施方案(2021—2025年)的通知\n"
        "东政办发〔2022〕8号\n各县市区人民政府:\n现将《东江市法治政府建设实施方案(2021—2025年)》"
        "印发给你们,请认真贯彻落实。\n东江市人民政府办公室\n2022年3月15日\n"
        "东江市法治政府建设实施方案(2021—2025年)\n"
        "一、总体要求\n到2025年,法治政府基本建成。\n"
        "二、主要任务\n(一)深化放管服改革\n1.企业开办时间压缩至1个工作日。\n"
        "东江市人民政府办公室\n关于印发2022年全市政务公开工作要点的通知\n东政办发〔2022〕11号\n"
        "各县市区人民政府:\n现将工作要点印发给你们。\n2022年全市政务公开工作要点\n"
        "一、加强信息公开\n政策文件在印发后3个工作日内公开。\n二、加强组织保障\n全年组织吹风会不少于12场。\n"
    )
    rows = plan_of_text(text)
    document = rows.tables["documents"][0]
    assert (document["issuer"], document["issue_date"], document["document_number"]) == (
        "东江市人民政府办公室",
        "2022-03-15",
        "东政办发〔2022〕8号",
    )
    tree = [(s["level"], s["number"], s["heading"]) for s in rows.tables["sections"]]
    assert tree == [
        (1, 1, "总体要求"),
        (1, 2, "主要任务"),
        (2, 1, "深化放管服改革"),
        (3, 1, None),
    ]
    assert "政务公开" not in rows.tables["sections"][-1]["text"]  # ends before it
    assert [t["value"] for t in rows.tables["targets"]] == [None, 1.0]  # 到2025年, 1个工作日


def test_an_announcements_numbered_points_and_a_drafting_note_after_the_plan_are_no_part_of_it():
    from tests.helpers import plan_of_text

    text = (
        "关于公开征求《东江市法治社会建设实施方案(征求意见稿)》意见的公告\n"
        "现将征求意见稿全文公布,意见请通过以下方式反馈:\n1.电子邮箱:fzb@example.cn;\n"
        "2.通讯地址:东江市人民路1号(邮编:332005)。\n东江市司法局\n2021年7月21日\n"
        "东江市法治社会建设实施方案(2021—2025年)\n(征求意见稿)\n"
        "一、总体要求\n到2025年,法治社会基本建成。\n二、主要任务\n每年至少开展1次普法考核。\n"
        "关于《东江市法治社会建设实施方案(征求意见稿)》的起草说明\n"
        "一、起草背景\n先后征求了36家单位意见,收到意见建议52条。\n二、主要内容\n方案共分7个部分。\n"
    )
    rows = plan_of_text(text)
    tree = [(s["level"], s["number"], s["heading"]) for s in rows.tables["sections"]]
    assert tree == [(1, 1, "总体要求"), (1, 2, "主要任务")]
    assert [t["kind"] for t in rows.tables["targets"]] == ["deadline", "frequency"]
    assert rows.tables["documents"][0]["status"] == "draft"
