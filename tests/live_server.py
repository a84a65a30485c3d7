"""A real `common-ground serve` process (eventlet, as in production) on a free
loopback port with its own SQLite file, for tests that talk to it over the
network: the protocol client (tests/live/), the browser tests (tests/browser/)
and the reliability tests (tests/reliability/: PostgreSQL, Redis, several
processes, kill and restart).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_SECS = 30
CLI = [sys.executable, "-m", "server.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """One server process. `env` overrides the environment (e.g. DATABASE_URL,
    REDIS_URL for the reliability tests); `name` names its log file."""

    def __init__(self, tmp: Path, env: dict | None = None, name: str = "server", port: int | None = None):
        self.tmp = Path(tmp)
        self.name = name
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.tmp / 'live.sqlite3'}", "ASYNC_MODE": "eventlet",
                    "PUBLIC_URL": self.url}
        self.env.pop("REDIS_URL", None)
        self.env.update(env or {})
        self.log_path = self.tmp / f"{name}.log"
        self.log = None
        self.proc = None
        self.start()

    def start(self, wait: bool = True):
        """Start the process (again, after stop() or kill(), on the same port and database)."""
        self.log = open(self.log_path, "a")  # noqa: SIM115 - the server's log, open while it runs (closed in stop())
        self.proc = subprocess.Popen(CLI + ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = SERVER_START_SECS):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {self.log_path}")
            time.sleep(0.2)

    def healthz(self) -> tuple[int, dict]:
        """(status, body) of GET /healthz; (0, {}) when nothing answers."""
        import urllib.error
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")
        except OSError:
            return 0, {}

    def kill(self):
        """SIGKILL, as a crash would: no clean shutdown, connections just drop."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.log:
            self.log.close()

    def restart(self):
        self.stop()
        self.start()

    def create_workshop(self, title="Trust workshop", rooms=2, budget=3, languages="en,es,fa",
                        live_tallies=False) -> dict:
        out = subprocess.run(CLI + ["workshop", "create", "--title", title, "--rooms", str(rooms),
                                    "--vote-budget", str(budget), "--languages", languages,
                                    "--base-url", self.url, "--json"]
                             + (["--live-tallies"] if live_tallies else []),
                             env={**self.env, "ASYNC_MODE": "threading"}, capture_output=True, text=True,
                             check=True, cwd=ROOT)
        return json.loads(out.stdout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
