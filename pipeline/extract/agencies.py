"""Find the agencies a plan assigns to each task, and resolve their names.

Plans name agencies in two ways. Many (e.g. the 西安区 plan) print role lines after each task,
such as ``牵头单位:区委宣传部、区司法局`` or ``参加单位:区直各部门``; those give the roles
``lead`` / ``responsible`` / ``participating`` of the contract's ``measure_agencies`` table.
Others only say who acts inside the sentence (``市司法局应于每年4月前…``); that gives the role
``named_in_text``, which we extract with high precision (a clause-initial organisation name
followed by a modal or action word), because a wrong actor is worse than a missing one.

Names are kept exactly as printed (``name_raw``) and resolved separately: typos and short forms
go through ``vocab/agency_aliases.csv`` (``区为政法委`` -> ``区委政法委``), a trailing second
plate in brackets is dropped (``区农业农村局(区林业局)`` -> ``区农业农村局``), and groups such
as ``区直各部门`` are flagged ``is_generic`` by the patterns in ``vocab/agency_roles.yaml``.
Aliases are kept conservative on purpose: a name is only rewritten when the vocabulary says so,
so that the same printed name always gives the same agency across plans.

All functions are pure; the vocabularies are data that reviewers can change without Python.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from pipeline.vocab import load_csv, load_yaml

ROLES_FILE = "agency_roles.yaml"
ALIASES_FILE = "agency_aliases.csv"


def _roles_vocab() -> dict:
    return load_yaml(ROLES_FILE)


def _role_by_label() -> dict[str, str]:
    out: dict[str, str] = {}
    for role, labels in _roles_vocab()["role_labels"].items():
        for label in labels:
            out[label] = role
    return out


ROLE_BY_LABEL: dict[str, str] = _role_by_label()

# Longest label first, so that 牵头单位 wins over 牵头.
_LABEL_ALT = "|".join(re.escape(lb) for lb in sorted(ROLE_BY_LABEL, key=len, reverse=True))
# A label followed by a colon, at the start of the line or after a separator; a label of
# three characters or more also right after a name (牵头单位:市司法局 责任单位:… loses its
# space in normalization: 市司法局责任单位:…).
_LONG_LABELS = "|".join(
    re.escape(lb) for lb in sorted(ROLE_BY_LABEL, key=len, reverse=True) if len(lb) >= 3
)
_LABEL_RE = re.compile(
    rf"(?:^|(?<=[;；,，。、\s])|(?=(?:{_LONG_LABELS})\s*[:：]))({_LABEL_ALT})\s*[:：]\s*"
)
_DEADLINE_LABELS = sorted(_roles_vocab().get("deadline_labels") or [], key=len, reverse=True)
_OTHER_LABELS = _DEADLINE_LABELS + (_roles_vocab().get("other_labels") or [])
_OTHER_LABEL_RE = re.compile("(?:" + "|".join(re.escape(lb) for lb in _OTHER_LABELS) + r")\s*[:：]")
# A deadline label and its colon where a label may stand: at the start, after a separator or
# an opening bracket, or (three characters or more) right after a name, as role labels
_DEADLINE_LABEL_RE = re.compile(
    r"(?:^|(?<=[;；,，。、\s(（【\[〔])|(?="
    + "|".join(re.escape(lb) for lb in _DEADLINE_LABELS if len(lb) >= 3)
    + "))(?:"
    + "|".join(re.escape(lb) for lb in _DEADLINE_LABELS)
    + r")\s*[:：]\s*"
)
_OPEN = "(（【[〔"
_CLOSE = ")）】]〕"
_NAME_SEPARATORS = "、,，;；"
_BRACKET = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")
_OPENING = re.compile("[" + re.escape(_OPEN) + "]")
_NAME_BREAK = re.compile("[" + re.escape(_NAME_SEPARATORS) + "等]")


def _norm(text: str) -> str:
    """NFKC and no whitespace: the form names are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _unwrap(line: str) -> str:
    """Drop surrounding blanks, one pair of enclosing brackets and trailing 。;."""
    s = line.strip()
    if len(s) >= 2 and s[0] in _OPEN and s[-1] in _CLOSE:
        s = s[1:-1].strip()
    return s.rstrip("。;；.,，、 ")


def _split_names(text: str) -> list[str]:
    """Split a list of names on 、 , ， ; ； and 等, outside brackets; drop empties."""
    # most lists open no bracket: every separator is outside one, and a regex split will do
    names = _split_outside_brackets(text) if _OPENING.search(text) else _NAME_BREAK.split(text)
    out: list[str] = []
    for n in names:
        n = n.strip().strip("。.")
        if n:
            out.extend(_split_glued(n))
    return _places_joined(out, text) if "各" in text else out


_BARE_GROUP = re.compile(r"各[省市区县州盟旗]")  # 各市 of 各市、县人民政府 (各乡镇 is a group)
_BARE_LEVEL = re.compile(r"[省市区县州盟旗]")  # its 市 of 各县、市、区人民政府
_LEVEL_NAME = re.compile(r"[省市区县州盟旗](?!直)")  # 县人民政府, not 县直各部门


def _places_joined(names: list[str], text: str) -> list[str]:
    """Names a 、 parted inside one group's places joined back: 各市、县人民政府 is one group
    (each city's and county's government), not 各市 and 县人民政府; 各乡镇、县直各部门 are two."""
    out: list[str] = []
    for name in names:
        last = out[-1] if out else ""
        open_group = _BARE_GROUP.fullmatch(last.split("、")[0]) and all(
            _BARE_LEVEL.fullmatch(part) for part in last.split("、")[1:]
        )
        if open_group and _LEVEL_NAME.match(name) and f"{last}、{name}" in text:
            out[-1] = f"{last}、{name}"
        else:
            out.append(name)
    return out


def _split_outside_brackets(text: str, separators: str = _NAME_SEPARATORS + "等") -> list[str]:
    """Split on ``separators`` (、 , ， ; ； and 等) where no bracket is open."""
    names: list[str] = []
    buf: list[str] = []
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if depth == 0 and ch in separators:
            names.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    names.append("".join(buf))
    return names


def _split_glued(name: str) -> list[str]:
    """Split names the normalizer glued together when the plan separated them by spaces only.

    '区委宣传部区司法局' → ['区委宣传部', '区司法局']: a cut falls where the left part ends with
    an organisation suffix, the right part opens with a jurisdiction (区/市/县/省…) and also ends
    with an organisation suffix. Names with brackets are left alone, and so is 市委市直机关工委.
    """
    if _BRACKET.search(name):
        return [name]
    suffixes = _org_suffixes()
    for i in range(2, len(name) - 2):  # the right part has at least 3 characters
        # it opens with a jurisdiction (most characters do not: no slices for them)
        if name[i] not in "省市区县州盟旗" or name[i + 1] == "直":
            continue
        left, right = name[:i], name[i:]
        if left.endswith(suffixes) and right.endswith(suffixes):
            return [left, *_split_glued(right)]
    return [name]


def parse_role_segments(line: str) -> list[tuple[str, list[str]]]:
    """Every (role, names) on a role line, in order.

    Handles the usual one-label line and lines that carry several labels, such as
    ``牵头单位:区司法局;配合单位:区直各部门`` or ``(责任单位:市司法局)``. Returns [] when the
    line does not start with a role label followed by a colon.
    """
    if ":" not in line and "：" not in line:
        return []  # every label ends in a colon
    return [(role, list(names)) for role, names in _role_segments(line)]


@functools.lru_cache(maxsize=4096)  # a plan's role lines are read for measures and for roles
def _role_segments(line: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    s = _unwrap(line)
    matches = list(_LABEL_RE.finditer(s))
    if not matches or matches[0].start() != 0:
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(s)
        other = _OTHER_LABEL_RE.search(s, m.end(), end)
        names = _split_names(s[m.end() : other.start() if other else end])
        names = [_without_duty_words(n) for n in names]
        out.extend(_with_lead_marks(ROLE_BY_LABEL[m.group(1)], names))
    return tuple(out)


@functools.cache
def _duty_words() -> tuple[str, ...]:
    """Words on the division of duties that may end a labeled list (…乡镇人民政府按职责分工
    分别负责): the responsible role words of unlabeled notes, longest first."""
    return tuple(sorted(_roles_vocab()["note_role_words"]["responsible"], key=len, reverse=True))


def _without_duty_words(name: str) -> str:
    """``name`` without the duty words it ends with (乡镇人民政府按职责分工分别负责 -> 乡镇人民
    政府), unless nothing of a name would be left."""
    if not name.endswith(_duty_words()):
        return name
    word = next(w for w in _duty_words() if name.endswith(w))
    return name[: -len(word)] if len(name) - len(word) >= 2 else name


@functools.cache
def _lead_marks() -> tuple[str, ...]:
    return tuple(_roles_vocab()["lead_marks"])


def _with_lead_marks(role: str, names: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(role, names), the names marked 市司法局(牵头) taken out as lead, without the mark."""
    marks = _lead_marks()
    if role == "lead" or not any(n.endswith(marks) for n in names):
        return [(role, tuple(names))]
    leads = [n[: n.rindex("(")] for n in names if n.endswith(marks)]
    rest = tuple(n for n in names if not n.endswith(marks))
    return [("lead", tuple(leads))] + ([(role, rest)] if rest else [])


@functools.cache
def _note_role_words() -> tuple[tuple[str, str], ...]:
    """(word, role) of the role words of unlabeled notes, longest word first."""
    pairs = [(w, role) for role, ws in _roles_vocab()["note_role_words"].items() for w in ws]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@functools.lru_cache(maxsize=4096)
def parse_unlabeled_note(note: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(role, names) of a bracketed note that names agencies without labels, or ().

    ``(市司法局牵头,市发展改革委、市财政局配合)`` -> lead 市司法局, participating the other two;
    ``(市司法局、市人社局按职责分工负责)``, ``(市委农办、各县(市、区)党委和政府)``: responsible.
    Parts are split at , and ; outside brackets; each is a list of names, then at most one
    role word (``note_role_words``). Every name must look like an organisation (a
    jurisdiction, then an organisation ending) or a group of them: anything else in the
    brackets (an explanation, a date, a number) and the note is none."""
    s = note.strip()
    if len(s) < 4 or s[0] not in _OPEN or s[-1] not in _CLOSE:
        return ()
    if any(w in s for w in _roles_vocab()["note_never_contains"]):
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []
    caveats = tuple(_roles_vocab()["note_caveats"])
    for part in _split_outside_brackets(s[1:-1].rstrip("。."), ",，;；"):
        part = part.strip()
        if not part or part.startswith(caveats):
            continue
        role = "responsible"
        for word, word_role in _note_role_words():
            if part.endswith(word):
                part, role = part[: -len(word)], word_role
                break
        names = [half for name in _split_names(part) for half in _split_and(name)]
        if not names or not all(_looks_like_org(n) or _looks_like_group(n) for n in names):
            return ()
        out.append((role, tuple(names)))
    return tuple(out)


def _split_and(name: str) -> list[str]:
    """The two names ``name`` joins with 和 when each half is one (省直各部门(单位)和市(州)
    人民政府, 市司法局和市财政局), else ``name`` (各县(市、区)党委和政府, 市住房和城乡建设局)."""
    if "和" not in name:
        return [name]
    halves = list(name.partition("和")[::2])
    if all(_looks_like_org(h) or _looks_like_group(h) for h in halves):
        return halves
    return [name]


_PLACES_GROUP = re.compile(r"各[省市区县州盟旗乡镇街道()、]+")  # 各县市区, 各乡镇(街道)


def _looks_like_group(name: str) -> bool:
    """A group of agencies as notes name them: 各区县人民政府, 市直有关部门, 各县市区,
    省直各部门(单位) (its second word in brackets)."""
    if not is_generic_name(name):
        return False
    ends = (*_org_suffixes(), "部门", "单位", "党委和政府")
    bare = _SECOND_WORD.sub("", name)
    return bare.endswith(ends) or _PLACES_GROUP.fullmatch(name) is not None


# a group's second word in brackets: 省直各部门(单位), 各市(地)党委和政府(行署) (a prefecture's
# administrative office where there is no city)
_SECOND_WORD = re.compile(r"(?:(?<=部门)\((?:单位|机构)\)|(?<=政府)\(行署\))$")


def role_note_start(line: str) -> int | None:
    """Where a bracketed role note that ends a task line starts, or None.

    Many plans print the agencies at the end of the task itself:
    ``…建立健全工作机制。(牵头单位:市司法局;责任单位:各区政府)``, or without labels,
    ``…。(市司法局牵头,市财政局配合)``. The note is not part of the task's text;
    ``note_segments(line[start:])`` reads it.
    """
    s = line.rstrip()
    if s.endswith("。") and s[-2:-1] in _CLOSE:  # …制度(市司法局负责)。: the note is the same
        s = s[:-1]
    if not s or s[-1] not in _CLOSE:
        return open_note_start(s)
    depth = 0
    for i in range(len(s) - 1, -1, -1):
        if s[i] in _CLOSE:
            depth += 1
        elif s[i] in _OPEN:
            depth -= 1
            if depth == 0:
                return i if i > 0 and note_segments(s[i:]) else None
    return None


_OPEN_NOTE = re.compile(
    rf"[{re.escape(_OPEN)}](?=(?:{_LABEL_ALT})\s*[:：])[^{re.escape(_OPEN + _CLOSE)}]*$"
)


def open_note_start(line: str) -> int | None:
    """Where a labeled role note left open at the end of ``line`` starts (…常态化。(责任单位:
    县委办、县政府办: a copy cut off inside it), or None."""
    m = _OPEN_NOTE.search(line) if ":" in line or "：" in line else None
    return m.start() if m and m.start() > 0 else None


def note_segments(note: str) -> list[tuple[str, list[str]]]:
    """(role, names) of a role note, labeled (牵头单位:…) or not (市司法局牵头,…); a note
    before its sentence's full stop ("…制度(市司法局负责)。") is read without it."""
    note = note.rstrip().removesuffix("。")
    if note[:1] in _OPEN and note[-1:] not in _CLOSE:  # a note left open (open_note_start)
        note = note[1:]
    labeled = parse_role_segments(note)
    if labeled:
        return labeled
    return [(role, list(names)) for role, names in parse_unlabeled_note(note)]


def deadline_spans(line: str) -> list[tuple[int, int]]:
    """Where ``line`` states a task's deadline after a deadline label (完成时限:2022年底前 ->
    the span of 2022年底前): each value runs to the next label or the line's end, without
    the separators and closing brackets that end it. A role line, a role note or a line of
    its own may hold one; what it states is a target of the task, not a task."""
    spans: list[tuple[int, int]] = []
    for m in _DEADLINE_LABEL_RE.finditer(line):
        end = len(line)
        for label in (_LABEL_RE, _OTHER_LABEL_RE):
            nxt = label.search(line, m.end())
            if nxt is not None:
                end = min(end, nxt.start())
        value = line[m.end() : end].rstrip("。;；.,，、 \t" + _CLOSE)
        if value:
            spans.append((m.end(), m.end() + len(value)))
    return spans


def starts_with_deadline(line: str) -> int | None:
    """Where the rest of ``line`` starts when it opens with a deadline label and its value
    (完成时限:2022年底前;责任单位:…: the position of 责任单位), or None."""
    m = _DEADLINE_LABEL_RE.match(line)
    if m is None:
        return None
    spans = deadline_spans(line)
    rest = spans[0][1] if spans and spans[0][0] == m.end() else m.end()
    while rest < len(line) and line[rest] in "。;；.,，、 \t" + _CLOSE:
        rest += 1
    return rest


def role_segments_of_line(line: str) -> list[tuple[str, list[str]]]:
    """Roles a body line assigns: a whole role line, or a role note ending a task line."""
    segments = parse_role_segments(line)
    if segments:
        return segments
    start = role_note_start(line)
    return note_segments(line[start:]) if start is not None else []


def parse_role_line(line: str) -> tuple[str, list[str]] | None:
    """('lead', ['区委宣传部', '区司法局']) for '牵头单位:区委宣传部、区司法局'.

    None if the line is not a role line.

    Names are returned exactly as printed (name_raw), split on 、 , ， ; and 等 (drop empties).
    A line with several labels returns the first one; use parse_role_segments for all of them.
    """
    segments = parse_role_segments(line)
    return segments[0] if segments else None


@dataclass(frozen=True)
class Agency:
    """An agency as the release's ``agencies`` table holds it."""

    name: str
    is_generic: bool


@functools.cache
def _aliases() -> dict[str, str]:
    return {_norm(r["alias"]): _norm(r["canonical"]) for r in load_csv(ALIASES_FILE)}


@functools.cache
def _generic_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _roles_vocab()["generic_patterns"])


@functools.cache
def _org_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_roles_vocab()["org_suffixes"], key=len, reverse=True))


def is_generic_name(name: str) -> bool:
    """True when the name denotes a group of agencies (区直各部门, 各级各部门, 有关单位 ...)."""
    n = _norm(name)
    return any(p.search(n) for p in _generic_res())


_TRAILING_PLATE = re.compile(r"^(.+?)\(([^()]+)\)$")


def forget_sentences() -> None:
    """Drop the memo of role lines (extract_rows calls this before each plan), as
    ``targets.forget_sentences``; resolved agency names, a vocabulary, are kept."""
    _role_segments.cache_clear()


@functools.lru_cache(maxsize=4096)  # each name recurs on many measures
def canonical_agency(name_raw: str) -> Agency:
    """Resolve typos/aliases through vocab/agency_aliases.csv (区为政法委, 区政法委 → 区委政法委).

    is_generic flags groups (区直各部门, 全区各执法部门, 区直相关部门, 各级各部门, 市直各单位 …)
    through the generic_patterns of vocab/agency_roles.yaml. A trailing bracket that holds a
    second organisation name (the other plate of the same body) is dropped:
    区农业农村局(区林业局) → 区农业农村局; a bracket that is part of the name stays (各乡镇(街道)).
    """
    aliases = _aliases()
    n = _norm(name_raw)
    n = aliases.get(n, n)
    m = _TRAILING_PLATE.match(n)
    if m and m.group(2).endswith(_org_suffixes()):
        n = aliases.get(m.group(1), m.group(1))
    return Agency(name=n, is_generic=is_generic_name(n))


# --- agencies named as the actor of a clause ------------------------------------------------

_BREAKS = ",，;；:：。!！?？"
_CLAUSE_BREAK = re.compile(f"[{_BREAKS}]")
# Heading labels that may open a sentence: 一、 (二) （二十六） 3. 4、
_LABEL = r"[一二三四五六七八九十百]+、|[(（][一二三四五六七八九十百]+[)）]|\d+[.、．](?!\d)"
_LEADING_LABEL = re.compile(f"^(?:{_LABEL})")
# A name opens with a jurisdiction: 市 区 县 …, a place name ending in one (海口市, 西安区,
# XX市), or 中共/共青团/团; bare 市/区 are also valid list members (市、区政府).
_JURISDICTION = (
    r"中共|共青团|团[省市区县]委|"
    r"[省市区县州盟旗镇乡]|"
    r"(?:[\u4e00-\u9fff]{1,5}?|[X*＊]{1,4})(?:自治区|自治州|省|市|区|县|州|盟|旗|镇|乡|街道)"
)
_JURISDICTION_START = re.compile(f"^(?:{_JURISDICTION})")
# A character every jurisdiction above holds (中共 and 共青团 共, 街道 街, each other one of
# 省市区县州盟旗镇乡): a sentence with none of them names no actor (~60% of sentences).
_JURISDICTION_CHAR = re.compile("[省市区县州盟旗镇乡共街]")
# Where a clause may name its actor: what ``_clause_actors`` steps over (a label, 由), then
# a jurisdiction, at the sentence's start or after a break. Every clause it finds an actor in
# starts there (none of these characters is a break, so the pattern reads the clause as the
# clause alone would); one scan of the sentence spares a call for each of the other clauses
# (~90% of them).
_ACTOR_OPENING = f"(?:{_LABEL})?由?(?={_JURISDICTION})"
_ACTOR_AT_START = re.compile(_ACTOR_OPENING)
_ACTOR_AFTER_BREAK = re.compile(f"[{_BREAKS}]{_ACTOR_OPENING}")
_BARE_JURISDICTION = re.compile(r"^[省市区县州盟旗镇乡]$")


_GROUP_TAIL = re.compile(r"等(?:部门|单位|成员单位|相关部门|有关部门)?$")
_FUNCTION_CHARS = set("向对在将把为从按由的于要应被使让给与及并")


def _looks_like_org(name: str) -> bool:
    place = _JURISDICTION_START.match(name)
    if not place and name in _placeless_departments():  # 司法厅: a province's, no place
        return True
    if not place and name.startswith(_placeless_prefixes()):  # 人民银行…中心支行
        return 4 <= len(name) <= 30 and name.endswith(_org_suffixes())
    if not 2 <= len(name) <= 30 or not place or _FUNCTION_CHARS & set(place.group(0)):
        return False
    if not name.endswith(_org_suffixes()):
        return False
    if re.search(r"[0-9《》“”\"的]", name):
        return False
    # a name never opens with a predicate: in 完善市场监管局负责的… 完善市 is no place name
    return not name.startswith(tuple(_roles_vocab()["actor_never_starts_with"]))


@functools.cache
def _placeless_prefixes() -> tuple[str, ...]:
    return tuple(_roles_vocab()["placeless_prefixes"])


@functools.cache
def _placeless_departments() -> frozenset[str]:
    """Departments printed without their place (司法厅: ``placeless_departments``)."""
    return frozenset(_roles_vocab()["placeless_departments"])


@functools.cache
def _cue_re() -> re.Pattern[str]:
    vocab = _roles_vocab()
    cues = sorted(vocab["actor_cues"], key=len, reverse=True)
    return re.compile("|".join(re.escape(c) for c in cues))


@functools.cache
def _cue_exceptions() -> tuple[str, ...]:
    return tuple(_roles_vocab()["actor_cue_exceptions"])


def _clause_actors(clause: str, offset: int, include_generic: bool) -> list[tuple[str, int, int]]:
    """Actors at the start of one clause; offsets are shifted by ``offset``."""
    lead = 0
    label = _LEADING_LABEL.match(clause)
    if label:
        lead = label.end()
    if clause.startswith("由", lead):
        lead += 1
    if not _JURISDICTION_START.match(clause[lead:]):
        return []  # every name found below starts at ``lead`` with a jurisdiction
    for cue in _cue_re().finditer(clause, lead):
        if cue.start() - lead > 40:
            break
        if clause.startswith(_cue_exceptions(), cue.start()):
            continue
        head = _GROUP_TAIL.sub("", clause[lead : cue.start()])  # X、Y等部门要…: X and Y
        if not head:
            continue
        parts: list[tuple[str, int]] = []
        pos = lead
        for piece in head.split("、"):
            parts.append((piece, pos))
            pos += len(piece) + 1
        named = [(p, s) for p, s in parts if not _BARE_JURISDICTION.match(p)]
        if not named or not all(_looks_like_org(p) for p, _ in named):
            continue
        out = []
        for p, s in named:
            if include_generic or not is_generic_name(p):
                out.append((p, offset + s, offset + s + len(p)))
        return out
    return []


def agencies_named_in_text(
    sentence: str, include_generic: bool = False
) -> list[tuple[str, int, int]]:
    """(name_raw, start, end) for agencies named as the actor of a clause.

    For plans without role lines: '市司法局应于每年4月前向市委、市政府报告…' → 市司法局;
    '市综合行政执法局每年开展不少于2次…' → 市综合行政执法局. High precision: only a
    clause-initial organisation name (opening with a jurisdiction such as 市/区/海口市 and ending in
    局/委/办/院/部/厅/委员会/政府/法院/检察院/… from vocab org_suffixes) directly followed by a
    modal or action cue (要/应/应当/负责/每年/牵头/…); 由X牵头 and lists X、Y要 are accepted.
    Groups such as 各级政府 are skipped unless include_generic is true.
    """
    out: list[tuple[str, int, int]] = []
    if not _JURISDICTION_CHAR.search(sentence) or not _cue_re().search(sentence):
        return out  # an actor opens with a jurisdiction and is always followed by a cue
    starts = [0] if _ACTOR_AT_START.match(sentence) else []
    starts += [m.start() + 1 for m in _ACTOR_AFTER_BREAK.finditer(sentence)]
    for start in starts:
        stop = _CLAUSE_BREAK.search(sentence, start)
        clause = sentence[start : stop.start() if stop else len(sentence)]
        out.extend(_clause_actors(clause, start, include_generic))
    return out
