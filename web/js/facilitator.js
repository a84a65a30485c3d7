// The facilitator console (/f#TOKEN): one breakout room, live.
import { connect } from "./connection.js";
import {
  takeToken, setLanguage, preferredLanguage, saveLanguage, currentLanguage, t, renderRoomPanel, renderPlan,
  tickTimers, timerAnnouncer, statusBadge, roomName, workshopPhaseName, phaseName, languagePicker, byId,
} from "./console-common.js";
import { el, rerender, announce, createToaster, pressGuard } from "./dom.js";
import { noteWorkshop, forgetToken, signOutButton } from "./device-links.js";

const LANG_KEY = "cg.console.lang";
const header = document.getElementById("header");
const main = document.getElementById("main");
const toast = createToaster(document.getElementById("toasts"), { dismiss: () => t("console.dialog.dismiss") });

const ui = { drafts: {}, selected: {}, view: null, helpAnswered: false };
// A tap on the tablet must not be lost to a redraw between press and release (dom.js).
const press = pressGuard(() => render());
const ctx = { conn: null, toast, ui, role: "facilitator", refresh: () => schedule() };
let state = null;
let status = "syncing";
let linkToken = null;
let live = null;
let seen = null; // ids of posts already announced
let seenObjections = null; // ids of merge objections already announced
let hadCall = false;
let frame = 0;

function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => { frame = 0; render(); });
}

function noteChanges(next) {
  const roomId = next.me.room_id;
  const ids = byId(next.barriers).filter((b) => b.room_id === roomId).map((b) => b.id);
  if (seen) {
    const fresh = ids.filter((id) => !seen.has(id) && !next.barriers[String(id)].shared);
    if (fresh.length === 1) announce(t("console.posts.newOne"));
    else if (fresh.length > 1) announce(t("console.posts.newMany", { count: fresh.length }));
  }
  seen = new Set(ids);
  // An author of a merged barrier objects (merge_object): a notice, never who.
  const objections = Object.values(next.objections || {}).filter((o) => o.status === "open").map((o) => o.id);
  if (seenObjections && objections.some((id) => !seenObjections.has(id))) {
    toast.show(t("console.objection.new"));
    announce(t("console.objection.new"));
  }
  seenObjections = new Set(objections);
  const call = (next.help || {})[String(roomId)];
  if (call) { hadCall = true; ui.helpAnswered = false; }
  else if (hadCall) {
    hadCall = false;
    if (ui.helpCancelledByMe) ui.helpCancelledByMe = false;
    else { ui.helpAnswered = true; announce(t("console.help.answered")); }
  }
}

function renderHeader() {
  const room = state ? state.rooms[String(state.me.room_id)] : null;
  rerender(header, [
    el("div", { class: "brand" },
      el("span", { class: "app-name" }, t("console.app")),
      el("span", { class: "role-name" }, t("console.facilitator.role"))),
    state ? el("div", { class: "header-title" },
      el("h1", {}, el("span", { dir: "auto" }, state.workshop.title), t("common.separator"), roomName(room)),
      el("span", { class: "hint" }, t("console.header.workshopPhase", { phase: workshopPhaseName(state.workshop.phase) }),
        room ? [t("common.separator"), t("console.header.roomPhase", { phase: phaseName(room.phase) })] : null)) : el("div", { class: "header-title" }),
    el("div", { class: "header-tools" },
      statusBadge(status),
      languagePicker("lang", currentLanguage(), async (l) => { saveLanguage(LANG_KEY, l); await setLanguage(l); render(); }),
      linkToken && status !== "signed_out" ? signOutButton("facilitator", linkToken, signOut) : null),
  ]);
}

/** "Sign out of this device": the link is forgotten here and the console closes (device-links.js). */
function signOut() {
  if (live) live.close();
  status = "signed_out";
  state = null;
  render();
}

function render() {
  if (press.held()) return;
  renderHeader();
  if (status === "signed_out") {
    rerender(main, el("div", { class: "card notice", role: "status" }, el("h2", {}, t("console.signOut.title")), el("p", {}, t("console.signOut.body"))));
    return;
  }
  if (status === "unauthorized") {
    rerender(main, el("div", { class: "card notice", role: "alert" }, el("h2", {}, t("console.unauthorized.title")), el("p", {}, t("console.unauthorized.body"))));
    return;
  }
  if (!state) return;
  const roomId = state.me.room_id;
  const planOpen = state.workshop.phase === "plenary" || state.workshop.phase === "action_plan" || state.workshop.phase === "closed";
  const view = planOpen ? (ui.view || (state.workshop.phase === "breakouts" ? "room" : "plan")) : "room";
  const tabs = planOpen ? el("nav", { class: "tabs", aria: { label: t("console.nav.label") } },
    [["room", t("console.nav.room")], ["plan", t("console.nav.plan", { count: Object.keys(state.plan).length })]].map(([key, label]) =>
      el("button", { type: "button", class: "tab", id: `tab-${key}`, aria: { pressed: String(view === key) },
        onclick: () => { ui.view = key; render(); } }, label))) : null;
  let body;
  if (view === "plan") {
    body = el("section", { class: "plan-section", aria: { labelledby: "plan-h" } },
      el("h2", { id: "plan-h" }, t("console.plan.title")),
      state.workshop.phase === "closed" ? el("p", { class: "hint" }, t("console.plan.closed")) : el("p", { class: "hint" }, t("console.plan.facilitatorExplain")),
      renderPlan(state, ctx));
  } else {
    body = renderRoomPanel(state, roomId, ctx);
  }
  rerender(main, [state.workshop.paused ? el("div", { class: "paused-banner", role: "status" },
    t("console.paused.banner"), state.workshop.pause_message ? [" — ", el("span", { dir: "auto" }, state.workshop.pause_message)] : null) : null, tabs, body]);
  tickTimers(ctx, main);
}

const announceTimer = timerAnnouncer(ctx);
setInterval(() => {
  if (!state) return;
  tickTimers(ctx, main);
  const room = state.rooms[String(state.me.room_id)];
  if (room) announceTimer(room.deadline, roomName(room));
}, 1000);

async function start() {
  await setLanguage(preferredLanguage(LANG_KEY));
  const token = takeToken("facilitator");
  if (!token) {
    status = "unauthorized";
    render();
    return;
  }
  linkToken = token;
  const conn = connect({
    token,
    onState(next) {
      if (next.me && next.me.role && next.me.role !== "facilitator") {
        status = "unauthorized";
      } else {
        noteWorkshop("facilitator", token, next.workshop);
      }
      noteChanges(next);
      state = next;
      schedule();
    },
    onStatus(s) {
      if (status === "signed_out") return;
      status = s;
      renderHeader();
      if (s === "unauthorized") { forgetToken("facilitator", token); render(); }
      else schedule(); // a phase tap waiting offline says it is queued
    },
    onOutbox() { schedule(); },
    onEvent() { /* state arrives through onState */ },
  });
  live = conn;
  // Cancelling one's own help call is not "answered".
  ctx.conn = {
    send(command, payload) {
      if (command === "help_clear") ui.helpCancelledByMe = true;
      return conn.send(command, payload);
    },
    serverNow: () => (conn.serverNow ? conn.serverNow() : Date.now()),
    outbox: () => conn.outbox(),
    status: () => conn.status(),
  };
}

start();
