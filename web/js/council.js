// A council member's page (/council/<token>): after the day, they update the status of the
// actions they co-lead (co-chairs: every action) and add dated notes. The same commands, the
// same per-field versions and conflicts as the organiser's editor (plan_entry_update,
// plan_note_add), audited on the server (docs/council.md).
//
// The token is in the path because the link is mailed; it is sent back only in the Socket.IO
// auth payload, the outbox is keyed by a hash of it, and Referrer-Policy: no-referrer keeps it
// out of any Referer.
import { el, userText, rerender, announce, createToaster } from "./dom.js";
import {
  setLanguage, preferredLanguage, t, statusBadge, run, statusName, fieldName, fmtNumber, byId, personLabel, planNotes,
  noteForm, isCoChair, renderHeader, pageLanguagePicker, pageNotice, askDialog,
} from "./console-common.js";
import { createPage } from "./page.js";
import { dueLine, dueForm, meetingsSection } from "./council-after.js";
import { followupPanel } from "./followup-view.js";
import { CO_LEAD_FIELDS, PLAN_STATUSES, COUNCIL_PHASES } from "./rules.js";

const LANG_KEY = "cg.council.lang";
const DETAIL_FIELDS = ["solution", "actions", "owner", "timeline", "success_measure"];
const header = document.getElementById("header");
const main = document.getElementById("main");
const toast = createToaster(document.getElementById("toasts"), { dismiss: () => t("console.dialog.dismiss") });

const token = decodeURIComponent(location.pathname.split("/")[2] || "");
const ui = {};
// The page (web/js/page.js): state and status, redraws that wait for the finger.
const page = createPage({ draw, statusChanged: drawHeader });
const ctx = { conn: null, toast, ui, role: "council", refresh: () => page.schedule() };

function me() {
  return page.state && page.state.council[String(page.state.me.participant_id)];
}

/** Co-chairs may update every action; members the actions they co-lead (server/domain/council.py). */
function mayEdit(entry) {
  const m = me();
  if (!m || !COUNCIL_PHASES.includes(page.state.workshop.phase)) return false;
  return isCoChair(m.role) || CO_LEAD_FIELDS.some((f) => entry.fields[f] === String(m.participant_id));
}

function drawHeader() {
  renderHeader(header, {
    role: t("council.title"),
    title: page.state ? el("h1", {}, userText(page.state.workshop.title, "span")) : null,
    tools: [statusBadge(page.status), pageLanguagePicker(LANG_KEY, page.render)],
  });
}

async function setStatus(entry, select) {
  const version = entry.versions.status ?? 1;
  const ack = await run({ ...ctx, quietConflicts: true }, "plan_entry_update",
    { entry_id: entry.id, field: "status", value: select.value, version }, t("council.statusSaved"));
  if (!ack.ok && ack.error && ack.error.code === "conflict") {
    const now = (ack.error.details || {}).current_value || "proposed";
    const msg = t("council.conflict", { status: statusName(now) });
    toast.show(msg, "error");
    announce(msg);
  }
  page.schedule();
}

function entryCard(entry) {
  const f = entry.fields;
  const s = f.status || "proposed";
  const m = me();
  const mine = m && CO_LEAD_FIELDS.some((x) => f[x] === String(m.participant_id));
  const editable = mayEdit(entry);
  const member = (pid) => (pid ? page.state.council[String(pid)] || null : null);
  const statusId = `status-${entry.id}`;
  let statusControl = null;
  if (editable) {
    statusControl = el("select", { id: statusId, class: "select", aria: { describedby: `entry-${entry.id}-h` } }, PLAN_STATUSES.map((x) => el("option", { value: x }, statusName(x))));
    statusControl.value = s;
    statusControl.addEventListener("change", () => setStatus(entry, statusControl));
  }
  return el("li", { class: ["plan-entry", "card", mine && "is-mine"] },
    el("div", { class: "plan-entry-head" },
      el("h3", { class: "entry-title", id: `entry-${entry.id}-h` }, el("span", { class: "entry-pos" }, `${fmtNumber(entry.position)}. `),
        userText(f.title || t("console.plan.untitled"), "span")),
      el("span", { class: `status-chip status-${s}` }, statusName(s)),
      mine ? el("span", { class: "badge badge-mine" }, t("council.mine")) : null),
    editable ? el("div", { class: "plan-field status-field" },
      el("label", { for: statusId, class: "field-label" }, fieldName("status")),
      el("div", { class: "field-edit" }, statusControl)) : null,
    el("div", { class: "plan-fields" },
      DETAIL_FIELDS.filter((name) => f[name]).map((name) => el("div", { class: ["plan-field", ["solution", "actions"].includes(name) && "wide"] },
        el("span", { class: "field-label" }, fieldName(name)),
        userText(f[name], "p", "field-value"))),
      CO_LEAD_FIELDS.map((name) => el("div", { class: "plan-field" },
        el("span", { class: "field-label" }, fieldName(name)),
        el("p", { class: "field-value" }, personLabel(member(f[name])))))),
    dueLine(entry),
    // Due dates: the co-chairs (and the organiser) set them; members read them.
    editable && isCoChair(m.role) ? dueForm(entry, ctx, "council") : null,
    planNotes(entry, "council"),
    editable ? noteForm(entry, ctx, "council", { label: t("council.noteLabel"), submit: t("council.noteSubmit"), done: t("council.noteAdded") })
      : (COUNCIL_PHASES.includes(page.state.workshop.phase) ? el("p", { class: "hint" }, t("council.readOnly")) : null));
}

function draw() {
  drawHeader();
  const ended = page.state && (page.state.me.ended || !me());
  if (page.status === "unauthorized" || ended) {
    rerender(main, pageNotice("alert", t("council.ended.title"), t("council.ended.body")));
    return;
  }
  if (!page.state) return;
  const m = me();
  const entries = byId(page.state.plan).sort((a, b) => (a.position - b.position) || a.id - b.id);
  const open = COUNCIL_PHASES.includes(page.state.workshop.phase);
  rerender(main, [
    el("section", { class: "after-intro", aria: { labelledby: "council-h" } },
      el("h2", { id: "council-h" }, t("council.title")),
      el("p", {}, t("council.you", { who: "" }), personLabel(m)),
      el("p", { class: "hint" }, open ? t(isCoChair(m.role) ? "council.introChair" : "council.introMember") : t("council.notYet"))),
    entries.length
      ? el("ol", { class: "plan-list after-list", aria: { labelledby: "council-h" } }, entries.map(entryCard))
      : el("p", { class: "empty card" }, t("progress.empty")),
    // The council's meetings: the co-chairs schedule them and record their minutes.
    meetingsSection(byId(page.state.meetings), {
      idPrefix: "council", ctx, lead: open && isCoChair(m.role),
      icsHref: (x) => `/council/${encodeURIComponent(token)}/meetings/${x.id}.ics`,
    }),
    // After the day, the council can ask the trust pulse again (web/js/followup-view.js).
    page.state.workshop.phase === "closed"
      ? followupPanel({ state: page.state, run: (command, payload, done) => run(ctx, command, payload, done), ask: askDialog })
      : null,
  ].filter(Boolean));
}

async function start() {
  await setLanguage(preferredLanguage(LANG_KEY));
  if (token) page.render();
  ctx.conn = page.connect({ token });
}

start();
