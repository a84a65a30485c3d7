"""The floor for the benchmark: a bare python-socketio server on eventlet that
receives a vote and broadcasts it to the room, with no database, no
validation and no state beyond a counter. `common-ground bench --baseline`
runs the same vote storm against it; the ratio says what the real server's
work (transaction, idempotency, event log, audiences) costs on top.

It mimics the shapes the benchmark measures and delivers them as the app does
(server/events/delivery.py: one message per connection per vote; the app's
Socket.IO packet class and JSON encoder, server/events/guard.py; no per-message
compression, server/wsdeflate.py): per vote a
`tally` event (seq S-2) to the room's other members, `my_votes` (S-1) with the
tally to the voter as one `events` message, `room_stats` to the projector (S),
and an ack with `result.seq` = S.

    python -m server.sim.baseline --port 5001
"""
from __future__ import annotations

import argparse


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    import resource
    import warnings
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import eventlet
        eventlet.monkey_patch()
        import eventlet.wsgi
    import socketio

    from .. import wsdeflate
    from ..events.guard import GuardedJSON, GuardedPacket

    # The app's packet class and JSON (no search for bytes, orjson): the transport as the app's,
    # so the ratio measures the app's own work on top.
    sio = socketio.Server(async_mode="eventlet", async_handlers=False, cors_allowed_origins="*",
                          ping_interval=10, ping_timeout=10, serializer=GuardedPacket, json=GuardedJSON)
    wsdeflate.decline(sio.eio)  # the phones offer compression as browsers do; declined as the app does
    state = {"seq": 0, "tallies": {}, "who": {}, "done": {}}

    @sio.on("connect")
    def connect(sid, environ, auth=None):
        token = (auth or {}).get("token", "")
        # tokens: "display" or "p:<room>:<id>" or "f:<room>"
        if token == "display":
            sio.enter_room(sid, "d")
        elif token.startswith("p:"):
            _, room, pid = token.split(":")
            state["who"][sid] = (room, pid)
            sio.enter_room(sid, f"r:{room}")
            sio.enter_room(sid, f"p:{pid}")
        elif token.startswith("f:"):
            sio.enter_room(sid, f"r:{token[2:]}")
        return True

    @sio.on("sync")
    def sync(sid, data=None):
        return {"ok": True, "mode": "events", "events": [], "seq": state["seq"]}

    @sio.on("vote_cast")
    def vote(sid, data):
        room, pid = state["who"][sid]
        key = (sid, data["cid"])
        if key in state["done"]:
            return {**state["done"][key], "repeated": True}
        target = (room, data["target_id"])
        state["tallies"][target] = n = state["tallies"].get(target, 0) + 1
        state["seq"] += 3
        s = state["seq"]
        tally = {"seq": s - 2, "type": "tally", "data": {"target_type": "barrier", "target_id": data["target_id"],
                                                         "votes": n}}
        mine = {"seq": s - 1, "type": "my_votes", "data": {"add": [f"barrier:{data['target_id']}"], "remove": []}}
        voter = [v for v, _eio in sio.manager.get_participants("/", f"p:{pid}")]
        sio.emit("event", tally, to=f"r:{room}", skip_sid=voter)
        sio.emit("events", [tally, mine], to=f"p:{pid}")
        sio.emit("event", {"seq": s, "type": "room_stats", "data": {"room_id": int(room), "votes": n}}, to="d")
        ack = {"ok": True, "result": {"votes": n, "remaining": 0, "seq": s}, "repeated": False}
        state["done"][key] = ack
        return ack

    app = socketio.WSGIApp(sio)

    def health(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return app(environ, start_response)

    print(f"baseline listening on {args.host}:{args.port}", flush=True)
    eventlet.wsgi.server(eventlet.listen((args.host, args.port), backlog=4096), health, log_output=False,
                         max_size=100000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
