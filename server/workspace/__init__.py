"""The organiser workspace in the browser (docs/workspace.md): accounts, the dashboard of workshops, their
links, printed packs and the audit of who did what. A venue laptop without accounts works as before: the
CLI and the links do not need any of this.
"""
from __future__ import annotations

from datetime import timedelta

from flask import redirect, request, url_for
from flask_login import LoginManager


def init_app(app) -> None:
    """Sessions (Flask-Login over Flask's signed cookie: HttpOnly, SameSite=Lax, Secure unless the server is
    reached over plain http on a laptop), CSRF tokens (Flask-WTF), and the workspace's pages."""
    import os

    from .views import bp, load_user
    secure = app.config.get("WORKSPACE_SECURE_COOKIES", os.environ.get("WORKSPACE_SECURE_COOKIES"))
    if secure is None:  # automatic: Secure in production and behind https; not on a laptop's plain http
        secure = app.config["ENV"] == "production" or (app.config.get("PUBLIC_URL") or "").startswith("https:")
    elif isinstance(secure, str):
        secure = secure.lower() not in ("0", "off", "false", "no")
    hours = int(app.config.get("WORKSPACE_SESSION_HOURS", os.environ.get("WORKSPACE_SESSION_HOURS", 12)))
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=bool(secure),
                      SESSION_COOKIE_NAME="cg_session", PERMANENT_SESSION_LIFETIME=timedelta(hours=hours),
                      WORKSPACE_SESSION_HOURS=hours, REMEMBER_COOKIE_HTTPONLY=True,
                      REMEMBER_COOKIE_SECURE=bool(secure), REMEMBER_COOKIE_SAMESITE="Lax")
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", hours * 3600)
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.user_loader(load_user)

    @manager.unauthorized_handler
    def _to_login():
        return redirect(url_for("workspace.login", next=request.path if request.method == "GET" else None))

    manager.init_app(app)
    app.register_blueprint(bp)
