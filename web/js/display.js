// The projector (/d#TOKEN): nobody touches it. Fits 1920x1080 without scrolling, follows
// workshop.display_language live, recovers from drops by itself (connection.js resyncs).
import { connect } from "./connection.js";
import {
  takeToken, setLanguage, currentLanguage, t, el, userText, tickTimers, timerAnnouncer, announce,
  roomName, groupCounts, phaseName, workshopPhaseName, groupName, statusName, byId, fmtNumber, barFill,
  GROUPS, ROOM_PHASES, CO_LEAD_FIELDS, councilRoleName, isCoChair,
} from "./console-common.js";
import { agreementTracker, agreementLine, agreementLegend } from "./agreement.js";
import { noteWorkshop, forgetToken } from "./device-links.js";

const screen = document.getElementById("screen");
const connBadge = document.getElementById("conn");
const pausedBox = document.getElementById("paused");

const ctx = { conn: null, agreement: null };
let state = null;
let status = "syncing";
let frame = 0;
let languageLoading = null;
let lastPhase = null;

function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => { frame = 0; render(); });
}

async function followLanguage() {
  const wanted = state.workshop.display_language || (state.workshop.languages || ["en"])[0];
  if (wanted === currentLanguage() || languageLoading === wanted) return;
  languageLoading = wanted;
  await setLanguage(wanted);
  languageLoading = null;
  schedule();
}

// ------------------------------------------------------------ breakouts

// The join link as phones reach it: the server's public address (GET /api/workshops/<code> join_url),
// which the QR code carries too; this page's own address may be 127.0.0.1 on the laptop.
const joinUrls = new Map(); // join code -> url, or null while asked

function joinUrl(code) {
  if (!joinUrls.has(code)) {
    joinUrls.set(code, null);
    fetch(`/api/workshops/${encodeURIComponent(code)}`).then((r) => r.json()).then((body) => {
      if (body && body.ok && body.join_url) { joinUrls.set(code, body.join_url); schedule(); }
    }).catch(() => joinUrls.delete(code));
  }
  return joinUrls.get(code) || `${location.origin}/j/${code}`;
}

function joinPanel() {
  const code = state.workshop.join_code;
  const url = joinUrl(code);
  return el("section", { class: "join", aria: { labelledby: "join-h" } },
    el("h2", { id: "join-h", class: "join-title" }, t("display.join.title")),
    el("img", { class: "qr", src: `/qr/${encodeURIComponent(code)}.svg`, alt: t("display.join.qrAlt"), width: 480, height: 480 }),
    el("p", { class: "join-url" }, url),
    el("p", { class: "join-code-label" }, t("display.join.orCode")),
    el("p", { class: "join-code", aria: { label: code.split("").join(" ") } }, code));
}

function peoplePanel() {
  const people = byId(state.participants);
  const counts = groupCounts(people);
  return el("section", { class: "people", aria: { labelledby: "people-h" } },
    el("h2", { id: "people-h" }, t("display.people.title", { count: people.length })),
    el("ul", { class: "group-tiles" }, GROUPS.map((g) => el("li", { class: `tile tile-${g}` },
      el("span", { class: "tile-n" }, fmtNumber(counts[g] || 0)),
      el("span", { class: "tile-label" }, groupName(g))))));
}

function roomsPanel() {
  const rooms = byId(state.rooms).sort((a, b) => a.number - b.number);
  const stats = state.stats || {};
  const size = rooms.length > 12 ? "rooms-tiny" : rooms.length > 6 ? "rooms-many" : "rooms-few";
  return el("section", { class: "rooms", aria: { labelledby: "rooms-h" } },
    el("h2", { id: "rooms-h" }, t("display.rooms.title")),
    el("ul", { class: ["room-grid", size] }, rooms.map((room) => {
      const s = stats[String(room.id)] || { barriers: 0, solutions: 0, votes: 0 };
      const n = byId(state.participants).filter((p) => p.room_id === room.id).length;
      const k = ROOM_PHASES.indexOf(room.phase);
      return el("li", { class: "room" },
        el("div", { class: "room-head" },
          el("span", { class: "room-name" }, roomName(room)),
          room.deadline ? el("span", { class: "room-timer", dataset: { deadline: room.deadline } }) : null),
        el("div", { class: "room-phase" }, phaseName(room.phase)),
        el("ol", { class: "progress", aria: { label: t("display.rooms.progress", { step: k + 1, total: ROOM_PHASES.length }) } },
          ROOM_PHASES.map((p, i) => el("li", { class: [i < k && "done", i === k && "current"] }))),
        el("div", { class: "room-stats" },
          el("span", {}, el("b", {}, fmtNumber(n)), " ", t("display.stats.people", { count: n })),
          el("span", {}, el("b", {}, fmtNumber(s.barriers)), " ", t("display.stats.barriers", { count: s.barriers })),
          el("span", {}, el("b", {}, fmtNumber(s.votes)), " ", t("display.stats.votes", { count: s.votes }))));
    })));
}

function breakoutsView() {
  return el("div", { class: "view view-breakouts" },
    titleBar(t("display.breakouts.subtitle")),
    el("div", { class: "breakouts-grid" },
      joinPanel(),
      el("div", { class: "breakouts-side" }, peoplePanel(), roomsPanel())));
}

// ------------------------------------------------------------ plenary

const MAX_PLENARY = 8;

function plenaryView() {
  const items = byId(state.plenary).sort((a, b) => (b.votes - a.votes) || (b.room_votes - a.room_votes) || a.id - b.id);
  const shown = items.slice(0, MAX_PLENARY);
  const max = Math.max(1, ...items.map((i) => i.votes || 0));
  const total = items.reduce((n, i) => n + (i.votes || 0), 0);
  return el("div", { class: "view view-plenary", dataset: { total: items.length } },
    titleBar(t("display.plenary.subtitle", { votes: total })),
    items.length === 0 ? el("p", { class: "big-empty" }, t("display.plenary.empty")) :
      el("ol", { class: "board" }, shown.map((item, i) => {
        const room = state.rooms[String(item.room_id)];
        return el("li", { class: "board-item" },
          el("span", { class: "rank" }, fmtNumber(i + 1)),
          el("div", { class: "board-text" },
            el("p", { class: "board-title" }, userText(item.text, "span")),
            el("p", { class: "board-meta" }, roomName(room), t("common.separator"), t("display.plenary.roomVotes", { count: item.room_votes || 0 }),
              item.solutions && item.solutions.length ? [t("common.separator"), t("display.plenary.solutions", { count: item.solutions.length })] : null),
            ctx.agreement ? agreementLine(ctx.agreement.get(item.id), "board-agreement") : null),
          el("div", { class: "board-bar" },
            el("span", { class: "bar" }, barFill((item.votes || 0) / max)),
            el("span", { class: "board-votes" }, fmtNumber(item.votes || 0))));
      })),
    items.length > shown.length ? el("p", { class: "more" }, t("display.more", { count: items.length - shown.length })) : null,
    items.length ? agreementLegend("board-legend") : null);
}

// ------------------------------------------------------------ action plan

const MAX_PLAN = 6;          // entries per page; fit() still tightens a page whose texts are long
const PLAN_PAGE_MS = 15000;  // with more entries than one page, the pages take turns
const FRESH_MS = 8000;       // an entry created or edited this recently is highlighted
const planChanged = new Map(); // entry id -> when it last changed (plan_entry_* events)

function planPages(active) {
  return Math.max(1, Math.ceil(active.length / MAX_PLAN));
}

function planView() {
  const entries = byId(state.plan).sort((a, b) => (a.position - b.position) || a.id - b.id);
  const active = entries.filter((e) => e.fields.status !== "dropped");
  const pages = printing ? 1 : planPages(active);   // on paper: every entry, over as many sheets as needed
  const page = pages > 1 ? Math.floor(Date.now() / PLAN_PAGE_MS) % pages : 0;
  const shown = printing ? active : active.slice(page * MAX_PLAN, (page + 1) * MAX_PLAN);
  const now = Date.now();
  // Co-chairs first (law enforcement, then community), then members.
  const rank = (m) => (m.role === "co_chair_law_enforcement" ? 0 : isCoChair(m.role) ? 1 : 2);
  const council = byId(state.council).sort((a, b) => rank(a) - rank(b) || a.participant_id - b.participant_id);
  const member = (pid) => (pid ? state.council[String(pid)] || null : null);
  const closed = state.workshop.phase === "closed";
  return el("div", { class: "view view-plan", dataset: { total: shown.length } },
    titleBar(closed ? t("display.plan.closedSubtitle") : t("display.plan.subtitle")),
    el("div", { class: ["plan-grid", council.length && "with-council"] },
      shown.length === 0 ? el("p", { class: "big-empty" }, t("display.plan.empty")) :
        el("table", { class: "plan-table" },
          el("thead", {}, el("tr", {},
            ["title", "solution", "owner", "timeline"].map((f) => el("th", { scope: "col", class: `col-${f}` }, t(`console.plan.field.${f}`))),
            el("th", { scope: "col", class: "col-coleads" }, t("display.plan.coLeads")),
            el("th", { scope: "col", class: "col-status" }, t("console.plan.field.status")))),
          el("tbody", {}, shown.map((e) => el("tr", { class: now - (planChanged.get(e.id) || 0) < FRESH_MS ? "fresh" : null },
            el("td", { class: "col-title" }, el("div", { class: "clamp" }, userText(e.fields.title || t("console.plan.untitled"), "span"))),
            el("td", { class: "col-solution" }, el("div", { class: "clamp" }, userText(e.fields.solution || "—", "span"))),
            el("td", { class: "col-owner" }, el("div", { class: "clamp" }, userText(e.fields.owner || "—", "span"))),
            el("td", { class: "col-timeline" }, el("div", { class: "clamp" }, userText(e.fields.timeline || "—", "span"))),
            el("td", { class: "col-coleads" }, coLeadCell(e, member)),
            el("td", { class: "col-status" }, el("span", { class: `status status-${e.fields.status || "proposed"}` }, statusName(e.fields.status || "proposed"))))))),
      council.length ? el("aside", { class: "council", aria: { labelledby: "council-h" } },
        el("h2", { id: "council-h" }, t("display.council.title")),
        el("ul", {}, council.slice(0, 12).map((m) => el("li", {},
          m.name ? el("span", { class: "council-name" }, userText(m.name, "span")) : el("span", { class: "council-name" }, t("display.council.unnamed")),
          el("span", { class: "council-role" }, councilRoleName(m.role), t("common.separator"), groupName(m.group)))))) : null),
    pages > 1 ? el("p", { class: "more plan-page" }, t("display.plan.page", { page: page + 1, pages, count: active.length })) : null);
}

/** An action's two co-leads, police side first: a chosen name, else their group (the column says
 *  they are co-leads; the council list beside it gives roles); "—" for none. */
function coLeadCell(e, member) {
  const people = CO_LEAD_FIELDS.map((f) => member(e.fields[f])).filter(Boolean);
  if (!people.length) return el("span", {}, "—");
  return el("ul", { class: "coleads" }, people.map((m) => el("li", {},
    m.name ? userText(m.name, "span") : el("span", {}, groupName(m.group)))));
}

// ------------------------------------------------------------ frame

function titleBar(subtitle) {
  const ws = state.workshop;
  const facts = [ws.date, ws.place].filter(Boolean);
  return el("header", { class: "title-bar" },
    el("div", { class: "title-main" },
      el("h1", {}, userText(ws.title, "span")),
      el("p", { class: "subtitle" }, subtitle)),
    el("div", { class: "title-side" },
      el("span", { class: "phase-pill" }, workshopPhaseName(ws.phase)),
      facts.length ? el("span", { class: "facts" }, facts.map((f, i) => [i ? t("common.separator") : "", userText(f, "span")])) : null));
}

function render() {
  if (status === "unauthorized") {
    screen.replaceChildren(el("div", { class: "view view-message" }, el("p", { class: "big-empty" }, t("display.unauthorized"))));
    return;
  }
  if (!state) return;
  const phase = state.workshop.phase;
  if (lastPhase && lastPhase !== phase) announce(workshopPhaseName(phase));
  lastPhase = phase;
  const view = phase === "breakouts" ? breakoutsView() : phase === "plenary" ? plenaryView() : planView();
  screen.replaceChildren(view);
  if (!printing) fit(view);
  document.title = `${state.workshop.title} — ${t("display.pageTitle")}`;
  if (state.workshop.paused) {
    pausedBox.replaceChildren(el("div", { class: "paused-inner", role: "alert" },
      el("p", { class: "paused-title" }, t("display.paused.title")),
      state.workshop.pause_message ? userText(state.workshop.pause_message, "p", "paused-message") : null));
    pausedBox.hidden = false;
  } else {
    pausedBox.hidden = true;
    pausedBox.replaceChildren();
  }
  renderStatus();
  tickTimers(ctx, screen);
}

/**
 * Nothing may scroll on the projector: while the view overflows, step through denser
 * layouts (fit-1, fit-2, fit-3); the last one also drops items that still do not fit.
 */
function fit(view) {
  const overflowing = () => view.scrollHeight > view.clientHeight + 1
    || [...view.querySelectorAll(".board, .plan-grid, .room-grid")].some((n) => n.scrollHeight > n.clientHeight + 1);
  for (const level of ["fit-1", "fit-2", "fit-3"]) {
    if (!overflowing()) return;
    view.classList.remove("fit-1", "fit-2", "fit-3");
    view.classList.add(level);
  }
  // Still too much: drop rows from the end (the list is sorted, the top matters most).
  const rows = [...view.querySelectorAll(".board > li, .plan-table tbody > tr, .room-grid > li")];
  let dropped = 0;
  while (overflowing() && rows.length > 1) { rows.pop().remove(); dropped += 1; }
  const total = Number(view.dataset.total || 0);
  if (dropped && total) {
    const hidden = total - rows.length;
    const more = view.querySelector(".more:not(.plan-page)") || view.appendChild(el("p", { class: "more" }));
    more.textContent = t("display.more", { count: hidden });
    while (overflowing() && rows.length > 1) { rows.pop().remove(); more.textContent = t("display.more", { count: total - rows.length }); }
  }
}

function renderStatus() {
  const show = status === "offline" || status === "syncing";
  connBadge.hidden = !show || !state;
  connBadge.textContent = show ? t("display.reconnecting") : "";
}

const announceTimer = timerAnnouncer(ctx);
setInterval(() => {
  if (!state) return;
  tickTimers(ctx, screen);
  if (state.workshop.phase === "breakouts") for (const room of byId(state.rooms)) announceTimer(room.deadline, roomName(room));
}, 1000);

async function start() {
  const token = takeToken("display");
  await setLanguage("en");
  if (!token) { status = "unauthorized"; render(); return; }
  ctx.agreement = agreementTracker({ token, onChange: schedule });
  ctx.conn = connect({
    token,
    onState(next) {
      state = next;
      noteWorkshop("display", token, next.workshop);
      ctx.agreement.update(next);
      followLanguage();
      schedule();
    },
    onStatus(s) {
      status = s;
      if (s === "unauthorized") { forgetToken("display", token); render(); } else renderStatus();
    },
    onEvent(ev) {
      // State arrives through onState; remember which plan entries just changed, to highlight them.
      if (!ev || !ev.data) return;
      const id = ev.type === "plan_entry_created" ? ev.data.entry && ev.data.entry.id
        : ev.type === "plan_entry_updated" ? ev.data.entry_id : null;
      if (id != null) {
        planChanged.set(id, Date.now());
        setTimeout(schedule, FRESH_MS + 50);
      }
    },
  });
}

// Printing (web/css/display.css @media print): the whole list, not one page, nothing dropped.
let printing = false;
addEventListener("beforeprint", () => { printing = true; render(); });
addEventListener("afterprint", () => { printing = false; render(); });

// The plan's pages take turns when there are more entries than one page holds.
setInterval(() => {
  if (!state || !["action_plan", "closed"].includes(state.workshop.phase)) return;
  const active = byId(state.plan).filter((e) => e.fields.status !== "dropped");
  if (planPages(active) > 1) schedule();
}, PLAN_PAGE_MS);

start();
