"""The organiser console as its people use it (a police officer and a community organiser, on phones,
tablets and a projector, in English and in Persian, right to left):

- a refusal from the server reads in the console's language alone: in Persian the server's English
  detail (it names the field or the rule, for support) is an element of its own (lang="en", dir="ltr",
  on its own line, smaller), never glued into the Persian sentence; in English "text — detail" stays
  (run() in console-common.js and runAgenda() in organiser.js);
- the bar on top never makes the page scroll sideways, at any width from a phone to a laptop, on a
  short day and on an SPCP day (three cards);
- the join card's code and link read left to right but sit on the start side of the card, the right
  in Persian, like the rest of the card;
- the council tab's table at 1024x768 keeps a short e-mail address (p35@example.org) on one line;
- the election table (the sectors electing the council) at 360x640: nothing sticks out, is cut or
  scrolls sideways, at every stage (seats, nominations, the ballot, the results);
- the election's results say "Results" once, under a heading; the appoint buttons read as sentences
  ("Appoint a Faith member") with typed names isolated in their own direction; the seats read in the
  console's digits and take Persian digits from the keyboard (anything else refused, with a message);
- the council table never scrolls sideways with a long e-mail address, at any width, in en, es, fa;
- the results' lists name a person with no name shown as a sentence does, after "Elected:", "Appointed:"
  and "Tied for 1 seat:" ("a Faith member"), in en, es, fa;
- a sector's name the organiser typed, in the other script, is isolated (dir=auto) inside every sentence
  of the election panel, its heading in the results stays on the panel's start side, and appointing such a
  member is said to screen readers with the name between direction isolates;
- the priorities to tick and a meeting's length read in the console's digits and take Persian and
  Arabic-Indic digits (anything else refused, with a message; the arrow keys step), as the seats do;
- so do the custom timer's minutes on the facilitator's room panel and the organiser's (1 to 240, its
  message on a line of its own under the field), and the timer runs that many minutes;
- on a participant's phone, a sector's name the organiser typed, in the other script, is isolated inside
  every sentence of the election card (asked to stand, the seats, "shown as", the ballot, the results).

Screenshots in test-artifacts/screenshots/console-fit-*.png (360x640, 1024x768, 1920x1080; en, fa).
"""
from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.browser.stage import LANGS, Client, element_screenshot, open_surface, stage
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS
from tests.browser.test_election_screens import SPCP_PEOPLE as ELECTION_PEOPLE
from tests.browser.test_election_screens import spcp_day
from tests.browser.test_organiser_phone import BROKEN_WORDS_JS, OUTSIDE_BOX_JS, bar_problems, settle
from tests.browser.test_screenshots import OVERFLOW_JS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((360, 640), (1024, 768), (1920, 1080))
LATIN = re.compile("[A-Za-z]")


def shoot(page, path, full_page: bool = True) -> None:
    """A screenshot to look at; a whole page with the console's sticky header at the top, not over the middle."""
    page.evaluate("() => { document.getElementById('header').style.position = 'static'; }")
    try:
        page.screenshot(path=path, full_page=full_page)
    finally:
        page.evaluate("() => { document.getElementById('header').style.position = ''; }")


def sideways(page, where: str) -> list[str]:
    """The page scrolls sideways (its scrolling box wider than the part of the window it shows)."""
    m = page.evaluate(OVERFLOW_JS)
    wide = page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    if m["scrollWidth"] > m["innerWidth"] or wide[0] > wide[1]:
        return [f"{where}: scrolls sideways ({wide[0]} > {wide[1]}): {m['culprits']}"]
    return []


# ------------------------------------------------------------------ 1. refusals in the console's language

# The newest error toast: its sentence (the text outside any [lang] element), and the server's detail.
TOAST_JS = """() => {
  const box = [...document.querySelectorAll('#toasts .toast-error .toast-text')].pop();
  if (!box) return null;
  const range = document.createRange(), sentence = [];
  let bottom = -Infinity, size = 0;
  const walk = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement.closest('[lang]') !== box.closest('[lang]')) continue;   // inside the detail
    if (!n.nodeValue.trim()) continue;
    sentence.push(n.nodeValue);
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) bottom = Math.max(bottom, (r.top + r.bottom) / 2);   // its last line's middle
    size = parseFloat(getComputedStyle(n.parentElement).fontSize);
  }
  const d = box.querySelector('[lang]');
  const detail = d && { lang: d.getAttribute('lang'), dir: d.getAttribute('dir'), text: d.textContent,
    top: d.getBoundingClientRect().top, size: parseFloat(getComputedStyle(d).fontSize) };
  return { text: box.textContent, sentence: sentence.join(''), bottom, size, detail };
}"""


def refusal_problems(page, lang: str, server_message: str, where: str) -> list[str]:
    toast = page.locator("#toasts .toast-error").last
    expect(toast).to_be_visible()
    expect(toast).to_contain_text(server_message)
    got = page.evaluate(TOAST_JS)
    problems = []
    if lang == "en":
        if f" — {server_message}" not in got["text"]:
            problems.append(f"{where}: the English toast is not 'text — detail': {got['text']!r}")
        return problems
    if server_message[:12] in got["sentence"] or (lang == "fa" and LATIN.search(got["sentence"])):
        problems.append(f"{where}: English inside the {lang} sentence: {got['sentence']!r}")
    d = got["detail"]
    if not d:
        return problems + [f"{where}: the server's detail is not an element of its own: {got['text']!r}"]
    if (d["lang"], d["dir"]) != ("en", "ltr") or server_message not in d["text"]:
        problems.append(f"{where}: the detail is not lang=en dir=ltr with the server's message: {d}")
    if d["top"] <= got["bottom"]:
        problems.append(f"{where}: the detail is not on a line of its own (its top {d['top']:.0f} is above the middle "
                        f"of the sentence's last line, {got['bottom']:.0f})")
    if not d["size"] < got["size"]:
        problems.append(f"{where}: the detail is not smaller than the sentence ({d['size']} >= {got['size']})")
    return problems


@pytest.mark.parametrize("lang", [*LANGS, "es"])
def test_a_refused_role_reads_in_the_consoles_language_and_keeps_the_servers_detail_apart(browser, stager,
                                                                                           screenshots_dir, axe_source,
                                                                                           lang):
    """The organiser makes a second community co-chair: the server refuses (role_taken); nothing changes."""
    staged = stager.get("council")
    member = staged.people[2]["participant_id"]   # a member (stage.py); Maryam is the community co-chair
    context, page = open_surface(browser, staged, "organiser", lang, SIZES[0])
    try:
        page.locator("#tab-council").click()
        role = page.locator(f"#role-{member}")
        role.focus()
        role.select_option("co_chair_community")
        problems = refusal_problems(page, lang, "This co-chair seat is already taken", f"role_taken {lang}")
        expect(role).to_have_value("member")
        page.evaluate(axe_source)
        serious = [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"serious axe violations with the refusal shown: {serious}"
        shoot_window(page, screenshots_dir, f"console-fit-toast-{lang}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_reseating_reads_in_the_consoles_language(browser, live_server, lang):
    """runAgenda (organiser.js): "Seat everyone again" when everyone sits where the caucus puts them."""
    from tests.browser.stage_spcp import SpcpStager
    context, page = open_surface(browser, SpcpStager(live_server).get("caucus"), "organiser", lang, SIZES[1])
    try:
        page.locator("#rooms-form").click()
        page.get_by_role("dialog").locator("button[value=ok]").click()
        problems = refusal_problems(page, lang, "Everyone already sits where the rooms' rule puts them.",
                                    f"rooms_form {lang}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 2. the bar never scrolls sideways

NARROW = (600, 601, 610, 620, 640, 660, 680, 686, 687, 700, 720, 760, 761, 820, 900, 980, 981, 1100)


@pytest.mark.parametrize("day", ["short", "spcp"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_bar_never_scrolls_sideways_from_a_phone_to_a_laptop(browser, stager, live_server, screenshots_dir,
                                                                 lang, day):
    from tests.browser.stage_spcp import SpcpStager
    staged = stager.get("lobby") if day == "short" else SpcpStager(live_server).get("caucus")
    context, page = open_surface(browser, staged, "organiser", lang, (NARROW[0], 800))
    problems: list[str] = []
    try:
        expect(page.locator("#copy-link")).to_be_visible()
        for width in NARROW:
            settle(page, width, 800)
            where = f"{day} day {lang} {width}px"
            problems += [p for p in bar_problems(page, where) if "scrolls sideways" not in p]
            problems += sideways(page, where)
            if width in (640, 686, 761):
                page.screenshot(path=screenshots_dir / f"console-fit-bar-{day}-{lang}-{width}.png")
        shoot_window(page, screenshots_dir, f"console-fit-bar-{day}-{lang}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 3. the join card's code and link

# The join card's code and link: their block's direction, the value's own, the sides of its text, the
# card's content box, and whether the text runs left to right (its first character left of its last).
JOIN_JS = """() => {
  const card = document.querySelector('.org-bar .card'), cs = getComputedStyle(card), r0 = card.getBoundingClientRect();
  const box = { left: r0.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft),
                right: r0.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight) };
  const range = document.createRange();
  const out = {};
  for (const [key, sel] of [['code', '.join-code'], ['link', '.join-link']]) {
    const block = card.querySelector(sel);
    const text = [...block.querySelectorAll('*'), block].map((e) => [...e.childNodes]).flat()
      .find((n) => n.nodeType === 3 && n.nodeValue.trim());
    range.selectNodeContents(text);
    const rects = [...range.getClientRects()];
    const first = document.createRange(); first.setStart(text, 0); first.setEnd(text, 1);
    const last = document.createRange(); last.setStart(text, text.nodeValue.length - 1); last.setEnd(text, text.nodeValue.length);
    const oneLine = rects.length === 1;
    out[key] = { blockDir: getComputedStyle(block).direction, valueDir: text.parentElement.closest('[dir]')?.getAttribute('dir'),
      left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
      ltr: !oneLine || first.getBoundingClientRect().left < last.getBoundingClientRect().left, text: text.nodeValue };
  }
  return { box, ...out };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_join_code_and_link_sit_on_the_cards_start_side_and_read_left_to_right(browser, stager, screenshots_dir,
                                                                                   lang):
    staged = stager.get("lobby")
    context, page = open_surface(browser, staged, "organiser", lang, SIZES[0])
    problems: list[str] = []
    try:
        expect(page.locator(".join-code")).to_have_text(staged.join_code)
        for width, height in SIZES:
            settle(page, width, height)
            where = f"join card {lang} {width}x{height}"
            got = page.evaluate(JOIN_JS)
            box = got["box"]
            for key in ("code", "link"):
                v = got[key]
                want = "rtl" if lang == "fa" else "ltr"
                if v["blockDir"] != want:
                    problems.append(f"{where}: the {key}'s block runs {v['blockDir']}, not the card's {want}")
                if v["valueDir"] != "ltr":
                    problems.append(f"{where}: the {key} itself is not marked dir=ltr ({v['valueDir']})")
                if not v["ltr"]:
                    problems.append(f"{where}: the {key} does not read left to right: {v['text']!r}")
                if lang == "fa" and abs(v["right"] - box["right"]) > 2:
                    problems.append(f"{where}: the {key} is not on the right (start) side: its text ends at "
                                    f"{v['right']:.0f}, the card's content at {box['right']:.0f}")
                if lang == "en" and abs(v["left"] - box["left"]) > 2:
                    problems.append(f"{where}: the {key} is not on the left (start) side: {v['left']:.0f} vs {box['left']:.0f}")
            page.screenshot(path=screenshots_dir / f"console-fit-join-{lang}-{width}x{height}.png")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 4. the council table's short e-mails

# Each contact of the council table on more than one line: "text (n lines)".
WRAPPED_CONTACTS_JS = """() => {
  const out = [];
  for (const td of document.querySelectorAll('.council-table tbody td:nth-child(3)')) {
    const span = td.querySelector('.user-text');
    if (!span) continue;
    const tops = new Set([...span.getClientRects()].map((r) => Math.round(r.top)));
    if (tops.size > 1) out.push(`${span.textContent} (${tops.size} lines)`);
  }
  return out;
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_a_short_email_stays_on_one_line_in_the_council_table(browser, stager, screenshots_dir, lang):
    context, page = open_surface(browser, stager.get("council"), "organiser", lang, SIZES[1])
    problems: list[str] = []
    try:
        page.locator("#tab-council").click()
        expect(page.locator(".council-table")).to_contain_text("@example.org")
        for width, height in ((1024, 768), (1280, 800), (1920, 1080), (360, 640), (768, 1024), (834, 1194)):
            settle(page, width, height)
            where = f"council {lang} {width}x{height}"
            problems += [f"{where}: a short e-mail address broken: {p}" for p in page.evaluate(WRAPPED_CONTACTS_JS)]
            problems += [f"{where}: {p}" for p in page.evaluate(OUTSIDE_BOX_JS, ".table-scroll")]
            problems += [f"{where}: a word cut in two: {p}" for p in page.evaluate(BROKEN_WORDS_JS, ".council-table tbody td")]
            problems += sideways(page, where)
            shoot(page, screenshots_dir / f"console-fit-council-{lang}-{width}x{height}.png")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 5. the election table on a phone

# The seven SPCP sectors of test_election_screens, and a long name that must wrap on a phone.
SPCP_PEOPLE = [*ELECTION_PEOPLE, ("law_enforcement", "Detective Alexandra Montgomery-Whitfield", "en")]

# Inside the election panel: what is cut (a box clipping its text or scrolling sideways inside).
CUT_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.election-panel, .election-panel *')) {
    if (el.closest('.visually-hidden')) continue;
    let clipped = false;   // hidden the .visually-hidden way by CSS (a phone's table header)
    for (let a = el; a; a = a.parentElement) clipped ||= getComputedStyle(a).clipPath !== 'none';
    if (clipped) continue;
    const cs = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth && (cs.overflowX !== 'visible' || el.matches('.table-scroll')))
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} scrolls or clips sideways (${el.scrollWidth} > ${el.clientWidth})`);
  }
  return out;
}"""


def election_problems(page, where: str) -> list[str]:
    problems = [f"{where}: {p}" for p in page.evaluate(OUTSIDE_BOX_JS, ".election-panel")]
    problems += [f"{where}: {p}" for p in page.evaluate(CUT_JS)]
    problems += [f"{where}: a word cut in two: {p}"
                 for p in page.evaluate(BROKEN_WORDS_JS, ".election-table th, .election-table td, .election-panel .btn")]
    return problems + sideways(page, where)


def shoot_sizes(page, screenshots_dir, name: str) -> None:
    for width, height in SIZES[1:]:
        settle(page, width, height)
        shoot(page, screenshots_dir / f"console-fit-{name}-{width}x{height}.png")
    settle(page, *SIZES[0])


@pytest.mark.parametrize("lang", LANGS)
def test_the_election_table_fits_a_phone_at_every_stage(browser, live_server, screenshots_dir, axe_source, lang):
    links, people = spcp_day(live_server, lang, SPCP_PEOPLE)
    org = Client(live_server.url, links["organiser_url"].split("#", 1)[1])
    clients = {i: Client(live_server.url, p["token"]) for i, p in enumerate(people)}
    problems: list[str] = []
    context = None
    try:
        org.ok("workshop_advance")   # breakout -> council
        staged = SimpleNamespace(organiser_url=links["organiser_url"])
        context, page = open_surface(browser, staged, "organiser", lang, SIZES[0])
        panel = page.locator(".election-panel")
        expect(panel).to_be_visible()
        settle(page, *SIZES[0])
        problems += election_problems(page, f"seats {lang}")
        shoot(page, screenshots_dir / f"console-fit-election-seats-{lang}-360x640.png")
        # Two seats for Youth: the organiser types it, then opens the nominations with a tap.
        youth = page.locator("#election-seats-youth")
        youth.fill("2")
        page.locator("#election-open").click()
        expect(page.locator(".election-table")).to_be_visible()
        eid = max(int(k) for k in org.sync()["elections"])
        for i in (0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12):
            clients[i].ok("election_nominate", election_id=eid, participant_id=people[i]["participant_id"])
        expect(page.locator(".election-table")).to_contain_text("Montgomery")
        settle(page, *SIZES[0])
        problems += election_problems(page, f"nominations {lang}")
        shoot(page, screenshots_dir / f"console-fit-election-nominating-{lang}-360x640.png")
        shoot_sizes(page, screenshots_dir, f"election-nominating-{lang}")

        page.locator("#election-ballot-open-sectors").click()
        page.get_by_role("dialog").locator("button[value=ok]").click()
        expect(page.locator(".election-voted").first).to_be_visible()
        e = org.sync()["elections"][str(eid)]
        for i in (2, 4, 5, 6, 9):
            mine = [int(c["id"]) for c in e["candidates"].values() if c["participant_id"] == people[i]["participant_id"]]
            clients[i].ok("election_vote", election_id=eid, candidate_ids=mine)
        settle(page, *SIZES[0])
        problems += election_problems(page, f"ballot {lang}")
        # The phone's layout (each sector a block) is still a table to assistive technology.
        table = page.locator(".election-table")
        assert table.get_by_role("columnheader").count() == 4 and table.get_by_role("rowheader").count() == 7
        page.evaluate(axe_source)
        serious = [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"serious axe violations in the election panel on a phone: {serious}"
        shoot(page, screenshots_dir / f"console-fit-election-voting-{lang}-360x640.png")
        shoot_sizes(page, screenshots_dir, f"election-voting-{lang}")

        close = page.locator("#election-close-sectors")
        close.focus()
        page.keyboard.press("Enter")
        page.get_by_role("dialog").locator("button[value=ok]").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".election-tie-actions")).to_be_visible()   # Faith: Pastor Ruth and an unnamed member
        settle(page, *SIZES[0])
        problems += election_problems(page, f"results {lang}")
        shoot(page, screenshots_dir / f"console-fit-election-results-{lang}-360x640.png")
        shoot_sizes(page, screenshots_dir, f"election-results-{lang}")
    finally:
        if context:
            context.close()
        org.close()
        for c in clients.values():
            c.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 6. the election panel's words and numbers

# The open seats per sector (one each), the tied candidates nominated, nobody voting: Faith ties Pastor Ruth
# and an unnamed member (the appoint button names them "a Faith member"), New Americans ties لیلا and Kofi.
TIED = (4, 5, 6, 7)
# Typed names: (Persian in an English console, English in a Persian one).
TYPED = {4: "Pastor Ruth", 6: "لیلا", 7: "Kofi"}


def name_sector(org: Client, key: str, name: str) -> None:
    """The organiser types `name` for the sector `key`, the same in every language."""
    sectors = [{"key": s["key"], "names": s["names"], "side": s["side"]} for s in org.sync()["sectors"]]
    for s in sectors:
        if s["key"] == key:
            s["names"] = {language: name for language in s["names"]}
    org.ok("sectors_set", sectors=sectors)


def tied_election(browser, live_server, lang: str, size=SIZES[1], faith: str | None = None, elect=()):
    """An SPCP day in the council segment whose sectors' ballot is closed with two ties, its console open in
    `lang` on the council tab: (context, page, org). `faith`: the name the organiser typed for Faith (every
    language); `elect`: people (SPCP_PEOPLE's indices) who stand alone in their sector and vote for themselves."""
    links, people = spcp_day(live_server, lang)
    org = Client(live_server.url, links["organiser_url"].split("#", 1)[1])
    clients = {i: Client(live_server.url, people[i]["token"]) for i in (*TIED, *elect)}
    try:
        if faith:
            name_sector(org, "faith", faith)
        org.ok("workshop_advance")   # breakout -> council
        org.ok("election_open")
        eid = max(int(k) for k in org.sync()["elections"])
        for i in (*TIED, *elect):
            clients[i].ok("election_nominate", election_id=eid, participant_id=people[i]["participant_id"])
        org.ok("election_ballot_open", election_id=eid)
        candidates = org.sync()["elections"][str(eid)]["candidates"]
        for i in elect:
            mine = [int(c["id"]) for c in candidates.values() if c["participant_id"] == people[i]["participant_id"]]
            clients[i].ok("election_vote", election_id=eid, candidate_ids=mine)
        org.ok("election_close", election_id=eid)
    finally:
        for c in clients.values():
            c.close()
    context, page = open_surface(browser, SimpleNamespace(organiser_url=links["organiser_url"]), "organiser", lang, size)
    page.locator("#tab-council").click()
    expect(page.locator(".election-tie-actions")).to_be_visible()
    settle(page, *size)
    return context, page, org


def shoot_window(page, screenshots_dir, name: str, full_page: bool = False) -> None:
    """The window (or the whole page) at a phone's, a tablet's and a projector's size: <name>-<width>x<height>.png."""
    for width, height in SIZES:
        settle(page, width, height)
        page.screenshot(path=screenshots_dir / f"{name}-{width}x{height}.png", full_page=full_page)


def shoot_polish(page, screenshots_dir, selector: str, name: str) -> None:
    """`selector` at a phone's, a tablet's and a projector's size: console-fit-polish-<name>-<size>.png."""
    page.evaluate("() => { document.getElementById('header').style.position = 'static'; }")   # not over the box
    try:
        for width, height in SIZES:
            settle(page, width, height)
            element_screenshot(page.locator(selector).first,
                               screenshots_dir / f"console-fit-polish-{name}-{width}x{height}.png")
    finally:
        page.evaluate("() => { document.getElementById('header').style.position = ''; }")


# The lines of text shown in the sectors' election block.
SHOWN_LINES_JS = """() => {
  const block = document.querySelector('.election-block');
  return block.innerText.split('\\n').map((s) => s.trim()).filter(Boolean);
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_election_results_say_results_once_under_a_heading(browser, live_server, lang):
    context, page, org = tied_election(browser, live_server, lang)
    try:
        word = {"en": "Results", "fa": "نتایج"}[lang]
        lines = page.evaluate(SHOWN_LINES_JS)
        assert lines.count(word) == 1, f"'{word}' shown {lines.count(word)} times: {lines[:8]}"
        block = page.locator(".election-block").first
        expect(block.get_by_role("heading", name=word, exact=True)).to_have_count(1)
    finally:
        context.close()
        org.close()


CATALOGUES = {lang: json.loads((ROOT / "web" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
              for lang in ("en", "es", "fa")}


def unnamed_in_sentence(lang: str, sector: str) -> str:
    """What a person of `sector` with no name shown is called inside a sentence ("a Faith member")."""
    return CATALOGUES[lang]["election.ui.unnamed_in_sentence.sector"].replace("{sector}", sector)


def sector_names(org: Client, lang: str) -> dict[str, str]:
    return {s["key"]: s["names"][lang] for s in org.sync()["sectors"]}


# The appoint buttons: their text, and the text of the elements isolating a direction inside them.
APPOINT_JS = """() => [...document.querySelectorAll('.election-tie-actions button[id^=election-appoint-]')].map((b) => ({
  text: b.textContent.replace(/\\s+/g, ' ').trim(),
  isolated: [...b.querySelectorAll('[dir=auto], bdi')].map((n) => n.textContent.trim()),
}))"""


@pytest.mark.parametrize("lang", ["en", "es", "fa"])
def test_the_appoint_buttons_read_as_sentences_with_names_isolated(browser, live_server, screenshots_dir, lang):
    context, page, org = tied_election(browser, live_server, lang)
    problems: list[str] = []
    try:
        verb = {"en": "Appoint", "es": "Nombrar a", "fa": "منصوب کردن"}[lang]
        # The unnamed Faith member as a sentence names them ("a Faith member").
        in_sentence = unnamed_in_sentence(lang, sector_names(org, lang)["faith"])
        buttons = page.evaluate(APPOINT_JS)
        assert len(buttons) == 4, buttons
        texts = [b["text"] for b in buttons]
        if f"{verb} {in_sentence}" not in texts:
            problems.append(f"{lang}: no button reads '{verb} {in_sentence}': {texts}")
        for b in buttons:
            for name in TYPED.values():
                if name in b["text"] and name not in b["isolated"]:
                    problems.append(f"{lang}: '{name}' not isolated (dir=auto) in the button '{b['text']}'")
        shoot_polish(page, screenshots_dir, ".election-panel", f"results-{lang}")
    finally:
        context.close()
        org.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_the_seat_numbers_read_in_the_consoles_digits_and_take_persian_digits_from_the_keyboard(
        browser, live_server, screenshots_dir, lang):
    links, people = spcp_day(live_server, lang)
    org = Client(live_server.url, links["organiser_url"].split("#", 1)[1])
    context = None
    try:
        org.ok("workshop_advance")   # breakout -> council
        context, page = open_surface(browser, SimpleNamespace(organiser_url=links["organiser_url"]), "organiser", lang,
                                     SIZES[1])
        page.locator("#tab-council").click()
        youth, faith = page.locator("#election-seats-youth"), page.locator("#election-seats-faith")
        expect(youth).to_be_visible()
        one = "۱" if lang == "fa" else "1"
        assert youth.input_value() == one, f"the youth's seats show {youth.input_value()!r}, not {one!r}"
        legend = page.locator(".election-seats legend").inner_text()
        assert ("۵" in legend) == (lang == "fa"), legend
        # A Persian keyboard types ۲ (two seats for Youth): taken.
        youth.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("۲")
        # ۹ seats for Faith, more than the most: refused, plainly, and the nominations stay closed.
        faith.click()
        two = "۲" if lang == "fa" else "2"
        assert youth.input_value() == two, f"the youth's seats show {youth.input_value()!r}, not {two!r}"
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("۹")
        page.keyboard.press("Enter")
        expect(faith).to_have_attribute("aria-invalid", "true")
        expect(faith).to_be_focused()
        err = page.locator(f"#{faith.get_attribute('aria-describedby').split()[-1]}")
        expect(err).to_be_visible()
        assert not org.sync().get("elections"), "opened with a refused number of seats"
        shoot_polish(page, screenshots_dir, ".election-seats", f"seats-{lang}")
        settle(page, *SIZES[1])
        # Corrected (a Latin 0 from another keyboard), the nominations open with the seats typed.
        faith.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("0")
        expect(faith).not_to_have_attribute("aria-invalid", "true")
        page.locator("#election-open").click()
        expect(page.locator(".election-table")).to_be_visible()
        seats = next(iter(org.sync()["elections"].values()))["seats"]
        assert seats.get("youth") == 2 and seats.get("faith", 0) == 0, seats
        shown = page.locator(".election-table td.num").first.inner_text()
        assert ("۲" in shown) == (lang == "fa"), shown
    finally:
        if context:
            context.close()
        org.close()


# The table's card scrolls sideways inside (its table wider than its box).
CARD_SCROLLS_JS = """() => [...document.querySelectorAll('.card.table-scroll')]
  .filter((c) => c.querySelector('.council-table') && c.scrollWidth > c.clientWidth + 1)
  .map((c) => `${c.scrollWidth} > ${c.clientWidth}`)"""


@pytest.mark.parametrize("lang", ["en", "es", "fa"])
def test_the_council_table_never_scrolls_sideways_with_a_long_email(browser, live_server, screenshots_dir, lang):
    links, people = spcp_day(live_server, lang)
    org = Client(live_server.url, links["organiser_url"].split("#", 1)[1])
    context = None
    problems: list[str] = []
    try:
        org.ok("workshop_advance")   # breakout -> council
        # An address whose pieces (its breaks are after "@" and before a ".") are long words of their own.
        for i, contact in ((4, "communityoutreachcoordinator@northsideinterfaithcouncil.example.org"),
                           (6, "+1 555 0100"), (9, "dana@example.org")):
            c = Client(live_server.url, people[i]["token"])
            try:
                c.ok("council_volunteer", contact=contact, consent=True)
            finally:
                c.close()
        org.ok("council_role_set", participant_id=people[4]["participant_id"], role="co_chair_community")
        org.ok("council_link_issue", participant_id=people[4]["participant_id"])
        org.ok("council_role_set", participant_id=people[9]["participant_id"], role="member")
        context, page = open_surface(browser, SimpleNamespace(organiser_url=links["organiser_url"]), "organiser", lang,
                                     SIZES[1])
        page.locator("#tab-council").click()
        expect(page.locator(".council-table")).to_contain_text("northside")
        widths = sorted({360, 400, 600, 768, 800, 1024, 1100, 1280, 1440, 1920, *range(840, 1000, 3)})
        for width in widths:
            settle(page, width, 800)
            where = f"council {lang} {width}px"
            problems += [f"{where}: the table's card scrolls sideways ({p})" for p in page.evaluate(CARD_SCROLLS_JS)]
            problems += sideways(page, where)
        settle(page, 900, 800)
        shoot(page, screenshots_dir / f"console-fit-polish-council-{lang}-900x800.png")
        shoot_polish(page, screenshots_dir, ".card.table-scroll", f"council-{lang}")
    finally:
        if context:
            context.close()
        org.close()
    assert not problems, "\n".join(problems[:12]) + f"\n({len(problems)} in all)"


# ------------------------------------------------------------------ 8. the results' lists and a typed sector's name

# The lines of the results (tied, elected, appointed): each line's class and the people with no name shown in it.
RESULT_LINES_JS = """() => [...document.querySelectorAll('.election-panel .election-results p')].map((p) => ({
  cls: p.className, text: p.textContent.replace(/\\s+/g, ' ').trim(),
  unnamed: [...p.querySelectorAll('.election-unnamed')].map((n) => n.textContent.trim()),
}))"""


def unnamed_in(lines: list[dict], cls: str) -> list[str]:
    return [u for line in lines if line["cls"] == cls for u in line["unnamed"]]


@pytest.mark.parametrize("lang", ["en", "es", "fa"])
def test_the_results_lists_name_an_unnamed_member_as_inside_a_sentence(browser, live_server, screenshots_dir, lang):
    """After "Tied for 1 seat:", "Elected:" and "Appointed:" a person with no name shown is "a Faith member",
    as in the appoint buttons (election.ui.unnamed_in_sentence.*), not "A Faith member"."""
    context, page, org = tied_election(browser, live_server, lang, elect=(10,))   # 10: Civil rights, no name
    problems: list[str] = []
    try:
        names = sector_names(org, lang)
        faith, civil = unnamed_in_sentence(lang, names["faith"]), unnamed_in_sentence(lang, names["civil_rights"])
        lines = page.evaluate(RESULT_LINES_JS)
        if unnamed_in(lines, "election-tie") != [faith]:
            problems.append(f"{lang}: the tie names {unnamed_in(lines, 'election-tie')}, not [{faith!r}]: {lines}")
        if unnamed_in(lines, "election-elected") != [civil]:
            problems.append(f"{lang}: 'elected' names {unnamed_in(lines, 'election-elected')}, not [{civil!r}]: {lines}")
        # The organiser appoints the unnamed Faith member: "Appointed: a Faith member".
        page.locator(".election-tie-actions button", has_text=faith).click()
        expect(page.locator(".election-appointed")).to_be_visible()
        lines = page.evaluate(RESULT_LINES_JS)
        if unnamed_in(lines, "election-appointed") != [faith]:
            problems.append(f"{lang}: 'appointed' names {unnamed_in(lines, 'election-appointed')}, not [{faith!r}]")
        shoot_polish(page, screenshots_dir, ".election-results", f"results-lists-{lang}")
    finally:
        context.close()
        org.close()
    assert not problems, "\n".join(problems)


# A sector's name typed by the organiser in the other script of the console: a Persian one in English, a Latin one
# (its brackets and "&" neutral, the characters a right-to-left sentence moves about) in Persian.
TYPED_SECTOR = {"en": "ایمان و امید (بین ادیان)", "fa": "Faith & Hope (interfaith)"}

# Every text of the election panel holding `name`: whether it is the whole of an isolate (dir=auto or <bdi>).
ISOLATED_JS = """(name) => {
  const out = [];
  const walk = document.createTreeWalker(document.querySelector('.election-panel'), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.nodeValue.includes(name)) continue;
    const iso = n.parentElement.closest('[dir=auto], bdi');
    const line = n.parentElement.closest('p, li, button, h4, h5, label') || n.parentElement;
    out.push({ isolated: Boolean(iso) && iso.textContent.trim() === name, where: line.className || line.tagName,
               text: line.textContent.replace(/\\s+/g, ' ').trim() });
  }
  return out;
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_a_typed_sector_name_is_isolated_inside_the_election_panels_sentences(browser, live_server, screenshots_dir,
                                                                              lang):
    """"Tied for 1 seat: Pastor Ruth, a Faith & Hope (interfaith) member", "Appoint a … member": the organiser's
    sector name keeps its own direction (dir=auto) and does not move the sentence's punctuation about."""
    name = TYPED_SECTOR[lang]
    context, page, org = tied_election(browser, live_server, lang, faith=name)
    problems: list[str] = []
    try:
        found = page.evaluate(ISOLATED_JS, name)
        # Its results' heading, the tie ("a … member") and the appoint button.
        if len(found) < 3:
            problems.append(f"{lang}: '{name}' shown {len(found)} times in the panel: {found}")
        problems += [f"{lang}: '{name}' not isolated in {f['where']}: {f['text']!r}" for f in found if not f["isolated"]]
        # Its heading in the results stays on the panel's start side: the name is isolated, not the heading.
        page_dir = "rtl" if lang == "fa" else "ltr"
        heads = page.evaluate("""(name) => [...document.querySelectorAll('.election-result-head')]
          .filter((h) => h.textContent.includes(name)).map((h) => getComputedStyle(h).direction)""", name)
        if heads != [page_dir]:
            problems.append(f"{lang}: the heading '{name}' runs {heads}, not the panel's {page_dir} (its side)")
        shoot_polish(page, screenshots_dir, ".election-panel", f"typed-sector-{lang}")
        # Appointing that member is said to screen readers (the live region, #cg-live): the name between isolates.
        page.locator(".election-tie-actions button", has_text=name).click()
        expect(page.locator("#cg-live")).to_contain_text(name)
        text = page.locator("#cg-live").evaluate("(n) => n.textContent")
        if f"\u2068{name}\u2069" not in text:
            problems.append(f"{lang}: after appointing, screen readers hear {text!r}: '{name}' not between isolates")
    finally:
        context.close()
        org.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 9. the console's other numbers

DIGITS = {"en": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹"}


def digits(lang: str, n: int) -> str:
    return "".join(DIGITS[lang][int(c)] for c in str(n))


def retype(page, field, text: str) -> None:
    field.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def refused_on_sending(page, field, send):
    """send() with what `field` holds refused: the field stays marked and focused, and its message (the
    field's description) is shown. Returns the message."""
    send()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    message = page.locator(f"#{field.get_attribute('aria-describedby').split()[-1]}")
    expect(message).to_be_visible()
    return message


@pytest.mark.parametrize("lang", LANGS)
def test_the_priorities_count_reads_in_the_consoles_digits_and_takes_persian_digits(browser, live_server,
                                                                                  screenshots_dir, lang):
    """How many priorities to tick (organiser.js prioritiesBar), as the seats per sector: shown in the console's
    digits, Persian ۳ and Arabic-Indic ٢ taken, anything else refused with a message, the arrow keys step."""
    from tests.browser.stage_spcp import SpcpStager
    context, page = open_surface(browser, SpcpStager(live_server).get("prioritise"), "organiser", lang, SIZES[1])
    try:
        count = page.locator("#prio-n")
        expect(count).to_be_visible()
        assert count.input_value() == digits(lang, 5), f"the count shows {count.input_value()!r}, not {digits(lang, 5)!r}"
        shoot_polish(page, screenshots_dir, ".priorities-bar", f"priorities-{lang}")
        settle(page, *SIZES[1])
        ticked = page.locator(".prio-pick input:checked")
        # A Persian keyboard's ۳: the top three are ticked; the field says it in the console's digits.
        retype(page, count, "۳")
        page.keyboard.press("Enter")
        expect(ticked).to_have_count(3)
        expect(count).to_have_value(digits(lang, 3))
        expect(count).to_be_focused()
        count.press("ArrowUp")
        expect(count).to_have_value(digits(lang, 4))
        # More than the most (12), then a letter: refused as typed, with a message; nothing ticked anew.
        retype(page, count, "۲۰")
        expect(count).to_have_attribute("aria-invalid", "true")
        retype(page, count, "x")
        message = refused_on_sending(page, count, lambda: page.keyboard.press("Enter"))
        expect(message).to_contain_text(digits(lang, 12))
        expect(ticked).to_have_count(3)
        shoot_polish(page, screenshots_dir, ".priorities-bar", f"priorities-refused-{lang}")
        # An Arabic-Indic ٢ (another keyboard) is taken.
        retype(page, count, "٢")
        expect(count).not_to_have_attribute("aria-invalid", "true")
        expect(message).to_be_hidden()
        page.keyboard.press("Enter")
        expect(ticked).to_have_count(2)
        expect(count).to_have_value(digits(lang, 2))
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_meeting_length_reads_in_the_consoles_digits_and_takes_persian_digits(browser, live_server,
                                                                                screenshots_dir, lang):
    """The council's follow-up in the plan tab (council-after.js, a meeting's length in minutes), as the seats per
    sector: shown in the console's digits, Persian ۹۰ taken, anything else refused with a message, arrows step."""
    staged = stage(live_server, "action_plan")   # a workshop of its own: this test schedules a meeting
    org = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    context, page = open_surface(browser, staged, "organiser", lang, SIZES[1])
    try:
        page.locator("#tab-plan").click()
        page.locator("#organiser-meeting-new-open").click()
        length = page.locator("#organiser-meeting-new-length")
        expect(length).to_be_visible()
        assert length.input_value() == digits(lang, 60), f"the length shows {length.input_value()!r}"
        shoot_polish(page, screenshots_dir, ".meeting-new", f"meeting-{lang}")
        settle(page, *SIZES[1])
        length.press("ArrowUp")   # a quarter of an hour more
        expect(length).to_have_value(digits(lang, 75))
        page.locator("#organiser-meeting-new-date").fill("2031-01-14")
        page.locator("#organiser-meeting-new-time").fill("18:30")
        # An hour and a half "۱ و نیم": refused as typed, with a message; nothing is scheduled.
        retype(page, length, "۱ و نیم")
        expect(length).to_have_attribute("aria-invalid", "true")
        message = refused_on_sending(page, length, page.locator("#organiser-meeting-new-submit").click)
        expect(message).to_contain_text(digits(lang, 720))
        assert not org.sync().get("meetings"), "scheduled with a refused length"
        shoot_polish(page, screenshots_dir, ".meeting-new", f"meeting-refused-{lang}")
        # Typed on a Persian keyboard: ۹۰ minutes.
        retype(page, length, "۹۰")
        expect(length).not_to_have_attribute("aria-invalid", "true")
        page.locator("#organiser-meeting-new-submit").click()
        expect(page.locator(".after-meetings .meeting")).to_have_count(1)
        meetings = list(org.sync()["meetings"].values())
        assert [m["duration_minutes"] for m in meetings] == [90], meetings
    finally:
        context.close()
        org.close()


# ------------------------------------------------------------------ 10. the custom timer's minutes

def timer_problems(client: Client, room_id: int, secs: int, where: str) -> list[str]:
    """The room's timer, by the server's state, ends about `secs` from now (within 10 s of asking)."""
    until = time.monotonic() + 10
    while True:
        deadline = client.sync()["rooms"][str(room_id)]["deadline"]
        left = None
        if deadline is not None:
            end = datetime.fromisoformat(deadline)
            left = (end if end.tzinfo else end.replace(tzinfo=UTC)).timestamp() - time.time()
            if abs(left - secs) < 15:
                return []
        if time.monotonic() > until:
            return [f"{where}: the timer ends in {left} s, not about {secs} s"]
        time.sleep(0.2)


# Whether the element `message` starts below the element `field` (a line of its own).
BELOW_JS = """([field, message]) => document.querySelector(message).getBoundingClientRect().top
  >= document.querySelector(field).getBoundingClientRect().bottom - 1"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_custom_timer_reads_in_the_consoles_digits_and_takes_persian_digits(browser, live_server,
                                                                              screenshots_dir, axe_source, lang):
    """The custom timer's minutes (console-common.js timerControls) on the facilitator's room panel and on the
    organiser's, as the seats per sector: a text field in the console's digits, Persian ۵ and Arabic-Indic ٢ taken,
    anything else refused with a line saying why (1 to 240 minutes), the arrow keys step; the timer runs that long."""
    staged = stage(live_server, "lobby")   # a workshop of its own: this test starts its timers
    room = staged.room_id
    fac = Client(staged.url, staged.facilitator_url.split("#", 1)[1])
    problems: list[str] = []
    context, page = open_surface(browser, staged, "facilitator", lang, SIZES[1])
    try:
        minutes = page.locator(f"#r{room}-custom-min")
        expect(minutes).to_have_value("")   # empty at first, as before: Start alone starts no timer
        # A short field, on one line with its label and Start (base.css makes a text field the line's width).
        for width, height in SIZES:
            settle(page, width, height)
            field, start = minutes.bounding_box(), page.locator(f"#r{room}-tstart").bounding_box()
            if field["width"] > 150 or abs(field["y"] + field["height"] / 2 - start["y"] - start["height"] / 2) > 4:
                problems.append(f"{lang} {width}x{height}: the minutes field ({field}) is not short, on Start's line ({start})")
        shoot_polish(page, screenshots_dir, ".timer-card", f"timer-{lang}")
        settle(page, *SIZES[1])
        minutes.press("ArrowUp")   # from empty: the least, one minute
        expect(minutes).to_have_value(digits(lang, 1))
        # A Persian keyboard's ۵: a five-minute timer; the field says it in the console's digits.
        retype(page, minutes, "۵")
        page.keyboard.press("Enter")
        expect(minutes).to_have_value(digits(lang, 5))
        problems += timer_problems(fac, room, 300, f"{lang} ۵")
        assert (minutes.get_attribute("type"), minutes.get_attribute("inputmode")) == ("text", "numeric")
        minutes.press("ArrowUp")
        expect(minutes).to_have_value(digits(lang, 6))
        # More than the most (240), then a letter: refused as typed, with the line saying why; the timer stays.
        retype(page, minutes, "۳۰۰")
        expect(minutes).to_have_attribute("aria-invalid", "true")
        retype(page, minutes, "x")
        message = refused_on_sending(page, minutes, lambda: page.keyboard.press("Enter"))
        expect(message).to_have_text(CATALOGUES[lang]["console.timer.customInvalid"])
        assert page.evaluate(BELOW_JS, [f"#r{room}-custom-min", f"#{message.get_attribute('id')}"]), \
            "the refusal is not on a line of its own under the field"
        problems += timer_problems(fac, room, 300, f"{lang} x refused")
        page.evaluate(axe_source)
        serious = [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"serious axe violations with the minutes refused: {serious}"
        shoot_polish(page, screenshots_dir, ".timer-card", f"timer-refused-{lang}")
        settle(page, *SIZES[1])
        # An Arabic-Indic ٢ (another keyboard) is taken: two minutes.
        retype(page, minutes, "٢")
        expect(minutes).not_to_have_attribute("aria-invalid", "true")
        expect(message).to_be_hidden()
        page.keyboard.press("Enter")
        expect(minutes).to_have_value(digits(lang, 2))
        problems += timer_problems(fac, room, 120, f"{lang} ٢")
    finally:
        context.close()
    # The organiser steering the room: the same field, ۱۲ minutes.
    context, page = open_surface(browser, staged, "organiser", lang, SIZES[1])
    try:
        page.locator(f"#steer-{room}").click()
        minutes = page.locator(f"#r{room}-custom-min")
        retype(page, minutes, "۱۲")
        page.locator(f"#r{room}-tstart").click()
        expect(minutes).to_have_value(digits(lang, 12))
        problems += timer_problems(fac, room, 720, f"organiser {lang} ۱۲")
        shoot_polish(page, screenshots_dir, ".timer-card", f"timer-organiser-{lang}")
    finally:
        context.close()
        fac.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ 11. a typed sector's name on the phone

# Every text of the phone's election cards holding `name`: whether it is the whole of an isolate (dir=auto or
# <bdi>; in an <option>, which holds no element, between the isolate characters U+2068 and U+2069).
CARD_ISOLATED_JS = """(name) => {
  const out = [];
  for (const card of document.querySelectorAll('#main .election-card')) {
    const walk = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.nodeValue.includes(name)) continue;
      const iso = n.parentElement.closest('[dir=auto], bdi');
      const line = n.parentElement.closest('p, li, button, h2, h3, legend, label, option') || n.parentElement;
      out.push({ isolated: (Boolean(iso) && iso.textContent.trim() === name) || n.nodeValue.includes(`\u2068${name}\u2069`),
                 where: line.className || line.tagName, text: line.textContent.replace(/\\s+/g, ' ').trim() });
    }
  }
  return out;
}"""


def card_isolation_problems(page, name: str, where: str, least: int) -> list[str]:
    found = page.evaluate(CARD_ISOLATED_JS, name)
    problems = [f"{where}: '{name}' shown {len(found)} times, not {least} or more: {found}"] if len(found) < least else []
    return problems + [f"{where}: '{name}' not isolated in {f['where']}: {f['text']!r}" for f in found if not f["isolated"]]


@pytest.mark.parametrize("lang", LANGS)
def test_a_typed_sector_name_is_isolated_inside_the_phones_election_sentences(browser, live_server, screenshots_dir,
                                                                              lang):
    """The phone of a Faith member with no name shown (SPCP_PEOPLE's 5), the organiser having named Faith in the
    other script: "Someone of … put you forward", "Your sector, …, elects 1 member", "you are shown as “A … member”",
    "Your ballot: …", the results' heading and tie: the name keeps its own direction (dir=auto) in each sentence."""
    name = TYPED_SECTOR[lang]
    links, people = spcp_day(live_server, lang)
    org = Client(live_server.url, links["organiser_url"].split("#", 1)[1])
    ruth = Client(live_server.url, people[4]["token"])
    me = people[5]
    context = None
    problems: list[str] = []
    try:
        name_sector(org, "faith", name)
        org.ok("workshop_advance")   # breakout -> council
        eid = org.ok("election_open")["election"]["id"]
        # Pastor Ruth stands and puts the phone's owner forward, who is asked on the phone.
        for pid in (people[4]["participant_id"], me["participant_id"]):
            ruth.ok("election_nominate", election_id=eid, participant_id=pid)
        session = json.dumps({k: me[k] for k in ("token", "device_key", "participant_id")})
        code = links["join_code"]
        phone = SimpleNamespace(participant_url=f"{links['url']}/j/{code}",
                                phone_storage=lambda la: {f"cg.join.{code}": session, "cg.lastCode": code, "cg.lang": la})
        context, page = open_surface(browser, phone, "phone", lang, SIZES[0])
        expect(page.locator(".election-ask")).to_be_visible()
        problems += card_isolation_problems(page, name, f"asked {lang}", 1)
        shoot_window(page, screenshots_dir, f"console-fit-phone-asked-{lang}", full_page=True)
        # Accepted: the seats line, "shown as", the candidates so far.
        page.locator(".election-ask .btn-primary").tap()
        expect(page.locator("#election-you-stand")).to_be_visible()
        problems += card_isolation_problems(page, name, f"nominations {lang}", 3)
        shoot_window(page, screenshots_dir, f"console-fit-phone-nominating-{lang}", full_page=True)
        # The ballot: its legend and the phone's owner among the options; each votes for themselves: a tie.
        org.ok("election_ballot_open", election_id=eid)
        expect(page.locator(".election-ballot")).to_be_visible()
        problems += card_isolation_problems(page, name, f"ballot {lang}", 2)
        shoot_window(page, screenshots_dir, f"console-fit-phone-ballot-{lang}", full_page=True)
        page.locator(".election-opt", has=page.locator(".election-unnamed")).tap()
        page.locator(".election-send").tap()
        expect(page.locator("#main .election-thanks")).to_be_visible()
        candidates = org.sync()["elections"][str(eid)]["candidates"].values()
        ruth.ok("election_vote", election_id=eid,
                candidate_ids=[int(c["id"]) for c in candidates if c["participant_id"] == people[4]["participant_id"]])
        org.ok("election_close", election_id=eid)
        expect(page.locator(".election-results-card")).to_be_visible()
        problems += card_isolation_problems(page, name, f"results {lang}", 2)
        shoot_window(page, screenshots_dir, f"console-fit-phone-results-{lang}", full_page=True)
    finally:
        if context:
            context.close()
        org.close()
        ruth.close()
    assert not problems, "\n".join(problems)
