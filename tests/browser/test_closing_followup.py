"""After the day, as people see it (issue 16): every phone's closing card with the report of the day
(without any names) and the progress link, each with a QR code, in English and Persian; a follow-up
pulse answered from its public page on a phone-sized Chromium in Persian, once per device; and the
progress page's trend by side: start, end and the follow-up. Screenshots:
test-artifacts/screenshots/closing-*.png and followup-*.png.
"""
from __future__ import annotations

import io
import re
import secrets

import pytest
import requests
from pypdf import PdfReader

from tests.browser.stage import PEOPLE, Client, stage
from tests.browser.test_pulse_screens import PHONE, open_page, storage_for, token

pytestmark = pytest.mark.browser

NAMES = [name for _, name, _ in PEOPLE if name]   # Maryam, Officer Diaz, Sam, Councillor Lee, Sgt. Okafor
CLOSING = {"en": ("Thank you for taking part", "Open the report (PDF)", "Open the progress page"),
           "fa": ("از شرکت شما سپاسگزاریم", "باز کردن گزارش (PDF)", "باز کردن صفحهٔ پیشرفت")}


def shot(page, screenshots_dir, name):
    page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=True)


def test_every_phone_gets_the_closing_card_with_the_report_without_names(browser, live_server, screenshots_dir):
    from playwright.sync_api import expect
    staged = stage(live_server, "council")   # the day closed, a council with named members
    progress_token = staged.progress_url.rsplit("/", 1)[1]
    for lang, person in (("en", staged.people[1]), ("fa", staged.people[0])):
        context, page = open_page(browser, staged.participant_url, PHONE, lang, storage_for(staged, person, lang), phone=True)
        try:
            title, report_label, progress_label = CLOSING[lang]
            card = page.get_by_role("region", name=title)
            expect(card).to_be_visible()
            if lang == "fa":
                expect(page.locator("html")).to_have_attribute("dir", "rtl")
            report = card.get_by_role("link", name=report_label)
            expect(report).to_have_attribute("href", f"/progress/{progress_token}/report.pdf?lang={lang}")
            expect(card.get_by_role("link", name=progress_label)).to_have_attribute("href", f"/progress/{progress_token}")
            expect(card.locator("img.closing-qr")).to_have_count(2)
            for qr in card.locator("img.closing-qr").all():
                expect(qr).to_be_visible()
            page.wait_for_function("() => [...document.querySelectorAll('img.closing-qr')]"
                                   ".every(i => i.complete && i.naturalWidth > 0)")
            shot(page, screenshots_dir, f"closing-phone-{lang}")
            # The report link downloads a PDF, in the phone's language, naming nobody.
            resp = page.request.get(staged.url + report.get_attribute("href"), timeout=180000)  # PDF: WeasyPrint
            assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.body())).pages)
            assert len(text) > 200
            for name in NAMES:
                assert not re.search(rf"\b{re.escape(name)}\b", text), f"the report back to the room names {name!r}"
            # The control: the organiser's own report does name them.
            org = requests.get(f"{staged.url}/api/workshops/{staged.workshop['workshop_id']}/export.md?what=report",
                               headers={"Authorization": f"Bearer {token(staged.organiser_url)}"}, timeout=30)
            assert "Maryam" in org.text
        finally:
            context.close()


def _answer(staged, pulse_id, sector, value, device=None):
    progress_token = staged.progress_url.rsplit("/", 1)[1]
    return requests.post(f"{staged.url}/api/progress/pulse", timeout=10,
                         headers={"Authorization": f"Bearer {progress_token}"},
                         json={"pulse_id": pulse_id, "sector": sector, "device_key": device or secrets.token_urlsafe(24),
                               "answers": {"trust": value, "heard": value}})


def test_a_followup_pulse_answered_on_a_phone_in_persian_and_the_trend_on_the_progress_page(
        browser, live_server, screenshots_dir):
    from playwright.sync_api import expect
    staged = stage(live_server, "action_plan")
    org = Client(staged.url, token(staged.organiser_url))
    phones = [Client(staged.url, p["token"]) for p in staged.people]
    try:
        # The day's pulses: everyone answers; police 2 then 3, community 3 then 4.
        for label, police, community in (("start", 2, 3), ("end", 3, 4)):
            pulse = org.ok("pulse_open", label=label)["pulse"]
            for (group, _, _), phone in zip(PEOPLE, phones):
                value = police if group == "law_enforcement" else community
                phone.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": value, "heard": value})
            org.ok("pulse_close")
        org.ok("workshop_advance")   # closed
        followup = org.ok("followup_open")["pulse"]
        assert followup["label"] == "followup-1"
        # Three officers and two community members answer from their own devices; police 4, community 5.
        for sector, value in (("law_enforcement", 4),) * 3 + (("community_member", 5),) * 2:
            assert _answer(staged, followup["id"], sector, value).status_code == 200
    finally:
        for c in phones:
            c.close()

    # A resident scans the QR: the public page on a phone, in Persian.
    context, page = open_page(browser, f"{staged.progress_url}/pulse", PHONE, "fa", {"cg.lang": "fa"}, phone=True)
    try:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        form = page.locator("#followup-form")
        expect(form).to_be_visible()
        page.get_by_role("button", name="فرستادن پاسخ‌ها").click()
        expect(page.get_by_role("alert")).to_have_text("ابتدا بخش خود را انتخاب کنید.")
        sectors = page.get_by_role("group", name="من از این بخش هستم")
        expect(sectors.get_by_role("radio")).to_have_count(4)   # the workshop's sectors, in Persian
        sectors.locator('input[value="community_member"]').check()
        chosen = "community_member"
        statement = page.get_by_role("group", name="پلیس و مردم اینجا به یکدیگر اعتماد دارند.")
        statement.get_by_role("radio", name="کاملاً موافقم").check()
        shot(page, screenshots_dir, "followup-public-fa")
        page.get_by_role("button", name="فرستادن پاسخ‌ها").click()
        expect(page.locator("#followup-thanks")).to_contain_text("سپاس")
        shot(page, screenshots_dir, "followup-thanks-fa")
        # Once per device: the page remembers, and the server refuses the same key again.
        page.reload()
        expect(page.locator("#followup-thanks")).to_be_visible()
        key = page.evaluate("localStorage.getItem('cg.followup.device')")
        again = _answer(staged, followup["id"], chosen, 1, key)
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_answered"
    finally:
        context.close()

    try:
        closed = org.ok("followup_close")["pulse"]
    finally:
        org.close()
    assert closed["answered"] == 6
    assert closed["results"]["cells"]["side:police"]["questions"]["trust"]["mean"] == 4.0
    assert closed["results"]["cells"]["side:community"]["questions"]["trust"]["mean"] == 5.0

    # The progress page: the trend by side, start, end and the follow-up.
    # Tablet, phone (both languages) and a projector: a card per statement, nothing scrolls sideways.
    for lang, size in (("en", (1024, 900)), ("fa", PHONE), ("en", PHONE), ("fa", (1920, 1080))):
        context, page = open_page(browser, staged.progress_url, size, lang, {"cg.progress.lang": lang}, phone=size == PHONE)
        try:
            table = page.locator("#pulse-trend")
            expect(table).to_be_visible()
            # A card per statement, a row per pulse (start, end, the follow-up), a column per side.
            first = table.locator(".trend-card").first
            expect(first.locator("th.trend-col")).to_have_count(3)
            labels = first.locator("th.trend-col").evaluate_all("els => els.map(e => e.dataset.label)")
            assert labels == ["start", "end", "followup-1"]
            police_trust = first.locator("td.trend-side-police")
            expected = ["2.0", "3.0", "4.0"] if lang == "en" else ["۲٫۰", "۳٫۰", "۴٫۰"]
            expect(police_trust).to_have_text(expected)
            # Nothing scrolls sideways, on a phone too.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
            # The section alone, from the whole page (an element shot would have the sticky header over it).
            box = page.locator(".trend-section").bounding_box()
            top = page.evaluate("scrollY")
            page.screenshot(path=str(screenshots_dir / f"followup-trend-{lang}-{size[0]}x{size[1]}.png"), full_page=True,
                            clip={"x": 0, "y": box["y"] + top, "width": size[0], "height": box["height"]})
        finally:
            context.close()


def test_the_organiser_asks_a_followup_pulse_after_the_day_and_sees_its_link(browser, live_server, screenshots_dir):
    """After the day the console's pulse card becomes the follow-up card: ask one (confirmed), its public
    link and QR code, how many answered, close it (confirmed), the trend."""
    from playwright.sync_api import expect
    staged = stage(live_server, "council")   # closed
    context, org = open_page(browser, staged.organiser_url, (1280, 900), "en", {"cg.console.lang": "en"})
    try:
        expect(org.locator("#header .conn-online")).to_be_visible()
        panel = org.get_by_role("region", name="Follow-up pulse")
        panel.get_by_role("button", name="Ask a follow-up pulse").click()
        org.get_by_role("dialog").get_by_role("button", name="Ask a follow-up pulse").click()
        expect(panel.get_by_role("status")).to_contain_text("Follow-up 1 is open")
        link = panel.get_by_role("link", name="Answer the follow-up pulse")
        expect(link).to_have_attribute("href", staged.progress_url.replace(staged.url, "") + "/pulse")
        console = Client(staged.url, token(staged.organiser_url))
        try:
            pulse_id = next(p for p in console.state["pulses"].values() if p["closed_at"] is None)["id"]
        finally:
            console.close()
        assert _answer(staged, pulse_id, "law_enforcement", 4).status_code == 200
        expect(panel.get_by_role("status")).to_contain_text("1 answered")
        panel.screenshot(path=str(screenshots_dir / "followup-organiser-open-en.png"))
        panel.get_by_role("button", name="Close the follow-up pulse").click()
        org.get_by_role("dialog").get_by_role("button", name="Close the follow-up pulse").click()
        expect(panel.get_by_role("button", name="Ask a follow-up pulse")).to_be_visible()
        expect(panel.locator("#pulse-trend .trend-card").first.locator("th.trend-col")).to_have_count(1)
        expect(panel.locator("#pulse-trend")).to_contain_text("too few to show")
    finally:
        context.close()


def test_a_council_member_asks_a_followup_pulse_from_their_own_page(browser, live_server, screenshots_dir):
    """The community co-chair's own page (/council/<token>), in Persian, once the day is closed."""
    from playwright.sync_api import expect
    staged = stage(live_server, "council")
    context, page = open_page(browser, staged.council_url, (1024, 900), "fa", {"cg.council.lang": "fa"})
    try:
        panel = page.get_by_role("region", name="نبض پیگیری")
        expect(panel).to_be_visible()
        panel.get_by_role("button", name="پرسیدن نبض پیگیری").click()
        page.get_by_role("dialog").get_by_role("button", name="پرسیدن نبض پیگیری").click()
        expect(panel.get_by_role("status")).to_contain_text("پیگیری ۱ باز است")
        expect(panel.get_by_role("link", name="پاسخ به نبض پیگیری")).to_be_visible()
        panel.screenshot(path=str(screenshots_dir / "followup-council-fa.png"))
    finally:
        context.close()
