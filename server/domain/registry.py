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
# Invisible characters no script needs go too (they hide words from a search or a
# facilitator's eye, or make two equal-looking names differ): zero-width space, word
# joiner, U+FEFF, the Mongolian vowel separator, the invisible math operators, the soft
# hyphen, the combining grapheme joiner, the Arabic letter mark, Khmer's invisible vowels and
# the Hangul fillers (they make a name look blank).
_STRIP = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
                    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u180e\u3164\ufeff\uffa0"
                    "\ud800-\udfff]")
# Unicode tag characters, except in an emoji subdivision flag (black flag, tag letters, cancel tag).
_TAGS = re.compile("(\U0001F3F4[\U000E0020-\U000E007E]{1,8}\U000E007F)|[\U000E0000-\U000E007F]")
# Line and paragraph separators are newlines for every client.
_SEPARATORS = re.compile("[\u2028\u2029]")
# ZWJ (U+200D) joins two visible characters (emoji sequences, Indic half forms): one is kept
# between two such characters; at either end, next to a space, or repeated it joins nothing.
_ZWJ_RUN = re.compile("\u200d{2,}")
_ZWJ_LOOSE = re.compile("(?:^|(?<=\\s))\u200d+|\u200d+(?=\\s|$)")
# A variation selector modifies the character before it: at the start or after a space it modifies nothing.
_ORPHAN_SELECTORS = re.compile("(?:^|(?<=\\s))[\ufe00-\ufe0f\U000E0100-\U000E01EF]+")
# Ids and numbers are 32-bit signed integers in the database (PostgreSQL `integer`).
MIN_INT, MAX_INT = -(2**31), 2**31 - 1


def clean_text(value: str) -> str:
    """NFC; no controls, bidi overrides or invisible characters (ZWNJ, needed by Persian, is kept;
    ZWJ only where it joins); U+2028/U+2029 as newlines; trimmed (docs/protocol.md §3)."""
    value = unicodedata.normalize("NFC", value)
    value = _STRIP.sub("", value).replace("\r\n", "\n")
    value = _SEPARATORS.sub("\n", _TAGS.sub(lambda m: m.group(1) or "", value))
    value = _ZWJ_LOOSE.sub("", _ZWJ_RUN.sub("\u200d", value))
    return _ORPHAN_SELECTORS.sub("", value).strip()


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
