"""Measures and the per-plan tables built from them, on the real seeds."""

from __future__ import annotations

import pytest

from pipeline.extract.measures import leading_action, read_body, split_statements
from pipeline.extract.plan import PlanRows, process_plan
from pipeline.extract.rows import Row, extract_rows
from pipeline.parse.structure import parse_sections
from pipeline.read.ingest import decode, read_source
from tests.helpers import seed_path


@pytest.fixture(scope="module")
def plans() -> dict[str, PlanRows]:
    out = {}
    for prefix in ("000", "002", "004"):
        rows = process_plan(decode(read_source(seed_path(prefix))))
        assert isinstance(rows, PlanRows)
        out[prefix] = rows
    return out


def test_statements_split_at_full_stops_and_task_semicolons():
    text = "(二)主要原则。坚持党的全面领导,确保方向;坚持以人民为中心。\n牵头单位:区司法局"
    start = text.index("坚持")
    pieces = [text[a:b] for a, b, _, _ in split_statements(text, start, len(text))]
    assert pieces == ["坚持党的全面领导,确保方向;", "坚持以人民为中心。"]


def test_a_body_read_once_gives_its_statements_and_the_roles_its_lines_assign():
    text = (
        "(一)任务。\n完善机制;健全制度。(牵头单位:区司法局;责任单位:区法院)\n"
        "  参加单位:区直各部门\n推进工作。"
    )
    body = read_body(text, text.index("完善"), len(text))
    assert [(text[a:b], text[c:d]) for a, b, c, d in body.statements] == [
        ("完善机制;", "完善机制;健全制度。"),
        ("健全制度。", "完善机制;健全制度。"),
        ("推进工作。", "推进工作。"),
    ]
    assert body.roles == [("participating", ["区直各部门"])]  # a role line: the body's
    note = text.index("(牵头单位")  # a note: the tasks before it, since the body's start
    assert body.notes == [(-1, note, "lead", ["区司法局"]), (-1, note, "responsible", ["区法院"])]
    assert body.statements == split_statements(text, text.index("完善"), len(text))


def test_a_line_that_is_a_label_only_is_no_measure():
    text = "五、健全执法体制\n目标:健全执法体制。\n措施:\n推进综合执法改革。"
    pieces = [text[a:b] for a, b, _, _ in split_statements(text, text.index("目标"), len(text))]
    assert pieces == ["目标:健全执法体制。", "推进综合执法改革。"]


def test_semicolons_inside_brackets_and_quotes_do_not_split():
    text = "形成“四个一”(一枚印章审批;一个大厅办证)的体制。"
    assert [text[a:b] for a, b, _, _ in split_statements(text, 0, len(text))] == [text]


@pytest.mark.parametrize(
    ("statement", "action"),
    [
        ("制定出台《海口市重大行政决策公众参与办法》,畅通渠道。", "制定出台"),
        ("全面推行权责清单管理制度。", "推行"),
        ("进一步完善市级信用信息共享交换平台建设。", "完善"),
        ("建立健全社会规范的执行监督机制。", "建立健全"),
        ("各级党委要落实推进本地区法治社会建设的领导责任。", "落实"),
        ("到2022年,建立健全公共法律服务体系。", "建立健全"),
        ("在市、区政务服务大厅设立“办不成事”反映窗口。", "设立"),
        ("公民、法人和其他组织享有宪法和法律规定的权利。", None),
        ("对《东江市行政执法监督办法》开展执法检查。", "开展"),
        ("对区法院《关于规范执法的报告》作出批示,要求严格履职。", None),  # 报告 is its name's
        # 把/将 put the object first; a listed verb used as a noun inside the frame is passed
        ("将宪法学习纳入干部教育培训规划。", "纳入"),  # 学习 before a verb
        ("在全省教育系统建立法治副校长制度。", "建立"),  # 教育 before 系统
        ("将能有效衔接的执法事项下放乡镇。", "下放"),  # 衔接 before 的
        ("对不作为、乱作为的,依法问责。", None),  # no 作为 in 不作为
        ("把普法融入立法全过程。", "融入"),
        ("一是全面加强组织领导。", "加强"),  # an enumeration's ordinal is skipped
        ("三是2023年底前完成权责清单编制。", "完成"),
        ("创建一批民主法治示范村。", "创建"),
        ("2022年6月底前制定《东江市行政执法监督办法》。", "制定"),  # a month's deadline first
        ("2022年上半年前编制完成权责清单。", "编制"),
        # a frame's listed nouns (生态环境保护、…等领域) hold no action; its listed verbs do
        ("围绕乡村振兴、生态环境保护、公共卫生等领域,研究制定村规民约修订指引。", "研究制定"),
        ("通过购买服务等方式重点培育、优先发展行业协会商会。", "培育"),
        ("将法治政府建设成效纳入政绩考核指标体系。", "纳入"),  # 建设 before 成效
    ],
)
def test_leading_action(statement, action):
    assert leading_action(statement) == action


def test_measures_are_verbatim_and_never_headings_or_role_lines(plans):
    for rows in plans.values():
        text = rows.text
        headings = {s["heading"] for s in rows.tables["sections"] if s["heading"]}
        for m in rows.tables["measures"]:
            assert text[m["char_start"] : m["char_end"]] == m["text"]
            assert m["text"].rstrip("。;") not in headings
            assert not m["text"].startswith(("牵头单位", "参加单位", "责任单位"))


def test_item_that_is_one_task_still_has_its_measure_and_agencies(plans):
    rows = plans["002"]
    item50 = next(s for s in rows.tables["sections"] if s["level"] == 3 and s["number"] == 50)
    measures = [m for m in rows.tables["measures"] if m["section_id"] == item50["section_id"]]
    assert [m["text"] for m in measures] == ["加强农村土地承包经营纠纷调解仲裁工作。"]
    names = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
    roles = {
        (names[ln["agency_id"]], ln["role"])
        for ln in rows.tables["measure_agencies"]
        if ln["measure_id"] == measures[0]["measure_id"]
    }
    assert roles == {
        ("区农业农村局", "lead"),
        ("区法院", "participating"),
        ("区司法局", "participating"),
    }


def test_role_lines_apply_to_every_measure_of_their_item_and_resolve_typos(plans):
    rows = plans["002"]
    item26 = next(s for s in rows.tables["sections"] if s["level"] == 3 and s["number"] == 26)
    measure_ids = {
        m["measure_id"] for m in rows.tables["measures"] if m["section_id"] == item26["section_id"]
    }
    lead = [
        ln
        for ln in rows.tables["measure_agencies"]
        if ln["measure_id"] in measure_ids and ln["role"] == "lead"
    ]
    assert len(lead) == len(measure_ids) >= 1
    agency = next(a for a in rows.tables["agencies"] if a["agency_id"] == lead[0]["agency_id"])
    assert (lead[0]["name_raw"], agency["name"]) == ("区为政法委", "区委政法委")
    generic = {a["name"] for a in rows.tables["agencies"] if a["is_generic"]}
    assert {"区直各部门", "全区各执法部门", "区直相关部门"} <= generic


def test_plan_without_role_lines_links_actors_named_in_text(plans):
    rows = plans["004"]
    names = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
    named = {(names[ln["agency_id"]], ln["role"]) for ln in rows.tables["measure_agencies"]}
    assert ("市司法局", "named_in_text") in named
    assert {role for _, role in named} == {"named_in_text"}


def test_targets_point_into_their_measure(plans):
    rows = plans["004"]
    measures = {m["measure_id"]: m for m in rows.tables["measures"]}
    assert len(rows.tables["targets"]) >= 60
    for t in rows.tables["targets"]:
        m = measures[t["measure_id"]]
        assert rows.text[t["char_start"] : t["char_end"]] == t["text"]
        assert m["char_start"] <= t["char_start"] < m["char_end"]
    row = next(t for t in rows.tables["targets"] if "压缩至1个工作日" in t["text"])
    assert (row["kind"], row["value"], row["unit"], row["comparator"]) == (
        "quantity",
        1,
        "工作日",
        "<=",
    )


def test_preamble_instruments_have_no_measure_and_body_ones_do(plans):
    rows = plans["004"]
    first = rows.tables["instruments"][0]
    assert first["name"] == "法治政府建设实施纲要(2021—2025年)"
    assert (first["in_preamble"], first["measure_id"], first["action"]) == (True, None, "other")
    enact = {i["name"] for i in rows.tables["instruments"] if i["action"] == "enact"}
    assert "海口市政府立法项目委托起草管理办法" in enact
    for i in rows.tables["instruments"]:
        assert rows.text[i["char_start"] : i["char_end"]] == i["name"]
        assert i["in_preamble"] == (i["measure_id"] is None)


def rows_of(text: str, doc_id: str) -> dict[str, list[Row]]:
    """``extract_rows`` of a text written for a test, with the section ids the flow gives."""
    sections = parse_sections(text)
    return extract_rows(
        text, doc_id, sections, {s.ordinal: f"{doc_id}:{s.ordinal}" for s in sections}
    )


def test_role_note_ending_a_task_line_gives_roles_and_is_not_measure_text():
    text = (
        "一、总体要求\n(一)完善制度\n1.健全工作机制。落实责任清单。"
        "(牵头单位:市司法局;责任单位:各区政府、市直各部门)\n2.加强培训。"
    )
    rows = rows_of(text, "d0")
    item1 = [m["text"] for m in rows["measures"] if m["section_id"] == "d0:1.1.1"]
    assert item1 == ["落实责任清单。"]
    names = {a["agency_id"]: a["name"] for a in rows["agencies"]}
    roles = {(names[ln["agency_id"]], ln["role"]) for ln in rows["measure_agencies"]}
    assert roles == {
        ("市司法局", "lead"),
        ("各区政府", "responsible"),
        ("市直各部门", "responsible"),
    }


def test_a_role_note_left_open_where_a_copy_is_cut_off_still_gives_its_roles():
    cut = "(责任单位:县委办、县司法"  # the copy ends here
    text = f"一、主要任务\n(一)维护宪法权威\n加强宪法学习。开展宪法晨读活动。{cut}"
    rows = rows_of(text, "d0")
    assert [m["text"] for m in rows["measures"]] == ["加强宪法学习。", "开展宪法晨读活动。"]
    named = {(ln["measure_id"][-2:], ln["name_raw"], ln["role"]) for ln in rows["measure_agencies"]}
    assert named == {(m, n, "responsible") for m in ("m1", "m2") for n in ("县委办", "县司法")}
    # an open bracket without a role label is the task's own words
    rows = rows_of("一、主要任务\n(一)维护宪法权威\n加强宪法学习。开展(宪法晨读、宪法", "d0")
    assert rows["measure_agencies"] == [] and len(rows["measures"]) == 2


def test_a_line_that_is_an_unlabeled_role_note_gives_its_roles_and_is_no_measure():
    text = "一、主要任务\n(一)加强审计监督\n完善审计制度。\n(县审计局、县统计局按职责分工负责)\n"
    rows = rows_of(text, "d0")
    assert [m["text"] for m in rows["measures"]] == ["完善审计制度。"]
    assert {(a["name_raw"], a["role"]) for a in rows["measure_agencies"]} == {
        ("县审计局", "responsible"),
        ("县统计局", "responsible"),
    }


def test_each_role_note_is_the_tasks_it_closes_a_role_line_the_whole_items():
    text = (
        "一、主要任务\n(一)深化改革\n推动政府高效履职。明确职责。(省委编办牵头,省直有关部门配合)\n"
        "严格执行负面清单。(省发展改革委负责)\n各地要抓好落实。\n"
    )
    rows = rows_of(text, "d0")
    by_id = {m["measure_id"]: m["text"] for m in rows["measures"]}
    got = {(by_id[a["measure_id"]], a["name_raw"], a["role"]) for a in rows["measure_agencies"]}
    assert got == {
        ("推动政府高效履职。", "省委编办", "lead"),
        ("明确职责。", "省委编办", "lead"),
        ("推动政府高效履职。", "省直有关部门", "participating"),
        ("明确职责。", "省直有关部门", "participating"),
        ("严格执行负面清单。", "省发展改革委", "responsible"),
    }  # 各地要抓好落实: no note closes it


def test_a_goal_lists_quantities_take_the_year_its_lead_names():
    text = (
        "一、总体要求\n(三)主要目标\n到2025年,法治政府基本建成,具体目标是:\n"
        "1.行政执法人员持证上岗率达到100%。\n2.每年培训不少于40学时。\n3.2023年底前复议案件办结率达到95%。\n"
        "二、主要任务\n(一)推进立法\n立法评估覆盖率达到90%。\n"
    )
    got = [(t["text"], t["deadline_year"]) for t in rows_of(text, "d")["targets"]]
    dashed = (  # the lead a paragraph, the goals dashed lines
        "一、总体要求\n(三)主要目标\n到2025年,法治建设取得重大进展,为2035年基本建成法治东江奠定"
        "坚实基础。具体目标是:\n——地方立法更加精细。制定地方性法规不少于15件。\n"
    )
    assert [(t["value"], t["deadline_year"]) for t in rows_of(dashed, "d")["targets"]] == [
        (None, 2025),
        (15.0, 2025),
    ]
    assert got == [
        ("到2025年", 2025),
        ("行政执法人员持证上岗率达到100%", 2025),
        ("每年培训不少于40学时", None),  # a yearly norm
        ("2023年底前复议案件办结率达到95%", 2023),  # its own year
        ("立法评估覆盖率达到90%", None),  # beyond the list's part
    ]


def test_role_line_of_a_section_without_measures_lists_no_agency():
    text = (
        "一、总体要求\n牵头单位:区司法局\n二、主要任务\n"
        "(一)完善机制\n完善工作机制;健全制度。\n牵头单位:区法院、区检察院\n"
    )
    tables = rows_of(text, "d")
    assert [m["text"] for m in tables["measures"]] == ["完善工作机制;", "健全制度。"]
    assert [a["name"] for a in tables["agencies"]] == ["区法院", "区检察院"]
    assert [(x["measure_id"][-2:], x["name_raw"]) for x in tables["measure_agencies"]] == [
        ("m1", "区法院"),
        ("m2", "区法院"),
        ("m1", "区检察院"),
        ("m2", "区检察院"),
    ]


def test_a_deadline_printed_after_its_task_is_a_target_of_that_task_not_a_measure():
    # the four places plans print a task's deadline: a line of its own, a role line, a role
    # note ending the task, and a line that opens with it before the roles
    text = (
        "一、主要任务\n(一)健全决策机制\n"
        "1.落实重大行政决策程序。编制年度决策事项目录。\n完成时限:2022年底前\n"
        "2.推行合法性审核机制。\n牵头单位:市司法局 完成时限:2023年6月\n"
        "3.完善执法公示制度。(牵头单位:市司法局;完成期限:2024年)\n"
        "4.开展执法人员培训。\n完成时间:2025年;责任单位:市政府办公室、市司法局\n"
    )
    tables = rows_of(text, "d")
    assert [m["text"] for m in tables["measures"]] == [
        "编制年度决策事项目录。",
        "推行合法性审核机制。",
        "完善执法公示制度。",
        "开展执法人员培训。",
    ]
    by_measure = {m["measure_id"]: m["text"] for m in tables["measures"]}
    got = [
        (by_measure[t["measure_id"]], t["text"], t["kind"], t["deadline_year"])
        for t in tables["targets"]
    ]
    assert got == [
        ("编制年度决策事项目录。", "2022年底前", "deadline", 2022),
        ("推行合法性审核机制。", "2023年6月", "deadline", 2023),
        ("完善执法公示制度。", "2024年", "deadline", 2024),
        ("开展执法人员培训。", "2025年", "deadline", 2025),
    ]
    for t in tables["targets"]:
        assert text[t["char_start"] : t["char_end"]] == t["text"]
    names = {a["agency_id"]: a["name"] for a in tables["agencies"]}
    roles = {
        (by_measure[x["measure_id"]], names[x["agency_id"]], x["role"])
        for x in tables["measure_agencies"]
    }
    assert roles == {
        ("推行合法性审核机制。", "市司法局", "lead"),
        ("完善执法公示制度。", "市司法局", "lead"),
        ("开展执法人员培训。", "市政府办公室", "responsible"),
        ("开展执法人员培训。", "市司法局", "responsible"),
    }


def test_a_signature_a_decimal_heading_or_latin_words_alone_state_no_task():
    text = (
        "一、总体要求\n(一)目标\n3.1总体目标\n到2025年,建成法治政府。具体目标是:\nBaidu map\n"
        "东江县人民政府\n2016年11月2日\n附件:东江县法治政府建设重点任务分工\n2021年8月\n"
        "东江县2023年法治政府建设重点任务清单\n(此件公开发布)\n"
    )
    rows = rows_of(text, "d0")
    assert [m["text"] for m in rows["measures"]] == ["到2025年,建成法治政府。"]
    assert [t["deadline_year"] for t in rows["targets"]] == [2025]  # not the signature's 2021


def test_a_year_before_the_plans_period_dates_nothing_and_a_tables_year_header_is_no_deadline():
    from pipeline.release.checks import target_values
    from tests.helpers import plan_of_text

    text = (
        "东江市法治政府建设实施方案(2021—2025年)\n"
        "一、主要目标\n"
        "(一)主要指标\n"
        "1.到2025年,行政复议纠错率比2020年提高5个百分点。2020年底前已完成的清单适时更新。\n"
        "表1 主要指标\n"
        "序号 | 指标 | 2020年 | 2025年目标 | 属性\n"
        "1 | 行政规范性文件合法性审核率(%) | 100 | 100 | 约束性\n"
        "2.2023年底前完成权责清单动态调整。\n"
    )
    rows = plan_of_text(text)
    targets = rows.tables["targets"]
    got = sorted((t["text"], t["kind"], t["value"], t["deadline_year"]) for t in targets)
    assert got == [
        ("2023年底前完成权责清单动态调整", "deadline", None, 2023),
        ("行政复议纠错率比2020年提高5个百分点", "quantity", 5.0, 2025),
    ]
    import pandas as pd

    frames = {name: pd.DataFrame(rows.tables[name]) for name in ("documents", "targets")}
    assert all(result.passed for result in target_values(frames))  # the plan is not held back


def test_a_plan_for_one_year_dates_its_tasks_by_month_and_quarter_in_that_year():
    from tests.helpers import plan_of_text

    body = (
        "一、深入学习贯彻习近平法治思想\n"
        "1.6月底前完成新提任领导干部任前法治考试全覆盖。(责任单位:区委组织部)\n"
        "2.3月底前制定并印发区政府常务会议年度会前学法计划。\n"
        "二、依法全面履行政府职能\n"
        "3.第三季度前完成涉企行政许可事项清单编制,年底前区直部门公职律师总数不少于30名。\n"
        "4.每年3月底前向区委报告上一年度法治政府建设情况。\n"
    )
    annual = plan_of_text("东江区2022年法治政府建设工作要点\n" + body)
    assert annual.tables["documents"][0]["period_start"] == 2022
    items = [s["number"] for s in annual.tables["sections"] if s["level"] == 3]
    assert items == [1, 2, 3, 4]  # 2.3月底前…: item 2, by March (no decimal 2.3)
    got = sorted(
        (t["text"][:8], t["kind"], t["value"], t["deadline_year"], t["frequency"])
        for t in annual.tables["targets"]
    )
    assert got == [
        ("3月底前制定并印", "deadline", None, 2022, None),
        ("6月底前完成新提", "deadline", None, 2022, None),
        ("年底前区直部门公", "quantity", 30.0, 2022, None),
        ("每年3月底前向区", "frequency", 1.0, None, "annual"),
        ("第三季度前完成涉", "deadline", None, 2022, None),
    ]
    # the same lines in a plan for five years: a month without a year dates nothing
    five = plan_of_text("东江区法治政府建设实施方案(2021—2025年)\n" + body)
    assert {t["kind"] for t in five.tables["targets"]} == {"quantity", "frequency"}


def test_a_deadline_label_restating_its_tasks_own_deadline_is_no_second_target():
    from pipeline.read.tables import table_lines
    from tests.helpers import plan_of_text

    rows = [
        ["序号", "工作任务", "牵头单位", "完成时限"],
        ["1", "2022年底前完成市、县两级权责清单动态调整。", "市司法局", "2022年底前"],
        ["2", "每年至少组织开展1次综合性应急演练。", "市应急局", "每年12月底前"],
        ["3", "健全行政裁决制度。", "市司法局", "2023年6月"],
    ]
    text = "东江市法治政府建设实施方案(2021—2025年)\n一、主要任务\n" + "\n".join(table_lines(rows))
    targets = plan_of_text(text).tables["targets"]
    got = sorted(
        (t["measure_id"][-4:], t["kind"], t["deadline_year"], t["frequency"]) for t in targets
    )
    assert got == [
        ("1:m1", "deadline", 2022, None),
        ("2:m1", "frequency", None, "annual"),
        ("3:m1", "deadline", 2023, None),  # the column alone dates this one
    ]
    # the repeated year is still in the task's text, where the table printed it
    assert "完成时限:2022年底前" in plan_of_text(text).tables["measures"][0]["text"]


def test_a_task_no_role_note_covers_takes_the_actor_its_sentence_names():
    from tests.helpers import plan_of_text

    text = (
        "东江市法治社会建设实施方案(2021—2025年)\n"
        "一、推动全社会增强法治观念\n"
        "1.开展宪法宣传。市教育局每年组织1次宪法进校园活动。(牵头单位:市委宣传部;责任单位:市司法局)\n"
        "二、加强组织保障\n"
        "2.市委依法治市办负责统筹协调、督促检查和推动落实。\n"
    )
    rows = plan_of_text(text)
    name = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
    item = {m["measure_id"]: m["section_id"][-3:] for m in rows.tables["measures"]}
    links = sorted(
        (item[x["measure_id"]], name[x["agency_id"]], x["role"])
        for x in rows.tables["measure_agencies"]
    )
    assert links == [
        ("1.1", "市司法局", "responsible"),
        ("1.1", "市委宣传部", "lead"),  # its note's roles, not the actor its sentence names
        ("2.1", "市委依法治市办", "named_in_text"),  # no note: its sentence's actor
    ]


def test_a_task_tables_deadline_dates_its_quantity_and_a_scoring_tables_rules_are_no_targets():
    from pipeline.read.tables import table_lines
    from tests.helpers import plan_of_text

    tasks = [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["1", "县级政务服务事项网上可办率达到95%以上。", "县政务服务中心", "2023年底前"],
    ]
    scoring = [
        ["一级指标", "二级指标", "分值", "评分标准"],
        ["政府职能(15分)", "放管服改革", "5", "网上可办率达到95%的得满分,每低1个百分点扣0.5分。"],
        ["行政执法(20分)", "执法三项制度", "10", "落实率90%以上的得10分,低于80%的不得分。"],
    ]
    text = (
        "东江县法治政府建设实施方案(2021—2025年)\n一、主要任务\n"
        + "\n".join(table_lines(tasks))
        + "\n附件\n东江县法治政府建设考核评价指标体系\n"
        + "\n".join(table_lines(scoring))
        + "\n"
    )
    rows = plan_of_text(text)
    got = [(t["kind"], t["value"], t["deadline_year"]) for t in rows.tables["targets"]]
    assert got == [("quantity", 95.0, 2023)]  # one row, dated by its 完成时限; no scoring rule
    assert not [m for m in rows.tables["measures"] if "扣" in m["text"] or "得满分" in m["text"]]
