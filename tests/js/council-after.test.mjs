// The council's work after the day, as data (web/js/council-after-model.js). Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import { isOverdue, localToday, splitMeetings } from "../../web/js/council-after-model.js";

test("an action is overdue once its due date has passed, unless it is done or dropped", () => {
  const today = "2026-12-06";
  assert.equal(isOverdue("2026-12-05", "in_progress", today), true);
  assert.equal(isOverdue("2026-12-05", "", today), true); // no status yet reads as proposed
  assert.equal(isOverdue("2026-12-06", "agreed", today), false); // due today is not late yet
  assert.equal(isOverdue("2026-12-05", "done", today), false);
  assert.equal(isOverdue("2026-12-05", "dropped", today), false);
  assert.equal(isOverdue("", "proposed", today), false);
});

test("today is the reader's own calendar day", () => {
  assert.equal(localToday(new Date(2027, 0, 9, 23, 59)), "2027-01-09");
});

test("meetings: upcoming soonest first, a meeting under way still upcoming, past ones latest first", () => {
  const m = (id, startsUtc, duration = 60) => ({ id, starts_utc: startsUtc, duration_minutes: duration });
  const now = Date.parse("2027-02-01T10:30:00Z");
  const { upcoming, past } = splitMeetings([
    m(1, "2027-01-01T10:00:00Z"), m(2, "2027-03-01T10:00:00Z"), m(3, "2027-02-01T10:00:00Z"),
    m(4, "2027-01-15T10:00:00Z"), m(5, "2027-02-15T10:00:00Z"),
  ], now);
  assert.deepEqual(upcoming.map((x) => x.id), [3, 5, 2]);
  assert.deepEqual(past.map((x) => x.id), [4, 1]);
});
