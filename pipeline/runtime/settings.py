"""Environment defaults that make a local run of the pipeline quiet and clean.

Why this module exists: Prefect 3.8 reads its settings (and its logging configuration) from
the environment once, when ``prefect`` is first imported. A plain ``python -m flows.main``
with no ``PREFECT_API_URL`` starts a temporary, embedded Prefect server for the run, and that
server, left at its defaults, prints a telemetry traceback ("database is locked" from the
analytics heartbeat) and, at exit, a ``CancelledError`` traceback from the task-run recorder's
last flush. Great Expectations draws tqdm progress bars and sends usage statistics. None of
that is useful in a batch job's output, so:

* ``configure_local_run()`` must be called BEFORE ``prefect`` (or ``great_expectations``) is
  imported; it only sets variables that are not already set (``os.environ.setdefault``), so a
  user's own environment always wins.
* The two server switches are applied only when ``PREFECT_API_URL`` is unset, i.e. for the
  embedded server; a real Prefect server configured by the user is left alone.
* The in-process part for GX (progress bars, loggers) is in pipeline.release.validate.

Each setting below was checked by experiment (see notes/tooling.md).
"""

from __future__ import annotations

import logging
import os

# Only for the embedded server that Prefect starts when no PREFECT_API_URL is configured.
LOCAL_SERVER_DEFAULTS: dict[str, str] = {
    # the telemetry heartbeat races the run for the SQLite lock -> "database is locked" traceback
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # at shutdown the recorder's last flush is cancelled -> CancelledError traceback
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
}

# For every run, local or against a real server.
_QUIET_DEFAULTS: dict[str, str] = {
    # Prefect's own chatter ("Starting temporary server on http://127.0.0.1:...",
    # "Stopping temporary server ...") is INFO on the "prefect" logger: raise it to WARNING,
    # but keep INFO for the flow's and tasks' own loggers (get_run_logger()).
    "PREFECT_LOGGING_LOGGERS_PREFECT_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO",
    # Shorter console lines for run logs: "12:00:01 | INFO    | message".
    "PREFECT_LOGGING_FORMATTERS_STANDARD_FLOW_RUN_FMT": (
        "%(asctime)s | %(levelname)-7s | %(message)s"
    ),
    "PREFECT_LOGGING_FORMATTERS_STANDARD_TASK_RUN_FMT": (
        "%(asctime)s | %(levelname)-7s | %(task_run_name)s - %(message)s"
    ),
    # Great Expectations: no usage statistics. (Its progress bars ignore TQDM_DISABLE because GX
    # passes disable=False itself: see pipeline.release.validate.)
    "GX_ANALYTICS_ENABLED": "false",
    # dask.distributed logs scheduler/worker/nanny start-up and shutdown at INFO (~60 lines),
    # and "Worker process still alive after 4.0 seconds, killing" at WARNING on every shutdown.
    "DASK_LOGGING__DISTRIBUTED": "error",
}


# Prefect's queue services log on loggers named after their class, outside "prefect".
_QUEUE_SERVICE_LOGGERS = ("EventsWorker", "APILogWorker")


class _DrainNotice(logging.Filter):
    """Drops Prefect's "Still processing items: N items remaining..." (WARNING): a queue
    service that stops with events or logs still queued says so once as it goes on sending
    them, which happens at the end of a run whenever the machine is busy (seen on a loaded
    two-core machine, after a run's last line). Its other warnings ("queue is full ...,
    dropping item") lose data and stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Still processing items")


def configure_local_run() -> None:
    """Set quiet defaults in ``os.environ``, and filter Prefect's drain notice; call before
    importing prefect or GX."""
    if not os.environ.get("PREFECT_API_URL"):
        for key, value in LOCAL_SERVER_DEFAULTS.items():
            os.environ.setdefault(key, value)
    for key, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)
    for name in _QUEUE_SERVICE_LOGGERS:
        queue_logger = logging.getLogger(name)
        if not any(isinstance(f, _DrainNotice) for f in queue_logger.filters):
            queue_logger.addFilter(_DrainNotice())
