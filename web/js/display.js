// The projector (/d#TOKEN): nobody touches it. Fits 1920x1080 without scrolling, follows
// workshop.display_language live, recovers from drops by itself (connection.js resyncs).
import { el, userText, announce } from "./dom.js";
import {
  takeToken, setLanguage, currentLanguage, t, tickTimers, timerAnnouncer, roomName, groupCounts, phaseName,
  workshopPhaseName, groupName, statusName, byId, fmtNumber, barFill, councilRoleName, isCoChair,
} from "./console-common.js";
import { GROUPS, ROOM_PHASES, CO_LEAD_FIELDS } from "./rules.js";
import * as agenda from "./agenda.js";
import { agreementTracker, agreementLine, agreementLegend } from "./agreement.js";
import { createPage } from "./page.js";
import { projectorPulseView } from "./pulse-view.js";
import { projectorElectionView } from "./election-view.js";

const screen = document.getElementById("screen");
const connBadge = document.getElementById("conn");
const pausedBox = document.getElementById("paused");

// The page (web/js/page.js): state and status, redraws, change notes, the clock. Nobody touches
// the projector: no press to wait for.
const page = createPage({ draw, changed: noteChanges, statusChanged: renderStatus, tick, guardPresses: false });
const ctx = { conn: null, agreement: null };
let languageLoading = null;
let lastPhase = null;

function noteChanges(prev, next) {
  ctx.agreement.update(next);
  followLanguage();
}

async function followLanguage() {
  const wanted = page.state.workshop.display_language || (page.state.workshop.languages || ["en"])[0];
  if (wanted === currentLanguage() || languageLoading === wanted) return;
  languageLoading = wanted;
  await setLanguage(wanted);
  languageLoading = null;
  page.schedule();
}

// ------------------------------------------------------------ breakouts

// The join link as phones reach it: the server's public address (GET /api/workshops/<code> join_url),
// which the QR code carries too; this page's own address may be 127.0.0.1 on the laptop.
const joinUrls = new Map(); // join code -> url, or null while asked

function joinUrl(code) {
  if (!joinUrls.has(code)) {
    joinUrls.set(code, null);
    fetch(`/api/workshops/${encodeURIComponent(code)}`).then((r) => r.json()).then((body) => {
      if (body && body.ok && body.join_url) { joinUrls.set(code, body.join_url); page.schedule(); }
    }).catch(() => joinUrls.delete(code));
  }
  return joinUrls.get(code) || `${location.origin}/j/${code}`;
}

function joinPanel() {
  const code = page.state.workshop.join_code;
  const url = joinUrl(code);
  return el("section", { class: "join", aria: { labelledby: "join-h" } },
    el("h2", { id: "join-h", class: "join-title" }, t("display.join.title")),
    el("img", { class: "qr", src: `/qr/${encodeURIComponent(code)}.svg`, alt: t("display.join.qrAlt"), width: 480, height: 480 }),
    el("p", { class: "join-url" }, url),
    el("p", { class: "join-code-label" }, t("display.join.orCode")),
    el("p", { class: "join-code", aria: { label: code.split("").join(" ") } }, code));
}

function peoplePanel() {
  const people = byId(page.state.participants);
  const counts = groupCounts(people);
  // The short day as before: the four groups. A day with an agenda: the workshop's own sectors.
  const tiles = short() ? GROUPS.map((g) => ({ key: g, count: counts[g] || 0 })) : agenda.sectorCounts(page.state, people);
  return el("section", { class: "people", aria: { labelledby: "people-h" } },
    el("h2", { id: "people-h" }, t("display.people.title", { count: people.length })),
    el("ul", { class: ["group-tiles", tiles.length > 4 && "group-tiles-many"] }, tiles.map((c) => el("li", { class: `tile tile-${c.key}` },
      el("span", { class: "tile-n" }, fmtNumber(c.count)),
      el("span", { class: "tile-label", dir: "auto" }, sectorName(c.key))))));
}

function peopleCount() {
  const n = byId(page.state.participants).length;
  return el("section", { class: "people" }, el("h2", {}, t("display.people.title", { count: n })));
}

const short = () => agenda.isShortDay(page.state.workshop);
const segmentName = (kind) => t(`segment.${kind}`);

/** A sector's name in the projector's language (the four groups: their labels). */
function sectorName(key) {
  return GROUPS.includes(key) ? groupName(key) : agenda.sectorText(page.state.sectors, key, currentLanguage());
}

function roomsPanel() {
  const rooms = byId(page.state.rooms).sort((a, b) => a.number - b.number);
  const ws = page.state.workshop;
  const phases = short() ? ROOM_PHASES : agenda.roundPhases(ws);
  const solving = !short() && agenda.roundKind(ws) === "solution_round";
  const stats = page.state.stats || {};
  const size = rooms.length > 12 ? "rooms-tiny" : rooms.length > 6 ? "rooms-many" : "rooms-few";
  return el("section", { class: "rooms", aria: { labelledby: "rooms-h" } },
    el("h2", { id: "rooms-h" }, short() || agenda.roundKind(ws) === "breakout" ? t("display.rooms.title")
      : t(`display.agenda.rooms.${agenda.roundKind(ws)}`)),
    el("ul", { class: ["room-grid", size] }, rooms.map((room) => {
      const s = stats[String(room.id)] || { barriers: 0, solutions: 0, votes: 0 };
      const n = byId(page.state.participants).filter((p) => p.room_id === room.id).length;
      const k = phases.indexOf(room.phase);
      const sectors = (agenda.roundKind(ws) === "caucus" && room.sectors) || [];
      return el("li", { class: "room", dataset: { roomId: room.id } },
        el("div", { class: "room-head" },
          el("span", { class: "room-name" }, roomName(room)),
          room.deadline ? el("span", { class: "room-timer", dataset: { deadline: room.deadline } }) : null),
        sectors.length ? el("p", { class: "room-sectors" }, sectors.map((key, n) => [n ? t("common.separator") : "",
          el("span", { dir: "auto" }, sectorName(key))])) : null,
        el("div", { class: "room-phase" }, phaseName(room.phase)),
        el("ol", { class: ["progress", phases.length !== ROOM_PHASES.length && `progress-${phases.length}`], aria: { label: t("display.rooms.progress", { step: k + 1, total: phases.length }) } },
          phases.map((p, i) => el("li", { class: [i < k && "done", i === k && "current"] }))),
        solving ? roomPriorities(room) : el("div", { class: "room-stats" },
          el("span", {}, el("b", {}, fmtNumber(n)), " ", t("display.stats.people", { count: n })),
          el("span", {}, el("b", {}, fmtNumber(s.barriers)), " ", t("display.stats.barriers", { count: s.barriers })),
          // A caucus round has no dots in its rooms.
          agenda.roundKind(ws) === "caucus" && !short() ? null
            : el("span", {}, el("b", {}, fmtNumber(s.votes)), " ", t("display.stats.votes", { count: s.votes }))));
    })));
}

/** A solution room's drafts: the priorities it works on, in rank order. */
function roomPriorities(room) {
  const drafts = agenda.roomDrafts(page.state, room.id);
  if (!drafts.length) return el("p", { class: "room-stats" }, t("display.agenda.noPriority"));
  return el("ul", { class: "room-priorities" }, drafts.map((e) => {
    const rank = agenda.draftRank(page.state, e);
    return el("li", {},
      rank != null ? el("span", { class: "prio-rank" }, fmtNumber(rank)) : null,
      userText(e.fields.title || t("console.plan.untitled"), "span", "prio-text"));
  }));
}

function breakoutsView() {
  const kind = short() ? "breakout" : agenda.roundKind(page.state.workshop);
  const subtitle = short() || kind === "breakout" ? t("display.breakouts.subtitle") : t(`display.agenda.subtitle.${kind}`);
  return el("div", { class: ["view view-breakouts", !short() && `view-${kind}`] },
    titleBar(subtitle),
    el("div", { class: "breakouts-grid" },
      joinPanel(),
      // A solution round: the rooms and their priorities matter; the people by sector were seen in the caucus.
      el("div", { class: "breakouts-side" }, kind === "solution_round" ? peopleCount() : peoplePanel(), roomsPanel())));
}

// ------------------------------------------------------------ plenary

// Everything is shown: with more items (or plan entries) than the screen holds, the pages
// take turns every PAGE_MS under "Page 2 of 3" (paginate). `?page_secs=` shortens it
// (rehearsals, tests/browser/test_projector_paging.py).
const PAGE_MS = pageInterval();

function pageInterval() {
  const secs = Number(new URLSearchParams(location.search).get("page_secs"));
  return Number.isFinite(secs) && secs >= 1 && secs <= 600 ? secs * 1000 : 12000;
}

/** The items on the board: an item merged into another (plenary_merge) is shown inside it. */
function boardItems() {
  return byId(page.state.plenary).filter((i) => i.merged_into == null)
    .sort((a, b) => (b.votes - a.votes) || (b.room_votes - a.room_votes) || a.id - b.id);
}

/** Every room an item came from: its own and those of the items merged into it. */
function itemRooms(item) {
  const ids = [item.room_id, ...(item.members || []).map((id) => (page.state.plenary[String(id)] || {}).room_id)];
  return [...new Set(ids.filter((id) => id != null))].map((id) => roomName(page.state.rooms[String(id)])).filter(Boolean);
}

function plenaryView() {
  const items = boardItems();
  const max = Math.max(1, ...items.map((i) => i.votes || 0));
  const total = items.reduce((n, i) => n + (i.votes || 0), 0);
  // While the plenary vote is open the server sends no counts (votes: null, unless the workshop shows
  // live tallies): say so, rather than showing every item at 0.
  const hidden = items.some((i) => i.votes == null);
  return el("div", { class: "view view-plenary", dataset: { total: items.length } },
    titleBar(hidden ? t("display.plenary.subtitleHidden") : t("display.plenary.subtitle", { votes: total })),
    items.length === 0 ? el("p", { class: "big-empty" }, t("display.plenary.empty")) :
      el("ol", { class: hidden ? "board pages counts-hidden" : "board pages" }, items.map((item, i) => {
        const solutions = item.solutions || [];
        return el("li", { class: "board-item page-row", dataset: { itemId: item.id } },
          el("span", { class: "rank" }, fmtNumber(i + 1)),
          el("div", { class: "board-text" },
            el("p", { class: "board-title" }, userText(item.text, "span")),
            solutions.length ? el("ul", { class: "board-solutions", aria: { label: t("display.plenary.solutions", { count: solutions.length }) } },
              solutions.map((s) => el("li", {}, userText(s.text, "span")))) : null,
            el("div", { class: "board-facts" },
              // A caucus room casts no dots: after a caucus round only the rooms an item came from.
              el("p", { class: "board-meta" }, itemRooms(item).join(" + "),
                short() || agenda.roundKind(page.state.workshop) !== "caucus"
                  ? [t("common.separator"), t("display.plenary.roomVotes", { count: item.room_votes || 0 })] : null),
              ctx.agreement && !hidden ? agreementLine(ctx.agreement.get(item.id), "board-agreement") : null)),
          hidden ? null : el("div", { class: "board-bar" },
            el("span", { class: "bar" }, barFill((item.votes || 0) / max)),
            el("span", { class: "board-votes" }, fmtNumber(item.votes || 0))));
      })),
    items.length ? el("div", { class: "board-foot" },
      hidden ? null : agreementLegend("board-legend"),
      el("p", { class: "page-indicator", hidden: true })) : null);
}

/** The confirmed priorities, ranked: what the solution rooms will work on. */
function prioritiesView() {
  const items = agenda.priorities(page.state);
  return el("div", { class: "view view-priorities", dataset: { total: items.length } },
    titleBar(t("display.agenda.prioritiesSubtitle", { count: items.length })),
    el("ol", { class: "board pages priorities" }, items.map((item) => el("li", { class: "board-item page-row", dataset: { itemId: item.id } },
      el("span", { class: "rank" }, fmtNumber(item.priority)),
      el("div", { class: "board-text" },
        el("p", { class: "board-title" }, userText(item.text, "span")),
        el("p", { class: "board-meta" }, itemRooms(item).join(" + "))),
      item.votes != null ? el("div", { class: "board-bar" },
        el("span", { class: "board-votes" }, fmtNumber(item.votes)),
        el("span", { class: "board-votes-label" }, t("display.agenda.dots", { count: item.votes }))) : null))),
    el("div", { class: "board-foot" }, el("p", { class: "page-indicator", hidden: true })));
}

/** The report-out: each solution room's draft with the guiding questions it answered. */
function draftsView() {
  const rooms = byId(page.state.rooms).sort((a, b) => a.number - b.number);
  const drafts = rooms.flatMap((room) => agenda.roomDrafts(page.state, room.id).map((e) => ({ room, e })));
  return el("div", { class: "view view-drafts", dataset: { total: drafts.length } },
    titleBar(t("display.agenda.reportSubtitle")),
    drafts.length === 0 ? el("p", { class: "big-empty" }, t("display.agenda.noDrafts")) :
      el("ol", { class: "pages drafts" }, drafts.map(({ room, e }) => {
        const rank = agenda.draftRank(page.state, e);
        const answered = agenda.guidingProgress(e).filter((q) => q.answered);
        return el("li", { class: "draft page-row", dataset: { entryId: e.id } },
          el("div", { class: "draft-head" },
            rank != null ? el("span", { class: "rank" }, fmtNumber(rank)) : null,
            el("h2", { class: "draft-title" }, userText(e.fields.title || t("console.plan.untitled"), "span")),
            el("span", { class: "draft-room" }, roomName(room))),
          answered.length ? el("dl", { class: "draft-answers" }, answered.map((q) => [
            el("dt", {}, t(`console.plan.field.${q.field}`)),
            el("dd", {}, userText(e.fields[q.field], "div", "cell-text"))]))
            : el("p", { class: "draft-empty" }, t("display.agenda.draftEmpty")));
      })),
    el("p", { class: "more page-indicator", hidden: true }));
}

// ------------------------------------------------------------ paging

let paging = null; // the view on screen and its pages: {view, rows, pages: [[from, to]], indicator, label, shown}

/**
 * Split a view's rows (.page-row) into pages that fit its box (.pages; for the plan, the grid
 * under the table's head) by measuring them, show the page that is due, and say which it is.
 * Nothing is dropped: a page turns every PAGE_MS.
 */
function paginate(view, label) {
  const box = view.querySelector(".pages");
  const rows = [...view.querySelectorAll(".page-row")];
  const indicator = view.querySelector(".page-indicator");
  paging = null;
  if (!box || !rows.length) return;
  const limit = box.getBoundingClientRect().top + box.clientHeight;
  const first = rows[0].getBoundingClientRect().top;
  const pages = [];
  let from = 0;
  let shift = 0;
  rows.forEach((row, i) => {
    const r = row.getBoundingClientRect();
    if (i > from && r.bottom - shift > limit + 0.5) {
      pages.push([from, i]);
      from = i;
      shift = r.top - first;
    }
  });
  pages.push([from, rows.length]);
  paging = { view, rows, pages, indicator, label, shown: -1 };
  turnPage();
}

function turnPage() {
  if (!paging || !paging.view.isConnected) return;
  const { rows, pages, indicator, label } = paging;
  const n = pages.length > 1 ? Math.floor(Date.now() / PAGE_MS) % pages.length : 0;
  if (n === paging.shown) return;
  paging.shown = n;
  rows.forEach((row, i) => { row.hidden = i < pages[n][0] || i >= pages[n][1]; });
  if (indicator) {
    indicator.hidden = pages.length < 2;
    indicator.textContent = pages.length < 2 ? "" : label(n + 1, pages.length);
  }
}

setInterval(turnPage, 250);

// ------------------------------------------------------------ action plan

const FRESH_MS = 8000;       // an entry created or edited this recently is highlighted
const planChanged = new Map(); // entry id -> when it last changed (plan_entry_* events)

function planView() {
  const entries = byId(page.state.plan).sort((a, b) => (a.position - b.position) || a.id - b.id);
  const active = entries.filter((e) => e.fields.status !== "dropped");
  const now = Date.now();
  // Co-chairs first (law enforcement, then community), then members.
  const rank = (m) => (m.role === "co_chair_law_enforcement" ? 0 : isCoChair(m.role) ? 1 : 2);
  const council = byId(page.state.council).sort((a, b) => rank(a) - rank(b) || a.participant_id - b.participant_id);
  const member = (pid) => (pid ? page.state.council[String(pid)] || null : null);
  const closed = page.state.workshop.phase === "closed";
  // Cells wrap (nothing is cut); each text in its own direction (userText: dir="auto").
  const cell = (field, text) => el("td", { class: `col-${field}` }, userText(text, "div", "cell-text"));
  return el("div", { class: "view view-plan", dataset: { total: active.length } },
    titleBar(closed ? t("display.plan.closedSubtitle") : t("display.plan.subtitle")),
    el("div", { class: ["plan-grid", council.length && "with-council"] },
      active.length === 0 ? el("p", { class: "big-empty" }, t("display.plan.empty")) :
        el("div", { class: "plan-body" },
          el("table", { class: "plan-table" },
            el("thead", {}, el("tr", {},
              ["title", "solution", "owner", "timeline"].map((f) => el("th", { scope: "col", class: `col-${f}` }, t(`console.plan.field.${f}`))),
              el("th", { scope: "col", class: "col-coleads" }, t("display.plan.coLeads")),
              el("th", { scope: "col", class: "col-status" }, t("console.plan.field.status"))))),
          el("div", { class: "pages plan-pages" }, el("table", { class: "plan-table" },
            el("tbody", {}, active.map((e) => el("tr", { class: ["page-row", now - (planChanged.get(e.id) || 0) < FRESH_MS && "fresh"] },
              cell("title", e.fields.title || t("console.plan.untitled")),
              cell("solution", e.fields.solution || "—"),
              cell("owner", e.fields.owner || "—"),
              cell("timeline", e.fields.timeline || "—"),
              el("td", { class: "col-coleads" }, coLeadCell(e, member)),
              el("td", { class: "col-status" }, el("span", { class: `status status-${e.fields.status || "proposed"}` }, statusName(e.fields.status || "proposed"))))))))),
      council.length ? el("aside", { class: "council", aria: { labelledby: "council-h" } },
        el("h2", { id: "council-h" }, t("display.council.title")),
        el("ul", {}, council.slice(0, 12).map((m) => el("li", {},
          m.name ? userText(m.name, "span", "council-name") : el("span", { class: "council-name" }, t("display.council.unnamed")),
          el("span", { class: "council-role" }, councilRoleName(m.role), t("common.separator"), groupName(m.group)))))) : null),
    active.length ? el("p", { class: "more plan-page page-indicator", hidden: true }) : null);
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
  const ws = page.state.workshop;
  const facts = [ws.date, ws.place].filter(Boolean);
  return el("header", { class: "title-bar" },
    el("div", { class: "title-main" },
      el("h1", { dir: "auto" }, ws.title),
      el("p", { class: "subtitle" }, subtitle)),
    el("div", { class: "title-side" },
      el("span", { class: "phase-pill" }, short() ? workshopPhaseName(ws.phase) : segmentName(agenda.currentKind(ws))),
      facts.length ? el("span", { class: "facts" }, facts.map((f, i) => [i ? t("common.separator") : "", userText(f, "span")])) : null));
}

function draw() {
  if (page.status === "unauthorized") {
    screen.replaceChildren(el("div", { class: "view view-message" }, el("p", { class: "big-empty" }, t("display.unauthorized"))));
    return;
  }
  if (!page.state) return;
  const phase = page.state.workshop.phase;
  // What the day stands on: the short day by its phase (as before agendas), any other by its segment.
  const where = short() ? phase : `${phase}:${agenda.segmentIndex(page.state.workshop)}`;
  if (lastPhase && lastPhase !== where) announce(short() ? workshopPhaseName(phase) : segmentName(agenda.currentKind(page.state.workshop)));
  lastPhase = where;
  const kind = short() ? null : agenda.currentKind(page.state.workshop);
  // The trust pulse while it is open, and its results for a while after it closes (web/js/pulse-view.js).
  const pulse = projectorPulseView(page.state, { now: page.conn ? page.conn.serverNow() : Date.now(), redraw: page.schedule });
  // The council election in the council segment (web/js/election-view.js): candidates, then the council.
  const election = pulse ? null : projectorElectionView(page.state, titleBar);
  const view = pulse || election || (kind === "prioritise" && agenda.priorities(page.state).length ? prioritiesView()
    : kind === "report_out" ? draftsView()
      : phase === "breakouts" ? breakoutsView() : phase === "plenary" ? plenaryView() : planView());
  screen.replaceChildren(view);
  if (printing || pulse || election) paging = null;
  else if (phase === "plenary") paginate(view, (n, pages) => t("display.page", { page: n, pages }));
  else if (phase !== "breakouts") paginate(view, (n, pages) => t("display.plan.page", { page: n, pages, count: Number(view.dataset.total) }));
  else fit(view);
  document.title = `${page.state.workshop.title} — ${t("display.pageTitle")}`;
  if (page.state.workshop.paused) {
    pausedBox.replaceChildren(el("div", { class: "paused-inner", role: "alert" },
      el("p", { class: "paused-title" }, t("display.paused.title")),
      page.state.workshop.pause_message ? userText(page.state.workshop.pause_message, "p", "paused-message") : null));
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
  const show = page.status === "offline" || page.status === "syncing";
  connBadge.hidden = !show || !page.state;
  connBadge.textContent = show ? t("display.reconnecting") : "";
}

const announceTimer = timerAnnouncer(ctx);

function tick() {
  tickTimers(ctx, screen);
  if (page.state.workshop.phase === "breakouts") for (const room of byId(page.state.rooms)) announceTimer(room.deadline, roomName(room));
}

async function start() {
  const token = takeToken("display");
  await setLanguage("en");
  if (token) ctx.agreement = agreementTracker({ token, onChange: page.schedule });
  ctx.conn = page.connect({
    token,
    role: "display",
    remember: true,
    onEvent(ev) {
      // State arrives through onState; remember which plan entries just changed, to highlight them.
      if (!ev || !ev.data) return;
      const id = ev.type === "plan_entry_created" ? ev.data.entry && ev.data.entry.id
        : ev.type === "plan_entry_updated" ? ev.data.entry_id : null;
      if (id != null) {
        planChanged.set(id, Date.now());
        setTimeout(page.schedule, FRESH_MS + 50);
      }
    },
  });
}

// Printing (web/css/display.css @media print): the whole list, not one page, nothing dropped.
let printing = false;
addEventListener("beforeprint", () => { printing = true; page.render(); });
addEventListener("afterprint", () => { printing = false; page.render(); });

start();
