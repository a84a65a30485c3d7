"""The agenda: which segment the day stands on and what that makes of the workshop and its rooms.

Pure functions of the workshop row and the rules (docs/agenda.md); the commands that move the day
are in workshops.py, the seating in seating.py.
"""
from __future__ import annotations

from . import rules
from .errors import CommandError

ROUNDS = tuple(rules.ROUND_PHASES)
PLENARIES = ("prioritise", "report_out")


def kind(ws) -> str:
    """The kind of segment the day stands on."""
    return ws.agenda[ws.segment]


def round_index(ws) -> int:
    """The index of the latest round segment at or before the current one (-1 before any round)."""
    return max((k for k in range(ws.segment + 1) if ws.agenda[k] in ROUNDS), default=-1)


def round_kind(ws) -> str:
    """The kind of the latest round at or before the current segment (the rooms' shape now);
    `breakout` before any round."""
    i = round_index(ws)
    return ws.agenda[i] if i >= 0 else "breakout"


def room_phases(ws) -> tuple[str, ...]:
    """The phases a room goes through in the current round."""
    return rules.ROUND_PHASES[round_kind(ws)]


def caucus(ws) -> bool:
    """Are the rooms caucus rooms (by sector) now?"""
    return round_kind(ws) == "caucus"


def plenary_vote_open(ws) -> bool:
    """Can people spend dots on the plenary board now?"""
    return kind(ws) == "prioritise" and not ws.plenary_vote_closed


def preset(name: str) -> list[str]:
    return list(rules.AGENDA_PRESETS[name])


def check(agenda: list[str]) -> list[str]:
    """The agenda, or `invalid` with what is wrong with it."""
    if not rules.MIN_SEGMENTS <= len(agenda) <= rules.MAX_SEGMENTS:
        raise CommandError("invalid", f"agenda: must have {rules.MIN_SEGMENTS}-{rules.MAX_SEGMENTS} segments")
    unknown = [k for k in agenda if k not in rules.SEGMENT_KINDS]
    if unknown:
        raise CommandError("invalid", f"agenda: unknown segment {unknown[0]!r}; known: {', '.join(rules.SEGMENT_KINDS)}")
    if agenda[-1] != "closing" or agenda.count("closing") != 1:
        raise CommandError("invalid", "agenda: it ends with closing, and has only one")
    rounds = [i for i, k in enumerate(agenda) if k in ROUNDS]
    plenaries = [i for i, k in enumerate(agenda) if rules.SEGMENT_PHASE[k] == "plenary"]
    if not rounds or (plenaries and plenaries[0] < rounds[0]):
        raise CommandError("invalid", "agenda: a round of rooms (breakout, caucus or solution_round) comes first")
    for i, k in enumerate(agenda):
        if k == "solution_round" and "prioritise" not in agenda[:i]:
            raise CommandError("invalid", "agenda: a solution_round comes after a prioritise segment")
    return list(agenda)
