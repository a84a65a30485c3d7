"""The action plan and the report of the day as Markdown.

Markdown has no text direction; a Persian report is wrapped in
`<div dir="rtl">`, which GitHub, GitLab and most viewers honour.
"""
from __future__ import annotations

from ..domain import agreement as ag
from ..domain import rules
from . import common as c
from . import day_sections as ds
from .i18n import Labels
from .model import Report


def _esc(text: str | None) -> str:
    """Table- and markup-safe single line."""
    text = (text or "").replace("\r", " ").replace("\n", " ")
    for ch in "\\|*_`[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_esc(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out + [""]


def _plan(t: Labels, report: Report) -> list[str]:
    out = [f'## {t("plan_title")}', ""]
    if not report.plan:
        out += [t("none"), ""]
    for e in report.plan:
        f = e["fields"]
        out += [f'### {e["position"]}. {_esc(f["title"])}', ""]
        if e["room_name"]:
            out.append(f'- **{t.field("solution_room")}:** {_esc(e["room_name"])}')
        for name in c.PLAN_SHOWN:
            value = t.status(f[name]) if name == "status" else f[name]
            if value:
                out.append(f'- **{t.field(name)}:** {_esc(value)}')
        for name in rules.CO_LEAD_FIELDS:
            who = t.person(e["co_leads"][name])
            if who:
                out.append(f'- **{t.field(name)}:** {_esc(who)}')
        if e["notes"]:
            out.append(f'- **{t.field("notes")}:**')
            out += [f'  - {_esc(t.note(n))}' for n in e["notes"]]
        out.append("")
    out += [f'## {t("council")}', ""]
    if report.council:
        out += _table([t("name"), t("group"), t("role")],
                      [[_esc(m.name) if m.name else t("no_name"), t.group(m.group), t.role(m.role)]
                       for m in report.council])
    else:
        out += [t("none"), ""]
    out += [f'{t("council_volunteers")}: {report.volunteers}', ""]
    return out


def _split(s: ag.Support) -> list[str]:
    return [_esc(x) for x in c.split_cells(s)]


def _agenda(t: Labels, report: Report) -> list[str]:
    if not report.agenda:
        return []
    out = [f'## {t("agenda")}', ""]
    for n, kind in enumerate(report.agenda):
        later = f' _({t("agenda_not_reached")})_' if c.not_reached(report, n) else ""
        out.append(f'{n + 1}. {_esc(t.segment(kind))}{later}')
    return out + [""]


def _priorities(t: Labels, report: Report) -> list[str]:
    if not report.priorities:
        return []
    out = [f'## {t("priorities")}', "", t("priorities_intro"), ""]
    return out + _table([t("rank"), t("plenary_item"), t("room"), t("plenary_votes"), *c.split_header(t)],
                        [[str(p.rank), _esc(p.text), _esc(p.room_name), str(p.votes), *_split(p.support)]
                         for p in report.priorities])


def _strengths(t: Labels, report: Report) -> list[str]:
    if not report.strengths:
        return []
    out = [f'## {t("strengths")}', ""]
    for g in report.strengths:
        out += [f'### {_esc(c.room_title(t, g.room_name, g.sectors))}', ""]
        for x in g.strengths:
            by = f' — {t("by")} {_esc(x.author_name)}' if x.author_name else ""
            out.append(f'- {_esc(x.text)}{by}')
            if x.member_texts:
                out.append(f'  - {t("merged_from")}: ' + " \\| ".join(_esc(m) for m in x.member_texts))
        out.append("")
    return out


def _solution_rooms(t: Labels, report: Report) -> list[str]:
    if not report.solution_rooms:
        return []
    out = [f'## {t("solution_rooms")}', ""]
    for r in report.solution_rooms:
        out += [f'### {_esc(r.room_name)}', ""]
        for d in r.drafts:
            out += [f'#### {_esc(c.draft_title(t, d))}', ""]
            out += [f'- **{t.field(name)}:** {_esc(value)}' for name, value in d["fields"].items() if value]
            if not any(d["fields"].values()):
                out.append(t("none"))
            out.append("")
    return out


def _pulse(t: Labels, report: Report) -> list[str]:
    pulse = report.pulse
    if pulse is None:
        return []
    out = [f'## {t("pulse_title")}', "", t("pulse_intro"), "", _esc(ds.pulse_answered(t, pulse)), ""]
    for s in pulse.statements:
        out += [f'### {_esc(ds.statement_text(t, s))}', ""]
        out += _table(ds.pulse_header(t, pulse), [[_esc(x) for x in row] for row in ds.pulse_rows(t, pulse, s)])
    return out + [f'_{_esc(ds.pulse_note(t, report.k))}_', ""]


def _election(t: Labels, report: Report) -> list[str]:
    election = report.election
    if election is None:
        return []
    out = [f'## {t("election_title")}', "", t("election_intro"), ""]
    out += _table([t("election_sector"), t("election_member"), t("election_how")],
                  [[_esc(x) for x in row] for row in ds.election_sector_rows(t, election)])
    out += [f'### {t("election_co_chairs")}', ""]
    return out + _table([t("election_co_chair"), t("election_member"), t("election_how")],
                        [[_esc(role), _esc(ds.with_sector(name, sector)), _esc(how)]
                         for role, name, sector, how in ds.election_co_chair_rows(t, election)])


def _report(t: Labels, report: Report) -> list[str]:
    groups = [t.group(g) for g in report.groups]
    out = _agenda(t, report)
    out += _pulse(t, report)
    out += [f'## {t("participation")}', ""]
    out += _table([t("room"), *groups, t("total")],
                  [[_esc(r.name), *[str(r.sizes.get(g, 0)) for g in report.groups], str(r.people)] for r in report.rooms]
                  + [[f'**{t("total")}**', *[str(report.participation.get(g, 0)) for g in report.groups],
                      str(report.people)]])
    out += [f'### {t("votes_chart")}', ""]
    out += _table([t("group"), t("votes")], [[t.group(g), _esc(c.SUPPRESSED_MARK if v is None else str(v))]
                                             for g, v in report.votes_by_group.items()])
    out += [f'## {t("common_ground")}', "", t("common_ground_intro"), ""]
    if report.common_ground:
        out += _table([t("item"), t("kind"), t("votes"), t("police"), t("community"), t("agreement")],
                      [[_esc(x["text"]), c.kind_label(t, x["kind"]), str(x["support"].total),
                        _esc(c.cell_text(x["support"].sides["police"])),
                        _esc(c.cell_text(x["support"].sides["community"])), _esc(c.pct(x["support"].agreement))]
                       for x in report.common_ground[:15]])
    else:
        out += [t("none"), ""]
    note = [f'_{t("split_note")} {_esc(t("suppressed_note", k=report.k))}_', ""]
    out += note
    out += [f'## {t("plenary")}', ""]
    if report.plenary:
        out += _table([t("plenary_item"), t("room"), t("room_votes"), t("plenary_votes"), *c.split_header(t)],
                      [[_esc(i.text), _esc(i.room_name), str(i.room_votes), str(i.votes), *_split(i.support)]
                       for i in report.plenary])
    else:
        out += [t("none"), ""]
    out += _priorities(t, report)
    out += _strengths(t, report)
    out += [f'## {t("barriers")}', ""]
    for r in report.rooms:
        out += [f'### {_esc(c.room_title(t, r.name, r.sectors))} · {t.phase(r.phase)} · {r.people} {t("people")}', ""]
        if not r.barriers:
            out += [t("none"), ""]
            continue
        out += _table([t("barrier"), t("votes"), *c.split_header(t)],
                      [[_esc(b.text), str(b.votes), *_split(b.support)] for b in r.barriers])
        for b in r.barriers:
            if c.community_detail(t, b.support):
                out.append(f'- {_esc(b.text)} — {_esc(c.community_detail(t, b.support))}')
            if b.author_name:
                out.append(f'- {_esc(b.text)} — {t("by")} {_esc(b.author_name)}')
            if b.member_texts:
                out.append(f'- {t("merged_from")}: ' + " \\| ".join(_esc(m) for m in b.member_texts))
            for s in b.solutions:
                by = f' — {t("by")} {_esc(s.author_name)}' if s.author_name else ""
                out.append(f'- {t("solution")}: {_esc(s.text)} ({s.votes}){by}')
        for m in r.merges:
            undone = f' ({t("merge_undone")})' if m.undone else ""
            out.append(f'- {t("merges")}: {_esc(m.shared_text)} ← ' + " \\| ".join(_esc(x) for x in m.member_texts)
                       + undone)
        out.append("")
    out += note
    out += _solution_rooms(t, report)
    out += _election(t, report)
    m = report.moderation
    out += [f'## {t("moderation")}', ""]
    out += _table([t("moderation"), t("total")], [[t(key), str(n)] for key, n in c.hidden_counts(report)])
    for x in m["reasons"]:
        out.append(f'- {_esc(x["reason"])} ({c.kind_label(t, x["kind"])}'
                   f'{", " + _esc(x["room_name"]) if x["room_name"] else ""})')
    out += ["", f'### {t("moderation_actions")}', ""]
    out += _table([t("what"), t("total")], [[t(f"mod_{k}"), str(n)] for k, n in m["actions"].items()])
    for x in m["action_reasons"]:
        out.append(f'- {_esc(x["reason"])} ({t("mod_" + x["action"])}'
                   f'{", " + _esc(x["room_name"]) if x["room_name"] else ""})')
    out += ["", f'## {t("timeline")}', ""]
    if report.timeline:
        out += _table([t("time"), t("who"), t("what")],
                      [[c.clock(x.at), c.actor(t, x), _esc(c.timeline_line(t, x))] for x in report.timeline])
    else:
        out += [t("none"), ""]
    return out


def render(report: Report, what: str, lang: str) -> bytes:
    t = Labels(lang).for_report(report)
    ws = report.workshop
    lines = [f'# {t("plan_title") if what == "plan" else t("report_title")}: {_esc(ws["title"])}', ""]
    meta = [_esc(x) for x in (ws.get("date"), ws.get("place")) if x]
    meta.append(f'{t("generated")}: {c.when(report.generated_at)}')
    lines += [" · ".join(meta), ""]
    if what == "report":
        lines += _report(t, report)
    lines += _plan(t, report)
    text = "\n".join(lines).rstrip() + "\n"
    if t.rtl:
        text = f'<div dir="rtl" lang="{t.lang}">\n\n{text}\n</div>\n'
    return text.encode("utf-8")
