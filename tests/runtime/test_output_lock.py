"""One run at a time per output folder (flows/output_lock.py)."""

from __future__ import annotations

import os

import pytest

from pipeline.runtime.output_lock import OutputBusy, output_lock
from tests.helpers import SEEDS, run_flow


def test_a_held_output_folder_refuses_a_second_holder_and_frees_on_exit(tmp_path):
    with (
        output_lock(tmp_path),
        pytest.raises(OutputBusy, match=f"pid {os.getpid()} on "),
        output_lock(tmp_path),
    ):
        pass
    with output_lock(tmp_path):  # released: taken again
        pass


def test_a_run_into_a_folder_another_run_holds_stops_and_writes_nothing(tmp_path, running_server):
    with output_lock(tmp_path):
        proc = run_flow(SEEDS, tmp_path, env=running_server)
    assert proc.returncode == 1
    assert f"error: {tmp_path} is in use by another run (pid {os.getpid()}" in proc.stderr
    assert not (tmp_path / "releases").exists()
    assert not (tmp_path / ".work").exists()  # the holder's staging is left alone
