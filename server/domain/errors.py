"""The one error a command raises when it refuses: a code and a message."""
from __future__ import annotations


class CommandError(Exception):
    """A refusal. Nothing was changed. `code` is stable; `message` is for people."""

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out
