"""Moderation with a record (issue 6, item 7): screening before the reveal without
names, second-look flags for the facilitators, objections to a merge.

Command coverage for `merge_object` and `merge_objection_dismiss` is listed in
tests/test_commands.py (COVERED); the roles are in the authorization matrix
(tests/security/test_authorization.py) and the views in tests/test_keystone.py.
"""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from server.models import AuditEntry
from server.reports import export
from server.reports.model import build

from .board import Board


@pytest.fixture
def board(day):
    return Board(day)


def types(client) -> list[str]:
    return [e["type"] for e in client.events()]


def audit(board, action: str) -> list[AuditEntry]:
    with board.db.reading() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.workshop_id == board.day.workshop_id,
                                                       AuditEntry.action == action).order_by(AuditEntry.id)))


# -- screening before the reveal ---------------------------------------------------

def test_facilitators_screen_the_brainstorm_without_names(board):
    named = board.person(0, name="Officer Diaz", group="law_enforcement", anonymous=False)
    board.phase("brainstorm")
    board.day.drain()
    b = board.post(named, "Stops are never explained", anonymous=False)
    live = [e["data"]["barrier"] for e in board.fac.events() if e["type"] == "barrier_posted"]
    assert live and live[0]["author_name"] is None  # the live event
    for viewer in (board.fac, board.org):  # and the snapshot
        assert viewer.snapshot()["barriers"][str(b)]["author_name"] is None
    own = named.snapshot()
    assert str(b) in own["barriers"] and f"barrier:{b}" in own["mine"]  # the phone still has its post
    assert "Officer Diaz" not in json.dumps(board.fac.snapshot()["barriers"])
    board.phase("reveal")
    for viewer in (board.fac, board.org, named):
        assert viewer.snapshot()["barriers"][str(b)]["author_name"] == "Officer Diaz"


def test_a_hidden_named_post_gets_its_name_at_the_reveal_for_facilitators_and_author_only(board):
    named = board.person(0, name="Officer Diaz", group="law_enforcement", anonymous=False)
    peer = board.person(0)
    board.phase("brainstorm")
    b = board.post(named, "Officer K. is a bully", anonymous=False)
    board.fac.ok("post_hide", kind="barrier", id=b, reason="Names a person")
    board.day.drain()
    board.phase("reveal")
    got = [e for e in board.fac.events() if e["type"] == "barriers_revealed"
           and any(x["id"] == b for x in e["data"]["barriers"])]
    assert got and got[0]["data"]["barriers"][0]["author_name"] == "Officer Diaz"
    assert "bully" not in json.dumps(peer.events())


# -- second-look flags ---------------------------------------------------------------

def test_flags_reach_facilitators_and_organisers_only(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    board.day.drain()
    b = board.post(author, "The officer with badge 4411 shouts, call him at 555-867-5309")
    key = f"barrier:{b}"
    for viewer in (board.fac, board.org):
        flagged = [e["data"] for e in viewer.events() if e["type"] == "post_flagged"]
        assert flagged == [{"kind": "barrier", "id": b, "flags": ["badge", "phone"]}]
        assert viewer.snapshot()["flags"] == {key: ["badge", "phone"]}
    assert "post_flagged" not in types(author) and "flags" not in author.snapshot()
    assert "post_flagged" not in types(board.display) and "flags" not in board.display.snapshot()
    assert "flags" not in board.fac_b.snapshot() or board.fac_b.snapshot()["flags"] == {}
    board.phase("reveal")
    assert "flags" not in peer.snapshot() and "post_flagged" not in types(peer)
    # The facilitator's correction clears the flags.
    board.fac.ok("post_edit", kind="barrier", id=b, text="An officer shouts at people")
    assert [e["data"]["flags"] for e in board.fac.events() if e["type"] == "post_flagged"] == [[]]
    assert board.fac.snapshot()["flags"] == {}


def test_solutions_and_merged_text_are_flagged_too(board):
    author = board.person(0)
    board.phase("brainstorm")
    b1 = board.post(author, "Nobody explains stops")
    b2 = board.post(author, "Stops without reasons")
    board.phase("reveal")
    shared = board.fac.ok("barrier_merge", barrier_ids=[b1, b2], text="Stops, ask sgt.miller@example.org")["shared_id"]
    assert board.org.snapshot()["flags"] == {f"barrier:{shared}": ["email"]}
    board.phase("solutions")
    s = board.propose(author, shared, "Meet at 1423 Oak Street every month")
    assert board.fac.snapshot()["flags"][f"solution:{s}"] == ["address"]


# -- merge objections -----------------------------------------------------------------

def merged(board, *, anonymous_author=True):
    author = board.person(0, name="Rosa Méndez", anonymous=anonymous_author)
    other = board.person(0)
    board.phase("brainstorm")
    mine = board.post(author, "Stops are never explained")
    theirs = board.post(other, "Nobody tells you why")
    board.phase("reveal")
    shared = board.fac.ok("barrier_merge", barrier_ids=[mine, theirs])["shared_id"]
    board.day.drain()
    return author, other, mine, theirs, shared


def test_merge_object_tells_the_facilitators_not_who(board):
    author, other, mine, theirs, shared = merged(board)
    ack = author.ok("merge_object", barrier_id=mine, reason="Mine is about traffic stops")
    objection = ack["objection"]
    assert objection["shared_id"] == shared and objection["status"] == "open"
    for viewer in (board.fac, board.org, author):
        got = [e["data"]["objection"] for e in viewer.events() if e["type"] == "merge_objected"]
        assert got == [objection]
        assert viewer.snapshot()["objections"] == {str(objection["id"]): objection}
    # Not who: no member barrier, no participant, no name in what the facilitators get.
    assert set(objection) == {"id", "room_id", "shared_id", "reason", "status", "at"}
    assert "Rosa" not in json.dumps(board.fac.snapshot()["objections"])
    assert not other.events() and other.snapshot()["objections"] == {}
    assert not board.display.events() and not board.fac_b.events()
    entry, = audit(board, "merge_object")
    assert entry.actor == "participant"  # the audit trail does not name the objector either
    assert entry.detail == {"room_id": board.room, "shared_id": shared, "barrier_id": mine,
                            "reason": "Mine is about traffic stops"}
    # The other author may object too; the reason is optional.
    assert other.ok("merge_object", barrier_id=theirs)["objection"]["reason"] == ""
    assert len(board.fac.snapshot()["objections"]) == 2


def test_merge_object_refusals(board):
    author, other, mine, theirs, shared = merged(board)
    board.refuse(other, "merge_object", "forbidden", barrier_id=mine)  # not the author
    board.refuse(author, "merge_object", "forbidden", barrier_id=shared)  # the shared barrier is no one's
    lone = board.post(author, "Officers never come to our meetings")
    board.refuse(author, "merge_object", "not_merged", barrier_id=lone)
    board.refuse(author, "merge_object", "not_found", barrier_id=999999)
    board.refuse(author, "merge_object", "invalid", barrier_id=mine, reason="x" * 301)
    board.refuse(board.fac, "merge_object", "forbidden", barrier_id=mine)
    author.ok("merge_object", barrier_id=mine)
    board.refuse(author, "merge_object", "already_objected", barrier_id=mine)
    board.fac.ok("merge_objection_dismiss", shared_id=shared)
    board.refuse(author, "merge_object", "already_objected", barrier_id=mine)  # no ping-pong after a dismissal
    board.phase("solutions")
    board.refuse(other, "merge_object", "wrong_phase", barrier_id=theirs)
    board.phase("vote")
    board.fac.ok("merge_undo", shared_id=shared)
    board.refuse(other, "merge_object", "not_merged", barrier_id=theirs)


def test_merge_object_refused_once_the_workshop_is_closed(board):
    author, _, mine, _, _ = merged(board)
    board.workshop_phase("closed")
    board.refuse(author, "merge_object", "closed", barrier_id=mine)


def test_merge_objection_dismiss_keeps_the_merge_and_tells_the_objector(board):
    author, other, mine, theirs, shared = merged(board)
    objection = author.ok("merge_object", barrier_id=mine, reason="Different things")["objection"]
    board.day.drain()
    board.fac.ok("merge_objection_dismiss", shared_id=shared, reason="Same issue, kept together")
    for viewer in (board.fac, board.org, author):
        assert [e["data"] for e in viewer.events() if e["type"] == "merge_objection_dismissed"] == [{"shared_id": shared}]
        assert viewer.snapshot()["objections"][str(objection["id"])]["status"] == "dismissed"
    assert not other.events()
    assert author.snapshot()["barriers"][str(mine)]["merged_into"] == shared  # the merge stands
    entry, = audit(board, "merge_objection_dismiss")
    assert entry.detail == {"room_id": board.room, "shared_id": shared, "count": 1,
                            "reason": "Same issue, kept together"}
    # A later objection from the other author is open again; the organiser may dismiss it.
    other.ok("merge_object", barrier_id=theirs)
    statuses = sorted(o["status"] for o in board.org.snapshot()["objections"].values())
    assert statuses == ["dismissed", "open"]
    board.org.ok("merge_objection_dismiss", shared_id=shared)


def test_merge_undo_resolves_the_objections(board):
    author, _, mine, theirs, shared = merged(board)
    author.ok("merge_object", barrier_id=mine)
    board.fac.ok("merge_undo", shared_id=shared)
    for viewer in (board.fac, board.org, author):
        assert viewer.snapshot()["objections"] == {}
    # A new merge of the same barriers may be objected to again.
    again = board.fac.ok("barrier_merge", barrier_ids=[mine, theirs])["shared_id"]
    assert author.ok("merge_object", barrier_id=mine)["objection"]["shared_id"] == again


def test_merge_objection_dismiss_refusals(board):
    author, _, mine, _, shared = merged(board)
    board.refuse(board.fac, "merge_objection_dismiss", "no_objection", shared_id=shared)
    author.ok("merge_object", barrier_id=mine)
    board.refuse(board.fac_b, "merge_objection_dismiss", "not_found", shared_id=shared)  # another room
    board.refuse(board.fac, "merge_objection_dismiss", "not_found", shared_id=999999)
    board.refuse(author, "merge_objection_dismiss", "forbidden", shared_id=shared)
    board.refuse(board.fac, "merge_objection_dismiss", "invalid", shared_id=shared, reason="x" * 301)
    board.fac.ok("merge_objection_dismiss", shared_id=shared)
    board.refuse(board.fac, "merge_objection_dismiss", "no_objection", shared_id=shared)


# -- the audit trail in the report of the day ---------------------------------------------

def test_report_lists_every_facilitator_action_with_counts_and_reasons_and_no_names(board):
    removed = board.person(0, name="Zebulon Removedperson", anonymous=False)
    author, other, mine, theirs, shared = merged(board)  # the objector, Rosa Méndez, posts anonymously
    board.phase("brainstorm", 1)
    lone = board.post(other, "Typo in thsi post")
    board.fac.ok("post_edit", kind="barrier", id=lone, text="Typo in this post")
    board.fac.ok("post_hide", kind="barrier", id=lone, reason="Off topic here")
    board.org.ok("post_restore", kind="barrier", id=lone)
    author.ok("merge_object", barrier_id=mine, reason="Mine is about traffic stops")
    board.fac.ok("merge_objection_dismiss", shared_id=shared, reason="Same issue")
    other.ok("merge_object", barrier_id=theirs)
    board.fac.ok("merge_undo", shared_id=shared)
    board.fac.ok("participant_remove", participant_id=removed.participant_id, reason="Threatened another person")
    board.org.ok("facilitator_revoke", room_id=board.room_b, reason="Tablet lost")
    board.org.ok("facilitator_invite_renew", room_id=board.room_b)

    with board.db.reading() as s:
        report = build(s, board.day.workshop_id)
    m = report.moderation
    assert m["actions"] == {"hide": 1, "restore": 1, "edit": 1, "remove": 1, "facilitator_revoke": 1,
                            "facilitator_invite_renew": 1, "merge_object": 2, "merge_objection_dismiss": 1,
                            "merge_objection_undone": 2}
    assert [(x["action"], x["reason"]) for x in m["action_reasons"]] == [
        ("merge_object", "Mine is about traffic stops"), ("merge_objection_dismiss", "Same issue"),
        ("remove", "Threatened another person"), ("facilitator_revoke", "Tablet lost")]
    actions = [row.action for row in report.timeline]
    for action in ("edit", "hide", "restore", "merge_object", "merge_objection_dismiss", "merge_undo", "remove",
                   "facilitator_revoke", "facilitator_invite_renew"):
        assert action in actions, action
    assert next(r for r in report.timeline if r.action == "merge_object").actor == "participant"

    md = export(board.db, board.day.workshop_id, "md", "report", "en").data.decode("utf-8")
    assert "### Facilitator actions" in md
    for line in ("| Participants removed | 1 |", "| Posts corrected (original kept) | 1 |",
                 "| Facilitator links revoked | 1 |", "| Objections to a merge | 2 |",
                 "| Objections dismissed (merge kept) | 1 |", "| Objections resolved by undoing the merge | 2 |"):
        assert line in md, line
    assert "- Threatened another person (Participants removed, " in md
    assert "an author of a merged barrier objected" in md
    fa = export(board.db, board.day.workshop_id, "md", "report", "fa").data.decode("utf-8")
    assert "اقدام‌های تسهیلگران" in fa and "| شرکت‌کنندگان کنارگذاشته | 1 |" in fa
    # The report goes to everyone: no removed person's name, no anonymous objector, in any format.
    for fmt, lang in (("md", "en"), ("md", "es"), ("docx", "en"), ("pdf", "en")):
        data = export(board.db, board.day.workshop_id, fmt, "report", lang).data
        if fmt == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif fmt == "pdf":
            text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            assert "Facilitator actions" in text
        else:
            text = data.decode("utf-8")
        assert "Zebulon" not in text and "Removedperson" not in text, fmt
        assert "Rosa" not in text and "Méndez" not in text, fmt
