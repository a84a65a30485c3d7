"""The rules the browser repeats (phases, groups, plan fields, text limits) are the server's
(`server/domain/rules.py`): every copy in web/js is read and compared, so a change on one side
that misses the other fails here instead of leaking or hiding data on a screen."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from server.domain import rules

WEB_JS = Path(__file__).resolve().parents[1] / "web" / "js"
# The browser's name for a rule -> the server's.
SERVER_NAME = {"ROOM_PHASES": "ROOM_PHASES", "WORKSHOP_PHASES": "WORKSHOP_PHASES", "GROUPS": "GROUPS",
               "PLAN_FIELDS": "PLAN_FIELDS", "CO_LEAD_FIELDS": "CO_LEAD_FIELDS", "PLAN_STATUSES": "PLAN_STATUSES",
               "MAX_BARRIER": "MAX_BARRIER_CHARS", "MAX_SOLUTION": "MAX_SOLUTION_CHARS", "MAX_NAME": "MAX_NAME_CHARS"}
DEFINITION = re.compile(r"^(?:export\s+)?const\s+(" + "|".join(SERVER_NAME) + r")\s*=\s*(\[.*?\]|\d+)\s*;", re.M | re.S)


def copies() -> list[tuple[str, str, object]]:
    found = []
    for path in sorted(WEB_JS.glob("*.js")):
        for name, value in DEFINITION.findall(path.read_text(encoding="utf-8")):
            found.append((path.name, name, json.loads(value)))
    return found


def test_the_browser_copies_some_rules():
    files = {f for f, _, _ in copies()}
    assert {"console-common.js", "participant.js"} <= files, files


@pytest.mark.parametrize("where, name, value", copies(), ids=lambda v: v if isinstance(v, str) else None)
def test_each_copy_equals_the_server_rule(where, name, value):
    server = getattr(rules, SERVER_NAME[name])
    assert value == (list(server) if isinstance(server, tuple) else server), \
        f"web/js/{where} {name} = {value!r}, but server/domain/rules.py {SERVER_NAME[name]} = {server!r}"
