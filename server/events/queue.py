"""The Socket.IO message queue (Redis) between server processes, made observable.

Several `common-ground serve` processes share one Redis: an event committed on
process A is emitted to A's own clients directly and published on a Redis
channel, and every other process's *listener* (a background task of
python-socketio's RedisManager) receives it and emits it to its clients.

python-socketio drops what it cannot publish (two attempts, then "giving up"),
and a listener that lost its Redis connection misses whatever was published
until it subscribes again; nothing is replayed. The event log in the database
is complete regardless, so this module closes the gap with the protocol's
resync (docs/protocol.md §6): whenever this process's listener subscribes
again after losing Redis, it asks every client connected *to this process* to
`sync`; and after a publish was dropped, the next successful publish is
followed by a `resync` notice to every client of every process.

It also answers "is this process's listener alive and subscribed?" for
/healthz (listener_status()), which python-socketio itself does not expose:
the listener task can exit or sit in its retry loop while the process keeps
accepting connections (python-socketio issue #1581), and its clients would
silently stop receiving other processes' events.
"""
from __future__ import annotations

import time
import uuid

import socketio
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError
from redis.retry import Retry

from .delivery import deliver

# Server -> client notice: "you may have missed events; send `sync` now".
RESYNC = "resync"
MAX_RETRY_SLEEP_SECS = 5


class ObservedRedisManager(socketio.RedisManager):
    """python-socketio's RedisManager with a listener that reports its state.

    `_redis_listen_with_retries` follows python-socketio 5.x's own loop
    (connect, subscribe, listen; on any error log, back off, start again) and
    adds: the state for /healthz, a lower back-off cap (5 s, not 60 s: a
    workshop is a single day), and the resync notices described above.
    """

    def __init__(self, url: str, channel: str, **kwargs):
        self.client_name = f"cg-{uuid.uuid4().hex[:12]}"
        options = {
            # Fail fast: a command's ack must not wait on a dead Redis (the event
            # is in the database already, and clients catch up with `sync`).
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "socket_keepalive": True,
            "retry": Retry(NoBackoff(), 1),
            # Lets /healthz find this process's subscription in CLIENT LIST.
            "client_name": self.client_name,
        }
        super().__init__(url, channel=channel, redis_options=options, **kwargs)
        self.listening = False
        self.listener_error: str | None = None
        self.listener_since = time.time()
        self.subscriptions = 0  # how many times the listener has subscribed
        self.reconnects = 0  # subscriptions after a loss (each one triggers a local resync)
        self.dropped_publishes = 0
        self._lost_publish = False

    # -- publishing --------------------------------------------------------
    def _publish(self, data):
        result = super()._publish(data)
        if result is None:  # python-socketio gave up: other processes missed this message
            self.dropped_publishes += 1
            self._lost_publish = True
        elif self._lost_publish:
            self._lost_publish = False
            self._get_logger().warning("message queue: publishing again; asking every client to resync")
            self.emit(RESYNC, {"reason": "message_queue"}, namespace="/")
        return result

    # -- many events in one message -------------------------------------------
    def emit_events(self, items: list[tuple[dict, list[str]]], namespace: str = "/") -> None:
        """Deliver each (data, rooms) to this process's clients now, and publish them all as one message.

        python-socketio publishes one message per emit, and every process's listener decodes each
        one. The batch travels as a `close_room` message with a marker (as disconnect_room does), so
        the listener's own dispatch brings it to _handle_close_room; the order within it, and
        between messages on the one channel, is kept. Each process sends each of its connections
        its events of the batch as one message (delivery.deliver)."""
        if not items:
            return
        deliver(self.server, items, namespace)
        self._publish({"method": "close_room", "room": None, "namespace": namespace, "host_id": self.host_id,
                       "cg_events": {"items": items}})

    # -- cutting connections ------------------------------------------------
    def disconnect_room(self, room: str, namespace: str = "/") -> None:
        """Disconnect every member of `room` on every process (a removed person, a revoked link).

        Travels as python-socketio's `close_room` message with a marker, so
        processes of this deployment (all ObservedRedisManager) disconnect the
        members instead of merely emptying the room.
        """
        message = {"method": "close_room", "room": room, "namespace": namespace, "host_id": self.host_id,
                   "cg_disconnect": True}
        self._handle_close_room(message)  # this process
        self._publish(message)  # the others

    def _handle_close_room(self, message):
        if message.get("cg_events"):  # another process's events (emit_events)
            deliver(self.server, message["cg_events"]["items"], message.get("namespace") or "/")
        elif message.get("cg_disconnect"):
            disconnect_local(self.server, message.get("room"), message.get("namespace") or "/")
        else:
            super()._handle_close_room(message)

    # -- listening ---------------------------------------------------------
    def _redis_listen_with_retries(self):  # pragma: no cover - exercised by tests/reliability
        retry_sleep = 1
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self._watch_reconnects(self.pubsub)
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    retry_sleep = 1
                    self._subscribed()
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001  (same breadth as python-socketio's loop)
                self._lost(exc)
                subscribed = False
                self._get_logger().error(f"Cannot receive from redis... retrying in {retry_sleep} secs ({exc})")
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, MAX_RETRY_SLEEP_SECS)

    def _watch_reconnects(self, pubsub) -> None:
        """redis-py may reconnect a pubsub connection by itself (its own retry) and
        re-subscribe in PubSub.on_connect; messages sent meanwhile are lost too."""
        watcher = _ReconnectWatcher(self, pubsub.on_connect)
        pubsub._cg_reconnect_watcher = watcher  # redis-py keeps only a weak reference to the callback
        pubsub.on_connect = watcher.on_connect

    def _lost(self, exc: Exception) -> None:
        if self.listening:
            self.listener_since = time.time()
        self.listening = False
        self.listener_error = f"{type(exc).__name__}: {exc}"

    def _subscribed(self) -> None:
        self.listening = True
        self.listener_since = time.time()
        self.subscriptions += 1
        if self.subscriptions == 1:
            # This process has just started. If it replaces one that crashed (kill -9, OOM) between
            # committing a command and publishing its events, the other processes' clients never got
            # those events, and a later event with a higher seq hides the gap from them. Ask every
            # client of every process to take a snapshot; at most one per client per process start.
            self.server.start_background_task(self._resync_everyone)
        else:
            self.reconnects += 1
            self._get_logger().warning("message queue: subscribed again; asking this process's clients to resync")
            # Only this process's clients missed what was published meanwhile.
            self.server.start_background_task(self._resync_local)

    def _resync_everyone(self) -> None:
        self.emit(RESYNC, {"reason": "process_started"}, namespace="/")

    def _resync_local(self) -> None:
        self.emit(RESYNC, {"reason": "message_queue"}, namespace="/", ignore_queue=True)


def disconnect_local(sio_server, room: str, namespace: str = "/") -> None:
    """Disconnect this process's members of `room` (server-initiated: the client sees `io server disconnect`)."""
    for sid, _eio_sid in list(sio_server.manager.get_participants(namespace, room)):
        sio_server.disconnect(sid, namespace=namespace, ignore_queue=True)


class _ReconnectWatcher:
    def __init__(self, manager: ObservedRedisManager, original):
        self.manager, self.original = manager, original

    def on_connect(self, connection) -> None:
        self.original(connection)
        self.manager._lost(ConnectionError("redis-py reconnected the subscription"))
        self.manager._subscribed()


def listener_status(sio_server) -> dict | None:
    """The message-queue listener of this process, for /healthz; None without a queue.

    {"ok": bool, "listener": "listening" | "not_started" | "stopped" | "reconnecting" | "not_subscribed"
     | "redis_unreachable", "reason"?: str, ...counters}
    """
    mgr = getattr(sio_server, "manager", None)
    if not isinstance(mgr, socketio.PubSubManager):
        return None
    if not getattr(sio_server, "manager_initialized", False):
        # python-socketio starts the listener with the first connection; start it now
        # so a fresh process is checked too (what Server._handle_eio_connect does).
        sio_server.manager_initialized = True
        mgr.initialize()
    info: dict = {"ok": True, "listener": "listening"}
    if isinstance(mgr, ObservedRedisManager):
        info.update(subscriptions=mgr.subscriptions, reconnects=mgr.reconnects,
                    dropped_publishes=mgr.dropped_publishes)
    thread = getattr(mgr, "thread", None)
    task = getattr(thread, "g", thread)  # eventlet: EventletThread.g is the GreenThread
    if task is None:
        return {**info, "ok": False, "listener": "stopped", "reason": "the message-queue listener was never started"}
    dead = getattr(task, "dead", None)
    if dead is None and hasattr(task, "is_alive"):
        dead = not task.is_alive()
    if dead:
        return {**info, "ok": False, "listener": "stopped", "reason": "the message-queue listener task has exited"}
    if not isinstance(mgr, ObservedRedisManager):
        return info
    if not mgr.listening:
        return {**info, "ok": False, "listener": "reconnecting",
                "reason": f"not subscribed to Redis since {time.strftime('%H:%M:%S', time.gmtime(mgr.listener_since))} UTC"
                          f" ({mgr.listener_error})"}
    try:
        clients = mgr.redis.client_list(_type="pubsub")
    except ResponseError:
        return {**info, "verified": False}  # CLIENT is disabled on this Redis: trust our own state
    except Exception as exc:  # noqa: BLE001 - report, never crash a health check
        return {**info, "ok": False, "listener": "redis_unreachable", "reason": f"Redis: {type(exc).__name__}: {exc}"}
    if not any(c.get("name") == mgr.client_name and int(c.get("sub") or 0) > 0 for c in clients):
        return {**info, "ok": False, "listener": "not_subscribed",
                "reason": "Redis does not list this process's subscription to the message-queue channel"}
    return {**info, "verified": True}
