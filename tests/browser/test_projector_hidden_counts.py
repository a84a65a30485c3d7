"""While the plenary vote is open (the default: no live tallies) the projector says that voting is
open and shows no numbers, rather than a board of zeros."""
from __future__ import annotations

import pytest

from .stage import set_display_language

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_projector_says_the_plenary_vote_is_open_instead_of_showing_zeros(browser, stager, size):
    from playwright.sync_api import expect
    staged = stager.get("plenary")
    set_display_language(staged, "en")  # the stage is shared: the screenshots put it in Persian too
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        page = context.new_page()
        page.goto(staged.display_url)
        expect(page.locator(".board-item").first).to_be_visible()
        expect(page.get_by_text("voting is open: the counts appear when it closes")).to_be_visible()
        expect(page.locator(".board-votes")).to_have_count(0)
        expect(page.locator(".board-agreement")).to_have_count(0)  # shares by side are counts too
        expect(page.get_by_text("(0 votes)")).to_have_count(0)
    finally:
        context.close()
