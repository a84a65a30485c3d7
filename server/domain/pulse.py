"""The trust pulse (docs/pulse.md): the organiser opens it at the start and at the end of the day,
people answer on their phones, anonymously, once; closing it shows the results by side."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import select

from ..models import Participant, Pulse, PulseResponder, PulseTally
from . import audiences as aud
from . import rules
from . import sectors as sc
from .commands import Context
from .errors import CommandError
from .pulse_results import pulse_view
from .registry import Payload, command, text_field


class Question(Payload):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,29}$")
    # The wording in the workshop's languages; a language left out reads the catalogue's wording
    # of a default question (pulse.question.<key>).
    texts: dict[str, text_field(rules.MAX_PROMPT_CHARS)] = Field(default_factory=dict)


class PulseOpen(Payload):
    label: Literal[rules.PULSE_LABELS]  # type: ignore[valid-type]
    questions: list[Question] | None = Field(default=None, min_length=1, max_length=rules.MAX_PULSE_QUESTIONS)


def _open(ctx: Context) -> Pulse | None:
    return ctx.session.scalar(select(Pulse).where(Pulse.workshop_id == ctx.workshop.id, Pulse.closed_at.is_(None)))


@command("pulse_open", roles=("organiser",), schema=PulseOpen)
def pulse_open(ctx: Context, label, questions=None):
    """Organiser asks the trust pulse (`start` or `end` of the day); every phone shows the questions; heard by everyone."""
    ws = ctx.workshop
    if ws.phase == "closed":
        raise CommandError("wrong_phase", "The day is over: the pulse is asked during the day.", phase=ws.phase)
    if _open(ctx) is not None:
        raise CommandError("already_open", "A pulse is open already; close it first.")
    if ctx.session.scalar(select(Pulse.id).where(Pulse.workshop_id == ws.id, Pulse.label == label)):
        raise CommandError("already_done", f"The {label} pulse has been asked already.", label=label)
    asked = questions if questions is not None else [{"key": k, "texts": {}} for k in rules.PULSE_QUESTIONS]
    keys = [q["key"] for q in asked]
    if len(set(keys)) != len(keys):
        raise CommandError("invalid", "questions: each key only once")
    for q in asked:
        unknown = sorted(set(q["texts"]) - set(ws.languages))
        if unknown:
            raise CommandError("invalid", f"questions.{q['key']}.texts: {unknown[0]!r} is not a language of this "
                               "workshop")
        if q["key"] not in rules.PULSE_QUESTIONS and set(q["texts"]) != set(ws.languages):
            raise CommandError("invalid", f"questions.{q['key']}: a question of your own needs its wording in "
                               f"every language of the workshop ({', '.join(ws.languages)})")
    pulse = Pulse(workshop_id=ws.id, label=label, questions=[{"key": q["key"], "texts": dict(q["texts"])}
                                                             for q in asked], opened_at=ctx.now)
    ctx.session.add(pulse)
    ctx.session.flush()
    # Every count exists, at 0, before anyone answers: an answer only adds 1 to a row, so the order
    # in which rows were made says nothing about who gave which value.
    ctx.session.add_all([PulseTally(pulse_id=pulse.id, sector=sector, question=key, value=value, count=0)
                         for sector in sc.sides(ctx.session, ws.id) for key in keys for value in range(1, 6)])
    ctx.session.flush()
    view = pulse_view(ctx.session, pulse)
    ctx.emit("pulse_changed", {"pulse": view}, [ctx.everyone])
    ctx.audit("pulse_open", pulse_id=pulse.id, label=label)
    return {"pulse": view}


@command("pulse_close", roles=("organiser",))
def pulse_close(ctx: Context):
    """Organiser closes the open pulse: its results, by side where the small-group rule allows, go to everyone."""
    pulse = _open(ctx)
    if pulse is None:
        raise CommandError("not_open", "No pulse is open.")
    pulse.closed_at = ctx.now
    ctx.session.flush()
    view = pulse_view(ctx.session, pulse)
    ctx.emit("pulse_changed", {"pulse": view}, [ctx.everyone])
    ctx.audit("pulse_close", pulse_id=pulse.id)
    return {"pulse": view}


class PulseAnswer(Payload):
    pulse_id: int
    answers: dict[str, int] = Field(min_length=1, max_length=rules.MAX_PULSE_QUESTIONS)


@command("pulse_answer", roles=("participant",), schema=PulseAnswer)
def pulse_answer(ctx: Context, pulse_id, answers):
    """Participant answers the open pulse, once; the answer is kept only as counts (no one, no role, can tie it to them).

    Heard: the person's own screens (answered) and everyone (how many answered)."""
    pulse = ctx.session.get(Pulse, pulse_id)
    if pulse is None or pulse.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such pulse.")
    if pulse.label not in rules.PULSE_LABELS:  # a follow-up pulse: once per device, from its public link
        raise CommandError("not_found", "This pulse is answered from its public link (the progress page).")
    if pulse.closed_at is not None:
        raise CommandError("not_open", "This pulse is closed.")
    keys = {q["key"] for q in pulse.questions}
    unknown = sorted(set(answers) - keys)
    if unknown:
        raise CommandError("invalid", f"answers: {unknown[0]!r} is not a question of this pulse")
    if any(not 1 <= v <= 5 for v in answers.values()):
        raise CommandError("invalid", "answers: each answer is 1 to 5")
    if ctx.session.scalar(select(PulseResponder.id).where(PulseResponder.pulse_id == pulse.id,
                                                          PulseResponder.participant_id == ctx.principal.id)):
        raise CommandError("already_answered", "You have answered this pulse already.")
    sector = ctx.session.get(Participant, ctx.principal.id).group
    ctx.session.add(PulseResponder(pulse_id=pulse.id, participant_id=ctx.principal.id, sector=sector))
    for key, value in sorted(answers.items()):
        row = ctx.session.scalar(select(PulseTally).where(
            PulseTally.pulse_id == pulse.id, PulseTally.sector == sector, PulseTally.question == key,
            PulseTally.value == value))
        if row is None:  # a sector added since the pulse opened
            ctx.session.add(PulseTally(pulse_id=pulse.id, sector=sector, question=key, value=value, count=1))
        else:
            row.count += 1
    ctx.session.flush()
    view = pulse_view(ctx.session, pulse)
    ctx.emit("pulse_answered", {"pulse_id": pulse.id}, [aud.participant(ctx.principal.id)])
    ctx.emit("pulse_progress", {"pulse_id": pulse.id, "answered": view["answered"]}, [ctx.everyone])
    return {"pulse_id": pulse.id}
