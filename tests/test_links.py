"""Re-issuing the organiser's and the projector's links (server/domain/links.py).

Only a token's hash is stored, so a lost link is re-issued, never printed again: the new
token is in the ack only, the old one stops at once (refused at connect, at the next command
or sync of a connection still open with it) and its open connections are cut.
"""
from __future__ import annotations

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
