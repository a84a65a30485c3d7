"""An export does not stall the live day (issue 12): while the organiser downloads PDF reports, a
projector's `sync` still answers at once.

A real `common-ground serve` (eventlet, as in production) on a workshop with a full day's content
(tests/report_day.py, plus a long action plan, so one PDF takes a second or more to render). The
test measures one export on its own (the render time, as the server does it), then starts several
PDF exports at once and sends `sync` after `sync` from a Socket.IO client until they have all
answered. An export rendered in the server's own process holds the event loop for its whole
render: a `sync` sent meanwhile waits about as long as one render. Rendered in a worker process
(server/reports/worker.py), the slowest `sync` is a small fraction of it. The bound is relative
(a third of the measured render) so a slow or busy machine moves both sides alike.

Figures (printed with -s) are in docs/benchmarks.md, "Exports during the day".
"""
from __future__ import annotations

import statistics
import threading
import time

import pytest
import requests
import socketio

from server import config
from server.reports import export, model
from server.reports.worker import RETRY_AFTER_SECS, RenderFailed, RenderPool

from .board import table_counts
from .conftest import Day, make_app
from .live_server import LiveServer
from .report_day import play

EXPORTS_AT_ONCE = 3
PLAN_ENTRIES = 100  # on top of the played day's: about 2 s of PDF rendering on the development machine
WAIT_SECS = 120



@pytest.fixture(scope="module")
def full_day(tmp_path_factory):
    """The played day with a long action plan, in the SQLite file a live server then serves."""
    tmp = tmp_path_factory.mktemp("export-isolation")
    app = make_app(f"sqlite:///{tmp / 'live.sqlite3'}")
    day = Day(app)
    info = play(day)
    org = day.organiser()
    for i in range(PLAN_ENTRIES):
        entry = org.ok("plan_entry_create", title=f"Follow-up {i}: a monthly meeting of residents and officers")
        org.ok("plan_entry_update", entry_id=entry["entry"]["id"], field="actions",
               value="Meet every month at the community centre; publish the minutes in three languages. " * 3,
               version=1)
    day.close()
    app.extensions["common_ground_db"].dispose()
    server = LiveServer(tmp, env={"RATE_LIMITING": "off"})  # a projector syncing back to back, for the measure
    yield server, info
    server.stop()


def _export(url: str, workshop_id: str, token: str) -> tuple[int, bytes, float]:
    started = time.monotonic()
    resp = requests.get(f"{url}/api/workshops/{workshop_id}/export.pdf?what=report&lang=en",
                        headers={"Authorization": f"Bearer {token}"}, timeout=WAIT_SECS)
    return resp.status_code, resp.content, time.monotonic() - started


@pytest.mark.slow
@pytest.mark.xdist_group("export_isolation")
def test_a_projector_syncs_at_once_while_pdf_reports_render(full_day):
    server, info = full_day
    ws, organiser = info.workshop_id, info.created["organiser_token"]
    projector = socketio.Client(reconnection=False)
    projector.connect(server.url, auth={"token": info.created["display_token"]}, transports=["websocket"],
                      wait_timeout=30)
    try:
        seq = projector.call("sync", {"since": None}, timeout=30)["state"]["seq"]

        def sync_round_trip() -> float:
            started = time.monotonic()
            ack = projector.call("sync", {"since": seq}, timeout=WAIT_SECS)
            assert ack["ok"], ack
            return time.monotonic() - started

        _export(server.url, ws, organiser)  # the first one may also start the renderer
        status, pdf, render = _export(server.url, ws, organiser)
        assert status == 200 and pdf.startswith(b"%PDF"), pdf[:300]
        idle = [sync_round_trip() for _ in range(10)]

        results: list[tuple[int, bytes, float]] = []
        threads = [threading.Thread(target=lambda: results.append(_export(server.url, ws, organiser)))
                   for _ in range(EXPORTS_AT_ONCE)]
        started = time.monotonic()
        for t in threads:
            t.start()
        during = []
        while any(t.is_alive() for t in threads):
            during.append(sync_round_trip())
            time.sleep(0.02)
        all_done = time.monotonic() - started
        for t in threads:
            t.join()
    finally:
        projector.disconnect()

    figures = (f"one PDF alone {render:.2f} s; {EXPORTS_AT_ONCE} at once all done in {all_done:.2f} s; "
               f"sync idle median {statistics.median(idle) * 1000:.0f} ms; during the exports "
               f"{len(during)} syncs, median {statistics.median(during) * 1000:.0f} ms, "
               f"max {max(during) * 1000:.0f} ms")
    print("\n" + figures)
    assert [s for s, _, _ in results] == [200] * EXPORTS_AT_ONCE, [(s, b[:200]) for s, b, _ in results]
    assert all(body.startswith(b"%PDF") for _, body, _ in results)
    assert render > 0.3, f"the workshop is too small to show a stall: {figures}"
    assert max(during) < render / 3, f"a sync waited for a render: {figures}"


# -- the bound, failures, the setting: server/reports/worker.py -----------------------------------

@pytest.fixture(scope="module")
def small_day(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('export-bound') / 'day.sqlite3'}")
    day = Day(app)
    info = play(day)
    yield app, info
    day.close()
    renderers = app.extensions.get("common_ground_renderers")  # made at the first export, if any ran here
    if renderers is not None:
        renderers.close()
    app.extensions["common_ground_db"].dispose()


def _get(app, info, fmt: str):
    return app.test_client().get(f"/api/workshops/{info.workshop_id}/export.{fmt}?what=report&lang=fa",
                                 headers={"Authorization": f"Bearer {info.created['organiser_token']}"})


def test_an_export_beyond_the_bound_is_refused_busy_and_changes_nothing(small_day):
    app, info = small_day
    pool = app.extensions["common_ground_renderers"] = RenderPool(workers=1, waiting=0)
    before = table_counts(app.extensions["common_ground_db"])
    with pool.slot():  # one render running, none may wait
        resp = _get(app, info, "pdf")
        assert resp.status_code == 503, resp.get_data(as_text=True)[:300]
        assert resp.headers["Retry-After"] == str(RETRY_AFTER_SECS)
        error = resp.get_json()["error"]
        assert error["code"] == "busy" and "try again" in error["message"]
        assert _get(app, info, "docx").status_code == 503
        assert _get(app, info, "md").status_code == 200  # rendered in the request: not bounded
    assert table_counts(app.extensions["common_ground_db"]) == before
    resp = _get(app, info, "pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_a_worker_renders_the_same_document_as_the_server_would(small_day, request, monkeypatch):
    app, info = small_day
    # Both renders print the minute they were made ("Generated ..."): one fixed time, so a minute
    # ticking over between the two renders cannot tell them apart.
    at = model.utcnow()
    monkeypatch.setattr(model, "utcnow", lambda: at)
    db = app.extensions["common_ground_db"]
    pool = RenderPool(workers=1)
    request.addfinalizer(pool.close)
    for fmt in ("pdf", "docx"):
        here = export(db, info.workshop_id, fmt, "report", "fa")
        there = export(db, info.workshop_id, fmt, "report", "fa", render_with=pool.render)
        assert there.filename == here.filename and there.mimetype == here.mimetype
        assert _text(fmt, there.data) == _text(fmt, here.data)
        assert "Eastside trust workshop" in _text(fmt, there.data)


def _text(fmt: str, data: bytes) -> str:
    import io
    if fmt == "pdf":
        from pypdf import PdfReader
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    from docx import Document
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_failed_or_overlong_render_is_an_error_and_the_next_export_works(small_day, request):
    app, info = small_day
    db = app.extensions["common_ground_db"]
    pool = RenderPool(workers=1)
    request.addfinalizer(pool.close)
    with pytest.raises(RenderFailed, match="AttributeError"):
        pool.render("pdf", object(), "report", "en")  # not a report: the renderer fails in the worker
    assert export(db, info.workshop_id, "pdf", render_with=pool.render).data.startswith(b"%PDF")
    impatient = RenderPool(workers=1, timeout=0.001)  # killed long before a worker can even start
    with pytest.raises(RenderFailed, match="stopped"):
        export(db, info.workshop_id, "pdf", render_with=impatient.render)


@pytest.mark.parametrize(("value", "workers"), [(None, 2), ("", 2), ("1", 1), (" 4 ", 4)])
def test_export_workers_setting(value, workers):
    assert config.export_workers(value) == workers


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_export_workers_setting_refusals(value):
    with pytest.raises(RuntimeError, match="EXPORT_WORKERS"):
        config.export_workers(value)
