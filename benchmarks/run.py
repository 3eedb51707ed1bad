"""Benchmark the release flow on synthetic corpora of 100, 1,000 and 10,000 plans.

Why: to know, before the real corpus grows, what a release costs (wall time, CPU, memory)
as plans are added, how much of that is the per-plan extraction (which more cores or a cache
can cut) versus Prefect orchestration, validation and publishing (which they cannot), and
what adding one plan to an existing release costs. ``make bench`` runs it; see
benchmarks/README.md for what is measured and the latest results.

For every size N (``--sizes``, default 100,1000,10000):

1. ``benchmarks.generate`` makes (or reuses) a corpus of N distinct plans in
   ``benchmarks/corpora/N/plans``.
2. The extraction floor: ``python -m benchmarks.floor`` in its own subprocess runs
   ``read_source`` + ``decode`` + ``process_plan`` over the corpus in a plain loop.
3. The full build: ``python -m flows.main --seeds CORPUS --output OUT`` in a subprocess, as
   ``make run`` would, into a fresh OUT and a fresh ``PREFECT_HOME`` (so no state, and no
   cache, carries over from an earlier run), after an unmeasured warm-up run on ``seeds/``
   with ``--dry-run`` that creates the embedded server's database in that ``PREFECT_HOME``.
4. For N in ``--incremental-sizes`` (default 1,000 and 10,000): plan N is added to the
   corpus and the flow is rerun into the same OUT and PREFECT_HOME: the cost of one new plan.
5. For N in ``--dask-sizes`` (default 1000), if ``flows.main`` accepts ``--runner dask``: a
   full build with ``--runner dask``.

Each subprocess is measured from outside: wall time; CPU time (user + sys) of its whole
process tree, from ``os.wait4`` (which includes every descendant it reaped: the embedded
Prefect server, Dask workers); peak RSS (VmHWM) of the main process and of the largest
process, and peak of the summed RSS of the tree (psutil and /proc, polled every 0.1 s). The
flow's own log lines, with millisecond timestamps, split its wall time into start-up, each
task, and shut-down.

Raw results go to ``benchmarks/results/bench-<time>.json``; a table is printed and written
into the "Results" section of ``benchmarks/README.md`` (``--no-readme`` to skip).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

from benchmarks.chart import CHART_NAME, chart_title, write_chart
from benchmarks.generate import DEFAULT_SEEDS, MANIFEST, ensure_corpus, extend_corpus

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
PYTHON = sys.executable
POLL_S = 0.1
MB = 1024 * 1024

# Millisecond timestamps in the flow's log lines (settings.py only sets these if unset), so
# the phases of a run can be read from its log.
LOG_ENV = {
    "PREFECT_LOGGING_FORMATTERS_STANDARD_FLOW_RUN_FMT": (
        "%(asctime)s.%(msecs)03d | %(levelname)-7s | %(message)s"
    ),
    "PREFECT_LOGGING_FORMATTERS_STANDARD_TASK_RUN_FMT": (
        "%(asctime)s.%(msecs)03d | %(levelname)-7s | %(task_run_name)s - %(message)s"
    ),
}
LOG_LINE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) \| (\w+)\s*\| (.*)$")
TASK_DONE = re.compile(r"^(?P<task>[\w.-]+?)-[0-9a-f]{3,} - Finished in state (?P<state>\w+)")


# --------------------------------------------------------------------------- measuring


def _hwm_bytes(pid: int) -> int:
    """Peak RSS of a process since its exec (VmHWM). Unlike ``ru_maxrss``, it does not
    include the memory of the parent that spawned it (Linux carries the pre-exec high-water
    mark of the forked/vforked image into ``ru_maxrss``)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def measure(cmd: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``cmd`` to completion; wall, CPU and memory of it and its process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    # the previous run's writes (a release of 10,000 plans is 5.6 GB) are flushed first, not
    # on this run's time: a maintainer's weekly run starts on an idle disk, and this run's
    # own writes then meet the kernel's dirty-page limit only as they would there
    synced = time.perf_counter()
    os.sync()
    synced = time.perf_counter() - synced
    load_before = os.getloadavg()[0]  # other work on the machine skews every number
    with log.open("wb") as sink:
        start_epoch, start = time.time(), time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
        root = psutil.Process(proc.pid)
        peak_tree = 0
        seen_cpu: dict[int, float] = {}
        hwm: dict[int, int] = {}
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree_rss = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    with p.oneshot():
                        tree_rss += p.memory_info().rss
                        t = p.cpu_times()
                        seen_cpu[p.pid] = t.user + t.system
                    hwm[p.pid] = max(hwm.get(p.pid, 0), _hwm_bytes(p.pid))
                except psutil.Error:
                    pass
            peak_tree = max(peak_tree, tree_rss)
            time.sleep(POLL_S)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "cmd": cmd,
        "returncode": proc.returncode,
        "start_epoch": start_epoch,
        "wall_s": round(wall, 3),
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        # cross-check: CPU of every process seen while polling (misses the last 0.1 s)
        "cpu_polled_s": round(sum(seen_cpu.values()), 3),
        "processes_seen": len(seen_cpu),
        "peak_rss_main_mb": round(hwm.get(proc.pid, 0) / MB, 1),
        "peak_rss_largest_mb": round(max(hwm.values(), default=0) / MB, 1),
        "peak_rss_tree_mb": round(peak_tree / MB, 1),
        # upper bound only: includes this (parent) process's RSS at spawn, see _hwm_bytes
        "ru_maxrss_mb": round(usage.ru_maxrss * 1024 / MB, 1),
        "sync_before_s": round(synced, 2),
        "loadavg_1min_before": round(load_before, 2),
        "loadavg_1min_after": round(os.getloadavg()[0], 2),
        "log": str(log),
    }


def phases(log: Path, start_epoch: float, end_epoch: float) -> dict[str, float]:
    """Split a flow run into start-up, its tasks (by the time each kind last finished) and
    shut-down, from the millisecond timestamps of its log lines."""
    day = dt.datetime.fromtimestamp(start_epoch).date()
    marks: list[tuple[float, str]] = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = LOG_LINE.match(line)
        if not m:
            continue
        h, mi, s, ms, _level, message = m.groups()
        t = dt.datetime.combine(day, dt.time(int(h), int(mi), int(s), int(ms) * 1000))
        epoch = t.timestamp()
        if epoch < start_epoch - 60:  # the run crossed midnight
            epoch += 86400
        if message.startswith("Beginning flow run"):
            marks.append((epoch, "startup"))
        elif (task := TASK_DONE.match(message)) is not None:
            marks.append((epoch, task["task"]))
        elif message.startswith("Finished in state"):
            marks.append((epoch, "flow end"))
    if not marks:
        return {}
    last: dict[str, float] = {}
    for epoch, name in marks:
        last[name] = max(last.get(name, epoch), epoch)
    out, previous = {}, start_epoch
    for name, epoch in sorted(last.items(), key=lambda kv: kv[1]):
        out[name] = round(epoch - previous, 2)
        previous = epoch
    out["shutdown"] = round(end_epoch - previous, 2)
    return out


def flow_summary(log: Path) -> dict[str, Any]:
    """Plans published / rejected and the release, from the flow's summary log lines."""
    text = log.read_text(encoding="utf-8", errors="replace")
    summary: dict[str, Any] = {}
    if m := re.search(r"Plans published: (\d+); rejected: (\d+)", text):
        summary["plans_published"], summary["rejected"] = int(m[1]), int(m[2])
    if m := re.search(r"Published release (\S+)", text):
        summary["status"], summary["version"] = "published", m[1]
    elif m := re.search(r"Up to date: release (\S+)", text):
        summary["status"], summary["version"] = "up to date", m[1]
    if m := re.search(r"^error: (.*)$", text, re.M):
        summary["error"] = m[1][:500]
    return summary


# --------------------------------------------------------------------------- the cases


class Bench:
    """One benchmark session: where things go, and the measurements so far."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        if args.work_dir:  # --work-dir names a folder to keep runs in: make it if need be
            Path(args.work_dir).mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix="rolp-bench-", dir=args.work_dir))
        self.flow_help = subprocess.run(
            [PYTHON, "-m", "flows.main", "--help"], cwd=REPO, capture_output=True, text=True
        ).stdout
        self.runs: list[dict[str, Any]] = []

    def env(self, prefect_home: Path) -> dict[str, str]:
        env = {**os.environ, **LOG_ENV, "PREFECT_HOME": str(prefect_home)}
        env.setdefault("PYTHONHASHSEED", "0")
        return env

    @contextlib.contextmanager
    def prefect_server(self, home: Path, log: Path) -> Iterator[str]:
        """A Prefect server started as a maintainer runs one (``prefect server start``);
        yields its API URL. Flows pointed at it skip starting a temporary server."""
        home.mkdir(parents=True, exist_ok=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {
            **os.environ,
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
        }
        env.pop("PREFECT_API_URL", None)
        prefect = Path(PYTHON).parent / "prefect"
        cmd = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        with log.open("w", encoding="utf-8") as fh:
            proc = subprocess.Popen(
                cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
            )
        url = f"http://127.0.0.1:{port}/api"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"prefect server did not start; see {log}")
                time.sleep(0.5)
            yield url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def supports_dask(self) -> bool:
        return "--runner" in self.flow_help and "dask" in self.flow_help

    def floor(self, n: int, corpus: Path) -> dict[str, Any]:
        log = self.work / f"floor-{n}.log"
        cmd = [PYTHON, "-m", "benchmarks.floor", "--seeds", str(corpus)]
        for attempt in range(1 + self.args.retries):
            run = measure(cmd, {**os.environ}, log)
            if run["returncode"] == 0:
                break
            print(f"  floor {n} failed (attempt {attempt + 1}), see {log}", file=sys.stderr)
        lines = log.read_text(encoding="utf-8").strip().splitlines()
        run["floor"] = json.loads(lines[-1]) if run["returncode"] == 0 else None
        return {"case": "floor", "plans": n, **run}

    def flow(
        self,
        case: str,
        n: int,
        corpus: Path,
        out: Path,
        home: Path,
        extra: list[str],
        expect: int,
        warm_up: bool,
        api_url: str | None = None,
    ) -> dict[str, Any]:
        home.mkdir(parents=True, exist_ok=True)  # Prefect does not create PREFECT_HOME
        env = self.env(home)
        if api_url:
            env["PREFECT_API_URL"] = api_url
        if warm_up and not self.args.no_warmup:
            subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "flows.main",
                    "--seeds",
                    str(DEFAULT_SEEDS),
                    "--output",
                    str(home.parent / "warmup-out"),
                    "--dry-run",
                ],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        cmd = [PYTHON, "-m", "flows.main", "--seeds", str(corpus), "--output", str(out), *extra]
        for attempt in range(1 + self.args.retries):
            log = self.work / f"{case}-{n}-{attempt}.log"
            run = measure(cmd, env, log)
            run.update(flow_summary(log))
            run["phases"] = phases(log, run["start_epoch"], run["start_epoch"] + run["wall_s"])
            ok = run["returncode"] == 0 and run.get("plans_published") == expect
            if ok:
                break
            print(
                f"  {case} {n} failed (attempt {attempt + 1}; rc {run['returncode']}, "
                f"published {run.get('plans_published')} of {expect}); see {log}",
                file=sys.stderr,
            )
        run["ok"] = ok
        return {"case": case, "plans": n, **run}

    def add_one_plan(
        self,
        case: str,
        corpus_root: Path,
        base: Path,
        full: dict[str, Any],
        label: str,
        api_url: str | None = None,
    ) -> dict[str, Any]:
        """Add the corpus's next plan and rerun the flow into the full build's output."""
        added = extend_corpus(corpus_root, self.args.seed)
        n = json.loads((corpus_root / MANIFEST).read_text(encoding="utf-8"))["plans"]
        run = self.flow(
            case, n, added.parent, base / "out", base / "prefect-home", [], n, False, api_url
        )
        run["added"] = added.name
        run["ratio_to_full"] = round(run["wall_s"] / full["wall_s"], 3)
        self.runs.append(run)
        print(
            f"[{full['plans']}] incremental ({label}): {run['wall_s']:.1f} s wall "
            f"({run['ratio_to_full']:.0%} of full), ok={run['ok']}"
        )
        return run

    def size(self, n: int) -> None:
        args = self.args
        corpus_root = args.corpora / str(n)
        t = time.perf_counter()
        corpus, reused = ensure_corpus(corpus_root, n, args.seed)
        print(
            f"[{n}] corpus {'reused' if reused else 'generated'} in "
            f"{time.perf_counter() - t:.1f} s: {corpus}"
        )
        floor = self.floor(n, corpus)
        self.runs.append(floor)
        print(
            f"[{n}] floor: {floor['wall_s']:.1f} s wall, loop "
            f"{(floor.get('floor') or {}).get('loop_s')} s"
        )

        base = self.work / f"full-{n}"
        full = self.flow("full", n, corpus, base / "out", base / "prefect-home", [], n, True)
        self.runs.append(full)
        print(f"[{n}] full build: {full['wall_s']:.1f} s wall, ok={full['ok']}")
        if n in args.incremental_sizes and full["ok"]:
            # what any rerun costs before it does any work: start-up, cache look-ups, diff
            rerun = self.flow("rerun", n, corpus, base / "out", base / "prefect-home", [], n, False)
            rerun["ratio_to_full"] = round(rerun["wall_s"] / full["wall_s"], 3)
            self.runs.append(rerun)
            print(
                f"[{n}] rerun, nothing new: {rerun['wall_s']:.1f} s wall "
                f"({rerun['ratio_to_full']:.0%} of full), ok={rerun['ok']}"
            )
            inc = self.add_one_plan("incremental", corpus_root, base, full, "+1 plan")
            if inc["ok"]:
                # the everyday case on a maintainer's machine: a Prefect server is running
                with self.prefect_server(
                    base / "server-home", self.work / f"server-{n}.log"
                ) as url:
                    self.add_one_plan(
                        "incremental-server",
                        corpus_root,
                        base,
                        full,
                        "+1 plan, running Prefect server",
                        api_url=url,
                    )
            ensure_corpus(corpus_root, n, args.seed)  # back to exactly N plans
        if n in args.dask_sizes:
            if not self.supports_dask():
                print(f"[{n}] dask: flows.main has no --runner dask yet; skipped")
                self.runs.append({"case": "dask", "plans": n, "skipped": "no --runner dask"})
            else:
                base = self.work / f"dask-{n}"
                dask = self.flow(
                    "dask",
                    n,
                    corpus,
                    base / "out",
                    base / "prefect-home",
                    ["--runner", "dask"],
                    n,
                    True,
                )
                self.runs.append(dask)
                print(f"[{n}] dask build: {dask['wall_s']:.1f} s wall, ok={dask['ok']}")

    def cleanup(self) -> None:
        if not self.args.keep_output:
            shutil.rmtree(self.work, ignore_errors=True)


# --------------------------------------------------------------------------- reporting


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def git(*a: str) -> str:
        r = subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True)
        return r.stdout.strip()

    return {
        "cpu_model": model,
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "code_uncommitted_changes": bool(git("status", "--porcelain", "--", "flows", "pipeline")),
    }


def _fmt(x: Any, spec: str = ".1f") -> str:
    return "–" if x is None else format(x, spec)


def extrapolate(runs: list[dict[str, Any]], case: str, target: int) -> float | None:
    """Wall time at ``target`` plans from a straight line through the two largest sizes
    measured (fixed start-up cost + cost per plan)."""
    points = sorted(
        (r["plans"], r["wall_s"] if case == "full" else r["floor"]["loop_s"])
        for r in runs
        if r["case"] == case and (r.get("ok") or r.get("floor"))
    )
    if len(points) < 2 or any(n == target for n, _ in points):
        return None
    (n1, t1), (n2, t2) = points[-2], points[-1]
    slope = (t2 - t1) / (n2 - n1)
    return t2 + slope * (target - n2)


def tables(runs: list[dict[str, Any]]) -> str:
    """The results as Markdown tables."""
    out = [
        "| case | plans | wall s | CPU s (user+sys) | peak RSS MB, main process "
        "| peak RSS MB, process tree | plans/s | load avg before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    label = {
        "floor": "extraction floor (plain loop)",
        "full": "flow, full build",
        "rerun": "flow, rerun with nothing new (publishes nothing)",
        "incremental": "flow, +1 plan into existing release",
        "incremental-server": "flow, +1 more plan, against a running Prefect server",
        "dask": "flow, full build, `--runner dask`",
    }
    for r in runs:
        if r.get("skipped"):
            out.append(f"| {label[r['case']]} | {r['plans']} | skipped: {r['skipped']} ||||||")
            continue
        failed = "" if r.get("ok", r["returncode"] == 0) else " **(failed)**"
        out.append(
            f"| {label[r['case']]}{failed} | {r['plans']:,} | {r['wall_s']:.1f} | "
            f"{r['cpu_s']:.1f} | {r['peak_rss_main_mb']:.0f} | {r['peak_rss_tree_mb']:.0f} | "
            f"{r['plans'] / r['wall_s']:.1f} | "
            f"{r['loadavg_1min_before']:.1f} → {r['loadavg_1min_after']:.1f} |"
        )
    floors = {r["plans"]: r for r in runs if r["case"] == "floor" and r.get("floor")}
    out += [
        "",
        "Where a full build's time goes: the extraction floor is the plain loop's own time "
        "(without interpreter start-up and imports); everything else is orchestration, "
        "validation and publishing.",
        "",
        "| build | plans | flow wall s | extraction floor s | orchestration + validation + "
        "publishing s | share of wall | floor ms/plan | flow ms/plan |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        if r["case"] not in ("full", "dask") or r.get("skipped") or r["plans"] not in floors:
            continue
        f = floors[r["plans"]]["floor"]
        rest = r["wall_s"] - f["loop_s"]
        out.append(
            f"| {r['case']} | {r['plans']:,} | {r['wall_s']:.1f} | {f['loop_s']:.1f} | "
            f"{rest:.1f} | {rest / r['wall_s']:.0%} | {f['ms_per_plan']:.0f} | "
            f"{1000 * r['wall_s'] / r['plans']:.0f} |"
        )
    flows = [r for r in runs if r["case"] != "floor" and r.get("phases")]
    if flows:
        names: list[str] = []
        for r in flows:
            names += [k for k in r["phases"] if k not in names]
        out += [
            "",
            "Phases of each flow run, from its log timestamps (s; a task's phase ends when the "
            "last task of that name finished; `startup` = interpreter, imports and the embedded "
            'Prefect server, up to "Beginning flow run"):',
            "",
            "| run | plans | " + " | ".join(names) + " |",
            "|---|---:|" + "---:|" * len(names),
        ]
        for r in flows:
            cells = " | ".join(_fmt(r["phases"].get(k)) for k in names)
            out.append(f"| {r['case']} | {r['plans']:,} | {cells} |")
    notes = []
    for r in runs:
        if r["case"] == "rerun" and not r.get("skipped"):
            notes.append(
                f"- Rerun with nothing new on {r['plans']:,} plans: {r['wall_s']:.1f} s, "
                f"{r['ratio_to_full']:.0%} of the full build ({r.get('status', '?')}): the "
                f"fixed cost of any rerun (start-up, cache look-ups, key checks, diff, shutdown)."
            )
        if r["case"] == "incremental-server" and not r.get("skipped"):
            notes.append(
                f"- Incremental against a running Prefect server (`prefect server start`, "
                f"`PREFECT_API_URL` set, so no temporary server is started): adding one more "
                f"plan ({r.get('added')}) took {r['wall_s']:.1f} s, {r['ratio_to_full']:.0%} of "
                f"the full build; it published {r.get('version', '?')}."
            )
        if r["case"] == "incremental" and not r.get("skipped"):
            notes.append(
                f"- Incremental: adding one plan ({r.get('added')}) to the {r['plans'] - 1:,}-plan "
                f"release and rerunning into the same output took {r['wall_s']:.1f} s, "
                f"{r['ratio_to_full']:.0%} of the full build; it published "
                f"{r.get('version', '?')} ({r.get('status', r.get('error', '?'))})."
            )
    for case in ("full", "floor"):
        est = extrapolate(runs, case, 10_000)
        if est is not None:
            what = "full build" if case == "full" else "extraction floor"
            notes.append(
                f"- Not measured at 10,000 plans: a straight line through the two largest sizes "
                f"puts the {what} at ≈ {est / 60:.0f} min ({est:,.0f} s)."
            )
    if notes:
        out += ["", *notes]
    return "\n".join(out)


def results_section(
    m: dict[str, Any], runs: list[dict[str, Any]], json_name: str, chart: str | None = None
) -> str:
    dirty = " (with uncommitted code changes)" if m.get("code_uncommitted_changes") else ""
    picture = [f"![Wall time against plans, log-log, one line per run kind]({chart})", ""]
    return "\n".join(
        [
            "## Results",
            "",
            f"Measured {m['date']} on {m['cpu_model']}, {m['logical_cores']} logical cores "
            f"({m['physical_cores']} physical), {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"{m['platform']}; code at {m['git_commit']}{dirty}. Raw numbers: "
            f"`benchmarks/results/{json_name}` (not committed).",
            "",
            *(picture if chart else []),
            tables(runs),
            "",
        ]
    )


def update_readme(readme: Path, section: str) -> None:
    """Replace the "## Results" section (to the end of the file) of the README."""
    text = readme.read_text(encoding="utf-8") if readme.is_file() else "# Benchmarks\n\n"
    head = text.split("\n## Results", 1)[0].rstrip("\n")
    readme.write_text(head + "\n\n" + section, encoding="utf-8")


# --------------------------------------------------------------------------- main


def _sizes(value: str) -> list[int]:
    """``100,1000`` or ``100,1_000,10k``."""
    sizes = []
    for part in value.split(","):
        part = part.strip().lower().replace("_", "")
        if part:
            sizes.append(int(part[:-1]) * 1000 if part.endswith("k") else int(part))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[100, 1000, 10000],
        help="corpus sizes, e.g. 100,1000 (default 100,1000,10000)",
    )
    parser.add_argument(
        "--incremental-sizes",
        type=_sizes,
        default=[1000, 10000],
        help="sizes followed by the +1-plan reruns (default 1000,10000)",
    )
    parser.add_argument(
        "--dask-sizes",
        type=_sizes,
        default=[1000],
        help="sizes also built with --runner dask, if supported (default 1000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--corpora", type=Path, default=BENCH / "corpora")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    parser.add_argument(
        "--work-dir", type=Path, default=None, help="where output dirs go (default: system temp)"
    )
    parser.add_argument("--keep-output", action="store_true", help="keep outputs and logs")
    parser.add_argument("--no-warmup", action="store_true", help="skip the warm-up runs")
    parser.add_argument("--retries", type=int, default=1, help="reruns of a failed run")
    parser.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    args = parser.parse_args(argv)

    m = machine()
    bench = Bench(args)
    print(f"benchmark: sizes {args.sizes}; work dir {bench.work}")
    try:
        for n in args.sizes:
            bench.size(n)
    finally:
        args.results.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        json_path = args.results / f"bench-{stamp}.json"
        json_path.write_text(
            json.dumps(
                {"machine": m, "args": vars(args), "runs": bench.runs}, indent=1, default=str
            ),
            encoding="utf-8",
        )
        bench.cleanup()
    chart = None
    if not args.no_readme:  # the chart goes beside the table, so only with the README
        chart = write_chart(bench.runs, BENCH / CHART_NAME, chart_title(m))
    section = results_section(m, bench.runs, json_path.name, chart.name if chart else None)
    print()
    print(section)
    print(f"raw results: {json_path}")
    if not args.no_readme:
        update_readme(BENCH / "README.md", section)
    return (
        0
        if all(r.get("ok", r.get("returncode") == 0) for r in bench.runs if not r.get("skipped"))
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
