"""The organiser runs an SPCP day from the console and the projector follows it (docs/agenda.md):
the organiser sets the SPCP agenda, seats everyone by sector for the caucus round (the projector
names the segment and shows each room's sectors), moves the day on to the prioritisation, closes
the dots, keeps the top five ticked, unticks one with the keyboard and confirms the other four;
the projector shows them ranked; in the solution round both screens show which room works on which
priority and the console each draft's answered questions; the report-out projects the drafts. The
agenda editor and the prompts' wording too. In English and in Persian (right to left)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.db import Database
from server.domain.workshops import create_workshop
from tests.browser.stage import Client, _join
from tests.browser.stage_spcp import BARRIERS, PEOPLE

pytestmark = pytest.mark.browser

I18N = Path(__file__).resolve().parents[2] / "web" / "i18n"
SECTORS = {"faith": {"en": "Faith", "fa": "جوامع دینی"}, "youth": {"en": "Youth", "fa": "جوانان"},
           "civil_rights": {"en": "Civil rights", "fa": "حقوق مدنی"}}


def catalogue(lang):
    own = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
    return lambda key, **params: _fill(own[key], params)


def _fill(text, params):
    for k, v in params.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def _workshop(live_server) -> dict:
    """A workshop with the SPCP sectors that starts with a caucus round but has only a short day after
    it (the segment a day stands on cannot change: agenda_locked, so the organiser completes the day)."""
    from server.cli import _links
    db = Database(live_server.env["DATABASE_URL"])
    try:
        made = create_workshop(db, title="Westside SPCP day", rooms=3, languages=["en", "es", "fa"],
                               sector_preset="spcp", agenda=["caucus", "prioritise", "action_plan", "closing"])
    finally:
        db.engine.dispose()
    return _links(live_server.url, made)


def confirm_dialog(page, name):
    from playwright.sync_api import expect
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=name, exact=True).click()
    expect(dialog).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_organiser_runs_the_spcp_day_and_the_projector_follows(live_server, browser, lang):
    from playwright.sync_api import expect
    t = catalogue(lang)
    made = _workshop(live_server)
    token = lambda link: link.split("#", 1)[1]  # noqa: E731
    people = [_join(live_server.url, made["join_code"], g, n, lng) for g, n, lng in PEOPLE]
    organiser = Client(live_server.url, token(made["organiser_url"]))
    clients = [organiser]
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale=lang)
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale=lang)
    try:
        if organiser.state["workshop"]["display_language"] != lang:
            organiser.ok("workshop_update", display_language=lang)
        context.add_init_script(f"localStorage.setItem('cg.console.lang', '{lang}')")
        console = context.new_page()
        console.goto(made["organiser_url"])
        projector = screen.new_page()
        projector.goto(made["display_url"])
        expect(console.locator("#header .conn-online")).to_be_visible()
        expect(console.locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")

        # The agenda: the SPCP day's preset; the day stands on its caucus round.
        console.locator("#tab-agenda").click()
        console.locator("#agenda-preset-spcp").click()
        steps = console.locator(".agenda-steps li")
        expect(steps).to_have_count(7)
        expect(console.locator(".agenda-steps li[aria-current=step]")).to_contain_text(t("segment.caucus"))
        expect(projector.locator(".phase-pill")).to_have_text(t("segment.caucus"))
        # The same preset again changes nothing: refused, and said as the console says refusals.
        console.locator("#agenda-preset-spcp").click()
        expect(console.locator(".toasts")).to_contain_text(t("console.error.no_change"))

        # Seat everyone by sector: each room lists the sectors it gathers, on the console and the projector.
        console.locator("#tab-rooms").click()
        console.locator("#rooms-form").click()
        confirm_dialog(console, t("console.agenda.reseat"))
        expect(console.locator(".room-card .room-sectors").first).to_be_visible()
        for key in SECTORS:
            expect(console.locator(".room-card .room-sectors", has_text=SECTORS[key][lang])).to_have_count(1)
            expect(projector.locator(".room .room-sectors", has_text=SECTORS[key][lang])).to_have_count(1)
        expect(projector.locator(".subtitle")).to_have_text(t("display.agenda.subtitle.caucus"))

        # The caucus rooms post and reveal (the phones and facilitators, as stage_spcp does).
        facilitators = [Client(live_server.url, token(u)) for u in made["facilitator_urls"]]
        phones = [Client(live_server.url, p["token"]) for p in people]
        clients += facilitators + phones
        for f in facilitators:
            f.ok("phase_advance", from_phase="lobby")
        author = {}
        for (sector, _n, _l), phone in zip(PEOPLE, phones):
            author.setdefault(sector, phone)
        for sector, kind, text in BARRIERS:
            author[sector].ok("barrier_post", text=text, kind=kind)
        for f in facilitators:
            f.ok("phase_advance", from_phase="brainstorm")

        # Next: the prioritisation. The board's counts stay hidden on the projector while the dots are open.
        console.locator("#wnext").click()
        confirm_dialog(console, t("console.agenda.next", segment=t("segment.prioritise")))
        expect(projector.locator(".phase-pill")).to_have_text(t("segment.prioritise"))
        barriers = [text for _s, kind, text in BARRIERS if kind == "barrier"]
        expect(projector.locator(".board-item")).not_to_have_count(0)
        expect(projector.locator(".board-votes")).to_have_count(0)
        items = sorted(organiser.sync()["plenary"].values(), key=lambda i: i["id"])
        assert sorted(i["text"] for i in items) == sorted(barriers)  # the strengths stay in their rooms
        for k, phone in enumerate(phones):   # three dots each, on three different items
            for j in range(3):
                phone.ok("vote_cast", target_type="plenary", target_id=items[(k + j) % len(items)]["id"])

        # Close the dots with the keyboard: the button, then the dialog's confirm (after its Cancel).
        expect(console.locator("#tab-plenary")).to_have_attribute("aria-pressed", "true")
        console.locator("#vote-close").focus()
        console.keyboard.press("Enter")
        expect(console.locator("dialog[open]")).to_be_visible()
        console.keyboard.press("Tab")
        expect(console.locator("dialog[open] button:focus")).to_have_text(t("console.agenda.closeDots"))
        console.keyboard.press("Enter")
        expect(console.locator("#vote-close")).to_have_count(0)
        expect(projector.locator(".board-item:not([hidden]) .board-votes").first).to_be_visible()

        # The top five are ticked; untick the fifth with the keyboard, confirm the other four.
        ranked = sorted(organiser.sync()["plenary"].values(), key=lambda i: (-i["votes"], -i["room_votes"], i["id"]))
        ticked = console.locator(".prio-pick input:checked")
        expect(ticked).to_have_count(5)
        fifth = console.locator(f"#prio-{ranked[4]['id']}")
        fifth.focus()
        console.keyboard.press("Space")
        expect(ticked).to_have_count(4)
        confirm = console.locator("#prio-confirm")
        expect(confirm).to_have_text(t("console.agenda.confirmPriorities.other", count=_digits(4, lang)))
        confirm.focus()
        console.keyboard.press("Enter")
        expect(console.locator(".prio-badge")).to_have_count(4)
        expect(confirm).to_be_disabled()  # confirming the same again would change nothing
        want = [i["text"] for i in ranked[:4]]
        state = organiser.sync()
        assert sorted((i["priority"], i["text"]) for i in state["plenary"].values() if i["priority"]) == \
            list(enumerate(want, start=1))

        # The projector: the four priorities, ranked.
        expect(projector.locator(".view-priorities .board-title")).to_have_text(want)
        expect(projector.locator(".view-priorities .rank")).to_have_text([_digits(n, lang) for n in (1, 2, 3, 4)])
        expect(projector.locator(".subtitle")).to_have_text(t("display.agenda.prioritiesSubtitle.other",
                                                              count=_digits(4, lang)))

        # Next: the solution round. Each room works on its priorities (dealt in rank order), on both screens.
        console.locator("#wnext").click()
        confirm_dialog(console, t("console.agenda.next", segment=t("segment.solution_round")))
        expect(projector.locator(".phase-pill")).to_have_text(t("segment.solution_round"))
        expect(projector.locator(".room-priorities .prio-text")).to_have_count(4)
        for text in want:
            expect(projector.locator(".room-priorities .prio-text", has_text=text)).to_have_count(1)
        expect(console.locator(".room-draft")).to_have_count(4)
        expect(console.locator(".question-dots li.answered")).to_have_count(0)
        # The room with the first priority answers its first guiding question: the console sees it.
        drafts = {e["fields"]["title"]: e for e in organiser.sync()["plan"].values()}
        first = drafts[want[0]]
        writer = next(f for f in facilitators if f.sync()["me"]["room_id"] == first["room_id"])
        writer.ok("phase_advance", from_phase="lobby")
        answer = "People are stopped without being told why"
        writer.ok("plan_entry_update", entry_id=first["id"], field="problem", value=answer,
                  version=first["versions"].get("problem", 0))
        card = console.locator(f".room-draft[data-entry-id='{first['id']}']")
        expect(card.locator(".question-dots li.answered")).to_have_count(1)
        expect(card).to_contain_text(t("console.agenda.answered", done=_digits(1, lang), count=_digits(9, lang)))

        # Next: the report-out. The projector shows each solution room's draft with its answers.
        console.locator("#wnext").click()
        confirm_dialog(console, t("console.agenda.next", segment=t("segment.report_out")))
        expect(projector.locator(".phase-pill")).to_have_text(t("segment.report_out"))
        expect(projector.locator(".draft")).to_have_count(4)
        shown = projector.locator(f".draft[data-entry-id='{first['id']}']")
        expect(shown.locator(".draft-title")).to_have_text(want[0])
        expect(shown.locator(".draft-answers dt")).to_have_text([t("console.plan.field.problem")])
        expect(shown.locator(".draft-answers dd")).to_have_text([answer])
    finally:
        context.close()
        screen.close()
        for c in clients:
            c.close()


def _digits(n: int, lang: str) -> str:
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if lang == "fa" else str(n)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_agenda_editor_saves_a_day_the_server_accepts_and_says_why_it_refuses_one(live_server, browser, lang):
    """Segments after the current one are removed and reordered in the editor; an agenda the rules refuse
    (a solution round with no prioritisation before it) is said and nothing changes; a preset that would
    change the segment the day stands on cannot be chosen."""
    from playwright.sync_api import expect
    t = catalogue(lang)
    from server.cli import _links
    db = Database(live_server.env["DATABASE_URL"])
    try:
        spcp = _links(live_server.url, create_workshop(db, title="SPCP day", rooms=2, languages=["en", "fa"],
                                                        sector_preset="spcp", agenda="spcp"))
        short = _links(live_server.url, create_workshop(db, title="Short day", rooms=2, languages=["en", "fa"]))
    finally:
        db.engine.dispose()
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale=lang)
    try:
        context.add_init_script(f"localStorage.setItem('cg.console.lang', '{lang}')")
        console = context.new_page()
        console.goto(spcp["organiser_url"])
        expect(console.locator(".agenda-steps li")).to_have_count(7)
        console.locator("#agenda-edit").click()
        expect(console.locator("#agenda-h")).to_be_focused()
        # The day has not begun (every room in its lobby): even its first segment may still change.
        expect(console.locator("#agenda-remove-0")).to_have_count(1)
        # Remove the prioritisation: the solution round would come first. Refused, and said.
        console.locator("#agenda-remove-1").click()
        expect(console.locator(".agenda-edit-row")).to_have_count(6)
        console.locator("#agenda-save").click()
        expect(console.locator(".toasts")).to_contain_text(t("console.error.invalid"))
        expect(console.locator(".agenda-steps li")).to_have_count(7)
        # Undo, then remove the council and move the report-out after the action plan: saved.
        console.locator("#agenda-reset").click()
        expect(console.locator("#agenda-save")).to_have_count(0)
        console.locator("#agenda-remove-5").click()                 # council
        console.locator("#agenda-down-3").press("Enter")           # report-out below the action plan
        console.locator("#agenda-save").click()
        steps = [t(f"segment.{k}") for k in ("caucus", "prioritise", "solution_round", "action_plan", "report_out",
                                              "closing")]
        expect(console.locator(".agenda-steps li")).to_have_count(6)
        for k, name in enumerate(steps):
            expect(console.locator(".agenda-steps li").nth(k)).to_contain_text(name)
        expect(console.locator("#agenda-save")).to_have_count(0)

        # The caucus prompts in the workshop's own words (Persian only; English keeps the standard wording).
        console.locator("#prompts-summary").click()
        console.locator("#prompt-barrier-fa").fill("چه چیزی جلوی اعتماد میان پلیس و محله را می‌گیرد؟")
        # And one guiding question of the solution rooms, typed in English.
        console.locator("#question-causes-en").press_sequentially("Why does this keep happening here?")
        console.locator("#prompts-save").click()
        organiser = Client(live_server.url, spcp["organiser_url"].split("#", 1)[1])
        try:
            for _ in range(50):
                if organiser.sync()["workshop"].get("prompts"):
                    break
                console.wait_for_timeout(100)
            assert organiser.state["workshop"]["prompts"] == {
                "barrier": {"fa": "چه چیزی جلوی اعتماد میان پلیس و محله را می‌گیرد؟"},
                "questions": {"causes": {"en": "Why does this keep happening here?"}}}
        finally:
            organiser.close()
        expect(console.locator("#prompt-barrier-fa")).to_have_value("چه چیزی جلوی اعتماد میان پلیس و محله را می‌گیرد؟")
        console.locator("#prompts-save").click()    # the same words again: nothing to change, and said
        expect(console.locator(".toasts")).to_contain_text(t("console.error.no_change"))

        # A short day before it begins: the SPCP preset (a caucus round first) may still be chosen...
        console.goto(short["organiser_url"])
        console.locator("#tab-agenda").click()
        expect(console.locator("#agenda-preset-spcp")).to_be_enabled()
        # ...not once a room has left its lobby: the day began with breakout rooms.
        steer = Client(live_server.url, short["organiser_url"].split("#", 1)[1])
        try:
            steer.ok("phase_advance", room_id=short["rooms"][0]["room_id"], from_phase="lobby")
        finally:
            steer.close()
        expect(console.locator("#agenda-preset-spcp")).to_be_disabled()
        expect(console.locator("#agenda-preset-short")).to_have_attribute("aria-pressed", "true")
        expect(console.locator("#agenda-preset-locked")).to_contain_text(t("segment.breakout"))
    finally:
        context.close()
