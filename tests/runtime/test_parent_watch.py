"""A run killed by a signal leaves no process behind (flows/parent_watch.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from tests.helpers import REPO, SEEDS

LAUNCH_SERVER = (
    "from pipeline.runtime.local_server import LocalServer\n"
    "import time\n"
    "server = LocalServer().start()\n"
    "print(server.process.pid, flush=True)\n"
    "time.sleep(120)\n"
)


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _all_end(pids: list[int], within_s: float = 30) -> list[int]:
    """Those of ``pids`` still running after ``within_s`` seconds."""
    deadline = time.monotonic() + within_s
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [p for p in pids if _running(p)]


def test_the_temporary_server_stops_when_its_run_is_killed(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path)}
    run = subprocess.Popen(
        [sys.executable, "-c", LAUNCH_SERVER], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    server = int(run.stdout.readline())
    time.sleep(1)  # let the server process get going
    assert _running(server)
    run.kill()
    run.wait()
    assert _all_end([server]) == []


def test_a_killed_run_leaves_neither_server_nor_workers(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    run = subprocess.Popen(
        [sys.executable, "-m", "flows.main", "--seeds", str(SEEDS), "--output", str(tmp_path)]
        + ["--workers", "2", "--batch-size", "1"],
        cwd=REPO,
        env=clean,  # Prefect's home as the other flow tests: its database is set up
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    children: list[psutil.Process] = []
    while len(children) < 4 and time.monotonic() < deadline:  # server, tracker, 2 workers
        time.sleep(0.2)
        children = psutil.Process(run.pid).children(recursive=True)
    assert len(children) >= 4, [c.cmdline() for c in children]
    run.kill()
    run.wait()
    assert _all_end([c.pid for c in children]) == []
