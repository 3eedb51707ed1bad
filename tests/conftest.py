"""Shared fixtures: one real end-to-end run of the flow on the seed plans."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

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
