"""The shortest story: join, brainstorm silently, reveal, vote."""


def test_silent_brainstorm_then_reveal_and_vote(day):
    fac = day.facilitator(0)
    a = day.join(name="Officer Diaz", group="law_enforcement")
    b = day.join(group="community_member")
    assert a.room_id == b.room_id == day.room_ids[0] or a.room_id != b.room_id
    # put both in room 0 regardless of balancing for this story
    org = day.organiser()
    for p in (a, b):
        if p.room_id != day.room_ids[0]:
            org.ok("participant_move", participant_id=p.participant_id, room_id=day.room_ids[0])
            p.room_id = day.room_ids[0]
            p.sync(None)
    fac.ok("phase_advance", from_phase="lobby")
    posted = a.ok("barrier_post", text="Stops are rarely explained", anonymous=False)
    assert posted["barrier"]["author_name"] is None  # screened: no names before the reveal
    b.ok("barrier_post", text="People fear retaliation")
    assert len(b.snapshot()["barriers"]) == 1  # only their own before the reveal
    assert len(fac.snapshot()["barriers"]) == 2
    fac.ok("phase_advance", from_phase="brainstorm")  # reveal
    assert len(b.snapshot()["barriers"]) == 2
    assert b.snapshot()["barriers"][str(posted["barrier"]["id"])]["author_name"] == "Officer Diaz"
    fac.ok("phase_advance", from_phase="reveal")  # vote
    bid = posted["barrier"]["id"]
    r = b.ok("vote_cast", target_type="barrier", target_id=bid)
    assert r == {"votes": 1, "remaining": 2, "seq": r["seq"]}
    b.refused("vote_cast", "already_voted", target_type="barrier", target_id=bid)
