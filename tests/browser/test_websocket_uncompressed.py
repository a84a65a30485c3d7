"""Chromium offers per-message compression when it opens the WebSocket; the app declines it
(server/wsdeflate.py) and the screen works uncompressed: the projector's first frames (Engine.IO's
open packet, the connect, its snapshot) arrive readable and the page shows the join code. Read
through the Chrome DevTools Protocol's Network events, as the browser saw them."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.stage import create_workshop

pytestmark = pytest.mark.browser


def test_chromium_offers_compression_and_the_projector_runs_without_it(browser, live_server):
    ws = create_workshop(live_server)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    offers, answers, frames = [], [], []
    cdp.on("Network.webSocketWillSendHandshakeRequest",
           lambda e: offers.append({k.lower(): v for k, v in e["request"]["headers"].items()}))
    cdp.on("Network.webSocketHandshakeResponseReceived",
           lambda e: answers.append((e["response"]["status"],
                                     {k.lower(): v for k, v in e["response"]["headers"].items()})))
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(e["response"]["payloadData"]))
    try:
        page.goto(ws["display_url"])
        expect(page.get_by_text(ws["join_code"]).first).to_be_visible(timeout=10_000)
        page.wait_for_timeout(300)  # the DevTools events of the frames already received
        assert offers and "permessage-deflate" in offers[0].get("sec-websocket-extensions", ""), offers
        status, headers = answers[0]
        assert status == 101 and "sec-websocket-extensions" not in headers, answers  # declined
        assert frames[0].startswith("0{") and '"sid"' in frames[0], frames[:1]  # readable, uncompressed
        assert any('"mode":"snapshot"' in f for f in frames), [f[:60] for f in frames]
    finally:
        page.close()
