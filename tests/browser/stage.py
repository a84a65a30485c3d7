"""Bring a workshop on the live server into each main state of the day, by
speaking the Socket.IO protocol (docs/protocol.md) the way the real screens do:
participants join over HTTP (POST /api/join) and send commands from their own
socket; facilitators and the organiser send theirs from theirs.

    stager = Stager(live_server)
    s = stager.get("reveal")         # a fresh workshop, played up to the reveal; cached
    s.participant_url                # /j/<code>: the phone of `s.me` once its session is stored
    s.phone_storage("fa")            # localStorage that makes a browser *be* that phone, in Persian
    s.facilitator_url / s.organiser_url / s.display_url    (tokens in the #fragment)

Every state gets its own workshop, so tests can visit states in any order.
Two rooms: room 1 (the phone's room, `s.room_id`, steered by `s.facilitator_url`)
holds the interesting posts, room 2 a few more so the organiser and the
projector show more than one room.

States (STATES, in the order of the day):
  lobby       people have joined; nothing posted
  brainstorm  silent brainstorm with a running timer; posts in English, Persian,
              and mixed Persian/English (some still private to their authors)
  reveal      revealed; two barriers merged into a shared one, one post hidden
              with a reason; room 2's facilitator has called for help
  vote        dot voting with a timer; dots cast, so tallies differ
  solutions   solutions posted (English and Persian) and voted on
  report_out  the room's top barrier pushed to the plenary, others still selectable
  plenary     the workshop in plenary: both rooms' items, with plenary dots
  action_plan the workshop in the action-plan phase: entries from the plenary items and one
              new line, fields filled in English and Persian, statuses set
  paused      the organiser paused the workshop (during the brainstorm) with a message

After the day (AFTER_STATES, not part of the day's walk):
  council     the action plan of `action_plan` with a council (both co-chairs and members,
              named and unnamed), co-leads on the entries, statuses moved on, dated notes,
              the workshop closed; `progress_url` and `council_url` (the community co-chair's
              own link) are set
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import ClassVar

import requests
import socketio

WAIT_SECS = 10
STATES = ("lobby", "brainstorm", "reveal", "vote", "solutions", "report_out", "plenary", "action_plan", "paused")
AFTER_STATES = ("council",)

# Room 1's posts: (author index in room 1, text). Index 0 is the phone we look at.
ROOM1_POSTS = [
    (0, "Officers rarely explain why they stop people"),
    (1, "مردم از گزارش دادن به پلیس می‌ترسند"),
    (2, "پلیس به زبان فارسی توضیح نمی‌دهد (no Farsi interpreter at 911)"),
    (3, "Stops are not explained"),
    (1, "Nobody knows how to file a complaint — or where the forms are"),
    (2, "Officer Smith on the night shift is rude to everyone on Elm Street"),
    (0, "We don't hear back after community meetings"),
]
ROOM2_POSTS = [
    (0, "Body cameras are switched off during stops"),
    (1, "ترس از مهاجرت باعث می‌شود مردم گزارش ندهند"),
    (2, "Officers don't live in the neighbourhood they police"),
]
MERGE_TEXT = "Stops are not explained / توقف‌ها توضیح داده نمی‌شوند"
HIDE_REASON = "Names an individual officer; please describe what happens instead"
SOLUTIONS = [  # (author index in room 1, barrier text it answers, solution text)
    (1, MERGE_TEXT, "Officers hand out a card after every stop explaining why, in five languages"),
    (2, MERGE_TEXT, "کارت توضیح توقف به زبان فارسی و انگلیسی"),
    (3, "مردم از گزارش دادن به پلیس می‌ترسند", "A community liaison who takes reports at the library"),
]
PLAN_FIELDS = [  # filled into the action-plan entries, in order
    {"solution": "Officers hand out a card after every stop explaining why, in five languages",
     "owner": "Sgt. Okafor", "timeline": "By March", "status": "agreed"},
    {"title": "کارت توضیح توقف به زبان فارسی", "solution": "مترجم فارسی در کلانتری، هر روز",
     "owner": "Maryam", "timeline": "سه ماه", "status": "in_progress"},
    {"solution": "Supervisors check camera logs every week", "owner": "Chief's office",
     "timeline": "Next quarter"},
    {"owner": "Councillor Lee", "timeline": "Every three months", "status": "proposed"},
]
PEOPLE = [  # (group, name or None for anonymous, reading language); joined in this order
    ("community_member", "Maryam", "fa"),
    ("law_enforcement", "Officer Diaz", "en"),
    ("community_org", None, "fa"),
    ("law_enforcement", None, "en"),
    ("community_member", "Sam", "es"),
    ("government_other", "Councillor Lee", "en"),
    ("community_member", None, "en"),
    ("law_enforcement", "Sgt. Okafor", "en"),
]


class Client:
    """One socket with one token; commands get a fresh cid and must succeed."""

    def __init__(self, url: str, token: str):
        self.token = token
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=WAIT_SECS)
        self.state = self.sync()

    def sync(self) -> dict:
        ack = self.sio.call("sync", {"since": None}, timeout=WAIT_SECS)
        assert ack["ok"], ack
        self.state = ack["state"]
        return self.state

    def ok(self, name: str, **payload) -> dict:
        ack = self.sio.call(name, {"cid": uuid.uuid4().hex, **payload}, timeout=WAIT_SECS)
        assert ack["ok"], (name, payload, ack)
        return ack["result"]

    def close(self):
        self.sio.disconnect()


@dataclass
class Staged:
    state: str
    url: str
    workshop: dict
    join_code: str
    room_id: int
    me: dict                      # the phone we look at: token, device_key, participant_id, room_id
    facilitator_url: str          # room 1's
    other_facilitator_url: str    # room 2's
    organiser_url: str
    display_url: str
    barriers: dict[str, int] = field(default_factory=dict)   # text -> id (room 1 and 2)
    people: list[dict] = field(default_factory=list)          # every join answer (token, room_id, …), `me` first
    progress_url: str = ""        # the read-only progress page (/progress/<token>)
    council_url: str = ""         # a council member's own page (/council/<token>), state "council"

    @property
    def participant_url(self) -> str:
        return f"{self.url}/j/{self.join_code}"

    def phone_storage(self, lang: str) -> dict[str, str]:
        """localStorage entries (see web/js/participant.js) that make a browser this phone."""
        import json
        session = {"token": self.me["token"], "device_key": self.me["device_key"],
                   "participant_id": self.me["participant_id"]}
        return {f"cg.join.{self.join_code}": json.dumps(session), "cg.lastCode": self.join_code, "cg.lang": lang}


def _join(url: str, code: str, group: str, name: str | None, language: str) -> dict:
    device_key = secrets.token_urlsafe(32)
    body = {"code": code, "group": group, "language": language, "device_key": device_key,
            "anonymous": name is None}
    if name:
        body["name"] = name
    resp = requests.post(url + "/api/join", json=body, timeout=WAIT_SECS)
    assert resp.status_code == 200, resp.text
    return {**resp.json(), "device_key": device_key}


def create_workshop(live_server) -> dict:
    """What `live_server.create_workshop()` (the CLI's --json) returns, made in this process
    through the same domain call: a CLI subprocess per state costs seconds of start-up."""
    from server.cli import _links
    from server.db import Database
    from server.domain.workshops import create_workshop as create

    db = Database(live_server.env["DATABASE_URL"])
    try:
        created = create(db, title="Eastside trust workshop", rooms=2, vote_budget=3, languages=["en", "es", "fa"],
                         date="2026-11-28", place="Eastside Community Centre")
    finally:
        db.engine.dispose()
    return _links(live_server.url, created)


def stage(live_server, state: str) -> Staged:
    """A new workshop on `live_server`, played up to `state`."""
    if state not in STATES + AFTER_STATES:
        raise ValueError(f"unknown state {state!r}; one of {STATES + AFTER_STATES}")
    url = live_server.url
    made = create_workshop(live_server)
    code = made["join_code"]
    token = lambda link: link.split("#", 1)[1]  # noqa: E731
    clients: list[Client] = []

    def client(tok: str) -> Client:
        c = Client(url, tok)
        clients.append(c)
        return c

    try:
        organiser = client(token(made["organiser_url"]))
        facilitators = [client(token(u)) for u in made["facilitator_urls"]]
        by_room = {f.state["me"]["room_id"]: (f, u) for f, u in zip(facilitators, made["facilitator_urls"])}
        people = [_join(url, code, g, n, lang) for g, n, lang in PEOPLE]
        me = people[0]
        room1 = me["room_id"]
        room2 = next(r for r in by_room if r != room1)
        f1, f1_url = by_room[room1]
        f2, f2_url = by_room[room2]
        staged = Staged(state=state, url=url, workshop=made, join_code=code, room_id=room1, me=me,
                        facilitator_url=f1_url, other_facilitator_url=f2_url,
                        organiser_url=made["organiser_url"], display_url=made["display_url"], people=people,
                        progress_url=made["progress_url"])
        if state == "lobby":
            return staged

        phones1 = [client(p["token"]) for p in people if p["room_id"] == room1]
        phones2 = [client(p["token"]) for p in people if p["room_id"] == room2]
        assert len(phones1) >= 4 and len(phones2) >= 3, "the balanced join put too few people in a room"

        def both(name, **payload):
            f1.ok(name, **payload)
            f2.ok(name, **payload)

        both("phase_advance", from_phase="lobby", timer_secs=600)   # brainstorm
        for who, text in ROOM1_POSTS:
            staged.barriers[text] = phones1[who].ok("barrier_post", text=text)["barrier"]["id"]
        for who, text in ROOM2_POSTS:
            staged.barriers[text] = phones2[who].ok("barrier_post", text=text)["barrier"]["id"]
        if state == "brainstorm":
            return staged
        if state == "paused":
            organiser.ok("workshop_pause", message="Lunch break — back at 1:15. الان ناهار است.")
            return staged

        both("phase_advance", from_phase="brainstorm")   # reveal
        merged = f1.ok("barrier_merge", barrier_ids=[staged.barriers["Officers rarely explain why they stop people"],
                                                     staged.barriers["Stops are not explained"]],
                       text=MERGE_TEXT)
        staged.barriers[MERGE_TEXT] = merged["shared_id"]
        f1.ok("post_hide", kind="barrier", id=staged.barriers[ROOM1_POSTS[5][1]], reason=HIDE_REASON)
        f2.ok("help_call", message="Two people are arguing; please come to room 2")
        if state == "reveal":
            return staged

        both("phase_advance", from_phase="reveal", timer_secs=300)   # vote
        votes1 = [MERGE_TEXT, ROOM1_POSTS[1][1], MERGE_TEXT, ROOM1_POSTS[2][1], MERGE_TEXT, ROOM1_POSTS[4][1]]
        for i, phone in enumerate(phones1):
            for text in (votes1[i % len(votes1)], votes1[(i + 1) % len(votes1)]):
                phone.ok("vote_cast", target_type="barrier", target_id=staged.barriers[text])
        for i, phone in enumerate(phones2):
            phone.ok("vote_cast", target_type="barrier", target_id=staged.barriers[ROOM2_POSTS[i % 2][1]])
        if state == "vote":
            return staged

        both("phase_advance", from_phase="vote", timer_secs=900)   # solutions
        sol_ids = []
        for who, barrier_text, text in SOLUTIONS:
            sol = phones1[who].ok("solution_post", barrier_id=staged.barriers[barrier_text], text=text)["solution"]
            sol_ids.append(sol["id"])
        for i, phone in enumerate(phones1):
            phone.ok("vote_cast", target_type="solution", target_id=sol_ids[i % 2])
        phones2[0].ok("solution_post", barrier_id=staged.barriers[ROOM2_POSTS[0][1]],
                      text="Supervisors check camera logs every week")
        if state == "solutions":
            return staged

        both("phase_advance", from_phase="solutions")   # report_out
        f1.ok("report_push", barrier_ids=[staged.barriers[MERGE_TEXT]])
        f2.ok("report_push", barrier_ids=[staged.barriers[ROOM2_POSTS[0][1]]])
        if state == "report_out":
            return staged

        f1.ok("report_push", barrier_ids=[staged.barriers[ROOM1_POSTS[1][1]]])
        organiser.ok("workshop_advance")   # plenary
        items = sorted(int(i) for i in organiser.sync()["plenary"])
        for i, phone in enumerate(phones1 + phones2):
            phone.ok("vote_cast", target_type="plenary", target_id=items[i % len(items)])
        if state == "plenary":
            return staged

        organiser.ok("workshop_advance")   # action_plan
        entries = [organiser.ok("plan_entry_create", plenary_item_id=i)["entry"] for i in items]
        entries.append(organiser.ok("plan_entry_create", title="Quarterly open meeting, police and residents")["entry"])
        for entry, fields in zip(entries, PLAN_FIELDS):
            for name, value in fields.items():
                organiser.ok("plan_entry_update", entry_id=entry["id"], field=name, value=value,
                             version=entry["versions"].get(name, 0))
        if state == "action_plan":
            return staged

        # After the day: the council, co-leads, statuses and notes (docs/council.md).
        phone_of = {p["participant_id"]: c for p, c in zip(
            [p for p in people if p["room_id"] == room1] + [p for p in people if p["room_id"] == room2],
            phones1 + phones2)}
        for p in people:
            phone_of[p["participant_id"]].ok("council_volunteer", contact=f"p{p['participant_id']}@example.org",
                                             consent=True)
        pid = [p["participant_id"] for p in people]
        # PEOPLE: 0 Maryam (community), 1 Officer Diaz, 2 community org (no name), 3 officer (no name),
        # 5 Councillor Lee (government), 7 Sgt. Okafor.
        for i, role in ((1, "co_chair_law_enforcement"), (0, "co_chair_community"), (2, "member"), (3, "member"),
                        (5, "member"), (7, "member")):
            organiser.ok("council_role_set", participant_id=pid[i], role=role)
        plan = sorted(organiser.sync()["plan"].values(), key=lambda e: e["position"])
        for entry, (police, community) in zip(plan, ((7, 0), (3, 2), (1, 5))):
            for field_name, who in (("co_lead_law_enforcement", police), ("co_lead_community", community)):
                organiser.ok("plan_entry_update", entry_id=entry["id"], field=field_name, value=str(pid[who]),
                             version=entry["versions"][field_name])
        organiser.ok("plan_note_add", entry_id=plan[0]["id"], text="Cards printed in five languages; handed out from 1 March.")
        organiser.ok("workshop_advance")   # closed
        chair = client(organiser.ok("council_link_issue", participant_id=pid[0])["token"])
        member = client(organiser.ok("council_link_issue", participant_id=pid[2])["token"])
        chair_token = chair.token
        fresh = {e["id"]: e for e in chair.sync()["plan"].values()}
        chair.ok("plan_entry_update", entry_id=plan[0]["id"], field="status", value="in_progress",
                 version=fresh[plan[0]["id"]]["versions"]["status"])
        chair.ok("plan_note_add", entry_id=plan[0]["id"], text="جلسهٔ اول با کلانتری برگزار شد؛ کارت‌ها آماده‌اند.")
        member.ok("plan_entry_update", entry_id=plan[1]["id"], field="status", value="done",
                  version=fresh[plan[1]["id"]]["versions"]["status"])
        member.ok("plan_note_add", entry_id=plan[1]["id"], text="Interpreter on duty every weekday since April")
        staged.council_url = f"{url}/council/{chair_token}"
        return staged
    finally:
        for c in clients:
            c.close()


class Stager:
    """One staged workshop per state, made on first use and shared by every test (and module).

    A subclass stages other days with its own `make` (tests/browser/stage_spcp.py)."""

    _cache: ClassVar[dict[tuple[str, str, str], Staged]] = {}
    make = staticmethod(stage)

    def __init__(self, live_server):
        self.live_server = live_server

    def get(self, state: str) -> Staged:
        key = (self.live_server.url, type(self).__name__, state)
        if key not in self._cache:
            self._cache[key] = self.make(self.live_server, state)
        return self._cache[key]


# ---------------------------------------------------------------- opening a surface in a browser

# The surfaces, their sizes (CSS px) and the states each is looked at in.
PHONE_SIZES = ((360, 640), (412, 915))
TABLET_SIZES = ((1024, 768), (1280, 800))
PROJECTOR_SIZES = ((1920, 1080),)
# A state is left out where the surface looks the same as in another one (the projector
# shows the same breakout overview from the brainstorm to the report-out; the organiser's
# room cards differ little between brainstorm, vote and solutions).
SURFACES = {
    "join": {"sizes": PHONE_SIZES, "states": ("lobby",)},
    "phone": {"sizes": PHONE_SIZES, "states": tuple(s for s in STATES if s != "action_plan")},
    "facilitator": {"sizes": TABLET_SIZES,
                    "states": ("brainstorm", "reveal", "vote", "solutions", "report_out", "plenary", "paused")},
    "organiser": {"sizes": TABLET_SIZES, "states": ("lobby", "reveal", "report_out", "plenary", "action_plan", "paused")},
    "projector": {"sizes": PROJECTOR_SIZES, "states": ("lobby", "vote", "plenary", "action_plan", "paused", "council")},
    # After the day (docs/council.md): phone first, also on a tablet and a big screen.
    "progress": {"sizes": ((360, 640), (1024, 768), (1920, 1080)), "states": ("council",)},
    "council": {"sizes": ((360, 640), (1024, 768), (1920, 1080)), "states": ("council",)},
}
# What is on screen once the surface has its state (Playwright waits for it).
READY = {
    "join": "form.join-form",
    "phone": "#topbar .conn-online",
    "facilitator": "#header .conn-online",
    "organiser": "#header .conn-online",
    "projector": "#screen .phase-pill",
    "progress": "#main .after-list",
    "council": "#header .conn-online",
}
LANGS = ("en", "fa")


def set_display_language(staged: Staged, lang: str) -> None:
    """The projector shows the workshop's display_language; the organiser sets it."""
    organiser = Client(staged.url, staged.organiser_url.split("#", 1)[1])
    try:
        if organiser.state["workshop"]["display_language"] != lang:
            organiser.ok("workshop_update", display_language=lang)
    finally:
        organiser.close()


def open_surface(browser, staged: Staged, surface: str, lang: str, size: tuple[int, int]):
    """A new context and page showing `surface` of `staged` in `lang`, ready (rendered, fonts in).
    Returns (context, page); the caller closes the context."""
    from playwright.sync_api import expect

    width, height = size
    phone = surface in ("join", "phone")
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  is_mobile=phone, has_touch=phone, locale=lang,
                                  reduced_motion="reduce")
    storage: dict[str, str] = {}
    if surface == "phone":
        storage = staged.phone_storage(lang)
        url = staged.participant_url
    elif surface == "join":
        storage = {"cg.lang": lang}
        url = staged.participant_url
    elif surface == "facilitator":
        storage = {"cg.console.lang": lang}
        url = staged.facilitator_url
    elif surface == "organiser":
        storage = {"cg.console.lang": lang}
        url = staged.organiser_url
    elif surface == "projector":
        set_display_language(staged, lang)
        url = staged.display_url
    elif surface == "progress":
        storage = {"cg.progress.lang": lang}
        url = staged.progress_url
    elif surface == "council":
        storage = {"cg.council.lang": lang}
        url = staged.council_url
    else:
        raise ValueError(surface)
    if storage:
        # Before any page script runs; init scripts are not subject to the page's CSP.
        import json
        context.add_init_script(
            f"for (const [k, v] of Object.entries({json.dumps(storage)})) {{ try {{ localStorage.setItem(k, v); }} catch (_) {{}} }}")
    page = context.new_page()
    page.goto(url)
    expect(page.locator(READY[surface]).first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page


def again_if_replaced(action, tries: int = 5):
    """action() once more when the element it found was replaced while Playwright waited for it to be
    stable (the page redraws whole when an event arrives: "Element is not attached to the DOM")."""
    for attempt in range(tries):
        try:
            return action()
        except Exception as err:  # playwright Error: "Element is not attached to the DOM"
            if "not attached" not in str(err) or attempt == tries - 1:
                raise


def scroll_to(locator, tries: int = 5) -> None:
    """A person scrolls to it; again when the phone's redraw replaced the element mid-scroll."""
    again_if_replaced(locator.scroll_into_view_if_needed, tries)


def element_screenshot(locator, path) -> None:
    """A screenshot of one element; taken again when a redraw replaced it mid-way."""
    again_if_replaced(lambda: locator.screenshot(path=path))
