"""Placing plans on their national outline: renamed, merged and added sections, the plan's
outline, measures, coverage and overrides (on plans written here from a seed)."""

from __future__ import annotations

import re

import pandas as pd

from pipeline.extract.plan import PlanRows
from pipeline.themes import place
from pipeline.themes.match import PlanNode
from pipeline.themes.place import place_plan, plan_outline
from tests.helpers import plan_of_text, seed_text

# Every chapter and section heading of seed 001 renamed as a local plan might rename it.
RENAMED = {
    "一、总体要求": "一、工作要求",
    "(一)指导思想": "(一)工作指引",
    "(二)主要原则": "(二)基本遵循",
    "(三)总体目标": "(三)发展目标",
    "二、推动全社会增强法治观念": "二、提升全民法治素养",
    "(四)维护宪法权威": "(四)树立宪法至上理念",
    "(五)增强全民法治意识": "(五)抓好重点对象学法用法",
    "(六)健全普法责任制": "(六)压实普法工作责任",
    "(七)建设社会主义法治文化": "(七)繁荣法治文化",
    "三、健全社会领域制度规范": "三、完善社会制度规则",
    "(八)完善重点领域立法": "(八)推进民生领域制度供给",
    "(十一)推进社会诚信建设": "(十一)打造诚信城市",
    "四、加强权利保护": "四、依法保障群众权益",
    "(十二)健全公众参与重大公共决策机制": "(十二)畅通群众参与决策渠道",
    "(十三)保障行政执法中当事人合法权益": "(十三)规范执法维护相对人权益",
    "(十四)加强人权司法保障": "(十四)强化司法公正",
    "(十五)为群众提供便捷高效的公共法律服务": "(十五)完善法律服务供给",
    "(十六)引导社会主体履行法定义务承担社会责任": "(十六)推动企业和公民守法尽责",
    "五、推进社会治理法治化": "五、提高基层治理法治水平",
    "(十七)完善社会治理体制机制": "(十七)健全共建共治格局",
    "(十八)推进多层次多领域依法治理": "(十八)深化基层和行业依法治理",
    "(十九)发挥人民团体和社会组织在法治社会建设中的作用": "(十九)凝聚群团和社会力量",
    "(二十)增强社会安全感": "(二十)建设更高水平平安城市",
    "(二十一)依法有效化解社会矛盾纠纷": "(二十一)坚持和发展新时代枫桥经验",
    "六、依法治理网络社会": "六、建设清朗网络家园",
    "(二十二)培育良好的网络法治意识": "(二十二)提升网民守法意识",
    "(二十三)保障公民依法安全用网": "(二十三)维护网民合法权益",
    "七、加强组织保障": "七、强化实施保障",
    "(二十四)加强党的全面领导": "(二十四)落实党委主体责任",
    "(二十五)加强统筹协调": "(二十五)形成工作合力",
    "(二十六)健全责任落实和考核评价机制": "(二十六)强化督促考核",
    "(二十七)加强理论研究和舆论引导": "(二十七)做好宣传和研究",
}
# (九) and (十) merged into one section under a new heading
MERGED = ("(九)促进社会规范建设", "(十)加强道德规范建设", "(九)推动自律自治与崇德向善")
LOCAL = (
    "(二十八)打造特色旅游服务品牌\n"
    "81.编制滨海景区游览指南,统一景区标识和游客须知,每年更新一次。\n"
    "82.开展旅游旺季接待能力评估,优化景区预约、停车和接驳调度。\n"
)


def _plan(text: str, name: str) -> PlanRows:
    return plan_of_text(text, name)


def _links(rows: PlanRows) -> dict[str, set[str]]:
    by_heading = {s["section_id"]: s["heading"] for s in rows.tables["sections"]}
    out: dict[str, set[str]] = {}
    for t in rows.tables["section_themes"]:
        out.setdefault(by_heading[t["section_id"]], set()).add(t["outline_id"])
    return out


def _renamed_plan() -> str:
    text = seed_text("001")
    for old, new in RENAMED.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    first, second, heading = MERGED
    text = text.replace(first, heading)
    text = re.sub(re.escape(second) + r"\n", "", text)
    return text.replace("六、建设清朗网络家园", LOCAL + "六、建设清朗网络家园")


def test_renamed_headings_merged_and_added_sections_still_map_right():
    original = _links(place_plan(_plan(seed_text("001"), "original.txt")))
    rows = place_plan(_plan(_renamed_plan(), "renamed.txt"))
    links = _links(rows)
    for old, new in RENAMED.items():
        old_heading, new_heading = (re.sub(r"^(.+、|\(.+?\))", "", h) for h in (old, new))
        assert links.get(new_heading) == original[old_heading], (old_heading, new_heading)
    methods = {t["method"] for t in rows.tables["section_themes"]}
    assert methods <= {"body", "position"}  # no heading is the outline's any more
    merged = MERGED[2].removeprefix("(九)")
    assert links[merged] == original["促进社会规范建设"] | original["加强道德规范建设"]
    assert links[merged] == {"society.3.2", "society.3.3"}
    assert "打造特色旅游服务品牌" not in links  # a local addition implements nothing
    local = [m for m in rows.tables["measures"] if "景区" in m["text"]]
    assert local and all(m["outline_id"] is None for m in local)
    assert {m["no_outline_reason"] for m in local} == {"local_addition"}
    # the merged section's items each take the one of its two outline sections they serve
    items = {m["text"][:8]: m["outline_id"] for m in rows.tables["measures"]}
    assert items["加强村规民约的合"] == "society.3.2"
    assert items["强化道德规范的教"] == "society.3.3"


def test_every_measure_has_an_outline_id_or_a_reason_and_coverage_sums_back():
    rows = place_plan(_plan(seed_text("001"), "original.txt"))
    measures = pd.DataFrame(rows.tables["measures"])
    assert (measures["outline_id"].notna() ^ measures["no_outline_reason"].notna()).all()
    coverage = pd.DataFrame(rows.tables["theme_coverage"])
    assert len(coverage) == 35 and set(coverage["outline_id"].str[:7]) == {"society"}
    assert coverage["n_measures"].sum() == measures["outline_id"].notna().sum()
    placed = set(measures.loc[measures["outline_id"].notna(), "measure_id"])
    targets = [t for t in rows.tables["targets"] if t["measure_id"] in placed]
    assert coverage["n_targets"].sum() == len(targets) > 0
    left_out = coverage.loc[~coverage["covered"], "outline_id"]
    assert "society.6.1" in set(left_out)  # seed 001 has no 完善网络法律制度 section
    assert (coverage["covered"] == (coverage["n_sections"] + coverage["n_measures"] > 0)).all()


def _nodes(*headings: str) -> list[PlanNode]:
    return [PlanNode(f"d:{k}", 1, h, h, None) for k, h in enumerate(headings)]


def test_the_plans_outline_comes_from_its_type_its_citation_or_its_chapters():
    assert plan_outline("society", "", []) == "society"
    cites_gov = "为贯彻落实《法治政府建设实施纲要(2021—2025年)》,制定本要点。"
    assert plan_outline("other", cites_gov, []) == "government"
    both = cites_gov + "《法治社会建设实施纲要(2020—2025年)》"
    assert plan_outline("rule_of_law_overall", both, _nodes("总体要求")) is None
    government_chapters = _nodes(
        "健全政府机构职能体系",
        "健全行政执法工作体系,推进严格规范公正文明执法",
        "健全突发事件应对体系",
        "健全行政权力制约和监督体系",
    )
    assert plan_outline("rule_of_law_overall", "", government_chapters) == "government"
    assert plan_outline("other", "", _nodes("招商引资", "旅游开发")) is None


def test_a_reviewed_override_replaces_the_methods_links(monkeypatch):
    rows = _plan(seed_text("001"), "original.txt")
    monkeypatch.setattr(
        place, "_overrides", lambda: {(rows.doc_id, 2, 24): ["society.7.1", "society.7.2"]}
    )
    links = _links(place_plan(rows))
    assert links["加强党的全面领导"] == {"society.7.1", "society.7.2"}
    methods = {t["method"] for t in rows.tables["section_themes"] if t["score"] == 1.0}
    assert "override" in methods


def test_outline_taxonomy_keeps_the_reference_ids():
    from pipeline.themes.outlines import outline_nodes

    ids = [n.outline_id for n in outline_nodes()]
    assert len(ids) == len(set(ids)) == 80
    assert ids[:2] == ["society.1", "society.1.1"] and ids[-1] == "government.10.4"
    assert sum(n.section is None for n in outline_nodes()) == 17
    assert all(n.title_en and n.keywords for n in outline_nodes())


def test_order_fills_only_gaps_the_plan_leaves_exactly():
    from pipeline.themes.match import _gaps

    chapter = [10, 11, 12, 13]  # outline columns of sections 1-4 of the matched chapter
    assert _gaps([0, 1, 2, 3], {0: [10], 3: [13]}, chapter) == [(1, 11), (2, 12)]
    # one before the section linked to 11 fits 10; one after it does not fit 12 and 13
    assert _gaps([0, 1, 2], {1: [11]}, chapter) == [(0, 10)]
    assert _gaps([0, 1, 2], {0: [10], 2: [11]}, chapter) == []  # a local addition between
    assert _gaps([0, 1], {1: [11]}, chapter) == [(0, 10)]  # at the chapter's start
    assert _gaps([0, 1, 2], {0: [10], 2: [13], 5: [11]}, chapter) == []  # 11 claimed


def test_items_outside_any_section_take_the_outline_section_their_text_resembles():
    text = "某县工作要点\n1.开展宪法宣传周活动,每年1次。\n2.编制滨海景区游览指南。\n"
    rows = place_plan(_plan(text, "items.txt"))
    assert rows.tables["documents"][0]["outline"] is None and not rows.tables["section_themes"]
    placed = [(m["outline_id"], m["no_outline_reason"]) for m in rows.tables["measures"]]
    assert placed == [("society.2.1", None), (None, "no_match")]


def _container_plan() -> str:
    """Seed 001 one level deeper, as many local plans print it: its task chapters as the
    sections of one chapter 二、主要任务, their sections as items, their items as (1)…"""
    cn = "一二三四五六七"
    out, chapter, item = [], 0, 0
    for line in seed_text("001").split("\n"):
        head = re.match(rf"^([{cn}])、", line)
        if head:
            chapter = cn.index(head.group(1)) + 1
            if chapter == 2:
                out.append("二、主要任务")
            if 2 <= chapter <= 6:
                line = f"({cn[chapter - 2]}){line[2:]}"
            elif chapter == 7:
                line = "三、" + line[2:]
        elif 2 <= chapter <= 6 and re.match(r"^\([一二三四五六七八九十]+\)", line):
            item += 1
            line = re.sub(r"^\([一二三四五六七八九十]+\)", f"{item}.", line)
        elif 2 <= chapter <= 6:
            line = re.sub(r"^(\d+)[.．]", r"(\1)", line)
        out.append(line)
    return "\n".join(out)


def test_a_chapter_holding_the_outlines_chapters_as_sections_is_matched_a_level_down():
    original = _links(place_plan(_plan(seed_text("001"), "original.txt")))
    rows = place_plan(_plan(_container_plan(), "container.txt"))
    levels = {s["heading"]: s["level"] for s in rows.tables["sections"]}
    assert levels["主要任务"] == 1 and levels["推动全社会增强法治观念"] == 2
    assert levels["维护宪法权威"] == 3
    links = _links(rows)
    tasks = ["推动全社会增强法治观念", "健全社会领域制度规范", "加强权利保护", "推进社会治理法治化"]
    for heading in [*tasks, "依法治理网络社会", "维护宪法权威", "完善重点领域立法"]:
        assert links[heading] == original[heading], heading  # its outline node, a level down
    assert links["主要任务"] == {f"society.{k}" for k in range(2, 7)}
    assert links["加强组织保障"] == {"society.7"} and links["总体要求"] == {"society.1"}
    methods = {t["method"] for t in rows.tables["section_themes"] if t["outline_id"] == "society.2"}
    assert methods == {"sections", "heading"}


def _plan_with_a_review_chapter() -> str:
    """Seed 001 opening, as five-year plans do, with a chapter on the work done so far."""
    cn = "一二三四五六七八"
    review = (
        "一、发展现状\n(一)工作成效\n“十三五”期间,全市建成公共法律服务中心156个,"
        "村(社区)法律顾问覆盖率达到100%。\n(二)面临的形势\n法治社会建设仍有短板。"
    )
    out, placed = [], False
    for line in seed_text("001").split("\n"):
        head = re.match(rf"^([{cn}])、", line)
        if head:
            if not placed:
                out.append(review)
                placed = True
            line = cn[cn.index(head.group(1)) + 1] + line[1:]
        out.append(line)
    return "\n".join(out)


def test_a_chapter_reviewing_past_work_has_no_targets_and_serves_no_outline_part():
    original = _links(place_plan(_plan(seed_text("001"), "original.txt")))
    rows = place_plan(_plan(_plan_with_a_review_chapter(), "review.txt"))
    sections = rows.tables["sections"]
    headings = ("发展现状", "工作成效", "面临的形势")
    review = {s["section_id"] for s in sections if s["heading"] in headings}
    assert len(review) == 3
    links = _links(rows)
    assert not review & {t["section_id"] for t in rows.tables["section_themes"]}
    assert links["维护宪法权威"] == original["维护宪法权威"]
    assert links["总体要求"] == original["总体要求"] == {"society.1"}
    in_review = [m for m in rows.tables["measures"] if m["section_id"] in review]
    assert len(in_review) == 2
    assert {(m["outline_id"], m["no_outline_reason"]) for m in in_review} == {(None, "review")}
    ids = {m["measure_id"] for m in in_review}
    assert not [t for t in rows.tables["targets"] if t["measure_id"] in ids]  # achievements
    original_rows = place_plan(_plan(seed_text("001"), "original.txt"))
    assert len(rows.tables["targets"]) == len(original_rows.tables["targets"])


def test_a_report_on_work_done_has_targets_only_where_it_looks_ahead():
    report = (
        "西河县2023年度法治政府建设情况报告\n2023年,全县深入推进法治政府建设。\n"
        "一、主要工作\n(一)加强学法用法\n全年组织专题学法12次,培训执法人员800人次。\n"
        "(二)推进政务公开\n政务服务事项网上可办率达到95%。\n"
        "二、下一步工作打算\n(一)深化学法用法\n每年至少组织4次专题学法。\n"
    )
    rows = place_plan(_plan(report, "report.txt"))
    assert rows.tables["documents"][0]["plan_type"] == "other"
    assert [t["text"] for t in rows.tables["targets"]] == ["每年至少组织4次专题学法"]
    reasons = {m["text"][:4]: m["no_outline_reason"] for m in rows.tables["measures"]}
    assert reasons["全年组织"] == reasons["政务服务"] == "review"
    assert reasons["每年至少"] != "review"


def test_a_chapter_merging_two_outline_chapters_serves_both():
    text = seed_text("004")
    fourth = "四、健全行政决策制度体系，不断提升行政决策公信力和执行力\n"
    assert text.count(fourth) == 1
    chapters = [s["heading"] for s in plan_of_text(text).tables["sections"] if s["level"] == 1]
    text = text.replace(fourth, "")  # its sections now stand in the third chapter
    rows = place_plan(_plan(text, "merged.txt"))
    links = _links(rows)
    assert links[chapters[2]] == {"government.3", "government.4"}
    # the chapters after it keep their one outline chapter each
    assert links[chapters[4]] == {"government.5"}
    assert sum(len(links[h]) for h in chapters if h in links) == 10
