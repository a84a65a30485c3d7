"""A dot reads its room's votes only, whatever plan PostgreSQL made for its statements (issue 18).

psycopg prepares a statement after a few runs and PostgreSQL may then keep one generic plan for it.
Made while the votes table was nearly empty, a plan that joined the room's items to the votes
scanned every vote of every workshop on every dot: 1.7 ms of PostgreSQL per dot at 6,000 votes in a
2,000-phone storm. Here the plans are made generic at once (plan_cache_mode), while the table holds
a handful of dots, and autovacuum is off for it, so nothing re-plans when 6,000 dots of another
workshop arrive; then one more dot, one withdrawal and a phone's snapshot must read (by sequential
scan or through an index) only about as many votes as their room has.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from server.db import Database
from server.domain import dispatch
from server.domain.sync import catch_up
from server.domain.workshops import create_workshop, join
from server.migrate import upgrade
from server.models import Barrier

from .test_round_trips import _at_the_vote

OTHER_VOTES = 6000
_READS = ("SELECT coalesce(sum(seq_tup_read), 0) + coalesce(sum(idx_tup_fetch), 0)"
          " FROM pg_stat_xact_user_tables WHERE relname = 'votes'")


class VoteReads:
    """Rows of `votes` read by the app's statements (sequential scans plus index fetches), from
    PostgreSQL's own counters for the running transaction, read on the same connection around each."""

    def __init__(self, db: Database):
        self.rows = 0
        self._before: dict[int, int] = {}
        event.listen(db.engine, "before_cursor_execute", self._start)
        event.listen(db.engine, "after_cursor_execute", self._end)

    @staticmethod
    def _now(cursor) -> int:
        return int(cursor.connection.execute(_READS).fetchone()[0])  # the DBAPI's own: no events

    def _start(self, conn, cursor, *_args):
        self._before[id(cursor)] = self._now(cursor)

    def _end(self, conn, cursor, *_args):
        self.rows += self._now(cursor) - self._before.pop(id(cursor))


@pytest.mark.parametrize("empty_url", ["postgres"], indirect=True)
def test_a_dot_reads_only_its_rooms_votes_whatever_plan_was_made(empty_url):
    # Its own database: the 6,000 dots below must not reach other tests' items.
    db = Database(f"{empty_url}?options=-c%20plan_cache_mode%3Dforce_generic_plan")
    try:
        upgrade(db)
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE votes SET (autovacuum_enabled = false)"))
        # Another workshop's day is under way: 800 barriers in 200 rooms (as in the 2,000-phone bench).
        other = create_workshop(db, title="Elsewhere", rooms=1, languages=["en"])
        voter = join(db, {"code": other["join_code"], "group": "community_org", "language": "en"})[0]
        with db.transaction() as s:
            s.add_all([Barrier(workshop_id=other["workshop_id"], room_id=voter["room_id"], author_id=None,
                               text=f"Elsewhere {i}") for i in range(800)])
        _, people, _, barriers = _at_the_vote(db, people=9, barriers=4)

        def elsewhere(first: int, last: int) -> None:  # its dots (on its plenary items: no FK to the item)
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO votes (workshop_id, participant_id, target_type, target_id,"
                                  " created_at) SELECT :ws, :p, 'plenary', g, now() FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g"),
                             {"ws": other["workshop_id"], "p": voter["participant_id"], "a": first, "b": last})

        elsewhere(1, 1000)  # its storm has begun
        # Seven dots here while the votes table holds a thousand: the vote's statements are prepared
        # (psycopg) and planned generically (the connection's plan_cache_mode) now.
        for i, p in enumerate(people[:7]):
            dispatch(db, p, "vote_cast", {"cid": f"v{i}", "target_type": "barrier", "target_id": barriers[i % 4]})
        elsewhere(1001, OTHER_VOTES)  # and goes on
        reads = VoteReads(db)
        me, them = people[7], people[0]
        assert dispatch(db, me, "vote_cast", {"cid": "late", "target_type": "barrier",
                                              "target_id": barriers[0]}).result["remaining"] == 2
        cast = reads.rows
        assert dispatch(db, them, "vote_withdraw", {"cid": "back", "target_type": "barrier",
                                                    "target_id": barriers[0]}).result["remaining"] == 3
        withdrawn = reads.rows - cast
        catch_up(db, people[8], None)  # a phone of the room comes back: its snapshot's counts
        seen = reads.rows - cast - withdrawn
        # The room holds 8 dots; each statement may read them a few times (its counts), never the 6,000.
        assert cast < 100 and withdrawn < 100 and seen < 100, (cast, withdrawn, seen)
    finally:
        db.dispose()
