"""The council's work after the day in Chromium, in English and Persian (issue 16, item 3;
docs/council.md): a co-chair schedules a meeting and gives an action a due date on their own page;
the progress page lists the meeting, its .ics downloads and parses, the action past its due date
reads "overdue", and its history expands from the barrier and the room it came from to its status
today. Screenshots at phone and tablet sizes in test-artifacts/screenshots/council-after-*.png.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from tests.browser.stage import MERGE_TEXT, Client, open_surface, scroll_to, stage
from tests.browser.test_screenshots import MIN_TARGET_PX, OVERFLOW_JS, SMALL_TARGETS_JS

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"overdue": "Overdue", "upcoming": "Upcoming", "in_progress": "In progress"},
    "fa": {"overdue": "عقب‌افتاده", "upcoming": "جلسه‌های پیش رو", "in_progress": None},
}
PHONE, TABLET = (360, 640), (1024, 768)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_co_chair_schedules_a_meeting_and_the_progress_page_shows_it_with_overdue_and_history(
        browser, live_server, screenshots_dir, tmp_path: Path, lang):
    staged = stage(live_server, "council")  # a workshop of its own: this test changes it
    organiser = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    try:
        plan = sorted(organiser.sync()["plan"].values(), key=lambda e: e["position"])
    finally:
        organiser.close()
    first = plan[0]["id"]  # from the plenary (the merged barrier of room 1), in progress
    words = WORDS[lang]

    # The community co-chair's own page, on a phone.
    context, page = open_surface(browser, staged, "council", lang, PHONE)
    try:
        page.locator("#council-meeting-new-open").click()
        page.locator("#council-meeting-new-date").fill("2030-01-14")
        page.locator("#council-meeting-new-time").fill("18:30")
        page.locator("#council-meeting-new-tz").fill("America/Chicago")
        page.locator("#council-meeting-new-place").fill("Library, room 2 / کتابخانه")
        page.locator("#council-meeting-new-agenda").fill("Stop data: first release")
        page.locator("#council-meeting-new-submit").click()
        meeting = page.locator(".after-meetings .meeting")
        expect(meeting).to_have_count(1)
        expect(meeting.locator(".meeting-place")).to_contain_text("Library, room 2")
        expect(page.locator(".after-meetings h3").first).to_have_text(words["upcoming"])
        # The co-chair gives the first action a due date that has passed: it reads overdue at once.
        card = page.locator("#main .plan-entry").nth(0)
        card.locator(f"#council-{first}-due").fill("2020-01-31")
        card.locator(f"#council-{first}-due-save").click()
        expect(card.locator(".badge-overdue")).to_have_text(words["overdue"])
        scroll_to(meeting)
        page.screenshot(path=str(screenshots_dir / f"council-after-council-{lang}-phone.png"), full_page=True)
        assert not page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX), "targets too small on the phone"
        m = page.evaluate(OVERFLOW_JS)
        assert m["scrollWidth"] <= m["innerWidth"], f"the council page scrolls sideways: {m['culprits']}"
        page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})
        page.screenshot(path=str(screenshots_dir / f"council-after-council-{lang}-tablet.png"), full_page=True)
        # The co-chair's page downloads the same meeting's .ics through their own link.
        assert page.locator(".after-meetings .ics-link").get_attribute("href").startswith("/council/")
        with page.expect_download() as dl:
            page.locator(".after-meetings .ics-link").click()
        dl.value.save_as(tmp_path / "from-council.ics")
        [ev] = icalendar.Calendar.from_ical((tmp_path / "from-council.ics").read_bytes()).walk("VEVENT")
        council_uid = str(ev["uid"])
    finally:
        context.close()

    # The read-only progress page, on a tablet and a phone.
    for size, name in ((TABLET, "tablet"), (PHONE, "phone")):
        context, page = open_surface(browser, staged, "progress", lang, size)
        try:
            meeting = page.locator(".after-meetings .meeting")
            expect(meeting).to_have_count(1)
            expect(meeting.locator(".meeting-when time")).to_have_attribute("datetime", "2030-01-15T00:30:00Z")
            card = page.locator("#main .plan-entry").nth(0)
            expect(card.locator(".badge-overdue")).to_have_text(words["overdue"])
            # An action done is never overdue, whatever its date (the second one is done, with no due date).
            expect(page.locator("#main .plan-entry").nth(1).locator(".badge-overdue")).to_have_count(0)
            # The history expands: the barrier, the room it came from, its dots, then what happened since.
            history = card.locator(f"#progress-{first}-history")
            expect(history.locator(".history-origin")).to_be_hidden()
            card.locator(f"#progress-{first}-history-open").click()
            expect(history.locator(".history-origin")).to_be_visible()
            expect(history.locator(".history-origin")).to_contain_text(MERGE_TEXT.split(" / ")[0])
            expect(history.locator(".history-list .history-status")).to_have_count(2)  # agreed, then in progress
            expect(history.locator(".history-list .history-due")).to_have_count(1)
            expect(history.locator(".history-list .history-note")).to_have_count(2)
            expect(history.locator(".history-today .history-chip")).to_have_class("history-chip status-in_progress")
            # It stays open when the page reads the plan again (every 30 s, or "Refresh").
            page.evaluate("() => { window.drawnBefore = document.querySelector('#main .after-list'); }")
            page.locator("#refresh").click()
            page.wait_for_function("() => document.querySelector('#main .after-list') !== window.drawnBefore")
            expect(history.locator(".history-origin")).to_be_visible()
            if words["in_progress"]:
                expect(history.locator(".history-today .history-chip")).to_have_text(words["in_progress"])
            page.screenshot(path=str(screenshots_dir / f"council-after-progress-{lang}-{name}.png"), full_page=True)
            assert not page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX), f"targets too small ({name})"
            m = page.evaluate(OVERFLOW_JS)
            assert m["scrollWidth"] <= m["innerWidth"], f"the progress page scrolls sideways ({name}): {m['culprits']}"
            if name == "tablet":
                # The .ics downloads and parses: the meeting at 18:30 Chicago time, where and what.
                with page.expect_download() as dl:
                    meeting.locator(".ics-link").click()
                path = tmp_path / f"meeting-{lang}.ics"
                dl.value.save_as(path)
                [ev] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
                assert ev["dtstart"].params["TZID"] == "America/Chicago"
                assert ev.decoded("dtstart").astimezone(UTC) == datetime(2030, 1, 15, 0, 30, tzinfo=UTC)
                assert "Library, room 2" in str(ev["location"]) and "Stop data" in str(ev["description"])
                assert str(ev["uid"]) == council_uid and str(ev["summary"])
        finally:
            context.close()
