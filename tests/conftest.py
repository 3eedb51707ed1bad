"""Shared fixtures: one real end-to-end run of the flow on the seed plans, and a Prefect
server for the runs that do not test the embedded default."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.runtime.local_server import LocalServer
from pipeline.runtime.settings import LOCAL_SERVER_DEFAULTS
from tests.helpers import SEEDS, run_flow


@pytest.fixture(scope="session")
def seed_release(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One real run of the flow on seeds/ into a fresh output folder."""
    output = tmp_path_factory.mktemp("output")
    proc = run_flow(SEEDS, output)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = (output / "releases" / "LATEST").read_text(encoding="utf-8").strip()
    return output / "releases" / version, proc


@pytest.fixture(scope="session")
def running_server() -> Iterator[dict[str, str]]:
    """The environment of a run against a Prefect server that is already running, as a
    maintainer's is (the deployment in prefect.yaml): one server for the session, so that
    the tests of what a run does with its inputs do not each start a temporary server
    (~3-8 s a run on two cores). The runs that test what a user without a server sees (a
    clean run's output, the workers' shared server, a killed run) keep the embedded
    default. The server is the one a local run starts (pipeline.runtime.local_server),
    with the same quiet settings; it stops with the session, or with pytest if killed."""
    with pytest.MonkeyPatch.context() as env:
        for key, value in LOCAL_SERVER_DEFAULTS.items():
            env.setenv(key, value)
        server = LocalServer().start()
    try:
        yield {"PREFECT_API_URL": server.wait_until_ready()}
    finally:
        server.stop()
