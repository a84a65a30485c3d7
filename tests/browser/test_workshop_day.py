"""The whole workshop day in real browsers (issue 3).

One projector, one organiser, two facilitators and eight phones (four police,
four community, one of them reading Persian) in two rooms go from join through
brainstorm, reveal, merge, vote, solutions, report-out and plenary. Every
person has their own browser context (own storage, own socket), the server is
a real `common-ground serve` process (eventlet), the browser Debian's
Chromium, headless. At each step the test asserts what each screen shows.

One phone goes offline (`context.set_offline`), posts, comes back: its post
appears exactly once everywhere, also after a reload.

Only Playwright's auto-waiting `expect` is used to wait: no sleeps, no timing.
Screenshots of every surface at the key steps go to
test-artifacts/screenshots/day-<step>-<who>.png.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

pytestmark = pytest.mark.browser

WAIT_MS = 15_000  # generous: 12 browser contexts share two CPU cores
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PHONE_LARGE = {"viewport": {"width": 412, "height": 915}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# Console messages that are the network doing its job while a phone is offline, not bugs.
NETWORK_NOISE = re.compile(r"net::ERR_|WebSocket connection to|Failed to load resource", re.I)

# On every phone: after each change of the page, count each post's text in each list of
# posts; keep the highest count seen. A post listed twice in one list, even for one frame
# (say between its event and its ack), is a duplicate the person saw.
WATCH_DUPLICATES = """
(() => {
  window.__dupes = {};
  const check = () => {
    for (const list of document.querySelectorAll("#main ul.post-list")) {
      const counts = {};
      for (const li of list.children) {
        const text = li.querySelector(":scope > .post-head > .user-text, :scope > .user-text");
        if (!text) continue;
        const key = text.textContent;
        counts[key] = (counts[key] || 0) + 1;
        if (counts[key] > 1) window.__dupes[key] = Math.max(window.__dupes[key] || 0, counts[key]);
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();
"""

# Texts (curly apostrophes as in the catalogues).
REVEAL_BUTTON = "Reveal everyone’s posts"


@dataclass
class Phone:
    key: str
    group: str  # the label on the join form, in the phone's language
    room: int
    barrier: str
    name: str | None = None
    show_name: bool = False
    lang: str = "en"
    large: bool = False
    context: BrowserContext | None = None
    page: Page | None = None
    errors: list = field(default_factory=list)


# Joined in this order, the balanced assignment (fewest of one's side, then fewest
# people, then room number) puts two police and two community members in each room.
PHONES = [
    Phone("p1", "Law enforcement", 1, "Stops are rarely explained to the person stopped", name="Dana", show_name=True),
    Phone("c1", "Community member", 2, "Complaints disappear without an answer", name="Sam", large=True),
    Phone("p2", "Law enforcement", 2, "Officers feel judged before they say a word"),
    Phone("c2", "عضو جامعه", 1, "مردم از گزارش دادن به پلیس می‌ترسند", lang="fa"),
    Phone("p3", "Law enforcement", 1, "Community meetings happen when officers are off shift", large=True),
    Phone("c3", "Community member", 2, "Nobody knows who the local officers are"),
    Phone("p4", "Law enforcement", 2, "No interpreter at the front desk"),
    Phone("c4", "Community member", 1, "Officers rarely explain why they stop people"),
]
MERGED = "Stops are not explained"  # facilitator's wording for p1 + c4
SOLUTION_1 = "Officers hand out a card with their name and the reason for the stop"
SOLUTION_2 = "A public tracker for every complaint"


def fa_num(n: int) -> str:
    return str(n).translate(FA_DIGITS)


def room_label(phone: Phone) -> str:
    return f"اتاق {fa_num(phone.room)}" if phone.lang == "fa" else f"Room {phone.room}"


def ui(phone: Phone, en: str, fa: str) -> str:
    return fa if phone.lang == "fa" else en


def votes_text(phone: Phone, n: int) -> str:
    return f"{fa_num(n)} رأی" if phone.lang == "fa" else f"{n} vote" if n == 1 else f"{n} votes"


def assert_never_listed_twice(phone: Phone):
    """No list of posts on this phone showed a text twice since the page loaded (WATCH_DUPLICATES)."""
    assert phone.page.evaluate("window.__dupes") == {}, f"{phone.key} listed a post twice"


def exactly_once(scope: Locator | Page, text: str) -> Locator:
    """The visible elements showing exactly `text` (hidden <details> content not counted)."""
    return scope.get_by_text(text, exact=True).filter(visible=True)


class Day:
    def __init__(self, browser: Browser, live_server, shots):
        self.browser = browser
        self.server = live_server
        self.shots = shots
        self.contexts: list[BrowserContext] = []
        self.errors: dict[str, list[str]] = {}
        self.phones: list[Page] = []

    def open(self, who: str, url: str, options: dict, locale: str = "en-US") -> tuple[BrowserContext, Page]:
        ctx = self.browser.new_context(locale=locale, **options)
        ctx.set_default_timeout(WAIT_MS)
        self.contexts.append(ctx)
        page = ctx.new_page()
        errs = self.errors.setdefault(who, [])
        page.on("pageerror", lambda exc: errs.append(f"uncaught: {exc}"))
        page.on("console", lambda msg: errs.append(f"console.{msg.type}: {msg.text}")
                if msg.type == "error" and not NETWORK_NOISE.search(msg.text) else None)
        if options.get("is_mobile"):
            ctx.add_init_script(WATCH_DUPLICATES)
            self.phones.append(page)
        page.goto(url)
        return ctx, page

    def shot(self, step: str, who: str, page: Page, full_page: bool = False):
        if full_page:  # from the top, or the sticky top bar lands mid-page in the picture
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(self.shots / f"day-{step}-{who}.png"), full_page=full_page)

    def close(self):
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def day(browser, live_server, screenshots_dir):
    expect.set_options(timeout=WAIT_MS)
    d = Day(browser, live_server, screenshots_dir)
    try:
        yield d
    finally:
        d.close()
        expect.set_options(timeout=5_000)


# ------------------------------------------------------------------ per-surface helpers

def phone_banner(phone: Phone) -> Locator:
    return phone.page.get_by_role("banner")


def expect_phone_phase(phone: Phone, en: str, fa: str):
    expect(phone.page.locator(".phase-badge")).to_have_text(ui(phone, en, fa))


def mine_region(phone: Phone) -> Locator:
    return phone.page.get_by_role("region", name=ui(phone, "Your barriers", "موانعی که نوشته‌اید"))


def list_region(phone: Phone, en: str = "Barriers in this room", fa: str = "موانع این اتاق") -> Locator:
    return phone.page.get_by_role("region", name=ui(phone, en, fa))


def post_barrier(phone: Phone, text: str):
    page = phone.page
    page.get_by_role("textbox", name=ui(phone, "Barrier to trust", "مانع اعتماد"), exact=True).fill(text)
    page.get_by_role("button", name=ui(phone, "Post", "فرستادن"), exact=True).click()


def vote(phone: Phone, text: str, kind_label: tuple[str, str] = ("Vote", "رأی")):
    button = phone.page.get_by_role("button", name=f"{ui(phone, *kind_label)} — {text}", exact=True)
    button.click()
    expect(phone.page.get_by_role("button", name=f"{ui(phone, 'Voted', 'رأی داده‌اید')} — {text}", exact=True)) \
        .to_have_attribute("aria-pressed", "true")


def facilitator_advance(page: Page, to: str):
    page.get_by_role("button", name=f"Next: {to}").click()
    expect(page.get_by_role("banner")).to_contain_text(f"Room: {to}")


def confirm_dialog(page: Page, button: str):
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=button).click()
    expect(dialog).to_have_count(0)


def organiser_room_card(page: Page, n: int) -> Locator:
    return page.get_by_role("article", name=f"Room {n}")


def projector_room(page: Page, n: int) -> Locator:
    return page.locator(".room-grid > li").filter(has=page.get_by_text(f"Room {n}", exact=True))


# ------------------------------------------------------------------ the day

def test_workshop_day(day: Day):
    # Live tallies: this day watches every phone's counts move (hidden counts, the default: test_voting.py).
    ws = day.server.create_workshop(title="Eastside trust workshop", rooms=2, budget=3, languages="en,es,fa",
                                    live_tallies=True)
    code = ws["participant_url"].rstrip("/").rsplit("/", 1)[-1]

    # ---- the screens that stay on all day
    _, projector = day.open("projector", ws["display_url"], PROJECTOR)
    _, organiser = day.open("organiser", ws["organiser_url"], TABLET)
    _, f1 = day.open("facilitator1", ws["facilitator_urls"][0], TABLET)
    _, f2 = day.open("facilitator2", ws["facilitator_urls"][1], TABLET)
    facilitators = {1: f1, 2: f2}

    expect(projector.get_by_role("heading", name="Scan to join")).to_be_visible()
    expect(projector.get_by_text(code, exact=True)).to_be_visible()
    expect(projector.get_by_role("img", name="QR code with the join link")).to_be_visible()
    expect(projector.get_by_role("heading", name="0 people are here")).to_be_visible()
    expect(organiser.get_by_role("heading", name="Eastside trust workshop")).to_be_visible()
    expect(organiser.get_by_text(code, exact=True)).to_be_visible()
    for n, f in facilitators.items():
        expect(f.get_by_role("banner")).to_contain_text(f"Room {n}")
        expect(f.get_by_role("banner")).to_contain_text("Room: Lobby")
        expect(f.get_by_text("Nobody has joined yet.")).to_be_visible()
    day.shot("00-lobby", "projector", projector)

    # ---- join: eight phones, one after the other (the room assignment depends on the order)
    for k, phone in enumerate(PHONES, start=1):
        phone.context, phone.page = day.open(
            phone.key, ws["participant_url"], PHONE_LARGE if phone.large else PHONE,
            locale="fa-IR" if phone.lang == "fa" else "en-US")
        page = phone.page
        if phone.lang == "fa":
            # A phone set to Persian gets the join form in Persian, right to left.
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.locator("html")).to_have_attribute("lang", "fa")
            expect(page.get_by_role("radio", name="فارسی")).to_be_checked()
            day.shot("01-join-form", phone.key, page, full_page=True)
        else:
            expect(page.get_by_role("button", name="Join the workshop")).to_be_visible()
            page.get_by_role("radio", name="English").check()
        expect(page.get_by_role("heading", name="Eastside trust workshop")).to_be_visible()
        if phone.name:
            page.get_by_label("Your name (optional)").fill(phone.name)
        if phone.show_name:
            page.get_by_role("radio", name="Show my name with my posts").check()
        page.get_by_role("radio", name=phone.group).check()
        page.get_by_role("button", name=ui(phone, "Join the workshop", "ورود به کارگاه")).click()
        expect(phone_banner(phone)).to_contain_text(room_label(phone))
        expect(phone_banner(phone)).to_contain_text(ui(phone, "Online", "متصل"))
        expect(page.get_by_role("heading", level=1)).to_have_text(ui(phone, "Welcome!", "خوش آمدید!"))
        expect(projector.get_by_role("heading", name=f"{k} {'person is' if k == 1 else 'people are'} here")).to_be_visible()

    # Everyone is in: counts by group on the projector, the organiser and each facilitator.
    expect(projector.get_by_role("heading", name="8 people are here")).to_be_visible()
    expect(projector.locator(".group-tiles .tile-n")).to_have_text(["4", "4", "0", "0"])
    expect(projector.locator(".group-tiles .tile-label")).to_have_text(
        ["Law enforcement", "Community members", "Community organisations", "Government and other"])
    for n in (1, 2):
        expect(projector_room(projector, n)).to_contain_text("4 people")
        expect(projector_room(projector, n)).to_contain_text("Lobby")
    expect(organiser.get_by_text("8 people — Law enforcement 4 · Community members 4 · "
                                 "Community organisations 0 · Government and other 0")).to_be_visible()
    for n in (1, 2):
        card = organiser_room_card(organiser, n)
        expect(card.locator("dd")).to_have_text(["2", "2", "0", "0"])
        expect(card).to_contain_text("4 people")
        f = facilitators[n]
        expect(f.get_by_role("heading", name="4 people")).to_be_visible()
        expect(f.locator(".group-law_enforcement .count-pill")).to_have_text("2")
        expect(f.locator(".group-community_member .count-pill")).to_have_text("2")
    # A name is shown to the facilitator only when given; the others are counted.
    expect(f1.get_by_text("Dana", exact=True)).to_be_visible()
    expect(f2.get_by_text("Sam", exact=True)).to_be_visible()

    persian = next(p for p in PHONES if p.lang == "fa")
    expect(persian.page.locator("html")).to_have_attribute("dir", "rtl")
    expect(persian.page.get_by_text("۴ نفر در این اتاق")).to_be_visible()
    for who, page in [("projector", projector), ("organiser", organiser), ("facilitator1", f1)]:
        day.shot("02-joined", who, page)
    day.shot("02-joined", persian.key, persian.page, full_page=True)

    # ---- brainstorm: each phone sees only its own posts
    for n, f in facilitators.items():
        f.get_by_role("button", name="Next: Silent brainstorm").click()
        expect(f.get_by_role("banner")).to_contain_text("Room: Silent brainstorm")
    offline = next(p for p in PHONES if p.key == "p3")
    for phone in PHONES:
        expect_phone_phase(phone, "Barriers (silent brainstorm)", "موانع (بارش فکری در سکوت)")
        expect(phone.page.get_by_role("heading", level=1)).to_have_text(
            ui(phone, "What stands in the way of trust?", "چه چیزی مانع اعتماد است؟"))
        if phone is offline:
            continue
        post_barrier(phone, phone.barrier)
        expect(exactly_once(mine_region(phone), phone.barrier)).to_have_count(1)
    room1 = [p for p in PHONES if p.room == 1]
    room2 = [p for p in PHONES if p.room == 2]
    # The facilitators have every post of their room (so the events have gone out) ...
    expect(f1.get_by_role("heading", name="3 barriers")).to_be_visible()
    expect(f2.get_by_role("heading", name="4 barriers")).to_be_visible()
    for phone in PHONES:  # ... and no phone has anyone else's.
        if phone is offline:
            continue
        others = [p for p in PHONES if p is not phone]
        for other in others:  # silent brainstorm: nobody else's post, not even the room's
            expect(phone.page.get_by_text(other.barrier)).to_have_count(0)
        expect(mine_region(phone).get_by_text(ui(phone, "Yours", "مال شما"), exact=True)).to_have_count(1)

    # ---- one phone goes offline, posts, comes back
    offline.context.set_offline(True)
    expect(phone_banner(offline)).to_contain_text("Offline")
    post_barrier(offline, offline.barrier)
    waiting = mine_region(offline).get_by_role("listitem").filter(has_text=offline.barrier)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Waiting to send")
    day.shot("03-offline-post", offline.key, offline.page, full_page=True)
    # Facilitator 1 still has the three posts that reached the server.
    expect(f1.get_by_role("heading", name="3 barriers")).to_be_visible()
    expect(f1.get_by_text(offline.barrier)).to_have_count(0)

    offline.context.set_offline(False)
    expect(phone_banner(offline)).to_contain_text("Online")
    expect(mine_region(offline).get_by_text("Waiting to send")).to_have_count(0)
    expect(exactly_once(mine_region(offline), offline.barrier)).to_have_count(1)
    expect(mine_region(offline).get_by_text("Yours", exact=True)).to_have_count(1)
    expect(f1.get_by_role("heading", name="4 barriers")).to_be_visible()
    expect(exactly_once(f1, offline.barrier)).to_have_count(1)
    for p in room1:
        expect(exactly_once(f1, p.barrier)).to_have_count(1)
    expect(f1.get_by_text("Not revealed", exact=True)).to_have_count(4)
    # The silent brainstorm is screened blind: no author on any post, not even Dana, who chose
    # to show her name (it appears at the reveal, below).
    expect(f1.locator(".author", has_text="Dana")).to_have_count(0)
    expect(f1.get_by_text("Author hidden until the reveal", exact=True)).to_have_count(4)
    for p in room2:
        expect(f2.get_by_text(p.barrier, exact=True)).to_have_count(1)
        expect(f1.get_by_text(p.barrier)).to_have_count(0)
    expect(f2.get_by_role("heading", name="4 barriers")).to_be_visible()
    # ... and still exactly once after a reload of the phone.
    assert_never_listed_twice(offline)
    offline.page.reload()
    expect(phone_banner(offline)).to_contain_text("Online")
    expect(exactly_once(mine_region(offline), offline.barrier)).to_have_count(1)
    expect(mine_region(offline)).to_contain_text("Your barriers 1")
    # The projector shows counts only, never a post.
    for n in (1, 2):
        expect(projector_room(projector, n)).to_contain_text("4 barriers")
        expect(projector_room(projector, n)).to_contain_text("Silent brainstorm")
        expect(organiser_room_card(organiser, n)).to_contain_text("4 barriers")
    for p in PHONES:
        expect(projector.get_by_text(p.barrier)).to_have_count(0)
    for who, page in [("projector", projector), ("organiser", organiser), ("facilitator1", f1)]:
        day.shot("04-brainstorm", who, page)
    for p in (persian, offline):
        day.shot("04-brainstorm", p.key, p.page, full_page=True)

    # ---- reveal: everyone in the room sees every post of the room, each once
    for n, f in facilitators.items():
        f.get_by_role("button", name=REVEAL_BUTTON).click()
        confirm_dialog(f, "Reveal now")
        expect(f.get_by_role("banner")).to_contain_text("Room: Reveal and merge")
        expect(f.get_by_text("Posts are revealed to the room.")).to_be_visible()
        expect(f.get_by_text("Not revealed", exact=True)).to_have_count(0)
    for phone in PHONES:
        expect_phone_phase(phone, "Reveal", "نمایش موانع")
        region = list_region(phone)
        expect(region).to_contain_text(ui(phone, "Barriers in this room 4", "موانع این اتاق ۴"))
        mates = room1 if phone.room == 1 else room2
        for mate in mates:
            expect(exactly_once(region, mate.barrier)).to_have_count(1)
        for stranger in (room2 if phone.room == 1 else room1):
            expect(phone.page.get_by_text(stranger.barrier)).to_have_count(0)
    # Names only where chosen: Dana's post carries her name on every phone in room 1.
    for phone in room1:
        card = list_region(phone).get_by_role("listitem").filter(has_text=PHONES[0].barrier)
        expect(card).to_contain_text("Dana")
        anon = list_region(phone).get_by_text(ui(phone, "Anonymous", "ناشناس"), exact=True)
        expect(anon).to_have_count(3)
    expect(f1.locator(".author", has_text="Dana")).to_have_count(1)  # and now the facilitator sees it too
    for phone in room2:  # Sam gave a name but stayed anonymous: no post shows it, not even on his phone
        expect(list_region(phone).get_by_text("Sam")).to_have_count(0)
        expect(list_region(phone).get_by_text("Anonymous", exact=True)).to_have_count(4)
    # The post that waited offline is there once on every phone of its room, also after a reload.
    for phone in room1:
        assert_never_listed_twice(phone)
        phone.page.reload()
        expect_phone_phase(phone, "Reveal", "نمایش موانع")
        expect(list_region(phone)).to_contain_text(ui(phone, "Barriers in this room 4", "موانع این اتاق ۴"))
        expect(exactly_once(list_region(phone), offline.barrier)).to_have_count(1)
    expect(persian.page.locator("html")).to_have_attribute("dir", "rtl")
    expect(persian.page.locator("html")).to_have_attribute("lang", "fa")
    day.shot("05-reveal", persian.key, persian.page, full_page=True)
    day.shot("05-reveal", "facilitator1", f1)

    # ---- merge: the two posts about unexplained stops become one shared barrier
    p1, c4 = PHONES[0], PHONES[7]
    f1.get_by_role("checkbox", name=p1.barrier).check()
    f1.get_by_role("checkbox", name=c4.barrier).check()
    f1.get_by_label("Shared wording (optional)").fill(MERGED)
    f1.get_by_role("button", name="Merge 2").click()
    expect(f1.get_by_role("heading", name="3 barriers")).to_be_visible()
    expect(exactly_once(f1, MERGED)).to_have_count(1)
    expect(f1.get_by_text("Merged from 2")).to_have_count(1)
    for phone in room1:
        region = list_region(phone)
        expect(region).to_contain_text(ui(phone, "Barriers in this room 3", "موانع این اتاق ۳"))
        expect(exactly_once(region, MERGED)).to_have_count(1)
        expect(region.get_by_text(ui(phone, "Combined from 2 posts", "یکی‌شده از ۲ نوشته"))).to_have_count(1)
        # The originals are folded inside the shared barrier, not listed on their own.
        expect(exactly_once(region, p1.barrier)).to_have_count(0)
        expect(exactly_once(region, c4.barrier)).to_have_count(0)
        expect(exactly_once(region, offline.barrier)).to_have_count(1)
    # Opening the fold shows the originals, each once.
    p1.page.get_by_text("Combined from 2 posts").click()
    expect(exactly_once(list_region(p1), p1.barrier)).to_have_count(1)
    expect(exactly_once(list_region(p1), c4.barrier)).to_have_count(1)
    day.shot("06-merged", "facilitator1", f1)
    day.shot("06-merged", persian.key, persian.page, full_page=True)

    # ---- vote (budget 3)
    for n, f in facilitators.items():
        facilitator_advance(f, "Vote")
    room1_votes = {p1.key: [MERGED, persian.barrier], persian.key: [MERGED], offline.key: [MERGED, offline.barrier],
                   c4.key: [persian.barrier]}
    c1, p2, c3, p4 = room2
    room2_votes = {c1.key: [c1.barrier], p2.key: [c1.barrier, p4.barrier], c3.key: [c1.barrier], p4.key: [p4.barrier]}
    for phone in PHONES:
        expect_phone_phase(phone, "Vote", "رأی‌گیری")
        if phone is offline:  # this phone votes offline too: the dots wait, then count once
            phone.context.set_offline(True)
            expect(phone_banner(phone)).to_contain_text("Offline")
        mine = (room1_votes if phone.room == 1 else room2_votes)[phone.key]
        for text in mine:
            vote(phone, text)
        left = 3 - len(mine)
        expect(phone.page.get_by_text(ui(phone, f"Votes left: {left} of 3", f"رأی‌های باقی‌مانده: {fa_num(left)} از ۳"))).to_be_visible()
        if phone is offline:
            expect(phone.page.get_by_role("button", name=f"Voted — {MERGED}")).to_have_attribute("aria-busy", "true")
            day.shot("07-offline-vote", phone.key, phone.page, full_page=True)
            phone.context.set_offline(False)
            expect(phone_banner(phone)).to_contain_text("Online")
            expect(phone.page.get_by_role("button", name=f"Voted — {MERGED}")).not_to_have_attribute("aria-busy", "true")
    tallies1 = {MERGED: 3, persian.barrier: 2, offline.barrier: 1}
    tallies2 = {c1.barrier: 3, p4.barrier: 2, p2.barrier: 0, c3.barrier: 0}
    for phone in PHONES:
        tallies = tallies1 if phone.room == 1 else tallies2
        for text, n in tallies.items():
            card = list_region(phone, "Barriers", "موانع").get_by_role("listitem").filter(
                has=phone.page.get_by_text(text, exact=True)).first
            expect(card.locator(".tally")).to_have_text(votes_text(phone, n))
    for n, (f, tallies) in {1: (f1, tallies1), 2: (f2, tallies2)}.items():
        for text, votes in tallies.items():
            row = f.locator("li.barrier").filter(has=f.get_by_text(text, exact=True))
            expect(row.get_by_role("img", name=f"{votes} vote" if votes == 1 else f"{votes} votes")).to_be_visible()
        expect(f.get_by_text(f"{sum(tallies.values())} votes cast")).to_be_visible()
        expect(organiser_room_card(organiser, n)).to_contain_text(f"{sum(tallies.values())} votes")
        expect(projector_room(projector, n)).to_contain_text(f"{sum(tallies.values())} votes")
        expect(projector_room(projector, n)).to_contain_text("Vote")
    # One count everywhere (web/js/counts.js, room_stats): the merge made two barriers one, so the
    # projector and the organiser say 3, as facilitator 1's list does.
    expect(projector_room(projector, 1)).to_contain_text("3 barriers")
    expect(organiser_room_card(organiser, 1)).to_contain_text("3 barriers")
    for who, page in [("projector", projector), ("organiser", organiser), ("facilitator1", f1)]:
        day.shot("07-vote", who, page)
    for p in (persian, p1):
        day.shot("07-vote", p.key, p.page, full_page=True)

    # ---- solutions
    for f in facilitators.values():
        facilitator_advance(f, "Solutions")
    for phone in PHONES:
        expect_phone_phase(phone, "Solutions", "راه‌حل‌ها")
    p1.page.get_by_role("button", name=f"Propose a solution — {MERGED}").click()
    p1.page.get_by_label("Solution", exact=True).fill(SOLUTION_1)
    p1.page.get_by_role("button", name="Post solution").click()
    c1.page.get_by_role("button", name=f"Propose a solution — {c1.barrier}").click()
    c1.page.get_by_label("Solution", exact=True).fill(SOLUTION_2)
    c1.page.get_by_role("button", name="Post solution").click()
    for phone in PHONES:
        mine, other = (SOLUTION_1, SOLUTION_2) if phone.room == 1 else (SOLUTION_2, SOLUTION_1)
        expect(exactly_once(phone.page, mine)).to_have_count(1)
        expect(phone.page.get_by_text(other)).to_have_count(0)
    vote(persian, SOLUTION_1)
    vote(offline, SOLUTION_1)
    vote(p2, SOLUTION_2)
    for phone in room1:
        sol = phone.page.locator("li.solution").filter(has=phone.page.get_by_text(SOLUTION_1, exact=True))
        expect(sol.locator(".tally")).to_have_text(votes_text(phone, 2))
    expect(f1.locator("li.solution").filter(has_text=SOLUTION_1).locator(".tally-n")).to_have_text("2")
    expect(f2.locator("li.solution").filter(has_text=SOLUTION_2).locator(".tally-n")).to_have_text("1")
    expect(organiser_room_card(organiser, 1)).to_contain_text("1 solution")
    for who, page in [("facilitator1", f1)]:
        day.shot("08-solutions", who, page)
    for p in (persian, p1):
        day.shot("08-solutions", p.key, p.page, full_page=True)

    # ---- report-out: each room pushes its top barrier to the plenary
    for f in facilitators.values():
        facilitator_advance(f, "Report-out")
    f1.get_by_role("checkbox", name=MERGED).check()
    f1.get_by_role("button", name="Push to plenary").click()
    expect(f1.get_by_text("On the plenary")).to_have_count(1)
    f2.get_by_role("checkbox", name=c1.barrier).check()
    f2.get_by_role("button", name="Push to plenary").click()
    expect(f2.get_by_text("On the plenary")).to_have_count(1)
    for phone in PHONES:
        expect_phone_phase(phone, "Report-out", "گزارش به جمع")
        shared = phone.page.get_by_role("region", name=ui(phone, "Workshop priorities", "اولویت‌های کارگاه"))
        expect(exactly_once(shared, MERGED)).to_have_count(1)
        expect(exactly_once(shared, c1.barrier)).to_have_count(1)
    expect(organiser.get_by_role("button", name="Plenary (2)")).to_be_visible()
    for n in (1, 2):
        expect(projector_room(projector, n)).to_contain_text("Report-out")
    for who, page in [("projector", projector), ("organiser", organiser), ("facilitator1", f1)]:
        day.shot("09-report-out", who, page)
    day.shot("09-report-out", persian.key, persian.page, full_page=True)

    # ---- plenary: the organiser moves the whole workshop on; the projector shows every room's results
    organiser.get_by_role("button", name="Go to: Plenary").click()
    confirm_dialog(organiser, "Go to: Plenary")
    expect(organiser.get_by_role("banner")).to_contain_text("Workshop: Plenary")
    expect(organiser.get_by_role("heading", name="Plenary board — 2 items")).to_be_visible()
    board = projector.locator(".board > li")
    expect(board).to_have_count(2)
    expect(exactly_once(projector, MERGED)).to_have_count(1)
    expect(exactly_once(projector, c1.barrier)).to_have_count(1)
    expect(projector.locator(".phase-pill")).to_have_text("Plenary")
    expect(board.filter(has_text=MERGED)).to_contain_text("Room 1")
    expect(board.filter(has_text=MERGED)).to_contain_text("3 votes in the room")
    expect(board.filter(has_text=MERGED)).to_contain_text(SOLUTION_1)   # the solutions themselves, not a count
    expect(board.filter(has_text=c1.barrier)).to_contain_text("Room 2")
    for phone in PHONES:
        expect_phone_phase(phone, "Plenary", "نشست عمومی")
        expect(phone.page.get_by_role("heading", name=ui(phone, "Workshop priorities", "اولویت‌های کارگاه"))).to_be_visible()
    plenary_votes = {p1.key: [MERGED, c1.barrier], persian.key: [c1.barrier], offline.key: [c1.barrier],
                     c4.key: [MERGED], c1.key: [c1.barrier], p2.key: [MERGED], c3.key: [c1.barrier], p4.key: []}
    for phone in PHONES:
        for text in plenary_votes[phone.key]:
            vote(phone, text)
    expect(projector.get_by_text("What stands in the way of trust — all rooms (8 votes)")).to_be_visible()
    expect(board.first).to_contain_text(c1.barrier)  # most plenary votes first
    expect(board.first.locator(".board-votes")).to_have_text("5")
    expect(board.nth(1).locator(".board-votes")).to_have_text("3")
    plenary_items = organiser.locator(".plenary-item")
    expect(plenary_items.first).to_contain_text(c1.barrier)
    expect(plenary_items.first.locator(".vote-line").first).to_contain_text("5")
    for phone in PHONES:
        item = phone.page.locator(".plenary-item").filter(has=phone.page.get_by_text(MERGED, exact=True))
        expect(item.locator(".tally")).to_have_text(votes_text(phone, 3))
    expect(persian.page.locator("html")).to_have_attribute("dir", "rtl")
    for who, page in [("projector", projector), ("organiser", organiser), ("facilitator1", f1)]:
        day.shot("10-plenary", who, page)
    for p in (persian, p1):
        day.shot("10-plenary", p.key, p.page, full_page=True)

    # ---- the offline phone's post was never doubled, anywhere
    f1.reload()
    f1.get_by_role("button", name="My room").click()
    expect(exactly_once(f1, offline.barrier)).to_have_count(1)
    organiser.get_by_role("button", name="Rooms", exact=True).click()
    organiser.get_by_role("button", name="Steer Room 1").click()
    expect(exactly_once(organiser, offline.barrier)).to_have_count(1)

    # No phone ever listed a post twice, not even for a moment.
    for phone in PHONES:
        assert_never_listed_twice(phone)
    # No page threw, none logged an error of its own.
    assert {who: errs for who, errs in day.errors.items() if errs} == {}
