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
