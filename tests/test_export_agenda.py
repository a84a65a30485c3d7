"""The report of an SPCP day (docs/agenda.md) in every format and in English and Persian: the agenda
it followed, the strengths by caucus room and its sectors, the priorities in rank order with their
dots, the solution rooms' answers; anonymous authors appear nowhere; a `short` day's report has
none of these sections.

The day is played once (tests/agenda_day.py) with the real commands; each export is made once.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from docx.oxml.ns import qn

from server.domain import sectors as sc
from server.reports import export
from server.reports.i18n import CATALOGUE
from server.reports.model import build

from .agenda_day import ANSWERS, MERGED_STRENGTH, POSTS, PRIORITIES, play
from .conftest import Day, make_app
from .test_exports import docx_text, pdf_text, plain, texts_in_order

SPCP_NAMES = {key: names for key, _, names in sc.PRESETS["spcp"]}


class Played:
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

    def text(self, fmt: str, what: str = "report", lang: str = "en") -> str:
        data = self.get(fmt, what, lang)
        if fmt == "pdf":
            return pdf_text(data)
        if fmt == "docx":
            return plain(docx_text(data)[1])
        return plain(data.decode("utf-8-sig"))

    def close(self):
        self.day.close()
        self.app.extensions["common_ground_db"].dispose()


@pytest.fixture(scope="module")
def spcp(tmp_path_factory):
    played = Played(f"sqlite:///{tmp_path_factory.mktemp('agenda') / 'day.sqlite3'}")
    yield played
    played.close()


def label(lang: str, name: str) -> str:
    return CATALOGUE[lang][name]


def sector_list(lang: str, keys: list[str]) -> str:
    return label(lang, "list_sep").join(SPCP_NAMES[k][lang] for k in keys)


# -- the model --------------------------------------------------------------------------------

def test_the_report_model_of_an_spcp_day(spcp):
    info = spcp.info
    with spcp.db.reading() as s:
        report = build(s, info.workshop_id)
    assert report.agenda == ["caucus", "prioritise", "solution_round", "report_out", "action_plan", "council",
                             "closing"]
    assert report.segment == 5  # the council: closing not reached
    # Strengths by caucus room, each room with the sectors it gathered; the merged pair as one.
    rooms = {r: n for n, r in enumerate(info.rooms, 1)}
    got = {g.room_name: (g.sectors, sorted(x.text for x in g.strengths)) for g in report.strengths}
    members = {POSTS[0][2], POSTS[1][2]}  # merged into MERGED_STRENGTH
    want: dict[int, list[str]] = {}
    for p in info.posts.values():
        if p["kind"] == "strength" and p["text"] not in members and p["text"] != "A strength written in anger, hidden":
            want.setdefault(p["room"], []).append(p["text"])
    want = {f"Room {rooms[r]}": (info.caucus_sectors[r], sorted(texts)) for r, texts in want.items()}
    assert [sorted(x.member_texts) for g in report.strengths for x in g.strengths if x.member_texts] == [
        sorted(members)]
    assert got == want
    assert all(g.sectors for g in report.strengths)
    # Strengths are not barriers: not in the rooms' barrier lists, not on the plenary board.
    barrier_texts = {b.text for r in report.rooms for b in r.barriers}
    assert not barrier_texts & {p["text"] for p in info.posts.values() if p["kind"] == "strength"}
    assert "Nobody explains how to file a complaint" in barrier_texts
    # The priorities in rank order, with their dots.
    assert [(p.rank, p.text, p.votes) for p in report.priorities] == [
        (n, t, info.dots.get(t, 0)) for n, t in enumerate(PRIORITIES, 1)]
    # Each solution room's draft with the guiding answers.
    drafts = {d["rank"]: (r.room_name, d["fields"]) for r in report.solution_rooms for d in r.drafts}
    assert drafts == {rank: (f"Room {rooms[info.drafts[rank]['room']]}", ANSWERS[rank]) for rank in ANSWERS}
    # A hidden strength is only counted, with its reason, as a strength.
    assert report.hidden_strengths == 1 and report.moderation["hidden"]["barrier"] == 1
    assert sorted((x["kind"], x["reason"]) for x in report.moderation["reasons"]) == [
        ("barrier", "Personal attack"), ("strength", "Off topic")]
    # Nobody anonymous is named; a named author is.
    authors = {x.author_name for g in report.strengths for x in g.strengths}
    assert authors & {"Sgt. Halvard Brennan"} and not authors & info.secret_names


# -- every format, English and Persian -----------------------------------------------------------

@pytest.mark.parametrize("fmt", ["md", "pdf", "docx"])
@pytest.mark.parametrize("lang", ["en", "es", "fa"])
def test_the_report_has_the_agenda_strengths_priorities_and_solution_rooms(spcp, fmt, lang):
    info, text = spcp.info, spcp.text(fmt, "report", lang)
    t = CATALOGUE[lang]
    # The sections, where the day put them among today's.
    assert texts_in_order(text, [t["agenda"], t["participation"], t["plenary"], t["priorities"], t["strengths"],
                                 t["barriers"], t["solution_rooms"], t["moderation"], t["plan_title"]]), fmt
    # The agenda's segments named in the report's language, the one not reached said so.
    assert texts_in_order(text, [t["segment_caucus"], t["segment_prioritise"], t["segment_solution_round"],
                                 t["segment_report_out"], t["segment_action_plan"], t["segment_council"],
                                 t["segment_closing"], t["agenda_not_reached"]])
    # Each caucus room with the sectors it gathered, in the report's language.
    for room_id, keys in info.caucus_sectors.items():
        if keys:
            assert plain(sector_list(lang, keys)) in text, (room_id, keys)
    assert MERGED_STRENGTH in text and plain("مسجد محله درهایش را برای همه باز می‌کند") in text
    # The priorities in rank order.
    start = text.find(plain(t["priorities"]))
    assert texts_in_order(text[start:], PRIORITIES)
    # The guiding answers, room by room.
    start = text.find(plain(t["solution_rooms"]))
    for rank in (1, 2, 3):
        assert texts_in_order(text[start:], [ANSWERS[rank][f] for f in ("problem", "causes", "options", "solution")])
    flat = " ".join(text.split())  # a label may wrap in a narrow PDF cell
    for name in ("field_problem", "field_causes", "field_options"):
        assert " ".join(plain(t[name]).split()) in flat
    assert "Insulting text" not in text and "written in anger" not in text
    assert texts_in_order(text, [t["moderation"], t["hidden_barriers"], "1", t["hidden_strengths"], "1"])


def test_the_pdf_priorities_show_their_dots(spcp):
    text = pdf_text(spcp.get("pdf", "report", "en"))
    section = " ".join(text[text.find("Priorities"):text.find("Strengths")].split())
    for n, item in enumerate(PRIORITIES, 1):
        # rank, item, its room (and the sectors' split), then its dots
        assert re.search(rf"\b{n} {re.escape(plain(item))} Room \d.*? {spcp.info.dots[item]} ", section), item


def test_the_markdown_priorities_table(spcp):
    md = spcp.get("md", "report", "en").decode("utf-8")
    rows = [line for line in md.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")
            or line.startswith("| 3 |")]
    ranks = [r.split(" | ")[:2] for r in rows[:3]]
    assert ranks == [["| 1", PRIORITIES[0]], ["| 2", PRIORITIES[1]], ["| 3", PRIORITIES[2]]]
    assert all(f" | {spcp.info.dots[p]} | " in r for p, r in zip(PRIORITIES, rows[:3], strict=True))


def test_the_persian_word_report_reads_right_to_left(spcp):
    doc, _ = docx_text(spcp.get("docx", "report", "fa"))
    heading = next(p for p in doc.paragraphs if p.text == label("fa", "strengths"))
    assert heading._p.pPr.find(qn("w:bidi")) is not None
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)


@pytest.mark.parametrize("lang", ["en", "es", "fa"])
def test_the_plan_csv_has_the_solution_rooms_and_the_guiding_answers(spcp, lang):
    data = spcp.get("csv", "plan", lang)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    t = CATALOGUE[lang]
    head = rows[0]
    assert head[:6] == [t["field_position"], t["field_title"], t["field_solution_room"],
                        t["field_problem"], t["field_causes"], t["field_options"]]
    by_title = {r[1]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    rooms = {r: n for n, r in enumerate(spcp.info.rooms, 1)}
    for rank, title in enumerate(PRIORITIES, 1):
        row = by_title[title]
        room_word = t["room"]
        number = str(rooms[spcp.info.drafts[rank]["room"]])
        if lang == "fa":
            number = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert row[t["field_solution_room"]] == f"{room_word} {number}"
        assert row[t["field_problem"]] == ANSWERS[rank]["problem"]
        assert row[t["field_options"]] == ANSWERS[rank]["options"]


def test_the_plan_export_shows_each_drafts_room_and_answers(spcp):
    md = spcp.get("md", "plan", "en").decode("utf-8")
    t = CATALOGUE["en"]
    assert f"**{t['field_solution_room']}:** Room" in md and f"**{t['field_problem']}:** {ANSWERS[1]['problem']}" in md
    assert "## The solution rooms' work" not in md  # the plan is the plan; the rooms' work is the report's


def test_no_anonymous_author_in_any_export_of_the_day(spcp):
    secret = spcp.info.secret_names
    assert {"Tobias Wren-Abernathy", "Lt. Quincy Marchetti", "Juniper Castellanos", "فرهاد بهاری‌پور"} <= secret
    texts = {}
    for lang in ("en", "fa"):
        for fmt, what in (("md", "report"), ("md", "plan"), ("csv", "plan"), ("pdf", "report")):
            texts[(fmt, what, lang)] = spcp.text(fmt, what, lang)
        with zipfile.ZipFile(io.BytesIO(spcp.get("docx", "report", lang))) as z:
            texts[("docx", "report", lang)] = plain("".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))
    for key, text in texts.items():
        for name in secret:
            assert plain(name) not in text, f"{name} appears in the {key} export"
    assert "Sgt. Halvard Brennan" in texts[("md", "report", "en")]  # a name shown by choice does appear
    # The archive: an anonymous strength or barrier has no author; a named one keeps its author's key.
    data = json.loads(spcp.get("json"))
    key_of = {p["name"]: p["key"] for p in data["participants"]}
    secret_keys = {key_of[n] for n in secret}
    strengths = [b for b in data["barriers"] if b["kind"] == "strength"]
    assert any(b["anonymous"] for b in strengths) and any("author" in b for b in strengths)
    for post in data["barriers"]:
        assert ("author" not in post) if post["anonymous"] else post["author"] not in secret_keys, post


# -- a short day -------------------------------------------------------------------------------------

def test_a_short_days_report_has_none_of_the_agenda_sections(app):
    day = Day(app)
    try:
        day.create(rooms=1)
        p = day.join(name="Ana", anonymous=False)
        day.facilitator(0).ok("phase_advance", from_phase="lobby")
        p.ok("barrier_post", text="Nobody explains the stops")
        for lang in ("en", "fa"):
            md = export(day.db, day.workshop_id, "md", lang=lang).data.decode("utf-8")
            t = CATALOGUE[lang]
            assert "Nobody explains the stops" in md and f'## {t["barriers"]}' in md
            for name in ("agenda", "strengths", "priorities", "solution_rooms", "hidden_strengths",
                         "field_solution_room", "field_problem"):
                assert t[name] not in md, name
        rows = list(csv.reader(io.StringIO(export(day.db, day.workshop_id, "csv", "plan").data.decode("utf-8-sig"))))
        assert "Solution room" not in rows[0] and "Problem" not in rows[0]
    finally:
        day.close()
