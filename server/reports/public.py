"""The report of the day as it goes back to the room (issue 16, "the report back to the room"): the
organiser's report (model.py), with every personal name removed. No author of a post, no council
member's name (their role and sector stay), no name in the timeline or on a note.

    public_export(db, workshop_id, fmt, lang, k, render_with) -> Export

It is served to anyone holding the workshop's progress link once the day is `closed`
(GET /progress/<token>/report.<fmt>, server/closing_http.py), and every phone's closing card links it.

Names are removed in two passes, so a section added to the report later cannot bring one back:
1. every field that holds a person's name, by its name (`author_name`, a council row's `name`, a
   `name`/`display_name` in a person's dict: an author, a co-lead, a timeline line);
2. every other string in the model, the texts people wrote included, has each participant's shown
   name (as a whole word) replaced by "—": an action's owner typed as a person's name, a note or a
   post that names someone who took part.
"""
from __future__ import annotations

import dataclasses
import re

from sqlalchemy import select

from ..domain import agreement as ag
from ..domain.errors import CommandError
from ..models import CouncilVolunteer, Participant
from . import MIMETYPES, Export, check, render

# Fields that always hold a person's name.
NAME_FIELDS = frozenset({"author_name", "display_name", "name_shown"})
# Dicts that describe a person: their `name` goes.
PERSON_KEYS = frozenset({"author", "co_lead", "co_leads", "member", "members", "candidate", "candidates",
                         "council", "elected", "detail", "by"})
# Values that are keys and codes, never names (a sector key, a status, a phase).
CODE_FIELDS = frozenset({"kind", "status", "phase", "role", "group", "action", "actor", "lang", "id"})
NAMED = "—"  # what stands where a name was
FORMATS = ("pdf", "docx", "md")


class _Blanker:
    def __init__(self, names: set[str]):
        names = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
        self.pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names)) if names else None
        self.seen: set[int] = set()

    def value(self, key: str | None, v, person: bool = False):
        if key in NAME_FIELDS or (person and key == "name"):
            return None if isinstance(v, str) else v
        if isinstance(v, str):
            return v if key in CODE_FIELDS or self.pattern is None else self.pattern.sub(NAMED, v)
        self.walk(v, person=key in PERSON_KEYS)
        return v

    def walk(self, obj, person: bool = False) -> None:
        if id(obj) in self.seen or obj is None or isinstance(obj, (str, int, float, bool)):
            return
        self.seen.add(id(obj))
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            names = {f.name for f in dataclasses.fields(obj)}
            # A council row, an elected seat: a person is a name with a sector.
            is_person = person or {"name", "group"} <= names
            for f in dataclasses.fields(obj):
                old = getattr(obj, f.name)
                new = self.value(f.name, old, is_person)
                if new is not old:
                    object.__setattr__(obj, f.name, new)
        elif isinstance(obj, dict):
            person = person or {"name", "group"} <= set(obj)
            for k in list(obj):
                old = obj[k]
                new = self.value(k if isinstance(k, str) else None, old, person)
                if new is not old:
                    obj[k] = new
        elif isinstance(obj, list):
            for i, old in enumerate(obj):
                new = self.value(None, old, person)
                if new is not old:
                    obj[i] = new
        elif isinstance(obj, (tuple, set, frozenset)):
            for x in obj:
                self.walk(x, person)


def people_names(session, workshop_id: str) -> set[str]:
    """Every name a participant chose to show in this workshop (council volunteers included)."""
    names = set(session.scalars(select(Participant.display_name).where(Participant.workshop_id == workshop_id,
                                                                       Participant.display_name.is_not(None))))
    names |= set(session.scalars(select(Participant.display_name).join(
        CouncilVolunteer, CouncilVolunteer.participant_id == Participant.id).where(
        CouncilVolunteer.workshop_id == workshop_id, Participant.display_name.is_not(None))))
    return names


def without_names(report, names: set[str]):
    """The report model with every personal name removed (in place; the model is built per request)."""
    _Blanker(names).walk(report)
    return report


def build_public(session, workshop_id: str, k: int = ag.DEFAULT_MIN_GROUP_SIZE, lang: str = "en"):
    from .model import build
    return without_names(build(session, workshop_id, k, lang), people_names(session, workshop_id))


def public_export(db, workshop_id: str, fmt: str, lang: str = "en", k: int = ag.DEFAULT_MIN_GROUP_SIZE,
                  render_with=render) -> Export:
    """The report of the day without names, as PDF, Word or Markdown."""
    from . import common
    from .model import NotFound

    if fmt not in FORMATS:
        raise CommandError("not_found", f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    check(fmt, "report", lang)
    with db.reading() as s:
        try:
            report = build_public(s, workshop_id, k, lang)
        except NotFound:
            raise CommandError("not_found", "There is no such workshop.") from None
    return Export(render_with(fmt, report, "report", lang), MIMETYPES[fmt],
                  common.filename(report.workshop["title"], "report", fmt, lang))
