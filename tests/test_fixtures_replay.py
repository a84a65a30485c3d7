"""The recorded keystone fixtures (tests/fixtures/events/*.json) against both reducers.

The Python reducer is replayed here; the JavaScript one (web/js/state.js) by
tests/js/reducer.test.mjs under `node --test`, run from here so one pytest
run checks both twins against the same files. Re-record the fixtures with
RECORD_FIXTURES=1 (see tests/fixtures/events/README.md).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from server.domain import reducer
from tests.test_keystone import reducer_event_types

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "events"
JS_TEST = ROOT / "tests" / "js" / "reducer.test.mjs"
IN_CI = os.environ.get("CI", "").lower() == "true"
FILES = sorted(FIXTURES.glob("*.json"))
ROLES = {"participant", "facilitator", "organiser", "display", "council"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_fixtures_are_recorded():
    assert len(FILES) >= 100, "run RECORD_FIXTURES=1 pytest tests/test_keystone.py -k sqlite"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_python_reducer_replays_fixture(path):
    fx = load(path)
    assert set(fx) == {"name", "viewer", "before", "events", "after"}
    assert fx["viewer"] in ROLES and path.stem.startswith(fx["name"] + "__")
    assert fx["before"]["me"]["role"] == fx["viewer"]
    assert reducer.apply_all(fx["before"], fx["events"]) == fx["after"]


def test_fixtures_cover_every_event_type_and_role():
    seen_types, roles = set(), set()
    for path in FILES:
        fx = load(path)
        roles.add(fx["viewer"])
        seen_types.update(e["type"] for e in fx["events"])
    assert roles == ROLES
    assert seen_types == reducer_event_types()


def test_javascript_reducer_replays_fixtures():
    node = shutil.which("node")
    problem = ("node is not installed" if node is None
               else f"{JS_TEST.relative_to(ROOT)} does not exist" if not JS_TEST.exists() else None)
    if problem:
        if IN_CI:
            pytest.fail(f"the JavaScript reducer test must run in CI, but {problem}")
        pytest.skip(f"JavaScript reducer not checked: {problem}")
    proc = subprocess.run([node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"node --test tests/js/ failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
