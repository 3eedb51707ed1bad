"""Document metadata read from the plans' own words, checked against the gold and by reading."""

from __future__ import annotations

import pytest

from pipeline.parse.metadata import extract_metadata
from pipeline.parse.structure import parse_sections, preamble_end
from pipeline.text.normalize import normalize
from tests.helpers import DOC_SHARE_PREVIEW, seed_text


def _meta(prefix: str):
    text = normalize(seed_text(prefix)).text
    return extract_metadata(text, preamble_end(parse_sections(text), text))


@pytest.mark.parametrize(
    ("prefix", "title", "jurisdiction", "level", "province", "plan_type", "period", "status"),
    [
        (
            "000",
            "海口市法治社会建设实施方案(2021—2025年)",
            "海口市",
            "city",
            "海南省",
            "society",
            (2021, 2025),
            "final",
        ),
        (
            "001",
            "XX市法治社会建设实施方案(2021-2025年)",
            "XX市",
            "city",
            "XX省",
            "society",
            (2021, 2025),
            "final",
        ),
        (
            "002",
            "西安区法治社会建设实施方案(2020—2025年)",
            "西安区",
            "county",
            "吉林省",
            "society",
            (2020, 2025),
            "draft",
        ),
        (
            "003",
            "大渡口区法治社会建设实施方案(2021—2025年)",
            "大渡口区",
            "county",
            "重庆市",
            "society",
            (2021, 2025),
            "draft",
        ),
        (
            "004",
            "海口市法治政府建设实施方案(2021—2025年)",
            "海口市",
            "city",
            "海南省",
            "government",
            (2021, 2025),
            "final",
        ),
    ],
)
def test_document_fields(prefix, title, jurisdiction, level, province, plan_type, period, status):
    m = _meta(prefix)
    assert m.title == title
    assert m.jurisdiction == jurisdiction
    assert m.admin_level == level
    assert m.province == province
    assert m.plan_type == plan_type
    assert (m.period_start, m.period_end) == period
    assert m.status == status


def test_masked_names_are_kept_and_flagged_never_invented():
    m = _meta("001")
    assert m.has_masked_names is True
    assert m.jurisdiction == "XX市"
    assert m.province == "XX省"  # cited as 《…〈XX省法治社会建设实施方案…〉…》, kept masked
    assert "XX省法治社会建设实施方案" in m.province_evidence
    assert _meta("004").has_masked_names is False
    m = _m("某县2021年度法治政府建设工作要点", "(一)工作目标。全县某些单位依法行政。")
    assert (m.jurisdiction, m.admin_level, m.division_match) == ("某县", "county", "masked")
    assert m.has_masked_names is True
    plain = _m("东江县法治政府建设工作要点", "(一)目标。某些单位依法行政。")
    assert plain.has_masked_names is False


def test_issuer_and_date_where_the_plan_states_them():
    m = _meta("002")
    assert m.issuer == "中共西安区委全面依法治区委员会办公室"
    assert m.issue_date == "2022-09-14"
    assert _meta("004").issuer is None


def test_province_is_read_from_the_cited_provincial_plan():
    assert _meta("002").province_evidence.startswith("《中共吉林省委关于印发<吉林省")
    assert _meta("003").province_evidence == "《重庆市法治社会建设实施方案(2021—2025年)》"


def test_province_level_and_municipality_titles():
    text = "重庆市法治政府建设实施方案(2021—2025年)\n一、总体要求\n(一)指导思想。坚持。"
    m = extract_metadata(text, text.index("一、"))
    assert (m.jurisdiction, m.admin_level, m.province) == ("重庆市", "province", "重庆市")
    text = "广西壮族自治区法治社会建设实施方案\n一、总体要求\n(一)指导思想。坚持。"
    m = extract_metadata(text, text.index("一、"))
    assert (m.jurisdiction, m.admin_level, m.province) == (
        "广西壮族自治区",
        "province",
        "广西壮族自治区",
    )


def _m(head: str, body: str = "(一)指导思想。坚持以人民为中心。"):
    text = f"{head}\n一、总体要求\n{body}"
    return extract_metadata(text, text.index("一、总体要求"))


@pytest.mark.parametrize(
    ("prefix", "code", "match"),
    [("000", "460100", "exact"), ("002", "220403", "from_text"), ("003", "500104", "exact")],
)
def test_seed_division_codes(prefix, code, match):
    m = _meta(prefix)
    assert (m.division_code, m.division_match) == (code, match)
    assert m.latitude is not None


def test_masked_seed_gets_no_code():
    m = _meta("001")
    assert (m.division_code, m.division_match, m.latitude) == (None, "masked", None)


@pytest.mark.parametrize(
    ("head", "jurisdiction", "level", "province", "code"),
    [
        ("法治江苏建设规划(2021—2025年)", "江苏省", "province", "江苏省", "320000"),
        ("上海法治社会建设规划(2021-2025年)", "上海市", "province", "上海市", "310000"),
        ("凉山州法治社会建设实施方案(2021—2025年)", "凉山州", "city", "四川省", "513400"),
        ("重庆市璧山区法治政府建设实施方案(2021—2025年)", "璧山区", "county", "重庆市", "500120"),
        ("法治常州建设规划(2021—2025年)", "常州市", "city", "江苏省", "320400"),
        ("XX区法治社会建设实施方案(2022—2025年)", "XX区", "county", None, None),
        ("株洲县深入推进法治政府建设实施方案", "株洲县", "county", None, None),  # abolished
    ],
)
def test_jurisdiction_completed_from_the_division_table(head, jurisdiction, level, province, code):
    m = _m(head)
    assert (m.jurisdiction, m.admin_level, m.province, m.division_code) == (
        jurisdiction,
        level,
        province,
        code,
    )


def test_short_self_name_completed_from_the_text():
    m = _m("法治海门建设规划(2021—2025年)", "(一)指导思想。海门区各部门要推进法治海门建设。")
    assert (m.jurisdiction, m.division_code, m.city) == ("海门区", "320614", "南通市")


def test_a_plan_titled_without_its_place_is_named_by_its_governments_byline():
    preamble = (
        "关于加快推进法治政府建设的实施意见\n阳曲县政府 www.example.gov.cn 2021-03-21\n"
        "各乡镇人民政府、县直有关单位:\n为加快建设法治政府,根据省政府《实施意见》,结合我县实际,"
        "制定本实施意见。"
    )
    m = _m(preamble, "(一)工作目标。全县各乡镇人民政府依法行政。")
    assert (m.jurisdiction, m.admin_level, m.division_code) == ("阳曲县", "county", "140122")
    # a government named inside a sentence (经东江市人民政府同意) is not the plan's own
    m = _m("关于加快推进法治政府建设的实施意见\n经阳曲县人民政府同意,结合我县实际,制定本意见。")
    assert m.jurisdiction is None


def test_plans_without_a_title_line():
    m = _m(
        "为贯彻落实《法治政府建设实施纲要(2021—2025年)》,结合海南实际,制定本方案。",
        "(一)指导思想。到2025年,我省法治政府基本建成。",
    )
    assert (m.title, m.jurisdiction, m.admin_level, m.province) == (
        None,
        "海南省",
        "province",
        "海南省",
    )
    assert (m.plan_type, m.period_start, m.period_end) == ("government", None, None)
    m = _m("为推进法治社会建设,结合我市实际,制定本措施。", "(一)目标。全市各部门。")
    assert (m.jurisdiction, m.admin_level, m.province, m.division_match) == (
        None,
        "city",
        None,
        "not_found",
    )
    m = _m(
        "为贯彻《法治中国建设规划(2020-2025年)》,统筹推进法治内蒙古建设,结合自治区实际,制定本方案。"
    )
    assert (m.jurisdiction, m.plan_type, m.period_start) == (
        "内蒙古自治区",
        "rule_of_law_overall",
        None,
    )


def test_a_city_speaking_plan_under_the_municipality_it_cites_is_the_municipalitys_own():
    preamble = "根据《上海市全面依法治市规划(2021-2025年)》,结合本市实际,制定本意见。"
    m = _m(preamble, "(一)指导思想。全市各级行政机关坚持依法行政,本市率先基本建成法治政府。")
    assert (m.jurisdiction, m.admin_level, m.province, m.division_code, m.division_match) == (
        "上海市",
        "province",
        "上海市",
        "310000",
        "from_text",
    )
    # a city of a province that cites its province's plan stays unnamed: its city is unknown
    m = _m(preamble.replace("上海市全面依法治市", "河北省法治政府建设"), "(一)全市依法行政。")
    assert (m.jurisdiction, m.admin_level, m.province) == (None, "city", "河北省")


def test_a_document_sharing_preview_is_titled_by_its_banner():
    text = normalize(DOC_SHARE_PREVIEW).text
    sections = parse_sections(text)
    assert [(s.level, s.number) for s in sections] == [
        (1, 1),
        (2, 1),
        (2, 2),
        (1, 2),
        (2, 1),
        (2, 2),
    ]
    m = extract_metadata(text, preamble_end(sections, text))
    assert (m.title, m.jurisdiction, m.admin_level, m.period_start, m.period_end) == (
        "西河区法治社会建设实施方案(2022—2025年)",
        "西河区",
        "county",
        2022,
        2025,
    )


def test_plan_type_of_overall_plans_named_after_the_place():
    for title in ("法治东江建设规划(2021—2025年)", "法治东江建设实施规划(2021—2025年)"):
        assert _m(title).plan_type == "rule_of_law_overall", title
    assert _m("东江市法治政府建设实施规划(2021—2025年)").plan_type == "government"


def test_a_yearly_report_on_the_work_is_titled_and_placed_but_is_no_plan():
    preamble = "来源:东江区人民政府办公室 发布时间:2024-03-28\n静海区2023年度法治政府建设情况报告"
    m = _m(preamble, "一、主要举措\n2023年,静海区全面贯彻习近平法治思想。")
    assert (m.title, m.jurisdiction, m.division_code) == (
        "静海区2023年度法治政府建设情况报告", "静海区", "120118",
    )  # fmt: skip
    assert (m.plan_type, m.period_start, m.period_end) == ("other", 2023, 2023)


def test_a_title_a_flattened_page_runs_into_the_first_sentence_ends_where_that_opens():
    m = _m("西河县2025年度法治政府建设情况报告2025年,全县坚持以习近平法治思想为指导。")
    assert (m.title, m.plan_type) == ("西河县2025年度法治政府建设情况报告", "other")
    m = _m("东江市法治社会建设实施方案为深入贯彻落实《法治社会建设实施纲要》,制定本方案。")
    assert (m.title, m.plan_type) == ("东江市法治社会建设实施方案", "society")
    assert _m("东江市全面推进依法行政,根据有关规定制定方案如下。").title is None


def test_period_is_the_plans_own_or_that_of_the_outline_it_implements_never_a_goal():
    # a plan implementing an outline, with no period of its own, runs over the outline's
    m = _m("西河县贯彻落实《法治政府建设实施纲要(2021—2025年)》实施方案")
    assert (m.period_start, m.period_end) == (2021, 2025)
    assert _m("市贯彻落实法治社会建设实施纲要(2020-2025年)工作措施").period_start == 2020
    m = _m("和平区关于落实《天津市法治政府建设实施纲要(2021-2025年)》的实施方案")
    assert (m.period_start, m.period_end) == (2021, 2025)
    m = _m("西河县贯彻《法治中国建设规划(2020—2025年)》实施方案(2022—2025年)")  # its own
    assert (m.period_start, m.period_end) == (2022, 2025)
    assert _m("市贯彻落实法治社会建设实施纲要(2020-2025年)").period_start is None  # no plan word
    assert _m("西河县宣传《法治社会建设实施纲要(2020—2025年)》工作方案").period_start is None
    assert _m("东江省法治政府建设实施纲要(2021—2025年)").period_start == 2021  # its own
    m = _m("东江市法治政府建设实施方案(20212025年)")  # the dash lost in a page's conversion
    assert (m.period_start, m.period_end) == (2021, 2025)
    m = _m("西河县2022年度法治政府建设工作要点")
    assert (m.period_start, m.period_end, m.plan_type) == (2022, 2022, "government")
    m = _m("东江市西河区2020年依法行政工作要点")
    assert (m.period_start, m.period_end, m.plan_type) == (2020, 2020, "government")
    m = _m("东江市人民政府关于2017年法治政府建设工作的报告")  # a report on one year
    assert (m.period_start, m.period_end, m.plan_type) == (2017, 2017, "other")
    assert _m("西河区全面依法治区第十四个五年规划").period_end == 2025
    m = _m("东江市“十四五”法治政府建设规划")
    assert (m.period_start, m.period_end, m.plan_type) == (2021, 2025, "government")
    m = _m("规划说明", "(一)期限。本规划期限为2024—2035年,近期到2029年。")
    assert (m.period_start, m.period_end) == (2024, 2035)
    # the second page of one plan a CMS split: the page's number is no part of its title
    m = _m("东江市法治社会建设实施方案(2021—2025年)(2)\n约束机制,发挥作用。")
    assert (m.title, m.period_start, m.period_end) == (
        "东江市法治社会建设实施方案(2021—2025年)",
        2021,
        2025,
    )
    # a companion document of the plan its period dates
    m = _m("东江市法治政府建设实施方案(2021—2025年)重点任务分工方案")
    assert (m.title, m.plan_type, m.period_start, m.period_end) == (
        "东江市法治政府建设实施方案(2021—2025年)重点任务分工方案",
        "government",
        2021,
        2025,
    )


def test_status_reads_the_plans_own_draft_marker_only():
    assert _m("西河区法治社会建设实施方案\n(2020—2025年)\n(征求意见稿)").status == "draft"
    news = "西河市法治政府建设实施纲要(2021-2025年)\n此前完成起草《法治西河建设规划》(草案)。"
    assert _m(news).status == "final"
    # a bill (草案) named in the body just below the first heading marks nothing
    body = "(一)深化审批改革。严格实施《行政许可法》。地方性法规草案拟设定行政许可的,要听取意见。"
    assert _m("2018年度西河县法治政府建设实施方案", body).status == "final"
    # the marker in brackets on the first heading line is the plan's own
    on_heading = "西河区法治社会建设实施方案\n一、总体要求(征求意见稿)\n(一)指导思想。"
    assert extract_metadata(on_heading, on_heading.index("一、")).status == "draft"


def test_numbered_disclosure_fields_are_not_items():
    # a government site's policy page prints its disclosure fields as a numbered list
    page = (
        "政务公开 > 政策文件\n"
        "  1. [主题分类] 公安、安全、司法/司法\n"
        "  2. [发文机构] 中共东江省委\n"
        "  3. [成文日期] 2021-12-03\n"
        "  4. [发文字号] 〔〕\n"
        "\n"
        "中共东江省委 东江省人民政府关于印发《东江省法治政府建设实施意见(2021-2025年)》的通知\n"
        "各市委、市政府:\n"
        "  现将《东江省法治政府建设实施意见(2021-2025年)》印发给你们,请认真贯彻落实。\n"
        "一、总体要求\n"
        "(一)指导思想。全面推进依法行政。\n"
    )
    text = normalize(page).text
    sections = parse_sections(text)
    assert [(s.level, s.number) for s in sections] == [(1, 1), (2, 1)]
    m = extract_metadata(text, preamble_end(sections, text))
    assert (m.title, m.period_start, m.issue_date) == (
        "东江省法治政府建设实施意见(2021-2025年)",
        2021,
        "2021-12-03",
    )


def test_a_document_of_no_family_still_has_its_own_title():
    m = _m("镇东县人民政府工作规则", "第一章总则\n一、根据有关法律,制定本规则。")
    assert (m.title, m.plan_type) == ("镇东县人民政府工作规则", "other")
    assert _m("东江市人民政府办公室\n各区:", "一、总体要求").title is None  # no document word


def test_copies_of_one_plan_share_its_key_and_other_plans_do_not():
    copies = [
        "中共福建省委关于印发《福建省法治社会建设实施方案(2021—2025年)》的通知",
        "福建省法治社会建设实施方案",  # a repost without the period
        "福建省法治社会建设实施方案\n(2021—2025年)\n(征求意见稿)",  # its draft
        "福建省法治社会建设实施方案2021-2025年",
    ]
    assert {_m(head).plan_key for head in copies} == {"350000:法治社会建设实施方案"}
    others = [
        "福建省法治政府建设实施方案(2021—2025年)",  # another plan of the same province
        "法治福建建设规划(2021—2025年)",
        "福州市法治社会建设实施方案(2021—2025年)",  # a city's
    ]
    keys = [_m(head).plan_key for head in others]
    assert keys == [
        "350000:法治政府建设实施方案",
        "350000:法治福建建设规划",
        "350100:法治社会建设实施方案",
    ]
    assert _m("XX市法治社会建设实施方案(2021—2025年)").plan_key is None  # masked: no division
    assert _m("为推进法治建设,结合我省实际,制定本方案。").plan_key is None  # no title


def test_a_review_titled_with_a_slogan_and_a_subtitle_is_the_banners_and_no_plan():
    slogan = "盟市法治\n法治护航北疆共筑安全屏障\n"
    head = f"{slogan}——科右中旗法治政府建设五年综述\n五年来,全旗锚定总目标。"
    m = _m(head)
    assert m.title == "法治护航北疆共筑安全屏障——科右中旗法治政府建设五年综述"
    assert (m.jurisdiction, m.division_code, m.plan_type) == ("科右中旗", "152222", "other")


def test_a_title_opening_with_its_years_names_its_place_after_them():
    m = _m("2022年中卫市法治政府建设工作要点")
    assert (m.jurisdiction, m.division_code, m.period_start) == ("中卫市", "640500", 2022)
    m = _m("2016年到2020年某某市法治政府建设规划")  # a template's masked name
    assert (m.jurisdiction, m.admin_level, m.division_match) == ("某某市", "city", "masked")
    assert (m.period_start, m.period_end) == (2016, 2020)


def test_a_province_level_page_naming_its_province_only_by_its_short_form_is_that_provinces():
    page = "(三)强化宪法学习\n4.在全省开展宪法学习,作为辽宁“八五”普法重点。\n5.推动辽宁全省普法。\n"
    m = extract_metadata(page, 0)
    assert (m.jurisdiction, m.admin_level, m.division_code) == ("辽宁省", "province", "210000")
    once = "(三)强化宪法学习\n4.在全省开展宪法学习活动,学习辽宁经验。\n"
    assert extract_metadata(once, 0).jurisdiction is None  # one mention is no evidence


def test_an_indicator_system_has_its_title():
    m = _m("宁夏回族自治区法治政府建设指标体系")
    assert (m.title, m.jurisdiction) == ("宁夏回族自治区法治政府建设指标体系", "宁夏回族自治区")


def test_a_place_the_table_does_not_list_after_its_municipality_is_the_plans_own():
    # 东江区 is no division of 重庆市 the table knows (as a district gone from it would be)
    m = _m("重庆市东江区法治政府建设实施方案(2021—2025年)", "为推进我区法治政府建设,制定本方案。")
    assert (m.jurisdiction, m.admin_level, m.province) == ("东江区", "county", "重庆市")
    assert m.division_code is None  # not the municipality's 500000
    m = _m("重庆市法治政府建设实施方案(2021—2025年)")
    assert (m.jurisdiction, m.admin_level, m.division_code) == ("重庆市", "province", "500000")
