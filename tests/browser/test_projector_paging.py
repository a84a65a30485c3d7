"""The projector shows everything (issue 13, defect 5).

With more plenary items than one screen holds, the board turns its pages by
itself (every 12 s; `?page_secs=` shortens it here) under a visible "Page 2
of 3"; every item, with its solutions and its room, is on some page, and
nothing is cut or sticks out of the screen, at 1920×1080 and 1280×720, in
English and Persian. The action plan wraps its titles instead of cutting them
and turns its pages the same way.

Screenshots: test-artifacts/screenshots/paging-<view>-<lang>-<w>x<h>-p<n>.png.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.stage import Client, set_display_language, stage

pytestmark = pytest.mark.browser

SIZES = ((1920, 1080), (1280, 720))
PAGE_SECS = 2
WAIT_MS = 40_000   # a few page turns, on two shared CPU cores

# Long and short barriers, English and Persian, one solution each: more than a screen holds.
BARRIERS = [
    "Officers rarely explain why they stop people, and nobody tells you afterwards where to ask about it",
    "مردم از گزارش دادن به پلیس می‌ترسند چون فکر می‌کنند اطلاعاتشان به ادارهٔ مهاجرت داده می‌شود",
    "Complaints disappear without an answer",
    "Body cameras are switched off during stops, so there is never a record of what was said",
    "Officers don't live in the neighbourhood they police and rotate before anyone knows their names",
    "No interpreter at the front desk of the station on weekends",
    "پلیس به زبان فارسی توضیح نمی‌دهد و مترجم تلفنی هم در دسترس نیست",
    "Community meetings happen when officers are off shift",
    "Young people are stopped again and again on the way to school, in front of their friends",
    "Nobody knows how to file a complaint — or where the forms are kept",
    "The police never come back to report what happened after a community meeting",
    "Stops in the evening feel like a show of force: four cars for one broken tail light",
    "Victims of crime are asked about their immigration status before anything else",
    "Officers feel judged before they say a word in this neighbourhood",
]


def solution_for(i: int) -> str:
    return f"Solution {i + 1}: a monthly open session where officers and residents review this together"


@pytest.fixture(scope="module")
def crowded(live_server):
    """A workshop in plenary with every barrier above pushed, each with a solution."""
    s = stage(live_server, "lobby")
    token = lambda link: link.split("#", 1)[1]  # noqa: E731
    org = Client(s.url, token(s.organiser_url))
    facs = [Client(s.url, token(u)) for u in (s.facilitator_url, s.other_facilitator_url)]
    phones = [Client(s.url, p["token"]) for p in s.people]
    try:
        for f in facs:
            f.ok("phase_advance", from_phase="lobby")   # brainstorm
        by_room: dict[int, list[Client]] = {}
        for p, c in zip(s.people, phones):
            by_room.setdefault(p["room_id"], []).append(c)
        rooms = sorted(by_room)
        posted: dict[int, list[tuple[int, Client]]] = {r: [] for r in rooms}
        for i, text in enumerate(BARRIERS):
            room = rooms[i % 2]
            who = by_room[room][(i // 2) % len(by_room[room])]
            posted[room].append((who.ok("barrier_post", text=text)["barrier"]["id"], who))
        for f in facs:
            for phase in ("brainstorm", "reveal", "vote"):
                f.ok("phase_advance", from_phase=phase)   # reveal, vote, solutions
        for i, text in enumerate(BARRIERS):
            bid, who = posted[rooms[i % 2]][i // 2]
            who.ok("solution_post", barrier_id=bid, text=solution_for(i))
        for f in facs:
            f.ok("phase_advance", from_phase="solutions")   # report_out
            room = f.state["me"]["room_id"]
            f.ok("report_push", barrier_ids=[b for b, _ in posted[room]])
        org.ok("workshop_advance")   # plenary
        yield s
    finally:
        for c in [org, *facs, *phones]:
            c.close()


def projector_url(s) -> str:
    base, _, token = s.display_url.partition("#")
    return f"{base}?page_secs={PAGE_SECS}#{token}"


# What is on screen sticks out of the viewport, or is cut by its own box (text hidden).
OVERFLOW_JS = """() => {
  const W = innerWidth, H = innerHeight, out = [];
  for (const el of document.querySelectorAll('#screen *')) {
    if (el.closest('[hidden], .visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const d = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
    if (r.right > W + 0.5 || r.left < -0.5 || r.bottom > H + 0.5 || r.top < -0.5)
      out.push(`${d} outside [${Math.round(r.left)},${Math.round(r.top)} .. ${Math.round(r.right)},${Math.round(r.bottom)}]`);
    else if (getComputedStyle(el).overflow !== 'visible' && el.matches('#screen li, #screen p, td, td > *') &&
             (el.scrollHeight > el.clientHeight + 4 || el.scrollWidth > el.clientWidth + 1))
      out.push(`${d} cut (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ${el.textContent.slice(0, 40)}`);
  }
  return out.slice(0, 10);
}"""

PAGE = {"en": re.compile(r"^Page (\d) of (\d)$"), "fa": re.compile(r"^صفحهٔ ([۰-۹]) از ([۰-۹])$")}
FA = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def walk_pages(page, texts, lang, shots, name):
    """Wait until every text has been fully on screen on some page; check each page as it shows."""
    indicator = page.locator(".page-indicator")
    expect(indicator).to_be_visible(timeout=WAIT_MS)
    seen_pages: dict[int, int] = {}
    missing = set(texts)
    deadline = page.evaluate("Date.now()") + WAIT_MS
    while missing or len(seen_pages) < (max(seen_pages.values()) if seen_pages else 2):
        assert page.evaluate("Date.now()") < deadline, f"never shown: {sorted(missing)[:3]}; pages seen {seen_pages}"
        label = indicator.inner_text().strip()
        m = PAGE[lang].match(label)
        assert m, f"page indicator reads {label!r}"
        n, total = (int(g.translate(FA)) for g in m.groups())
        assert 1 <= n <= total and total >= 2, label
        if n not in seen_pages:
            seen_pages[n] = total
            page.screenshot(path=str(shots / f"{name}-p{n}.png"))
            problems = page.evaluate(OVERFLOW_JS)
            assert problems == [], f"page {n}: something is cut or off screen: {problems}"
        for text in list(missing):
            loc = page.get_by_text(text, exact=True)
            if loc.count() and loc.first.is_visible():
                missing.discard(text)
        page.wait_for_timeout(300)
    assert sorted(seen_pages) == list(range(1, max(seen_pages.values()) + 1))


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_plenary_item_with_its_solution_and_room_is_shown_on_some_page(browser, crowded, screenshots_dir,
                                                                            size, lang):
    set_display_language(crowded, lang)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1,
                                  reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(projector_url(crowded))
        expect(page.locator("html")).to_have_attribute("lang", lang, timeout=WAIT_MS)
        expect(page.locator(".view-plenary")).to_be_visible(timeout=WAIT_MS)
        texts = BARRIERS + [solution_for(i) for i in range(len(BARRIERS))]
        walk_pages(page, texts, lang, screenshots_dir, f"paging-plenary-{lang}-{size[0]}x{size[1]}")
        # Each item names its room.
        room = "Room 1" if lang == "en" else "اتاق ۱"
        expect(page.locator(".board-meta").filter(has_text=room).first).to_be_attached()
    finally:
        context.close()
