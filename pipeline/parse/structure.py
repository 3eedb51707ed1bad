"""Parse a plan's normalized text into its tree of chapters, sections and items.

One row per heading. A heading's span runs from its marker to the next heading of any level,
so a chapter's own span is its heading plus any intro paragraph, a section's span ends where
its first item starts, and closing paragraphs after the last section belong to that section
(as the gold annotations read them). A cover notice's own numbered points before the plan
(一、意见寄送…; 二、截止日期…, signed and dated, then the plan's 一、 again) are its preamble.
Numbering that restarts inside a chapter is fine: the
parent is whatever heading of the level above came last. A plan that numbers no item 1.
but numbers them (1) (一、 (一) (1)) has those as its items; one that numbers its chapters
第一章 and their sections 一、 has its (一) as items.

``heading`` is the title the plan gives a heading: the whole line for a heading alone on its
line, or the first sentence when the title runs on into body text ("(一)指导思想。坚持…"; a
chapter's or section's two short phrases joined by a comma too: "(一)加强组织学习,坚持政治引领。").
An item whose first sentence is itself a task ("6.深入学习宣传习近平法治思想,把…。") or that
holds nothing but one sentence ("50.加强…调解仲裁工作。", perhaps with a bracketed note of who
does it: "…工作。(市司法局牵头)") has no separate title: its heading is null and the sentence
is body, so it still yields a measure. Label lines after an item
("牵头单位:…") are not body: they name who is responsible.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from pipeline.parse.notice import is_org
from pipeline.text.headings import (
    LABEL_LINE,
    Marker,
    line_markers,
    paren_item_markers,
    run_on_title,
)

TITLE_MAX = 40
CLAUSE_PUNCT = re.compile(r"[,;，；]")
_WORDED = re.compile(r"[ \t]*第")  # 第一章, 第一部分: a chapter marker in words


class Section(NamedTuple):
    """A chapter (level 1), section (level 2) or item (level 3) of a plan (a tuple: ~70 a
    plan, built several times faster than a frozen dataclass)."""

    ordinal: str  # position in the tree, e.g. "2.1.5": stable for the same text
    level: int
    number: int  # as printed: 4 for (四)
    heading: str | None
    parent_ordinal: str | None
    char_start: int  # start of the marker
    char_end: int  # end of the span (exclusive)
    body_start: int  # where the body starts (after the marker and the title)


def _title(rest: str, level: int, has_more: Callable[[], bool]) -> tuple[str | None, int]:
    """The heading title within the line after the marker, and where the body starts in it
    (``has_more``: whether anything but label lines follows, asked only when it matters)."""
    stop = rest.find("。")
    head = rest if stop < 0 else rest[:stop]
    if len(head) > TITLE_MAX or CLAUSE_PUNCT.search(head):  # no title line: a run-on one?
        run_on = run_on_title(head)
        if run_on:  # (一)指导思想高举…,…
            return rest[:run_on], run_on
    if stop < 0:
        if level < 3 or (has_more() and len(rest) <= TITLE_MAX and not CLAUSE_PUNCT.search(rest)):
            return rest, len(rest)
        return None, 0
    first = rest[:stop]
    after = rest[stop + 1 :].strip()
    runs_on = (bool(after) and not _is_note(after)) or has_more()
    titled = not CLAUSE_PUNCT.search(first) or level < 3 and _paired(first)
    if runs_on and first and len(first) <= TITLE_MAX and titled:
        return first, stop + 1
    return None, 0


PAIR_PART_MAX = 24  # each half of a chapter's or section's paired title


def _paired(first: str) -> bool:
    """A title of two short phrases joined by a comma (加强组织学习,坚持政治引领;
    党建引领强统筹,责任链条“紧又实”), as sections run in before their body; a task's
    first sentence has a longer half (贯彻落实全省领导干部应知应会党内法规清单制度,…) or a
    number (2022年底前,完成…)."""
    parts = first.split(",")
    if len(parts) != 2 or ";" in first or _DIGIT.search(first):  # 2022年底前,完成…: a task
        return False
    return all(2 <= len(p) <= PAIR_PART_MAX for p in parts)


_DIGIT = re.compile(r"\d")


_NOTE = re.compile(
    r"[(（【\[〔][^()（）【】\[\]〔〕]*(?:[(（][^()（）]*[)）][^()（）【】\[\]〔〕]*)*[)）】\]〕]"
)


def _is_note(after: str) -> bool:
    """Whether what follows an item's one sentence is only a bracketed note (who does it:
    "(市司法局牵头,…)", "【牵头单位:…】"), which gives the item no body of its own."""
    return _NOTE.fullmatch(after) is not None


def _yes() -> bool:
    return True


def _body_below(text: str, line_end: int, span_end: int) -> bool:
    """Whether anything but label lines stands after a heading's line, in its span."""
    return any(not LABEL_LINE.match(line) for line in text[line_end:span_end].split("\n") if line)


def _within_chapter_words(
    text: str, found: list[tuple[int, int, Marker]]
) -> list[tuple[int, int, Marker]]:
    """A plan that numbers its chapters 第一章 (第一部分) and what stands in them 一、 has
    those as its sections and its (一) as items: both forms of chapter marker are level 1
    alone, so where both occur the 一、 ones are taken a level down, and (一) with them. A
    规划's chapters may hold sections 第一节 (level 2) instead: the 一、 inside one are items."""
    chapters = [s for s, _, m in found if m.level == 1]
    worded = {s for s in chapters if _WORDED.match(text, s)}
    sections = {s for s, _, m in found if m.level == 2 and _WORDED.match(text, s)}
    if not worded or len(worded) == len(chapters) and not sections:
        return found
    out = []
    in_section = False  # inside a 第一节
    for s, e, m in found:
        if s in worded:
            in_section = False
        elif s in sections:
            in_section = True
        elif m.level == 1:  # 一、 of a chapter, or of a 第一节
            m = m._replace(level=3 if in_section else 2)
        elif m.level == 2:  # (一)
            m = m._replace(level=3)
        out.append((s, e, m))
    return out


# a notice's date line, as it is signed (2025年11月24日)
DATE_LINE = re.compile(r"^[ \t]*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日[ \t]*$", re.M)
ANNEX_LINE = re.compile(r"^[ \t]*附件[ \t]*\d{0,2}[ \t]*[:：]?[ \t]*$", re.M)
NOTICE_MAX_HEADINGS = 8  # a cover notice's own numbered points (一、意见寄送…, 二、截止日期…)


def _notice_points(
    text: str, found: list[tuple[int, int, Marker]]
) -> list[tuple[int, int, Marker]]:
    """The headings without a cover notice's or an announcement's own points numbered below
    the chapter level (1.电子邮箱:…, 2.传真:…), that stand before the plan's first chapter
    with the notice's signed date between them and it."""
    first = next((i for i, (_, _, m) in enumerate(found) if m.level == 1), None)
    if not first:
        return found
    signed = DATE_LINE.search(text, found[first - 1][1], found[first][0])
    return found[first:] if signed else found


def _after_cover_notice(
    text: str, found: list[tuple[int, int, Marker]]
) -> list[tuple[int, int, Marker]]:
    """The headings after a cover notice's own numbered points: a notice inviting comments
    (一、书面意见寄送…; 二、截止日期…: points without sections), signed and dated, then the
    plan, its chapters numbered from 一 again. A plan's annex after its signature (附件 /
    一、…) stays the plan's: the plan before it has sections."""
    for j in range(1, min(len(found), NOTICE_MAX_HEADINGS + 1)):
        start, _, marker = found[j]
        if marker.level != 1 or marker.number != 1:
            continue
        if any(m.level != 1 for _, _, m in found[:j]):
            return found
        gap = text[found[j - 1][1] : start]
        if DATE_LINE.search(gap) and not ANNEX_LINE.search(gap):
            return found[j:]
    return found


# The next document of a gazette's issue after the plan: its notice's title on a line of its
# own, its number (东政办发〔2022〕11号) on one of the next lines
NEXT_NOTICE = re.compile(
    r"^[^\n。;]*(?:关于[^\n。;]*(?:的通知|的函|的决定|起草说明|编制说明)|起草说明|编制说明)[ \t]*$",
    re.M,
)
NUMBER_LINE = re.compile(r"^[ \t]*[\u4e00-\u9fff]{1,8}[〔\[][12]\d{3}[〕\]]\d{1,4}号[ \t]*$", re.M)
NUMBER_REACH = 3  # lines after a notice's title its number stands within


def plan_end(text: str, found: list[tuple[int, int, Marker]]) -> int:
    """Where the plan ends: at the next document printed after it (a gazette's issue: a
    notice's title on its own line, with its number or the next document's own points
    numbered from 一 again after it), once the plan has its second chapter; else the text's
    end. An annex (附件) is the plan's."""
    chapters = [s for s, _, m in found if m.level == 1]
    if len(chapters) < 2 or "关于" not in text[chapters[1] :]:
        return len(text)
    for m in NEXT_NOTICE.finditer(text, chapters[1]):
        if ANNEX_LINE.search(text, chapters[1], m.start()):
            return len(text)
        after = text[m.end() :].split("\n", NUMBER_REACH + 1)[1 : NUMBER_REACH + 1]
        restart = [mk for s, _, mk in found if s > m.end()][:1]
        if any(NUMBER_LINE.match(line) for line in after) or (
            restart and restart[0].level == 1 and restart[0].number == 1
        ):
            before = text[: m.start()].rstrip("\n")
            issuer = before[before.rfind("\n") + 1 :]  # 东江市人民政府办公室 / 关于印发…
            return before.rfind("\n") + 1 if is_org(issuer.strip()) else m.start()
    return len(text)


# A box a 规划 prints inside a section (专栏1 法治政府建设重点工程, then its numbered entries)
BOX_TITLE = re.compile(r"^[ \t]*专栏[ \t]*[\d一二三四五六七八九十]{1,3}(?![\d.、])", re.M)


def _outside_boxes(
    text: str, found: list[tuple[int, int, Marker]]
) -> list[tuple[int, int, Marker]]:
    """The headings without a box's numbered entries: from a box's title to the next
    chapter or section, 1. 2. … are the box's list, no items of the plan's tree (the box's
    text stays in the section it stands in)."""
    if "专栏" not in text:
        return found
    boxes = [m.start() for m in BOX_TITLE.finditer(text)]
    if not boxes:
        return found
    out = []
    box_open = False
    j = 0
    for start, end, marker in found:
        while j < len(boxes) and boxes[j] < start:
            box_open, j = True, j + 1
        if marker.level < 3:
            box_open = False
        elif box_open:
            continue
        out.append((start, end, marker))
    return out


def parse_sections(text: str) -> list[Section]:
    """All headings of a plan in text order (see module docstring)."""
    found = _within_chapter_words(text, line_markers(text))  # (line_start, line_end, marker)
    if not found:
        return []
    found = _notice_points(text, _after_cover_notice(text, found))
    if all(m.level < 3 for _, _, m in found):  # no 1. items: (1) items, if any, are level 3
        found = sorted(found + paren_item_markers(text))
    found = _outside_boxes(text, found)
    stop = plan_end(text, found)
    found = [f for f in found if f[0] < stop]
    if not found:
        return []
    top_level = min(m.level for _, _, m in found)
    sections: list[Section] = []
    open_by_level: dict[int, Section] = {}
    counters: dict[str | None, int] = {}
    for i, (start, end, marker) in enumerate(found):
        span_end = found[i + 1][0] if i + 1 < len(found) else stop
        while span_end and text[span_end - 1] == "\n":  # len(text[:span_end].rstrip("\n"))
            span_end -= 1  # without copying the text up to here, once per heading
        parent = None
        for level in range(marker.level - 1, top_level - 1, -1):
            if level in open_by_level:
                parent = open_by_level[level]
                break
        parent_ordinal = parent.ordinal if parent else None
        counters[parent_ordinal] = counters.get(parent_ordinal, 0) + 1
        ordinal = (
            f"{parent_ordinal}.{counters[parent_ordinal]}"
            if parent
            else str(counters[parent_ordinal])
        )
        rest = text[start + marker.end : end]
        has_child = i + 1 < len(found) and found[i + 1][2].level > marker.level
        has_more = _yes if has_child else functools.partial(_body_below, text, end, span_end)
        title, body_offset = _title(rest, marker.level, has_more)
        section = Section(  # by position: a NamedTuple's keywords cost ~1 us a heading
            ordinal,
            marker.level,
            marker.number,
            title,
            parent_ordinal,
            start,
            span_end,
            start + marker.end + body_offset,
        )
        sections.append(section)
        open_by_level[marker.level] = section
        for deeper in [lv for lv in open_by_level if lv > marker.level]:
            del open_by_level[deeper]
    return sections


def preamble_end(sections: list[Section], text: str) -> int:
    """Offset where the body of the plan starts (the first heading), len(text) if none."""
    return sections[0].char_start if sections else len(text)
