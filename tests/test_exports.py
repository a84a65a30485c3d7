"""Exports (server/reports/): PDF, Word, CSV, Markdown and the JSON archive of a played day,
read back with pypdf, python-docx and csv; the anonymity scan; the CLI and HTTP refusals.

The day is played once per backend (tests/report_day.py) and each export is
made once and shared by the tests that read it.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import select

from server import cli
from server.domain import agreement as ag
from server.models import FacilitatorInvite
from server.reports import FORMATS, export
from server.reports.i18n import CATALOGUE
from server.reports.model import build

from .board import table_counts
from .conftest import Day, make_app
from .report_day import play

# Bidi isolates the PDF adds, and the zero-width non-joiner pypdf drops from Persian words.
INVISIBLE = re.compile("[\u2066-\u2069\u200c\u200e\u200f]")


def plain(text: str) -> str:
    return INVISIBLE.sub("", text)


class Played:
    """One played day on one backend, with its exports made once each."""

    def __init__(self, url: str):
        self.app = make_app(url)
        self.day = Day(self.app)
        self.info = play(self.day)
        self.db = self.day.db
        self._cache: dict = {}

    def get(self, fmt: str, what: str = "report", lang: str = "en") -> bytes:
        key = (fmt, what, lang)
        if key not in self._cache:
            self._cache[key] = export(self.db, self.info.workshop_id, fmt, what, lang).data
        return self._cache[key]

    def close(self):
        self.day.close()
        self.app.extensions["common_ground_db"].dispose()


_days: dict[str, Played] = {}


@pytest.fixture(scope="module")
def days():
    yield _days
    for d in _days.values():
        d.close()
    _days.clear()


@pytest.fixture(params=["sqlite", "postgres"])
def played(request, days, tmp_path_factory) -> Played:
    if request.param not in days:
        url = (f"sqlite:///{tmp_path_factory.mktemp('exports') / 'day.sqlite3'}" if request.param == "sqlite"
               else request.getfixturevalue("postgres_url"))
        days[request.param] = Played(url)
    return days[request.param]


@pytest.fixture
def played_sqlite(days, tmp_path_factory) -> Played:
    """PDF rendering does not depend on the database: these tests run once."""
    if "sqlite" not in days:
        days["sqlite"] = Played(f"sqlite:///{tmp_path_factory.mktemp('exports') / 'day.sqlite3'}")
    return days["sqlite"]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return plain("\n".join(page.extract_text() for page in reader.pages))


def docx_text(data: bytes) -> tuple[docx.document.Document, str]:
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return doc, "\n".join(parts)


def texts_in_order(haystack: str, needles: list[str]) -> bool:
    at = -1
    for n in needles:
        at = haystack.find(plain(n), at + 1)
        if at < 0:
            return False
    return True


# -- the data model ------------------------------------------------------------------------

def test_report_model_splits_votes_by_group_with_suppression(played):
    with played.db.reading() as s:
        report = build(s, played.info.workshop_id)
    room1, room2 = report.rooms
    assert room1.sizes == {"law_enforcement": 4, "community_member": 4, "community_org": 1, "government_other": 0}
    shared = next(b for b in room1.barriers if b.shared)
    assert shared.votes == 6 and shared.member_texts == ["مترجم فارسی در کلانتری نیست", "No interpreters at the front desk"]
    # Room 1 has one community_org member: that split and its complement are hidden; the sides are shown.
    assert shared.support.groups["community_org"].status == ag.SUPPRESSED
    assert shared.support.groups["community_member"].status == ag.SUPPRESSED
    assert (shared.support.sides["police"].votes, shared.support.sides["community"].votes) == (2, 4)
    assert shared.support.agreement == pytest.approx(0.5)
    # Room 2: the lone government/other member pools with the community side
    # (their own split and the two community-org members' are hidden), so the
    # room keeps its agreement scores.
    assert all(b.support.groups["government_other"].status == ag.SUPPRESSED for b in room2.barriers)
    assert all(b.support.groups["community_org"].status == ag.SUPPRESSED for b in room2.barriers)
    assert all(b.support.agreement is not None for b in room2.barriers)
    scored = [row["support"].agreement for row in report.common_ground if row["support"].agreement is not None]
    assert scored and scored == sorted(scored, reverse=True)
    assert {row["room_name"] for row in report.common_ground} >= {room1.name, room2.name}
    # The hidden post is only counted, with its reason; its text appears nowhere in the model.
    assert report.moderation["hidden"] == {"barrier": 1, "solution": 0}
    assert report.moderation["reasons"][0]["reason"] == "Personal attack"
    assert "Insulting text" not in repr(report)
    assert [m.name for m in report.council] == played.info.council_names
    assert [e["fields"]["title"] for e in report.plan][2] == "Quarterly open meeting, police and residents"


# -- PDF ------------------------------------------------------------------------------------

def test_pdf_report_in_english_has_every_room_item_in_order(played_sqlite):
    data = played_sqlite.get("pdf", "report", "en")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for heading in ("Report of the day", "Participation", "Common ground", "Plenary board", "Barriers to trust",
                    "Moderation", "Timeline", "Action plan", "Council"):
        assert heading in text
    # Room 1's barriers by dots, English and Persian mixed, in the order of the table.
    assert texts_in_order(text, ["Room 1", "No interpreters (Persian, Spanish) at the station",
                                 "Officers never explain why a car is stopped", "Nadie explica cómo presentar una queja",
                                 "مردم از تلافی می‌ترسند و شکایت نمی‌کنند", "We rarely meet residents outside emergencies",
                                 "Room 2", "جوانان از پلیس می‌ترسند", "Young people fear being searched at school"])
    assert "Insulting text" not in text and "Personal attack" in text
    assert "تا پایان سه ماه آینده" in text  # a Persian plan field in an English report


def test_pdf_report_in_persian_has_persian_headings_and_the_same_items(played_sqlite):
    text = pdf_text(played_sqlite.get("pdf", "report", "fa"))
    assert texts_in_order(text, ["گزارش روز", "مشارکت", "زمینهٔ مشترک", "نشست عمومی", "موانع اعتماد",
                                 "برنامهٔ اقدام", "شورا"])
    assert texts_in_order(text, ["No interpreters (Persian, Spanish) at the station",
                                 "Officers never explain why a car is stopped", "مردم از تلافی می‌ترسند و شکایت نمی‌کنند"])


def test_pdf_plan_lists_the_entries_in_order(played_sqlite):
    for lang, title in (("en", "Action plan"), ("fa", "برنامهٔ اقدام"), ("es", "Plan de acción")):
        reader = PdfReader(io.BytesIO(played_sqlite.get("pdf", "plan", lang)))
        text = plain("\n".join(p.extract_text() for p in reader.pages))
        assert plain(title) in text
        assert texts_in_order(text, ["No interpreters (Persian, Spanish) at the station", "تا پایان سه ماه آینده",
                                     "جوانان از پلیس می‌ترسند", "دیدار ماهانه با دانش‌آموزان و والدین در مدرسه",
                                     "Quarterly open meeting, police and residents", "Officer Ilse Vandermeer"])


def test_pdf_embeds_the_shipped_fonts(played_sqlite):
    reader = PdfReader(io.BytesIO(played_sqlite.get("pdf", "plan", "fa")))
    fonts = set()
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert fonts and all("Vazirmatn" in f for f in fonts), fonts


# -- Word -----------------------------------------------------------------------------------

def test_docx_report_reads_back_with_headings_tables_and_rtl(played):
    doc, text = docx_text(played.get("docx", "report", "en"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == "Report of the day"
    for h in ("Participation", "Common ground: where police and community agree", "Barriers to trust", "Action plan",
              "Council"):
        assert h in headings
    assert "مردم از تلافی می‌ترسند و شکایت نمی‌کنند" in text and "Officers never explain why a car is stopped" in text
    participation = doc.tables[0]
    assert [c.text for c in participation.rows[0].cells][:2] == ["Room", "Law enforcement"]
    assert [c.text for c in participation.rows[1].cells] == ["Room 1", "4", "4", "1", "0", "9"]
    # A Persian cell is a right-to-left paragraph; an English one is not.
    cells = {c.text: c for t in doc.tables for r in t.rows for c in r.cells}
    fa = cells["مردم از تلافی می‌ترسند و شکایت نمی‌کنند"].paragraphs[0]
    en = cells["Officers never explain why a car is stopped"].paragraphs[0]
    assert fa._p.pPr.find(qn("w:bidi")) is not None and fa.runs[0]._r.rPr.find(qn("w:rtl")) is not None
    assert en._p.pPr is None or en._p.pPr.find(qn("w:bidi")) is None


def test_docx_in_persian_lays_tables_out_right_to_left(played):
    doc, text = docx_text(played.get("docx", "plan", "fa"))
    assert doc.paragraphs[0].text == "برنامهٔ اقدام"
    assert doc.paragraphs[0]._p.pPr.find(qn("w:bidi")) is not None
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)
    assert "تا پایان سه ماه آینده" in text and "رئیس مشترک" in text


# -- CSV and Markdown -------------------------------------------------------------------------

def test_csv_plan_has_a_bom_and_reads_back(played):
    data = played.get("csv", "plan", "en")
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["#", "Title", "Solution", "Actions", "Owner", "Timeline", "Resources", "Measure of success",
                       "Status", "Council lead", "Co-lead (law enforcement)", "Co-lead (community)", "Notes"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    first = dict(zip(rows[0], rows[1]))
    assert first["Title"] == "No interpreters (Persian, Spanish) at the station"
    assert first["Timeline"] == "تا پایان سه ماه آینده" and first["Status"] == "Agreed"
    assert rows[2][1] == "جوانان از پلیس می‌ترسند"
    fa = list(csv.reader(io.StringIO(played.get("csv", "plan", "fa").decode("utf-8-sig"), newline="")))
    assert fa[0][1] == "عنوان" and fa[1][8] == "توافق‌شده"


def test_markdown_report_and_persian_direction(played):
    md = played.get("md", "report", "en").decode("utf-8")
    assert md.startswith("# Report of the day: Eastside trust workshop")
    assert "## Common ground: where police and community agree" in md
    assert "| No interpreters (Persian, Spanish) at the station | 6 | 2/4 | 4/5 | — | 50% |" in md
    assert "‡" in md  # suppressed splits are marked
    fa = played.get("md", "plan", "fa").decode("utf-8")
    assert fa.startswith('<div dir="rtl" lang="fa">') and "## شورا" in fa


def test_every_language_has_every_label():
    for lang, labels in CATALOGUE.items():
        assert set(labels) == set(CATALOGUE["en"]), lang


# -- anonymity ---------------------------------------------------------------------------------

def test_anonymous_authors_appear_in_no_export(played):
    info = played.info
    secret = info.secret_names
    assert {"Zebulon Quartermaine", "Xiomara Feldspar", "پرستو خاوری‌نژاد", "Bartholomew Grzeszczak"} <= secret
    shown = {p["name"] for p in info.posts.values() if not p["anonymous"]}
    assert "Officer Ilse Vandermeer" in shown
    readable = {}
    for fmt in ("docx", "csv", "md"):
        for what in ("plan", "report") if fmt != "csv" else ("plan",):
            for lang in ("en", "fa"):
                data = played.get(fmt, what, lang)
                if fmt == "docx":
                    with zipfile.ZipFile(io.BytesIO(data)) as z:
                        readable[(fmt, what, lang)] = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
                else:
                    readable[(fmt, what, lang)] = data.decode("utf-8")
    if played is _days.get("sqlite"):
        for what in ("plan", "report"):
            readable[("pdf", what, "en")] = pdf_text(played.get("pdf", what, "en"))
    for key, text in readable.items():
        for name in secret:
            assert plain(name) not in plain(text), f"{name} appears in the {key} export"
    # A name the person chose to show does appear (the scan can see names).
    assert "Officer Ilse Vandermeer" in readable[("md", "report", "en")]

    archive = json.loads(played.get("json"))
    keys_by_name = {p["name"]: p["key"] for p in archive["participants"]}
    author_keys = {keys_by_name[n] for n in secret}
    # No post in the archive names or keys an anonymous author.
    for kind in ("barriers", "solutions"):
        for post in archive[kind]:
            original = next(p for (k, _), p in info.posts.items() if k == kind[:-1] and p["text"] == post["text"]) \
                if post["text"] else None
            if post["anonymous"]:
                assert "author" not in post, post
            blob = json.dumps(post, ensure_ascii=False)
            assert not any(re.search(rf'"{k}"', blob) for k in author_keys), post
            if original and not original["anonymous"]:
                assert post["author"] == keys_by_name[original["name"]]
    # Outside the participant list (where a name is the person's own choice, as on the projector),
    # those names appear nowhere in the archive; and no token or token hash is in it.
    rest = {k: v for k, v in archive.items() if k != "participants"}
    blob = json.dumps(rest, ensure_ascii=False)
    for name in secret:
        assert name not in blob
    assert "token" not in played.get("json").decode("utf-8")


# -- the CLI -------------------------------------------------------------------------------------

@pytest.fixture
def cli_env(played_sqlite, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", played_sqlite.db.url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("REPORT_MIN_GROUP_SIZE", raising=False)
    return played_sqlite


@pytest.mark.parametrize("fmt, what, lang", [("md", "report", "fa"), ("csv", "plan", "es"), ("docx", "plan", "en"),
                                             ("json", "report", "en"), ("pdf", "plan", "fa")])
def test_cli_export_writes_the_file(cli_env, tmp_path, capsys, fmt, what, lang):
    out = tmp_path / f"out.{fmt}"
    code = cli.main(["export", cli_env.info.workshop_id, "--format", fmt, "--what", what, "--lang", lang,
                     "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert f"Wrote {out}" in capsys.readouterr().out
    data = out.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "docx":
        assert "Quarterly open meeting, police and residents" in docx_text(data)[1]
    elif fmt == "csv":
        assert data == cli_env.get(fmt, what, lang)
    elif fmt == "md":
        assert data.decode("utf-8").startswith('<div dir="rtl" lang="fa">')
    else:
        archive, same = json.loads(data), json.loads(cli_env.get("json"))
        assert archive["format"] == "common-ground-archive"
        assert {**archive, "exported_at": None} == {**same, "exported_at": None}


@pytest.mark.parametrize("args, message", [
    (["export", "no-such-workshop", "--format", "md"], "no workshop"),
    (["export", "WS", "--format", "xls"], "unknown format"),
    (["export", "WS", "--format", "md", "--what", "minutes"], "choose plan or report"),
    (["export", "WS", "--format", "md", "--lang", "de"], "reports are available in en, es, fa"),
    (["export", "WS", "--format", "csv", "--what", "report"], "action plan only"),
])
def test_cli_export_refusals(cli_env, tmp_path, capsys, args, message):
    args = [cli_env.info.workshop_id if a == "WS" else a for a in args] + ["-o", str(tmp_path / "x")]
    before = table_counts(cli_env.db)
    assert cli.main(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err.lower() and captured.out == ""
    assert not (tmp_path / "x").exists()
    assert table_counts(cli_env.db) == before


# -- HTTP ------------------------------------------------------------------------------------------

def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_http_export_for_the_organiser(played, fmt):
    info = played.info
    url = f"/api/workshops/{info.workshop_id}/export.{fmt}?what=plan&lang=fa"
    if fmt == "pdf" and played is not _days.get("sqlite"):
        url = url.replace("export.pdf", "export.md")  # rendering is tested once; the route on both backends
    resp = played.app.test_client().get(url, headers=bearer(info.created["organiser_token"]))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
    if fmt == "json":
        assert resp.get_json()["format"] == "common-ground-archive"
    elif fmt == "csv":
        assert resp.data.startswith("\ufeff".encode()) and resp.mimetype == "text/csv"


def test_http_export_refusals(played):
    info, http = played.info, played.app.test_client()
    ws = info.workshop_id
    org = info.created["organiser_token"]
    other = Day(played.app).create(rooms=1, title="Another workshop")

    def err(resp, status, code):
        assert resp.status_code == status, resp.get_data(as_text=True)
        body = resp.get_json()
        assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]

    err(http.get(f"/api/workshops/{ws}/export.md"), 401, "unauthorized")
    err(http.get(f"/api/workshops/{ws}/export.md", headers={"Authorization": f"Basic {org}"}), 401, "unauthorized")
    err(http.get(f"/api/workshops/{ws}/export.md", headers=bearer("not-a-real-token")), 401, "unauthorized")
    err(http.get(f"/api/workshops/{ws}/export.md?token={org}"), 400, "bad_request")
    err(http.get(f"/api/workshops/{ws}/export.md", headers=bearer(info.created["facilitators"][0]["token"])),
        403, "forbidden")
    err(http.get(f"/api/workshops/{ws}/export.md", headers=bearer(info.created["display_token"])), 403, "forbidden")
    err(http.get(f"/api/workshops/{ws}/export.md", headers=bearer(other["organiser_token"])), 403, "forbidden")
    err(http.get("/api/workshops/0000000000000000/export.md", headers=bearer(org)), 404, "not_found")
    err(http.get(f"/api/workshops/{ws}/export.xls", headers=bearer(org)), 404, "not_found")
    err(http.get(f"/api/workshops/{ws}/export.md?lang=de", headers=bearer(org)), 400, "invalid")
    err(http.get(f"/api/workshops/{ws}/export.md?what=minutes", headers=bearer(org)), 400, "invalid")
    err(http.get(f"/api/workshops/{ws}/export.csv?what=report", headers=bearer(org)), 400, "invalid")
    # A revoked facilitator link is refused like any unknown token.
    with played.db.transaction() as s:
        inv = s.scalars(select(FacilitatorInvite).where(FacilitatorInvite.workshop_id == other["workshop_id"])).first()
        from server.models import utcnow
        inv.revoked_at = utcnow()
    err(http.get(f"/api/workshops/{other['workshop_id']}/export.md",
                 headers=bearer(other["facilitators"][0]["token"])), 401, "unauthorized")


# -- common ground on the plenary board: GET /api/workshops/<id>/agreement -------------------------

def _agreement(played, token: str, workshop_id: str | None = None):
    ws = workshop_id or played.info.workshop_id
    return played.app.test_client().get(f"/api/workshops/{ws}/agreement", headers=bearer(token))


def _no_suppressed_numbers(items: dict) -> None:
    for item in items.values():
        for side in ("police", "community"):
            cell = item[side]
            if cell["status"] != ag.SHOWN:
                assert cell == {"status": cell["status"]}, cell   # a status, never a number
        if item["police"]["status"] != ag.SHOWN or item["community"]["status"] != ag.SHOWN:
            assert item["agreement"] is None


def test_http_agreement_for_the_projector_and_the_organiser(played):
    info = played.info
    with played.db.reading() as s:
        report = build(s, info.workshop_id, played.app.config["REPORT_MIN_GROUP_SIZE"])
    want = {str(row.id): row.support for row in report.plenary}
    for token in (info.created["display_token"], info.created["organiser_token"]):
        resp = _agreement(played, token)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.headers["Cache-Control"] == "no-store"
        body = resp.get_json()
        assert body["ok"] is True and set(body["items"]) == set(want) == {str(i) for i in info.plenary_ids}
        for item_id, sup in want.items():
            got = body["items"][item_id]
            assert got["total"] == sup.total
            assert got["agreement"] == pytest.approx(sup.agreement) if sup.agreement is not None else got["agreement"] is None
            for side in ("police", "community"):
                cell = sup.sides[side]
                assert got[side]["status"] == cell.status
                if cell.status == ag.SHOWN:
                    assert got[side]["share"] == pytest.approx(cell.share)
        assert any(item["agreement"] is not None for item in body["items"].values())
        _no_suppressed_numbers(body["items"])


def test_http_agreement_never_shows_a_suppressed_side(played):
    """With K above every group's size, both sides are suppressed: only statuses remain."""
    app, info = played.app, played.info
    before = app.config["REPORT_MIN_GROUP_SIZE"]
    app.config["REPORT_MIN_GROUP_SIZE"] = 50
    try:
        body = _agreement(played, info.created["display_token"]).get_json()
    finally:
        app.config["REPORT_MIN_GROUP_SIZE"] = before
    assert body["ok"] is True and body["k"] == 50 and body["items"]
    for item in body["items"].values():
        assert item["police"] == {"status": ag.SUPPRESSED} and item["community"] == {"status": ag.SUPPRESSED}
        assert item["agreement"] is None
    _no_suppressed_numbers(body["items"])


def test_http_agreement_refusals(app):
    day = Day(app)
    try:
        created = day.create(rooms=1)
        participant = day.join(connect=False)
        other = Day(app).create(rooms=1, title="Another workshop")
        http, ws = app.test_client(), created["workshop_id"]

        def err(resp, status, code):
            assert resp.status_code == status, resp.get_data(as_text=True)
            body = resp.get_json()
            assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]

        url = f"/api/workshops/{ws}/agreement"
        err(http.get(url), 401, "unauthorized")
        err(http.get(url, headers={"Authorization": f"Basic {created['display_token']}"}), 401, "unauthorized")
        err(http.get(url, headers=bearer("not-a-real-token")), 401, "unauthorized")
        err(http.get(f"{url}?token={created['display_token']}"), 400, "bad_request")
        err(http.get(url, headers=bearer(participant["token"])), 403, "forbidden")
        err(http.get(url, headers=bearer(created["facilitators"][0]["token"])), 403, "forbidden")
        err(http.get(url, headers=bearer(other["display_token"])), 403, "forbidden")
        err(http.get(url, headers=bearer(other["organiser_token"])), 403, "forbidden")
        err(http.get("/api/workshops/0000000000000000/agreement", headers=bearer(created["organiser_token"])),
            404, "not_found")
        ok = http.get(url, headers=bearer(created["display_token"]))
        assert ok.status_code == 200 and ok.get_json() == {"ok": True, "k": app.config["REPORT_MIN_GROUP_SIZE"],
                                                          "items": {}}
    finally:
        day.close()
