"""Data protection in the browser (docs/security.md, "Data protection").

The privacy notice is on the join form, before anything can be posted, in
every language, with the server's real retention (TOKEN_TTL_DAYS, default 30)
and no sideways scrolling on a 360 px phone. The organiser erases the day's
personal data from the action-plan tab once the workshop is closed, through a
confirm dialog that says what is deleted; the phone that was open is told the
workshop is over. Screenshots go to test-artifacts/screenshots/privacy-*.png.
"""
from __future__ import annotations

import pytest

from .stage import Client, open_surface, stage
from .test_accessibility import AXE_TAGS, RUN_AXE_JS

pytestmark = pytest.mark.browser

DIGITS = {"en": "30", "es": "30", "fa": "۳۰"}
TITLE = {"en": "Your privacy", "es": "Su privacidad", "fa": "حریم خصوصی شما"}




def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def axe_violations(page, source: str) -> list[str]:
    """Every axe-core violation (any impact) on the page as it is now."""
    page.evaluate(source)
    return [f"[{v['impact']}] {v['id']}: {v['nodes']}" for v in page.evaluate(RUN_AXE_JS, AXE_TAGS)]


@pytest.mark.parametrize("lang", ["en", "es", "fa"])
def test_the_privacy_notice_is_on_the_join_form_in_every_language(browser, stager, screenshots_dir, lang):
    from playwright.sync_api import expect
    context, page = open_surface(browser, stager.get("lobby"), "join", lang, (360, 640))
    try:
        notice = page.locator("form.join-form section.privacy-notice")
        expect(notice).to_be_visible()
        expect(notice.locator("h2")).to_have_text(TITLE[lang])
        # Before the button that joins (and so before any post): the notice is read first.
        assert page.evaluate("""() => {
            const n = document.querySelector('.privacy-notice');
            const b = document.querySelector('form.join-form [type=submit]');
            return Boolean(n.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""")
        erased = notice.locator("#privacy-erased")
        expect(erased).to_contain_text(DIGITS[lang])  # the server's TOKEN_TTL_DAYS, in the reader's digits
        # The anonymity choice is part of the same notice.
        expect(notice.locator("fieldset.anon-field input[name=anon]")).to_have_count(2)
        assert no_overflow(page), "the join page scrolls sideways at 360 px"
        if lang == "fa":
            assert page.evaluate("getComputedStyle(document.querySelector('.privacy-facts')).direction") == "rtl"
        page.screenshot(path=str(screenshots_dir / f"privacy-join-360x640-{lang}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_the_privacy_notice_on_a_tablet_and_a_big_screen(browser, stager, screenshots_dir, lang, size):
    from playwright.sync_api import expect
    context, page = open_surface(browser, stager.get("lobby"), "join", lang, size)
    try:
        expect(page.locator("section.privacy-notice #privacy-erased")).to_contain_text(DIGITS[lang])
        assert no_overflow(page)
        page.screenshot(path=str(screenshots_dir / f"privacy-join-{size[0]}x{size[1]}-{lang}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("lang,size", [("en", (1024, 768)), ("fa", (1024, 768)), ("en", (360, 640)),
                                       ("fa", (1920, 1080))])
def test_the_organiser_erases_personal_data_after_the_day(browser, live_server, screenshots_dir, axe_source,
                                                         lang, size):
    from playwright.sync_api import expect
    staged = stage(live_server, "action_plan")  # its own workshop: this one is purged
    org = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    try:
        org.ok("workshop_advance")  # closed
    finally:
        org.close()
    phone_ctx, phone = open_surface(browser, staged, "phone", lang, (360, 640))
    context, page = open_surface(browser, staged, "organiser", lang, size)
    shot = f"{size[0]}x{size[1]}-{lang}"
    try:
        panel = page.locator("section.privacy-panel")
        expect(panel).to_be_visible()
        page.screenshot(path=str(screenshots_dir / f"privacy-organiser-closed-{shot}.png"), full_page=True)
        page.locator("#purge").click()
        dialog = page.locator("dialog.dialog")
        expect(dialog).to_be_visible()
        expect(dialog.locator("li")).to_have_count(4)  # names, contacts, links, reasons
        box = dialog.locator("button.btn-danger").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        assert not axe_violations(page, axe_source)
        page.screenshot(path=str(screenshots_dir / f"privacy-organiser-dialog-{shot}.png"))
        # Cancel first: nothing happens.
        dialog.locator("button[value=cancel]").click()
        expect(dialog).to_have_count(0)
        expect(page.locator("#purge")).to_be_visible()
        page.locator("#purge").click()
        page.locator("dialog.dialog button.btn-danger").click()
        expect(panel.locator("[role=status]")).to_be_visible()
        expect(page.locator("#purge")).to_have_count(0)
        expect(page.locator("#wback")).to_be_disabled()  # a purged workshop cannot be reopened
        assert not axe_violations(page, axe_source)
        page.screenshot(path=str(screenshots_dir / f"privacy-organiser-erased-{shot}.png"), full_page=True)
        # The phone that was open is cut and says the workshop is over (not "you were removed").
        expect(phone.locator("main h1")).to_have_text(
            {"en": "This workshop is over", "fa": "این کارگاه به پایان رسیده است"}[lang])
        assert no_overflow(phone)
        assert not axe_violations(phone, axe_source)
        phone.screenshot(path=str(screenshots_dir / f"privacy-phone-erased-360x640-{lang}.png"))
        # The organiser's link still works after a reload, and the panel remembers.
        page.reload()
        expect(page.locator("section.privacy-panel [role=status]")).to_be_visible()
    finally:
        context.close()
        phone_ctx.close()


def test_a_phone_whose_link_expired_says_so(browser, live_server):
    """TOKEN_TTL_DAYS (default 30) after the workshop the phone with a saved link is told the links expired."""
    from datetime import timedelta

    from playwright.sync_api import expect
    from sqlalchemy import update

    from server.db import Database
    from server.models import Workshop, utcnow

    staged = stage(live_server, "lobby")  # its own workshop: this one expires
    db = Database(live_server.env["DATABASE_URL"])
    try:
        with db.transaction() as s:
            s.execute(update(Workshop).where(Workshop.join_code == staged.join_code)
                      .values(created_at=utcnow() - timedelta(days=45), date=None))
    finally:
        db.engine.dispose()
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        storage = staged.phone_storage("en")
        import json
        context.add_init_script(
            f"for (const [k, v] of Object.entries({json.dumps(storage)})) {{ localStorage.setItem(k, v); }}")
        page = context.new_page()
        page.goto(staged.participant_url)
        # The join lookup is refused too: the page asks for a code and says the links expired.
        expect(page.locator("#code-error")).to_have_text("This workshop’s links have expired.")
        assert no_overflow(page)
    finally:
        context.close()
