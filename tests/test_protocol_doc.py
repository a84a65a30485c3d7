"""docs/protocol.md names everything a client can meet: every command, event type and error code."""
from __future__ import annotations

import re
from pathlib import Path

from server.domain import REGISTRY
from server.domain.reducer import EVENT_TYPES

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def in_backticks(name: str, text: str = DOC) -> bool:
    return f"`{name}`" in text


def section(title: str) -> str:
    """The text of one '### title' or '## title' section of the protocol."""
    m = re.search(rf"^#+ {re.escape(title)}\s*$(.*?)(?=^#+ |\Z)", DOC, re.M | re.S)
    assert m, f"docs/protocol.md has no section {title!r}"
    return m.group(1)


def event_types() -> set[str]:
    """The event types the Python reducer applies (its table of handlers)."""
    return set(EVENT_TYPES)


def raised_codes(*folders: str) -> dict[str, set[str]]:
    """error code -> files that raise it (CommandError("code", ...))."""
    out: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for code in re.findall(r'CommandError\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")):
                out.setdefault(code, set()).add(str(path.relative_to(ROOT)))
    return out


def test_every_command_is_in_the_command_list():
    table = section("Command list")
    missing = sorted(name for name in REGISTRY if not in_backticks(name, table))
    assert not missing, f"commands missing from docs/protocol.md's command list: {missing}"


def test_every_command_row_names_its_roles():
    table = section("Command list")
    letters = {"participant": "P", "facilitator": "F", "organiser": "O", "council": "C"}
    for name, spec in REGISTRY.items():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{name}` |"))
        who = row.split("|")[2]
        documented = set(re.findall(r"\b([PFODC])\b", who))
        assert documented == {letters[r] for r in spec.roles}, f"{name}: doc says {who.strip()!r}, server allows {spec.roles}"


def test_every_event_type_is_in_the_event_table():
    types = event_types()
    assert len(types) > 20, "the reducer's event types were not found; did its style change?"
    table = section("5. Events")
    missing = sorted(t for t in types if not in_backticks(t, table))
    assert not missing, f"event types missing from docs/protocol.md §5: {missing}"


def test_every_error_code_is_documented():
    codes = raised_codes("server/domain", "server/events", "server")
    assert {"forbidden", "invalid", "wrong_phase", "conflict"} <= set(codes)
    missing = sorted(c for c in codes if not in_backticks(c))
    assert not missing, f"error codes missing from docs/protocol.md: {missing}"


def test_every_command_error_code_is_in_the_error_table():
    """Codes a command can answer with are listed in §3's table (HTTP-only codes are in §1)."""
    table = section("Error codes")
    http_only = {"closed"}
    codes = set(raised_codes("server/domain", "server/events")) - http_only
    missing = sorted(c for c in codes if not in_backticks(c, table))
    assert not missing, f"error codes missing from the Error codes table: {missing}"
    http = section("HTTP")
    assert all(re.search(rf"\b{c}\b", http) for c in http_only)
