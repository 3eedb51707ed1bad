"""The quiet defaults of a local run: Prefect's drain notice is filtered, its data-loss
warnings are not."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.helpers import REPO

# A real Prefect queue service, slow to send its items, stopped with items still queued (as
# at the end of a run on a busy machine). Prefect names a service's logger after its class.
_DRAIN = textwrap.dedent(
    """
    import logging, sys, time
    import flows.main  # noqa: F401  (as a run starts: configures its logging)
    from prefect._internal.concurrency.services import QueueService
    from prefect.logging.configuration import setup_logging

    setup_logging()  # as a flow run does, after the filter was added

    async def slow(self, item):
        time.sleep(0.05)

    for name in sys.argv[1:]:
        Service = type(name, (QueueService,), {"_handle": slow})
        service = Service.instance()
        for i in range(3):
            service.send(i)
        Service.drain_all()
        # what the service logs when it drops an item: data lost, so it must show
        logging.getLogger(name).warning("queue is full (%d items), dropping item", 9)
    """
)


def _drain(*names: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", _DRAIN, *names],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def test_prefects_drain_notice_is_filtered_on_its_event_and_log_workers_only():
    out = _drain("EventsWorker", "APILogWorker", "OtherService")
    for name in ("EventsWorker", "APILogWorker"):
        assert f"{name} - Still processing items" not in out
        assert f"WARNING | {name} - queue is full (9 items), dropping item" in out
    # the same notice from a logger the filter is not on still shows: the test can fail
    assert "WARNING | OtherService - Still processing items: 3 items remaining" in out
