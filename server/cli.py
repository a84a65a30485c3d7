"""The `common-ground` command: serve, workshop create, export, import, db upgrade.

Only the standard library is imported at module level, so `serve` can set
up the async mode (eventlet's monkey-patching) before anything else loads.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys

DEFAULT_PORT = 5000
# eventlet's WSGI server accepts 1,024 connections by default; a plenary of
# phones plus projector and tablets can exceed that.
MAX_CONNECTIONS = 10000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="common-ground", description="Common Ground workshop server")
    sub = parser.add_subparsers(dest="command", required=True)

    p_serve = sub.add_parser("serve", help="run the server and print the address to open")
    p_serve.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))

    p_ws = sub.add_parser("workshop", help="manage workshops")
    ws_sub = p_ws.add_subparsers(dest="action", required=True)
    p_create = ws_sub.add_parser("create", help="create a workshop and print its links")
    p_create.add_argument("--title", required=True)
    p_create.add_argument("--rooms", type=int, required=True)
    p_create.add_argument("--vote-budget", type=int, default=3)
    p_create.add_argument("--languages", default="en,es,fa", help="comma-separated, e.g. en,es,fa")
    p_create.add_argument("--date")
    p_create.add_argument("--place")
    p_create.add_argument("--base-url", help="address phones use to reach the server "
                          "(default: $PUBLIC_URL or http://localhost:5000)")
    p_create.add_argument("--json", action="store_true", help="print one JSON object")

    p_export = sub.add_parser("export", help="export a workshop: action plan, report of the day, or JSON archive")
    p_export.add_argument("workshop_id")
    p_export.add_argument("--format", required=True, help="pdf, docx, csv, md or json (the whole-workshop archive)")
    p_export.add_argument("--what", default="report", help="plan or report (default: report)")
    p_export.add_argument("--lang", default="en", help="language of the headings: en, es or fa (default: en)")
    p_export.add_argument("-o", "--output", help="file to write (default: a name from the title, in this folder)")

    p_import = sub.add_parser("import", help="load a JSON archive as a new workshop and print its new links")
    p_import.add_argument("file")
    p_import.add_argument("--base-url", help="address for the printed links (default: $PUBLIC_URL or http://localhost:5000)")
    p_import.add_argument("--json", action="store_true", help="print one JSON object")

    p_reh = sub.add_parser("rehearse", help="fill a workshop with simulated phones so a facilitator can practise")
    p_reh.add_argument("--url", required=True, help="the server's address, e.g. http://127.0.0.1:5000")
    p_reh.add_argument("--join-code", required=True)
    p_reh.add_argument("--participants", type=int, default=24)
    p_reh.add_argument("--seed", type=int, default=None)
    p_reh.add_argument("--pace", type=float, default=1.0, help="speed factor of the simulated people (2 = twice as fast)")
    p_reh.add_argument("--drop-rate", type=float, default=0.05,
                       help="chance per action that a phone drops off the network and comes back")
    p_reh.add_argument("--duration", type=float, default=None, help="stop after this many seconds (default: Ctrl-C)")

    p_bench = sub.add_parser("bench", help="benchmark: connect burst and vote storm with simulated phones")
    p_bench.add_argument("--participants", type=int, default=100)
    p_bench.add_argument("--rooms", type=int, default=10)
    p_bench.add_argument("--json", action="store_true", help="print one JSON object")
    p_bench.add_argument("--url", help="target a running server (its DATABASE_URL must be in this environment)")
    p_bench.add_argument("--processes", type=int, default=1, help="server processes (2+: PostgreSQL and Redis)")
    p_bench.add_argument("--baseline", action="store_true", help="also run a bare python-socketio broadcast server")
    p_bench.add_argument("--async-mode", default="eventlet", choices=["eventlet", "gevent"])
    p_bench.add_argument("--database", choices=["sqlite", "postgres"], help="default: sqlite for 1 process")
    p_bench.add_argument("--client-processes", type=int, default=None, help="client processes (default: by size)")
    p_bench.add_argument("--seed", type=int, default=1)
    p_bench.add_argument("--window", type=float, default=10.0, help="seconds for the connect burst and the vote storm")
    p_bench.add_argument("--profile", help="record the server under the vote storm with py-spy into this SVG")

    p_db = sub.add_parser("db", help="database schema")
    db_sub = p_db.add_subparsers(dest="action", required=True)
    db_sub.add_parser("upgrade", help="apply Alembic migrations up to the latest")
    db_sub.add_parser("current", help="print the schema revision")

    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.host, args.port)
    if args.command == "rehearse":
        from .sim.rehearse import main as rehearse
        return rehearse(args)
    if args.command == "bench":
        from .sim.bench import main as bench
        return bench(args)
    os.environ.setdefault("ASYNC_MODE", "threading")
    if args.command == "workshop":
        return create_workshop(args)
    if args.command == "export":
        return export(args)
    if args.command == "import":
        return import_archive(args)
    return database(args.action)


def _raise_open_files() -> None:
    """Every connection is a file descriptor: lift the soft limit to the hard one."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


def serve(host: str, port: int) -> int:
    mode = os.environ.get("ASYNC_MODE", "eventlet")
    _raise_open_files()
    if mode == "gevent":  # optional extra: pip install '.[bench]' (gevent, gevent-websocket)
        from gevent import monkey
        monkey.patch_all()
    if mode == "eventlet":
        import warnings
        with warnings.catch_warnings():
            # Eventlet is deprecated upstream; the async mode is configuration
            # (ASYNC_MODE) precisely so it can be swapped without touching the domain.
            warnings.simplefilter("ignore")
            import eventlet
        eventlet.monkey_patch()
    from . import create_app
    from .extensions import socketio

    app = create_app()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Common Ground is running. Open http://{shown}:{port}/ in a browser.", flush=True)
    if host in ("0.0.0.0", "::"):
        print(f"Phones on the same network can use http://{socket.gethostname()}:{port}/ "
              "(or this machine's network address).", flush=True)
    print(f"Database: {_safe_url(app.config['DATABASE_URL'])}; message queue: "
          f"{'Redis' if app.config['REDIS_URL'] else 'none (single process)'}; async mode: {mode}", flush=True)
    extra = {"max_size": MAX_CONNECTIONS} if mode == "eventlet" else {}
    if mode == "threading":
        extra["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, log_output=False, **extra)
    return 0


def _safe_url(url: str) -> str:
    """A database URL without its password, for printing."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _links(base: str, created: dict) -> dict:
    base = base.rstrip("/")
    return {
        "workshop_id": created["workshop_id"],
        "title": created["title"],
        "join_code": created["join_code"],
        "participant_url": f"{base}/j/{created['join_code']}",
        "display_url": f"{base}/d#{created['display_token']}",
        "organiser_url": f"{base}/o#{created['organiser_token']}",
        "facilitator_urls": [f"{base}/f#{f['token']}" for f in created["facilitators"]],
        "rooms": [{"room_id": f["room_id"], "name": f["room"]} for f in created["facilitators"]],
        "languages": created["languages"],
        "vote_budget": created["vote_budget"],
    }


def create_workshop(args) -> int:
    from . import create_app
    from .domain.errors import CommandError
    from .domain.workshops import create_workshop as create

    app = create_app()
    base = args.base_url or app.config.get("PUBLIC_URL") or f"http://localhost:{DEFAULT_PORT}"
    try:
        created = create(app.extensions["common_ground_db"], title=args.title, rooms=args.rooms,
                         vote_budget=args.vote_budget, languages=args.languages.split(","),
                         date=args.date, place=args.place)
    except CommandError as err:
        if args.json:
            print(json.dumps({"ok": False, "error": err.as_dict()}))
        else:
            print(f"error ({err.code}): {err.message}", file=sys.stderr)
        return 2
    out = _links(base, created)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"Workshop created: {out['title']}")
    print(f"  Join code:        {out['join_code']}")
    print(f"  Participants:     {out['participant_url']}")
    print(f"  Projector:        {out['display_url']}")
    print(f"  Organiser:        {out['organiser_url']}")
    for room, url in zip(out["rooms"], out["facilitator_urls"]):
        print(f"  Facilitator, {room['name']}: {url}")
    print("Keep the organiser and facilitator links private: each one is a key.")
    return 0


def export(args) -> int:
    """Write one export of a workshop to a file (or '-' for standard output)."""
    from . import create_app
    from .domain.errors import CommandError
    from .reports import check, export as make_export

    try:
        check(args.format, args.what, args.lang)  # refuse bad options before opening the database
        app = create_app()
        db = app.extensions["common_ground_db"]
        try:
            out = make_export(db, args.workshop_id, args.format, args.what, args.lang,
                              app.config["REPORT_MIN_GROUP_SIZE"])
        finally:
            db.dispose()
    except CommandError as err:
        print(f"error ({err.code}): {err.message}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.buffer.write(out.data)
        sys.stdout.flush()
        return 0
    path = args.output or out.filename
    with open(path, "wb") as fh:
        fh.write(out.data)
    print(f"Wrote {path} ({len(out.data)} bytes).")
    return 0


def import_archive(args) -> int:
    """Load a JSON archive as a new workshop in one transaction; print its new links."""
    from sqlalchemy.exc import IntegrityError

    from . import create_app
    from .domain.errors import CommandError
    from .reports import archive

    def fail(err: CommandError) -> int:
        if args.json:
            print(json.dumps({"ok": False, "error": err.as_dict()}))
        else:
            print(f"error ({err.code}): {err.message}", file=sys.stderr)
        return 2

    try:
        with open(args.file, "rb") as fh:
            raw = fh.read()
    except OSError as err:
        return fail(CommandError("not_found", f"Cannot read {args.file}: {err.strerror}."))
    try:
        data = archive.parse(raw)
        app = create_app()
        db = app.extensions["common_ground_db"]
        try:
            with db.transaction() as session:
                created = archive.load(session, data)
        finally:
            db.dispose()
    except CommandError as err:
        return fail(err)
    except IntegrityError:
        return fail(CommandError("invalid_archive", "The archive is inconsistent (duplicate rooms, votes or "
                                 "links); nothing was imported."))
    base = args.base_url or app.config.get("PUBLIC_URL") or f"http://localhost:{DEFAULT_PORT}"
    out = _links(base, created)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"Workshop imported: {out['title']} (id {out['workshop_id']})")
    print(f"  Join code:        {out['join_code']}")
    print(f"  Projector:        {out['display_url']}")
    print(f"  Organiser:        {out['organiser_url']}")
    for room, url in zip(out["rooms"], out["facilitator_urls"]):
        print(f"  Facilitator, {room['name']}: {url}")
    print("These are new links: the old ones do not work here. Keep the organiser and facilitator links private.")
    return 0


def database(action: str) -> int:
    from . import config
    from .db import Database
    from .migrate import current, upgrade
    from flask import Flask

    instance = Flask("server", instance_relative_config=True).instance_path
    db = Database(config.from_env(instance)["DATABASE_URL"])
    if action == "upgrade":
        upgrade(db)
    print(f"schema revision: {current(db)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
