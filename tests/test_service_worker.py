"""The service worker's script (server/service_worker.py, web/sw.js): served at the root with
its shell and a version that changes with the files; never a token or an API address."""
from __future__ import annotations

import json
import re
from pathlib import Path

from server import service_worker
from server.http import PAGES


def shell_of(body: str) -> list[str]:
    return json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))


def test_sw_is_served_at_the_root_with_its_shell(app):
    resp = app.test_client().get("/sw.js")
    assert resp.status_code == 200
    assert resp.mimetype == "text/javascript"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    body = resp.get_data(as_text=True)
    assert "__VERSION__" not in body and "__SHELL__" not in body
    shell = shell_of(body)
    assert set(PAGES) <= set(shell)
    for needed in ("/static/js/participant.js", "/static/js/connection.js", "/static/js/connection-machine.js",
                   "/static/js/outbox.js", "/static/js/rules.js", "/static/js/page.js", "/static/js/dom.js",
                   "/static/css/phone.css", "/static/i18n/fa.json", "/static/vendor/socket.io.esm.min.js"):
        assert needed in shell
    # Every module a page may import, so an offline reload finds it.
    web_js = Path(__file__).resolve().parents[1] / "web" / "js"
    assert {f"/static/js/{f.name}" for f in web_js.glob("*.js")} <= set(shell)
    assert not [p for p in shell if p.startswith(("/api", "/socket.io", "/qr", "/progress", "/council"))]


def test_the_version_changes_with_any_file_of_the_shell(tmp_path):
    for folder in ("js", "css", "i18n", "vendor"):
        (tmp_path / folder).mkdir()
    (tmp_path / "sw.js").write_text('const VERSION = "__VERSION__";\nconst SHELL = __SHELL__;\n', encoding="utf-8")
    (tmp_path / "participant.html").write_text("<!doctype html>", encoding="utf-8")
    (tmp_path / "js" / "a.js").write_text("export const a = 1;", encoding="utf-8")
    pages = {"/p": "participant.html"}
    first = service_worker.script(tmp_path, pages)
    assert shell_of(first) == ["/p", "/static/js/a.js"]
    assert service_worker.script(tmp_path, pages) == first
    (tmp_path / "js" / "a.js").write_text("export const a = 2;", encoding="utf-8")
    assert service_worker.script(tmp_path, pages) != first
