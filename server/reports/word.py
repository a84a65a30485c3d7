"""The action plan and the report of the day as a Word document (python-docx).

Right-to-left: a paragraph whose text starts with a right-to-left letter (or
every paragraph of a Persian report) gets `w:bidi`, its runs `w:rtl`, and a
Persian report's tables `w:bidiVisual`, so Word lays them out from the right.
Complex-script runs use Tahoma, which Word has on every desktop and which
covers Persian and Arabic.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ..domain import agreement as ag
from ..domain import rules
from . import common as c
from . import day_sections as ds
from .i18n import Labels, text_dir
from .model import Report

CS_FONT = "Tahoma"


def _rtl_run(run, rtl: bool) -> None:
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:cs"), CS_FONT)
    if rtl:
        el = OxmlElement("w:rtl")
        rpr.append(el)


def _bidi(paragraph, rtl: bool) -> None:
    if not rtl:
        return
    ppr = paragraph._element.get_or_add_pPr()
    el = OxmlElement("w:bidi")
    ppr.insert(0, el)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


class Writer:
    def __init__(self, t: Labels):
        self.t = t
        self.doc = Document()
        style = self.doc.styles["Normal"]
        style.font.size = Pt(10)

    def _dir(self, text: str, user: bool) -> bool:
        d = text_dir(text) if user else None
        return d == "rtl" if d else self.t.rtl

    def para(self, text: str, *, user: bool = False, style: str | None = None, bold: bool = False, into=None):
        p = into.add_paragraph(style=style) if into is not None else self.doc.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold = bold or None
        rtl = self._dir(text, user)
        _rtl_run(run, rtl)
        _bidi(p, rtl)
        return p

    def heading(self, text: str, level: int, *, user: bool = False):
        h = self.doc.add_heading(level=level)
        run = h.add_run(text)
        rtl = self._dir(text, user)
        _rtl_run(run, rtl)
        _bidi(h, rtl)
        return h

    def table(self, header: list[str], rows: list[list[tuple[str, bool]]]):
        """rows: cells as (text, is_user_text)."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        if self.t.rtl:
            tblpr = table._tbl.tblPr
            tblpr.append(OxmlElement("w:bidiVisual"))
        for cell, text in zip(table.rows[0].cells, header, strict=False):
            self._fill(cell, text, False, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, (text, user) in zip(cells, row, strict=False):
                self._fill(cell, text, user)
        return table

    def _fill(self, cell, text: str, user: bool, bold: bool = False):
        p = cell.paragraphs[0]
        run = p.add_run(text)
        run.bold = bold or None
        rtl = self._dir(text, user)
        _rtl_run(run, rtl)
        _bidi(p, rtl)

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _split(s: ag.Support) -> list[tuple[str, bool]]:
    return [(x, False) for x in c.split_cells(s)]


def _plan(w: Writer, report: Report) -> None:
    t = w.t
    w.heading(t("plan_title"), 1)
    if not report.plan:
        w.para(t("none"))
    for e in report.plan:
        f = e["fields"]
        w.heading(f'{e["position"]}. {f["title"]}', 2, user=True)
        rows = []
        if e["room_name"]:
            rows.append([(t.field("solution_room"), False), (e["room_name"], True)])
        for name in c.PLAN_SHOWN:
            value = t.status(f[name]) if name == "status" else f[name]
            if value:
                rows.append([(t.field(name), False), (value, name != "status")])
        for name in rules.CO_LEAD_FIELDS:
            who = t.person(e["co_leads"][name])
            if who:
                rows.append([(t.field(name), False), (who, e["co_leads"][name].name is not None)])
        if e["notes"]:
            rows.append([(t.field("notes"), False), ("\n".join(t.note(n) for n in e["notes"]), True)])
        if rows:
            w.table([t("field_title"), f["title"]], rows)
    w.heading(t("council"), 1)
    if report.council:
        w.table([t("name"), t("group"), t("role")],
                [[(m.name or t("no_name"), bool(m.name)), (t.group(m.group), False), (t.role(m.role), False)]
                 for m in report.council])
    else:
        w.para(t("none"))
    w.para(f'{t("council_volunteers")}: {report.volunteers}')


def _agenda(w: Writer, report: Report) -> None:
    t = w.t
    if not report.agenda:
        return
    w.heading(t("agenda"), 1)
    for n, kind in enumerate(report.agenda):
        later = f' ({t("agenda_not_reached")})' if c.not_reached(report, n) else ""
        w.para(f'{t.number(n + 1)}. {t.segment(kind)}{later}')


def _priorities(w: Writer, report: Report) -> None:
    t = w.t
    if not report.priorities:
        return
    w.heading(t("priorities"), 1)
    w.para(t("priorities_intro"))
    w.table([t("rank"), t("plenary_item"), t("room"), t("plenary_votes"), *c.split_header(t)],
            [[(str(p.rank), False), (p.text, True), (p.room_name, True), (str(p.votes), False), *_split(p.support)]
             for p in report.priorities])


def _strengths(w: Writer, report: Report) -> None:
    t = w.t
    if not report.strengths:
        return
    w.heading(t("strengths"), 1)
    for g in report.strengths:
        w.heading(c.room_title(t, g.room_name, g.sectors), 2, user=True)
        for x in g.strengths:
            by = f' — {t("by")} {x.author_name}' if x.author_name else ""
            w.para(f'{x.text}{by}', user=True, style="List Bullet")
            if x.member_texts:
                w.para(f'{t("merged_from")}: {" | ".join(x.member_texts)}', user=True, style="List Bullet 2")


def _solution_rooms(w: Writer, report: Report) -> None:
    t = w.t
    if not report.solution_rooms:
        return
    w.heading(t("solution_rooms"), 1)
    for r in report.solution_rooms:
        w.heading(r.room_name, 2, user=True)
        for d in r.drafts:
            w.heading(c.draft_title(t, d), 3, user=True)
            rows = [[(t.field(name), False), (value, True)] for name, value in d["fields"].items() if value]
            if rows:
                w.table([t("field_title"), d["title"]], rows)
            else:
                w.para(t("none"))


def _pulse(w: Writer, report: Report) -> None:
    t, pulse = w.t, report.pulse
    if pulse is None:
        return
    w.heading(t("pulse_title"), 1)
    w.para(t("pulse_intro"))
    w.para(ds.pulse_answered(t, pulse))
    for s in pulse.statements:
        w.heading(ds.statement_text(t, s), 2, user=True)
        w.table(ds.pulse_header(t, pulse), [[(x, False) for x in row] for row in ds.pulse_rows(t, pulse, s)])
    w.para(ds.pulse_note(t, report.k))


def _election(w: Writer, report: Report) -> None:
    t, election = w.t, report.election
    if election is None:
        return
    w.heading(t("election_title"), 1)
    w.para(t("election_intro"))
    w.table([t("election_sector"), t("election_member"), t("election_how")],
            [[(sector, False), (name, True), (how, False)] for sector, name, how in ds.election_sector_rows(t, election)])
    w.heading(t("election_co_chairs"), 2)
    w.table([t("election_co_chair"), t("election_member"), t("election_how")],
            [[(role, False), (ds.with_sector(name, sector), True), (how, False)]
             for role, name, sector, how in ds.election_co_chair_rows(t, election)])


def _report(w: Writer, report: Report) -> None:
    t = w.t
    _agenda(w, report)
    _pulse(w, report)
    w.heading(t("participation"), 1)
    w.table([t("room"), *[t.group(g) for g in report.groups], t("total")],
            [[(r.name, True), *[(str(r.sizes.get(g, 0)), False) for g in report.groups], (str(r.people), False)]
             for r in report.rooms]
            + [[(t("total"), False), *[(str(report.participation.get(g, 0)), False) for g in report.groups],
                (str(report.people), False)]])
    w.heading(t("votes_chart"), 2)
    w.table([t("group"), t("votes")], [[(t.group(g), False), (c.SUPPRESSED_MARK if v is None else str(v), False)]
                                       for g, v in report.votes_by_group.items()])

    w.heading(t("common_ground"), 1)
    w.para(t("common_ground_intro"))
    if report.common_ground:
        w.table([t("item"), t("kind"), t("votes"), t("police"), t("community"), t("agreement")],
                [[(x["text"], True), (c.kind_label(t, x["kind"]), False), (str(x["support"].total), False),
                  (c.cell_text(x["support"].sides["police"]), False),
                  (c.cell_text(x["support"].sides["community"]), False), (c.pct(x["support"].agreement), False)]
                 for x in report.common_ground[:15]])
    else:
        w.para(t("none"))
    w.para(f'{t("split_note")} {t("suppressed_note", k=report.k)}')

    w.heading(t("plenary"), 1)
    if report.plenary:
        w.table([t("plenary_item"), t("room"), t("room_votes"), t("plenary_votes"), *c.split_header(t)],
                [[(i.text, True), (i.room_name, True), (str(i.room_votes), False), (str(i.votes), False),
                  *_split(i.support)] for i in report.plenary])
    else:
        w.para(t("none"))
    _priorities(w, report)
    _strengths(w, report)

    w.heading(t("barriers"), 1)
    for r in report.rooms:
        w.heading(f'{c.room_title(t, r.name, r.sectors)} · {t.phase(r.phase)} · {r.people} {t("people")}', 2, user=True)
        if not r.barriers:
            w.para(t("none"))
            continue
        w.table([t("barrier"), t("votes"), *c.split_header(t)],
                [[(b.text, True), (str(b.votes), False), *_split(b.support)] for b in r.barriers])
        for b in r.barriers:
            if c.community_detail(t, b.support):
                w.para(f'{b.text} — {c.community_detail(t, b.support)}', user=True, style="List Bullet")
            if b.author_name:
                w.para(f'{b.text} — {t("by")} {b.author_name}', user=True, style="List Bullet")
            if b.member_texts:
                w.para(f'{t("merged_from")}: {" | ".join(b.member_texts)}', user=True, style="List Bullet")
            for s in b.solutions:
                by = f' — {t("by")} {s.author_name}' if s.author_name else ""
                w.para(f'{t("solution")}: {s.text} ({s.votes}){by}', user=True, style="List Bullet")
        for m in r.merges:
            undone = f' ({t("merge_undone")})' if m.undone else ""
            w.para(f'{t("merges")}: {m.shared_text} ← {" | ".join(m.member_texts)}{undone}', user=True,
                   style="List Bullet")
    w.para(f'{t("split_note")} {t("suppressed_note", k=report.k)}')
    _solution_rooms(w, report)
    _election(w, report)

    m = report.moderation
    w.heading(t("moderation"), 1)
    w.table([t("moderation"), t("total")], [[(t(key), False), (str(n), False)] for key, n in c.hidden_counts(report)])
    for x in m["reasons"]:
        w.para(f'{x["reason"]} ({c.kind_label(t, x["kind"])}{", " + x["room_name"] if x["room_name"] else ""})',
               user=True, style="List Bullet")
    w.heading(t("moderation_actions"), 2)
    w.table([t("what"), t("total")], [[(t("mod_" + k), False), (str(n), False)] for k, n in m["actions"].items()])
    for x in m["action_reasons"]:
        w.para(f'{x["reason"]} ({t("mod_" + x["action"])}{", " + x["room_name"] if x["room_name"] else ""})',
               user=True, style="List Bullet")

    w.heading(t("timeline"), 1)
    if report.timeline:
        w.table([t("time"), t("who"), t("what")],
                [[(c.clock(x.at), False), (c.actor(t, x), False), (c.timeline_line(t, x), True)]
                 for x in report.timeline])
    else:
        w.para(t("none"))


def render(report: Report, what: str, lang: str) -> bytes:
    t = Labels(lang).for_report(report)
    w = Writer(t)
    w.heading(t("plan_title") if what == "plan" else t("report_title"), 0)
    w.para(report.workshop["title"], user=True, bold=True)
    meta = [x for x in (report.workshop.get("date"), report.workshop.get("place")) if x]
    meta.append(f'{t("generated")}: {c.when(report.generated_at)}')
    w.para(" · ".join(meta), user=True)
    if what == "report":
        _report(w, report)
    _plan(w, report)
    return w.save()
