"""HTTP routes: health, joining, the QR code, and the static pages of web/."""
from __future__ import annotations

import io
from pathlib import Path

import segno
from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from sqlalchemy import text

from .domain import workshops
from .domain.errors import CommandError
from .events.broadcast import broadcast

bp = Blueprint("http", __name__)

ERROR_STATUS = {"not_found": 404, "invalid": 400, "bad_request": 400, "unauthorized": 403, "closed": 409,
                "rate_limited": 429}

# The pages of web/, one per surface. Tokens travel in the URL fragment
# (#...), which browsers never send to the server or in a Referer header.
PAGES = {"/": "index.html", "/p": "participant.html", "/f": "facilitator.html", "/o": "organiser.html",
         "/d": "display.html"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


def _db():
    return current_app.extensions["common_ground_db"]


def _error(err: CommandError):
    return jsonify({"ok": False, "error": err.as_dict()}), ERROR_STATUS.get(err.code, 400)


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
    except Exception as exc:  # report, don't crash
        return jsonify({"ok": False, "database": "unreachable", "detail": type(exc).__name__}), 503
    return jsonify({"ok": True, "database": "ok", "message_queue": bool(current_app.config["REDIS_URL"])})


@bp.get("/api/workshops/<code>")
def workshop_info(code: str):
    """Public facts for the join page: title, languages, groups. No secrets."""
    try:
        return jsonify({"ok": True, **workshops.public_info(_db(), code)})
    except CommandError as err:
        return _error(err)


@bp.post("/api/join")
def join():
    """A phone joins: {code, group, language, name?, anonymous?, device_key?} -> {token, participant_id, room_id}."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _error(CommandError("bad_request", "Send a JSON object."))
    try:
        result, events = workshops.join(_db(), payload)
    except CommandError as err:
        return _error(err)
    broadcast(events)
    return jsonify({"ok": True, **result})


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


@bp.get("/static/<path:filename>")
def static(filename: str):
    return send_from_directory(_web_root(), filename)
