"""Browser tests: a real server process and Debian's Chromium driven by Playwright.

The server runs as `common-ground serve` (eventlet, as in production) on a
free loopback port with its own SQLite file. Chromium comes from Debian
(/usr/bin/chromium); without it these tests skip, except with CI=true.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.stage import Stager
from tests.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = ROOT / "test-artifacts"
# Debian's chromium-headless-shell where it is installed (./scripts/test installs it), else Debian's chromium;
# CHROMIUM names another. The shell is Chromium's own headless build of the same Blink (what Playwright itself
# launches for headless Chromium), without the full browser's UI layers: the same pixels in every
# screenshot compared (README, Quick start), at about 40 % less of Chromium's CPU in the browser tests.
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(path).exists()),
    "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    # Every browser test of a worker joins its people from this one address, staged days dozens at a time:
    # more than a venue's network limit (300 joins in 5 minutes) over a whole run. That limit has its own
    # tests (tests/security/test_ratelimit.py); here it is raised so that it cannot refuse a later test.
    server = LiveServer(tmp_path_factory.mktemp("live"), env={"RATE_LIMITS": "join=100000/300"})
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if IN_CI:
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    d = ARTIFACTS / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def stager(live_server):
    """One staged workshop per state, shared by every browser test (stage.py)."""
    return Stager(live_server)


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's script (npm ci); required with CI=true."""
    if not AXE_JS.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("axe-core is required in CI (npm ci)")
        pytest.skip("axe-core not installed (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")
