"""A phone turned sideways (and back) keeps every control on screen: nothing wider than the screen,
the Vote buttons and the votes-left banner still reachable, in English and Persian."""
from __future__ import annotations

import pytest

from .stage import open_surface, scroll_to

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    over = page.evaluate("""() => {
        const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')].filter((e) => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > w + 1 || r.left < -1);
        }).map((e) => e.tagName + '.' + e.className).slice(0, 5);
    }""")
    assert over == [], f"wider than the screen: {over}"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_phone_turned_sideways_and_back_keeps_every_control(browser, stager, lang):
    from playwright.sync_api import expect
    staged = stager.get("vote")
    ctx, page = open_surface(browser, staged, "phone", lang, (390, 844))
    try:
        expect(page.locator(".votes-left")).to_be_visible()
        _fits(page)
        page.set_viewport_size({"width": 844, "height": 390})  # landscape
        expect(page.locator(".votes-left")).to_be_visible()
        _fits(page)
        button = page.locator(".post-list button").last
        # The page redraws on each event (other tests vote in this shared stage): scroll_to scrolls
        # again if the button was replaced while scrolling, as a thumb would.
        scroll_to(button)
        expect(button).to_be_in_viewport()
        page.set_viewport_size({"width": 390, "height": 844})  # and back
        _fits(page)
        expect(page.locator(".votes-left")).to_be_visible()
    finally:
        ctx.close()
