"""The temporary Prefect server of a local run, started before Prefect is even imported.

Why: with no API URL configured, Prefect 3.8 starts a temporary server at the flow's first
API call. It first imports the whole server application into the flow's own process
(~3 s), then starts the server in a subprocess and waits for it (~4 s). That is ~7 s of
every local run, the largest fixed cost of a rerun that adds one plan. ``python -m
flows.main`` therefore launches the same subprocess (the command of Prefect's
``SubprocessASGIServer``) as its very first step: the server boots on another core while
the flow's process imports its modules, and the server application is never loaded in the
flow's process. Once it answers, its URL becomes the run's API URL (exported too, so
worker processes, local or Dask, use the same server), and it is stopped when the run ends,
or, if the run is killed, by the server itself (``python -m pipeline.runtime.local_server``
runs uvicorn and watches its parent).

What the server prints is relayed to the run's stderr while the run lasts (a server that
fails says why). Once the run stops it, what it prints while shutting down goes to
``temporary-server.log`` in Prefect's home instead: a request or service cut short by the
stop (an event flush, a database session) can log a ``CancelledError`` traceback there,
seen once on a loaded machine, and that is not the run's business.

When the user configured a server (``PREFECT_API_URL`` in the environment or in the active
Prefect profile), no temporary server is started and the user's server is used.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from pipeline.runtime.parent_watch import exit_with_parent

PORT_IN_USE = 3  # uvicorn's exit code when it cannot bind its port
PARENT_PID_VARIABLE = "ROLP_SERVER_PARENT_PID"  # the run whose server it is
STARTUP_TIMEOUT_S = 60.0
SHUTDOWN_LOG = "temporary-server.log"  # in Prefect's home, beside the server's database
SHUTDOWN_LOG_MAX_BYTES = 1 << 20  # started afresh beyond this


class LocalServer:
    """A temporary Prefect API server in a subprocess, on a free local port."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.output: OutputRelay | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> LocalServer:
        """Launch the server and return at once (``wait_until_ready`` waits for it)."""
        self.port = _free_port()
        spec = importlib.util.find_spec("prefect")
        assert spec is not None and spec.origin is not None, "prefect is not installed"
        app_dir = Path(spec.origin).parent.parent
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.runtime.local_server",  # uvicorn, stopped when this process is gone
                "--app-dir",
                str(app_dir),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            # as Prefect's own temporary server: no UI, ephemeral services only
            env={
                **os.environ,
                PARENT_PID_VARIABLE: str(os.getpid()),
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert self.process.stdout is not None
        self.output = OutputRelay(self.process.stdout, prefect_home() / SHUTDOWN_LOG)
        atexit.register(self.stop)
        return self

    def wait_until_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> str:
        """Block until the server answers its health check; returns its API URL. Restarts
        it on another port if the chosen one was taken in the meantime."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None, "start() first"
            code = self.process.poll()
            if code == PORT_IN_USE:
                self.start()
                continue
            if code is not None:
                assert self.output is not None
                self.output.join()  # all it printed is on stderr before the error
                raise RuntimeError(
                    f"the temporary Prefect server exited with code {code} (its output is above)"
                )
            with (
                contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
                urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response,
            ):
                if response.status == 200:
                    return self.api_url
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the temporary Prefect server did not start within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        assert self.output is not None
        self.output.divert()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.join()
        self.process = None


class OutputRelay:
    """Copies a child's output, line by line, to this process's stderr, and after
    ``divert()`` to the end of ``log`` instead (started afresh once it exceeds
    SHUTDOWN_LOG_MAX_BYTES), from a daemon thread, so the child never blocks on a full pipe."""

    def __init__(self, stream: IO[bytes], log: Path) -> None:
        self.log = log
        self._diverted = threading.Event()
        self._thread = threading.Thread(
            target=self._relay, args=(stream,), name="server-output", daemon=True
        )
        self._thread.start()

    def divert(self) -> None:
        self._diverted.set()

    def join(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)

    def _relay(self, stream: IO[bytes]) -> None:
        """Read until the child closes its output. Nothing may stop the reading: a child
        whose pipe fills up blocks, so a line that cannot be written (stderr closed, the
        log not writable) is dropped."""
        log: IO[bytes] | None = None
        try:
            for line in stream:
                with contextlib.suppress(OSError, ValueError):
                    if not self._diverted.is_set():
                        sys.stderr.write(line.decode("utf-8", "replace"))
                        sys.stderr.flush()
                        continue
                    log = log or self._open_log()
                    log.write(line)
        finally:
            stream.close()
            if log is not None:
                log.close()

    def _open_log(self) -> IO[bytes]:
        too_big = self.log.exists() and self.log.stat().st_size > SHUTDOWN_LOG_MAX_BYTES
        self.log.parent.mkdir(parents=True, exist_ok=True)
        log = self.log.open("wb" if too_big else "ab")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.write(f"--- {stamp}, run {os.getpid()} stopped its server; it printed:\n".encode())
        return log


def _free_port() -> int:
    """A port that is free now (the OS picks it); uvicorn binds it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_unless_configured() -> LocalServer | None:
    """Launch a temporary server unless the user configured one: ``PREFECT_API_URL`` in the
    environment or in the active Prefect profile. (Prefect's rarer sources, ``.env`` and
    ``prefect.toml``, are only known once Prefect is imported: flows.main then stops the
    early server unused.)"""
    if os.environ.get("PREFECT_API_URL") or profile_api_url():
        return None
    return LocalServer().start()


def profile_api_url() -> str | None:
    """``PREFECT_API_URL`` of the active Prefect profile, read as Prefect 3.8 reads it but
    without importing Prefect (~2 s): the profiles shipped with Prefect, updated by the
    user's ``profiles.toml``; the active one is ``PREFECT_PROFILE``, else the user's, else
    Prefect's ``active``."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.origin is not None, "prefect is not installed"
    shipped = _read_toml(Path(spec.origin).parent / "settings" / "profiles.toml")
    home = prefect_home()
    user_path = os.environ.get("PREFECT_PROFILES_PATH") or str(home / "profiles.toml")
    user = _read_toml(Path(user_path.replace("${PREFECT_HOME}", str(home))).expanduser())
    active = os.environ.get("PREFECT_PROFILE") or user.get("active") or shipped.get("active")
    settings = {
        **shipped.get("profiles", {}).get(active, {}),
        **user.get("profiles", {}).get(active, {}),
    }
    return settings.get("PREFECT_API_URL") or None


def prefect_home() -> Path:
    """Prefect's home folder, as Prefect 3.8 finds it from the environment."""
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def _read_toml(path: Path) -> dict:
    """The file's settings; none when it is missing or unreadable (Prefect, imported next,
    then reports the problem in its own words)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def serve_while_parent_lives(uvicorn_args: list[str]) -> None:
    """Run uvicorn with ``uvicorn_args``, and stop it (SIGTERM, a graceful shutdown) as
    soon as the run that launched it is gone. The run stops its server at exit, but a run
    killed by a signal (SIGKILL; SIGTERM from a scheduler or ``timeout``, which Prefect
    turns into a crash) runs no exit handlers, and its server would live on, orphaned."""
    parent = int(os.environ.get(PARENT_PID_VARIABLE) or os.getppid())  # even if gone already
    exit_with_parent(parent, lambda: os.kill(os.getpid(), signal.SIGTERM))  # graceful
    sys.argv = ["uvicorn", *uvicorn_args]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    serve_while_parent_lives(sys.argv[1:])


def use_server(local: LocalServer | None) -> None:
    """Point this process, its threads and its workers at the run's Prefect server: a
    server the user configured (``local`` is then stopped unused), else the temporary
    server ``local`` once it answers. Workers inherit it through the environment, so they
    do not each start a server of their own."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    if local is None:
        return
    if get_current_settings().api.url:  # configured where only Prefect looks (.env, prefect.toml)
        local.stop()
        return
    os.environ["PREFECT_API_URL"] = local.wait_until_ready()
    os.environ["PREFECT_UI_URL"] = ""  # no "View at <url>" line: this server has no UI
    refresh_global_settings_context()  # Prefect read its settings when it was imported
