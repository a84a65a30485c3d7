"""A plain install serves the whole app: the wheel (what `pip install .`, a container image or a
platform build installs) holds the web pages, the migrations and the report fonts.

Builds the wheel of this checkout, installs it in a fresh virtual environment (dependencies from
the package index, as a deployment gets them), then runs that environment's `common-ground`: a
workshop created with the installed CLI, `serve` on a free port with its own SQLite file (so the
migrations run from the wheel), every page and every file of web/ answered with 200 and the
checkout's bytes, and a PDF export (the fonts and the render worker, server/reports/worker.py).
Nothing of the checkout is on the installed server's path: it runs in a temporary directory.

About 20-40 s, most of it pip installing the dependencies (from the warm cache). With CI=true a
missing `venv`/`ensurepip` or an unreachable package index is a failure; elsewhere a skip that says so.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .live_server import SERVER_START_SECS, _free_port

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel_install")]


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ directory of a fresh virtual environment with this checkout's wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # From a clean copy of the source: setuptools builds in the tree it is given (build/, *.egg-info), and
    # what an editable install or an earlier build left there can break the build (or leak into the wheel).
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "dist", "*.egg-info", "__pycache__", "test-artifacts", "instance"))
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src),
                  "-w", str(tmp / "dist")], env=env, cwd=tmp)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp / "dist").glob("common_ground-*.whl"))
    venv = _run([sys.executable, "-m", "venv", str(tmp / "venv")])
    if venv.returncode != 0:
        _unavailable(f"cannot create a virtual environment (python3-venv / ensurepip missing?): {venv.stderr[-500:]}")
    bin_dir = tmp / "venv" / "bin"
    # --no-compile: byte-compiling every dependency would double the install time.
    install = _run([str(bin_dir / "pip"), "install", "-q", "--no-compile", str(wheel)], env=env, cwd=tmp)
    if install.returncode != 0:
        _unavailable(f"pip could not install the wheel's dependencies: {install.stderr[-1500:]}")
    return bin_dir


@pytest.fixture(scope="module")
def served(installed, tmp_path_factory):
    """`common-ground serve` of the installed wheel (eventlet, as in production), and a workshop."""
    tmp = tmp_path_factory.mktemp("wheel-serve")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if k not in ("WEB_ROOT", "REDIS_URL", "PYTHONPATH", "COMMON_GROUND_ENV", "VIRTUAL_ENV")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp / 'installed.sqlite3'}", "PUBLIC_URL": url,
                "ASYNC_MODE": "eventlet"})
    cli = str(installed / "common-ground")
    created = _run([cli, "workshop", "create", "--title", "Installed", "--rooms", "2", "--json"],
                   env={**env, "ASYNC_MODE": "threading"}, cwd=tmp)
    assert created.returncode == 0, created.stderr
    with open(tmp / "server.log", "w") as log:
        proc = subprocess.Popen([cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=tmp,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_SECS
            while True:
                try:
                    if requests.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, \
                    "the installed server did not start:\n" + (tmp / "server.log").read_text()[-3000:]
                time.sleep(0.2)
            yield url, json.loads(created.stdout), tmp / "server.log"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def test_the_installed_package_is_not_the_checkout(installed):
    out = _run([str(installed / "python"), "-c", "import server; print(server.__file__)"], cwd="/")
    assert out.returncode == 0, out.stderr
    assert not Path(out.stdout.strip()).is_relative_to(ROOT), out.stdout


def test_every_file_of_the_server_package_is_installed(installed):
    """Python or not: the migrations (and their template), the report fonts and their licence."""
    out = _run([str(installed / "python"), "-c", "import server, pathlib; print(pathlib.Path(server.__file__).parent)"],
               cwd="/")
    package = Path(out.stdout.strip())
    source = ROOT / "server"
    files = [p.relative_to(source) for p in source.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    assert any(f.suffix == ".ttf" for f in files) and any(f.parts[:2] == ("migrations", "versions") for f in files)
    missing = [str(f) for f in files if not (package / f).is_file()]
    assert not missing, f"files of server/ missing from the installed package: {missing}"


def test_every_page_of_an_installed_server_answers(served):
    url, created, log = served
    progress_token = created["progress_url"].rsplit("/", 1)[1]
    pages = {"/": "index.html", f"/j/{created['join_code']}": "participant.html", "/p": "participant.html",
             "/o": "organiser.html", "/f": "facilitator.html", "/d": "display.html",
             f"/progress/{progress_token}": "progress.html", "/council/not-a-real-token": "council.html"}
    wrong = {}
    for path, name in pages.items():
        resp = requests.get(url + path, timeout=10)
        if resp.status_code != 200 or resp.content != (WEB / name).read_bytes():
            wrong[path] = resp.status_code
    assert not wrong, f"pages not served as web/ has them: {wrong}\n{log.read_text()[-2000:]}"


def test_every_file_of_web_is_served_from_static(served):
    url, _, _ = served
    files = sorted(p for p in WEB.rglob("*") if p.is_file())
    assert len(files) > 20, files  # the checkout's web/: pages, scripts, styles, catalogues, vendor
    wrong = {}
    for f in files:
        rel = f.relative_to(WEB).as_posix()
        resp = requests.get(f"{url}/static/{rel}", timeout=10)
        if resp.status_code != 200 or resp.content != f.read_bytes():
            wrong[rel] = resp.status_code
    assert not wrong, f"files of web/ not served under /static/: {wrong}"


def test_an_installed_server_exports_a_pdf_and_reads_the_progress_plan(served):
    url, created, log = served
    org = {"Authorization": "Bearer " + created["organiser_url"].split("#", 1)[1]}
    pdf = requests.get(f"{url}/api/workshops/{created['workshop_id']}/export.pdf?what=report&lang=fa",
                       headers=org, timeout=60)
    assert pdf.status_code == 200, (pdf.status_code, pdf.text[:500], log.read_text()[-3000:])
    assert pdf.content.startswith(b"%PDF")
    progress = requests.get(url + "/api/progress", timeout=10,
                            headers={"Authorization": "Bearer " + created["progress_url"].rsplit("/", 1)[1]})
    assert progress.status_code == 200 and progress.json()["ok"], progress.text
