"""Moderation on the screens (issue 6): the facilitator screens the brainstorm without
names and sees "check before reveal" on posts that look identifying; an author objects
to a merge from the phone and the facilitator sees the objection on the shared barrier.

Each test stages its own workshop (tests/browser/stage.py `stage`, not the shared cache:
these add posts and objections), checks what is on screen, runs axe (no serious or
critical violation, as tests/browser/test_accessibility.py) and saves screenshots to
test-artifacts/screenshots/moderation-*.png at phone, tablet and projector sizes, in
English and Persian.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.stage import Client, open_surface, scroll_to, stage
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS

pytestmark = pytest.mark.browser

PII_POST = "The officer with badge 4411 shouts at kids, call him at 555-867-5309"
SIZES = {"phone": ((360, 640),), "facilitator": ((1024, 768), (1920, 1080))}


def room1_phone(staged, index: int) -> Client:
    tokens = [p["token"] for p in staged.people if p["room_id"] == staged.room_id]
    return Client(staged.url, tokens[index])


def serious_axe(page, source) -> list:
    page.evaluate(source)
    return [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]


@pytest.fixture(scope="module")
def screened(live_server):
    staged = stage(live_server, "brainstorm")
    phone = room1_phone(staged, 1)
    try:
        staged.barriers[PII_POST] = phone.ok("barrier_post", text=PII_POST, anonymous=False)["barrier"]["id"]
    finally:
        phone.close()
    return staged


@pytest.fixture(scope="module")
def objected(live_server):
    staged = stage(live_server, "reveal")
    other = room1_phone(staged, 3)  # the author of "Stops are not explained", merged with the phone's own post
    try:
        other.ok("merge_object", barrier_id=staged.barriers["Stops are not explained"],
                 reason="Mine is about traffic stops at night / توقف‌های شبانه")
    finally:
        other.close()
    return staged


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_facilitator_screens_without_names_and_sees_check_before_reveal(browser, screened, screenshots_dir,
                                                                        axe_source, lang):
    for size in SIZES["facilitator"]:
        context, page = open_surface(browser, screened, "facilitator", lang, size)
        try:
            flag = page.locator(".flag-notice").first
            expect(flag).to_be_visible()
            expect(page.locator(".flag-summary")).to_be_visible()
            posts = page.locator(".posts-card").first.inner_text()
            # Screened blind: Officer Diaz posted with a name, which no post shows before the reveal
            # (the room's people list still names who is in the room, not who wrote what).
            assert PII_POST in posts and "Officer Diaz" not in posts and "Maryam" not in posts
            if lang == "en":
                expect(flag).to_contain_text("Check before reveal")
                expect(flag).to_contain_text("a badge or ID number")
                expect(flag).to_contain_text("a phone number")
            assert not serious_axe(page, axe_source)
            scroll_to(flag)
            page.screenshot(path=str(screenshots_dir / f"moderation-facilitator-screening-{size[0]}-{lang}.png"),
                            full_page=False)
        finally:
            context.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_phone_never_sees_flags_and_keeps_its_own_posts(browser, screened, screenshots_dir, lang):
    context, page = open_surface(browser, screened, "phone", lang, SIZES["phone"][0])
    try:
        own = page.locator("li.post.is-mine").first
        expect(own).to_be_visible()
        assert page.locator(".flag-notice").count() == 0
        scroll_to(own)
        page.screenshot(path=str(screenshots_dir / f"moderation-phone-brainstorm-{lang}.png"), full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_facilitator_sees_the_objection_on_the_shared_barrier(browser, objected, screenshots_dir,
                                                              axe_source, lang):
    for size in SIZES["facilitator"]:
        context, page = open_surface(browser, objected, "facilitator", lang, size)
        try:
            notice = page.locator(".objection-notice")
            expect(notice).to_be_visible()
            expect(notice).to_contain_text("Mine is about traffic stops at night")
            expect(page.locator(f"#obj-undo-{objected.barriers['Stops are not explained / توقف‌ها توضیح داده نمی‌شوند']}")
                   ).to_be_visible()
            if lang == "en":
                expect(notice).to_contain_text("An author of a merged barrier objects to this merge.")
            assert not serious_axe(page, axe_source)
            scroll_to(notice)
            page.screenshot(path=str(screenshots_dir / f"moderation-facilitator-objection-{size[0]}-{lang}.png"),
                            full_page=False)
        finally:
            context.close()


def test_phone_objects_and_the_facilitator_keeps_the_merge(browser, live_server, screenshots_dir,
                                                           axe_source):
    staged = stage(live_server, "reveal")
    shared = staged.barriers["Stops are not explained / توقف‌ها توضیح داده نمی‌شوند"]
    # The facilitator's tablet is open while the phone objects: it is told at once.
    tablet_context, tablet = open_surface(browser, staged, "facilitator", "en", SIZES["facilitator"][0])
    expect(tablet.locator(".objection-notice")).to_have_count(0)
    for lang in ("en", "fa"):
        context, page = open_surface(browser, staged, "phone", lang, SIZES["phone"][0])
        try:
            button = page.locator(f'[data-key="object-{shared}"]')
            if lang == "fa":
                expect(page.locator(".objection-status")).to_be_visible()
                scroll_to(page.locator(".objection-status"))
                page.screenshot(path=str(screenshots_dir / f"moderation-phone-objected-{lang}.png"), full_page=False)
                continue
            expect(button).to_be_visible()
            scroll_to(button)
            page.screenshot(path=str(screenshots_dir / f"moderation-phone-object-button-{lang}.png"), full_page=False)
            button.click()
            area = page.locator(f"#object-text-{shared}")
            expect(area).to_be_focused()
            area.fill("Mine is about the night shift")
            assert not serious_axe(page, axe_source)
            page.screenshot(path=str(screenshots_dir / f"moderation-phone-object-form-{lang}.png"), full_page=False)
            page.locator(f'[data-key="object-submit-{shared}"]').click()
            expect(page.locator(".objection-status")).to_contain_text("You objected to this merge")
            # The tablet is told at once (a toast lasts 4 s: checked now, not after the Persian phone's turn).
            expect(tablet.locator("#toasts")).to_contain_text("An author of a merged barrier objects to a merge")
            page.screenshot(path=str(screenshots_dir / f"moderation-phone-objected-{lang}.png"), full_page=False)
        finally:
            context.close()
    # The facilitator keeps the merge; the phone is told.
    try:
        expect(tablet.locator(".objection-notice")).to_contain_text("Mine is about the night shift")
        tablet.locator(f"#obj-keep-{shared}").click()
        expect(tablet.locator(".objection-notice")).to_have_count(0)
    finally:
        tablet_context.close()
    context, page = open_surface(browser, staged, "phone", "en", SIZES["phone"][0])
    try:
        expect(page.locator(".objection-status")).to_contain_text("The facilitator kept this merge")
    finally:
        context.close()
