// The live connection every page uses (docs/protocol.md §2–§6).
//
//   const conn = connect({ token, onState, onStatus, onEvent, onOutbox, onAck });
//   conn.send("barrier_post", { text }) -> Promise<ack>
//   conn.getState(), conn.serverNow(), conn.outbox(), conn.resync(), conn.close()
//
// What the connection does is a state machine, web/js/connection-machine.js (its phases
// and transitions are tabled in docs/architecture.md, "The phone's connection"); this file
// feeds it what happens (the socket, the page, the timers) and does what it answers.
//
// - After every connect: `sync {since}`; a snapshot replaces the state, events are
//   folded in with applyEvent (web/js/state.js). Live events that arrive while a sync
//   is in flight are held back and applied after it, so nothing is skipped.
// - Commands go through an OUTBOX kept in localStorage (web/js/outbox.js: keyed by a hash
//   of the token, never the token itself), each with its own `cid`. Items are sent one at
//   a time, in order, only while connected and synced; an item leaves the outbox when its
//   ack arrives (ok or refused), except a refusal the server asks us to retry: `rate_limited`
//   stays first in the outbox and is resent after `details.retry_after` seconds, and
//   `server_error` shortly (retryAfterMs). After a drop or a reload they are resent with the same cid,
//   and the server answers a repeat with the first result, so nothing is applied twice.
//   Live events that arrive while a command awaits its ack reach onState together with
//   the ack's onOutbox, so a new post is never shown both posted and "waiting to send".
// - Status: "syncing" | "online" | "offline" | "unauthorized". A server-side disconnect
//   (a removed participant, a revoked facilitator link: `access_ended` came just before)
//   is final too: "unauthorized", no reconnect.

import { io } from "../vendor/socket.io.esm.min.js";
import { EFFECTS, INPUTS, TIMERS, initialModel, transition } from "./connection-machine.js";
import { Outbox, newItem, outboxStore } from "./outbox.js";

export { resumeFrom } from "./connection-machine.js";
export { newCid, outboxKey, retryAfterMs, sha256Hex } from "./outbox.js";

const ACK_TIMEOUT_MS = 15000;
const SYNC_TIMEOUT_MS = 20000;

function call(fn, ...args) {
  if (typeof fn !== "function") return;
  try { fn(...args); } catch (err) { console.error(err); }
}

// ------------------------------------------------------------------ connect

export function connect({ token, onState, onStatus, onEvent, onOutbox, onAck } = {}) {
  const store = outboxStore(token);
  const waiting = new Map(); // cid -> resolve, for sends made by this page load
  const timers = new Map(); // name -> timeout id (TIMERS)
  const socket = io({ auth: { token }, transports: ["websocket", "polling"], autoConnect: false });
  let model = initialModel(store.load());

  // Inputs are taken one at a time, each with its effects done before the next (one that
  // comes while effects are being done, e.g. the socket's disconnect, waits its turn).
  const queue = [];
  let running = false;
  function dispatch(input) {
    queue.push({ ...input, now: Date.now() });
    if (running) return;
    running = true;
    try {
      while (queue.length) {
        const step = transition(model, queue.shift());
        model = step.model;
        for (const effect of step.effects) perform(effect);
      }
    } finally {
      running = false;
    }
  }

  function perform(effect) {
    switch (effect.type) {
      case EFFECTS.STATUS: call(onStatus, effect.status); break;
      case EFFECTS.STATE: call(onState, effect.state); break;
      case EFFECTS.APPLIED: call(onEvent, effect.ev, effect.state); break;
      case EFFECTS.OUTBOX:
        store.save(effect.items);
        call(onOutbox, Outbox.copies(effect.items));
        break;
      case EFFECTS.ANSWER: {
        const resolve = waiting.get(effect.item.cid);
        waiting.delete(effect.item.cid);
        if (resolve) resolve(effect.ack);
        call(onAck, { ...effect.item }, effect.ack);
        break;
      }
      case EFFECTS.ASK_SYNC: {
        const sentAt = Date.now();
        socket.timeout(SYNC_TIMEOUT_MS).emit("sync", { since: effect.since },
          (err, ack) => dispatch({ type: INPUTS.SYNC_ANSWERED, err, ack, sentAt }));
        break;
      }
      case EFFECTS.SEND_COMMAND: {
        const { item } = effect;
        socket.timeout(ACK_TIMEOUT_MS).emit(item.command, { ...item.payload, cid: item.cid },
          (err, ack) => dispatch({ type: INPUTS.ACKED, item, err, ack }));
        break;
      }
      case EFFECTS.TIMER:
        clearTimeout(timers.get(effect.name));
        timers.set(effect.name, setTimeout(() => {
          timers.delete(effect.name);
          dispatch({ type: TIMERS[effect.name] });
        }, effect.ms));
        break;
      case EFFECTS.CANCEL:
        clearTimeout(timers.get(effect.name));
        timers.delete(effect.name);
        break;
      case EFFECTS.CONNECT: socket.connect(); break;
      case EFFECTS.DISCONNECT: socket.disconnect(); break;
      case EFFECTS.LOG: console.error(...effect.args); break;
      default: break;
    }
  }

  socket.on("connect", () => dispatch({ type: INPUTS.CONNECTED }));
  socket.on("disconnect", (reason) => dispatch({ type: INPUTS.DISCONNECTED, reason }));
  // socket.active is false when the server refused the connect (not a network failure).
  socket.on("connect_error", (err) => dispatch({
    type: INPUTS.CONNECT_FAILED,
    code: err && err.data && err.data.code,
    message: String(err && err.message),
    retrying: socket.active,
  }));
  socket.on("resync", () => dispatch({ type: INPUTS.SERVER_RESYNC }));
  socket.on("event", (ev) => dispatch({ type: INPUTS.EVENT, ev }));
  // Several events of one publish for this screen come as one message, in sequence order (docs/protocol.md).
  socket.on("events", (evs) => { for (const ev of evs) dispatch({ type: INPUTS.EVENT, ev }); });

  const onVisible = () => {
    if (document.visibilityState === "visible") dispatch({ type: INPUTS.VISIBLE });
  };
  const onOnline = () => dispatch({ type: INPUTS.ONLINE });
  if (typeof document !== "undefined") document.addEventListener("visibilitychange", onVisible);
  if (typeof window !== "undefined") window.addEventListener("online", onOnline);

  dispatch({ type: INPUTS.START });

  return {
    /** Queue a command; resolves with its ack (ok or refused) once the server answers. */
    send(command, payload = {}) {
      const item = newItem(command, payload);
      const p = new Promise((resolve) => waiting.set(item.cid, resolve));
      dispatch({ type: INPUTS.SEND, item });
      return p;
    },
    getState: () => model.state,
    /** Milliseconds since the epoch on the server's clock. */
    serverNow: () => Date.now() + model.offsetMs,
    /** Commands not yet acknowledged, oldest first (copies). */
    outbox: () => Outbox.copies(model.outbox),
    status: () => model.status,
    resync: () => dispatch({ type: INPUTS.RESYNC }),
    close() {
      if (typeof document !== "undefined") document.removeEventListener("visibilitychange", onVisible);
      if (typeof window !== "undefined") window.removeEventListener("online", onOnline);
      dispatch({ type: INPUTS.CLOSE });
    },
  };
}
