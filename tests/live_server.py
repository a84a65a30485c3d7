"""A real `common-ground serve` process (eventlet, as in production) on a free
loopback port with its own SQLite file, for tests that talk to it over the
network: the protocol client (tests/live/) and the browser tests (tests/browser/).
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
    def __init__(self, tmp: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'live.sqlite3'}", "ASYNC_MODE": "eventlet",
                    "PUBLIC_URL": self.url}
        self.env.pop("REDIS_URL", None)
        self.log = open(tmp / "server.log", "w")
        self.proc = subprocess.Popen(CLI + ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + SERVER_START_SECS
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {tmp / 'server.log'}")
            time.sleep(0.2)

    def create_workshop(self, title="Trust workshop", rooms=2, budget=3, languages="en,es,fa") -> dict:
        out = subprocess.run(CLI + ["workshop", "create", "--title", title, "--rooms", str(rooms),
                                    "--vote-budget", str(budget), "--languages", languages,
                                    "--base-url", self.url, "--json"],
                             env={**self.env, "ASYNC_MODE": "threading"}, capture_output=True, text=True,
                             check=True, cwd=ROOT)
        return json.loads(out.stdout)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
