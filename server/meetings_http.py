"""The council's meetings as iCalendar files (docs/protocol.md §1, docs/council.md):

    GET /progress/<progress token>/meetings/<id>.ics   anyone holding the progress link
    GET /council/<council link token>/meetings/<id>.ics a council member through their own link

The token is in the path, as in the page's own address, so a calendar app (or a tap on a phone)
can fetch it; like the pages, it is never cached, every response sends Referrer-Policy:
no-referrer, `serve` writes no access log, and nginx logs /progress/ and /council/ without their
path. An unknown or revoked token, or a meeting of another workshop, is 404 (nothing to tell
apart). Reads only: server/domain/meeting_views.py builds the file.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from .domain import auth, council, meeting_views
from .domain.errors import CommandError
from .models import CouncilMeeting, Workshop

bp = Blueprint("meetings", __name__)


def _not_found():
    resp = jsonify({"error": {"code": "not_found", "message": "There is no such meeting."}})
    resp.status_code = 404
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _answer(workshop_id: str | None, meeting_id: int):
    if workshop_id is None:
        return _not_found()
    with current_app.extensions["common_ground_db"].reading() as s:
        m = s.get(CouncilMeeting, meeting_id)
        if m is None or m.workshop_id != workshop_id:
            return _not_found()
        body = meeting_views.ics(s.get(Workshop, workshop_id), m)
    resp = Response(body, mimetype="text/calendar")
    resp.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting_id}.ics"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/progress/<token>/meetings/<int:meeting_id>.ics")
def progress_meeting_ics(token: str, meeting_id: int):
    with current_app.extensions["common_ground_db"].reading() as s:
        ws = council.progress_workshop(s, token)
        workshop_id = ws.id if ws is not None else None
    return _answer(workshop_id, meeting_id)


@bp.get("/council/<token>/meetings/<int:meeting_id>.ics")
def council_meeting_ics(token: str, meeting_id: int):
    with current_app.extensions["common_ground_db"].reading() as s:
        try:
            principal = auth.resolve(s, token)
        except CommandError:
            principal = None
        workshop_id = principal.workshop_id if principal is not None and principal.role == "council" else None
    return _answer(workshop_id, meeting_id)
