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

import re

import pytest

from .stage import PEOPLE

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


def test_the_organiser_re_issues_the_projector_link_from_the_console(browser, live_server):
    """The console shows its own link and re-issues the projector's: the old projector page stops,
    the new link opens, and the projector's device keeps the new one."""
    from playwright.sync_api import expect

    from .stage import stage
    staged = stage(live_server, "lobby")  # its own workshop: the projector link changes here
    console, page = _open_link(browser, staged, "organiser")
    projector, screen = _open_link(browser, staged, "display")
    try:
        page.get_by_role("button", name="Links").click()
        expect(page.get_by_label("Organiser link (this console)")).to_have_value(staged.organiser_url)
        page.get_by_role("button", name="Re-issue the Projector link").click()
        page.get_by_role("dialog").get_by_role("button", name="Re-issue").click()
        field = page.get_by_label("Projector link", exact=True)
        expect(field).to_have_value(re.compile("^" + re.escape(staged.url + "/d#")))
        new_link = field.input_value()
        assert new_link != staged.display_url
        # The old projector page is closed, and its device forgot the old link.
        expect(screen.get_by_text("This projector link is not valid")).to_be_visible()
        screen.goto(new_link)
        _ready(screen, "display", staged)
        tab = projector.new_page()
        tab.goto(staged.url + "/d")
        _ready(tab, "display", staged)
    finally:
        console.close()
        projector.close()


def test_a_council_member_nobody_can_reach_is_flagged(browser, live_server):
    from playwright.sync_api import expect

    from .stage import Client, stage
    staged = stage(live_server, "lobby")
    # An anonymous participant volunteers without a contact, and the organiser appoints them.
    silent = next(p for p, (_g, name, _l) in zip(staged.people, PEOPLE, strict=True) if name is None)
    named = staged.people[0]  # Maryam, with a contact
    for person, contact in ((silent, None), (named, "maryam@example.org")):
        c = Client(staged.url, person["token"])
        c.ok("council_volunteer", **({"contact": contact, "consent": True} if contact else {"consent": False}))
        c.close()
    organiser = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    for person in (silent, named):
        organiser.ok("council_role_set", participant_id=person["participant_id"], role="member")
    organiser.close()
    context, page = _open_link(browser, staged, "organiser")
    try:
        page.get_by_role("button", name=re.compile("^Council")).click()
        row = page.get_by_role("row").filter(has=page.locator(f"#role-{silent['participant_id']}"))
        expect(row).to_contain_text("No name and no contact")
        other = page.get_by_role("row").filter(has=page.locator(f"#role-{named['participant_id']}"))
        expect(other).not_to_contain_text("No name and no contact")
    finally:
        context.close()
