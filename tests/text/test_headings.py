"""Heading markers: the one-pass alternation reads every line as the three patterns, tried
one after another, read it (lines written here, and every line of the seeds)."""

from __future__ import annotations

from pathlib import Path

from pipeline.text.headings import _marker_after, match_marker, review_parts

LINES = [
    "一、总体要求",
    "  二. 主要任务",
    "第三章 保障措施",
    "第十二部分",
    "(十二)健全普法责任制。坚持…",
    "( 四 ) 加强宣传",
    "12.深入宣传宪法",
    "3、 开展法治文化活动",
    "1.5亿元用于法治建设",  # a decimal, not an item
    "3.25%的增幅",  # a decimal, not an item
    "1.1.1 加强宪法宣传",  # decimal numbering, not an item
    "4.2023年6月底前,完成文件清理。",  # an item opening with a year
    "16.12345热线接通率达到95%。",  # an item opening with a hotline number
    "百百百、",  # a numeral cn2an does not read
    "零零零零、(一)",
    "(百百百百百)1.",
    "\t7、制表符",
    "推进法治宣传教育",
    "",
    "(征求意见稿)",
]


def test_markers_are_the_patterns_tried_one_by_one():
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    lines = LINES + [
        line.replace("（", "(").replace("）", ")")
        for p in sorted(seeds.glob("*.txt"))
        for line in p.read_text("utf-8").split("\n")
    ]
    found = 0
    for line in lines:
        marker = match_marker(line)
        # _marker_after(line, 0): the three patterns tried one by one, from the first
        assert marker == _marker_after(line, 0), line
        found += marker is not None
    assert found > 100
    assert match_marker("一、总体要求") == (1, 1, 2)
    assert match_marker("(十二)健全普法责任制。坚持…").level == 2
    assert [match_marker(ln) for ln in ("1.5亿元用于法治建设", "3.25%的增幅", "1.1.1 加强")] == [
        None
    ] * 3
    assert match_marker("4.2023年6月底前,完成文件清理。")[:2] == (3, 4)
    assert match_marker("16.12345热线接通率达到95%。")[:2] == (3, 16)
    assert match_marker("1.5亿元用于法治建设") is None


def test_parts_reviewing_past_work_are_the_first_chapters_and_what_stands_below_them():
    parts = [
        ("1", None, "发展现状"),
        ("1.1", "1", "“十三五”时期取得的成效"),
        ("1.1.1", "1.1", "法治政府建设成效明显"),
        ("2", None, "总体要求"),
        ("2.1", "2", "指导思想"),
        ("3", None, "推进依法行政"),
        ("3.1", "3", "巩固工作成效"),  # a task: reviews stand first
    ]
    assert review_parts(parts) == {"1", "1.1", "1.1.1"}
    planning_first = [("1", None, "总体要求"), ("1.1", "1", "发展基础"), ("1.2", "1", "指导思想")]
    assert review_parts(planning_first) == {"1.1"}
    # an annual report whose title is lost opens with what was done
    report = [("1", None, "2021年全县推进法治政府建设情况"), ("1.1", "1", "加强组织领导")]
    assert review_parts(report) == {"1", "1.1"}


def test_a_report_reviews_throughout_but_where_it_looks_ahead():
    parts = [
        ("1", None, "2023年法治政府建设主要举措"),
        ("1.1", "1", "加强组织领导"),
        ("2", None, "存在的不足"),
        ("3", None, "下一步工作打算"),
        ("3.1", "3", "加强组织领导"),
    ]
    assert review_parts(parts) == set()  # a plan's: its first chapter reviews nothing
    assert review_parts(parts, report=True) == {"1", "1.1", "2"}
