"""The action plan as CSV: UTF-8 with a byte-order mark, so Excel reads Persian and accents correctly."""
from __future__ import annotations

import csv
import io

from ..domain import rules
from .i18n import Labels
from .model import Report

BOM = "\ufeff"


def plan_csv(report: Report, what: str, lang: str) -> bytes:
    t = Labels(lang)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, dialect="excel")
    writer.writerow([t.field("position"), *[t.field(f) for f in rules.PLAN_FIELDS], t.field("notes")])
    for e in report.plan:
        writer.writerow([e["position"], *[_cell(t, e, name) for name in rules.PLAN_FIELDS],
                         "\n".join(t.note(n) for n in e["notes"])])
    return (BOM + buf.getvalue()).encode("utf-8")


def _cell(t: Labels, entry: dict, name: str) -> str:
    if name in rules.CO_LEAD_FIELDS:  # a name only where the person chose to show one
        return t.person(entry["co_leads"][name])
    value = entry["fields"][name]
    return t.status(value) if name == "status" else value
