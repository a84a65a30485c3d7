"""The JSON archive (server/reports/archive.py): export a played day, import it on this server
and on another one, and get the same workshop; every bad archive is refused and changes nothing."""
from __future__ import annotations

import copy
import json

import pytest

from server import cli
from server.extensions import socketio
from server.reports import archive, export

from .board import table_counts, vote_rooms
from .conftest import Day, make_app
from .report_day import play


def snapshot_of(app, token: str) -> dict:
    client = socketio.test_client(app, auth={"token": token})
    assert client.is_connected()
    ack = client.emit("sync", {"since": None}, callback=True)
    client.disconnect()
    assert ack["ok"] and ack["mode"] == "snapshot", ack
    return ack["state"]


def normalise(state: dict, ids_from: dict | None = None) -> dict:
    """Replace every database id by its rank within its kind, the same way in any snapshot.

    Ranks come from `ids_from` (the organiser's snapshot of the same workshop, which sees every
    item) so a projector's snapshot, which has no barriers, is normalised consistently."""
    s = copy.deepcopy(state)
    ref = ids_from or state
    ranks = {}
    for kind, coll in (("room", "rooms"), ("participant", "participants"), ("barrier", "barriers"),
                       ("solution", "solutions"), ("plenary", "plenary"), ("plan", "plan")):
        ranks[kind] = {int(k): n for n, k in enumerate(sorted(ref.get(coll, {}), key=int), 1)}

    def r(kind, value):
        if value is None:
            return None
        return f"{kind}#{ranks[kind].get(int(value), '?' + str(value))}"

    def rekey(coll, kind):
        return {r(kind, k): v for k, v in s.get(coll, {}).items()}

    for v in s["rooms"].values():
        v["id"] = r("room", v["id"])
    for v in s["participants"].values():
        v["id"], v["room_id"] = r("participant", v["id"]), r("room", v["room_id"])
    for v in s["barriers"].values():
        v.update(id=r("barrier", v["id"]), room_id=r("room", v["room_id"]), merged_into=r("barrier", v["merged_into"]),
                 members=[r("barrier", m) for m in v["members"]])
    for v in s["solutions"].values():
        v.update(id=r("solution", v["id"]), room_id=r("room", v["room_id"]), barrier_id=r("barrier", v["barrier_id"]))
    for v in s["plenary"].values():
        v.update(id=r("plenary", v["id"]), room_id=r("room", v["room_id"]), barrier_id=r("barrier", v["barrier_id"]),
                 solutions=[{**x, "id": r("solution", x["id"])} for x in v["solutions"]])
    for v in s["plan"].values():
        v.update(id=r("plan", v["id"]), plenary_item_id=r("plenary", v["plenary_item_id"]))
        if "room_id" in v:  # a solution room's draft (docs/agenda.md)
            v["room_id"] = r("room", v["room_id"])
    for v in s["council"].values():
        v["participant_id"] = r("participant", v["participant_id"])
    for v in s.get("volunteers", {}).values():
        v["participant_id"] = r("participant", v["participant_id"])
    for v in s.get("stats", {}).values():
        v["room_id"] = r("room", v["room_id"])
    for v in s.get("help", {}).values():
        v["room_id"] = r("room", v["room_id"])
    for coll, kind in (("rooms", "room"), ("participants", "participant"), ("barriers", "barrier"),
                       ("solutions", "solution"), ("plenary", "plenary"), ("plan", "plan"),
                       ("council", "participant"), ("volunteers", "participant"), ("stats", "room"),
                       ("help", "room"), ("vote_progress", "room")):
        if coll in s:
            s[coll] = rekey(coll, kind)
    s["workshop"] = {**s["workshop"], "id": "W", "join_code": "CODE"}
    return s


@pytest.fixture
def played(app):
    day = Day(app)
    info = play(day)
    yield day, info
    day.close()


def _import(db, raw: bytes) -> dict:
    with db.transaction() as session:
        return archive.load(session, archive.parse(raw))


def test_archive_round_trip_gives_the_same_workshop_here_and_on_another_server(played, tmp_path):
    day, info = played
    raw = export(day.db, info.workshop_id, "json").data
    data = json.loads(raw)
    assert data["format"] == "common-ground-archive" and data["version"] == archive.VERSION
    def both(app, made) -> dict:
        org = snapshot_of(app, made["organiser_token"])
        return {"organiser": normalise(org), "display": normalise(snapshot_of(app, made["display_token"]), org)}

    want = both(day.app, info.created)
    assert len(want["organiser"]["barriers"]) > 10 and want["organiser"]["plan"] and want["organiser"]["council"]

    # The same server: a second, separate workshop with new ids, a new join code and new links.
    made = _import(day.db, raw)
    # every dot knows its item's room (the room counts read it: stats.room_dots)
    dots = vote_rooms(day.db, made["workshop_id"])
    assert dots and all(room == item_room for room, item_room in dots.values()), dots
    assert made["workshop_id"] != info.workshop_id and made["join_code"] != info.created["join_code"]
    got = both(day.app, made)
    for role in ("organiser", "display"):
        assert got[role] == want[role], role
    assert len(made["facilitators"]) == 2

    # Another server (a fresh SQLite database): the join code is free there, so it is kept.
    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        made2 = _import(other.extensions["common_ground_db"], raw)
        assert made2["join_code"] == info.created["join_code"]
        got = both(other, made2)
        for role in ("organiser", "display"):
            assert got[role] == want[role], role
        # A re-export of the imported workshop is the same archive (keys, not ids).
        again = json.loads(export(other.extensions["common_ground_db"], made2["workshop_id"], "json").data)
        assert {**again, "exported_at": None} == {**data, "exported_at": None}
    finally:
        other.extensions["common_ground_db"].dispose()


@pytest.fixture
def cli_db(app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    return app.extensions["common_ground_db"]


def small_archive(app) -> bytes:
    """A quick workshop with a post and a vote: enough for the import refusals."""
    day = Day(app)
    day.create(rooms=1)
    p = day.join(name="Ana", anonymous=False)
    fac = day.facilitator(0)
    fac.ok("phase_advance", from_phase="lobby")
    bid = p.ok("barrier_post", text="Nobody explains the stops")["barrier"]["id"]
    fac.ok("phase_advance", from_phase="brainstorm")
    fac.ok("phase_advance", from_phase="reveal")
    p.ok("vote_cast", target_type="barrier", target_id=bid)
    raw = export(day.db, day.workshop_id, "json").data
    day.close()
    return raw


def test_cli_import_prints_new_links_that_work(app, cli_db, tmp_path, capsys):
    path = tmp_path / "day.json"
    path.write_bytes(small_archive(app))
    assert cli.main(["import", str(path), "--json", "--base-url", "https://cg.example.org"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["organiser_url"].startswith("https://cg.example.org/o#")
    state = snapshot_of(app, out["organiser_url"].split("#", 1)[1])
    assert state["workshop"]["id"] == out["workshop_id"]
    assert [b["text"] for b in state["barriers"].values()] == ["Nobody explains the stops"]
    assert [b["author_name"] for b in state["barriers"].values()] == ["Ana"]
    assert len(out["facilitator_urls"]) == 1
    facilitator = snapshot_of(app, out["facilitator_urls"][0].split("#", 1)[1])
    assert facilitator["me"]["role"] == "facilitator"
    assert cli.main(["import", str(path)]) == 0
    human = capsys.readouterr().out
    assert "Workshop imported" in human and "/o#" in human and "new links" in human


def _broken(raw: bytes, how: str) -> bytes:
    if how == "not json":
        return raw[: len(raw) // 2]
    if how == "not utf-8":
        return b"\xff\xfe" + raw
    data = json.loads(raw)
    if how == "wrong format":
        data["format"] = "something-else"
    elif how == "wrong version":
        data["version"] = 99
    elif how == "dangling reference":
        data["votes"][0]["target"] = "b999"
    elif how == "unknown group":
        data["participants"][0]["group"] = "mayor"
    elif how == "duplicate vote":
        data["votes"].append({**data["votes"][0], "key": "v99"})
    elif how == "bad date":
        data["barriers"][0]["created_at"] = "yesterday"
    elif how == "missing workshop":
        del data["workshop"]
    elif how == "a list instead of rooms":
        data["rooms"] = {"r1": 1}
    return json.dumps(data).encode()


@pytest.mark.parametrize("how, message", [
    ("not json", "not valid json"), ("not utf-8", "not valid json"), ("wrong format", "not a common ground archive"),
    ("wrong version", "version 99"), ("dangling reference", "b999"), ("unknown group", "unknown group"),
    ("duplicate vote", "inconsistent"), ("bad date", "not an iso 8601"), ("missing workshop", "workshop"),
    ("a list instead of rooms", "rooms: expected a list"),
])
def test_cli_import_refuses_a_bad_archive_and_changes_nothing(app, cli_db, tmp_path, capsys, how, message):
    path = tmp_path / "bad.json"
    path.write_bytes(_broken(small_archive(app), how))
    before = table_counts(cli_db)
    assert cli.main(["import", str(path), "--json"]) == 2
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False and body["error"]["code"] == "invalid_archive"
    assert message in body["error"]["message"].lower(), body
    assert table_counts(cli_db) == before
    assert cli.main(["import", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "invalid_archive" in captured.err


def test_cli_import_of_a_missing_file(cli_db, tmp_path, capsys):
    assert cli.main(["import", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err.lower()


# -- the workshop's sectors ------------------------------------------------------------------

def spcp_archive(app) -> tuple[bytes, dict]:
    """A workshop with the SPCP sectors, people of three of them, and a post: its archive and its sectors."""
    from server.domain.workshops import create_workshop

    day = Day(app)
    day.created = create_workshop(day.db, title="SPCP day", rooms=1, languages=["en", "es", "fa"],
                                  sector_preset="spcp")
    fac = day.facilitator(0)
    people = [day.join(name=n, group=g, anonymous=False) for n, g in
              (("Ana", "faith"), ("Bo", "law_enforcement"), ("Cyrus", "new_americans"))]
    fac.ok("phase_advance", from_phase="lobby")
    people[0].ok("barrier_post", text="Nobody explains the stops")
    raw = export(day.db, day.workshop_id, "json").data
    sectors = day.created["sectors"]
    day.close()
    return raw, sectors


def test_archive_keeps_the_workshops_own_sectors(app):
    """An SPCP day's archive holds its seven sectors and imports with them (it was refused before:
    a participant of `faith` was not one of the four groups, and the sectors were not archived)."""
    raw, sectors = spcp_archive(app)
    data = json.loads(raw)
    assert data["workshop"]["sectors"] == sectors and [s["key"] for s in sectors][:2] == ["faith", "youth"]
    made = _import(app.extensions["common_ground_db"], raw)
    assert made["sectors"] == sectors
    state = snapshot_of(app, made["organiser_token"])
    assert state["sectors"] == sectors
    assert sorted(p["group"] for p in state["participants"].values()) == ["faith", "law_enforcement", "new_americans"]
    again = json.loads(export(app.extensions["common_ground_db"], made["workshop_id"], "json").data)
    for d in (again, data):  # the same server: the imported workshop has a join code of its own
        d.update(exported_at=None, workshop={**d["workshop"], "join_code": None})
    assert again == data


def test_an_archive_without_sectors_imports_with_the_four_groups(app):
    """An archive written before sectors were archived: its people are of the four groups."""
    from server.domain import sectors as sc

    data = json.loads(small_archive(app))
    del data["workshop"]["sectors"]
    made = _import(app.extensions["common_ground_db"], json.dumps(data).encode())
    assert made["sectors"] == sc.preset("groups", made["languages"])
    assert snapshot_of(app, made["organiser_token"])["sectors"] == made["sectors"]


@pytest.mark.parametrize("how, message", [
    ("a person of no sector", "unknown group 'civil_rights'"),
    ("a sector without its key", "each with its key"),
    ("a sector without a side", "sectors.0.side"),
    ("a sector with a name missing", "missing: fa"),
    ("two sectors with one key", "key"),
])
def test_import_refuses_bad_sectors_and_changes_nothing(app, how, message):
    raw, _ = spcp_archive(app)
    data = json.loads(raw)
    sectors = data["workshop"]["sectors"]
    if how == "a person of no sector":
        data["workshop"]["sectors"] = [s for s in sectors if s["key"] != "civil_rights"]
        data["participants"][0]["group"] = "civil_rights"
    elif how == "a sector without its key":
        del sectors[0]["key"]
    elif how == "a sector without a side":
        del sectors[0]["side"]
    elif how == "a sector with a name missing":
        del sectors[1]["names"]["fa"]
    else:
        sectors[1]["key"] = sectors[0]["key"]
    db = app.extensions["common_ground_db"]
    before = table_counts(db)
    with pytest.raises(archive.ArchiveError) as err:
        _import(db, json.dumps(data).encode())
    assert message in err.value.message, err.value.message
    assert table_counts(db) == before


# -- the agenda (docs/agenda.md) ---------------------------------------------------------------

@pytest.fixture
def spcp_played(app):
    from .agenda_day import play as play_spcp

    day = Day(app)
    info = play_spcp(day)
    yield day, info
    day.close()


_spcp_archives: dict[str, bytes] = {}


def spcp_archive_once(app) -> bytes:
    """The archive of an SPCP day, played once per backend (the refusals each change a copy of it)."""
    backend = app.config["DATABASE_URL"].split(":", 1)[0]
    if backend not in _spcp_archives:
        from .agenda_day import play as play_spcp

        day = Day(app)
        info = play_spcp(day)
        _spcp_archives[backend] = export(day.db, info.workshop_id, "json").data
        day.close()
    return _spcp_archives[backend]


def test_archive_round_trip_of_an_spcp_day(spcp_played, tmp_path):
    """The agenda, the caucus rooms' sectors, strengths, priorities and the solution rooms' drafts
    come back as they were, here and on another server."""
    day, info = spcp_played
    raw = export(day.db, info.workshop_id, "json").data
    data = json.loads(raw)
    w = data["workshop"]
    assert w["agenda"] == ["caucus", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"]
    assert w["segment"] == 5 and w["plenary_vote_closed"] is True and w["phase"] == "action_plan"
    assert w["prompts"]["strength"]["fa"] and w["prompts"]["questions"]["problem"]["en"]
    assert [s["key"] for s in w["sectors"]] == [s["key"] for s in info.created["sectors"]]
    assert {b["kind"] for b in data["barriers"]} == {"barrier", "strength"}
    assert sorted(i["priority"] for i in data["plenary"] if i["priority"]) == [1, 2, 3]
    drafts = [e for e in data["plan"] if e["room"]]
    assert len(drafts) == 3 and all(e["fields"]["problem"] for e in drafts)

    def both(app, made) -> dict:
        org = snapshot_of(app, made["organiser_token"])
        return {"organiser": normalise(org), "display": normalise(snapshot_of(app, made["display_token"]), org)}

    want = both(day.app, info.created)
    assert want["organiser"]["workshop"]["agenda"] == w["agenda"]
    made = _import(day.db, raw)
    got = both(day.app, made)
    for role in ("organiser", "display"):
        assert got[role] == want[role], role

    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        made2 = _import(other.extensions["common_ground_db"], raw)
        got = both(other, made2)
        for role in ("organiser", "display"):
            assert got[role] == want[role], role
        again = json.loads(export(other.extensions["common_ground_db"], made2["workshop_id"], "json").data)
        assert {**again, "exported_at": None} == {**data, "exported_at": None}
        # The report of the imported day is the day's report.
        mine = export(day.db, info.workshop_id, "md", lang="fa").data.decode("utf-8")
        theirs = export(other.extensions["common_ground_db"], made2["workshop_id"], "md", lang="fa").data.decode("utf-8")
        assert _no_clock(theirs) == _no_clock(mine)
    finally:
        other.extensions["common_ground_db"].dispose()


def _no_clock(md: str) -> str:
    """A report without the minute it was made."""
    import re
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", md)


AGENDA_KEYS = {"workshop": ("agenda", "segment", "plenary_vote_closed", "prompts", "sectors"), "rooms": ("sectors",),
               "barriers": ("kind",), "plenary": ("priority",), "plan": ("room",)}


def _as_version_1(data: dict) -> dict:
    """An archive as the version before the agenda wrote it."""
    data = copy.deepcopy(data)
    data["version"] = 1
    for name, keys in AGENDA_KEYS.items():
        for record in [data[name]] if name == "workshop" else data[name]:
            for k in keys:
                record.pop(k, None)
    return data


@pytest.mark.parametrize("phase, segment", [("breakouts", 0), ("plenary", 1), ("action_plan", 2), ("closed", 3)])
def test_an_archive_from_before_the_agenda_imports_as_a_short_day(app, phase, segment):
    from server.domain import sectors as sc

    old = _as_version_1(json.loads(small_archive(app)))
    old["workshop"]["phase"] = phase
    made = _import(app.extensions["common_ground_db"], json.dumps(old).encode())
    state = snapshot_of(app, made["organiser_token"])
    w = state["workshop"]
    assert (w["agenda"], w["segment"], w["phase"]) == (["breakout", "prioritise", "action_plan", "closing"], segment, phase)
    assert w["plenary_vote_closed"] is False and w["prompts"] == {}
    assert state["sectors"] == sc.preset("groups", made["languages"])
    assert [r["sectors"] for r in state["rooms"].values()] == [[]]
    assert [b["kind"] for b in state["barriers"].values()] == ["barrier"]


def test_a_version_1_archive_of_a_short_day_exports_again_as_version_2(app):
    old = _as_version_1(json.loads(small_archive(app)))
    made = _import(app.extensions["common_ground_db"], json.dumps(old).encode())
    again = json.loads(export(app.extensions["common_ground_db"], made["workshop_id"], "json").data)
    assert again["version"] == 2 and again["workshop"]["agenda"][0] == "breakout"
    assert again["barriers"][0]["kind"] == "barrier" and again["rooms"][0]["sectors"] == []


@pytest.mark.parametrize("how, message", [
    ("an agenda that does not close", "closing"),
    ("an unknown segment", "unknown segment"),
    ("a segment beyond the agenda", "workshop.segment"),
    ("a phase that is not its segment's", "workshop.phase"),
    ("an unknown prompt", "workshop.prompts.welcome"),
    ("a prompt too long", "workshop.prompts.strength"),
    ("a prompt in another language", "workshop.prompts.questions.problem"),
    ("an unknown kind of post", "unknown kind"),
    ("a room of no sector", "rooms[0].sectors"),
    ("a priority out of range", "priority: out of range"),
    ("a draft of no room", "r99"),
])
def test_import_refuses_a_bad_agenda_and_changes_nothing(app, how, message):
    data = json.loads(spcp_archive_once(app))
    w = data["workshop"]
    if how == "an agenda that does not close":
        w["agenda"] = w["agenda"][:-1]
    elif how == "an unknown segment":
        w["agenda"][1] = "picnic"
    elif how == "a segment beyond the agenda":
        w["segment"] = len(w["agenda"])
    elif how == "a phase that is not its segment's":
        w["phase"] = "plenary"
    elif how == "an unknown prompt":
        w["prompts"] = {"welcome": {"en": "Hello"}}
    elif how == "a prompt too long":
        w["prompts"] = {"strength": {"en": "x" * 1000}}
    elif how == "a prompt in another language":
        w["prompts"]["questions"]["problem"]["de"] = "Was ist das Problem?"
    elif how == "an unknown kind of post":
        data["barriers"][0]["kind"] = "complaint"
    elif how == "a room of no sector":
        data["rooms"][0]["sectors"] = ["pirates"]
    elif how == "a priority out of range":
        next(i for i in data["plenary"] if i["priority"])["priority"] = 0
    else:
        next(e for e in data["plan"] if e["room"])["room"] = "r99"
    db = app.extensions["common_ground_db"]
    before = table_counts(db)
    with pytest.raises(archive.ArchiveError) as err:
        _import(db, json.dumps(data).encode())
    assert message in err.value.message, err.value.message
    assert table_counts(db) == before
