"""Rows of measures, targets, agencies, measure-agency roles and instruments for one plan.

The extractors (``measures``, ``targets``, ``agencies``, ``instruments`` of this package) each
work on one sentence or line; this module walks the plan's sections, calls them, turns their
sentence-relative offsets into document offsets and gives every row its stable id.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import heapq
import re
from collections.abc import Collection
from typing import Any, NamedTuple

from pipeline.extract.agencies import agencies_named_in_text, canonical_agency
from pipeline.extract.agencies import forget_sentences as forget_agency_lines
from pipeline.extract.instruments import find_instruments
from pipeline.extract.measures import Body, leading_action, read_body
from pipeline.extract.targets import TargetHit, find_targets
from pipeline.extract.targets import forget_sentences as forget_target_sentences
from pipeline.parse.structure import Section
from pipeline.vocab import load_yaml

Row = dict[str, Any]
SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?]?")


class _Measures(NamedTuple):
    """A section's measures in text order (they never overlap), as (end, row), their starts,
    for a binary search, and the sentences they lie in."""

    rows: list[tuple[int, Row]]
    starts: list[int]
    sentences: list[tuple[int, int]]


# a goal list's lead: a line from 到2025年 to a colon (…。具体目标是: / 到2025年,实现以下目标:)
GOAL_LIST_LEAD = re.compile(
    r"(?:^|\n)[ \t]*(?:力争)?到?((?:19|20)\d{2})年[^\n]{0,400}?[:：][ \t]*(?=\n|$)"
)


def _date_goal_lists(text: str, sections: list[Section], targets: list[Row]) -> None:
    """A goal list's quantities are the lead's year's (到2025年,…具体目标是: / 1.…达到100%):
    each quantity without a year or a period of its own, from the lead to the end of the part
    holding it (its section and the items below it), takes the year the lead names."""
    if not targets:
        return
    ends: dict[str, int] = {}
    for sec in reversed(sections):  # children follow their parent: a part's end is its last's
        ends[sec.ordinal] = max(sec.char_end, ends.get(sec.ordinal, 0))
        if sec.parent_ordinal:
            ends[sec.parent_ordinal] = max(ends.get(sec.parent_ordinal, 0), ends[sec.ordinal])
    for sec in sections:
        for lead in GOAL_LIST_LEAD.finditer(text, sec.char_start, sec.char_end):
            year, start, end = int(lead[1]), lead.end(), ends[sec.ordinal]
            for t in targets:  # 每年…不少于40学时, with a period, is a norm: no deadline
                if start <= t["char_start"] < end and (t["kind"], t["frequency"]) == (
                    "quantity",
                    None,
                ):
                    t["deadline_year"] = t["deadline_year"] or year


def _measure_at(measures: _Measures, pos: int) -> Row | None:
    i = bisect.bisect_right(measures.starts, pos) - 1
    if i >= 0:
        end, row = measures.rows[i]
        if pos < end:
            return row
    return None


def _noted_sentence(measures: _Measures, start: int, end: int, noted: set[str]) -> bool:
    """Whether every task of the sentence text[start:end] has roles from a note or a line."""
    i = bisect.bisect_right(measures.starts, start) - 1
    while 0 <= i < len(measures.rows) and measures.starts[i] < end:
        if measures.rows[i][1]["measure_id"] not in noted:
            return False
        i += 1
    return True


def _measure_before(measures: _Measures, pos: int) -> Row | None:
    """The task a deadline line at ``pos`` belongs to: the last measure before it, or the
    section's first when the line stands above its tasks."""
    if not measures.rows:
        return None
    i = bisect.bisect_right(measures.starts, pos) - 1
    return measures.rows[max(i, 0)][1]


def _preamble_instruments(text: str, end: int, doc_id: str) -> list[Row]:
    rows: list[Row] = []
    for m in SENTENCE.finditer(text[:end]):
        if not m.group().strip():
            continue
        for hit in find_instruments(m.group(), in_preamble=True):
            rows.append(
                _instrument_row(
                    f"{doc_id}:p:i{len(rows) + 1}", doc_id, None, None, hit, m.start(), True
                )
            )
    return rows


def _heading_instruments(
    text: str, sections: list[Section], section_ids: dict[str, str], doc_id: str
) -> list[Row]:
    """Documents a heading names (三、全面实施《民法典》, 8.广泛开展《民法典》普法工作): mentions
    like any other, of the section they head; no measure holds them (a title is none)."""
    rows: list[Row] = []
    for section in sections:
        heading = section.heading
        if not heading or "《" not in heading:
            continue
        offset = text.find(heading, section.char_start, section.body_start or section.char_end)
        if offset < 0:
            continue
        section_id = section_ids[section.ordinal]
        for k, hit in enumerate(find_instruments(heading, in_preamble=False), 1):
            rows.append(
                _instrument_row(f"{section_id}:h{k}", doc_id, section_id, None, hit, offset, False)
            )
    return rows


def _instrument_row(
    instrument_id: str,
    doc_id: str,
    section_id: str | None,
    measure_id: str | None,
    hit: Any,
    offset: int,
    in_preamble: bool,
) -> Row:
    return {
        "instrument_id": instrument_id,
        "doc_id": doc_id,
        "section_id": section_id,
        "measure_id": measure_id,
        "name": hit.name,
        "canonical_key": hit.canonical_key,
        "instrument_type": hit.instrument_type,
        "action": hit.action,
        "in_preamble": in_preamble,
        "char_start": offset + hit.start,
        "char_end": offset + hit.end,
    }


def _heading_commitment(text: str, section: Section) -> list[tuple[int, int, int, int]]:
    """The heading as a statement of its own when it states a quantified commitment
    ("1.行政执法人员培训率达到100%。每年…", "(二)每年至少开展1次法治督察"): a number or a
    recurrence at any level, a deadline in an item's (3) heading only, since a chapter's or
    section's year labels what stands below it (二、2022年重点任务)."""
    heading = section.heading
    if not heading:
        return []
    start = text.find(heading, section.char_start, section.body_start)
    if start < 0:
        return []
    hits = find_targets(heading)
    if not any(h.kind != "deadline" or section.level == 3 for h in hits):
        return []
    end = start + len(heading)
    return [(start, end, start, end)]


def beyond_period(year: int | None, period_end: int | None) -> bool:
    """Whether ``year`` is the long horizon a plan looks to past its own period (到2035年 in
    a plan for 2021—2025: vocab/targets.yaml horizon_min), not a target of the plan."""
    return (
        year is not None
        and period_end is not None
        and year > period_end
        and year >= load_yaml("targets.yaml")["horizon_min"]
    )


LABEL_REACH = 8  # characters before a clause its label may take (完成时限: / 2022年底前)


@functools.cache
def _deadline_labels() -> tuple[str, ...]:
    return tuple(load_yaml("agency_roles.yaml")["deadline_labels"])


def _labelled(hit: TargetHit, sentence: str) -> bool:
    """Whether the hit's clause is a deadline label's (完成时限:2022年底前: a task table's
    column, a role line's, a line of its own)."""
    clause = sentence[hit.clause_start : hit.clause_end].lstrip()
    before = sentence[max(0, hit.clause_start - LABEL_REACH) : hit.clause_start].rstrip(" :：")
    return clause.startswith(_deadline_labels()) or before.endswith(_deadline_labels())


def _restates(hit: TargetHit, sentence: str, stated: set[int | str]) -> bool:
    """Whether a deadline label's clause repeats the year or the period its task already
    states: no second target (a label that dates the task's quantities dates them instead:
    ``extract_rows``)."""
    if not _labelled(hit, sentence):
        return False
    if hit.kind == "deadline":
        return hit.deadline_year in stated
    return hit.kind == "frequency" and hit.frequency in stated


def before_period(year: int | None, period_start: int | None) -> bool:
    """Whether ``year`` is before the plan's period (比2020年下降, a table's 2020年 column): no
    deadline the plan can set."""
    return year is not None and period_start is not None and year < period_start


def extract_rows(
    text: str,
    doc_id: str,
    sections: list[Section],
    section_ids: dict[str, str],
    review: Collection[str] = frozenset(),
    period_end: int | None = None,
    period_start: int | None = None,
) -> dict[str, list[Row]]:
    """Measures, targets, agencies, measure_agencies and instruments of one plan; the
    sections of ``review`` (ordinals: parts reviewing past work) give no targets, nor does
    a horizon past the plan's ``period_end`` (``beyond_period``), and a year before its
    ``period_start`` dates nothing (``before_period``)."""
    forget_agency_lines()  # memos keyed on one plan's sentences end with the plan
    # a plan for one year (工作要点 of 2022): its dates without a year are that year's
    plan_year = period_end if period_start is not None and period_start == period_end else None
    forget_target_sentences()
    tables: dict[str, list[Row]] = {
        t: [] for t in ("measures", "targets", "agencies", "measure_agencies", "instruments")
    }
    agencies: dict[str, Row] = {}
    links: dict[tuple[str, str, str], Row] = {}
    agency_ids: dict[str, str] = {}  # name_raw -> agency_id: a role line names it per measure

    def link(measure_ids: list[str], name_raw: str, role: str) -> None:
        """The name in ``role`` on each of the measures (a role line names it on every
        measure of its section: the agency is resolved once for all of them); an agency
        is only listed once it is linked to a measure."""
        if not measure_ids:
            return
        agency_id = agency_ids.get(name_raw)
        if agency_id is None:
            agency = canonical_agency(name_raw)
            digest = hashlib.sha1(agency.name.encode("utf-8")).hexdigest()[:10]
            agency_id = agency_ids[name_raw] = f"{doc_id}:a{digest}"
            agencies.setdefault(
                agency_id,
                {
                    "agency_id": agency_id,
                    "doc_id": doc_id,
                    "name": agency.name,
                    "is_generic": agency.is_generic,
                },
            )
        for measure_id in measure_ids:
            key = (measure_id, agency_id, role)
            if key not in links:
                links[key] = {
                    "doc_id": doc_id,
                    "measure_id": measure_id,
                    "agency_id": agency_id,
                    "role": role,
                    "name_raw": name_raw,
                }

    sections_measures: list[tuple[Section, Body, _Measures]] = []
    measure_rows = tables["measures"]
    for section in sections:
        if section.body_start >= section.char_end:
            continue  # a heading with no body (~1 in 4): no measures, no role lines
        section_id = section_ids[section.ordinal]
        measures = []
        starts: list[int] = []
        sentences: list[tuple[int, int]] = []  # statements come in text order: so do these
        last_sentence = -1
        body = read_body(text, section.body_start, section.char_end)
        statements = body.statements
        if section.ordinal not in review:
            statements = _heading_commitment(text, section) + statements
        for k, (start, end, sentence_start, sentence_end) in enumerate(statements, 1):
            statement = text[start:end]
            row = {
                "measure_id": f"{section_id}:m{k}",
                "doc_id": doc_id,
                "section_id": section_id,
                "text": statement,
                "char_start": start,
                "char_end": end,
                "action": leading_action(statement),
            }
            measures.append((end, row))
            measure_rows.append(row)
            starts.append(start)
            if sentence_start != last_sentence:
                sentences.append((sentence_start, sentence_end))
                last_sentence = sentence_start
        sections_measures.append((section, body, _Measures(measures, starts, sentences)))

    has_role_lines = False
    for section, body, measures in sections_measures:
        section_id = section_ids[section.ordinal]
        if body.roles or body.notes:
            has_role_lines = True
            measure_ids = [row["measure_id"] for _, row in measures.rows]
            for role, names in body.roles:
                for name_raw in names:
                    link(measure_ids, name_raw, role)
            for start, end, role, names in body.notes:  # a note: the tasks it closes
                noted = [
                    r["measure_id"] for _, r in measures.rows if start <= r["char_start"] < end
                ]
                for name_raw in names:
                    link(noted, name_raw, role)
        per_measure: dict[str, int] = {}
        stated: dict[str, set[int | str]] = {}  # a measure's deadline years and frequencies
        undated: dict[str, list[Row]] = {}  # its quantities no year dates (yet)
        n_instruments = 0
        reviews = section.ordinal in review  # past work: its numbers are achievements
        # sentences, and the deadlines that lines of their own or role lines state, in order
        spans = measures.sentences
        if body.deadlines and not reviews:
            spans = sorted(spans + [(a, b, True) for a, b in body.deadlines])
        for s_start, s_end, *deadline_line in spans:
            sentence = text[s_start:s_end]
            for hit in () if reviews else find_targets(sentence, plan_year):
                if beyond_period(hit.deadline_year, period_end):
                    continue
                if before_period(hit.deadline_year, period_start):
                    if hit.kind == "deadline":
                        continue
                    hit = hit._replace(deadline_year=None)
                row = (
                    _measure_before(measures, s_start)
                    if deadline_line
                    else _measure_at(measures, s_start + hit.clause_start)
                )
                if row is None:
                    continue
                dated = stated.setdefault(row["measure_id"], set())
                if _restates(hit, sentence, dated):
                    continue  # 完成时限:2022年底前 of a task that says 2022年底前完成…
                dated.update({hit.deadline_year, hit.frequency} - {None})
                waiting = undated.get(row["measure_id"])
                if hit.kind == "deadline" and waiting and _labelled(hit, sentence):
                    for target in undated.pop(row["measure_id"]):  # …达到95%以上 / 完成时限:
                        target["deadline_year"] = hit.deadline_year  # 2023年底前: one row
                    continue
                k = per_measure[row["measure_id"]] = per_measure.get(row["measure_id"], 0) + 1
                tables["targets"].append(
                    {
                        "target_id": f"{row['measure_id']}:t{k}",
                        "doc_id": doc_id,
                        "measure_id": row["measure_id"],
                        "text": sentence[hit.clause_start : hit.clause_end],
                        "kind": hit.kind,
                        "value": hit.value,
                        "unit": hit.unit,
                        "comparator": hit.comparator,
                        "deadline_year": hit.deadline_year,
                        "frequency": hit.frequency,
                        "scope": hit.scope,
                        "char_start": s_start + hit.clause_start,
                        "char_end": s_start + hit.clause_end,
                    }
                )
                if hit.kind == "quantity" and hit.deadline_year is None and not hit.frequency:
                    undated.setdefault(row["measure_id"], []).append(tables["targets"][-1])
            if deadline_line:
                continue
            for hit in find_instruments(sentence, in_preamble=False):
                row = _measure_at(measures, s_start + hit.start)
                if row is None:
                    continue
                n_instruments += 1
                tables["instruments"].append(
                    _instrument_row(
                        f"{section_id}:i{n_instruments}",
                        doc_id,
                        section_id,
                        row["measure_id"],
                        hit,
                        s_start,
                        False,
                    )
                )
    _date_goal_lists(text, sections, tables["targets"])
    # the actor a sentence names, for measures no role line or note gives an agency (all of
    # a plan without role lines; in one with them, the tasks they leave out)
    noted = {measure_id for measure_id, _, _ in links} if has_role_lines else set()
    for _, _, measures in sections_measures:
        for s_start, s_end in measures.sentences:
            if noted and _noted_sentence(measures, s_start, s_end, noted):
                continue  # its tasks have their roles (most, where a plan prints notes)
            for name_raw, start, _end in agencies_named_in_text(text[s_start:s_end]):
                row = _measure_at(measures, s_start + start)
                if row is not None and row["measure_id"] not in noted:
                    link([row["measure_id"]], name_raw, "named_in_text")
    first_heading = sections[0].char_start if sections else len(text)
    in_headings = _heading_instruments(text, sections, section_ids, doc_id)
    in_bodies = tables["instruments"]
    if in_headings:  # each in its place in the text among the bodies' mentions
        in_bodies = list(heapq.merge(in_bodies, in_headings, key=lambda r: r["char_start"]))
    tables["instruments"] = _preamble_instruments(text, first_heading, doc_id) + in_bodies
    tables["agencies"] = list(agencies.values())
    tables["measure_agencies"] = list(links.values())
    return tables
