"""Exports name people as the live screens do (projection.author_name): a removed person's posts stay,
without their name, in the report too."""
from __future__ import annotations

from server.reports import export

from .board import Board


def test_a_removed_persons_named_post_has_no_name_in_the_report(day):
    b = Board(day)
    ray = b.person(0, name="Ray Ortiz", anonymous=False)
    keep = b.person(0, name="Ana Ruiz", anonymous=False)
    b.phase("brainstorm")
    b.post(ray, "Stops are never explained")
    b.post(keep, "Nobody calls back")
    b.phase("reveal")
    before = export(day.db, day.workshop_id, "md", "report", "en").data.decode()
    assert "Ray Ortiz" in before and "Ana Ruiz" in before
    b.org.ok("participant_remove", participant_id=ray.participant_id, reason="left")
    after = export(day.db, day.workshop_id, "md", "report", "en").data.decode()
    assert "Stops are never explained" in after and "Ray Ortiz" not in after and "Ana Ruiz" in after
