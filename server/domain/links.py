"""Re-issuing the organiser's and the projector's links.

Only a token's hash is stored (auth.py), so a lost link cannot be printed again: it is
re-issued. The new token goes to the ack only (never the event log, the idempotency record
or the audit trail); the old one stops at once: refused at connect (auth.resolve), at the next
command or `sync` of a connection opened with it (auth.refresh compares the principal's key),
and its open connections are told (`access_ended` to the link's own audience `k:<hash>`) and
cut after commit. A room's facilitator link is re-issued with `facilitator_invite_renew`
(safety.py), a council member's with `council_link_issue` (council.py).
"""
from __future__ import annotations

from . import audiences as aud
from . import auth
from .commands import Context
from .errors import CommandError
from .registry import command


def _renew(ctx: Context, column: str) -> str:
    old = getattr(ctx.workshop, column)
    token = auth.new_token()
    setattr(ctx.workshop, column, auth.token_hash(token))
    audience = aud.workshop_link(old)
    ctx.emit("access_ended", {"reason": ""}, [audience])
    ctx.disconnect.append(audience)
    # The token goes to this ack only: never into the event log or the idempotency record.
    ctx.secrets["token"] = token
    return token


@command("display_link_renew", roles=("organiser",))
def display_link_renew(ctx: Context):
    """Organiser re-issues the projector link: the old one stops working and its open projector pages are cut; the token is in the ack only; organisers hear that the link changed."""
    _renew(ctx, "display_token_hash")
    ctx.emit("link_renewed", {"link": "display"}, [ctx.organisers])
    ctx.audit("display_link_renew")
    return {"link": "display"}


@command("organiser_link_renew", roles=("organiser",))
def organiser_link_renew(ctx: Context):
    """The server's operator re-issues the organiser link (`common-ground links --reissue organiser`): the old one stops working and every console opened with it is cut; the token is in the result only."""
    if ctx.principal.key is not None:
        # A console sends with the organiser link itself: it would be cut before its ack arrived, and a
        # leaked link could lock the real organiser out. The CLI, run where the server is, has no link.
        raise CommandError("forbidden", "The organiser link is re-issued where the server runs: "
                           "common-ground links WORKSHOP_ID --reissue organiser.")
    _renew(ctx, "organiser_token_hash")
    ctx.audit("organiser_link_renew")
    return {"link": "organiser"}
