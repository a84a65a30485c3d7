"""state = apply(state, event): the Python twin of web/js/state.js.

Used by the tests (the keystone property) and by the simulated phones.
Both reducers are checked against the same recorded fixtures
(tests/fixtures/events/*.json), so they cannot drift apart. Keep the two
files in step: same event types, same rules, same order. Here each event
type has its own small function, found in one table (`_HANDLERS`).
"""
from __future__ import annotations

import copy


def _key(kind: str, item_id) -> str:
    return f"{kind}:{item_id}"


def apply(state: dict, event: dict) -> dict:
    """Apply one event; events at or below the state's seq are ignored."""
    if event["seq"] <= state["seq"]:
        return state
    s = copy.deepcopy(state)
    _apply(s, event["type"], event["data"])
    _hide_open_tallies(s)
    s["seq"] = event["seq"]
    return s


_OPEN_PHASE = {"barriers": "vote", "solutions": "solutions"}


def _hide_open_tallies(s: dict) -> None:
    """Participants, the projector and council pages see no count of an open vote
    (server/domain/tallies.py) unless the workshop shows live tallies."""
    if s["me"]["role"] not in ("participant", "display", "council") or s["workshop"].get("live_tallies"):
        return
    for coll, phase in _OPEN_PHASE.items():
        for item in s.get(coll, {}).values():
            room = s.get("rooms", {}).get(str(item["room_id"]))
            if room is not None and room["phase"] == phase:
                item["votes"] = None
    if _plenary_vote_open(s["workshop"]):
        for item in s.get("plenary", {}).values():
            item["votes"] = None


def _plenary_vote_open(ws: dict) -> bool:
    """The prioritisation's dots are open (server/domain/agenda.py plenary_vote_open)."""
    agenda = ws.get("agenda")
    if agenda is None:  # a state from before the agenda
        return ws.get("phase") == "plenary"
    return agenda[ws["segment"]] == "prioritise" and not ws.get("plenary_vote_closed")


def apply_all(state: dict, events: list[dict]) -> dict:
    for ev in events:
        state = apply(state, ev)
    return state


def _set_add(lst: list, items) -> list:
    return sorted(set(lst) | set(items))


def _here(s: dict, room_id) -> bool:
    """Is this room's board part of this viewer's state?

    A moved participant's socket stays in its old room's channel until its
    `sync` is answered, so room news can still arrive from the room it left.
    """
    return s["me"]["role"] in ("organiser", "display") or s["me"].get("room_id") == room_id


def _set_path(node, path: list[str], value) -> None:
    """Set the field at the end of `path` wherever it exists; "*" is every entry of a map or list."""
    head, rest = path[0], path[1:]
    if head == "*":
        children = list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
    elif isinstance(node, dict) and head in node:
        if not rest:
            node[head] = value
            return
        children = [node[head]]
    else:
        return
    if rest:
        for child in children:
            _set_path(child, rest, value)


def _apply(s: dict, t: str, d: dict) -> None:
    handler = _HANDLERS.get(t)
    if handler is None:
        raise ValueError(f"unknown event type {t!r}")
    handler(s, d)


def _role(s: dict) -> str:
    return s["me"]["role"]


def _coll(kind: str) -> str:
    """The state's collection of a post kind."""
    return "barriers" if kind == "barrier" else "solutions"


_VOTED = {"barrier": "barriers", "solution": "solutions", "plenary": "plenary"}


# -- the workshop, its rooms and people ----------------------------------------------

def _workshop_updated(s: dict, d: dict) -> None:
    s["workshop"].update(d["workshop"])


def _sectors_changed(s: dict, d: dict) -> None:
    s["sectors"] = d["sectors"]


def _agenda_changed(s: dict, d: dict) -> None:
    s["workshop"]["agenda"] = d["agenda"]


def _room_updated(s: dict, d: dict) -> None:
    s["rooms"][str(d["room"]["id"])] = d["room"]


def _room_added(s: dict, d: dict) -> None:
    room_id = str(d["room"]["id"])
    s["rooms"][room_id] = d["room"]
    if "stats" in s:
        s["stats"][room_id] = d["stats"]
    if _role(s) in ("organiser", "display") and "vote_progress" in s:
        s["vote_progress"][room_id] = d["vote_progress"]


def _room_removed(s: dict, d: dict) -> None:
    room_id = str(d["room_id"])
    for coll in ("rooms", "stats", "vote_progress", "help"):
        if coll in s:
            s[coll].pop(room_id, None)


def _participant_joined(s: dict, d: dict) -> None:
    p = d["participant"]
    if _role(s) in ("organiser", "display") or s["me"].get("room_id") == p["room_id"]:
        s["participants"][str(p["id"])] = p


def _participant_moved(s: dict, d: dict) -> None:
    p = d["participant"]
    if _role(s) in ("organiser", "display") or s["me"].get("room_id") == p["room_id"]:
        s["participants"][str(p["id"])] = p
    else:
        s["participants"].pop(str(p["id"]), None)


def _room_changed(s: dict, d: dict) -> None:
    s["me"]["room_id"] = d["room_id"]
    s["participants"] = d["participants"]
    s["barriers"] = d["barriers"]
    s["solutions"] = d["solutions"]
    s["vote_progress"] = d["vote_progress"]
    if "objections" in s:  # own objections belong to the room left behind
        s["objections"] = {k: o for k, o in s["objections"].items() if o["room_id"] == d["room_id"]}


def _participant_removed(s: dict, d: dict) -> None:
    s["participants"].pop(str(d["participant_id"]), None)
    # A removed person is no longer a volunteer the organisers can seat (snapshot: same).
    if "volunteers" in s:
        s["volunteers"].pop(str(d["participant_id"]), None)


def _access_ended(s: dict, d: dict) -> None:
    # This screen's link no longer works (removed, or a revoked facilitator link).
    # `erased: True` when the workshop's personal data was erased (workshop_purge, expiry).
    s["me"]["ended"] = dict(d)


def _notice(s: dict, d: dict) -> None:
    """A notice for the organiser's console (facilitator_link_changed; link_renewed: the projector's
    link was re-issued); links are not part of the state."""


def _help_called(s: dict, d: dict) -> None:
    s["help"][str(d["help"]["room_id"])] = d["help"]


def _help_cleared(s: dict, d: dict) -> None:
    s["help"].pop(str(d["room_id"]), None)


def _room_stats(s: dict, d: dict) -> None:
    s["stats"][str(d["room_id"])] = d


def _workshop_purged(s: dict, d: dict) -> None:
    # The event lists what the erasure changed (server/domain/purge.py); the content stays.
    for erased in d["erased"]:
        _set_path(s, erased["path"], erased["value"])
    if _role(s) == "organiser":
        s["privacy"] = {"purged_at": d["purged_at"]}


# -- the rooms' boards ---------------------------------------------------------------

def _barrier_posted(s: dict, d: dict) -> None:
    if _here(s, d["barrier"]["room_id"]):
        s["barriers"][str(d["barrier"]["id"])] = d["barrier"]


def _barriers_revealed(s: dict, d: dict) -> None:
    if _here(s, d["room_id"]):
        for b in d["barriers"]:
            s["barriers"][str(b["id"])] = b


def _barrier_withdrawn(s: dict, d: dict) -> None:
    s["barriers"].pop(str(d["barrier_id"]), None)
    # A withdrawn post is no longer "mine" (the snapshot lists live posts only).
    s["mine"] = [k for k in s["mine"] if k != _key("barrier", d["barrier_id"])]
    s.get("flags", {}).pop(_key("barrier", d["barrier_id"]), None)


def _barriers_merged(s: dict, d: dict) -> None:
    if _here(s, d["shared"]["room_id"]):
        s["barriers"][str(d["shared"]["id"])] = d["shared"]
        for b in d["members"]:
            s["barriers"][str(b["id"])] = b


def _merge_undone(s: dict, d: dict) -> None:
    s["barriers"].pop(str(d["shared_id"]), None)
    s.get("flags", {}).pop(_key("barrier", d["shared_id"]), None)
    if "objections" in s:  # an undone merge takes its objections with it
        s["objections"] = {k: o for k, o in s["objections"].items() if o["shared_id"] != d["shared_id"]}
    for b in d["members"]:
        if _here(s, b["room_id"]) and (str(b["id"]) in s["barriers"] or not b["hidden"]):
            s["barriers"][str(b["id"])] = b


def _authorship(s: dict, d: dict) -> None:
    s["mine"] = _set_add(s["mine"], [d["key"]])


def _solution_posted(s: dict, d: dict) -> None:
    if _here(s, d["solution"]["room_id"]):
        s["solutions"][str(d["solution"]["id"])] = d["solution"]


def _solution_withdrawn(s: dict, d: dict) -> None:
    s["solutions"].pop(str(d["solution_id"]), None)
    s["mine"] = [k for k in s["mine"] if k != _key("solution", d["solution_id"])]
    s.get("flags", {}).pop(_key("solution", d["solution_id"]), None)


def _post_hidden(s: dict, d: dict) -> None:
    coll = _coll(d["kind"])
    key = str(d["id"])
    if _role(s) == "participant" and _key(d["kind"], d["id"]) not in s["mine"]:
        s[coll].pop(key, None)
    elif key in s[coll]:
        s[coll][key].update({"hidden": True, "votes": 0})


def _post_hidden_reason(s: dict, d: dict) -> None:
    # Why a post was hidden: its author, the room's facilitators and organisers only.
    item = s[_coll(d["kind"])].get(str(d["id"]))
    if item is not None:
        item["hidden_reason"] = d["reason"]


def _post_restored(s: dict, d: dict) -> None:
    if _here(s, d["item"]["room_id"]):
        s[_coll(d["kind"])][str(d["item"]["id"])] = d["item"]


def _post_edited(s: dict, d: dict) -> None:
    item = s[_coll(d["kind"])].get(str(d["id"]))
    if item is not None:
        item.update({"text": d["text"], "edited": d["edited"]})


def _post_flagged(s: dict, d: dict) -> None:
    # Second-look flags: facilitators and organisers only (they alone hear this event).
    if "flags" in s:
        if d["flags"]:
            s["flags"][_key(d["kind"], d["id"])] = d["flags"]
        else:
            s["flags"].pop(_key(d["kind"], d["id"]), None)


def _author_names_cleared(s: dict, d: dict) -> None:
    # A removed person's posts stay without their name (only posts that showed it are listed).
    for coll, ids in (("barriers", d["barrier_ids"]), ("solutions", d["solution_ids"])):
        for item_id in ids:
            item = s[coll].get(str(item_id))
            if item is not None:
                item["author_name"] = None


def _merge_objected(s: dict, d: dict) -> None:
    if "objections" in s:
        s["objections"][str(d["objection"]["id"])] = d["objection"]


def _merge_objection_dismissed(s: dict, d: dict) -> None:
    for o in s.get("objections", {}).values():
        if o["shared_id"] == d["shared_id"] and o["status"] == "open":
            o["status"] = "dismissed"


# -- votes -----------------------------------------------------------------------------

def _tally(s: dict, d: dict) -> None:
    item = s[_VOTED[d["target_type"]]].get(str(d["target_id"]))
    if item is not None:
        item["votes"] = d["votes"]


def _tallies_shown(s: dict, d: dict) -> None:
    # A vote closed: its counts (an item not listed has none).
    for item_id, item in s[_VOTED[d["target_type"]]].items():
        if d["target_type"] == "plenary" or item["room_id"] == d["room_id"]:
            item["votes"] = d["votes"].get(item_id, 0)


def _vote_progress(s: dict, d: dict) -> None:
    cell = s.get("vote_progress", {}).get(str(d["room_id"]))
    if cell is not None:
        cell[d["target_type"]] = {"voted": d["voted"], "spent": d["spent"]}


def _my_votes(s: dict, d: dict) -> None:
    s["my_votes"] = sorted((set(s["my_votes"]) - set(d["remove"])) | set(d["add"]))


# -- plenary, plan and council -----------------------------------------------------------

def _plenary_item_added(s: dict, d: dict) -> None:
    s["plenary"][str(d["item"]["id"])] = d["item"]


def _plenary_item_withdrawn(s: dict, d: dict) -> None:
    s["plenary"].pop(str(d["item_id"]), None)


def _plenary_items_merged(s: dict, d: dict) -> None:
    """plenary_items_merged and plenary_merge_undone: the item and its members as they are now."""
    for item in [d["item"], *d["members"]]:
        s["plenary"][str(item["id"])] = item


def _priorities_set(s: dict, d: dict) -> None:
    for item_id, item in s["plenary"].items():
        item["priority"] = d["priorities"].get(item_id)


def _pulse_changed(s: dict, d: dict) -> None:
    s["pulses"][str(d["pulse"]["id"])] = d["pulse"]


def _pulse_progress(s: dict, d: dict) -> None:
    pulse = s["pulses"].get(str(d["pulse_id"]))
    if pulse is not None:
        pulse["answered"] = d["answered"]


def _pulse_answered(s: dict, d: dict) -> None:
    s["me"]["pulses_answered"] = _set_add(s["me"].get("pulses_answered", []), [d["pulse_id"]])


def _election_changed(s: dict, d: dict) -> None:
    s["elections"][str(d["election"]["id"])] = d["election"]


def _election_candidate(s: dict, d: dict) -> None:
    election = s["elections"].get(str(d["election_id"]))
    if election is not None:
        election["candidates"][str(d["candidate"]["id"])] = d["candidate"]


def _election_nomination(s: dict, d: dict) -> None:
    nominations = s["me"].setdefault("nominations", {})
    if d["pending"]:
        nominations[str(d["nomination"]["id"])] = d["nomination"]
    else:
        nominations.pop(str(d["nomination"]["id"]), None)


def _election_progress(s: dict, d: dict) -> None:
    election = s["elections"].get(str(d["election_id"]))
    if election is not None:
        election["voted"] = d["voted"]


def _election_voted(s: dict, d: dict) -> None:
    s["me"]["elections_voted"] = _set_add(s["me"].get("elections_voted", []), [d["election_id"]])


def _sector_people(s: dict, d: dict) -> None:
    # Whom one may nominate while the sectors' nominations are open: one's sector's named people.
    s["sector_people"] = d["people"]


def _sector_person(s: dict, d: dict) -> None:
    people = s.setdefault("sector_people", {})
    if d["person"] is None:
        people.pop(str(d["participant_id"]), None)
    else:
        people[str(d["participant_id"])] = d["person"]


def _plan_entry_created(s: dict, d: dict) -> None:
    s["plan"][str(d["entry"]["id"])] = d["entry"]


def _plan_entry_updated(s: dict, d: dict) -> None:
    entry = s["plan"].get(str(d["entry_id"]))
    if entry is not None:
        entry["fields"][d["field"]] = d["value"]
        entry["versions"][d["field"]] = d["version"]


def _plan_note_added(s: dict, d: dict) -> None:
    entry = s["plan"].get(str(d["note"]["entry_id"]))
    if entry is not None:
        entry["notes"].append(d["note"])


def _meeting_changed(s: dict, d: dict) -> None:
    s["meetings"][str(d["meeting"]["id"])] = d["meeting"]


def _council_link_changed(s: dict, d: dict) -> None:
    if _role(s) == "organiser":
        if d["active"]:
            s["council_links"][str(d["participant_id"])] = True
        else:
            s["council_links"].pop(str(d["participant_id"]), None)


def _council_volunteered(s: dict, d: dict) -> None:
    v = d["volunteer"]
    role = _role(s)
    if role == "organiser":
        s["volunteers"][str(v["participant_id"])] = v
    elif role == "participant" and s["me"].get("participant_id") == v["participant_id"]:
        s["me"]["volunteer"] = v


def _council_role_set(s: dict, d: dict) -> None:
    pid = str(d["participant_id"])
    role = _role(s)
    if d["member"]:
        s["council"][pid] = d["member"]
    else:
        s["council"].pop(pid, None)
    if role == "organiser" and pid in s.get("volunteers", {}):
        s["volunteers"][pid]["role"] = d["role"]
    if role == "participant" and s["me"].get("participant_id") == d["participant_id"] and s["me"].get("volunteer"):
        s["me"]["volunteer"]["role"] = d["role"]


# Every event type (docs/protocol.md §5) and what it does to a state: web/js/state.js has the same.
_HANDLERS = {
    "workshop_updated": _workshop_updated,
    "sectors_changed": _sectors_changed,
    "room_updated": _room_updated,
    "agenda_changed": _agenda_changed,
    "room_added": _room_added,
    "room_removed": _room_removed,
    "participant_joined": _participant_joined,
    "participant_moved": _participant_moved,
    "room_changed": _room_changed,
    "barrier_posted": _barrier_posted,
    "barriers_revealed": _barriers_revealed,
    "barrier_withdrawn": _barrier_withdrawn,
    "barriers_merged": _barriers_merged,
    "merge_undone": _merge_undone,
    "authorship": _authorship,
    "tally": _tally,
    "tallies_shown": _tallies_shown,
    "vote_progress": _vote_progress,
    "my_votes": _my_votes,
    "solution_posted": _solution_posted,
    "solution_withdrawn": _solution_withdrawn,
    "post_hidden": _post_hidden,
    "post_hidden_reason": _post_hidden_reason,
    "post_edited": _post_edited,
    "post_flagged": _post_flagged,
    "merge_objected": _merge_objected,
    "merge_objection_dismissed": _merge_objection_dismissed,
    "participant_removed": _participant_removed,
    "author_names_cleared": _author_names_cleared,
    "access_ended": _access_ended,
    "facilitator_link_changed": _notice,
    "link_renewed": _notice,
    "post_restored": _post_restored,
    "plenary_item_added": _plenary_item_added,
    "plenary_item_withdrawn": _plenary_item_withdrawn,
    "plenary_items_merged": _plenary_items_merged,
    "plenary_merge_undone": _plenary_items_merged,
    "priorities_set": _priorities_set,
    "pulse_changed": _pulse_changed,
    "pulse_progress": _pulse_progress,
    "pulse_answered": _pulse_answered,
    "election_changed": _election_changed,
    "election_candidate": _election_candidate,
    "election_nomination": _election_nomination,
    "election_progress": _election_progress,
    "election_voted": _election_voted,
    "sector_people": _sector_people,
    "sector_person": _sector_person,
    "plan_entry_created": _plan_entry_created,
    "plan_entry_updated": _plan_entry_updated,
    "plan_note_added": _plan_note_added,
    "meeting_changed": _meeting_changed,
    "council_link_changed": _council_link_changed,
    "council_volunteered": _council_volunteered,
    "council_role_set": _council_role_set,
    "help_called": _help_called,
    "help_cleared": _help_cleared,
    "room_stats": _room_stats,
    "workshop_purged": _workshop_purged,
}

# The event types this reducer knows (tests/test_keystone.py: each is produced by some scenario).
EVENT_TYPES = frozenset(_HANDLERS)
