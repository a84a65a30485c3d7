"""state = apply(state, event): the Python twin of web/js/state.js.

Used by the tests (the keystone property) and by the simulated phones.
Both reducers are checked against the same recorded fixtures
(tests/fixtures/events/*.json), so they cannot drift apart. Keep the two
files in step: same event types, same rules, same order.
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
    if s["workshop"].get("phase") == "plenary":
        for item in s.get("plenary", {}).values():
            item["votes"] = None


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
    role = s["me"]["role"]
    if t == "workshop_updated":
        s["workshop"].update(d["workshop"])
    elif t == "sectors_changed":
        s["sectors"] = d["sectors"]
    elif t == "room_updated":
        s["rooms"][str(d["room"]["id"])] = d["room"]
    elif t == "participant_joined":
        p = d["participant"]
        if role in ("organiser", "display") or s["me"].get("room_id") == p["room_id"]:
            s["participants"][str(p["id"])] = p
    elif t == "participant_moved":
        p = d["participant"]
        if role in ("organiser", "display") or s["me"].get("room_id") == p["room_id"]:
            s["participants"][str(p["id"])] = p
        else:
            s["participants"].pop(str(p["id"]), None)
    elif t == "room_changed":
        s["me"]["room_id"] = d["room_id"]
        s["participants"] = d["participants"]
        s["barriers"] = d["barriers"]
        s["solutions"] = d["solutions"]
        s["vote_progress"] = d["vote_progress"]
        if "objections" in s:  # own objections belong to the room left behind
            s["objections"] = {k: o for k, o in s["objections"].items() if o["room_id"] == d["room_id"]}
    elif t == "barrier_posted":
        if _here(s, d["barrier"]["room_id"]):
            s["barriers"][str(d["barrier"]["id"])] = d["barrier"]
    elif t == "barriers_revealed":
        if _here(s, d["room_id"]):
            for b in d["barriers"]:
                s["barriers"][str(b["id"])] = b
    elif t == "barrier_withdrawn":
        s["barriers"].pop(str(d["barrier_id"]), None)
        # A withdrawn post is no longer "mine" (the snapshot lists live posts only).
        s["mine"] = [k for k in s["mine"] if k != _key("barrier", d["barrier_id"])]
        s.get("flags", {}).pop(_key("barrier", d["barrier_id"]), None)
    elif t == "barriers_merged":
        if _here(s, d["shared"]["room_id"]):
            s["barriers"][str(d["shared"]["id"])] = d["shared"]
            for b in d["members"]:
                s["barriers"][str(b["id"])] = b
    elif t == "merge_undone":
        s["barriers"].pop(str(d["shared_id"]), None)
        s.get("flags", {}).pop(_key("barrier", d["shared_id"]), None)
        if "objections" in s:  # an undone merge takes its objections with it
            s["objections"] = {k: o for k, o in s["objections"].items() if o["shared_id"] != d["shared_id"]}
        for b in d["members"]:
            if _here(s, b["room_id"]) and (str(b["id"]) in s["barriers"] or not b["hidden"]):
                s["barriers"][str(b["id"])] = b
    elif t == "authorship":
        s["mine"] = _set_add(s["mine"], [d["key"]])
    elif t == "tally":
        coll = {"barrier": "barriers", "solution": "solutions", "plenary": "plenary"}[d["target_type"]]
        item = s[coll].get(str(d["target_id"]))
        if item is not None:
            item["votes"] = d["votes"]
    elif t == "tallies_shown":
        # A vote closed: its counts (an item not listed has none).
        coll = {"barrier": "barriers", "solution": "solutions", "plenary": "plenary"}[d["target_type"]]
        for item_id, item in s[coll].items():
            if d["target_type"] == "plenary" or item["room_id"] == d["room_id"]:
                item["votes"] = d["votes"].get(item_id, 0)
    elif t == "vote_progress":
        cell = s.get("vote_progress", {}).get(str(d["room_id"]))
        if cell is not None:
            cell[d["target_type"]] = {"voted": d["voted"], "spent": d["spent"]}
    elif t == "my_votes":
        s["my_votes"] = sorted((set(s["my_votes"]) - set(d["remove"])) | set(d["add"]))
    elif t == "solution_posted":
        if _here(s, d["solution"]["room_id"]):
            s["solutions"][str(d["solution"]["id"])] = d["solution"]
    elif t == "solution_withdrawn":
        s["solutions"].pop(str(d["solution_id"]), None)
        s["mine"] = [k for k in s["mine"] if k != _key("solution", d["solution_id"])]
        s.get("flags", {}).pop(_key("solution", d["solution_id"]), None)
    elif t == "post_hidden":
        coll = "barriers" if d["kind"] == "barrier" else "solutions"
        key = str(d["id"])
        if role == "participant" and _key(d["kind"], d["id"]) not in s["mine"]:
            s[coll].pop(key, None)
        elif key in s[coll]:
            s[coll][key].update({"hidden": True, "votes": 0})
    elif t == "post_hidden_reason":
        # Why a post was hidden: its author, the room's facilitators and organisers only.
        item = s["barriers" if d["kind"] == "barrier" else "solutions"].get(str(d["id"]))
        if item is not None:
            item["hidden_reason"] = d["reason"]
    elif t == "post_edited":
        coll = "barriers" if d["kind"] == "barrier" else "solutions"
        item = s[coll].get(str(d["id"]))
        if item is not None:
            item.update({"text": d["text"], "edited": d["edited"]})
    elif t == "post_flagged":
        # Second-look flags: facilitators and organisers only (they alone hear this event).
        if "flags" in s:
            if d["flags"]:
                s["flags"][_key(d["kind"], d["id"])] = d["flags"]
            else:
                s["flags"].pop(_key(d["kind"], d["id"]), None)
    elif t == "merge_objected":
        if "objections" in s:
            s["objections"][str(d["objection"]["id"])] = d["objection"]
    elif t == "merge_objection_dismissed":
        for o in s.get("objections", {}).values():
            if o["shared_id"] == d["shared_id"] and o["status"] == "open":
                o["status"] = "dismissed"
    elif t == "participant_removed":
        s["participants"].pop(str(d["participant_id"]), None)
        # A removed person is no longer a volunteer the organisers can seat (snapshot: same).
        if "volunteers" in s:
            s["volunteers"].pop(str(d["participant_id"]), None)
    elif t == "author_names_cleared":
        # A removed person's posts stay without their name (only posts that showed it are listed).
        for coll, ids in (("barriers", d["barrier_ids"]), ("solutions", d["solution_ids"])):
            for item_id in ids:
                item = s[coll].get(str(item_id))
                if item is not None:
                    item["author_name"] = None
    elif t == "access_ended":
        # This screen's link no longer works (removed, or a revoked facilitator link).
        # `erased: True` when the workshop's personal data was erased (workshop_purge, expiry).
        s["me"]["ended"] = dict(d)
    elif t == "facilitator_link_changed":
        pass  # a notice for the organiser's console; links are not part of the state
    elif t == "link_renewed":
        pass  # a notice for the organiser's console (the projector's link was re-issued)
    elif t == "post_restored":
        coll = "barriers" if d["kind"] == "barrier" else "solutions"
        if _here(s, d["item"]["room_id"]):
            s[coll][str(d["item"]["id"])] = d["item"]
    elif t == "plenary_item_added":
        s["plenary"][str(d["item"]["id"])] = d["item"]
    elif t == "plenary_item_withdrawn":
        s["plenary"].pop(str(d["item_id"]), None)
    elif t == "plenary_items_merged" or t == "plenary_merge_undone":
        for item in [d["item"], *d["members"]]:
            s["plenary"][str(item["id"])] = item
    elif t == "plan_entry_created":
        s["plan"][str(d["entry"]["id"])] = d["entry"]
    elif t == "plan_entry_updated":
        entry = s["plan"].get(str(d["entry_id"]))
        if entry is not None:
            entry["fields"][d["field"]] = d["value"]
            entry["versions"][d["field"]] = d["version"]
    elif t == "plan_note_added":
        entry = s["plan"].get(str(d["note"]["entry_id"]))
        if entry is not None:
            entry["notes"].append(d["note"])
    elif t == "council_link_changed":
        if role == "organiser":
            if d["active"]:
                s["council_links"][str(d["participant_id"])] = True
            else:
                s["council_links"].pop(str(d["participant_id"]), None)
    elif t == "council_volunteered":
        v = d["volunteer"]
        if role == "organiser":
            s["volunteers"][str(v["participant_id"])] = v
        elif role == "participant" and s["me"].get("participant_id") == v["participant_id"]:
            s["me"]["volunteer"] = v
    elif t == "council_role_set":
        pid = str(d["participant_id"])
        if d["member"]:
            s["council"][pid] = d["member"]
        else:
            s["council"].pop(pid, None)
        if role == "organiser" and pid in s.get("volunteers", {}):
            s["volunteers"][pid]["role"] = d["role"]
        if role == "participant" and s["me"].get("participant_id") == d["participant_id"] and s["me"].get("volunteer"):
            s["me"]["volunteer"]["role"] = d["role"]
    elif t == "help_called":
        s["help"][str(d["help"]["room_id"])] = d["help"]
    elif t == "help_cleared":
        s["help"].pop(str(d["room_id"]), None)
    elif t == "room_stats":
        s["stats"][str(d["room_id"])] = d
    elif t == "workshop_purged":
        # The event lists what the erasure changed (server/domain/purge.py); the content stays.
        for erased in d["erased"]:
            _set_path(s, erased["path"], erased["value"])
        if role == "organiser":
            s["privacy"] = {"purged_at": d["purged_at"]}
    else:
        raise ValueError(f"unknown event type {t!r}")
