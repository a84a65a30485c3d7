"""Formatting shared by the renderers: split cells, percentages, timeline lines, file names."""
from __future__ import annotations

import re
from datetime import datetime

from ..domain import agreement as ag
from .i18n import Labels
from .model import TimelineRow

SUPPRESSED_MARK = "‡"
ABSENT_MARK = "—"


def cell_text(cell: ag.Cell) -> str:
    if cell.status == ag.SHOWN:
        return f"{cell.votes}/{cell.size}"
    return SUPPRESSED_MARK if cell.status == ag.SUPPRESSED else ABSENT_MARK


def pct(x: float | None) -> str:
    return SUPPRESSED_MARK if x is None else f"{round(x * 100)}%"


def when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else ""


def clock(dt: datetime) -> str:
    return dt.strftime("%H:%M")


def timeline_line(t: Labels, row: TimelineRow) -> str:
    d = dict(row.detail)
    room = row.room_name or ""
    if "phase" in d:
        d["phase"] = t.phase(d["phase"] or "")
    if "segment" in d:
        d["segment"] = t.segment(d["segment"] or "")
    if row.action == "council_role":
        d["name"] = d.get("name") or t("no_name")
        d["role"] = t.role(d["role"]) if d.get("role") else "—"
    return t(f"act_{row.action}", room=room, **d)


def actor(t: Labels, row: TimelineRow) -> str:
    return t(row.actor)


def kind_label(t: Labels, kind: str) -> str:
    return {"barrier": t("barrier"), "solution": t("solution"), "plenary": t("plenary_item"),
            "strength": t("strength")}[kind]


# The one group of the four that gets a column of its own beside the two sides (it pools with the
# community side in the agreement: docs/agreement.md).
OTHER = "government_other"


def split_header(t: Labels) -> list[str]:
    """Police, community (every other sector together), government/other where the workshop has it, agreement."""
    other = [t.group(OTHER)] if OTHER in t.layout.groups else []
    return [t("police"), t("community"), *other, t("agreement")]


def split_cells(support: ag.Support) -> list[str]:
    other = [cell_text(support.groups[OTHER])] if OTHER in support.groups else []
    return [cell_text(support.sides["police"]), cell_text(support.sides["community"]), *other, pct(support.agreement)]


def community_detail(t: Labels, support: ag.Support) -> str:
    """The community side's sectors separately, when they can be shown ("" otherwise)."""
    return " · ".join(f"{t.group(g)} {cell_text(support.groups[g])}" for g in t.layout.sides["community"]
                      if support.groups[g].status == ag.SHOWN)


# The plan fields every export lists under an entry, in order (the guiding questions' own ones first;
# they are empty on a day without solution rooms, and an empty field is not shown).
PLAN_SHOWN = ("problem", "causes", "options", "solution", "actions", "owner", "timeline", "resources",
              "success_measure", "status", "council_lead")


def room_title(t: Labels, name: str, sectors: list[str]) -> str:
    """A room with the sectors it gathered in a caucus round: "Room 1 — Faith, Youth"."""
    return f"{name} — {t.sectors(sectors)}" if sectors else name


def not_reached(report, n: int) -> bool:
    """The day had not reached the agenda's segment n when the report was made."""
    return n > report.segment


def draft_title(t: Labels, draft: dict) -> str:
    """A solution room's draft: "Priority 1: <title>" (the title alone for a draft of no priority)."""
    if draft["rank"] is None:
        return draft["title"]
    return t("priority_title", rank=t.number(draft["rank"]), title=draft["title"])


def hidden_counts(report) -> list[tuple[str, int]]:
    """The moderation table: hidden barriers, strengths (on a day with any) and solutions; posts restored."""
    m = report.moderation
    rows = [("hidden_barriers", m["hidden"]["barrier"])]
    if report.hidden_strengths or report.strengths:
        rows.append(("hidden_strengths", report.hidden_strengths))
    return rows + [("hidden_solutions", m["hidden"]["solution"]), ("restored", m["restored"])]


def filename(title: str, what: str, fmt: str, lang: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "workshop"
    ext = {"md": "md", "json": "json", "csv": "csv", "pdf": "pdf", "docx": "docx"}[fmt]
    return f"{slug}-{what}-{lang}.{ext}" if fmt != "json" else f"{slug}-archive.json"
