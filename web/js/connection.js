// The live connection every page uses (docs/protocol.md §2–§6).
//
//   const conn = connect({ token, onState, onStatus, onEvent, onOutbox, onAck });
//   conn.send("barrier_post", { text }) -> Promise<ack>
//   conn.getState(), conn.serverNow(), conn.outbox(), conn.resync(), conn.close()
//
// - After every connect: `sync {since}`; a snapshot replaces the state, events are
//   folded in with applyEvent (web/js/state.js). Live events that arrive while a sync
//   is in flight are held back and applied after it, so nothing is skipped.
// - Commands go through an OUTBOX kept in localStorage (keyed by a hash of the token,
//   never the token itself), each with its own `cid`. Items are sent one at a time, in
//   order, only while connected and synced; an item leaves the outbox when its ack
//   arrives (ok or refused), except a refusal the server asks us to retry: `rate_limited`
//   stays first in the outbox and is resent after `details.retry_after` seconds, and
//   `server_error` shortly (retryAfterMs). After a drop or a reload they are resent with the same cid,
//   and the server answers a repeat with the first result, so nothing is applied twice.
//   Live events that arrive while a command awaits its ack reach onState together with
//   the ack's onOutbox, so a new post is never shown both posted and "waiting to send".
// - Status: "syncing" | "online" | "offline" | "unauthorized". A server-side disconnect
//   (a removed participant, a revoked facilitator link: `access_ended` came just before)
//   is final too: "unauthorized", no reconnect.

import { io } from "../vendor/socket.io.esm.min.js";
import { applyEvent } from "./state.js";

const ACK_TIMEOUT_MS = 15000;
const SYNC_TIMEOUT_MS = 20000;
const RETRY_FLUSH_MS = 3000;
const DEFER_MAX_MS = 1000;
const RATE_LIMIT_MAX_WAIT_MS = 120000;
// With several server processes an event can arrive a little after a newer one (it
// travelled through Redis). A client cut off in between would never see it live, so
// a resume asks again from the last seq that had settled LATE_WINDOW_MS before the
// connection dropped; what it already applied is skipped, a late one forces a snapshot.
const LATE_WINDOW_MS = 10000;
const MARKS_KEPT = 256;
// Refusals that end this token's access for good (docs/protocol.md §3): no retry, the page says so.
// `expired`: the workshop is older than TOKEN_TTL_DAYS (docs/security.md, "Data protection").
const ENDS_ACCESS = new Set(["unauthorized", "expired"]);

// ------------------------------------------------------------------ helpers

/** SHA-256 of a string as hex (synchronous, so it works on plain-http venue laptops
 *  where crypto.subtle does not exist). */
export function sha256Hex(str) {
  const bytes = new TextEncoder().encode(str);
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const bitLen = bytes.length * 8;
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLen / 0x100000000));
  view.setUint32(padded.length - 4, bitLen >>> 0);
  const W = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
      const s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i] + W[i]) >>> 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) >>> 0;
      h = g; g = f; f = e; e = (d + t1) >>> 0;
      d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
  }
  return Array.from(H, (x) => x.toString(16).padStart(8, "0")).join("");
}

/** A UUID v4; crypto.randomUUID exists only on https/localhost, getRandomValues everywhere. */
export function newCid() {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") {
    try { return crypto.randomUUID(); } catch (_) { /* insecure context */ }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Storage key of a token's outbox: a short hash, never the token itself. */
export function outboxKey(token) {
  return `cg.outbox.${sha256Hex(String(token)).slice(0, 16)}`;
}

function loadOutbox(storageKey) {
  try {
    const raw = localStorage.getItem(storageKey);
    const items = raw ? JSON.parse(raw) : [];
    return Array.isArray(items) ? items.filter((i) => i && i.cid && i.command) : [];
  } catch (_) {
    return [];
  }
}

function saveOutbox(storageKey, items) {
  try {
    if (items.length) localStorage.setItem(storageKey, JSON.stringify(items));
    else localStorage.removeItem(storageKey);
  } catch (_) { /* storage full or blocked: the in-memory outbox still works */ }
}

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

/** How long to wait before resending an outbox item with the same cid, or null when its
 *  answer is final (ok, or a refusal that will not change). `err` is socket.io's ack
 *  timeout error, `ack` the server's answer. */
export function retryAfterMs(err, ack) {
  if (err || !ack) return RETRY_FLUSH_MS; // no answer: a slow server or a drop
  if (ack.ok || !ack.error) return null;
  if (ack.error.code === "server_error") return RETRY_FLUSH_MS; // nothing was committed
  if (ack.error.code === "rate_limited") {
    const secs = Number(ack.error.details && ack.error.details.retry_after);
    if (!Number.isFinite(secs) || secs <= 0) return RETRY_FLUSH_MS;
    return Math.min(Math.max(secs * 1000, 1000), RATE_LIMIT_MAX_WAIT_MS);
  }
  return null;
}

function call(fn, ...args) {
  if (typeof fn !== "function") return;
  try { fn(...args); } catch (err) { console.error(err); }
}

// ------------------------------------------------------------------ connect

export function connect({ token, onState, onStatus, onEvent, onOutbox, onAck } = {}) {
  const storageKey = outboxKey(token);
  let outbox = loadOutbox(storageKey);
  const waiting = new Map(); // cid -> resolve, for sends made by this page load
  let state = null;
  let offsetMs = 0;
  let status = null;
  let synced = false; // a sync answered since the last connect
  let syncInFlight = false;
  let syncAgain = false;
  let held = []; // live events received while a sync is in flight
  let flushing = false;
  let flushTimer = null;
  let closed = false;
  let needSnapshot = false; // an event could not be applied: start again from a snapshot
  let seen = new Set(); // seqs applied since the last snapshot (to tell a late event from a repeat)
  let baseSeq = 0; // the last snapshot's seq
  let marks = []; // [atMs, seq] each time state.seq moved on (see resumeFrom)
  let lostAt = null; // when the connection last dropped (null: not since the last sync)
  const mark = () => {
    marks.push([Date.now(), state.seq]);
    if (marks.length > MARKS_KEPT) marks = marks.slice(-MARKS_KEPT);
  };

  const setStatus = (s) => {
    if (s === status) return;
    status = s;
    call(onStatus, s);
  };
  const outboxChanged = () => {
    saveOutbox(storageKey, outbox);
    call(onOutbox, outbox.map((i) => ({ ...i })));
  };

  const socket = io({ auth: { token }, transports: ["websocket", "polling"], autoConnect: false });

  function publish() {
    deferred = false;
    clearTimeout(deferTimer);
    deferTimer = null;
    call(onState, state);
  }

  // The server sends a command's own events just before its ack. Shown on their own, the
  // new post would be on screen twice until the ack: once from the state, once still
  // "waiting to send" in the outbox. So live events that arrive while one of our commands
  // awaits its ack are published together with the ack (at most DEFER_MAX_MS later).
  let deferred = false;
  let deferTimer = null;
  function publishLive() {
    if (!flushing) { publish(); return; }
    deferred = true;
    if (!deferTimer) deferTimer = setTimeout(() => { if (deferred) publish(); }, DEFER_MAX_MS);
  }
  function releaseDeferred() {
    if (deferred) publish();
  }

  function applyLive(ev) {
    if (!state) return false;
    if (ev.seq <= state.seq && ev.seq > baseSeq && !seen.has(ev.seq)) {
      // A gap: an event older than what we applied, never seen, arrived late (another
      // server process delivered it after a newer one). Start again from a snapshot.
      needSnapshot = true;
      return false;
    }
    let next;
    try {
      next = applyEvent(state, ev);
    } catch (err) {
      // An event this client does not understand: start again from a snapshot.
      console.error("could not apply event", ev && ev.type, err);
      needSnapshot = true;
      return false;
    }
    if (next === state) return false;
    state = next;
    seen.add(ev.seq);
    mark();
    call(onEvent, ev, state);
    if (ev.type === "room_changed") syncAgain = true;
    return true;
  }

  function sync() {
    if (closed || !socket.connected) return;
    if (syncInFlight) { syncAgain = true; return; }
    syncInFlight = true;
    syncAgain = false;
    setStatus("syncing");
    // After a drop, ask again from what had settled before it (late events, see LATE_WINDOW_MS).
    const since = state && !needSnapshot ? (lostAt === null ? state.seq : resumeFrom(marks, baseSeq, lostAt)) : null;
    const t0 = Date.now();
    socket.timeout(SYNC_TIMEOUT_MS).emit("sync", { since }, (err, ack) => {
      syncInFlight = false;
      if (closed) return;
      if (err || !ack) {
        // No answer: try again while still connected.
        if (socket.connected) setTimeout(sync, 1000);
        return;
      }
      if (!ack.ok) {
        const code = ack.error && ack.error.code;
        if (ENDS_ACCESS.has(code)) { setStatus("unauthorized"); socket.disconnect(); return; }
        console.error("sync refused", ack.error);
        if (socket.connected) setTimeout(sync, RETRY_FLUSH_MS);
        return;
      }
      const t1 = Date.now();
      const serverMs = Date.parse(ack.server_time);
      if (!Number.isNaN(serverMs)) offsetMs = serverMs - (t0 + t1) / 2;
      if (ack.mode === "snapshot") {
        state = ack.state;
        needSnapshot = false;
        seen = new Set();
        baseSeq = state.seq;
        marks = [];
        mark();
      } else if (state) {
        for (const ev of ack.events || []) applyLive(ev);
        if (typeof ack.seq === "number" && !needSnapshot && ack.seq > state.seq) {
          state = { ...state, seq: ack.seq };
          mark();
        }
      }
      lostAt = null;
      const pending = held;
      held = [];
      for (const ev of pending) applyLive(ev);
      synced = true;
      publish();
      if (syncAgain || needSnapshot) { sync(); return; }
      setStatus("online");
      flush();
    });
  }

  function flush() {
    if (flushing || closed || !socket.connected || !synced || syncInFlight) return;
    const item = outbox[0];
    if (!item) return;
    const wait = item.retry_at ? Date.parse(item.retry_at) - Date.now() : 0;
    if (wait > 0) { // told to wait (rate_limited): the timer set then will flush
      clearTimeout(flushTimer);
      flushTimer = setTimeout(flush, Math.min(wait, RATE_LIMIT_MAX_WAIT_MS));
      return;
    }
    flushing = true;
    const payload = { ...item.payload, cid: item.cid };
    socket.timeout(ACK_TIMEOUT_MS).emit(item.command, payload, (err, ack) => {
      flushing = false;
      const wait = retryAfterMs(err, ack);
      if (wait !== null) {
        // No ack (slow server or a drop), nothing was committed (server_error, e.g. the
        // database restarting), or too many too fast (rate_limited): keep it first in the
        // outbox and try again later with the same cid.
        item.retry_at = new Date(Date.now() + wait).toISOString();
        outboxChanged();
        releaseDeferred();
        clearTimeout(flushTimer);
        flushTimer = setTimeout(flush, wait);
        return;
      }
      const idx = outbox.findIndex((i) => i.cid === item.cid);
      if (idx >= 0) outbox.splice(idx, 1);
      outboxChanged();
      releaseDeferred(); // the post leaves the outbox and enters the state in the same frame
      const resolve = waiting.get(item.cid);
      waiting.delete(item.cid);
      if (resolve) resolve(ack);
      call(onAck, { ...item }, ack);
      if (ack && !ack.ok && ack.error && ENDS_ACCESS.has(ack.error.code)) setStatus("unauthorized");
      flush();
    });
  }

  socket.on("connect", () => {
    synced = false;
    held = [];
    sync();
  });
  socket.on("disconnect", (reason) => {
    if (lostAt === null) lostAt = Date.now();
    synced = false;
    syncInFlight = false;
    flushing = false;
    releaseDeferred();
    // The server cut us (removed, or the link revoked): socket.io does not reconnect.
    if (reason === "io server disconnect") setStatus("unauthorized");
    if (status !== "unauthorized") setStatus("offline");
  });
  socket.on("connect_error", (err) => {
    // The server refused the token (protocol §2: data.code "unauthorized"). socket.io
    // marks a refusal by the server (as opposed to a network failure) with
    // socket.active === false and does not retry it.
    const code = err && err.data && err.data.code;
    if (ENDS_ACCESS.has(code) || (!socket.active && /unauthori[sz]ed/i.test(String(err && err.message)))) {
      setStatus("unauthorized");
      return; // the server refused this token: socket.io does not retry, and neither do we
    }
    setStatus("offline");
  });
  // The server says events may have been lost on their way (docs/protocol.md §6): the
  // lost ones may be older than newer ones we applied, so start again from a snapshot.
  socket.on("resync", () => { needSnapshot = true; sync(); });
  socket.on("event", (ev) => {
    if (!ev || typeof ev.seq !== "number") return;
    if (syncInFlight || !synced || !state) { held.push(ev); return; }
    if (applyLive(ev)) publishLive();
    if (syncAgain || needSnapshot) sync();
  });

  // A tab that was hidden may have missed packets on a half-dead connection: catch up.
  const onVisible = () => {
    if (document.visibilityState === "visible" && socket.connected && synced) sync();
  };
  const onOnline = () => { if (!socket.connected && !closed && status !== "unauthorized") socket.connect(); };
  if (typeof document !== "undefined") document.addEventListener("visibilitychange", onVisible);
  if (typeof window !== "undefined") window.addEventListener("online", onOnline);

  setStatus("syncing");
  if (outbox.length) outboxChanged();
  socket.connect();

  return {
    /** Queue a command; resolves with its ack (ok or refused) once the server answers. */
    send(command, payload = {}) {
      const item = { cid: newCid(), command, payload: { ...payload }, queued_at: new Date().toISOString() };
      delete item.payload.cid;
      const p = new Promise((resolve) => waiting.set(item.cid, resolve));
      outbox.push(item);
      outboxChanged();
      flush();
      return p;
    },
    getState: () => state,
    /** Milliseconds since the epoch on the server's clock. */
    serverNow: () => Date.now() + offsetMs,
    /** Commands not yet acknowledged, oldest first (copies). */
    outbox: () => outbox.map((i) => ({ ...i })),
    status: () => status,
    resync: () => sync(),
    close() {
      closed = true;
      clearTimeout(flushTimer);
      if (typeof document !== "undefined") document.removeEventListener("visibilitychange", onVisible);
      if (typeof window !== "undefined") window.removeEventListener("online", onOnline);
      socket.disconnect();
    },
  };
}
