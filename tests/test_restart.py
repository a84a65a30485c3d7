"""The server restarts mid-day (a crash, a redeploy): nothing is lost, numbering goes on, links still work."""
from __future__ import annotations

from sqlalchemy import func, select

from server.models import Event

from .board import Board
from .conftest import Day, make_app


def snapshots(board: Board, people) -> dict:
    out = {"organiser": board.org.snapshot(), "facilitator": board.fac.snapshot(),
           "other_facilitator": board.fac_b.snapshot(), "display": board.display.snapshot()}
    for key, p in people.items():
        out[key] = p.snapshot()
    return out


def test_a_new_server_on_the_same_database_carries_on(db_url):
    first = make_app(db_url)
    day = Day(first)
    created = day.create()
    board = Board(day)
    author = board.person(0, name="Ana", anonymous=False)
    voter = board.person(0)
    other = board.person(1)
    board.phase("brainstorm")
    x = board.post(author, "Stops are not explained")
    y = board.post(author, "Same, in other words")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=x)
    shared = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    sent = author.send("vote_cast", cid="before-restart", target_type="barrier", target_id=shared)
    assert sent["ok"] and sent["repeated"] is False
    board.fac.ok("help_call", message="Need water")
    author.ok("council_volunteer", contact="ana@example.org", consent=True)
    board.fac.ok("timer_set", seconds=600)
    people = {"author": author, "voter": voter, "other": other}
    before = snapshots(board, people)
    with first.extensions["common_ground_db"].reading() as s:
        last = s.scalar(select(func.max(Event.seq)).where(Event.workshop_id == created["workshop_id"]))
    assert last == before["organiser"]["seq"]
    tokens = {k: p.token for k, p in people.items()}
    ids = {k: (p.participant_id, p.room_id) for k, p in people.items()}
    day.close()
    first.extensions["common_ground_db"].dispose()

    second = make_app(db_url)
    try:
        again = Day(second)
        again.created = created
        board2 = Board(again)
        people2 = {k: again._client(tokens[k], "participant", participant_id=ids[k][0], room_id=ids[k][1])
                   for k in people}
        after = snapshots(board2, people2)
        assert after == before
        # A client that was up to date resumes with nothing missed...
        ack = board2.org.sync(last)
        assert ack["ok"] and ack["mode"] == "events" and ack["events"] == [] and ack["seq"] == last
        # ...and the next event is numbered right after the last one.
        board2.day.drain()
        res = board2.fac.ok("timer_extend", seconds=60)
        assert res["seq"] == last + 1
        assert [e["seq"] for e in people2["other"].events()] == [last + 1]
        # A command resent by a phone's outbox after the restart still gets its first answer.
        resent = people2["author"].send("vote_cast", cid="before-restart", target_type="barrier", target_id=shared)
        assert resent == {**sent, "repeated": True}
        assert people2["author"].send("barrier_post", text="x")["error"]["code"] == "wrong_phase"
        # Joining still works and continues the numbering too.
        resp = again.join_http(group="law_enforcement")
        assert resp.status_code == 200
        assert board2.org.snapshot()["seq"] == res["seq"] + 1  # participant_joined
        again.close()
    finally:
        second.extensions["common_ground_db"].dispose()
