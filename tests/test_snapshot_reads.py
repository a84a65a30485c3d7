"""A snapshot first asks what the workshop holds at all (snapshot._PRESENT) and skips the reads of
what there is none of (issue 18: a morning's connect burst read a dozen empty tables per phone).
Skipping must never change a snapshot: for every role, at several points of a day, it equals the
snapshot of a reader that reads everything."""
from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from server.domain import auth
from server.domain import snapshot as snap

from .test_election import crowd


def _everything():
    names = [c.name for c in snap._PRESENT.selected_columns]
    return select(*(literal(True).label(n) for n in names))


def _both(board, monkeypatch, viewers) -> None:
    for who in viewers:
        with board.db.reading() as s:
            principal = auth.resolve(s, who.token)
            skipping = snap.snapshot(s, principal)
        with monkeypatch.context() as m:
            m.setattr(snap, "_PRESENT", _everything())
            with board.db.reading() as s:
                reading_all = snap.snapshot(s, principal)
        assert skipping == reading_all, who.role


def test_skipping_what_a_workshop_has_none_of_never_changes_a_snapshot(board, monkeypatch):
    phone, other, elsewhere = board.person(0), board.person(0), board.person(1)
    viewers = [board.org, board.display, board.fac, board.fac_b, phone, other, elsewhere]
    _both(board, monkeypatch, viewers)  # the lobby: nothing yet
    with board.db.reading() as s:
        present = s.execute(snap._PRESENT, {"w": board.day.workshop_id}).one()
    assert not any(present)  # and the probe says so: the skipping is really exercised
    board.phase("brainstorm")
    bid = board.post(phone, "Stops are never explained")
    board.post(other, "Nobody knows the officers by name")
    board.phase("reveal")
    board.phase("vote")
    other.ok("vote_cast", target_type="barrier", target_id=bid)
    pulse = board.org.ok("pulse_open", label="start")["pulse"]
    phone.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": 2})
    _both(board, monkeypatch, viewers)  # posts, a dot, an open pulse
    other.ok("vote_withdraw", target_type="barrier", target_id=bid)  # no dot left anywhere
    _both(board, monkeypatch, viewers)


def test_an_election_and_the_council_show_alike_whether_or_not_reads_are_skipped(board, monkeypatch):
    ppl = crowd(board)
    board.org.ok("election_open", seats={"community_member": 0, "community_org": 0})
    _both(board, monkeypatch, [board.org, board.display, *ppl["police"], *ppl["members"], ppl["org"]])


@pytest.mark.parametrize("kind", ["barriers", "votes", "elections", "pulses"])
def test_the_probe_sees_each_kind_once_there_is_one(board, kind):
    phone = board.person(0)
    if kind in ("barriers", "votes"):
        board.phase("brainstorm")
        bid = board.post(phone, "Long waits")
        if kind == "votes":
            board.phase("reveal")
            board.phase("vote")
            phone.ok("vote_cast", target_type="barrier", target_id=bid)
    elif kind == "pulses":
        board.org.ok("pulse_open", label="start")
    else:
        crowd(board)
        board.org.ok("election_open", seats={"community_member": 0, "community_org": 0})
    with board.db.reading() as s:
        present = s.execute(snap._PRESENT, {"w": board.day.workshop_id}).one()._mapping
    assert present[kind]
