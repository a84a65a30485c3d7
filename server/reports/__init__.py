"""Exports of one workshop: the action plan and the report of the day, and the JSON archive.

    export(db, workshop_id, fmt, what="report", lang="en") -> Export(data, mimetype, filename)

Every format is built from one data model (model.py), where the privacy
rules are applied once: no author of an anonymous post, no participant id,
vote splits by group with the small-group suppression of
server/domain/agreement.py. The JSON archive (archive.py) is the whole
workshop for moving it to another server; it too never links an anonymous
post to its author. See docs/agreement.md and the README's "Exports".

The server renders PDF and Word files in worker processes (worker.py): export() reads the
database, then hands the model to `render_with`; the CLI renders in its own process.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import agreement as ag
from ..domain.errors import CommandError
from .i18n import LANGUAGES

FORMATS = ("pdf", "docx", "csv", "md", "json")
WHATS = ("report", "plan")
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}


@dataclass
class Export:
    data: bytes
    mimetype: str
    filename: str


def check(fmt: str, what: str, lang: str) -> None:
    """Refuse unknown formats, parts and languages before touching the database."""
    if fmt not in FORMATS:
        raise CommandError("invalid", f"format: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if what not in WHATS:
        raise CommandError("invalid", f"what: choose plan or report (got {what!r})")
    if lang not in LANGUAGES:
        raise CommandError("invalid", f"lang: reports are available in {', '.join(LANGUAGES)} (got {lang!r})")
    if fmt == "csv" and what != "plan":
        raise CommandError("invalid", "what: the CSV export holds the action plan only; use --what plan")


def render(fmt: str, report, what: str, lang: str) -> bytes:
    """The file of one format from the data model: pure, no database (worker.py runs it in a worker process)."""
    from . import markdown, pdf, tables, word
    if fmt == "html_pdf":  # a page written as HTML already (the workspace's printed pack, server/workspace/pack.py)
        from weasyprint import HTML
        return HTML(string=report, base_url=str(pdf.FONTS), url_fetcher=pdf.fonts_only()).write_pdf()
    return {"pdf": pdf.render, "docx": word.render, "csv": tables.plan_csv, "md": markdown.render}[fmt](
        report, what, lang)


def export(db, workshop_id: str, fmt: str, what: str = "report", lang: str = "en",
           k: int = ag.DEFAULT_MIN_GROUP_SIZE, render_with=render) -> Export:
    """`render_with(fmt, report, what, lang) -> bytes` renders the file (the server's: worker.RenderPool.render)."""
    from . import archive, common
    from .model import NotFound, build

    check(fmt, what, lang)
    with db.reading() as s:
        if fmt == "json":
            try:
                data = archive.dump(s, workshop_id)
            except NotFound:
                raise CommandError("not_found", f"There is no workshop with id {workshop_id!r}.") from None
            name = common.filename(data["workshop"]["title"], "archive", "json", lang)
            return Export(archive.encode(data), MIMETYPES["json"], name)
        try:
            report = build(s, workshop_id, k, lang)
        except NotFound:
            raise CommandError("not_found", f"There is no workshop with id {workshop_id!r}.") from None
    return Export(render_with(fmt, report, what, lang), MIMETYPES[fmt],
                  common.filename(report.workshop["title"], what, fmt, lang))

