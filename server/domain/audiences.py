"""Who hears an event: the names of the audiences, spelled here and nowhere else.

An audience is a Socket.IO room. A connection joins exactly the audiences of its
principal (`auth.Principal.audiences`), each event row lists the audiences that
may see it, and resume (`sync.py`) filters the log with the same names, so a
name must be spelled the same way wherever it is used: every module calls these
functions (tests/test_audiences.py holds server/ to it). docs/protocol.md §5
lists them for the clients.

A leaf of the domain: it imports nothing of the project.
"""
from __future__ import annotations

# -- the workshop's audiences ---------------------------------------------------

def everyone(workshop_id: str) -> str:
    """`w:<workshop>`: everyone connected to the workshop (organisers, facilitators, participants,
    the projector and council pages)."""
    return f"w:{workshop_id}"


def organisers(workshop_id: str) -> str:
    """`o:<workshop>`: the organisers' consoles."""
    return f"o:{workshop_id}"


def display(workshop_id: str) -> str:
    """`d:<workshop>`: the projector."""
    return f"d:{workshop_id}"


def staff(workshop_id: str) -> str:
    """`s:<workshop>`: the organisers and every room's facilitators (an open plenary vote's counts reach them)."""
    return f"s:{workshop_id}"


# -- a room's audiences -----------------------------------------------------------

def room(room_id: int) -> str:
    """`r:<room>`: the room's participants and facilitators, and the organisers."""
    return f"r:{room_id}"


def facilitators(room_id: int) -> str:
    """`f:<room>`: the room's facilitators, and the organisers (never its participants)."""
    return f"f:{room_id}"


# -- one person's or one link's own audience: what a removal or a revoked link cuts -----

def participant(participant_id: int) -> str:
    """`p:<participant>`: that participant's devices."""
    return f"p:{participant_id}"


def facilitator_link(invite_id: int) -> str:
    """`l:<invite>`: the devices using that facilitator link."""
    return f"l:{invite_id}"


def council_link(link_id: int) -> str:
    """`c:<link>`: the pages using that council link (council members are also in `w:`)."""
    return f"c:{link_id}"


def workshop_link(key: str) -> str:
    """`k:<key>`: the consoles or projector pages opened with that organiser or projector link; `key` is
    the SHA-256 of the link's token, of which the audience keeps the first 16 hex digits."""
    return f"k:{key[:16]}"
