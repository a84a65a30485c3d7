"""The printed pack of a workshop, one PDF per language (WeasyPrint, the reports' fonts and their
direction handling, server/reports/pdf.py): a poster with the join QR and code; one page per room for its
facilitator, with their private QR and a short run of the day; a sign-in sheet per sector.
"""
from __future__ import annotations

from html import escape

import segno

from ..domain import sectors as sc
from ..reports.pdf import FONTS, _u
from .i18n import T

SIGN_IN_ROWS = 14

CSS = """
@font-face { font-family: "Vazirmatn"; font-weight: 400; src: url("%(regular)s"); }
@font-face { font-family: "Vazirmatn"; font-weight: 700; src: url("%(bold)s"); }
@page { size: A4; margin: 16mm 14mm; }
html { font-family: "Vazirmatn", "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45; color: #111; }
section { break-after: page; }
section:last-child { break-after: auto; }
h1 { font-size: 26pt; margin: 0 0 4mm 0; text-align: center; }
h2 { font-size: 16pt; margin: 0 0 3mm 0; }
.center { text-align: center; }
.qr { text-align: center; margin: 8mm 0; }
.qr svg { width: 95mm; height: 95mm; }
.room .qr svg { width: 60mm; height: 60mm; }
.code { font-size: 44pt; font-weight: 700; letter-spacing: 4pt; text-align: center; direction: ltr; margin: 2mm 0; }
.url { text-align: center; direction: ltr; font-size: 12pt; }
.meta { text-align: center; color: #333; }
.private { border: 1pt solid #a33; padding: 2mm 3mm; color: #700; }
ol { margin: 2mm 0; padding-inline-start: 8mm; }
html[lang="fa"] ol { list-style-type: persian; }
table { border-collapse: collapse; width: 100%%; }
th, td { border: 0.5pt solid #888; padding: 2.5mm 2mm; text-align: start; }
th { background: #eef1f5; }
td.n { width: 1%%; text-align: center; }
"""


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def _head(t: T) -> str:
    css = CSS % {"regular": (FONTS / "Vazirmatn-Regular.ttf").as_uri(), "bold": (FONTS / "Vazirmatn-Bold.ttf").as_uri()}
    return (f'<!doctype html><html lang="{t.lang}" dir="{t.dir}"><head><meta charset="utf-8">'
            f'<title>{escape(t("workspace.pack.title"))}</title><style>{css}</style></head><body>')


def html(session, ws, base: str, links: dict, lang: str) -> str:
    t = T(lang)
    join = f"{base}/j/{ws.join_code}"
    meta = " · ".join(_u(x) for x in (ws.date, ws.place) if x)
    out = [_head(t), '<section class="poster">', f'<h1>{_u(ws.title)}</h1>']
    if meta:
        out.append(f'<p class="meta">{meta}</p>')
    out += [f'<p class="center">{escape(t("workspace.pack.scan"))}</p>', f'<div class="qr">{_qr(join)}</div>',
            f'<p class="center">{escape(t("workspace.pack.or_code"))}</p>',
            f'<p class="code">{escape(ws.join_code)}</p>',
            f'<p class="url">{escape(join)}</p>', "</section>"]
    run = "".join(f"<li>{escape(t('segment.' + k))}</li>" for k in ws.agenda)
    for room in links["facilitators"]:
        heading = escape(t("workspace.pack.room", n=t.number(room["number"])))
        if room["name"] != f"Room {room['number']}":  # a name the organiser gave
            heading += f": {_u(room['name'])}"
        out += ['<section class="room">', f"<h2>{heading}</h2>", f"<p>{_u(ws.title)}</p>"]
        if room["url"]:
            out += [f'<p>{escape(t("workspace.pack.facilitator_scan"))}</p>',
                    f'<div class="qr">{_qr(room["url"])}</div>',
                    f'<p class="private">{escape(t("workspace.pack.private"))}</p>']
        else:
            out.append(f'<p class="private">{escape(t("workspace.pack.no_link"))}</p>')
        out += [f'<h2>{escape(t("workspace.pack.run"))}</h2>', f"<ol>{run}</ol>",
                f'<p>{escape(t("workspace.pack.join_code"))}: <span dir="ltr">{escape(ws.join_code)}</span></p>',
                "</section>"]
    for sector in sc.sector_views(session, ws.id):
        name = (sector.get("names") or {}).get(lang) or next(iter((sector.get("names") or {}).values()), sector["key"])
        rows = "".join(f'<tr><td class="n">{t.number(i)}</td><td></td><td></td><td></td></tr>'
                       for i in range(1, SIGN_IN_ROWS + 1))
        out += ['<section class="sheet">', f'<h2>{escape(t("workspace.pack.sign_in"))}: {_u(name)}</h2>',
                f'<p>{_u(ws.title)}</p>',
                f'<table><tr><th class="n">#</th><th>{escape(t("workspace.pack.name"))}</th>'
                f'<th>{escape(t("workspace.pack.organisation"))}</th><th>{escape(t("workspace.pack.signature"))}</th></tr>'
                f"{rows}</table>", "</section>"]
    out.append("</body></html>")
    return "".join(out)


def render(session, ws, base: str, links: dict, lang: str, render_with=None) -> bytes:
    """The pack's PDF. `render_with` is the server's render pool (server/reports/worker.py: off the event loop,
    like the reports' PDFs); without it the PDF is printed here."""
    page = html(session, ws, base, links, lang)
    if render_with is not None:
        return render_with("html_pdf", page, "pack", lang)
    from ..reports import render as print_here
    return print_here("html_pdf", page, "pack", lang)
