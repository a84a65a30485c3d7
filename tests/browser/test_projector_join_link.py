"""The projector's join text carries the address phones can reach (the server's public address, as the
QR code does), not the address the projector's own browser happened to open."""
from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def test_the_projector_shows_the_public_join_link_whatever_address_it_opened(browser, stager, live_server):
    from playwright.sync_api import expect
    staged = stager.get("lobby")
    public = live_server.url  # the server's PUBLIC_URL (tests/live_server.py)
    assert public.startswith("http://127.0.0.1:")
    # The projector's browser opened the laptop by another name than the one phones use.
    other = staged.display_url.replace("http://127.0.0.1:", "http://localhost:")
    with urllib.request.urlopen(f"{public}/api/workshops/{staged.join_code}") as resp:
        info = json.loads(resp.read())
    assert info["join_url"] == f"{public}/j/{staged.join_code}"
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.goto(other)
        expect(page.locator(".join-url")).to_have_text(f"{public}/j/{staged.join_code}")
    finally:
        context.close()
