"""The garbage collector's pauses (docs/benchmarks.md): no reference cycles per Socket.IO
event, and `serve` freezes what start-up made and raises the collector's thresholds."""
from __future__ import annotations

import gc

import pytest

from server.cli import GC_THRESHOLDS, tune_gc


@pytest.fixture
def keep_garbage():
    """Call it to collect, then keep what the collector finds (instead of freeing it) until the test ends."""
    def start():
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.garbage.clear()
        return gc.garbage
    yield start
    gc.set_debug(0)
    gc.garbage.clear()
    gc.collect()


def test_socket_events_leave_no_reference_cycles(day, keep_garbage):
    phone = day.join()  # joining over HTTP is not what this test looks at
    garbage = keep_garbage()
    for _ in range(20):
        assert phone.sync()["ok"]
    gc.collect()
    kinds = {type(o).__module__ + "." + type(o).__qualname__ for o in garbage}
    # Routing the handshake path raised werkzeug's NotFound in every event's request context;
    # its traceback kept the context, the request and their frames in a cycle.
    assert not {k for k in kinds if k.startswith(("werkzeug.", "flask."))}, sorted(kinds)


def test_an_event_context_is_not_routed_and_a_page_still_is(app):
    with app.request_context({**_environ(app, "/socket.io/")}) as ctx:
        assert ctx.url_adapter is None
        assert ctx.request.routing_exception is None
    with app.test_request_context("/api/join", method="POST") as ctx:
        assert ctx.request.url_rule is not None and ctx.request.url_rule.rule == "/api/join"
    with app.test_request_context("/no/such/page") as ctx:
        assert ctx.request.routing_exception is not None  # an unknown page is still a 404


def test_an_event_context_takes_the_connection_session_without_opening_the_cookie(day, monkeypatch):
    """Each event's request context used to open Flask's cookie session (parse the cookies,
    build a signing serializer) only for Flask-SocketIO to replace it with the connection's
    own: the connection's session is taken at once now (server/app.py, issue 18)."""
    from flask.sessions import SecureCookieSessionInterface
    phone = day.join()
    opened: list[str] = []
    real = SecureCookieSessionInterface.open_session

    def counting(self, app, request):
        opened.append(request.path)
        return real(self, app, request)
    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting)
    for _ in range(5):
        assert phone.sync()["ok"]  # the principal remembered at connect is in the connection's session
    assert phone.send("vote_cast", target_type="barrier", target_id=999)["error"]["code"] != "unauthorized"
    assert opened == []
    assert day.app.test_client().get("/healthz").status_code == 200  # a page still opens its cookie session
    assert opened == ["/healthz"]


def _environ(app, path):
    from werkzeug.test import EnvironBuilder
    return EnvironBuilder(path=path).get_environ()


def test_tune_gc_freezes_and_sets_thresholds():
    before = gc.get_threshold()
    try:
        assert tune_gc(None) == GC_THRESHOLDS
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
        assert tune_gc("1000,5,7") == (1000, 5, 7)
        assert gc.get_threshold() == (1000, 5, 7)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@pytest.mark.parametrize("bad", ["1000,5", "a,b,c", "0,10,10", "1000,5,7,9", "-1,2,3"])
def test_tune_gc_refuses_bad_thresholds(bad):
    before = gc.get_threshold()
    with pytest.raises(SystemExit, match="GC_THRESHOLDS must be three positive whole numbers"):
        tune_gc(bad)
    assert gc.get_threshold() == before
