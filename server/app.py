"""The Flask app factory."""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from . import config, green, wsdeflate, wsmask, wswrite
from .db import DEFAULT_GROUP_COMMIT_WAIT_MS, DEFAULT_POOL_SIZE, Database
from .extensions import socketio

MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024


SOCKETIO_PATH = "/socket.io"  # Flask-SocketIO's default path (the client's too: web/js/connection.js)


class _EventSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, except for a Socket.IO event's request context.

    Flask opens the session of every request context it pushes: for an event that meant
    parsing the handshake's cookies and building a signing serializer, only for
    Flask-SocketIO to replace that session with the connection's own (`saved_session` in
    the connection's environ, manage_session) straight after. That connection session is
    returned at once instead (issue 18: a tenth of the cost of each event's context)."""

    def open_session(self, app, request):
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)


class App(Flask):
    """Flask, except that a Socket.IO event's request context is not routed.

    Flask-SocketIO runs every event inside a request context built from the connection's
    handshake request (path /socket.io/, which only the Socket.IO middleware serves). Routing
    that path raised werkzeug's NotFound on every event, stored in the context with its
    traceback: a reference cycle of about 60 objects per event, which only the garbage
    collector frees (docs/benchmarks.md: the collector's pauses were the fan-out's p99).
    Without an adapter the context skips routing; the events use no URL building.
    """

    session_interface = _EventSessions()

    def create_url_adapter(self, request):
        if request is not None and request.path.rstrip("/") == SOCKETIO_PATH:
            return None
        return super().create_url_adapter(request)


def create_app(test_config: dict | None = None) -> Flask:
    """The Flask app factory: configuration, database, Socket.IO, HTTP routes."""
    app = App(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_mapping(config.from_env(app.instance_path))
    app.config["AUTO_MIGRATE"] = app.config["DATABASE_URL"].startswith("sqlite")
    if test_config:
        app.config.update(test_config)
    if app.config["ENV"] == "production" and app.config["SECRET_KEY"] == config.DEFAULT_SECRET:
        raise RuntimeError("SECRET_KEY must be set in production (COMMON_GROUND_ENV=production).")

    # The PostgreSQL driver's waits yield to eventlet / gevent in a monkey-patched server (server/green.py).
    green.install(app.config["ASYNC_MODE"], app.config["DATABASE_URL"])
    if app.config["ASYNC_MODE"] == "eventlet":  # phones' frames unmasked in one XOR (server/wsmask.py)
        wsmask.install()
    database = Database(app.config["DATABASE_URL"], token_ttl_days=app.config["TOKEN_TTL_DAYS"],
                        sqlite_synchronous=app.config.get("SQLITE_SYNCHRONOUS", "full"),
                        pool_size=app.config.get("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE),
                        group_commit_wait_ms=app.config.get("GROUP_COMMIT_WAIT_MS", DEFAULT_GROUP_COMMIT_WAIT_MS))
    app.extensions["common_ground_db"] = database
    if app.config["AUTO_MIGRATE"]:
        from .migrate import upgrade
        upgrade(database)

    from . import events  # noqa: F401  (registers the Socket.IO handlers before init_app)
    from .events import guard
    from .events.broadcast import publish
    database.publisher = publish  # committed commands' events, in order (domain/commands.py)
    queue = {}
    if app.config["REDIS_URL"]:
        # Several processes: python-socketio's Redis manager, observed so /healthz can
        # tell when this process stops hearing the others (server/events/queue.py).
        from .events.queue import ObservedRedisManager
        queue["client_manager"] = ObservedRedisManager(app.config["REDIS_URL"],
                                                       channel=app.config.get("REDIS_CHANNEL", "flask-socketio"))
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        **queue,
        # One phone's commands are applied in the order it sent them: python-socketio
        # otherwise runs each incoming event in its own task, so a command sent right
        # after another could overtake it while the first waits for the workshop lock.
        async_handlers=False,
        cors_allowed_origins=app.config["ALLOWED_ORIGINS"],
        max_http_buffer_size=MAX_SOCKET_PAYLOAD_BYTES,
        ping_interval=10,
        ping_timeout=10,
        # Packets nested deeper than any message of the protocol are refused before decoding
        # (server/events/guard.py); one log line each, no traceback.
        serializer=guard.GuardedPacket,
        json=guard.GuardedJSON,
    )
    guard.install(socketio.server, app.logger)
    if app.config["ASYNC_MODE"] == "eventlet":  # no per-message compression (server/wsdeflate.py)
        wsdeflate.decline(socketio.server.eio)
        wswrite.install(socketio.server.eio)  # a message straight into an idle socket (server/wswrite.py)

    from .http import bp
    app.register_blueprint(bp)
    from .workspace import init_app as workspace
    workspace(app)  # the organiser workspace: accounts, dashboard (server/workspace/, docs/workspace.md)
    from .meetings_http import bp as meetings_bp  # the council's meetings as .ics (after the day)
    app.register_blueprint(meetings_bp)
    from .closing_http import bp as closing_bp  # the report back to the room, the follow-up pulse
    app.register_blueprint(closing_bp)
    return app
