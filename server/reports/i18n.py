"""Headings and labels of the exports, in every language the pages have.

User text (barriers, solutions, plan fields, names) is never translated;
only the report's own words are. They live in the pages' catalogues,
web/i18n/<lang>.json (docs/i18n.md), under `report.<name>`; where a report
says exactly what a page says in every language (a plan status, a council
role), it reads the page's key instead (SHARED). A language is a report
language when it has a catalogue; tests/test_i18n.py checks every catalogue
has every key, tests/test_exports.py every report language every label.
"""
from __future__ import annotations

import json
import re

from ..config import web_root
from ..domain import agreement as ag
from ..domain import rules

RTL_LANGUAGES = ("fa", "ar", "ur", "he")

PREFIX = "report."

# Report labels that are a page's string, the same words in every language: the page's key.
SHARED = {
    "role_co_chair": "council.role.co_chair",
    "role_co_chair_law_enforcement": "council.role.co_chair_law_enforcement",
    "role_co_chair_community": "council.role.co_chair_community",
    "role_member": "council.role.member",
    "role_organiser": "console.plan.noteBy.organiser",
    "group_community_member": "group.community_member",
    "status_proposed": "plan.status.proposed",
    "status_agreed": "plan.status.agreed",
    "status_done": "plan.status.done",
    "field_title": "console.plan.field.title",
    "field_problem": "console.plan.field.problem",
    "field_causes": "console.plan.field.causes",
    "field_options": "console.plan.field.options",
    "field_solution": "console.plan.field.solution",
    "field_owner": "console.plan.field.owner",
    "field_timeline": "console.plan.field.timeline",
    "field_resources": "console.plan.field.resources",
    "field_status": "console.plan.field.status",
    "field_co_lead_law_enforcement": "console.plan.field.co_lead_law_enforcement",
    "field_co_lead_community": "console.plan.field.co_lead_community",
    "phase_vote": "phase.vote",
    "phase_solutions": "phase.solutions",
    "phase_report_out": "phase.report_out",
    "phase_plenary": "workshop_phase.plenary",
    "phase_action_plan": "workshop_phase.action_plan",
    # the trust pulse (docs/pulse.md): as the projector says it
    "pulse_label_start": "pulse.label.start",
    "pulse_label_end": "pulse.label.end",
    "pulse_cell_all": "pulse.cell.all",
    "pulse_cell_police": "pulse.cell.police",
    "pulse_cell_community": "pulse.cell.community",
    **{f"pulse_question_{key}": f"pulse.question.{key}" for key in rules.PULSE_QUESTIONS},
}


def _labels(messages: dict[str, str]) -> dict[str, str]:
    """A language's report labels, by name, from its page catalogue."""
    own = {key[len(PREFIX):]: text for key, text in messages.items() if key.startswith(PREFIX)}
    shared = {name: messages[key] for name, key in SHARED.items() if key in messages}
    return {**own, **shared}


def _load() -> dict[str, dict[str, str]]:
    """Every language's labels (English first), from web/ as the server serves it (server.config.web_root)."""
    paths = sorted((web_root() / "i18n").glob("*.json"), key=lambda p: (p.stem != "en", p.stem))
    return {p.stem: _labels(json.loads(p.read_text(encoding="utf-8"))) for p in paths}


CATALOGUE: dict[str, dict[str, str]] = _load()
LANGUAGES = tuple(CATALOGUE)

# Strong right-to-left letters: Hebrew, Arabic (with Persian/Urdu), Syriac, Thaana, NKo, and their presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


# Languages whose reports write numbers in their own digits (CSS counter style of the same name).
DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")}
COUNTER_STYLES = {"fa": "persian"}


class Labels:
    def __init__(self, lang: str):
        if lang not in CATALOGUE:
            raise ValueError(f"unknown report language {lang!r}; known: {', '.join(LANGUAGES)}")
        self.lang = lang
        self._t = CATALOGUE[lang]
        # The workshop's sectors (`for_report`): their layout and their names in each language.
        self.layout = ag.DEFAULT_LAYOUT
        self.sector_names: dict[str, dict[str, str]] = {}

    def for_report(self, report) -> Labels:
        """These labels for one report: its sectors' layout and names."""
        self.layout, self.sector_names = report.layout, report.sector_names
        return self

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    @property
    def dir(self) -> str:
        return "rtl" if self.rtl else "ltr"

    def __call__(self, key: str, **kw) -> str:
        text = self._t.get(key) or CATALOGUE["en"][key]
        return text.format(**kw) if kw else text

    def group(self, g: str) -> str:
        """A sector's name in this language; else the catalogue's label of one of the four groups;
        else the sector's name in its workshop's first language; else its key."""
        names = self.sector_names.get(g) or {}
        if names.get(self.lang):
            return names[self.lang]
        if f"group_{g}" in CATALOGUE["en"]:
            return self(f"group_{g}")
        return next(iter(names.values()), g)

    def field(self, f: str) -> str:
        return self(f"field_{f}")

    def status(self, s: str) -> str:
        return self._t.get(f"status_{s}", s)

    def phase(self, p: str) -> str:
        return self._t.get(f"phase_{p}", p)

    def role(self, r: str) -> str:
        return self._t.get(f"role_{r}", r)

    def segment(self, kind: str) -> str:
        """An agenda segment's name (docs/agenda.md)."""
        return self._t.get(f"segment_{kind}", kind)

    def sectors(self, keys: list[str]) -> str:
        """Sectors named in this language, as a list ("Faith, Youth")."""
        return self("list_sep").join(self.group(k) for k in keys)

    def pulse_question(self, key: str) -> str | None:
        """A default pulse statement's wording in this language (None for a question of the organiser's own)."""
        return self._t.get(f"pulse_question_{key}") or CATALOGUE["en"].get(f"pulse_question_{key}")

    def number(self, n: int) -> str:
        """A number in this language's digits."""
        return str(n).translate(DIGITS[self.lang]) if self.lang in DIGITS else str(n)

    def room_name(self, name: str | None, number: int) -> str:
        """A room as people call it: its own name, or "Room <n>" in this language for the default name
        the server gives (web/js/console-common.js roomName does the same)."""
        if not name or name == f"Room {number}":
            return f'{self("room")} {self.number(number)}'
        return name

    def person(self, row) -> str:
        """A council member as exports show them: the name they chose to show, else their role and group."""
        if row is None:
            return ""
        if row.name:
            return row.name
        return f"{self.role(row.role)} · {self.group(row.group)}" if row.group else self.role(row.role)

    def note(self, note: dict) -> str:
        """A dated note: "2026-12-03 — text (who)"."""
        who = self.person(_Who(**note["author"])) if note["author"].get("role") else ""
        day = (note["created_at"] or "")[:10]
        return f'{day} — {note["text"]}' + (f" ({who})" if who else "")


class _Who:
    def __init__(self, role=None, name=None, group=None):
        self.role, self.name, self.group = role, name, group


def text_dir(text: str | None) -> str | None:
    """The direction of a piece of user text, by its first strong character (as dir=auto does)."""
    for ch in text or "":
        if _RTL.match(ch):
            return "rtl"
        if _LTR.match(ch):
            return "ltr"
    return None


def is_rtl(text: str | None) -> bool:
    return text_dir(text) == "rtl"
