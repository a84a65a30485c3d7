"""HTTP hardening (docs/security.md): security headers on every route and
answer, and production refuses to start with the development secret."""
from __future__ import annotations

import pytest

from server import config, create_app

from ..conftest import make_app


def check_headers(resp, where):
    csp = resp.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
    script = directives.get("script-src", directives.get("default-src"))
    assert script is not None, f"{where}: no script-src/default-src"
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") == "no-referrer", where


@pytest.fixture
def app(tmp_path):
    # SQLite only: headers do not depend on the database.
    app = make_app(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    yield app
    app.extensions["common_ground_db"].dispose()


def test_every_route_and_every_answer_carries_the_security_headers(app):
    client = app.test_client()
    samples = {"code": "ABC234", "filename": "js/state.js", "path": "x"}
    seen = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" and rule.rule.startswith("/socket.io"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", samples.get(arg, "1")).replace(f"<path:{arg}>", samples.get(arg, "1"))
            url = url.replace(f"<int:{arg}>", "1")
        for method in sorted((rule.methods or set()) - {"OPTIONS"}):
            resp = client.open(url, method=method, json={} if method == "POST" else None)
            check_headers(resp, f"{method} {url} -> {resp.status_code}")
            resp.close()
            seen += 1
    assert seen >= 10
    for method, url in (("GET", "/no-such-page"), ("DELETE", "/api/join"), ("GET", "/static/../server/app.py"),
                        ("POST", "/healthz")):
        resp = client.open(url, method=method)
        assert resp.status_code in (404, 405)
        check_headers(resp, f"{method} {url}")
        resp.close()


def test_production_refuses_to_start_with_the_default_secret(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading", "ENV": "production"})
    monkeypatch.setenv("COMMON_GROUND_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading"})
    monkeypatch.setenv("SECRET_KEY", config.DEFAULT_SECRET)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading"})
