"""The action plan as CSV: UTF-8 with a byte-order mark, so Excel reads Persian and accents correctly.

What people typed stays text in a spreadsheet ("CSV injection", OWASP): a cell whose first
character (after any spaces) would start a formula gets a leading apostrophe. Hand-written rather
than defusedcsv, which leaves a leading tab or carriage return alone and rewrites "|" inside cells.
"""
from __future__ import annotations

import csv
import io

from ..domain import rules
from .i18n import Labels
from .model import Report

BOM = "\ufeff"
# = + - @, their full-width forms (some spreadsheets fold them), and a tab or carriage return.
FORMULA_STARTS = tuple("=+-@\uff1d\uff0b\uff0d\uff20\t\r")


def columns(report: Report) -> list[str]:
    """The plan's fields as columns; a plan drafted in solution rooms adds the room and the guiding
    questions' own fields after the title (a day without them keeps the columns it always had)."""
    base = [f for f in rules.PLAN_FIELDS if f not in rules.NEW_PLAN_FIELDS]
    if not report.guided:
        return base
    return [base[0], "solution_room", *rules.NEW_PLAN_FIELDS, *base[1:]]


def plan_csv(report: Report, what: str, lang: str) -> bytes:
    t = Labels(lang).for_report(report)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, dialect="excel")
    names = columns(report)
    writer.writerow([t.field("position"), *[t.field(f) for f in names], t.field("notes")])
    for e in report.plan:
        writer.writerow([e["position"], *[as_text(_cell(t, e, name)) for name in names],
                         as_text("\n".join(t.note(n) for n in e["notes"]))])
    return (BOM + buf.getvalue()).encode("utf-8")


def _cell(t: Labels, entry: dict, name: str) -> str:
    if name == "solution_room":
        return entry["room_name"] or ""
    if name in rules.CO_LEAD_FIELDS:  # a name only where the person chose to show one
        return t.person(entry["co_leads"][name])
    value = entry["fields"][name]
    return t.status(value) if name == "status" else value


def as_text(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is, never runs as a formula."""
    return "'" + cell if cell.lstrip(" \u00a0\u3000").startswith(FORMULA_STARTS) else cell
