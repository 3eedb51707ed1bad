"""Read a plan's own metadata from its text: title, jurisdiction, level, province, type, period.

Everything comes from what the plan itself says, mostly in its title block and the preamble
before the first chapter heading. Names the source masks (``XX市``, ``******``) stay masked
and are flagged; a province that the plan never names is left null rather than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.vocab import load_yaml

PERIOD = re.compile(
    r"\(?(?P<start>(?:19|20)\d{2})[ \t]*[—–\-－~～至到]+[ \t]*(?P<end>(?:19|20)\d{2})年?\)?"
)
DATE_LINE = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
ORG_LINE = re.compile(r"^[^\s,。;:、]{4,40}(?:办公室|委员会|人民政府|政府|局|委|厅|办|院)$")
CITED = re.compile(r"《([^》]*)》")
TITLE_MAX = 60


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


def _places() -> dict:
    return load_yaml("places.yaml")


def _is_masked(text: str) -> bool:
    return re.search(_places()["mask_pattern"], text) is not None


def find_title(preamble: str) -> str | None:
    """The plan's title: the first short title-like line, with a following period line."""
    words = load_yaml("plan_types.yaml")["title_words"]
    lines = [ln.strip() for ln in preamble.split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        if len(line) > TITLE_MAX or line.endswith(("。", ":")) or "," in line:
            continue
        inner = CITED.search(line)
        candidate = inner.group(1) if inner and line.startswith(("关于", "印发")) else line
        if not any(w in candidate for w in words):
            continue
        if not PERIOD.search(candidate) and i + 1 < len(lines):
            nxt = lines[i + 1]
            if PERIOD.fullmatch(nxt) or re.fullmatch(r"\([^()]*\d{4}[^()]*\)", nxt):
                candidate += nxt
        return candidate
    return None


def _jurisdiction(title: str | None) -> tuple[str | None, str | None]:
    """Jurisdiction named at the start of the title, and its admin level."""
    if not title:
        return None, None
    title = re.sub(r"^(?:中共|中国共产党)", "", title)
    head = re.split(r"法治|关于|全面|推进|加快|依法", title, maxsplit=1)[0]
    places = _places()
    if head in places["municipalities"]:
        return head, "province"
    for suffix in sorted(places["admin_suffixes"], key=len, reverse=True):
        if head.endswith(suffix) and len(head) > len(suffix):
            return head, places["admin_suffixes"][suffix]
    return None, None


def _province(jurisdiction: str | None, level: str | None, preamble: str, text: str):
    """Province of the plan and the evidence it was read from. A province the source masks
    (《XX省…》) stays masked, as printed; one the plan never names is None."""
    provinces: dict[str, list[str]] = _places()["provinces"]
    if jurisdiction and level == "province" and not _is_masked(jurisdiction):
        return jurisdiction, jurisdiction
    for name in provinces:
        if jurisdiction and jurisdiction.startswith(name):
            return name, jurisdiction
    for cited in CITED.findall(preamble):  # the plan cites its province's plan
        for name in provinces:
            if name in cited:
                return name, f"《{cited}》"
    mask = _places()["mask_pattern"]
    for cited in CITED.findall(preamble):  # a masked provincial plan: the name stays masked
        masked = re.search(rf"{mask}(?:省|自治区)", cited)
        if masked:
            return masked.group(), f"《{cited}》"
    counts = Counter({name: text.count(name) for name in provinces})
    name, n = counts.most_common(1)[0]
    if n:
        return name, name
    short = Counter({name: sum(text.count(s) for s in alts) for name, alts in provinces.items()})
    name, n = short.most_common(1)[0]
    if n >= 2:
        return name, f"{provinces[name][0]} ({n} mentions)"
    return None, None


def _plan_type(title: str | None) -> str:
    for entry in load_yaml("plan_types.yaml")["plan_types"]:
        if title and any(w in title for w in entry["words"]):
            return entry["type"]
    return "other"


def _issuer_and_date(lines: list[str]) -> tuple[str | None, str | None]:
    for i, line in enumerate(lines):
        m = DATE_LINE.match(line)
        if m and i > 0 and ORG_LINE.match(lines[i - 1]):
            date = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
            return lines[i - 1], date
    return None, None


def extract_metadata(text: str, body_start: int) -> DocumentMetadata:
    """Metadata of a plan from its normalized text; ``body_start`` is its first heading."""
    preamble = text[:body_start]
    title = find_title(preamble)
    jurisdiction, level = _jurisdiction(title)
    province, evidence = _province(jurisdiction, level, preamble, text)
    period = PERIOD.search(title or "") or PERIOD.search(preamble)
    drafts = load_yaml("plan_types.yaml")["draft_markers"]
    tail = [ln.strip() for ln in text[body_start:].split("\n")[-6:]]
    issuer, date = _issuer_and_date([ln.strip() for ln in preamble.split("\n")] + tail)
    return DocumentMetadata(
        title=title,
        jurisdiction=jurisdiction,
        admin_level=level,
        province=province,
        province_evidence=evidence,
        plan_type=_plan_type(title),
        period_start=int(period["start"]) if period else None,
        period_end=int(period["end"]) if period else None,
        status="draft" if any(w in preamble for w in drafts) else "final",
        issuer=issuer,
        issue_date=date,
        has_masked_names=_is_masked(text),
    )
