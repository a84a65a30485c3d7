"""The commands of server/domain/board.py: barriers, merges and vote honesty, votes, solutions and
hiding or restoring a post.

Each command has a success story and a refusal test; every refusal changes nothing at all
(`Board.refuse`). The command table is tests/test_commands.py (COVERED).
"""
from __future__ import annotations

from server.domain import rules

from .board import types

# -- barriers ------------------------------------------------------------------------

def test_barrier_post_is_private_until_the_reveal(board):
    author = board.person(0, name="Officer Diaz", anonymous=False)
    peer = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.day.drain()
    text = "  Cafe\u0301 talks \u202eend\u202c never\u0007 happen  "
    res = author.ok("barrier_post", text=text)
    b = res["barrier"]
    assert b["text"] == "Caf\u00e9 talks end never happen"  # NFC, controls and bidi overrides gone
    # Screened: no name before the reveal, not even for the facilitators (tests/test_moderation.py).
    assert b["author_name"] is None and b["votes"] == 0 and b["shared"] is False
    assert "author_id" not in b
    key = str(b["id"])
    assert author.snapshot()["mine"] == [f"barrier:{b['id']}"]
    assert key in author.snapshot()["barriers"]
    assert key in board.fac.snapshot()["barriers"] and key in board.org.snapshot()["barriers"]
    assert key not in peer.snapshot()["barriers"] and peer.snapshot()["mine"] == []
    assert key not in elsewhere.snapshot()["barriers"] and key not in board.fac_b.snapshot()["barriers"]
    assert board.display.snapshot()["barriers"] == {}
    assert board.display.snapshot()["stats"][str(board.room)]["barriers"] == 1
    assert types(author) == ["barrier_posted", "authorship"]
    assert types(board.fac) == ["barrier_posted"]
    assert types(peer) == [] and types(elsewhere) == [] and types(board.fac_b) == []
    assert types(board.display) == ["room_stats"]
    # Anonymous by choice for one post; a person with no name is always anonymous.
    assert board.post(author, "Rumours spread fast", anonymous=True)
    assert peer.ok("barrier_post", text="x" * rules.MAX_BARRIER_CHARS + "   ", anonymous=False)["barrier"]["author_name"] is None
    # After the reveal a new post reaches the whole room at once.
    board.phase("reveal")
    board.day.drain()
    late = board.post(peer, "Late thought")
    assert [e["data"]["barrier"]["id"] for e in author.events() if e["type"] == "barrier_posted"] == [late]
    assert len(peer.snapshot()["barriers"]) == 4


def test_barrier_post_refusals(board):
    p = board.person(0)
    err = board.refuse(p, "barrier_post", "wrong_phase", text="Too early")
    assert err["details"] == {"phase": "lobby", "allowed": ["brainstorm", "reveal"]}
    board.phase("brainstorm")
    for bad in ("   ", "\u202e\u200f \n\t", "x" * (rules.MAX_BARRIER_CHARS + 1), 5, None):
        err = board.refuse(p, "barrier_post", "invalid", text=bad)
        assert "text" in err["message"]
    board.refuse(p, "barrier_post", "invalid")
    board.refuse(p, "barrier_post", "invalid", text="ok", anonymous="no")
    board.refuse(p, "barrier_post", "invalid", text="ok", room_id=board.room)
    board.refuse(board.fac, "barrier_post", "forbidden", text="Facilitators do not post")
    board.refuse(board.org, "barrier_post", "forbidden", text="Nor organisers")
    board.org.ok("workshop_pause", message="Lunch")
    err = board.refuse(p, "barrier_post", "paused", text="During lunch")
    assert err["message"] == "Lunch" and err["details"]["retryable"] is True
    board.org.ok("workshop_resume")
    board.phase("vote")
    err = board.refuse(p, "barrier_post", "wrong_phase", text="Too late")
    assert err["details"]["phase"] == "vote"


def test_barrier_withdraw_removes_it_and_returns_its_dots(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    early = board.post(author, "Typo barrier")
    board.day.drain()
    assert author.ok("barrier_withdraw", barrier_id=early)["barrier_id"] == early
    assert types(board.fac) == ["barrier_withdrawn"] and types(peer) == []
    assert str(early) not in board.fac.snapshot()["barriers"] and str(early) not in board.org.snapshot()["barriers"]
    assert author.snapshot()["mine"] == []
    assert board.display.snapshot()["stats"][str(board.room)]["barriers"] == 0
    # A dot given during the vote comes back when the author withdraws after going back to reveal.
    bid = board.post(author, "Real barrier")
    board.phase("vote")
    peer.ok("vote_cast", target_type="barrier", target_id=bid)
    board.phase("reveal")
    board.day.drain()
    author.ok("barrier_withdraw", barrier_id=bid)
    assert "my_votes" in types(peer)
    assert peer.snapshot()["my_votes"] == [] and str(bid) not in peer.snapshot()["barriers"]
    assert board.stored_votes() == {}
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 0


def test_barrier_withdraw_refusals(board):
    author = board.person(0)
    peer = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    bid = board.post(author, "Mine")
    other_room = board.post(elsewhere, "Theirs")
    board.refuse(peer, "barrier_withdraw", "forbidden", barrier_id=bid)
    board.refuse(author, "barrier_withdraw", "not_found", barrier_id=other_room)
    board.refuse(author, "barrier_withdraw", "not_found", barrier_id=987654)
    board.refuse(author, "barrier_withdraw", "invalid", barrier_id=str(bid))
    board.refuse(author, "barrier_withdraw", "invalid")
    board.refuse(board.fac, "barrier_withdraw", "forbidden", barrier_id=bid)
    second = board.post(author, "Mine too")
    board.phase("reveal")
    shared = board.fac.ok("barrier_merge", barrier_ids=[bid, second])["shared_id"]
    err = board.refuse(author, "barrier_withdraw", "merged", barrier_id=bid)
    assert "merge" in err["message"]
    board.refuse(author, "barrier_withdraw", "forbidden", barrier_id=shared)  # nobody authored the shared one
    board.fac.ok("merge_undo", shared_id=shared)
    board.phase("vote")
    err = board.refuse(author, "barrier_withdraw", "wrong_phase", barrier_id=bid)
    assert err["details"]["allowed"] == ["brainstorm", "reveal"]
    board.phase("report_out")
    board.fac.ok("report_push", barrier_ids=[bid])
    board.phase("reveal")
    board.refuse(author, "barrier_withdraw", "pushed", barrier_id=bid)
    author.ok("barrier_withdraw", barrier_id=second)
    board.refuse(author, "barrier_withdraw", "not_found", barrier_id=second)  # gone already


# -- merges and vote honesty ------------------------------------------------------

def test_merge_keeps_one_dot_per_voter_and_undo_puts_them_back(board):
    """The protocol's promise: no dot counts twice, no budget is exceeded, undo restores."""
    author = board.person(0)
    v1, v2, v3 = board.person(0), board.person(0), board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    x = board.post(author, "Stops feel random")
    y = board.post(author, "Stops are unexplained")
    z = board.post(author, "Complaints vanish")
    board.phase("vote")
    v1.ok("vote_cast", target_type="barrier", target_id=x)   # v1's earliest dot
    v1.ok("vote_cast", target_type="barrier", target_id=y)
    v2.ok("vote_cast", target_type="barrier", target_id=y)
    board.check_vote_honesty(v1, v2, v3)
    board.day.drain()

    res = board.fac.ok("barrier_merge", barrier_ids=[x, y], text="Stops are not explained")
    s = res["shared_id"]
    assert res["returned_votes"] == 1
    assert board.stored_votes() == {v1.participant_id: [f"barrier:{s}"], v2.participant_id: [f"barrier:{s}"]}
    state = board.org.snapshot()
    shared = state["barriers"][str(s)]
    assert shared["shared"] is True and shared["members"] == sorted([x, y]) and shared["votes"] == 2
    assert shared["text"] == "Stops are not explained" and shared["author_name"] is None
    assert state["barriers"][str(x)]["merged_into"] == s and state["barriers"][str(x)]["votes"] == 0
    assert state["barriers"][str(y)]["merged_into"] == s and state["barriers"][str(y)]["votes"] == 0
    # Each voter hears about their own dots only.
    mine = [e["data"] for e in v1.events() if e["type"] == "my_votes"]
    assert mine == [{"add": [f"barrier:{s}"], "remove": sorted([f"barrier:{x}", f"barrier:{y}"])}]
    assert [e["data"] for e in v2.events() if e["type"] == "my_votes"] == [{"add": [f"barrier:{s}"], "remove": [f"barrier:{y}"]}]
    assert types(author) == ["barriers_merged", "vote_progress"]  # v1 has a dot back: who has dots left
    assert types(elsewhere) == []
    # One of v1's two dots came back: exactly one used out of three.
    assert v1.ok("vote_cast", target_type="barrier", target_id=z)["remaining"] == 1
    board.refuse(v1, "vote_cast", "already_voted", target_type="barrier", target_id=s)
    board.refuse(v1, "vote_cast", "merged", target_type="barrier", target_id=x)
    # A dot cast on the shared barrier after the merge.
    assert v3.ok("vote_cast", target_type="barrier", target_id=s)["votes"] == 3
    board.check_vote_honesty(v1, v2, v3)

    board.day.drain()
    res = board.fac.ok("merge_undo", shared_id=s)
    assert res["member_ids"] == sorted([x, y])
    assert board.stored_votes() == {
        v1.participant_id: sorted([f"barrier:{x}", f"barrier:{z}"]),  # back where it came from; z untouched
        v2.participant_id: [f"barrier:{y}"],
        # v3's dot was on the shared barrier itself: returned.
    }
    state = board.org.snapshot()
    assert str(s) not in state["barriers"]
    assert state["barriers"][str(x)]["votes"] == 1 and state["barriers"][str(x)]["merged_into"] is None
    assert state["barriers"][str(y)]["votes"] == 1 and state["barriers"][str(y)]["merged_into"] is None
    assert [e["data"] for e in v3.events() if e["type"] == "my_votes"] == [{"add": [], "remove": [f"barrier:{s}"]}]
    assert [e["data"] for e in v1.events() if e["type"] == "my_votes"] == [{"add": [f"barrier:{x}"], "remove": [f"barrier:{s}"]}]
    stored = board.check_vote_honesty(v1, v2, v3)
    assert v3.participant_id not in stored
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 3


def test_merge_moves_the_earliest_dot_and_undo_restores_that_one(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    x = board.post(author, "First")
    y = board.post(author, "Second")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=y)  # earliest dot is on y this time
    voter.ok("vote_cast", target_type="barrier", target_id=x)
    s = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    assert board.stored_votes() == {voter.participant_id: [f"barrier:{s}"]}
    board.fac.ok("merge_undo", shared_id=s)
    assert board.stored_votes() == {voter.participant_id: [f"barrier:{y}"]}
    board.check_vote_honesty(voter)


def test_nested_merges_undo_one_level_at_a_time(board):
    author = board.person(0)
    v1, v2 = board.person(0), board.person(0)
    board.phase("brainstorm")
    x, y, z = (board.post(author, t) for t in ("Fear", "Distrust", "No follow-up"))
    board.phase("reveal")
    s1 = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    board.phase("vote")
    v1.ok("vote_cast", target_type="barrier", target_id=s1)
    v1.ok("vote_cast", target_type="barrier", target_id=z)
    v2.ok("vote_cast", target_type="barrier", target_id=z)
    s2 = board.org.ok("barrier_merge", room_id=board.room, barrier_ids=[s1, z])["shared_id"]
    assert board.stored_votes() == {v1.participant_id: [f"barrier:{s2}"], v2.participant_id: [f"barrier:{s2}"]}
    board.check_vote_honesty(v1, v2)
    board.refuse(board.fac, "merge_undo", "merged", shared_id=s1)
    board.org.ok("merge_undo", shared_id=s2)
    assert board.stored_votes() == {v1.participant_id: [f"barrier:{s1}"], v2.participant_id: [f"barrier:{z}"]}
    board.check_vote_honesty(v1, v2)
    # v1's dot was cast on s1 itself: undoing s1 gives it back.
    board.fac.ok("merge_undo", shared_id=s1)
    assert board.stored_votes() == {v2.participant_id: [f"barrier:{z}"]}
    board.check_vote_honesty(v1, v2)


def test_undo_does_not_put_a_dot_back_on_a_hidden_original(board):
    """An original hidden while merged takes no dots: its moved dot comes back to the voter."""
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    x = board.post(author, "Offensive version")
    y = board.post(author, "Fair version")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=x)
    s = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    board.fac.ok("post_hide", kind="barrier", id=x, reason="Names a person")
    board.fac.ok("merge_undo", shared_id=s)
    assert board.stored_votes() == {}
    assert voter.snapshot()["my_votes"] == []
    board.check_vote_honesty(voter)


def test_barrier_merge_refusals(board):
    author = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    a, b, c, d, e, f = (board.post(author, t) for t in ("One", "Two", "Three", "Four", "Five", "Six"))
    theirs = board.post(elsewhere, "Other room")
    err = board.refuse(board.fac, "barrier_merge", "wrong_phase", barrier_ids=[a, b])
    assert err["details"] == {"phase": "brainstorm", "allowed": ["reveal", "vote"]}
    board.phase("reveal")
    for bad in ([a], [], [a, a], [str(a), str(b)], list(range(1, rules.MAX_MERGE_MEMBERS + 2)), a):
        err = board.refuse(board.fac, "barrier_merge", "invalid", barrier_ids=bad)
        assert "barrier_ids" in err["message"]
    board.refuse(board.fac, "barrier_merge", "invalid")
    board.refuse(board.fac, "barrier_merge", "invalid", barrier_ids=[a, b], text="x" * (rules.MAX_BARRIER_CHARS + 1))
    board.refuse(board.fac, "barrier_merge", "invalid", barrier_ids=[a, b], text="   ")
    board.refuse(board.fac, "barrier_merge", "not_found", barrier_ids=[a, theirs])
    board.refuse(board.fac, "barrier_merge", "not_found", barrier_ids=[a, 987654])
    board.refuse(board.fac_b, "barrier_merge", "forbidden", room_id=board.room, barrier_ids=[a, b])
    board.phase("reveal", 1)
    board.refuse(board.fac_b, "barrier_merge", "not_found", barrier_ids=[a, b])
    board.refuse(board.org, "barrier_merge", "invalid", barrier_ids=[a, b])  # the organiser names the room
    board.refuse(board.org, "barrier_merge", "not_found", room_id=board.room_b, barrier_ids=[a, b])
    board.refuse(author, "barrier_merge", "forbidden", barrier_ids=[a, b])
    board.refuse(board.display, "barrier_merge", "forbidden", barrier_ids=[a, b])
    board.fac.ok("barrier_merge", barrier_ids=[a, b])
    board.refuse(board.fac, "barrier_merge", "merged", barrier_ids=[a, c])
    board.fac.ok("post_hide", kind="barrier", id=c, reason="Off topic")
    board.refuse(board.fac, "barrier_merge", "hidden", barrier_ids=[d, c])
    board.phase("solutions")
    board.propose(author, d, "Explain every stop")
    board.phase("vote")
    board.refuse(board.fac, "barrier_merge", "has_solutions", barrier_ids=[e, d])
    board.phase("report_out")
    board.fac.ok("report_push", barrier_ids=[f])
    board.phase("vote")
    board.refuse(board.fac, "barrier_merge", "pushed", barrier_ids=[e, f])
    board.phase("solutions")
    board.refuse(board.fac, "barrier_merge", "wrong_phase", barrier_ids=[e, d])


def test_merge_undo_refusals(board):
    author = board.person(0)
    board.phase("brainstorm")
    a, b, c, d, e, f = (board.post(author, t) for t in ("One", "Two", "Three", "Four", "Five", "Six"))
    board.phase("reveal")
    board.refuse(board.fac, "merge_undo", "not_merged", shared_id=a)
    board.refuse(board.fac, "merge_undo", "not_found", shared_id=987654)
    board.refuse(board.fac, "merge_undo", "invalid", shared_id=str(a))
    board.refuse(board.fac, "merge_undo", "invalid")
    s1 = board.fac.ok("barrier_merge", barrier_ids=[a, b])["shared_id"]
    board.refuse(author, "merge_undo", "forbidden", shared_id=s1)
    board.refuse(board.display, "merge_undo", "forbidden", shared_id=s1)
    board.refuse(board.fac_b, "merge_undo", "not_found", shared_id=s1)  # not in their room
    board.refuse(board.fac, "merge_undo", "invalid", shared_id=s1, room_id=board.room)
    s2 = board.fac.ok("barrier_merge", barrier_ids=[s1, c])["shared_id"]
    err = board.refuse(board.fac, "merge_undo", "merged", shared_id=s1)
    assert "first" in err["message"]
    board.fac.ok("merge_undo", shared_id=s2)
    board.refuse(board.fac, "merge_undo", "not_found", shared_id=s2)  # already undone
    s3 = board.fac.ok("barrier_merge", barrier_ids=[d, e])["shared_id"]
    board.phase("solutions")
    board.propose(author, s3, "Community liaison officer")
    board.refuse(board.fac, "merge_undo", "wrong_phase", shared_id=s1)
    board.phase("vote")
    board.refuse(board.fac, "merge_undo", "has_solutions", shared_id=s3)
    board.phase("report_out")
    board.fac.ok("report_push", barrier_ids=[s1])
    board.phase("vote")
    board.refuse(board.org, "merge_undo", "pushed", shared_id=s1)
    assert f


# -- votes -------------------------------------------------------------------------

def test_vote_cast_tally_reaches_the_room_and_my_votes_only_the_voter(board):
    author = board.person(0)
    voter = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    bid = board.post(author, "Fear of deportation")
    board.phase("vote")
    board.day.drain()
    res = voter.ok("vote_cast", target_type="barrier", target_id=bid)
    assert res["votes"] == 1 and res["remaining"] == 2
    # A first dot: the room and the projector hear that one more person has voted (a count).
    assert types(voter) == ["tally", "my_votes", "vote_progress"]
    assert types(author) == types(board.fac) == types(board.org) == ["tally", "vote_progress"]
    assert types(elsewhere) == [] and types(board.fac_b) == []
    assert types(board.display) == ["room_stats", "vote_progress"]
    assert voter.snapshot()["my_votes"] == [f"barrier:{bid}"]
    assert author.snapshot()["my_votes"] == []
    assert author.snapshot()["barriers"][str(bid)]["votes"] == 1
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 1
    assert author.ok("vote_cast", target_type="barrier", target_id=bid)["votes"] == 2  # one's own post too
    board.check_vote_honesty(author, voter)


def test_vote_cast_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    ids = [board.post(author, f"Barrier {n}") for n in range(6)]
    theirs = board.post(elsewhere, "Other room")
    err = board.refuse(voter, "vote_cast", "wrong_phase", target_type="barrier", target_id=ids[0])
    assert err["details"] == {"phase": "brainstorm", "allowed": ["vote"]}
    board.phase("reveal")
    merged = board.fac.ok("barrier_merge", barrier_ids=[ids[4], ids[5]])["shared_id"]
    board.phase("vote")
    for n in range(3):
        voter.ok("vote_cast", target_type="barrier", target_id=ids[n])
    board.refuse(voter, "vote_cast", "already_voted", target_type="barrier", target_id=ids[0])
    err = board.refuse(voter, "vote_cast", "budget_spent", target_type="barrier", target_id=ids[3])
    assert err["details"]["budget"] == 3
    board.refuse(author, "vote_cast", "merged", target_type="barrier", target_id=ids[4])
    board.fac.ok("post_hide", kind="barrier", id=ids[3], reason="Repeated")
    board.refuse(author, "vote_cast", "hidden", target_type="barrier", target_id=ids[3])
    err = board.refuse(author, "vote_cast", "not_found", target_type="barrier", target_id=theirs)
    assert err["message"] == "There is no such barrier in this room."
    err = board.refuse(author, "vote_cast", "not_found", target_type="barrier", target_id=987654)
    assert err["message"] == "There is no such barrier."
    board.refuse(author, "vote_cast", "invalid", target_type="barrier", target_id=str(merged))
    board.refuse(author, "vote_cast", "invalid", target_type="comment", target_id=merged)
    board.refuse(author, "vote_cast", "invalid", target_type="barrier")
    board.refuse(author, "vote_cast", "wrong_phase", target_type="solution", target_id=1)
    err = board.refuse(author, "vote_cast", "wrong_phase", target_type="plenary", target_id=1)
    assert err["details"] == {"phase": "breakouts", "allowed": ["plenary"]}
    board.refuse(board.fac, "vote_cast", "forbidden", target_type="barrier", target_id=merged)
    board.refuse(board.org, "vote_cast", "forbidden", target_type="barrier", target_id=merged)
    board.org.ok("workshop_pause")
    err = board.refuse(author, "vote_cast", "paused", target_type="barrier", target_id=merged)
    assert err["details"]["retryable"] is True
    board.org.ok("workshop_resume")
    author.ok("vote_cast", target_type="barrier", target_id=merged)
    board.check_vote_honesty(author, voter)


def test_vote_withdraw_gives_the_dot_back(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Long waits")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=bid)
    board.day.drain()
    res = voter.ok("vote_withdraw", target_type="barrier", target_id=bid)
    assert res["votes"] == 0 and res["remaining"] == 3
    assert types(voter) == ["tally", "my_votes", "vote_progress"] and types(author) == ["tally", "vote_progress"]
    assert voter.snapshot()["my_votes"] == []
    assert author.snapshot()["barriers"][str(bid)]["votes"] == 0
    assert board.stored_votes() == {}


def test_vote_withdraw_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Long waits")
    board.phase("vote")
    board.refuse(voter, "vote_withdraw", "not_voted", target_type="barrier", target_id=bid)
    voter.ok("vote_cast", target_type="barrier", target_id=bid)
    board.refuse(author, "vote_withdraw", "not_voted", target_type="barrier", target_id=bid)
    board.refuse(voter, "vote_withdraw", "invalid", target_type="barrier", target_id=float(bid))
    board.refuse(board.fac, "vote_withdraw", "forbidden", target_type="barrier", target_id=bid)
    board.org.ok("workshop_pause", message="Five minutes")
    board.refuse(voter, "vote_withdraw", "paused", target_type="barrier", target_id=bid)
    board.org.ok("workshop_resume")
    board.phase("solutions")
    board.refuse(voter, "vote_withdraw", "wrong_phase", target_type="barrier", target_id=bid)
    assert board.stored_votes() == {voter.participant_id: [f"barrier:{bid}"]}


# -- solutions -------------------------------------------------------------------

def test_solution_post_reaches_the_room(board):
    author = board.person(0, name="Maya", anonymous=False)
    peer = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    bid = board.post(peer, "No interpreters")
    board.phase("solutions")
    board.day.drain()
    sol = author.ok("solution_post", barrier_id=bid, text="  Volunteer interpreters at the desk ")["solution"]
    assert sol["text"] == "Volunteer interpreters at the desk" and sol["author_name"] == "Maya"
    assert sol["barrier_id"] == bid and sol["votes"] == 0
    assert types(author) == ["solution_posted", "authorship"]
    assert types(peer) == ["solution_posted"] and types(board.fac) == ["solution_posted"]
    assert types(elsewhere) == [] and types(board.display) == ["room_stats"]
    assert str(sol["id"]) in peer.snapshot()["solutions"]
    assert str(sol["id"]) not in elsewhere.snapshot()["solutions"]
    assert author.snapshot()["mine"] == [f"solution:{sol['id']}"]
    assert board.display.snapshot()["stats"][str(board.room)]["solutions"] == 1
    anon = author.ok("solution_post", barrier_id=bid, text="x" * rules.MAX_SOLUTION_CHARS, anonymous=True)
    assert anon["solution"]["author_name"] is None
    # Solutions take dots in this phase.
    assert peer.ok("vote_cast", target_type="solution", target_id=sol["id"])["votes"] == 1
    board.check_vote_honesty(author, peer)


def test_solution_post_refusals(board):
    author = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    a, b, c = (board.post(author, t) for t in ("One", "Two", "Three"))
    theirs = board.post(elsewhere, "Other room")
    board.refuse(author, "solution_post", "wrong_phase", barrier_id=a, text="Too early")
    board.phase("reveal")
    board.fac.ok("barrier_merge", barrier_ids=[a, b])
    board.fac.ok("post_hide", kind="barrier", id=c, reason="Insult")
    board.phase("solutions")
    board.phase("solutions", 1)
    board.refuse(author, "solution_post", "merged", barrier_id=a, text="On a merged one")
    board.refuse(author, "solution_post", "hidden", barrier_id=c, text="On a hidden one")
    board.refuse(author, "solution_post", "not_found", barrier_id=theirs, text="Other room")
    board.refuse(author, "solution_post", "not_found", barrier_id=987654, text="Nowhere")
    for bad in ("", "  \u200e ", "x" * (rules.MAX_SOLUTION_CHARS + 1), 12):
        err = board.refuse(author, "solution_post", "invalid", barrier_id=a, text=bad)
        assert "text" in err["message"]
    err = board.refuse(author, "solution_post", "invalid", text="No barrier")
    assert "barrier_id" in err["message"]
    board.refuse(author, "solution_post", "invalid", barrier_id=str(a), text="Id as text")
    board.refuse(board.fac, "solution_post", "forbidden", barrier_id=a, text="Facilitator")
    board.org.ok("workshop_pause")
    board.refuse(author, "solution_post", "paused", barrier_id=a, text="While paused")


def test_solution_withdraw_returns_its_dots(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "No follow-up")
    board.phase("solutions")
    sid = board.propose(author, bid, "Case numbers by text message")
    peer.ok("vote_cast", target_type="solution", target_id=sid)
    board.day.drain()
    assert author.ok("solution_withdraw", solution_id=sid)["solution_id"] == sid
    assert "solution_withdrawn" in types(peer)
    assert str(sid) not in peer.snapshot()["solutions"] and str(sid) not in board.org.snapshot()["solutions"]
    assert peer.snapshot()["my_votes"] == [] and author.snapshot()["mine"] == [f"barrier:{bid}"]
    assert board.stored_votes() == {}
    assert board.display.snapshot()["stats"][str(board.room)] == {
        "room_id": board.room, "barriers": 1, "solutions": 0, "votes": 0}


def test_solution_withdraw_refusals(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "No follow-up")
    board.phase("solutions")
    sid = board.propose(author, bid, "Case numbers")
    board.refuse(peer, "solution_withdraw", "forbidden", solution_id=sid)
    board.refuse(board.fac, "solution_withdraw", "forbidden", solution_id=sid)
    board.refuse(author, "solution_withdraw", "not_found", solution_id=987654)
    board.refuse(author, "solution_withdraw", "invalid", solution_id=str(sid))
    board.refuse(author, "solution_withdraw", "invalid", id=sid)
    board.org.ok("workshop_pause")
    board.refuse(author, "solution_withdraw", "paused", solution_id=sid)
    board.org.ok("workshop_resume")
    board.phase("report_out")
    err = board.refuse(author, "solution_withdraw", "wrong_phase", solution_id=sid)
    assert err["details"] == {"phase": "report_out", "allowed": ["solutions"]}


# -- moderation ----------------------------------------------------------------------

def test_post_hide_hides_from_others_and_returns_dots(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Names a specific officer")
    keep = board.post(author, "Fine")
    board.phase("vote")
    peer.ok("vote_cast", target_type="barrier", target_id=bid)
    peer.ok("vote_cast", target_type="barrier", target_id=keep)
    board.day.drain()
    assert board.fac.ok("post_hide", kind="barrier", id=bid, reason="  Please avoid names ") == {"seq": board.org.snapshot()["seq"]}
    assert types(peer) == ["my_votes", "vote_progress", "post_hidden"]
    assert str(bid) not in peer.snapshot()["barriers"]
    own = author.snapshot()["barriers"][str(bid)]
    assert own["hidden"] is True and own["hidden_reason"] == "Please avoid names" and own["votes"] == 0
    assert board.fac.snapshot()["barriers"][str(bid)]["hidden"] is True
    assert peer.snapshot()["my_votes"] == [f"barrier:{keep}"]
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 1
    assert "room_stats" in types(board.display)
    board.check_vote_honesty(author, peer)
    # Solutions are hidden the same way, by the organiser too.
    board.phase("solutions")
    sid = board.propose(author, keep, "Body cameras")
    board.org.ok("post_hide", kind="solution", id=sid, reason="Duplicate")
    assert str(sid) not in peer.snapshot()["solutions"]
    assert author.snapshot()["solutions"][str(sid)]["hidden_reason"] == "Duplicate"


def test_post_hide_refusals(board):
    author = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    bid = board.post(author, "Something")
    board.refuse(author, "post_hide", "forbidden", kind="barrier", id=bid, reason="Self")
    board.refuse(board.display, "post_hide", "forbidden", kind="barrier", id=bid, reason="Projector")
    board.refuse(board.fac_b, "post_hide", "not_found", kind="barrier", id=bid, reason="Other room")
    board.refuse(board.fac, "post_hide", "not_found", kind="barrier", id=987654, reason="Nothing")
    board.refuse(board.fac, "post_hide", "not_found", kind="solution", id=bid, reason="Wrong kind")
    for bad in ("", "   ", "x" * (rules.MAX_REASON_CHARS + 1), 3):
        err = board.refuse(board.fac, "post_hide", "invalid", kind="barrier", id=bid, reason=bad)
        assert "reason" in err["message"]
    board.refuse(board.fac, "post_hide", "invalid", kind="barrier", id=bid)
    board.refuse(board.fac, "post_hide", "invalid", kind="comment", id=bid, reason="Kind")
    board.refuse(board.fac, "post_hide", "invalid", kind="barrier", id=str(bid), reason="Id")
    board.fac.ok("post_hide", kind="barrier", id=bid, reason="First time")
    board.refuse(board.fac, "post_hide", "already_hidden", kind="barrier", id=bid, reason="Again")
    board.refuse(board.org, "post_hide", "already_hidden", kind="barrier", id=bid, reason="Again")
    assert elsewhere


def test_post_restore_shows_it_again(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Borderline")
    board.phase("reveal")
    board.fac.ok("post_hide", kind="barrier", id=bid, reason="Check wording")
    board.day.drain()
    board.org.ok("post_restore", kind="barrier", id=bid)
    events = peer.events()
    assert [e["type"] for e in events] == ["post_restored"]
    assert events[0]["data"]["item"]["hidden"] is False
    assert peer.snapshot()["barriers"][str(bid)]["hidden_reason"] is None
    assert board.fac.snapshot()["barriers"][str(bid)]["hidden"] is False


def test_post_restore_refusals(board):
    author = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Fine post")
    board.refuse(board.fac, "post_restore", "not_hidden", kind="barrier", id=bid)
    board.fac.ok("post_hide", kind="barrier", id=bid, reason="Check")
    board.refuse(author, "post_restore", "forbidden", kind="barrier", id=bid)
    board.refuse(board.fac_b, "post_restore", "not_found", kind="barrier", id=bid)
    board.refuse(board.fac, "post_restore", "invalid", kind="barrier", id=bid, reason="not a field")
    board.refuse(board.fac, "post_restore", "invalid", kind="barrier")
    board.refuse(board.fac, "post_restore", "not_found", kind="solution", id=bid)
