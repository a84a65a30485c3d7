"""A client that knows only docs/protocol.md plays a day against a real
`common-ground serve` (eventlet) over WebSocket, as a venue's phones would.

Each screen keeps its own state from the events it receives; at the end every
screen's state equals a fresh snapshot, and a phone that dropped off the
network and came back catches up by itself.
"""
from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests
import socketio

from server.domain import reducer

WAIT_SECS = 10


class Screen:
    def __init__(self, url: str, token: str, transports=("websocket",)):
        self.url, self.token, self.transports = url, token, list(transports)
        self.lock = threading.Lock()
        self.state = None
        self.buffer: list[dict] = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self._on_event)
        self.sio.on("events", lambda evs: [self._on_event(ev) for ev in evs])
        self.connect()

    def _on_event(self, ev):
        with self.lock:
            if self.state is None:
                self.buffer.append(ev)
            else:
                self.state = reducer.apply(self.state, ev)

    def connect(self):
        self.sio.connect(self.url, auth={"token": self.token}, transports=self.transports, wait_timeout=WAIT_SECS)
        self.resync()

    def resync(self):
        ack = self.sio.call("sync", {"since": self.state["seq"] if self.state else None}, timeout=WAIT_SECS)
        assert ack["ok"], ack
        with self.lock:
            if ack["mode"] == "snapshot":
                self.state = ack["state"]
            else:
                self.state = reducer.apply_all(self.state, ack["events"])
            self.state = reducer.apply_all(self.state, sorted(self.buffer, key=lambda e: e["seq"]))
            self.buffer.clear()

    def call(self, name: str, **payload) -> dict:
        return self.sio.call(name, {"cid": uuid.uuid4().hex, **payload}, timeout=WAIT_SECS)

    def ok(self, name: str, **payload) -> dict:
        ack = self.call(name, **payload)
        assert ack["ok"], (name, ack)
        return ack["result"]

    def fresh(self) -> dict:
        ack = self.sio.call("sync", {"since": None}, timeout=WAIT_SECS)
        return ack["state"]

    def converged(self) -> bool:
        # seq is left out: a snapshot carries the workshop's latest seq, while a
        # screen that applied events holds the last seq *it* was sent.
        fresh = self.fresh()
        with self.lock:
            return {**self.state, "seq": 0} == {**fresh, "seq": 0}

    def close(self):
        self.sio.disconnect()


def wait_until(check, what: str, explain=None):
    deadline = time.monotonic() + WAIT_SECS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {what}" + (f"\n{explain()}" if explain else ""))


def differences(screens) -> str:
    out = []
    for s in screens:
        fresh = s.fresh()
        if not s.converged():
            role = fresh["me"]["role"]
            for key in set(fresh) - {"seq"}:
                if s.state.get(key) != fresh[key]:
                    out.append(f"{role} {key}: have {s.state.get(key)!r:.400} want {fresh[key]!r:.400}")
    return "\n".join(out)


@pytest.fixture
def workshop(live_server):
    return live_server.create_workshop(rooms=2, budget=2)


def join(url, code, group, language="en", name=None):
    resp = requests.post(url + "/api/join", json={"code": code, "group": group, "language": language,
                                                  "name": name, "anonymous": name is None}, timeout=WAIT_SECS)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_day_over_real_websockets(live_server, workshop):
    url = live_server.url
    organiser = Screen(url, workshop["organiser_url"].split("#", 1)[1])
    display = Screen(url, workshop["display_url"].split("#", 1)[1])
    facilitators = [Screen(url, u.split("#", 1)[1]) for u in workshop["facilitator_urls"]]
    groups = ["law_enforcement", "community_member", "law_enforcement", "community_org",
              "community_member", "government_other"]
    phones = []
    for i, g in enumerate(groups):
        j = join(url, workshop["join_code"], g, language="fa" if i == 1 else "en",
                 name=f"Person {i}" if i % 2 else None)
        phones.append((j, Screen(url, j["token"])))
    screens = [organiser, display, *facilitators] + [s for _, s in phones]
    rooms = {j["room_id"] for j, _ in phones}
    assert len(rooms) == 2, "both rooms get people"

    for f in facilitators:
        f.ok("phase_advance", from_phase="lobby")  # brainstorm
    texts = ["Stops are not explained", "مردم از گزارش دادن می‌ترسند", "Body cams are off",
             "Officers don't live here", "No follow-up after complaints", "زبان مشترک نداریم"]
    for (j, s), text in zip(phones, texts):
        s.ok("barrier_post", text=text)

    # A phone drops off the network while the room is revealed and votes start.
    dropped_join, dropped = phones[0]
    dropped.sio.disconnect()
    for f in facilitators:
        f.ok("phase_advance", from_phase="brainstorm")  # reveal
        f.ok("phase_advance", from_phase="reveal", timer_secs=300)  # vote
    for j, s in phones[1:]:
        room_barriers = [b for b in s.state["barriers"].values() if b["room_id"] == j["room_id"]]
        s.ok("vote_cast", target_type="barrier", target_id=room_barriers[0]["id"])
    dropped.connect()  # resumes from its last seq
    wait_until(lambda: all(s.converged() for s in screens), "every screen equals a fresh snapshot",
               lambda: differences(screens))
    assert len(dropped.state["barriers"]) == 3, "the returning phone sees its room's revealed barriers"

    # Report-out, plenary, action plan.
    for f in facilitators:
        f.ok("phase_advance", from_phase="vote")  # solutions
        f.ok("phase_advance", from_phase="solutions")  # report_out
        top = max((b for b in f.state["barriers"].values() if not b["merged_into"]), key=lambda b: b["votes"])
        f.ok("report_push", barrier_ids=[top["id"]])
    organiser.ok("workshop_advance")  # plenary
    item_id = int(next(iter(organiser.state["plenary"])))
    for j, s in phones:
        s.ok("vote_cast", target_type="plenary", target_id=item_id)
    organiser.ok("workshop_advance")  # action plan
    entry = organiser.ok("plan_entry_create", plenary_item_id=item_id)["entry"]
    organiser.ok("plan_entry_update", entry_id=entry["id"], field="owner", value="Police chief's office",
                 version=entry["versions"]["owner"])
    wait_until(lambda: all(s.converged() for s in screens), "every screen converges after the plenary",
               lambda: differences(screens))
    assert display.state["plenary"][str(item_id)]["votes"] == len(phones)
    assert display.state["plan"][str(entry["id"])]["fields"]["owner"] == "Police chief's office"
    assert display.state["barriers"] == {}, "the projector never receives post text"
    for s in screens:
        s.close()


def test_a_phone_that_starts_on_long_polling_and_upgrades_hears_everything_in_order(live_server, workshop):
    """A browser whose WebSocket fails at first falls back to long-polling, and upgrades later: the
    events sent while it upgrades (queued) and after it (written straight into the socket,
    server/wswrite.py) all arrive, each once, in order."""
    url = live_server.url
    organiser = Screen(url, workshop["organiser_url"].split("#", 1)[1])
    phone = Screen(url, join(url, workshop["join_code"], "law_enforcement")["token"],
                   transports=("polling", "websocket"))
    seen: list[int] = []

    def hear(ev):
        seen.append(ev["seq"])
        phone._on_event(ev)

    phone.sio.on("event", hear)
    phone.sio.on("events", lambda evs: [hear(ev) for ev in evs])
    for i in range(30):  # while the upgrade runs, and after it
        organiser.ok("workshop_update", title=f"Eastside trust workshop {i}")
    wait_until(lambda: phone.sio.transport() == "websocket", "the phone upgraded to WebSocket")
    for i in range(30, 60):
        organiser.ok("workshop_update", title=f"Eastside trust workshop {i}")
    wait_until(lambda: len(seen) >= 60, "the phone heard all 60 changes")
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 60, seen  # in order, each once
    wait_until(lambda: phone.converged(), "the upgraded phone equals a fresh snapshot", lambda: differences([phone]))
    assert phone.state["workshop"]["title"] == "Eastside trust workshop 59"
    for s in (organiser, phone):
        s.close()
