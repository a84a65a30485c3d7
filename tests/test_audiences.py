"""Audience names are spelled in one place: server/domain/audiences.py.

An event's audience ("r:12", "p:7", …: docs/protocol.md §5) is a Socket.IO room
name; a connection joins the ones of its principal (auth.Principal.audiences) and
each event row lists the ones that may see it. A name typed by hand somewhere
else can drift from the one the connection joined, and the event then reaches
no one, or the wrong one. Read from the source with `ast`, nothing is run: no
string constant or f-string in server/ (the simulator aside, whose baseline
server and device labels are its own) starts like an audience name, outside
audiences.py.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from server.domain import audiences as aud
from server.domain.auth import Principal

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server"
HOME = SERVER / "domain" / "audiences.py"
SKIP = (SERVER / "sim",)
AUDIENCE_SHAPED = re.compile(r"^[wodsrfplck]:")
# Calls whose string arguments are no audience: Word's XML names ("w:rFonts", server/reports/word.py).
NOT_AUDIENCES = {"qn", "OxmlElement"}


def sources() -> list[Path]:
    return [p for p in sorted(SERVER.rglob("*.py"))
            if p != HOME and not any(p.is_relative_to(s) for s in SKIP)]


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def audience_shaped(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every str constant or f-string that starts like an audience name."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in NOT_AUDIENCES:
            exempt.update(id(a) for a in node.args)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.JoinedStr):
            head = node.values[0] if node.values else None
            if isinstance(head, ast.Constant) and isinstance(head.value, str) and AUDIENCE_SHAPED.match(head.value):
                found.append((node.lineno, ast.unparse(node)))
            for part in node.values:  # the f-string's own pieces are not judged again
                exempt.add(id(part))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and AUDIENCE_SHAPED.match(node.value):
            found.append((node.lineno, repr(node.value)))
    return found


def test_no_audience_is_spelled_outside_audiences_py():
    found = [f"{p.relative_to(ROOT)}:{line}: {text}"
             for p in sources() for line, text in sorted(audience_shaped(ast.parse(p.read_text(encoding="utf-8"))))]
    assert not found, "audience names typed by hand (use server/domain/audiences.py):\n" + "\n".join(found)


@pytest.mark.parametrize("code, shaped", [
    ('x = f"r:{room.id}"', True),
    ('x = "o:" + w', True),
    ('x = f"k:{key[:16]}"', True),
    ('x = f"barrier:{b.id}"', False),  # a post's key (my_votes, authorship): not an audience
    ('x = f"{kind}:{i}"', False),
    ('x = qn("w:rFonts")', False),
    ('x = "a:b"', False),
])
def test_the_check_sees_audience_names(code, shaped):
    assert bool(audience_shaped(ast.parse(code))) is shaped


def test_the_names_are_those_a_connection_joins():
    """What Principal.audiences joins is built by the same functions, letter for letter (docs/protocol.md §5)."""
    w = "ws1"
    assert Principal("organiser", w, key="ab" * 32).audiences([3, 4]) == {
        "w:ws1", "k:" + "ab" * 8, "s:ws1", "o:ws1", "r:3", "f:3", "r:4", "f:4"}
    assert Principal("facilitator", w, id=9, room_id=3).audiences([]) == {"w:ws1", "s:ws1", "r:3", "f:3", "l:9"}
    assert Principal("participant", w, id=7, room_id=3).audiences([]) == {"w:ws1", "r:3", "p:7"}
    assert Principal("display", w, key="cd" * 32).audiences([]) == {"w:ws1", "d:ws1", "k:" + "cd" * 8}
    assert Principal("council", w, id=5).audiences([]) == {"w:ws1", "c:5"}
    assert [aud.everyone(w), aud.organisers(w), aud.display(w), aud.staff(w), aud.room(3), aud.facilitators(3),
            aud.participant(7), aud.facilitator_link(9), aud.council_link(5), aud.workshop_link("ef" * 32)] == [
        "w:ws1", "o:ws1", "d:ws1", "s:ws1", "r:3", "f:3", "p:7", "l:9", "c:5", "k:" + "ef" * 8]
