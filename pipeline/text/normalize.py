"""Turn a decoded plan into one canonical text, logging every edit against the raw text.

Plans arrive as scraped web pages and PDF conversions: sentences broken across lines and
pages, spaces inside Chinese text ("到 2025 年"), list markers, site boilerplate, a mix of
full-width and ASCII punctuation. Every downstream offset points into the canonical text, so
it must be produced the same way for every plan. Nothing is dropped silently: each edit is
recorded with its raw offset, its offset in the normalized text, what it removed and what it
inserted, so any quote can be traced back to the bytes that arrived.

Rules, in the order they run:
1. newline      CRLF / CR -> LF
2. invisible    zero-width characters and stray BOMs are removed
   radical      radicals a PDF prints for whole characters are folded (⼀、-> 一、; radicals.py)
   pinyin       pinyin inserted after characters by mirror sites is dropped (設(shè) -> 設)
   mojibake     runs of wrongly decoded characters are dropped (vocab/mirror.yaml), except
                a heading marker misread one byte off, which is read back ((一) from ?。ㄒ唬)
   t2s          traditional script becomes simplified (OpenCC), when the text is traditional
3. junk         scraper boilerplate from ``vocab/junk.yaml`` is removed
   page_header  a printed page's running header copied once a page (…人民政府文件, …公报)
4. width        full-width ASCII forms (U+FF01-FF5E) are folded to ASCII (，-> , （-> ( ),
                CJK punctuation without an ASCII twin (。、《》“”) is kept
   page_chunk   a document-sharing site's preview, cut into numbered pages (1、… 2、…, through
                the whole text, most cut mid-sentence), has its page markers removed and its
                pages joined; a title opening the first page gets a line of its own
   heading_break a page a scraper flattened onto one line (its chapters inline, after a
                space or a full stop) gets a line break before each inline heading marker;
                so does a heading line running on, after a space, into its first child;
                and a section or item line holding the next ones of its kind after its
                full stops (1.…。2.…。3.…, (一)…。(二)…: a page's paragraph breaks lost)
   label_break  a role label after a sentence's end on its line (。责任单位:…) starts a line;
                so does a heading after a role note's closing bracket and a space
   title_break  a notice's title run into its addressees (…的通知各区人民政府:) is broken there
   ocr          a scan's misread characters in numbers: a letter inside a run of digits
                (1O0%, l00%, 2O23年) is its digit, 曰 after a number 日, 一 between two
                years the dash (2021一2025)
5. list_marker  "- " / "• " bullets opening a line are removed
6. line_join    a line break inside a sentence is removed (the halves are joined); in a text
                hard-wrapped at one width (a document site's copy of a PDF) a full line is
                joined whatever it holds; a table's row (cells | cells) is never joined;
   blank_line   runs of blank lines between paragraphs become one line break
7. space        whitespace is removed unless a Latin letter is on either side or digits are
                on both sides ("到 2025 年" -> "到2025年"; "执法检查 and 隐患" is kept), but
                for a word in capitals beside Chinese ("XX 市" -> "XX市")
"""

from __future__ import annotations

import functools
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

import cn2an
import numpy as np

from pipeline.text.codes import codes as _codes
from pipeline.text.headings import (
    BODY_OPENING,
    LABEL_LINE,
    NOT_A_FRACTION,
    line_start_matches,
    match_marker,
    run_on_heading_words,
)
from pipeline.text.mirror import pinyin_spans, repair_misread_headings, t2s_spans
from pipeline.text.radicals import radical_folds
from pipeline.text.required import scan_start
from pipeline.vocab import load_yaml

# A line ending in one of these ends its sentence (or introduces a list): never joined.
SENTENCE_END = set("。！？!?;；:：")
# Characters that show a line is running text, not a standalone title/label/date line.
RUNNING_TEXT = re.compile(r"[,，。;；、]")
STANDALONE_MAX = 40  # a short line without running-text punctuation stands alone
NOTICE_TITLE = re.compile(r"^[^。;]*关于[^。;]*(?:的通知|的函|的批复|的决定|的公告|的通告)$")
# The same title run into its addressees on one line (…的通知各区人民政府,市直各单位:): a
# PDF's or a page's line break lost; the break goes after the match
NOTICE_THEN_ADDRESSEES = re.compile(r"的(?:通知|函)(?=[^\n。;:]{2,80}:[ \t]*$)", re.M)
OPEN_PERIOD = re.compile(r"\((?:19|20)\d{2}[—–\-－―~～至到]*(?:(?:19|20)\d{0,2})?$")
PAREN_ONLY = re.compile(r"^\([^()]*\)$")  # "(征求意见稿)", "(2020—2025年)"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters and the BOM
SPACES = re.compile(r"[^\S\n]+")
LIST_MARKER = re.compile(r"^[ \t]*[-•·*▪●][ \t]+", re.MULTILINE)
LATIN = re.compile(r"[A-Za-z]")
ASCII_WORD = re.compile(r"[A-Za-z0-9]")
ASCII_WORDS = re.compile(r"[A-Za-z0-9]+")
UPPER_WORD = re.compile(r"[A-Z0-9]*[A-Z][A-Z0-9]*")


@dataclass  # not frozen: a frozen dataclass's __init__ cost ~1.6 us, ~0.4 ms a plan
class Edit:
    """One change from raw to normalized text (made by ``normalize`` only, never changed)."""

    kind: str
    raw_start: int
    raw_end: int
    norm_start: int
    removed: str
    inserted: str


@dataclass(frozen=True)
class Normalized:
    """The canonical text of one plan and the log of how it was made."""

    text: str
    edits: tuple[Edit, ...]


Span = tuple[int, int, str, str]  # start, end, replacement, kind (offsets into current text)


_IDENTITY_CACHED = 1 << 21  # offsets cached up to this length (16 MB); longer texts build theirs
_identity_cache = array("q")


def _identity(n: int) -> array:
    """The offsets 0..n-1 as an array: a copy of a cached prefix (building one from a range
    costs ~0.8 ms per plan, copying it microseconds)."""
    global _identity_cache
    if n > _IDENTITY_CACHED:
        return array("q", range(n))
    if len(_identity_cache) < n:  # replaced whole, never extended in place (threads)
        _identity_cache = array("q", range(min(_IDENTITY_CACHED, max(n, 2 * len(_identity_cache)))))
    return _identity_cache[:n]


class _Tracker:
    """Applies passes of edits while keeping a map from current offsets to raw offsets."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw
        # pos[i] = raw offset of current char i; an array, so a pass copies it with memcpy
        self.pos = _identity(len(raw) + 1)
        self.log: list[tuple[int, int, int, str, str]] = []  # raw_start, seq, raw_end, kind, ins

    def apply(self, spans: Iterable[Span]) -> None:
        spans = list(spans)
        # a character replaced by one character keeps its offset: when every span is one
        # (full-width folding), the map stays as it is and only the text is rebuilt
        keep_map = all(end - start == 1 == len(rep) for start, end, rep, _ in spans)
        pieces: list[str] = []
        new_pos = array("q")
        last = 0
        text, pos, log = self.text, self.pos, self.log  # ~70 spans a pass: locals
        for start, end, replacement, kind in spans:
            if start < last or (start == end and not replacement):
                continue
            if text[start:end] == replacement:
                continue
            pieces += (text[last:start], replacement)
            if not keep_map:
                new_pos += pos[last:start]
                if len(replacement) == 1:
                    new_pos.append(pos[start])
                elif replacement:
                    new_pos += array("q", (pos[start],)) * len(replacement)
            log.append((pos[start], len(log), pos[end], kind, replacement))
            last = end
        if not pieces:  # nothing changed: keep the text and the map as they are
            return
        pieces.append(text[last:])
        self.text = "".join(pieces)
        if not keep_map:
            new_pos += pos[last:]
            self.pos = new_pos

    def replace_chars(self, kind: str, at: list[int], new: list[int]) -> None:
        """The characters at ``at`` (increasing) replaced by the code points ``new``, each
        another character: what ``apply`` does with those one-character spans (the map
        stays), the text rebuilt from its code points at once instead of piece by piece."""
        if not at:
            return
        codes = _codes(self.text).copy()
        codes[at] = new
        self.text = codes.tobytes().decode("utf-32-le", "surrogatepass")
        # the log's entries column by column (~190 a plan: a Python step per entry cost
        # more than the rest of the pass)
        pos, index, seq = np.frombuffer(self.pos, dtype=np.int64), np.asarray(at), len(self.log)
        self.log.extend(
            zip(
                pos[index].tolist(),
                range(seq, seq + len(at)),
                pos[index + 1].tolist(),
                repeat(kind, len(at)),
                map(chr, new),
                strict=True,
            )
        )

    def result(self) -> Normalized:
        raw = self.raw
        log = sorted(self.log)
        # each edit's offset in the normalized text: the first character at or after its
        # raw start (the map never decreases), for all edits in one binary search
        norm = np.searchsorted(
            np.frombuffer(self.pos, dtype=np.int64), [e[0] for e in log], side="left"
        ).tolist()
        edits = tuple(
            Edit(kind, start, end, at, raw[start:end], inserted)
            for (start, _seq, end, kind, inserted), at in zip(log, norm, strict=True)
        )
        return Normalized(text=self.text, edits=edits)


# Scans for single characters of a set over a whole plan (~11,000 characters) run as numpy
# lookups by code point: a third or less of the time of a regex's per-character class test.


def _is_in(chars: str) -> np.ndarray:
    """A lookup table by code point: True for ``chars`` (one past the largest: False)."""
    table = np.zeros(max(map(ord, chars)) + 2, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def _has(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table``'s entry for each code (past its end: its last, False); ``take`` clipping
    the codes took a third of the time of clipping them first and indexing."""
    return table.take(codes, mode="clip")


def _regex_spans(kind: str, pattern: re.Pattern[str], text: str, repl: str = "") -> list[Span]:
    start = scan_start(pattern, text)  # a line-start pattern: looked for at line breaks
    if start is None:
        return []
    return [(m.start(), m.end(), repl, kind) for m in pattern.finditer(text, start)]


def _pattern_spans(kind: str, entries: list[dict], text: str) -> list[Span]:
    """Removals of whatever the reviewed patterns ``entries`` match (their union)."""
    spans: list[Span] = []
    for entry in entries:
        pattern = re.compile(entry["pattern"], re.MULTILINE)
        start = scan_start(pattern, text)
        if start is None:  # most plans hold no junk: skip the scan
            continue
        keep = "keep" in pattern.groupindex  # the part of the match that stays (a title)
        instead = entry.get("replace", "")  # what stands in its place (a line break)
        spans.extend(
            (m.start(), m.end(), (keep and m["keep"]) or instead, kind)
            for m in pattern.finditer(text, start)
            if m.end() > m.start()
        )
    spans.sort()
    merged: list[Span] = []
    for span in spans:  # overlapping patterns: keep the union
        if merged and span[0] < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]), "", kind)
        else:
            merged.append(span)
    return merged


_CN = "一二三四五六七八九十"
# An inline chapter marker (一、 after a full stop or a space, not at a line start), matched on
# the one character before it: opening with a character set lets the search skip ahead.
INLINE_CHAPTER = re.compile(rf"[\s。;!?](?<!\n)(?=[{_CN}]{{1,3}}、)")
# (the first section of a chapter may run on from the chapter's heading: 观念(一)把…)
INLINE_HEADING = re.compile(
    rf"(?:(?<=[。;:!?])|[^\S\n]+|(?<=[\u4e00-\u9fff])(?=\([{_CN}]{{1,3}}\)))"
    rf"(?=[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\)|\d{{1,2}}[.、]{NOT_A_FRACTION})"
)
# On a flattened page whose paragraphs were joined by spaces, a chapter's or section's
# heading ends at the first space after its marker, before the body's first sentence
# ("一、坚定不移走…道路,奋力建设更高水平法治江苏 省委历来…"): no stop, colon or quote first.
FLAT_HEADING_END = re.compile(
    rf"(?:[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\))[^\s。;:!?“”]{{4,40}}?"
    r"([ \t\u3000]+)(?=[\u4e00-\u9fff“])"
)
FLAT_MIN_CHAPTERS = 2  # a line with this many inline chapter markers is a flattened page,
FLAT_SHARE = 0.8  # as is a line of at least FLAT_MIN_CHARS holding this share of the text
FLAT_MIN_CHARS = 300  # with one inline chapter marker (an excerpt of a flattened page)


# whitespace but a line break (``[^\S\n]``): every such character is below U+3001
_SPACE_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n")
_CHAPTER_AFTER = _is_in(_SPACE_CHARS + "。;!?")  # INLINE_CHAPTER's one character
_NUMERAL = _is_in(_CN)


def _inline_chapters(text: str) -> list[int]:
    """Where ``INLINE_CHAPTER`` matches (it matches one character, before a numeral): the
    pattern tried only at characters of its class with a numeral after them, found with
    numpy (the regex's scan of every character took ~0.1 ms a plan)."""
    codes = _codes(text)
    numerals = np.flatnonzero(_has(_NUMERAL, codes[1:]))  # the rarer: the other looked up there
    candidates = numerals[_has(_CHAPTER_AFTER, codes[numerals])]
    return [i for i in candidates.tolist() if INLINE_CHAPTER.match(text, i)]


# Line-start patterns (looked for with headings.line_start_matches)
PAGE_MARKER = r"[ \t]*(\d{1,3})、"
CHAPTER_LINE = rf"[ \t]*(?:[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\))"
PAGE_MIN_CHARS = 150  # every page but the last is at least this long
# A title that runs into the first sentence of the preamble (…实施方案(2022—2025年)为贯彻…)
TITLE_RUN_ON = re.compile(
    r"[^\n,。;]{4,70}?(?:方案|规划|纲要|意见|措施|要点|计划)(?:\([^()\n]{0,12}\))*"
    rf"(?:参考范文|范文)?(?={BODY_OPENING})"
)


# A printed page's running header copied into a text once a page (永修县人民政府文件,
# 东江市人民政府公报 2022年第3期): a short line that many times, ending as such headers end
RUNNING_HEADER = re.compile(r"[^\n,。;:]{2,30}(?:文件|公报|政报|简报|第[0-9]{1,3}期)")
RUNNING_HEADER_MIN = 3


def _running_header_spans(text: str) -> list[Span]:
    """A running header's lines (see ``RUNNING_HEADER``), where it stands on at least
    RUNNING_HEADER_MIN lines of its own: gone, as a PDF's reader drops it."""
    if not any(w in text for w in ("文件", "公报", "政报", "简报", "期")):
        return []
    lines = [(m.start(), m.end(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]
    counts = Counter(line for _, _, line in lines if RUNNING_HEADER.fullmatch(line))
    repeated = {line for line, n in counts.items() if n >= RUNNING_HEADER_MIN}
    return [
        (start, min(end + 1, len(text)), "", "page_header")
        for start, end, line in lines
        if line in repeated
    ]


def _page_chunk_spans(text: str) -> list[Span]:
    """Page markers of a document-sharing site's preview removed, its pages joined.

    Such a preview prints a plan's pages as 1、… 2、… 3、…, each page a run of flattened
    text cut wherever the page ended. They are told from a plan's own items (1、 under a
    heading) by four things together: no chapter or section heading line before the first;
    numbered 1 to n through the whole text without restarting; every page but the last
    long; at least half the pages after the first starting mid-sentence."""
    found = line_start_matches(PAGE_MARKER, text)
    if not found or found[0][1][1] != "1":
        return []
    starts = [start for start, _ in found]
    markers = [m for _, m in found]
    chapters = line_start_matches(CHAPTER_LINE, text[: starts[0]])
    if chapters:
        return []
    if len(markers) < 2 or [int(m[1]) for m in markers] != list(range(1, len(markers) + 1)):
        return []
    pages = zip(markers, markers[1:], strict=False)
    if any(b.start() - a.end() < PAGE_MIN_CHARS for a, b in pages):
        return []
    cut = sum(_last_char_before(text, start) not in SENTENCE_END for start in starts[1:])
    if 2 * cut < len(markers) - 1:
        return []
    first = markers[0]
    spans: list[Span] = [(starts[0], first.end(), "", "page_chunk")]
    title = TITLE_RUN_ON.match(text, first.end())
    if title:
        spans.append((title.end(), title.end(), "\n", "page_chunk"))
    for start, m in found[1:]:  # the line break and the marker: the pages joined
        spans.append((start - 1, m.end(), "", "page_chunk"))
    return spans


def _last_char_before(text: str, pos: int) -> str:
    """The last character before ``pos`` that is not whitespace ("" if none), found
    without copying the text before it."""
    pos -= 1
    while pos >= 0 and text[pos].isspace():
        pos -= 1
    return text[pos] if pos >= 0 else ""


def _heading_break_spans(text: str) -> list[Span]:
    """Line breaks before the inline headings of a line that holds a flattened page."""
    spans: list[Span] = []
    total = len(text.strip())
    # one search of the whole text instead of one per line: a marker never spans a line break
    chapters_on: dict[int, int] = {}  # line start -> inline chapter markers, in text order
    for start in _inline_chapters(text):
        line_start = text.rfind("\n", 0, start) + 1
        chapters_on[line_start] = chapters_on.get(line_start, 0) + 1
    for line_start, chapters in chapters_on.items():
        line_end = text.find("\n", line_start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        whole = len(line) >= max(FLAT_MIN_CHARS, FLAT_SHARE * total)
        if chapters < FLAT_MIN_CHAPTERS and not whole:
            continue
        for m in INLINE_HEADING.finditer(line):
            if m.start() > 0:
                spans.append((line_start + m.start(), line_start + m.end(), "\n", "heading_break"))
            heading = FLAT_HEADING_END.match(line, m.end())  # 一、…法治江苏 省委历来…
            if heading:
                a, b = line_start + heading.start(1), line_start + heading.end(1)
                spans.append((a, b, "\n", "heading_break"))
        for m in _run_on_heading().finditer(line):  # 一、总体目标坚持以… -> 一、总体目标 / 坚持以…
            spans.append((line_start + m.end(), line_start + m.end(), "\n", "heading_break"))
    spans.sort()
    return spans


# A heading line that runs on, after a space, into its first section or item (a page's line
# breaks lost: "一、总体要求 (一)指导思想…", "一、持续推进学习 1.推动…"): the spaces become a
# line break. Only a first child (一 or 1) after a space, so a heading's own words stay.
_FIRST_CHILD_LINE = (
    rf"[ \t]{{0,4}}(?:[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\))[^\n。;,]{{1,40}}?[^\s。;,]"
    rf"([ \t\u3000]+)(?=(?:\(一\)|1[.、])[\u4e00-\u9fff])"
)
FIRST_CHILD_RUN_ON = re.compile(_FIRST_CHILD_LINE)  # at the text's start
FIRST_CHILD_AFTER_BREAK = re.compile("\n" + _FIRST_CHILD_LINE)  # a literal opens it: fast


def _first_child_spans(text: str) -> list[Span]:
    first = FIRST_CHILD_RUN_ON.match(text)
    found = [first] if first else []
    found += FIRST_CHILD_AFTER_BREAK.finditer(text)
    return [(m.start(1), m.end(1), "\n", "heading_break") for m in found]


@functools.lru_cache(maxsize=256)
def _sibling_marker(level: int, number: int, sep: str) -> str:
    """The marker of section or item ``number`` in the form its line opens with."""
    return f"({cn2an.an2cn(number)})" if level == 2 else f"{number}{sep}"


_AFTER_MARKER = re.compile(r"[\u4e00-\u9fff“《]")  # a heading's words open: no decimal, no date


_STOP = _is_in("。;!?")
_OPENS_MARKER = _is_in("0123456789(")


def _sibling_break_spans(text: str) -> list[Span]:
    """Line breaks before the sections or items that run on, after a full stop, in the line
    of the one before them: "1.深化…学习。把…。2.深化宪法…。3.…" (a page that lost its
    paragraph breaks). Only the numbers that follow in sequence, in the line's own form (2.
    after 1., (二) after (一)), so a number quoted in a sentence stays where it is. Only the
    lines with a stop followed by a digit or a bracket are read (found with numpy)."""
    codes = _codes(text)
    stops = np.flatnonzero(_has(_STOP, codes[:-1]))
    candidates = stops[_has(_OPENS_MARKER, codes[stops + 1])].tolist()
    spans: list[Span] = []
    line_end = -1
    for pos in candidates:
        if pos < line_end:
            continue  # a line is read once, from its start
        start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        line = text[start:line_end]
        marker = match_marker(line)
        if marker is None or marker.level == 1:
            continue
        sep = line[: marker.end].rstrip(" \t")[-1]
        number, at = marker.number, marker.end
        while (at := _sibling_at(line, _sibling_marker(marker.level, number + 1, sep), at)) > 0:
            spans.append((start + at, start + at, "\n", "heading_break"))
            number += 1
    return spans


def _sibling_at(line: str, marker: str, pos: int) -> int:
    """Where ``marker`` opens a sentence of ``line`` after ``pos`` (-1 if nowhere)."""
    at = line.find(marker, pos)
    while at > 0:
        after = at + len(marker)
        if line[at - 1] in "。;!?" and _AFTER_MARKER.match(line, after):
            return at
        at = line.find(marker, after)
    return -1


@functools.cache
def _inline_role_label() -> re.Pattern[str]:
    """A role label (vocab/agency_roles.yaml) after a sentence's end on the same line:
    "…宣传教育。责任单位:市委宣传部" (a page's line break lost, or the plan's own layout);
    not after a semicolon, which parts a bracketed note's roles (牵头单位:…;配合单位:…)."""
    return re.compile(rf"。[ \t]*(?=(?:{_role_words('role_labels')})[ \t]*:)")  # not ;: parts


def _notice_break_spans(text: str) -> list[Span]:
    """A line break between a notice's title (关于…的通知) and the addressees run into it."""
    if "关于" not in text:
        return []
    spans = []
    for m in NOTICE_THEN_ADDRESSEES.finditer(text):  # opens with 的: the search jumps
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "关于" in text[line_start : m.start()]:
            spans.append((m.end(), m.end(), "\n", "title_break"))
    return spans


# A heading after the bracket closing a role note and a space ("〔牵头单位:县司法局〕 二、压实…":
# a page's line break lost there); the spaces become a line break
NOTE_THEN_HEADING = re.compile(
    rf"[)\]〕】]([ \t\u3000]+)"
    rf"(?=(?:[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\)|\d{{1,2}}[.、]{NOT_A_FRACTION})[\u4e00-\u9fff])"
)


@functools.cache
def _role_words(key: str) -> str:
    """An alternation of vocab/agency_roles.yaml's words under ``key`` (role_labels 牵头单位…,
    note_role_words 牵头, 负责…), longest first."""
    groups = load_yaml("agency_roles.yaml")[key].values()
    words = sorted({w for names in groups for w in names}, key=len, reverse=True)
    return "|".join(map(re.escape, words))


@functools.cache
def _role_label_colon() -> re.Pattern[str]:
    return re.compile(rf"(?:{_role_words('role_labels')})[ \t]*:")


def _note_heading_spans(text: str) -> list[Span]:
    """A line break between a role note and the heading run on after it on its line."""
    spans = []
    for m in NOTE_THEN_HEADING.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _role_label_colon().search(text, line_start, m.start()):
            spans.append((m.start(1), m.end(1), "\n", "heading_break"))
    return spans


def _label_break_spans(text: str) -> list[Span]:
    """A line break before each such label, so that it opens a role line of its own."""
    pattern = _inline_role_label()
    if scan_start(pattern, text) is None:
        return []
    return [(m.start() + 1, m.end(), "\n", "label_break") for m in pattern.finditer(text)]


@functools.cache
def _run_on_heading() -> re.Pattern[str]:
    """A heading marker and a generic heading (vocab/headings.yaml) running on into text."""
    words = run_on_heading_words()
    return re.compile(rf"(?:[{_CN}]{{1,3}}、|\([{_CN}]{{1,3}}\))(?:{words})(?=[\u4e00-\u9fff“])")


_INVISIBLE = _is_in(INVISIBLE)


def _char_spans(kind: str, table: np.ndarray, text: str) -> list[Span]:
    """Removals of each character that ``table`` holds (found with numpy, not a regex)."""
    return [(i, i + 1, "", kind) for i in np.flatnonzero(_has(table, _codes(text))).tolist()]


def _width_folds(text: str) -> tuple[list[int], list[int]]:
    """Where the full-width ASCII forms (U+FF01-FF5E) are and the ASCII code point each
    folds to (found with numpy: ~190 a plan)."""
    codes = _codes(text)
    at = np.flatnonzero((codes >= 0xFF01) & (codes <= 0xFF5E))
    return at.tolist(), (codes[at] - 0xFEE0).tolist()


# A scan's text (OCR) misreads in numbers: a letter in a run of digits (1O0%, l00%, 2O23年),
# 曰 for the 日 after a number, 一 for the dash between two years (2021一2025)
_OCR_RUN = re.compile(r"(?<![A-Za-z])[0-9OolI]*[0-9][0-9OolI]*(?![A-Za-z])")
_OCR_HINT = re.compile(r"[0-9][OolI]|[OolI][0-9]|[0-9]曰|[0-9]{4}[ \t]*一[ \t]*[0-9]{4}")
_OCR_DIGIT = {"O": ord("0"), "o": ord("0"), "l": ord("1"), "I": ord("1")}
_OCR_DASH = re.compile(r"(?<=[0-9]{4})[ \t]*(一)[ \t]*(?=[0-9]{4})")


def _ocr_folds(text: str) -> tuple[list[int], list[int]]:
    """Where a scan's text misread a number's characters, and the code point each is (see
    ``_OCR_RUN``): a letter only inside a run of at least two digits it is the most of, no
    Latin letter beside it (ISO9001, O2O stay)."""
    at: list[int] = []
    new: list[int] = []
    for m in _OCR_RUN.finditer(text):
        run = m.group()
        letters = [i for i, c in enumerate(run) if c in _OCR_DIGIT]
        if letters and len(run) - len(letters) >= 2 and len(letters) * 2 < len(run):
            at += [m.start() + i for i in letters]
            new += [_OCR_DIGIT[run[i]] for i in letters]
    for m in re.finditer(r"(?<=[0-9])曰", text):
        at.append(m.start())
        new.append(ord("日"))
    for m in _OCR_DASH.finditer(text):
        at.append(m.start(1))
        new.append(ord("—"))
    order = sorted(range(len(at)), key=at.__getitem__)
    return [at[i] for i in order], [new[i] for i in order]


def is_standalone_line(line: str, full_width: int | None = None) -> bool:
    """A line that stands on its own: a bare heading, a label line, a title, a date, a
    notice's title (关于印发《…》的通知), a table's row (cells | cells), a file's name; not one
    that leaves a 《 or a period's ( open, nor, in a text hard-wrapped at one width, a full
    line (a heading's or an item's the width broke, a label's broken inside its last name:
    责任单位:县教育局、县民 / 宗局)."""
    full = full_width is not None and len(line) >= full_width  # the width broke it
    if match_marker(line) and "。" not in line and not full:
        return True
    if LABEL_LINE.match(line) and not (full and not line.endswith(_name_ends())):
        return True
    if NOTICE_TITLE.search(line) or TABLE_CELLS in line or FILE_NAME.search(line):
        return True
    if "《" in line and line.count("《") > line.count("》") or OPEN_PERIOD.search(line):
        return False  # a title the line width broke: …关于征求《大 / 渡口区…(2021—2025 / 年)》
    if RUNNING_TEXT.search(line):
        return False
    # a long title's line (or its second half: …〉的实施方案》的实施方案) ends in a plan's word
    if len(line) <= TITLE_LINE_MAX and line.endswith(_title_words()) or CLOSED_PERIOD.search(line):
        return True
    return len(line) <= STANDALONE_MAX and (full_width is None or len(line) < full_width)


@functools.cache
def _name_ends() -> tuple[str, ...]:
    """How an organisation's name, and so a label's line, ends (vocab/agency_roles.yaml
    org_suffixes, 部门, 单位…)."""
    suffixes = load_yaml("agency_roles.yaml")["org_suffixes"]
    return (*suffixes, "部门", "单位", "协会", "学会", "支行", "党委", ")", "）")


FILE_NAME = re.compile(r"\.(?:docx?|pdf|wps|txt|xlsx?)$", re.I)  # a copy's file name line
TABLE_CELLS = " | "  # how the readers part a table row's cells (pipeline/read/tables.py)
CLOSED_PERIOD = re.compile(r"\((?:19|20)\d{2}[—–\-－―~～至到]+(?:19|20)\d{2}年?\)$")
# A text hard-wrapped at one width (a document site's copy of a PDF: 28 characters a line in
# an official document, give or take spaces and half-width digits): at least this share of
# its lines fall within WRAP_WINDOW characters of each other, the window's shortest being a
# full line, broken by the width, whatever it holds.
WRAP_SHARE = 0.4
WRAP_WINDOW = 7
WRAP_MIN_LINES = 20
WRAP_MIN_WIDTH = 18  # narrower, the window would hold a page's short lines of labels and links


def wrap_width(lengths: list[int]) -> int | None:
    """The length from which a line of a hard-wrapped text is a full one (see WRAP_SHARE),
    None when the text is not wrapped at a width a short line could be confused with."""
    if len(lengths) < WRAP_MIN_LINES:
        return None
    counts = Counter(n for n in lengths if n <= STANDALONE_MAX + WRAP_WINDOW)
    best, best_count = None, 0
    for start in range(WRAP_MIN_WIDTH, STANDALONE_MAX + 1):
        count = sum(counts[start + k] for k in range(WRAP_WINDOW))
        if count > best_count:
            best, best_count = start, count
    return best if best_count >= WRAP_SHARE * len(lengths) else None


TITLE_LINE_MAX = 70  # a line ending in a plan's word, without running-text punctuation


@functools.cache
def _title_words() -> tuple[str, ...]:
    """Words a plan's title ends in, or a page's explaining one (vocab/plan_types.yaml), for
    ``str.endswith``."""
    vocab = load_yaml("plan_types.yaml")
    return (*vocab["title_words"], *vocab["interpretation_words"])


_ENDINGS = tuple(SENTENCE_END)  # for ``endswith``: no string made of the last character
_NOTE_CLOSERS = tuple(")）〕】]")


@functools.cache
def _note_ends_line() -> re.Pattern[str]:
    """A line ending in a bracketed note after its sentence's end (…尽责。(省委编办牵头,…)), or
    in a note of who does it ((…按职责分工负责), 〔…牵头〕: vocab note_role_words): its
    paragraph ends there."""
    words = _role_words("note_role_words")
    return re.compile(rf"(?:[。;!?][ \t]*[(（〔【\[][^\n]{{1,120}}|(?:{words}))[)）〕】\]][ \t]*$")


# A line opening with one of these goes on with the line before it (…达到100% / ;到2023年,
# 县法院 / 、县检察院, …中心 / ))
CONTINUATION_START = tuple(",，;；、)）》”’〉】〕")


def _open_bracket(line: str) -> bool:
    return line.count("(") + line.count("（") > line.count(")") + line.count("）")


def breaks_mid_sentence(before: str, after: str, full_width: int | None = None) -> bool:
    """True when the line break between two non-blank lines falls inside a sentence
    (``full_width``: where the text's lines were hard-wrapped, see ``wrap_width``)."""
    if after.startswith(CONTINUATION_START) and TABLE_CELLS not in before:
        return True
    if TABLE_CELLS in after:
        return False
    if full_width and len(before) >= full_width and _open_bracket(before):
        return True  # a note the width broke inside its brackets: (牵 / 头单位:…;责 / 任单位:…)
    if before.endswith(_ENDINGS) or is_standalone_line(before, full_width):
        return False
    if before.endswith(_NOTE_CLOSERS) and _note_ends_line().search(before):
        return False
    return not (match_marker(after) or LABEL_LINE.match(after) or PAREN_ONLY.match(after))


def _line_spans(text: str) -> list[Span]:
    """Join lines broken mid-sentence; collapse blank-line runs between paragraphs."""
    # each non-blank line once: start, end, stripped, end without trailing spaces, start
    # without leading ones (each line is read as the second of one pair, the first of the next)
    # (split once rather than a match per line; the spaces around a line measured on its
    # stripped copy: what precedes its first character, which is no space, is spaces)
    lines = []
    start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = line.find(stripped[0]) if len(stripped) < len(line) else 0
            lines.append((start, stripped, start + lead + len(stripped), start + lead))
        start += len(line) + 1
    if not lines:
        return [(0, len(text), "", "blank_line")] if text else []
    spans: list[Span] = []
    if lines[0][3]:
        spans.append((0, lines[0][3], "", "blank_line"))
    full_width = wrap_width([len(line[1]) for line in lines])
    for (_, before, gap_start, _), (_, after, _, gap_end) in zip(lines, lines[1:], strict=False):
        if breaks_mid_sentence(before, after, full_width):
            spans.append((gap_start, gap_end, "", "line_join"))
        elif text[gap_start:gap_end] != "\n":
            spans.append((gap_start, gap_end, "\n", "blank_line"))
    last_end = lines[-1][2]
    if last_end < len(text):
        spans.append((last_end, len(text), "", "blank_line"))
    return spans


# SPACES' characters: finding their runs with numpy took a third of the regex's scan
_SPACE = _is_in(_SPACE_CHARS)


def _space_runs(text: str) -> list[tuple[int, int]]:
    """Start and end of every run of ``SPACES`` in ``text``, as ``SPACES.finditer`` finds."""
    edges = np.flatnonzero(np.diff(_has(_SPACE, _codes(text)), prepend=False, append=False))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _space_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for start, end in _space_runs(text):
        left = text[start - 1] if start > 0 else "\n"
        right = text[end] if end < len(text) else "\n"
        keep = "\n" not in (left, right) and (
            bool(LATIN.match(left) or LATIN.match(right)) or (left.isdigit() and right.isdigit())
        )
        if keep and _acronym_beside_chinese(text, start, end, left, right):
            keep = False
        spans.append((start, end, " " if keep else "", "space"))
    return spans


def _acronym_beside_chinese(text: str, start: int, end: int, left: str, right: str) -> bool:
    """Whether the space stands between Chinese and a word in capitals (XX 市, APP 掌上): a
    PDF's justified line or a page's typography puts it there, the plan does not (a word in
    small letters, 检查 and 隐患, keeps its spaces)."""
    if LATIN.match(left) and not ASCII_WORD.match(right) and right > "\x7f":
        word_start = start
        while word_start and ASCII_WORD.match(text[word_start - 1]):
            word_start -= 1
        return UPPER_WORD.fullmatch(text, word_start, start) is not None
    if LATIN.match(right) and not ASCII_WORD.match(left) and left > "\x7f":
        m = ASCII_WORDS.match(text, end)
        return m is not None and UPPER_WORD.fullmatch(m[0]) is not None
    return False


def raw_offset(edits: Iterable[Edit], norm_pos: int) -> int:
    """Offset in the raw text of the character at ``norm_pos`` of the normalized text."""
    shift = 0
    for edit in edits:  # sorted by raw offset, so also by normalized offset
        if edit.norm_start + len(edit.inserted) > norm_pos:
            break
        shift += (edit.raw_end - edit.raw_start) - len(edit.inserted)
    return norm_pos + shift


def normalize(raw: str) -> Normalized:
    """Canonical text of a decoded plan plus the log of every edit (see module docstring)."""
    t = _Tracker(raw)
    t.apply(_regex_spans("newline", re.compile(r"\r\n?"), t.text, "\n"))
    t.apply(_char_spans("invisible", _INVISIBLE, t.text))
    t.replace_chars("radical", *radical_folds(t.text))
    t.apply(pinyin_spans(t.text))
    mojibake = _pattern_spans("mojibake", load_yaml("mirror.yaml")["mojibake"], t.text)
    t.apply(repair_misread_headings(mojibake, t.text))
    t.apply(t2s_spans(t.text))
    t.apply(_pattern_spans("junk", load_yaml("junk.yaml"), t.text))
    t.apply(_running_header_spans(t.text))
    t.replace_chars("width", *_width_folds(t.text))
    if _OCR_HINT.search(t.text):
        t.replace_chars("ocr", *_ocr_folds(t.text))
    t.apply(_page_chunk_spans(t.text))
    t.apply(_heading_break_spans(t.text))
    t.apply(_first_child_spans(t.text))
    t.apply(_sibling_break_spans(t.text))
    t.apply(_label_break_spans(t.text))
    t.apply(_note_heading_spans(t.text))
    t.apply(_notice_break_spans(t.text))
    t.apply(_regex_spans("list_marker", LIST_MARKER, t.text))
    t.apply(_line_spans(t.text))
    t.apply(_space_spans(t.text))
    return t.result()
