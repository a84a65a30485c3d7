"""The report of a day with a trust pulse and a council election (issue 16), in md, pdf and docx, in
English and Persian: the pulse's means for everyone and by side, only in the cells
server/domain/pulse_results.results() publishes, with how many answered; the council elected by each
sector and its co-chairs, elected or appointed. No cell below K, no single answer, no ballot.
A day without them has neither section."""
from __future__ import annotations

import json
import re

import pytest

from server.domain.pulse_results import K, results
from server.models import Pulse
from server.reports import export
from server.reports.day_results import CELLS
from server.reports.model import build

from .agenda_day import PEOPLE
from .conftest import Day, make_app
from .live_server import ROOT
from .pulse_council_day import APPOINTED, play_with_pulse_and_council
from .test_exports import docx_text, pdf_text, plain

FORMATS = ("md", "pdf", "docx")
LANGS = ("en", "fa")


class Played:
    def __init__(self, url: str):
        self.app = make_app(url)
        self.day = Day(self.app)
        self.info = play_with_pulse_and_council(self.day)
        self.db = self.day.db
        self._cache: dict = {}

    def text(self, fmt: str, lang: str = "en", what: str = "report") -> str:
        key = (fmt, what, lang)
        if key not in self._cache:
            data = export(self.db, self.info.workshop_id, fmt, what, lang).data
            text = (pdf_text(data) if fmt == "pdf" else plain(docx_text(data)[1]) if fmt == "docx"
                    else plain(data.decode("utf-8")))
            if fmt == "pdf" and lang == "fa":  # pypdf reads the brackets of a number in a right-to-left line mirrored
                text = re.sub(r"(\d\.\d) \)(\d+)\(", r"\1 (\2)", text)
            self._cache[key] = text
        return self._cache[key]

    def close(self):
        self.day.close()
        self.app.extensions["common_ground_db"].dispose()


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    played = Played(f"sqlite:///{tmp_path_factory.mktemp('pulse') / 'day.sqlite3'}")
    yield played
    played.close()


PAGES = {lang: json.loads((ROOT / "web" / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGS}


def label(lang: str, name: str) -> str:
    """A catalogue key as the pages and the reports read it (web/i18n/<lang>.json)."""
    return PAGES[lang][name]


def published(day) -> dict[str, dict]:
    with day.db.reading() as s:
        return {p.label: results(s, p) for p in s.query(Pulse).filter_by(workshop_id=day.info.workshop_id)}


def test_the_model_holds_only_the_published_means_of_everyone_and_each_side(day):
    pub = published(day)
    with day.db.reading() as s:
        report = build(s, day.info.workshop_id)
    pulse = report.pulse
    assert pulse.labels == ["start", "end"] and pulse.answered == {"start": 10, "end": 9}
    # The start: everyone and both sides are published; the end: one officer did not answer, two is
    # fewer than K, so the police side is held back (and whatever else results() holds back with it).
    assert set(pulse.sizes["start"]) == {"all", "side:police", "side:community"}
    assert "side:police" not in pulse.sizes["end"]
    # ... and the community side with it: everyone less the community would give the two officers away.
    assert pulse.sizes["end"] == {"all": 9}
    for label_ in ("start", "end"):
        for cell in CELLS:
            assert (cell in pulse.sizes[label_]) == (cell in pub[label_]["cells"])
        for s in pulse.statements:
            for cell, mean in s.means[label_].items():
                assert mean == pub[label_]["cells"][cell]["questions"][s.key]["mean"]
    trust = next(s for s in pulse.statements if s.key == "trust")
    assert trust.means["start"] == {"all": 2.3, "side:police": 3.0, "side:community": 2.0}
    assert all(n >= K for sizes in pulse.sizes.values() for n in sizes.values())


def test_the_model_holds_the_council_by_sector_elected_or_appointed(day):
    with day.db.reading() as s:
        report = build(s, day.info.workshop_id)
    sectors = dict(report.election.sectors)
    assert list(sectors) == ["faith", "youth", "new_americans", "law_enforcement", "business"]
    assert [(x.name, x.how) for x in sectors["faith"]] == [(PEOPLE[0][0], "elected")]
    assert [(x.name, x.how) for x in sectors["youth"]] == [(PEOPLE[APPOINTED][0], "appointed")]
    assert [(x.name, x.how) for x in sectors["law_enforcement"]] == [(PEOPLE[3][0], "elected")]
    chairs = dict(report.election.co_chairs)
    assert (chairs["co_chair_law_enforcement"].name, chairs["co_chair_law_enforcement"].how) == (PEOPLE[3][0], "elected")
    assert (chairs["co_chair_community"].name, chairs["co_chair_community"].how) == (PEOPLE[0][0], "elected")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_report_reads_back_with_the_pulse_and_the_council(day, fmt, lang):
    text = day.text(fmt, lang)
    for name in ("report.pulse_title", "report.election_title", "report.election_co_chairs",
                 "pulse.label.start", "pulse.label.end", "pulse.question.trust", "pulse.question.together"):
        # (a right-to-left line's final full stop comes first in the PDF's text: compare without it)
        assert plain(label(lang, name)).rstrip(".") in text, (fmt, lang, name)
    # How many answered, each pulse.
    said = plain(label(lang, "report.pulse_answered").format(label=label(lang, "pulse.label.start"), count=10))
    if fmt == "pdf" and lang == "fa":  # the PDF's text of a right-to-left line runs its parts in visual order
        assert all(part.strip() in text for part in re.split(r"[:\d]+", said) if part.strip()) and "10" in text
    else:
        assert said in text
    # The trust statement at the start: everyone 2.3 of 10, police 3.0 of 3, community 2.0 of 7.
    for cell in ("2.3 (10)", "3.0 (3)", "2.0 (7)"):
        assert cell in text, (fmt, lang, cell)
    # The names elected, the one appointed, and how.
    for i in (0, 3, 8, 9, APPOINTED):
        assert plain(PEOPLE[i][0] or label(lang, "report.no_name")) in text, (fmt, lang, i)
    assert plain(label(lang, "report.election_appointed")) in text
    assert plain(label(lang, "report.election_elected")) in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_export_shows_a_cell_below_k_an_answer_or_a_ballot(day, fmt, lang):
    text = day.text(fmt, lang)
    # Every "mean (n)" cell counts at least K people; no per-sector cell, no spread of answers.
    cells = re.findall(r"\d\.\d \((\d+)\)", text)
    assert cells and all(int(n) >= K for n in cells), cells
    assert "(2)" not in text and "(1)" not in text
    # The end pulse's police side is held back: its row reads the suppression mark in that column.
    assert "‡" in text
    # No count of votes per candidate: the words of a ballot appear nowhere.
    assert "votes" not in text.split(plain(label(lang, "report.election_title")))[1][:600].lower()
    # Who posted only anonymously stays so (those who stood for the council are named there, as candidates).
    council = {PEOPLE[i][0] for i in (0, 3, 6, 7, 8, 9)}
    assert day.info.secret_names - council
    for secret in day.info.secret_names - council:
        assert plain(secret) not in text


def test_a_day_without_pulse_or_election_has_neither_section(tmp_path):
    from .agenda_day import play
    app = make_app(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    d = Day(app)
    try:
        info = play(d)
        with d.db.reading() as s:
            report = build(s, info.workshop_id)
        assert report.pulse is None and report.election is None
        text = plain(export(d.db, info.workshop_id, "md", "report", "en").data.decode())
        assert plain(label("en", "report.pulse_title")) not in text
        assert plain(label("en", "report.election_title")) not in text
    finally:
        d.close()
        app.extensions["common_ground_db"].dispose()


# -- the JSON archive ---------------------------------------------------------------------------

def test_the_archive_carries_the_published_pulse_and_the_election_outcome_only(day):
    from server.models import Participant
    from server.reports import archive

    raw = export(day.db, day.info.workshop_id, "json").data
    data = json.loads(raw)
    pub = published(day)
    assert [p["label"] for p in data["pulses"]] == ["start", "end"]
    for p in data["pulses"]:
        # Exactly what results() publishes: the shown cells, each of at least K people; no sector's count.
        assert p["cells"] == pub[p["label"]]["cells"] and p["n"] == pub[p["label"]]["n"]
        assert all(cell["n"] >= K for cell in p["cells"].values())
        assert set(p) == {"label", "questions", "opened_at", "closed_at", "n", "cells"}
    assert "side:police" not in data["pulses"][1]["cells"]
    # The election: who each sector elected, by archive key; no candidates, no counts, no voters.
    keys = {x["key"]: x for x in data["participants"]}
    sectors = next(e for e in data["elections"] if e["kind"] == "sectors")
    assert set(sectors) == {"kind", "round", "seats", "closed_at", "results"}
    assert keys[sectors["results"]["faith"]["elected"][0]]["group"] == "faith"
    assert len(sectors["results"]["youth"]["tied"]) == 2 and sectors["results"]["youth"]["elected"] == []
    for word in ("count", "votes", "voter", "candidate", "tall"):
        assert word not in json.dumps(data["elections"]), word
    assert "responder" not in json.dumps(data["pulses"]) and "tall" not in json.dumps(data["pulses"])
    # It imports; the council's seats come back (with `council`), the pulses do not (docs/pulse.md).
    with day.db.transaction() as s:
        new = archive.load(s, archive.parse(raw))
    with day.db.reading() as s:
        assert s.query(Pulse).filter_by(workshop_id=new["workshop_id"]).count() == 0
        report = build(s, new["workshop_id"])
        assert report.pulse is None
        seated = {m.name for m in report.council}
        assert {PEOPLE[i][0] for i in (0, 3, 8, 9)} <= seated
        assert s.query(Participant).filter_by(workshop_id=new["workshop_id"]).count() == len(PEOPLE)


def test_after_the_erasure_the_council_section_names_nobody(tmp_path):
    """The personal data erased (workshop_purge): the council still has its seats, elected or appointed,
    but no name, in the model and in every format."""
    app = make_app(f"sqlite:///{tmp_path / 'erased.sqlite3'}")
    d = Day(app)
    try:
        info = play_with_pulse_and_council(d)
        org = next(c for c in d.clients if c.role == "organiser")
        org.ok("workshop_advance")  # closing
        org.ok("workshop_purge")
        with d.db.reading() as s:
            report = build(s, info.workshop_id)
        seats = [x for _k, xs in report.election.sectors for x in xs]
        assert seats and all(x.name is None for x in seats)
        assert {x.how for x in seats} == {"elected", "appointed"}
        assert all(x.name is None for _r, x in report.election.co_chairs)
        assert report.pulse.answered == {"start": 10, "end": 9}  # the pulse has no names to lose
        for fmt in FORMATS:
            data = export(d.db, info.workshop_id, fmt, "report", "en").data
            if fmt == "docx":  # the election's two tables
                heads = {label("en", "report.election_sector"), label("en", "report.election_co_chair")}
                election = plain("\n".join(cell.text for table in docx_text(data)[0].tables
                                           if table.rows[0].cells[0].text in heads
                                           for row in table.rows for cell in row.cells))
            else:
                text = pdf_text(data) if fmt == "pdf" else data.decode()
                election = plain(text).split(plain(label("en", "report.election_title")))[1]
                election = election.split(plain(label("en", "report.moderation")))[0]
            assert plain(label("en", "report.no_name")) in election, fmt
            for name, *_ in PEOPLE:
                assert not name or plain(name) not in election, (fmt, name)
    finally:
        d.close()
        app.extensions["common_ground_db"].dispose()
