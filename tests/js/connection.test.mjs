// The outbox's retry rule (web/js/connection.js retryAfterMs): which answers keep a
// command in the outbox, and for how long, before it is resent with the same cid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { retryAfterMs } from "../../web/js/connection.js";

const refused = (code, details) => ({ ok: false, error: { code, message: "m", ...(details ? { details } : {}) } });

test("an ok ack or a final refusal leaves the outbox", () => {
  assert.equal(retryAfterMs(null, { ok: true, result: {} }), null);
  for (const code of ["invalid", "forbidden", "wrong_phase", "unauthorized", "paused", "not_found"]) {
    assert.equal(retryAfterMs(null, refused(code)), null, code);
  }
});

test("rate_limited stays and is retried after retry_after, not dropped", () => {
  assert.equal(retryAfterMs(null, refused("rate_limited", { retry_after: 7, retryable: true })), 7000);
  assert.equal(retryAfterMs(null, refused("rate_limited", { retry_after: 0.2 })), 1000); // at least a second
  assert.equal(retryAfterMs(null, refused("rate_limited", { retry_after: 3600 })), 120000); // capped
  assert.equal(retryAfterMs(null, refused("rate_limited")), 3000); // no hint: the usual pause
});

test("no ack and server_error are retried shortly", () => {
  assert.equal(retryAfterMs(new Error("operation has timed out"), undefined), 3000);
  assert.equal(retryAfterMs(null, undefined), 3000);
  assert.equal(retryAfterMs(null, refused("server_error", { retryable: true })), 3000);
});

// Resume after a drop (web/js/connection.js resumeFrom): ask again from the last seq that
// had settled LATE_WINDOW_MS before the drop, so an older event still in flight through
// another server process when the connection dropped is not skipped by `sync {since}`.
import { resumeFrom } from "../../web/js/connection.js";

test("resume starts from the newest seq applied before the late window", () => {
  const marks = [[1000, 5], [2000, 9], [9000, 12], [14000, 20]];
  assert.equal(resumeFrom(marks, 0, 15000, 10000), 9); // 12 and 20 arrived within 10 s of the drop
  assert.equal(resumeFrom(marks, 0, 30000, 10000), 20); // all settled long before the drop
  assert.equal(resumeFrom(marks, 0, 1500, 10000), 0); // nothing settled: from the snapshot
});

test("resume never goes below the last snapshot", () => {
  assert.equal(resumeFrom([[1000, 30]], 25, 2000, 10000), 25);
  assert.equal(resumeFrom([], 25, 99999, 10000), 25);
});
