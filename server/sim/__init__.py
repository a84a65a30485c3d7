"""Simulated phones: the facilitator rehearsal and the benchmark (docs/benchmarks.md).

A client of the live protocol (docs/protocol.md) built on python-socketio's
asyncio client. It never imports eventlet: it talks to the server over the
network like any phone. `baseline.py` is the exception, a tiny eventlet
server of its own started as a separate process by the benchmark.
"""
