"""HTTP routes of the report back to the room and the follow-up pulse (docs/protocol.md §1, "After the day").

  progress link (in the path)  GET /progress/<token>/report.<pdf|docx|md>?lang=, GET /progress/<token>/qr.svg?to=,
                               GET /progress/<token>/pulse (the follow-up pulse's page)
  progress link (Bearer)       GET /api/progress/pulse, POST /api/progress/pulse

The report and the QR codes are keyed by the progress token in the path, like the progress page itself
(they are printed and scanned): the report has every name removed (server/reports/public.py) and is
served only once the day is `closed`. The follow-up pulse's answers go through the same gate as
/api/progress (`Authorization: Bearer <progress token>`), never with the token in the address.
"""
from __future__ import annotations

import io

import segno
from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory

from . import ratelimit
from .domain import auth, council, followup
from .domain.errors import CommandError
from .http import _db, _error, _no_store, _small_json, _web_root, principal_required, progress_principal, public_base
from .models import Workshop
from .reports import worker
from .reports.public import public_export

bp = Blueprint("closing", __name__)

QR_TARGETS = ("progress", "report", "pulse")


def _workshop_by_token(token: str) -> tuple[str, str]:
    """(workshop id, phase) of the progress token in the path, or 404."""
    with _db().reading() as s:
        ws = council.progress_workshop(s, token)
        if ws is None:
            abort(404)
        return ws.id, ws.phase


@bp.get("/progress/<token>/report.<fmt>")
def public_report(token: str, fmt: str):
    """The report of the day without any names, in ?lang= (en default), once the day is closed."""
    ws_id, phase = _workshop_by_token(token)
    if phase != "closed":
        return _error(CommandError("wrong_phase", "The report is shared once the day is over.", phase=phase), 409)
    try:
        out = public_export(_db(), ws_id, fmt, request.args.get("lang", "en"),
                            current_app.config["REPORT_MIN_GROUP_SIZE"], render_with=worker.pool(current_app).render)
    except CommandError as err:
        return _error(err)
    resp = current_app.response_class(out.data, content_type=out.mimetype)
    disposition = "inline" if fmt == "pdf" else "attachment"
    resp.headers["Content-Disposition"] = f'{disposition}; filename="{out.filename}"'
    return _no_store(resp)


def link_for(token: str, to: str, lang: str) -> str:
    base = f"{public_base()}/progress/{token}"
    if to == "report":
        return f"{base}/report.pdf?lang={lang}"
    return f"{base}/pulse" if to == "pulse" else base


@bp.get("/progress/<token>/qr.svg")
def progress_qr(token: str):
    """A QR code of the progress link (?to=progress), the report's (?to=report&lang=) or the follow-up pulse's."""
    _workshop_by_token(token)
    to, lang = request.args.get("to", "progress"), request.args.get("lang", "en")
    if to not in QR_TARGETS or lang not in ("en", "es", "fa"):
        return _error(CommandError("invalid", f"to: one of {', '.join(QR_TARGETS)}; lang: en, es or fa"))
    buf = io.BytesIO()
    segno.make(link_for(token, to, lang), error="m").save(buf, kind="svg", scale=6, border=2, dark="#000",
                                                          light="#fff", xmldecl=False, svgns=True,
                                                          title=f"QR code: {to}")
    return _no_store(current_app.response_class(buf.getvalue(), mimetype="image/svg+xml"))


@bp.get("/progress/<token>/pulse")
def followup_page(token: str):
    """The follow-up pulse's public page (web/followup.html): answered once per device, no account."""
    return _no_store(send_from_directory(_web_root(), "followup.html"))


@bp.get("/api/progress/pulse")
@principal_required(roles=("progress",), workshop_arg=None, resolve=progress_principal)
def followup_read(principal: auth.Principal):
    """The pulse after the day: the open follow-up pulse ({pulse: null} when none) with the sectors to choose
    from, and the trend of the closed pulses by side (start, end, each follow-up; shown cells only)."""
    with _db().reading() as s:
        ws = s.get(Workshop, principal.workshop_id)
        body = {"title": ws.title, "languages": list(ws.languages), "phase": ws.phase,
                "pulse": followup.open_followup(s, ws), "trend": followup.trend(s, ws)}
    return _no_store(jsonify({"ok": True, **body}))


@bp.post("/api/progress/pulse")
@principal_required(roles=("progress",), workshop_arg=None, resolve=progress_principal)
def followup_answer(principal: auth.Principal):
    """A device answers: {pulse_id, sector, device_key, answers: {key: 1..5}} -> {pulse_id, answered}."""
    payload = _small_json()
    if not isinstance(payload, dict):
        return payload  # the refusal
    try:
        ratelimit.limiter(current_app).hit("join", ratelimit.client_address(current_app, request))
        result = followup.answer(_db(), principal.workshop_id, payload)
    except CommandError as err:
        return _error(err, 409 if err.code in ("already_answered", "closed") else None)
    return _no_store(jsonify({"ok": True, **result}))
