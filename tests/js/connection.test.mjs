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
