"""The literal pre-test that lets normalization skip a junk pattern: it must never rule out
a text the pattern matches, and it should rule out texts that lack the pattern's words."""

import random
import re

import pytest

from pipeline.text.required import may_match, requirements, scan_start, searcher
from pipeline.vocab import load_yaml


def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def test_literal_runs_sets_and_branches_are_required() -> None:
    found = requirements(_compiled(r"^[ \t]*(?:点击下载|下载文档)[^\n]*$"))
    assert found == (frozenset({"点击下载", "下载文档"}),)
    assert requirements(_compiled(r"已阅读\d+页[,，]?还剩")) == (
        frozenset({"已阅读"}),
        frozenset({"还剩"}),
        frozenset({"页"}),
    )
    assert requirements(_compiled("\ufffd+")) == (frozenset({"\ufffd"}),)


def test_parts_that_may_be_absent_require_nothing() -> None:
    assert requirements(_compiled(r"(?:推荐)?访问")) == (frozenset({"访问"}),)
    assert requirements(_compiled(r"推荐|\d+")) == ()  # one alternative has no literal
    assert requirements(_compiled(r"[^\n]+")) == ()
    assert requirements(_compiled(r"[\u4e00-\u9fff]{3}")) == ()  # a range too wide to list
    assert requirements(re.compile("abc", re.IGNORECASE)) == ()
    assert requirements(_compiled("x(?i:abc)y")) == (frozenset({"x"}), frozenset({"y"}))


def test_positive_look_arounds_require_what_they_look_for() -> None:
    """What a look-ahead or look-behind needs stands in the text searched, if not in the
    match; a negative one requires nothing."""
    pinyin = _compiled(r"[(（](?=[a-z]*[āá])[a-zāá]{1,6}[)）]")
    assert frozenset({"ā", "á"}) in requirements(pinyin)
    assert not may_match(pinyin, "(一)加强领导(a)。") and may_match(pinyin, "設(shā)")
    assert requirements(_compiled(r"(?<=建设)\(x\)")) == (frozenset({"(x)"}), frozenset({"建设"}))
    assert requirements(_compiled(r"(?!不)(?<!未)落实")) == (frozenset({"落实"}),)


def test_a_text_without_the_words_is_ruled_out() -> None:
    pattern = _compiled(r"^[ \t]*(?:相关推荐|上一篇)[ \t]*[:：].*$")
    assert not may_match(pattern, "一、总体要求\n(一)加强领导。各部门要加强组织领导。\n")
    assert not may_match(pattern, "相关推荐 只有词,没有冒号\n")
    assert may_match(pattern, "正文。\n相关推荐:某某方案\n")


JUNK_LINES = [
    "下面是小编为大家整理的法治社会建设实施方案,供大家参考。",
    "当前隐藏内容免费查看",
    "推荐访问:法治政府建设实施方案",
    "  下一篇 : 某某区工作要点",
    "点击下载完整文档",
    "本文档由会员分享, 可在线阅读,更多相关内容请下载",
    "已阅读5页,还剩10页未读, 继续阅读",
    "您现在的位置:首页 > 政务公开 > 规划计划",
    "首页 > 政策 > 文件",
    "字号:大 中 小",
    "字号:A A    颜色:",
    "【打印本页】 【关闭窗口】",
    "建设法治社会</p>",
    "图片1.png",
    "版权所有:东江法治网 转载请注明出处",
    "东江市法治政府建设规划下载本文",
    "东江市法治政府建设实施方案(最新)合集下载",
    "东江镇法治政府建设工作方案【5篇】第一篇:为深入贯彻",
    "欢迎访问本网,今天是 2023年02月20日 星期一",
    "微信扫一扫在手机阅读、分享本文",
    "本文标题:XX镇法治示范村创建活动实施方案",
    "锟斤拷锟斤拷",
    "乱码\ufffd\ufffd",
    "ä¸­å›½äººæ°‘",
    "?。ù思_開發布)",
]


@pytest.mark.parametrize("line", JUNK_LINES)
def test_every_reviewed_pattern_that_matches_passes_the_test(line: str) -> None:
    text = f"一、总体要求\n{line}\n(一)加强领导。\n"
    entries = load_yaml("junk.yaml") + load_yaml("mirror.yaml")["mojibake"]
    matched = 0
    for entry in entries:
        pattern = _compiled(entry["pattern"])
        if pattern.search(text):
            matched += 1
            assert may_match(pattern, text), entry["name"]
        start = scan_start(pattern, text)
        assert _spans(pattern, text, start) == _spans(pattern, text, 0), entry["name"]
    assert matched, f"no reviewed pattern matches {line!r}: the test input is wrong"


def test_searcher_finds_what_one_of_its_patterns_finds() -> None:
    patterns = (_compiled(r"(?<!\d)\d{7,}(?!\d)"), _compiled(r"(?:第)?[一二三四]季度"))
    found = searcher(patterns)
    assert found("每年一季度召开会议")
    assert found("热线电话12345678")
    assert not found("每年召开会议")
    assert not found("12345号")  # digits, but fewer than seven


def _spans(pattern: re.Pattern[str], text: str, start: int | None) -> list[tuple[int, int]]:
    return [] if start is None else [m.span() for m in pattern.finditer(text, start)]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[ \t]*(?:打印|关闭)[ \t]*$",
        r"^x\n?",  # a match that takes the line break: the next line's match is right after it
        r"^(?<=\n)y+",  # a look-behind at the line start
        r"^",  # empty matches at every line start
        r"^a|b",  # an alternation: not every match starts a line
        r"[ \t]*\?[。!]",  # not anchored
    ],
)
def test_a_scan_from_its_start_finds_every_match(pattern: str) -> None:
    """``scan_start`` never skips a match: from it, the same matches as from 0, on random
    texts of the patterns' characters and line breaks."""
    compiled = _compiled(pattern)
    rng = random.Random(16)
    pool = ["打印", "关闭", " ", "\t", "\n", "\n", "x", "y", "a", "b", "?", "。", "正文"]
    starts = set()
    for _ in range(400):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        start = scan_start(compiled, text)
        starts.add(start)
        assert _spans(compiled, text, start) == _spans(compiled, text, 0), (pattern, text)
    assert None in starts or pattern == "^"  # some texts are ruled out
    if pattern.startswith("^") and "|" not in pattern and pattern != "^":
        assert starts - {None, 0}  # some found past the start: at a line break


def test_a_line_anchored_pattern_is_looked_for_at_line_breaks() -> None:
    pattern = _compiled(r"^[ \t]*(?:打印本页|关闭窗口)[ \t]*$")
    text = "一、总体要求\n打印工作方案。\n关闭窗口\n(一)加强领导。\n打印本页"
    assert scan_start(pattern, text) == text.index("关闭窗口")
    assert scan_start(pattern, "打印本页\n正文") == 0
    assert scan_start(pattern, "正文\n微信公众号打印本页\n") is None  # words, not a line of them
