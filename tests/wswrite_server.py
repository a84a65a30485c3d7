"""A bare Engine.IO server on eventlet for tests/test_wswrite.py: on each connection it sends
`--bursts` bursts of `--per-burst` numbered messages ("000123:xxxx..."), pausing `--pause`
seconds between bursts, with server/wswrite.py installed (or not, with --stock). GET /stats
answers the direct writes and queued tails counted on the connections (JSON).

    python tests/wswrite_server.py --port 5002 [--stock] [--bursts B --per-burst N --size BYTES --pause S]
                                   [--ping-interval S --ping-timeout S]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bursts", type=int, default=40)
    parser.add_argument("--per-burst", type=int, default=50)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--pause", type=float, default=0.05)
    parser.add_argument("--ping-interval", type=float, default=25)
    parser.add_argument("--ping-timeout", type=float, default=20)
    parser.add_argument("--sndbuf", type=int, default=0, help="the connections' SO_SNDBUF (0: the kernel's)")
    parser.add_argument("--stock", action="store_true")
    args = parser.parse_args(argv)

    import eventlet
    eventlet.monkey_patch()
    import engineio
    import eventlet.wsgi

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from server import wswrite

    # WSWRITE_LOG=1: Engine.IO's log (each packet, and "directly" for a direct write) on stderr
    eio = engineio.Server(async_mode="eventlet", logger=bool(os.environ.get("WSWRITE_LOG")),
                          ping_interval=args.ping_interval, ping_timeout=args.ping_timeout)
    installed = False if args.stock else wswrite.install(eio)
    sockets = []

    def burst(sid):
        n = 0
        for _ in range(args.bursts):
            for _ in range(args.per_burst):
                eio.send(sid, f"{n:06d}:" + "x" * args.size)
                n += 1
            eventlet.sleep(args.pause)

    @eio.on("connect")
    def connect(sid, environ):
        sockets.append(eio._get_socket(sid))
        eventlet.spawn(burst, sid)

    app = engineio.WSGIApp(eio)

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") == "/stats":
            counts = [getattr(s, "direct_writes", None) for s in sockets]
            body = {"installed": installed,
                    "direct": sum(c.direct for c in counts if c), "tails": sum(c.queued_tails for c in counts if c)}
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]
        return app(environ, start_response)

    print(f"listening on {args.port}", flush=True)
    listener = eventlet.listen(("127.0.0.1", args.port))
    if args.sndbuf:  # accepted connections inherit it (Linux)
        import socket
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args.sndbuf)
    eventlet.wsgi.server(listener, wsgi, log_output=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
