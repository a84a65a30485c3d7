"""Re-issuing the organiser's and the projector's links (server/domain/links.py).

Only a token's hash is stored, so a lost link is re-issued, never printed again: the new
token is in the ack only, the old one stops at once (refused at connect, at the next command
or sync of a connection still open with it) and its open connections are cut.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from server.domain import auth, dispatch
from server.domain.errors import CommandError
from server.extensions import socketio
from server.models import AuditEntry, CommandRecord, Event, Workshop

from .board import Board


@pytest.fixture
def board(day):
    return Board(day)


def stored(db) -> str:
    with db.reading() as s:
        return repr([list(s.scalars(select(Event.data))), list(s.scalars(select(CommandRecord.result))),
                     list(s.scalars(select(AuditEntry.detail))), list(s.scalars(select(Workshop.display_token_hash)))])


def connects(app, token: str) -> bool:
    return socketio.test_client(app, auth={"token": token}).is_connected()


def test_display_link_renew_cuts_the_projector_and_gives_a_new_link(board):
    old = board.day.created["display_token"]
    other_console = board.day.organiser()
    board.day.drain()
    renewed = board.org.ok("display_link_renew")
    token = renewed["token"]
    assert renewed["link"] == "display" and len(token) >= 32 and token != old
    # The projector is told, then cut; consoles hear a notice; phones and tablets hear nothing.
    assert [e["type"] for e in board.display.events()] == ["access_ended"]
    assert not board.display.sio.is_connected()
    assert [(e["type"], e["data"]) for e in other_console.events()] == [("link_renewed", {"link": "display"})]
    assert board.fac.events() == [] and board.fac.sio.is_connected() and board.org.sio.is_connected()
    assert not connects(board.day.app, old)
    fresh = board.day._client(token, "display")
    assert fresh.snapshot()["me"]["role"] == "display"
    assert token not in stored(board.db)
    # Re-issued again: the fresh projector is cut too, the console that asked stays.
    board.org.ok("display_link_renew")
    assert not fresh.sio.is_connected() and board.org.sio.is_connected()


def test_display_link_renew_refusals(board):
    board.refuse(board.fac, "display_link_renew", "forbidden")
    board.refuse(board.display, "display_link_renew", "forbidden")
    board.refuse(board.person(0), "display_link_renew", "forbidden")
    board.refuse(board.org, "display_link_renew", "invalid", surprise=1)
    assert connects(board.day.app, board.day.created["display_token"])


def as_cli(board) -> auth.Principal:
    """The server's own caller (`common-ground links --reissue`): no link of its own."""
    return auth.Principal("organiser", board.day.workshop_id)


def test_organiser_link_renew_cuts_every_console_opened_with_the_old_link(board):
    old = board.day.created["organiser_token"]
    second = board.day.organiser()
    board.day.drain()
    outcome = dispatch(board.db, as_cli(board), "organiser_link_renew", {"cid": "cli-1"})
    token = outcome.result["token"]
    assert outcome.result["link"] == "organiser" and token != old
    for console in (board.org, second):
        assert [e["type"] for e in console.events()] == ["access_ended"]
        assert not console.sio.is_connected()
    assert board.display.sio.is_connected() and board.fac.sio.is_connected()
    assert not connects(board.day.app, old)
    fresh = board.day._client(token, "organiser")
    state = fresh.snapshot()
    # A console opened with the new link does not inherit the old link's end.
    assert state["me"]["role"] == "organiser" and "ended" not in state["me"]
    fresh.ok("workshop_pause", message="Break")
    assert token not in stored(board.db)


def test_organiser_link_renew_refusals(board):
    # Over a socket the console would cut itself off before its ack, and a leaked link could lock the
    # organiser out: only the server's own caller (the CLI) re-issues the organiser link.
    err = board.refuse(board.org, "organiser_link_renew", "forbidden")
    assert "--reissue organiser" in err["message"]
    board.refuse(board.fac, "organiser_link_renew", "forbidden")
    board.refuse(board.display, "organiser_link_renew", "forbidden")
    board.refuse(board.org, "organiser_link_renew", "invalid", surprise=1)
    assert connects(board.day.app, board.day.created["organiser_token"])


def test_a_connection_left_open_with_an_old_link_is_refused_at_its_next_command(board):
    """Without a message queue the CLI cannot cut the server's connections: the old key is refused at once."""
    with board.db.reading() as s:
        old_organiser = auth.resolve(s, board.day.created["organiser_token"])
        old_display = auth.resolve(s, board.day.created["display_token"])
    dispatch(board.db, as_cli(board), "organiser_link_renew", {"cid": "cli-1"})
    dispatch(board.db, as_cli(board), "display_link_renew", {"cid": "cli-2"})
    with pytest.raises(CommandError) as err:
        dispatch(board.db, old_organiser, "workshop_pause", {"cid": "late-1", "message": ""})
    assert err.value.code == "unauthorized" and "re-issued" in err.value.message
    with board.db.reading() as s, pytest.raises(CommandError) as err:
        auth.refresh(s, old_display)
    assert err.value.code == "unauthorized"


# -- `common-ground links` and `serve`: every link, at the address phones can reach -----------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    from server import config

    from .test_lan_address import FakeSocket
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    for name in ("REDIS_URL", "PUBLIC_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    FakeSocket.source, FakeSocket.connected_to = "192.168.1.23", []
    monkeypatch.setattr(config.socket, "socket", FakeSocket)
    return url


def cli_json(capsys, *argv) -> dict:
    from server import cli
    assert cli.main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_links_use_the_lan_address_and_the_servers_port(cli_env, capsys, monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    made = cli_json(capsys, "workshop", "create", "--title", "T", "--rooms", "2", "--json")
    assert made["participant_url"] == f"http://192.168.1.23:5123/j/{made['join_code']}"
    out = cli_json(capsys, "links", made["workshop_id"], "--json")
    assert out["participant_url"] == f"http://192.168.1.23:5123/j/{made['join_code']}"
    assert out["progress_url"].startswith("http://192.168.1.23:5123/progress/")
    assert cli_json(capsys, "links", made["workshop_id"], "--port", "8080", "--json")["base_url"] == \
        "http://192.168.1.23:8080"
    monkeypatch.setenv("PUBLIC_URL", "https://cg.example.org/")
    assert cli_json(capsys, "links", made["workshop_id"], "--json")["base_url"] == "https://cg.example.org"


def test_links_reissue_prints_every_link_and_the_old_ones_stop(cli_env, capsys):
    from .conftest import make_app
    made = cli_json(capsys, "workshop", "create", "--title", "T", "--rooms", "2", "--json")
    plain = cli_json(capsys, "links", made["workshop_id"], "--json")
    assert not {"organiser_url", "display_url", "facilitator_urls"} & set(plain)
    out = cli_json(capsys, "links", made["workshop_id"], "--reissue", "all", "--json")
    base = "http://192.168.1.23:5000"
    assert out["organiser_url"].startswith(f"{base}/o#") and out["display_url"].startswith(f"{base}/d#")
    assert [f["room_id"] for f in out["facilitator_urls"]] == [r["room_id"] for r in made["rooms"]]
    assert all(f["url"].startswith(f"{base}/f#") for f in out["facilitator_urls"])
    app = make_app(cli_env)
    try:
        for old in [made["organiser_url"], made["display_url"], *made["facilitator_urls"]]:
            assert not connects(app, old.split("#", 1)[1]), old
        for new in [out["organiser_url"], out["display_url"], *(f["url"] for f in out["facilitator_urls"])]:
            assert connects(app, new.split("#", 1)[1]), new
    finally:
        app.extensions["common_ground_db"].dispose()
    # Only the projector: the organiser link printed just now still works.
    again = cli_json(capsys, "links", made["workshop_id"], "--reissue", "display", "--json")
    assert set(again) >= {"display_url"} and "organiser_url" not in again


def test_links_text_says_how_to_get_the_links_it_cannot_print(cli_env, capsys):
    from server import cli
    made = cli_json(capsys, "workshop", "create", "--title", "T", "--rooms", "1", "--json")
    assert cli.main(["links", made["workshop_id"]]) == 0
    text = capsys.readouterr().out
    assert "--reissue" in text and "cannot be printed again" in text
    assert cli.main(["links", made["workshop_id"], "--reissue", "organiser"]) == 0
    text = capsys.readouterr().out
    assert "Organiser:        http://192.168.1.23:5000/o#" in text


def test_links_reissue_refusals(cli_env, capsys):
    from server import cli
    assert cli.main(["links", "nosuchworkshop", "--reissue", "all", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "not_found"
    with pytest.raises(SystemExit):
        cli.main(["links", "x", "--reissue", "everything"])


def test_serve_knows_its_public_address_from_the_start(cli_env, capsys, monkeypatch):
    """`serve` puts the detected address in the app's PUBLIC_URL and prints it (not 127.0.0.1)."""
    from server import cli
    from server.extensions import socketio as sio
    seen = {}
    monkeypatch.setattr(cli, "tune_gc", lambda *_: None)
    monkeypatch.setattr(sio, "run", lambda app, **kw: seen.update(url=app.config["PUBLIC_URL"], **kw))
    assert cli.serve("0.0.0.0", 5123) == 0  # noqa: S104
    assert seen["url"] == "http://192.168.1.23:5123" and seen["port"] == 5123
    assert "Open http://192.168.1.23:5123/" in capsys.readouterr().out
    monkeypatch.setenv("PUBLIC_URL", "https://cg.example.org")
    cli.serve("0.0.0.0", 5123)  # noqa: S104
    assert seen["url"] == "https://cg.example.org"
