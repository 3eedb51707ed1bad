"""The extraction floor: the flow's per-plan functions in a plain loop, nothing else.

Why: the flow's wall time mixes extraction with Prefect start-up and orchestration,
Great Expectations and Frictionless validation, and writing the release. Timing the same
functions the flow calls per plan (``read_source`` + ``decode`` + ``process_plan`` +
``place_plan``) in a plain Python loop, with no Prefect, no validation and no publishing,
gives the part of the flow's time that only faster extraction (or more cores, or a cache)
can remove; the rest, flow wall minus this floor, is the cost of orchestration, validation
and publishing.

Run by ``benchmarks.run`` in its own subprocess (so its peak RSS is its own, and nothing the
flow imported is already warm): ``python -m benchmarks.floor --seeds DIR`` prints one JSON
object. ``--profile FILE`` writes cProfile stats of the loop to FILE as well.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

_T0 = time.perf_counter()

from pipeline.extract.plan import process_plan  # noqa: E402
from pipeline.read.ingest import Rejection, decode, discover, read_source  # noqa: E402
from pipeline.themes.place import place_plan  # noqa: E402

_IMPORT_S = time.perf_counter() - _T0


def extraction_loop(seeds: Path) -> dict[str, int]:
    """What the flow's ingest and extract-batch tasks do, one plan after another."""
    counts = {"inputs": 0, "plans": 0, "rejected": 0, "rows": 0}
    for path in discover(seeds):
        counts["inputs"] += 1
        decoded = decode(read_source(path))
        result = decoded if isinstance(decoded, Rejection) else process_plan(decoded)
        if isinstance(result, Rejection):
            counts["rejected"] += 1
        else:
            result = place_plan(result)
            counts["plans"] += 1
            counts["rows"] += sum(len(rows) for rows in result.tables.values())
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("--seeds", type=Path, required=True, help="folder of plans")
    parser.add_argument("--profile", type=Path, help="also write cProfile stats here")
    args = parser.parse_args(argv)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    counts = extraction_loop(args.seeds)
    loop_s, loop_cpu_s = time.perf_counter() - start_wall, time.process_time() - start_cpu
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    result = {
        **counts,
        "import_s": round(_IMPORT_S, 4),
        "loop_s": round(loop_s, 4),
        "loop_cpu_s": round(loop_cpu_s, 4),
        "ms_per_plan": round(1000 * loop_s / max(1, counts["inputs"]), 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
