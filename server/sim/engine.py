"""One simulated phone (or tablet, or projector) speaking the live protocol.

Everything goes through the real protocol (docs/protocol.md): POST /api/join
for a token, a Socket.IO connection with auth {token}, `sync` after every
connect, commands with a client id (`cid`) and an outbox that resends
unacknowledged commands with the same cid after a drop. asyncio only (the
python-socketio asyncio client on aiohttp); never eventlet.
"""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import socketio

from . import samples

# As long as a real phone waits (web/js/connection.js: ACK_TIMEOUT_MS, SYNC_TIMEOUT_MS) before it
# counts a call as unanswered and resends: a shorter wait would add resends a real room does not make.
CALL_TIMEOUT = 15.0
SYNC_TIMEOUT = 20.0
CONNECT_TIMEOUT = 15.0


def new_session(limit: int = 0) -> aiohttp.ClientSession:
    """One HTTP session for many simulated devices: no cap on open connections
    (aiohttp's default of 100 would also cap the number of WebSockets)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit, force_close=False),
                                 timeout=aiohttp.ClientTimeout(total=30))


@dataclass
class Person:
    """Who a simulated participant is (mixed groups and languages)."""
    group: str
    language: str
    name: str | None
    device_key: str = field(default_factory=lambda: uuid.uuid4().hex + uuid.uuid4().hex[:8])

    @classmethod
    def random(cls, rng: random.Random, languages: list[str] | None = None) -> Person:
        group = rng.choices(samples.GROUPS, weights=samples.GROUP_WEIGHTS)[0]
        langs = [lang for lang in (languages or ["en"]) if lang in samples.LANGUAGE_WEIGHTS] or ["en"]
        language = rng.choices(langs, weights=[samples.LANGUAGE_WEIGHTS[lang] for lang in langs])[0]
        name = rng.choice(samples.NAMES) if rng.random() < 0.4 else None
        return cls(group, language, name, device_key="sim" + "".join(rng.choice("0123456789abcdef")
                                                                     for _ in range(40)))


class JoinError(Exception):
    pass


async def join(http: aiohttp.ClientSession, url: str, code: str, person: Person, retries: int = 5) -> dict:
    """POST /api/join; retried with the same device key (the same participant) on a lost answer or 429."""
    body = {"code": code, "group": person.group, "language": person.language, "name": person.name,
            "anonymous": person.name is None, "device_key": person.device_key}
    last = None
    for attempt in range(retries):
        try:
            async with http.post(url.rstrip("/") + "/api/join", json=body) as resp:
                data = await resp.json(content_type=None)
                if resp.status == 200:
                    return data
                last = f"{resp.status} {data}"
                if resp.status == 429:
                    await asyncio.sleep(float((data.get("error") or {}).get("details", {}).get("retry_after", 1)))
                    continue
                raise JoinError(last)
        except (TimeoutError, aiohttp.ClientError) as exc:
            last = repr(exc)
            await asyncio.sleep(0.5 * (attempt + 1))
    raise JoinError(f"join failed: {last}")


# aiohttp's offer "permessage-deflate; client_max_window_bits" (its 15-bit window), as Chromium's.
BROWSER_WEBSOCKET = {"compress": 15}


class Device:
    """A connected screen. Records when each event (by seq) first arrived and
    counts events that arrived twice; optionally keeps the full state with the
    server's reducer (server/domain/reducer.py), as the real clients do."""

    def __init__(self, url: str, token: str, *, label: str = "", http: aiohttp.ClientSession | None = None,
                 keep_state: bool = False, record: bool = True):
        self.url, self.token, self.label = url, token, label
        self.keep_state = keep_state
        self.record = record
        self.state: dict | None = None
        self._buffer: list[dict] | None = [] if keep_state else None
        self.seq = 0
        self.arrivals: dict[int, float] = {}
        self.types: dict[int, str] = {}
        self.duplicates = 0
        self.outbox: dict[str, tuple[str, dict]] = {}
        self.acks: dict[str, dict] = {}
        self.listeners: list = []
        kwargs = {"http_session": http} if http is not None else {}
        # Every browser offers per-message compression when it opens the WebSocket; so does every
        # simulated screen (the server declines it: server/wsdeflate.py).
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False,
                                        websocket_extra_options=dict(BROWSER_WEBSOCKET), **kwargs)
        self.sio.on("event", self._on_event)
        self.sio.on("events", self._on_events)  # several of one publish, in order (docs/protocol.md)
        self.sio.on("resync", self._on_resync)
        self.resync_wanted = False

    # -- receiving -------------------------------------------------------------
    def _on_event(self, ev: dict) -> None:
        now = time.monotonic()
        seq = ev.get("seq", 0)
        if self.record:
            if seq in self.arrivals:
                self.duplicates += 1
            else:
                self.arrivals[seq] = now
                self.types[seq] = ev.get("type", "")
        if self.keep_state:
            from ..domain import reducer
            if self.state is None:
                self._buffer.append(ev)
            elif seq > self.state["seq"]:
                self.state = reducer.apply(self.state, ev)
            if ev.get("type") == "room_changed":
                self.resync_wanted = True
        self.seq = max(self.seq, seq)
        for fn in self.listeners:
            fn(ev)

    def _on_events(self, evs: list[dict]) -> None:
        for ev in evs:
            self._on_event(ev)

    def _on_resync(self, _data=None) -> None:
        self.resync_wanted = True

    # -- connecting ------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self.sio.connected

    async def connect(self, sync: bool = True) -> None:
        await self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"],
                               wait_timeout=CONNECT_TIMEOUT)
        if sync:
            await self.sync()

    async def sync(self, snapshot: bool = False) -> dict:
        """`sync` after a connect (protocol §4); applies the answer when keeping state."""
        # Nothing applied yet: a snapshot, as the real clients ask (web/js/connection.js), never since=0.
        since = None if snapshot or self.seq == 0 or (self.keep_state and self.state is None) else self.seq
        ack = await self.sio.call("sync", {"since": since}, timeout=SYNC_TIMEOUT)
        if not ack.get("ok"):
            raise RuntimeError(f"{self.label} sync refused: {ack}")
        if self.keep_state:
            from ..domain import reducer
            if ack["mode"] == "snapshot":
                self.state = ack["state"]
            else:
                self.state = reducer.apply_all(self.state, ack["events"])
            buffered, self._buffer = sorted(self._buffer or [], key=lambda e: e["seq"]), []
            self.state = reducer.apply_all(self.state, buffered)
            self.seq = max(self.seq, self.state["seq"])
        elif ack["mode"] == "events" and ack["events"]:
            self.seq = max(self.seq, ack["events"][-1]["seq"])
        elif ack["mode"] == "snapshot":
            self.seq = max(self.seq, ack["state"]["seq"])
        self.resync_wanted = False
        return ack

    async def disconnect(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

    async def reconnect(self, pause: float = 0.0) -> None:
        """Come back after a drop: connect, `sync` from the last seq, resend the outbox (same cids)."""
        await self.disconnect()
        if pause:
            await asyncio.sleep(pause)
        for attempt in range(10):
            try:
                await self.connect(sync=True)
                break
            except (socketio.exceptions.ConnectionError, RuntimeError, socketio.exceptions.TimeoutError):
                await self.disconnect()
                await asyncio.sleep(min(0.5 * 2 ** attempt, 5))
        else:
            raise RuntimeError(f"{self.label} could not reconnect")
        for cid, (name, payload) in list(self.outbox.items()):
            await self.send(name, payload, cid=cid)

    # -- commands --------------------------------------------------------------
    async def send(self, name: str, payload: dict | None = None, *, cid: str | None = None,
                   timeout: float = CALL_TIMEOUT) -> dict | None:
        """Send a command with a cid; the answer, or None when it is left in the outbox
        (no answer: the connection dropped or the call timed out)."""
        cid = cid or uuid.uuid4().hex
        payload = dict(payload or {})
        self.outbox[cid] = (name, payload)
        for _ in range(5):
            try:
                ack = await self.sio.call(name, {"cid": cid, **payload}, timeout=timeout)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                    socketio.exceptions.DisconnectedError):
                return None
            err = ack.get("error") or {} if isinstance(ack, dict) else {}
            if not ack.get("ok") and err.get("code") in ("rate_limited", "server_error", "paused") \
                    and (err.get("details") or {}).get("retryable"):
                await asyncio.sleep(float((err.get("details") or {}).get("retry_after", 1)))
                continue
            break
        self.outbox.pop(cid, None)
        self.acks[cid] = ack
        return ack

    async def send_and_drop(self, name: str, payload: dict, pause: float, *, cid: str | None = None) -> dict | None:
        """The phone loses the network right after sending (the answer may or may not have
        been committed); it comes back, resyncs and resends the outbox with the same cid."""
        cid = cid or uuid.uuid4().hex
        self.outbox[cid] = (name, dict(payload))
        try:
            await self.sio.emit(name, {"cid": cid, **payload})
        except socketio.exceptions.BadNamespaceError:
            pass
        await self.reconnect(pause)
        return self.acks.get(cid)


class Phone(Device):
    """A participant: joins over HTTP first, then connects."""

    def __init__(self, url: str, person: Person, *, http: aiohttp.ClientSession, label: str = "",
                 keep_state: bool = False, record: bool = True):
        super().__init__(url, "", label=label, http=http, keep_state=keep_state, record=record)
        self.person = person
        self.http = http
        self.info: dict = {}

    async def join(self, code: str) -> dict:
        self.info = await join(self.http, self.url, code, self.person)
        self.token = self.info["token"]
        return self.info

    @property
    def room_id(self) -> int | None:
        if self.keep_state and self.state:
            return self.state["me"].get("room_id")
        return self.info.get("room_id")
