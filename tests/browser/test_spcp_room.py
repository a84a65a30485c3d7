"""An SPCP day's rooms on the phone and the facilitator's tablet (docs/agenda.md).

- A caucus room: the phone says which caucus it is in (its sectors, in the reading language),
  asks "what is working" and "what stands in the way of trust" in two boxes; a person posts one
  of each by keyboard; the facilitator reveals; phone and tablet list strengths and barriers apart.
- A solution room: after the prioritisation, a person moved to another room is told where to go
  (a large notice that stays until dismissed); the facilitator types the room's answer to a
  guiding question and the phone shows it without anyone reloading.

Against the real server (`common-ground serve`), in English and in Persian (right to left).
"""
from __future__ import annotations

import json
import re

import pytest

from server.db import Database
from server.domain.sectors import PRESETS
from server.domain.workshops import create_workshop
from tests.browser.stage import Client
from tests.browser.stage import _join as join
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS, unnamed_controls

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
NAMES = {lang: {key: n[lang] for key, _side, n in PRESETS["spcp"]} for lang in ("en", "fa")}
STRENGTH = {"en": "The youth league brings officers and kids together", "fa": "لیگ جوانان افسران و بچه‌ها را کنار هم می‌آورد"}
OWN_PROMPT = "What already helps trust grow here?"
STRENGTH2 = {"en": "Officers coach the youth league on Saturdays", "fa": "افسران شنبه‌ها مربی لیگ جوانان‌اند"}
BARRIER = {"en": "Nobody explains why people are stopped", "fa": "کسی توضیح نمی‌دهد چرا مردم را متوقف می‌کنند"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ANSWER = {"en": "Stops feel arbitrary to residents", "fa": "توقف‌ها برای ساکنان بی‌دلیل به نظر می‌رسد"}


def _spcp_workshop(live_server) -> dict:
    db = Database(live_server.env["DATABASE_URL"])
    try:
        return create_workshop(db, title="Westside SPCP day", rooms=2, languages=["en", "es", "fa"],
                               sector_preset="spcp", agenda="spcp")
    finally:
        db.engine.dispose()


def _join(url: str, code: str, sector: str, lang: str) -> dict:
    """A phone joins anonymously with its sector and a device key (stage._join)."""
    return join(url, code, sector, None, lang)


def _accessible(context, page, axe_source, where: str) -> None:
    """No serious or critical axe violation, and every control named (as test_accessibility)."""
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE_JS, AXE_TAGS)
    serious = [f"[{v['impact']}] {v['id']}: {v['help']} {v['nodes']}" for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe on {where}:\n" + "\n".join(serious)
    unnamed = unnamed_controls(context, page)
    assert not unnamed, f"controls without a name on {where}: {unnamed}"


def _facilitator_token(made: dict, room_id: int) -> str:
    return next(f["token"] for f in made["facilitators"] if f["room_id"] == room_id)


def _phone(browser, url: str, code: str, person: dict, lang: str):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                  locale=lang, reduced_motion="reduce")
    session = {"token": person["token"], "device_key": person["device_key"], "participant_id": person["participant_id"]}
    storage = {f"cg.join.{code}": json.dumps(session), "cg.lastCode": code, "cg.lang": lang}
    context.add_init_script(
        f"for (const [k, v] of Object.entries({json.dumps(storage)})) {{ try {{ localStorage.setItem(k, v); }} catch (_) {{}} }}")
    page = context.new_page()
    page.goto(f"{url}/j/{code}")
    return context, page


def _tablet(browser, url: str, token: str, lang: str):
    context = browser.new_context(viewport=TABLET, device_scale_factor=1, locale=lang, reduced_motion="reduce")
    context.add_init_script(f"try {{ localStorage.setItem('cg.console.lang', {json.dumps(lang)}); }} catch (_) {{}}")
    page = context.new_page()
    page.goto(f"{url}/f#{token}")
    return context, page


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_caucus_room_posts_strengths_and_barriers_apart(live_server, browser, screenshots_dir, axe_source, lang):
    from playwright.sync_api import expect

    url = live_server.url
    made = _spcp_workshop(live_server)
    code = made["join_code"]
    me = _join(url, code, "faith", lang)
    room = me["room_id"]
    phone_ctx, phone = _phone(browser, url, code, me, lang)
    tab_ctx, tablet = _tablet(browser, url, _facilitator_token(made, room), lang)
    try:
        expect(phone.locator("#topbar .conn-online")).to_be_visible()
        expect(phone.locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")
        # The caucus: Faith and the sectors dealt to the same room, named in the reading language.
        caucus = phone.locator(".caucus-line")
        expect(caucus).to_contain_text(NAMES[lang]["faith"])
        expect(caucus).not_to_contain_text(NAMES[lang]["youth"])
        expect(tablet.locator(".caucus-line")).to_contain_text(NAMES[lang]["faith"])

        # The organiser words the strengths' prompt in English only: the English phone asks it
        # live, the Persian phone keeps the catalogue's question (and so does every barrier box).
        organiser = Client(url, made["organiser_token"])
        try:
            organiser.ok("prompts_set", prompts={"strength": {"en": OWN_PROMPT}})
        finally:
            organiser.close()

        # The tablet's stepper is the caucus round's three phases; it starts the brainstorm.
        expect(tablet.locator(".stepper .step")).to_have_count(3)
        tablet.locator(f"#r{room}-next").click()
        expect(phone.locator("#strength-text")).to_be_visible()
        expect(phone.locator("#barrier-text")).to_be_visible()
        expect(phone.locator("#post-strength-title")).to_have_text(OWN_PROMPT if lang == "en" else "چه چیزهایی خوب کار می‌کند؟")
        expect(phone.locator("#post-barrier-title")).to_have_text(
            "What stands in the way of trust?" if lang == "en" else "چه چیزی سد راه اعتماد است؟")
        expect(tablet.locator(".posts-strength h2")).to_contain_text(OWN_PROMPT if lang == "en" else "چه چیزهایی خوب کار می‌کند؟")

        # By keyboard: type, Tab to the box's own button, Enter.
        for kind, text in (("strength", STRENGTH[lang]), ("barrier", BARRIER[lang])):
            phone.locator(f"#{kind}-text").focus()
            phone.keyboard.type(text)
            phone.keyboard.press("Tab")
            expect(phone.locator(f"[data-key={kind}-submit]")).to_be_focused()
            phone.keyboard.press("Enter")
            expect(phone.locator(f".mine-{kind}")).to_contain_text(text)
        expect(phone.locator(".mine-strength")).not_to_contain_text(BARRIER[lang])
        expect(phone.locator(".mine-barrier")).not_to_contain_text(STRENGTH[lang])
        phone.screenshot(path=str(screenshots_dir / f"spcp-caucus-brainstorm-phone-{lang}.png"), full_page=True)
        # Withdrawing asks about a strength as a strength (and "no" keeps it).
        asked = []
        phone.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        phone.locator(".mine-strength button.withdraw").click()
        expect(phone.locator(".mine-strength")).to_contain_text(STRENGTH[lang])
        assert asked and ("strength" in asked[0] if lang == "en" else "نقطهٔ قوت" in asked[0]), asked

        # The facilitator reveals (with its confirmation).
        tablet.locator(f"#r{room}-next").click()
        tablet.locator("dialog[open] button[value=ok]").click()
        strengths, barriers = phone.locator(".list-strength"), phone.locator(".list-barrier")
        expect(strengths).to_contain_text(STRENGTH[lang])
        expect(barriers).to_contain_text(BARRIER[lang])
        expect(strengths).not_to_contain_text(BARRIER[lang])
        expect(barriers).not_to_contain_text(STRENGTH[lang])
        # ... and the tablet too, each list with its own merge.
        expect(tablet.locator(".posts-strength")).to_contain_text(STRENGTH[lang])
        expect(tablet.locator(".posts-barrier")).to_contain_text(BARRIER[lang])
        expect(tablet.locator(".posts-strength")).not_to_contain_text(BARRIER[lang])
        expect(tablet.locator(f"#r{room}-strength-merge")).to_be_visible()
        expect(tablet.locator(f"#r{room}-merge")).to_be_visible()
        # A second strength (posts go on after the reveal), merged with the first: the merge
        # takes strengths only, from their own list.
        phone.locator("#strength-text").focus()
        phone.keyboard.type(STRENGTH2[lang])
        phone.keyboard.press("Tab")
        phone.keyboard.press("Enter")
        expect(tablet.locator(".posts-strength li.barrier")).to_have_count(2)
        for box in tablet.locator(".posts-strength input.check").all():
            box.check()
        expect(tablet.locator(".posts-barrier input.check:checked")).to_have_count(0)
        tablet.locator(f"#r{room}-strength-merge").click()
        expect(strengths.locator(".is-shared")).to_have_count(1)
        expect(strengths.locator(".is-shared details.members")).to_be_attached()
        if lang == "en":
            expect(strengths.locator(".is-shared")).to_contain_text("Combined strength")
        expect(barriers.locator(".is-shared")).to_have_count(0)
        expect(barriers).to_contain_text(BARRIER[lang])
        # The last phase of a caucus is the reveal: nothing after it.
        expect(tablet.locator(f"#r{room}-next")).to_be_disabled()
        phone.screenshot(path=str(screenshots_dir / f"spcp-caucus-reveal-phone-{lang}.png"), full_page=True)
        tablet.screenshot(path=str(screenshots_dir / f"spcp-caucus-reveal-tablet-{lang}.png"), full_page=True)
        _accessible(phone_ctx, phone, axe_source, f"the caucus phone ({lang})")
        _accessible(tab_ctx, tablet, axe_source, f"the caucus tablet ({lang})")
    finally:
        phone_ctx.close()
        tab_ctx.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_solution_room_shows_the_facilitators_draft_on_the_phone(live_server, browser, screenshots_dir, axe_source,
                                                                   lang):
    from playwright.sync_api import expect

    url = live_server.url
    made = _spcp_workshop(live_server)
    code = made["join_code"]
    # Youth has the caucus's second room; as the largest sector it is dealt first in the mixed
    # round, and its first person (the phone) sits in the first room: the phone is moved.
    me = _join(url, code, "youth", lang)
    others = [_join(url, code, s, "en") for s in ("youth", "faith", "law_enforcement")]
    clients = []

    def client(token):
        c = Client(url, token)
        clients.append(c)
        return c

    try:
        organiser = client(made["organiser_token"])
        facilitators = {f["room_id"]: client(f["token"]) for f in made["facilitators"]}
        for f in facilitators.values():
            f.ok("phase_advance", from_phase="lobby")
        caucus_room = me["room_id"]
        phone_ctx, phone = _phone(browser, url, code, me, lang)
        expect(phone.locator("#topbar .conn-online")).to_be_visible()
        expect(phone.locator(".caucus-line")).to_contain_text(NAMES[lang]["youth"])
        writers = [client(p["token"]) for p in [me, *others]]
        for i, w in enumerate(writers):
            w.ok("barrier_post", text=f"Barrier {i + 1}: {BARRIER['en']}", kind="barrier")
        organiser.ok("workshop_advance")   # prioritise: the barriers come to one board
        expect(phone.locator(".plenary-item")).to_have_count(len(writers))
        items = sorted(int(i) for i in organiser.sync()["plenary"])
        # The dots: the board holds every caucus room's barriers; the phone spends one on the
        # last item, another room's, and the tally is kept by the server.
        last = phone.locator(f"[data-key=vote-plenary-{items[-1]}]")
        expect(last).to_have_attribute("aria-pressed", "false")
        last.click()
        expect(last).to_have_attribute("aria-pressed", "true")
        # Pressed at once (the tap is queued in the outbox: aria-busy); busy no more once the server
        # has it. Only then is it in the server's state (CI caught the check racing the send).
        expect(last).not_to_have_attribute("aria-busy", "true")
        assert f"plenary:{items[-1]}" in writers[0].sync()["my_votes"]
        phone.screenshot(path=str(screenshots_dir / f"spcp-prioritise-phone-{lang}.png"), full_page=True)
        organiser.ok("plenary_vote_close")
        # Closed: no more dots on the phone, the counts are shown.
        expect(phone.locator(".plenary-item .vote-btn")).to_have_count(0)
        organiser.ok("priorities_confirm", item_ids=items[:2])
        ranked = phone.locator(".priority-list .priority")
        expect(ranked).to_have_count(2)
        expect(ranked.first).to_contain_text(organiser.sync()["plenary"][str(items[0])]["text"])
        phone.screenshot(path=str(screenshots_dir / f"spcp-priorities-phone-{lang}.png"), full_page=True)
        organiser.ok("workshop_advance")   # solution_round: drafts dealt, everyone seated anew

        now = writers[0].sync()["me"]["room_id"]
        assert now != caucus_room, "the phone should have been moved (see the seating rule above)"
        notice = phone.locator(".move-notice")
        expect(notice).to_be_visible()
        number = str(organiser.sync()["rooms"][str(now)]["number"])
        expect(notice.locator(".move-room")).to_have_text(number.translate(PERSIAN_DIGITS) if lang == "fa" else number)
        phone.screenshot(path=str(screenshots_dir / f"spcp-moved-phone-{lang}.png"), full_page=True)

        drafts = [e for e in organiser.sync()["plan"].values() if e["room_id"] == now]
        assert drafts, "the phone's room should have a priority to draft"
        entry = drafts[0]
        expect(phone.locator(f".draft[data-entry='{entry['id']}']")).to_contain_text(entry["fields"]["title"])

        tab_ctx, tablet = _tablet(browser, url, _facilitator_token(made, now), lang)
        try:
            expect(tablet.locator(".stepper .step")).to_have_count(3)
            expect(tablet.locator(".caucus-line")).to_have_count(0)   # a mixed room
            tablet.locator(f"#r{now}-next").click()   # lobby -> solutions: the draft opens for writing
            field = tablet.locator(f"#r{now}-draft-{entry['id']}-problem")
            expect(field).to_be_editable()
            field.click()
            tablet.keyboard.type(ANSWER[lang])
            answer = phone.locator(f".draft[data-entry='{entry['id']}'] dd[data-field=problem]")
            expect(answer).to_have_text(ANSWER[lang])   # saved when the typing paused, no reload
            expect(tablet.locator(f"#r{now}-draft-{entry['id']}-problem-state")).not_to_be_empty()
            tablet.screenshot(path=str(screenshots_dir / f"spcp-solution-tablet-{lang}.png"), full_page=True)
            _accessible(tab_ctx, tablet, axe_source, f"the solution room's tablet ({lang})")
        finally:
            tab_ctx.close()
        # The notice stays until the person says they are on their way.
        expect(notice).to_be_visible()
        phone.screenshot(path=str(screenshots_dir / f"spcp-solution-phone-{lang}.png"), full_page=True)
        _accessible(phone_ctx, phone, axe_source, f"the solution room's phone ({lang})")
        phone.locator("[data-key=move-ok]").click()
        expect(phone.locator(".move-notice")).to_have_count(0)
        # The report-out: every room's draft, this one with the answer typed above.
        organiser.ok("workshop_advance")
        expect(phone.locator(f".draft[data-entry='{entry['id']}'] dd[data-field=problem]")).to_have_text(ANSWER[lang])
        expect(phone.locator(".draft")).to_have_count(2)
        phone.screenshot(path=str(screenshots_dir / f"spcp-report-out-phone-{lang}.png"), full_page=True)
        phone_ctx.close()
    finally:
        for c in clients:
            c.close()


def test_a_draft_saved_over_someone_elses_answer_shows_both_and_retries(live_server, browser):
    """The organiser answers a question while the facilitator's tablet is offline with its own
    answer waiting: back online, the tablet's save is refused (conflict) and it shows both
    answers; "Save my text instead" saves it over the new one, and the phone shows it."""
    from playwright.sync_api import expect

    url = live_server.url
    made = _spcp_workshop(live_server)
    code = made["join_code"]
    me = _join(url, code, "youth", "en")
    others = [_join(url, code, s, "en") for s in ("youth", "faith")]
    clients = []
    try:
        organiser = Client(url, made["organiser_token"])
        clients.append(organiser)
        for f in made["facilitators"]:
            c = Client(url, f["token"])
            clients.append(c)
            c.ok("phase_advance", from_phase="lobby")
        for p in [me, *others]:
            c = Client(url, p["token"])
            clients.append(c)
            c.ok("barrier_post", text=f"Barrier of {p['participant_id']}", kind="barrier")
        organiser.ok("workshop_advance")
        item = min(int(i) for i in organiser.sync()["plenary"])
        organiser.ok("plenary_vote_close")
        organiser.ok("priorities_confirm", item_ids=[item])
        organiser.ok("workshop_advance")
        entry = next(e for e in organiser.sync()["plan"].values() if e["plenary_item_id"] == item)
        room = entry["room_id"]
        seated = organiser.sync()["participants"]
        person = next(p for p in [me, *others] if seated[str(p["participant_id"])]["room_id"] == room)

        tab_ctx, tablet = _tablet(browser, url, _facilitator_token(made, room), "en")
        phone_ctx, phone = _phone(browser, url, code, person, "en")
        try:
            expect(tablet.locator("#header .conn-online")).to_be_visible()
            tablet.locator(f"#r{room}-next").click()   # solutions
            field = tablet.locator(f"#r{room}-draft-{entry['id']}-causes")
            expect(field).to_be_editable()
            tab_ctx.set_offline(True)
            expect(tablet.locator("#header .conn-offline")).to_be_visible()
            field.click()
            tablet.keyboard.type("Night shifts are understaffed")
            expect(tablet.locator(f"#r{room}-draft-{entry['id']}-causes-state")).to_have_class(re.compile("save-saving"))
            organiser.ok("plan_entry_update", entry_id=entry["id"], field="causes", value="Too few officers at night",
                         version=entry["versions"]["causes"])
            answer = phone.locator(f".draft[data-entry='{entry['id']}'] dd[data-field=causes]")
            expect(answer).to_have_text("Too few officers at night")
            tab_ctx.set_offline(False)
            conflict = tablet.locator(".has-conflict .conflict")
            expect(conflict).to_contain_text("Too few officers at night")
            expect(conflict).to_contain_text("Night shifts are understaffed")
            tablet.locator(f"#r{room}-draft-{entry['id']}-causes-retry").click()
            expect(answer).to_have_text("Night shifts are understaffed")
            expect(tablet.locator(".has-conflict")).to_have_count(0)
        finally:
            tab_ctx.close()
            phone_ctx.close()
    finally:
        for c in clients:
            c.close()
