"""The trust pulse on the screens (web/js/pulse-view.js, docs/pulse.md), as people use it.

The organiser asks the start pulse from the console; phones in English and Persian answer by
tapping (mouse, touch and keyboard); a double tap on Send sends once; an answer tapped offline
waits and, refused as already answered when it arrives, still says thank you; the organiser
closes the pulse and the projector shows the results, a side "too few to show" when fewer
than three of it answered. Then screenshots of every surface in English and Persian
(test-artifacts/screenshots/pulse-*.png) with layout checks.
"""
from __future__ import annotations

import json

import pytest

from tests.browser.stage import Client, set_display_language, stage
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS

pytestmark = pytest.mark.browser

WAIT_MS = 15000
PHONE = (390, 844)
TABLET = (1024, 768)
PROJECTOR = (1920, 1080)
STATEMENTS = {
    "en": ["Police and the community here trust each other.",
           "People like me are listened to when we raise a concern.",
           "Police and the community can solve problems together."],
    "fa": ["پلیس و مردم اینجا به یکدیگر اعتماد دارند.",
           "وقتی افرادی مثل من نگرانی‌ای را مطرح می‌کنند، به حرفشان گوش داده می‌شود.",
           "پلیس و مردم می‌توانند با هم مشکلات را حل کنند."],
}
SCALE = {"en": ["Strongly disagree", "Disagree", "Not sure", "Agree", "Strongly agree"],
         "fa": ["کاملاً مخالفم", "مخالفم", "مطمئن نیستم", "موافقم", "کاملاً موافقم"]}
SEND = {"en": "Send my answers", "fa": "فرستادن پاسخ‌ها"}
THANKS = {"en": "Thank you — your answers are anonymous.", "fa": "سپاس — پاسخ‌های شما بی‌نام است."}


def token(url: str) -> str:
    return url.split("#", 1)[1]


def storage_for(staged, person: dict, lang: str) -> dict[str, str]:
    session = {"token": person["token"], "device_key": person["device_key"], "participant_id": person["participant_id"]}
    return {f"cg.join.{staged.join_code}": json.dumps(session), "cg.lastCode": staged.join_code, "cg.lang": lang}


def open_page(browser, url: str, size, lang: str, storage: dict | None = None, phone: bool = False, frames=None):
    """A new context showing `url` (Playwright's own waits follow); `frames`: a list that gets every
    pulse_answer the page sends over its socket."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1,
                                  is_mobile=phone, has_touch=phone, locale=lang, reduced_motion="reduce")
    context.set_default_timeout(WAIT_MS)
    if storage:
        context.add_init_script(
            f"for (const [k, v] of Object.entries({json.dumps(storage)})) {{ try {{ localStorage.setItem(k, v); }} catch (_) {{}} }}")
    page = context.new_page()
    if frames is not None:
        page.on("websocket", lambda ws: ws.on("framesent", lambda p: frames.append(p)
                                              if isinstance(p, str) and '"pulse_answer"' in p else None))
    page.goto(url)
    return context, page


def open_phone(browser, staged, person, lang, frames=None):
    from playwright.sync_api import expect
    context, page = open_page(browser, staged.participant_url, PHONE, lang, storage_for(staged, person, lang),
                              phone=True, frames=frames)
    expect(page.locator("#topbar .conn-online")).to_be_visible()
    return context, page


def choose(page, lang: str, statement: int, value: int):
    """Tap the box `value` (1..5) of statement `statement` (0-based), as a finger or a mouse does."""
    group = page.get_by_role("group", name=STATEMENTS[lang][statement])
    group.get_by_role("radio", name=SCALE[lang][value - 1], exact=True).click()


def server_pulse(staged) -> dict:
    org = Client(staged.url, token(staged.organiser_url))
    try:
        return next(iter(org.sync()["pulses"].values()))
    finally:
        org.close()


def test_the_start_pulse_asked_answered_on_phones_closed_and_shown(browser, live_server):
    from playwright.sync_api import expect
    staged = stage(live_server, "lobby")   # a workshop of its own: the start pulse is asked once a day
    set_display_language(staged, "en")
    org_ctx, org = open_page(browser, staged.organiser_url, TABLET, "en", {"cg.console.lang": "en"})
    disp_ctx, disp = open_page(browser, staged.display_url, PROJECTOR, "en")
    contexts = [org_ctx, disp_ctx]
    try:
        expect(org.locator("#header .conn-online")).to_be_visible()
        # No pulse yet: the projector shows the day, the organiser can ask either pulse.
        expect(disp.locator(".view-breakouts")).to_be_visible()
        panel = org.get_by_role("region", name="Trust pulse")
        panel.get_by_role("button", name="Ask the start pulse").click()
        org.get_by_role("dialog").get_by_role("button", name="Ask it now").click()
        expect(panel.get_by_role("status")).to_contain_text("The start pulse is open")
        expect(panel.get_by_role("status")).to_contain_text("0 answered")
        expect(panel.get_by_role("button", name="Ask the end pulse")).to_have_count(0)
        expect(disp.locator(".view-pulse-open")).to_contain_text(STATEMENTS["en"][1])
        expect(disp.locator(".pulse-big-n")).to_contain_text("0")

        # Maryam (community member), in Persian, with her finger; she taps Send twice quickly.
        maryam, officer, org_person = staged.people[0], staged.people[1], staged.people[2]
        frames: list[str] = []
        ctx1, phone1 = open_phone(browser, staged, maryam, "fa", frames)
        contexts.append(ctx1)
        expect(phone1.locator("html")).to_have_attribute("dir", "rtl")
        card = phone1.get_by_role("region", name="نظرسنجی اعتماد — آغاز روز")
        expect(card).to_be_visible()
        send = card.get_by_role("button", name=SEND["fa"])
        expect(send).to_be_disabled()   # nothing chosen yet
        choose(phone1, "fa", 0, 2)
        choose(phone1, "fa", 1, 4)
        choose(phone1, "fa", 2, 5)
        expect(card.get_by_role("group", name=STATEMENTS["fa"][1]).get_by_role("radio", name=SCALE["fa"][3], exact=True)) \
            .to_be_checked()
        send.dblclick()
        expect(phone1.locator("#main").get_by_role("status").filter(has_text=THANKS["fa"])).to_be_visible()
        expect(panel.get_by_role("status")).to_contain_text("1 answered")
        expect(disp.locator(".pulse-big-n")).to_contain_text("1")
        assert len(frames) == 1, f"one answer sent, not {len(frames)}"
        expect(phone1.locator("#toasts")).to_be_empty()   # no "already answered" for the second tap

        # Officer Diaz, in English, with the keyboard only: Tab into each statement, arrows and space.
        ctx2, phone2 = open_phone(browser, staged, officer, "en")
        contexts.append(ctx2)
        expect(phone2.get_by_role("group", name=STATEMENTS["en"][0])).to_be_visible()
        for statement, arrows in ((0, 3), (1, 0), (2, 1)):
            for _ in range(40):
                phone2.keyboard.press("Tab")
                if phone2.evaluate("document.activeElement.name || ''").endswith(("trust", "heard", "together")[statement]):
                    break
            else:
                pytest.fail(f"Tab never reached statement {statement + 1}")
            phone2.keyboard.press("Space")
            for _ in range(arrows):
                phone2.keyboard.press("ArrowRight")
        group = phone2.get_by_role("group", name=STATEMENTS["en"][0])
        expect(group.get_by_role("radio", name="Agree", exact=True)).to_be_checked()
        phone2.keyboard.press("Tab")
        expect(phone2.get_by_role("button", name=SEND["en"])).to_be_focused()
        phone2.keyboard.press("Enter")
        expect(phone2.locator("#main").get_by_role("status").filter(has_text=THANKS["en"])).to_be_visible()
        expect(panel.get_by_role("status")).to_contain_text("2 answered")

        # A community organisation's member, in Persian, answers offline; meanwhile the same seat is
        # answered on another device. Back online, the server refuses the phone's answer as already
        # given: the phone still says thank you, with no error.
        ctx3, phone3 = open_phone(browser, staged, org_person, "fa")
        contexts.append(ctx3)
        ctx3.set_offline(True)
        expect(phone3.locator("#topbar .conn-offline")).to_be_visible()
        choose(phone3, "fa", 0, 1)
        phone3.get_by_role("button", name=SEND["fa"]).click()
        expect(phone3.locator(".pulse-waiting")).to_be_visible()
        other_device = Client(staged.url, org_person["token"])
        try:
            other_device.ok("pulse_answer", pulse_id=server_pulse(staged)["id"], answers={"trust": 3})
        finally:
            other_device.close()
        ctx3.set_offline(False)
        expect(phone3.locator("#topbar .conn-online")).to_be_visible()
        expect(phone3.locator("#main").get_by_role("status").filter(has_text=THANKS["fa"])).to_be_visible()
        expect(phone3.locator("#toasts")).to_be_empty()
        expect(panel.get_by_role("status")).to_contain_text("3 answered")

        # The organiser closes it; three answered (one officer, two community): everyone is shown,
        # each side is too few to show, on the projector and on the console.
        panel.get_by_role("button", name="Close the pulse").click()
        org.get_by_role("dialog").get_by_role("button", name="Close the pulse").click()
        expect(panel.get_by_role("button", name="Start pulse asked")).to_be_disabled()
        expect(panel.get_by_role("button", name="Ask the end pulse")).to_be_enabled()
        table = disp.locator(".view-pulse-results table.pulse-results")
        expect(table).to_be_visible()
        expect(table).to_contain_text("3 answered")
        expect(table.locator(".pulse-cell-all .pulse-mean")).to_have_count(3)
        # trust: 2 (Maryam) and 3 (other device); the officer chose 4: mean 3.0.
        expect(table.locator(".pulse-cell-all .pulse-mean").first).to_have_text("3.0")
        for side in ("police", "community"):
            expect(table.locator(f".pulse-cell-side-{side} .pulse-too-few")).to_have_count(3)
            expect(table.locator(f".pulse-cell-side-{side}").first).to_contain_text("too few to show")
        expect(panel.locator(".pulse-cell-side-police .pulse-too-few")).to_have_count(3)
        # The phones put the pulse away once it is closed.
        expect(phone1.locator(".pulse-card")).to_have_count(0)
        result = server_pulse(staged)
        assert result["answered"] == 3 and set(result["results"]["cells"]) == {"all"}
    finally:
        for c in contexts:
            c.close()


def test_a_phone_can_put_the_pulse_off_and_come_back_to_it(browser, live_server):
    """"Later" folds the card into a line; "Answer now" opens it again with what was chosen."""
    from playwright.sync_api import expect
    staged = stage(live_server, "lobby")
    org = Client(staged.url, token(staged.organiser_url))
    try:
        org.ok("pulse_open", label="end")
    finally:
        org.close()
    context, page = open_phone(browser, staged, staged.people[1], "en")
    try:
        choose(page, "en", 0, 1)
        page.get_by_role("button", name="Later").click()
        expect(page.get_by_role("group", name=STATEMENTS["en"][0])).to_have_count(0)
        expect(page.locator("#main")).to_contain_text("The trust pulse is open")
        expect(page.locator("#main .intro")).to_be_visible()   # the room's own work is there
        page.get_by_role("button", name="Answer now").click()
        group = page.get_by_role("group", name=STATEMENTS["en"][0])
        expect(group.get_by_role("radio", name="Strongly disagree", exact=True)).to_be_checked()
    finally:
        context.close()


# ---------------------------------------------------------------- screenshots and layout checks

LAYOUT_JS = """() => {
  const w = innerWidth, wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || (r.right <= w + 0.5 && r.left >= -0.5) || el.closest('.visually-hidden, [hidden]')) continue;
    wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
  }
  const view = document.querySelector('.view-pulse');
  const small = [];
  if (view) for (const el of view.querySelectorAll('*')) {
    if (!el.childNodes.length || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.closest('.visually-hidden')) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < 27.5) small.push(`${el.tagName.toLowerCase()}.${el.className} ${px}px`);
  }
  const targets = [];
  for (const el of document.querySelectorAll('.pulse-card button, .pulse-card .pulse-opt')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.width < 44 || r.height < 44)) targets.push(`${el.className} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return { wide: wide.slice(0, 5), small: small.slice(0, 5), targets,
           keys: (document.body.innerText.match(/\\bpulse\\.[a-z_.]+/g) || []),
           viewOverflow: view ? view.scrollHeight - view.clientHeight : 0,
           pageOverflow: view ? document.scrollingElement.scrollHeight - innerHeight : 0 };
}"""


def check_and_shoot(page, shots, name: str, full_page: bool = False, axe: str | None = None):
    page.evaluate("document.fonts.ready.then(() => true)")
    if axe:
        page.evaluate(axe)
        serious = [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"{name}: serious axe violations: {serious}"
    page.screenshot(path=str(shots / f"pulse-{name}.png"), full_page=full_page)
    found = page.evaluate(LAYOUT_JS)
    assert not found["wide"], f"{name}: sticks out sideways: {found['wide']}"
    assert not found["keys"], f"{name}: catalogue keys shown: {found['keys']}"
    assert not found["small"], f"{name}: projector text under 28px: {found['small']}"
    assert not found["targets"], f"{name}: phone targets under 44px: {found['targets']}"
    assert found["viewOverflow"] <= 1 and found["pageOverflow"] <= 1, f"{name}: the projector scrolls: {found}"


def answer_all(staged, pulse_id: int, who: list[int], shift: int = 0):
    for n, i in enumerate(who):
        c = Client(staged.url, staged.people[i]["token"])
        try:
            c.ok("pulse_answer", pulse_id=pulse_id,
                 answers={"trust": 1 + (n + shift) % 5, "heard": 1 + (2 * n + shift) % 5, "together": 5 - (n % 3)})
        finally:
            c.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_pulse_screenshots(browser, live_server, screenshots_dir, axe_source, lang):
    from playwright.sync_api import expect
    staged = stage(live_server, "lobby")
    set_display_language(staged, lang)
    org_client = Client(staged.url, token(staged.organiser_url))
    contexts = []
    try:
        start = org_client.ok("pulse_open", label="start")["pulse"]
        ctx, phone = open_phone(browser, staged, staged.people[0], lang)
        contexts.append(ctx)
        choose(phone, lang, 0, 2)
        choose(phone, lang, 1, 4)
        expect(phone.locator(".pulse-opt.is-chosen")).to_have_count(2)
        check_and_shoot(phone, screenshots_dir, f"phone-ask-{lang}", full_page=True, axe=axe_source)
        phone.get_by_role("button", name=SEND[lang]).click()
        expect(phone.locator("#main").get_by_role("status").filter(has_text=THANKS[lang])).to_be_visible()
        check_and_shoot(phone, screenshots_dir, f"phone-sent-{lang}", axe=axe_source)
        org_ctx, org = open_page(browser, staged.organiser_url, TABLET, lang, {"cg.console.lang": lang})
        disp_ctx, disp = open_page(browser, staged.display_url, PROJECTOR, lang)
        contexts += [org_ctx, disp_ctx]
        answer_all(staged, start["id"], [1, 2, 3, 4, 5, 6, 7])
        expect(org.locator(".pulse-answered")).to_contain_text("8" if lang == "en" else "۸")
        expect(disp.locator(".pulse-big-digit")).to_have_text("8" if lang == "en" else "۸")
        check_and_shoot(org, screenshots_dir, f"organiser-open-{lang}", axe=axe_source)
        check_and_shoot(disp, screenshots_dir, f"projector-open-{lang}", axe=axe_source)

        org_client.ok("pulse_close")
        expect(disp.locator(".view-pulse-results")).to_be_visible()
        expect(disp.locator(".pulse-cell-side-police .pulse-mean")).to_have_count(3)
        check_and_shoot(disp, screenshots_dir, f"projector-start-results-{lang}", axe=axe_source)
        # The end pulse: two of the three officers do not answer; the police side is too few, and
        # the community side with it (everyone minus it would give the officer away).
        end = org_client.ok("pulse_open", label="end")["pulse"]
        expect(phone.locator(".pulse-card")).to_be_visible()
        answer_all(staged, end["id"], [0, 1, 2, 4, 5, 6], shift=2)
        org_client.ok("pulse_close")
        expect(disp.locator(".pulse-before-after")).to_be_visible()
        expect(disp.locator(".pulse-cell-side-police .pulse-too-few")).to_have_count(3)
        check_and_shoot(disp, screenshots_dir, f"projector-before-after-{lang}", axe=axe_source)
        expect(org.locator(".pulse-before-after")).to_be_visible()
        check_and_shoot(org, screenshots_dir, f"organiser-results-{lang}", full_page=True, axe=axe_source)
    finally:
        org_client.close()
        for c in contexts:
            c.close()


def test_an_answer_tapped_offline_waits_through_a_reload_and_is_sent_once(browser, live_server):
    """Offline, Send queues the answer (the outbox); after a reload, still offline, the card says it
    will be sent rather than asking again; back online it is sent once and thanked."""
    from playwright.sync_api import expect
    staged = stage(live_server, "lobby")
    org = Client(staged.url, token(staged.organiser_url))
    try:
        org.ok("pulse_open", label="start")
    finally:
        org.close()
    frames: list[str] = []
    context, page = open_phone(browser, staged, staged.people[4], "en", frames)
    try:
        # The service worker keeps the page for an offline reload (as in test_offline_reload.py).
        page.evaluate("""Promise.race([navigator.serviceWorker.ready.then((r) => !!r.active),
                                       new Promise((ok) => setTimeout(() => ok(false), 10000))])""")
        context.set_offline(True)
        expect(page.locator("#topbar .conn-offline")).to_be_visible()
        choose(page, "en", 0, 5)
        page.get_by_role("button", name=SEND["en"]).click()
        waiting = page.locator("#main .pulse-waiting")
        expect(waiting).to_contain_text("will be sent as soon as you are back online")
        page.reload()   # still offline
        expect(page.locator("#topbar .conn-offline")).to_be_visible()
        expect(waiting).to_contain_text("will be sent as soon as you are back online")
        expect(page.get_by_role("button", name=SEND["en"])).to_have_count(0)
        assert frames == [], "nothing can have been sent while offline"
        context.set_offline(False)
        expect(page.locator("#topbar .conn-online")).to_be_visible()
        expect(page.locator("#main").get_by_role("status").filter(has_text=THANKS["en"])).to_be_visible()
        assert server_pulse(staged)["answered"] == 1
        assert len(frames) == 1
    finally:
        context.close()
