// The facilitator console (/f#TOKEN): one breakout room, live.
import {
  takeToken, setLanguage, preferredLanguage, t, renderRoomPanel, renderPlan, tickTimers, timerAnnouncer, statusBadge,
  roomName, workshopPhaseName, phaseName, byId, renderHeader, pageLanguagePicker, accessNotice,
} from "./console-common.js";
import { el, rerender, announce, createToaster } from "./dom.js";
import { createPage } from "./page.js";
import { signOutButton } from "./device-links.js";
import { namedSegment } from "./room-agenda.js";

const LANG_KEY = "cg.console.lang";
const header = document.getElementById("header");
const main = document.getElementById("main");
const toast = createToaster(document.getElementById("toasts"), { dismiss: () => t("console.dialog.dismiss") });

const ui = { drafts: {}, selected: {}, view: null, helpAnswered: false };
// The page (web/js/page.js): state and status, redraws that wait for the finger, change notes, the clock.
const page = createPage({ draw, changed: noteChanges, statusChanged: drawHeader, tick });
const ctx = { conn: null, toast, ui, role: "facilitator", refresh: () => page.schedule() };
let seen = null; // ids of posts already announced
let seenObjections = null; // ids of merge objections already announced
let hadCall = false;

function noteChanges(prev, next) {
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

function drawHeader() {
  const { state, status, token } = page;
  const room = state ? state.rooms[String(state.me.room_id)] : null;
  renderHeader(header, {
    role: t("console.facilitator.role"),
    title: state ? [
      el("h1", {}, el("span", { dir: "auto" }, state.workshop.title), t("common.separator"), roomName(room)),
      el("span", { class: "hint" }, t("console.header.workshopPhase", { phase: namedSegment(state)
        ? t(`room.agenda.segment.${namedSegment(state)}`) : workshopPhaseName(state.workshop.phase) }),
        room ? [t("common.separator"), t("console.header.roomPhase", { phase: phaseName(room.phase) })] : null)] : null,
    tools: [statusBadge(status), pageLanguagePicker(LANG_KEY, page.render),
      token && status !== "signed_out" ? signOutButton("facilitator", token, page.signOut) : null],
  });
}

function draw() {
  drawHeader();
  const notice = accessNotice(page.status);
  if (notice) { rerender(main, notice); return; }
  const { state } = page;
  if (!state) return;
  const roomId = state.me.room_id;
  const planOpen = state.workshop.phase === "plenary" || state.workshop.phase === "action_plan" || state.workshop.phase === "closed";
  const view = planOpen ? (ui.view || (state.workshop.phase === "breakouts" ? "room" : "plan")) : "room";
  const tabs = planOpen ? el("nav", { class: "tabs", aria: { label: t("console.nav.label") } },
    [["room", t("console.nav.room")], ["plan", t("console.nav.plan", { count: Object.keys(state.plan).length })]].map(([key, label]) =>
      el("button", { type: "button", class: "tab", id: `tab-${key}`, aria: { pressed: String(view === key) },
        onclick: () => { ui.view = key; page.render(); } }, label))) : null;
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

function tick(state) {
  tickTimers(ctx, main);
  const room = state.rooms[String(state.me.room_id)];
  if (room) announceTimer(room.deadline, roomName(room));
}

async function start() {
  await setLanguage(preferredLanguage(LANG_KEY));
  // A status redraws the page: a phase tap waiting offline says it is queued.
  const conn = page.connect({ token: takeToken("facilitator"), role: "facilitator", onlyRole: "facilitator", remember: true,
    trackOutbox: true });
  if (!conn) return;
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
