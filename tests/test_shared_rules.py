"""The rules the browser checks (phases, groups, plan fields, text limits) are the server's
(`server/domain/rules.py`), read by every page from one generated module, web/js/rules.js
(`server/webrules.py`). A change of rules.py that is not regenerated fails here, and so does a
page that types a rule again instead of importing it, so a screen cannot leak or hide data
because its copy of a rule went stale."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from server import webrules
from server.domain import rules

WEB_JS = Path(__file__).resolve().parents[1] / "web" / "js"
# Names the pages used for their own copies before rules.js; none may come back.
OLD_NAMES = ("MAX_BARRIER", "MAX_SOLUTION", "MAX_NAME", "MAX_CONTACT", "CODE_ALPHABET", "OPEN_PHASES",
             "COUNCIL_ROLE_CHOICES")


def server_value(name: str) -> object:
    return _as_json(getattr(rules, name))


def _as_json(value: object) -> object:
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    return list(value) if isinstance(value, tuple) else value


def definitions(source: str, names) -> list[str]:
    """The names of `names` that `source` defines (const/let/var) or exports under its own name."""
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    defined = re.findall(rf"\b(?:const|let|var)\s+({alternatives})\b\s*=", source)
    exported = re.findall(rf"\bexport\s*\{{[^}}]*?\b({alternatives})\b[^}}]*\}}", source)
    return sorted(set(defined + exported))


def test_rules_js_is_what_the_generator_writes_now():
    assert (WEB_JS / "rules.js").read_text(encoding="utf-8") == webrules.javascript(), (
        f"web/js/rules.js is not what server/domain/rules.py gives: run `{webrules.COMMAND}` and commit it")


def test_rules_js_says_it_is_generated_and_how():
    first = (WEB_JS / "rules.js").read_text(encoding="utf-8").splitlines()[0]
    assert "generated from server/domain/rules.py" in first and webrules.COMMAND in first and "do not edit" in first


def test_every_rule_is_written_out():
    assert {"ROOM_PHASES", "WORKSHOP_PHASES", "GROUPS", "PLAN_FIELDS", "CO_LEAD_FIELDS", "PLAN_STATUSES",
            "MAX_BARRIER_CHARS", "MAX_SOLUTION_CHARS", "MAX_NAME_CHARS", "MAX_VOTE_BUDGET",
            "JOIN_CODE_ALPHABET"} <= set(webrules.names())
    assert sorted(webrules.names()) == sorted(n for n in vars(rules) if n.isupper())


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_the_browser_reads_the_same_values_as_the_server():
    """rules.js run by a JavaScript engine: every export equals the server's rule."""
    out = subprocess.run(["node", "--input-type=module", "-e",
                          f"const m = await import({json.dumps((WEB_JS / 'rules.js').as_uri())});"
                          "console.log(JSON.stringify({...m, frozen: Object.isFrozen(m.ROOM_PHASES)}))"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    seen = json.loads(out)
    assert seen.pop("frozen") is True
    assert seen == {name: server_value(name) for name in webrules.names()}


def test_no_other_file_of_web_js_defines_a_rule():
    names = set(webrules.names()) | set(OLD_NAMES)
    found = {path.name: hit for path in sorted(WEB_JS.glob("*.js")) if path.name != "rules.js"
             if (hit := definitions(path.read_text(encoding="utf-8"), names))}
    assert not found, f"import these from web/js/rules.js instead of defining them: {found}"


def test_a_copy_is_found():
    """The search above finds a copy however it is written."""
    names = ["GROUPS", "MAX_BARRIER_CHARS", "MAX_BARRIER"]
    assert definitions('const GROUPS = ["a"];', names) == ["GROUPS"]
    assert definitions("export const MAX_BARRIER = 280;", names) == ["MAX_BARRIER"]
    assert definitions("let MAX_BARRIER_CHARS=1", names) == ["MAX_BARRIER_CHARS"]
    assert definitions('export { GROUPS } from "./rules.js";', names) == ["GROUPS"]
    assert definitions('import { GROUPS, MAX_BARRIER_CHARS } from "./rules.js";\nGROUPS.map(f);', names) == []


def test_the_pages_import_the_rules_they_use():
    users = [p.name for p in sorted(WEB_JS.glob("*.js")) if 'from "./rules.js"' in p.read_text(encoding="utf-8")]
    assert {"participant.js", "console-common.js", "organiser.js", "display.js", "council.js", "index.js"} <= set(users), users


def test_the_generator_refuses_what_javascript_cannot_hold():
    with pytest.raises(TypeError):
        webrules._literal("X", {1: "a"})
    with pytest.raises(TypeError):
        webrules._literal("X", {"a": {"b": 1.5}})
    with pytest.raises(TypeError):
        webrules._literal("X", True)
    assert webrules._literal("X", ("a", "b")) == 'Object.freeze(["a", "b"])'
    assert webrules._literal("X", {"a": ("b",)}) == 'Object.freeze({"a": Object.freeze(["b"])})'


def test_check_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "rules.js"
    monkeypatch.setattr(webrules, "TARGET", target)
    assert webrules.main(["--check"]) == 1
    assert webrules.COMMAND in capsys.readouterr().err
    assert webrules.main([]) == 0
    assert target.read_text(encoding="utf-8") == webrules.javascript()
    assert webrules.main(["--check"]) == 0
    assert webrules.main(["--bogus"]) == 2
