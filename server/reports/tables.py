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
    writer.writerow([t.field("position"), *[t.field(f) for f in rules.PLAN_FIELDS]])
    for e in report.plan:
        f = e["fields"]
        writer.writerow([e["position"], *[t.status(f[name]) if name == "status" else f[name]
                                          for name in rules.PLAN_FIELDS]])
    return (BOM + buf.getvalue()).encode("utf-8")
