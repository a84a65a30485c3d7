"""PostgreSQL's C drivers under eventlet or gevent: waits that yield to the event loop.

psycopg (3) and psycopg2 are C drivers: a query's wait on the network happens inside libpq or
the driver's C code, where neither eventlet nor gevent can switch to another green thread, so
one slow query would stop every connection of the process. Both drivers let the wait be
replaced:

* psycopg (3), the server's driver (server/config.py): every operation is a generator that
  yields "wait until the socket is readable / writable"; `psycopg.waiting.wait` consumes it.
  psycopg picks a C wait of its own (blocking) unless it sees gevent's patching; install()
  sets `_psycopg_wait(mode)`, which waits through the event loop (eventlet's hubs.trampoline,
  gevent's wait_read / wait_write). Connecting goes through
  `psycopg.waiting.wait_conn`, which uses the selectors module, green under both.
  psycopg prepares a statement on the server once a connection has run it a few times
  (prepare_threshold): PostgreSQL no longer parses and plans the same text on every command,
  a quarter to a third of its CPU in a vote storm (docs/benchmarks.md, issue 18).
* psycopg2 (kept for comparison, `bench --pg-driver psycopg2`): with a wait callback
  (psycopg2.extensions.set_wait_callback) psycopg2 runs each call in libpq's asynchronous mode
  and asks the callback to wait for the socket. This is what the `psycogreen` package does,
  written out here. (eventlet.monkey_patch() installs an equivalent callback of its own when
  psycopg2 is importable; gevent has none. install() sets ours in both, so the two modes behave
  alike and tests/test_green_pg.py can tell which one is in place.)

server/config.py picks the driver; server/app.py calls install() once the async mode's
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


def _psycopg_wait(mode: str):
    """A psycopg.waiting.wait for `mode`: drive `gen`, which yields what it waits for (Wait.R = 1, W = 2
    or RW = 3) and is sent what is ready; return what it returns. `interval` (psycopg's Ctrl-C check)
    is not needed: the event loop wakes this green thread when the socket is ready. It runs for every
    statement, so what it needs is imported here, once."""
    from psycopg import errors

    if mode == "eventlet":
        from eventlet.green import select
        from eventlet.hubs import trampoline

        def wait_one(fileno, state, timeout):
            if state != 3:
                trampoline(fileno, read=state == 1, write=state == 2, timeout=timeout,
                           timeout_exc=errors._WaitTimeout)
                return state
            # both (a pipeline, executemany): trampoline waits for one side only; select says which came
            readable, writable, _ = select.select([fileno], [fileno], [], timeout)
            if not (readable or writable):
                raise errors._WaitTimeout("wait timeout expired")
            return (1 if readable else 0) | (2 if writable else 0)
    else:
        from gevent.socket import wait_read, wait_readwrite, wait_write
        waits = {1: wait_read, 2: wait_write, 3: wait_readwrite}

        def wait_one(fileno, state, timeout):
            waits[state](fileno, timeout=timeout, timeout_exc=errors._WaitTimeout("wait timeout expired"))
            return state  # both: psycopg reads and flushes without blocking, a side not ready does nothing

    def wait(gen, fileno, interval=0.0, timeout=None):
        try:
            state = next(gen)
            while True:
                state = gen.send(wait_one(fileno, state, timeout))
        except StopIteration as done:
            return done.value

    wait.green_mode = mode
    return wait


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
    """Make psycopg's or psycopg2's waits green in a monkey-patched eventlet or gevent process.

    Returns the mode whose wait is now installed, or None (another driver, the threading mode,
    or a process that is not monkey-patched: a CLI command, a test, where blocking is right)."""
    if mode not in GREEN_MODES or not _patched(mode):
        return None
    if "+psycopg://" in database_url:
        from psycopg import waiting
        waiting.wait = _psycopg_wait(mode)
        return mode
    if "+psycopg2://" in database_url:
        from psycopg2 import extensions
        extensions.set_wait_callback(_eventlet_wait if mode == "eventlet" else _gevent_wait)
        return mode
    return None


def installed(driver: str = "psycopg") -> str | None:
    """Which green wait `driver` ("psycopg" or "psycopg2") has now ("eventlet", "gevent") or None."""
    try:
        if driver == "psycopg":
            from psycopg import waiting
            return getattr(waiting.wait, "green_mode", None)
        from psycopg2 import extensions
    except ImportError:
        return None
    return {_eventlet_wait: "eventlet", _gevent_wait: "gevent"}.get(extensions.get_wait_callback())
