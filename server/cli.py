"""The `common-ground` command: serve, workshop create, links, export, import, db upgrade.

Only the standard library is imported at module level, so `serve` can set
up the async mode (eventlet's monkey-patching) before anything else loads.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from . import config

DEFAULT_PORT = config.DEFAULT_PORT
# eventlet's WSGI server accepts 1,024 connections by default; a plenary of
# phones plus projector and tablets can exceed that.
MAX_CONNECTIONS = 10000
# `serve` listens on every interface by default: phones on the venue network must reach the laptop.
ALL_INTERFACES = config.ALL_INTERFACES
BASE_URL_HELP = ("address phones use to reach the server (default: $PUBLIC_URL, else this machine's network "
                 "address and --port)")
PORT_HELP = "the port the server listens on, for the printed links (default: $PORT or 5000)"
REISSUE = ("organiser", "display", "facilitators", "all")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "rehearse" and args.auto and not args.organiser_url:
        parser.error("rehearse --auto needs --organiser-url (the organiser link printed by `workshop create`)")
    if args.command == "rehearse" and args.organiser_url and not args.auto:
        parser.error("rehearse --organiser-url is used only with --auto")
    if args.command == "serve":
        return serve(args.host, args.port if args.port is not None else config.default_port())
    if args.command == "rehearse":
        from .sim.rehearse import main as rehearse
        return rehearse(args)
    if args.command == "bench":
        from .sim import bench
        try:
            bench.day_plan(args)  # settles --rooms/--stagger; a national day that cannot be laid out is refused
        except ValueError as exc:
            parser.error(f"bench: {exc}")
        return bench.main(args)
    os.environ.setdefault("ASYNC_MODE", "threading")
    if args.command == "workshop":
        return create_workshop(args)
    if args.command == "export":
        return export(args)
    if args.command == "links":
        return links(args)
    if args.command == "import":
        return import_archive(args)
    if args.command == "purge":
        return purge(args)
    if args.command == "expire":
        return expire(args)
    if args.command == "user":
        return user(args)
    return database(args.action)


def _parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per `_add_*` below."""
    parser = argparse.ArgumentParser(prog="common-ground", description="Common Ground workshop server")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_serve, _add_workshop, _add_links, _add_export, _add_import, _add_rehearse, _add_bench,
                _add_purge, _add_expire, _add_user, _add_db):  # in the order `--help` lists them
        add(sub)
    return parser


def _add_serve(sub) -> None:
    p_serve = sub.add_parser("serve", help="run the server and print the address to open",
                             description="Run the server. Links and the projector's QR code use $PUBLIC_URL, else "
                             "this machine's address on the network with the default route (the venue's Wi-Fi), "
                             "else 127.0.0.1 with a warning.")
    p_serve.add_argument("--host", default=os.environ.get("HOST", ALL_INTERFACES[0]),
                         help="interface to listen on (default: $HOST, else every interface)")
    p_serve.add_argument("--port", type=int, default=None, help="port to listen on (default: $PORT, else 5000)")


def _add_workshop(sub) -> None:
    p_ws = sub.add_parser("workshop", help="manage workshops")
    ws_sub = p_ws.add_subparsers(dest="action", required=True)
    p_create = ws_sub.add_parser("create", help="create a workshop and print its links")
    p_create.add_argument("--title", required=True)
    p_create.add_argument("--rooms", type=int, required=True)
    p_create.add_argument("--vote-budget", type=int, default=3)
    p_create.add_argument("--live-tallies", action="store_true",
                          help="show vote counts to participants and the projector while a vote is open "
                               "(default: only once it closes)")
    p_create.add_argument("--languages", default="en,es,fa", help="comma-separated, e.g. en,es,fa")
    sectors = p_create.add_mutually_exclusive_group()
    sectors.add_argument("--sectors", metavar="NAME:SIDE,...",
                         help="the sectors people pick when they join, 2-12, in order, e.g. "
                              "'Faith:community,Police:law_enforcement,City hall:other' (side: law_enforcement, "
                              "community or other; each name is used for every language)")
    sectors.add_argument("--sector-preset", choices=("groups", "spcp"),
                         help="groups (the default: law enforcement, community member, community organisation, "
                              "government or other) or spcp (Faith, Youth, New Americans, Law enforcement, Social "
                              "services, Business, Civil rights), named in English, Spanish and Persian")
    p_create.add_argument("--agenda", choices=("short", "spcp"), default="short",
                          help="the day's segments: short (the default: rooms, plenary, action plan, closing) or "
                               "spcp (caucus rooms by sector, prioritisation, mixed solution rooms, report-out, "
                               "action plan, council, closing); docs/agenda.md")
    p_create.add_argument("--date")
    p_create.add_argument("--place")
    p_create.add_argument("--base-url", help=BASE_URL_HELP)
    p_create.add_argument("--port", type=int, default=None, help=PORT_HELP)
    p_create.add_argument("--json", action="store_true", help="print one JSON object")


def _add_links(sub) -> None:
    p_links = sub.add_parser(
        "links", help="print a workshop's links; --reissue gives new organiser, projector or facilitator links",
        description="Print a workshop's links: join (participants), progress (read-only) and the council. Only a "
        "hash of the organiser, projector and facilitator links is stored, so they cannot be printed again: "
        "--reissue issues new ones and prints them, and the old ones stop working at once.")
    p_links.add_argument("workshop_id")
    p_links.add_argument("--base-url", help=BASE_URL_HELP)
    p_links.add_argument("--port", type=int, default=None, help=PORT_HELP)
    p_links.add_argument("--reissue", action="append", default=[], choices=REISSUE,
                         help="issue a new organiser link, projector (display) link, one per room for the "
                         "facilitators, or all of them; the old ones stop working; repeatable")
    p_links.add_argument("--council", type=int, action="append", default=[], metavar="PARTICIPANT_ID",
                         help="also issue this council member a new council link (revokes their old one); repeatable")
    p_links.add_argument("--json", action="store_true", help="print one JSON object")


def _add_export(sub) -> None:
    p_export = sub.add_parser("export", help="export a workshop: action plan, report of the day, or JSON archive")
    p_export.add_argument("workshop_id")
    p_export.add_argument("--format", required=True, help="pdf, docx, csv, md or json (the whole-workshop archive)")
    p_export.add_argument("--what", default="report", help="plan or report (default: report)")
    p_export.add_argument("--lang", default="en", help="language of the headings: en, es or fa (default: en)")
    p_export.add_argument("-o", "--output", help="file to write (default: a name from the title, in this folder)")


def _add_import(sub) -> None:
    p_import = sub.add_parser("import", help="load a JSON archive as a new workshop and print its new links")
    p_import.add_argument("file")
    p_import.add_argument("--base-url", help=BASE_URL_HELP)
    p_import.add_argument("--port", type=int, default=None, help=PORT_HELP)
    p_import.add_argument("--json", action="store_true", help="print one JSON object")


def _add_rehearse(sub) -> None:
    p_reh = sub.add_parser("rehearse", help="fill a workshop with simulated phones so a facilitator can practise")
    p_reh.add_argument("--url", required=True, help="the server's address, e.g. http://127.0.0.1:5000")
    p_reh.add_argument("--join-code", required=True)
    p_reh.add_argument("--participants", type=int, default=24)
    p_reh.add_argument("--seed", type=int, default=None)
    p_reh.add_argument("--pace", type=float, default=1.0,
                       help="speed factor of the simulated people (2 = twice as fast)")
    p_reh.add_argument("--drop-rate", type=float, default=0.05,
                       help="chance per action that a phone drops off the network and comes back")
    p_reh.add_argument("--duration", type=float, default=None, help="stop after this many seconds (default: Ctrl-C)")
    p_reh.add_argument("--auto", action="store_true",
                       help="play the whole day: the organiser and the facilitators are simulated too (from "
                            "--organiser-url), every segment of the agenda to closed; then every acknowledged "
                            "post and vote is checked against the organiser's snapshot")
    p_reh.add_argument("--organiser-url", help="the organiser link printed by `workshop create` (with --auto)")
    p_reh.add_argument("--json", action="store_true", help="print one JSON object (the commentary goes to stderr)")
    p_reh.add_argument("--verbose", action="store_true",
                       help="with --auto: how long each phase waited for the phones, and slow organiser commands")


def _add_bench(sub) -> None:
    p_bench = sub.add_parser("bench", help="benchmark: connect burst and vote storm with simulated phones")
    p_bench.add_argument("--participants", type=int, default=100)
    p_bench.add_argument("--rooms", type=int, default=None,
                         help="rooms in all (default: 10; with --workshops, --participants / 10)")
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
    p_bench.add_argument("--cpu-profile", metavar="DIR",
                         help="sample the servers and the phones on their own CPU clock through the connect burst "
                              "and the vote storm; folded stacks into DIR/burst and DIR/storm "
                              "(python -m server.sim.cpuprof DIR/storm summarises them)")
    p_bench.add_argument("--pg-driver", choices=["psycopg", "psycopg2", "pg8000"],
                         help="PostgreSQL driver (default: the server's choice, server/config.py)")
    p_bench.add_argument("--cpu-hog", type=int, default=0, metavar="N",
                         help="N busy processes (pure CPU loops) beside the server for the whole run, "
                              "the baseline's included")
    p_bench.add_argument("--workshops", type=int, default=None, metavar="N",
                         help="a national day: the phones and rooms spread over N workshops (at most 50 rooms "
                              "each), whose joins and votes are staggered over --stagger s")
    p_bench.add_argument("--stagger", type=float, default=None, metavar="SECONDS",
                         help="with --workshops: each workshop starts its joins and its vote at its own offset "
                              "within this period (default: 60 with several workshops, 0 with one)")


def _add_purge(sub) -> None:
    p_purge = sub.add_parser("purge", help="erase a closed workshop's personal data (names, contacts, links); "
                             "posts, votes and the plan stay")
    p_purge.add_argument("workshop_id")
    p_purge.add_argument("--json", action="store_true", help="print one JSON object")


def _add_expire(sub) -> None:
    p_expire = sub.add_parser("expire", help="erase the personal data of workshops older than TOKEN_TTL_DAYS "
                              "(for cron; `serve` also does it when it starts)")
    p_expire.add_argument("--json", action="store_true", help="print one JSON object")


def _add_user(sub) -> None:
    p_user = sub.add_parser("user", help="organiser accounts of the workspace (/workshops in a browser)")
    u_sub = p_user.add_subparsers(dest="action", required=True)
    p_add = u_sub.add_parser("add", help="create an account; without --password-stdin it prints a set-password link")
    p_add.add_argument("email")
    p_add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p_add.add_argument("--admin", action="store_true", help="may create accounts from the web (/accounts)")
    p_add.add_argument("--base-url", help=BASE_URL_HELP)
    p_add.add_argument("--port", type=int, default=None, help=PORT_HELP)
    p_reset = u_sub.add_parser("reset", help="print a password reset link for an account (no mail server needed)")
    p_reset.add_argument("email")
    p_reset.add_argument("--base-url", help=BASE_URL_HELP)
    p_reset.add_argument("--port", type=int, default=None, help=PORT_HELP)


def _add_db(sub) -> None:
    p_db = sub.add_parser("db", help="database schema")
    db_sub = p_db.add_subparsers(dest="action", required=True)
    db_sub.add_parser("upgrade", help="apply Alembic migrations up to the latest")
    db_sub.add_parser("current", help="print the schema revision")


def _raise_open_files() -> None:
    """Every connection is a file descriptor: lift the soft limit to the hard one."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


# Python's cyclic garbage collector stops the whole process while it runs. With 1,000 phones
# connected a full collection scans about 330,000 objects: 200-230 ms on this machine, every
# 2-3 s during a vote storm with the default thresholds (700, 10, 10), which was the fan-out's
# p95/p99 (docs/benchmarks.md). A larger first threshold promotes far fewer short-lived
# objects (a waiting command's) to the old generation, so full collections become rare;
# they still run (threshold 3 and CPython's 25 % rule), so cyclic garbage is still freed.
GC_THRESHOLDS = (20000, 20, 100)


def tune_gc(thresholds: str | None = None) -> tuple[int, int, int]:
    """Freeze what start-up made (modules, the app: never garbage) and raise the thresholds.

    `thresholds` ("a,b,c", the GC_THRESHOLDS environment variable) overrides the defaults."""
    import gc
    values = GC_THRESHOLDS
    if thresholds:
        try:
            values = tuple(int(v) for v in thresholds.split(","))
        except ValueError:
            values = ()
        if len(values) != 3 or min(values) < 1:
            raise SystemExit("GC_THRESHOLDS must be three positive whole numbers like 20000,20,100, "
                             f"not {thresholds!r}")
    gc.collect()
    gc.freeze()
    gc.set_threshold(*values)
    return values


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

    # The server knows its own public address from the start: links and the QR code use it,
    # whatever address a browser opened (server/http.py, public_base).
    base, warning = config.public_url(host, port, os.environ.get("PUBLIC_URL"))
    app = create_app({"PUBLIC_URL": base})
    _expire_at_start(app)
    print(f"Common Ground is running. Open {base}/ in a browser; phones use this address too "
          "(the projector's QR code carries it).", flush=True)
    if warning:
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    print(f"Database: {_safe_url(app.config['DATABASE_URL'])}; message queue: "
          f"{'Redis' if app.config['REDIS_URL'] else 'none (single process)'}; async mode: {mode}", flush=True)
    extra = {"max_size": MAX_CONNECTIONS} if mode == "eventlet" else {}
    if mode == "threading":
        extra["allow_unsafe_werkzeug"] = True
    tune_gc(os.environ.get("GC_THRESHOLDS"))
    if os.environ.get("CG_CPU_PROFILE"):  # bench --cpu-profile: SIGUSR1/SIGUSR2 start/stop a sampler
        from .sim import cpuprof
        cpuprof.install_from_env(f"server-{port}")
    socketio.run(app, host=host, port=port, log_output=False, **extra)
    return 0


def _safe_url(url: str) -> str:
    """A database URL without its password, for printing."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _base_url(args, app) -> str:
    """--base-url, else PUBLIC_URL, else this machine's network address and the server's port (as `serve`)."""
    if args.base_url:
        return args.base_url.rstrip("/")
    port = args.port if args.port is not None else config.default_port()
    base, warning = config.public_url(ALL_INTERFACES[0], port, app.config.get("PUBLIC_URL"))
    if warning:
        print(f"Warning: {warning}", file=sys.stderr)
    return base


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
        "progress_url": f"{base}/progress/{created['progress_token']}",
        "rooms": [{"room_id": f["room_id"], "name": f["room"]} for f in created["facilitators"]],
        "languages": created["languages"],
        "vote_budget": created["vote_budget"],
        "live_tallies": created.get("live_tallies", False),
        "sectors": created["sectors"], "agenda": created["agenda"],
    }


def create_workshop(args) -> int:
    from . import create_app
    from .domain.errors import CommandError
    from .domain.sectors import parse_spec
    from .domain.workshops import check_languages
    from .domain.workshops import create_workshop as create

    app = create_app()
    base = _base_url(args, app)
    try:
        languages = args.languages.split(",")
        sectors = parse_spec(args.sectors, check_languages(languages)) if args.sectors is not None else None
        created = create(app.extensions["common_ground_db"], title=args.title, rooms=args.rooms,
                         vote_budget=args.vote_budget, languages=languages,
                         date=args.date, place=args.place, live_tallies=args.live_tallies,
                         sectors=sectors, sector_preset=args.sector_preset, agenda=args.agenda)
    except CommandError as err:
        return _refuse(err, args.json)
    out = _links(base, created)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"Workshop created: {out['title']}")
    print(f"  Join code:        {out['join_code']}")
    print(f"  Participants:     {out['participant_url']}")
    print(f"  Projector:        {out['display_url']}")
    print(f"  Organiser:        {out['organiser_url']}")
    for room, url in zip(out["rooms"], out["facilitator_urls"], strict=True):
        print(f"  Facilitator, {room['name']}: {url}")
    print(f"  Progress (read-only, after the day): {out['progress_url']}")
    first = created["languages"][0]
    print("  Sectors:          " + ", ".join(f"{x['names'][first]} ({x['side']})" for x in out["sectors"]))
    print("  Agenda:           " + " -> ".join(out["agenda"]))
    print("Keep the organiser and facilitator links private: each one is a key.")
    return 0


def _refuse(err, as_json: bool) -> int:
    """Print a refusal (one JSON object with --json, else a line on stderr); exit code 2."""
    if as_json:
        print(json.dumps({"ok": False, "error": err.as_dict()}))
    else:
        print(f"error ({err.code}): {err.message}", file=sys.stderr)
    return 2


def links(args) -> int:
    """Print a workshop's links: join, progress and council; --reissue: new organiser, projector, facilitator links.

    Only a token's hash is stored, so those three kinds cannot be printed again: they are re-issued through
    the same commands as the organiser console (organiser_link_renew, display_link_renew,
    facilitator_invite_renew), which stop the old ones at once.
    """
    import uuid

    from . import create_app
    from .domain import auth, dispatch
    from .domain.errors import CommandError

    app = create_app()
    db = app.extensions["common_ground_db"]
    base = _base_url(args, app)
    wanted = set(REISSUE[:3]) if "all" in args.reissue else set(args.reissue)
    organiser = auth.Principal("organiser", args.workshop_id)

    def run(name: str, **payload) -> dict:
        # The same command path as the organiser console (validated, audited); the token is in the result only.
        outcome = dispatch(db, organiser, name, {"cid": f"cli-{uuid.uuid4().hex}", **payload})
        _deliver(app, outcome.events, outcome.disconnect)
        return outcome.result

    try:
        ws, rooms = _workshop_for_links(db, args.workshop_id)
        reissued = _reissue_links(run, wanted, rooms, base)
        issued = {pid: f"{base}/council/{run('council_link_issue', participant_id=pid)['token']}"
                  for pid in args.council}
        out = {"workshop_id": ws["id"], "title": ws["title"], "join_code": ws["join_code"], "base_url": base,
               "participant_url": f"{base}/j/{ws['join_code']}", "progress_url": f"{base}/progress/{ws['progress']}",
               **reissued, "council": _council_members(db, ws["id"], issued)}
    except CommandError as err:
        return _refuse(err, args.json)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(out))
        return 0
    _print_links(out, reissued, issued)
    return 0


def _workshop_for_links(db, workshop_id) -> tuple[dict, list[tuple[int, str]]]:
    """The workshop's id, title, join code and progress token, and its rooms (id, name) in order."""
    from sqlalchemy import select

    from .domain.errors import CommandError
    from .models import Room, Workshop

    with db.reading() as s:
        ws = s.get(Workshop, workshop_id)
        if ws is None:
            raise CommandError("not_found", "There is no such workshop.")
        found = {"id": ws.id, "title": ws.title, "join_code": ws.join_code, "progress": ws.progress_token}
        rooms = [(r.id, r.name) for r in s.scalars(select(Room).where(Room.workshop_id == ws.id)
                                                    .order_by(Room.number))]
    if found["progress"] is None:  # cannot happen after migration 0003; keep the CLI total
        raise CommandError("not_found", "This workshop has no progress link.")
    return found, rooms


def _reissue_links(run, wanted: set[str], rooms: list[tuple[int, str]], base: str) -> dict:
    """New facilitator, projector and organiser links as `wanted` (the old ones stop), by `run`ning the commands."""
    reissued: dict = {}
    if "facilitators" in wanted:  # first: refused once the workshop is closed, before anything else changed
        reissued["facilitator_urls"] = [
            {"room_id": rid, "name": name,
             "url": f"{base}/f#{run('facilitator_invite_renew', room_id=rid)['token']}"}
            for rid, name in rooms]
    if "display" in wanted:
        reissued["display_url"] = f"{base}/d#{run('display_link_renew')['token']}"
    if "organiser" in wanted:
        reissued["organiser_url"] = f"{base}/o#{run('organiser_link_renew')['token']}"
    return reissued


def _council_members(db, workshop_id: int, issued: dict[int, str]) -> list[dict]:
    """The council (volunteers with a role, not removed): whether each has a live council link, and the
    link just issued to them, if any."""
    from sqlalchemy import select

    from .models import CouncilLink, CouncilVolunteer, Participant

    with db.reading() as s:
        live = set(s.scalars(select(CouncilLink.participant_id).where(
            CouncilLink.workshop_id == workshop_id, CouncilLink.revoked_at.is_(None))))
        return [{"participant_id": p.id, "name": p.display_name, "group": p.group, "role": v.role,
                 "link_active": p.id in live, **({"council_url": issued[p.id]} if p.id in issued else {})}
                for v, p in s.execute(select(CouncilVolunteer, Participant).join(
                    Participant, Participant.id == CouncilVolunteer.participant_id).where(
                    CouncilVolunteer.workshop_id == workshop_id, CouncilVolunteer.role.is_not(None),
                    Participant.removed_at.is_(None)).order_by(Participant.id))]


def _print_links(out: dict, reissued: dict, issued: dict[int, str]) -> None:
    """`links` as text: every link printed, then what to do with them and which cannot be printed."""
    print(f"{out['title']} (id {out['workshop_id']})")
    print(f"  Participants:     {out['participant_url']}")
    if "display_url" in out:
        print(f"  Projector:        {out['display_url']}")
    if "organiser_url" in out:
        print(f"  Organiser:        {out['organiser_url']}")
    for f in out.get("facilitator_urls", []):
        print(f"  Facilitator, {f['name']}: {f['url']}")
    print(f"  Progress (read-only): {out['progress_url']}")
    for m in out["council"]:
        who = m["name"] or f"participant {m['participant_id']}"
        line = f"  Council: {who} ({m['role']}, {m['group']})"
        line += f": {m['council_url']}" if "council_url" in m else (" — has a link" if m["link_active"] else "")
        print(line)
    if reissued:
        print("New links: the old ones no longer work. Send each one privately: each one is a key.")
    missing = [label for label, key in (("organiser", "organiser_url"), ("projector", "display_url"),
                                        ("facilitator", "facilitator_urls")) if key not in out]
    if missing:
        print(f"The {', '.join(missing)} link(s) cannot be printed again (only a hash of each is stored): "
              "`--reissue organiser|display|facilitators|all` issues new ones and stops the old ones.")
    if issued:
        print("Each council link is that member's key: send it to them privately. Older links of theirs stop working.")


def export(args) -> int:
    """Write one export of a workshop to a file (or '-' for standard output)."""
    from . import create_app
    from .domain.errors import CommandError
    from .reports import check
    from .reports import export as make_export

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
        return _refuse(err, args.json)

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
    base = _base_url(args, app)
    out = _links(base, created)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"Workshop imported: {out['title']} (id {out['workshop_id']})")
    print(f"  Join code:        {out['join_code']}")
    print(f"  Projector:        {out['display_url']}")
    print(f"  Organiser:        {out['organiser_url']}")
    for room, url in zip(out["rooms"], out["facilitator_urls"], strict=True):
        print(f"  Facilitator, {room['name']}: {url}")
    print(f"  Progress (read-only): {out['progress_url']}")
    print("These are new links: the old ones do not work here. Keep the organiser and facilitator links private.")
    return 0


def _deliver(app, events: list, disconnect: list[str]) -> None:
    """With the Redis queue, tell the running servers' clients and cut the erased links' connections.

    Without a queue there is no way to reach them from here; their next command or
    `sync` is refused (server/domain/auth.py) and the organiser's screen catches up on reconnect.
    """
    if not app.config["REDIS_URL"] or not (events or disconnect):
        return
    from .events.broadcast import broadcast, cut
    broadcast(events)
    cut(disconnect)


def purge(args) -> int:
    """Erase one closed workshop's personal data, as its organiser (the `workshop_purge` command)."""
    import secrets as _secrets

    from . import create_app
    from .domain import dispatch
    from .domain.auth import Principal
    from .domain.errors import CommandError
    from .models import Workshop

    def fail(err: CommandError) -> int:
        return _refuse(err, args.json)

    app = create_app()
    db = app.extensions["common_ground_db"]
    try:
        with db.reading() as s:
            if s.get(Workshop, args.workshop_id) is None:
                return fail(CommandError("not_found", f"There is no workshop {args.workshop_id!r}."))
        outcome = dispatch(db, Principal("organiser", args.workshop_id), "workshop_purge",
                           {"cid": "cli-purge-" + _secrets.token_hex(8)})
        _deliver(app, outcome.events, outcome.disconnect)
    except CommandError as err:
        return fail(err)
    finally:
        db.dispose()
    erased = outcome.result["erased"]
    if args.json:
        print(json.dumps({"ok": True, "workshop_id": args.workshop_id, "erased": erased}))
        return 0
    print(f"Personal data of workshop {args.workshop_id} erased: {erased['participants']} participants' names and "
          f"links, {erased['facilitator_links']} facilitator links, {erased['contacts']} council contact details, "
          f"{erased['reasons']} moderation reasons. Posts, votes and the plan are kept.")
    return 0


def _expire(app) -> list[dict]:
    from .domain.purge import expire_due
    done = expire_due(app.extensions["common_ground_db"], app.config["TOKEN_TTL_DAYS"])
    for item in done:
        _deliver(app, item["events"], item["disconnect"])
    return done


def _expire_at_start(app) -> None:
    """`serve` erases what expired while it was not running (TOKEN_TTL_DAYS)."""
    try:
        done = _expire(app)
    except Exception as exc:  # noqa: BLE001 - never keep the server from starting; `expire` can run later
        print(f"Could not check for expired workshops: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return
    if done:
        print(f"Erased the personal data of {len(done)} expired workshop(s) (TOKEN_TTL_DAYS="
              f"{app.config['TOKEN_TTL_DAYS']}).", flush=True)


def expire(args) -> int:
    """Erase the personal data of every workshop past TOKEN_TTL_DAYS (cron-able, idempotent)."""
    from . import create_app

    app = create_app()
    try:
        done = _expire(app)
    finally:
        app.extensions["common_ground_db"].dispose()
    days = app.config["TOKEN_TTL_DAYS"]
    rows = [{"workshop_id": d["workshop_id"], "erased": d["erased"]} for d in done]
    if args.json:
        print(json.dumps({"ok": True, "token_ttl_days": days, "expired": rows}))
        return 0
    if days <= 0:
        print("TOKEN_TTL_DAYS is 0: workshops never expire; nothing erased.")
        return 0
    for d in done:
        print(f"Erased the personal data of workshop {d['workshop_id']} ({d['title']}).")
    print(f"{len(done)} workshop(s) expired (older than {days} days).")
    return 0


def user(args) -> int:
    """`user add EMAIL [--password-stdin] [--admin]`, `user reset EMAIL`: accounts of the workspace."""
    from . import create_app
    from .domain.errors import CommandError
    from .workspace import accounts

    app = create_app()
    db = app.extensions["common_ground_db"]
    try:
        if args.action == "add":
            password = None
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            made = accounts.create(db, args.email, password, admin=args.admin)
            print(f"Account created: {made['email']}{' (admin)' if made['admin'] else ''}")
            token = made.get("reset_token")
        else:
            token = accounts.reset_link(db, args.email)
        if token:
            print(f"Set-password link (works once, for {accounts.RESET_HOURS} hours; send it privately):")
            print(f"  {_base_url(args, app)}/reset/{token}")
        if args.action == "add":
            print(f"Sign in at {_base_url(args, app)}/login")
    except CommandError as err:
        return _refuse(err, False)
    finally:
        db.dispose()
    return 0


def database(action: str) -> int:
    from flask import Flask

    from . import config
    from .db import Database
    from .migrate import current, upgrade

    instance = Flask("server", instance_relative_config=True).instance_path
    db = Database(config.from_env(instance)["DATABASE_URL"])
    if action == "upgrade":
        upgrade(db)
    print(f"schema revision: {current(db)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
