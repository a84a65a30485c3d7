"""The Alembic migrations build exactly the schema the models describe, on both backends."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from server.db import Database
from server.migrate import current, head, upgrade
from server.models import Base

HEAD = head()


def test_upgrading_an_empty_database_matches_the_models(empty_url):
    db = Database(empty_url)
    try:
        assert current(db) is None
        upgrade(db)
        assert current(db) == HEAD
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(ctx, Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == [], f"migrations and models differ: {diff}"
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        upgrade(db)  # a second upgrade is a no-op
        assert current(db) == HEAD
    finally:
        db.dispose()


def test_0004_gives_a_taken_over_link_its_role_back(empty_url):
    """A phone that took the organiser's or projector's token as its own before 0004 (join's device key)
    loses it: the links connect with their own roles again, the phone's row and posts stay."""
    import importlib.util

    from server.domain import auth
    from server.domain.workshops import create_workshop
    from server.migrate import MIGRATIONS
    from server.models import Participant
    from server.models.base import utcnow

    spec = importlib.util.spec_from_file_location("m0004", MIGRATIONS / "versions" / "0004_token_collisions.py")
    m0004 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0004)
    db = Database(empty_url)
    try:
        upgrade(db)
        created = create_workshop(db, title="Taken", rooms=1, languages=["en"])
        ordinary = "an-ordinary-phone-token-" + "x" * 10
        with db.transaction() as s:
            room_id = created["facilitators"][0]["room_id"]
            for token in (created["organiser_token"], created["display_token"], ordinary):
                s.add(Participant(workshop_id=created["workshop_id"], room_id=room_id, group="community_member",
                                  language="en", anonymous=True, token_hash=auth.token_hash(token),
                                  joined_at=utcnow()))
        with db.reading() as s:
            assert auth.resolve(s, created["organiser_token"]).role == "participant"  # the hole, as stored
        with db.engine.begin() as conn:  # what 0004's upgrade() runs on the database's connection
            assert m0004.separate(conn) == 2
        with db.reading() as s:
            assert auth.resolve(s, created["organiser_token"]).role == "organiser"
            assert auth.resolve(s, created["display_token"]).role == "display"
            assert auth.resolve(s, ordinary).role == "participant"
            assert s.query(Participant).count() == 3
    finally:
        db.dispose()


def test_0007_gives_every_workshop_the_four_groups_as_its_sectors(empty_url):
    """A workshop from before sectors gets the `groups` preset, keyed by the groups its people joined with:
    nobody's row changes, joining, seating and the council go on as before."""
    from sqlalchemy import select

    from server.domain import sectors
    from server.domain.workshops import join, public_info
    from server.models import Participant, Room, Sector
    from server.models.base import utcnow

    db = Database(empty_url)
    try:
        upgrade(db, "0006")
        with db.engine.begin() as conn:  # the tables as they were at 0006 (sectors is not one of them)
            for ws_id, code, langs in (("a" * 16, "AAAAAA", ["en", "es", "fa"]), ("b" * 16, "BBBBBB", ["fa", "fr"])):
                conn.execute(_old_insert("workshops",
                    id=ws_id, title="Before", languages=langs, display_language=langs[0], join_code=code,
                    vote_budget=3, live_tallies=False, phase="breakouts", paused=False,
                    organiser_token_hash=f"o{ws_id}", display_token_hash=f"d{ws_id}", seq=0, created_at=utcnow()))
                conn.execute(_old_insert("rooms", workshop_id=ws_id, number=1, name="Room 1",
                                         phase="lobby", revealed=False))
            room = conn.execute(select(Room.__table__.c.id).where(Room.__table__.c.workshop_id == "a" * 16)).scalar()
            conn.execute(_old_insert("participants",
                workshop_id="a" * 16, room_id=room, group="community_org", language="en", anonymous=True,
                token_hash="t" * 64, joined_at=utcnow()))
        upgrade(db)
        assert current(db) == HEAD
        with db.reading() as s:
            rows = s.scalars(select(Sector).order_by(Sector.workshop_id, Sector.position)).all()
            assert [(r.workshop_id[0], r.position, r.key, r.side) for r in rows] == [
                (w, i, key, side) for w in "ab" for i, (key, side) in enumerate(
                    [("law_enforcement", "law_enforcement"), ("community_member", "community"),
                     ("community_org", "community"), ("government_other", "other")])]
            assert s.scalar(select(Participant.group)) == "community_org"
        assert public_info(db, "AAAAAA")["sectors"] == sectors.preset("groups", ["en", "es", "fa"])
        # No French name in the preset: the English one, until the organiser renames it.
        assert public_info(db, "BBBBBB")["sectors"] == sectors.preset("groups", ["fa", "fr"])
        assert public_info(db, "BBBBBB")["sectors"][0]["names"] == {"fa": "نیروی انتظامی و پلیس",
                                                                    "fr": "Law enforcement"}
        joined, _ = join(db, {"code": "AAAAAA", "group": "government_other", "language": "en"})
        assert joined["workshop_id"] == "a" * 16
    finally:
        db.dispose()


def _old_insert(table: str, **values):
    """An INSERT of only these columns (the table as an older revision had it, without today's columns)."""
    import sqlalchemy as sa
    types = Base.metadata.tables[table].c
    return sa.insert(sa.table(table, *[sa.column(k, types[k].type) for k in values])).values(**values)


def test_0008_gives_every_workshop_the_short_agenda_standing_where_its_phase_is(empty_url):
    """A workshop from before the agenda gets `short` (breakout, prioritise, action_plan, closing) on the
    segment its phase is in; its rooms gather no sectors, its barriers are barriers, its plan entries have no room."""
    from sqlalchemy import select

    from server.domain import auth
    from server.domain.snapshot import snapshot
    from server.models import Barrier, Room, Workshop
    from server.models.base import utcnow

    db = Database(empty_url)
    try:
        upgrade(db, "0007")
        with db.engine.begin() as conn:
            for ws_id, code, phase in (("a" * 16, "AAAAAA", "breakouts"), ("b" * 16, "BBBBBB", "plenary"),
                                       ("c" * 16, "CCCCCC", "closed")):
                conn.execute(_old_insert("workshops",
                    id=ws_id, title="Before", languages=["en"], display_language="en", join_code=code,
                    vote_budget=3, live_tallies=False, phase=phase, paused=False,
                    organiser_token_hash=f"o{ws_id}", display_token_hash=f"d{ws_id}", seq=0, created_at=utcnow()))
                conn.execute(_old_insert("rooms", workshop_id=ws_id, number=1, name="Room 1", phase="vote",
                                         revealed=True))
            room = conn.execute(select(Room.__table__.c.id).where(Room.__table__.c.workshop_id == "a" * 16)).scalar()
            conn.execute(_old_insert("barriers", workshop_id="a" * 16, room_id=room, text="Old", anonymous=True,
                                     is_shared=False, hidden=False, withdrawn=False, created_at=utcnow()))
        upgrade(db)
        assert current(db) == HEAD
        with db.reading() as s:
            got = {w.id[0]: (w.agenda, w.segment, w.phase, w.plenary_vote_closed, w.prompts)
                   for w in s.scalars(select(Workshop))}
            short = ["breakout", "prioritise", "action_plan", "closing"]
            assert got == {"a": (short, 0, "breakouts", False, {}), "b": (short, 1, "plenary", False, {}),
                           "c": (short, 3, "closed", False, {})}
            assert {tuple(r.sectors) for r in s.scalars(select(Room))} == {()}
            assert s.scalar(select(Barrier.kind)) == "barrier"
            view = snapshot(s, auth.Principal("organiser", "b" * 16))
            assert view["workshop"]["agenda"] == short and view["workshop"]["segment"] == 1
    finally:
        db.dispose()


def test_every_dot_holds_its_items_room_and_0016_gives_older_dots_theirs(empty_url):
    """A played day (dots on barriers, a merge, solutions and the plenary board): every dot's room_id is
    its item's room (none on the plenary board). Taken back to 0015 (no such column) and upgraded
    again, the migration's backfill gives every dot the same room."""
    from alembic import command

    from server.migrate import alembic_config

    from .board import vote_rooms
    from .conftest import Day, make_app
    from .report_day import play

    app = make_app(empty_url)
    db = app.extensions["common_ground_db"]
    day = Day(app)
    try:
        play(day)
        played = vote_rooms(db)
        kinds = {room is None for room, _ in played.values()}
        assert len(played) > 20 and kinds == {True, False}  # room dots and plenary dots
        assert all(room == item_room for room, item_room in played.values()), played
        cfg = alembic_config(db)
        with db.engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0015")
            conn.commit()
        with db.engine.connect() as conn:
            assert "room_id" not in {c["name"] for c in inspect(conn).get_columns("votes")}
        upgrade(db)
        assert vote_rooms(db) == played
    finally:
        day.close()
        db.dispose()
