"""A plan's own title, in every form real pages print it.

Real copies of a plan rarely open with its bare title. They wrap it in a cover notice
(中共X省委 X省人民政府关于印发《…》的通知), a news lead-in (近日，市委、市政府印发了《…》;
【重庆】《…》发布; 《…》全文如下), a disclosure table (标题:…, 名称:…), or split it over two
or three lines (title / (2021—2025年) / (征求意见稿)). Two kinds of candidates are read from
the text before the first heading: a standalone title line (joined with the lines that
complete it) and a name in 《》 that a lead-in or notice introduces as the document itself.
The standalone line is the plan's own print; a quoted name that completes it (adds the period
it lacks) wins. Draft markers are left out of the title (``status`` carries them); a title is
only a title if it names the rule-of-law family and ends in a document word (实施方案, 规划,
意见…).
"""

from __future__ import annotations

import functools
import re

from pipeline.text.headings import BODY_OPENING
from pipeline.vocab import load_yaml

TITLE_MAX = 80  # a title citing two documents runs to 75 characters
PERIOD_LINE = re.compile(
    r"^\(?((?:19|20)\d{2})[ \t]*[—–\-－―~～至到]*[ \t]*((?:19|20)\d{2})年?\)?$"
)
DRAFT = re.compile(r"\((?:征求意见稿|征求意见版|送审稿|草案|讨论稿|修改稿)\)")
TRAILING_PARENS = re.compile(r"(?:\([^()]*\))+$")
CHROME = re.compile(r"[»>|]|首页|当前位置|所在位置|您的位置")
# 《X》 introduced as the document itself: by a verb before it, or words after it.
QUOTED = re.compile(
    r"(?:印发|转发|下发|发布|公布|出台|通过|编制实施|起草|征求|现将|召开)了?《(?P<a>[^《》]+)》"
    r"|《(?P<b>[^《》]+)》(?:全文如下|主要内容如下|全文|发布|印发给|已经|\(以下简称|由会员分享)"
    r"|^《(?P<c>[^《》]+)》$"
)
BARE_NOTICE = re.compile(r"关于印发(?P<t>[^《》,。]+?)的通知")
LABEL = re.compile(r"^(?:[^:]{0,12}[:|])")
DOC_SHARE = re.compile(r"(?:参考范文|范文参考|范文)?\.(?:docx?|pdf|wps|txt)$")
# a page's number after a title: X方案_第1页 (a preview's), X方案(2021—2025年)(2) (a CMS's
# second page of one plan)
PAGE_SUFFIX = re.compile(r"_第\d+页$|(?<=年\))\(\d\)$")
SUBTITLE_DASH = re.compile(r"^(?:——|—|--)")
# 贯彻落实《法治政府建设实施纲要(…)》实施方案, 关于贯彻《A》和《B》的实施方案: a title that cites
# documents, not a lead-in
# 中共X省委印发法治X建设规划(…): a news headline, the issuer and its verb before the title
HEADLINE_VERB = re.compile(r"^[^《》]{2,30}?(?:印发|发布|出台)了?")
CITING_TITLE = re.compile(
    r"^(?![^《]*(?:印发|转发|下发|发布))[^《》]*《[^《》]+》(?:[和及与、]?《[^《》]+》)*"
    r"[^《》()]{2,12}(?:\([^()]{1,14}\))*$"
)


def _vocab() -> dict:
    return load_yaml("plan_types.yaml")


def is_plan_title(candidate: str) -> bool:
    """A rule-of-law document title: a family word, and a document word at its end (before
    any period or draft marker in brackets)."""
    v = _vocab()
    core = TRAILING_PARENS.sub("", DRAFT.sub("", candidate)).rstrip("》")
    core = re.sub(r"\d{4}[—–\-－―~]*\d{4}年$", "", core)
    if not any(w in candidate for w in v["family_words"]):
        return False
    if any(core.startswith(n) for n in v["national_documents"]):
        return False
    return any(core.endswith(w) for w in v["title_words"])


def clean_title(candidate: str) -> str:
    """The title as a reader would cite it: inner 〈〉/<> as 《》, no draft marker, no file
    extension or 范文 tag, an unbracketed period kept as printed."""
    t = DOC_SHARE.sub("", candidate.strip())
    t = DRAFT.sub("", t)
    inner = re.fullmatch(r"关于印发[〈<《](.+)[〉>》]的通知", t)
    if inner:
        t = inner.group(1)
    return t.replace("〈", "《").replace("〉", "》").replace("<", "《").replace(">", "》")


@functools.cache
def _place_line() -> re.Pattern[str]:
    """A line that is a place's name and nothing else (a title's first line in a cover's
    type): Chinese characters, then a level's suffix (vocab/places.yaml admin_suffixes)."""
    suffixes = sorted(load_yaml("places.yaml")["admin_suffixes"], key=len, reverse=True)
    return re.compile(rf"[\u4e00-\u9fff]{{1,12}}?(?:{'|'.join(map(re.escape, suffixes))})")


def _joined_lines(preamble: str) -> list[str]:
    """Preamble lines, with a line whose 《 or ( is still open joined to the next (titles
    split inside their brackets)."""
    lines = [PAGE_SUFFIX.sub("", ln.strip()) for ln in preamble.split("\n") if ln.strip()]
    out: list[str] = []
    for line in lines:
        if out and (out[-1].count("《") > out[-1].count("》") or _open_notice(out[-1], line)):
            out[-1] += line
        else:
            out.append(line)
    return out


def _open_notice(line: str, nxt: str) -> bool:
    """``关于印发X`` on one line and ``…的通知`` on the next."""
    return (
        line.startswith("关于")
        and not line.endswith(("通知", "函", "意见"))
        and len(nxt) <= 30
        and nxt.endswith(("的通知", "通知》", "的函"))
    )


def _standalone(lines: list[str], i: int) -> str | None:
    """The title starting at line ``i`` when it is a standalone title line (with the period
    and document-word lines that complete it)."""
    line = lines[i]
    if ":" in line:  # 中文名:…, 标题:…, or a doc-share name:title
        line = line.rsplit(":", 1)[1]
    line = SUBTITLE_DASH.sub("", re.sub(r"^【[^】]*】", "", line))  # ——…五年综述: a subtitle
    if (
        not line
        or len(line) > TITLE_MAX
        or CHROME.search(line)
        or re.search(r"[,。;!?]", line)
        or ("《" in line and not CITING_TITLE.search(line))
        or line.endswith(("通知", "的函"))
    ):
        return None
    if not any(w in line for w in _vocab()["family_words"]):
        return None
    headline = HEADLINE_VERB.match(line)
    if headline and is_plan_title(line[headline.end() :]):
        line = line[headline.end() :]
    j = i + 1
    # the rest of a title broken across lines: 关于…的 / 实施方案 / 实施方案(2021—2025年)
    short_next = j < len(lines) and len(lines[j]) <= 24
    if short_next and not is_plan_title(line) and is_plan_title(line + lines[j]):
        line, j = line + lines[j], j + 1
    if not is_plan_title(line):
        return None
    if j < len(lines) and not PERIOD_LINE.search(line[-14:]):
        m = PERIOD_LINE.match(lines[j])
        if m:
            line += f"({m.group(1)}{_dash(lines[j])}{m.group(2)}年)"
    if i and _place_line().fullmatch(lines[i - 1]) and not line.startswith(lines[i - 1]):
        line = lines[i - 1] + line  # 东江市 / 法治社会建设实施方案: a cover's large type
    return line


def _dash(period: str) -> str:
    m = re.search(r"\d{4}[ \t]*([—–\-－―~～至到]+)", period)
    return m.group(1) if m else "—"


def _quoted(lines: list[str]) -> str | None:
    for line in lines:
        body = LABEL.sub("", line) if re.match(r"^(?:标题|标 题|名称|附件)", line) else line
        for m in QUOTED.finditer(body):
            name = m.group("a") or m.group("b") or m.group("c")
            name = clean_title(name)
            if is_plan_title(name):
                return name
        bare = BARE_NOTICE.search(body)
        if bare and is_plan_title(bare["t"]):
            return clean_title(bare["t"])
    return None


def _canon(title: str) -> str:
    return re.sub(r"[()《》〈〉\s—–\-－―~～]", "", title)


def _title_at_line_start(line: str) -> str | None:
    """A title that a flattened page runs straight into its first sentence: ended by its
    period in brackets, or by a title word that the first sentence's opening follows
    (…情况报告2025年,全县…; …实施方案为深入贯彻…)."""
    words = "|".join(map(re.escape, _vocab()["title_words"]))
    m = re.match(
        rf"^([^,。;:《》]{{4,60}}?(?:{words})\((?:19|20)\d{{2}}[^()]{{1,3}}\d{{4}}年\))", line
    ) or re.match(rf"^([^,。;:《》]{{4,60}}?(?:{words}))(?={BODY_OPENING})", line)
    return m.group(1) if m and is_plan_title(m.group(1)) else None


def interpretation_title(lines: list[str]) -> str | None:
    """The title of a page explaining a plan (关于《X》的政策解读, 【政策解读】《X》, X解读),
    a line among the first that names a plan and an interpretation word, or None."""
    words = tuple(_vocab()["interpretation_words"])
    found = []
    for line in lines[:5]:
        rest = re.sub(r"^【[^】]*】", "", line)  # 【政策解读】关于《X》的政策解读: once
        bare = rest if any(w in rest for w in words) else re.sub(r"[【】]", "", line)
        if len(bare) > TITLE_MAX + 10 or re.search(r"[,。;!?]", bare) or CHROME.search(bare):
            continue
        if any(w in bare for w in words) and any(w in bare for w in _vocab()["family_words"]):
            found.append(bare)
    # a line that ends as such a title does, before one run on into a byline or a date
    return next((t for t in found if t.endswith((*words, "》"))), found[0] if found else None)


def find_title(preamble: str) -> str | None:
    """The plan's own title from the text before its first heading, or None; a page that
    explains a plan has its own title (``interpretation_title``)."""
    lines = _joined_lines(preamble)
    explained = interpretation_title(lines)
    if explained:
        return explained
    standalone = next(
        (t for i in range(len(lines)) if (t := _standalone(lines, i)) is not None), None
    )
    quoted = _quoted(lines)
    if standalone is None:
        return quoted or (_title_at_line_start(lines[0]) if lines else None)
    standalone = clean_title(standalone)
    if quoted and _canon(quoted).startswith(_canon(standalone)) and len(quoted) > len(standalone):
        return quoted  # the cover notice prints what the title line lacks (its period)
    if quoted and _canon(quoted) == _canon(standalone) and "(" in quoted and "(" not in standalone:
        return quoted
    return standalone


def other_title(preamble: str) -> str | None:
    """The title of a document that is no plan of the family (镇巴县人民政府工作规则, a
    scrape's neighbour): a line among the first that stands alone and ends in a document
    word (``other_title_words``), so that every published document has its title."""
    words = tuple(_vocab()["other_title_words"])
    for line in _joined_lines(preamble)[:5]:
        core = TRAILING_PARENS.sub("", line)
        if (
            5 <= len(line) <= 40
            and core.endswith(words)
            and not line.startswith("关于")
            and not re.search(r"[,。;:!?《》]", line)
            and not CHROME.search(line)
        ):
            return clean_title(line)
    return None


QUOTED_NAME = re.compile(r"《([^《》]+)》")
LIST_MIN_TITLES = 5  # a page naming this many plans, and holding no headings, lists them
# what may stand before a listed title's 《 on its line: a number, a bullet, a few words
_LIST_LINE_LEAD = re.compile(r"[^,，。;；:：《》]{0,20}")


@functools.cache
def _listed_title() -> re.Pattern[str]:
    words = "|".join(map(re.escape, _vocab()["title_words"]))
    period = r"(?:\((?:19|20)\d{2}[^()]{1,3}\d{4}年\))?"
    return re.compile(rf"[^,。;:《》]{{4,60}}?(?:{words}){period}")


def plans_listed(text: str) -> list[str]:
    """The distinct plan titles ``text`` lists, one a line, each opening its line (a search
    result, a site's list of documents, a catalogue of files), in the order they come. A
    sentence citing documents (2020年是《A》《B》确立的…) lists none: a list's line opens with
    its title, maybe in 《》 after a few words (关于印发《A》的通知), and names one plan."""
    seen: dict[str, str] = {}
    for line in text.split("\n"):
        quoted = QUOTED_NAME.search(line)
        if quoted and not _LIST_LINE_LEAD.fullmatch(line, 0, quoted.start()):
            continue
        opening = None if quoted else _listed_title().match(line)  # a title, then a date…
        name = quoted.group(1) if quoted else opening.group() if opening else None
        if name is None or line.count("《") > 1:
            continue
        name = clean_title(name)
        if len(name) <= TITLE_MAX and is_plan_title(name):
            bare = TRAILING_PARENS.sub("", HEADLINE_VERB.sub("", name))  # one plan, once
            seen.setdefault(_canon(re.sub(r"\d{4}\D{0,2}\d{4}年$", "", bare)), name)
    return list(seen.values())
