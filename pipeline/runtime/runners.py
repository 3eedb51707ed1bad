"""Where a run's batches execute: Prefect task runners for local processes or Dask.

Why here: choosing and configuring a task runner is run-time plumbing, not a step of the
pipeline; the flow (flows/main.py) asks for a runner by name and stays a list of steps.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from pipeline.runtime.parent_watch import exit_with_parent


def local_workers(seeds: Path, batch_size: int, requested: int | None) -> int:
    """Worker processes for the local runner: one per core (or ``requested``), but no more
    than there will be batches (about one per ``batch_size`` input files)."""
    files = sum(1 for p in seeds.iterdir() if p.is_file()) if seeds.is_dir() else 0
    return max(1, min(requested or os.cpu_count() or 1, math.ceil(files / max(batch_size, 1))))


def task_runner(runner: str, dask_address: str | None, workers: int):
    """The Prefect task runner for ``--runner``: local worker processes (in-process when
    one suffices), or Dask (a LocalCluster by default, or an existing cluster at
    ``dask_address``)."""
    if runner == "local":
        if workers > 1:
            # Processes, not threads: extraction and validation are pure Python, and
            # threads share one GIL (they gained no speed and multiplied memory).
            return ProcessPoolTaskRunner(
                max_workers=workers, initializer=start_local_worker, initargs=(os.getpid(),)
            )
        return ThreadPoolTaskRunner(max_workers=1)
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    import dask

    # the workers' statistical profiler samples every thread's stack 100 times a second
    # (~3% of their CPU here), for a dashboard nobody watches on a run's own cluster;
    # nannies hand this configuration to their workers
    dask.config.set({"distributed.worker.profile.enabled": False})
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # any free port: two runs at once must not clash
            # each module's dask_setup runs in every worker as it starts: GX's import, and
            # this module's log filter (below)
            "preload": ["pipeline.release.validate", "pipeline.runtime.runners"],
        }
    )


HEARTBEAT_FAILED = "Failed to communicate with scheduler during heartbeat"


class _SchedulerClosed(logging.Filter):
    """Drops the error (and traceback) a Dask worker logs when its heartbeat meets a closed
    scheduler. On the run's own LocalCluster that happens only as the run closes the
    cluster: on a loaded machine a heartbeat can be in flight then (seen once in a test, as
    a traceback in an otherwise clean run). A worker lost while the run needs it still
    fails its tasks, and the flow says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(HEARTBEAT_FAILED)


def dask_setup(worker: object) -> None:
    """Dask's preload hook, in each worker of the run's own LocalCluster (``task_runner``;
    not on a cluster of the user's, ``--dask-address``)."""
    logging.getLogger("distributed.worker").addFilter(_SchedulerClosed())


def start_local_worker(run_pid: int) -> None:
    """Initializer of each local worker process: end with the run (``os._exit``: a killed
    run's work is lost anyway). Great Expectations is imported later, by the flow's
    ``start-validator`` tasks queued behind the batches, so extraction starts at once and
    the import (~3-4 s per worker) fills the time a worker would wait at the end."""
    exit_with_parent(run_pid, lambda: os._exit(1))
