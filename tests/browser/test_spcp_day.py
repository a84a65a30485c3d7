"""A 40-person SPCP day with six named sectors, end to end (issue 15's "done when"): 38 simulated
phones, the organiser and the facilitators played by `common-ground rehearse --auto`, while real
screens in Chromium follow the whole day: the projector (in Persian, right to left), the organiser's
console (English), a facilitator's tablet (Persian) and two phones that joined with their sectors
(English and Persian). Every screen goes through every segment of the agenda and ends on the
closing; nothing acknowledged is lost. Screenshots of each segment go to the screenshots folder."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.stage import Client
from tests.browser.stage import _join as join
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "web" / "i18n"
SECTORS = ("Faith:community,Youth:community,New Americans:community,Law enforcement:law_enforcement,"
           "Business:other,Civil rights:community")
# A catalogue key shown as text: "console.group.faith", "segment.closing", "election.ui.display.more".
CATALOGUE_KEY = re.compile(r"\b(?:console|display|phone|room|election|pulse|council|segment|group|closing|common)"
                           r"(?:\.[a-z][a-z0-9_]*)+\b")
SEGMENTS = ["caucus", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"]
DAY_SECS = 300  # a ceiling for a stuck run, not a timing assertion


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of its own: forty people join from this one address, which would use up the shared
    browser server's join limit per network for the tests after it."""
    server = LiveServer(tmp_path_factory.mktemp("spcp-day"))
    yield server
    server.stop()


def _t(lang: str, key: str) -> str:
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))[key]


def _join(url: str, code: str, sector: str, lang: str) -> dict:
    """A phone joins anonymously with its sector and a device key (stage._join)."""
    return join(url, code, sector, None, lang)


def _page(browser, url: str, size: tuple[int, int], lang: str, storage: dict, phone: bool = False):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=lang,
                                  is_mobile=phone, has_touch=phone, reduced_motion="reduce")
    context.add_init_script("".join(f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)});"
                                    for k, v in storage.items()))
    page = context.new_page()
    page.goto(url)
    return context, page


def test_a_forty_person_spcp_day_runs_end_to_end_on_every_screen(live_server, browser, screenshots_dir):
    from playwright.sync_api import expect
    made = json.loads(subprocess.run(
        [sys.executable, "-m", "server.cli", "workshop", "create", "--title", "Eastside SPCP day", "--rooms", "4",
         "--languages", "en,es,fa", "--sectors", SECTORS, "--agenda", "spcp", "--base-url", live_server.url,
         "--json"], env={**live_server.env, "ASYNC_MODE": "threading"}, capture_output=True, text=True, check=True,
        cwd=ROOT).stdout)
    assert made["agenda"] == SEGMENTS
    code = made["join_code"]
    organiser = Client(live_server.url, made["organiser_url"].split("#", 1)[1])
    organiser.ok("workshop_update", display_language="fa")
    phones = {"fa": _join(live_server.url, code, "new_americans", "fa"),
              "en": _join(live_server.url, code, "law_enforcement", "en")}
    contexts = []
    run = None
    try:
        def session(lang):
            me = phones[lang]
            return {f"cg.join.{code}": json.dumps({"token": me["token"], "device_key": me["device_key"],
                                                   "participant_id": me["participant_id"]}),
                    "cg.lastCode": code, "cg.lang": lang}
        screens = {
            "projector": _page(browser, made["display_url"], (1920, 1080), "fa", {}),
            "organiser": _page(browser, made["organiser_url"], (1024, 768), "en", {"cg.console.lang": "en"}),
            "facilitator": _page(browser, made["facilitator_urls"][0], (1024, 768), "fa", {"cg.console.lang": "fa"}),
            "phone_fa": _page(browser, f"{live_server.url}/j/{code}", (390, 844), "fa", session("fa"), phone=True),
            "phone_en": _page(browser, f"{live_server.url}/j/{code}", (390, 844), "en", session("en"), phone=True),
        }
        contexts = [c for c, _ in screens.values()]
        pages = {k: p for k, (_, p) in screens.items()}
        projector = pages["projector"]
        expect(projector.locator(".phase-pill")).to_have_text(_t("fa", "segment.caucus"))
        expect(pages["phone_fa"].locator("html")).to_have_attribute("dir", "rtl")
        expect(pages["organiser"].locator("#header .conn-online")).to_be_visible()

        run = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "rehearse", "--url", live_server.url, "--join-code", code,
             "--organiser-url", made["organiser_url"], "--participants", "38", "--auto", "--pace", "8",
             "--seed", "15", "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The projector follows every segment of the day; each is photographed on every screen.
        for kind in SEGMENTS[1:]:
            expect(projector.locator(".phase-pill")).to_have_text(_t("fa", f"segment.{kind}"),
                                                                  timeout=DAY_SECS * 1000)
            for name, page in pages.items():
                page.screenshot(path=str(screenshots_dir / f"spcp-day-{kind}-{name}.png"))
        out, err = run.communicate(timeout=DAY_SECS)
        assert run.returncode == 0, err[-4000:] + out
        summary = json.loads(out)
        assert summary["final_phase"] == "closed" and summary["lost"] == [], summary
        assert summary["segments"] == SEGMENTS and summary["joined"] == 38, summary

        state = organiser.sync()
        assert state["workshop"]["phase"] == "closed" and len(state["participants"]) == 40
        assert sorted(i["priority"] for i in state["plenary"].values() if i["priority"]) == [1, 2, 3, 4, 5]
        # The real phones were seated with their sectors in the caucus and mixed into a solution room
        # with the others: both are still in the workshop, in a room of its four.
        for me in phones.values():
            assert state["participants"][str(me["participant_id"])]["room_id"] in {
                int(r) for r in state["rooms"]}
        # Every screen ends on the closing, in its own language and direction.
        for name, lang in (("phone_fa", "fa"), ("phone_en", "en"), ("facilitator", "fa"), ("organiser", "en")):
            expect(pages[name].locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")
        expect(pages["phone_fa"].locator("body")).to_contain_text(_t("fa", "segment.closing"))
        expect(pages["phone_en"].locator("body")).to_contain_text(_t("en", "segment.closing"))
        for name, page in pages.items():
            page.screenshot(path=str(screenshots_dir / f"spcp-day-end-{name}.png"), full_page=True)
        # No screen shows a catalogue key instead of words (a named sector's council seat on the
        # projector read "console.group.new_americans"), and no phone still asks its person to walk to
        # the solution room they were seated in once the day has left the rooms.
        for name, page in pages.items():
            keys = CATALOGUE_KEY.findall(page.locator("body").inner_text())
            assert not keys, f"{name} shows catalogue keys: {keys}"
        for name in ("phone_fa", "phone_en"):
            expect(pages[name].locator(".move-notice")).to_have_count(0)
    finally:
        if run is not None and run.poll() is None:
            run.kill()
        for c in contexts:
            c.close()
        organiser.close()
