"""The day's rules, free of Flask-SocketIO: commands, projections, snapshots, resume.

Importing this package registers every command in registry.REGISTRY.
"""
from . import board, election, followup, links, meetings, plenary, pulse, purge, safety, seats, workshops  # noqa: F401  (registers commands)
from .registry import REGISTRY, dispatch

__all__ = ["REGISTRY", "dispatch"]
