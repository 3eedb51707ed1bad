"""One run at a time per output folder.

Why: a run wipes and refills ``output/.work/staging`` and then publishes from it. Two runs
into the same output folder at once (a scheduled deployment and a manual ``make run``)
would delete each other's staged rows, and could publish a mix of both. A run therefore
holds an exclusive lock on ``output/.lock`` from start to end; a second run stops at once
with a clear message. The lock is the kernel's (``flock``): it is released when the run
ends, and also when its process dies, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = ".lock"


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold ``output``'s lock for the duration of the block; raise OutputBusy if another
    run holds it. The lock file says who holds it (host, pid, since when)."""
    output.mkdir(parents=True, exist_ok=True)
    with (output / LOCK_NAME).open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            raise OutputBusy(
                f"{output} is in use by another run ({holder}); nothing done: "
                "run again when it has finished"
            ) from None
        try:
            fh.truncate(0)
            since = datetime.now(UTC).isoformat(timespec="seconds")
            fh.write(f"pid {os.getpid()} on {socket.gethostname()} since {since}\n")
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
