"""The organiser console on a phone (360x640), a tablet (1024x768) and a projector (1920x1080), in
English and Persian: every card of the bar on top (the join card and its "Copy participant link"
button, the workshop's phase, pause, projector) holds what it shows, on a short day and on an SPCP
day; in the council tab every member's fields and controls sit inside the card without scrolling
sideways, no word of a cell is cut in two, and an e-mail address breaks only after its "@" or before
a "." (a long one is given here). Screenshots in test-artifacts/screenshots/organiser-phone-*.png.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.stage import LANGS, Client, open_surface, stage
from tests.browser.test_accessibility import AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS
from tests.browser.test_screenshots import OVERFLOW_JS

pytestmark = pytest.mark.browser

SIZES = ((360, 640), (1024, 768), (1920, 1080))
LONG_EMAIL = "maryam.rahimi.khorasani@eastsidecommunityalliance.example.org"

# Every visible element inside a box matching `sel` that sticks out of its content box (inside its padding)
# sideways: "what [l..r] outside box [l..r]".
OUTSIDE_BOX_JS = """(sel) => {
  const out = [];
  for (const box of document.querySelectorAll(sel)) {
    const r0 = box.getBoundingClientRect(), cs = getComputedStyle(box);
    const b = { left: r0.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft),
                right: r0.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight) };
    for (const el of box.querySelectorAll('*')) {
      if (el.closest('.visually-hidden, [hidden], option')) continue;
      let clipped = false;   // hidden the .visually-hidden way by CSS (a phone's council table header)
      for (let a = el; a && a !== box; a = a.parentElement) clipped ||= getComputedStyle(a).clipPath !== 'none';
      if (clipped) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || (r.left >= b.left - 0.5 && r.right <= b.right + 0.5)) continue;
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} `
               + `"${el.textContent.trim().slice(0, 30)}" [${Math.round(r.left)}..${Math.round(r.right)}] `
               + `outside ${box.tagName.toLowerCase()}.${[...box.classList].join('.')} [${Math.round(b.left)}..${Math.round(b.right)}]`);
    }
  }
  return out;
}"""

# Line breaks inside a word, in the text under `sel`: "…before|after…". A line may end at a space, after
# "-" or "/", and in an e-mail address after its "@" or before a ".".
BROKEN_WORDS_JS = """(sel) => {
  const out = [], range = document.createRange();
  for (const root of document.querySelectorAll(sel)) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const chars = [];   // [char, its line's top] in reading order, across the text nodes of one block
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement.closest('select, .visually-hidden, [hidden]')) continue;
      for (let i = 0; i < n.nodeValue.length; i++) {
        range.setStart(n, i); range.setEnd(n, i + 1);
        const rects = range.getClientRects();
        if (rects.length) chars.push([n.nodeValue[i], rects[0].top, n.parentElement.closest('td, p, li, .btn, div')]);
      }
    }
    for (let k = 1; k < chars.length; k++) {
      const [before, top0, box0] = chars[k - 1], [after, top1, box1] = chars[k];
      if (box0 !== box1 || top1 <= top0 + 2) continue;   // the same line, or another block
      if (/\\s/.test(before) || /\\s/.test(after) || '-/@'.includes(before) || after === '.') continue;
      const text = chars.slice(Math.max(0, k - 12), k + 12).map((c) => c[0]).join('');
      out.push(`${text.slice(0, Math.min(12, k))}|${text.slice(Math.min(12, k))}`);
    }
  }
  return out;
}"""


def settle(page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    # The page laid out at the new width (a busy machine once measured the old one: the table at its desktop
    # width in a phone's card), its fonts in and two frames drawn.
    page.wait_for_function("(w) => window.innerWidth === w && document.documentElement.clientWidth <= w", arg=width)
    page.evaluate("() => document.fonts.ready.then(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))))")


def bar_problems(page, where: str) -> list[str]:
    problems = [f"{where}: {p}" for p in page.evaluate(OUTSIDE_BOX_JS, ".org-bar .card")]
    problems += [f"{where}: a word cut in two: {p}" for p in page.evaluate(BROKEN_WORDS_JS, ".org-bar .join-code, .org-bar .btn")]
    m = page.evaluate(OVERFLOW_JS)
    if m["scrollWidth"] > m["innerWidth"]:
        problems.append(f"{where}: scrolls sideways ({m['scrollWidth']} > {m['innerWidth']}): {m['culprits']}")
    return problems


@pytest.mark.parametrize("lang", [*LANGS, "es"])   # Spanish: the longest label ("Copiar el enlace para participantes")
def test_the_join_card_holds_its_copy_button_on_a_phone_a_tablet_and_a_projector(browser, stager, screenshots_dir, lang):
    context, page = open_surface(browser, stager.get("lobby"), "organiser", lang, SIZES[0])
    problems: list[str] = []
    try:
        expect(page.locator("#copy-link")).to_be_visible()
        for width, height in SIZES:
            settle(page, width, height)
            page.screenshot(path=screenshots_dir / f"organiser-phone-main-{lang}-{width}x{height}.png", full_page=True)
            problems += bar_problems(page, f"short day {lang} {width}x{height}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_the_spcp_days_bar_fits_a_phone(browser, live_server, screenshots_dir, lang):
    from tests.browser.stage_spcp import SpcpStager
    context, page = open_surface(browser, SpcpStager(live_server).get("caucus"), "organiser", lang, SIZES[0])
    try:
        expect(page.locator("#copy-link")).to_be_visible()
        settle(page, *SIZES[0])
        page.screenshot(path=screenshots_dir / f"organiser-phone-spcp-{lang}-360x640.png", full_page=True)
        problems = bar_problems(page, f"SPCP day {lang} 360x640")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def council_day(live_server):
    """A closed day with its council (stage.py, "council"), one member with a long e-mail address."""
    staged = stage(live_server, "council")
    phone = Client(staged.url, staged.people[0]["token"])   # Maryam, the community co-chair
    try:
        phone.ok("council_volunteer", contact=LONG_EMAIL, consent=True)
    finally:
        phone.close()
    return staged


@pytest.mark.parametrize("lang", LANGS)
def test_the_council_table_reads_well_on_a_phone_a_tablet_and_a_projector(browser, council_day, screenshots_dir,
                                                                           axe_source, lang):
    context, page = open_surface(browser, council_day, "organiser", lang, SIZES[0])
    problems: list[str] = []
    try:
        page.locator("#tab-council").click()
        table = page.locator(".council-table")
        expect(table).to_be_visible()
        expect(table).to_contain_text(LONG_EMAIL)
        # The phone's layout (each member a block) is still a table to assistive technology.
        page.evaluate(axe_source)
        serious = [v for v in page.evaluate(RUN_AXE_JS, AXE_TAGS) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"serious axe violations in the council tab on a phone: {serious}"
        assert table.get_by_role("columnheader").count() == 5 and table.get_by_role("cell").count() > 0
        for width, height in SIZES:
            where = f"council {lang} {width}x{height}"
            settle(page, width, height)
            page.screenshot(path=screenshots_dir / f"organiser-phone-council-{lang}-{width}x{height}.png", full_page=True)
            # Everything of every member inside the card, seen without scrolling the table or the page.
            problems += [f"{where}: {p}" for p in page.evaluate(OUTSIDE_BOX_JS, ".table-scroll")]
            problems += [f"{where}: a word cut in two: {p}" for p in page.evaluate(BROKEN_WORDS_JS, ".council-table tbody td")]
            m = page.evaluate(OVERFLOW_JS)
            if m["scrollWidth"] > m["innerWidth"]:
                problems.append(f"{where}: scrolls sideways ({m['scrollWidth']} > {m['innerWidth']}): {m['culprits']}")
            # Each control still names its member (the table's headers may be hidden on a phone).
            for select in table.locator("tbody select").all():
                assert select.get_attribute("aria-label"), f"{where}: a role picker without its member's name"
    finally:
        context.close()
    assert not problems, "\n".join(problems)
