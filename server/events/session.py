"""Per-connection state kept in the Socket.IO session (never a token)."""
from __future__ import annotations

from dataclasses import asdict

from flask import current_app, session

from ..db import Database
from ..domain import auth
from ..domain.errors import CommandError


def db() -> Database:
    return current_app.extensions["common_ground_db"]


def remember(principal: auth.Principal) -> None:
    # Flask-SocketIO keeps a per-connection copy of flask.session (manage_session),
    # separate from any HTTP cookie session: it never leaves this process.
    session["principal"] = asdict(principal)


def principal_for() -> auth.Principal | None:
    data = session.get("principal")
    return auth.Principal(**data) if data else None


def error_ack(err: CommandError) -> dict:
    return {"ok": False, "error": err.as_dict()}


__all__ = ["db", "error_ack", "principal_for", "remember"]
