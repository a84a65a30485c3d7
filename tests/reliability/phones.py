"""Simulated screens for the reliability tests: python-socketio clients that follow
docs/protocol.md §6 the way web/js/connection.js does.

- after every connect: `sync {since}`; live events received meanwhile are held and applied after;
- an event at or below the applied seq that was never applied (it arrived late, e.g. another
  server process delivered it after a newer one) is a gap: start again from a snapshot;
- a `resync` notice from the server (its message-queue listener missed messages): `sync`;
- on a drop: reconnect, trying the given addresses in turn (a proxy gives one address);
- commands carry a cid and are retried with the same cid until acknowledged, so an
  acknowledged command is applied exactly once.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
import uuid

import requests
import socketio

from server.domain import reducer

WAIT_SECS = 10
RETRYABLE = {"server_error", "paused"}
log = logging.getLogger("phones")


class Screen:
    def __init__(self, urls: list[str] | str, token: str, name: str = "screen", transports=("websocket",)):
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        self._next_url = itertools.cycle(range(len(self.urls)))
        self.token, self.name = token, name
        self.transports = list(transports)
        self.lock = threading.RLock()
        self.state: dict | None = None
        self.base_seq = 0
        self.seen: set[int] = set()
        self.held: list[dict] = []
        self.syncing = False
        self.synced = False  # a sync answered since the last connect
        self.want_sync = False
        self.want_snapshot = False
        self.closed = False
        self.connected_url: str | None = None
        self.stats = {"connects": 0, "syncs": 0, "snapshots": 0, "late_events": 0, "resync_notices": 0}
        self.sio = self._client()
        self._connect_any(deadline=time.monotonic() + WAIT_SECS)

    # -- connection --------------------------------------------------------------
    def _client(self):
        sio = socketio.Client(reconnection=False)
        sio.on("event", self._on_event)
        sio.on("events", self._on_events)
        sio.on("resync", self._on_resync)
        sio.on("disconnect", self._on_disconnect)
        return sio

    def _connect_any(self, deadline: float) -> None:
        last = None
        while not self.closed:
            url = self.urls[next(self._next_url)]
            self.synced = False
            try:
                self.sio.connect(url, auth={"token": self.token}, transports=self.transports,
                                 wait_timeout=5)
                self.connected_url = url
                self.stats["connects"] += 1
                self.sync()
                return
            except Exception as exc:  # noqa: BLE001 - try the next address
                last = exc
                try:
                    self.sio.disconnect()
                except Exception:  # noqa: BLE001
                    pass
                self.sio = self._client()
            if time.monotonic() > deadline:
                raise ConnectionError(f"{self.name}: no server answered: {last}")
            time.sleep(0.3)

    def _on_disconnect(self, *args):
        self.connected_url = None
        self.synced = False
        if not self.closed:
            threading.Thread(target=self._reconnect, daemon=True).start()

    def _reconnect(self):
        time.sleep(0.2)
        try:
            self._connect_any(deadline=time.monotonic() + 60)
        except Exception as exc:  # noqa: BLE001
            log.warning("%s could not reconnect: %s", self.name, exc)

    # -- events and sync ---------------------------------------------------------
    def _on_resync(self, *args):
        self.stats["resync_notices"] += 1
        with self.lock:
            self.want_snapshot = True  # what was lost may be older than what we applied
        threading.Thread(target=self.sync, daemon=True).start()

    def _on_events(self, evs):
        for ev in evs:
            self._on_event(ev)

    def _on_event(self, ev):
        late = False
        with self.lock:
            if self.state is None or self.syncing or not self.synced:
                self.held.append(ev)
                return
            late = not self._apply(ev)
        if late:
            threading.Thread(target=self.sync, daemon=True).start()

    def _apply(self, ev) -> bool:
        """Apply one event; False when it reveals a gap (then the next sync takes a snapshot)."""
        seq = ev["seq"]
        if seq <= self.state["seq"]:
            if seq > self.base_seq and seq not in self.seen:
                self.stats["late_events"] += 1
                self.want_snapshot = True
                return False
            return True
        self.state = reducer.apply(self.state, ev)
        self.seen.add(seq)
        return True

    def sync(self):
        with self.lock:
            if self.syncing:
                self.want_sync = True
                return
            self.syncing = True
        try:
            while True:
                with self.lock:
                    self.want_sync = False
                    since = None if (self.state is None or self.want_snapshot) else self.state["seq"]
                try:
                    ack = self.sio.call("sync", {"since": since}, timeout=WAIT_SECS)
                except Exception:  # noqa: BLE001 - no answer: try again while connected (as web/js/connection.js)
                    self._sync_later()
                    return
                if not ack.get("ok"):  # refused (e.g. a retryable server_error while the database restarts)
                    self._sync_later()
                    return
                with self.lock:
                    self.stats["syncs"] += 1
                    if ack["mode"] == "snapshot":
                        self.stats["snapshots"] += 1
                        self.state = ack["state"]
                        self.base_seq = self.state["seq"]
                        self.seen = set()
                        self.want_snapshot = False
                    else:
                        for ev in ack["events"]:
                            self._apply(ev)
                        if not self.want_snapshot and ack["seq"] > self.state["seq"]:
                            self.state = {**self.state, "seq": ack["seq"]}
                    held, self.held = sorted(self.held, key=lambda e: e["seq"]), []
                    for ev in held:
                        self._apply(ev)
                    if not (self.want_sync or self.want_snapshot):
                        self.synced = True
                        return
        finally:
            with self.lock:
                self.syncing = False

    def _sync_later(self, delay: float = 1.0):
        """The JavaScript client retries an unanswered or refused sync after a second while it
        is still connected; a disconnect starts a reconnect, which syncs anyway."""
        def again():
            if not self.closed and self.sio.connected:
                self.sync()
        timer = threading.Timer(delay, again)
        timer.daemon = True
        timer.start()

    # -- commands ----------------------------------------------------------------
    def call(self, name: str, cid: str | None = None, deadline_secs: float = 30, **payload) -> dict:
        """Send until acknowledged (same cid each time), as the phone's outbox does."""
        cid = cid or uuid.uuid4().hex
        deadline = time.monotonic() + deadline_secs
        while True:
            try:
                ack = self.sio.call(name, {"cid": cid, **payload}, timeout=5)
                if ack.get("ok") or ack["error"]["code"] not in RETRYABLE:
                    return ack
            except Exception as exc:  # noqa: BLE001 - no ack: not connected, or dropped
                self.stats.setdefault("retries", []).append(f"{time.monotonic():.1f}:{type(exc).__name__}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: {name} not acknowledged in {deadline_secs}s")
            time.sleep(0.2)

    def ok(self, name: str, **payload) -> dict:
        ack = self.call(name, **payload)
        assert ack["ok"], (self.name, name, ack)
        return ack["result"]

    def fresh(self) -> dict:
        return self.sio.call("sync", {"since": None}, timeout=WAIT_SECS)["state"]

    def converged(self) -> bool:
        try:
            fresh = self.fresh()
        except Exception:  # noqa: BLE001
            return False
        with self.lock:
            return (self.state is not None and self.synced and not self.syncing
                    and {**self.state, "seq": 0} == {**fresh, "seq": 0})

    def close(self):
        self.closed = True
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001
            pass


def join(url: str, code: str, group: str, language: str = "en", name: str | None = None) -> dict:
    resp = requests.post(url + "/api/join", json={"code": code, "group": group, "language": language,
                                                  "name": name, "anonymous": name is None,
                                                  "device_key": uuid.uuid4().hex}, timeout=WAIT_SECS)
    assert resp.status_code == 200, resp.text
    return resp.json()


def token(url: str) -> str:
    return url.split("#", 1)[1]


def wait_until(check, what: str, timeout: float = 30, explain=None) -> float:
    """Wait for check(); returns the seconds it took (reported, never asserted)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for: {what}" + (f"\n{explain()}" if explain else ""))


def differences(screens) -> str:
    out = []
    for s in screens:
        try:
            fresh = s.fresh()
        except Exception as exc:  # noqa: BLE001
            out.append(f"{s.name}: {exc}")
            continue
        for key in set(fresh) - {"seq"}:
            if (s.state or {}).get(key) != fresh[key]:
                out.append(f"{s.name} {key}: have {(s.state or {}).get(key)!r:.300} want {fresh[key]!r:.300}")
    return "\n".join(out)
