"""The run's temporary Prefect server (flows/local_server.py) outside a normal run."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from tests.conftest import REPO

LAUNCH = (
    "from flows.local_server import LocalServer\n"
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


def test_the_temporary_server_stops_when_its_run_is_killed(tmp_path):
    # SIGKILL (or a SIGTERM that Prefect turns into a crash) runs no exit handlers
    env = {**os.environ, "PREFECT_HOME": str(tmp_path)}
    run = subprocess.Popen(
        [sys.executable, "-c", LAUNCH], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    server = int(run.stdout.readline())
    time.sleep(1)  # let the server process get going
    assert _running(server)
    run.kill()
    run.wait()
    deadline = time.monotonic() + 30
    while _running(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(server)
