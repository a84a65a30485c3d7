"""psycopg2 under eventlet or gevent: a wait callback that yields to the event loop.

psycopg2 is a C driver: a query's wait on the network happens inside libpq, where
neither eventlet nor gevent can switch to another green thread, so one slow query
would stop every connection of the process. With a wait callback
(psycopg2.extensions.set_wait_callback) psycopg2 runs each call in libpq's
asynchronous mode and asks the callback to wait for the socket to become readable
or writable; these callbacks wait through the event loop (eventlet's
hubs.trampoline, gevent's wait_read / wait_write), so other green threads run
meanwhile. This is what the `psycogreen` package does, written out here.
(eventlet.monkey_patch() installs an equivalent callback of its own when psycopg2 is
importable; gevent has none. install() sets ours in both, so the two modes behave alike
and tests/test_green_pg.py can tell which one is in place.)

server/config.py picks the driver (psycopg2 for eventlet and gevent when it is
installed, pg8000 otherwise); server/app.py calls install() once the async mode's
monkey-patching is in place. Nothing in the domain imports this module.
"""
from __future__ import annotations

GREEN_MODES = ("eventlet", "gevent")


def _eventlet_wait(conn, timeout=None):
    import psycopg2
    from eventlet.hubs import trampoline
    from psycopg2 import extensions

    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            trampoline(conn.fileno(), read=True)
        elif state == extensions.POLL_WRITE:
            trampoline(conn.fileno(), write=True)
        else:
            raise psycopg2.OperationalError(f"Bad result from poll: {state!r}")


def _gevent_wait(conn, timeout=None):
    import psycopg2
    from gevent.socket import wait_read, wait_write
    from psycopg2 import extensions

    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            wait_read(conn.fileno(), timeout=timeout)
        elif state == extensions.POLL_WRITE:
            wait_write(conn.fileno(), timeout=timeout)
        else:
            raise psycopg2.OperationalError(f"Bad result from poll: {state!r}")


def _patched(mode: str) -> bool:
    """Is this process running under `mode`'s monkey-patching (as `common-ground serve` does)?"""
    import sys
    if mode not in sys.modules:  # never imported, so never patched (and importing it here costs)
        return False
    try:
        if mode == "eventlet":
            from eventlet import patcher
            return bool(patcher.is_monkey_patched("socket"))
        from gevent import monkey
        return bool(monkey.is_module_patched("socket"))
    except ImportError:
        return False


def install(mode: str, database_url: str) -> str | None:
    """Make psycopg2's waits green in a monkey-patched eventlet or gevent process.

    Returns the mode whose callback is now installed, or None (another driver, the threading
    mode, or a process that is not monkey-patched: a CLI command, a test, where blocking is right)."""
    if mode not in GREEN_MODES or "+psycopg2" not in database_url or not _patched(mode):
        return None
    from psycopg2 import extensions
    extensions.set_wait_callback(_eventlet_wait if mode == "eventlet" else _gevent_wait)
    return mode


def installed() -> str | None:
    """Which green wait callback psycopg2 has now ("eventlet", "gevent") or None."""
    try:
        from psycopg2 import extensions
    except ImportError:
        return None
    callback = extensions.get_wait_callback()
    return {_eventlet_wait: "eventlet", _gevent_wait: "gevent"}.get(callback)
