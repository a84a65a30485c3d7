// The skeleton every page stands on: the phone (participant.js), the organiser and facilitator
// consoles, the projector (display.js), the council and the progress pages.
//
//   const page = createPage({ draw, changed, statusChanged, tick });
//   page.connect({ token, role, onlyRole, remember, … })   // the live pages (web/js/connection.js)
//   page.setState(answer)                                  // progress.js: a fetched answer instead
//
// It holds:
// * the state and the status: page.state is what the page shows (the viewer's state from
//   connection.js), page.status "syncing", "online", "offline", "unauthorized", "signed_out",
//   or a page's own (progress.js: "loading", "failed");
// * the drawing: page.schedule() draws once at the next animation frame however often it is
//   called, page.render() draws now; `draw(page)` is the page's own drawing. Both wait for the
//   finger: while a press is down nothing is redrawn (dom.js pressGuard), so a tap is never lost
//   to a redraw that replaced its button, and the held redraw runs right after the click;
// * the change notes: `changed(prev, next)` runs for each new state before it is drawn (what
//   is announced or shown as a toast, trackers fed), `statusChanged(status)` for each status (a
//   badge drawn at once); a refused link ("unauthorized") is drawn at once, anything else at the
//   next frame, and nothing changes a page signed out on this device;
// * the clock: `tick(state)` once a second while there is a state (countdowns, "one minute left").

import { connect } from "./connection.js";
import { pressGuard } from "./dom.js";
import { noteWorkshop, forgetToken } from "./device-links.js";
import { knowSectors } from "./sector-names.js";

export function createPage({ draw, changed = () => {}, statusChanged = () => {}, tick = null, guardPresses = true,
  status = "syncing" }) {
  let frame = 0;
  const press = guardPresses ? pressGuard(() => render()) : null;

  const page = {
    state: null,
    status,
    conn: null,   // connection.js's connection, once connected
    token: null,
    outbox: [],   // commands not acknowledged yet (with trackOutbox)
    render,
    schedule,
    setState,
    setStatus,
    connect: open,
    signOut,
  };

  function render() {
    if (press && press.held()) return;
    draw(page);
  }

  function schedule() {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; render(); });
  }

  function setState(next) {
    const prev = page.state;
    page.state = next;
    if (next && typeof next === "object") knowSectors(next.sectors);
    changed(prev, next);
    schedule();
  }

  function setStatus(next) {
    if (page.status === "signed_out") return;
    page.status = next;
    statusChanged(next);
    if (next === "unauthorized") render();
    else schedule();
  }

  /**
   * Connect with `token` (none: the page says its link is missing or refused). `role`: the
   * device-links.js role the token is kept under; `remember`: note the workshop it opens and
   * forget a refused token there; `onlyRole`: a state for another role is refused. The page
   * redraws when its outbox changes with `trackOutbox` (page.outbox then holds it), and gets
   * connection.js's onEvent and onAck as given.
   */
  function open({ token, role = null, onlyRole = null, remember = false, trackOutbox = false, onEvent, onAck } = {}) {
    page.token = token || null;
    if (!token) {
      page.status = "unauthorized";
      render();
      return null;
    }
    page.conn = connect({
      token,
      onState(next) {
        if (onlyRole && next.me && next.me.role && next.me.role !== onlyRole) page.status = "unauthorized";
        else if (remember) noteWorkshop(role, token, next.workshop);
        setState(next);
      },
      onStatus(next) {
        if (next === "unauthorized" && remember && page.status !== "signed_out") forgetToken(role, token);
        setStatus(next);
      },
      onOutbox: trackOutbox ? (items) => { page.outbox = items; schedule(); } : undefined,
      onEvent,
      onAck,
    });
    page.outbox = page.conn.outbox();
    return page.conn;
  }

  /** "Sign out of this device" (device-links.js signOutButton): the connection closes and the page says so. */
  function signOut() {
    if (page.conn) page.conn.close();
    page.status = "signed_out";
    page.state = null;
    render();
  }

  if (tick) setInterval(() => { if (page.state) tick(page.state); }, 1000);
  return page;
}
