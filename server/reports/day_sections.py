"""The words and cells of the report's trust pulse and council election sections, for every renderer
(markdown.py, pdf.py, word.py): each renderer lays out the same tables."""
from __future__ import annotations

from . import common as c
from .day_results import APPOINTED, CELLS, PulseReport, PulseStatement, Seat
from .i18n import Labels

CELL_LABELS = {"all": "pulse_cell_all", "side:police": "pulse_cell_police", "side:community": "pulse_cell_community"}


def statement_text(t: Labels, s: PulseStatement) -> str:
    """The statement as it was asked in this language: the pulse's own wording, else the catalogue's
    wording of a default question, else the wording in another language of the workshop."""
    if s.texts.get(t.lang):
        return s.texts[t.lang]
    default = t.pulse_question(s.key)
    return default or next(iter(s.texts.values()), s.key)


def pulse_answered(t: Labels, pulse: PulseReport) -> str:
    """ "Start of the day: 40 answered · End of the day: 38 answered"."""
    return " · ".join(t("pulse_answered", label=t(f"pulse_label_{label}"), count=pulse.answered[label])
                      for label in pulse.labels)


def pulse_header(t: Labels, pulse: PulseReport) -> list[str]:
    return [t("pulse_who"), *(t(f"pulse_label_{label}") for label in pulse.labels)]


def pulse_cell(pulse: PulseReport, s: PulseStatement, label: str, cell: str) -> str:
    """ "3.4 (12)": the mean and how many answered in the cell; ‡ where the small-group rule held it back."""
    if not pulse.shown(label, cell) or cell not in s.means.get(label, {}):
        return c.SUPPRESSED_MARK
    mean = s.means[label][cell]
    n = pulse.sizes[label][cell]
    return f"{c.ABSENT_MARK} ({n})" if mean is None else f"{mean:.1f} ({n})"


def pulse_rows(t: Labels, pulse: PulseReport, s: PulseStatement) -> list[list[str]]:
    """Everyone, police, community: a row each, a column per pulse."""
    return [[t(CELL_LABELS[cell]), *(pulse_cell(pulse, s, label, cell) for label in pulse.labels)] for cell in CELLS]


def pulse_note(t: Labels, k: int) -> str:
    return t("pulse_note", k=k, mark=c.SUPPRESSED_MARK)


def seat_name(t: Labels, seat: Seat | None) -> str:
    if seat is None:
        return t("election_nobody")
    return seat.name or t("no_name")


def seat_how(t: Labels, seat: Seat | None) -> str:
    if seat is None:
        return ""
    return t("election_appointed") if seat.how == APPOINTED else t("election_elected")


def election_sector_rows(t: Labels, election) -> list[tuple[str, str, str]]:
    """(sector, name, how) for each council member of each sector that had a seat; "nobody" where none."""
    rows = []
    for key, seats in election.sectors:
        for seat in seats or [None]:
            rows.append((t.group(key), seat_name(t, seat), seat_how(t, seat)))
    return rows


def election_co_chair_rows(t: Labels, election) -> list[tuple[str, str, str, str]]:
    """(co-chair role, name, their sector ("" for nobody), how)."""
    return [(t.role(role), seat_name(t, seat), t.group(seat.group) if seat else "", seat_how(t, seat))
            for role, seat in election.co_chairs]


def with_sector(name: str, sector: str) -> str:
    return f"{name} · {sector}" if sector else name
