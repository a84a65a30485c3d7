// The outbox: the commands this screen has not yet had answered, oldest first
// (docs/architecture.md, "The phone's connection"; docs/protocol.md §3).
//
// Each command gets its own `cid` when it is queued and keeps it: after a drop or a
// reload it is sent again with the same cid, and the server answers a repeat with the
// first result, so nothing is applied twice. An item leaves the outbox when its answer
// is final (ok, or a refusal that will not change); `retryAfterMs` says which answers
// keep it first in the outbox, and for how long.
//
// The list is a value: every change below returns a new array and leaves the old one as
// it was (web/js/connection-machine.js keeps it in its model). `outboxStore` keeps it in
// localStorage under a hash of the token, never the token itself.

export const RETRY_MS = 3000; // no answer, or nothing was committed (server_error)
export const RATE_LIMIT_MAX_WAIT_MS = 120000;

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

/** How long to wait before resending an outbox item with the same cid, or null when its
 *  answer is final (ok, or a refusal that will not change). `err` is socket.io's ack
 *  timeout error, `ack` the server's answer. */
export function retryAfterMs(err, ack) {
  if (err || !ack) return RETRY_MS; // no answer: a slow server or a drop
  if (ack.ok || !ack.error) return null;
  if (ack.error.code === "server_error") return RETRY_MS; // nothing was committed
  if (ack.error.code === "rate_limited") {
    const secs = Number(ack.error.details && ack.error.details.retry_after);
    if (!Number.isFinite(secs) || secs <= 0) return RETRY_MS;
    return Math.min(Math.max(secs * 1000, 1000), RATE_LIMIT_MAX_WAIT_MS);
  }
  return null;
}

/** A new item: a fresh cid, the payload as given without any `cid` of its own, the time it was queued. */
export function newItem(command, payload = {}, cid = newCid(), at = new Date()) {
  const item = { cid, command, payload: { ...payload }, queued_at: at.toISOString() };
  delete item.payload.cid;
  return item;
}

/** The outbox's operations; each takes the list and returns a new one (or an answer about it). */
export const Outbox = Object.freeze({
  /** The list with `item` queued last. */
  add: (items, item) => [...items, item],
  /** What to do next at `now` (ms): null when empty; else the first item and how long it
   *  must still wait (0: send it now; more: a rate limit or a retry told it to wait). */
  next(items, now) {
    const item = items[0];
    if (!item) return null;
    const wait = item.retry_at ? Date.parse(item.retry_at) - now : 0;
    return { item, wait: wait > 0 ? wait : 0 };
  },
  /** The list with item `cid` told to wait until `at` (ms): it stays where it is, first. */
  retryAt: (items, cid, at) => items.map((i) => (i.cid === cid ? { ...i, retry_at: new Date(at).toISOString() } : i)),
  /** The list without item `cid` (its answer was final). */
  remove: (items, cid) => items.filter((i) => i.cid !== cid),
  /** Copies of the items, for the page (which may keep them). */
  copies: (items) => items.map((i) => ({ ...i })),
});

/** A token's outbox in localStorage (or in `storage`). Storage that is full, blocked or
 *  missing is no error: the list in memory still works, it just does not survive a reload. */
export function outboxStore(token, storage = null) {
  const key = outboxKey(token);
  const area = () => storage || globalThis.localStorage;
  return Object.freeze({
    key,
    /** The stored items; anything that is not an item ({cid, command, …}) is left out. */
    load() {
      try {
        const raw = area().getItem(key);
        const items = raw ? JSON.parse(raw) : [];
        return Array.isArray(items) ? items.filter((i) => i && i.cid && i.command) : [];
      } catch (_) {
        return [];
      }
    },
    /** Keep `items`; an empty outbox leaves no key behind. */
    save(items) {
      try {
        if (items.length) area().setItem(key, JSON.stringify(items));
        else area().removeItem(key);
      } catch (_) { /* storage full or blocked: the in-memory outbox still works */ }
    },
  });
}
