"""Split a section's body into measures: atomic task statements, verbatim, with offsets.

A measure is a sentence (ended by 。！？) or a part of one ended by ; where the semicolon
separates parallel tasks. Semicolons and full stops inside brackets or quotes do not split.
Headings, role lines ("牵头单位:…"), role notes ending a task line ("…。(牵头单位:…)"),
deadline lines ("完成时限:2022年底前", whose target is the task's above) and lines that are a
label only ("措施:") are not measures. Each measure records the verb it
starts with (its ``action``), read through modifiers such as 全面/进一步 and past an opening
actor ("各级政府要落实…" -> 落实), so analysts can group commitments by what they promise.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from pipeline.extract.agencies import (
    deadline_spans,
    note_segments,
    open_note_start,
    parse_role_segments,
    role_note_start,
    starts_with_deadline,
)
from pipeline.vocab import load_yaml

SENTENCE_END = "。！？!?"
TASK_SEPARATOR = ";"
OPENERS, CLOSERS = "《“(〈<「『[", "》”)〉>」』]"
_MARKS = re.compile("[" + re.escape(OPENERS + CLOSERS + SENTENCE_END + TASK_SEPARATOR) + "\n]")
MEANINGFUL = re.compile(r"[\u4e00-\u9fff]")  # a task is written in Chinese (not "Baidu map")
_DIGIT = re.compile(r"\d")
# pieces that hold Chinese but state no task: a signature's issuer or date alone (东江县人民
# 政府 / 2016年11月2日), a decimal-numbered heading alone (3.1总体目标: a template's contents),
# an annex's or a table's title (附件, 附件:东江市重点任务分工, 北山县2023年法治政府建设重点任务
# 清单, …重点任务分工表, 表1 主要指标), a box's (专栏1 法治政府建设重点工程), a table's header
# row (序号|指标|2020年|2025年目标: short cells, no number but years), a release note
# ((此件公开发布))
NO_TASK = re.compile(
    r"[ \t]*(?:(?:19|20)\d{2}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}\.\d{1,2}[\u4e00-\u9fff]{2,16}"
    r"|[\u4e00-\u9fff、]{1,30}?(?:人民政府|委员会|办公室|办公厅)"
    r"|附件[ \t]*\d{0,2}(?:[ \t]*[:：][^。;]*)?)[ \t。.]*"  # an annex's title: 附件:…任务分工
    # a table's caption, no stop after it (a task 公布任务清单。 has one)
    r"|[ \t]*[^。,;:\n]{2,40}(?:重点任务清单|重点任务分工表?|任务分工方案|任务分解表|责任分工表"
    r"|任务清单表|任务台账|一览表)[ \t]*"
    r"|[ \t]*(?:表|专栏)[ \t]*[\d一二三四五六七八九十]{1,3}[^。;:\n]{0,40}"
    r"|[ \t]*\(此件(?:公开发布|主动公开|依申请公开|不予公开|删减后公开)\)[ \t。]*"
    r"|(?:[ \t]*(?:[^\d|\n]{1,8}|(?:19|20)\d{2}年[^\d|\n]{0,4})[ \t]*\|)+"
    r"[ \t]*(?:[^\d|\n]{1,8}|(?:19|20)\d{2}年[^\d|\n]{0,4})[ \t]*"
)


@functools.cache
def _grading_rule() -> re.Pattern[str]:
    return re.compile(load_yaml("targets.yaml")["grading_rule"])


def _states_task(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] states a task: Chinese, none of NO_TASK, no bare lead-in to
    the list below it (具体目标是:, 进度安排如下:; one that dates it, 到2025年,…目标是:, stays:
    its list's goals take its year), no evaluation table's scoring row."""
    piece = text[start:end].rstrip()
    if piece.endswith((":", "：")) and not _DIGIT.search(piece):
        return False
    if "|" in piece and "分" in piece and _grading_rule().search(piece):
        return False  # an evaluation table's row (…|5|每少1次扣1分): how units are scored
    return MEANINGFUL.search(text, start, end) is not None and not NO_TASK.fullmatch(
        text, start, end
    )
_LINE = re.compile(r"[^\n]+")
_NOTE_CLOSERS = ")）】]〕"
_NOTE_OPENERS = "(（【[〔"
# The marker of a sub-item below the contract's three levels: (1) 1) ① at a line's start
_SUB_MARKER = r"[ \t]*(?:\(\d{1,2}\)|\d{1,2}\)|[\u2460-\u2473])[ \t]*"
_SUB_ITEM = re.compile(_SUB_MARKER)
_SUB_ITEM_AFTER_BREAK = re.compile("\n" + _SUB_MARKER)  # opens with a literal: scanned in C
_NOTE_END = re.compile(r"[)）】\]〕]。?[ \t]*(?:\n|$)")  # a line that may end in a role note
# A line that is a label only, introducing the lines below it (措施:, 主要任务:)
_LABEL_ONLY = re.compile(r"[ \t]*[^\s:：,，。;；、]{1,8}[:：][ \t]*")


# A measure's place in the document text, and the full sentence around it: (start, end,
# sentence_start, sentence_end). A plain tuple: ~180 a plan, and a NamedTuple's __new__ is a
# Python call, several times the cost of the tuple itself.
Statement = tuple[int, int, int, int]


def _line_statements(text: str, start: int, end: int, out: list[Statement]) -> None:
    """Append the statements of the lines of text[start:end] (one line, or several with no
    role line or note) to ``out``: each piece is kept until its sentence ends (a line
    break ends it and closes every bracket), then given the sentence's span."""
    depth, piece_start, sentence_start = 0, start, start
    pending: list[tuple[int, int]] = []  # pieces ended by a task separator, this sentence
    for m in _MARKS.finditer(text, start, end):  # only these characters change anything
        i, ch = m.start(), m.group()
        if ch == "\n":
            if piece_start < i:
                pending.append((piece_start, i))
            for p_start, p_end in pending:
                if _states_task(text, p_start, p_end):
                    out.append((p_start, p_end, sentence_start, i))
            pending = []
            depth, piece_start, sentence_start = 0, i + 1, i + 1
        elif ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in SENTENCE_END:
            pending.append((piece_start, i + 1))
            for p_start, p_end in pending:
                if _states_task(text, p_start, p_end):
                    out.append((p_start, p_end, sentence_start, i + 1))
            pending = []
            piece_start = sentence_start = i + 1
        elif depth == 0 and ch == TASK_SEPARATOR:
            pending.append((piece_start, i + 1))
            piece_start = i + 1
    if piece_start < end:
        pending.append((piece_start, end))
    for p_start, p_end in pending:  # the line ends its last sentence
        if _states_task(text, p_start, p_end):
            out.append((p_start, p_end, sentence_start, end))


class Body(NamedTuple):
    """A section body read once, line by line, for the measures and the roles its lines
    assign (rows.py needs both; reading the lines twice cost a second strip, role look-up
    and note search per line)."""

    statements: list[Statement]
    roles: list[tuple[str, list[str]]]  # (role, names) of role lines: the whole body's
    # where role lines, role notes and lines of their own state a deadline (完成时限:2022年底前):
    # spans of the text, in order, whose targets belong to the task before them
    deadlines: list[tuple[int, int]]
    # (start, end, role, names) of role notes: each note is the tasks' from the line after the
    # note before it (or the body's start) to itself ("…尽责。(省委编办牵头)" / "…清单。(…负责)")
    notes: list[tuple[int, int, str, list[str]]]


def read_body(text: str, start: int, end: int) -> Body:
    """Measures within text[start:end] (a section body), skipping role lines and deadline
    lines, the roles its role lines and role notes ending a task line ("…。(牵头单位:…)")
    assign, and where they state deadlines."""
    statements: list[Statement] = []
    roles: list[tuple[str, list[str]]] = []
    deadlines: list[tuple[int, int]] = []
    notes: list[tuple[int, int, str, list[str]]] = []
    group_start = -1  # where the tasks of the next note begin: the first's, the heading's too
    colon = text.find(":", start, end) >= 0 or text.find("：", start, end) >= 0
    if (
        not colon
        and not _NOTE_END.search(text, start, end)
        and not _SUB_ITEM.match(text, start, end)
        and not _SUB_ITEM_AFTER_BREAK.search(text, start, end)
    ):
        # a role line has a colon, a role note ends its line with a bracket, a sub-item opens
        # its line with a marker: with none of them, the body is task text throughout
        _line_statements(text, start, end, statements)
        return Body(statements, roles, deadlines, notes)
    for m in _LINE.finditer(text, start, end):
        line = m.group()
        line_start, line_end = m.start(), m.end()
        sub_item = _SUB_ITEM.match(line)
        if sub_item:  # (1)加强宪法学习。…: the statement starts after the marker
            line_start += sub_item.end()
            line = line[sub_item.end() :]
        if ":" in line or "：" in line:  # every role label ends in a colon
            stripped = line.strip()
            segments = parse_role_segments(stripped)
            rest = None if segments else starts_with_deadline(stripped)
            if segments or rest is not None:  # a role line, or a deadline line
                if rest is not None:  # 完成时限:2022年底前;责任单位:…
                    segments = parse_role_segments(stripped[rest:])
                roles += segments
                shift = line_start + len(line) - len(line.lstrip())
                deadlines += [(shift + a, shift + b) for a, b in deadline_spans(stripped)]
                continue
            if _LABEL_ONLY.fullmatch(line):  # 措施: above the items it introduces
                continue
        closed = line.rstrip().rstrip("。")[-1:] in _NOTE_CLOSERS
        if closed and line.lstrip()[:1] in _NOTE_OPENERS:  # a line that is a note: (…负责)
            segments = note_segments(line.strip())
            if segments:
                notes += [(group_start, line_start, role, names) for role, names in segments]
                group_start = m.end()
                continue
        if closed or open_note_start(line):
            note = role_note_start(line)
            if note is not None:
                line_end = line_start + note
                segments = note_segments(line.rstrip()[note:])
                notes += [(group_start, line_end, role, names) for role, names in segments]
                group_start = m.end()
                deadlines += [(line_end + a, line_end + b) for a, b in deadline_spans(line[note:])]
        _line_statements(text, line_start, line_end, statements)
    return Body(statements, roles, deadlines, notes)


def split_statements(text: str, start: int, end: int) -> list[Statement]:
    """Measures within text[start:end] (a section body), skipping role lines."""
    return read_body(text, start, end).statements


@functools.cache
def _alternation(key: str) -> re.Pattern[str]:
    words = load_yaml("actions.yaml")[key]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@functools.cache
def _list_prefix() -> re.Pattern[str]:
    return re.compile(load_yaml("actions.yaml")["list_prefix"])


@functools.cache
def _time_prefix() -> re.Pattern[str]:
    return re.compile(load_yaml("actions.yaml")["time_prefix"])


@functools.cache
def _frames() -> tuple[str, ...]:
    return tuple(load_yaml("actions.yaml")["frames"])


@functools.cache
def _modals() -> tuple[str, ...]:
    return tuple(sorted(load_yaml("actions.yaml")["modals"], key=len, reverse=True))


_CLAUSE_SPLIT = re.compile(r"[,;:。]")
_QUOTED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")


def _blank(quoted: re.Match[str]) -> str:
    return "\u3000" * len(quoted[0])


@functools.cache
def _word_starts(*alternations: str) -> re.Pattern[str]:
    """One pattern matching where any of ``alternations`` matches (keyed on their source: a
    compiled pattern's hash reads all of its code, a string's is kept)."""
    return re.compile("|".join(alternations))


@functools.cache
def _verb_past_modifiers(modifiers: str, verbs: str) -> re.Pattern[str]:
    """Modifiers, each the longest listed one there (atomic: a shorter one is never tried),
    then a verb, in group 1: backtracking tries the verb after the last modifier, then after
    the one before, and so on to the start (one regex call where reading word by word took
    two or three); keyed on the two alternations' source, as ``_word_starts``."""
    return re.compile(f"(?:(?>{modifiers}))*({verbs})")


@functools.cache
def _not_verbs() -> re.Pattern[str]:
    return _alternation("not_verbs")


@functools.cache
def _nominal_after() -> tuple[str, ...]:
    return tuple(load_yaml("actions.yaml")["nominal_after"])


def _used_as_noun(frame: str, end: int) -> bool:
    """Whether the verb ending at ``end`` inside a frame is a noun there: another verb, a
    word only a noun stands before (vocab/actions.yaml ``nominal_after``), or a 、 and no
    verb follows it."""
    verb_next = _alternation("verbs").match(frame, end)
    if verb_next is not None or frame.startswith(_nominal_after(), end):
        return True
    # one of a list of nouns (保护、公共卫生), not of verbs (培育、优先发展)
    return frame.startswith("、", end) and _verb_past_modifiers(
        _alternation("modifiers").pattern, _alternation("verbs").pattern
    ).match(frame, end + 1) is None


def leading_action(statement: str) -> str | None:
    """The verb a statement starts with, past modifiers and an opening actor; None if none."""
    listed = _list_prefix().match(statement)  # 一是…, 二是…
    if listed:
        statement = statement[listed.end() :]
    prefix = _time_prefix().match(statement)  # anchored: a match, not a search by sub
    if prefix:
        statement = statement[prefix.end() :]
    modifiers, verbs = _alternation("modifiers").pattern, _alternation("verbs").pattern
    verb_at = _verb_past_modifiers(modifiers, verbs).match
    found = verb_at(statement)
    if found:
        return found[1]
    clauses = _CLAUSE_SPLIT.split(statement, 3)  # only the first three are read
    if clauses[0].startswith(_frames()):
        # only where a modifier or a verb starts can verb_at find one: jump between those;
        # never inside a document's name (对《…的报告》作出批示: 报告 is no verb there)
        frame = _QUOTED.sub(_blank, clauses[0]) if "《" in clauses[0] else clauses[0]
        frame = _not_verbs().sub(_blank, frame) if _not_verbs().search(frame) else frame
        starts = _word_starts(modifiers, verbs)
        word = starts.search(frame, 1)
        while word:
            found = verb_at(frame, word.start())
            if found and not _used_as_noun(frame, found.end()):
                return found[1]
            word = starts.search(frame, word.start() + 1)
        for later in clauses[1:3]:
            found = verb_at(later)
            if found:
                return found[1]
    clause = clauses[0]
    for modal in _modals():
        idx = clause.find(modal)
        if 0 < idx <= 20:
            found = verb_at(statement, idx + len(modal))
            return found[1] if found else None
    return None
