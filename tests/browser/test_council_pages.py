"""The pages after the day in Chromium (docs/council.md): the read-only progress page, a council
member's page, and the organiser's council tab that forms the council and hands out the links.

Layout, axe and keyboard checks of /progress and /council run with every other surface
(tests/browser/stage.py SURFACES, state "council"); here: what they do, touch targets on a
phone, where the token goes, and screenshots of the organiser's council tab.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.stage import Client, open_surface, stage
from tests.browser.test_screenshots import MIN_TARGET_PX, SMALL_TARGETS_JS

pytestmark = pytest.mark.browser



@pytest.fixture
def fresh(live_server):
    """A workshop of its own in the "council" state: these tests change it."""
    return stage(live_server, "council")


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def watch_requests(page, token: str) -> list[str]:
    """Every request after the page itself whose address or Referer carries the token."""
    leaks: list[str] = []

    def seen(request):
        if request.resource_type == "document":
            return
        referer = request.headers.get("referer", "")
        if token in request.url or token in referer:
            leaks.append(f"{request.method} {request.url} (referer {referer!r})")
    page.on("request", seen)
    return leaks


@pytest.mark.parametrize("surface", ["progress", "council"])
def test_phone_targets_and_no_token_in_any_request(browser, stager, surface):
    staged = stager.get("council")
    url = staged.progress_url if surface == "progress" else staged.council_url
    context, page = open_surface(browser, staged, surface, "en", (360, 640))
    try:
        leaks = watch_requests(page, token_of(url))
        page.reload()
        expect(page.locator("#main .plan-entry").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert not leaks, f"the token left the page: {leaks}"
        small = page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX)
        assert not small, f"{surface}: targets smaller than {MIN_TARGET_PX}px: {small}"
        # No contact detail and no participant id on either page.
        text = page.evaluate("document.body.innerText")
        assert "@example.org" not in text
    finally:
        context.close()


def test_a_co_chair_updates_a_status_and_adds_a_note_and_the_progress_page_follows(browser, live_server, fresh):
    context, page = open_surface(browser, fresh, "council", "en", (360, 640))
    progress_ctx, progress = open_surface(browser, fresh, "progress", "en", (360, 640))
    try:
        first = page.locator("#main .plan-entry").nth(2)
        status = first.locator("select")
        expect(status).to_have_value("proposed")
        status.select_option("agreed")
        expect(first.locator(".status-chip")).to_have_text("Agreed")
        first.locator("textarea").fill("Met the chief; logs to be checked from May")
        first.get_by_role("button", name="Add note").click()
        expect(first.locator(".plan-notes")).to_contain_text("Met the chief; logs to be checked from May")
        expect(first.locator(".plan-notes")).to_contain_text("Maryam")
        # The read-only page shows it on "Refresh" (and by itself every 30 s).
        progress.locator("#refresh").click()
        entry = progress.locator("#main .plan-entry").nth(2)
        expect(entry.locator(".status-chip")).to_have_text("Agreed")
        expect(entry).to_contain_text("Met the chief; logs to be checked from May")
        assert progress.locator("select, textarea, input").count() == 1  # only the language picker
    finally:
        context.close()
        progress_ctx.close()


def test_a_member_sees_only_their_actions_editable_and_a_conflict_is_explained(browser, fresh):
    organiser = Client(fresh.url, fresh.organiser_url.split("#", 1)[1])
    try:
        member_pid = fresh.people[2]["participant_id"]   # community org member, no name, co-leads entry 2
        token = organiser.ok("council_link_issue", participant_id=member_pid)["token"]
        plan = sorted(organiser.sync()["plan"].values(), key=lambda e: e["position"])
    finally:
        organiser.close()
    member_url = f"{fresh.url}/council/{token}"
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto(member_url)
        expect(page.locator("#header .conn-online")).to_be_visible()
        cards = page.locator("#main .plan-entry")
        expect(cards).to_have_count(4)
        # Entry 2 is theirs: a status control and a note form; the others read-only.
        expect(cards.nth(1).locator("select")).to_have_count(1)
        expect(cards.nth(1).locator(".badge-mine")).to_be_visible()
        for i in (0, 2, 3):
            expect(cards.nth(i).locator("select, textarea")).to_have_count(0)
        # Somebody else (the co-chair) changes the status meanwhile; this page heard it live.
        chair = Client(fresh.url, token_of(fresh.council_url))
        try:
            entry = {e["id"]: e for e in chair.sync()["plan"].values()}[plan[1]["id"]]
            chair.ok("plan_entry_update", entry_id=entry["id"], field="status", value="dropped",
                     version=entry["versions"]["status"])
        finally:
            chair.close()
        expect(cards.nth(1).locator(".status-chip")).to_have_text("Dropped")
        # Its own edit then goes from the version it now holds.
        cards.nth(1).locator("select").select_option("in_progress")
        expect(cards.nth(1).locator(".status-chip")).to_have_text("In progress")
    finally:
        context.close()


def test_a_revoked_link_ends_the_page(browser, fresh):
    context, page = open_surface(browser, fresh, "council", "fa", (360, 640))
    try:
        organiser = Client(fresh.url, fresh.organiser_url.split("#", 1)[1])
        try:
            organiser.ok("council_link_revoke", participant_id=fresh.people[0]["participant_id"], reason="")
        finally:
            organiser.close()
        expect(page.locator("#main [role=alert] h2")).to_have_text("این پیوند دیگر کار نمی‌کند")
        page.reload()
        expect(page.locator("#main [role=alert] h2")).to_have_text("این پیوند دیگر کار نمی‌کند")
    finally:
        context.close()


def test_an_unknown_progress_link_says_so(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/progress/not-a-real-token")
        expect(page.locator("#main [role=alert] h2")).to_have_text("This link does not work")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_organiser_forms_the_council_and_hands_out_links(browser, fresh, screenshots_dir, lang):
    context, page = open_surface(browser, fresh, "organiser", lang, (1024, 768))
    try:
        page.locator("#tab-council").click()
        expect(page.locator(".council-table")).to_be_visible()
        expect(page.locator("#progress-url")).to_have_value(fresh.progress_url)
        # The community co-chair seat is taken: choosing it for someone else is refused and the choice undone.
        sam = fresh.people[4]   # a community member with a name, on the council as nothing yet
        select = page.locator(f"#role-{sam['participant_id']}")
        select.select_option("co_chair_community")
        expect(page.locator(".toast").last).to_be_visible()
        expect(select).to_have_value("")
        # A council link, shown once, for the police co-chair.
        diaz = fresh.people[1]["participant_id"]
        page.locator(f"#link-{diaz}").click()
        field = page.locator("#council-url")
        expect(field).to_have_value(re.compile(r"/council/[A-Za-z0-9_-]{20,}$"))
        page.screenshot(path=screenshots_dir / f"organiser-council-{lang}-1024x768.png", full_page=True)
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.screenshot(path=screenshots_dir / f"organiser-council-{lang}-1920x1080.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 640})
        page.screenshot(path=screenshots_dir / f"organiser-council-{lang}-360x640.png", full_page=True)
        width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"the council tab scrolls sideways at 360px: {width}"
        # The plan tab: co-lead choices and notes.
        page.set_viewport_size({"width": 1024, "height": 768})
        page.locator("#tab-plan").click()
        expect(page.locator(".plan-notes").first).to_be_visible()
        page.screenshot(path=screenshots_dir / f"organiser-plan-council-{lang}-1024x768.png", full_page=True)
        # Back in the action-plan phase the co-leads are chosen here, each side from its own council members.
        organiser = Client(fresh.url, fresh.organiser_url.split("#", 1)[1])
        try:
            organiser.ok("workshop_back")
            last = max(organiser.state["plan"].values(), key=lambda e: e["position"])
            police = page.locator(f"#plan-{last['id']}-co_lead_law_enforcement")
            expect(police).to_be_visible()
            okafor = str(fresh.people[7]["participant_id"])
            options = police.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
            assert okafor in options and str(fresh.people[0]["participant_id"]) not in options  # only police members
            police.select_option(okafor)
            expect(page.locator(f"#plan-{last['id']}-co_lead_law_enforcement")).to_have_value(okafor)
            page.screenshot(path=screenshots_dir / f"organiser-plan-colead-{lang}-1024x768.png", full_page=True)
            assert organiser.sync()["plan"][str(last["id"])]["fields"]["co_lead_law_enforcement"] == okafor
        finally:
            organiser.close()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_organiser_council_tab_passes_axe(browser, stager, axe_source, lang):
    from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS, unnamed_controls
    context, page = open_surface(browser, stager.get("council"), "organiser", lang, (1024, 768))
    try:
        page.locator("#tab-council").click()
        expect(page.locator("#progress-url")).to_be_visible()
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE_JS, AXE_TAGS)
        unnamed = unnamed_controls(context, page)
    finally:
        context.close()
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, serious
    assert not unnamed, unnamed
