"""The organiser's exports panel downloads real files (fetch + Bearer token → Blob → <a download>),
shows an error when the server refuses, and the projector shows common ground (police and
community support, GET /api/workshops/<id>/agreement) beside each plenary item, live."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.stage import SURFACES, Client, open_surface, stage

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("what,fmt,lang,magic", [
    ("plan", "csv", "en", b"\xef\xbb\xbf"),
    ("report", "pdf", "fa", b"%PDF"),
    ("plan", "docx", "es", b"PK"),
    ("archive", "json", "en", b"{"),
])
def test_organiser_downloads_an_export(browser, stager, tmp_path, what, fmt, lang, magic):
    staged = stager.get("action_plan")
    context, page = open_surface(browser, staged, "organiser", "en", SURFACES["organiser"]["sizes"][0])
    requests = []
    page.on("request", lambda r: requests.append(r) if "/export." in r.url else None)
    try:
        panel = page.locator("#exports")
        expect(panel).to_be_visible()
        page.select_option("#export-lang", lang)
        with page.expect_download(timeout=60_000) as info:
            page.click(f"#export-{what}-{fmt}")
            if fmt == "pdf":   # the progress line while the PDF is made
                expect(page.locator("#exports .exports-status")).to_contain_text("PDF", timeout=5_000)
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        data = path.read_bytes()
        assert len(data) > 100 and data.startswith(magic), (download.suggested_filename, data[:40])
        assert download.suggested_filename.endswith(f".{fmt}")
        expect(page.locator("#exports .exports-status")).to_contain_text(download.suggested_filename)
        expect(page.locator("#exports .exports-error")).to_have_count(0)
        # The token went in a header, never in the address.
        token = staged.organiser_url.split("#", 1)[1]
        assert requests and all(token not in r.url for r in requests)
        assert requests[-1].headers["authorization"] == f"Bearer {token}"
        assert f"lang={lang}" in requests[-1].url
    finally:
        context.close()


def test_organiser_export_failure_is_shown(browser, stager):
    staged = stager.get("action_plan")
    context, page = open_surface(browser, staged, "organiser", "en", SURFACES["organiser"]["sizes"][0])
    try:
        page.route(re.compile(r".*/export\.md.*"), lambda route: route.fulfill(
            status=500, content_type="application/json",
            body='{"ok": false, "error": {"code": "internal", "message": "The report could not be built."}}'))
        page.click("#export-report-md")
        error = page.locator("#exports .exports-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("Could not export Report of the day (Markdown)")
        expect(error).to_contain_text("The report could not be built.")
        expect(page.locator("#export-report-md")).not_to_have_attribute("aria-disabled", "true")
    finally:
        context.close()


def test_projector_shows_common_ground_after_plenary_votes(browser, live_server):
    staged = stage(live_server, "plenary")   # its own workshop: this test votes in it
    org = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    try:  # live tallies: the shares move as people vote (hidden, the projector shows none until the vote closes)
        org.ok("workshop_update", live_tallies=True)
    finally:
        org.close()
    context, page = open_surface(browser, staged, "projector", "en", SURFACES["projector"]["sizes"][0])
    voter = None
    try:
        items = page.locator(".board-item")
        expect(items.first).to_be_visible()
        lines = page.locator(".board-item .board-agreement")
        expect(lines).to_have_count(items.count(), timeout=10_000)
        for text in lines.all_inner_texts():
            assert re.fullmatch(r"Police (\d+%|—) · community (\d+%|—)", text), text
        assert any("%" in x for x in lines.all_inner_texts())
        expect(page.locator(".board-legend")).to_contain_text("too few people")

        # A police officer gives a second dot: that item's police share goes up, live.
        before = {page.locator(".board-item").nth(i).locator(".board-title").inner_text(): lines.nth(i).inner_text()
                  for i in range(items.count())}
        officer = staged.people[1]   # PEOPLE[1]: Officer Diaz, law enforcement
        voter = Client(staged.url, officer["token"])
        voted = {int(v.split(":")[1]) for v in voter.state["my_votes"] if v.startswith("plenary:")}
        target = next(int(i) for i in voter.state["plenary"] if int(i) not in voted)
        ack = voter.sio.call("vote_cast", {"cid": "agreement-test-1", "target_type": "plenary", "target_id": target},
                             timeout=10)
        assert ack["ok"], ack
        text = voter.state["plenary"][str(target)]["text"]
        row = page.locator(".board-item", has_text=text)
        expect(row.locator(".board-agreement")).not_to_have_text(before[row.locator(".board-title").inner_text()],
                                                                  timeout=10_000)
    finally:
        if voter:
            voter.close()
        context.close()


@pytest.mark.parametrize("surface", ["organiser", "projector"])
def test_print_gives_a_clean_draft_plan(browser, stager, screenshots_dir, surface):
    """@media print: black on white, no buttons or navigation, every entry (not one projector page)."""
    staged = stager.get("action_plan")
    context, page = open_surface(browser, staged, surface, "en", SURFACES[surface]["sizes"][0])
    try:
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.screenshot(path=screenshots_dir / f"{surface}-action_plan-print-en.png", full_page=True)
        visible_controls = page.evaluate("""() => [...document.querySelectorAll('button, nav, .console-header, .exports-panel')]
            .filter((n) => n.getClientRects().length).map((n) => n.id || n.className)""")
        assert visible_controls == []
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), bg
        rows = page.locator(".plan-entry" if surface == "organiser" else ".plan-table tbody tr")
        expect(rows).to_have_count(4)
        colour = page.evaluate("getComputedStyle(document.querySelector('.plan-entry h3, .plan-table td')).color")
        assert colour == "rgb(0, 0, 0)", colour
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()
