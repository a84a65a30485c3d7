// Shared pieces of the facilitator console, the organiser console and the projector:
// token handling, strings (web/js/i18n.js: one catalogue per language, web/i18n/<lang>.json),
// formatting in the reader's locale, dialogs,
// the room panel (used by /f and by the organiser's "steer a room") and the action-plan editor.
//
// Views render only from state: every render function takes the state and returns DOM.
// User text is never inserted as HTML: always textContent via userText().

import * as i18n from "./i18n.js";
import { el, userText, rerender, announce, draftInput } from "./dom.js";
import { wholeNumberField } from "./number-field.js";
import { shownBarriers } from "./counts.js";
import { knownSectorName } from "./sector-names.js";
import { roundKind, roomPhases, postKind, promptText, questionText, sectorName, roomDrafts, QUESTION_FIELDS } from "./room-agenda.js";
import {
  GROUPS, PLAN_FIELDS, CO_LEAD_FIELDS, PLAN_STATUSES, NOTE_PHASES, MAX_BARRIER_CHARS, MAX_SOLUTION_CHARS,
  MAX_REASON_CHARS, MAX_MESSAGE_CHARS, MAX_PLAN_FIELD_CHARS, MAX_NOTE_CHARS, MAX_TIMER_SECS,
} from "./rules.js";

// The languages with a catalogue: the one list is LANGUAGES in web/js/i18n.js.
export const CONSOLE_LANGUAGES = Object.freeze(i18n.availableLanguages().map((l) => l.code));

// ---------------------------------------------------------------- token

// Kept on this device under its role, so the page opens again bare (web/js/device-links.js).
export { takeToken } from "./device-links.js";

// ---------------------------------------------------------------- strings

let lang = "en";

/** Load the catalogue for `language` (web/js/i18n.js; English fills any gaps) and apply it. */
export async function setLanguage(language) {
  const wanted = CONSOLE_LANGUAGES.includes(language) ? language : "en";
  lang = await i18n.loadLanguage(wanted);
  i18n.applyDocumentLanguage(lang);
  numberFormat = new Intl.NumberFormat(lang);
  pad2 = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });
  timeFormat = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" });
  dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
  translateStatic(document);
  return lang;
}

export function currentLanguage() { return lang; }

/** Preferred console language: saved choice, else the browser's, else English. */
export function preferredLanguage(storageKey) {
  let saved = null;
  try { saved = localStorage.getItem(storageKey); } catch (_) { /* ignore */ }
  if (saved && CONSOLE_LANGUAGES.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (CONSOLE_LANGUAGES.includes(base)) return base;
  }
  return "en";
}

export function saveLanguage(storageKey, language) {
  try { localStorage.setItem(storageKey, language); } catch (_) { /* ignore */ }
}

let numberFormat = new Intl.NumberFormat("en");
let pad2 = new Intl.NumberFormat("en", { minimumIntegerDigits: 2, useGrouping: false });
let timeFormat = new Intl.DateTimeFormat("en", { hour: "numeric", minute: "2-digit" });
let dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/**
 * A string from the catalogue. `params` fill {name} placeholders; numbers are formatted in
 * the reader's locale. With params.count, "key.one"/"key.other" (Intl plural rules) win.
 */
export function t(key, params = {}) {
  return i18n.t(key, params);
}

/** Fill [data-i18n], [data-i18n-aria-label] … (i18n.translatePage) and [data-i18n-label] (aria-label) under root. */
export function translateStatic(root) {
  i18n.translatePage(root);
  for (const node of root.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  const title = root.querySelector && root.querySelector("title[data-i18n]");
  if (title) document.title = title.textContent;
}

export function fmtNumber(n) { return numberFormat.format(n); }

export function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : timeFormat.format(d);
}

/** A day in the reader's calendar and digits (notes on the plan are dated). */
export function fmtDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : dateFormat.format(d);
}

/** "4:05" / "1:02:03" in the reader's digits; never negative. */
export function fmtCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? pad2.format(m) : numberFormat.format(m);
  const out = `${mm}:${pad2.format(s)}`;
  return h ? `${numberFormat.format(h)}:${out}` : out;
}

export const phaseName = (p) => t(`console.phase.${p}`);
export const workshopPhaseName = (p) => t(`console.wphase.${p}`);
/** One of the four groups by the console's label; a named sector by its name (sector-names.js); else the key. */
export const groupName = (g) => (GROUPS.includes(g) ? t(`console.group.${g}`) : knownSectorName(g, i18n.currentLanguage()) || g);
export const statusName = (s) => t(`console.plan.status.${s}`);
export const fieldName = (f) => t(`console.plan.field.${f}`);
const fieldLabel = fieldName;
/** A council role's name; older workshops may hold the single "co_chair" role. */
export const councilRoleName = (r) => t(`console.council.role.${r}`);
export const isCoChair = (r) => typeof r === "string" && r.startsWith("co_chair");

/**
 * A council member as everyone may see them: the name they chose to show, else their role and group.
 * `m` is a council member view or a note's author ({role, name, group}).
 */
export function personLabel(m) {
  if (!m) return el("span", { class: "hint" }, t("console.plan.coLeadNone"));
  if (m.name) return userText(m.name, "span", "person-name");
  if (m.role === "organiser") return el("span", {}, t("console.plan.noteBy.organiser"));
  return el("span", {}, councilRoleName(m.role), m.group ? [t("common.separator"), groupName(m.group)] : null);
}

/** Council members who may co-lead on this field's side (law enforcement / anyone else). */
export function coLeadCandidates(state, field) {
  const police = field === "co_lead_law_enforcement";
  return byId(state.council).filter((m) => (m.group === "law_enforcement") === police)
    .sort((a, b) => String(a.name || "").localeCompare(String(b.name || "")) || a.participant_id - b.participant_id);
}

/** The dated notes of a plan entry, oldest first. */
export function planNotes(entry, idPrefix = "plan") {
  const notes = entry.notes || [];
  if (!notes.length) return null;
  return el("div", { class: "plan-notes" },
    el("h4", { id: `${idPrefix}-${entry.id}-notes-h` }, t("console.plan.notes")),
    el("ul", { aria: { labelledby: `${idPrefix}-${entry.id}-notes-h` } }, notes.map((n) => el("li", {},
      el("span", { class: "note-meta" }, el("time", { datetime: n.created_at }, fmtDate(n.created_at)), t("common.separator"), personLabel(n.author)),
      userText(n.text, "p", "note-text")))));
}

/** The form adding a dated note (organiser console, council page). */
export function noteForm(entry, ctx, idPrefix, labels) {
  const id = `${idPrefix}-${entry.id}-note`;
  const area = el("textarea", { id, dir: "auto", maxlength: MAX_NOTE_CHARS, rows: 2, class: "plan-input", required: true });
  return el("form", { class: "note-form", onsubmit: async (ev) => {
    ev.preventDefault();
    const text = area.value.trim();
    if (!text) return;
    const ack = await run(ctx, "plan_note_add", { entry_id: entry.id, text }, labels.done);
    if (ack.ok) { area.value = ""; ctx.refresh(); }
  } },
  el("label", { for: id, class: "field-label" }, labels.label),
  el("div", { class: "field-edit" }, area, el("button", { type: "submit", class: "btn btn-small btn-primary", id: `${id}-add` }, labels.submit)));
}
export const languageName = (l) => t(`console.language.${l}`);

/** A refusal in two parts: the console's own words (`own` wins, else console.error.<code>) and the server's
 *  message, in English, which names the field or the rule (useful to support). An unknown code: in English
 *  the server's message is the text; in another language "Something went wrong", the message its detail. */
function errorParts(error, own = null) {
  if (!error) return { text: own || t("console.error.unknown"), detail: "" };
  const known = own || (i18n.hasKey(`console.error.${error.code}`) ? t(`console.error.${error.code}`) : null);
  if (known) return { text: known, detail: error.message || "" };
  if (lang === "en") return { text: error.message || error.code || t("console.error.unknown"), detail: "" };
  return { text: t("console.error.unknown"), detail: error.message || error.code || "" };
}

/** A refusal as text (a sentence may hold it, as exports.js does): in English "text — the server's
 *  detail"; in another language the translated text alone, never with English inside it. */
export function errorText(error, own = null) {
  const { text, detail } = errorParts(error, own);
  return lang === "en" && detail ? `${text} — ${detail}` : text;
}

/** A refusal for a toast: in English the text of errorText; in another language the translated sentence,
 *  then the server's English detail on a line of its own (lang="en", dir="ltr", smaller: .error-detail). */
export function errorNode(error, own = null) {
  const { text, detail } = errorParts(error, own);
  if (lang === "en" || !detail) return errorText(error, own);
  return [el("span", { class: "error-sentence" }, text), el("span", { class: "error-detail", lang: "en", dir: "ltr" }, detail)];
}

// ---------------------------------------------------------------- dialogs

/**
 * A modal dialog (native <dialog>). fields: [{id, label, multiline, maxlength, required, value}].
 * Resolves with {values} on confirm or null on cancel.
 */
export function askDialog({ title, body, fields = [], confirm, cancel, danger = false }) {
  return new Promise((resolve) => {
    const dlg = el("dialog", { class: "dialog", aria: { labelledby: "dlg-title" } });
    const inputs = fields.map((f) => {
      const id = `dlg-${f.id}`;
      const input = el(f.multiline ? "textarea" : "input", {
        id, name: f.id, maxlength: f.maxlength, required: f.required, dir: "auto",
        rows: f.multiline ? 3 : null, type: f.multiline ? null : (f.type || "text"),
        min: f.min, max: f.max, inputmode: f.inputmode,
      });
      input.value = f.value ?? "";
      return [f, el("div", { class: "field" }, el("label", { for: id }, f.label), input, f.hint ? el("p", { class: "hint" }, f.hint) : null)];
    });
    const form = el("form", { method: "dialog" },
      el("h2", { id: "dlg-title" }, title),
      body ? (body instanceof Node ? body : el("p", {}, body)) : null,
      inputs.map(([, n]) => n),
      el("div", { class: "dialog-actions" },
        el("button", { type: "button", class: "btn", value: "cancel", onclick: () => dlg.close("cancel") }, cancel || t("console.dialog.cancel")),
        el("button", { type: "submit", class: danger ? "btn btn-danger" : "btn btn-primary", value: "ok" }, confirm || t("console.dialog.ok"))));
    form.addEventListener("submit", (ev) => {
      for (const [f, n] of inputs) {
        const input = n.querySelector("input,textarea");
        if (f.required && !input.value.trim()) { ev.preventDefault(); input.focus(); return; }
      }
    });
    dlg.append(form);
    dlg.addEventListener("close", () => {
      const ok = dlg.returnValue === "ok";
      const values = {};
      for (const [f, n] of inputs) values[f.id] = n.querySelector("input,textarea").value;
      dlg.remove();
      resolve(ok ? { values } : null);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = dlg.querySelector("input,textarea");
    if (first) first.focus();
  });
}

// ---------------------------------------------------------------- feedback

/**
 * Send a command and report the outcome: errors go to the toaster, success to the live
 * region (if `okMessage`). Resolves with the ack (or a synthetic error ack).
 */
export async function run(ctx, command, payload, okMessage) {
  let ack;
  try {
    ack = await ctx.conn.send(command, payload);
  } catch (err) {
    ack = { ok: false, error: { code: "offline", message: String(err && err.message || err) } };
  }
  if (!ack || !ack.ok) {
    if (!(ack && ack.error && ack.error.code === "conflict" && ctx.quietConflicts)) ctx.toast.show(errorNode(ack && ack.error), "error");
  } else if (okMessage) {
    announce(okMessage);
  }
  return ack || { ok: false, error: { code: "unknown" } };
}

export function statusBadge(status) {
  const s = status || "syncing";
  return el("span", { class: `conn conn-${s}`, role: "status" }, t(`console.conn.${s}`));
}

// ---------------------------------------------------------------- page frame

/** A console page's header: the app and the page's name, the workshop's title, then the tools. */
export function renderHeader(root, { role, title = null, tools = [] }) {
  rerender(root, [
    el("div", { class: "brand" },
      el("span", { class: "app-name" }, t("console.app")),
      el("span", { class: "role-name" }, role)),
    el("div", { class: "header-title" }, title),
    el("div", { class: "header-tools" }, tools),
  ]);
}

/** The picker of a page's language: kept on this device under `storageKey`, then the page is redrawn. */
export function pageLanguagePicker(storageKey, redraw) {
  return languagePicker("lang", currentLanguage(), async (l) => { saveLanguage(storageKey, l); await setLanguage(l); redraw(); });
}

/** A notice shown instead of the page (role: "status", or "alert" when something went wrong). */
export function pageNotice(role, title, body) {
  return el("div", { class: "card notice", role }, el("h2", {}, title), el("p", {}, body));
}

/** What a console shows instead of itself when signed out on this device or when its link is refused; else null. */
export function accessNotice(status) {
  if (status === "signed_out") return pageNotice("status", t("console.signOut.title"), t("console.signOut.body"));
  if (status === "unauthorized") return pageNotice("alert", t("console.unauthorized.title"), t("console.unauthorized.body"));
  return null;
}

// ---------------------------------------------------------------- model helpers

export const byId = (coll) => Object.values(coll || {});

/** Text typed by someone, isolated (FSI … PDI) so it cannot reorder the sentence around it. */
export function iso(str) {
  return `\u2068${str == null ? "" : str}\u2069`;
}

export function roomName(room) {
  if (!room) return "";
  // The server names rooms "Room <n>" by default: that is the translated "Room {n}", not a
  // name someone typed (the phone does the same).
  if (!room.name || room.name === `Room ${room.number}`) return t("console.room.number", { n: room.number });
  return iso(room.name);
}

export function roomParticipants(state, roomId) {
  return byId(state.participants).filter((p) => p.room_id === roomId);
}

export function groupCounts(people) {
  const counts = Object.fromEntries(GROUPS.map((g) => [g, 0]));
  for (const p of people) counts[p.group] = (counts[p.group] || 0) + 1;
  return counts;
}

/** Where a barrier stands in its room's list: a merged one takes its oldest member's place (it does
 *  not jump to the bottom as the newest post); members of members too. */
function placeOf(state, b, depth = 0) {
  if (!b.shared || depth > 20) return [String(b.created_at), b.id];
  const places = (b.members || []).map((id) => state.barriers[String(id)]).filter(Boolean).map((m) => placeOf(state, m, depth + 1));
  if (!places.length) return [String(b.created_at), b.id];
  return places.sort((x, y) => x[0].localeCompare(y[0]) || x[1] - y[1])[0];
}

/** Top-level barriers of a room (not merged away), most votes first, then in the order they were posted. */
export function topBarriers(state, roomId) {
  const place = new Map();
  const list = byId(state.barriers).filter((b) => b.room_id === roomId && !b.merged_into);
  for (const b of list) place.set(b.id, placeOf(state, b));
  return list.sort((a, b) => (b.votes - a.votes) || place.get(a.id)[0].localeCompare(place.get(b.id)[0])
    || place.get(a.id)[1] - place.get(b.id)[1]);
}

export function pushedBarrierIds(state) {
  const ids = new Map();
  for (const item of byId(state.plenary)) ids.set(item.barrier_id, item);
  return ids;
}

export function remainingMs(ctx, deadline) {
  if (!deadline) return null;
  const now = ctx.conn && ctx.conn.serverNow ? ctx.conn.serverNow() : Date.now();
  return Date.parse(deadline) - now;
}

/** The countdown element; `tickTimers` refreshes every [data-deadline] once a second. */
export function countdown(deadline, cls = "countdown") {
  return el("span", { class: cls, dataset: { deadline: deadline || "" } });
}

export function tickTimers(ctx, root = document) {
  for (const node of root.querySelectorAll("[data-deadline]")) {
    const d = node.dataset.deadline;
    node.classList.toggle("none", !d);
    if (!d) { node.textContent = t("console.timer.none"); node.classList.remove("expired", "ending"); continue; }
    const ms = remainingMs(ctx, d);
    node.textContent = ms > 0 ? fmtCountdown(ms) : t("console.timer.up");
    node.classList.toggle("expired", ms <= 0);
    node.classList.toggle("ending", ms > 0 && ms <= 60000);
  }
}

/** Announce "one minute left" / "time is up" once per deadline. */
export function timerAnnouncer(ctx) {
  const said = new Set();
  return (deadline, label) => {
    if (!deadline) return;
    const ms = remainingMs(ctx, deadline);
    const key1 = `${deadline}:1`, key0 = `${deadline}:0`;
    if (ms <= 60000 && ms > 55000 && !said.has(key1)) { said.add(key1); announce(t("console.timer.oneLeft", { room: label })); }
    if (ms <= 0 && ms > -5000 && !said.has(key0)) { said.add(key0); announce(t("console.timer.upFor", { room: label })); }
  };
}

// ---------------------------------------------------------------- room panel

/**
 * Everything a facilitator does with one room. ctx: {conn, toast, ui, role}; `ui` holds the
 * local view state (selections, drafts). Organisers pass room_id with room commands.
 */
export function renderRoomPanel(state, roomId, ctx) {
  const room = state.rooms[String(roomId)];
  if (!room) return el("p", {}, t("console.room.missing"));
  const ui = ctx.ui;
  ui.selected = ui.selected || {};
  const roomArg = ctx.role === "organiser" ? { room_id: roomId } : {};
  const people = roomParticipants(state, roomId);
  const kind = roundKind(state);
  const idp = `r${roomId}`;
  // The posts of one kind with their own selection: a merge takes posts of one kind only.
  const postsOf = (postType, selKey, prefix) => {
    const sel = (ui.selected[selKey] = ui.selected[selKey] || new Set());
    const barriers = topBarriers(state, roomId).filter((b) => !postType || postKind(b) === postType);
    // Forget selections of barriers that are gone or no longer top-level.
    for (const id of [...sel]) if (!barriers.some((b) => b.id === id && !b.hidden)) sel.delete(id);
    return postsSection(state, room, barriers, sel, ctx, roomArg, prefix, postType);
  };
  let mainPart;
  if (kind === "caucus") {
    mainPart = [postsOf("strength", `${roomId}:strength`, `${idp}-strength`), postsOf("barrier", roomId, idp)];
  } else if (kind === "solution_round") {
    mainPart = draftsSection(state, room, ctx, idp);
  } else {
    mainPart = postsOf(null, roomId, idp);
  }
  return el("div", { class: "room-panel" },
    el("div", { class: "room-top" },
      phaseControls(state, room, ctx, roomArg, idp),
      timerControls(room, ctx, roomArg, idp)),
    caucusLine(state, room),
    el("div", { class: "room-body" },
      el("div", { class: "room-main" },
        mainPart),
      el("div", { class: "room-side" },
        ctx.role === "facilitator" ? helpControls(state, room, ctx) : organiserHelp(state, room, ctx),
        voteProgressLine(state, room, people),
        peopleSection(state, people, ctx, room, idp),
        readsControls(state, room, ctx, roomArg, idp),
        ctx.role === "organiser" ? linkControls(room, ctx) : null)));
}

/** Which of the workshop's languages the room's facilitator reads (room_languages_set): mixed rooms
 *  seat people who read one of them here where the sectors and sides allow. */
function readsControls(state, room, ctx, roomArg, idp) {
  const langs = (state.workshop && state.workshop.languages) || [];
  if (langs.length < 2) return null;
  const reads = room.languages || [];
  const boxes = langs.map((lang) => el("input", { type: "checkbox", class: "check", id: `${idp}-reads-${lang}`,
    checked: reads.includes(lang) || null, onchange: () => toggle() }));
  // The set sent is what the boxes show now, not `reads` from the last draw: a second tick before the
  // first one's event redraws them would otherwise send the old set and undo the first.
  const toggle = () => run(ctx, "room_languages_set",
    { ...roomArg, languages: langs.filter((_, i) => boxes[i].checked) }, t("console.reads.saved"));
  return el("fieldset", { class: "card reads", id: `${idp}-reads` },
    el("legend", {}, t(ctx.role === "facilitator" ? "console.reads.mine" : "console.reads.title")),
    el("p", { class: "hint" }, t("console.reads.hint")),
    el("div", { class: "row" }, langs.map((lang, i) => el("label", { class: "reads-lang" },
      boxes[i], " ", languageName(lang)))));
}

/** A phase tap of this room not answered yet: sent from this page, or still in the outbox (after a reload). */
function pendingPhaseTap(ctx, room) {
  const mine = (ctx.ui.phasePending || {})[room.id];
  if (mine) return mine;
  const queued = ctx.conn && ctx.conn.outbox ? ctx.conn.outbox() : [];
  const item = queued.find((q) => (q.command === "phase_advance" || q.command === "phase_back")
    && (q.payload.room_id === undefined || q.payload.room_id === room.id) && q.payload.from_phase === room.phase);
  return item ? { command: item.command, from: item.payload.from_phase } : null;
}

/** The workshop's sector keys in order (the four groups for a state from before sectors). */
export function sectorKeys(state) {
  const own = ((state && state.sectors) || []).map((x) => x.key);
  return own.length ? own : [...GROUPS];
}

/** A sector's name in the console's language: one of the four groups by the console's own label
 *  (as before sectors), else the organiser's name (isolated user text), else its name in the
 *  workshop's first language. */
export function sectorLabel(state, key) {
  if (GROUPS.includes(key)) return el("span", {}, groupName(key));
  const n = sectorName(state, key, lang);
  return n.typed ? userText(n.text, "span") : el("span", {}, n.text);
}

/** The sectors a caucus room gathers, in the console's language. */
function caucusLine(state, room) {
  if (roundKind(state) !== "caucus" || !(room.sectors || []).length) return null;
  const names = [];
  for (const k of room.sectors) {
    if (names.length) names.push(t("room.agenda.list_separator"));
    names.push(sectorLabel(state, k)); // each name isolated, separators in the page's direction
  }
  return el("p", { class: "caucus-line", id: `r${room.id}-caucus` },
    el("strong", {}, t("room.agenda.console.caucus")), " ", names);
}

// ---------------------------------------------------------------- a solution room's drafts

/** The room's priorities as a form of the guiding questions (plan_entry_update, saved as typed). */
function draftsSection(state, room, ctx, idp) {
  const drafts = roomDrafts(state, room.id);
  const writing = room.phase === "solutions";
  return el("section", { class: "card drafts-card", aria: { labelledby: `${idp}-drafts-h` } },
    el("div", { class: "posts-head" },
      el("h2", { id: `${idp}-drafts-h` }, t("room.agenda.console.drafts", { count: drafts.length })),
      el("span", { class: "hint" }, t(writing ? "room.agenda.console.draftsExplain" : "room.agenda.console.draftsClosed"))),
    drafts.length
      ? renderPlan(state, ctx, {
        entries: drafts, fields: QUESTION_FIELDS, editable: writing ? QUESTION_FIELDS : [], open: writing,
        label: (f) => questionText(state, f, lang, t), idPrefix: `${idp}-draft`, autosave: true, compact: true,
      })
      : el("p", { class: "empty" }, t("room.agenda.console.noDrafts")));
}

// Two taps on a room's phase buttons closer together than this are a double tap: one tap (phaseControls).
const PHASE_TAP_GAP_MS = 500;

function phaseControls(state, room, ctx, roomArg, idp) {
  // The phases of the round the day stands on (docs/agenda.md); the server refuses any other.
  const phases = roomPhases(roundKind(state));
  const i = phases.indexOf(room.phase);
  const next = i < 0 ? undefined : phases[i + 1];
  const prev = i < 0 ? undefined : phases[i - 1];
  const label = roomName(room);
  // The phase these buttons were drawn for. The command names it (from_phase): the second tap of
  // a double tap, or a tap queued offline behind one that already ran, is refused (stale_phase).
  const from = room.phase;
  const pending = pendingPhaseTap(ctx, room);
  const offline = ctx.conn && ctx.conn.status && ctx.conn.status() === "offline";
  const step = async (command, to) => {
    ctx.ui.phasePending = ctx.ui.phasePending || {};
    if (pendingPhaseTap(ctx, room)) return;
    // On a fast network the first tap's answer can redraw the buttons within a double tap's gap,
    // and the second tap would land on the new, enabled Next: taps on one room's phase buttons
    // closer together than PHASE_TAP_GAP_MS are one tap.
    ctx.ui.phaseTapAt = ctx.ui.phaseTapAt || {};
    const now = performance.now();
    if (now - (ctx.ui.phaseTapAt[room.id] ?? -Infinity) < PHASE_TAP_GAP_MS) return;
    ctx.ui.phaseTapAt[room.id] = now;
    ctx.ui.phasePending[room.id] = { command, from };
    // Disabled now, not at the next redraw: a second tap lands on a disabled button.
    for (const id of [`${idp}-back`, `${idp}-next`]) {
      const b = document.getElementById(id);
      if (b) { b.disabled = true; if (id.endsWith(command === "phase_back" ? "back" : "next")) b.setAttribute("aria-busy", "true"); }
    }
    ctx.refresh();
    try {
      await run(ctx, command, { ...roomArg, from_phase: from }, t("console.phase.nowIn", { room: label, phase: phaseName(to) }));
    } finally {
      delete ctx.ui.phasePending[room.id];
      ctx.refresh();
    }
  };
  const advance = async () => {
    if (next === "reveal" && !room.revealed) {
      const count = shownBarriers(state.barriers, room.id).length;
      const ok = await askDialog({
        title: t("console.reveal.confirmTitle"),
        body: t("console.reveal.confirmBody", { count }),
        confirm: t("console.reveal.confirm"),
      });
      if (!ok) return;
    }
    await step("phase_advance", next);
  };
  const back = () => step("phase_back", prev);
  const busy = (command) => pending && pending.command === command;
  return el("section", { class: "card phase-card", aria: { labelledby: `${idp}-phase-h` } },
    el("h2", { id: `${idp}-phase-h` }, t("console.phase.title")),
    el("ol", { class: "stepper" }, phases.map((p, k) => el("li", {
      class: ["step", k < i && "done", k === i && "current"],
      aria: { current: k === i ? "step" : null },
    }, el("span", { class: "step-n" }, fmtNumber(k + 1)), el("span", { class: "step-name" }, phaseName(p))))),
    el("div", { class: "row" },
      el("button", { type: "button", class: "btn", id: `${idp}-back`, disabled: !prev || !!pending, onclick: back,
        aria: { busy: busy("phase_back") ? "true" : null } },
        prev ? t("console.phase.back", { phase: phaseName(prev) }) : t("console.phase.atStart"), busy("phase_back") ? "…" : null),
      el("button", { type: "button", class: next === "reveal" ? "btn btn-primary btn-reveal" : "btn btn-primary", id: `${idp}-next`,
        disabled: !next || !!pending, onclick: advance, aria: { busy: busy("phase_advance") ? "true" : null } },
        next ? (next === "reveal" && !room.revealed ? t("console.reveal.button") : t("console.phase.next", { phase: phaseName(next) })) : t("console.phase.atEnd"),
        busy("phase_advance") ? "…" : null)),
    pending ? el("p", { class: "hint phase-pending", role: "status", id: `${idp}-phase-pending` },
      t(offline ? "console.phase.queued" : "console.phase.sending")) : null,
    !phases.includes("reveal") ? null
      : room.revealed ? el("p", { class: "hint" }, t("console.reveal.done")) : el("p", { class: "hint" }, t("console.reveal.notYet")));
}

function timerControls(room, ctx, roomArg, idp) {
  const running = !!room.deadline;
  const set = (secs) => run(ctx, "timer_set", { ...roomArg, seconds: secs }, t("console.timer.started", { minutes: secs / 60 }));
  const customId = `${idp}-custom-min`;
  const maxMinutes = MAX_TIMER_SECS / 60;
  // Empty at first, in the console's digits once typed, a Persian keyboard's ۵ taken (number-field.js); anything
  // else refused with a line saying why, under the form.
  const custom = wholeNumberField({ id: customId, min: 1, max: maxMinutes, value: null, drafts: ctx.ui.drafts, cls: "input-num",
    message: t("console.timer.customInvalid") });
  const startCustom = (ev) => {
    ev.preventDefault();
    const minutes = custom.read();
    if (minutes === null) { custom.input.focus(); return; }
    set(minutes * 60);
  };
  return el("section", { class: "card timer-card", aria: { labelledby: `${idp}-timer-h` } },
    el("div", { class: "timer-head" },
      el("h2", { id: `${idp}-timer-h` }, t("console.timer.title")),
      el("p", { class: "timer-big", role: "timer", aria: { live: "off" } }, countdown(room.deadline))),
    el("div", { class: "row", role: "group", aria: { label: t("console.timer.presets") } },
      [3, 5, 10].map((m) => el("button", { type: "button", class: "btn", id: `${idp}-t${m}`, onclick: () => set(m * 60) }, t("console.timer.preset", { minutes: m })))),
    el("form", { class: "row", novalidate: true, onsubmit: startCustom },
      el("label", { for: customId }, t("console.timer.customLabel")), custom.input,
      el("button", { type: "submit", class: "btn", id: `${idp}-tstart` }, t("console.timer.start"))),
    custom.error,
    el("div", { class: "row" },
      el("button", { type: "button", class: "btn btn-small", id: `${idp}-e1`, disabled: !running, onclick: () => run(ctx, "timer_extend", { ...roomArg, seconds: 60 }, t("console.timer.extended", { minutes: 1 })) }, t("console.timer.extend", { minutes: 1 })),
      el("button", { type: "button", class: "btn btn-small", id: `${idp}-e5`, disabled: !running, onclick: () => run(ctx, "timer_extend", { ...roomArg, seconds: 300 }, t("console.timer.extended", { minutes: 5 })) }, t("console.timer.extend", { minutes: 5 })),
      el("button", { type: "button", class: "btn btn-small", id: `${idp}-tclear`, disabled: !running, onclick: () => run(ctx, "timer_clear", { ...roomArg }, t("console.timer.cleared")) }, t("console.timer.clear"))));
}

function helpControls(state, room, ctx) {
  const call = (state.help || {})[String(room.id)];
  const ui = ctx.ui;
  const ask = async () => {
    const res = await askDialog({
      title: t("console.help.dialogTitle"),
      fields: [{ id: "message", label: t("console.help.messageLabel"), multiline: true, maxlength: MAX_MESSAGE_CHARS }],
      confirm: t("console.help.send"),
    });
    if (!res) return;
    const msg = res.values.message.trim();
    const ack = await run(ctx, "help_call", msg ? { message: msg } : {}, t("console.help.sent"));
    if (ack.ok) ui.helpPending = true;
  };
  let body;
  if (call) {
    body = [
      el("p", { class: "help-open", role: "status" }, t("console.help.waiting", { time: fmtTime(call.at) })),
      call.message ? el("blockquote", {}, userText(call.message, "p")) : null,
      el("button", { type: "button", class: "btn", id: "help-cancel", onclick: () => run(ctx, "help_clear", {}, t("console.help.cancelled")) }, t("console.help.cancel")),
    ];
  } else {
    body = [
      ui.helpAnswered ? el("p", { class: "help-answered", role: "status" }, t("console.help.answered")) : el("p", { class: "hint" }, t("console.help.explain")),
      el("button", { type: "button", class: "btn btn-help", id: "help-call", onclick: ask }, t("console.help.button")),
    ];
  }
  return el("section", { class: "card help-card", aria: { labelledby: "help-h" } }, el("h2", { id: "help-h" }, t("console.help.title")), body);
}

function organiserHelp(state, room, ctx) {
  const call = (state.help || {})[String(room.id)];
  if (!call) return null;
  return el("section", { class: "card help-card help-alert", aria: { labelledby: `hh${room.id}` } },
    el("h2", { id: `hh${room.id}` }, t("console.help.callFrom", { room: roomName(room) })),
    el("p", {}, t("console.help.calledAt", { time: fmtTime(call.at) })),
    call.message ? el("blockquote", {}, userText(call.message, "p")) : null,
    el("button", { type: "button", class: "btn btn-primary", id: `hc-panel-${room.id}`, onclick: () => run(ctx, "help_clear", { room_id: room.id }, t("console.help.markedAnswered")) }, t("console.help.answer")));
}

function peopleSection(state, people, ctx, room, idp) {
  const counts = groupCounts(people);
  // The workshop's own sectors (an SPCP day's Faith, Youth, ...), and any key someone joined with.
  const keys = sectorKeys(state);
  for (const p of people) if (p.group && !keys.includes(p.group)) keys.push(p.group);
  const rooms = byId(state.rooms).sort((a, b) => a.number - b.number);
  const canMove = ctx.role === "organiser" && rooms.length > 1;
  const isOrganiser = ctx.role === "organiser";
  return el("section", { class: "card people-card", aria: { labelledby: `${idp}-people-h` } },
    el("h2", { id: `${idp}-people-h` }, t("console.people.title", { count: people.length })),
    people.length === 0 ? el("p", { class: "hint" }, t("console.people.none")) : null,
    el("ul", { class: "group-list" }, keys.map((g) => {
      const members = people.filter((p) => p.group === g);
      const named = members.filter((p) => p.name);
      const unnamed = members.length - named.length;
      return el("li", { class: `group group-${g}` },
        el("div", { class: "group-head" },
          el("span", { class: "group-name" }, sectorLabel(state, g)),
          el("span", { class: "count-pill" }, fmtNumber(counts[g] || 0))),
        members.length ? el("ul", { class: "names" },
          named.map((p) => el("li", {}, userText(p.name, "span", "name"),
            canMove ? moveControl(p, rooms, ctx) : null, seatCodeControl(p, ctx), removeControl(p, ctx))),
          unnamed ? el("li", { class: "hint" }, t("console.people.unnamed", { count: unnamed })) : null,
          isOrganiser ? members.filter((p) => !p.name).map((p) => el("li", { class: "hint" },
            el("span", {}, t("console.people.anonymousN", { id: p.id })), canMove ? moveControl(p, rooms, ctx) : null,
            seatCodeControl(p, ctx), removeControl(p, ctx))) : null) : null);
    })));
}

/** Re-admit someone whose phone died: a new seat code for them (seat_code_issue), shown here once, to be
 *  given to them alone; on their new phone they choose "I was here before" and enter it. */
function seatCodeControl(p, ctx) {
  const who = p.name ? iso(p.name) : t("console.people.anonymousN", { id: p.id });
  return el("button", { type: "button", class: "btn btn-small btn-quiet", id: `seat-${p.id}`,
    aria: { label: t("console.seat.label", { name: who }) },
    onclick: async () => {
      const ack = await run(ctx, "seat_code_issue", { participant_id: p.id });
      if (!ack.ok || !ack.result.seat_code) return;
      await askDialog({
        title: t("console.seat.title", { name: who }),
        body: t("console.seat.explain"),
        fields: [{ id: "seat-code", label: t("console.seat.code"), value: ack.result.seat_code }],
        confirm: t("console.link.close"),
      });
    } }, t("console.seat.button"));
}

function removeControl(p, ctx) {
  const who = p.name ? iso(p.name) : t("console.people.anonymousN", { id: p.id });
  return el("button", { type: "button", class: "btn btn-small btn-quiet", id: `remove-${p.id}`,
    aria: { label: t("console.remove.label", { name: who }) },
    onclick: async () => {
      const res = await askDialog({
        title: t("console.remove.title", { name: who }),
        body: t("console.remove.explain"),
        fields: [{ id: "reason", label: t("console.remove.reason"), multiline: true, maxlength: MAX_REASON_CHARS, required: true }],
        confirm: t("console.remove.confirm"),
        danger: true,
      });
      if (!res) return;
      await run(ctx, "participant_remove", { participant_id: p.id, reason: res.values.reason.trim() }, t("console.remove.done"));
    } }, t("console.remove.button"));
}

/** Organiser: revoke a room's facilitator link, or issue a new one (shown once). */
function linkControls(room, ctx) {
  const revoke = async () => {
    const res = await askDialog({
      title: t("console.link.revokeTitle", { room: roomName(room) }),
      body: t("console.link.revokeExplain"),
      fields: [{ id: "reason", label: t("console.link.reason"), maxlength: MAX_REASON_CHARS }],
      confirm: t("console.link.revoke"),
      danger: true,
    });
    if (res) await run(ctx, "facilitator_revoke", { room_id: room.id, reason: res.values.reason.trim() }, t("console.link.revoked"));
  };
  const renew = async () => {
    const ack = await run(ctx, "facilitator_invite_renew", { room_id: room.id }, t("console.link.renewed"));
    if (!ack.ok || !ack.result.token) return;
    await askDialog({
      title: t("console.link.renewTitle", { room: roomName(room) }),
      body: t("console.link.renewExplain"),
      fields: [{ id: "link", label: t("console.link.url"), value: `${ctx.baseUrl ? ctx.baseUrl() : location.origin}/f#${ack.result.token}` }],
      confirm: t("console.link.close"),
    });
  };
  return el("section", { class: "card link-card", aria: { labelledby: `lk${room.id}` } },
    el("h2", { id: `lk${room.id}` }, t("console.link.title")),
    el("p", { class: "hint" }, t("console.link.explain")),
    el("div", { class: "toolbar" },
      el("button", { type: "button", class: "btn btn-small", id: `renew-${room.id}`, onclick: renew }, t("console.link.renew")),
      el("button", { type: "button", class: "btn btn-small btn-quiet", id: `revoke-${room.id}`, onclick: revoke }, t("console.link.revoke"))));
}

function moveControl(p, rooms, ctx) {
  const id = `move-${p.id}`;
  const select = el("select", { id, class: "select-small", aria: { label: t("console.move.label", { name: p.name ? iso(p.name) : t("console.people.anonymousN", { id: p.id }) }) } },
    el("option", { value: "" }, t("console.move.placeholder")),
    rooms.filter((r) => r.id !== p.room_id).map((r) => el("option", { value: String(r.id) }, roomName(r))));
  select.addEventListener("change", async () => {
    const to = Number(select.value);
    if (!to) return;
    const target = rooms.find((r) => r.id === to);
    // A move acts at once on someone's phone: name the person and the room, and let Cancel undo the choice.
    const who = p.name ? iso(p.name) : t("console.people.anonymousN", { id: p.id });
    const res = await askDialog({
      title: t("console.move.confirmTitle", { name: who, room: roomName(target) }),
      body: t("console.move.confirmBody", { room: roomName(target) }),
      confirm: t("console.move.confirm"),
    });
    if (!res) { select.value = ""; select.focus(); return; }
    await run(ctx, "participant_move", { participant_id: p.id, room_id: to }, t("console.move.done", { room: roomName(target) }));
  });
  return select;
}

// How far the room's open vote has got, counts only (vote_progress, server/domain/tallies.py).
function voteProgressLine(state, room, people) {
  if (roundKind(state) !== "breakout") return null; // the SPCP rounds have no dots in the rooms
  const kind = room.phase === "vote" ? "barrier" : room.phase === "solutions" ? "solution" : null;
  const cell = kind && ((state.vote_progress || {})[String(room.id)] || {})[kind];
  if (!cell) return null;
  const total = Math.max(people.length, cell.voted);
  return el("p", { class: "card vote-progress", role: "status" },
    t("console.votes.progress", { voted: fmtNumber(cell.voted), people: fmtNumber(total),
      left: fmtNumber(Math.max(total - cell.spent, 0)) }));
}

// `postType` is a caucus's kind of post (strength | barrier): its own list, title and merges.
function postsSection(state, room, barriers, sel, ctx, roomArg, idp, postType = null) {
  const pushed = pushedBarrierIds(state);
  const canMerge = room.phase === "reveal" || room.phase === "vote";
  const canPush = room.phase === "report_out" && (state.workshop.phase === "breakouts" || state.workshop.phase === "plenary");
  const selecting = canMerge || canPush;
  const visible = barriers.filter((b) => !b.hidden);
  const hidden = barriers.filter((b) => b.hidden);
  const solutions = byId(state.solutions).filter((s) => s.room_id === room.id);
  const totalVotes = visible.reduce((n, b) => n + (b.votes || 0), 0);

  const toolbar = [];
  if (canMerge) {
    const textId = `${idp}-merge-text`;
    const mergeText = draftInput(ctx.ui.drafts, textId, { maxlength: MAX_BARRIER_CHARS, dir: "auto", placeholder: t("console.merge.placeholder") });
    const doMerge = async (ev) => {
      ev.preventDefault();
      const ids = [...sel];
      if (ids.length < 2) { ctx.toast.show(t("console.merge.needTwo"), "error"); return; }
      const text = mergeText.value.trim();
      const ack = await run(ctx, "barrier_merge", { ...roomArg, barrier_ids: ids, ...(text ? { text } : {}) }, t("console.merge.done", { count: ids.length }));
      if (ack.ok) { sel.clear(); delete ctx.ui.drafts[textId]; ctx.refresh(); }
    };
    toolbar.push(el("form", { class: "toolbar", onsubmit: doMerge, aria: { label: t("console.merge.title") } },
      el("span", { class: "toolbar-count", aria: { live: "polite" } }, t("console.select.count", { count: sel.size })),
      el("label", { for: textId, class: "grow" }, el("span", { class: "label-text" }, t("console.merge.wording")), mergeText),
      el("button", { type: "submit", class: "btn btn-primary", id: `${idp}-merge`, disabled: sel.size < 2 }, sel.size < 2 ? t("console.merge.button.one") : t("console.merge.button", { count: sel.size }))));
  }
  if (canPush) {
    const doPush = async () => {
      const ids = [...sel];
      if (!ids.length) return;
      const ack = await run(ctx, "report_push", { ...roomArg, barrier_ids: ids }, t("console.report.done", { count: ids.length }));
      if (ack.ok) { sel.clear(); ctx.refresh(); }
    };
    toolbar.push(el("div", { class: "toolbar" },
      el("span", { class: "toolbar-count", aria: { live: "polite" } }, t("console.select.count", { count: sel.size })),
      el("p", { class: "hint grow" }, t("console.report.explain")),
      el("button", { type: "button", class: "btn btn-primary", id: `${idp}-push`, disabled: sel.size < 1, onclick: doPush }, sel.size < 2 ? t("console.report.button.one") : t("console.report.button", { count: sel.size }))));
  } else if (room.phase === "report_out") {
    toolbar.push(el("p", { class: "hint" }, t("console.report.closed")));
  }

  const dots = roundKind(state) === "breakout"; // a caucus has no dots in its rooms: no tallies
  const card = (b) => barrierCard(state, room, b, { sel, selecting: selecting && !b.hidden && !pushed.has(b.id), pushed: pushed.get(b.id), solutions, ctx, roomArg, canMerge, canPush, totalVotes, dots });
  return el("section", { class: ["card", "posts-card", postType && `posts-${postType}`], aria: { labelledby: `${idp}-posts-h` } },
    el("div", { class: "posts-head" },
      postType
        ? el("h2", { id: `${idp}-posts-h` }, el("span", { dir: "auto" }, promptText(state, postType, lang, t)), " ",
          el("span", { class: "count" }, t("room.agenda.console.count", { count: visible.length })))
        : el("h2", { id: `${idp}-posts-h` }, t("console.posts.title", { count: visible.length })),
      el("span", { class: "hint" }, room.revealed ? (dots ? t("console.posts.votes", { count: totalVotes }) : null) : t("console.posts.unrevealedAll"))),
    !room.revealed && barriers.some((b) => flagsOf(state, "barrier", b.id).length)
      ? el("p", { class: "flag-summary", id: `${idp}-flag-summary` }, t("console.flag.summary", { count: barriers.filter((b) => flagsOf(state, "barrier", b.id).length).length }))
      : null,
    toolbar,
    visible.length === 0 ? el("p", { class: "empty" }, t(room.phase === "lobby" ? "console.posts.noneLobby" : "console.posts.none")) : null,
    el("ul", { class: "barrier-list" }, visible.map(card)),
    hidden.length ? el("details", { class: "hidden-posts" },
      el("summary", {}, t("console.posts.hiddenCount", { count: hidden.length })),
      el("ul", { class: "barrier-list" }, hidden.map(card))) : null);
}

// Second-look flags (server/domain/pii.py): literal keys, one per flag the server sends.
const FLAG_LABELS = { address: "console.flag.address", badge: "console.flag.badge", email: "console.flag.email", phone: "console.flag.phone" };

function flagsOf(state, kind, id) {
  return ((state.flags || {})[`${kind}:${id}`] || []).filter((f) => FLAG_LABELS[f]);
}

// "Check before reveal": the post looks like it names or identifies someone. Hide or edit are the actions.
function flagNotice(room, flags, compact = false) {
  if (!flags.length) return null;
  const what = flags.map((f) => t(FLAG_LABELS[f])).join(t("console.flag.separator"));
  return el("p", { class: ["flag-notice", compact && "is-compact"] },
    el("span", { class: "flag-icon", aria: { hidden: "true" } }, "⚑"),
    el("strong", {}, t(room.revealed ? "console.flag.title" : "console.flag.beforeReveal")), " ",
    el("span", {}, t("console.flag.looksLike", { what })));
}

function authorMeta(room, item) {
  if (item.author_name) return userText(item.author_name, "span", "author");
  // The silent brainstorm is screened blind: no names until the reveal (docs/protocol.md, views).
  return el("span", { class: "author anon" }, t(room.revealed ? "console.posts.anonymous" : "console.posts.screened"));
}

// Objections from authors of merged barriers: never who, only that one of them objects.
function objectionNotice(state, room, b, o) {
  const open = Object.values(state.objections || {}).filter((x) => x.shared_id === b.id && x.status === "open");
  if (!open.length) return null;
  const { ctx } = o;
  const reasons = open.filter((x) => x.reason);
  const canUndo = o.canMerge && !o.pushed;
  return el("div", { class: "objection-notice", role: "group", aria: { labelledby: `obj-h-${b.id}` } },
    el("p", { id: `obj-h-${b.id}`, class: "objection-title" },
      el("strong", {}, t("console.objection.title", { count: open.length }))),
    reasons.length ? el("ul", { class: "objection-reasons" }, reasons.map((x) => el("li", {}, userText(x.reason, "span")))) : null,
    el("p", { class: "hint" }, t(canUndo ? "console.objection.explain" : "console.objection.explainNoUndo")),
    el("div", { class: "objection-actions" },
      canUndo ? el("button", { type: "button", class: "btn btn-small", id: `obj-undo-${b.id}`,
        onclick: () => run(ctx, "merge_undo", { shared_id: b.id }, t("console.merge.undone")) }, t("console.objection.undo")) : null,
      el("button", { type: "button", class: "btn btn-small btn-quiet", id: `obj-keep-${b.id}`,
        onclick: () => run(ctx, "merge_objection_dismiss", { shared_id: b.id }, t("console.objection.kept")) }, t("console.objection.keep"))));
}

function barrierCard(state, room, b, o) {
  const { sel, ctx } = o;
  const boxId = `sel-${b.id}`;
  const members = b.shared ? (b.members || []).map((id) => state.barriers[String(id)]).filter(Boolean) : [];
  const sols = o.solutions.filter((s) => s.barrier_id === b.id).sort((x, y) => (y.votes - x.votes) || x.id - y.id);
  const badges = [];
  if (!room.revealed) badges.push(el("span", { class: "badge badge-private" }, t("console.badge.unrevealed")));
  if (b.shared) badges.push(el("span", { class: "badge badge-shared" }, t("console.badge.merged", { count: members.length })));
  if (b.hidden) badges.push(el("span", { class: "badge badge-hidden" }, t("console.badge.hidden")));
  if (b.edited) badges.push(el("span", { class: "badge badge-edited" }, t("console.badge.edited")));
  if (o.pushed) badges.push(el("span", { class: "badge badge-pushed" }, t("console.badge.pushed")));
  const flags = flagsOf(state, "barrier", b.id);
  const maxVotes = Math.max(1, ...topBarriers(state, room.id).map((x) => x.votes || 0));

  const actions = [];
  if (b.shared && o.canMerge && !o.pushed) {
    actions.push(el("button", { type: "button", class: "btn btn-small", id: `undo-${b.id}`,
      onclick: () => run(ctx, "merge_undo", { shared_id: b.id }, t("console.merge.undone")) }, t("console.merge.undo")));
  }
  if (b.hidden) {
    actions.push(el("button", { type: "button", class: "btn btn-small", id: `restore-${b.id}`,
      onclick: () => run(ctx, "post_restore", { kind: "barrier", id: b.id }, t("console.hide.restored")) }, t("console.hide.restore")));
  } else if (!o.pushed) {
    actions.push(el("button", { type: "button", class: "btn btn-small btn-quiet", id: `edit-${b.id}`,
      onclick: () => editPost(ctx, "barrier", b) }, t("console.edit.button")));
    actions.push(el("button", { type: "button", class: "btn btn-small btn-quiet", id: `hide-${b.id}`,
      onclick: () => hidePost(ctx, "barrier", b) }, t("console.hide.button")));
  }
  if (o.pushed && ctx.role === "organiser" || (o.pushed && ctx.role === "facilitator")) {
    const inPlan = byId(state.plan).some((e) => e.plenary_item_id === o.pushed.id);
    if (!inPlan && (state.workshop.phase === "breakouts" || state.workshop.phase === "plenary")) {
      actions.push(el("button", { type: "button", class: "btn btn-small btn-quiet", id: `withdraw-${o.pushed.id}`,
        onclick: () => run(ctx, "report_withdraw", { item_id: o.pushed.id }, t("console.report.withdrawn")) }, t("console.report.withdraw")));
    }
  }

  const label = el("label", { for: boxId, class: "barrier-text" }, userText(b.text, "span", "post-text"));
  const textBlock = o.selecting ? label : el("div", { class: "barrier-text" }, userText(b.text, "span", "post-text"));
  return el("li", { class: ["barrier", b.hidden && "is-hidden", b.shared && "is-shared", sel.has(b.id) && "is-selected"] },
    el("div", { class: "barrier-row" },
      o.selecting ? el("input", { type: "checkbox", id: boxId, class: "check", checked: sel.has(b.id),
        onchange: (ev) => { if (ev.target.checked) sel.add(b.id); else sel.delete(b.id); ctx.refresh(); } }) : null,
      el("div", { class: "barrier-body" },
        textBlock,
        el("div", { class: "meta" },
          authorMeta(room, b),
          badges),
        flagNotice(room, flags),
        b.hidden ? el("p", { class: "hidden-reason" }, t("console.hide.reasonShown"), " ", userText(b.hidden_reason || "", "span")) : null),
      actions.length ? el("div", { class: "barrier-actions" }, actions) : null,
      o.dots === false ? null : el("div", { class: "tally", role: "img", aria: { label: t("console.posts.votesLabel", { count: b.votes || 0 }) } },
        el("span", { class: "tally-n", aria: { hidden: "true" } }, fmtNumber(b.votes || 0)),
        el("span", { class: "tally-bar", aria: { hidden: "true" } }, barFill((b.votes || 0) / maxVotes)))),
    objectionNotice(state, room, b, o),
    members.length ? el("details", { class: "members" },
      el("summary", {}, t("console.merge.members", { count: members.length })),
      el("ul", {}, members.map((m) => el("li", { dir: "auto" }, userText(m.text, "span", "post-text"),
        m.author_name ? [" — ", userText(m.author_name, "span", "author")] : null,
        flagNotice(room, flagsOf(state, "barrier", m.id), true),
        Object.values(state.objections || {}).some((x) => x.shared_id === m.id && x.status === "open")
          ? [" ", el("span", { class: "badge badge-objection" }, t("console.objection.badge"))] : null)))) : null,
    sols.length ? el("ul", { class: "solutions", aria: { label: t("console.solutions.title") } }, sols.map((s) => el("li", { class: ["solution", s.hidden && "is-hidden"] },
      el("span", { class: "sol-mark", aria: { hidden: "true" } }, "↳"),
      el("div", { class: "barrier-body" },
        userText(s.text, "span", "post-text"),
        el("div", { class: "meta" },
          authorMeta(room, s),
          s.hidden ? el("span", { class: "badge badge-hidden" }, t("console.badge.hidden")) : null,
          s.edited ? el("span", { class: "badge badge-edited" }, t("console.badge.edited")) : null),
        flagNotice(room, flagsOf(state, "solution", s.id), true),
        s.hidden ? el("p", { class: "hidden-reason" }, t("console.hide.reasonShown"), " ", userText(s.hidden_reason || "", "span")) : null),
      el("span", { class: "tally-n small", aria: { label: t("console.posts.votesLabel", { count: s.votes || 0 }) } }, fmtNumber(s.votes || 0)),
      s.hidden
        ? el("button", { type: "button", class: "btn btn-small", id: `srestore-${s.id}`, onclick: () => run(ctx, "post_restore", { kind: "solution", id: s.id }, t("console.hide.restored")) }, t("console.hide.restore"))
        : [el("button", { type: "button", class: "btn btn-small btn-quiet", id: `sedit-${s.id}`, onclick: () => editPost(ctx, "solution", s) }, t("console.edit.button")),
          el("button", { type: "button", class: "btn btn-small btn-quiet", id: `shide-${s.id}`, onclick: () => hidePost(ctx, "solution", s) }, t("console.hide.button"))]))) : null);
}

export function barFill(fraction) {
  const fill = el("span", { class: "bar-fill" });
  fill.style.inlineSize = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
  return fill;
}

async function editPost(ctx, kind, item) {
  const res = await askDialog({
    title: t("console.edit.title"),
    body: t("console.edit.explain"),
    fields: [{ id: "text", label: t("console.edit.text"), multiline: true, maxlength: kind === "barrier" ? MAX_BARRIER_CHARS : MAX_SOLUTION_CHARS, required: true, value: item.text }],
    confirm: t("console.edit.confirm"),
  });
  if (!res || res.values.text.trim() === item.text) return;
  await run(ctx, "post_edit", { kind, id: item.id, text: res.values.text.trim() }, t("console.edit.done"));
}

async function hidePost(ctx, kind, item) {
  const quote = el("blockquote", {}, userText(item.text, "p"));
  const res = await askDialog({
    title: t(kind === "barrier" ? "console.hide.titleBarrier" : "console.hide.titleSolution"),
    body: el("div", {}, quote, el("p", { class: "hint" }, t("console.hide.explain"))),
    fields: [{ id: "reason", label: t("console.hide.reason"), multiline: true, maxlength: MAX_REASON_CHARS, required: true }],
    confirm: t("console.hide.confirm"),
    danger: true,
  });
  if (!res) return;
  await run(ctx, "post_hide", { kind, id: item.id, reason: res.values.reason.trim() }, t("console.hide.done"));
}

// ---------------------------------------------------------------- action plan editor

const AUTOSAVE_MS = 800;

/**
 * The action plan: every entry, every field editable with its own version.
 * `editable` lists the fields this role edits; conflicts show the current value and let the
 * person retry with their text (against the new version) or take the other version.
 * ui.plan = {drafts: {"entry:field": text}, conflicts: {"entry:field": {mine, theirs, version}}, saving}
 */
// A solution room's drafts (draftsSection) pass `fields` (the guiding questions), `label` (each
// question's wording), `open` (the room is writing), `entries` in their rank order, `autosave`
// (a field is saved when the typing pauses, so the room's phones follow the draft) and `compact`
// (no status chip, no notes).
export function renderPlan(state, ctx, {
  editable = PLAN_FIELDS, entries = null, idPrefix = "plan", fields = PLAN_FIELDS, open: openArg = null, label = null,
  autosave = false, compact = false, after = null,
} = {}) {
  const ui = ctx.ui;
  ui.plan = ui.plan || { drafts: {}, conflicts: {}, bases: {}, status: {} };
  // A solution room's drafts come in their rank order; any other list in the plan's order.
  const list = compact && entries ? [...entries] : (entries || byId(state.plan)).sort((a, b) => (a.position - b.position) || a.id - b.id);
  const open = openArg ?? (state.workshop.phase === "plenary" || state.workshop.phase === "action_plan");
  // Notes come after the day's drafting: the organiser adds them from action_plan on, closed included.
  const notesOpen = ctx.role === "organiser" && NOTE_PHASES.includes(state.workshop.phase);
  if (!list.length) return el("p", { class: "empty" }, t("console.plan.empty"));
  return el("ol", { class: "plan-list" }, list.map((entry) => {
    const item = entry.plenary_item_id ? state.plenary[String(entry.plenary_item_id)] : null;
    const room = item ? state.rooms[String(item.room_id)] : null;
    return el("li", { class: ["plan-entry", "card", compact && "is-draft"], dataset: { entry: String(entry.id) } },
      el("div", { class: "plan-entry-head" },
        item && item.priority != null ? el("span", { class: "badge badge-rank" }, t("room.agenda.priority_n", { n: fmtNumber(item.priority) })) : null,
        el("h3", {}, userText(entry.fields.title || t("console.plan.untitled"), "span")),
        room && !compact ? el("span", { class: "hint" }, t("console.plan.fromRoom", { room: roomName(room) })) : null,
        compact ? null : el("span", { class: `status-chip status-${entry.fields.status || "proposed"}` }, statusName(entry.fields.status || "proposed"))),
      el("div", { class: "plan-fields" }, fields.map((f) => planField(entry, f, ctx,
        open && editable.includes(f) && (!CO_LEAD_FIELDS.includes(f) || ctx.role === "organiser"), idPrefix, state, { label, autosave }))),
      // What a page adds under an entry's fields (the organiser's due dates: web/js/council-after.js).
      after && !compact ? after(entry) : null,
      compact ? null : planNotes(entry, idPrefix),
      notesOpen && !compact ? noteForm(entry, ctx, idPrefix, { label: t("console.plan.noteAdd"), submit: t("console.plan.noteSubmit"), done: t("console.plan.noteAdded") }) : null);
  }));
}

function planField(entry, field, ctx, editable, idPrefix, state, { label = null, autosave = false } = {}) {
  const fieldName = label || fieldLabel;
  const key = `${entry.id}:${field}`;
  const p = ctx.ui.plan;
  const id = `${idPrefix}-${entry.id}-${field}`;
  const server = entry.fields[field] ?? "";
  // A field an entry was made without (problem, causes, options before the agenda) is at version 1 on the server.
  const version = entry.versions[field] ?? 1;
  const conflict = p.conflicts[key];
  const wide = ["title", "problem", "causes", "options", "actions", "resources", "success_measure", "solution"].includes(field);
  const coLead = CO_LEAD_FIELDS.includes(field);
  const member = (pid) => (pid ? (state.council || {})[String(pid)] || null : null);
  if (!editable && coLead) {
    return el("div", { class: "plan-field" },
      el("span", { class: "field-label" }, fieldName(field)),
      el("p", { class: "field-value" }, personLabel(member(server))));
  }
  if (!editable) {
    return el("div", { class: ["plan-field", wide && "wide"] },
      el("span", { class: "field-label" }, fieldName(field)),
      field === "status" ? el("span", {}, statusName(server || "proposed")) : (server ? el("p", { class: "field-value" }, userText(server, "span")) : el("p", { class: "hint" }, t("console.plan.emptyField"))));
  }
  // The version the person started editing from: fixed when they start typing.
  const dirty = key in p.drafts && p.drafts[key] !== server;
  if (!dirty) p.bases[key] = version;
  p.status = p.status || {};
  let saveBtn = null;
  let stateNote = null;
  // What the field says about its last save: saving (or queued offline), saved, not saved.
  const stateText = () => {
    const st = p.status[key];
    if (st === "saving") return t(ctx.conn && ctx.conn.status && ctx.conn.status() === "offline" ? "console.plan.queued" : "console.plan.saving");
    if (st === "saved") return t("console.plan.savedState");
    if (st === "error") return t("console.plan.notSaved");
    return "";
  };
  const showState = () => {
    if (stateNote) { stateNote.textContent = stateText(); stateNote.className = `save-state save-${p.status[key] || "none"}`; }
    if (saveBtn) {
      const saving = p.status[key] === "saving";
      saveBtn.disabled = saving || control.value === server || !!conflict;
      if (saving) saveBtn.setAttribute("aria-busy", "true"); else saveBtn.removeAttribute("aria-busy");
    }
  };
  // Autosave: one timer per field (kept across redraws in ui.plan.timers), saving what the field
  // holds then, from the version the typing started at; nothing while a save or a conflict is open.
  p.timers = p.timers || {};
  const later = (ms = AUTOSAVE_MS) => {
    clearTimeout(p.timers[key]);
    p.timers[key] = setTimeout(() => {
      delete p.timers[key];
      const now = entry.fields[field] ?? "";
      const value = p.drafts[key];
      if (value === undefined || value === now || p.conflicts[key] || p.status[key] === "saving") return;
      save(value, p.bases[key] ?? (entry.versions[field] ?? 1));
    }, ms);
  };
  const save = async (value, baseVersion) => {
    p.saving = key;
    p.status[key] = "saving";
    showState();
    const ack = await run({ ...ctx, quietConflicts: true }, "plan_entry_update", { entry_id: entry.id, field, value, version: baseVersion },
      autosave ? null : t("console.plan.saved", { field: fieldName(field) }));  // autosave: the field's own "Saved" says it
    p.saving = null;
    p.status[key] = ack.ok ? "saved" : "error";
    if (ack.ok && autosave && key in p.drafts && p.drafts[key] !== value) {
      // Typed on while this was saving: what is in the field now is the next save, from the new version.
      delete p.conflicts[key];
      if (ack.result && ack.result.version != null) p.bases[key] = ack.result.version;
      later();
    } else if (ack.ok) {
      delete p.drafts[key]; delete p.conflicts[key]; delete p.bases[key];
      // Typing on before the page is redrawn with the saved version starts from that version.
      if (autosave && ack.result && ack.result.version != null) p.bases[key] = ack.result.version;
    } else if (ack.error && ack.error.code === "conflict") {
      const d = ack.error.details || {};
      p.conflicts[key] = { mine: value, theirs: d.current_value ?? "", version: d.current_version };
      announce(t("console.plan.conflictAnnounce", { field: fieldName(field) }));
    }
    ctx.refresh();
  };

  let control;
  if (field === "status") {
    control = el("select", { id, class: "select" }, PLAN_STATUSES.map((s) => el("option", { value: s }, statusName(s))));
    control.value = p.drafts[key] ?? (server || "proposed");
    control.addEventListener("change", () => { p.drafts[key] = control.value; save(control.value, version); });
  } else if (coLead) {
    // Names are plain text in <option>s: textContent, never HTML.
    const people = coLeadCandidates(state, field);
    const current = member(server);
    if (server && current && !people.includes(current)) people.push(current);
    control = el("select", { id, class: "select", aria: { describedby: `${id}-hint` } },
      el("option", { value: "" }, t("console.plan.coLeadNone")),
      people.map((m) => el("option", { value: String(m.participant_id) },
        m.name ? m.name : [councilRoleName(m.role), t("common.separator"), groupName(m.group)].join(""))));
    control.value = p.drafts[key] ?? server;
    control.addEventListener("change", () => { p.drafts[key] = control.value; save(control.value, version); });
  } else {
    control = el(wide || autosave ? "textarea" : "input", { id, dir: "auto", maxlength: MAX_PLAN_FIELD_CHARS, rows: wide || autosave ? 2 : null, class: "plan-input" });
    control.value = p.drafts[key] ?? server;
    control.addEventListener("input", () => {
      p.drafts[key] = control.value;
      if (p.status[key] !== "saving") delete p.status[key];
      showState();
      if (autosave) later();
    });
    // A solution room's draft is saved when the typing pauses and when the field is left.
    if (autosave) control.addEventListener("blur", () => later(0));
  }
  const instant = field === "status" || coLead;  // a choice saves at once
  const changed = !instant && key in p.drafts && p.drafts[key] !== server;
  saveBtn = instant ? null : el("button", { type: "submit", class: "btn btn-small btn-primary", id: `${id}-save`,
    disabled: !changed || !!conflict || p.status[key] === "saving", aria: { busy: p.status[key] === "saving" ? "true" : null } },
  t("console.plan.save"));
  stateNote = el("span", { class: `save-state save-${p.status[key] || "none"}`, id: `${id}-state`, role: "status" }, stateText());
  const revertBtn = changed && !conflict ? el("button", { type: "button", class: "btn btn-small btn-quiet", id: `${id}-revert`,
    onclick: () => { delete p.drafts[key]; ctx.refresh(); } }, t("console.plan.revert")) : null;

  const conflictBox = conflict ? el("div", { class: "conflict", role: "alert" },
    el("p", { class: "conflict-title" }, t("console.plan.conflict", { field: fieldName(field) })),
    el("div", { class: "conflict-values" },
      el("div", {}, el("span", { class: "field-label" }, t("console.plan.theirs")),
        field === "status" ? el("p", {}, statusName(conflict.theirs || "proposed")) : coLead ? el("p", {}, personLabel(member(conflict.theirs))) : el("p", { class: "field-value" }, userText(conflict.theirs || t("console.plan.emptyField"), "span"))),
      el("div", {}, el("span", { class: "field-label" }, t("console.plan.mine")),
        field === "status" ? el("p", {}, statusName(conflict.mine)) : coLead ? el("p", {}, personLabel(member(conflict.mine))) : el("p", { class: "field-value" }, userText(conflict.mine || t("console.plan.emptyField"), "span")))),
    el("div", { class: "row" },
      el("button", { type: "button", class: "btn btn-small btn-primary", id: `${id}-retry`,
        onclick: () => { const c = p.conflicts[key]; delete p.conflicts[key]; save(c.mine, entry.versions[field] ?? c.version); } }, t("console.plan.retry")),
      el("button", { type: "button", class: "btn btn-small", id: `${id}-take`,
        onclick: () => { delete p.conflicts[key]; delete p.drafts[key]; ctx.refresh(); } }, t("console.plan.takeTheirs")))) : null;

  // Whether there is something to save is decided now, at the tap, from what the field holds
  // against the server's last value (not when the page was last drawn: typing redraws nothing).
  return el("form", { class: ["plan-field", wide && "wide", conflict && "has-conflict"],
    onsubmit: (ev) => {
      ev.preventDefault();
      if (instant || conflict || p.status[key] === "saving" || control.value === server) return;
      save(control.value, p.bases[key] ?? version);
    } },
  el("label", { for: id, class: "field-label" }, fieldName(field)),
  el("div", { class: "field-edit" }, control, saveBtn, revertBtn, stateNote),
  coLead ? el("p", { class: "hint", id: `${id}-hint` }, t("console.plan.coLeadHint")) : null,
  conflictBox);
}

/** Language picker for the console's own language. */
export function languagePicker(id, current, onChange) {
  const select = el("select", { id, class: "select-small", aria: { label: t("console.language.pick") } },
    CONSOLE_LANGUAGES.map((l) => el("option", { value: l, lang: l }, t(`console.language.native.${l}`))));
  select.value = current;
  select.addEventListener("change", () => onChange(select.value));
  return select;
}
