// The connection's state machine (web/js/connection-machine.js; docs/architecture.md,
// "The phone's connection"): each phase with each input that matters, and the inputs
// a phase refuses (nothing changes, nothing is done). transition is pure, so every step
// here runs on a deeply frozen model and input.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  EFFECTS as E, INPUTS as I, PHASES as P, STATUS_OF, STATUSES, DEFER_MAX_MS, initialModel, transition,
} from "../../web/js/connection-machine.js";
import { newItem } from "../../web/js/outbox.js";

const NOW = 1_700_000_000_000;
const ISO = (ms) => new Date(ms).toISOString();

function deepFreeze(value) {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function viewerState(seq = 10, extra = {}) {
  return {
    seq,
    me: { role: "organiser", room_id: null },
    workshop: { title: "start", live_tallies: true, phase: "rooms" },
    rooms: {}, barriers: {}, solutions: {}, plenary: {}, participants: {}, vote_progress: {},
    ...extra,
  };
}
const titled = (seq, title = `t${seq}`) => ({ seq, type: "workshop_updated", data: { workshop: { title } } });
const moved = (seq) => ({
  seq, type: "room_changed", data: { room_id: 2, participants: {}, barriers: {}, solutions: {}, vote_progress: {} },
});
const item = (n, extra = {}) => ({ ...newItem("barrier_post", { text: `post ${n}` }, `cid-${n}`, new Date(NOW)), ...extra });

/** A model in `phase`, with a state once it has synced. */
function at(phase, extra = {}) {
  const synced = [P.LIVE, P.RESYNCING, P.RESYNC_WAIT, P.ENDED, P.CLOSED].includes(phase);
  return deepFreeze({
    ...initialModel(),
    phase,
    status: phase === P.CLOSED ? STATUSES.ONLINE : STATUS_OF[phase],
    state: synced ? viewerState() : null,
    seen: new Set(),
    marks: synced ? [[NOW - 60000, 10]] : [],
    ...extra,
  });
}

/** One step; the model and input given are frozen, and left as they were. */
function step(model, type, fields = {}) {
  const input = deepFreeze({ type, now: NOW, ...fields });
  const before = JSON.stringify(model, (k, v) => (v instanceof Set ? [...v] : v));
  const seenBefore = model.seen && model.seen.size;
  const out = transition(model, input);
  assert.equal(JSON.stringify(model, (k, v) => (v instanceof Set ? [...v] : v)), before, "the model given is unchanged");
  if (model.seen) assert.equal(model.seen.size, seenBefore, "the seen set given is unchanged");
  return out;
}
const kinds = (effects) => effects.map((e) => e.type);
const only = (effects, type) => effects.filter((e) => e.type === type);
const snapshot = (seq, extra = {}) => ({
  ok: true, mode: "snapshot", state: viewerState(seq, extra), server_time: ISO(NOW + 5000),
});

// ------------------------------------------------------------------ start and connect

test("START: connecting, says syncing and connects; a stored outbox is shown first", () => {
  let { model, effects } = step(initialModel(), I.START);
  assert.equal(model.phase, P.CONNECTING);
  assert.deepEqual(effects, [{ type: E.STATUS, status: "syncing" }, { type: E.CONNECT }]);
  ({ model, effects } = step(deepFreeze(initialModel([item(1)])), I.START));
  assert.deepEqual(kinds(effects), [E.STATUS, E.OUTBOX, E.CONNECT]);
  assert.deepEqual(only(effects, E.OUTBOX)[0].items.map((i) => i.cid), ["cid-1"]);
  // Started once only.
  assert.deepEqual(step(model, I.START).effects, []);
});

test("CONNECTED: asks a sync from the state's seq, a snapshot when there is none", () => {
  let { model, effects } = step(at(P.CONNECTING), I.CONNECTED);
  assert.equal(model.phase, P.SYNCING);
  assert.deepEqual(only(effects, E.ASK_SYNC), [{ type: E.ASK_SYNC, since: null }]);
  assert.deepEqual(only(effects, E.STATUS), [], "already syncing");

  ({ model, effects } = step(at(P.OFFLINE, { state: viewerState(12), held: [titled(13)] }), I.CONNECTED));
  assert.equal(model.phase, P.SYNCING);
  assert.deepEqual(model.held, [], "events held before the connect are not applied: the sync brings them");
  assert.deepEqual(kinds(effects), [E.STATUS, E.CANCEL, E.ASK_SYNC]);
  assert.equal(effects[0].status, "syncing");
  assert.equal(only(effects, E.ASK_SYNC)[0].since, 12);
});

test("CONNECTED after a drop: resumes from what had settled 10 s before it (resumeFrom)", () => {
  const marks = [[NOW - 60000, 10], [NOW - 15000, 14], [NOW - 5000, 18]];
  const model = at(P.OFFLINE, { state: viewerState(18), marks, lostAt: NOW - 1000 });
  assert.equal(only(step(model, I.CONNECTED).effects, E.ASK_SYNC)[0].since, 14);
  const needing = at(P.OFFLINE, { state: viewerState(18), marks, lostAt: NOW - 1000, needSnapshot: true });
  assert.equal(only(step(needing, I.CONNECTED).effects, E.ASK_SYNC)[0].since, null);
});

test("CONNECT_FAILED: a network failure is offline; a refused token ends access", () => {
  let { model, effects } = step(at(P.CONNECTING), I.CONNECT_FAILED, { message: "xhr poll error", retrying: true });
  assert.equal(model.phase, P.OFFLINE);
  assert.deepEqual(effects, [{ type: E.STATUS, status: "offline" }]);
  assert.deepEqual(step(model, I.CONNECT_FAILED, { message: "timeout", retrying: true }).effects, []);

  for (const fields of [
    { code: "unauthorized", message: "x", retrying: false },
    { code: "expired", message: "x", retrying: false },
    { message: "Unauthorised", retrying: false }, // no data: the server's refusal, socket.io gave up
  ]) {
    ({ model, effects } = step(at(P.OFFLINE), I.CONNECT_FAILED, fields));
    assert.equal(model.phase, P.ENDED, JSON.stringify(fields));
    assert.deepEqual(effects, [{ type: E.STATUS, status: "unauthorized" }]);
  }
  // "unauthorized" in the text of an error socket.io will retry is a network failure.
  assert.equal(step(at(P.OFFLINE), I.CONNECT_FAILED, { message: "unauthorized", retrying: true }).model.phase, P.OFFLINE);
});

test("ONLINE: connects again only when not connected and not ended", () => {
  assert.deepEqual(step(at(P.OFFLINE), I.ONLINE).effects, [{ type: E.CONNECT }]);
  assert.deepEqual(step(at(P.CONNECTING), I.ONLINE).effects, [{ type: E.CONNECT }]);
  for (const phase of [P.SYNCING, P.LIVE, P.RESYNCING, P.ENDED, P.CLOSED]) {
    assert.deepEqual(step(at(phase), I.ONLINE).effects, [], phase);
  }
});

// ------------------------------------------------------------------ the sync's answer

test("SYNC_ANSWERED snapshot: replaces the state, goes live and sends the outbox's first item", () => {
  const model = at(P.SYNCING, { outbox: [item(1), item(2)], lostAt: NOW - 3000, needSnapshot: true });
  const { model: next, effects } = step(model, I.SYNC_ANSWERED, { ack: snapshot(40), sentAt: NOW - 100 });
  assert.equal(next.phase, P.LIVE);
  assert.equal(next.state.seq, 40);
  assert.equal(next.baseSeq, 40);
  assert.equal(next.needSnapshot, false);
  assert.equal(next.lostAt, null);
  assert.deepEqual(next.marks, [[NOW, 40]]);
  assert.equal(next.offsetMs, 5000 + 50, "the server's clock, half the round trip taken off");
  assert.deepEqual(kinds(effects), [E.STATE, E.STATUS, E.SEND_COMMAND]);
  assert.equal(effects[1].status, "online");
  assert.equal(effects[2].item.cid, "cid-1", "one at a time, oldest first");
  assert.equal(next.inflight, "cid-1");
});

test("SYNC_ANSWERED events: applies them, then the events held meanwhile, and moves on to ack.seq", () => {
  const model = at(P.SYNCING, { state: viewerState(10), held: [titled(13), titled(12)] });
  const ack = { ok: true, mode: "events", events: [titled(11), titled(12)], seq: 12, server_time: "not a date" };
  const { model: next, effects } = step(model, I.SYNC_ANSWERED, { ack, sentAt: NOW });
  assert.deepEqual(only(effects, E.APPLIED).map((e) => e.ev.seq), [11, 12, 13], "12 held again is a repeat, skipped");
  assert.equal(next.state.seq, 13);
  assert.equal(next.state.workshop.title, "t13");
  assert.equal(next.offsetMs, 0, "no server_time: the clock is left as it was");
  assert.deepEqual(next.held, []);
  assert.deepEqual(kinds(effects).slice(-2), [E.STATE, E.STATUS]);
  assert.equal(next.phase, P.LIVE);
});

test("SYNC_ANSWERED events: the seq moves on to ack.seq (events this viewer does not see)", () => {
  const ack = { ok: true, mode: "events", events: [titled(11)], seq: 15, server_time: ISO(NOW) };
  const { model, effects } = step(at(P.SYNCING, { state: viewerState(10) }), I.SYNC_ANSWERED, { ack, sentAt: NOW });
  assert.equal(model.state.seq, 15);
  assert.deepEqual(model.marks.slice(-2), [[NOW, 11], [NOW, 15]]);
  assert.equal(only(effects, E.STATE)[0].state.seq, 15);
  // A live event held meanwhile that the answer should have had, but did not: a gap, so a snapshot.
  const gap = step(at(P.SYNCING, { state: viewerState(10), held: [titled(13)] }), I.SYNC_ANSWERED, { ack, sentAt: NOW });
  assert.equal(gap.model.phase, P.RESYNCING);
  assert.equal(only(gap.effects, E.ASK_SYNC)[0].since, null);
});

test("SYNC_ANSWERED with a move in it: synced, and a sync is asked again at once", () => {
  const model = at(P.SYNCING, { state: viewerState(10) });
  const ack = { ok: true, mode: "events", events: [moved(11)], seq: 11, server_time: ISO(NOW) };
  const { model: next, effects } = step(model, I.SYNC_ANSWERED, { ack, sentAt: NOW });
  assert.equal(next.phase, P.RESYNCING);
  assert.deepEqual(kinds(effects), [E.APPLIED, E.STATE, E.CANCEL, E.ASK_SYNC]);
  assert.equal(only(effects, E.ASK_SYNC)[0].since, 11);
  assert.equal(next.status, "syncing", "not online in between");
});

test("SYNC_ANSWERED with no answer or a refusal: asked again shortly; a final refusal ends access", () => {
  let { model, effects } = step(at(P.SYNCING), I.SYNC_ANSWERED, { err: new Error("timeout"), sentAt: NOW });
  assert.equal(model.phase, P.SYNC_RETRY);
  assert.deepEqual(effects, [{ type: E.TIMER, name: "sync", ms: 1000 }]);

  ({ model, effects } = step(at(P.RESYNCING), I.SYNC_ANSWERED, { err: new Error("timeout"), sentAt: NOW }));
  assert.equal(model.phase, P.RESYNC_WAIT);
  assert.equal(model.status, "syncing");

  const refused = { ok: false, error: { code: "invalid", message: "m" } };
  ({ model, effects } = step(at(P.SYNCING), I.SYNC_ANSWERED, { ack: refused, sentAt: NOW }));
  assert.equal(model.phase, P.SYNC_RETRY);
  assert.deepEqual(kinds(effects), [E.LOG, E.TIMER]);
  assert.equal(effects[1].ms, 3000);

  for (const code of ["unauthorized", "expired"]) {
    ({ model, effects } = step(at(P.SYNCING), I.SYNC_ANSWERED, { ack: { ok: false, error: { code } }, sentAt: NOW }));
    assert.equal(model.phase, P.ENDED);
    assert.deepEqual(effects, [{ type: E.STATUS, status: "unauthorized" }, { type: E.DISCONNECT }]);
  }
});

test("SYNC_RETRY: the timer asks again; events wait; nothing is sent", () => {
  const model = at(P.SYNC_RETRY, { outbox: [item(1)] });
  let { model: next, effects } = step(model, I.SYNC_DUE);
  assert.equal(next.phase, P.SYNCING);
  assert.deepEqual(kinds(effects), [E.CANCEL, E.ASK_SYNC]);
  ({ model: next, effects } = step(model, I.EVENT, { ev: titled(11) }));
  assert.deepEqual(next.held.map((e) => e.seq), [11]);
  assert.deepEqual(effects, []);
  assert.deepEqual(step(model, I.FLUSH_DUE).effects, []);
  assert.deepEqual(step(model, I.VISIBLE).effects, [], "not synced: the retry will catch up");
  assert.equal(step(model, I.RESYNC).model.phase, P.SYNCING);
});

test("a sync asked while one is on its way is asked once that one is answered", () => {
  for (const [phase, type] of [[P.SYNCING, I.RESYNC], [P.RESYNCING, I.VISIBLE], [P.RESYNCING, I.SERVER_RESYNC]]) {
    const { model, effects } = step(at(phase), type);
    assert.equal(model.phase, phase);
    assert.equal(model.syncAgain, true);
    assert.deepEqual(effects, []);
  }
});

// ------------------------------------------------------------------ live events

test("EVENT while live: applied and shown; a repeat does nothing", () => {
  const { model, effects } = step(at(P.LIVE), I.EVENT, { ev: titled(11) });
  assert.equal(model.state.seq, 11);
  assert.ok(model.seen.has(11));
  assert.deepEqual(model.marks.at(-1), [NOW, 11]);
  assert.deepEqual(kinds(effects), [E.APPLIED, E.STATE]);
  assert.equal(effects[0].state, model.state);
  const again = step(model, I.EVENT, { ev: titled(11) });
  assert.deepEqual(again.effects, []);
  assert.equal(again.model.state, model.state);
  assert.deepEqual(step(model, I.EVENT, { ev: { type: "x" } }).effects, [], "no seq: not an event");
  assert.deepEqual(step(model, I.EVENT, { ev: null }).effects, []);
});

test("EVENT late (older than what was applied, never seen): start again from a snapshot", () => {
  const live = step(at(P.LIVE), I.EVENT, { ev: titled(12) }).model;
  const { model, effects } = step(live, I.EVENT, { ev: titled(11) });
  assert.equal(model.phase, P.RESYNCING);
  assert.equal(only(effects, E.ASK_SYNC)[0].since, null);
  assert.equal(model.state.seq, 12, "the late one is not applied");
});

test("EVENT the client cannot apply: logged, and a snapshot is asked", () => {
  const { model, effects } = step(at(P.LIVE), I.EVENT, { ev: { seq: 11, type: "nonsense", data: {} } });
  assert.deepEqual(kinds(effects), [E.LOG, E.STATUS, E.CANCEL, E.ASK_SYNC]);
  assert.equal(only(effects, E.ASK_SYNC)[0].since, null);
  assert.equal(model.state.seq, 10);
});

test("EVENT room_changed: applied, then a sync so the connection joins the new room", () => {
  const { model, effects } = step(at(P.LIVE), I.EVENT, { ev: moved(11) });
  assert.equal(model.phase, P.RESYNCING);
  assert.equal(model.state.me.room_id, 2);
  assert.deepEqual(kinds(effects), [E.APPLIED, E.STATE, E.STATUS, E.CANCEL, E.ASK_SYNC]);
  assert.equal(only(effects, E.ASK_SYNC)[0].since, 11);
});

test("EVENT while a command awaits its ack: shown with the ack, or after DEFER_MAX_MS", () => {
  const sending = at(P.LIVE, { outbox: [item(1)], inflight: "cid-1" });
  let { model, effects } = step(sending, I.EVENT, { ev: titled(11) });
  assert.deepEqual(kinds(effects), [E.APPLIED, E.TIMER]);
  assert.deepEqual(effects[1], { type: E.TIMER, name: "defer", ms: DEFER_MAX_MS });
  assert.equal(model.deferred, true);
  const second = step(model, I.EVENT, { ev: titled(12) });
  assert.deepEqual(kinds(second.effects), [E.APPLIED], "one timer for them all");

  const timedOut = step(second.model, I.DEFER_DUE);
  assert.deepEqual(kinds(timedOut.effects), [E.CANCEL, E.STATE]);
  assert.equal(timedOut.effects[1].state.seq, 12);
  assert.deepEqual(step(timedOut.model, I.DEFER_DUE).effects, [], "nothing deferred any more");

  ({ model, effects } = step(second.model, I.ACKED, { item: item(1), ack: { ok: true, result: {} } }));
  assert.deepEqual(kinds(effects), [E.OUTBOX, E.CANCEL, E.STATE, E.ANSWER],
    "the post leaves the outbox and enters the state together");
});

test("EVENT is held while a sync is on its way, ignored while not connected", () => {
  for (const phase of [P.SYNCING, P.RESYNCING, P.SYNC_RETRY]) {
    const { model, effects } = step(at(phase), I.EVENT, { ev: titled(11) });
    assert.deepEqual(model.held.map((e) => e.seq), [11], phase);
    assert.deepEqual(effects, []);
  }
  for (const phase of [P.IDLE, P.CONNECTING, P.OFFLINE, P.CLOSED]) {
    const model = at(phase);
    const out = step(model, I.EVENT, { ev: titled(11) });
    assert.deepEqual(out.effects, [], phase);
    assert.deepEqual(out.model, model, phase);
  }
});

test("RESYNC_WAIT: live meanwhile (events applied, commands sent), the timer asks again", () => {
  const model = at(P.RESYNC_WAIT, { outbox: [item(1)] });
  assert.deepEqual(kinds(step(model, I.EVENT, { ev: titled(11) }).effects), [E.APPLIED, E.STATE]);
  assert.deepEqual(kinds(step(model, I.FLUSH_DUE).effects), [E.SEND_COMMAND]);
  const due = step(model, I.SYNC_DUE);
  assert.equal(due.model.phase, P.RESYNCING);
  assert.deepEqual(kinds(due.effects), [E.CANCEL, E.ASK_SYNC]);
  assert.equal(step(model, I.VISIBLE).model.phase, P.RESYNCING);
});

test("VISIBLE, RESYNC and the server's resync while live: a sync (a snapshot for the server's)", () => {
  for (const [type, since] of [[I.VISIBLE, 10], [I.RESYNC, 10], [I.SERVER_RESYNC, null]]) {
    const { model, effects } = step(at(P.LIVE), type);
    assert.equal(model.phase, P.RESYNCING, type);
    assert.deepEqual(kinds(effects), [E.STATUS, E.CANCEL, E.ASK_SYNC]);
    assert.equal(effects[0].status, "syncing");
    assert.equal(effects[2].since, since, type);
  }
  // The server's resync while not connected: the next connect asks for a snapshot.
  const off = step(at(P.OFFLINE, { state: viewerState(10) }), I.SERVER_RESYNC);
  assert.deepEqual(off.effects, []);
  assert.equal(only(step(off.model, I.CONNECTED).effects, E.ASK_SYNC)[0].since, null);
});

// ------------------------------------------------------------------ the outbox

test("SEND: queued and kept in every phase, sent at once only while live", () => {
  for (const phase of Object.values(P)) {
    const { model, effects } = step(at(phase), I.SEND, { item: item(1) });
    assert.deepEqual(model.outbox.map((i) => i.cid), ["cid-1"], phase);
    const sent = [P.LIVE, P.RESYNC_WAIT].includes(phase);
    assert.deepEqual(kinds(effects), sent ? [E.OUTBOX, E.SEND_COMMAND] : [E.OUTBOX], phase);
  }
  const busy = step(at(P.LIVE, { outbox: [item(1)], inflight: "cid-1" }), I.SEND, { item: item(2) });
  assert.deepEqual(kinds(busy.effects), [E.OUTBOX], "one command at a time");
});

test("ACKED ok or a final refusal: the item leaves the outbox, is answered, and the next is sent", () => {
  for (const ack of [{ ok: true, result: { seq: 3 } }, { ok: false, error: { code: "wrong_phase", message: "m" } }]) {
    const model = at(P.LIVE, { outbox: [item(1), item(2)], inflight: "cid-1" });
    const { model: next, effects } = step(model, I.ACKED, { item: item(1), ack });
    assert.deepEqual(next.outbox.map((i) => i.cid), ["cid-2"]);
    assert.deepEqual(kinds(effects), [E.OUTBOX, E.ANSWER, E.SEND_COMMAND]);
    assert.equal(effects[1].ack, ack);
    assert.equal(effects[2].item.cid, "cid-2");
    assert.equal(next.inflight, "cid-2");
  }
});

test("ACKED with no answer, server_error or rate_limited: stays first, resent later with the same cid", () => {
  const cases = [
    [{ err: new Error("operation has timed out") }, 3000],
    [{ ack: { ok: false, error: { code: "server_error", message: "m" } } }, 3000],
    [{ ack: { ok: false, error: { code: "rate_limited", message: "m", details: { retry_after: 7 } } } }, 7000],
  ];
  for (const [answer, wait] of cases) {
    const model = at(P.LIVE, { outbox: [item(1), item(2)], inflight: "cid-1" });
    const { model: next, effects } = step(model, I.ACKED, { item: item(1), ...answer });
    assert.deepEqual(next.outbox.map((i) => i.cid), ["cid-1", "cid-2"]);
    assert.equal(next.outbox[0].retry_at, ISO(NOW + wait));
    assert.equal(next.inflight, null);
    assert.deepEqual(effects, [{ type: E.OUTBOX, items: next.outbox }, { type: E.TIMER, name: "flush", ms: wait }]);
    // Before its time the timer is set again; at its time it is sent, same cid.
    const early = step(next, I.FLUSH_DUE);
    assert.deepEqual(kinds(early.effects), [E.TIMER]);
    const due = transition(next, { type: I.FLUSH_DUE, now: NOW + wait });
    assert.deepEqual(due.effects, [{ type: E.SEND_COMMAND, item: next.outbox[0] }]);
  }
});

test("an item told to wait longer than the cap waits the cap at most", () => {
  const model = at(P.LIVE, { outbox: [item(1, { retry_at: ISO(NOW + 3_600_000) })] });
  assert.deepEqual(step(model, I.FLUSH_DUE).effects, [{ type: E.TIMER, name: "flush", ms: 120000 }]);
});

test("ACKED while a sync is on its way: answered, the next waits for the sync", () => {
  const model = at(P.RESYNCING, { outbox: [item(1), item(2)], inflight: "cid-1" });
  const { model: next, effects } = step(model, I.ACKED, { item: item(1), ack: { ok: true } });
  assert.deepEqual(kinds(effects), [E.OUTBOX, E.ANSWER]);
  const answered = step(next, I.SYNC_ANSWERED, { ack: snapshot(11), sentAt: NOW });
  assert.deepEqual(only(answered.effects, E.SEND_COMMAND).map((e) => e.item.cid), ["cid-2"]);
});

test("ACKED unauthorized: access ends, nothing more is sent; the events held are shown", () => {
  const model = at(P.RESYNCING, { outbox: [item(1), item(2)], inflight: "cid-1", held: [titled(11)] });
  const ack = { ok: false, error: { code: "unauthorized", message: "removed" } };
  const { model: next, effects } = step(model, I.ACKED, { item: item(1), ack });
  assert.equal(next.phase, P.ENDED);
  assert.deepEqual(kinds(effects), [E.OUTBOX, E.ANSWER, E.APPLIED, E.STATE, E.STATUS]);
  assert.equal(only(effects, E.STATUS)[0].status, "unauthorized");
  assert.deepEqual(next.outbox.map((i) => i.cid), ["cid-2"], "kept, not sent");
  assert.deepEqual(step(next, I.FLUSH_DUE).effects, []);
});

// ------------------------------------------------------------------ drops, the end, closing

test("DISCONNECTED: offline, the drop's time kept; what waited for an ack is shown", () => {
  const model = at(P.LIVE, { outbox: [item(1)], inflight: "cid-1", deferred: true });
  const { model: next, effects } = step(model, I.DISCONNECTED, { reason: "transport close" });
  assert.equal(next.phase, P.OFFLINE);
  assert.equal(next.lostAt, NOW);
  assert.equal(next.inflight, null);
  assert.deepEqual(kinds(effects), [E.CANCEL, E.STATE, E.STATUS]);
  assert.equal(effects[2].status, "offline");
  // A second drop keeps the first one's time.
  const again = step(deepFreeze({ ...next, lostAt: NOW - 500 }), I.DISCONNECTED, { reason: "transport close" });
  assert.equal(again.model.lostAt, NOW - 500);
  // The answers cut short by the drop then arrive as errors: resent later.
  const cut = step(next, I.ACKED, { item: item(1), err: new Error("socket has been disconnected") });
  assert.equal(cut.model.outbox[0].retry_at, ISO(NOW + 3000));
  assert.deepEqual(step(next, I.SYNC_ANSWERED, { err: new Error("gone"), sentAt: NOW }).effects, []);
});

test("DISCONNECTED by the server (removed, link revoked): access ends, no reconnect", () => {
  for (const phase of [P.CONNECTING, P.SYNCING, P.LIVE, P.RESYNC_WAIT]) {
    const { model, effects } = step(at(phase), I.DISCONNECTED, { reason: "io server disconnect" });
    assert.equal(model.phase, P.ENDED, phase);
    assert.deepEqual(effects, [{ type: E.STATUS, status: "unauthorized" }]);
    assert.deepEqual(step(model, I.ONLINE).effects, []);
  }
});

test("ENDED refuses everything that would ask, send or reconnect", () => {
  const ended = at(P.ENDED, { outbox: [item(1)] });
  for (const [type, fields] of [
    [I.RESYNC], [I.VISIBLE], [I.SERVER_RESYNC], [I.SYNC_DUE], [I.FLUSH_DUE], [I.ONLINE], [I.START],
    [I.CONNECT_FAILED, { message: "x", retrying: true }], [I.CONNECT_FAILED, { code: "unauthorized" }],
    [I.SYNC_ANSWERED, { ack: snapshot(99), sentAt: NOW }], [I.DEFER_DUE],
  ]) {
    const { model, effects } = step(ended, type, fields);
    assert.deepEqual(effects, [], type);
    assert.deepEqual(model, ended, type);
  }
  // A connection that opens again anyway is closed, and nothing is asked on it.
  assert.deepEqual(step(ended, I.CONNECTED).effects, [{ type: E.DISCONNECT }]);
  // The drop that follows the end changes nothing the page sees.
  const dropped = step(ended, I.DISCONNECTED, { reason: "io client disconnect" });
  assert.deepEqual(dropped.effects, []);
  assert.equal(dropped.model.status, "unauthorized");
  // An ack cut short after the end: kept for later, no timer.
  const cut = step(ended, I.ACKED, { item: item(1), err: new Error("socket has been disconnected") });
  assert.deepEqual(kinds(cut.effects), [E.OUTBOX]);
});

test("ENDED after a command's refusal: the person's own access_ended, still on its way, is shown", () => {
  const ended = at(P.ENDED);
  const ev = { seq: 11, type: "access_ended", data: { reason: "left early" } };
  const { model, effects } = step(ended, I.EVENT, { ev });
  assert.deepEqual(model.state.me.ended, { reason: "left early" });
  assert.deepEqual(kinds(effects), [E.APPLIED, E.STATE]);
  assert.equal(model.phase, P.ENDED);
  // A move or a gap then asks nothing.
  assert.deepEqual(kinds(step(model, I.EVENT, { ev: moved(12) }).effects), [E.APPLIED, E.STATE]);
  assert.deepEqual(step(model, I.EVENT, { ev: titled(5) }).effects, []);
  // Ended before any state: nothing to apply an event to.
  const bare = at(P.ENDED, { state: null });
  assert.deepEqual(step(bare, I.EVENT, { ev }).effects, []);
});

test("CLOSE: timers stopped, the socket closed; its disconnect then says offline", () => {
  const live = at(P.LIVE);
  const { model, effects } = step(live, I.CLOSE);
  assert.equal(model.phase, P.CLOSED);
  assert.deepEqual(effects, [
    { type: E.CANCEL, name: "sync" }, { type: E.CANCEL, name: "flush" }, { type: E.CANCEL, name: "defer" },
    { type: E.DISCONNECT },
  ]);
  const dropped = step(model, I.DISCONNECTED, { reason: "io client disconnect" });
  assert.deepEqual(dropped.effects, [{ type: E.STATUS, status: "offline" }]);
  assert.equal(dropped.model.phase, P.CLOSED);
  // Closed after the end: still unauthorized.
  const endedThenClosed = step(step(at(P.ENDED), I.CLOSE).model, I.DISCONNECTED, { reason: "io client disconnect" });
  assert.deepEqual(endedThenClosed.effects, []);
  assert.equal(endedThenClosed.model.status, "unauthorized");
});

test("CLOSED refuses everything but keeping the outbox", () => {
  const closed = at(P.CLOSED, { outbox: [item(1)] });
  for (const [type, fields] of [
    [I.CLOSE], [I.CONNECTED], [I.RESYNC], [I.VISIBLE], [I.SERVER_RESYNC], [I.SYNC_DUE], [I.FLUSH_DUE],
    [I.ONLINE], [I.EVENT, { ev: titled(11) }], [I.SYNC_ANSWERED, { ack: snapshot(99), sentAt: NOW }],
    [I.CONNECT_FAILED, { code: "unauthorized" }],
  ]) {
    const { model, effects } = step(closed, type, fields);
    assert.deepEqual(effects, [], type);
    assert.deepEqual(model, closed, type);
  }
  assert.deepEqual(kinds(step(closed, I.SEND, { item: item(2) }).effects), [E.OUTBOX]);
  const cut = step(closed, I.ACKED, { item: item(1), err: new Error("socket has been disconnected") });
  assert.deepEqual(kinds(cut.effects), [E.OUTBOX], "kept with its retry time, no timer");
});

test("refusals: inputs a phase does not expect change nothing", () => {
  const cases = [
    [P.IDLE, [I.CONNECTED, I.DISCONNECTED, I.RESYNC, I.VISIBLE, I.SERVER_RESYNC, I.ONLINE, I.SYNC_DUE, I.FLUSH_DUE]],
    [P.CONNECTING, [I.SYNC_ANSWERED, I.RESYNC, I.VISIBLE, I.SYNC_DUE, I.FLUSH_DUE, I.DEFER_DUE]],
    [P.OFFLINE, [I.SYNC_ANSWERED, I.RESYNC, I.VISIBLE, I.SYNC_DUE, I.FLUSH_DUE, I.DEFER_DUE]],
    [P.SYNCING, [I.SYNC_DUE, I.FLUSH_DUE, I.VISIBLE, I.ONLINE]],
    [P.LIVE, [I.SYNC_ANSWERED, I.SYNC_DUE, I.ONLINE, I.DEFER_DUE, I.START]],
    [P.RESYNC_WAIT, [I.SYNC_ANSWERED, I.ONLINE]],
  ];
  for (const [phase, types] of cases) {
    const model = at(phase);
    for (const type of types) {
      const out = step(model, type, { ack: snapshot(50), sentAt: NOW, reason: "transport close" });
      assert.deepEqual(out.effects, [], `${phase} × ${type}`);
      assert.deepEqual(out.model, model, `${phase} × ${type}`);
    }
  }
});

// ------------------------------------------------------------------ a whole run, effects fed back

test("a command queued offline is sent once, with its cid, after the reconnect's sync", () => {
  let model = initialModel();
  const sent = [];
  const feed = (type, fields = {}) => {
    const out = transition(model, { type, now: NOW, ...fields });
    model = out.model;
    for (const e of out.effects) if (e.type === E.SEND_COMMAND) sent.push(e.item.cid);
    return out.effects;
  };
  feed(I.START);
  feed(I.CONNECTED);
  feed(I.SYNC_ANSWERED, { ack: snapshot(5), sentAt: NOW });
  feed(I.DISCONNECTED, { reason: "transport close" });
  feed(I.SEND, { item: item(1) });
  assert.deepEqual(sent, []);
  feed(I.CONNECTED);
  assert.deepEqual(sent, [], "not before the sync is answered");
  feed(I.SYNC_ANSWERED, { ack: { ok: true, mode: "events", events: [], seq: 5, server_time: ISO(NOW) }, sentAt: NOW });
  assert.deepEqual(sent, ["cid-1"]);
  feed(I.DISCONNECTED, { reason: "transport close" });
  feed(I.ACKED, { item: model.outbox[0], err: new Error("socket has been disconnected") });
  feed(I.CONNECTED);
  feed(I.SYNC_ANSWERED, { ack: snapshot(6), sentAt: NOW });
  assert.deepEqual(sent, ["cid-1"], "resent only once its retry time has come");
  const later = transition(model, { type: I.FLUSH_DUE, now: NOW + 3000 });
  model = later.model;
  for (const e of later.effects) if (e.type === E.SEND_COMMAND) sent.push(e.item.cid);
  assert.deepEqual(sent, ["cid-1", "cid-1"], "the same cid: the server answers the repeat with the first result");
  const answered = transition(model, { type: I.ACKED, now: NOW + 3100, item: model.outbox[0], ack: { ok: true, repeated: true } });
  assert.deepEqual(answered.model.outbox, []);
  assert.equal(only(answered.effects, E.ANSWER).length, 1);
});

test("every phase but IDLE and CLOSED shows one status", () => {
  assert.deepEqual(new Set(Object.values(STATUS_OF).filter(Boolean)), new Set(Object.values(STATUSES)));
  assert.ok(Object.isFrozen(P) && Object.isFrozen(I) && Object.isFrozen(E));
});
