"""Every command in one table: who may send it, what its payload is, what it does.

`dispatch()` is the whole pipeline without Socket.IO (AUTH, VALIDATION,
RESOLUTION), so tests, the CLI and the simulator run commands exactly as a
socket does. server/events/commands.py registers each entry as a Socket.IO
handler.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from ..db import Database
from . import auth
from .commands import Context, Outcome, check_client_id, execute
from .errors import CommandError

# Controls and bidi overrides/isolates are removed: they could make a post
# render as something its author did not write. Newlines and tabs stay.
# Lone surrogates (possible in JSON as "\ud800") cannot be stored as UTF-8 at all.
_STRIP = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                    "\ud800-\udfff]")
# Ids and numbers are 32-bit signed integers in the database (PostgreSQL `integer`).
MIN_INT, MAX_INT = -(2**31), 2**31 - 1


def clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    value = _STRIP.sub("", value).replace("\r\n", "\n").strip()
    return value


def text_field(max_chars: int, *, allow_empty: bool = False):
    def check(value: str) -> str:
        value = clean_text(value)
        if not value and not allow_empty:
            raise ValueError("must not be empty")
        if len(value) > max_chars:
            raise ValueError(f"must be at most {max_chars} characters (got {len(value)})")
        return value
    return Annotated[str, AfterValidator(check)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Empty(Payload):
    pass


@dataclass(frozen=True)
class CommandSpec:
    name: str
    fn: Callable[..., dict | None]
    roles: tuple[str, ...]
    schema: type[Payload]
    # Participants cannot act while the organiser has paused every phone.
    blocked_when_paused: bool

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip().splitlines()[0] if self.fn.__doc__ else ""


REGISTRY: dict[str, CommandSpec] = {}


def command(name: str, roles: tuple[str, ...], schema: type[Payload] = Empty):
    def deco(fn):
        if name in REGISTRY:
            raise RuntimeError(f"command {name} registered twice")
        REGISTRY[name] = CommandSpec(name, fn, roles, schema, blocked_when_paused="participant" in roles)
        return fn
    return deco


def validation_message(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        where = ".".join(str(x) for x in e["loc"]) or "payload"
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def parse(spec: CommandSpec, payload: Any) -> tuple[str, Payload]:
    if not isinstance(payload, dict):
        raise CommandError("bad_request", "The payload must be an object with a 'cid' field.")
    body = dict(payload)
    cid = check_client_id(body.pop("cid", None))
    try:
        data = spec.schema.model_validate(body)
    except ValidationError as err:
        raise CommandError("invalid", validation_message(err)) from None
    for key, value in data:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool) and not MIN_INT <= item <= MAX_INT:
                raise CommandError("invalid", f"{key}: must be between {MIN_INT} and {MAX_INT}")
    return cid, data


def dispatch(db: Database, principal: auth.Principal | None, name: str, payload: Any) -> Outcome:
    """Run one command for one principal. Raises CommandError on any refusal."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise CommandError("unknown_command", f"There is no command called {name!r}.")
    # AUTH
    if principal is None:
        raise CommandError("unauthorized", "Connect with a valid token first.")
    if principal.role not in spec.roles:
        raise CommandError("forbidden", f"A {principal.role} cannot use {name}.")
    # VALIDATION
    cid, data = parse(spec, payload)

    # RESOLUTION
    def run(ctx: Context):
        if spec.blocked_when_paused and ctx.principal.role == "participant" and ctx.workshop.paused:
            raise CommandError("paused", ctx.workshop.pause_message or "The organiser has paused the workshop.",
                               retryable=True)
        return spec.fn(ctx, **data.model_dump())
    return execute(db, principal, name, cid, run)
