"""A facilitator says which languages they read, on their tablet, by keyboard; the server keeps it and
the organiser's console shows it (mixed rooms then seat readers of those languages there: docs/agenda.md)."""
from __future__ import annotations

import pytest

from server.cli import _links
from server.db import Database
from server.domain.workshops import create_workshop
from tests.browser.stage import Client

pytestmark = pytest.mark.browser


def _spcp_workshop(live_server, title: str) -> dict:
    """An SPCP workshop of two rooms in English, Spanish and Persian, with its links."""
    db = Database(live_server.env["DATABASE_URL"])
    try:
        return _links(live_server.url, create_workshop(db, title=title, rooms=2, languages=["en", "es", "fa"],
                                                       agenda="spcp", sector_preset="spcp"))
    finally:
        db.engine.dispose()


def _organiser_sees(organiser, tablet, room: int, languages: list[str]) -> None:
    """Wait (up to 5 s) until the organiser's fresh state says the room's facilitators read `languages`."""
    for _ in range(50):
        if organiser.sync()["rooms"][str(room)]["languages"] == languages:
            break
        tablet.wait_for_timeout(100)
    assert organiser.state["rooms"][str(room)]["languages"] == languages


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_facilitator_ticks_the_languages_they_read(live_server, browser, lang):
    from playwright.sync_api import expect
    made = _spcp_workshop(live_server, "Languages")
    room = made["rooms"][0]["room_id"]
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale=lang)
    organiser = Client(live_server.url, made["organiser_url"].split("#", 1)[1])
    try:
        context.add_init_script(f"localStorage.setItem('cg.console.lang', '{lang}')")
        tablet = context.new_page()
        tablet.goto(made["facilitator_urls"][0])
        expect(tablet.locator("#header .conn-online")).to_be_visible()
        box = tablet.locator(f"#r{room}-reads-fa")
        box.focus()
        tablet.keyboard.press("Space")
        expect(tablet.locator(f"#r{room}-reads-fa")).to_be_checked()
        _organiser_sees(organiser, tablet, room, ["fa"])
        tablet.locator(f"#r{room}-reads-en").click()
        expect(tablet.locator(f"#r{room}-reads-en")).to_be_checked()
        _organiser_sees(organiser, tablet, room, ["en", "fa"])
    finally:
        organiser.close()
        context.close()


def test_two_quick_ticks_both_count(live_server, browser):
    """A facilitator ticks two languages one after the other, the second before the first one's answer
    redraws the boxes: both are kept (the second tick sent the set drawn before the first: a lost update)."""
    from playwright.sync_api import expect
    made = _spcp_workshop(live_server, "Quick ticks")
    room = made["rooms"][0]["room_id"]
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en")
    organiser = Client(live_server.url, made["organiser_url"].split("#", 1)[1])
    try:
        tablet = context.new_page()
        tablet.goto(made["facilitator_urls"][0])
        expect(tablet.locator("#header .conn-online")).to_be_visible()
        # Both taps in one turn of the page's event loop: no answer can redraw the boxes between them.
        tablet.evaluate("(ids) => ids.forEach((id) => document.getElementById(id).click())",
                        [f"r{room}-reads-fa", f"r{room}-reads-es"])
        _organiser_sees(organiser, tablet, room, ["es", "fa"])
        expect(tablet.locator(f"#r{room}-reads-fa")).to_be_checked()
        expect(tablet.locator(f"#r{room}-reads-es")).to_be_checked()
    finally:
        organiser.close()
        context.close()
