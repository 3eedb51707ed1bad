"""Shared fixtures: the real seed plans, and one real end-to-end run of the flow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def seed_path(prefix: str) -> Path:
    """The seed plan whose file name starts with ``prefix`` (e.g. "002")."""
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return path


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8-sig")


def run_flow(
    seeds: Path, output: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flows.main`` as a user would, capturing everything it prints
    (``env``: Prefect settings for this run; the caller's own are left out)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run(
        [sys.executable, "-m", "flows.main", "--seeds", str(seeds), "--output", str(output), *args],
        cwd=REPO,
        env=clean | (env or {}),
        capture_output=True,
        text=True,
        timeout=600,
    )


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
