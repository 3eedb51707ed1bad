"""Progress lines of long runs: due every few seconds, silent on short runs."""

from __future__ import annotations

import threading
import time

from pipeline.runtime.progress import Heartbeat, Progress, progress_line


class Clock:
    """A clock the test steps by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_line_per_interval_with_done_total_rate_and_time_left():
    clock, lines = Clock(), []
    progress = Progress(1000, lines.append, interval=5.0, clock=clock)
    clock.now += 2.0
    assert progress.advance(50) is None  # too soon
    clock.now += 3.0
    line = progress.advance(50)  # 100 plans in 5 s
    assert line == "Extracted 100 of 1,000 plans (10%), 20.0 plans/s, about 45 s left"
    clock.now += 1.0
    assert progress.advance(50) is None  # 1 s after the last line
    clock.now += 144.0  # 150 s in, 750 done: 5 plans/s, 250 left
    assert progress.advance(600) == (
        "Extracted 750 of 1,000 plans (75%), 5.0 plans/s, about 50 s left"
    )
    assert lines == [line, progress_line(750, 1000, 150.0)]


def test_a_run_of_a_few_seconds_logs_nothing():
    clock, lines = Clock(), []
    progress = Progress(200, lines.append, interval=5.0, clock=clock)
    for _ in range(4):
        clock.now += 1.0
        progress.advance(50)
    assert lines == []


def test_the_last_batch_gives_no_line_the_step_summary_follows():
    clock, lines = Clock(), []
    progress = Progress(100, lines.append, interval=5.0, clock=clock)
    clock.now += 60.0
    assert progress.advance(100) is None
    assert lines == []


def test_long_times_left_read_in_minutes_and_hours():
    assert progress_line(10, 10_000, 10.0).endswith("about 2 h 46 min left")
    assert progress_line(100, 1_000, 20.0).endswith("about 3 min 00 s left")


def test_a_long_step_says_which_stage_it_is_in_and_for_how_long():
    lines: list[str] = []
    seen = threading.Event()

    def report(line: str) -> None:
        lines.append(line)
        seen.set()

    with Heartbeat("Publishing", report, interval=0.01) as beat:
        beat.stage("writing release 1.0.0: SQLite database and workbook")
        assert seen.wait(30), "no line while the step ran"
    count = len(lines)
    time.sleep(0.05)
    assert len(lines) == count  # none once the step is over
    assert lines[-1].startswith("Publishing: writing release 1.0.0: SQLite database and workbook (")
    assert lines[-1].endswith(" s so far)")
    clock = Clock()
    with Heartbeat("Publishing", lines.append, clock=clock) as late:
        clock.now += 75
        assert late.line() == "Publishing: starting (1 min 15 s so far)"


def test_a_short_step_gets_no_heartbeat_line():
    lines: list[str] = []
    with Heartbeat("Publishing", lines.append, interval=60) as beat:
        beat.stage("writing release 1.0.0: zip archive")
    assert lines == []
