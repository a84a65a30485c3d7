"""A whole workshop day, scripted: 3 rooms, 30 participants, 3 facilitators,
the organiser and the projector, from joining to the closed workshop.

Every screen keeps the events it received from the moment it connected; at
the end each screen's initial snapshot plus those events equals its fresh
snapshot. Along the way: balanced rooms, the silent brainstorm, the reveal,
merges that de-duplicate dots, the dot budget, solutions, the report-out, the
plenary vote, the action plan with an edit conflict, the council, and the
privacy promises (no author identity on anonymous posts, no post text on the
projector before the report-out, contact details only for the organiser and
the volunteer).
"""
from __future__ import annotations

import itertools
import json

from server.domain import reducer, rules

# (name or None, group, language, anonymous by default). Joined in this order.
PEOPLE = [
    ("Officer Diaz", "law_enforcement", "en", False),
    (None, "community_member", "es", True),
    ("مریم", "community_member", "fa", True),
    ("Sgt. Brooks", "law_enforcement", "en", False),
    ("Carlos Ruiz", "community_org", "es", False),
    (None, "community_member", "en", True),
    ("Det. Moreno", "law_enforcement", "es", True),
    ("داریوش", "community_member", "fa", False),
    ("Ana Lucía", "government_other", "es", False),
    (None, "law_enforcement", "en", True),
    ("Pat Kim", "community_member", "en", False),
    (None, "community_org", "fa", True),
    ("Lt. Chen", "law_enforcement", "en", False),
    ("نسرین", "community_member", "fa", False),
    (None, "community_member", "es", True),
    (None, "law_enforcement", "fa", True),
    ("Jordan Lee", "community_org", "en", True),
    ("Council Aide Wu", "government_other", "en", False),
    ("Officer Haddad", "law_enforcement", "en", False),
    (None, "community_member", "en", True),
    ("Rosa Méndez", "community_member", "es", False),
    (None, "law_enforcement", "es", True),
    ("کاوه", "community_org", "fa", False),
    (None, "community_member", "fa", True),
    ("Officer Novak", "law_enforcement", "en", False),
    ("Deputy Clerk Ortiz", "government_other", "es", True),
    (None, "community_member", "en", True),
    ("Capt. Reyes", "law_enforcement", "es", False),
    ("Tomás Vega", "community_org", "es", False),
    (None, "community_member", "fa", True),
]
assert len(PEOPLE) == 30
assert [g for _, g, _, _ in PEOPLE].count("law_enforcement") == 10
assert [g for _, g, _, _ in PEOPLE].count("community_member") == 12
assert [g for _, g, _, _ in PEOPLE].count("community_org") == 5
assert [g for _, g, _, _ in PEOPLE].count("government_other") == 3

BARRIER_TEXTS = {
    "en": ["Stops are rarely explained to the person stopped", "Officers only show up when something is wrong",
           "Complaints disappear without an answer", "Young people fear being searched at school"],
    "es": ["No hay intérpretes en la comisaría", "La gente teme represalias si denuncia",
           "Los agentes cambian de barrio demasiado a menudo", "Nadie explica cómo presentar una queja"],
    # Persian, partly from the SPCP leaflet in /work/shared/seeds/
    "fa": ["بی اعتمادی طولانی مدت جامعه و موانع تاریخی", "مردم از تلافی می‌ترسند",
           "مترجم فارسی در کلانتری نیست", "جوانان از پلیس می‌ترسند"],
}
SOLUTION_TEXTS = ["Hand out a card that explains every stop", "Monthly coffee with officers in the park",
                  "برگزاری جلسات گفتگو با پلیس به زبان فارسی", "Publicar cada mes cuántas quejas se resolvieron",
                  "A community liaison officer for each school", "Train officers in de-escalation with residents"]
VIEW_KEYS = {
    "barrier": {"id", "room_id", "kind", "text", "author_name", "shared", "merged_into", "members", "hidden",
                "hidden_reason", "votes", "edited", "created_at"},
    "solution": {"id", "room_id", "barrier_id", "text", "author_name", "hidden", "hidden_reason", "votes",
                 "edited", "created_at"},
}


class Screen:
    """One connected device and everything it received since it connected."""

    def __init__(self, client, label: str):
        self.c, self.label, self.role = client, label, client.role
        client.events()
        self.initial = client.snapshot()
        self.log: list[dict] = []
        self.snapshots = [self.initial]

    def pump(self):
        self.log.extend(self.c.events())

    def snap(self) -> dict:
        self.pump()
        s = self.c.snapshot()
        self.snapshots.append(s)
        return s

    @property
    def state(self) -> dict:
        self.pump()
        return reducer.apply_all(self.initial, self.log)


class FullDay:
    def __init__(self, day):
        self.day = day
        self.created = day.create(rooms=3, vote_budget=3, languages=("en", "es", "fa"),
                                  title="Building trust — Eastside")
        self.rooms = day.room_ids
        self.org = Screen(day.organiser(), "organiser")
        self.display = Screen(day.display(), "display")
        self.facs = {rid: Screen(day.facilitator(i), f"facilitator {i + 1}") for i, rid in enumerate(self.rooms)}
        self.people: list[Screen] = []
        self.info: dict[int, dict] = {}  # participant id -> name, group, anonymous default
        self.posts: dict[tuple[str, int], dict] = {}  # (kind, id) -> text, author id, anonymous
        self.contacts: dict[int, str] = {}

    @property
    def screens(self) -> list[Screen]:
        return [self.org, self.display, *self.facs.values(), *self.people]

    def pump(self):
        for s in self.screens:
            s.pump()

    def in_room(self, rid) -> list[Screen]:
        return [p for p in self.people if p.c.room_id == rid]

    def join_all(self):
        for name, group, lang, anon in PEOPLE:
            client = self.day.join(name=name, group=group, language=lang, anonymous=anon)
            self.people.append(Screen(client, name or f"anonymous {group} #{client.participant_id}"))
            self.info[client.participant_id] = {"name": name, "group": group, "anonymous": anon or not name,
                                                "language": lang}

    def post(self, who: Screen, kind: str, text: str, anonymous=None, **kw) -> int:
        payload = dict(text=text, **kw)
        if anonymous is not None:
            payload["anonymous"] = anonymous
        view = who.c.ok(f"{kind}_post", **payload)[kind]
        me = self.info[who.c.participant_id]
        anon = True if not me["name"] else (me["anonymous"] if anonymous is None else anonymous)
        self.posts[(kind, view["id"])] = {"text": text, "author": who.c.participant_id, "anonymous": anon,
                                          "name": me["name"], "room_id": view["room_id"]}
        return view["id"]

    def advance_rooms(self, from_phase: str, **kw):
        for f in self.facs.values():
            f.c.ok("phase_advance", from_phase=from_phase, **kw)


def post_views(payload):
    """Every barrier/solution view inside an event or a snapshot, with its kind."""
    if isinstance(payload, dict):
        keys = set(payload)
        if keys == VIEW_KEYS["barrier"]:
            yield "barrier", payload
            return
        if keys == VIEW_KEYS["solution"]:
            yield "solution", payload
            return
        for v in payload.values():
            yield from post_views(v)
    elif isinstance(payload, list):
        for v in payload:
            yield from post_views(v)


def dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False)


def test_full_day(day):
    fd = FullDay(day)
    org, display, facs = fd.org, fd.display, fd.facs

    # -- joining: balanced rooms -------------------------------------------------
    fd.join_all()
    people_by_room = {rid: [fd.info[p.c.participant_id] for p in fd.in_room(rid)] for rid in fd.rooms}
    for rid, members in people_by_room.items():
        groups = [m["group"] for m in members]
        assert "law_enforcement" in groups, f"room {rid} has no police: {groups}"
        assert {"community_member", "community_org"} & set(groups), f"room {rid} has no community: {groups}"
        assert 9 <= len(members) <= 11
    assert len(org.snap()["participants"]) == 30 and len(display.snap()["participants"]) == 30
    for rid, f in facs.items():
        assert {int(k) for k in f.snap()["participants"]} == {p.c.participant_id for p in fd.in_room(rid)}

    # -- silent brainstorm -------------------------------------------------------------
    fd.advance_rooms("lobby", timer_secs=900)
    texts = {lang: itertools.cycle(t) for lang, t in BARRIER_TEXTS.items()}
    numbers = itertools.count(1)
    own: dict[int, set[int]] = {}
    for i, p in enumerate(fd.people):
        me = fd.info[p.c.participant_id]
        for k in range(2 if i % 3 == 0 else 1):
            # Unnamed people asking to be named stay anonymous; a named person may choose either way.
            choice = [None, False, True][(i + k) % 3]
            bid = fd.post(p, "barrier", f"{next(texts[me['language']])} ({next(numbers)})", anonymous=choice)
            own.setdefault(p.c.participant_id, set()).add(bid)
    # Duplicates, to be merged: in each room two people say the same thing.
    dupes = {}
    for rid in fd.rooms:
        a, b = fd.in_room(rid)[1], fd.in_room(rid)[2]
        dupes[rid] = [fd.post(a, "barrier", f"Nobody explains why they stop you (room {rid})"),
                      fd.post(b, "barrier", f"Stops without any explanation given (room {rid})")]
        own[a.c.participant_id].add(dupes[rid][0])
        own[b.c.participant_id].add(dupes[rid][1])
    room_posts = {rid: {bid for (k, bid), v in fd.posts.items() if k == "barrier" and v["room_id"] == rid}
                  for rid in fd.rooms}
    for p in fd.people:
        assert {int(k) for k in p.snap()["barriers"]} == own[p.c.participant_id], p.label
    for rid, f in facs.items():
        assert {int(k) for k in f.snap()["barriers"]} == room_posts[rid]
    assert {int(k) for k in org.snap()["barriers"]} == set().union(*room_posts.values())
    assert display.snap()["barriers"] == {}
    assert sum(s["barriers"] for s in display.snapshots[-1]["stats"].values()) == len(fd.posts)

    # -- reveal -----------------------------------------------------------------------------
    fd.advance_rooms("brainstorm")
    for p in fd.people[:6]:
        assert {int(k) for k in p.snap()["barriers"]} == room_posts[p.c.room_id]

    # -- vote: duplicates merged (dots de-duplicated), dot budget ------------------------
    fd.advance_rooms("reveal")
    shared = {}
    for rid in fd.rooms:
        voters = fd.in_room(rid)
        double, single = voters[3], voters[4]
        for bid in dupes[rid]:
            double.c.ok("vote_cast", target_type="barrier", target_id=bid)
        single.c.ok("vote_cast", target_type="barrier", target_id=dupes[rid][1])
        result = facs[rid].c.ok("barrier_merge", barrier_ids=dupes[rid], text=f"Stops are not explained (room {rid})")
        assert result["returned_votes"] == 1
        shared[rid] = result["shared_id"]
        fd.posts[("barrier", shared[rid])] = {"text": f"Stops are not explained (room {rid})", "author": None,
                                               "anonymous": True, "name": None, "room_id": rid}
        assert double.state["my_votes"] == [f"barrier:{shared[rid]}"]
        assert facs[rid].state["barriers"][str(shared[rid])]["votes"] == 2
    for rid in fd.rooms:
        voters = fd.in_room(rid)
        # Top-level barriers of the room, in a fixed order.
        ballot = sorted(int(k) for k, b in facs[rid].state["barriers"].items()
                        if b["merged_into"] is None and not b["hidden"])
        for n, p in enumerate(voters):
            have = set(p.state["my_votes"])
            for bid in (ballot[n % len(ballot)], ballot[(n * 2 + 1) % len(ballot)], shared[rid], ballot[-1]):
                if len(have) < 3 and f"barrier:{bid}" not in have:
                    p.c.ok("vote_cast", target_type="barrier", target_id=bid)
                    have.add(f"barrier:{bid}")
            if len(have) < 3:
                for bid in ballot:
                    if len(have) < 3 and f"barrier:{bid}" not in have:
                        p.c.ok("vote_cast", target_type="barrier", target_id=bid)
                        have.add(f"barrier:{bid}")
            spare = next(b for b in ballot if f"barrier:{b}" not in have)
            if n % 4 == 0:
                err = p.c.refused("vote_cast", "budget_spent", target_type="barrier", target_id=spare)
                assert err["details"]["budget"] == 3
            if n % 3 == 1:  # change of mind: withdraw one dot, give it to another item
                took = sorted(have)[0]
                p.c.ok("vote_withdraw", target_type="barrier", target_id=int(took.split(":")[1]))
                r = p.c.ok("vote_cast", target_type="barrier", target_id=spare)
                assert r["remaining"] == 0
            assert len(p.state["my_votes"]) == 3
    # Tallies agree everywhere: the facilitator's board, each room's phones, the projector's counts.
    for rid in fd.rooms:
        board = facs[rid].state["barriers"]
        expected_votes = sum(b["votes"] for b in board.values())
        assert expected_votes == 3 * len(fd.in_room(rid))
        assert display.state["stats"][str(rid)]["votes"] == expected_votes
        for p in fd.in_room(rid)[:3]:
            assert {k: b["votes"] for k, b in p.state["barriers"].items() if not b["hidden"]} == {
                k: b["votes"] for k, b in board.items() if not b["hidden"]}

    # -- solutions ------------------------------------------------------------------------------
    fd.advance_rooms("vote")
    top = {}
    for rid in fd.rooms:
        board = facs[rid].state["barriers"]
        ranked = sorted((b for b in board.values() if b["merged_into"] is None and not b["hidden"]),
                        key=lambda b: (-b["votes"], b["id"]))
        top[rid] = [b["id"] for b in ranked[:2]]
        voters = fd.in_room(rid)
        sols = []
        for n, p in enumerate(voters[:4]):
            sols.append(fd.post(p, "solution", f"{SOLUTION_TEXTS[(n + rid) % len(SOLUTION_TEXTS)]} ({next(numbers)})",
                                barrier_id=top[rid][n % 2], anonymous=[None, True, False][n % 3]))
        for n, p in enumerate(voters):
            p.c.ok("vote_cast", target_type="solution", target_id=sols[n % len(sols)])

    # -- report-out: the top barriers of each room go to the plenary -------------------------
    fd.advance_rooms("solutions")
    pushed_texts = set()
    for rid in fd.rooms:
        items = facs[rid].c.ok("report_push", barrier_ids=top[rid])["item_ids"]
        assert len(items) == 2
        pushed_texts.update(fd.posts[("barrier", bid)]["text"] for bid in top[rid])
    plenary = display.state["plenary"]
    assert len(plenary) == 6
    for item in plenary.values():
        assert item["room_votes"] == facs[item["room_id"]].state["barriers"][str(item["barrier_id"])]["votes"]
        pushed_texts.update(s["text"] for s in item["solutions"])
    # Display before the report-out: no posted text at all (checked below with the whole log).
    first_push_seq = min(e["seq"] for e in display.log if e["type"] == "plenary_item_added")

    # -- plenary: everyone votes, the projector sees the tallies --------------------------------
    org.c.ok("workshop_advance")
    item_ids = sorted(int(k) for k in plenary)
    expected = dict.fromkeys(item_ids, 0)
    for n, p in enumerate(fd.people):
        for item in (item_ids[n % 6], item_ids[(n + 2) % 6]):
            p.c.ok("vote_cast", target_type="plenary", target_id=item)
            expected[item] += 1
        if n % 5 == 0:
            p.c.ok("vote_withdraw", target_type="plenary", target_id=item_ids[n % 6])
            expected[item_ids[n % 6]] -= 1
    for screen in (display, org, *facs.values(), fd.people[0], fd.people[-1]):
        assert {int(k): v["votes"] for k, v in screen.state["plenary"].items()} == expected, screen.label

    # -- action plan: entries from plenary items, an edit conflict ------------------------------
    org.c.ok("workshop_advance")
    ranked_items = sorted(item_ids, key=lambda i: (-expected[i], i))
    entries = [org.c.ok("plan_entry_create", plenary_item_id=i)["entry"] for i in ranked_items[:3]]
    fac = facs[fd.rooms[0]]
    entry = entries[0]
    org.c.ok("plan_entry_update", entry_id=entry["id"], field="owner", value="Chief of Police", version=1)
    err = fac.c.refused("plan_entry_update", "conflict", entry_id=entry["id"], field="owner",
                        value="Neighbourhood council", version=1)
    assert err["details"] == {"field": "owner", "current_value": "Chief of Police", "current_version": 2}
    fac.c.ok("plan_entry_update", entry_id=entry["id"], field="owner",
             value="Chief of Police with the neighbourhood council", version=err["details"]["current_version"])
    org.c.ok("plan_entry_update", entry_id=entry["id"], field="timeline", value="تا پایان سه ماه آینده", version=1)
    org.c.ok("plan_entry_update", entry_id=entry["id"], field="status", value="agreed", version=1)
    for screen in (display, fd.people[5]):
        plan = screen.state["plan"][str(entry["id"])]
        assert plan["fields"]["owner"] == "Chief of Police with the neighbourhood council"
        assert plan["versions"]["owner"] == 3

    # -- council: volunteers, co-chairs from both sides -------------------------------------------
    police = [p for p in fd.people if fd.info[p.c.participant_id]["group"] == "law_enforcement"]
    community = [p for p in fd.people if fd.info[p.c.participant_id]["group"] in ("community_member", "community_org")]
    volunteers = [police[0], police[1], community[0], community[2], community[3], community[5]]
    for n, p in enumerate(volunteers):
        if n % 2 == 0:
            contact = f"volunteer{n}@example.org"
            if n == 2:
                p.c.refused("council_volunteer", "consent_required", contact=contact, consent=False)
            p.c.ok("council_volunteer", contact=contact, consent=True)
            fd.contacts[p.c.participant_id] = contact
        else:
            p.c.ok("council_volunteer", consent=False)
    org.c.ok("council_role_set", participant_id=police[0].c.participant_id, role="co_chair_law_enforcement")
    org.c.ok("council_role_set", participant_id=community[0].c.participant_id, role="co_chair_community")
    for p in volunteers[3:]:
        org.c.ok("council_role_set", participant_id=p.c.participant_id, role="member")
    council = display.state["council"]
    chairs = [m for m in council.values() if m["role"] in rules.CO_CHAIR_ROLES]
    assert len(chairs) == 2
    assert {m["group"] for m in chairs} in ({"law_enforcement", "community_member"},
                                             {"law_enforcement", "community_org"})
    assert len(council) == 5
    assert volunteers[0].state["me"]["volunteer"]["role"] in rules.CO_CHAIR_ROLES

    org.c.ok("workshop_advance")
    assert display.state["workshop"]["phase"] == "closed"

    # -- every screen converged ---------------------------------------------------------------------
    for screen in fd.screens:
        reduced = screen.state
        final = screen.snap()
        assert reduced["seq"] <= final["seq"]
        assert {**reduced, "seq": final["seq"]} == final, f"{screen.label} ({screen.role}) diverged"

    # -- anonymity: no author identity on anonymous posts, anywhere ---------------------------------
    seen = 0
    for screen in fd.screens:
        for payload in [*screen.snapshots, *(e["data"] for e in screen.log)]:
            for kind, view in post_views(payload):
                seen += 1
                post = fd.posts[(kind, view["id"])]
                assert view["text"] == post["text"]
                if post["anonymous"]:
                    assert view["author_name"] is None, (screen.label, view)
                    if post["name"]:
                        assert post["name"] not in dumps(view)
                else:
                    # A named post is screened (no name) until its room's reveal, then named.
                    assert view["author_name"] in (None, post["name"]), (screen.label, view)
        for kind, view in post_views(screen.state):  # every room is revealed by the end of the day
            post = fd.posts[(kind, view["id"])]
            if not post["anonymous"]:
                assert view["author_name"] == post["name"], (screen.label, view)
        # authorship events (the only post-to-person link) reach the author only
        for e in screen.log:
            if e["type"] == "authorship":
                kind, pid = e["data"]["key"].split(":")
                assert fd.posts[(kind, int(pid))]["author"] == screen.c.participant_id, screen.label
        # plenary items carry no author at all
        for item in screen.state["plenary"].values():
            assert set(item) == {"id", "room_id", "barrier_id", "text", "room_votes", "solutions", "votes",
                                 "merged_into", "members", "priority"}
    assert seen > 500

    # -- the projector: no posted text before the report-out, and then only what was pushed ---------
    # (the plenary board, and the action plan drawn from it, are public by design)
    all_texts = {v["text"] for v in fd.posts.values()}
    for x in [*display.log, *display.snapshots]:
        leaked = {t for t in all_texts if t in dumps(x)}
        if x["seq"] < first_push_seq:
            assert not leaked, f"projector received post text before the report-out: {x}"
        else:
            assert leaked <= pushed_texts, f"projector received unpushed post text: {leaked - pushed_texts}"
    for snap in display.snapshots:
        assert snap["barriers"] == {} and snap["solutions"] == {}

    # -- contact details: the organiser and the volunteer only ---------------------------------------
    for screen in fd.screens:
        blob = dumps([*screen.snapshots, *screen.log])
        for pid, contact in fd.contacts.items():
            allowed = screen.role == "organiser" or (screen.role == "participant" and screen.c.participant_id == pid)
            assert (contact in blob) == allowed, f"{contact} {'missing from' if allowed else 'leaked to'} {screen.label}"
