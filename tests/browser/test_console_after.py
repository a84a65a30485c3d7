"""The organiser's console after the plan is drafted (docs/council.md, issue 16): in the plan tab
the organiser gives an action a due date and schedules a council meeting, with the same pieces
a co-chair has on their page (web/js/council-after.js); the meeting's .ics comes through the
progress link. By keyboard where a person would type; English and Persian; screenshots at tablet
(1024x768), phone (390x844) and projector (1920x1080) sizes: console-after-*.png.
"""
from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from tests.browser.stage import Client, open_surface, stage
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS
from tests.browser.test_screenshots import OVERFLOW_JS

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"schedule": "Schedule a meeting", "submit": "Schedule", "due": "Due date", "save": "Set due date",
           "upcoming": "Upcoming", "title": "Council meetings"},
    "fa": {"schedule": "برنامه‌ریزی یک جلسه", "submit": "ثبت جلسه", "due": "تاریخ مهلت", "save": "تعیین مهلت",
           "upcoming": "جلسه‌های پیش رو", "title": "جلسه‌های شورا"},
}
TABLET, PHONE, PROJECTOR = (1024, 768), (390, 844), (1920, 1080)


def test_a_due_date_picked_but_not_yet_set_survives_a_redraw(browser, live_server):
    """The organiser picks a due date, looks at another tab and comes back (or any event redraws the
    plan) before pressing Set: the date is still there and is the one set. Before, the redraw gave an
    empty box and Set sent nothing (what a fresh-clone CI run caught once under load)."""
    staged = stage(live_server, "action_plan")
    words = WORDS["en"]
    context, page = open_surface(browser, staged, "organiser", "en", TABLET)
    try:
        page.locator("#tab-plan").click()
        first = page.locator("#main .plan-entry").first
        first.get_by_label(words["due"]).fill("2031-03-31")
        page.locator("#tab-council").click()
        expect(page.locator("#tab-council")).to_have_attribute("aria-pressed", "true")
        page.locator("#tab-plan").click()
        due = first.get_by_label(words["due"])
        expect(due).to_have_value("2031-03-31")
        first.get_by_role("button", name=words["save"]).focus()
        page.keyboard.press("Enter")
        expect(first.locator(".due-line time")).to_have_attribute("datetime", "2031-03-31")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_organiser_schedules_a_meeting_and_sets_a_due_date_in_the_console(browser, live_server, screenshots_dir,
                                                                           axe_source, tmp_path: Path, lang):
    staged = stage(live_server, "action_plan")   # a workshop of its own: this test changes it
    words = WORDS[lang]
    context, page = open_surface(browser, staged, "organiser", lang, TABLET)
    try:
        page.locator("#tab-plan").click()
        expect(page.locator("#tab-plan")).to_have_attribute("aria-pressed", "true")
        first = page.locator("#main .plan-entry").first
        entry = first.get_attribute("data-entry")
        # A due date on the first action, then the Set button by keyboard.
        due = first.get_by_label(words["due"])
        due.fill("2031-03-31")
        save = first.get_by_role("button", name=words["save"])
        save.focus()
        page.keyboard.press("Enter")
        expect(first.locator(".due-line time")).to_have_attribute("datetime", "2031-03-31")
        # A meeting: the form opens from its summary by keyboard; the text is typed.
        meetings = page.get_by_role("region", name=words["title"])
        summary = meetings.get_by_text(words["schedule"], exact=True)
        summary.focus()
        page.keyboard.press("Enter")
        page.locator("#organiser-meeting-new-date").fill("2031-01-14")
        page.locator("#organiser-meeting-new-time").fill("18:30")
        tz = page.locator("#organiser-meeting-new-tz")
        tz.fill("")
        tz.press_sequentially("America/Chicago")
        page.locator("#organiser-meeting-new-place").press_sequentially("Library, room 2 / کتابخانه")
        page.locator("#organiser-meeting-new-agenda").press_sequentially("Stop data: first release")
        page.locator("#organiser-meeting-new-submit").focus()
        page.keyboard.press("Enter")
        meeting = meetings.locator(".meeting")
        expect(meeting).to_have_count(1)
        expect(meeting.locator(".meeting-when time")).to_have_attribute("datetime", "2031-01-15T00:30:00Z")
        expect(meeting.locator(".meeting-place")).to_contain_text("Library, room 2")
        expect(meetings.locator("h3").first).to_have_text(words["upcoming"])
        # The minutes, as a co-chair records them.
        minutes = meeting.locator("textarea")
        minutes.press_sequentially("Agreed: publish the stop data quarterly.")
        meeting.locator("button[type=submit]").click()
        expect(meeting.locator(".meeting-minutes")).to_contain_text("publish the stop data")
        # The .ics, through the progress link (the console reads it as the council tab does).
        ics = meeting.locator(".ics-link")
        expect(ics).to_have_attribute("href", f"{staged.progress_url.replace(staged.url, '')}/meetings/"
                                      f"{meeting.get_attribute('id').rsplit('-', 1)[1]}.ics")
        with page.expect_download() as dl:
            ics.click()
        path = tmp_path / "organiser.ics"
        dl.value.save_as(path)
        [ev] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        assert ev["dtstart"].params["TZID"] == "America/Chicago"
        assert "Stop data" in str(ev["description"])
        # The server holds what the console showed.
        organiser = Client(staged.url, staged.organiser_url.split("#", 1)[1])
        try:
            state = organiser.sync()
        finally:
            organiser.close()
        assert state["plan"][entry]["fields"]["due"] == "2031-03-31"
        [m] = state["meetings"].values()
        assert m["timezone"] == "America/Chicago" and m["minutes"].startswith("Agreed")
        page.evaluate(axe_source)
        serious = [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"serious axe violations in the plan tab: {serious}"
        for size, name in ((TABLET, "tablet"), (PHONE, "phone"), (PROJECTOR, "projector")):
            page.set_viewport_size({"width": size[0], "height": size[1]})
            page.evaluate("document.fonts.ready.then(() => true)")
            page.evaluate("() => document.querySelector('#main .plan-entry .due-line').scrollIntoView({block: 'center'})")
            page.screenshot(path=str(screenshots_dir / f"console-after-plan-{lang}-{name}.png"))
            page.evaluate("() => document.querySelector('.after-meetings').scrollIntoView({block: 'start'})")
            page.screenshot(path=str(screenshots_dir / f"console-after-meetings-{lang}-{name}.png"))
            m = page.evaluate(OVERFLOW_JS)
            assert m["scrollWidth"] <= m["innerWidth"], f"the console scrolls sideways ({name}): {m['culprits']}"
    finally:
        context.close()


def test_what_the_organiser_is_typing_survives_a_live_event(browser, live_server):
    """Minutes half typed and a meeting form half filled in stay as typed when the page draws again
    for a live event (here another organiser device schedules a meeting): the keystrokes typed
    before the redraw were lost (the textarea was drawn again with the stored minutes)."""
    staged = stage(live_server, "action_plan")
    organiser = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    context, page = open_surface(browser, staged, "organiser", "en", TABLET)
    try:
        organiser.ok("meeting_schedule", starts_at="2031-01-14T18:30", timezone="UTC", duration_minutes=60,
                     place="Library", agenda="First meeting")
        page.locator("#tab-plan").click()
        meetings = page.get_by_role("region", name=WORDS["en"]["title"])
        expect(meetings.locator(".meeting")).to_have_count(1)
        summary = meetings.get_by_text(WORDS["en"]["schedule"], exact=True)
        summary.focus()
        page.keyboard.press("Enter")
        page.locator("#organiser-meeting-new-place").press_sequentially("Town hall, room")
        minutes = meetings.locator(".meeting textarea")
        minutes.focus()
        page.keyboard.type("Agreed: publish")
        # Another device schedules a meeting: the console draws the meetings again.
        organiser.ok("meeting_schedule", starts_at="2031-02-11T18:30", timezone="UTC", duration_minutes=60,
                     place="", agenda="")
        expect(meetings.locator(".meeting")).to_have_count(2)
        page.keyboard.type(" the stop data.")  # the caret stayed where it was
        expect(meetings.locator(".meeting textarea").first).to_have_value("Agreed: publish the stop data.")
        expect(page.locator("#organiser-meeting-new-place")).to_have_value("Town hall, room")
        meetings.locator(".meeting").first.locator("button[type=submit]").click()
        expect(meetings.locator(".meeting-minutes").first).to_contain_text("publish the stop data.")
        state = organiser.sync()
        assert sorted(m["minutes"] for m in state["meetings"].values()) == ["", "Agreed: publish the stop data."]
    finally:
        organiser.close()
        context.close()
