"""PDF and Word exports are rendered in worker processes, off the server's event loop.

Rendering a report (WeasyPrint, python-docx) is CPU work: done in the server's own process it held
the event loop (eventlet) and the GIL for the whole render, so every phone, tablet and projector
on that process waited: a projector's `sync` took 3.6 s during three PDF exports of a full day
(docs/benchmarks.md, "Exports during the day"). A thread would not help: it still holds the GIL.
The HTTP route still reads the database into the report model in the request (model.build, the
privacy rules); only the pure render, `reports.render(fmt, report, what, lang)`, runs here, in
another Python process that receives the model by pickle on its stdin and answers the file's
bytes on its stdout.

Plain subprocesses, not multiprocessing or concurrent.futures: `serve` monkey-patches for its async
mode (eventlet or gevent), which makes `subprocess` and its pipes cooperative, so a request that
waits for its render lets everyone else run, and nothing here imports eventlet. Under the
threading mode (tests, the CLI's own app) the wait blocks only the request's thread.

The bound: at most `workers` renders at once (EXPORT_WORKERS, default 2), one per worker process,
each started when first needed and kept for the next export. As many more requests may wait for a
free worker; an export beyond that is refused at once with `busy` (HTTP 503, Retry-After) and
nothing else happens. A render that runs longer than RENDER_TIMEOUT_SECS is killed with its
worker. Workers run at a lower priority (nice 10), so on a machine with few cores the renders take
the CPU time the server leaves. Markdown and CSV are rendered in the request: they take milliseconds.
"""
from __future__ import annotations

# pickle: only between the server and the worker process it started, never from the network.
# subprocess: this module started as a worker, a fixed command, no shell, no user input.
import atexit
import os
import pickle  # nosec B403
import struct
import subprocess  # nosec B404
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import CommandError

OFFLOADED = ("pdf", "docx", "html_pdf")  # html_pdf: the workspace's printed pack (server/workspace/pack.py)
RENDER_TIMEOUT_SECS = 300
RETRY_AFTER_SECS = 10
PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # where `server` is imported from

_LENGTH = struct.Struct(">Q")
OK, FAILED = b"k", b"e"


class RenderFailed(RuntimeError):
    """The worker could not render (an exception in the renderer, a crash, a timeout)."""


def _write_frame(stream, status: bytes, payload: bytes) -> None:
    stream.write(status + _LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(stream, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream) -> tuple[bytes, bytes]:
    status = stream.read(1)
    if not status:
        raise EOFError("the other side closed the pipe")
    (size,) = _LENGTH.unpack(_read_exact(stream, _LENGTH.size))
    return status, _read_exact(stream, size)


# Every worker process not yet stopped: a pool dropped with its app never leaves one running unowned,
# and they all stop when the server does (their stdin closes; a killed server's close too).
_live: set[_Worker] = set()


class _Worker:
    """One worker process: one render at a time."""

    def __init__(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen([sys.executable, "-m", "server.reports.worker"],  # nosec B603
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        _live.add(self)

    def render(self, job: tuple, timeout: float) -> bytes:
        # A worker that takes too long is killed: its pipe closes and the read below ends.
        timer = threading.Timer(timeout, self.kill)
        timer.daemon = True
        timer.start()
        try:
            _write_frame(self.proc.stdin, OK, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            status, data = _read_frame(self.proc.stdout)
        except (OSError, EOFError, ValueError, struct.error) as exc:
            self.kill()
            raise RenderFailed(f"the export worker stopped ({exc}); see the server's log") from None
        finally:
            timer.cancel()
        if status != OK:
            raise RenderFailed(data.decode("utf-8", "replace"))
        return data

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        self.stop(graceful=False)

    def stop(self, graceful: bool = True) -> None:
        """Close its stdin (it exits when idle) or kill it; reap it either way."""
        if graceful:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        _live.discard(self)


class RenderPool:
    """At most `workers` renders at once in worker processes; up to `waiting` more wait (default: as many)."""

    def __init__(self, workers: int, waiting: int | None = None,
                 timeout: float = RENDER_TIMEOUT_SECS):
        self.workers, self.timeout = workers, timeout
        self._admitted = threading.BoundedSemaphore(workers + (workers if waiting is None else waiting))
        self._running = threading.BoundedSemaphore(workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    @contextmanager
    def slot(self):
        """Admission, then one of the `workers` places; `busy` at once when as many already wait."""
        if not self._admitted.acquire(blocking=False):
            raise CommandError("busy", f"{self.workers} exports are being prepared and others are waiting; "
                               f"try again in {RETRY_AFTER_SECS} seconds.", retry_after=RETRY_AFTER_SECS)
        try:
            with self._running:
                yield
        finally:
            self._admitted.release()

    def render(self, fmt: str, report, what: str, lang: str) -> bytes:
        from . import render
        if fmt not in OFFLOADED:
            return render(fmt, report, what, lang)
        with self.slot():
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is not None and not worker.alive():
                worker.kill()  # reaped
                worker = None
            if worker is None:
                worker = _Worker()
            try:
                data = worker.render((fmt, report, what, lang), self.timeout)
            except BaseException:
                worker.kill()
                raise
            with self._lock:
                self._idle.append(worker)
            return data

    def close(self) -> None:
        """Stop the idle workers (a render under way keeps its own until it ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


@atexit.register
def _stop_all() -> None:
    for worker in list(_live):
        worker.stop()


def pool(app) -> RenderPool:
    """The app's pool, made at its first export (no process starts before a render needs one)."""
    found = app.extensions.get("common_ground_renderers")
    if found is None:
        found = app.extensions.setdefault("common_ground_renderers", RenderPool(app.config["EXPORT_WORKERS"]))
    return found


def main() -> int:
    """The worker process: render each job from stdin, answer on stdout, until stdin closes."""
    from . import render

    os.nice(10)  # the live day first: a render takes the CPU the server does not need
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to the server's log, not the channel
    jobs = sys.stdin.buffer
    while True:
        try:
            _, payload = _read_frame(jobs)
        except EOFError:
            return 0
        # From the server process that started this one (see the imports).
        fmt, report, what, lang = pickle.loads(payload)  # noqa: S301  # nosec B301
        try:
            data, status = render(fmt, report, what, lang), OK
        except Exception as exc:  # noqa: BLE001 - told to the server; this process serves the next export
            data, status = f"{type(exc).__name__}: {exc}".encode(), FAILED
        _write_frame(channel, status, data)


if __name__ == "__main__":
    sys.exit(main())
