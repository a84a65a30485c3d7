"""Socket.IO handlers: thin. Authenticate, validate, call the domain, emit after commit.

See docs/protocol.md for every command and event, and docs/architecture.md
for the path a change takes.
"""
from . import commands, connection  # noqa: F401  (registers handlers)
