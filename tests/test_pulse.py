"""The trust pulse (docs/pulse.md): asked at the start and the end of the day, answered once and
anonymously, shown by side only where the small-group rule allows."""
from __future__ import annotations

from sqlalchemy import select

from server.domain import rules
from server.models import Base, PulseResponder, PulseTally

from .board import types


def bare(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "seq"}


def people(board, police=3, community=4):
    out = [board.person(0, group="law_enforcement") for _ in range(police)]
    out += [board.person(1, group="community_member") for _ in range(community)]
    return out


def test_a_pulse_is_asked_answered_once_and_closed_with_results_by_side(board):
    crowd = people(board)
    board.day.drain()
    pulse = board.org.ok("pulse_open", label="start")["pulse"]
    assert [q["key"] for q in pulse["questions"]] == list(rules.PULSE_QUESTIONS)
    assert pulse["results"] is None and pulse["answered"] == 0
    phone = crowd[0]
    assert any(e["type"] == "pulse_changed" for e in phone.events())
    assert phone.snapshot()["pulses"][str(pulse["id"])]["closed_at"] is None
    for n, p in enumerate(crowd):
        p.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": 1 + n % 5, "heard": 3})
    assert phone.snapshot()["me"]["pulses_answered"] == [pulse["id"]]
    assert "pulse_answered" in types(phone)
    # Open: how many answered, never what.
    view = board.display.snapshot()["pulses"][str(pulse["id"])]
    assert view["answered"] == 7 and view["results"] is None
    closed = board.org.ok("pulse_close")["pulse"]
    cells = closed["results"]["cells"]
    assert set(cells) >= {"all", "side:police", "side:community"}
    assert cells["side:police"]["n"] == 3 and cells["side:community"]["n"] == 4
    assert cells["side:police"]["questions"]["trust"] == {"mean": 2.0, "counts": [1, 1, 1, 0, 0]}
    assert cells["all"]["questions"]["heard"]["mean"] == 3.0
    assert cells["all"]["questions"]["together"] == {"mean": None, "counts": [0, 0, 0, 0, 0]}
    assert board.display.snapshot()["pulses"][str(pulse["id"])]["results"] == closed["results"]


def test_a_small_side_is_never_shown_nor_given_away_by_subtraction(board):
    crowd = people(board, police=2, community=4)
    pulse = board.org.ok("pulse_open", label="start")["pulse"]
    for p in crowd:
        p.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": 5 if p is crowd[0] else 2})
    cells = board.org.ok("pulse_close")["pulse"]["results"]["cells"]
    # Two police officers: their side is hidden, and so is the community side (everyone minus it).
    assert "side:police" not in cells and "side:community" not in cells
    assert cells["all"]["n"] == 6


def test_fewer_than_k_answers_show_nothing(board):
    crowd = people(board, police=1, community=1)
    pulse = board.org.ok("pulse_open", label="end")["pulse"]
    for p in crowd:
        p.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": 4})
    assert board.org.ok("pulse_close")["pulse"]["results"] == {"n": 2, "cells": {}}


def test_nothing_stored_ties_an_answer_to_a_person(board):
    """Counts only, every count made before anyone answered, who answered kept apart with no order or time."""
    crowd = people(board)
    pulse = board.org.ok("pulse_open", label="start")["pulse"]
    with board.db.reading() as s:
        before = sorted(s.scalars(select(PulseTally.id).where(PulseTally.pulse_id == pulse["id"])))
    for p in crowd:
        p.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": 2, "heard": 5, "together": 1})
    with board.db.reading() as s:
        after = sorted(s.scalars(select(PulseTally.id).where(PulseTally.pulse_id == pulse["id"])))
    assert after == before  # answers changed counts, made no rows
    for table in ("pulse_tallies", "pulse_responders"):
        columns = set(Base.metadata.tables[table].c.keys())
        assert not columns & {"created_at", "at", "answered_at"}, table
    assert "participant_id" not in Base.metadata.tables["pulse_tallies"].c
    assert "value" not in Base.metadata.tables["pulse_responders"].c
    # The event log and the idempotency records hold no answer.
    from server.models import CommandRecord, Event
    with board.db.reading() as s:
        logged = [e.data for e in s.scalars(select(Event).where(Event.type.like("pulse%")))]
        records = [r.result for r in s.scalars(select(CommandRecord).where(CommandRecord.name == "pulse_answer"))]
    assert all("answers" not in d and "value" not in str(d) for d in logged)
    assert all(set(r) <= {"pulse_id", "seq"} for r in records)


def test_pulse_answer_refusals(board):
    p, q = board.person(0, group="law_enforcement"), board.person(1)
    board.refuse(p, "pulse_answer", "not_found", pulse_id=999999, answers={"trust": 3})
    pulse = board.org.ok("pulse_open", label="start")["pulse"]
    board.refuse(p, "pulse_answer", "invalid", pulse_id=pulse["id"], answers={"trust": 6})
    board.refuse(p, "pulse_answer", "invalid", pulse_id=pulse["id"], answers={"trust": 0})
    board.refuse(p, "pulse_answer", "invalid", pulse_id=pulse["id"], answers={"weather": 3})
    board.refuse(p, "pulse_answer", "invalid", pulse_id=pulse["id"], answers={})
    board.refuse(board.fac, "pulse_answer", "forbidden", pulse_id=pulse["id"], answers={"trust": 3})
    p.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": 3})
    board.refuse(p, "pulse_answer", "already_answered", pulse_id=pulse["id"], answers={"trust": 4})
    board.org.ok("pulse_close")
    board.refuse(q, "pulse_answer", "not_open", pulse_id=pulse["id"], answers={"trust": 4})
    with board.db.reading() as s:
        assert s.scalar(select(PulseResponder.participant_id).where(PulseResponder.pulse_id == pulse["id"])) == p.participant_id


def test_pulse_open_with_questions_of_ones_own(board):
    mine = [{"key": "safe", "texts": {"en": "I feel safe here", "es": "Me siento seguro aquí", "fa": "اینجا احساس امنیت می‌کنم"}},
            {"key": "trust", "texts": {"fa": "آیا پلیس و جامعه به هم اعتماد دارند؟"}}]
    pulse = board.org.ok("pulse_open", label="end", questions=mine)["pulse"]
    assert pulse["questions"] == mine


def test_pulse_open_and_close_refusals(board):
    org = board.org
    board.refuse(org, "pulse_close", "not_open")
    board.refuse(org, "pulse_open", "invalid", label="middle")
    board.refuse(org, "pulse_open", "invalid", label="start", questions=[{"key": "safe", "texts": {"en": "Safe?"}}])
    board.refuse(org, "pulse_open", "invalid", label="start", questions=[{"key": "trust", "texts": {"de": "Vertrauen?"}}])
    board.refuse(org, "pulse_open", "invalid", label="start", questions=[{"key": "trust"}, {"key": "trust"}])
    board.refuse(org, "pulse_open", "invalid", label="start", questions=[])
    board.refuse(board.fac, "pulse_open", "forbidden", label="start")
    org.ok("pulse_open", label="start")
    board.refuse(org, "pulse_open", "already_open", label="end")
    board.refuse(board.fac, "pulse_close", "forbidden")
    org.ok("pulse_close")
    board.refuse(org, "pulse_open", "already_done", label="start")
    board.workshop_phase("closed")
    board.refuse(org, "pulse_open", "wrong_phase", label="end")
