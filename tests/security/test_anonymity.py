"""Real anonymity (docs/security.md): a whole day is played with a Socket.IO
test client for every screen, and EVERYTHING the server sent anyone is
scanned: every event, every acknowledgement, every `sync` answer (events and
snapshots), every public HTTP response, and the server's log output.

What must never be found:
- an anonymous post's author, by name or by participant id, in anything that
  refers to that post; no key like `author_id` anywhere;
- the names of people who posted only anonymously, anywhere except where
  the server lists people (participant lists, the council, the organiser's
  volunteer list), which carry no link to any post;
- "this post is yours" (`authorship` events, `mine` in a snapshot,
  `room_changed` with own posts) on any device but the author's own;
- any access token or token hash, in anything sent or logged (a phone's own
  token comes back once, in its own /api/join answer).

Exports (server/reports/) are scanned by their own tests.
"""
from __future__ import annotations

import json
import logging

import pytest

from server.domain.auth import token_hash

from ..board import Board
from ..conftest import Client, Day, events_in

# Distinctive names: a hit in a scan cannot be a coincidence.
ZEPHYRINE = "Zephyrine Quixley"        # named, every post anonymous (her default)
BARTHOLOMEW = "Bartholomew Inkwater"   # named, posts named by default, one anonymous
WILHELMINA = "Wilhelmina Farraday"     # named, anonymous by default, volunteers for the council
THADDEUS = "Thaddeus Grimsby"          # named, anonymous by default, moved to another room
MEHRANGIZ = "مهرانگیز کاظمی"             # named (Persian), anonymous by default
IGNATIUS = "Ignatius Pembleton"        # named, anonymous, in room 3
PERSEPHONE = "Persephone Ashdown"      # named, posts named: the control
ALWAYS_ANONYMOUS = (ZEPHYRINE, WILHELMINA, THADDEUS, MEHRANGIZ, IGNATIUS)
PEOPLE_KEYS = {"participants", "participant", "me", "volunteers", "volunteer", "council", "member"}


@pytest.fixture
def recorded(monkeypatch):
    """Every Client records each ack, sync answer and received message in `client.seen`."""
    send, sync = Client.send, Client.sync

    def seen(self) -> list:
        if not hasattr(self, "_seen"):
            self._seen = []
        return self._seen

    def rec_send(self, name, cid=None, **payload):
        ack = send(self, name, cid, **payload)
        seen(self).append({"ack": name, "body": ack})
        return ack

    def rec_sync(self, since=None):
        ack = sync(self, since)
        seen(self).append({"sync": since, "body": ack})
        return ack

    def rec_events(self):
        out = []
        for msg in self.sio.get_received():
            seen(self).append({"message": msg["name"], "body": msg["args"]})
            out.extend(events_in(msg["name"], msg["args"]))
        return out

    monkeypatch.setattr(Client, "send", rec_send)
    monkeypatch.setattr(Client, "sync", rec_sync)
    monkeypatch.setattr(Client, "events", rec_events)
    monkeypatch.setattr(Client, "seen", property(seen), raising=False)


class AnonymousDay:
    def __init__(self, app):
        self.day = Day(app)
        self.created = self.day.create(rooms=3, vote_budget=3, title="Anonymity day")
        self.b = Board(self.day)
        self.fac3 = self.day.facilitator(2)
        self.http: list[tuple[str, object]] = []   # (what, body) of public HTTP answers
        self.posts: dict[tuple[str, int], dict] = {}
        self.people: dict[int, dict] = {}
        self.devices: dict[int, list[Client]] = {}

    def person(self, name, room, anonymous=True, group="community_member", language="en") -> Client:
        c = self.b.person(room, name=name, anonymous=anonymous, group=group, language=language)
        self.people[c.participant_id] = {"name": name, "anonymous": anonymous}
        self.devices[c.participant_id] = [c]
        return c

    def second_device(self, c: Client) -> Client:
        twin = self.day._client(c.token, "participant", participant_id=c.participant_id, room_id=c.room_id)
        self.devices[c.participant_id].append(twin)
        return twin

    def post(self, who: Client, text: str, anonymous=None) -> int:
        kw = {} if anonymous is None else {"anonymous": anonymous}
        view = who.ok("barrier_post", text=text, **kw)["barrier"]
        self.remember("barrier", view, who, anonymous)
        return view["id"]

    def propose(self, who: Client, barrier_id: int, text: str, anonymous=None) -> int:
        kw = {} if anonymous is None else {"anonymous": anonymous}
        view = who.ok("solution_post", barrier_id=barrier_id, text=text, **kw)["solution"]
        self.remember("solution", view, who, anonymous)
        return view["id"]

    def remember(self, kind, view, who, anonymous):
        me = self.people[who.participant_id]
        anon = True if not me["name"] else (me["anonymous"] if anonymous is None else anonymous)
        self.posts[(kind, view["id"])] = {"author": who.participant_id, "anonymous": anon, "name": me["name"]}

    def get(self, path):
        resp = self.day.http.get(path)
        body = resp.get_data(as_text=True) if resp.mimetype != "image/svg+xml" else resp.get_data().decode()
        self.http.append((path, {"headers": dict(resp.headers), "body": body}))
        resp.close()

    def all_rooms(self, phase):
        for i in range(3):
            self.b.phase(phase, i)


def play(d: AnonymousDay):
    b, org = d.b, d.b.org
    zeph = d.person(ZEPHYRINE, 0, anonymous=True)
    bart = d.person(BARTHOLOMEW, 0, anonymous=False, group="law_enforcement")
    wil = d.person(WILHELMINA, 0, anonymous=True, group="community_org")
    thad = d.person(THADDEUS, 0, anonymous=True, group="law_enforcement")
    nameless = d.person(None, 0)
    mehr = d.person(MEHRANGIZ, 1, anonymous=True, language="fa")
    pers = d.person(PERSEPHONE, 1, anonymous=False)
    nameless_b = d.person(None, 1, group="law_enforcement")
    ign = d.person(IGNATIUS, 2, anonymous=True)
    pers3 = d.person("Cornelius Named", 2, anonymous=False, group="law_enforcement")
    zeph2 = d.second_device(zeph)
    for path in ("/", "/p", f"/j/{d.created['join_code']}", "/healthz", f"/api/workshops/{d.created['join_code']}",
                 f"/qr/{d.created['join_code']}.svg", "/f", "/o", "/d"):
        d.get(path)

    # -- silent brainstorm -----------------------------------------------------------
    d.all_rooms("brainstorm")
    zb = [d.post(zeph, "Stops are never explained to us"), d.post(zeph, "Complaints vanish")]
    bb_named = d.post(bart, "Officers feel the community never listens")
    bb_anon = d.post(bart, "Colleagues joke about the neighbourhood", anonymous=True)
    wb = d.post(wil, "Nobody explains why they stop you")
    tb = d.post(thad, "Night shifts never meet residents")
    nb = d.post(nameless, "Interpreters are missing at the station", anonymous=False)  # no name: stays anonymous
    mb = d.post(mehr, "مترجم فارسی در کلانتری نیست")
    d.post(pers, "Residents do not know the beat officers")
    d.post(nameless_b, "Calls go unanswered at night")
    ib = d.post(ign, "Youth fear being searched at school")
    d.post(pers3, "Patrols only come when something is wrong")
    d.pump()

    # -- reveal, merge, undo, moderation -----------------------------------------------------
    d.all_rooms("reveal")
    shared = b.fac.ok("barrier_merge", barrier_ids=[zb[0], wb], text="Stops without explanation")["shared_id"]
    d.posts[("barrier", shared)] = {"author": None, "anonymous": True, "name": None}
    undo = b.fac.ok("barrier_merge", barrier_ids=[bb_anon, nb])["shared_id"]
    d.posts[("barrier", undo)] = {"author": None, "anonymous": True, "name": None}
    b.fac.ok("merge_undo", shared_id=undo)
    b.fac.ok("post_hide", kind="barrier", id=tb, reason="Please rephrase")
    b.fac.ok("post_restore", kind="barrier", id=tb)
    org.ok("post_hide", kind="barrier", id=zb[1], reason="Duplicate")
    d.pump()

    # -- vote ----------------------------------------------------------------------------------
    d.all_rooms("vote")
    for voter, targets in ((zeph, [shared, bb_named]), (bart, [shared, tb]), (wil, [bb_anon]), (thad, [shared]),
                           (nameless, [nb, shared])):
        for t in targets:
            voter.ok("vote_cast", target_type="barrier", target_id=t)
    bart.ok("vote_withdraw", target_type="barrier", target_id=tb)
    mehr.ok("vote_cast", target_type="barrier", target_id=mb)
    ign.ok("vote_cast", target_type="barrier", target_id=ib)

    # -- solutions -------------------------------------------------------------------------------
    d.all_rooms("solutions")
    s1 = d.propose(zeph, shared, "A card explaining every stop")
    d.propose(bart, shared, "Explain the reason before asking for ID")
    s3 = d.propose(bart, bb_named, "Listening sessions every month", anonymous=True)
    s4 = d.propose(wil, shared, "Body cameras on every shift")
    d.propose(pers, mb, "استخدام مترجم")  # a named solution to someone's anonymous barrier
    d.propose(ign, ib, "No searches without a parent present")
    wil.ok("solution_withdraw", solution_id=s4)
    for voter in (zeph, bart, thad):
        voter.ok("vote_cast", target_type="solution", target_id=s1)
    wil.ok("vote_cast", target_type="solution", target_id=s3)

    # -- report-out, a move, plenary, plan, council -------------------------------------------------
    d.all_rooms("report_out")
    b.fac.ok("report_push", barrier_ids=[shared, bb_named])
    b.fac_b.ok("report_push", barrier_ids=[mb])
    d.fac3.ok("report_push", barrier_ids=[ib])
    org.ok("participant_move", participant_id=thad.participant_id, room_id=b.room_b)
    thad.room_id = b.room_b
    thad.sync(None)
    b.workshop_phase("plenary")
    items = sorted(int(k) for k in org.snapshot()["plenary"])
    for n, voter in enumerate((zeph, bart, wil, thad, mehr, pers, ign, pers3)):
        voter.ok("vote_cast", target_type="plenary", target_id=items[n % len(items)])
    b.workshop_phase("action_plan")
    entry = org.ok("plan_entry_create", plenary_item_id=items[0])["entry"]
    b.fac.ok("plan_entry_update", entry_id=entry["id"], field="owner", value="Chief and council", version=1)
    wil.ok("council_volunteer", contact="wilhelmina@example.org", consent=True)
    zeph.ok("council_volunteer", consent=False)
    org.ok("council_role_set", participant_id=wil.participant_id, role="co_chair_community")
    d.pump()

    # -- every screen resumes from scratch and takes a snapshot ------------------------------------------
    for c in d.day.clients:
        c.sync(0)
        c.sync(None)
    d.pump()
    return {"zeph": zeph, "zeph2": zeph2, "thad": thad}


def _pump(self):
    for c in self.day.clients:
        c.events()


AnonymousDay.pump = _pump


# -- scanning ------------------------------------------------------------------------------

def walk(x, path=()):
    """Every dict inside x, with its path of keys."""
    if isinstance(x, dict):
        yield path, x
        for k, v in x.items():
            yield from walk(v, (*path, k))
    elif isinstance(x, list):
        for v in x:
            yield from walk(v, path)


def without_people(x):
    """x with the server's lists of people removed (names there are by design, linked to no post)."""
    if isinstance(x, dict):
        return {k: without_people(v) for k, v in x.items() if k not in PEOPLE_KEYS}
    if isinstance(x, list):
        return [without_people(v) for v in x]
    return x


def post_refs(d: dict) -> set[tuple[str, int]]:
    """The posts a dict refers to."""
    refs = set()
    if "text" in d and "author_name" in d and isinstance(d.get("id"), int):
        refs.add(("solution" if "barrier_id" in d else "barrier", d["id"]))
    if isinstance(d.get("barrier_id"), int):
        refs.add(("barrier", d["barrier_id"]))
    if isinstance(d.get("solution_id"), int):
        refs.add(("solution", d["solution_id"]))
    if d.get("kind") in ("barrier", "solution") and isinstance(d.get("id"), int):
        refs.add((d["kind"], d["id"]))
    if d.get("target_type") in ("barrier", "solution") and isinstance(d.get("target_id"), int):
        refs.add((d["target_type"], d["target_id"]))
    for key in ("shared_id",):
        if isinstance(d.get(key), int):
            refs.add(("barrier", d[key]))
    if isinstance(d.get("key"), str) and ":" in d["key"]:
        kind, _, i = d["key"].partition(":")
        if i.isdigit():
            refs.add((kind, int(i)))
    return refs


def dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False)


def test_nothing_sent_or_logged_links_an_anonymous_post_to_its_author(app, recorded, caplog):
    caplog.set_level(logging.DEBUG)
    d = AnonymousDay(app)
    try:
        who = play(d)
        anonymous = {k: v for k, v in d.posts.items() if v["anonymous"] and v["author"] is not None}
        assert len(anonymous) >= 12 and any(v["name"] for v in anonymous.values())
        named = {k: v for k, v in d.posts.items() if not v["anonymous"]}
        assert named, "the control group of named posts is missing"

        received = {id(c): c.seen for c in d.day.clients}
        total = sum(len(v) for v in received.values())
        assert total > 300

        for c in d.day.clients:
            label = f"{c.role} {c.participant_id or c.room_id or ''}"
            for item in c.seen:
                body = item["body"]
                for path, obj in walk(body):
                    keys = {k for k in obj if "author" in k}
                    assert keys <= {"author_name"}, f"{label} received {keys} at {path}: {obj}"
                    refs = post_refs(obj)
                    if {"text", "author_name"} <= set(obj) and obj.get("author_name") is not None:
                        # A named post names its own author; its barrier_id only points at another post.
                        refs = {r for r in refs if r[1] == obj["id"] and r[0] == ("solution" if "barrier_id" in obj
                                                                                 else "barrier")}
                    for ref in refs:
                        post = d.posts.get(ref)
                        if post is None or not post["anonymous"] or post["author"] is None:
                            continue
                        if {"text", "author_name"} <= set(obj) and obj.get("id") == ref[1]:
                            assert obj["author_name"] is None, f"{label}: anonymous {ref} shows a name: {obj}"
                        flat = dumps(without_people(obj))
                        if post["name"]:
                            assert post["name"] not in flat, f"{label}: {ref}'s author's name next to it: {obj}"
                        for k in ("participant_id", "participant", "author_id", "voter", "by"):
                            assert obj.get(k) != post["author"], f"{label}: {ref} carries its author's id: {obj}"
                # Only the author's own devices learn that a post is theirs.
                own_ids = {c.participant_id} if c.role == "participant" else set()
                for path, obj in walk(body):
                    mine = obj.get("mine") if isinstance(obj.get("mine"), list) else []
                    for key in mine:
                        kind, _, i = key.partition(":")
                        assert d.posts[(kind, int(i))]["author"] in own_ids, f"{label} was told {key} is theirs"
                    if obj.get("type") == "authorship":
                        kind, _, i = obj["data"]["key"].partition(":")
                        assert d.posts[(kind, int(i))]["author"] in own_ids, f"{label} got {obj}"
                    if obj.get("type") == "room_changed":
                        assert c.role == "participant", f"{label} got a participant's room_changed"
                    if obj.get("type") == "my_votes":
                        assert c.role == "participant", f"{label} received someone's dots: {obj}"
                # People who only ever posted anonymously: named nowhere outside the lists of people.
                flat = dumps(without_people(body))
                for name in ALWAYS_ANONYMOUS:
                    assert name not in flat, f"{label} received {name!r} outside a list of people: {item}"

        # Both of the author's devices learned of her posts, nobody else's device did.
        for dev in (who["zeph"], who["zeph2"]):
            keys = {ev["data"]["key"] for e in dev.seen if "message" in e
                    for ev in events_in(e["message"], e["body"]) if ev["type"] == "authorship"}
            assert keys == {f"{k}:{i}" for (k, i), v in d.posts.items() if v["author"] == dev.participant_id}
        # The control: named posts do carry their author's name (so the scan would see a leak).
        blob = dumps([c.seen for c in d.day.clients])
        assert PERSEPHONE in dumps(without_people([c.seen for c in d.day.clients]))
        assert BARTHOLOMEW in blob

        # Tokens and token hashes: never sent to anyone, never in public HTTP answers, never logged.
        tokens = [d.created["organiser_token"], d.created["display_token"],
                  *(f["token"] for f in d.created["facilitators"]), *(c.token for c in d.day.clients)]
        tokens = sorted(set(tokens))
        public = dumps([body for _, body in d.http])
        logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
        for t in tokens:
            for secret in (t, token_hash(t)):
                assert secret not in blob, "a token was sent over a socket"
                assert secret not in public, "a token is in a public HTTP answer"
                assert secret not in logged, "a token was logged"
        for name in ALWAYS_ANONYMOUS:
            assert name not in logged, f"{name} was logged"
    finally:
        d.day.close()
