"""Tests for flows/instruments.py on sentences from the seed plans (normalized text)."""

from __future__ import annotations

import pytest

from pipeline.extract.instruments import canonical_key, find_instruments, instrument_type


def names_actions(sentence: str, in_preamble: bool = False) -> list[tuple[str, str, str]]:
    return [(h.name, h.action, h.instrument_type) for h in find_instruments(sentence, in_preamble)]


def test_offsets_point_at_the_name() -> None:
    s = "深入实施《优化营商环境条例》,制定完善海口市在优化营商环境方面的配套制度。"
    (hit,) = find_instruments(s, False)
    assert s[hit.start : hit.end] == hit.name == "优化营商环境条例"
    assert s[hit.start - 1] == "《" and s[hit.end] == "》"
    assert (hit.action, hit.instrument_type) == ("implement", "条例")


def test_consecutive_mentions_share_revise() -> None:
    s = (
        "加强行政程序和综合行政执法方面的立法,研究修改《海口市行政程序规定》"
        "《海口市城市管理综合行政执法条例》等法规规章。"
    )
    assert names_actions(s) == [
        ("海口市行政程序规定", "revise", "规定"),
        ("海口市城市管理综合行政执法条例", "revise", "条例"),
    ]


def test_he_joined_mentions_share_implement_despite_verb_inside_name() -> None:
    s = (
        "落实《海口市行政规范性文件制定与备案管理办法》和《海口市行政规范性文件制定主体清单》"
        ",严禁越权发文、严控发文数量、严格制发程序。"
    )
    assert names_actions(s) == [
        ("海口市行政规范性文件制定与备案管理办法", "implement", "办法"),
        ("海口市行政规范性文件制定主体清单", "implement", "清单"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # enact: 制定出台, 印发实施 (first verb of the chain), 公布, 制定
        ("制定出台《海口市重大行政决策公众参与办法》,畅通公众参与重大公共决策的渠道。", "enact"),
        (
            "印发实施《海口市人民政府办公室关于健全重大行政决策法律专家咨询机制的通知》,完善法律专家参与咨询论证的制度机制。",
            "enact",
        ),
        (
            "将基层管理迫切需要且能有效衔接的行政执法事项下放给镇(街道),公布《海口市镇(街道)综合行政执法事项清单目录》并实行动态调整。",
            "enact",
        ),
        (
            "制定《海口市行政执法辅助人员管理办法》,明确执法辅助人员适用岗位、身份性质、职责权限、权利义务、聘用条件和程序等。",
            "enact",
        ),
        # revise: 修订完善, 研究修订
        (
            "修订完善《海口市政府合同管理规定》,强化前置合法性审查和合法性审查“双审查”制度,加强合同备案和履约管理。",
            "revise",
        ),
        ("研究修订《海口市行政执法监督办法》。", "revise"),
        # implement: 严格执行, 按照, 深入贯彻, 贯彻落实
        (
            "严格执行《重大行政决策程序暂行条例》,确保严格按照法定权限和履行法定程序作出决策。",
            "implement",
        ),
        (
            "按照《海南自由贸易港公职人员容错纠错办法(试行)》要求,适时向省纪委监委、省委组织部提供容错纠错、澄清正名和重新使用典型案例。",
            "implement",
        ),
        ("深入贯彻《重庆市文明行为促进条例》,大力倡导文明健康绿色环保的生活方式。", "implement"),
        (
            "25.贯彻落实《中华人民共和国政府信息公开条例》,不断提高推进政府信息公开的实效。",
            "implement",
        ),
        # other: 以…为基础, 宣介, 开展…普法, 加强…的学习宣传
        (
            "大力宣传与海南自由贸易港建设相关的法律法规规章和政策文件,尤其是以《海南自由贸易港法》为基础、以自由贸易港法规为重要组成的体系。",
            "other",
        ),
        (
            "在对外宣传、招商引资、交流合作等活动中重点宣介《海南自由贸易港法》及其配套制度机制,扩大自贸港法影响力。",
            "other",
        ),
        ("8.广泛开展《民法典》普法工作。", "other"),
        ("大力加强《民法典》的学习宣传教育。", "other"),
        # the work named after the document, when the verb before it is weak
        ("推进《东江市生态环境保护条例》的制定工作。", "enact"),
        ("推动《东江市优化营商环境条例》立法。", "enact"),
        ("加快《东江市物业管理条例》修订工作。", "revise"),
        ("推动《东江市甲办法》《东江市乙办法》出台。", "enact"),
        ("认真落实《东江市物业管理条例》修订后的各项要求。", "implement"),
    ],
)
def test_action_classes(sentence: str, expected: str) -> None:
    hits = find_instruments(sentence, False)
    assert hits and {h.action for h in hits} == {expected}


def test_verb_after_dui() -> None:
    s = "对《海口市行政执法监督办法》进行修订。"
    assert names_actions(s) == [("海口市行政执法监督办法", "revise", "办法")]


def test_preamble_mentions_are_other() -> None:
    s = (
        "为深入贯彻落实《法治政府建设实施纲要(2021—2025年)》、《海南省法治政府建设实施方案(2021—2025年)》,"
        "深入推进依法行政,全面建设法治政府,结合我市实际,制定本方案。"
    )
    assert names_actions(s, in_preamble=True) == [
        ("法治政府建设实施纲要(2021—2025年)", "other", "纲要"),
        ("海南省法治政府建设实施方案(2021—2025年)", "other", "方案"),
    ]
    # the same sentence outside the preamble is governed by 贯彻落实
    assert {a for _, a, _ in names_actions(s)} == {"implement"}


def test_nested_angle_brackets_form_one_mention_typed_by_outer_name() -> None:
    s = (
        "严格落实《海口市贯彻〈海南自由贸易港公职人员容错纠错办法(试行)〉实施细则》"
        ",树立保护改革者、支持担当者的鲜明导向。"
    )
    assert names_actions(s) == [
        ("海口市贯彻〈海南自由贸易港公职人员容错纠错办法(试行)〉实施细则", "implement", "细则")
    ]


def test_nested_ascii_angle_brackets_and_tongzhi_type() -> None:
    s = (
        "为加快建设更好水平的法治西安,深入推进法治社会建设,"
        "根据《中共中央关于印发<法治社会建设实施纲要(2020—2025年)>的通知》"
        "《中共吉林省委关于印发<吉林省法治社会建设实施方案(2020—2025年)>的通知》"
        "和《中共辽源市委关于印发<辽源市法治社会建设实施方案(2020—2025年)>的通知》精神,"
        "结合我区实际,制定本实施方案。"
    )
    hits = find_instruments(s, True)
    assert [h.name for h in hits] == [
        "中共中央关于印发<法治社会建设实施纲要(2020—2025年)>的通知",
        "中共吉林省委关于印发<吉林省法治社会建设实施方案(2020—2025年)>的通知",
        "中共辽源市委关于印发<辽源市法治社会建设实施方案(2020—2025年)>的通知",
    ]
    assert {(h.action, h.instrument_type) for h in hits} == {("other", "通知")}
    assert all(s[h.start : h.end] == h.name for h in hits)


def test_three_consecutive_mentions_with_masked_names() -> None:
    s = (
        "落实《关于推行法律顾问制度和公职律师公司律师制度的意见》《XX省政府法律顾问工作规定》"
        "《XX市实施〈XX省政府法律顾问工作规定办法〉(修订)》,县级以上地方各级党政机关普遍设立法律顾问。"
    )
    assert names_actions(s) == [
        ("关于推行法律顾问制度和公职律师公司律师制度的意见", "implement", "意见"),
        ("XX省政府法律顾问工作规定", "implement", "规定"),
        ("XX市实施〈XX省政府法律顾问工作规定办法〉(修订)", "implement", "办法"),
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("智慧海口实施方案(2021-2023年)", "方案"),
        ("法治中国建设规划(2020—2025年)", "规划"),
        ("海南自由贸易港公职人员容错纠错办法(试行)", "办法"),
        ("海南自由贸易港公职人员容错纠错办法（试行）", "办法"),
        ("海口市平安建设考评办法(执行难综合治理及源头治理部分)", "办法"),
        ("海口市镇(街道)综合行政执法事项清单目录", "目录"),
        ("海口市综合行政执法装备配备标准", "标准"),
        ("民法典", "法典"),
        ("海南自由贸易港法", "法"),
        ("全国人民代表大会常务委员会关于实行宪法宣誓制度的决定", "决定"),
        ("青少年法治教育大纲", "大纲"),
        ("东江县2022年度法治政府建设工作安排", "安排"),
        ("东江市2021年法治政府建设情况报告", "报告"),
        ("XX省〈城市居民委员会组织法〉实施办法", "办法"),
        ("*********关于印发〈法治社会建设实施纲要(2020-2025年)〉的通知", "通知"),
        ("市县法治政府建设示范指标体系", "体系"),
        ("法治东江建设规划(2021-2025年", "规划"),  # its closing bracket lost
        ("中共东江县委关于制定国民经济和社会发展第十四个五年规划的建议", "建议"),
        ("习近平法治思想学习问答", "问答"),
    ],
)
def test_instrument_type(name: str, kind: str) -> None:
    assert instrument_type(name) == kind


def test_canonical_key_joins_across_plans() -> None:
    # 000/004 print an em dash, 001/002 a hyphen
    assert canonical_key("法治社会建设实施纲要(2020—2025年)") == canonical_key(
        "法治社会建设实施纲要(2020-2025年)"
    )
    assert canonical_key("海南自由贸易港公职人员容错纠错办法（试行）") == canonical_key(
        "海南自由贸易港公职人员容错纠错办法(试行)"
    )
    assert canonical_key("中华人民共和国民法典") == canonical_key("民法典") == "民法典"
    assert canonical_key(
        "中共中央关于印发<法治社会建设实施纲要(2020—2025年)>的通知"
    ) == canonical_key("中共中央关于印发〈法治社会建设实施纲要(2020-2025年)〉的通知")
    # masked names stay as they are, and different documents stay apart
    assert canonical_key("*********关于印发〈法治社会建设实施纲要(2020-2025年)〉的通知").startswith(
        "*"
    )
    assert canonical_key("海口市行政调解办法") != canonical_key("海口市行政执法监督办法")


def test_no_brackets_no_hits() -> None:
    assert find_instruments("加强行政调解工作,加大消费者权益保护。", False) == []


def test_free_standing_angle_brackets_are_a_mention() -> None:
    # a sentence with 〈 and no 《 is read too: find_instruments looks for either opener
    s = "认真贯彻〈XX省法治宣传教育条例〉,落实普法责任。"
    (hit,) = find_instruments(s, False)
    assert s[hit.start - 1] == "〈" and s[hit.end] == "〉"
    assert (hit.name, hit.action, hit.instrument_type) == (
        "XX省法治宣传教育条例",
        "implement",
        "条例",
    )


def test_strongest_verb_of_a_chain_decides() -> None:
    s = "统筹推进《新时代公民道德建设实施纲要》和《吉林省新时代公民道德建设行动方案》的贯彻落实。"
    assert {h.action for h in find_instruments(s, False)} == {"implement"}
    assert {h.action for h in find_instruments("学习贯彻《民法典》。", False)} == {"implement"}
    assert {h.action for h in find_instruments("学习宣传《民法典》。", False)} == {"other"}
    assert {h.action for h in find_instruments("制定并公布《权责清单》。", False)} == {"enact"}


def test_a_document_a_heading_names_is_a_mention_of_its_section() -> None:
    from tests.helpers import plan_of_text

    text = (
        "东江市法治社会建设实施方案\n为推进法治社会建设,制定本方案。\n二、全面实施《民法典》\n"
        "(一)宣传民法典\n3.广泛开展《民法典》普法工作。将《民法典》纳入学法考试目录。\n"
    )
    rows = plan_of_text(text)
    level = {s["section_id"]: s["level"] for s in rows.tables["sections"]}
    found = [
        (level[i["section_id"]], i["measure_id"] is None, text[i["char_start"] : i["char_end"]])
        for i in rows.tables["instruments"]
    ]
    assert found == [(1, True, "民法典"), (3, True, "民法典"), (3, False, "民法典")]
    assert [i["action"] for i in rows.tables["instruments"]] == ["implement", "other", "other"]
