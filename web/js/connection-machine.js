// The connection as a state machine (docs/architecture.md, "The phone's connection").
//
//   const { model, effects } = transition(model, input);
//
// `transition` is pure: it never changes the model or the input it is given, reads no
// clock (every input carries `now`, in ms) and does nothing itself; what is to be done
// (tell the page, ask a sync, send a command, set a timer) comes back as `effects`, in
// order, and web/js/connection.js does them. The model is the phase (PHASES) and what the
// phase needs to remember: the viewer's state, the outbox (web/js/outbox.js), the events
// held back while a sync is asked, and what a resume needs (resumeFrom).

import { applyEvent } from "./state.js";
import { Outbox, RATE_LIMIT_MAX_WAIT_MS, retryAfterMs } from "./outbox.js";

/** Where the connection is. Each phase but IDLE and CLOSED tells the page one status (STATUS_OF). */
export const PHASES = Object.freeze({
  IDLE: "idle", // made, not started
  CONNECTING: "connecting", // the first connect is under way
  SYNCING: "syncing", // connected: the sync that follows the connect is asked
  SYNC_RETRY: "sync_retry", // connected: that sync got no answer or a refusal, asked again shortly
  LIVE: "live", // connected and synced: events are applied as they come, commands are sent
  RESYNCING: "resyncing", // connected and synced: a sync is asked again (a move, a gap, the server's resync, the tab shown)
  RESYNC_WAIT: "resync_wait", // as LIVE, but that re-sync failed and is asked again shortly
  OFFLINE: "offline", // dropped, or a connect failed: socket.io tries again
  ENDED: "ended", // this token's access ended: nothing more is asked or sent, no reconnect
  CLOSED: "closed", // the page closed the connection
});

/** What the pages are told (onStatus, conn.status()). */
export const STATUSES = Object.freeze({
  SYNCING: "syncing",
  ONLINE: "online",
  OFFLINE: "offline",
  UNAUTHORIZED: "unauthorized",
});

/** The status each phase shows. CLOSED keeps the last one; when the socket's disconnect
 *  then arrives it is "offline" (unless access had ended). */
export const STATUS_OF = Object.freeze({
  [PHASES.IDLE]: null,
  [PHASES.CONNECTING]: STATUSES.SYNCING,
  [PHASES.SYNCING]: STATUSES.SYNCING,
  [PHASES.SYNC_RETRY]: STATUSES.SYNCING,
  [PHASES.LIVE]: STATUSES.ONLINE,
  [PHASES.RESYNCING]: STATUSES.SYNCING,
  [PHASES.RESYNC_WAIT]: STATUSES.SYNCING,
  [PHASES.OFFLINE]: STATUSES.OFFLINE,
  [PHASES.ENDED]: STATUSES.UNAUTHORIZED,
});

/** What can happen to the connection. Each is an object {type, now, …}. */
export const INPUTS = Object.freeze({
  START: "start", // connect() was called
  CONNECTED: "connected", // socket.io: connect
  CONNECT_FAILED: "connect_failed", // socket.io: connect_error {code, message, retrying: socket.active}
  DISCONNECTED: "disconnected", // socket.io: disconnect {reason}
  SYNC_ANSWERED: "sync_answered", // the answer to a sync {err, ack, sentAt}
  EVENT: "event", // a live event {ev}
  SERVER_RESYNC: "server_resync", // the server's `resync`: events may have been lost, start from a snapshot
  RESYNC: "resync", // the page asks to sync again (conn.resync())
  VISIBLE: "visible", // the tab is shown again (it may have missed packets while hidden)
  ONLINE: "online", // the browser is back online
  SEND: "send", // the page queues a command {item} (web/js/outbox.js newItem)
  ACKED: "acked", // a command's answer {item, err, ack}
  SYNC_DUE: "sync_due", // the timer to ask a failed sync again
  FLUSH_DUE: "flush_due", // the timer to send the outbox's first item again
  DEFER_DUE: "defer_due", // the timer that shows events held for a command's ack
  CLOSE: "close", // the page closes the connection (conn.close())
});

/** What connection.js does for a transition, in order. */
export const EFFECTS = Object.freeze({
  STATUS: "status", // {status}: onStatus
  STATE: "state", // {state}: onState
  APPLIED: "applied", // {ev, state}: onEvent, after each event applied
  OUTBOX: "outbox", // {items}: store them, onOutbox
  ANSWER: "answer", // {item, ack}: the send's promise resolves, onAck
  ASK_SYNC: "ask_sync", // {since}: emit `sync`; its answer is SYNC_ANSWERED
  SEND_COMMAND: "send_command", // {item}: emit the command with its cid; its answer is ACKED
  TIMER: "timer", // {name, ms}: (re)start timer `name` (TIMERS); when it runs out, its input
  CANCEL: "cancel", // {name}: stop timer `name`
  CONNECT: "connect", // socket.connect()
  DISCONNECT: "disconnect", // socket.disconnect()
  LOG: "log", // {args}: console.error
});

/** The timers and the input each sends when it runs out. */
export const TIMERS = Object.freeze({
  sync: INPUTS.SYNC_DUE,
  flush: INPUTS.FLUSH_DUE,
  defer: INPUTS.DEFER_DUE,
});

// Refusals that end this token's access for good (docs/protocol.md §3): no retry, the page says so.
// `expired`: the workshop is older than TOKEN_TTL_DAYS (docs/security.md, "Data protection").
const ENDS_ACCESS = new Set(["unauthorized", "expired"]);

const SYNC_NO_ANSWER_RETRY_MS = 1000;
const SYNC_REFUSED_RETRY_MS = 3000;
// The server sends a command's own events just before its ack. Shown on their own, the
// new post would be on screen twice until the ack: once from the state, once still
// "waiting to send" in the outbox. So live events that arrive while one of our commands
// awaits its ack are shown together with the ack, at most DEFER_MAX_MS later.
export const DEFER_MAX_MS = 1000;
// With several server processes an event can arrive a little after a newer one (it
// travelled through Redis). A client cut off in between would never see it live, so
// a resume asks again from the last seq that had settled LATE_WINDOW_MS before the
// connection dropped; what it already applied is skipped, a late one forces a snapshot.
export const LATE_WINDOW_MS = 10000;
const MARKS_KEPT = 256;

const CONNECTED = new Set([PHASES.SYNCING, PHASES.SYNC_RETRY, PHASES.LIVE, PHASES.RESYNCING, PHASES.RESYNC_WAIT]);
const SYNCED = new Set([PHASES.LIVE, PHASES.RESYNCING, PHASES.RESYNC_WAIT]);
const ASKING = new Set([PHASES.SYNCING, PHASES.RESYNCING]); // a sync is on its way
const SENDING = new Set([PHASES.LIVE, PHASES.RESYNC_WAIT]); // the outbox may be sent

/** The `since` to resume from: the newest seq this client had applied at least
 *  `windowMs` before `lostAt` (when the connection dropped), and never below the last
 *  snapshot's seq. `marks` are [atMs, seq] pairs in the order seqs were applied. */
export function resumeFrom(marks, baseSeq, lostAt, windowMs = LATE_WINDOW_MS) {
  let since = baseSeq;
  for (const [at, seq] of marks) {
    if (at > lostAt - windowMs) break;
    if (seq > since) since = seq;
  }
  return since;
}

/** The model before START, with the outbox a reload found. */
export function initialModel(outbox = []) {
  return Object.freeze({
    phase: PHASES.IDLE,
    status: null, // what the page was last told
    state: null, // the viewer's state (docs/protocol.md §7), null until the first snapshot
    offsetMs: 0, // the server's clock minus ours
    outbox, // commands not yet answered, oldest first (web/js/outbox.js)
    inflight: null, // the cid of the command awaiting its ack: one at a time, in order
    deferred: false, // live events applied while a command awaits its ack, not yet shown
    syncAgain: false, // ask another sync once the one on its way is answered (a move)
    needSnapshot: false, // an event could not be applied: start again from a snapshot
    held: [], // live events that arrived while a sync was asked, applied after its answer
    seen: new Set(), // seqs applied since the last snapshot (to tell a late event from a repeat)
    baseSeq: 0, // the last snapshot's seq
    marks: [], // [atMs, seq] each time state.seq moved on (see resumeFrom)
    lostAt: null, // when the connection last dropped (null: not since the last sync)
  });
}

/** One step: the model after `input`, and what is to be done. Pure. */
export function transition(model, input) {
  const m = { ...model };
  const fx = [];
  const now = input.now;
  const P = PHASES;

  const setStatus = (status) => {
    if (status === m.status) return;
    m.status = status;
    fx.push({ type: EFFECTS.STATUS, status });
  };
  const enter = (phase) => {
    m.phase = phase;
    if (phase !== P.CLOSED) setStatus(STATUS_OF[phase]);
  };
  const outboxChanged = () => fx.push({ type: EFFECTS.OUTBOX, items: m.outbox });

  // ---- showing the state
  const publish = () => {
    if (m.deferred) fx.push({ type: EFFECTS.CANCEL, name: "defer" });
    m.deferred = false;
    fx.push({ type: EFFECTS.STATE, state: m.state });
  };
  const publishLive = () => {
    if (!m.inflight) { publish(); return; }
    if (!m.deferred) fx.push({ type: EFFECTS.TIMER, name: "defer", ms: DEFER_MAX_MS });
    m.deferred = true;
  };
  const releaseDeferred = () => { if (m.deferred) publish(); };

  // ---- events
  const mark = () => {
    m.marks = [...m.marks, [now, m.state.seq]].slice(-MARKS_KEPT);
  };
  const applyLive = (ev) => {
    if (!m.state) return false;
    if (ev.seq <= m.state.seq && ev.seq > m.baseSeq && !m.seen.has(ev.seq)) {
      // A gap: an event older than what we applied, never seen, arrived late (another
      // server process delivered it after a newer one). Start again from a snapshot.
      m.needSnapshot = true;
      return false;
    }
    let next;
    try {
      next = applyEvent(m.state, ev);
    } catch (err) {
      // An event this client does not understand: start again from a snapshot.
      fx.push({ type: EFFECTS.LOG, args: ["could not apply event", ev && ev.type, err] });
      m.needSnapshot = true;
      return false;
    }
    if (next === m.state) return false;
    m.state = next;
    if (m.seen === model.seen) m.seen = new Set(m.seen); // copied once per step, the given one is left alone
    m.seen.add(ev.seq);
    mark();
    fx.push({ type: EFFECTS.APPLIED, ev, state: next });
    if (ev.type === "room_changed") m.syncAgain = true;
    return true;
  };

  // ---- sync
  const since = () => {
    if (!m.state || m.needSnapshot) return null;
    // After a drop, ask again from what had settled before it (late events, LATE_WINDOW_MS).
    return m.lostAt === null ? m.state.seq : resumeFrom(m.marks, m.baseSeq, m.lostAt);
  };
  const ask = (phase) => {
    enter(phase);
    m.syncAgain = false;
    fx.push({ type: EFFECTS.CANCEL, name: "sync" });
    fx.push({ type: EFFECTS.ASK_SYNC, since: since() });
  };
  const askSync = () => { // while connected: ask now, or once the sync on its way is answered
    if (!CONNECTED.has(m.phase)) return;
    if (ASKING.has(m.phase)) { m.syncAgain = true; return; }
    ask(SYNCED.has(m.phase) ? P.RESYNCING : P.SYNCING);
  };
  const retrySync = (ms) => {
    m.phase = m.phase === P.SYNCING ? P.SYNC_RETRY : P.RESYNC_WAIT; // the status stays "syncing"
    fx.push({ type: EFFECTS.TIMER, name: "sync", ms });
  };
  const applyAnswer = (ack, sentAt) => {
    const serverMs = Date.parse(ack.server_time);
    if (!Number.isNaN(serverMs)) m.offsetMs = serverMs - (sentAt + now) / 2;
    if (ack.mode === "snapshot") {
      m.state = ack.state;
      m.needSnapshot = false;
      m.seen = new Set();
      m.baseSeq = m.state.seq;
      m.marks = [];
      mark();
    } else if (m.state) {
      for (const ev of ack.events || []) applyLive(ev);
      if (typeof ack.seq === "number" && !m.needSnapshot && ack.seq > m.state.seq) {
        m.state = { ...m.state, seq: ack.seq };
        mark();
      }
    }
    m.lostAt = null;
    const pending = m.held;
    m.held = [];
    for (const ev of pending) applyLive(ev);
    publish();
  };

  // ---- the outbox: one command at a time, in order, only while LIVE (or RESYNC_WAIT)
  const flush = () => {
    if (!SENDING.has(m.phase) || m.inflight) return;
    const next = Outbox.next(m.outbox, now);
    if (!next) return;
    if (next.wait > 0) { // told to wait (rate_limited): the timer will flush
      fx.push({ type: EFFECTS.TIMER, name: "flush", ms: Math.min(next.wait, RATE_LIMIT_MAX_WAIT_MS) });
      return;
    }
    m.inflight = next.item.cid;
    fx.push({ type: EFFECTS.SEND_COMMAND, item: next.item });
  };

  // ---- the end of this token's access
  const end = ({ showHeld = false } = {}) => {
    // After a command's final refusal, events held for a sync still on its way are shown
    // now (its answer is not awaited): the person's own `access_ended` may be among them.
    if (showHeld && m.held.length && m.state) {
      const pending = m.held;
      m.held = [];
      let changed = false;
      for (const ev of pending) changed = applyLive(ev) || changed;
      if (changed) publishLive();
    }
    m.held = [];
    enter(P.ENDED);
  };
  const gone = m.phase === P.ENDED || m.phase === P.CLOSED;

  switch (input.type) {
    case INPUTS.START:
      if (m.phase !== P.IDLE) break;
      enter(P.CONNECTING);
      if (m.outbox.length) outboxChanged();
      fx.push({ type: EFFECTS.CONNECT });
      break;

    case INPUTS.CONNECTED:
      if (m.phase === P.ENDED) { fx.push({ type: EFFECTS.DISCONNECT }); break; } // nothing more is asked
      if (m.phase === P.CLOSED || m.phase === P.IDLE) break;
      m.held = [];
      ask(P.SYNCING);
      break;

    case INPUTS.CONNECT_FAILED: {
      if (gone || m.phase === P.IDLE) break;
      // The server refused the token (protocol §2: data.code "unauthorized"). socket.io
      // marks a refusal by the server (as opposed to a network failure) with
      // socket.active === false and does not retry it; neither do we.
      const final = ENDS_ACCESS.has(input.code)
        || (!input.retrying && /unauthori[sz]ed/i.test(String(input.message)));
      if (final) end();
      else enter(P.OFFLINE);
      break;
    }

    case INPUTS.DISCONNECTED:
      if (m.phase === P.IDLE) break;
      if (m.lostAt === null) m.lostAt = now;
      m.inflight = null; // its answer comes as an ACKED with an error, and it is sent again
      releaseDeferred();
      if (m.phase === P.CLOSED) {
        if (m.status !== STATUSES.UNAUTHORIZED) setStatus(STATUSES.OFFLINE);
      } else if (m.phase !== P.ENDED) {
        // The server cut us (removed, or the link revoked): socket.io does not reconnect.
        if (input.reason === "io server disconnect") end();
        else enter(P.OFFLINE);
      }
      break;

    case INPUTS.SYNC_ANSWERED: {
      if (!ASKING.has(m.phase)) break; // asked before a drop, or after the end: nothing to do
      const { err, ack, sentAt } = input;
      if (err || !ack) { retrySync(SYNC_NO_ANSWER_RETRY_MS); break; } // no answer: ask again
      if (!ack.ok) {
        const code = ack.error && ack.error.code;
        if (ENDS_ACCESS.has(code)) { end(); fx.push({ type: EFFECTS.DISCONNECT }); break; }
        fx.push({ type: EFFECTS.LOG, args: ["sync refused", ack.error] });
        retrySync(SYNC_REFUSED_RETRY_MS);
        break;
      }
      applyAnswer(ack, sentAt);
      if (m.syncAgain || m.needSnapshot) { ask(P.RESYNCING); break; } // synced, and asked again
      enter(P.LIVE);
      flush();
      break;
    }

    case INPUTS.EVENT: {
      const ev = input.ev;
      if (!ev || typeof ev.seq !== "number") break;
      if (ASKING.has(m.phase) || m.phase === P.SYNC_RETRY || (SENDING.has(m.phase) && !m.state)) {
        m.held = [...m.held, ev]; // applied after the sync's answer, so nothing is skipped
        break;
      }
      if (SENDING.has(m.phase)) {
        if (applyLive(ev)) publishLive();
        if (m.syncAgain || m.needSnapshot) askSync();
      } else if (m.phase === P.ENDED) {
        // Only before the server cuts the connection (after a command's final refusal):
        // the person's own `access_ended` may still be on its way.
        if (applyLive(ev)) publishLive();
      }
      // CONNECTING, OFFLINE, CLOSED: the sync after the next connect brings it.
      break;
    }

    case INPUTS.SERVER_RESYNC:
      // Events may have been lost on their way (docs/protocol.md §6): the lost ones may
      // be older than newer ones we applied, so start again from a snapshot.
      if (gone || m.phase === P.IDLE) break;
      m.needSnapshot = true;
      askSync();
      break;

    case INPUTS.RESYNC:
      askSync();
      break;

    case INPUTS.VISIBLE:
      // A tab that was hidden may have missed packets on a half-dead connection: catch up.
      if (SYNCED.has(m.phase)) askSync();
      break;

    case INPUTS.SYNC_DUE:
      if (m.phase === P.SYNC_RETRY || m.phase === P.RESYNC_WAIT) askSync();
      break;

    case INPUTS.ONLINE:
      if (m.phase === P.CONNECTING || m.phase === P.OFFLINE) fx.push({ type: EFFECTS.CONNECT });
      break;

    case INPUTS.SEND:
      // Queued (and kept) in every phase; sent only while LIVE (or RESYNC_WAIT).
      m.outbox = Outbox.add(m.outbox, input.item);
      outboxChanged();
      flush();
      break;

    case INPUTS.ACKED: {
      const { item, err, ack } = input;
      if (m.inflight === item.cid) m.inflight = null;
      const wait = retryAfterMs(err, ack);
      if (wait !== null) {
        // No ack (slow server or a drop), nothing was committed (server_error, e.g. the
        // database restarting), or too many too fast (rate_limited): keep it first in the
        // outbox and try again later with the same cid.
        m.outbox = Outbox.retryAt(m.outbox, item.cid, now + wait);
        outboxChanged();
        releaseDeferred();
        if (!gone) fx.push({ type: EFFECTS.TIMER, name: "flush", ms: wait });
        break;
      }
      const settled = m.outbox.find((i) => i.cid === item.cid) || item;
      m.outbox = Outbox.remove(m.outbox, item.cid);
      outboxChanged();
      releaseDeferred(); // the post leaves the outbox and enters the state in the same frame
      fx.push({ type: EFFECTS.ANSWER, item: settled, ack });
      if (!ack.ok && ack.error && ENDS_ACCESS.has(ack.error.code) && !gone) end({ showHeld: true });
      flush();
      break;
    }

    case INPUTS.FLUSH_DUE:
      flush();
      break;

    case INPUTS.DEFER_DUE:
      releaseDeferred();
      break;

    case INPUTS.CLOSE:
      if (m.phase === P.CLOSED) break;
      m.phase = P.CLOSED;
      for (const name of Object.keys(TIMERS)) fx.push({ type: EFFECTS.CANCEL, name });
      fx.push({ type: EFFECTS.DISCONNECT });
      break;

    default:
      break;
  }
  return { model: Object.freeze(m), effects: fx };
}
