"""process_plan on inputs that are not a whole plan: a page that only reports a plan is
published for what it says of the plan; a page about nothing is rejected."""

from __future__ import annotations

import hashlib

from pipeline.extract.plan import PlanRows, process_plan
from pipeline.read.ingest import Decoded, Rejection, Source

NEWS = (
    "首页 > 新闻中心 > 本地要闻\n"
    "近日，中共示例省委、示例省人民政府印发了《示例省法治社会建设实施方案(2021—2025年)》，"
    "并发出通知，要求各地区各部门结合实际认真贯彻落实。\n"
    "方案提出，到2025年，全省法治观念明显增强，法治宣传教育覆盖率达到95%以上。\n"
)


def _process(text: str, container: dict[str, str] | None = None) -> PlanRows | Rejection:
    data = text.encode()
    source = Source(
        name="page.txt", sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data
    )
    return process_plan(
        Decoded(source=source, text=text, encoding="utf-8", container=container or {})
    )


def test_a_news_report_of_a_plan_is_published_as_metadata_without_plan_rows():
    rows = _process(NEWS)
    assert isinstance(rows, PlanRows)
    doc = rows.tables["documents"][0]
    assert doc["has_plan_text"] is False
    assert doc["title"] == "示例省法治社会建设实施方案(2021—2025年)"
    assert (doc["plan_type"], doc["period_start"], doc["period_end"]) == ("society", 2021, 2025)
    assert rows.tables["sections"] == []
    assert rows.tables["measures"] == [] and rows.tables["targets"] == []


def test_a_page_naming_no_plan_and_holding_no_headings_is_rejected():
    result = _process(
        "首页 > 通知公告\n关于调整办公时间的通知\n自下周一起，办公时间调整为上午九时。\n"
    )
    assert isinstance(result, Rejection)
    assert "no plan title" in result.reason


def test_the_container_title_names_the_plan_when_the_text_does_not():
    body = (
        "为深入推进依法行政，加快建设法治政府，制定本方案。\n"
        "一、总体要求\n(一)指导思想。坚持依法行政。\n"
    )
    rows = _process(body, {"title": "示例市法治政府建设实施方案(2021—2025年)_示例市人民政府网"})
    assert isinstance(rows, PlanRows)
    assert rows.tables["documents"][0]["title"] == "示例市法治政府建设实施方案(2021—2025年)"
    assert rows.tables["documents"][0]["has_plan_text"] is True


def _items_plan(*items: str) -> tuple[PlanRows, list[dict]]:
    """A plan with one section of numbered ``items``: its rows and its items' rows."""
    head = "东江市法治政府建设实施方案(2021—2025年)\n一、主要任务\n(一)推进政务公开\n"
    rows = _process(head + "".join(f"{k}.{item}\n" for k, item in enumerate(items, 1)))
    assert isinstance(rows, PlanRows)
    return rows, [s for s in rows.tables["sections"] if s["level"] == 3]


def test_items_opening_with_a_year_or_a_hotline_number_are_items_with_their_targets():
    rows, items = _items_plan(
        "每半年开展一次行政执法案卷评查。",
        "2023年6月底前,完成全市行政规范性文件清理工作。",
        "12345热线接通率达到95%。",
    )
    assert [(s["number"], s["heading"]) for s in items] == [(1, None), (2, None), (3, None)]
    assert [m["text"][:6] for m in rows.tables["measures"]] == [
        "每半年开展一",
        "2023年6",
        "12345热",
    ]
    got = [(t["kind"], t["value"], t["deadline_year"]) for t in rows.tables["targets"]]
    assert got == [("frequency", 1.0, None), ("deadline", None, 2023), ("quantity", 95.0, None)]


def test_an_item_with_a_role_note_keeps_its_sentence_as_a_measure_and_its_agencies():
    rows, items = _items_plan(
        "全面推行行政执法公示制度。(市司法局牵头,市财政局配合)",
        "加强行政复议规范化建设。【牵头单位:市司法局;配合单位:市中级人民法院】",
        "健全行政执法人员培训制度(市司法局、市人力资源社会保障局按职责分工负责)。",
    )
    assert [s["heading"] for s in items] == [None, None, None]
    texts = [m["text"] for m in rows.tables["measures"]]
    assert texts == [
        "全面推行行政执法公示制度。",
        "加强行政复议规范化建设。",
        "健全行政执法人员培训制度",
    ]
    item_of = {
        m["measure_id"]: int(m["section_id"].rsplit(".", 1)[1]) for m in rows.tables["measures"]
    }
    links = {
        (item_of[x["measure_id"]], x["role"], x["name_raw"])
        for x in rows.tables["measure_agencies"]
    }
    assert links == {
        (1, "lead", "市司法局"),
        (1, "participating", "市财政局"),
        (2, "lead", "市司法局"),
        (2, "participating", "市中级人民法院"),
        (3, "responsible", "市司法局"),
        (3, "responsible", "市人力资源社会保障局"),
    }


def test_a_sub_items_marker_is_not_part_of_its_measures():
    rows, _ = _items_plan(
        "维护宪法权威。\n(1)加强宪法学习。将宪法纳入学习内容。\n②落实宪法宣誓制度。"
    )
    measures = [(m["action"], m["text"]) for m in rows.tables["measures"]]
    assert measures == [
        ("加强", "加强宪法学习。"),
        (None, "将宪法纳入学习内容。"),
        ("落实", "落实宪法宣誓制度。"),
    ]


def test_a_horizon_past_the_plans_own_period_is_no_target_of_it():
    goals = (
        "(一)总体目标。到2025年,法治政府基本建成,行政执法培训率达到100%。"
        "到2035年,法治东江、法治政府、法治社会基本建成,群众满意度达到95%以上。"
        "到2035年,法治东江全面建成。\n"
    )
    five_year = _process(f"东江市法治建设规划(2021—2025年)\n一、总体要求\n{goals}")
    assert [(t["deadline_year"], t["value"]) for t in five_year.tables["targets"]] == [
        (2025, None),  # 法治政府基本建成: the goal's own deadline, beside the rate it dates
        (2025, 100.0),
    ]
    long_term = _process(f"东江市法治建设规划(2024—2035年)\n一、总体要求\n{goals}")
    assert [(t["deadline_year"], t["value"]) for t in long_term.tables["targets"]] == [
        (2025, None),
        (2025, 100.0),
        (2035, None),
        (2035, 95.0),
        (2035, None),
    ]


def test_a_list_of_plans_without_headings_is_rejected_naming_what_it_lists():
    # a site's list of documents (or a maintainer's index of files) dropped into the folder
    listing = "首页 > 政策文件\n" + "".join(
        f"{place}法治政府建设实施方案(2021—2025年)\t2022-0{k}-01\n"
        for k, place in enumerate(["东江市", "西河县", "南山区", "北川省", "中原市"], 1)
    )
    rejected = _process(listing)
    assert isinstance(rejected, Rejection)
    assert rejected.reason.startswith("not a plan: a list of 5 plans without headings")
    assert "东江市法治政府建设实施方案(2021—2025年)" in rejected.reason
    # four, or one plan named five ways, is a page about a plan (published as metadata)
    assert isinstance(_process("\n".join(listing.split("\n")[:5])), PlanRows)
    one_plan = NEWS + "《示例省法治社会建设实施方案》\n示例省委印发示例省法治社会建设实施方案\n" * 3
    assert isinstance(_process(one_plan), PlanRows)
    # a sentence citing five plans lists none of them
    cited = "".join(f"《{line.split(chr(9))[0]}》" for line in listing.split("\n")[1:6])
    assert isinstance(_process(f"{NEWS}2024年是{cited}确立目标的收官之年。\n"), PlanRows)


def test_a_heading_that_states_a_quantified_commitment_is_a_measure_with_its_target():
    rows = _process(
        "东江市法治政府建设实施方案(2021—2025年)\n一、主要任务\n(一)健全行政执法体系\n"
        "1.行政执法人员培训率达到100%。每年组织培训不少于40学时。\n"
        "2.2023年底前完成行政执法案卷评查。加强监督。\n"
        "3.推进“八五”普法。加强宣传。\n"  # a plan's name, no target: the title stays a title
        "(二)每年至少开展1次法治督察\n加强组织领导。\n"
        "二、2022年重点任务\n(一)2023年底前的任务\n开展法律援助。\n"  # years as labels
    )
    measures = [(m["section_id"].split(":")[1], m["text"]) for m in rows.tables["measures"]]
    assert measures == [
        ("1.1.1", "行政执法人员培训率达到100%"),
        ("1.1.1", "每年组织培训不少于40学时。"),
        ("1.1.2", "2023年底前完成行政执法案卷评查"),
        ("1.1.2", "加强监督。"),
        ("1.1.3", "加强宣传。"),
        ("1.2", "每年至少开展1次法治督察"),
        ("1.2", "加强组织领导。"),
        ("2.1", "开展法律援助。"),
    ]
    targets = [(t["measure_id"].split(":")[1:], t["kind"]) for t in rows.tables["targets"]]
    assert targets == [
        (["1.1.1", "m1"], "quantity"),
        (["1.1.1", "m2"], "quantity"),
        (["1.1.2", "m1"], "deadline"),
        (["1.2", "m1"], "frequency"),
    ]
    headings = [s["heading"] for s in rows.tables["sections"]]
    assert "行政执法人员培训率达到100%" in headings  # still the item's title


def test_a_five_year_review_states_what_was_done_and_promises_no_target():
    body = "一、顶层设计\n(一)党建引领。\n配齐12个乡镇政法委员,实现174个村法律顾问全覆盖。\n"
    review = _process(f"法治护航共筑屏障\n——东江县法治政府建设五年综述\n{body}")
    assert review.tables["documents"][0]["plan_type"] == "other"
    assert review.tables["targets"] == []
    plan = _process(f"东江县法治政府建设实施方案(2021—2025年)\n{body}")
    assert [t["value"] for t in plan.tables["targets"]] == [12.0, 174.0]


def test_a_page_explaining_a_plan_is_titled_as_such_and_promises_no_target():
    page = _process(
        "【政策解读】关于《海口市法治政府建设实施方案(2021—2025年)》的政策解读\n"
        "发布时间:2022年01月08日 海口市司法局\n一、起草过程\n"
        "2021年11月,起草组收到25家单位的反馈意见。\n二、主要内容\n到2025年,法治政府基本建成。\n"
    )
    doc = page.tables["documents"][0]
    assert doc["title"] == "关于《海口市法治政府建设实施方案(2021—2025年)》的政策解读"
    assert (doc["plan_type"], doc["jurisdiction"]) == ("other", "海口市")
    assert page.tables["targets"] == []
    # its headings are its own (一、起草过程), not the plan's: no plan text
    assert (doc["has_plan_text"], page.tables["sections"], page.tables["measures"]) == (
        False,
        [],
        [],
    )
    poster = _process(
        "一图读懂《东江县法治政府建设实施方案(2021—2025年)》\n一、总体目标\n"
        "到2025年,政务服务事项网上可办率达到90%以上。\n二、重点任务\n深化放管服改革。\n"
    )
    assert poster.tables["documents"][0]["has_plan_text"] is False
    assert poster.tables["sections"] == poster.tables["targets"] == []


def test_a_report_whose_title_is_lost_is_read_from_how_it_opens():
    opening = "2022年,东江市政府办公厅坚持以法治思想为指导,全面推进依法行政,取得明显成效。\n"
    body = "一、深入学习法治思想\n(一)开展专题学习。组织专题学法12次,培训率达到100%。\n"
    report = _process(opening + body)
    assert report.tables["documents"][0]["plan_type"] == "other"
    assert report.tables["targets"] == []
    # a plan's preamble may open with a year too, and says it makes the plan
    plan = _process(opening.replace("成效。", "成效。为巩固成效,制定本方案。") + body)
    assert [t["value"] for t in plan.tables["targets"]] == [12.0, 100.0]
