"""Which Prefect server a run uses (pipeline/runtime/local_server.py): the one named in the
environment or the active profile, else a temporary one of its own, whose shutdown stays
out of the run's output."""

from __future__ import annotations

import subprocess
import sys
import time

from pipeline.runtime.local_server import (
    SHUTDOWN_LOG,
    OutputRelay,
    profile_api_url,
    start_unless_configured,
)
from tests.helpers import write_profiles


def test_a_server_in_the_active_prefect_profile_means_no_temporary_server(tmp_path, monkeypatch):
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert profile_api_url() is None  # no profiles.toml: Prefect's "ephemeral" profile
    write_profiles(
        tmp_path,
        'active = "mine"\n[profiles.mine]\nPREFECT_API_URL = "http://10.0.0.9:4200/api"\n'
        '[profiles.other]\nPREFECT_LOGGING_LEVEL = "DEBUG"\n',
    )
    assert profile_api_url() == "http://10.0.0.9:4200/api"
    assert start_unless_configured() is None
    monkeypatch.setenv("PREFECT_PROFILE", "other")  # chosen in the environment: no server
    assert profile_api_url() is None
    monkeypatch.setenv("PREFECT_PROFILE", "local")  # shipped with Prefect, with a URL
    assert profile_api_url() == "http://127.0.0.1:4200/api"


CHILD = (
    "import signal, sys, time\n"
    "def stop(*_):\n"
    "    print('Traceback (most recent call last):', flush=True)\n"
    "    print('asyncio.exceptions.CancelledError', flush=True)\n"
    "    sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, stop)\n"
    "print('listening: ready', flush=True)\n"
    "time.sleep(60)\n"
)


def test_what_the_server_prints_shows_during_the_run_and_its_shutdown_goes_to_a_log(
    tmp_path, capfd
):
    # a real child in the server's place: what it prints while the run lasts reaches the
    # run's stderr (a failing server says why); what it prints once stopped goes to the log
    log = tmp_path / "home" / SHUTDOWN_LOG
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    relay = OutputRelay(child.stdout, log)
    deadline = time.monotonic() + 30
    while "ready" not in capfd.readouterr().err and time.monotonic() < deadline:
        time.sleep(0.05)  # (capfd consumes what it read: "ready" is seen once)
    assert time.monotonic() < deadline, "the child's first line never reached stderr"
    relay.divert()
    child.terminate()
    child.wait(timeout=30)
    relay.join()
    assert "Traceback" not in capfd.readouterr().err
    assert "CancelledError" in log.read_text() and "stopped its server" in log.read_text()


def test_a_server_whose_output_cannot_be_kept_is_never_blocked_by_a_full_pipe(tmp_path):
    # the log cannot be written (its folder is a file): the relay drops the lines but keeps
    # reading, or the child would block once ~64 KB filled the pipe
    (tmp_path / "home").write_text("not a folder")
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfor i in range(50_000): print('x' * 40)"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    relay = OutputRelay(child.stdout, tmp_path / "home" / SHUTDOWN_LOG)
    relay.divert()
    assert child.wait(timeout=60) == 0
    relay.join()
