"""The benchmark's chart: wall time against plans, log-log, one line per run kind.

Why: the Results table gives exact numbers, but whether a run kind grows with the corpus
(full build, floor, Dask) or stays flat (rerun, +1 plan) and how far apart they are is read
at a glance from one picture. Log-log, because sizes span 100 to 10,000 plans and times a
few seconds to many minutes; a straight line's slope is then how the time scales.

``benchmarks.run`` writes it beside the table in ``benchmarks/README.md``;
``python -m benchmarks.chart RESULTS.json [--out FILE]`` redraws it from a results file.
Drawn with matplotlib (a project dependency for this chart) on its Agg backend, so it needs
no display.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
CHART_NAME = "bench-chart.png"
LABELS = {
    "floor": "extraction floor",
    "full": "full build",
    "rerun": "rerun, nothing new",
    "incremental": "+1 plan, embedded server",
    "incremental-server": "+1 plan, running server",
    "dask": "full build, Dask",
}


def series(runs: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """(plans, wall s) of each successful run, by run kind, sorted by plans."""
    out: dict[str, list[tuple[int, float]]] = {}
    for r in runs:
        if r.get("skipped") or not r.get("ok", r.get("returncode") == 0) or "wall_s" not in r:
            continue
        out.setdefault(r["case"], []).append((r["plans"], r["wall_s"]))
    return {case: sorted(points) for case, points in out.items()}


def chart_title(machine: dict[str, Any]) -> str:
    """When and on which code the runs were measured."""
    return f"{machine['date'][:10]}, code at {machine['git_commit']}"


def write_chart(runs: list[dict[str, Any]], path: Path, title: str = "") -> Path | None:
    """Draw the runs' wall times into the PNG ``path``; None (and no file) without runs."""
    lines = series(runs)
    if not lines:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    for case in [c for c in LABELS if c in lines] + [c for c in lines if c not in LABELS]:
        xs, ys = zip(*lines[case], strict=True)
        ax.plot(xs, ys, marker="o", label=LABELS.get(case, case))
    ax.set_xscale("log")
    ax.set_yscale("log")
    xs = [n for points in lines.values() for n, _ in points]
    ys = [t for points in lines.values() for _, t in points]
    for axis, values, limits, label in (
        (ax.xaxis, xs, ax.set_xlim, "{:,.0f}"),
        (ax.yaxis, ys, ax.set_ylim, "{:g}"),
    ):
        axis.set_major_locator(LogLocator(base=10))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos, f=label: f.format(v)))
        axis.set_minor_formatter(NullFormatter())
        if max(values) < 10 * min(values):  # one size only: still show a decade around it
            limits(min(values) / 3, max(values) * 3)
    ax.set_xlabel("plans")
    ax.set_ylabel("wall time, s")
    ax.set_title(title or "Time against plans")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})  # no version stamp: same runs, same bytes
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chart", description=__doc__)
    parser.add_argument("results", type=Path, help="a benchmarks/results/bench-*.json file")
    parser.add_argument("--out", type=Path, default=BENCH / CHART_NAME)
    args = parser.parse_args(argv)
    data = json.loads(args.results.read_text(encoding="utf-8"))
    written = write_chart(data["runs"], args.out, chart_title(data["machine"]))
    if written is None:
        print(f"error: {args.results}: no successful runs to draw", file=sys.stderr)
        return 1
    print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
