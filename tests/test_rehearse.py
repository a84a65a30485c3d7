"""`common-ground rehearse` fills a real workshop with simulated phones that
follow the room's phase while a facilitator (this test) advances it."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.live.test_protocol_client import Screen
from tests.live_server import ROOT, LiveServer

REHEARSE_SECS = 40


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("rehearse"))
    yield server
    server.stop()


def wait_for(check, what: str, secs: float = 20):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_simulated_people_follow_the_facilitator(live_server):
    ws = live_server.create_workshop(rooms=1, budget=2)
    facilitator = Screen(live_server.url, ws["facilitator_urls"][0].split("#", 1)[1])
    organiser = Screen(live_server.url, ws["organiser_url"].split("#", 1)[1])
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "rehearse", "--url", live_server.url,
                             "--join-code", ws["join_code"], "--participants", "6", "--seed", "7",
                             "--pace", "6", "--drop-rate", "0.2", "--duration", str(REHEARSE_SECS)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def room():
            return facilitator.state["rooms"][str(facilitator.state["me"]["room_id"])]

        def barriers():
            return [b for b in facilitator.state["barriers"].values() if not b["merged_into"]]

        wait_for(lambda: len(facilitator.state["participants"]) == 6, "6 simulated people to join")
        facilitator.ok("phase_advance", from_phase="lobby")  # brainstorm
        wait_for(lambda: len(barriers()) >= 6, "every person posts a barrier")
        facilitator.ok("phase_advance", from_phase="brainstorm")  # reveal
        facilitator.ok("phase_advance", from_phase="reveal")  # vote
        wait_for(lambda: sum(b["votes"] for b in barriers()) >= 6, "votes during the vote phase")
        assert room()["phase"] == "vote"
        facilitator.ok("phase_advance", from_phase="vote")  # solutions
        wait_for(lambda: len(facilitator.state["solutions"]) >= 2, "solutions during the solutions phase")
        for _ in range(3):
            organiser.ok("workshop_advance")  # plenary, action plan, closed: the rehearsal ends
        out, _ = proc.communicate(timeout=REHEARSE_SECS)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        facilitator.close()
        organiser.close()
    assert proc.returncode == 0, out
    summary = json.loads(out.rsplit("rehearsal over: ", 1)[1])
    assert summary["workshop_closed"], out
    assert summary["posts"] >= 6 and summary["votes"] >= 6 and summary["solutions"] >= 2, out
    # Posts are only ever applied once, however often a phone dropped and resent.
    fresh = Screen(live_server.url, ws["facilitator_urls"][0].split("#", 1)[1])
    state = fresh.fresh()
    fresh.close()
    assert len([b for b in state["barriers"].values() if not b["shared"]]) == summary["posts"], (state, out)


# -- rehearse --auto: the whole day, the organiser and the facilitators simulated too ----------------

SPCP_SECTORS = ("Faith:community,Youth:community,New Americans:community,Law enforcement:law_enforcement,"
                "Business:other,Civil rights:community")
AUTO_SECS = 240  # a ceiling for a stuck run, not a timing assertion
GUIDING = ("problem", "causes", "options", "solution", "actions", "owner", "timeline", "resources",
           "success_measure")


def create(live_server, *extra: str, rooms: int = 3) -> dict:
    out = subprocess.run([sys.executable, "-m", "server.cli", "workshop", "create", "--title", "Rehearsed day",
                          "--rooms", str(rooms), "--vote-budget", "3", "--languages", "en,es,fa",
                          "--base-url", live_server.url, "--json", *extra],
                         env={**live_server.env, "ASYNC_MODE": "threading"}, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout)


def rehearse_auto(live_server, ws: dict, participants: int, seed: int, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.cli", "rehearse", "--url", live_server.url,
                           "--join-code", ws["join_code"], "--organiser-url", ws["organiser_url"],
                           "--participants", str(participants), "--auto", "--pace", "24", "--seed", str(seed),
                           "--drop-rate", "0.1", "--json", *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=AUTO_SECS)


def organiser_snapshot(live_server, ws: dict) -> dict:
    organiser = Screen(live_server.url, ws["organiser_url"].split("#", 1)[1])
    try:
        return organiser.fresh()
    finally:
        organiser.close()


def test_a_whole_spcp_day_plays_to_closed_with_nothing_lost(live_server):
    ws = create(live_server, "--sectors", SPCP_SECTORS, "--agenda", "spcp", rooms=6)
    run = rehearse_auto(live_server, ws, 40, 11)
    assert run.returncode == 0, run.stderr[-4000:] + run.stdout
    summary = json.loads(run.stdout)
    assert summary["final_phase"] == "closed", summary
    assert summary["lost"] == [] and summary["duplicates"] == 0 and summary["unanswered"] == 0, summary
    assert summary["segments"] == ["caucus", "prioritise", "solution_round", "report_out", "action_plan",
                                   "council", "closing"], summary
    assert summary["participants"] == 40 and summary["joined"] == 40, summary
    assert summary["posts"] >= 40 and summary["strengths"] >= 40, summary  # each phone posts both in the caucus
    assert summary["votes_by_kind"].get("plenary", 0) >= 40, summary
    assert summary["drops"] > 0, summary  # phones did drop and resend
    state = organiser_snapshot(live_server, ws)
    assert state["workshop"]["phase"] == "closed"
    # The six named sectors: everyone joined with one of them, and the caucus seated them by sector.
    keys = {s["key"] for s in state["sectors"]}
    assert len(keys) == 6 and {p["group"] for p in state["participants"].values()} <= keys
    # Every post once: the organiser's own fresh snapshot holds what the phones were told was stored.
    posted = [b for b in state["barriers"].values() if not b["shared"]]
    assert len([b for b in posted if b["kind"] == "strength"]) == summary["strengths"]
    assert len([b for b in posted if b["kind"] == "barrier"]) == summary["posts"]
    assert sum(i["votes"] for i in state["plenary"].values()) == summary["votes_by_kind"]["plenary"]
    # Five priorities confirmed, each worked on by a solution room whose draft answers every guiding question.
    ranks = sorted(i["priority"] for i in state["plenary"].values() if i["priority"])
    assert ranks == [1, 2, 3, 4, 5]
    drafts = [e for e in state["plan"].values() if e["room_id"] is not None]
    assert len(drafts) == 5
    assert all(e["fields"][f] for e in drafts for f in GUIDING), drafts
    # The trust pulse at the start and at the end: every phone answered each once, and each closed.
    assert summary["pulses"] == {"start": 40, "end": 40}, summary
    pulses = {p["label"]: p for p in state["pulses"].values()}
    assert {k: (p["answered"], p["closed_at"] is not None) for k, p in pulses.items()} == {
        "start": (40, True), "end": (40, True)}
    assert summary["pulse_answers"] == 80, summary
    # The council: every sector elected (or, after a tie, was given) a member; the members chose co-chairs.
    council = state["council"].values()
    assert {m["group"] for m in council} == keys, state["council"]
    assert all(summary["council"]["sectors"][k] for k in keys), summary["council"]
    assert {m["role"] for m in council} >= {"co_chair_law_enforcement", "co_chair_community"}, state["council"]
    sectors_ballot = next(e for e in state["elections"].values() if e["kind"] == "sectors" and e["round"] == 1)
    assert sectors_ballot["status"] == "closed" and set(sectors_ballot["seats"]) == keys


def test_a_short_day_plays_to_closed_with_nothing_lost(live_server):
    ws = create(live_server, "--agenda", "short")
    run = rehearse_auto(live_server, ws, 12, 5)
    assert run.returncode == 0, run.stderr[-4000:] + run.stdout
    summary = json.loads(run.stdout)
    assert summary["final_phase"] == "closed", summary
    assert summary["lost"] == [] and summary["duplicates"] == 0 and summary["unanswered"] == 0, summary
    assert summary["segments"] == ["breakout", "prioritise", "action_plan", "closing"], summary
    assert summary["pulses"] == {} and summary["council"] == {}, summary  # no pulse, no election on a short day
    assert summary["strengths"] == 0 and summary["posts"] >= 12 and summary["solutions"] > 0, summary
    state = organiser_snapshot(live_server, ws)
    assert state["workshop"]["phase"] == "closed"
    # Each room's report-out reached the plenary board; the dots went on it; the priorities got plan entries.
    assert {i["room_id"] for i in state["plenary"].values()} == {r["room_id"] for r in ws["rooms"]}
    assert sum(i["votes"] for i in state["plenary"].values()) == summary["votes_by_kind"]["plenary"] > 0
    priorities = {i["id"] for i in state["plenary"].values() if i["priority"]}
    assert priorities and priorities == {e["plenary_item_id"] for e in state["plan"].values()}
    posted = [b for b in state["barriers"].values() if not b["shared"]]
    assert len(posted) == summary["posts"] and len(state["solutions"]) == summary["solutions"]


def test_auto_without_the_organiser_link_is_a_usage_error(live_server):
    ws = create(live_server)
    run = subprocess.run([sys.executable, "-m", "server.cli", "rehearse", "--url", live_server.url,
                          "--join-code", ws["join_code"], "--participants", "3", "--auto"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run
    assert "--auto needs --organiser-url" in run.stderr


@pytest.mark.parametrize("link", ["a facilitator's", "another workshop's organiser"])
def test_auto_with_a_link_not_this_workshops_organisers_is_refused_before_anyone_joins(live_server, link):
    ws = create(live_server)
    if link == "a facilitator's":
        wrong, why = ws["facilitator_urls"][0], "not an organiser link"
    else:
        wrong, why = create(live_server)["organiser_url"], "of different workshops"
    run = rehearse_auto(live_server, {**ws, "organiser_url": wrong}, 3, 1)
    assert run.returncode == 1, run
    assert why in run.stderr
    assert organiser_snapshot(live_server, ws)["participants"] == {}


def test_the_final_check_names_what_was_lost_and_what_was_stored_twice():
    """The check --auto ends with: an acknowledged post missing from the organiser's snapshot, or a
    target holding fewer dots than were acknowledged, is lost; more stored than acknowledged, twice."""
    from types import SimpleNamespace

    from server.sim.day import lost_and_twice
    phone = SimpleNamespace(label="phone0", sent={
        "a": ("barrier_post", {"text": "x"}), "b": ("barrier_post", {"text": "y", "kind": "strength"}),
        "c": ("vote_cast", {"target_type": "plenary", "target_id": 7}), "d": ("vote_cast", {"target_type": "barrier",
                                                                                          "target_id": 1})},
        acks={"a": {"ok": True, "result": {"barrier": {"id": 1}}}, "b": {"ok": True, "result": {"barrier": {"id": 2}}},
              "c": {"ok": True, "result": {}}, "d": {"ok": False, "error": {"code": "wrong_phase"}}})
    whole = {"barriers": {"1": {"shared": False, "votes": 0}, "2": {"shared": False, "votes": 0}}, "solutions": {},
             "plenary": {"7": {"votes": 1}}}
    assert lost_and_twice([phone], whole)["lost"] == []
    assert lost_and_twice([phone], whole)["duplicates"] == 0
    short = {**whole, "barriers": {"1": whole["barriers"]["1"]}, "plenary": {"7": {"votes": 0}}}
    assert lost_and_twice([phone], short)["lost"] == [{"phone": "phone0", "post": "barrier:2"},
                                                      {"vote": "plenary:7", "acknowledged": 1, "stored": 0}]
    twice = {**whole, "barriers": {**whole["barriers"], "3": {"shared": False, "votes": 0}},
             "plenary": {"7": {"votes": 2}}}
    assert lost_and_twice([phone], twice)["duplicates"] == 2


def test_a_simulated_phone_answers_a_pulse_once_and_votes_only_in_its_own_sector():
    """The phone's choices (rehearse.py): an open pulse it has not answered, once (not again while the
    first answer waits, nor after); stand where it means to; vote for candidates of its own sector,
    as many as the seats; a co-chairs' ballot only as a council member."""
    import random
    from types import SimpleNamespace

    from server.sim.rehearse import Rehearsal

    r = Rehearsal("http://x", "CODE", 1, seed=3)
    phone = SimpleNamespace(person=SimpleNamespace(group="youth"), info={"participant_id": 7}, sent={}, acks={},
                            stands=True)
    rng = random.Random(1)
    pulse = {"id": 1, "closed_at": None, "questions": [{"key": "trust"}, {"key": "heard"}]}
    st = {"me": {"participant_id": 7, "pulses_answered": [], "elections_voted": []}, "pulses": {"1": pulse},
          "sectors": [{"key": "youth", "side": "community"}, {"key": "law_enforcement", "side": "law_enforcement"}],
          "council": {}, "elections": {}}
    kind, name, payload = r._pulse_or_ballot(st, phone, rng)
    assert (kind, name, payload["pulse_id"], set(payload["answers"])) == ("pulse_answers", "pulse_answer", 1,
                                                                          {"trust", "heard"})
    assert all(1 <= v <= 5 for v in payload["answers"].values())
    phone.sent["c1"] = (name, payload)  # sent, not answered yet: not again
    assert r._pulse_or_ballot(st, phone, rng) is None
    phone.acks["c1"] = {"ok": False, "error": {"code": "already_answered"}}
    st["me"]["pulses_answered"] = [1]  # answered on the server meanwhile
    assert r._pulse_or_ballot(st, phone, rng) is None
    pulse["closed_at"] = "2026-12-06T09:00:00"
    # The sectors' election: stands, once.
    e = {"id": 4, "kind": "sectors", "round": 1, "status": "nominating", "seats": {"youth": 1, "law_enforcement": 1},
         "candidates": {}}
    st["elections"] = {"4": e}
    assert r._pulse_or_ballot(st, phone, rng)[1:] == ("election_nominate", {"election_id": 4, "participant_id": 7})
    e["candidates"] = {"1": {"id": 1, "participant_id": 7, "constituency": "youth"}}
    assert r._pulse_or_ballot(st, phone, rng) is None
    # The ballot: only its own sector's candidates, as many as the seats.
    e["status"] = "voting"
    e["candidates"].update({"2": {"id": 2, "participant_id": 8, "constituency": "youth"},
                            "3": {"id": 3, "participant_id": 9, "constituency": "law_enforcement"}})
    for seed in range(10):
        vote = r._pulse_or_ballot(st, phone, random.Random(seed))
        assert vote[1] == "election_vote" and len(vote[2]["candidate_ids"]) == 1
        assert vote[2]["candidate_ids"][0] in (1, 2)
    st["me"]["elections_voted"] = [4]
    assert r._pulse_or_ballot(st, phone, rng) is None
    # The co-chairs' ballot: not a member, nothing; a member votes one per side.
    c = {"id": 5, "kind": "co_chairs", "round": 1, "status": "voting", "seats": {"law_enforcement": 1, "community": 1},
         "candidates": {"6": {"id": 6, "participant_id": 9, "constituency": "law_enforcement"},
                        "7": {"id": 7, "participant_id": 8, "constituency": "community"}}}
    st["elections"]["5"] = c
    assert r._pulse_or_ballot(st, phone, rng) is None
    st["council"] = {"7": {"participant_id": 7, "group": "youth", "role": "member"}}
    assert r._pulse_or_ballot(st, phone, rng)[2] == {"election_id": 5, "candidate_ids": [7, 6]}
