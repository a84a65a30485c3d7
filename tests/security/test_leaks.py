"""Moderation reasons reach only the people docs/security.md names: the post's author,
the room's facilitators, organisers and the report (issue 12, defect 3).

A reason is written about a person ("names Officer K.", "insults the author of
the post above"); the rest of the room learns only that a post was hidden.
Every payload a participant's or the projector's socket receives, live and in a
`sync` answer (events and snapshot), is checked for every reason of a post that
is not its own.
"""
from __future__ import annotations

import json

REASONS = {
    "revealed": "R1 names Officer Kowalski from the night shift",
    "solution": "R2 repeats the rumour about Sgt. Brown",
    "merged": "R3 describes the author's neighbour",
    "brainstorm": "R4 gives a home address",
    "peer_post": "R5 insults the facilitator",
}


def payloads(client) -> str:
    """Everything this socket received live, then a sync from the start (events) and a snapshot."""
    live = client.sio.get_received()
    from_start = client.sync(0)
    snapshot = client.sync(None)
    assert from_start["ok"] and from_start["mode"] == "events", from_start
    assert snapshot["ok"] and snapshot["mode"] == "snapshot", snapshot
    return json.dumps([live, from_start, snapshot], ensure_ascii=False)


def seen_reasons(text: str) -> set[str]:
    return {key for key, reason in REASONS.items() if reason in text}


def test_hide_reasons_reach_the_author_facilitators_and_organisers_only(scene):
    s = scene
    room_b = s.b.fac_b
    # Room A, brainstorm: a post hidden before the reveal, then revealed.
    s.phase("brainstorm", 0)
    early = s.post("My neighbour at 12 Elm Street calls the police on us", anonymous=False)
    revealed = s.post("Officer Kowalski stops us every night")
    merged_a = s.post("Stops are never explained")
    peer_post = s.post("Nobody listens to us", who=s.participant)
    merged_b = s.post("Nobody says why they stop you", who=s.participant)
    s.fac.ok("post_hide", kind="barrier", id=early, reason=REASONS["brainstorm"])
    s.phase("vote", 0)
    s.participant.ok("vote_cast", target_type="barrier", target_id=revealed)
    # After the reveal: a hide with a dot on the post, a hidden member of a merge, then the undo.
    s.fac.ok("post_hide", kind="barrier", id=revealed, reason=REASONS["revealed"])
    s.fac.ok("post_hide", kind="barrier", id=peer_post, reason=REASONS["peer_post"])
    shared = s.fac.ok("barrier_merge", barrier_ids=[merged_a, merged_b])["shared_id"]
    s.org.ok("post_hide", kind="barrier", id=merged_a, reason=REASONS["merged"])
    s.fac.ok("merge_undo", shared_id=shared)
    s.fac.ok("post_edit", kind="barrier", id=revealed, text="Officer K. stops us every night")
    # A hidden solution.
    s.phase("solutions", 0)
    solution = s.propose(merged_b, "Ask Sgt. Brown to explain himself", who=s.author)
    s.fac.ok("post_hide", kind="solution", id=solution, reason=REASONS["solution"])

    mine = {"revealed", "solution", "merged", "brainstorm"}
    assert seen_reasons(payloads(s.author)) == mine, "the author must be told why each of their posts was hidden"
    assert seen_reasons(payloads(s.participant)) == {"peer_post"}
    for who in (s.other_participant, s.b.display):
        assert seen_reasons(payloads(who)) == set(), f"{who.role} of another room / the projector heard a reason"
    assert seen_reasons(payloads(room_b)) == set(), "another room's facilitator heard a reason"
    for who in (s.fac, s.org):
        assert seen_reasons(payloads(who)) == set(REASONS), f"the {who.role} must see every reason of the room"
    # And what each screen shows: the author and the facilitator hold the reason on the post.
    assert s.author.snapshot()["barriers"][str(revealed)]["hidden_reason"] == REASONS["revealed"]
    assert s.fac.snapshot()["solutions"][str(solution)]["hidden_reason"] == REASONS["solution"]
    assert s.fac.snapshot()["barriers"][str(merged_a)]["hidden_reason"] == REASONS["merged"]


def test_a_hidden_post_corrected_by_the_facilitator_is_not_sent_to_the_room(scene):
    """post_edit on a hidden post: the new text goes to the facilitators and the author, not the room."""
    s = scene
    s.phase("reveal", 0)
    b = s.post("Officer Kowalski stops us every night")
    s.fac.ok("post_hide", kind="barrier", id=b, reason="names an officer")
    s.day.drain()
    s.fac.ok("post_edit", kind="barrier", id=b, text="An officer stops us every night (edited)")
    assert "(edited)" not in json.dumps(s.participant.sio.get_received())
    assert any(e["type"] == "post_edited" for e in s.author.events())
