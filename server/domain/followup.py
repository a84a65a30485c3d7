"""The follow-up pulse after the day (docs/pulse.md, "After the day").

Once the day is `closed`, the organiser or a council member (through their link) asks the day's
statements again (`followup_open`, labelled `followup-<n>`; several over time, one open at a time)
and closes it (`followup_close`). People answer from a public page, `/progress/<token>/pulse`, with
no account: the page keeps a random device key in localStorage and the server keeps only its hash
(`PulseDevice`), so a device answers once; the respondent chooses their sector from the workshop's.

The anonymity is the day's pulse's: answers are only counts (`PulseTally`), every count made at 0
when the pulse opens; the device record holds no time and nothing that links it to a count; results
only once closed, in the cells the small-group rule allows (server/domain/pulse_results.py).
"""
from __future__ import annotations

import hashlib

from pydantic import Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Pulse, PulseDevice, PulseTally, Workshop, utcnow
from . import auth, rules
from . import sectors as sc
from .commands import Context, Outcome, lock_workshop
from .errors import CommandError
from .pulse_results import pulse_view
from .registry import Payload, command, validation_message

PREFIX = "followup-"
DAY_LABELS = rules.PULSE_LABELS
# A device key is chosen by the page (crypto.getRandomValues): long enough not to be guessed.
DEVICE_KEY_PATTERN = r"^[A-Za-z0-9_-]{20,100}$"

# Domain-separated, so a device key hashed here is never some token's hash.
_DEVICE_CONTEXT = b"common-ground/followup-device/"


def is_followup(label: str) -> bool:
    return label.startswith(PREFIX)


def device_hash(key: str) -> str:
    return hashlib.sha256(_DEVICE_CONTEXT + key.encode("utf-8")).hexdigest()


def _open(session: Session, workshop_id: str) -> Pulse | None:
    return session.scalar(select(Pulse).where(Pulse.workshop_id == workshop_id, Pulse.closed_at.is_(None)))


def _questions(session: Session, workshop_id: str) -> list[dict]:
    """The statements asked on the day (the end pulse's, else the start's), so the trend compares like
    with like; the default statements on a day that asked none."""
    asked = {p.label: p.questions for p in session.scalars(select(Pulse).where(
        Pulse.workshop_id == workshop_id, Pulse.label.in_(DAY_LABELS)))}
    questions = asked.get("end") or asked.get("start")
    return [dict(q) for q in questions] if questions else [{"key": k, "texts": {}} for k in rules.PULSE_QUESTIONS]


@command("followup_open", roles=("organiser", "council"))
def followup_open(ctx: Context):
    """Organiser or a council member's link asks a follow-up pulse after the day (answered from the public
    link, once per device); heard by everyone."""
    ws = ctx.workshop
    if ws.phase != "closed":
        raise CommandError("wrong_phase", "A follow-up pulse is asked after the day, once it is closed.",
                           phase=ws.phase)
    if _open(ctx.session, ws.id) is not None:
        raise CommandError("already_open", "A pulse is open already; close it first.")
    n = ctx.session.scalar(select(func.count()).select_from(Pulse).where(
        Pulse.workshop_id == ws.id, Pulse.label.like(PREFIX + "%"))) + 1
    questions = _questions(ctx.session, ws.id)
    pulse = Pulse(workshop_id=ws.id, label=f"{PREFIX}{n}", questions=questions, opened_at=ctx.now)
    ctx.session.add(pulse)
    ctx.session.flush()
    # As on the day: every count exists, at 0, before anyone answers.
    ctx.session.add_all([PulseTally(pulse_id=pulse.id, sector=sector, question=q["key"], value=value, count=0)
                         for sector in sc.sides(ctx.session, ws.id) for q in questions for value in range(1, 6)])
    ctx.session.flush()
    view = pulse_view(ctx.session, pulse)
    ctx.emit("pulse_changed", {"pulse": view}, [ctx.everyone])
    ctx.audit("followup_open", pulse_id=pulse.id, label=pulse.label)
    return {"pulse": view}


@command("followup_close", roles=("organiser", "council"))
def followup_close(ctx: Context):
    """Organiser or a council member's link closes the open follow-up pulse: its results, by side where the
    small-group rule allows, go to everyone and to the progress page."""
    pulse = _open(ctx.session, ctx.workshop.id)
    if pulse is None or not is_followup(pulse.label):
        raise CommandError("not_open", "No follow-up pulse is open.")
    pulse.closed_at = ctx.now
    ctx.session.flush()
    view = pulse_view(ctx.session, pulse)
    ctx.emit("pulse_changed", {"pulse": view}, [ctx.everyone])
    ctx.audit("followup_close", pulse_id=pulse.id)
    return {"pulse": view}


# -- the public page ----------------------------------------------------------------

def open_followup(session: Session, ws: Workshop) -> dict | None:
    """The follow-up pulse open now, as the public page asks it (its statements and the sectors to
    choose from), or None."""
    pulse = _open(session, ws.id)
    if pulse is None or not is_followup(pulse.label):
        return None
    return {"id": pulse.id, "label": pulse.label, "questions": list(pulse.questions),
            "sectors": [{"key": x["key"], "names": x["names"]} for x in sc.sector_views(session, ws.id)]}


def trend(session: Session, ws: Workshop) -> list[dict]:
    """The closed pulses in the order asked (start, end, each follow-up): label, when closed, how many
    answered and the shown cells only (pulse_results.results)."""
    out = []
    for p in session.scalars(select(Pulse).where(Pulse.workshop_id == ws.id, Pulse.closed_at.is_not(None))
                             .order_by(Pulse.opened_at, Pulse.id)):
        view = pulse_view(session, p)
        out.append({k: view[k] for k in ("id", "label", "questions", "closed_at", "results")})
    order = {label: n for n, label in enumerate(DAY_LABELS)}
    return sorted(out, key=lambda v: (0, order[v["label"]]) if v["label"] in order else (1, 0))


class FollowupAnswer(Payload):
    pulse_id: int
    sector: str = Field(min_length=1, max_length=30)
    device_key: str = Field(pattern=DEVICE_KEY_PATTERN)
    answers: dict[str, int] = Field(min_length=1, max_length=rules.MAX_PULSE_QUESTIONS)


def answer(db, workshop_id: str, payload: dict) -> dict:
    """A device answers the open follow-up pulse, once (POST /api/progress/pulse): counts only."""
    try:
        data = FollowupAnswer.model_validate(payload if isinstance(payload, dict) else {})
    except ValidationError as err:
        raise CommandError("invalid", validation_message(err)) from None
    with db.workshop_lock(workshop_id):
        with db.transaction() as s:
            ws = lock_workshop(s, workshop_id)
            pulse = s.get(Pulse, data.pulse_id)
            if pulse is None or pulse.workshop_id != ws.id or not is_followup(pulse.label):
                raise CommandError("not_found", "There is no such follow-up pulse.")
            if pulse.closed_at is not None:
                raise CommandError("closed", "This follow-up pulse is closed.")
            keys = {q["key"] for q in pulse.questions}
            unknown = sorted(set(data.answers) - keys)
            if unknown:
                raise CommandError("invalid", f"answers: {unknown[0]!r} is not a question of this pulse")
            if any(not 1 <= v <= 5 for v in data.answers.values()):
                raise CommandError("invalid", "answers: each answer is 1 to 5")
            sides = sc.sides(s, ws.id)
            if data.sector not in sides:
                raise CommandError("invalid", f"sector: {data.sector!r} is not a sector of this workshop",
                                   sectors=list(sides))
            digest = device_hash(data.device_key)
            if s.scalar(select(PulseDevice.id).where(PulseDevice.pulse_id == pulse.id,
                                                      PulseDevice.device_hash == digest)):
                raise CommandError("already_answered", "This device has answered this pulse already.")
            s.add(PulseDevice(pulse_id=pulse.id, device_hash=digest, sector=data.sector))
            for key, value in sorted(data.answers.items()):
                row = s.scalar(select(PulseTally).where(
                    PulseTally.pulse_id == pulse.id, PulseTally.sector == data.sector, PulseTally.question == key,
                    PulseTally.value == value))
                if row is None:  # a sector added since the pulse opened
                    s.add(PulseTally(pulse_id=pulse.id, sector=data.sector, question=key, value=value, count=1))
                else:
                    row.count += 1
            s.flush()
            ctx = Context(s, auth.Principal("progress", ws.id), ws, utcnow())
            answered = pulse_view(s, pulse)["answered"]
            ctx.emit("pulse_progress", {"pulse_id": pulse.id, "answered": answered}, [ctx.everyone])
            events = ctx.finish()
        result = {"pulse_id": pulse.id, "answered": True}
        db.publish(Outcome(result, events))
    return result
