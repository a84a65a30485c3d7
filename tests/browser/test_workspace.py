"""The organiser workspace in Chromium, as a new organiser's first morning (issue 17; docs/workspace.md), in
English and in Persian (right to left): sign in, create a workshop, open every link from its page, re-issue
the projector link (the old projector's screen is told), add a co-organiser who then sees the workshop,
download the printed pack (a PDF holding the join code). Every page is checked with axe, and photographed
at phone and laptop sizes (test-artifacts/screenshots/workspace-*.png)."""
from __future__ import annotations

import io
import json
import uuid

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.stage import element_screenshot
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS, unnamed_controls
from tests.live_server import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "a long organiser password"
CATALOGUES = {lang: json.loads((ROOT / "web" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
              for lang in ("en", "fa")}
SIZES = {"phone": (390, 844), "tablet": (768, 1024), "laptop": (1280, 800)}


def user_add(live_server, email: str) -> None:
    """An organiser account on the live server's database, as `common-ground user add EMAIL --password-stdin`
    makes it, through the same call (server.workspace.accounts.create), in this process: a CLI process costs
    about 1.6 s of start-up a time. The command itself is tested in tests/test_workspace.py."""
    from server.db import Database
    from server.workspace import accounts

    db = Database(live_server.env["DATABASE_URL"])
    try:
        accounts.create(db, email, PASSWORD)
    finally:
        db.dispose()


def check_axe(context, page, axe_source, what: str) -> None:
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE_JS, AXE_TAGS)
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe on {what}: {json.dumps(serious, indent=1, ensure_ascii=False)}"
    assert not unnamed_controls(context, page), f"unnamed controls on {what}"


def shoot(page, screenshots_dir, name: str) -> None:
    for size, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=str(screenshots_dir / f"workspace-{name}-{size}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def sign_in(browser, live_server, email: str, lang: str):
    t = CATALOGUES[lang]
    context = browser.new_context(locale=lang, accept_downloads=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/workshops")
    assert page.url.startswith(f"{live_server.url}/login")
    page.goto(f"{live_server.url}/login?lang={lang}")
    page.get_by_label(t["workspace.login.email"]).fill(email)
    page.get_by_label(t["workspace.login.password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["workspace.login.submit"]).click()
    page.wait_for_url(f"{live_server.url}/workshops")
    return context, page


def body_has(page, text: str, timeout: int = 20000) -> None:
    page.wait_for_function("(s) => document.body && document.body.innerText.includes(s)", arg=text, timeout=timeout)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_an_organisers_first_morning(browser, live_server, axe_source, screenshots_dir, tmp_path, lang):
    t = CATALOGUES[lang]
    owner, co = f"owner-{uuid.uuid4().hex[:6]}@example.org", f"co-{uuid.uuid4().hex[:6]}@example.org"
    user_add(live_server, owner)
    user_add(live_server, co)

    # The login page in the chosen language: right to left in Persian.
    context = browser.new_context(locale=lang)
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "fa" else "ltr")
    check_axe(context, page, axe_source, f"login {lang}")
    shoot(page, screenshots_dir, f"login-{lang}")
    page.get_by_label(t["workspace.login.email"]).fill(owner)
    page.get_by_label(t["workspace.login.password"]).fill("not the password at all")
    page.get_by_role("button", name=t["workspace.login.submit"]).click()
    body_has(page, t["workspace.login.wrong"])
    context.close()

    context, page = sign_in(browser, live_server, owner, lang)
    check_axe(context, page, axe_source, f"empty dashboard {lang}")

    # A new workshop: the SPCP agenda and sectors.
    page.get_by_role("link", name=t["workspace.new.link"]).click()
    title = "Eastside trust day" if lang == "en" else "روز اعتماد شرق شهر"
    page.get_by_label(t["workspace.new.field.title"]).fill(title)
    page.get_by_label(t["workspace.new.field.place"]).fill("Central library")
    page.get_by_label(t["workspace.new.field.rooms"]).fill("2")
    page.get_by_label(t["workspace.new.agenda.spcp"], exact=True).check()
    page.get_by_label(t["workspace.new.preset.spcp"], exact=True).check()
    check_axe(context, page, axe_source, f"new workshop {lang}")
    shoot(page, screenshots_dir, f"new-{lang}")
    page.get_by_role("button", name=t["workspace.new.submit"]).click()
    page.wait_for_url("**/workshops/*")
    code = page.locator("#join-code").inner_text().strip()
    assert len(code) == 6
    body_has(page, t["workspace.created"])
    check_axe(context, page, axe_source, f"workshop page {lang}")
    shoot(page, screenshots_dir, f"workshop-{lang}")
    workshop_url = page.url.split("?")[0]

    # Every link opens from the workshop's page: console, projector, each room's facilitator.
    opened = {}
    rows = page.locator("#links li.ws-link")
    assert rows.count() == 4
    for i in range(rows.count()):
        row = rows.nth(i)
        kind = row.get_attribute("data-kind") + (row.get_attribute("data-room") or "")
        with context.expect_page() as new:
            row.get_by_role("link").click()
        opened[kind] = new.value
        opened[kind].wait_for_load_state()
    body_has(opened["display"], code)  # the projector shows the join code
    for kind, p in opened.items():  # each screen opens its workshop (the pages drop the token from the address)
        body_has(p, title)
        p.screenshot(path=str(screenshots_dir / f"workspace-opened-{kind}-{lang}.png"))
    old_projector = opened["display"]

    # Re-issue the projector link: the old projector's screen is told, the new link opens a projector.
    old_url = old_projector.url
    page.bring_to_front()
    page.locator('li.ws-link[data-kind="display"]').get_by_role("button", name=t["workspace.links.reissue"]).click()
    body_has(page, t["workspace.notice.reissued_display"])
    shown = {CATALOGUES[x]["display.unauthorized"] for x in CATALOGUES}
    old_projector.wait_for_function("(texts) => texts.some((s) => document.body.innerText.includes(s))",
                                    arg=list(shown), timeout=20000)
    new_url = page.locator('li.ws-link[data-kind="display"] input.ws-url').input_value()
    assert new_url != old_url
    with context.expect_page() as new:
        page.locator('li.ws-link[data-kind="display"]').get_by_role("link").click()
    body_has(new.value, code)
    old_projector.screenshot(path=str(screenshots_dir / f"workspace-old-projector-{lang}.png"))
    for p in context.pages[1:]:
        p.close()

    # A co-organiser, added by email, sees the workshop on their dashboard.
    page.get_by_label(t["workspace.team.email"]).fill(co)
    page.get_by_role("button", name=t["workspace.team.add"]).click()
    body_has(page, t["workspace.notice.added"])
    co_context, co_page = sign_in(browser, live_server, co, lang)
    body_has(co_page, code)
    check_axe(co_context, co_page, axe_source, f"dashboard {lang}")
    shoot(co_page, screenshots_dir, f"dashboard-{lang}")
    co_page.locator(f'a[href="{workshop_url.replace(live_server.url, "")}"]').click()
    body_has(co_page, code)
    co_context.close()

    # The printed pack in the page's language: a PDF whose text holds the join code.
    pack_link = page.locator(f'#pack a[href$="/pack-{lang}.pdf"]')
    with page.expect_download() as dl:
        pack_link.click()
    path = tmp_path / f"pack-{lang}.pdf"
    dl.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert code in text
    page.reload()
    body_has(page, t["workspace.audit.pack_export"])
    body_has(page, t["workspace.audit.organiser_add"])
    shoot(page, screenshots_dir, f"workshop-after-{lang}")
    context.close()


EDIT_SIZES = {"phone": (390, 844), "tablet": (1024, 768)}


def type_into(page, locator, text: str) -> None:
    """Focus a field and type over what it holds, as someone at a keyboard does."""
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_an_organiser_edits_languages_rooms_and_agenda_before_the_day(browser, live_server, axe_source,
                                                                      screenshots_dir, lang):
    """Before the day, by keyboard: the languages (the facilitator's "languages I read" and a phone's join
    page follow), the rooms (the new room's facilitator link is on the workshop's page) and the agenda; a
    refusal (a language someone joined with) is shown at its form and changes nothing."""
    t = CATALOGUES[lang]
    owner = f"edit-{uuid.uuid4().hex[:6]}@example.org"
    user_add(live_server, owner)
    context, page = sign_in(browser, live_server, owner, lang)

    # A workshop in English, Spanish and Persian, two rooms, the short day, typed in.
    page.get_by_role("link", name=t["workspace.new.link"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/workshops/new")
    type_into(page, page.get_by_label(t["workspace.new.field.title"]), "Westside trust day")
    type_into(page, page.get_by_label(t["workspace.new.field.rooms"]), "2")
    page.get_by_role("button", name=t["workspace.new.submit"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/workshops/*")
    code = page.locator("#join-code").inner_text().strip()
    workshop_url = page.url.split("?")[0]

    # The facilitator of room 1 has their screen open; a phone has the join page open.
    fac_url = page.locator('li.ws-link[data-kind="facilitator"] input.ws-url').first.input_value()
    fac = context.new_page()
    fac.goto(fac_url)
    fac.wait_for_selector('input[id$="-reads-es"]', timeout=20000)
    console = context.new_page()
    console.goto(page.locator('li.ws-link[data-kind="organiser"] input.ws-url').input_value())
    console.wait_for_function("() => document.querySelectorAll('article.room-card').length === 2", timeout=20000)
    phone_context = browser.new_context(locale=lang, viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    phone.goto(f"{live_server.url}/j/{code}")
    phone.wait_for_selector('input[name="language"][value="es"]', timeout=20000)

    # The Edit page: every field labelled, axe clean, photographed.
    page.get_by_role("link", name=t["workspace.edit.title"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit")
    check_axe(context, page, axe_source, f"edit page {lang}")
    for size, (w, h) in EDIT_SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=str(screenshots_dir / f"workspace-edit-{lang}-{size}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Languages: Spanish out, Arabic in; Enter in the field saves the details form.
    type_into(page, page.get_by_label(t["workspace.new.field.languages"]), "en, fa, ar")
    page.keyboard.press("Enter")
    body_has(page, t["workspace.notice.edited"])
    assert page.get_by_label(t["workspace.new.field.languages"]).input_value() == "en, fa, ar"
    fac.wait_for_selector('input[id$="-reads-ar"]', timeout=20000)  # "languages I read" follows at once
    assert fac.locator('input[id$="-reads-es"]').count() == 0

    # The phone chose Spanish before the change: its join is refused, it reads the languages again and says so.
    # (Choosing Spanish also turns the phone's page into Spanish.)
    phone.locator('input[name="language"][value="es"]').check()
    phone.locator('input[name="group"]').first.check()
    phone.locator('form.join-form button[type="submit"]').click()
    said = [json.loads((ROOT / "web" / "i18n" / f"{x}.json").read_text(encoding="utf-8"))["error.choices_changed"]
            for x in ("en", "es", "fa")]
    phone.wait_for_function("(texts) => texts.some((s) => document.body.innerText.includes(s))", arg=said,
                            timeout=20000)
    phone.screenshot(path=str(screenshots_dir / f"workspace-edit-phone-choices-changed-{lang}.png"))
    expect(phone.locator("#join-error")).to_be_in_viewport()  # the phone sees why, where it tapped
    assert phone.locator('input[name="language"][value="es"]').count() == 0
    assert phone.locator('input[name="language"][value="ar"]').count() == 1
    phone.locator('input[name="language"][value="fa"]').check()
    phone.locator('input[name="group"]').first.check()
    phone.locator('form.join-form button[type="submit"]').click()
    phone.wait_for_selector("#join-name", state="detached", timeout=20000)
    phone.wait_for_selector("p.loading", state="detached", timeout=20000)  # in the room, in Persian
    assert phone.get_attribute("html", "lang") == "fa"
    phone.screenshot(path=str(screenshots_dir / f"workspace-edit-phone-joined-{lang}.png"))

    # Someone reads Persian now: dropping it is refused at the form, and nothing changes.
    type_into(page, page.get_by_label(t["workspace.new.field.languages"]), "en, ar")
    page.keyboard.press("Enter")
    alert = page.locator("#edit-details-error")
    alert.wait_for(timeout=20000)
    assert alert.get_attribute("role") == "alert"
    assert t["workspace.edit_error.language_in_use"].format(languages=t["console.language.fa"]) in alert.inner_text()
    page.screenshot(path=str(screenshots_dir / f"workspace-edit-refused-{lang}.png"), full_page=True)
    page.goto(page.url.split("#")[0].split("?")[0])
    assert page.get_by_label(t["workspace.new.field.languages"]).input_value() == "en, fa, ar"

    # Rooms: a third room; its facilitator link is on the workshop's page.
    type_into(page, page.get_by_label(t["workspace.edit_rooms.count"]), "3")
    page.keyboard.press("Enter")
    body_has(page, t["workspace.notice.edited"])
    # The organiser's console shows the new room at once.
    console.wait_for_function("() => document.querySelectorAll('article.room-card').length === 3", timeout=20000)
    console.screenshot(path=str(screenshots_dir / f"workspace-edit-console-rooms-{lang}.png"), full_page=True)

    # The agenda: the SPCP day, chosen with the arrow keys in the radio group.
    page.get_by_label(t["workspace.new.agenda.short"], exact=True).focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_label(t["workspace.new.agenda.spcp"], exact=True).is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    body_has(page, t["workspace.notice.edited"])
    body_has(page, t["segment.caucus"])

    page.goto(workshop_url)
    rows = page.locator('#links li.ws-link[data-kind="facilitator"]')
    assert rows.count() == 3
    assert rows.nth(2).locator("input.ws-url").input_value().startswith(f"{live_server.url}/f#")
    for what in ("details", "rooms", "agenda"):
        body_has(page, t[f"workspace.edit_what.{what}"])

    # A co-organiser with no account yet: one is made, and its set-password link is shown to hand over.
    newcomer = f"new-{uuid.uuid4().hex[:6]}@example.org"
    type_into(page, page.get_by_label(t["workspace.team.email"]), newcomer)
    page.keyboard.press("Enter")
    link = page.get_by_label(t["workspace.edit_invite.link"].format(email=newcomer))
    assert "/reset/" in link.input_value()
    check_axe(context, page, axe_source, f"invited co-organiser {lang}")
    element_screenshot(page.locator("#team"), str(screenshots_dir / f"workspace-edit-invited-{lang}.png"))
    phone_context.close()
    context.close()
