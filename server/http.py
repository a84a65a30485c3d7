"""HTTP routes: health, joining, the QR code, exports and read-outs, and the static pages of web/.

Every route and who may call it (docs/protocol.md §1, "HTTP"):

  anyone        GET /healthz, GET /api/workshops/<join_code>, POST /api/join, POST /api/rejoin,
                GET /qr/<join_code>.svg, the pages (/, /p, /f, /o, /d, /j/<code>, /progress/<token>,
                /council/<token>), GET /sw.js, GET /static/<path>
  organiser     GET /api/workshops/<workshop_id>/export.<fmt>, GET /api/workshops/<workshop_id>/links
  organiser or  GET /api/workshops/<workshop_id>/agreement
  projector
  progress link GET /api/progress

The token-protected routes pass one gate, `principal_required`: the token only in an
`Authorization: Bearer` header, resolved by the same code as the socket's (server/domain/auth.py; the
progress link by its own resolver), then the role and the workshop are checked; its refusals are one
table, GATE_STATUS. The routes behind it get the principal and call domain and report functions only.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

import segno
from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from sqlalchemy import text
from werkzeug.exceptions import RequestEntityTooLarge

from . import ratelimit
from .domain import auth, council, seats, workshops
from .domain.errors import CommandError
from .events.queue import listener_status
from .models import Workshop
from .reports import FORMATS, check, worker
from .reports import export as make_export
from .reports.model import plenary_agreement as plenary_board
from .service_worker import script as service_worker_script

bp = Blueprint("http", __name__)

# The gate's one status table (principal_required): a token in the address, no or an unknown token,
# an unknown workshop, a wrong role or another workshop's token.
GATE_STATUS = {"bad_request": 400, "unauthorized": 401, "not_found": 404, "forbidden": 403}
ERROR_STATUS = {**GATE_STATUS, "invalid": 400, "closed": 409, "rate_limited": 429, "expired": 410, "busy": 503}
# Joining: a device key that is a link's token or someone else's seat is refused as `403 unauthorized`
# (docs/protocol.md, POST /api/join): the key is not a missing credential, it is not this device's to use.
JOIN_STATUS = {**ERROR_STATUS, "unauthorized": 403}

# The pages of web/, one per surface. Tokens travel in the URL fragment
# (#...), which browsers never send to the server or in a Referer header.
PAGES = {"/": "index.html", "/p": "participant.html", "/f": "facilitator.html", "/o": "organiser.html",
         "/d": "display.html"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


def _db():
    return current_app.extensions["common_ground_db"]


def _error(err: CommandError, status: int | None = None, statuses: dict[str, int] = ERROR_STATUS):
    resp = jsonify({"ok": False, "error": err.as_dict()})
    if err.code in ("rate_limited", "busy"):
        resp.headers["Retry-After"] = str(err.details["retry_after"])
    return resp, status or statuses.get(err.code, 400)


# A join request is a few hundred bytes; nothing bigger is read.
MAX_JOIN_BYTES = 16 * 1024


def _small_json():
    """The request's JSON object (join, rejoin), or the refusal to answer with."""
    if (request.content_length or 0) > MAX_JOIN_BYTES:
        return _error(CommandError("bad_request", "The request is too large."), 413)
    request.max_content_length = MAX_JOIN_BYTES  # also bounds a body sent without a length
    try:
        payload = request.get_json(silent=True)
    except RequestEntityTooLarge:
        return _error(CommandError("bad_request", "The request is too large."), 413)
    if not isinstance(payload, dict):
        return _error(CommandError("bad_request", "Send a JSON object."))
    return payload


def _code_lookup(fn):
    """Run a lookup by join code under the address's limits (server/ratelimit.py): wrong codes are counted."""
    limits, address = ratelimit.limiter(current_app), ratelimit.client_address(current_app, request)
    try:
        limits.check("join_failures", address)
        return fn()
    except CommandError as err:
        if err.code == "not_found":
            limits.note("join_failures", address)
        raise


@bp.after_app_request
def security_headers(resp):
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp


@bp.get("/healthz")
def healthz():
    """200 with {"ok": true, "database": "ok"} when the database answers; 503 otherwise."""
    try:
        with _db().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable": report it, don't crash
        return jsonify({"ok": False, "database": "unreachable", "detail": type(exc).__name__}), 503
    body = {"ok": True, "database": "ok", "message_queue": bool(current_app.config["REDIS_URL"])}
    # Several processes: is this one still hearing the others? (server/events/queue.py)
    listener = listener_status(current_app.extensions["socketio"].server) if body["message_queue"] else None
    if listener is not None:
        body["listener"] = listener
        if not listener["ok"]:
            return jsonify({**body, "ok": False, "reason": listener.get("reason", "message-queue listener down")}), 503
    return jsonify(body)


@bp.get("/api/workshops/<code>")
def workshop_info(code: str):
    """Public facts for the join page: title, languages, groups. No secrets."""
    try:
        info = _code_lookup(lambda: workshops.public_info(_db(), code))
    except CommandError as err:
        return _error(err)
    # The address phones can reach (PUBLIC_URL or the LAN address `serve` found), for the projector's
    # join text beside the QR code: the projector's own address may be 127.0.0.1.
    return jsonify({"ok": True, **info, "join_url": f"{public_base()}/j/{workshops.normalise_code(code)}"})


@bp.post("/api/join")
def join():
    """A phone joins: {code, group, language, name?, anonymous?, device_key?} -> {token, participant_id, room_id}."""
    payload = _small_json()
    if not isinstance(payload, dict):
        return payload  # the refusal
    try:
        ratelimit.limiter(current_app).hit("join", ratelimit.client_address(current_app, request))
        result, _events = _code_lookup(lambda: workshops.join(_db(), payload))  # published by join
    except CommandError as err:
        return _error(err, statuses=JOIN_STATUS)
    return jsonify({"ok": True, **result})


@bp.post("/api/rejoin")
def rejoin():
    """A new device takes its owner's seat back: {code, seat_code, device_key} -> {token, participant_id, room_id}."""
    payload = _small_json()
    if not isinstance(payload, dict):
        return payload  # the refusal
    limits, address = ratelimit.limiter(current_app), ratelimit.client_address(current_app, request)
    try:
        limits.hit("join", address)
        data = seats.parse_rejoin(payload)
        ws_id = _code_lookup(lambda: workshops.workshop_by_code(_db(), data.code))
        # Wrong seat codes are counted per address and per workshop (ratelimit.py, "Seat codes").
        limits.check("seat_failures", address)
        limits.check("seat_failures_workshop", ws_id)
        try:
            result = seats.rejoin(_db(), ws_id, data)
        except CommandError as err:
            if err.code == "not_found":
                limits.note("seat_failures", address)
                limits.note("seat_failures_workshop", ws_id)
            raise
    except CommandError as err:
        return _error(err, statuses=JOIN_STATUS)
    return _no_store(jsonify({"ok": True, **result}))


@bp.get("/qr/<code>.svg")
def qr(code: str):
    """The join link as an SVG QR code, for the projector."""
    code = workshops.normalise_code(code)
    if not code or len(code) > 16:
        abort(404)
    url = public_base() + "/j/" + code
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff",
                                    xmldecl=False, svgns=True, title="Join link QR code")
    resp = current_app.response_class(buf.getvalue(), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp


def public_base() -> str:
    """The address in links and the QR code: PUBLIC_URL, which `serve` sets at start-up to the configured
    one or the laptop's LAN address (server/config.py, public_url); the request's host only without it."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def _web_root() -> Path:
    return Path(current_app.config["WEB_ROOT"])


@bp.get("/j/<code>")
def join_link(code: str):
    """The QR/join link: the participant page, which reads the code from the path."""
    return send_from_directory(_web_root(), "participant.html")


def _page(name: str):
    def view():
        return send_from_directory(_web_root(), name)
    view.__name__ = "page_" + name.split(".")[0]
    return view


for _path, _file in PAGES.items():
    bp.add_url_rule(_path, view_func=_page(_file))


def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    return resp


# After the day: the read-only progress page and a council member's page. The token is in the
# path (the links are printed and mailed); pages and API answers are never cached, the
# Referrer-Policy above keeps it out of any Referer, `serve` writes no access log, and the
# pages send it back only in an Authorization header or the Socket.IO auth payload.
@bp.get("/progress/<token>")
def progress_page(token: str):
    return _no_store(send_from_directory(_web_root(), "progress.html"))


@bp.get("/council/<token>")
def council_page(token: str):
    return _no_store(send_from_directory(_web_root(), "council.html"))


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def progress_principal(session, token: str) -> auth.Principal:
    """The progress link's resolver: a progress token is not a socket token (server/domain/council.py)."""
    ws = council.progress_workshop(session, token)
    if ws is None:
        raise CommandError("unauthorized", "This progress link is not recognised.")
    return auth.Principal("progress", ws.id)


# What the gate's messages call each role.
_ROLE_NAMES = {"organiser": "organiser", "display": "projector", "progress": "progress link"}


def _admit(roles: tuple[str, ...], workshop_id: str | None, resolve: Callable) -> auth.Principal | tuple:
    """The principal a request speaks for, or the refusal to answer with (GATE_STATUS)."""
    who = " or ".join(_ROLE_NAMES.get(r, r) for r in roles)
    if "token" in request.args:
        return _error(CommandError("bad_request", f"Send the {who} token in an Authorization: Bearer header, "
                                   "never in the address."))
    token = _bearer()
    if token is None:
        return _error(CommandError("unauthorized", f"Send the {who} token as Authorization: Bearer TOKEN."))
    with _db().reading() as s:
        try:
            principal = resolve(s, token)
        except CommandError as err:
            # Unknown, revoked, re-issued, removed, expired: whatever the reason, no principal.
            return _error(err, GATE_STATUS["unauthorized"])
        if workshop_id is not None and s.get(Workshop, workshop_id) is None:
            return _error(CommandError("not_found", "There is no such workshop."))
    if principal.role not in roles or (workshop_id is not None and principal.workshop_id != workshop_id):
        return _error(CommandError("forbidden", f"Only this workshop's {who} can read this."))
    return principal


def principal_required(roles: tuple[str, ...], workshop_arg: str | None = "workshop_id",
                       resolve: Callable = auth.resolve):
    """The gate of every token-protected route: the view gets `principal` first, then its URL arguments.
    `workshop_arg` names the URL argument that must be the principal's workshop (None: the token names it)."""
    def decorate(view):
        @functools.wraps(view)
        def gated(**kwargs):
            admitted = _admit(roles, kwargs.get(workshop_arg) if workshop_arg else None, resolve)
            if not isinstance(admitted, auth.Principal):
                return admitted  # the refusal
            return view(admitted, **kwargs)
        return gated
    return decorate


@bp.get("/api/progress")
@principal_required(roles=("progress",), workshop_arg=None, resolve=progress_principal)
def progress(principal: auth.Principal):
    """The plan for the progress page (docs/protocol.md §1): `Authorization: Bearer <progress token>`."""
    with _db().reading() as s:
        body = council.progress_view(s, s.get(Workshop, principal.workshop_id))
    return _no_store(jsonify({"ok": True, **body}))


@bp.get("/api/workshops/<workshop_id>/links")
@principal_required(roles=("organiser",))
def workshop_links(principal: auth.Principal, workshop_id: str):
    """The links the organiser console can show again (the progress link); organiser token as Bearer."""
    with _db().reading() as s:
        ws = s.get(Workshop, workshop_id)
        join_code, progress_token = ws.join_code, ws.progress_token
    base = public_base()
    # base_url: the address phones use (PUBLIC_URL, or the LAN address `serve` found), for the links the
    # console builds from a re-issued token; never the address this browser happened to open.
    return _no_store(jsonify({"ok": True, "base_url": base, "participant_url": f"{base}/j/{join_code}",
                              "progress_url": f"{base}/progress/{progress_token}" if progress_token else None}))


@bp.get("/sw.js")
def service_worker():
    """The service worker that keeps the app shell for offline reloads (web/sw.js, server/service_worker.py).
    Served at the root so its scope covers every page; always revalidated, so a deployment reaches it."""
    resp = current_app.response_class(service_worker_script(_web_root(), PAGES), mimetype="text/javascript")
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Service-Worker-Allowed"] = "/"
    return resp


@bp.get("/static/<path:filename>")
def static(filename: str):
    return send_from_directory(_web_root(), filename)


@bp.get("/api/workshops/<workshop_id>/export.<fmt>")
@principal_required(roles=("organiser",))
def export(principal: auth.Principal, workshop_id: str, fmt: str):
    """The organiser's exports (server/reports/): ?what=plan|report&lang=en|es|fa; token in `Authorization: Bearer`."""
    if fmt not in FORMATS:
        return _error(CommandError("not_found", f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}."))
    try:
        what, lang = request.args.get("what", "report"), request.args.get("lang", "en")
        check(fmt, what, lang)
        # The data is read here; PDF and Word files render in a worker process (server/reports/worker.py).
        out = make_export(_db(), workshop_id, fmt, what, lang, current_app.config["REPORT_MIN_GROUP_SIZE"],
                          render_with=worker.pool(current_app).render)
    except CommandError as err:
        return _error(err)
    resp = current_app.response_class(out.data, content_type=out.mimetype)  # the charset is in it already
    resp.headers["Content-Disposition"] = f'attachment; filename="{out.filename}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/api/workshops/<workshop_id>/agreement")
@principal_required(roles=("organiser", "display"))
def plenary_agreement(principal: auth.Principal, workshop_id: str):
    """Common ground on the plenary board: per plenary item, police and community support and their
    agreement (server/reports/model.py, plenary_agreement; server/domain/agreement.py), with the small-group
    suppression applied. For the projector and the organiser (`Authorization: Bearer` display or organiser
    token). A suppressed or absent side is only a status, never a number."""
    k = current_app.config["REPORT_MIN_GROUP_SIZE"]
    with _db().reading() as s:
        items = plenary_board(s, workshop_id, k)
    return _no_store(jsonify({"ok": True, "k": k, "items": items}))
