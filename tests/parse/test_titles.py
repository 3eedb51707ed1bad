"""Titles in the forms real pages print them (inputs written for these tests)."""

from __future__ import annotations

import pytest

from pipeline.parse.titles import find_title

BODY = "\n为推进法治建设,结合实际,制定本方案。\n"


@pytest.mark.parametrize(
    ("preamble", "title"),
    [
        (  # cover notice of a provincial party committee and government
            "中共某某省委 某某省人民政府关于印发《某某省法治社会建设实施方案(2021—2025年)》的通知\n"
            "各市党委和人民政府:\n现将《某某省法治社会建设实施方案(2021—2025年)》印发给你们。",
            "某某省法治社会建设实施方案(2021—2025年)",
        ),
        (  # county office notice without 《》, split over two lines, then the plan's own line
            "东山县人民政府办公室\n关于印发东山县2023年度法治政府建设\n工作要点的通知\n各乡镇:\n"
            "现印发给你们。\n2023年3月1日\n东山县2023年度法治政府建设工作要点",
            "东山县2023年度法治政府建设工作要点",
        ),
        (  # news lead-in
            "近日,市委、市政府印发了《南江市法治政府建设实施方案(2021-2025年)》,并发出通知。",
            "南江市法治政府建设实施方案(2021-2025年)",
        ),
        (  # news headline: 中共X省委印发《…》
            "中共北川省委印发《北川省法治社会建设实施方案(2021—2025年)》",
            "北川省法治社会建设实施方案(2021—2025年)",
        ),
        (  # the same headline without 《》, then the lead-in quoting the title
            "中共北川省委印发法治北川建设规划(2021—2025年)\n"
            "近日,中共北川省委印发了《法治北川建设规划(2021—2025年)》。",
            "法治北川建设规划(2021—2025年)",
        ),
        ("西河市人民政府发布西河市法治政府建设实施方案", "西河市法治政府建设实施方案"),
        (
            "【重庆】《重庆市法治社会建设实施方案(2021—2025年)》发布",
            "重庆市法治社会建设实施方案(2021—2025年)",
        ),
        (
            "《西河市法治社会建设实施方案(2021—2025年)》全文如下。",
            "西河市法治社会建设实施方案(2021—2025年)",
        ),
        (
            "索引号:123\n标题:西河县法治社会建设实施方案\n发布日期:2022-01-01",
            "西河县法治社会建设实施方案",
        ),
        (
            "附件:《西河县法治政府建设实施方案(2021—2025年)》",
            "西河县法治政府建设实施方案(2021—2025年)",
        ),
        (  # cover notice title split inside its 《》
            "关于印发《南江市法治政府建设实施方案\n(2021—2025年)》的通知",
            "南江市法治政府建设实施方案(2021—2025年)",
        ),
        (  # three-line block: title / period / draft marker
            "西河区法治社会建设实施方案\n(2020—2025年)\n(征求意见稿)",
            "西河区法治社会建设实施方案(2020—2025年)",
        ),
        ("西河县法治社会建设实施方案2021-2025年", "西河县法治社会建设实施方案2021-2025年"),
        ("关于推进法治政府建设“三大行动”的\n实施方案", "关于推进法治政府建设“三大行动”的实施方案"),
        ("法治东江建设规划(2021—2025年)", "法治东江建设规划(2021—2025年)"),
        (  # a title line that cites the outline it implements
            "东江省贯彻落实《法治政府建设实施纲要(2021—2025年)》实施方案",
            "东江省贯彻落实《法治政府建设实施纲要(2021—2025年)》实施方案",
        ),
        (  # a notice title without 《》: the name inside it, not the notice
            "南江市人民政府关于印发南江市法治政府建设实施方案(2021—2025年)的通知",
            "南江市法治政府建设实施方案(2021—2025年)",
        ),
        ("东江省法治政府建设实施纲要(2021—2025年)", "东江省法治政府建设实施纲要(2021—2025年)"),
        (
            "市贯彻落实法治社会建设实施纲要工作措施(送审稿)",
            "市贯彻落实法治社会建设实施纲要工作措施",
        ),
        ("西河市法治乡村建设行动方案(草案)", "西河市法治乡村建设行动方案"),
        (  # a page with no title at all: the outline it cites is not its title
            "为贯彻落实《法治政府建设实施纲要(2021—2025年)》,结合海南实际,制定本方案。",
            None,
        ),
        ("首页>政策文件>西河县法治社会建设实施方案", None),  # breadcrumbs are not titles
    ],
)
def test_title_forms(preamble, title):
    assert find_title(preamble + BODY) == title


def test_the_cover_notice_completes_a_title_line_without_its_period():
    preamble = (
        "河西省法治政府建设实施方案\n发布时间:2022-03-20\n"
        "近日,中共河西省委、河西省人民政府印发了《河西省法治政府建设实施方案(2021—2025年)》。"
    )
    assert find_title(preamble) == "河西省法治政府建设实施方案(2021—2025年)"


def test_a_flattened_page_runs_its_title_into_the_first_sentence():
    text = "法治东江建设规划(2021—2025年)法治是治国理政的基本方式。为贯彻…,制定本规划。"
    assert find_title(text) == "法治东江建设规划(2021—2025年)"


def test_a_cited_outline_is_not_the_plan_and_inner_brackets_become_titles():
    preamble = "近日,中共东江省委印发《贯彻〈法治中国建设规划(2020-2025年)〉实施方案》。"
    assert find_title(preamble) == "贯彻《法治中国建设规划(2020-2025年)》实施方案"


def test_a_title_broken_across_lines_before_its_document_word_is_joined():
    assert find_title("长沙县法治社会建设\n实施方案(2021—2025年)\n(征求意见稿)") == (
        "长沙县法治社会建设实施方案(2021—2025年)"
    )


def test_a_place_name_alone_on_the_line_above_opens_the_title():
    assert find_title("东江市\n法治社会建设实施方案\n(2021—2025年)" + BODY) == (
        "东江市法治社会建设实施方案(2021—2025年)"
    )
    assert find_title("东江市\n东江市法治社会建设实施方案" + BODY) == "东江市法治社会建设实施方案"
    assert find_title("附件\n法治社会建设实施方案" + BODY) == "法治社会建设实施方案"


def test_a_title_citing_two_documents_is_the_plans_own():
    title = (
        "关于贯彻《东江省法治政府建设实施纲要(2021—2025年)》和"
        "《东江市贯彻〈法治政府建设实施纲要(2021—2025年)〉的实施方案》的实施方案"
    )
    assert find_title(f"东江市司法局\n{title}\n为贯彻落实上述文件,制定本方案。" + BODY) == (
        title.replace("〈", "《").replace("〉", "》")
    )
