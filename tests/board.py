"""A two-room workshop ready for command tests, and the checks they share.

`Board` puts people where a test needs them, walks rooms and the workshop
to a phase, and `refuse()` sends a command that must be refused and checks
that nothing changed: the organiser's whole snapshot (seq included), the
sender's own snapshot, and the row count of every table. tests/conftest.py
gives a test one as the `board` fixture.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from server.domain import rules
from server.models import Base, Room, Vote, Workshop


def types(client) -> list[str]:
    """The types of the events `client` received since it was last asked."""
    return [e["type"] for e in client.events()]


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def table_counts(db) -> dict[str, int]:
    tables = Base.metadata.sorted_tables
    query = select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))
    with db.reading() as s:
        return dict(s.execute(query).one()._mapping)


def vote_rooms(db, workshop_id: str | None = None) -> dict[int, tuple]:
    """Each dot's stored room_id beside its item's room (None for a plenary item's dot), of one
    workshop or of all."""
    from server.domain.stats import ROOM_ITEMS
    query = select(Vote.id, Vote.target_type, Vote.target_id, Vote.room_id)
    if workshop_id is not None:
        query = query.where(Vote.workshop_id == workshop_id)
    with db.reading() as s:
        rows = s.execute(query).all()
        rooms = {kind: dict(s.execute(select(model.id, model.room_id)).all()) for kind, model in ROOM_ITEMS.items()}
    return {vid: (room, rooms.get(kind, {}).get(target)) for vid, kind, target, room in rows}


class Board:
    def __init__(self, day):
        self.day = day
        self.db = day.db
        self.org = day.organiser()
        self.fac = day.facilitator(0)
        self.fac_b = day.facilitator(1)
        self.display = day.display()
        self.room, self.room_b = day.room_ids[:2]

    # -- people ------------------------------------------------------------
    def person(self, room_index: int = 0, name=None, group="community_member", language="en", anonymous=True):
        """A participant who joined over HTTP and sits in room `room_index` (moved there if needed)."""
        data = self.day.join(name=name, group=group, language=language, anonymous=anonymous, connect=False)
        target = self.day.room_ids[room_index]
        if data["room_id"] != target:
            self.org.ok("participant_move", participant_id=data["participant_id"], room_id=target)
        return self.day._client(data["token"], "participant", participant_id=data["participant_id"], room_id=target)

    # -- phases ------------------------------------------------------------
    def room_phase(self, room_id: int) -> str:
        with self.db.reading() as s:
            return s.get(Room, room_id).phase

    def phase(self, phase: str, room_index: int = 0) -> None:
        """Walk a room to `phase` with the organiser's commands."""
        room_id = self.day.room_ids[room_index]
        target = rules.ROOM_PHASES.index(phase)
        while (i := rules.ROOM_PHASES.index(now := self.room_phase(room_id))) != target:
            self.org.ok("phase_advance" if i < target else "phase_back", room_id=room_id, from_phase=now)

    def workshop_phase(self, phase: str) -> None:
        target = rules.WORKSHOP_PHASES.index(phase)
        while True:
            with self.db.reading() as s:
                i = rules.WORKSHOP_PHASES.index(s.get(Workshop, self.day.workshop_id).phase)
            if i == target:
                return
            self.org.ok("workshop_advance" if i < target else "workshop_back")

    # -- posting -------------------------------------------------------------
    @staticmethod
    def post(who, text: str, **kw) -> int:
        return who.ok("barrier_post", text=text, **kw)["barrier"]["id"]

    @staticmethod
    def propose(who, barrier_id: int, text: str, **kw) -> int:
        return who.ok("solution_post", barrier_id=barrier_id, text=text, **kw)["solution"]["id"]

    # -- refusals ----------------------------------------------------------
    def observe(self, sender) -> dict:
        seen = {"organiser": self.org.snapshot(), "rows": table_counts(self.db)}
        if sender.role in ("participant", "facilitator"):
            ack = sender.sync(None)
            seen["sender"] = ack["state"] if ack["ok"] else ack["error"]["code"]
        return seen

    def refuse(self, sender, name: str, code: str, **payload) -> dict:
        """`sender` sends `name`; it must be refused with `code` and change nothing at all."""
        before = self.observe(sender)
        err = sender.refused(name, code, **payload)
        after = self.observe(sender)
        assert after == before, f"{sender.role} {name} was refused ({code}) but something changed"
        return err

    # -- votes -----------------------------------------------------------------
    def stored_votes(self) -> dict[int, list[str]]:
        """participant id -> sorted 'type:id' keys, straight from the votes table."""
        out: dict[int, list[str]] = {}
        with self.db.reading() as s:
            for pid, t, i in s.execute(select(Vote.participant_id, Vote.target_type, Vote.target_id).where(
                    Vote.workshop_id == self.day.workshop_id)):
                out.setdefault(pid, []).append(f"{t}:{i}")
        return {pid: sorted(keys) for pid, keys in out.items()}

    def check_vote_honesty(self, *voters) -> dict:
        """Tallies shown equal the stored rows; nobody is over budget; each voter's my_votes is the truth."""
        stored = self.stored_votes()
        per_item = Counter(k for keys in stored.values() for k in keys)
        state = self.org.snapshot()
        budget = state["workshop"]["vote_budget"]
        for coll, kind in (("barriers", "barrier"), ("solutions", "solution"), ("plenary", "plenary")):
            for item_id, item in state[coll].items():
                assert item["votes"] == per_item.get(f"{kind}:{item_id}", 0), \
                    f"{kind} {item_id} shows {item['votes']} votes, the table holds {per_item.get(f'{kind}:{item_id}', 0)}"
        shown = {k for k in per_item}
        live = {f"barrier:{i}" for i in state["barriers"]} | {f"solution:{i}" for i in state["solutions"]} \
            | {f"plenary:{i}" for i in state["plenary"]}
        assert shown <= live, f"dots on items nobody can see: {sorted(shown - live)}"
        for pid, keys in stored.items():
            kinds = Counter(k.split(":")[0] for k in keys)
            assert all(n <= budget for n in kinds.values()), f"participant {pid} is over budget: {keys}"
        for v in voters:
            assert v.snapshot()["my_votes"] == stored.get(v.participant_id, [])
        return stored
