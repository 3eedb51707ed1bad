"""A plan whose own rows fail a row-level check is held back; the rest of its batch is kept."""

from __future__ import annotations

from pathlib import Path

from pipeline.read.ingest import find_inputs
from pipeline.runtime.assemble import combine_batches
from pipeline.runtime.batch import run_batch
from tests.helpers import PLAN_FAILING_A_ROW_CHECK


def test_plan_failing_a_row_check_is_held_back_and_the_batch_passes(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    good = PLAN_FAILING_A_ROW_CHECK.replace("到2040年底", "到2023年底").replace("南江", "海口")
    (seeds / "100_good.txt").write_text(good, encoding="utf-8")
    (seeds / "900_bad.txt").write_text(PLAN_FAILING_A_ROW_CHECK, encoding="utf-8")
    items, rejected = find_inputs(seeds)
    batch = run_batch(0, items, tmp_path / "staging", cache=None)
    assert all(c.passed for c in batch.checks)
    assert batch.rows["documents"] == 1
    (bad,) = [p for p in batch.plans if p.source_file == "900_bad.txt"]
    assert bad.held_back
    assert "deadline year between plan start" in bad.rejection
    assert "2040" in bad.rejection  # the failing row's value
    assembly = combine_batches([batch], rejected)
    assert len(assembly.published) == 1
    assert [r.source_file for r in assembly.rejected] == ["900_bad.txt"]  # so --strict fails
    assert assembly.held_back == assembly.rejected
