"""A device that opened a link can open it again (web/js/device-links.js).

The organiser, a facilitator and the projector each get one link with the key in the
#fragment. The page drops the fragment from the address bar; the key used to live only in
that tab (sessionStorage), so /o, /f or /d opened in a new tab, or after the browser
restarted, said "This link does not work" and nobody could give the link back.

Here a person opens their link, then opens the bare address in a new tab of the same
browser, and in a browser started again with the same storage (Playwright's
storage_state); then signs out of the device and finds the bare address no longer opens.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

UNAUTHORIZED = "This link does not work"


def _ready(page, role: str, staged):
    """Wait until the page shows the workshop (not the "link does not work" notice)."""
    from playwright.sync_api import expect
    if role == "display":
        expect(page.locator("#join-h")).to_be_visible()
        expect(page.get_by_text("This projector link is not valid")).to_have_count(0)
    else:
        expect(page.get_by_role("heading", level=1)).to_contain_text(staged.workshop["title"])
        expect(page.get_by_text(UNAUTHORIZED)).to_have_count(0)


SURFACES = {"organiser": ("organiser_url", "/o"), "facilitator": ("facilitator_url", "/f"),
            "display": ("display_url", "/d")}


def _open_link(browser, staged, role: str):
    """A fresh browser that opens `role`'s link (key in the fragment) and waits for the workshop."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(getattr(staged, SURFACES[role][0]))
    _ready(page, role, staged)
    return context, page


@pytest.mark.parametrize("role", list(SURFACES))
def test_a_link_opens_again_bare_in_a_new_tab_and_after_a_restart(browser, stager, role):
    staged = stager.get("lobby")
    bare = SURFACES[role][1]
    context, page = _open_link(browser, staged, role)
    try:
        assert "#" not in page.url  # the key left the address bar
        tab = context.new_page()
        tab.goto(staged.url + bare)
        _ready(tab, role, staged)
        kept = context.storage_state()
    finally:
        context.close()
    # The browser restarts: a new context with the same storage.
    again = browser.new_context(viewport={"width": 1280, "height": 800}, storage_state=kept)
    try:
        page = again.new_page()
        page.goto(staged.url + bare)
        _ready(page, role, staged)
    finally:
        again.close()


@pytest.mark.parametrize("role", ["organiser", "facilitator"])
def test_sign_out_of_this_device_forgets_the_link(browser, stager, role):
    from playwright.sync_api import expect
    staged = stager.get("lobby")
    bare = SURFACES[role][1]
    context, page = _open_link(browser, staged, role)
    try:
        page.get_by_role("button", name="Sign out of this device").click()
        expect(page.get_by_role("heading", name="Signed out of this device")).to_be_visible()
        tab = context.new_page()
        tab.goto(staged.url + bare)
        expect(tab.get_by_text(UNAUTHORIZED)).to_be_visible()
    finally:
        context.close()
