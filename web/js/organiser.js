// The organiser console (/o#TOKEN): every room at a glance, steering, plenary, action plan, council.
import {
  takeToken, setLanguage, preferredLanguage, currentLanguage, t, renderRoomPanel, renderPlan, tickTimers,
  timerAnnouncer, statusBadge, run, askDialog, roomName, roomParticipants, workshopPhaseName, phaseName,
  groupName, languageName, iso, byId, fmtNumber, fmtTime, countdown, barFill, councilRoleName, isCoChair,
  renderHeader, pageLanguagePicker, accessNotice, errorNode, sectorLabel,
} from "./console-common.js";
import { wholeNumberField } from "./number-field.js";
import {
  GROUPS, WORKSHOP_PHASES, COUNCIL_ROLES, MAX_MESSAGE_CHARS, MAX_PLAN_FIELD_CHARS, SEGMENT_KINDS, MAX_PROMPT_CHARS,
  DEFAULT_PRIORITIES, MAX_PRIORITIES, AGENDA_PRESETS, GUIDING_FIELDS, COUNCIL_PHASES,
} from "./rules.js";
import * as agenda from "./agenda.js";
import { agreementTracker, agreementLine, agreementLegend } from "./agreement.js";
import { exportsPanel } from "./exports.js";
import { privacyPanel } from "./privacy.js";
import { el, userText, rerender, announce, createToaster } from "./dom.js";
import { createPage } from "./page.js";
import { signOutButton } from "./device-links.js";
import { shownBarriers } from "./counts.js";
import { pulsePanel } from "./pulse-view.js";
import { electionPanel } from "./election-view.js";
import { dueLine, dueForm, meetingsSection } from "./council-after.js";

const LANG_KEY = "cg.console.lang";
const header = document.getElementById("header");
const main = document.getElementById("main");
const toast = createToaster(document.getElementById("toasts"), { dismiss: () => t("console.dialog.dismiss") });

const ui = { drafts: {}, selected: {}, tab: null, steer: null, lastPhase: null,
  agendaDraft: null, prioN: null, prioPick: null, prompts: null };
// The page (web/js/page.js): state and status, redraws that wait for the finger, change notes, the clock.
const page = createPage({ draw, changed: noteChanges, statusChanged: drawHeader, tick });
const ctx = { conn: null, toast, ui, role: "organiser", refresh: () => page.schedule(), token: null, agreement: null,
  baseUrl: () => baseUrl(),
  workshopId: () => page.state && page.state.workshop.id };
let knownCalls = null;

function noteChanges(prev, next) {
  const calls = next.help || {};
  if (knownCalls) {
    for (const [roomId, call] of Object.entries(calls)) {
      if (!knownCalls.has(roomId)) {
        const room = next.rooms[roomId];
        const msg = t("console.help.newCall", { room: roomName(room) });
        // The facilitator's words in their own direction (a Persian call in an English console, or the reverse).
        toast.show(call.message ? [msg, ": ", userText(call.message, "span")] : msg, "error");
      }
    }
  }
  knownCalls = new Set(Object.keys(calls));
  // Follow the day: the natural tab of the new segment (of the new phase on the short day).
  const where = `${next.workshop.phase}/${agenda.segmentIndex(next.workshop)}`;
  if (ui.lastPhase !== where) {
    ui.lastPhase = where;
    ui.tab = null;
    ui.prioPick = null;      // a new prioritisation ticks its own top N
    ui.agendaDraft = null;   // an unsaved draft may now change a segment reached
  }
  ctx.agreement.update(next);
}

function defaultTab() {
  const ws = page.state.workshop;
  if (!agenda.isShortDay(ws)) {
    return { prioritise: "plenary", report_out: "plan", action_plan: "plan", council: "council", closing: "plan" }[agenda.currentKind(ws)] || "rooms";
  }
  return { breakouts: "rooms", plenary: "plenary", action_plan: "plan", closed: "plan" }[ws.phase] || "rooms";
}

/** The address phones use: the server's own (PUBLIC_URL or the LAN address `serve` found), not this tab's. */
function baseUrl() {
  return (ui.progress && ui.progress.base) || location.origin;
}

function joinUrl() {
  return `${baseUrl()}/j/${page.state.workshop.join_code}`;
}

// ------------------------------------------------------------ header + top bar

function drawHeader() {
  renderHeader(header, {
    role: t("console.organiser.role"),
    title: page.state ? [el("h1", {}, userText(page.state.workshop.title, "span")),
      el("span", { class: "hint" }, agenda.isShortDay(page.state.workshop)
        ? t("console.header.workshopPhase", { phase: workshopPhaseName(page.state.workshop.phase) })
        : t("console.agenda.now", { segment: segmentName(agenda.currentKind(page.state.workshop)) }))] : null,
    tools: [statusBadge(page.status), pageLanguagePicker(LANG_KEY, page.render),
      ctx.token && page.status !== "signed_out" ? signOutButton("organiser", ctx.token, page.signOut) : null],
  });
}

function topBar() {
  const ws = page.state.workshop;
  const i = WORKSHOP_PHASES.indexOf(ws.phase);
  const next = WORKSHOP_PHASES[i + 1];
  const prev = WORKSHOP_PHASES[i - 1];
  const advance = async () => {
    const ok = await askDialog({
      title: t("console.wphase.confirmTitle", { phase: workshopPhaseName(next) }),
      body: t(`console.wphase.confirmBody.${next}`),
      confirm: t("console.wphase.next", { phase: workshopPhaseName(next) }),
    });
    if (ok) run(ctx, "workshop_advance", {}, t("console.wphase.now", { phase: workshopPhaseName(next) }));
  };
  const back = async () => {
    const ok = await askDialog({
      title: t("console.wphase.confirmTitle", { phase: workshopPhaseName(prev) }),
      body: t("console.wphase.confirmBack"),
      confirm: t("console.wphase.back", { phase: workshopPhaseName(prev) }),
    });
    if (ok) run(ctx, "workshop_back", {}, t("console.wphase.now", { phase: workshopPhaseName(prev) }));
  };
  const pause = async () => {
    const res = await askDialog({
      title: t("console.pause.dialogTitle"),
      body: t("console.pause.explain"),
      fields: [{ id: "message", label: t("console.pause.messageLabel"), multiline: true, maxlength: MAX_MESSAGE_CHARS, value: t("console.pause.defaultMessage") }],
      confirm: t("console.pause.confirm"),
      danger: true,
    });
    if (!res) return;
    const message = res.values.message.trim();
    run(ctx, "workshop_pause", message ? { message } : {}, t("console.pause.done"));
  };
  const langSelect = el("select", { id: "display-lang", class: "select" },
    ws.languages.map((l) => el("option", { value: l, lang: l }, `${t(`console.language.native.${l}`)}${l === currentLanguage() ? "" : ` (${languageName(l)})`}`)));
  langSelect.value = ws.display_language || ws.languages[0];
  langSelect.addEventListener("change", () => run(ctx, "workshop_update", { display_language: langSelect.value },
    t("console.display.langSet", { language: languageName(langSelect.value) })));

  const link = joinUrl();
  const copy = async () => {
    try { await navigator.clipboard.writeText(link); announce(t("console.join.copied")); toast.show(t("console.join.copied")); }
    catch (_) { toast.show(t("console.join.copyFailed"), "error"); }
  };
  return el("div", { class: ["org-bar", !agenda.isShortDay(ws) && "org-bar-3"] },
    el("section", { class: "card", aria: { labelledby: "join-h" } },
      el("h2", { id: "join-h" }, t("console.join.title")),
      // The code and the link read left to right (dir="ltr" on the value only); their lines sit on the card's
      // start side, the right in Persian, like the rest of the card.
      el("p", { class: "join-code", aria: { label: t("console.join.codeLabel", { code: ws.join_code.split("").join(" ") }) } },
        el("span", { dir: "ltr" }, ws.join_code)),
      el("p", { class: "join-link" }, el("a", { href: link, target: "_blank", rel: "noopener", dir: "ltr" }, link)),
      el("div", { class: "row" }, el("button", { type: "button", class: "btn btn-small", id: "copy-link", onclick: copy }, t("console.join.copy")))),
    agenda.isShortDay(ws) ? el("section", { class: "card", aria: { labelledby: "wphase-h" } },
      el("h2", { id: "wphase-h" }, t("console.wphase.title")),
      el("ol", { class: "wphase" }, WORKSHOP_PHASES.map((p, k) => el("li", { class: [k < i && "done", k === i && "current"], aria: { current: k === i ? "step" : null } }, workshopPhaseName(p)))),
      el("div", { class: "row" },
        el("button", { type: "button", class: "btn", id: "wback", disabled: !prev || Boolean(page.state.privacy), onclick: back }, prev ? t("console.wphase.back", { phase: workshopPhaseName(prev) }) : t("console.phase.atStart")),
        el("button", { type: "button", class: "btn btn-primary", id: "wnext", disabled: !next, onclick: advance }, next ? t("console.wphase.next", { phase: workshopPhaseName(next) }) : t("console.phase.atEnd")))) : null,
    el("section", { class: "card", aria: { labelledby: "pause-h" } },
      el("h2", { id: "pause-h" }, t("console.pause.title")),
      ws.paused
        ? [el("p", { class: "help-open", role: "status" }, t("console.pause.isPaused")),
          ws.pause_message ? el("blockquote", {}, userText(ws.pause_message, "p")) : null,
          el("button", { type: "button", class: "btn btn-primary", id: "resume", onclick: () => run(ctx, "workshop_resume", {}, t("console.pause.resumed")) }, t("console.pause.resume"))]
        : [el("p", { class: "hint" }, t("console.pause.explainShort")),
          el("button", { type: "button", class: "btn", id: "pause", onclick: pause }, t("console.pause.button"))]),
    el("section", { class: "card", aria: { labelledby: "disp-h" } },
      el("h2", { id: "disp-h" }, t("console.display.title")),
      el("label", { for: "display-lang", class: "label-text" }, t("console.display.langLabel")),
      langSelect));
}

// ------------------------------------------------------------ the agenda (docs/agenda.md)

const segmentName = (kind) => t(`segment.${kind}`);

/** Send a command and report the outcome as `run` does; a refusal of the agenda's own
 *  (agenda_locked, vote_open, already_closed) is said in the console's words. */
async function runAgenda(command, payload, okMessage) {
  let ack;
  try { ack = await ctx.conn.send(command, payload); } catch (err) {
    ack = { ok: false, error: { code: "offline", message: String(err && err.message || err) } };
  }
  if (ack && ack.ok) { if (okMessage) announce(okMessage); return ack; }
  const e = (ack && ack.error) || { code: "unknown" };
  const own = AGENDA_ERRORS.includes(e.code) ? t(`console.agenda.error.${e.code}`) : null;
  toast.show(errorNode(e, own), "error");
  return ack || { ok: false, error: e };
}

const AGENDA_ERRORS = ["agenda_locked", "vote_open", "already_closed"];

/** The day's segments with the current one marked, and the buttons that move the day. */
function agendaStrip() {
  const ws = page.state.workshop;
  const list = agenda.agendaOf(ws);
  const i = agenda.segmentIndex(ws);
  const next = list[i + 1];
  const prev = list[i - 1];
  const move = async (command, kind, body) => {
    const label = command === "workshop_advance" ? t("console.agenda.next", { segment: segmentName(kind) })
      : t("console.agenda.back", { segment: segmentName(kind) });
    const ok = await askDialog({ title: t("console.agenda.confirmTitle", { segment: segmentName(kind) }), body, confirm: label });
    if (ok) runAgenda(command, {}, t("console.agenda.moved", { segment: segmentName(kind) }));
  };
  const editable = agenda.firstEditable(ws, page.state.rooms) < list.length - 1;
  return el("section", { class: "card agenda-strip", aria: { labelledby: "agenda-strip-h" } },
    el("h2", { id: "agenda-strip-h" }, t("console.agenda.title")),
    el("ol", { class: "agenda-steps" }, list.map((kind, k) => el("li", {
      class: [k < i && "done", k === i && "current"], aria: { current: k === i ? "step" : null } },
    el("span", { class: "agenda-n", aria: { hidden: "true" } }, fmtNumber(k + 1)), " ", segmentName(kind)))),
    el("div", { class: "row agenda-moves" },
      el("button", { type: "button", class: "btn", id: "wback", disabled: !prev || Boolean(page.state.privacy),
        onclick: () => move("workshop_back", prev, t("console.agenda.confirmBack")) },
      prev ? t("console.agenda.back", { segment: segmentName(prev) }) : t("console.phase.atStart")),
      el("button", { type: "button", class: "btn btn-primary", id: "wnext", disabled: !next,
        onclick: () => move("workshop_advance", next, t(`console.agenda.confirmBody.${next}`)) },
      next ? t("console.agenda.next", { segment: segmentName(next) }) : t("console.phase.atEnd")),
      editable && ui.tab !== "agenda" ? el("button", { type: "button", class: "btn btn-quiet", id: "agenda-edit",
        onclick: () => { ui.tab = "agenda"; page.render(); const h = document.getElementById("agenda-h"); if (h) h.focus(); } },
      t("console.agenda.edit")) : null));
}

/** The agenda editor: a preset, or segments added, removed and reordered (only those not reached). */
function agendaView() {
  const ws = page.state.workshop;
  const current = agenda.agendaOf(ws);
  const from = agenda.firstEditable(ws, page.state.rooms);
  const draft = ui.agendaDraft || current;
  const changed = !agenda.sameAgenda(draft, current);
  const setDraft = (next, focusId) => {
    ui.agendaDraft = agenda.sameAgenda(next, current) ? null : next;
    page.render();
    const f = focusId && document.getElementById(focusId);
    if (f && !f.disabled) f.focus();
    else if (focusId) { const list = document.getElementById("agenda-list"); if (list) list.focus(); }
  };
  const save = async () => {
    const ack = await runAgenda("agenda_set", { agenda: draft }, t("console.agenda.saved"));
    if (ack.ok) { ui.agendaDraft = null; page.render(); }
  };
  const kinds = SEGMENT_KINDS;
  const addSelect = el("select", { id: "agenda-add-kind", class: "select-small" },
    kinds.filter((k) => k !== "closing").map((k) => el("option", { value: k }, segmentName(k))));
  if (ui.addKind) addSelect.value = ui.addKind;
  addSelect.addEventListener("change", () => { ui.addKind = addSelect.value; });
  const locked = from >= current.length - 1;
  return el("section", { class: "agenda-editor", aria: { labelledby: "agenda-h" } },
    el("div", { class: "section-head" },
      el("h2", { id: "agenda-h", tabindex: "-1" }, t("console.agenda.editorTitle")),
      el("span", { class: "hint" }, t("console.agenda.editorHint"))),
    locked ? el("p", { class: "card hint" }, t("console.agenda.allReached")) : null,
    presetsCard(current, from),
    el("div", { class: "card" },
      el("h3", {}, t(changed ? "console.agenda.draftTitle" : "console.agenda.currentTitle")),
      el("ol", { class: "agenda-edit-list", id: "agenda-list", tabindex: "-1" }, draft.map((kind, k) => {
        const open = k >= from && kind !== "closing";
        const name = segmentName(kind);
        return el("li", { class: ["agenda-edit-row", k === agenda.segmentIndex(ws) && !changed && "current"] },
          el("span", { class: "agenda-n" }, fmtNumber(k + 1)),
          el("span", { class: "grow" }, name),
          k < from ? el("span", { class: "hint" }, t(k === agenda.segmentIndex(ws) ? "console.agenda.isNow" : "console.agenda.isDone")) : null,
          open ? el("span", { class: "agenda-row-tools" },
            el("button", { type: "button", class: "btn btn-small", id: `agenda-up-${k}`, disabled: k - 1 < from,
              aria: { label: t("console.agenda.upFor", { segment: name }) },
              onclick: () => setDraft(agenda.moveSegment(draft, k, -1, from), `agenda-up-${k - 1}`) }, "↑"),
            el("button", { type: "button", class: "btn btn-small", id: `agenda-down-${k}`, disabled: k + 1 >= draft.length - 1,
              aria: { label: t("console.agenda.downFor", { segment: name }) },
              onclick: () => setDraft(agenda.moveSegment(draft, k, 1, from), `agenda-down-${k + 1}`) }, "↓"),
            el("button", { type: "button", class: "btn btn-small", id: `agenda-remove-${k}`,
              aria: { label: t("console.agenda.removeFor", { segment: name }) },
              onclick: () => setDraft(agenda.removeSegment(draft, k, from), `agenda-remove-${k}`) }, t("console.agenda.remove"))) : null);
      })),
      locked ? null : el("div", { class: "inline-form" },
        el("label", { for: "agenda-add-kind" }, el("span", { class: "label-text" }, t("console.agenda.addLabel")), addSelect),
        el("button", { type: "button", class: "btn", id: "agenda-add",
          onclick: () => setDraft(agenda.addSegment(draft, addSelect.value), "agenda-add") }, t("console.agenda.add"))),
      changed ? el("div", { class: "row" },
        el("button", { type: "button", class: "btn btn-primary", id: "agenda-save", onclick: save }, t("console.agenda.save")),
        el("button", { type: "button", class: "btn", id: "agenda-reset", onclick: () => setDraft(current, "agenda-list") }, t("console.agenda.reset"))) : null),
    promptsEditor());
}

/** The presets (rules.AGENDA_PRESETS): one that would change a segment already reached (the one the day
 *  stands on too: agenda_locked) cannot be chosen, and says why. */
function presetsCard(current, from) {
  const names = Object.keys(AGENDA_PRESETS);
  const fits = (name) => agenda.sameAgenda(AGENDA_PRESETS[name].slice(0, from), current.slice(0, from));
  const preset = async (name) => {
    const ack = await runAgenda("agenda_set", { preset: name }, t("console.agenda.saved"));
    if (ack.ok) { ui.agendaDraft = null; page.render(); }
  };
  const locked = names.filter((n) => !fits(n));
  return el("div", { class: "card agenda-presets" },
    el("h3", {}, t("console.agenda.presets")),
    el("div", { class: "row" }, names.map((name) => {
      const same = agenda.sameAgenda(AGENDA_PRESETS[name], current);
      return el("button", { type: "button", class: "btn", id: `agenda-preset-${name}`, disabled: !fits(name),
        aria: { pressed: String(same) }, onclick: () => preset(name) }, t(`console.agenda.preset.${name}`));
    })),
    el("p", { class: "hint" }, t("console.agenda.presetHint")),
    locked.length ? el("p", { class: "hint", id: "agenda-preset-locked" },
      t("console.agenda.presetLocked", { segment: segmentName(current[0]) })) : null);
}

/** The workshop's own wording of the two caucus prompts and of the solution rooms' guiding questions,
 *  per language (prompts_set); an empty box keeps the standard wording. */
function promptsEditor() {
  const ws = page.state.workshop;
  const saved = ws.prompts || {};
  if (!ui.prompts) {
    const questions = Object.fromEntries(GUIDING_FIELDS.map((f) => [f, { ...((saved.questions || {})[f] || {}) }]));
    ui.prompts = { strength: { ...(saved.strength || {}) }, barrier: { ...(saved.barrier || {}) }, questions };
  }
  const max = MAX_PROMPT_CHARS;
  const box = (id, lang, get, set, label) => {
    const area = el("textarea", { id, rows: 2, maxlength: max, dir: "auto", lang, class: "prompt-input" });
    area.value = get() || "";
    area.addEventListener("input", () => set(area.value));
    return el("div", { class: "field" }, el("label", { for: id }, label), area);
  };
  const field = (kind, lang) => box(`prompt-${kind}-${lang}`, lang, () => ui.prompts[kind][lang],
    (v) => { ui.prompts[kind][lang] = v; }, t(`console.agenda.prompt.${kind}`));
  const question = (f, lang) => box(`question-${f}-${lang}`, lang, () => ui.prompts.questions[f][lang],
    (v) => { ui.prompts.questions[f][lang] = v; }, t(`console.plan.field.${f}`));
  const save = async (ev) => {
    ev.preventDefault();
    const clean = (m) => Object.fromEntries(Object.entries(m).map(([l, v]) => [l, v.trim()]).filter(([, v]) => v));
    const questions = Object.fromEntries(GUIDING_FIELDS.map((f) => [f, clean(ui.prompts.questions[f])])
      .filter(([, m]) => Object.keys(m).length));
    const prompts = { strength: clean(ui.prompts.strength), barrier: clean(ui.prompts.barrier), questions };
    const ack = await runAgenda("prompts_set", { prompts }, t("console.agenda.promptsSaved"));
    if (ack.ok) { ui.prompts = null; page.render(); }
  };
  const perLanguage = (inner) => el("div", { class: "prompts-grid" }, ws.languages.map((lang) =>
    el("fieldset", { class: "prompt-lang" }, el("legend", {}, languageName(lang)), inner(lang))));
  return el("details", { class: "card prompts-editor", open: ui.promptsOpen || null,
    ontoggle: (ev) => { ui.promptsOpen = ev.target.open; } },
  el("summary", { id: "prompts-summary" }, t("console.agenda.promptsTitle")),
  el("p", { class: "hint" }, t("console.agenda.promptsHint")),
  el("form", { onsubmit: save },
    perLanguage((lang) => [field("strength", lang), field("barrier", lang)]),
    el("h4", { id: "questions-h" }, t("console.agenda.questionsTitle")),
    el("p", { class: "hint" }, t("console.agenda.questionsHint")),
    perLanguage((lang) => GUIDING_FIELDS.map((f) => question(f, lang))),
    el("button", { type: "submit", class: "btn btn-primary", id: "prompts-save" }, t("console.agenda.promptsSave"))));
}

/** A sector's name in the console's language (the workshop's own, else the four groups' labels). */
function sectorName(key) {
  return GROUPS.includes(key) ? groupName(key) : agenda.sectorText(page.state.sectors, key, currentLanguage());
}

const caucusSectors = (room) => (agenda.roundKind(page.state.workshop) === "caucus" && room.sectors) || [];

/** The people of a list by sector: the workshop's sectors with people (every one of the four groups). */
function sectorLines(people, all = false) {
  return agenda.sectorCounts(page.state, people).filter((c) => all || c.count > 0);
}

// ------------------------------------------------------------ rooms

function roomStats(roomId) {
  const barriers = byId(page.state.barriers).filter((b) => b.room_id === roomId);
  const posts = shownBarriers(page.state.barriers, roomId).length;
  const sols = byId(page.state.solutions).filter((s) => s.room_id === roomId);
  const votes = barriers.filter((b) => !b.merged_into).reduce((n, b) => n + (b.votes || 0), 0)
    + sols.reduce((n, s) => n + (s.votes || 0), 0);
  return { posts, solutions: sols.filter((x) => !x.hidden).length, votes };
}

function roomCard(room) {
  const people = roomParticipants(page.state, room.id);
  const st = roomStats(room.id);
  const call = (page.state.help || {})[String(room.id)];
  const hid = `room-${room.id}-h`;
  return el("article", { class: ["card", "room-card", call && "needs-help"], aria: { labelledby: hid } },
    el("div", { class: "room-card-head" },
      el("h3", { id: hid }, roomName(room)),
      el("span", { class: "phase-chip" }, phaseName(room.phase))),
    el("div", { class: "room-card-head" },
      countdown(room.deadline),
      el("span", { class: "hint" }, t("console.people.title", { count: people.length }))),
    // The sectors a caucus room gathers (a mixed round's rooms gather every sector).
    caucusSectors(room).length ? el("p", { class: "room-sectors" },
      el("span", { class: "hint" }, t("console.agenda.roomSectors", { count: caucusSectors(room).length })), " ",
      caucusSectors(room).map((k, n) => [n ? t("common.separator") : "", el("b", { dir: "auto" }, sectorName(k))])) : null,
    el("dl", { class: "mini-groups" }, sectorLines(people, !page.state.sectors || page.state.sectors.length <= GROUPS.length)
      .map((c) => [el("dt", { dir: "auto" }, sectorName(c.key)), el("dd", {}, fmtNumber(c.count))])),
    agenda.roundKind(page.state.workshop) === "solution_round" && !agenda.isShortDay(page.state.workshop)
      ? roomDraftsList(room) : null,
    el("div", { class: "stat-row" },
      el("span", {}, el("b", {}, fmtNumber(st.posts)), " ", t("console.stats.posts", { count: st.posts })),
      el("span", {}, el("b", {}, fmtNumber(st.solutions)), " ", t("console.stats.solutions", { count: st.solutions })),
      el("span", {}, el("b", {}, fmtNumber(st.votes)), " ", t("console.stats.votes", { count: st.votes }))),
    call ? el("div", { class: "help-inline", role: "status" },
      el("p", {}, el("strong", {}, t("console.help.calledAt", { time: fmtTime(call.at) }))),
      call.message ? userText(call.message, "p") : null,
      el("button", { type: "button", class: "btn btn-small btn-primary", id: `hc-${room.id}`,
        onclick: () => run(ctx, "help_clear", { room_id: room.id }, t("console.help.markedAnswered")) }, t("console.help.answer"))) : null,
    el("div", { class: "row" },
      el("button", { type: "button", class: "btn btn-primary", id: `steer-${room.id}`, onclick: () => { ui.steer = room.id; page.render(); main.focus(); } },
        t("console.rooms.steer", { room: roomName(room) }))));
}

/** A solution room's drafts: which priority, and which guiding questions are answered. */
function roomDraftsList(room) {
  const drafts = agenda.roomDrafts(page.state, room.id);
  if (!drafts.length) return el("p", { class: "hint" }, t("console.agenda.noDrafts"));
  return el("ul", { class: "room-drafts", aria: { label: t("console.agenda.draftsOf", { room: roomName(room) }) } }, drafts.map((e) => {
    const rank = agenda.draftRank(page.state, e);
    const progress = agenda.guidingProgress(e);
    const done = progress.filter((q) => q.answered).length;
    return el("li", { class: "room-draft", dataset: { entryId: e.id } },
      el("p", { class: "room-draft-title" },
        rank != null ? el("span", { class: "prio-badge" }, t("console.agenda.priorityN", { n: rank })) : null, " ",
        userText(e.fields.title || t("console.plan.untitled"), "span")),
      el("p", { class: "hint" }, t("console.agenda.answered", { done, count: progress.length })),
      el("ol", { class: "question-dots" }, progress.map((q) => el("li", {
        class: q.answered ? "answered" : null, title: t(`console.plan.field.${q.field}`) },
      el("span", { class: "visually-hidden" }, `${t(`console.plan.field.${q.field}`)}: ${t(q.answered ? "console.agenda.qDone" : "console.agenda.qOpen")}`)))));
  }));
}

function roomsView() {
  const rooms = byId(page.state.rooms).sort((a, b) => a.number - b.number);
  if (ui.steer && page.state.rooms[String(ui.steer)]) {
    const room = page.state.rooms[String(ui.steer)];
    return el("section", { aria: { labelledby: "steer-h" } },
      el("div", { class: "steer-head" },
        el("button", { type: "button", class: "btn", id: "steer-back", onclick: () => { const id = ui.steer; ui.steer = null; page.render(); const b = document.getElementById(`steer-${id}`); if (b) b.focus(); } }, t("console.rooms.backToAll")),
        el("h2", { id: "steer-h" }, t("console.rooms.steering", { room: roomName(room) })),
        el("label", { for: "steer-pick", class: "visually-hidden" }, t("console.rooms.switch")),
        (() => {
          const s = el("select", { id: "steer-pick", class: "select-small" }, rooms.map((r) => el("option", { value: String(r.id) }, roomName(r))));
          s.value = String(room.id);
          s.addEventListener("change", () => { ui.steer = Number(s.value); page.render(); });
          return s;
        })()),
      renderRoomPanel(page.state, room.id, ctx));
  }
  const total = byId(page.state.participants);
  const ws = page.state.workshop;
  const round = agenda.isRound(agenda.currentKind(ws));
  const reseat = async () => {
    const ok = await askDialog({ title: t("console.agenda.reseatTitle"), body: t(`console.agenda.reseatBody.${agenda.roundKind(ws)}`),
      confirm: t("console.agenda.reseat") });
    if (ok) runAgenda("rooms_form", {}, t("console.agenda.reseated"));
  };
  return el("section", { aria: { labelledby: "rooms-h" } },
    el("div", { class: "section-head" },
      el("h2", { id: "rooms-h" }, t("console.rooms.title", { count: rooms.length })),
      el("span", { class: "hint" }, t("console.people.title", { count: total.length }), " — ",
        sectorLines(total, !page.state.sectors || page.state.sectors.length <= GROUPS.length)
          .map((c) => `${sectorName(c.key)} ${fmtNumber(c.count)}`).join(t("common.separator"))),
      round && !agenda.isShortDay(ws) ? el("button", { type: "button", class: "btn", id: "rooms-form", onclick: reseat }, t("console.agenda.reseat")) : null),
    el("div", { class: "rooms-grid" }, rooms.map(roomCard)));
}

// ------------------------------------------------------------ plenary

// Merging duplicates on the plenary board (plenary_merge): tick two or more items, merge them
// into the first ticked; a merged item lists its rooms and can be split again (plenary_merge_undo).
const mergePick = []; // plenary item ids, in the order they were ticked

function mergeOpen() {
  return page.state.workshop.phase === "breakouts" || page.state.workshop.phase === "plenary";
}

function mergeBar(items) {
  const live = new Set(items.map((i) => i.id));
  for (let k = mergePick.length - 1; k >= 0; k -= 1) if (!live.has(mergePick[k])) mergePick.splice(k, 1);
  if (!mergeOpen() || items.length < 2) return null;
  const merge = async () => {
    const ack = await run(ctx, "plenary_merge", { item_ids: [...mergePick] }, t("console.plenary.merged"));
    if (ack.ok) { mergePick.length = 0; page.render(); }
  };
  return el("div", { class: "card inline-form plenary-merge-bar" },
    el("span", { class: "hint grow" }, t("console.plenary.mergeHint")),
    el("button", { type: "button", class: "btn", id: "plenary-merge", disabled: mergePick.length < 2, onclick: merge },
      t("console.plenary.merge", { count: mergePick.length })));
}

function mergeControls(item, inPlan) {
  const rooms = [item.room_id, ...(item.members || []).map((id) => (page.state.plenary[String(id)] || {}).room_id)];
  const names = [...new Set(rooms.filter((id) => id != null))].map((id) => roomName(page.state.rooms[String(id)]));
  const merged = (item.members || []).length > 0;
  const pick = !inPlan && !merged && mergeOpen()
    ? el("label", { class: "plenary-pick" },
      el("input", { type: "checkbox", class: "check", id: `pick-${item.id}`, checked: mergePick.includes(item.id),
        onchange: (ev) => {
          const at = mergePick.indexOf(item.id);
          if (ev.target.checked && at < 0) mergePick.push(item.id);
          if (!ev.target.checked && at >= 0) mergePick.splice(at, 1);
          page.render();
        } }),
      el("span", {}, t("console.plenary.pick")))
    : null;
  const undo = merged && !inPlan && mergeOpen()
    ? el("button", { type: "button", class: "btn btn-small btn-quiet", id: `unmerge-${item.id}`,
      onclick: () => run(ctx, "plenary_merge_undo", { item_id: item.id }, t("console.plenary.unmerged")) },
    t("console.plenary.unmerge"))
    : null;
  return { rooms: merged ? t("console.plenary.mergedFrom", { rooms: names.join(" + ") }) : null, pick, undo };
}

// Choosing the priorities once the dots are closed: the top N of the board are ticked (N = 5 unless
// changed), the organiser adjusts and confirms them ranked as the board ranks them (priorities_confirm).
function prioPicked() {
  if (!ui.prioPick) {
    const confirmed = agenda.priorities(page.state).map((i) => i.id);
    ui.prioPick = confirmed.length ? confirmed : agenda.topIds(page.state, prioN());
  }
  const live = new Set(agenda.boardItems(page.state).map((i) => i.id));
  ui.prioPick = ui.prioPick.filter((id) => live.has(id));
  return ui.prioPick;
}

const prioN = () => ui.prioN || DEFAULT_PRIORITIES;
const prioMax = () => MAX_PRIORITIES;

function priorityPick(item) {
  const picked = prioPicked();
  const at = agenda.rankedIds(page.state, picked).indexOf(item.id);
  return el("label", { class: "prio-pick" },
    el("input", { type: "checkbox", class: "check", id: `prio-${item.id}`, checked: at >= 0,
      onchange: (ev) => {
        const set = new Set(prioPicked());
        if (ev.target.checked) set.add(item.id); else set.delete(item.id);
        ui.prioPick = [...set];
        page.render();
      } }),
    el("span", {}, at >= 0 ? t("console.agenda.pickedN", { n: at + 1 }) : t("console.agenda.pick")));
}

function prioritiesBar() {
  const picked = agenda.rankedIds(page.state, prioPicked());
  const confirmed = agenda.priorities(page.state).map((i) => i.id);
  const same = confirmed.length === picked.length && confirmed.every((id, k) => id === picked[k]);
  // In the console's digits, a Persian keyboard's ۳ taken, anything else refused with a line saying why.
  const count = wholeNumberField({ id: "prio-n", min: 1, max: prioMax(), value: prioN(), drafts: ui.drafts, cls: "num-input",
    message: t("console.wholeNumberInvalid", { min: 1, max: prioMax() }) });
  const topN = (ev) => {
    ev.preventDefault();
    const n = count.read();
    if (n === null) { count.input.focus(); return; }
    delete ui.drafts["prio-n"];   // shown again as the number ticked
    ui.prioN = n;
    ui.prioPick = agenda.topIds(page.state, n);
    page.render();
    const f = document.getElementById("prio-n");
    if (f) f.focus();
  };
  const confirm = async () => {
    const ack = await runAgenda("priorities_confirm", { item_ids: picked }, t("console.agenda.prioritiesSet", { count: picked.length }));
    if (ack.ok) page.render();
  };
  return el("div", { class: "card priorities-bar", role: "group", aria: { labelledby: "prio-h" } },
    el("h3", { id: "prio-h" }, t("console.agenda.prioritiesTitle")),
    el("p", { class: "hint" }, t("console.agenda.prioritiesHint")),
    el("form", { class: "inline-form", novalidate: true, onsubmit: topN },
      el("label", { for: "prio-n" }, el("span", { class: "label-text" }, t("console.agenda.topNLabel")), count.input),
      el("button", { type: "submit", class: "btn", id: "prio-top" }, t("console.agenda.topN"))),
    count.error,
    el("div", { class: "row" },
      el("button", { type: "button", class: "btn btn-primary", id: "prio-confirm", disabled: !picked.length || same, onclick: confirm },
        t("console.agenda.confirmPriorities", { count: picked.length })),
      confirmed.length ? el("span", { class: "hint", role: "status" }, t("console.agenda.prioritiesConfirmed", { count: confirmed.length })) : null));
}

function plenaryView() {
  const items = byId(page.state.plenary).filter((i) => i.merged_into == null)
    .sort((a, b) => (b.votes - a.votes) || (b.room_votes - a.room_votes) || a.id - b.id);
  const planned = new Set(byId(page.state.plan).map((e) => e.plenary_item_id).filter(Boolean));
  const planOpen = page.state.workshop.phase === "plenary" || page.state.workshop.phase === "action_plan";
  // A day with a solution round ahead drafts its priorities there (one draft each): no entries by hand before.
  const wsNow = page.state.workshop;
  const afterCaucus = !agenda.isShortDay(wsNow) && agenda.roundKind(wsNow) === "caucus"; // caucus rooms cast no dots
  const draftsAhead = !agenda.isShortDay(wsNow) && agenda.agendaOf(wsNow).slice(agenda.segmentIndex(wsNow)).includes("solution_round");
  const maxVotes = Math.max(1, ...items.map((i) => i.votes || 0));
  const maxRoom = Math.max(1, ...items.map((i) => i.room_votes || 0));
  const addTitle = async (ev) => {
    ev.preventDefault();
    const input = document.getElementById("new-entry-title");
    const title = input.value.trim();
    if (!title) { input.focus(); return; }
    const ack = await run(ctx, "plan_entry_create", { title }, t("console.plan.created"));
    if (ack.ok) { delete ui.drafts["new-entry-title"]; page.render(); }
  };
  const titleInput = el("input", { id: "new-entry-title", dir: "auto", maxlength: MAX_PLAN_FIELD_CHARS });
  titleInput.value = ui.drafts["new-entry-title"] || "";
  titleInput.addEventListener("input", () => { ui.drafts["new-entry-title"] = titleInput.value; });
  const ws = page.state.workshop;
  const prioritising = !agenda.isShortDay(ws) && agenda.currentKind(ws) === "prioritise";
  const dotsClosed = Boolean(ws.plenary_vote_closed);
  const picking = prioritising && dotsClosed;
  const votingHint = prioritising ? t(dotsClosed ? "console.agenda.dotsClosed" : "console.plenary.votingOpen")
    : page.state.workshop.phase === "plenary" ? t("console.plenary.votingOpen") : t("console.plenary.votingClosed");
  const closeDots = async () => {
    const ok = await askDialog({ title: t("console.agenda.closeDotsTitle"), body: t("console.agenda.closeDotsBody"),
      confirm: t("console.agenda.closeDots") });
    if (ok) runAgenda("plenary_vote_close", {}, t("console.agenda.dotsClosed"));
  };
  return el("section", { aria: { labelledby: "plenary-h" } },
    el("div", { class: "section-head" },
      el("h2", { id: "plenary-h" }, t("console.plenary.title", { count: items.length })),
      el("span", { class: "hint" }, votingHint),
      prioritising && !dotsClosed ? el("button", { type: "button", class: "btn btn-primary", id: "vote-close", onclick: closeDots },
        t("console.agenda.closeDots")) : null),
    items.length === 0 ? el("p", { class: "empty card" }, t("console.plenary.empty")) : agreementLegend(),
    picking && items.length ? prioritiesBar(items) : null,
    mergeBar(items),
    el("ol", { class: "plenary-list" }, items.map((item) => {
      const room = page.state.rooms[String(item.room_id)];
      const inPlan = planned.has(item.id);
      const m = mergeControls(item, inPlan);
      return el("li", { class: ["card plenary-item", item.priority != null && "is-priority"], dataset: { itemId: item.id } },
        el("div", {},
          item.priority != null ? el("span", { class: "prio-badge" }, t("console.agenda.priorityN", { n: item.priority })) : null,
          picking ? priorityPick(item) : null,
          el("p", { class: "plenary-text" }, userText(item.text, "span", "post-text")),
          el("p", { class: "hint" }, m.rooms || t("console.plan.fromRoom", { room: roomName(room) })),
          ctx.agreement ? agreementLine(ctx.agreement.get(item.id)) : null,
          item.solutions && item.solutions.length ? el("ul", { class: "solutions", aria: { label: t("console.solutions.title") } },
            item.solutions.map((s) => el("li", { class: "solution" },
              el("span", { class: "sol-mark", aria: { hidden: "true" } }, "↳"),
              el("div", { class: "barrier-body" }, userText(s.text, "span", "post-text")),
              el("span", { class: "tally-n small", aria: { label: t("console.posts.votesLabel", { count: s.votes || 0 }) } }, fmtNumber(s.votes || 0))))) : null),
        el("div", { class: "plenary-votes" },
          el("div", { class: "vote-line" },
            el("span", {}, t("console.plenary.plenaryVotes")), el("b", { class: "tally-n small" }, fmtNumber(item.votes || 0)),
            el("span", { class: "tally-bar", aria: { hidden: "true" } }, barFill((item.votes || 0) / maxVotes))),
          afterCaucus ? null : el("div", { class: "vote-line room" },
            el("span", {}, t("console.plenary.roomVotes")), el("b", { class: "tally-n small" }, fmtNumber(item.room_votes || 0)),
            el("span", { class: "tally-bar", aria: { hidden: "true" } }, barFill((item.room_votes || 0) / maxRoom)))),
        el("div", { class: "plenary-actions" },
          inPlan ? el("span", { class: "badge badge-pushed" }, t("console.plenary.inPlan"))
            : draftsAhead ? null : el("button", { type: "button", class: "btn btn-primary btn-small", id: `mkplan-${item.id}`, disabled: !planOpen,
              onclick: () => run(ctx, "plan_entry_create", { plenary_item_id: item.id }, t("console.plan.created")) }, t("console.plenary.toPlan")),
          m.pick, m.undo,
          !inPlan && !m.undo && (page.state.workshop.phase === "breakouts" || page.state.workshop.phase === "plenary")
            ? el("button", { type: "button", class: "btn btn-small btn-quiet", id: `pwithdraw-${item.id}`,
              onclick: () => run(ctx, "report_withdraw", { item_id: item.id }, t("console.report.withdrawn")) }, t("console.report.withdraw")) : null,
          !planOpen && !draftsAhead ? el("span", { class: "hint" }, t("console.plenary.planLater")) : null));
    })),
    planOpen && !draftsAhead ? el("form", { class: "card inline-form", onsubmit: addTitle },
      el("label", { for: "new-entry-title", class: "grow" }, el("span", { class: "label-text" }, t("console.plan.newTitle")), titleInput),
      el("button", { type: "submit", class: "btn", id: "new-entry" }, t("console.plan.add"))) : null);
}

/** A meeting's .ics, through the progress link (the same file the progress page offers); null until the
 *  console has read that link (GET /api/workshops/<id>/links, as the council tab does). */
function meetingIcs(m) {
  if (!ui.progress) loadProgressLink();
  const url = ui.progress && ui.progress.url;
  if (!url) return null;
  try { return `${new URL(url, window.location.href).pathname}/meetings/${m.id}.ics`; } catch (_) { return null; }
}

function planView() {
  // Once the plan is drafted (action_plan, closed) the organiser, as the co-chairs on their page, gives
  // each action a due date and schedules the council's meetings (web/js/council-after.js; meetings.py).
  const afterDay = COUNCIL_PHASES.includes(page.state.workshop.phase);
  return el("section", { class: "plan-section", aria: { labelledby: "plan-h" } },
    el("div", { class: "section-head" },
      el("h2", { id: "plan-h" }, t("console.plan.title")),
      page.state.workshop.phase === "closed" ? el("span", { class: "hint" }, t("console.plan.closed")) : null,
      page.state.workshop.phase === "breakouts" ? el("span", { class: "hint" }, t("console.plenary.planLater")) : null),
    // The exports: first once the day is closed (the plan is final), after the entries while it is drafted.
    page.state.workshop.phase === "closed" ? exportsPanel(page.state, ctx) : null,
    // After the exports: erase the day's personal data (web/js/privacy.js).
    page.state.workshop.phase === "closed" ? privacyPanel(page.state, ctx) : null,
    afterDay ? el("p", { class: "hint" }, t("organiser.after_hint")) : null,
    renderPlan(page.state, ctx, { after: (entry) => [dueLine(entry), afterDay ? dueForm(entry, ctx, "plan") : null] }),
    afterDay ? meetingsSection(byId(page.state.meetings), { idPrefix: "organiser", ctx, lead: true, icsHref: meetingIcs }) : null,
    page.state.workshop.phase !== "closed" ? exportsPanel(page.state, ctx) : null);
}

// ------------------------------------------------------------ council

/** A link shown once in a read-only field, with a copy button (council links: only now; progress: always). */
function linkField(id, label, url) {
  const input = el("input", { id, type: "text", readonly: true, dir: "ltr", class: "link-input", value: url,
    onfocus: (ev) => ev.target.select() });
  return el("div", { class: "link-field" },
    el("label", { for: id, class: "field-label" }, label),
    el("div", { class: "field-edit" }, input,
      el("button", { type: "button", class: "btn btn-small", id: `${id}-copy`, onclick: async () => {
        try { await navigator.clipboard.writeText(url); announce(t("console.council.copied")); } catch (_) { input.select(); }
      } }, t("console.council.copy"))));
}

async function loadProgressLink() {
  ui.progress = { loading: true };
  try {
    const resp = await fetch(`/api/workshops/${encodeURIComponent(page.state.workshop.id)}/links`,
      { headers: { Authorization: `Bearer ${ctx.token}` }, cache: "no-store", credentials: "omit" });
    const body = await resp.json();
    ui.progress = resp.ok && body.progress_url ? { url: body.progress_url, base: body.base_url } : { failed: true };
  } catch (_) {
    ui.progress = { failed: true };
  }
  page.schedule();
}

function progressCard() {
  if (!ui.progress) loadProgressLink();
  const p = ui.progress || { loading: true };
  return el("div", { class: "card progress-link" },
    el("h3", {}, t("console.council.progressTitle")),
    el("p", { class: "hint" }, t("console.council.progressExplain")),
    p.url ? linkField("progress-url", t("console.council.progressTitle"), p.url)
      : el("p", { class: "hint", role: p.failed ? "alert" : "status" }, t(p.failed ? "console.council.progressFailed" : "console.council.progressLoading")));
}

async function issueCouncilLink(v, who) {
  const ack = await run(ctx, "council_link_issue", { participant_id: v.participant_id });
  if (ack.ok && ack.result && ack.result.token) {
    // Shown once: the server keeps only the token's hash. Forgotten on the next issue or reload.
    ui.councilLink = { participant_id: v.participant_id, who, url: `${baseUrl()}/council/${ack.result.token}` };
    announce(t("console.council.linkIssued", { name: who }));
    page.schedule();
  }
}

function issuedLinkCard() {
  const l = ui.councilLink;
  if (!l || !(page.state.council_links || {})[String(l.participant_id)]) return null;
  return el("div", { class: "card notice issued-link", role: "region", aria: { labelledby: "issued-link-h" } },
    el("h3", { id: "issued-link-h" }, t("console.council.linkIssued", { name: l.who })),
    el("p", { class: "hint" }, t("console.council.linkExplain")),
    linkField("council-url", t("console.council.linkIssued", { name: l.who }), l.url),
    el("button", { type: "button", class: "btn btn-small btn-quiet", id: "council-url-done",
      onclick: () => { ui.councilLink = null; page.schedule(); } }, t("console.council.close")));
}

/** Up to this many characters an e-mail address is kept on one line (p35@example.org): the table gives its
 *  column that room (a word's width is the least a column takes). */
const SHORT_EMAIL = 20;

/** A council member's contact, in its own direction. A long e-mail address in it breaks after its "@" and
 *  before a "." first (a phone's narrow column); a piece longer than its column may then break anywhere
 *  (.contact-long, console.css), so the table never scrolls sideways; a short one does not break. */
function contactText(contact) {
  const node = userText("", "span");
  for (const word of String(contact).split(/(\s+)/)) {
    const long = word.includes("@") && word.length > SHORT_EMAIL;
    if (long) node.classList.add("contact-long");
    const bits = long ? word.match(/\.?[^.@]*@?/g).filter(Boolean) : [word];
    bits.forEach((bit, k) => node.append(...(k ? [el("wbr"), bit] : [bit])));
  }
  return node;
}

function councilView() {
  const vols = byId(page.state.volunteers).sort((a, b) => String(a.name || "").localeCompare(String(b.name || "")) || a.participant_id - b.participant_id);
  const council = byId(page.state.council);
  const links = page.state.council_links || {};
  // A phone shows each member as a block, a field to a line: this is the column's header beside it
  // (hidden from screen readers, which have the table's own headers).
  const cellLabel = (text) => el("span", { class: "cell-label", aria: { hidden: "true" } }, text);
  return el("section", { aria: { labelledby: "council-h" } },
    el("div", { class: "section-head" },
      el("h2", { id: "council-h" }, t("console.council.title")),
      el("span", { class: "hint" }, t("console.council.summary", { count: council.length, chairs: council.filter((m) => isCoChair(m.role)).length }))),
    issuedLinkCard(),
    electionPanel({ state: page.state, conn: ctx.conn, toast, ask: askDialog }), // the council election (web/js/election-view.js)
    vols.length === 0 ? el("p", { class: "empty card" }, t("console.council.empty")) :
      el("div", { class: "card table-scroll" }, el("table", { class: "council-table" },
        el("caption", { class: "visually-hidden" }, t("console.council.title")),
        el("thead", {}, el("tr", {},
          el("th", { scope: "col" }, t("console.council.name")),
          el("th", { scope: "col" }, t("console.council.group")),
          el("th", { scope: "col" }, t("console.council.contact")),
          el("th", { scope: "col" }, t("console.council.role")),
          el("th", { scope: "col" }, t("console.council.link")))),
        el("tbody", {}, vols.map((v) => {
          const id = `role-${v.participant_id}`;
          const who = v.name ? iso(v.name) : t("console.people.anonymousN", { id: v.participant_id });
          const select = el("select", { id, class: "select-small", aria: { label: t("console.council.roleFor", { name: who }) } },
            el("option", { value: "" }, t("console.council.role.none")),
            // A legacy single "co_chair" (older workshops) stays visible until changed.
            v.role && !COUNCIL_ROLES.includes(v.role) ? el("option", { value: v.role }, councilRoleName(v.role)) : null,
            COUNCIL_ROLES.map((r) => el("option", { value: r }, councilRoleName(r))));
          select.value = v.role || "";
          select.addEventListener("change", async () => {
            const ack = await run(ctx, "council_role_set", { participant_id: v.participant_id, role: select.value || null },
              t("console.council.roleSet", { name: who }));
            if (!ack.ok) { select.value = v.role || ""; }
          });
          const hasLink = !!links[String(v.participant_id)];
          const linkCell = !v.role ? el("span", { class: "hint" }, "—") : el("div", { class: "link-actions" },
            el("span", { class: hasLink ? "badge badge-link" : "hint" }, t(hasLink ? "console.council.linkActive" : "console.council.linkNone")),
            el("button", { type: "button", class: "btn btn-small", id: `link-${v.participant_id}`,
              aria: { label: t("console.council.linkIssueFor", { name: who }) },
              onclick: () => issueCouncilLink(v, who) }, t(hasLink ? "console.council.linkRenew" : "console.council.linkIssue")),
            hasLink ? el("button", { type: "button", class: "btn btn-small btn-quiet", id: `unlink-${v.participant_id}`,
              aria: { label: t("console.council.linkRevokeFor", { name: who }) },
              onclick: () => run(ctx, "council_link_revoke", { participant_id: v.participant_id }, t("console.council.linkRevoked", { name: who })) },
            t("console.council.linkRevoke")) : null);
          // Appointed with no name and no contact: nobody can hand them their link or reach them.
          const unreachable = v.role && !v.name && !(v.consent && v.contact);
          return el("tr", {},
            el("td", {}, v.name ? userText(v.name, "span") : el("span", { class: "hint" }, who),
              unreachable ? el("p", { class: "help-open", id: `unreachable-${v.participant_id}`, role: "status" },
                t("console.council.unreachable")) : null),
            el("td", {}, cellLabel(t("console.council.group")), sectorLabel(page.state, v.group)), // a workshop's own sectors by their names
            el("td", {}, cellLabel(t("console.council.contact")), v.consent && v.contact ? contactText(v.contact) : el("span", { class: "hint" }, t(v.consent ? "console.council.noContact" : "console.council.noConsent"))),
            el("td", {}, cellLabel(t("console.council.role")), select),
            el("td", {}, cellLabel(t("console.council.link")), linkCell));
        })))),
    progressCard());
}

// ------------------------------------------------------------ links

/** A new link, shown once under its button: the server keeps only its hash. */
function issuedField(key) {
  const l = ui.issued && ui.issued[key];
  return l ? [el("p", { class: "hint", role: "status" }, t("console.links.shownOnce")), linkField(`new-${key}`, l.label, l.url)] : null;
}

async function reissue(key, label, command, payload, path) {
  const ok = await askDialog({ title: t("console.links.confirmTitle", { link: label }), body: t("console.links.confirmBody"),
    confirm: t("console.links.reissue"), danger: true });
  if (!ok) return;
  const ack = await run(ctx, command, payload, t("console.links.reissued", { link: label }));
  if (ack.ok && ack.result && ack.result.token) {
    ui.issued = { ...(ui.issued || {}), [key]: { label, url: `${baseUrl()}${path}${ack.result.token}` } };
    page.schedule();
  }
}

function linksView() {
  if (!ui.progress) loadProgressLink();
  const rooms = byId(page.state.rooms).sort((a, b) => a.number - b.number);
  const row = (key, label, explain, command, payload, path) => el("div", { class: "card link-row" },
    el("h3", {}, label),
    el("p", { class: "hint" }, explain),
    el("button", { type: "button", class: "btn btn-small", id: `reissue-${key}`,
      aria: { label: t("console.links.reissueFor", { link: label }) },
      onclick: () => reissue(key, label, command, payload, path) }, t("console.links.reissue")),
    issuedField(key));
  return el("section", { aria: { labelledby: "links-h" } },
    el("div", { class: "section-head" }, el("h2", { id: "links-h" }, t("console.links.title"))),
    el("p", { class: "hint" }, t("console.links.explain")),
    el("div", { class: "card link-row" },
      el("h3", {}, t("console.links.organiser")),
      linkField("organiser-url", t("console.links.organiser"), `${baseUrl()}/o#${ctx.token}`),
      el("p", { class: "hint" }, t("console.links.organiserHint", { command: `common-ground links ${page.state.workshop.id} --reissue organiser` }))),
    row("display", t("console.links.display"), t("console.links.displayExplain"), "display_link_renew", {}, "/d#"),
    rooms.map((room) => row(`room-${room.id}`, t("console.links.facilitator", { room: roomName(room) }),
      t("console.links.facilitatorExplain"), "facilitator_invite_renew", { room_id: room.id }, "/f#")));
}

// ------------------------------------------------------------ page

function draw() {
  drawHeader();
  const notice = accessNotice(page.status);
  if (notice) { rerender(main, notice); return; }
  if (!page.state) return;
  const tab = ui.tab || defaultTab();
  const helpCount = Object.keys(page.state.help || {}).length;
  const tabs = [
    ["rooms", t("console.nav.rooms")],
    ["plenary", t("console.nav.plenary", { count: Object.keys(page.state.plenary).length })],
    ["plan", t("console.nav.plan", { count: Object.keys(page.state.plan).length })],
    ["council", t("console.nav.council", { count: Object.keys(page.state.volunteers || {}).length })],
    ["links", t("console.nav.links")],
    ["agenda", t("console.agenda.tab")],
  ];
  const nav = el("nav", { class: "tabs", aria: { label: t("console.nav.label") } }, tabs.map(([key, label]) =>
    el("button", { type: "button", class: "tab", id: `tab-${key}`, aria: { pressed: String(tab === key) },
      onclick: () => { ui.tab = key; if (key === "rooms" && tab === "rooms") ui.steer = null; page.render(); } },
    label, key === "rooms" && helpCount ? el("span", { class: "dot", aria: { label: t("console.help.openCalls", { count: helpCount }) } }, fmtNumber(helpCount)) : null)));
  const body = { rooms: roomsView, plenary: plenaryView, plan: planView, council: councilView, links: linksView, agenda: agendaView }[tab]();
  rerender(main, [
    page.state.workshop.paused ? el("div", { class: "paused-banner", role: "status" }, t("console.pause.isPaused")) : null,
    topBar(), agenda.isShortDay(page.state.workshop) ? null : agendaStrip(),
    pulsePanel({ state: page.state, run: (command, payload, done) => run(ctx, command, payload, done), ask: askDialog }), // the trust pulse
    nav, body]);
  tickTimers(ctx, main);
}

const announceTimer = timerAnnouncer(ctx);

function tick() {
  tickTimers(ctx, main);
  for (const room of byId(page.state.rooms)) announceTimer(room.deadline, roomName(room));
}

async function start() {
  await setLanguage(preferredLanguage(LANG_KEY));
  const token = takeToken("organiser");
  ctx.token = token;
  if (token) ctx.agreement = agreementTracker({ token, onChange: page.schedule });
  // A status redraws the page: a phase tap waiting offline says it is queued.
  ctx.conn = page.connect({ token, role: "organiser", onlyRole: "organiser", remember: true, trackOutbox: true });
}

start();
