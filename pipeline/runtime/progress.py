"""How far a long run is: one log line every few seconds, as batches of plans complete,
and while a long step that has no batches (publishing) runs.

Why: a full build of 10,000 plans extracts for minutes, and its log said nothing between
"Found 10000 input files" and the end of extraction; then it published for a minute more
(5.6 GB of files) with no line until the end. A maintainer watching it (or a Prefect UI)
needs to know whether it moves and when it will be done, without a progress bar (which
floods a log file or a Prefect server with one line per update). So: plans done of the
total, the rate and the time left, at most once every ``interval`` seconds, and never
before ``interval`` seconds have passed, so a run of a few seconds logs nothing; for
publishing, what it is writing and for how long, on the same terms (``Heartbeat``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_INTERVAL_S = 5.0
HEARTBEAT_INTERVAL_S = 10.0  # a step's own summary follows within seconds of most steps


class Progress:
    """Counts plans done of ``total`` and reports through ``report`` when a line is due.

    ``clock`` (seconds, monotonic) is a parameter so that tests can step time themselves.
    """

    def __init__(
        self,
        total: int,
        report: Callable[[str], None],
        interval: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self._report = report
        self._interval = interval
        self._clock = clock
        self._start = clock()
        self._last = self._start

    def advance(self, plans: int) -> str | None:
        """Record ``plans`` more done; return (and report) the line if one is due."""
        self.done += plans
        now = self._clock()
        if now - self._last < self._interval or self.done >= self.total:
            return None  # too soon, or finished: the step's own summary line follows
        self._last = now
        line = progress_line(self.done, self.total, now - self._start)
        self._report(line)
        return line


def progress_line(done: int, total: int, elapsed: float) -> str:
    """``Extracted 350 of 1,000 plans (35%), 12.3 plans/s, about 53 s left``."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else float("inf")
    share = 100 * done // total if total else 100
    return (
        f"Extracted {done:,} of {total:,} plans ({share}%), {rate:.1f} plans/s, "
        f"about {_duration(left)} left"
    )


def _duration(seconds: float) -> str:
    """``53 s``, ``4 min 05 s``, ``1 h 02 min``; ``an unknown time`` before any plan is done."""
    if seconds == float("inf"):
        return "an unknown time"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class Heartbeat:
    """Within ``with Heartbeat("Publishing", report) as beat:``, a line through ``report``
    every ``interval`` seconds, from a thread of its own, saying which stage the step is in
    (``beat.stage(name)``, called by the step as it starts one) and for how long:
    ``Publishing: writing release 1.0.0: SQLite database and workbook (45 s so far)``.
    A step shorter than ``interval`` logs nothing (publishing 1,000 plans takes ~5 s)."""

    def __init__(
        self,
        what: str,
        report: Callable[[str], None],
        interval: float = HEARTBEAT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self._report = report
        self._interval = interval
        self._clock = clock
        self._stage = "starting"
        self._start = clock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def stage(self, name: str) -> None:
        self._stage = name

    def line(self) -> str:
        return f"{self.what}: {self._stage} ({_duration(self._clock() - self._start)} so far)"

    def __enter__(self) -> Heartbeat:
        self._start = self._clock()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stopped.wait(self._interval):
            self._report(self.line())
