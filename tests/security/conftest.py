"""Shared pieces of the security tests (docs/security.md): a two-room workshop
with a victim and attackers in every role, and "nothing changed" checks.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.domain.workshops import create_workshop
from server.models import Event

from ..board import Board, table_counts


def event_count(db, workshop_id: str) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Event).where(Event.workshop_id == workshop_id))


class Scene:
    """Room A holds the victim's data; every attacker role is connected.

    organiser, facilitator (room A), other_facilitator (room B), participant
    (room A, not the author), other_participant (room B), author (the victim,
    room A), display, other_organiser (another workshop), no_token.
    """

    def __init__(self, day):
        self.day = day
        self.b = Board(day)
        self.db = day.db
        self.A, self.B = self.b.room, self.b.room_b
        self.author = self.b.person(0, name="Victoria Victim", anonymous=True)
        self.participant = self.b.person(0, name="Alex Attacker", anonymous=False)
        self.other_participant = self.b.person(1, name="Olga Other", anonymous=False)
        other = create_workshop(self.db, title="Somebody else's workshop", rooms=2)
        self.other_created = other
        self.other_organiser = day._client(other["organiser_token"], "organiser")
        self.clients = {
            "organiser": self.b.org, "facilitator": self.b.fac, "other_facilitator": self.b.fac_b,
            "participant": self.participant, "other_participant": self.other_participant,
            "author": self.author, "display": self.b.display, "other_organiser": self.other_organiser,
        }

    @property
    def org(self):
        return self.b.org

    @property
    def fac(self):
        return self.b.fac

    def phase(self, phase: str, *rooms: int) -> None:
        for i in rooms or (0, 1):
            self.b.phase(phase, i)

    def post(self, text: str, who=None, **kw) -> int:
        return (who or self.author).ok("barrier_post", text=text, **kw)["barrier"]["id"]

    def propose(self, barrier_id: int, text: str, who=None, **kw) -> int:
        return (who or self.author).ok("solution_post", barrier_id=barrier_id, text=text, **kw)["solution"]["id"]

    # -- what the victim has -------------------------------------------------
    def victim_view(self) -> dict:
        """The victim workshop as its organiser, room A's facilitator and the author see it, and its log."""
        return {"organiser": self.org.snapshot(), "facilitator": self.fac.snapshot(),
                "author": self.author.snapshot(), "events": event_count(self.db, self.day.workshop_id)}

    def everything(self) -> dict:
        return {**self.victim_view(), "rows": table_counts(self.db)}

    def drain(self):
        self.day.drain()


@pytest.fixture
def scene(day):
    return Scene(day)
