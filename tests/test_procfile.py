"""The Procfile is what a platform (or an operator's process manager) runs: run
its lines as a shell would, from the venv, and check the result is a working
server (health, the database migrated, a Socket.IO connection upgraded to a
WebSocket and answering a command)."""
from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import socketio

from tests.live_server import ROOT, _free_port

BIN = Path(sys.executable).parent


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_procfile_names_a_release_and_a_web_process():
    procs = procfile()
    assert set(procs) == {"release", "web"}
    # Every command it names is installed by this package (no gunicorn: see docs/deploy.md).
    for cmd in procs.values():
        assert shlex.split(cmd)[0] == "common-ground"


def _shell(cmd: str, env: dict, **kw) -> subprocess.Popen:
    return subprocess.Popen(["/bin/sh", "-c", cmd], env=env, cwd=ROOT, start_new_session=True, **kw)


def test_procfile_release_then_web_serve_a_working_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PORT": str(port),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    env.pop("REDIS_URL", None)
    procs = procfile()

    release = _shell(procs["release"].strip(), env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = release.communicate(timeout=120)
    assert release.returncode == 0, out
    assert "schema revision" in out

    log = open(tmp_path / "web.log", "w")  # noqa: SIM115 - the process's log, open while it runs
    web = _shell(procs["web"].strip(), env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline and web.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, (tmp_path / "web.log").read_text()
        assert body["ok"] is True and body["database"] == "ok", body

        created = json.loads(subprocess.run(
            [str(BIN / "common-ground"), "workshop", "create", "--title", "Procfile day", "--rooms", "1", "--json"],
            env={**env, "ASYNC_MODE": "threading"}, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
        token = created["display_url"].split("#", 1)[1]
        sio = socketio.SimpleClient()
        sio.connect(f"http://127.0.0.1:{port}", auth={"token": token}, transports=["websocket"], wait_timeout=10)
        try:
            assert sio.client.transport() == "websocket"
            ack = sio.call("sync", {"since": 0}, timeout=10)
            assert ack["ok"] is True
        finally:
            sio.disconnect()
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
            web.wait(timeout=10)
        log.close()
