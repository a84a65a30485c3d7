"""A phone joining a day with named sectors picks one of the workshop's own sectors.

The join page listed the four fixed groups whatever the organiser named, so a person at an
SPCP day (Faith, Youth, New Americans, ...) could only pick a group the workshop refused.
Here the page lists the SPCP sectors in English and in Persian, and a person taps "Faith"
and joins.
"""
from __future__ import annotations

import pytest

from server.db import Database
from server.domain.sectors import PRESETS
from server.domain.workshops import create_workshop

pytestmark = pytest.mark.browser


def _spcp_workshop(live_server) -> dict:
    db = Database(live_server.env["DATABASE_URL"])
    try:
        return create_workshop(db, title="Westside SPCP day", rooms=2, languages=["en", "es", "fa"],
                               sector_preset="spcp")
    finally:
        db.engine.dispose()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_join_page_lists_the_workshops_sectors_and_one_joins_with_faith(live_server, browser, lang):
    from playwright.sync_api import expect

    made = _spcp_workshop(live_server)
    names = {key: n[lang] for key, _side, n in PRESETS["spcp"]}
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=lang)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/j/{made['join_code']}?lang={lang}")
        choices = page.locator("input[name=group]")
        expect(choices).to_have_count(len(names))
        assert [choices.nth(i).get_attribute("value") for i in range(len(names))] == list(names)
        for name in names.values():
            expect(page.get_by_label(name, exact=True)).to_be_visible()
        page.get_by_label(names["faith"], exact=True).check()
        page.locator("form button[type=submit]").first.click()
        expect(page.locator("input[name=group]")).to_have_count(0)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()
