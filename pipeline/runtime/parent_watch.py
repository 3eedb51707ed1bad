"""Child processes that end with the run that started them.

Why: a run killed by SIGKILL (``kill -9``, the OOM killer) runs no clean-up, and its
children lived on, orphaned: the temporary Prefect server, and the local worker processes
(~400 MB each), blocked forever on a queue nobody writes to. Each such child calls
``exit_with_parent`` at start: a daemon thread notices that its parent is gone (the child
is re-parented) and ends the child.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

POLL_S = 0.5


def exit_with_parent(parent: int, end: Callable[[], object]) -> None:
    """Call ``end`` in this process once ``parent`` is no longer its parent process (at
    once if it is already gone); ``end`` must end the process."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_S)
        end()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
