"""A reload without network shows the app, not the browser's error page (issue 13, defect 12).

A phone votes while offline (the vote waits in its outbox), then the person
reloads the page, still offline: the service worker (web/sw.js) serves the page
from its cache, which shows the room, the vote still waiting and "Offline".
Back online, the vote is sent once and counted once.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.stage import ROOM1_POSTS, Client, stage

pytestmark = pytest.mark.browser

WAIT_MS = 20_000
TARGET = ROOM1_POSTS[4][1]   # a barrier the phone has not voted for yet (stage.py, state "vote")


def test_offline_reload_shows_the_page_its_queued_vote_and_offline(browser, live_server):
    s = stage(live_server, "vote")   # a workshop of its own: this test votes in it
    barrier_id = s.barriers[TARGET]
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-US")
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(
        f"for (const [k, v] of Object.entries({json.dumps(s.phone_storage('en'))})) {{ try {{ localStorage.setItem(k, v); }} catch (_) {{}} }}")
    sent: list[str] = []

    def watch(ws):
        ws.on("framesent", lambda payload: sent.append(payload) if isinstance(payload, str) and '"vote_cast"' in payload else None)

    try:
        page = context.new_page()
        page.on("websocket", watch)
        page.goto(s.participant_url)
        expect(page.locator("#topbar .conn-online")).to_be_visible()
        # Give a service worker the time to install (it caches the app on the first visit); not asserted:
        # what counts is what the person sees after the reload.
        page.evaluate("""Promise.race([navigator.serviceWorker.ready.then((r) => !!r.active),
                                       new Promise((ok) => setTimeout(() => ok(false), 10000))])""")

        context.set_offline(True)
        expect(page.locator("#topbar .conn-offline")).to_be_visible()
        page.get_by_role("button", name=f"Vote — {TARGET}", exact=True).click()
        voted = page.get_by_role("button", name=f"Voted — {TARGET}", exact=True)
        expect(voted).to_have_attribute("aria-pressed", "true")

        page.reload()   # still offline
        expect(page.locator("#topbar .conn-offline")).to_be_visible()
        expect(page.get_by_role("button", name=f"Voted — {TARGET}", exact=True)).to_have_attribute("aria-pressed", "true")
        assert sent == [], "nothing can have been sent while offline"

        context.set_offline(False)
        expect(page.locator("#topbar .conn-online")).to_be_visible()
        expect(page.get_by_role("button", name=f"Voted — {TARGET}", exact=True)).to_have_attribute("aria-pressed", "true")
        phone = Client(s.url, s.me["token"])
        try:
            deadline = page.evaluate("Date.now()") + WAIT_MS
            while f"barrier:{barrier_id}" not in phone.sync()["my_votes"]:
                assert page.evaluate("Date.now()") < deadline, "the queued vote never arrived"
                page.wait_for_timeout(200)
        finally:
            phone.close()
        # Counted once (the facilitator sees the count while the vote is open; the room does not).
        facilitator = Client(s.url, s.facilitator_url.split("#", 1)[1])
        try:
            state = facilitator.sync()
        finally:
            facilitator.close()
        assert state["barriers"][str(barrier_id)]["votes"] == 1
        assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('cg.outbox.')).length") == 0
        assert len(sent) == 1, f"the vote was sent {len(sent)} times"
    finally:
        context.close()
