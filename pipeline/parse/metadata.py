"""Read a plan's own metadata from its text: title, jurisdiction, level, province, type,
period, status, issuer, and the official division it belongs to.

Everything comes from what the plan itself says, mostly in its title block and the preamble
before the first chapter heading; the parts live in their own modules (``titles``,
``jurisdiction`` with ``divisions``, ``notice``). Names the source masks (``XX市``, ``******``)
stay masked and are flagged; what the text does not say (a province never named, the period
of a plan whose only years are those of the national outline it cites) stays null.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

from pipeline.parse.divisions import is_masked
from pipeline.parse.jurisdiction import OPENING, Place, find_place, own_municipality
from pipeline.parse.notice import Notice, read_notice
from pipeline.parse.titles import DRAFT, TRAILING_PARENS, find_title, other_title
from pipeline.vocab import load_yaml

# whitespace beside a Chinese character or a full-width form: a page title's typography
SPACE_BY_CHINESE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")

# (the dash may be lost in a page's conversion: 方案(20212025年))
PERIOD = re.compile(
    r"\(?(?P<start>(?:19|20)\d{2})[ \t]*[—–\-－―~～至到]*[ \t]*(?P<end>(?:19|20)\d{2})年?\)?"
)
LEADING_PERIOD = re.compile(r"(?P<start>(?:19|20)\d{2})年?[到至—–\-－~]+(?P<end>(?:19|20)\d{2})年")
# The plan's own words for its period (规划期限为2024—2035年), never a goal (到2025年).
OWN_PERIOD = re.compile(
    r"(?:规划|方案|纲要|实施)?(?:期限?|时限)为(?P<start>(?:19|20)\d{2})[—–\-－―~～至到]+(?P<end>(?:19|20)\d{2})年"
)
# A title that implements a cited document over its period, printing none of its own:
# 贯彻落实《法治政府建设实施纲要(2021—2025年)》实施方案, 关于落实《…》的实施方案, and a national
# document's name cited without 《》 (市贯彻落实法治社会建设实施纲要(2020-2025年)工作措施)
IMPLEMENTS = (
    r"(?:贯彻|落实|实施)[^《》]{{0,4}}"
    r"(?:《[^《》]*?{period}[^《》]*》|(?:{names}){period})[^《》()]{{0,8}}(?:{words})$"
)


@functools.cache
def _implemented() -> re.Pattern[str]:
    vocab = load_yaml("plan_types.yaml")
    names, words = "|".join(vocab["national_documents"]), "|".join(vocab["implementing_words"])
    period = re.sub(r"\?P<\w+>", "", PERIOD.pattern)  # twice in the pattern: no group names
    return re.compile(IMPLEMENTS.format(period=period, names=names, words=words))


FIVE_YEAR = re.compile(r"第?(?P<n>十[三四五])(?:个五年|[\"“”]?五[\"“”]?(?:规划|时期|期间)?)")
ANNUAL = re.compile(r"(?P<year>(?:19|20)\d{2})年度?")
CITED = re.compile(r"《([^》]*)》")
# How a report on a year's work opens (2022年,…坚持…; 2021年以来,…; 今年以来,…), not a plan
REPORT_OPENING = re.compile(r"(?:(?:19|20)\d{2}年(?:度|以来)?|今年以来|一年来|五年来)[,，]")
MAKES_PLAN = re.compile(r"(?:制定|制订)(?:本|此|如下)?(?:实施)?(?:方案|规划|计划|意见|措施|要点)")
DRAFT_REACH = 120  # a bracketed draft marker may stand on the first heading line (1、…(征求意见稿))


@dataclass(frozen=True)
class DocumentMetadata:
    """What a plan says about itself."""

    title: str | None
    jurisdiction: str | None
    admin_level: str | None
    province: str | None
    province_evidence: str | None  # the words the province was read from
    plan_type: str
    period_start: int | None
    period_end: int | None
    status: str
    issuer: str | None
    issue_date: str | None  # ISO date
    has_masked_names: bool
    document_number: str | None
    division_code: str | None
    division_name: str | None
    city: str | None
    city_code: str | None
    province_code: str | None
    latitude: float | None
    longitude: float | None
    division_match: str
    plan_key: str | None


def _province(place: Place, preamble: str) -> tuple[str | None, str | None]:
    """Province and the words it was read from: the division's province, else a province
    the plan cites (a masked one stays masked)."""
    provinces: dict[str, list[str]] = load_yaml("places.yaml")["provinces"]
    division = place.resolution.division
    cited = CITED.findall(preamble)
    if division:
        for c in cited:
            if division.province in c:
                return division.province, f"《{c}》"
        return division.province, f"division {division.code} {division.name}"
    if division is None:
        for c in cited:
            for name in provinces:
                if name in c:
                    return name, f"《{c}》"
        named = re.sub(r"^(?:中共|中国共产党)", "", place.evidence or "")
        for name in provinces:  # 重庆市东江区…: the province its title names it in
            if named.startswith(name) and place.jurisdiction and place.jurisdiction != name:
                return name, place.evidence
        mask = load_yaml("places.yaml")["mask_pattern"]
        for c in cited:
            masked = re.search(rf"{mask}(?:省|自治区)", c)
            if masked:
                return masked.group(), f"《{c}》"
    return None, None


def is_interpretation(title: str | None) -> bool:
    """Whether the title is a page's that explains a plan (关于《X》的政策解读, 一图读懂《X》,
    X答记者问: vocab/plan_types.yaml interpretation_words): its headings are its own, not
    the plan's."""
    words = load_yaml("plan_types.yaml")["interpretation_words"]
    return bool(title) and any(w in title for w in words)


def is_report(title: str | None, preamble: str = "") -> bool:
    """Whether the title is a report's on work done (…建设情况报告, …工作总结) or a page's
    that explains a plan (关于《…》的政策解读), not a plan's; without a title, whether the
    preamble opens as a report does (2022年,市政府办公厅坚持…; 今年以来,…) and nowhere
    says it makes a plan (制定本方案)."""
    vocab = load_yaml("plan_types.yaml")
    if not title:
        paragraph = next((ln.strip() for ln in preamble.split("\n") if len(ln.strip()) >= 30), "")
        return bool(REPORT_OPENING.match(paragraph)) and not MAKES_PLAN.search(preamble)
    if TRAILING_PARENS.sub("", title).endswith(tuple(vocab["report_words"])):
        return True
    return is_interpretation(title)


def _plan_type(title: str | None, opening: str, preamble: str) -> str:
    """From the title (a report is other); without one, other for a preamble opening as a
    report's, else from the national outline the plan cites, else from the family word its
    opening uses far more than the others (法治政府建设 throughout)."""
    vocab = load_yaml("plan_types.yaml")
    if title:
        if is_report(title):
            return "other"  # a report on the family's work, not a plan
        for entry in vocab["plan_types"]:
            if any(w in title for w in entry["words"]):
                return entry["type"]
        return "other"
    if is_report(None, preamble):
        return "other"  # 2022年,市政府办公厅坚持…: a report on the year's work
    for cited in CITED.findall(opening):  # no title: the outline it implements
        for entry in vocab["outline_types"]:
            if any(w in cited for w in entry["words"]):
                return entry["type"]
    counts = Counter(
        {e["type"]: sum(opening.count(w) for w in e["words"]) for e in vocab["plan_types"][:2]}
    )
    (top, n), (_, second) = counts.most_common(2)
    return top if n >= 3 and n >= 2 * second else "other"


def _status(title: str | None, preamble: str, first_heading: str = "") -> str:
    """draft when the title block or cover letter marks the plan as one, or its first
    heading line carries the marker in brackets (1、…(征求意见稿)); a marker that follows
    another document's name (《法治X建设规划》(草案)) is that document's, and a word of the
    body (地方性法规草案) marks nothing."""
    markers = "|".join(load_yaml("plan_types.yaml")["draft_markers"])
    if re.search(rf"[(（](?:{markers})", first_heading):
        return "draft"
    own = _canon(title) if title else None
    for m in re.finditer(rf"(?:《(?P<doc>[^《》]*)》)?\(?(?:{markers})", preamble):
        if m["doc"] is None or own is None or _canon(m["doc"]).startswith(own):
            return "draft"
    return "final"


def _canon(title: str) -> str:
    return re.sub(r"[()《》〈〉<>\s—–\-－―~～]|征求意见稿|送审稿|草案", "", title)


COMPANION_MAX = 14  # characters of a companion document's name after its plan's period


def _ends_title(rest: str) -> bool:
    """Whether what follows a period in a title leaves it the title's own: nothing, or a
    companion document of the plan it dates (…实施方案(2021—2025年)重点任务分工方案)."""
    if not rest:
        return True
    words = load_yaml("plan_types.yaml")
    ends = (*words["title_words"], *words["other_title_words"])
    return len(rest) <= COMPANION_MAX and rest.endswith(ends)


def _period(title: str | None, preamble: str) -> tuple[int | None, int | None]:
    """The plan's own period: at the end of its title (not the cited outline's inside it),
    an annual plan's year, or its own words; never a goal year."""
    if title:
        own = CITED.sub("", DRAFT.sub("", title))
        for name in load_yaml("plan_types.yaml")["national_documents"]:  # cited without 《》
            own = re.sub(rf"(?:^|(?<=贯彻|落实|实施)){name}{PERIOD.pattern}", "", own)
        m = PERIOD.search(own)
        if m and _ends_title(own[m.end() :].strip()):
            return int(m["start"]), int(m["end"])
        lead = LEADING_PERIOD.match(own)  # 2016年到2020年某市…规划
        if lead:
            return int(lead["start"]), int(lead["end"])
        if not m:  # 贯彻《法治政府建设实施纲要(2021—2025年)》实施方案: the outline's period
            cited = _implemented().search(title)
            years = PERIOD.search(cited.group()) if cited else None
            if years:
                return int(years["start"]), int(years["end"])
        numbered = FIVE_YEAR.search(own)
        if not m and numbered:  # 第十四个五年规划, “十四五”…规划
            start, end = load_yaml("plan_types.yaml")["five_year_plans"][numbered["n"]]
            return start, end
        if not m:
            annual = ANNUAL.search(own)
            if annual and any(w in own for w in load_yaml("plan_types.yaml")["annual_title_words"]):
                return int(annual["year"]), int(annual["year"])
    m = OWN_PERIOD.search(preamble)
    return (int(m["start"]), int(m["end"])) if m else (None, None)


def extract_metadata(
    text: str, body_start: int, container: Mapping[str, str] | None = None
) -> DocumentMetadata:
    """Metadata of a plan from its normalized text; ``body_start`` is its first heading.

    ``container`` is what the file says about itself (a web page's <title> and disclosure
    table, a PDF's or Word file's properties: pipeline.read.base.Reading): the plan's own
    words come first, the container fills what they leave unsaid (a page whose title and
    cover notice stand only in its disclosure table)."""
    container = container or {}
    preamble = text[:body_start]
    first_heading = text[body_start : body_start + DRAFT_REACH].split("\n", 1)[0]
    page_title = SPACE_BY_CHINESE.sub("", container.get("title", ""))  # 方案 (2021—2025年)
    title = find_title(preamble) or find_title(page_title) or other_title(preamble)
    tail = "\n".join(text[body_start:].split("\n")[-6:])
    notice = _with_container(read_notice(preamble, tail), container)
    place = find_place(title, notice.issuer, preamble, text)
    province, evidence = _province(place, preamble)
    place = own_municipality(place, province)
    opening = text[: max(body_start, OPENING)]
    start, end = _period(title, preamble if title else opening)
    d = place.resolution.division
    return DocumentMetadata(
        title=title,
        jurisdiction=place.jurisdiction,
        admin_level=place.admin_level,
        province=province,
        province_evidence=evidence,
        plan_type=_plan_type(title, opening, preamble),
        period_start=start,
        period_end=end,
        status=_status(title, text[:body_start], first_heading),
        issuer=notice.issuer,
        issue_date=notice.issue_date,
        has_masked_names=is_masked(text),
        document_number=notice.document_number,
        division_code=d.code if d else None,
        division_name=d.name if d else None,
        city=d.city if d else None,
        city_code=d.city_code if d else None,
        province_code=d.province_code if d else None,
        latitude=d.latitude if d else None,
        longitude=d.longitude if d else None,
        division_match=place.resolution.match,
        plan_key=plan_key(title, d.code, (place.jurisdiction, d.name, d.city, d.province))
        if d
        else None,
    )


def plan_key(
    title: str | None, division_code: str | None, names: tuple[str | None, ...]
) -> str | None:
    """One plan's key in every copy of it: its division's code and its title without the
    place's name, brackets, period and draft marker ("460100:法治政府建设实施方案"). A PDF, a
    web page and a mirror of one plan, or its draft and its final text, share it; it is
    read from the plan's own fields alone, so a plan added later changes no other's key.
    Null when the division or the title is unknown."""
    if not title or not division_code:
        return None
    core = DRAFT.sub("", title)
    for name in sorted(filter(None, names), key=len, reverse=True):
        core = core.replace(name, "")
    core = PERIOD.sub("", TRAILING_PARENS.sub("", core))  # (2021—2025年), 2021-2025年, (—年)
    return f"{division_code}:{_canon(core)}" if _canon(core) else None


def _with_container(notice: Notice, container: Mapping[str, str]) -> Notice:
    """The notice read from the text, its gaps filled from the container's disclosure
    table (发布机构, 成文日期, 发文字号)."""
    return replace(
        notice,
        issuer=notice.issuer or container.get("issuer"),
        issue_date=notice.issue_date or container.get("issue_date"),
        document_number=notice.document_number or container.get("document_number"),
    )
