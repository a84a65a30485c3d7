"""Round trips to the database per command (issue 18, docs/benchmarks.md).

A participant's command reads its sender's row and its idempotency record in one statement, and a
pooled PostgreSQL connection is pinged before use only after lying idle (server/db.py), not on every
checkout. These tests count statements, never time."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from server import db as db_module
from server.db import Database
from server.domain import dispatch, stats, tallies
from server.domain.auth import Principal
from server.domain.errors import CommandError
from server.domain.workshops import create_workshop, join
from server.migrate import upgrade
from server.models import Workshop


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(" ".join(sql.split())))
    return seen


def _at_the_vote(db: Database, people: int = 1, barriers: int = 1, budget: int = 3):
    """A room at the vote: `people` joined it, the first `barriers` of them posted a barrier each.
    Returns the organiser, the people, the room and the barriers' ids."""
    made = create_workshop(db, title="Round trips", rooms=1, vote_budget=budget, languages=["en"])
    ws = made["workshop_id"]
    organiser = Principal("organiser", ws)
    joined = [join(db, {"code": made["join_code"], "group": "community_org", "language": "en"})[0]
              for _ in range(people)]
    them = [Principal("participant", ws, j["participant_id"], j["room_id"]) for j in joined]
    room = them[0].room_id
    dispatch(db, organiser, "phase_advance", {"cid": "o1", "room_id": room, "from_phase": "lobby"})
    ids = [dispatch(db, them[i], "barrier_post", {"cid": f"b{i + 1}", "text": f"Nobody answers the phone {i}"})
           .result["barrier"]["id"] for i in range(barriers)]
    for i, phase in enumerate(("brainstorm", "reveal")):
        dispatch(db, organiser, "phase_advance", {"cid": f"o{i + 2}", "room_id": room, "from_phase": phase})
    return organiser, them, room, ids


def _one_at_the_vote(db: Database):
    organiser, (me,), _, (barrier,) = _at_the_vote(db)
    return organiser, me, barrier


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'rt.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = Database(url)
    upgrade(db)
    yield db
    db.dispose()


def test_a_participants_command_reads_its_sender_and_its_record_in_one_statement(database):
    _, me, barrier = _one_at_the_vote(database)
    seen = _statements(database)
    out = dispatch(database, me, "vote_cast", {"cid": "v1", "target_type": "barrier", "target_id": barrier})
    assert out.result["remaining"] == 2
    people = [s for s in seen if "FROM participants" in s]
    records = [s for s in seen if s.startswith("SELECT") and "command_records" in s]
    assert len(people) == 1 and people == records, seen  # one statement reads both
    # The same cid again: the first result, nothing changed, and still one statement for both.
    seen.clear()
    again = dispatch(database, me, "vote_cast", {"cid": "v1", "target_type": "barrier", "target_id": barrier})
    assert again.repeated and again.result == out.result
    assert not any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in seen), seen
    assert [s for s in seen if "FROM participants" in s] == people


def test_the_joined_read_still_refuses_what_the_two_reads_refused(database):
    organiser, me, barrier = _one_at_the_vote(database)
    # A repeated cid of the same command: the first result again.
    first = dispatch(database, me, "barrier_post", {"cid": "b1", "text": "Another text"})
    assert first.repeated and first.result["barrier"]["id"] == barrier
    # A cid used for a different command is refused, and changes nothing.
    seen = _statements(database)
    with pytest.raises(CommandError) as err:
        dispatch(database, me, "vote_cast", {"cid": "b1", "target_type": "barrier", "target_id": barrier})
    assert err.value.code == "cid_reused"
    assert not any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in seen), seen
    # A removed participant is refused before their record counts, even for a repeated cid.
    dispatch(database, organiser, "participant_remove", {"cid": "o9", "participant_id": me.id, "reason": "test"})
    with pytest.raises(CommandError) as gone:
        dispatch(database, me, "barrier_post", {"cid": "b1", "text": "Nobody answers the phone"})
    assert gone.value.code == "unauthorized"
    # And someone who never was (an id with no row) is refused the same way.
    ghost = Principal("participant", me.workshop_id, me.id + 1000, me.room_id)
    with pytest.raises(CommandError) as unknown:
        dispatch(database, ghost, "barrier_post", {"cid": "g1", "text": "Who am I"})
    assert unknown.value.code == "unauthorized"


def _pings(db: Database, monkeypatch) -> list[int]:
    pinged: list[int] = []
    ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: (pinged.append(1), ping(conn))[1])
    return pinged


def _backend_pid(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(url: str, pid: int) -> None:
    admin = Database(url)
    try:
        with admin.engine.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    finally:
        admin.dispose()


@pytest.fixture
def pg(postgres_url):
    db = Database(postgres_url, pool_size=1)  # one connection: every checkout takes the same one
    yield db
    db.dispose()


def test_a_connection_back_in_use_at_once_is_not_pinged(pg, monkeypatch):
    pinged = _pings(pg, monkeypatch)
    pid = _backend_pid(pg)
    for _ in range(5):
        assert _backend_pid(pg) == pid
    assert pinged == []  # pool_pre_ping pinged on each of these checkouts


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced_before_use(pg, monkeypatch):
    pinged = _pings(pg, monkeypatch)
    pid = _backend_pid(pg)
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECS", 0.0)  # read at each checkout: any idle is long
    assert _backend_pid(pg) == pid and pinged == [1]  # alive: pinged, kept
    _terminate(pg.url, pid)  # the server side ends it (a restart, an idle timeout)
    new_pid = _backend_pid(pg)  # no error: the ping found it dead and the pool made a new one
    assert new_pid != pid and len(pinged) == 2


def test_a_connection_killed_mid_use_fails_once_then_the_pool_recovers(pg, monkeypatch):
    """The trade-off of not pinging busy connections: the statement on a connection that died without
    lying idle fails (the command is answered server_error, retryable, and the phone sends it again);
    SQLAlchemy then drops the pool's connections, so the next statement works."""
    pid = _backend_pid(pg)
    _terminate(pg.url, pid)
    with pytest.raises(DBAPIError) as err:
        _backend_pid(pg)
    assert err.value.connection_invalidated
    assert _backend_pid(pg) not in (pid, None)



def test_a_commands_events_go_in_one_insert_not_one_per_row(database, monkeypatch):
    """A vote makes several events (tally, my_votes, room_stats...): one INSERT text for all (SQLite:
    a one-row INSERT run once through the driver's executemany, the same text whatever the number of
    events; PostgreSQL: the rows as one JSON parameter, in the one statement that also stores the
    command's record and the workshop's new seq)."""
    _, me, barrier = _one_at_the_vote(database)
    dialect = database.engine.dialect
    calls: list[tuple[str, str, int]] = []
    execute, executemany = dialect.do_execute, dialect.do_executemany
    monkeypatch.setattr(dialect, "do_execute", lambda cur, sql, params, ctx=None: (
        calls.append(("execute", sql, 1)), execute(cur, sql, params, ctx))[1])
    monkeypatch.setattr(dialect, "do_executemany", lambda cur, sql, params, ctx=None: (
        calls.append(("executemany", sql, len(params))), executemany(cur, sql, params, ctx))[1])
    out = dispatch(database, me, "vote_cast", {"cid": "v9", "target_type": "barrier", "target_id": barrier})
    assert len(out.events) >= 3
    inserts = [(how, n, sql) for how, sql, n in calls if "INSERT INTO events" in sql]
    if database.engine.dialect.name == "sqlite":
        assert [(how, n) for how, n, _ in inserts] == [("executemany", len(out.events))], calls
        assert inserts[0][2].count("?") == 6, inserts  # one row's parameters: the text never grows
    else:
        assert [(how, n) for how, n, _ in inserts] == [("execute", 1)], calls
    if database.engine.dialect.name == "postgresql":  # and with them its record and the new seq
        assert "INSERT INTO command_records" in inserts[0][2] and "UPDATE workshops SET seq" in inserts[0][2]
        assert not any("INSERT INTO command_records" in sql or "UPDATE workshops" in sql for _, sql, _ in calls
                       if "INSERT INTO events" not in sql)
    with database.reading() as session:
        stored = session.execute(text("SELECT seq, type FROM events WHERE workshop_id = :w AND seq >= :s ORDER BY seq"),
                                 {"w": me.workshop_id, "s": out.events[0].seq}).all()
    assert [(e.seq, e.type) for e in out.events] == [tuple(r) for r in stored]


_VOTES_TABLE = re.compile(r"\bvotes\b")


def test_a_vote_reads_its_counts_with_its_checks_before_the_insert(database):
    """A dot's tally, the room's counts and its vote progress come from the statement that checks
    the dot, read before the change and adjusted by the dot: no statement reads the votes after it.
    On PostgreSQL the same statement also makes the change (a data-modifying CTE): one statement
    touches the votes per dot; on SQLite two (the checks, then the insert or delete)."""
    _, me, barrier = _one_at_the_vote(database)
    postgres = database.engine.dialect.name == "postgresql"
    seen = _statements(database)
    for cid, name, change in (("v1", "vote_cast", "INSERT INTO votes"), ("v2", "vote_withdraw", "DELETE FROM votes")):
        seen.clear()
        out = dispatch(database, me, name, {"cid": cid, "target_type": "barrier", "target_id": barrier})
        assert [e.type for e in out.events] == ["tally", "my_votes", "room_stats", "vote_progress"]
        on_votes = [s for s in seen if _VOTES_TABLE.search(s)]
        if postgres:
            assert len(on_votes) == 1 and change in on_votes[0], seen
        else:
            assert len(on_votes) == 2 and on_votes[1].startswith(change), seen


def test_a_refused_dot_changes_no_vote(database):
    """Every refusal of a dot on a room's item leaves the votes as they were (on PostgreSQL the
    statement that checks is the one that would change them)."""
    organiser, me, barrier = _one_at_the_vote(database)

    def votes() -> list:
        with database.reading() as session:
            return session.execute(text("SELECT participant_id, target_type, target_id FROM votes "
                                        "WHERE workshop_id = :w ORDER BY id"), {"w": me.workshop_id}).all()

    def refused(name: str, target: int, code: str) -> None:
        before = votes()
        with pytest.raises(CommandError) as err:
            dispatch(database, me, name, {"cid": f"{name}-{target}-{code}", "target_type": "barrier", "target_id": target})
        assert err.value.code == code
        assert votes() == before

    refused("vote_withdraw", barrier, "not_voted")
    refused("vote_cast", barrier + 999, "not_found")
    dispatch(database, me, "vote_cast", {"cid": "c1", "target_type": "barrier", "target_id": barrier})
    refused("vote_cast", barrier, "already_voted")
    dispatch(database, organiser, "post_hide", {"cid": "h1", "kind": "barrier", "id": barrier, "reason": "test"})
    refused("vote_withdraw", barrier, "hidden")
    dispatch(database, organiser, "phase_advance", {"cid": "o9", "room_id": me.room_id, "from_phase": "vote"})
    refused("vote_cast", barrier, "wrong_phase")


@pytest.fixture
def pg_db(postgres_url):
    db = Database(postgres_url)
    upgrade(db)
    yield db
    db.dispose()


def test_an_accepted_dot_whose_statement_changed_nothing_is_an_error_and_stores_nothing(pg_db, monkeypatch):
    """PostgreSQL checks and casts a dot in one statement, and Python checks the row again for the
    refusals: should the two ever disagree (here the statement's phases are made wrong), the command
    fails and nothing is stored, rather than answering a dot that was never cast."""
    from server.domain import board
    _, me, barrier = _one_at_the_vote(pg_db)
    monkeypatch.setitem(board._PHASES, "barrier", ("lobby",))
    monkeypatch.setitem(board._ROOM_VOTE_CHANGE, ("barrier", True),
                        board.DriverStatement(board._room_vote_change("barrier", True)))
    with pytest.raises(RuntimeError, match="changed 0 votes"):
        dispatch(pg_db, me, "vote_cast", {"cid": "v1", "target_type": "barrier", "target_id": barrier})
    with pg_db.reading() as session:
        assert session.execute(text("SELECT count(*) FROM votes WHERE workshop_id = :w"),
                               {"w": me.workshop_id}).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM command_records WHERE workshop_id = :w AND client_id = 'v1'"),
                               {"w": me.workshop_id}).scalar() == 0


def test_the_counts_a_dot_sends_are_the_counts_after_it(database):
    """Votes and withdrawals by three people up to and back from a spent budget, on barriers and on
    solutions: every tally, room_stats and vote_progress sent equals a fresh count after the command."""
    organiser, people, room, barriers = _at_the_vote(database, people=3, barriers=2, budget=2)
    a, b, c = people
    steps = [(a, "vote_cast", 0), (a, "vote_cast", 1), (b, "vote_cast", 0), (a, "vote_withdraw", 0),
             (b, "vote_cast", 1), (c, "vote_cast", 0), (b, "vote_withdraw", 1), (a, "vote_withdraw", 1),
             (a, "vote_cast", 0), (c, "vote_cast", 1), (c, "vote_withdraw", 0)]

    def run(kind: str, targets: list[int]) -> int:
        progress_seen = 0
        for n, (who, name, i) in enumerate(steps):
            out = dispatch(database, who, name, {"cid": f"{kind}{n}", "target_type": kind, "target_id": targets[i]})
            sent = {e.type: e.data for e in out.events}
            with database.reading() as session:
                ws = session.get(Workshop, who.workshop_id)
                tally = session.execute(text("SELECT count(*) FROM votes WHERE target_type = :k AND target_id = :t"),
                                        {"k": kind, "t": targets[i]}).scalar()
                assert sent["tally"]["votes"] == tally, (n, sent)
                assert sent["room_stats"] == stats.room_stats(session, room), (n, sent)
                if "vote_progress" in sent:
                    progress_seen += 1
                    assert sent["vote_progress"] == {"room_id": room, "target_type": kind,
                                                     **tallies.room_progress(session, ws, room, kind)}, (n, sent)
        return progress_seen

    assert run("barrier", barriers) >= 6
    dispatch(database, organiser, "phase_advance", {"cid": "o9", "room_id": room, "from_phase": "vote"})
    solutions = [dispatch(database, people[i], "solution_post", {"cid": f"s{i}", "barrier_id": barriers[0],
                                                                 "text": f"Solution number {i}"})
                 .result["solution"]["id"] for i in range(2)]
    assert run("solution", solutions) >= 6


def test_the_batchs_actor_in_sql_is_the_principals_actor(database):
    """A batch finds its senders' idempotency records by the actor written in SQL; it must be the very
    key the records are stored under (Principal.actor), or every resend in a batch would run again."""
    from sqlalchemy import literal, select

    from server.domain.auth import participant_actor_sql
    with database.reading() as session:
        in_sql = session.execute(select(participant_actor_sql(literal(4711)))).scalar()
    assert in_sql == Principal("participant", "w", 4711).actor
