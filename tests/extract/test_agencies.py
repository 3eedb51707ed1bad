"""Tests for flows/agencies.py on role lines and sentences taken from the seed plans."""

from __future__ import annotations

import pytest

from pipeline.extract.agencies import (
    ROLE_BY_LABEL,
    Agency,
    agencies_named_in_text,
    canonical_agency,
    is_generic_name,
    note_segments,
    parse_role_line,
    parse_role_segments,
    parse_unlabeled_note,
    role_segments_of_line,
)
from pipeline.text.normalize import normalize


def test_role_labels_loaded_from_vocab() -> None:
    assert ROLE_BY_LABEL["牵头单位"] == "lead"
    assert ROLE_BY_LABEL["牵头部门"] == "lead"
    assert ROLE_BY_LABEL["责任单位"] == "responsible"
    assert ROLE_BY_LABEL["参加单位"] == "participating"
    assert ROLE_BY_LABEL["配合单位"] == "participating"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("牵头单位:区委宣传部、区司法局", ("lead", ["区委宣传部", "区司法局"])),
        ("参加单位:区直各部门", ("participating", ["区直各部门"])),
        ("责任单位:区人大、区委组织部", ("responsible", ["区人大", "区委组织部"])),
        (
            "牵头部门:区应急局、泰安公安分局、仙城公安分局、东山公安分局、区卫健局",
            ("lead", ["区应急局", "泰安公安分局", "仙城公安分局", "东山公安分局", "区卫健局"]),
        ),
        ("牵头单位:区为政法委", ("lead", ["区为政法委"])),
    ],
)
def test_parse_role_line_each_label(line: str, expected: tuple[str, list[str]]) -> None:
    assert parse_role_line(line) == expected


def test_deng_splits_named_agency_from_group() -> None:
    line = (
        "参加单位:区法院、区检察院、泰安公安分局、仙城公安分局、东山公安分局、"
        "区司法局等区直相关部门"
    )
    role, names = parse_role_line(line)
    assert role == "participating"
    assert names[-2:] == ["区司法局", "区直相关部门"]
    assert len(names) == 7


def test_parenthesised_second_name_stays_in_one_name() -> None:
    line = (
        "参加单位:区法院、区检察院、泰安公安分局、仙城公安分局、东山公安分局、"
        "区委网信办、区农业农村局(区林业局)"
    )
    _, names = parse_role_line(line)
    assert names[-1] == "区农业农村局(区林业局)"
    assert canonical_agency(names[-1]) == Agency("区农业农村局", False)


def test_separator_inside_brackets_does_not_split() -> None:
    assert parse_role_line("配合单位:各乡镇(街道、社区)") == (
        "participating",
        ["各乡镇(街道、社区)"],
    )


def test_full_width_colon_comma_and_trailing_stop() -> None:
    assert parse_role_line("牵头单位：区司法局，区法院。") == ("lead", ["区司法局", "区法院"])


def test_several_labels_on_one_line() -> None:
    line = "(牵头单位:市司法局;配合单位:市直各单位)"
    assert parse_role_segments(line) == [("lead", ["市司法局"]), ("participating", ["市直各单位"])]
    assert parse_role_line(line) == ("lead", ["市司法局"])


def test_duty_words_ending_a_labeled_list_are_no_part_of_a_name() -> None:
    line = "责任单位:县政府办公室、县司法局,乡镇人民政府按职责分工分别负责。"
    assert parse_role_line(line) == ("responsible", ["县政府办公室", "县司法局", "乡镇人民政府"])
    assert parse_role_line("牵头单位:县司法局负责") == ("lead", ["县司法局"])


def test_other_label_ends_the_names() -> None:
    assert parse_role_line("责任单位:区司法局完成时限:2022年底") == ("responsible", ["区司法局"])


@pytest.mark.parametrize(
    "line",
    [
        "1.深入推进宪法学习宣传教育。推动宪法精神进企业、进农村、进机关、进校园、进社区、进军营、进网络,",
        "(一)维护宪法权威",
        "牵头单位要加强对任务落实的督促",
        "起草单位在制定行政决策事项时应当在决策草案中明确责任单位、配合单位、完成时限",
    ],
)
def test_not_a_role_line(line: str) -> None:
    assert parse_role_line(line) is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [("区为政法委", "区委政法委"), ("区政法委", "区委政法委"), ("区委政法委", "区委政法委")],
)
def test_typo_and_short_form_aliases(raw: str, name: str) -> None:
    assert canonical_agency(raw) == Agency(name, False)


@pytest.mark.parametrize(
    "raw",
    [
        "区直各部门",
        "全区各执法部门",
        "区直相关部门",
        "各级各部门",
        "市直各单位",
        "有关单位",
        "市直单位",
    ],
)
def test_generic_groups(raw: str) -> None:
    agency = canonical_agency(raw)
    assert agency.is_generic
    assert agency.name == raw


@pytest.mark.parametrize(
    "raw", ["区司法局", "市场监管局西安分局", "团区委", "区委依法治区办", "泰安公安分局", "区人大"]
)
def test_specific_agencies_are_not_generic(raw: str) -> None:
    assert canonical_agency(raw) == Agency(raw, False)


def test_named_in_text_positive_cases() -> None:
    s = (
        "建立行政诉讼情况统计分析和通报制度,市司法局应于每年4月前向市委、"
        "市政府报告全市行政机关上一年度行政案件办理情况,市、区政府每年召开1次行政败诉案件闭门反思会。"
    )
    found = agencies_named_in_text(s)
    assert [n for n, _, _ in found] == ["市司法局", "区政府"]
    for name, start, end in found:
        assert s[start:end] == name

    s = (
        "健全镇(街道)统一的综合行政执法队伍设置。"
        "市综合行政执法局每年开展不少于2次的镇(街道)综合行政执法业务培训"
    )
    assert [n for n, _, _ in agencies_named_in_text(s)] == ["市综合行政执法局"]

    s = (
        "(二十七)完善推进机制。区委依法治区办要加强对法治社会建设的统筹谋划,"
        "形成上下协调、部门联动的工作机制。"
    )
    ((name, start, end),) = agencies_named_in_text(s)
    assert (name, s[start:end]) == ("区委依法治区办", "区委依法治区办")

    s = "市委全面依法治市委员会办公室要明确任务分工,抓好督察督办,确保各项部署落地见效。"
    assert agencies_named_in_text(s) == [("市委全面依法治市委员会办公室", 0, 14)]


def test_named_in_text_lists_and_you() -> None:
    s = "由市司法局牵头,市委宣传部、市教育局要加强配合。"
    assert [n for n, _, _ in agencies_named_in_text(s)] == ["市司法局", "市委宣传部", "市教育局"]


def test_named_in_text_after_a_label_or_you_in_a_later_clause() -> None:
    # the actor opens its clause past a list label (3.) and 由; 区域 is no agency
    s = "加强培训,3.由区司法局负责组织实施;1.市教育局要配合,区域协调要加强。"
    assert agencies_named_in_text(s) == [("区司法局", 8, 12), ("市教育局", 21, 25)]


@pytest.mark.parametrize(
    "sentence",
    [
        # generic groups and role descriptions are not named agencies
        "各级政府要在党委统一领导下,将法治社会建设摆在重要位置。",
        "决策作出后,相关单位应当按照决策机关确定的责任分工和时限认真执行并反馈执行结果。",
        "建立典型案例发布制度,行政机关、法院、检察院要在每年年初发布上一年度执法司法典型案例。",
        # 负责人 is a person; the organisation is not the actor here
        "推动各级行政机关负责人带头履行出庭应诉职责。",
        # a predicate before the name: 完善 is not a place
        "完善市场监管局负责的抽查机制。",
        # a name in the middle of a clause is not the clause's actor
        "适时向省纪委监委、省委组织部提供容错纠错、澄清正名和重新使用典型案例。",
    ],
)
def test_named_in_text_negative_cases(sentence: str) -> None:
    assert agencies_named_in_text(sentence) == []


def test_named_in_text_generic_on_request() -> None:
    s = "全市各级政府要在党委统一领导下,将法治社会建设摆在重要位置。"
    assert agencies_named_in_text(s) == []
    assert agencies_named_in_text(s, include_generic=True) == [("全市各级政府", 0, 6)]


def test_names_glued_by_whitespace_removal_are_split() -> None:
    # '牵头单位:区委宣传部 区司法局' loses its space in the normalized text
    assert parse_role_line("牵头单位:区委宣传部区司法局") == ("lead", ["区委宣传部", "区司法局"])
    assert parse_role_line("牵头单位:县委县政府") == ("lead", ["县委", "县政府"])
    for whole in ("市场监管局西安分局", "市委全面依法治市委员会办公室", "市委市直机关工委"):
        assert parse_role_line(f"责任单位:{whole}") == ("responsible", [whole])


@pytest.mark.parametrize(
    ("note", "segments"),
    [
        (
            "(市司法局牵头,市发展改革委、市财政局配合)",
            [("lead", ["市司法局"]), ("participating", ["市发展改革委", "市财政局"])],
        ),
        (
            "(市司法局、市人力资源社会保障局按职责分工负责)。",
            [("responsible", ["市司法局", "市人力资源社会保障局"])],
        ),
        (
            "(市委农办、各县(市、区)党委和政府)",
            [("responsible", ["市委农办", "各县(市、区)党委和政府"])],
        ),
        (
            "【牵头单位:市司法局;配合单位:市中级人民法院】",
            [("lead", ["市司法局"]), ("participating", ["市中级人民法院"])],
        ),
        # a province's notes name its departments without the province
        ("(司法厅负责)", [("responsible", ["司法厅"])]),
        (
            "〔司法厅等省直各部门(单位)按职责分工负责〕",
            [("responsible", ["司法厅", "省直各部门(单位)"])],
        ),
        # 和 joining two names, and a caveat on the notes below, in a province's first note
        (
            "〔司法厅等省直各部门(单位)和市(州)人民政府按职责分工负责,以下均需各市(州)人民政府落实,不再列出〕",
            [("responsible", ["司法厅", "省直各部门(单位)", "市(州)人民政府"])],
        ),
        ("(市住房和城乡建设局负责)", [("responsible", ["市住房和城乡建设局"])]),  # one name
        ("(省直有关执法部门按职责分工负责)", [("responsible", ["省直有关执法部门"])]),  # a group
    ],
)
def test_role_notes_with_and_without_labels(note: str, segments: list) -> None:
    assert note_segments(note) == segments


@pytest.mark.parametrize(
    "note",
    [
        "(以下简称市司法局)",
        "(2022年底前完成)",
        "(市、县两级)",
        "(试行)",
        "(市司法局牵头,三年内完成)",
        "(含市直单位)",
        "(办事大厅)",  # a 厅 that is no department
        "(完善服务大厅)",
    ],
)
def test_brackets_that_are_no_role_note(note: str) -> None:
    assert parse_unlabeled_note(note) == ()


GLUED = [
    # the space between two labelled lists is lost in normalization: 市司法局责任单位:
    (
        "牵头单位:市司法局 责任单位:各区县人民政府",
        [("lead", ["市司法局"]), ("responsible", ["各区县人民政府"])],
    ),
    ("责任单位:市司法局(牵头)、市财政局", [("lead", ["市司法局"]), ("responsible", ["市财政局"])]),
    (
        "加强普法。(市司法局牵头,各县市区配合)",
        [("lead", ["市司法局"]), ("participating", ["各县市区"])],
    ),
]


@pytest.mark.parametrize(("raw", "segments"), GLUED)
def test_glued_labels_lead_marks_and_groups_of_places(raw: str, segments: list) -> None:
    assert role_segments_of_line(normalize(raw).text) == segments


def test_actors_listed_before_a_group_word_or_a_division_of_duties() -> None:
    s = "市发展改革委、市财政局等部门要加大支持力度。"
    assert [n for n, _, _ in agencies_named_in_text(s)] == ["市发展改革委", "市财政局"]
    s = "市委政法委、市公安局按职责分工负责。"
    assert [n for n, _, _ in agencies_named_in_text(s)] == ["市委政法委", "市公安局"]


def test_role_labels_after_a_sentence_or_in_a_note_of_any_bracket_are_read() -> None:
    from tests.helpers import plan_of_text

    text = (
        "东江市法治政府建设实施方案\n为加快建设法治政府,制定本方案。\n一、主要任务\n"
        "1.完善重大行政决策程序。(牵头单位:市司法局;配合单位:市政府办公室)\n"
        "2.加强法治宣传教育。责任单位:市委宣传部、市司法局。\n"
        "3.推行权责清单制度。〔牵头单位:市委编办;责任单位:各县(市、区)人民政府〕\n"
    )
    rows = plan_of_text(text)
    names = {a["agency_id"]: a["name"] for a in rows.tables["agencies"]}
    links = {(names[x["agency_id"]], x["role"]) for x in rows.tables["measure_agencies"]}
    assert links == {
        ("市司法局", "lead"), ("市政府办公室", "participating"),
        ("市委宣传部", "responsible"), ("市司法局", "responsible"),
        ("市委编办", "lead"), ("各县(市、区)人民政府", "responsible"),  # a note in 〔〕
    }  # fmt: skip
    assert "教育。\n责任单位:" in rows.text


def test_a_groups_places_parted_by_a_list_mark_stay_one_group() -> None:
    assert parse_role_line("责任单位:各市、县人民政府,自治区司法厅") == (
        "responsible",
        ["各市、县人民政府", "自治区司法厅"],
    )
    assert parse_role_line("责任单位:各县、市、区人民政府、市直各部门") == (
        "responsible",
        ["各县、市、区人民政府", "市直各部门"],
    )
    # a group of its own, then a county's organs: two names
    assert parse_role_line("责任单位:各乡镇、县直各部门、各街道") == (
        "responsible",
        ["各乡镇", "县直各部门", "各街道"],
    )
    note = parse_unlabeled_note("(自治区党委编办、自治区司法厅牵头,各市、县人民政府负责)")
    assert ("responsible", ("各市、县人民政府",)) in note
    assert is_generic_name("各市、县人民政府")


def test_notes_naming_a_prefectures_offices_a_banks_branch_or_an_offices_room_are_read() -> None:
    assert parse_unlabeled_note(
        "(省民政厅、省农业农村厅牵头,省司法厅、各市(地)党委和政府(行署)按职责分工负责)"
    ) == (
        ("lead", ("省民政厅", "省农业农村厅")),
        ("responsible", ("省司法厅", "各市(地)党委和政府(行署)")),
    )
    assert parse_unlabeled_note("(省发展改革委、人民银行哈尔滨中心支行牵头,省市场监管局配合)") == (
        ("lead", ("省发展改革委", "人民银行哈尔滨中心支行")),
        ("participating", ("省市场监管局",)),
    )
    assert parse_unlabeled_note("(省委依法治省办牵头,省委组织部、省委督查室配合)")[1] == (
        "participating",
        ("省委组织部", "省委督查室"),
    )
    assert is_generic_name("各市(地)党委和政府(行署)")
    # 各 of 各镇人民政府、街道办事处 holds for both: a level's organs without a place
    assert is_generic_name("街道办事处") and not is_generic_name("区司法局")
