"""The benchmark chart: one line per run kind, failed or skipped runs left out, a PNG."""

from __future__ import annotations

from benchmarks.chart import series, write_chart
from benchmarks.run import results_section

RUNS = [
    {"case": "floor", "plans": 1000, "wall_s": 9.0, "returncode": 0},
    {"case": "floor", "plans": 100, "wall_s": 1.2, "returncode": 0},
    {"case": "full", "plans": 100, "wall_s": 20.0, "ok": True},
    {"case": "full", "plans": 1000, "wall_s": 60.0, "ok": True},
    {"case": "rerun", "plans": 1000, "wall_s": 8.0, "ok": True},
    {"case": "incremental", "plans": 1001, "wall_s": 30.0, "ok": False},
    {"case": "dask", "plans": 1000, "skipped": "no --runner dask"},
]


def test_series_are_sorted_by_plans_and_keep_only_successful_runs():
    assert series(RUNS) == {
        "floor": [(100, 1.2), (1000, 9.0)],
        "full": [(100, 20.0), (1000, 60.0)],
        "rerun": [(1000, 8.0)],
    }


def test_chart_is_a_png_and_the_same_runs_draw_the_same_bytes(tmp_path):
    first = write_chart(RUNS, tmp_path / "a.png", "test")
    second = write_chart(RUNS, tmp_path / "b.png", "test")
    assert first is not None and second is not None
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.read_bytes() == second.read_bytes()


def test_no_successful_run_draws_nothing(tmp_path):
    assert write_chart(RUNS[-2:], tmp_path / "c.png") is None
    assert not (tmp_path / "c.png").exists()


def test_results_section_shows_the_chart_above_the_table():
    machine = {
        "date": "2026-12-01T10:00:00+00:00",
        "cpu_model": "cpu",
        "logical_cores": 2,
        "physical_cores": 2,
        "ram_gb": 1,
        "python": "3.11",
        "platform": "linux",
        "git_commit": "abc1234",
    }
    runs = [
        {
            **r,
            "cpu_s": 1.0,
            "peak_rss_main_mb": 1,
            "peak_rss_tree_mb": 1,
            "loadavg_1min_before": 0.0,
            "loadavg_1min_after": 0.0,
            "returncode": 0,
        }
        for r in RUNS[2:4]
    ]
    text = results_section(machine, runs, "bench.json", "bench-chart.png")
    chart = text.index("](bench-chart.png)")
    assert chart < text.index("| case | plans |")
    assert "![" not in results_section(machine, runs, "bench.json")
