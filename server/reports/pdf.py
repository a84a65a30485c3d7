"""The action plan and the report of the day as HTML, printed to PDF by WeasyPrint.

Fonts ship with the project (server/reports/fonts/, Vazirmatn under the OFL:
Persian, Arabic and Latin in one family), so Persian shapes correctly on any
machine. The page takes the report language's direction (`<html dir="rtl">`
for Persian). Every piece of user text is isolated in the direction of its
first strong letter, like dir="auto": block text gets `direction`, and inline
text is wrapped in the Unicode isolates LRI/RLI ... PDI, which Pango applies
inside a line (WeasyPrint does not apply `unicode-bidi` to inline boxes). So
a Persian barrier in an English report, or a date in a Persian one, keeps its
own direction without disturbing its neighbours. Charts are inline SVG bars
drawn here; no JavaScript.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

from ..domain import agreement as ag
from ..domain import rules
from . import common as c
from . import day_sections as ds
from .i18n import COUNTER_STYLES, Labels, text_dir
from .model import Report

FONTS = Path(__file__).resolve().parent / "fonts"
BAR_W, BAR_H = 220, 14

CSS = """
@font-face { font-family: "Vazirmatn"; font-weight: 400; src: url("%(regular)s"); }
@font-face { font-family: "Vazirmatn"; font-weight: 700; src: url("%(bold)s"); }
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-center { content: %(page_of)s; font-family: "Vazirmatn"; font-size: 8pt; color: #555; } }
html { font-family: "Vazirmatn", "Noto Sans", "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.45; color: #111; }
h1 { font-size: 18pt; margin: 0 0 2mm 0; }
h2 { font-size: 13pt; margin: 7mm 0 2mm 0; border-bottom: 0.6pt solid #999; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm 0; break-after: avoid; }
p { margin: 1mm 0; }
.meta { color: #444; }
.u { unicode-bidi: isolate; }
table { border-collapse: collapse; width: 100%%; margin: 1.5mm 0 3mm 0; }
th, td { border: 0.4pt solid #bbb; padding: 1mm 1.6mm; vertical-align: top; text-align: start; }
th { background: #eef1f5; font-weight: 700; }
td.n, th.n { text-align: center; width: 1%%; }
td.n { white-space: nowrap; }
th.n { font-size: 7.5pt; }
tr { break-inside: avoid; }
.note { font-size: 8pt; color: #444; }
.keep { break-after: avoid; }
.sub { font-size: 8.5pt; color: #333; margin-inline-start: 4mm; }
table.items td:first-child { width: 50%%; }
table.ranked td:nth-child(2) { width: 50%%; }
.chart td { border: none; padding: 0.5mm 1.5mm; }
.chart td.label { width: 35%%; }
.chart td.bar { width: 1%%; }
.entry { border: 0.5pt solid #999; padding: 2mm 3mm; margin: 0 0 3mm 0; break-inside: avoid; }
.entry h3 { margin-top: 0; }
.entry table td:first-child { width: 28%%; font-weight: 700; background: #f6f7f9; }
"""


# Unicode isolates (LRI, RLI, FSI ... PDI): Pango honours them inside a line, where
# WeasyPrint does not apply `unicode-bidi` to inline elements.
ISOLATE = {"ltr": "\u2066", "rtl": "\u2067", None: "\u2068"}
PDI = "\u2069"


def _u(text: str | None, tag: str = "span", cls: str = "u") -> str:
    """User text in its own direction, isolated from its neighbours.

    The direction is that of the first strong letter (as dir="auto"); text
    with no letter at all (a date, a time) is left-to-right, so "2026-11-25"
    does not turn into "25-11-2026" inside a Persian paragraph.
    """
    d = text_dir(text) or "ltr"
    if tag == "div":
        return f'<div dir="{d}" class="{cls}" style="direction: {d}">{ISOLATE[d]}{escape(text or "")}{PDI}</div>'
    return f'<{tag} class="{cls}">{ISOLATE[d]}{escape(text or "")}{PDI}</{tag}>'


def _bar(value: int | None, top: int, rtl: bool) -> str:
    if value is None or top <= 0:
        return ""
    w = max(1, round(BAR_W * value / top)) if value else 0
    x = BAR_W - w if rtl else 0
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_W}" height="{BAR_H}" '
            f'viewBox="0 0 {BAR_W} {BAR_H}" role="img"><rect x="0" y="0" width="{BAR_W}" height="{BAR_H}" '
            f'fill="#eef1f5"/><rect x="{x}" y="0" width="{w}" height="{BAR_H}" fill="#2f5d8a"/></svg>')


def _chart(t: Labels, title: str, values: dict[str, int | None]) -> str:
    top = max([v for v in values.values() if v is not None] or [0])
    rows = "".join(
        f'<tr><td class="label">{escape(t.group(g))}</td><td class="bar">{_bar(v, top, t.rtl)}</td>'
        f'<td class="n">{c.SUPPRESSED_MARK if v is None else v}</td></tr>' for g, v in values.items())
    return f'<h3>{escape(title)}</h3><table class="chart">{rows}</table>'


def _page_of(t: Labels) -> str:
    """The footer's CSS content, "Page 1 of 6" in the report's language and digits (a bare "1 / 6" read
    "6 / 1" in a right-to-left page)."""
    style = COUNTER_STYLES.get(t.lang, "decimal")
    parts = re.split(r"(\{page\}|\{pages\})", t("page_of"))
    css = {"{page}": f"counter(page, {style})", "{pages}": f"counter(pages, {style})"}
    return " ".join(css.get(p) or '"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts if p)


def _head(t: Labels, report: Report, title: str) -> str:
    css = CSS % {"regular": (FONTS / "Vazirmatn-Regular.ttf").as_uri(), "bold": (FONTS / "Vazirmatn-Bold.ttf").as_uri(),
                 "page_of": _page_of(t)}
    ws = report.workshop
    meta = [f'{escape(t("generated"))}: {_u(c.when(report.generated_at))}']
    if ws.get("date"):
        meta.insert(0, f'{escape(t("date"))}: {_u(ws["date"])}')
    if ws.get("place"):
        meta.insert(1, f'{escape(t("place"))}: {_u(ws["place"])}')
    return (f'<!doctype html><html lang="{t.lang}" dir="{t.dir}"><head><meta charset="utf-8">'
            f'<title>{escape(title)} — {escape(ws["title"])}</title><style>{css}</style></head><body>'
            f'<h1>{escape(title)}</h1><p>{_u(ws["title"], "strong")}</p><p class="meta">{" · ".join(meta)}</p>')


def _plan(t: Labels, report: Report, heading: bool = True) -> str:
    out = [f'<h2>{escape(t("plan_title"))}</h2>'] if heading else []
    if not report.plan:
        out.append(f'<p>{escape(t("none"))}</p>')
    for e in report.plan:
        f = e["fields"]
        rows = []
        if e["room_name"]:
            rows.append(f'<tr><td>{escape(t.field("solution_room"))}</td><td>{_u(e["room_name"], "div")}</td></tr>')
        for name in c.PLAN_SHOWN:
            value = t.status(f[name]) if name == "status" else f[name]
            if value:
                rows.append(f'<tr><td>{escape(t.field(name))}</td><td>{_u(value, "div")}</td></tr>')
        for name in rules.CO_LEAD_FIELDS:
            who = t.person(e["co_leads"][name])
            if who:
                rows.append(f'<tr><td>{escape(t.field(name))}</td><td>{_u(who, "div")}</td></tr>')
        if e["notes"]:
            notes = "".join(_u(t.note(n), "div") for n in e["notes"])
            rows.append(f'<tr><td>{escape(t.field("notes"))}</td><td>{notes}</td></tr>')
        out.append(f'<div class="entry"><h3>{e["position"]}. {_u(f["title"])}</h3><table>{"".join(rows)}</table></div>')
    return "".join(out)


def _council(t: Labels, report: Report) -> str:
    out = [f'<h2>{escape(t("council"))}</h2>']
    if not report.council:
        out.append(f'<p>{escape(t("none"))}</p>')
    else:
        rows = "".join(f'<tr><td>{_u(m.name) if m.name else escape(t("no_name"))}</td>'
                       f'<td>{escape(t.group(m.group))}</td><td>{escape(t.role(m.role))}</td></tr>'
                       for m in report.council)
        out.append(f'<table><tr><th>{escape(t("name"))}</th><th>{escape(t("group"))}</th>'
                   f'<th>{escape(t("role"))}</th></tr>{rows}</table>')
    out.append(f'<p class="note">{escape(t("council_volunteers"))}: {report.volunteers}</p>')
    return "".join(out)


def _split_head(t: Labels) -> str:
    """Police, community (every other sector together) and government/other where the workshop has it; then agreement."""
    return "".join(f'<th class="n">{escape(x)}</th>' for x in c.split_header(t))


def _split_row(s: ag.Support) -> str:
    return "".join(f'<td class="n">{escape(x)}</td>' for x in c.split_cells(s))


def _community_detail(t: Labels, s: ag.Support) -> str:
    """The community side's sectors separately, under the item, when they can be shown."""
    parts = [f'{escape(t.group(g))} {escape(c.cell_text(s.groups[g]))}' for g in t.layout.sides["community"]
             if s.groups[g].status == ag.SHOWN]
    return f'<div class="note">{" · ".join(parts)}</div>' if parts else ""


def _agenda(t: Labels, report: Report) -> str:
    if not report.agenda:
        return ""
    items = "".join(f'<li>{escape(t.segment(kind))}'
                    f'{" <span class=note>(" + escape(t("agenda_not_reached")) + ")</span>" if c.not_reached(report, n) else ""}'
                    f'</li>' for n, kind in enumerate(report.agenda))
    style = COUNTER_STYLES.get(t.lang, "decimal")
    return f'<h2>{escape(t("agenda"))}</h2><ol style="list-style-type: {style}">{items}</ol>'


def _priorities(t: Labels, report: Report) -> str:
    if not report.priorities:
        return ""
    rows = "".join(f'<tr><td class="n">{p.rank}</td><td>{_u(p.text)}<div class="note">{_u(p.room_name)}'
                   f'</div>{_community_detail(t, p.support)}</td><td class="n">{p.votes}</td>{_split_row(p.support)}</tr>'
                   for p in report.priorities)
    return (f'<h2>{escape(t("priorities"))}</h2><p class="note keep">{escape(t("priorities_intro"))}</p>'
            f'<table class="ranked"><tr><th class="n">{escape(t("rank"))}</th><th>{escape(t("plenary_item"))}</th>'
            f'<th class="n">{escape(t("plenary_votes"))}</th>{_split_head(t)}</tr>{rows}</table>')


def _strengths(t: Labels, report: Report) -> str:
    if not report.strengths:
        return ""
    out = [f'<h2>{escape(t("strengths"))}</h2>']
    for g in report.strengths:
        out.append(f'<h3>{_room_title(t, g.room_name, g.sectors)}</h3><table class="items">')
        for x in g.strengths:
            extra = f'<div class="note">{escape(t("by"))} {_u(x.author_name)}</div>' if x.author_name else ""
            if x.member_texts:
                extra += (f'<div class="note">{escape(t("merged_from"))}: '
                          + " | ".join(_u(m) for m in x.member_texts) + "</div>")
            out.append(f'<tr><td>{_u(x.text)}{extra}</td></tr>')
        out.append("</table>")
    return "".join(out)


def _solution_rooms(t: Labels, report: Report) -> str:
    if not report.solution_rooms:
        return ""
    out = [f'<h2>{escape(t("solution_rooms"))}</h2>']
    for r in report.solution_rooms:
        out.append(f'<h3>{_u(r.room_name)}</h3>')
        for d in r.drafts:
            rows = "".join(f'<tr><td>{escape(t.field(name))}</td><td>{_u(value, "div")}</td></tr>'
                           for name, value in d["fields"].items() if value)
            body = f'<table>{rows}</table>' if rows else f'<p>{escape(t("none"))}</p>'
            out.append(f'<div class="entry"><h3>{_draft_title(t, d)}</h3>{body}</div>')
    return "".join(out)


def _draft_title(t: Labels, draft: dict) -> str:
    """ "Priority 1: <title>" in the report's words, the title (user text) isolated in its own direction."""
    if draft["rank"] is None:
        return _u(draft["title"])
    return escape(t("priority_title", rank=t.number(draft["rank"]), title="\x00")).replace("\x00", _u(draft["title"]))


def _room_title(t: Labels, name: str, sectors: list[str]) -> str:
    """A room's name (user text) with the sectors it gathered (the report's words)."""
    return _u(name) + (f' — {escape(t.sectors(sectors))}' if sectors else "")


def _pulse(t: Labels, report: Report) -> str:
    pulse = report.pulse
    if pulse is None:
        return ""
    head = "".join(f'<th{" class=n" if n else ""}>{escape(x)}</th>' for n, x in enumerate(ds.pulse_header(t, pulse)))
    out = [f'<h2>{escape(t("pulse_title"))}</h2><p class="note keep">{escape(t("pulse_intro"))}</p>'
           f'<p>{escape(ds.pulse_answered(t, pulse))}</p>']
    for s in pulse.statements:
        rows = "".join(f'<tr><td>{escape(row[0])}</td>' + "".join(f'<td class="n">{_u(x)}</td>' for x in row[1:])
                       + "</tr>" for row in ds.pulse_rows(t, pulse, s))
        out.append(f'<div class="entry"><h3>{_u(ds.statement_text(t, s))}</h3><table>'
                   f'<tr>{head}</tr>{rows}</table></div>')
    out.append(f'<p class="note">{escape(ds.pulse_note(t, report.k))}</p>')
    return "".join(out)


def _election(t: Labels, report: Report) -> str:
    election = report.election
    if election is None:
        return ""

    def table(first: str, rows) -> str:
        # the name (user text) in its own direction, the sector in the report's words after it
        body = "".join(f'<tr><td>{escape(a)}</td><td>{_u(name)}{" · " + escape(sector) if sector else ""}</td>'
                       f'<td>{escape(how)}</td></tr>' for a, name, sector, how in rows)
        return (f'<table><tr><th>{escape(first)}</th><th>{escape(t("election_member"))}</th>'
                f'<th>{escape(t("election_how"))}</th></tr>{body}</table>')
    return (f'<h2>{escape(t("election_title"))}</h2><p class="note keep">{escape(t("election_intro"))}</p>'
            + table(t("election_sector"), [(a, name, "", how) for a, name, how in ds.election_sector_rows(t, election)])
            + f'<h3>{escape(t("election_co_chairs"))}</h3>'
            + table(t("election_co_chair"), ds.election_co_chair_rows(t, election)))


def _report(t: Labels, report: Report) -> str:
    out = [_agenda(t, report), _pulse(t, report)]
    # participation
    out.append(f'<h2>{escape(t("participation"))}</h2>')
    head = "".join(f'<th class="n">{escape(t.group(g))}</th>' for g in report.groups)
    rows = "".join(f'<tr><td>{_u(r.name)}</td>' + "".join(f'<td class="n">{r.sizes.get(g, 0)}</td>' for g in report.groups)
                   + f'<td class="n">{r.people}</td></tr>' for r in report.rooms)
    total = ("".join(f'<td class="n">{report.participation.get(g, 0)}</td>' for g in report.groups)
             + f'<td class="n">{report.people}</td>')
    out.append(f'<table><tr><th>{escape(t("room"))}</th>{head}<th class="n">{escape(t("total"))}</th></tr>{rows}'
               f'<tr><th>{escape(t("total"))}</th>{total}</tr></table>')
    out.append(_chart(t, t("participation_chart"), dict(report.participation)))
    out.append(_chart(t, t("votes_chart"), dict(report.votes_by_group)))

    # common ground
    out.append(f'<h2>{escape(t("common_ground"))}</h2><p class="note">{escape(t("common_ground_intro"))}</p>')
    ranked = report.common_ground[:15]
    if not ranked:
        out.append(f'<p>{escape(t("none"))}</p>')
    else:
        rows = "".join(
            f'<tr><td>{_u(x["text"])}<div class="note">{escape(c.kind_label(t, x["kind"]))}'
            f'{" · " + _u(x["room_name"]) if x["kind"] != "plenary" else ""}</div></td>'
            f'<td class="n">{x["support"].total}</td>'
            f'<td class="n">{escape(c.cell_text(x["support"].sides["police"]))}</td>'
            f'<td class="n">{escape(c.cell_text(x["support"].sides["community"]))}</td>'
            f'<td class="n">{escape(c.pct(x["support"].agreement))}</td></tr>' for x in ranked)
        out.append(f'<table><tr><th>{escape(t("item"))}</th><th class="n">{escape(t("votes"))}</th>'
                   f'<th class="n">{escape(t("police"))}</th><th class="n">{escape(t("community"))}</th>'
                   f'<th class="n">{escape(t("agreement"))}</th></tr>{rows}</table>')
    note = f'<p class="note">{escape(t("split_note"))} {escape(t("suppressed_note", k=report.k))}</p>'
    out.append(note)

    # plenary
    out.append(f'<h2>{escape(t("plenary"))}</h2>')
    if not report.plenary:
        out.append(f'<p>{escape(t("none"))}</p>')
    else:
        rows = []
        for i in report.plenary:
            sols = "".join(f'<div class="sub">• {_u(s["text"])} ({s["votes"]})</div>' for s in i.solutions)
            rows.append(f'<tr><td>{_u(i.text)}<div class="note">{_u(i.room_name)}'
                        f'{" · " + escape(t("in_plan")) if i.planned else ""}</div>{_community_detail(t, i.support)}{sols}</td>'
                        f'<td class="n">{i.room_votes}</td><td class="n">{i.votes}</td>{_split_row(i.support)}</tr>')
        out.append(f'<table class="items"><tr><th>{escape(t("plenary_item"))}</th><th class="n">{escape(t("room_votes"))}</th>'
                   f'<th class="n">{escape(t("plenary_votes"))}</th>{_split_head(t)}</tr>{"".join(rows)}</table>')
    out.append(_priorities(t, report))
    out.append(_strengths(t, report))

    # rooms: barriers, solutions, merges
    out.append(f'<h2>{escape(t("barriers"))}</h2>')
    for r in report.rooms:
        out.append(f'<h3>{_room_title(t, r.name, r.sectors)} · {escape(t.phase(r.phase))} · {r.people} '
                   f'{escape(t("people"))}</h3>')
        if not r.barriers:
            out.append(f'<p>{escape(t("none"))}</p>')
            continue
        rows = []
        for b in r.barriers:
            extra = ""
            if b.author_name:
                extra += f'<div class="note">{escape(t("by"))} {_u(b.author_name)}</div>'
            if b.member_texts:
                extra += (f'<div class="note">{escape(t("merged_from"))}: '
                          + " | ".join(_u(m) for m in b.member_texts) + "</div>")
            for s in b.solutions:
                by = f' — {escape(t("by"))} {_u(s.author_name)}' if s.author_name else ""
                extra += f'<div class="sub">→ {_u(s.text)} ({s.votes}){by}</div>'
            rows.append(f'<tr><td>{_u(b.text)}{_community_detail(t, b.support)}{extra}</td><td class="n">{b.votes}</td>'
                        f'{_split_row(b.support)}</tr>')
        out.append(f'<table class="items"><tr><th>{escape(t("barrier"))}</th><th class="n">{escape(t("votes"))}</th>'
                   f'{_split_head(t)}</tr>{"".join(rows)}</table>')
        if r.merges:
            items = "".join(
                f'<div class="sub">{_u(m.shared_text)} ← {" | ".join(_u(x) for x in m.member_texts)}'
                f'{" (" + escape(t("merge_undone")) + ")" if m.undone else ""}'
                f'{f" · {m.returned_votes} " + escape(t("returned_votes")) if m.returned_votes else ""}</div>'
                for m in r.merges)
            out.append(f'<p class="note"><strong>{escape(t("merges"))}</strong></p>{items}')
    out.append(note)
    out.append(_solution_rooms(t, report))
    out.append(_election(t, report))

    # moderation
    m = report.moderation
    out.append(f'<h2>{escape(t("moderation"))}</h2><table>' + "".join(
        f'<tr><td>{escape(t(key))}</td><td class="n">{n}</td></tr>' for key, n in c.hidden_counts(report))
        + "</table>")
    if m["reasons"]:
        out.append(f'<h3>{escape(t("reasons"))}</h3>' + "".join(
            f'<div class="sub">• {_u(x["reason"])} <span class="note">({escape(c.kind_label(t, x["kind"]))}'
            f'{", " + _u(x["room_name"]) if x["room_name"] else ""})</span></div>' for x in m["reasons"]))
    out.append(f'<h3>{escape(t("moderation_actions"))}</h3><table>' + "".join(
        f'<tr><td>{escape(t("mod_" + k))}</td><td class="n">{n}</td></tr>' for k, n in m["actions"].items())
        + "</table>")
    out.extend(f'<div class="sub">• {_u(x["reason"])} <span class="note">({escape(t("mod_" + x["action"]))}'
               f'{", " + _u(x["room_name"]) if x["room_name"] else ""})</span></div>' for x in m["action_reasons"])

    # timeline
    out.append(f'<h2>{escape(t("timeline"))}</h2>')
    if report.timeline:
        rows = "".join(f'<tr><td class="n">{_u(c.clock(x.at))}</td><td>{escape(c.actor(t, x))}</td>'
                       f'<td>{_u(c.timeline_line(t, x))}</td></tr>' for x in report.timeline)
        out.append(f'<table><tr><th class="n">{escape(t("time"))}</th><th>{escape(t("who"))}</th>'
                   f'<th>{escape(t("what"))}</th></tr>{rows}</table>')
    else:
        out.append(f'<p>{escape(t("none"))}</p>')
    return "".join(out)


def html(report: Report, what: str, lang: str) -> str:
    t = Labels(lang).for_report(report)
    if what == "plan":
        body = _plan(t, report, heading=False) + _council(t, report)
        title = t("plan_title")
    else:
        body = _report(t, report) + _plan(t, report) + _council(t, report)
        title = t("report_title")
    return _head(t, report, title) + body + "</body></html>"


def render(report: Report, what: str, lang: str) -> bytes:
    from weasyprint import HTML
    return HTML(string=html(report, what, lang), base_url=str(FONTS), url_fetcher=fonts_only()).write_pdf()


def fonts_only():
    """WeasyPrint's URL fetcher, allowed to read the shipped fonts and nothing else: user text is escaped
    already, and this way no text that slipped through could make the renderer fetch a URL or a file."""
    from weasyprint.urls import URLFetcher

    allowed = FONTS.resolve().as_uri() + "/"

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(allowed) or ".." in url:
                raise ValueError(f"the report renderer reads only its own fonts, not {url[:80]!r}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=("file",))
