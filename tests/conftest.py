"""Fixtures: an app on each database backend, and a small `day` helper so a
test reads like the user's story (create the workshop, join, connect, act);
`board` is that day as a tests/board.py `Board`.

Backends: SQLite always; PostgreSQL when the server at 127.0.0.1:5432 is
reachable (each run creates and drops its own database). With CI=true a
missing PostgreSQL is a failure, not a skip.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import uuid

import pytest

from server import create_app
from server.domain.workshops import create_workshop
from server.extensions import socketio

from .board import Board

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")


# The longest tests (seconds in a CI run with two workers, setup included), started first. Under
# pytest-xdist a worker takes the next test in collection order when it runs low, so a long test
# collected late is run by one worker while the other has nothing left: the run's tail. Started
# first, they run while the other worker works through the short ones. A test missing from this
# list only runs in its usual place; the list is an order, not a selection.
SLOW_FIRST = (
    # xdist_group units, each run by one worker one test after another: wheel_install (about 50 s,
    # its wheel built and installed once) and reliability (about 45 s). pytest-xdist hands out every
    # group before the single tests anyway, the group with the most tests first.
    "tests/test_wheel_install.py::",
    "tests/reliability/",
    "tests/browser/test_spcp_day.py::test_a_forty_person_spcp_day_runs_end_to_end_on_every_screen",  # 101
    "tests/browser/test_workshop_day.py::test_workshop_day",  # 47
    "tests/browser/test_closing_followup.py::test_every_phone_gets_the_closing_card_with_the_report_without_names",
    "tests/test_rehearse.py::test_a_whole_spcp_day_plays_to_closed_with_nothing_lost",  # 28
    "tests/browser/test_workspace.py::test_an_organisers_first_morning",  # 2 x 24
    "tests/browser/test_election_screens.py::test_election_screens_with_seven_sectors",  # 2 x 23
    "tests/browser/test_election_screens.py::test_the_sectors_elect_their_council_on_phones_a_tie_goes_to_a_second",
    "tests/test_bench.py::test_small_bench_loses_nothing_and_duplicates_nothing",  # 19
    "tests/browser/test_workspace.py::test_an_organiser_edits_languages_rooms_and_agenda_before_the_day",  # 2 x 18
    "tests/test_export_isolation.py::test_a_projector_syncs_at_once_while_pdf_reports_render",  # 17
    "tests/security/test_fuzz.py::test_hostile_commands_never_break_the_day",  # 16, 7
    "tests/browser/test_privacy.py::test_the_organiser_erases_personal_data_after_the_day",  # 4 x 15
    "tests/test_rehearse.py::test_a_short_day_plays_to_closed_with_nothing_lost",  # 16
    "tests/browser/test_council_after.py::test_a_co_chair_schedules_a_meeting_and_the_progress_page_shows_it",
    "tests/browser/test_console_after.py::test_the_organiser_schedules_a_meeting_and_sets_a_due_date_in_the",
    "tests/browser/test_closing_followup.py::test_a_followup_pulse_answered_on_a_phone_in_persian_and_the_trend",
    "tests/browser/test_pulse_screens.py::test_the_start_pulse_asked_answered_on_phones_closed_and_shown",
    "tests/browser/test_pulse_screens.py::test_pulse_screenshots",
    "tests/browser/test_moderation_screens.py::test_phone_objects_and_the_facilitator_keeps_the_merge",
    "tests/test_purge.py::test_purge_erases_personal_data_and_every_export_keeps_the_content_without_names",
    "tests/browser/test_projector_paging.py::test_every_plenary_item_with_its_solution_and_room_is_shown_on_some",
    "tests/test_connections.py::test_a_server_answers_beyond_1024_open_connections",  # 12
    "tests/test_full_day.py::test_full_day",  # 11, 8
)


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own (it marks each test of a group) and the groups' conftests
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, the tests of SLOW_FIRST first (in its order), every other test after them in
    its usual order. Without workers (-p no:xdist) the order stays the files' order: a module's tests
    stay together, so its module-scoped fixtures are made once."""
    if not hasattr(config, "workerinput"):
        return
    _check_groups(config, items)
    def rank(item):
        return next((i for i, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)), len(SLOW_FIRST))
    items.sort(key=rank)  # stable: the same order on every xdist worker, which xdist checks


def _check_groups(config, items):
    """--dist loadgroup sends an xdist_group to one worker only if pytest-xdist could add the group's
    name to each of its tests' IDs ("...::test@wheel_install"), which it reads back to schedule them.
    With pytest 9.2 and pytest-xdist 3.8 it cannot (xdist issue #1386): the groups were silently
    spread over the workers, the reliability tests ran on two at once and each worker built and
    installed the wheel. Each test of such a group fails instead, saying why (pytest_runtest_setup)."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid[item.nodeid.rfind("]") + 1:]:
            item.stash[_GROUP_LOST] = True


_GROUP_LOST = pytest.StashKey[bool]()


def pytest_runtest_setup(item):
    if item.stash.get(_GROUP_LOST, False):
        pytest.fail("--dist loadgroup did not take: pytest-xdist could not add this test's xdist_group to its "
                    "ID, so the group's tests are spread over the workers; this pytest-xdist does not work with "
                    "this pytest (see pyproject.toml)", pytrace=False)


def _pg_admin():
    import pg8000.native
    return pg8000.native.Connection(PG_USER, host=PG_HOST, port=PG_PORT, database="postgres", timeout=5)


@contextlib.contextmanager
def _pg_database(prefix: str, *settings: str):
    """A new PostgreSQL database (its URL, with the driver the server picks: psycopg), dropped after.
    No server here: the test fails in CI and is skipped elsewhere. `settings`: ALTER DATABASE ... SET."""
    try:
        admin = _pg_admin()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but not reachable at {PG_HOST}:{PG_PORT}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {exc}")
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin.run(f"CREATE DATABASE {name}")
    for setting in settings:
        admin.run(f"ALTER DATABASE {name} SET {setting}")
    admin.close()
    yield f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    admin = _pg_admin()
    admin.run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    admin.run(f"DROP DATABASE IF EXISTS {name}")
    admin.close()


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    # A throwaway database: a commit need not wait for its WAL to reach the disk (what a test sees,
    # and what another connection sees, is the same; only a crash of the PostgreSQL server could
    # lose the last commits, and no test here crashes this server). Saves a disk flush per command.
    with _pg_database("cg_test", "synchronous_commit = off") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):
    """A database with nothing in it, made for this test alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with _pg_database("cg_mig") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory):
    """A SQLite file that create_app has migrated from empty (AUTO_MIGRATE), once per test process;
    each SQLite test gets its own copy (db_url). Migrating a new file for each test cost about 0.5 s
    of CPU, a thousand times a run; the copy costs a few milliseconds and holds the same schema.
    Migrations from empty are still run on their own: here, and in tests/test_migrations.py."""
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    make_app(f"sqlite:///{path}").extensions["common_ground_db"].dispose()
    return path


def _copy_sqlite(src, dst):
    # SQLite's backup API: a consistent copy whatever is still in the write-ahead log.
    with contextlib.closing(sqlite3.connect(src)) as source, contextlib.closing(sqlite3.connect(dst)) as target:
        source.backup(target)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        _copy_sqlite(request.getfixturevalue("sqlite_migrated"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@contextlib.contextmanager
def orm_loads(*models):
    """The names of the ORM objects of `models` loaded from the database while inside: a read that must not
    build them (an identity-map check can pass only because the object was already collected)."""
    from sqlalchemy import event
    loaded: list[str] = []

    def on_load(target, _context):
        loaded.append(type(target).__name__)
    for model in models:
        event.listen(model, "load", on_load)
    try:
        yield loaded
    finally:
        for model in models:
            event.remove(model, "load", on_load)


def make_app(url: str, **config):
    # Tests play a day far faster than people can, so the abuse limits
    # (server/ratelimit.py) are off here; tests/security turns them on.
    return create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading", "REDIS_URL": None,
                       "TESTING": True, "AUTO_MIGRATE": True, "PUBLIC_URL": "http://testserver",
                       "RATE_LIMITING": False, **config})


@pytest.fixture
def app(db_url):
    app = make_app(db_url)
    yield app
    app.extensions["common_ground_db"].dispose()


_cids = itertools.count(1)


def events_in(name: str, args: list) -> list[dict]:
    """The events a Socket.IO message carries: `event` one, `events` a list of them (docs/protocol.md)."""
    if name == "event":
        return list(args)
    if name == "events":
        return [ev for batch in args for ev in batch]
    return []


class Client:
    """One connected screen: a phone, a tablet, the organiser or the projector."""

    def __init__(self, app, token: str, role: str, **info):
        self.app, self.token, self.role = app, token, role
        self.participant_id = info.get("participant_id")
        self.room_id = info.get("room_id")
        self.sio = socketio.test_client(app, auth={"token": token})
        assert self.sio.is_connected(), f"{role} could not connect"
        self._received: list[dict] = []

    def send(self, name: str, cid: str | None = None, **payload) -> dict:
        payload = {"cid": cid or f"c{next(_cids)}", **payload}
        return self.sio.emit(name, payload, callback=True)

    def ok(self, name: str, **payload) -> dict:
        ack = self.send(name, **payload)
        assert ack["ok"], f"{self.role} {name} refused: {ack}"
        return ack["result"]

    def refused(self, name: str, code: str, **payload) -> dict:
        ack = self.send(name, **payload)
        assert not ack["ok"], f"{self.role} {name} was accepted, expected {code}: {ack}"
        assert ack["error"]["code"] == code, f"{self.role} {name}: expected {code}, got {ack['error']}"
        assert ack["error"]["message"]
        return ack["error"]

    def events(self) -> list[dict]:
        """Events received since the last call, in order."""
        out = []
        if self.sio.is_connected():
            received = self.sio.get_received()
        else:  # cut by the server: what arrived before the cut is still queued
            received, self.sio.queue = list(self.sio.queue), []
        for msg in received:
            out.extend(events_in(msg["name"], msg["args"]))
        return out

    def sync(self, since=None) -> dict:
        return self.sio.emit("sync", {"since": since}, callback=True)

    def snapshot(self) -> dict:
        ack = self.sync(None)
        assert ack["ok"] and ack["mode"] == "snapshot", ack
        return ack["state"]

    def disconnect(self):
        if self.sio.is_connected():
            self.sio.disconnect()


class Day:
    """Actions that read like the day: create, join, connect, act."""

    def __init__(self, app):
        self.app = app
        self.db = app.extensions["common_ground_db"]
        self.http = app.test_client()
        self.clients: list[Client] = []
        self.created = None

    def create(self, rooms: int = 2, vote_budget: int = 3, languages=("en", "es", "fa"), title="Trust workshop",
               live_tallies: bool = True, **more):
        # Live tallies here (most tests watch counts move); tests of hidden tallies, the product's
        # default, pass live_tallies=False (tests/test_voting_visibility.py). `more`: create_workshop's
        # other settings (agenda, sectors, sector_preset).
        self.created = create_workshop(self.db, title=title, rooms=rooms, vote_budget=vote_budget,
                                       languages=list(languages), live_tallies=live_tallies, **more)
        return self.created

    @property
    def workshop_id(self):
        return self.created["workshop_id"]

    @property
    def room_ids(self) -> list[int]:
        return [f["room_id"] for f in self.created["facilitators"]]

    def _client(self, token, role, **info) -> Client:
        c = Client(self.app, token, role, **info)
        self.clients.append(c)
        return c

    def organiser(self) -> Client:
        return self._client(self.created["organiser_token"], "organiser")

    def display(self) -> Client:
        return self._client(self.created["display_token"], "display")

    def facilitator(self, room_index: int = 0) -> Client:
        f = self.created["facilitators"][room_index]
        return self._client(f["token"], "facilitator", room_id=f["room_id"])

    def join_http(self, **body):
        body.setdefault("code", self.created["join_code"])
        body.setdefault("group", "community_member")
        body.setdefault("language", "en")
        return self.http.post("/api/join", json=body)

    def join(self, name=None, group="community_member", language="en", anonymous=True, connect=True):
        resp = self.join_http(name=name, group=group, language=language, anonymous=anonymous)
        assert resp.status_code == 200, resp.get_json()
        data = resp.get_json()
        if not connect:
            return data
        return self._client(data["token"], "participant", participant_id=data["participant_id"],
                            room_id=data["room_id"])

    def drain(self):
        for c in self.clients:
            c.events()

    def close(self):
        for c in self.clients:
            c.disconnect()


@pytest.fixture
def day(app):
    d = Day(app)
    d.create()
    yield d
    d.close()


@pytest.fixture
def board(day):
    """The day's workshop as a `Board` (tests/board.py): people placed, phases walked, refusals checked."""
    return Board(day)
