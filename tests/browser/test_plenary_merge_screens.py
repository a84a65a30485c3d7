"""Merging the same barrier from two rooms on the plenary board, with real clicks (issue 13, defect 6).

The organiser ticks two plenary items and merges them; the projector shows one
item with the combined support and both rooms; undo brings both back with their
own dots.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.stage import MERGE_TEXT, ROOM2_POSTS, Client, stage

pytestmark = pytest.mark.browser

WAIT_MS = 20_000


def test_organiser_merges_two_plenary_items_and_the_projector_shows_one(browser, live_server):
    s = stage(live_server, "plenary")   # a workshop of its own: this test changes its board
    org = Client(s.url, s.organiser_url.split("#", 1)[1])
    try:
        org.ok("workshop_update", live_tallies=True)  # the projector shows the counts it merges
        items = {i["text"]: i for i in org.state["plenary"].values()}
    finally:
        org.close()
    a, b = items[MERGE_TEXT], items[ROOM2_POSTS[0][1]]
    combined = a["votes"] + b["votes"]   # each phone gave one dot (stage.py): nobody voted for both
    assert a["votes"] and b["votes"]
    organiser = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="en-US")
    projector = browser.new_context(viewport={"width": 1920, "height": 1080})
    for c in (organiser, projector):
        c.set_default_timeout(WAIT_MS)
    try:
        o = organiser.new_page()
        o.goto(s.organiser_url)
        d = projector.new_page()
        d.goto(s.display_url)
        board = d.locator(".board-item")
        expect(board).to_have_count(3)

        card = lambda item: o.locator(f'li.plenary-item[data-item-id="{item["id"]}"]')  # noqa: E731
        card(a).get_by_role("checkbox", name="Select to merge").check()
        card(b).get_by_role("checkbox", name="Select to merge").check()
        o.get_by_role("button", name="Merge 2 selected").click()

        expect(board).to_have_count(2)
        merged = d.locator(f'.board-item[data-item-id="{a["id"]}"]')
        expect(merged.locator(".board-votes")).to_have_text(str(combined))
        expect(merged.locator(".board-meta")).to_contain_text("Room 1 + Room 2")
        expect(merged.locator(".board-title")).to_have_text(MERGE_TEXT)
        expect(card(a)).to_contain_text("Merged from Room 1 + Room 2")
        expect(card(b)).to_have_count(0)

        card(a).get_by_role("button", name="Undo merge").click()
        expect(board).to_have_count(3)
        expect(d.locator(f'.board-item[data-item-id="{a["id"]}"] .board-votes')).to_have_text(str(a["votes"]))
        expect(d.locator(f'.board-item[data-item-id="{b["id"]}"] .board-votes')).to_have_text(str(b["votes"]))
        expect(card(b)).to_have_count(1)
    finally:
        organiser.close()
        projector.close()
