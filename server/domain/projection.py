"""How each thing looks to a viewer: the one place that decides it.

Nothing here ever returns an author's participant id. A post shows its
author's display name only when the author chose a name and did not post
anonymously. Whether a viewer may see a post at all is decided by one rule,
`seen_by`, which both `post_visible_to` (snapshots) and `post_audience` (events)
apply.
"""
from __future__ import annotations

from ..models import Barrier, Participant, PlanEntry, PlanNote, PlenaryItem, Room, Solution, Workshop
from . import audiences as aud
from . import rules


def iso(dt) -> str | None:
    return dt.isoformat() if dt is not None else None


def workshop_view(ws: Workshop) -> dict:
    return {
        "id": ws.id, "title": ws.title, "date": ws.date, "place": ws.place,
        "languages": list(ws.languages), "display_language": ws.display_language,
        "join_code": ws.join_code, "vote_budget": ws.vote_budget, "phase": ws.phase,
        "paused": ws.paused, "pause_message": ws.pause_message, "live_tallies": ws.live_tallies,
        "agenda": list(ws.agenda), "segment": ws.segment, "plenary_vote_closed": ws.plenary_vote_closed,
        "prompts": dict(ws.prompts or {}),
        # The progress link, for every phone's closing card: only once the day is closed (closing_token).
        "progress_token": closing_token(ws),
    }


def closing_token(ws: Workshop) -> str | None:
    """The progress token every screen may hold once the day is `closed` (the closing card's links), else None."""
    return ws.progress_token if ws.phase == "closed" else None


def room_view(room: Room) -> dict:
    return {"id": room.id, "number": room.number, "name": room.name, "phase": room.phase,
            "revealed": room.revealed, "deadline": iso(room.deadline), "sectors": list(room.sectors or []),
            "languages": list(room.languages or [])}


def participant_view(p: Participant) -> dict:
    return {"id": p.id, "room_id": p.room_id, "group": p.group, "language": p.language, "name": p.display_name}


def author_name(anonymous: bool, author: Participant | None) -> str | None:
    """The name a post shows, everywhere (views, events, reports): the one its author chose to show, none for
    an anonymous post, and none once the author was removed (participant_remove: `author_names_cleared`)."""
    if anonymous or author is None or author.removed_at is not None:
        return None
    return author.display_name or None


def barrier_view(b: Barrier, author: Participant | None, votes: int, member_ids: list[int],
                 screened: bool = False) -> dict:
    """`screened`: the room is still in its silent brainstorm (not revealed), so no
    one, the facilitators included, sees an author's name yet (they screen posts
    blind); the name appears with the reveal."""
    return {
        "id": b.id, "room_id": b.room_id, "kind": b.kind, "text": b.text,
        "author_name": None if screened else author_name(b.anonymous, author),
        "shared": b.is_shared, "merged_into": b.merged_into_id, "members": sorted(member_ids),
        "hidden": b.hidden, "hidden_reason": b.hidden_reason, "votes": votes,
        "edited": b.original_text is not None, "created_at": iso(b.created_at),
    }


def solution_view(s: Solution, author: Participant | None, votes: int) -> dict:
    return {
        "id": s.id, "room_id": s.room_id, "barrier_id": s.barrier_id, "text": s.text,
        "author_name": author_name(s.anonymous, author),
        "hidden": s.hidden, "hidden_reason": s.hidden_reason, "votes": votes,
        "edited": s.original_text is not None, "created_at": iso(s.created_at),
    }


def post_key(kind: str, item_id: int) -> str:
    return f"{kind}:{item_id}"


def objection_view(entry_id: int, room_id: int, shared_id: int, reason: str, status: str, at) -> dict:
    """A merge objection (facilitators and organisers of the room, and the objector's own
    devices): never which member barrier or person it came from."""
    return {"id": entry_id, "room_id": room_id, "shared_id": shared_id, "reason": reason, "status": status,
            "at": iso(at)}


def plenary_view(item: PlenaryItem, votes: int, members: list[int] | None = None) -> dict:
    """A plenary item; `merged_into` is the item it was merged into on the plenary board (null
    otherwise), `members` the items merged into this one (plenary_merge)."""
    return {"id": item.id, "room_id": item.room_id, "barrier_id": item.barrier_id, "text": item.text,
            "room_votes": item.room_votes, "solutions": list(item.solutions), "votes": votes,
            "merged_into": item.merged_into_id, "members": sorted(members or []), "priority": item.priority}


_LATER_FIELDS = (*rules.CO_LEAD_FIELDS, *rules.NEW_PLAN_FIELDS)


def plan_view(entry: PlanEntry, notes: list[dict] | None = None) -> dict:
    # Entries from before the co-leads existed read as having none (version 1).
    # Entries from before the guiding questions read as having them empty (version 1).
    return {"id": entry.id, "plenary_item_id": entry.plenary_item_id, "room_id": entry.room_id,
            "fields": {**{f: "" for f in _LATER_FIELDS}, **entry.fields},
            "versions": {**{f: 1 for f in _LATER_FIELDS}, **entry.versions}, "position": entry.position,
            "notes": list(notes or [])}


def note_view(note: PlanNote, author: Participant | None) -> dict:
    """A dated note on an action; its author: organiser, or their council role and group then, and the name
    they chose to show (null when none, or once names are erased)."""
    a = note.author or {}
    name = (author.display_name or None) if author is not None else None
    return {"id": note.id, "entry_id": note.entry_id, "text": note.text, "created_at": iso(note.created_at),
            "author": {"role": a.get("role"), "name": name, "group": a.get("group")}}


def council_member_view(p: Participant, role: str) -> dict:
    return {"participant_id": p.id, "name": p.display_name, "group": p.group, "role": role}


def volunteer_view(p: Participant, contact: str | None, consent: bool, role: str | None) -> dict:
    """Organisers only (and the volunteer themself): contact details with consent."""
    return {"participant_id": p.id, "name": p.display_name, "group": p.group,
            "contact": contact if consent else None, "consent": consent, "role": role}


# -- visibility: who sees a post -----------------------------------------------

def _open_to_room(item: Barrier | Solution, room: Room) -> bool:
    """Is the post on its room's board for everyone (hidden posts aside)? A barrier once the room's
    silent brainstorm is revealed, a solution always."""
    return room.revealed if isinstance(item, Barrier) else True


def seen_by(room_id: int, author_id: int | None, open_to_room: bool) -> list[str]:
    """Who sees a post (audiences.py): the whole room when it is open to it, else only the room's
    facilitators (and the organisers) and its author. The one rule behind views and events."""
    if open_to_room:
        return [aud.room(room_id)]
    return [aud.facilitators(room_id)] + ([aud.participant(author_id)] if author_id is not None else [])


def post_visible_to(heard: set[str], item: Barrier | Solution, room: Room) -> bool:
    """Does a viewer who hears these audiences (auth.Principal.audiences) see this post (snapshots)?

    Not once withdrawn; only on its room's board (a participant who moved leaves their old
    room's posts behind); a hidden post is seen as one in the brainstorm is: by the room's
    facilitators and its author."""
    if item.withdrawn or aud.room(item.room_id) not in heard:
        return False
    shown = _open_to_room(item, room) and not item.hidden
    return any(a in heard for a in seen_by(item.room_id, item.author_id, shown))


def post_audience(item: Barrier | Solution, room: Room) -> list[str]:
    """Who hears about this post (events): the same rule, `hidden` aside: hiding and restoring a
    post are told to whoever sees it while it is not hidden (they drop it, or get it back)."""
    return seen_by(item.room_id, item.author_id, _open_to_room(item, room))


def shows_author_name(item: Barrier | Solution, author: Participant, room: Room) -> bool:
    """Does this post's view carry its author's name (so that removing the author changes it)?"""
    return not item.withdrawn and _open_to_room(item, room) and author_name(item.anonymous, author) is not None


def name_audience(item: Barrier | Solution) -> str:
    """Who, besides its author, sees the name on a post that shows one: the room, or only its
    facilitators (and organisers) while the post is hidden. Never the room for a hidden post."""
    return aud.facilitators(item.room_id) if item.hidden else aud.room(item.room_id)
