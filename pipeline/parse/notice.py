"""Issuer, issue date and 发文字号 of a plan, from its cover notice or the page around it.

A plan is issued by a cover notice: 中共X市委 / X市人民政府 / 2021年12月30日 at its foot,
关于印发《…》的通知 with the issuer before 关于, a 发文字号 (琼发〔2021〕22号) on its own line
or after the notice title. News copies say who issued it in the lead-in
(近日，市委、市政府印发了《…》); wiki copies in an infobox (发布单位:…, 颁布时间:…). The
signature is the issuer's own word and wins; a page's publication or update date (发布时间,
更新时间) is never the issue date, and a month without a day is no date. Numbers cited in
brackets after another document (《…》(中发〔2020〕28号)) are that document's, not this
plan's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.text.normalize import NOTICE_TITLE

ORG_END = ("委", "人民政府", "政府", "办公室", "办公厅", "委员会", "局", "厅", "院", "部")
ORG_LINE = re.compile(r"^[^\s,。;:、()《》]{3,40}$")
DATE_STRICT = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$")
DATE_DIGITS = re.compile(r"^((?:19|20)\d{2})年?(\d{2,4})日?$")  # 2017322, 20221014日: 年月 lost
DATE_ISO = re.compile(r"((?:19|20)\d{2})[-年.](\d{1,2})[-月.](\d{1,2})日?")
LABELLED_DATE = re.compile(
    r"(?:成文日期|颁布时间|印发时间|发文日期)[\]】:|]*\s*((?:19|20)\d{2}[-年.]\d{1,2}[-月.]\d{1,2}日?)"
)
LABELLED_ISSUER = re.compile(r"(?:发布单位|印发单位|颁布单位)[:|]\s*([^\s:|]{2,40})")
COVER_TITLE = re.compile(
    r"^(?:标题[:|]|标 题[:|])?(?P<org>[^\s,。:《》|]{3,60}?)关于(?:印发|转发|征求)"
)
LEAD_IN = re.compile(
    r"(?:^|[,。】\s])(?P<org>[^,。;:《》\s【】]{2,40}?)(?:先后|正式)?(?:印发|转发|下发)了?《"
)
DOC_NUMBER = re.compile(r"(?:[Xx×]{2,}|\*+)?[\u4e00-\u9fff]{1,8}[〔\[［][12]\d{3}[〕\]］]\d{1,4}号")
GLUED_ORGS = re.compile(r"^(中共[^、\s]+?委)([^、\s]+?(?:人民政府|政府))$")


@dataclass(frozen=True)
class Notice:
    issuer: str | None
    issue_date: str | None  # ISO YYYY-MM-DD
    document_number: str | None


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date(line: str) -> str | None:
    """A signature date line as ISO: 2021年12月30日, or the digits of one whose 年月 a
    converter dropped (2017322 -> 2017-03-22) when only one reading is a date."""
    m = DATE_STRICT.match(line)
    if m:
        return _iso(*m.groups())
    m = DATE_DIGITS.match(line)
    if not m:
        return None
    y, rest = m.groups()
    readings = {
        iso
        for k in (1, 2)
        if 0 < len(rest) - k <= 2
        and (iso := _iso(y, rest[:k], rest[k:])) is not None
        and not rest[k:].startswith("0")
    }
    return readings.pop() if len(readings) == 1 else None


def is_org(line: str) -> bool:
    """A line that is only an organisation's name (东江市人民政府办公室), as a notice is signed
    or opens."""
    return (
        bool(ORG_LINE.match(line))
        and line.endswith(ORG_END)
        and not line.startswith(("各", "现将"))
    )


def _org(name: str) -> str:
    """Two issuers printed without a separator (中共重庆市委重庆市人民政府) joined with 、."""
    m = GLUED_ORGS.match(name)
    return f"{m.group(1)}、{m.group(2)}" if m else name


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    for i, line in enumerate(lines):
        iso = parse_date(line)
        if not iso or i == 0 or not is_org(lines[i - 1]):
            continue
        orgs = [lines[i - 1]]
        if i >= 2 and is_org(lines[i - 2]) and not lines[i - 2].startswith("关于"):
            orgs.insert(0, lines[i - 2])
        return "、".join(_org(o) for o in orgs), iso
    return None, None


def _lone_date(lines: list[str]) -> str | None:
    for line in lines:
        if DATE_STRICT.match(line):
            return parse_date(line)
    return None


def _cover_issuer(lines: list[str]) -> str | None:
    for i, line in enumerate(lines):
        m = COVER_TITLE.match(line)
        if m and m["org"].endswith(ORG_END):
            return _org(m["org"])
        if line.startswith("关于") and i > 0 and is_org(lines[i - 1]):
            return _org(lines[i - 1])  # 西平县人民政府办公室 / 关于印发…
    return None


def _lead_in_issuer(text: str) -> str | None:
    for m in LEAD_IN.finditer(text):
        org = re.sub(r"^(?:近日|日前|\d{4}年\d{1,2}月\d{1,2}日)", "", m["org"]).lstrip(",")
        if org.endswith(ORG_END) or org.endswith("省政府"):
            return _org(org)
    return None


def _document_number(preamble: str) -> str | None:
    for m in DOC_NUMBER.finditer(preamble):
        before = preamble[: m.start()]
        if before.rfind("(") > before.rfind(")"):  # inside brackets: a cited document's
            continue
        return re.sub(r"^.*?(?:的通知|通知|的函)", "", m.group())
    return None


_TITLE_LABEL = re.compile(r"^(?:名称|标题|标 题)[:|]\s*")


def _own_notice(preamble: str) -> str:
    """The preamble from the notice that issues the plan (关于印发…的通知, with its issuer's
    line before it) when it holds other notices first, as a gazette's issue does; else all."""
    titles = [m for m in re.finditer(r"[^\n]+", preamble) if NOTICE_TITLE.match(m[0])]
    issuing = [m for m in titles if "印发" in m[0]]
    if len(titles) < 2 or not issuing:
        return preamble
    own = _TITLE_LABEL.sub("", issuing[-1][0])
    if all(own in m[0] for m in titles):  # one notice, printed again (a page's 名称:, title)
        return preamble
    start = issuing[-1].start()
    before = preamble[:start].rstrip("\n")
    previous = before[before.rfind("\n") + 1 :].strip()
    if is_org(previous):  # 东江市人民政府办公室 / 关于印发…
        start = before.rfind("\n") + 1
    return preamble[start:]


def read_notice(preamble: str, tail: str = "") -> Notice:
    """Issuer, date and number from the text before the plan's first heading (and the
    last lines of the plan, where a signature may stand): from the notice that issues the
    plan, when other documents precede it."""
    preamble = _own_notice(preamble)
    lines = [ln.strip() for ln in preamble.split("\n") if ln.strip()]
    tail_lines = [ln.strip() for ln in tail.split("\n") if ln.strip()]
    issuer, issued = _signature(lines)
    if issuer is None:
        issuer, issued = _signature(tail_lines)
    issuer = issuer or _cover_issuer(lines) or _lead_in_issuer(preamble)
    if issuer is None:
        labelled = LABELLED_ISSUER.search(preamble)
        issuer = labelled.group(1) if labelled else None
    if issued is None:
        issued = _lone_date(lines)
    if issued is None:
        m = LABELLED_DATE.search(preamble)
        d = DATE_ISO.match(m.group(1)) if m else None
        issued = _iso(*d.groups()) if d else None
    return Notice(issuer, issued, _document_number(preamble))
