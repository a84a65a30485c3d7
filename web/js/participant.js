// The phone page (/p and /j/<code>): join a workshop, then take part in the room.
//
// Everything on screen is drawn from the state (web/js/state.js) plus the outbox of
// commands not yet acknowledged (web/js/connection.js), so what someone typed while
// offline is shown as "waiting to send" and never lost. Typed text is only ever
// inserted as text (dom.userText), in its own direction.

import { el, userText, clear, announce, createToaster } from "./dom.js";
import { createPage } from "./page.js";
import { shownBarriers } from "./counts.js";
import { phonePulseCard, pulseRefusalShown } from "./pulse-view.js";
import { phoneElectionCard, electionRefusalShown } from "./election-view.js";
import { closingCard } from "./closing-view.js";
import {
  segmentKind, ROUND_KINDS, roundKind, namedSegment, roomPhases, postKind, promptText, questionText, sectorName, roomDrafts, allDrafts, rankedPriorities, QUESTION_FIELDS,
} from "./room-agenda.js";
import {
  GROUPS, ROOM_PHASES, MAX_BARRIER_CHARS, MAX_SOLUTION_CHARS, MAX_NAME_CHARS, MAX_CONTACT_CHARS, MAX_REASON_CHARS,
  JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH,
} from "./rules.js";
import {
  loadLanguage, t, applyDocumentLanguage, translatePage, formatNumber, formatCountdown,
  availableLanguages, languageName, hasKey, currentLanguage,
} from "./i18n.js";

const LANG_KEY = "cg.lang";
const LAST_CODE_KEY = "cg.lastCode";
const JOIN_CODE = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

const main = document.getElementById("main");
const topbar = document.getElementById("topbar");
const overlay = document.getElementById("overlay");
// One message at a time; the container (#toasts, role=alert) is the live region.
const toasts = createToaster(document.getElementById("toasts"),
  { dismiss: () => t("common.dismiss"), icon: "×", single: true, roles: false, ms: () => 8000 });

// ------------------------------------------------------------------ storage

function store(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
  } catch (_) { /* private mode: works for this visit only */ }
}

function load(key, json = true) {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return null;
    return json ? JSON.parse(raw) : raw;
  } catch (_) {
    return null;
  }
}

const sessionKey = (code) => `cg.join.${code}`;

// ------------------------------------------------------------------ offline reload
// A reload without network (the page itself comes from the service worker, web/sw.js)
// shows the room as last seen: the workshop's public facts (localStorage) and the last
// state of this tab (sessionStorage, gone with the tab), until the connection syncs.
const infoKey = (code) => `cg.info.${code}`;
const lastStateKey = (code) => `cg.state.${code}`;

/** The workshop's public facts as last fetched, for a device that has joined it. */
function offlineInfo(code) {
  const saved = load(sessionKey(code));
  const info = load(infoKey(code));
  return saved && saved.token && info && typeof info === "object" ? info : null;
}

function loadLastState(code) {
  try {
    const raw = sessionStorage.getItem(lastStateKey(code));
    const s = raw ? JSON.parse(raw) : null;
    return s && typeof s === "object" && s.workshop && s.me ? s : null;
  } catch (_) {
    return null;
  }
}

let lastStateTimer = null;
function saveLastState(now = false) {
  const save = () => {
    lastStateTimer = null;
    if (!ctx || !page.state) return;
    try { sessionStorage.setItem(lastStateKey(ctx.code), JSON.stringify(page.state)); } catch (_) { /* full: not kept */ }
  };
  if (now) { clearTimeout(lastStateTimer); save(); return; }
  if (!lastStateTimer) lastStateTimer = setTimeout(save, 2000);
}
addEventListener("pagehide", () => saveLastState(true));

function normaliseCode(raw) {
  return String(raw || "").toUpperCase().replace(/[\s-]/g, "");
}

function codeFromPath() {
  const m = location.pathname.match(/^\/j\/([^/?#]+)/);
  return m ? normaliseCode(decodeURIComponent(m[1])) : null;
}

/** 43 url-safe characters from 32 random bytes. */
function newDeviceKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// ------------------------------------------------------------------ language

function preferredLanguage(workshopLanguages) {
  const available = availableLanguages().map((l) => l.code);
  const saved = load(LANG_KEY, false);
  if (saved && available.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).split("-")[0].toLowerCase();
    if (available.includes(base) && (!workshopLanguages || workshopLanguages.includes(base))) return base;
  }
  return "en";
}

async function setLanguage(lang, { save = false } = {}) {
  const used = await loadLanguage(lang);
  applyDocumentLanguage(used);
  translatePage(document);
  if (save) store(LANG_KEY, used);
  return used;
}

function languageSwitcher(onChange) {
  const id = "lang-switch";
  const select = el("select", { id, class: "lang-select", "aria-label": t("common.language") },
    availableLanguages().map((l) => el("option", { value: l.code, lang: l.code, selected: l.code === currentLanguage() }, l.name)));
  select.addEventListener("change", async () => {
    await setLanguage(select.value, { save: true });
    onChange();
    announce(t("common.language_changed", { language: languageName(select.value) }));
  });
  return el("div", { class: "lang-switch" },
    el("label", { for: id, class: "visually-hidden" }, t("common.language")),
    select);
}

// ------------------------------------------------------------------ toasts

function showError(code, details = {}) {
  const key = `error.${code}`;
  const params = { ...details };
  const phaseName = (p) => (hasKey(`phase.${p}`) ? t(`phase.${p}`) : hasKey(`workshop_phase.${p}`) ? t(`workshop_phase.${p}`) : p);
  if (Array.isArray(params.allowed)) params.allowed = params.allowed.map(phaseName).join(", ");
  if (params.phase) params.phase = phaseName(params.phase);
  let text = hasKey(key) ? t(key, params) : t("error.unknown");
  if (/\{\w+\}/.test(text)) text = t("error.unknown_detail", { code }); // a detail the server did not send
  toasts.show(text, "error");
}


// ------------------------------------------------------------------ start

async function start() {
  let code = codeFromPath();
  if (!code && location.pathname === "/p") {
    code = load(LAST_CODE_KEY, false);
  }
  await setLanguage(preferredLanguage(null));
  if (!code) { showCodeForm(); return; }

  let info = await fetchWorkshop(code);
  if (info === "not_found") { showCodeForm("error.not_found"); return; }
  if (info === "expired") { showCodeForm("error.expired"); return; }
  if (info) store(infoKey(code), info);
  else info = offlineInfo(code);
  if (!info) { showRetry(() => start()); return; }

  const saved = load(sessionKey(code));
  if (!load(LANG_KEY, false) && info.languages) {
    await setLanguage(preferredLanguage(info.languages));
  }
  if (saved && saved.token) {
    store(LAST_CODE_KEY, code);
    enterRoom(code, info, saved);
  } else {
    showJoinForm(code, info);
  }
}

async function fetchWorkshop(code) {
  try {
    const res = await fetch(`/api/workshops/${encodeURIComponent(code)}`, { cache: "no-cache" });
    if (res.status === 404) return "not_found";
    if (res.status === 410) return "expired"; // past TOKEN_TTL_DAYS (docs/security.md)
    if (!res.ok) return null;
    const body = await res.json();
    return body && body.ok ? body : null;
  } catch (_) {
    return null;
  }
}

function renderPlainTopbar(title) {
  clear(topbar);
  topbar.append(el("div", { class: "topbar-row" },
    el("div", { class: "topbar-title" },
      el("span", { class: "app-name" }, t("app.name")),
      title ? userText(title, "span") : null),
    languageSwitcher(() => rerenderPlain())));
}

let rerenderPlain = () => {};

function showRetry(again) {
  rerenderPlain = () => showRetry(again);
  renderPlainTopbar(null);
  clear(main).append(el("section", { class: "card stack" },
    el("h1", {}, t("phone.offline_start.title")),
    el("p", {}, t("phone.offline_start.body")),
    el("button", { type: "button", class: "btn-primary", onclick: again }, t("common.retry"))));
}

function showCodeForm(errorKey = null) {
  rerenderPlain = () => showCodeForm(errorKey);
  renderPlainTopbar(null);
  const input = el("input", {
    id: "code", name: "code", type: "text", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", maxlength: "12", inputmode: "text", dir: "ltr", class: "code-input",
    "aria-describedby": "code-hint" + (errorKey ? " code-error" : ""),
    "aria-invalid": errorKey ? "true" : null,
  });
  const form = el("form", { class: "card stack", novalidate: true },
    el("h1", {}, t("phone.code.title")),
    el("div", { class: "field" },
      el("label", { for: "code" }, t("phone.code.label")),
      el("span", { id: "code-hint", class: "hint" }, t("phone.code.hint")),
      input),
    errorKey ? el("p", { id: "code-error", class: "error-text" }, t(errorKey)) : null,
    el("button", { type: "submit", class: "btn-primary btn-block" }, t("phone.code.submit")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const code = normaliseCode(input.value);
    if (!JOIN_CODE.test(code)) { showCodeForm("phone.code.invalid"); return; }
    location.assign(`/j/${code}`);
  });
  clear(main).append(form);
  if (errorKey) input.focus();
}

// ------------------------------------------------------------------ join form

// The privacy notice: what "anonymous" means (with the choice), then what is kept, for how
// long (TOKEN_TTL_DAYS, from /api/workshops/<code>) and whom to ask. docs/security.md.
function privacyNotice(info, anonField) {
  const days = Number(info.retention_days) || 0;
  let erased = t("phone.privacy.erased_manual");
  if (days > 0 && info.expires_at) {
    const date = new Intl.DateTimeFormat(currentLanguage(), { dateStyle: "long" }).format(new Date(info.expires_at));
    erased = t("phone.privacy.erased", { days: formatNumber(days), date });
  }
  return el("section", { class: "privacy-notice", "aria-labelledby": "privacy-title" },
    el("h2", { id: "privacy-title" }, t("phone.privacy.title")),
    anonField,
    el("h3", { id: "privacy-kept-title" }, t("phone.privacy.kept_title")),
    el("ul", { class: "privacy-facts", "aria-labelledby": "privacy-kept-title" },
      el("li", {}, t("phone.privacy.kept")),
      el("li", { id: "privacy-erased" }, erased),
      el("li", {}, t("phone.privacy.ask"))));
}

// The sectors to pick from: the workshop's own (GET /api/workshops/<code>), else the four groups
// (an answer cached before sectors existed).
function joinSectors(info) {
  return info.sectors && info.sectors.length ? info.sectors : GROUPS.map((key) => ({ key, names: {} }));
}

// A sector's name in the reading language; else the page's label of one of the four groups; else
// the name in the workshop's first language. The organiser typed it: shown as user text.
function sectorLabel(s) {
  const own = s.names[currentLanguage()];
  if (!own && GROUPS.includes(s.key)) return el("span", {}, t(`group.${s.key}`));
  return userText(own || Object.values(s.names)[0] || s.key, "span");
}

function showJoinForm(code, info, draft = {}) {
  rerenderPlain = () => {
    const d = readDraft();
    if (!d.languageChosen && langs.includes(currentLanguage())) d.language = currentLanguage();
    showJoinForm(code, info, d);
  };
  renderPlainTopbar(null);
  const langs = (info.languages && info.languages.length ? info.languages : ["en"]);
  const readingDefault = draft.language || (langs.includes(currentLanguage()) ? currentLanguage() : langs[0]);

  const nameInput = el("input", {
    id: "join-name", name: "name", type: "text", maxlength: String(MAX_NAME_CHARS), autocomplete: "nickname",
    dir: "auto", value: draft.name || "", "aria-describedby": "join-name-hint",
  });
  const groupField = el("fieldset", { class: "field", "aria-describedby": "join-group-error" },
    el("legend", {}, t("phone.join.group")),
    joinSectors(info).map((s) => el("label", { class: "choice" },
      el("input", { type: "radio", name: "group", value: s.key, required: true, checked: draft.group === s.key }),
      sectorLabel(s))),
    el("p", { id: "join-group-error", class: "error-text", hidden: true }, t("phone.join.group_required")));
  const langField = el("fieldset", { class: "field" },
    el("legend", {}, t("phone.join.language")),
    el("span", { class: "hint" }, t("phone.join.language_hint")),
    langs.map((l) => el("label", { class: "choice", lang: l },
      el("input", { type: "radio", name: "language", value: l, checked: l === readingDefault }),
      el("span", {}, languageName(l)))));
  const showName = el("input", { type: "radio", name: "anon", value: "show", checked: draft.anonymous === false });
  const stayAnon = el("input", { type: "radio", name: "anon", value: "anon", checked: draft.anonymous !== false });
  const anonField = el("fieldset", { class: "field anon-field" },
    el("legend", {}, el("h3", {}, t("phone.join.anon.title"))),
    el("ul", { class: "anon-facts" },
      el("li", {}, t("phone.join.anon.fact1")),
      el("li", {}, t("phone.join.anon.fact2")),
      el("li", {}, t("phone.join.anon.fact3"))),
    el("label", { class: "choice" }, stayAnon, el("span", {}, t("phone.join.anon.stay"))),
    el("label", { class: "choice" }, showName, el("span", {}, t("phone.join.anon.show"))),
    el("p", { class: "hint", id: "anon-noname" }, t("phone.join.anon.noname")));

  const syncAnon = () => {
    const hasName = nameInput.value.trim().length > 0;
    showName.disabled = !hasName;
    if (!hasName) stayAnon.checked = true;
    document.getElementById("anon-noname").hidden = hasName;
  };
  nameInput.addEventListener("input", syncAnon);

  const errorBox = el("p", { class: "error-text", id: "join-error", hidden: true });
  const submit = el("button", { type: "submit", class: "btn-primary btn-block" }, t("phone.join.submit"));
  const form = el("form", { class: "join-form card", novalidate: true },
    el("h1", {}, userText(info.title, "span")),
    info.date || info.place
      ? el("p", { class: "hint" }, [info.date, info.place].filter(Boolean).map((x, i) => [i ? t("common.separator") : "", userText(x)]))
      : null,
    el("p", {}, t("phone.join.intro")),
    el("div", { class: "field" },
      el("label", { for: "join-name" }, t("phone.join.name")),
      el("span", { id: "join-name-hint", class: "hint" }, t("phone.join.name_hint")),
      nameInput),
    groupField,
    langField,
    privacyNotice(info, anonField),
    errorBox,
    submit);

  function readDraft() {
    const fd = new FormData(form);
    return { name: nameInput.value, group: fd.get("group"), language: fd.get("language"),
      anonymous: fd.get("anon") !== "show", languageChosen: Boolean(draft.languageChosen || languageChosen) };
  }

  // Choosing a reading language we have a catalogue for also switches the page.
  let languageChosen = false;
  langField.addEventListener("change", async (e) => {
    const l = e.target.value;
    languageChosen = true;
    if (availableLanguages().some((a) => a.code === l) && l !== currentLanguage()) {
      const d = readDraft();
      await setLanguage(l, { save: true });
      showJoinForm(code, info, d);
      const again = main.querySelector(`input[name="language"][value="${l}"]`);
      if (again) again.focus();
    }
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = readDraft();
    const groupError = document.getElementById("join-group-error");
    if (!d.group) {
      groupError.hidden = false;
      groupField.querySelector("input").focus();
      return;
    }
    groupError.hidden = true;
    errorBox.hidden = true;
    submit.disabled = true;
    submit.textContent = t("phone.join.joining");
    // The device key is made once per code and kept, so a retry after a lost answer
    // returns the same participant instead of a second one.
    const saved = load(sessionKey(code)) || {};
    const deviceKey = saved.device_key || newDeviceKey();
    store(sessionKey(code), { ...saved, device_key: deviceKey });
    const name = d.name.trim();
    const body = { code, group: d.group, language: d.language || langs[0], device_key: deviceKey,
      anonymous: name ? d.anonymous : true };
    if (name) body.name = name;
    let res;
    let answer;
    try {
      res = await fetch("/api/join", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      answer = await res.json();
    } catch (_) {
      answer = { ok: false, error: { code: "network" } };
    }
    submit.disabled = false;
    submit.textContent = t("phone.join.submit");
    if (!answer || !answer.ok) {
      const errCode = (answer && answer.error && answer.error.code) || "unknown";
      const details = (answer && answer.error && answer.error.details) || {};
      if (errCode === "invalid" && (details.languages || details.sectors) && await offerNewChoices(code, d)) return;
      errorBox.textContent = hasKey(`error.${errCode}`) ? t(`error.${errCode}`) : t("error.unknown");
      errorBox.hidden = false;
      errorBox.setAttribute("role", "alert");
      if (errCode === "unauthorized") store(sessionKey(code), null); // a fresh device key next time
      return;
    }
    const session = { token: answer.token, device_key: deviceKey, participant_id: answer.participant_id };
    store(sessionKey(code), session);
    store(LAST_CODE_KEY, code);
    if (availableLanguages().some((a) => a.code === body.language) && !load(LANG_KEY, false)) {
      await setLanguage(body.language, { save: true });
    }
    enterRoom(code, info, session);
  });

  clear(main).append(form, rejoinForm(code, info));
  syncAnon();
}

// ------------------------------------------------------------------ the room

// The room's page (web/js/page.js): its state, status and outbox, redraws that wait for the
// finger (a tap on a vote button is not lost to a redraw), the change notes, the clock.
const page = createPage({ draw: drawRoom, changed: stateChanged, statusChanged: sayStatus, tick });
let lastAnnouncedMilestone = null;
let wasOffline = false;
let pendingNew = 0;
let newTimer = null;
let ctx = null; // { code, info, session }
const ui = {
  barrierText: "",
  barrierAnon: null,
  strengthText: "", // a caucus round's second box (docs/agenda.md)
  solutionFor: null, // barrier id the composer is open for
  solutionText: "",
  solutionAnon: null,
  volunteerOpen: false,
  objectFor: null, // shared barrier id the merge-objection form is open for
  objectText: "",
};

function enterRoom(code, info, session) {
  ctx = { code, info, session };
  rerenderPlain = () => {};
  clear(main).append(el("p", { class: "loading" }, t("common.connecting")));
  renderTopbar();
  page.state = loadLastState(code); // shown until the connection syncs (offline reload)
  page.connect({
    token: session.token,
    trackOutbox: true,
    onAck(item, ack) {
      if (ack && ack.ok) {
        if (item.command === "barrier_post") announce(t("phone.barrier.sent"));
        if (item.command === "solution_post") announce(t("phone.solution.sent"));
        return;
      }
      const err = (ack && ack.error) || { code: "unknown" };
      if (item.command === "seat_code_issue") return; // asked in the background; asked again later
      if (pulseRefusalShown(item, err)) { page.schedule(); return; } // the pulse card says "thank you"
      if (electionRefusalShown(item, err)) { page.schedule(); return; } // the ballot says "you have voted"
      // Give back what the person typed, so a refused post is never lost.
      if (item.command === "barrier_post") {
        const textKey = item.payload.kind === "strength" ? "strengthText" : "barrierText";
        if (!ui[textKey]) ui[textKey] = item.payload.text || "";
      }
      if (item.command === "solution_post" && !ui.solutionText) {
        ui.solutionFor = item.payload.barrier_id;
        ui.solutionText = item.payload.text || "";
      }
      showError(err.code, err.details || {});
      page.schedule();
    },
  });
}

function sayStatus(s) {
  if (s === "offline" && !wasOffline) { wasOffline = true; announce(t("phone.status.offline_long")); }
  if (s === "online" && wasOffline) { wasOffline = false; announce(t("status.online")); }
}

function stateChanged(prev, next) {
  noticeChanges(prev, next);
  saveLastState();
}

// Announcements for things that change without the person doing anything.
function noticeChanges(prev, next) {
  if (!prev || !next) return;
  const room = myRoom(next);
  const oldRoom = myRoom(prev);
  if (room && oldRoom && room.id !== oldRoom.id) {
    announce(t("phone.moved", { room: roomName(room) }));
  } else if (room && oldRoom && room.phase !== oldRoom.phase) {
    announce(t("phone.phase_now", { phase: t(`phase.${room.phase}`) }));
  }
  if (prev.workshop.phase !== next.workshop.phase) {
    announce(t("phone.phase_now", { phase: t(`workshop_phase.${next.workshop.phase}`) }));
  }
  if (prev.workshop.paused !== next.workshop.paused) {
    announce(next.workshop.paused ? t("phone.paused.title") : t("phone.paused.resumed"));
  }
  // The author is told when the facilitator hides or corrects one of their posts.
  for (const [kind, coll] of [["barrier", "barriers"], ["solution", "solutions"]]) {
    for (const [id, item] of Object.entries(next[coll])) {
      const before = prev[coll][id];
      if (!before || !next.mine.includes(`${kind}:${id}`)) continue;
      // The reason comes in its own event (post_hidden_reason), right after post_hidden.
      if (item.hidden && item.hidden_reason && !before.hidden_reason) toasts.show(t("phone.told.hidden", { reason: item.hidden_reason }));
      else if (item.edited && item.text !== before.text) toasts.show(t("phone.told.edited", { text: item.text }));
    }
  }
  // The author is told when the facilitator keeps a merge they objected to.
  for (const [id, o] of Object.entries(next.objections || {})) {
    const before = (prev.objections || {})[id];
    if (before && before.status === "open" && o.status === "dismissed") toasts.show(t("phone.objection.dismissed"));
  }
  let fresh = 0;
  for (const id of Object.keys(next.barriers)) {
    if (!prev.barriers[id] && !next.mine.includes(`barrier:${id}`) && !next.barriers[id].shared) fresh += 1;
  }
  for (const id of Object.keys(next.solutions)) {
    if (!prev.solutions[id] && !next.mine.includes(`solution:${id}`)) fresh += 1;
  }
  if (fresh) {
    pendingNew += fresh;
    clearTimeout(newTimer);
    newTimer = setTimeout(() => {
      announce(t("phone.new_posts", { count: pendingNew }));
      pendingNew = 0;
    }, 2500);
  }
}

function myRoom(s = page.state) {
  return s && s.me.room_id != null ? s.rooms[String(s.me.room_id)] : null;
}

function roomName(room) {
  if (!room) return "";
  if (!room.name || room.name === `Room ${room.number}`) return t("phone.room_number", { number: room.number });
  return room.name;
}

function timeLeft() {
  const room = myRoom();
  if (!room || !room.deadline || !page.conn) return null;
  return Date.parse(room.deadline) - page.conn.serverNow();
}

function tick() {
  const left = timeLeft();
  const node = document.getElementById("timer");
  if (left === null) return;
  if (node) {
    node.textContent = left > 0 ? formatCountdown(left) : t("phone.timer.up");
    node.classList.toggle("timer-low", left > 0 && left <= 60000);
    node.classList.toggle("timer-up", left <= 0);
  }
  const deadline = myRoom().deadline;
  const milestones = [[300000, "phone.timer.five"], [60000, "phone.timer.one"], [0, "phone.timer.up"]];
  for (const [at, key] of milestones) {
    const tag = `${deadline}:${at}`;
    if (left <= at && left > at - 5000 && lastAnnouncedMilestone !== tag) {
      lastAnnouncedMilestone = tag;
      announce(t(key));
    }
  }
}

// ------------------------------------------------------------------ sending

async function send(command, payload) {
  if (!page.conn) return null;
  const ack = await page.conn.send(command, payload);
  return ack;
}

function pending(command, pred = () => true) {
  return page.outbox.filter((i) => i.command === command && pred(i.payload));
}

// ------------------------------------------------------------------ rendering

function renderTopbar() {
  clear(topbar);
  const room = myRoom();
  const ws = page.state && page.state.workshop;
  const statusKey = page.status === "unauthorized" ? "status.unauthorized" : `status.${page.status}`;
  const left = timeLeft();
  const caucus = page.state && roundKind(page.state) === "caucus";
  const segment = page.state ? namedSegment(page.state) : null;
  const phaseLabel = ws && ws.phase !== "breakouts"
    ? (segment ? t(`room.agenda.segment.${segment}`) : t(`workshop_phase.${ws.phase}`))
    : room && caucus && room.phase === "brainstorm" ? t("room.agenda.caucus.phase_brainstorm")
      : room && caucus && room.phase === "reveal" ? t("room.agenda.caucus.phase_reveal")
        : room ? t(`phase.${room.phase}`) : "";
  topbar.append(...[
    el("div", { class: "topbar-row" },
      el("div", { class: "topbar-title" },
        el("span", { class: "app-name" }, ws ? userText(ws.title) : t("app.name")),
        room ? el("span", { class: "room-name" }, roomName(room)) : null),
      el("span", { class: ["conn", `conn-${page.status}`], title: t(statusKey) },
        el("span", { class: "conn-dot", "aria-hidden": "true" }),
        el("span", { class: "conn-text" }, t(statusKey))),
      languageSwitcher(() => { renderTopbar(); page.render(); })),
    phaseLabel || left !== null
      ? el("div", { class: "topbar-row topbar-phase" },
        phaseLabel ? el("span", { class: "phase-badge" }, phaseLabel) : null,
        left !== null && (!ws || ws.phase === "breakouts")
          ? el("span", { class: "timer-wrap" },
            el("span", { class: "visually-hidden" }, t("phone.timer.label")),
            el("span", { id: "timer", class: "timer", role: "timer", dir: "ltr" },
              left > 0 ? formatCountdown(left) : t("phone.timer.up")))
          : null)
      : null,
  ].filter(Boolean));
}

function keepTopbarHeight() {
  document.documentElement.style.setProperty("--topbar-h", `${topbar.offsetHeight}px`);
}

function drawRoom() {
  if (!ctx) return;
  const active = document.activeElement;
  const focusKey = active && active.dataset ? active.dataset.key : null;
  const scrollY = window.scrollY;
  renderTopbar();
  keepTopbarHeight();
  renderOverlay();
  if (page.status === "unauthorized") { renderUnauthorized(); return; }
  if (!page.state) return;

  const ws = page.state.workshop;
  const room = myRoom();
  const sections = [];
  if (ws.phase === "breakouts") {
    if (room) sections.push(...roomSections(room));
  } else if (ws.phase === "plenary" && segmentKind(page.state) === "report_out") {
    sections.push(...reportOutSections());
  } else if (ws.phase === "plenary") {
    sections.push(prioritiesSection());
    sections.push(plenarySection(!ws.plenary_vote_closed));
  } else if (ws.phase === "action_plan") {
    sections.push(planSection());
  } else if (ws.phase === "closed") {
    // Thanks, the report without names and the progress link, each with its QR (web/js/closing-view.js).
    sections.push(closingCard({ workshop: ws, lang: currentLanguage() }));
    sections.push(planSection());
  }
  sections.push(seatSection());
  sections.push(volunteerSection());
  // The trust pulse, when one is open (web/js/pulse-view.js): a card at the top, put off with "Later".
  const pulse = phonePulseCard({ state: page.state, outbox: page.outbox, send, redraw: page.render });
  // The council election (web/js/election-view.js): its cards in the council segment, a ballot whenever open.
  const election = phoneElectionCard({ state: page.state, outbox: page.outbox, send, redraw: page.render });
  clear(main).append(...[pulse, ...election, moveNotice(), ...sections].filter(Boolean)); // append(null) would write "null"
  // Scrolling a control into view (keyboard focus, a find) stops below the sticky bars, not under them.
  const sticky = main.querySelector(".votes-sticky");
  document.documentElement.style.setProperty("--sticky-h", `${sticky ? sticky.offsetHeight : 0}px`);
  if (!drawRoom.done) {
    // First view of the room: move focus from the (now gone) join button to the page.
    drawRoom.done = true;
    if (!focusKey) main.focus({ preventScroll: true });
  }
  if (focusKey) {
    const again = main.querySelector(`[data-key="${CSS.escape(focusKey)}"]`) || topbar.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
    if (again && again !== document.activeElement) {
      again.focus({ preventScroll: true });
      window.scrollTo(0, scrollY);
    }
  }
}

function renderOverlay() {
  const ws = page.state && page.state.workshop;
  const paused = Boolean(ws && ws.paused);
  overlay.hidden = !paused;
  main.inert = paused;
  if (!paused) { clear(overlay); return; }
  clear(overlay).append(el("div", { class: "overlay-box", role: "dialog", "aria-modal": "true", "aria-labelledby": "paused-title" },
    el("h2", { id: "paused-title" }, t("phone.paused.title")),
    ws.pause_message ? userText(ws.pause_message, "p") : el("p", {}, t("phone.paused.body"))));
}

function renderUnauthorized() {
  const ended = page.state && page.state.me && page.state.me.ended;
  if (ended && ended.erased) {
    // The workshop's personal data was erased (purge or expiry): a calm goodbye, no rejoining.
    clear(main).append(el("section", { class: "card stack", role: "status" },
      el("h1", {}, t("phone.erased.title")),
      el("p", {}, t("phone.erased.body"))));
    return;
  }
  if (ended && ended.rejoined) {
    // The seat was taken on another device with its seat code (server/domain/seats.py).
    clear(main).append(el("section", { class: "card stack", role: "alert" },
      el("h1", {}, t("phone.rejoined.title")),
      el("p", {}, t("phone.rejoined.body"))));
    return;
  }
  if (ended && page.state.me.role === "participant") {
    // Removed by the facilitator or organiser: say so plainly; joining again is not offered.
    clear(main).append(el("section", { class: "card stack", role: "alert" },
      el("h1", {}, t("phone.removed.title")),
      el("p", {}, t("phone.removed.body")),
      ended.reason ? el("p", {}, t("phone.removed.reason"), " ", userText(ended.reason)) : null));
    return;
  }
  clear(main).append(el("section", { class: "card stack" },
    el("h1", {}, t("status.unauthorized")),
    el("p", {}, t("phone.unauthorized.body")),
    el("button", {
      type: "button", class: "btn-primary",
      onclick: () => {
        if (page.conn) page.conn.close();
        store(sessionKey(ctx.code), null);
        location.assign(`/j/${ctx.code}`);
      },
    }, t("phone.unauthorized.rejoin"))));
}

function roomSections(room) {
  const kind = roundKind(page.state);
  if (kind === "caucus") return caucusSections(room);
  if (kind === "solution_round") return solutionRoundSections(room);
  const phase = room.phase;
  const out = [];
  out.push(phaseIntro(room));
  if (phase === "brainstorm" || phase === "reveal") out.push(postBarrierSection());
  if (phase === "brainstorm" && !room.revealed) out.push(myBarriersSection());
  else if (phase !== "lobby" || room.revealed) out.push(barrierListSection(room));
  if (page.state.plenary && Object.keys(page.state.plenary).length && phase === "report_out") out.push(plenarySection(false));
  return out;
}

// What the phase asks of the room: the short day's words, or a caucus's, or a solution round's.
function introText(kind, phase) {
  if (kind === "caucus") return [t(`room.agenda.caucus.${phase}.title`), t(`room.agenda.caucus.${phase}.body`)];
  if (kind === "solution_round") return [t(`room.agenda.solution.${phase}.title`), t(`room.agenda.solution.${phase}.body`)];
  return [t(`phone.intro.${phase}.title`), t(`phone.intro.${phase}.body`)];
}

function phaseIntro(room, { extra = null } = {}) {
  const kind = roundKind(page.state);
  const phases = roomPhases(kind);
  const [title, body] = introText(kind, room.phase);
  const idx = phases.indexOf(room.phase);
  const stepsText = t("phone.step", { n: idx + 1, total: phases.length });
  const people = Object.values(page.state.participants).filter((p) => p.room_id === room.id).length;
  return el("section", { class: "intro", "aria-labelledby": "intro-title" },
    idx >= 0 ? el("p", { class: "step" }, stepsText) : null,
    extra,
    el("h1", { id: "intro-title" }, title),
    el("p", {}, body),
    room.phase === "lobby" ? el("p", { class: "hint" }, t("phone.lobby.people", { count: people })) : null);
}

// ---- a caucus round: what is working, what stands in the way of trust (docs/agenda.md)

// The room's sectors, named in the reading language (the organiser typed the names: user text).
function caucusLine(room) {
  if (!(room.sectors || []).length) return null;
  return el("p", { class: "caucus-line" }, el("span", { class: "caucus-label" }, t("room.agenda.caucus_of")), " ", caucusNames(room));
}

function caucusNames(room) {
  const names = (room.sectors || []).map((k) => {
    const n = sectorName(page.state, k, currentLanguage(), (key) => (GROUPS.includes(key) ? t(`group.${key}`) : null));
    return n.typed ? userText(n.text, "span", "sector-name") : el("span", { class: "sector-name" }, n.text);
  });
  const joined = [];
  names.forEach((n, i) => { if (i) joined.push(t("room.agenda.list_separator")); joined.push(n); });
  // A plain span: each name is isolated (dir=auto) and the separators take the page's direction
  // (a <bdi> around them would guess its direction from the separators alone and read left to right).
  return el("span", { class: "caucus-names" }, ...joined);
}

function caucusSections(room) {
  const phase = room.phase;
  const out = [phaseIntro(room, { extra: caucusLine(room) })];
  if (phase === "brainstorm" || phase === "reveal") {
    out.push(postBarrierSection("strength"));
    out.push(postBarrierSection("barrier"));
  }
  if (phase === "brainstorm" && !room.revealed) {
    out.push(myBarriersSection("strength"));
    out.push(myBarriersSection("barrier"));
  } else if (phase !== "lobby" || room.revealed) {
    out.push(barrierListSection(room, "strength"));
    out.push(barrierListSection(room, "barrier"));
  }
  return out;
}

// ---- a solution round: the room's priorities and their draft, as the facilitator writes it

function solutionRoundSections(room) {
  const drafts = roomDrafts(page.state, room.id);
  return [
    phaseIntro(room),
    el("section", { class: "list-section", "aria-labelledby": "drafts-title" },
      el("h2", { id: "drafts-title" }, t("room.agenda.drafts.title"), " ", el("span", { class: "count" }, formatNumber(drafts.length))),
      el("p", { class: "hint" }, t("room.agenda.drafts.body")),
      drafts.length
        ? el("ol", { class: "post-list draft-list" }, drafts.map((e) => draftCard(e)))
        : el("p", { class: "empty" }, t("room.agenda.drafts.empty"))),
  ];
}

// One priority's draft, read-only: each guiding question and its answer so far.
function draftCard(entry, { withRoom = false } = {}) {
  const item = entry.plenary_item_id != null ? page.state.plenary[String(entry.plenary_item_id)] : null;
  const rank = item && item.priority != null ? item.priority : null;
  const room = withRoom && entry.room_id != null ? page.state.rooms[String(entry.room_id)] : null;
  return el("li", { class: "post draft", "data-entry": String(entry.id) },
    el("div", { class: "draft-head" },
      rank !== null ? el("span", { class: "badge badge-rank" }, t("room.agenda.priority_n", { n: formatNumber(rank) })) : null,
      userText(entry.fields.title || "", "h3", "draft-title"),
      room ? el("p", { class: "meta" }, roomName(room)) : null),
    el("dl", { class: "draft-answers" }, QUESTION_FIELDS.map((f) => {
      const value = entry.fields[f] || "";
      return [
        el("dt", { dir: "auto" }, questionText(page.state, f, currentLanguage(), t)),
        value ? el("dd", { "data-field": f }, userText(value, "p")) : el("dd", { class: "empty", "data-field": f }, t("room.agenda.drafts.unanswered")),
      ];
    })));
}

function prioritiesSection() {
  const ranked = rankedPriorities(page.state);
  if (!ranked.length) return null;
  return el("section", { class: "list-section priorities", "aria-labelledby": "priorities-title" },
    el("h2", { id: "priorities-title" }, t("room.agenda.priorities.title")),
    el("p", {}, t("room.agenda.priorities.body")),
    el("ol", { class: "post-list priority-list" }, ranked.map((it) => el("li", { class: "post priority" },
      el("span", { class: "badge badge-rank" }, t("room.agenda.priority_n", { n: formatNumber(it.priority) })),
      userText(it.text, "p")))));
}

function reportOutSections() {
  const drafts = allDrafts(page.state);
  return [
    el("section", { class: "intro", "aria-labelledby": "intro-title" },
      el("h1", { id: "intro-title" }, t("room.agenda.report.title")),
      el("p", {}, t("room.agenda.report.body"))),
    el("section", { class: "list-section", "aria-labelledby": "intro-title" },
      drafts.length
        ? el("ol", { class: "post-list draft-list" }, drafts.map((e) => draftCard(e, { withRoom: true })))
        : el("p", { class: "empty" }, t("room.agenda.drafts.empty"))),
  ];
}

// ---- posting a barrier

function anonChoice(id, current, onChange) {
  if (!page.state.me.name) return null;
  const box = el("input", { type: "checkbox", id, checked: current, "data-key": id });
  // The hint says what happens with the box as it is now: ticked, how to show the name; unticked, that it shows.
  const hintText = () => t(box.checked ? "phone.post.anonymous_hint" : "phone.post.named_hint", { name: page.state.me.name });
  const hint = el("span", { class: "hint" }, hintText());
  box.addEventListener("change", () => { hint.textContent = hintText(); onChange(box.checked); });
  return el("label", { class: "choice", for: id }, box,
    el("span", {}, t("phone.post.anonymous"), " ", hint));
}

function charCounter(id, length, max) {
  const left = max - length;
  return el("span", { id, class: ["counter", left < 0 ? "counter-over" : left <= 20 ? "counter-near" : null], "aria-live": left <= 20 ? "polite" : "off" },
    t("phone.post.counter", { used: length, max }));
}

// `kind` is given in a caucus round only, which asks two things, each in its own box.
function postBarrierSection(kind = null) {
  const k = kind || "barrier";
  const textKey = k === "strength" ? "strengthText" : "barrierText";
  const counterId = `${k}-counter`;
  const textarea = el("textarea", {
    id: `${k}-text`, name: "text", rows: kind ? "3" : "4", dir: "auto", "data-key": `${k}-text`,
    "aria-labelledby": kind ? `post-${k}-title` : null,
    "aria-describedby": `${counterId} ${k}-hint`, maxlength: String(MAX_BARRIER_CHARS + 100),
  });
  textarea.value = ui[textKey];
  const counterWrap = el("div", { class: "counter-row" }, charCounter(counterId, [...ui[textKey]].length, MAX_BARRIER_CHARS));
  const submit = el("button", { type: "submit", class: "btn-primary", "data-key": `${k}-submit` },
    kind ? t(`room.agenda.post.${k}_button`) : t("phone.post.button"));
  const updateCounter = () => {
    ui[textKey] = textarea.value;
    const len = [...textarea.value.trim()].length;
    clear(counterWrap).append(charCounter(counterId, len, MAX_BARRIER_CHARS));
    submit.disabled = len === 0 || len > MAX_BARRIER_CHARS;
  };
  textarea.addEventListener("input", updateCounter);
  const anon = ui.barrierAnon ?? page.state.me.anonymous;
  const titleId = kind ? `post-${k}-title` : "post-title";
  const form = el("form", { class: ["card", "post-form", kind ? `post-form-${k}` : null], novalidate: true, "aria-labelledby": titleId },
    kind
      ? el("h2", { id: titleId, dir: "auto" }, promptText(page.state, k, currentLanguage(), t))
      : el("h2", { id: titleId }, t("phone.post.title")),
    // A caucus box is named by its question (the heading): no second label that says it again.
    kind ? null : el("label", { for: `${k}-text` }, t("phone.post.label")),
    el("span", { id: `${k}-hint`, class: "hint" }, kind ? t("room.agenda.post.hint", { max: MAX_BARRIER_CHARS }) : t("phone.post.hint", { max: MAX_BARRIER_CHARS })),
    textarea,
    counterWrap,
    anonChoice(`${k}-anon`, anon, (v) => { ui.barrierAnon = v; }),
    el("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = textarea.value.trim();
    if (!text || [...text].length > MAX_BARRIER_CHARS) return;
    const payload = { text };
    if (kind) payload.kind = k;
    if (page.state.me.name) payload.anonymous = ui.barrierAnon ?? page.state.me.anonymous;
    ui[textKey] = "";
    textarea.value = "";
    updateCounter();
    send("barrier_post", payload);
    textarea.focus();
  });
  submit.disabled = [...ui[textKey].trim()].length === 0 || [...ui[textKey].trim()].length > MAX_BARRIER_CHARS;
  return form;
}

// ---- barriers

function isMine(kind, id) {
  return page.state.mine.includes(`${kind}:${id}`);
}

function iVoted(kind, id) {
  const k = `${kind}:${id}`;
  const pendingCast = pending("vote_cast", (p) => p.target_type === kind && p.target_id === id).length;
  const pendingWithdraw = pending("vote_withdraw", (p) => p.target_type === kind && p.target_id === id).length;
  const voted = page.state.my_votes.includes(k);
  if (pendingWithdraw && voted) return { voted: false, waiting: true };
  if (pendingCast && !voted) return { voted: true, waiting: true };
  return { voted, waiting: false };
}

function votesUsed(kind) {
  const set = new Set(page.state.my_votes.filter((k) => k.startsWith(`${kind}:`)));
  for (const i of pending("vote_cast", (p) => p.target_type === kind)) set.add(`${kind}:${i.payload.target_id}`);
  for (const i of pending("vote_withdraw", (p) => p.target_type === kind)) set.delete(`${kind}:${i.payload.target_id}`);
  return set.size;
}

function votesLeftBanner(kind) {
  const budget = page.state.workshop.vote_budget;
  const left = Math.max(0, budget - votesUsed(kind));
  return el("p", { class: ["votes-left", left === 0 ? "votes-left-none" : null], id: `votes-left-${kind}` },
    el("span", { class: "dots", "aria-hidden": "true" },
      Array.from({ length: budget }, (_, i) => el("span", { class: ["dot", i < left ? "dot-full" : "dot-used"] }))),
    el("span", {}, t("phone.votes.left", { left, budget })));
}

function voteButton(kind, item) {
  const { voted, waiting } = iVoted(kind, item.id);
  const budget = page.state.workshop.vote_budget;
  const noneLeft = !voted && votesUsed(kind) >= budget;
  const key = `vote-${kind}-${item.id}`;
  const btn = el("button", {
    type: "button", class: ["vote-btn", voted ? "is-voted" : null],
    "aria-pressed": voted ? "true" : "false", "data-key": key,
    "aria-describedby": `votes-left-${kind}`,
    "aria-disabled": noneLeft ? "true" : null,
    "aria-busy": waiting ? "true" : null,
  },
  el("span", { class: "vote-icon", "aria-hidden": "true" }, voted ? "●" : "○"),
  el("span", {}, voted ? t("phone.vote.voted") : t("phone.vote.vote")),
  el("span", { class: "visually-hidden" }, " — ", item.text));
  btn.addEventListener("click", () => {
    if (noneLeft) { showError("budget_spent", { budget }); return; }
    send(voted ? "vote_withdraw" : "vote_cast", { target_type: kind, target_id: item.id });
  });
  return btn;
}

function authorLine(kind, item) {
  const mine = isMine(kind, item.id);
  const room = myRoom();
  // Before the reveal no post carries a name (the facilitator screens them blind): one's own is just "Yours".
  const screened = mine && !item.author_name && room && !room.revealed;
  return el("p", { class: "meta" },
    mine ? el("span", { class: "badge badge-mine" }, t("phone.yours")) : null,
    item.edited ? el("span", { class: "badge badge-edited" }, t("phone.edited")) : null,
    screened
      ? null
      : item.author_name
        ? el("span", { class: "author" }, "— ", userText(item.author_name))
        : item.shared ? el("span", { class: "author" }, postKind(item) === "strength" ? t("room.agenda.shared_strength") : t("phone.barrier.shared"))
          : el("span", { class: "author" }, t("phone.anonymous")));
}

// The author of a barrier merged into a shared one may object (merge_object): the facilitator
// is told that an author objects, never who. Shown on the shared barrier's card.
function objectionBlock(shared, members, phase) {
  const own = members.filter((m) => isMine("barrier", m.id));
  if (!own.length) return null;
  const mineObjection = Object.values(page.state.objections || {}).find((o) => o.shared_id === shared.id);
  if (mineObjection) {
    return el("p", { class: ["notice", "objection-status", mineObjection.status === "dismissed" ? "is-dismissed" : null], role: "status" },
      t(mineObjection.status === "dismissed" ? "phone.objection.dismissed" : "phone.objection.sent"));
  }
  if (pending("merge_object", (p) => own.some((m) => m.id === p.barrier_id)).length) {
    return el("p", { class: "meta" }, el("span", { class: "badge badge-waiting" }, t("phone.waiting")));
  }
  if (!(phase === "reveal" || phase === "vote") || page.state.workshop.phase === "closed") return null;
  if (ui.objectFor !== shared.id) {
    return el("div", { class: "post-actions" },
      el("button", {
        type: "button", class: "btn-quiet btn-small object-btn", "data-key": `object-${shared.id}`,
        onclick: () => {
          ui.objectFor = shared.id;
          ui.objectText = "";
          page.render();
          const ta = document.getElementById(`object-text-${shared.id}`);
          if (ta) ta.focus();
        },
      }, t("phone.objection.button"), el("span", { class: "visually-hidden" }, " — ", shared.text)));
  }
  const taId = `object-text-${shared.id}`;
  const textarea = el("textarea", { id: taId, rows: "3", dir: "auto", maxlength: String(MAX_REASON_CHARS), "data-key": taId,
    "aria-describedby": `object-hint-${shared.id}` });
  textarea.value = ui.objectText;
  textarea.addEventListener("input", () => { ui.objectText = textarea.value; });
  const close = () => {
    ui.objectFor = null;
    ui.objectText = "";
    page.render();
    const back = main.querySelector(`[data-key="object-${shared.id}"]`);
    if (back) back.focus();
  };
  const form = el("form", { class: "objection-form", novalidate: true },
    el("label", { for: taId }, t("phone.objection.label")),
    el("span", { id: `object-hint-${shared.id}`, class: "hint" }, t("phone.objection.hint")),
    textarea,
    el("div", { class: "form-actions" },
      el("button", { type: "submit", class: "btn-primary", "data-key": `object-submit-${shared.id}` }, t("phone.objection.submit")),
      el("button", { type: "button", class: "btn-quiet", onclick: close }, t("common.cancel"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const reason = textarea.value.trim().slice(0, MAX_REASON_CHARS);
    ui.objectFor = null;
    ui.objectText = "";
    send("merge_object", { barrier_id: own[0].id, ...(reason ? { reason } : {}) });
    page.render();
  });
  return form;
}

function withdrawButton(kind, id, text, { strength = false } = {}) {
  const cmd = kind === "barrier" ? "barrier_withdraw" : "solution_withdraw";
  const payloadKey = kind === "barrier" ? "barrier_id" : "solution_id";
  return el("button", {
    type: "button", class: "btn-quiet btn-small withdraw", "data-key": `withdraw-${kind}-${id}`,
    onclick: () => {
      if (!window.confirm(strength ? t("room.agenda.strength_withdraw_confirm") : t(`phone.${kind}.withdraw_confirm`))) return;
      send(cmd, { [payloadKey]: id });
    },
  }, t("phone.withdraw"), el("span", { class: "visually-hidden" }, " — ", text));
}

function waitingCard(text, label = "phone.waiting") {
  return el("li", { class: "post post-waiting" },
    userText(text, "p"),
    el("p", { class: "meta" }, el("span", { class: "badge badge-waiting" }, t(label))));
}

// Waiting posts of one kind (a caucus round's two boxes); every waiting post otherwise.
function pendingPosts(kind) {
  return pending("barrier_post", (p) => !kind || (p.kind || "barrier") === kind);
}

function myBarriersSection(kind = null) {
  const mine = Object.values(page.state.barriers).filter((b) => isMine("barrier", b.id) && (!kind || postKind(b) === kind)).sort(byCreated);
  const waiting = pendingPosts(kind);
  const titleId = kind ? `mine-${kind}-title` : "mine-title";
  return el("section", { class: ["list-section", kind ? `mine-${kind}` : null], "aria-labelledby": titleId },
    el("h2", { id: titleId }, kind ? t(`room.agenda.mine.${kind}`) : t("phone.mine.title"), " ", el("span", { class: "count" }, formatNumber(mine.length + waiting.length))),
    kind === "barrier" ? null : el("p", { class: "notice" }, t("phone.mine.private")),
    mine.length || waiting.length
      ? el("ul", { class: "post-list" },
        mine.map((b) => barrierCard(b, { phase: "brainstorm" })),
        waiting.map((i) => waitingCard(i.payload.text)))
      : el("p", { class: "empty" }, t("phone.mine.empty")));
}

function byCreated(a, b) {
  return String(a.created_at).localeCompare(String(b.created_at)) || a.id - b.id;
}

function byVotes(a, b) {
  return (b.votes || 0) - (a.votes || 0) || byCreated(a, b);
}

// `n` is null while the vote is open and the workshop hides its counts (server/domain/tallies.py).
function tally(n) {
  if (n === null || n === undefined) return null; // said once for the list (countsHiddenNote), not on every card
  return el("span", { class: ["tally", n > 0 ? "tally-some" : null] }, t("phone.votes.count", { count: n }));
}

// "3 of 7 have voted": a count of people, never who voted for what (vote_progress).
function voteProgress(kind, room) {
  const cell = ((page.state.vote_progress || {})[String(room.id)] || {})[kind];
  if (!cell) return null;
  const people = Object.values(page.state.participants).filter((p) => p.room_id === room.id).length;
  return el("p", { class: "vote-progress", id: `vote-progress-${kind}` },
    t("phone.votes.progress", { voted: formatNumber(cell.voted), people: formatNumber(Math.max(people, cell.voted)) }));
}

// While the vote is open the server sends no counts (votes: null): said once above the list, not on
// every card. The line is there from the first drawing, so nothing moves under a finger when it comes.
function countsHiddenNote(kind, room) {
  const items = Object.values(kind === "barrier" ? page.state.barriers : page.state.solutions).filter((x) => x.room_id === room.id);
  return items.some((x) => x.votes === null) ? el("p", { class: "hint counts-hidden" }, t("phone.votes.hidden")) : null;
}

function barrierCard(b, { phase, canVote = false, withSolutions = false } = {}) {
  const mine = isMine("barrier", b.id);
  const members = (b.members || []).map((id) => page.state.barriers[String(id)]).filter(Boolean);
  const withdrawing = pending("barrier_withdraw", (p) => p.barrier_id === b.id).length > 0;
  const canWithdraw = mine && !b.shared && b.merged_into == null && (phase === "brainstorm" || phase === "reveal") && !withdrawing;
  const showVotes = ["vote", "solutions", "report_out"].includes(phase);
  return el("li", { class: ["post", "barrier", b.shared ? "is-shared" : null, mine ? "is-mine" : null, b.hidden ? "is-hidden" : null] },
    el("div", { class: "post-head" },
      userText(b.text, "p"),
      showVotes && !b.hidden
        ? tally(b.votes)
        : null),
    authorLine("barrier", b),
    b.hidden ? el("p", { class: "notice notice-warn" }, t("phone.hidden"), " ", userText(b.hidden_reason || "")) : null,
    members.length
      ? el("details", { class: "members" },
        el("summary", {}, t("phone.barrier.merged_from", { count: members.length })),
        el("ul", {}, members.map((m) => el("li", { class: isMine("barrier", m.id) ? "is-mine" : null },
          userText(m.text, "p"),
          isMine("barrier", m.id) ? el("span", { class: "badge badge-mine" }, t("phone.yours")) : null))))
      : null,
    b.shared ? objectionBlock(b, members, phase) : null,
    withdrawing ? el("p", { class: "meta" }, el("span", { class: "badge badge-waiting" }, t("phone.waiting"))) : null,
    (canVote || canWithdraw)
      ? el("div", { class: "post-actions" },
        canVote && !b.hidden ? voteButton("barrier", b) : null,
        canWithdraw ? withdrawButton("barrier", b.id, b.text, { strength: postKind(b) === "strength" }) : null)
      : null,
    withSolutions ? solutionsBlock(b, phase) : null);
}

function barrierListSection(room, kind = null) {
  const phase = room.phase;
  let list = Object.values(page.state.barriers).filter((b) => b.room_id === room.id && b.merged_into == null && (!kind || postKind(b) === kind));
  list = list.filter((b) => !b.hidden || isMine("barrier", b.id));
  const ranked = ["vote", "solutions", "report_out"].includes(phase);
  list.sort(ranked && phase !== "vote" ? byVotes : byCreated);
  const waiting = pendingPosts(kind);
  const canVote = phase === "vote";
  const withSolutions = phase === "solutions" || phase === "report_out";
  const titleKey = phase === "solutions" ? "phone.list.solutions_title" : phase === "vote" ? "phone.list.vote_title" : "phone.list.title";
  const titleId = kind ? `list-${kind}-title` : "list-title";
  const counted = shownBarriers(page.state.barriers, room.id).filter((b) => !kind || postKind(b) === kind);
  return el("section", { class: ["list-section", kind ? `list-${kind}` : null], "aria-labelledby": titleId },
    // The one count (counts.js): an author's own hidden post is listed for them, not counted.
    el("h2", { id: titleId, dir: kind ? "auto" : null }, kind ? promptText(page.state, kind, currentLanguage(), t) : t(titleKey), " ", el("span", { class: "count" }, formatNumber(counted.length))),
    canVote ? el("div", { class: "votes-sticky" }, votesLeftBanner("barrier"), voteProgress("barrier", room)) : null,
    phase === "solutions" ? el("div", { class: "votes-sticky" }, votesLeftBanner("solution"), voteProgress("solution", room)) : null,
    canVote ? countsHiddenNote("barrier", room) : phase === "solutions" ? countsHiddenNote("solution", room) : null,
    phase === "solutions" ? solutionComposer() : null,
    list.length || waiting.length
      ? el("ul", { class: "post-list" },
        list.map((b) => barrierCard(b, { phase, canVote, withSolutions })),
        (phase === "brainstorm" || phase === "reveal") ? waiting.map((i) => waitingCard(i.payload.text)) : null)
      : el("p", { class: "empty" }, kind ? t(`room.agenda.list.empty_${kind}`) : t("phone.list.empty")));
}

// ---- solutions

function solutionsBlock(b, phase) {
  const sols = Object.values(page.state.solutions)
    .filter((s) => s.barrier_id === b.id && (!s.hidden || isMine("solution", s.id)))
    .sort(phase === "solutions" ? byCreated : byVotes);
  const waiting = pending("solution_post", (p) => p.barrier_id === b.id);
  const canAct = phase === "solutions" && !b.hidden;
  if (!sols.length && !waiting.length && !canAct) return null;
  return el("div", { class: "solutions" },
    sols.length || waiting.length
      ? [el("h3", { class: "solutions-title" }, t("phone.solutions.title"), " ", el("span", { class: "count" }, formatNumber(sols.length))),
        el("ul", { class: "solution-list" },
          sols.map((s) => solutionCard(s, canAct)),
          waiting.map((i) => waitingCard(i.payload.text)))]
      : el("p", { class: "empty" }, t("phone.solutions.empty")),
    canAct
      ? el("button", {
        type: "button", class: "btn-small propose", "data-key": `propose-${b.id}`,
        onclick: () => openComposer(b.id),
      }, t("phone.solutions.propose"), el("span", { class: "visually-hidden" }, " — ", b.text))
      : null);
}

function solutionCard(s, canAct) {
  const mine = isMine("solution", s.id);
  const withdrawing = pending("solution_withdraw", (p) => p.solution_id === s.id).length > 0;
  return el("li", { class: ["post", "solution", mine ? "is-mine" : null, s.hidden ? "is-hidden" : null] },
    el("div", { class: "post-head" },
      userText(s.text, "p"),
      !s.hidden ? tally(s.votes) : null),
    authorLine("solution", s),
    s.hidden ? el("p", { class: "notice notice-warn" }, t("phone.hidden"), " ", userText(s.hidden_reason || "")) : null,
    withdrawing ? el("p", { class: "meta" }, el("span", { class: "badge badge-waiting" }, t("phone.waiting"))) : null,
    canAct && !s.hidden
      ? el("div", { class: "post-actions" },
        voteButton("solution", s),
        mine && !withdrawing ? withdrawButton("solution", s.id, s.text) : null)
      : null);
}

function openComposer(barrierId) {
  if (ui.solutionFor !== barrierId) ui.solutionText = "";
  ui.solutionFor = barrierId;
  page.render();
  const ta = document.getElementById("solution-text");
  if (ta) {
    ta.scrollIntoView({ block: "center" });
    ta.focus();
  }
}

function solutionComposer() {
  if (ui.solutionFor == null) return null;
  const b = page.state.barriers[String(ui.solutionFor)];
  if (!b || b.hidden || b.merged_into != null) { ui.solutionFor = null; return null; }
  const counterId = "solution-counter";
  const textarea = el("textarea", {
    id: "solution-text", rows: "4", dir: "auto", "data-key": "solution-text",
    "aria-describedby": counterId, maxlength: String(MAX_SOLUTION_CHARS + 100),
  });
  textarea.value = ui.solutionText;
  const counterWrap = el("div", { class: "counter-row" }, charCounter(counterId, [...ui.solutionText.trim()].length, MAX_SOLUTION_CHARS));
  const submit = el("button", { type: "submit", class: "btn-primary", "data-key": "solution-submit" }, t("phone.solutions.submit"));
  const update = () => {
    ui.solutionText = textarea.value;
    const len = [...textarea.value.trim()].length;
    clear(counterWrap).append(charCounter(counterId, len, MAX_SOLUTION_CHARS));
    submit.disabled = len === 0 || len > MAX_SOLUTION_CHARS;
  };
  textarea.addEventListener("input", update);
  const anon = ui.solutionAnon ?? page.state.me.anonymous;
  const form = el("form", { class: "card post-form composer", novalidate: true, "aria-labelledby": "composer-title" },
    el("h3", { id: "composer-title" }, t("phone.solutions.for")),
    el("blockquote", { class: "composer-barrier" }, userText(b.text, "p")),
    el("label", { for: "solution-text" }, t("phone.solutions.label")),
    textarea,
    counterWrap,
    anonChoice("solution-anon", anon, (v) => { ui.solutionAnon = v; }),
    el("div", { class: "form-actions" },
      submit,
      el("button", { type: "button", class: "btn-quiet", onclick: () => {
        const id = ui.solutionFor;
        ui.solutionFor = null;
        ui.solutionText = "";
        page.render();
        const back = main.querySelector(`[data-key="propose-${id}"]`);
        if (back) back.focus();
      } }, t("common.cancel"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = textarea.value.trim();
    if (!text || [...text].length > MAX_SOLUTION_CHARS) return;
    const payload = { barrier_id: b.id, text };
    if (page.state.me.name) payload.anonymous = ui.solutionAnon ?? page.state.me.anonymous;
    const id = b.id;
    ui.solutionText = "";
    ui.solutionFor = null;
    send("solution_post", payload);
    page.render();
    const back = main.querySelector(`[data-key="propose-${id}"]`);
    if (back) back.focus();
  });
  submit.disabled = [...ui.solutionText.trim()].length === 0;
  return form;
}

// ---- moved, seat code

const movedKey = () => `cg.room.${ctx.code}`;
let moveAnnounced = null;

// The organiser moved this person: say plainly where to go, until they say they are on their way.
// The room they last acknowledged is kept on the phone, so a reload or a late sync still tells them.
function moveNotice() {
  const room = myRoom();
  if (!room) return null;
  // Outside a round of rooms (the plenary, the council, the closing) there is no room to walk to.
  if (!ROUND_KINDS.includes(segmentKind(page.state))) return null;
  const seen = load(movedKey());
  if (seen === null) { store(movedKey(), room.id); return null; }
  if (seen === room.id) return null;
  const name = roomName(room);
  if (moveAnnounced !== room.id) { moveAnnounced = room.id; announce(t("phone.move.title", { room: name })); }
  return el("section", { class: "card stack move-notice", "aria-labelledby": "move-title" },
    el("h2", { id: "move-title" }, t("phone.move.title", { room: name })),
    // The room to walk to, large enough to read at arm's length in a moving crowd.
    el("p", { class: "move-room", "aria-hidden": "true" }, room.name && room.name !== `Room ${room.number}` ? userText(room.name, "span") : formatNumber(room.number)),
    el("p", {}, ["caucus", "solution_round"].includes(segmentKind(page.state))
      ? t("room.agenda.move.body", { room: name }) : t("phone.move.body", { room: name })),
    el("button", {
      type: "button", class: "btn-primary", "data-key": "move-ok",
      onclick: () => { store(movedKey(), room.id); page.render(); main.focus({ preventScroll: true }); },
    }, t("phone.move.ok")));
}

// The seat code (server/domain/seats.py): asked for once, kept on this phone only, shown folded away.
let seatAsked = false;

function seatSection() {
  const session = load(sessionKey(ctx.code)) || {};
  if (session.seat_code) return seatCard(session.seat_code);
  const slot = el("div", { class: "seat-slot" });
  if (!seatAsked && page.conn && page.status === "online") {
    seatAsked = true;
    send("seat_code_issue", {}).then((ack) => {
      if (ack && ack.ok && ack.result && ack.result.seat_code) {
        store(sessionKey(ctx.code), { ...(load(sessionKey(ctx.code)) || {}), seat_code: ack.result.seat_code });
        // Filled in place, not by redrawing the page: nothing above it is replaced under a finger.
        const live = main.querySelector(".seat-slot");
        if (live) live.replaceWith(seatCard(ack.result.seat_code));
      } else {
        seatAsked = false;
      }
    });
  }
  return slot;
}

/** A join refused because the organiser changed the workshop's languages or sectors since this page read
 *  them: read the workshop again and show the join form with its new choices (what was typed kept).
 *  False when the workshop could not be read (the caller shows the refusal as it is). */
async function offerNewChoices(code, d) {
  const fresh = await fetchWorkshop(code);
  if (!fresh || typeof fresh !== "object") return false;
  store(infoKey(code), fresh);
  showJoinForm(code, fresh, { ...d, language: fresh.languages.includes(d.language) ? d.language : "" });
  const box = main.querySelector("#join-error");
  box.textContent = t("error.choices_changed");
  box.hidden = false;
  box.setAttribute("role", "alert");
  return true;
}

function seatCard(code) {
  return el("details", { class: "card seat-code" },
    el("summary", {}, t("phone.seat.title")),
    el("p", { class: "seat-code-value", dir: "ltr" }, `${code.slice(0, 4)}-${code.slice(4)}`),
    el("p", { class: "hint" }, t("phone.seat.body")));
}

function rejoinForm(code, info) {
  const input = el("input", {
    id: "seat-code", name: "seat_code", type: "text", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", maxlength: "12", dir: "ltr", class: "code-input", "aria-describedby": "seat-code-hint",
  });
  const errorBox = el("p", { class: "error-text", id: "rejoin-error", hidden: true });
  const submit = el("button", { type: "submit", class: "btn-primary" }, t("phone.rejoin.submit"));
  const form = el("form", { class: "rejoin-form stack", novalidate: true },
    el("div", { class: "field" },
      el("label", { for: "seat-code" }, t("phone.rejoin.label")),
      el("span", { id: "seat-code-hint", class: "hint" }, t("phone.rejoin.hint")),
      input),
    errorBox,
    submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    // A new device key for the seat: this phone's earlier one (if it joined as someone new) stays apart.
    const deviceKey = newDeviceKey();
    let answer;
    try {
      const res = await fetch("/api/rejoin", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code, seat_code: input.value, device_key: deviceKey }) });
      answer = await res.json();
    } catch (_) {
      answer = { ok: false, error: { code: "network" } };
    }
    submit.disabled = false;
    if (!answer || !answer.ok) {
      const errCode = (answer && answer.error && answer.error.code) || "unknown";
      errorBox.textContent = errCode === "not_found" ? t("phone.rejoin.not_found")
        : hasKey(`error.${errCode}`) ? t(`error.${errCode}`) : t("error.unknown");
      errorBox.hidden = false;
      errorBox.setAttribute("role", "alert");
      input.focus();
      return;
    }
    const session = { token: answer.token, device_key: deviceKey, participant_id: answer.participant_id };
    store(sessionKey(code), session);
    store(LAST_CODE_KEY, code);
    store(`cg.room.${code}`, answer.room_id);
    enterRoom(code, info, session);
  });
  return el("details", { class: "card rejoin" },
    el("summary", { "data-key": "rejoin-open" }, t("phone.rejoin.open")),
    form);
}

// ---- plenary, plan

function plenarySection(canVote) {
  const items = Object.values(page.state.plenary).sort((a, b) => (canVote ? a.id - b.id : b.votes - a.votes || a.id - b.id));
  return el("section", { class: "list-section", "aria-labelledby": "plenary-title" },
    el("h2", { id: "plenary-title" }, t("phone.plenary.title")),
    el("p", {}, t(canVote ? "phone.plenary.body" : "phone.plenary.shared")),
    canVote ? el("div", { class: "votes-sticky" }, votesLeftBanner("plenary")) : null,
    items.length
      ? el("ul", { class: "post-list" }, items.map((it) => {
        const room = page.state.rooms[String(it.room_id)];
        return el("li", { class: "post plenary-item" },
          el("div", { class: "post-head" },
            userText(it.text, "p"),
            tally(it.votes)),
          el("p", { class: "meta" }, room ? roomName(room) : "", room && (room.sectors || []).length ? [" · ", caucusNames(room)] : null),
          it.solutions && it.solutions.length
            // Each bullet in its own text's direction (an English solution in a Persian page starts at the left).
            ? el("ul", { class: "plenary-solutions" }, it.solutions.map((s) => el("li", { dir: "auto" }, userText(s.text))))
            : null,
          canVote ? el("div", { class: "post-actions" }, voteButton("plenary", it)) : null);
      }))
      : el("p", { class: "empty" }, t("phone.plenary.empty")));
}

function planSection() {
  const entries = Object.values(page.state.plan).sort((a, b) => a.position - b.position || a.id - b.id);
  return el("section", { class: "list-section", "aria-labelledby": "plan-title" },
    el("h2", { id: "plan-title" }, t("phone.plan.title")),
    el("p", {}, t("phone.plan.body")),
    entries.length
      ? el("ol", { class: "post-list plan-list" }, entries.map((e) => el("li", { class: "post" },
        userText(e.fields.title || "", "p"),
        e.fields.solution ? userText(e.fields.solution, "p") : null,
        el("p", { class: "meta" },
          e.fields.status ? el("span", { class: "badge" }, hasKey(`plan.status.${e.fields.status}`) ? t(`plan.status.${e.fields.status}`) : e.fields.status) : null,
          e.fields.owner ? el("span", {}, " ", t("phone.plan.owner"), " ", userText(e.fields.owner)) : null))))
      : el("p", { class: "empty" }, t("phone.plan.empty")));
}

// ---- council

function volunteerSection() {
  const v = page.state.me.volunteer;
  const waiting = pending("council_volunteer").length > 0;
  const title = el("h2", { id: "council-title" }, t("phone.council.title"));
  if (!ui.volunteerOpen) {
    return el("section", { class: "card stack council", "aria-labelledby": "council-title" },
      title,
      el("p", {}, t("phone.council.body")),
      v ? el("p", { class: "notice" }, t("phone.council.done"),
        v.role ? [" ", t(`phone.council.role.${v.role}`)] : null) : null,
      waiting ? el("p", { class: "meta" }, el("span", { class: "badge badge-waiting" }, t("phone.waiting"))) : null,
      el("button", {
        type: "button", "data-key": "council-open",
        onclick: () => {
          ui.volunteerOpen = true;
          page.render();
          const c = document.getElementById("council-contact");
          if (c) c.focus();
        },
      }, v ? t("phone.council.update") : t("phone.council.button")));
  }
  const contact = el("input", {
    id: "council-contact", type: "text", maxlength: String(MAX_CONTACT_CHARS), dir: "auto", autocomplete: "email",
    "aria-describedby": "council-contact-hint", value: (v && v.contact) || "", "data-key": "council-contact",
  });
  const consent = el("input", { type: "checkbox", id: "council-consent", checked: Boolean(v && v.consent), "aria-describedby": "council-consent-error" });
  const err = el("p", { id: "council-consent-error", class: "error-text", hidden: true }, t("error.consent_required"));
  const form = el("form", { class: "card stack council", "aria-labelledby": "council-title", novalidate: true },
    title,
    el("p", {}, t("phone.council.body")),
    el("div", { class: "field" },
      el("label", { for: "council-contact" }, t("phone.council.contact")),
      el("span", { id: "council-contact-hint", class: "hint" }, t("phone.council.contact_hint")),
      contact),
    el("label", { class: "choice", for: "council-consent" }, consent, el("span", {}, t("phone.council.consent"))),
    err,
    el("div", { class: "form-actions" },
      el("button", { type: "submit", class: "btn-primary" }, t("phone.council.submit")),
      el("button", { type: "button", class: "btn-quiet", onclick: () => { ui.volunteerOpen = false; page.render(); } }, t("common.cancel"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const c = contact.value.trim();
    if (c && !consent.checked) {
      err.hidden = false;
      consent.focus();
      return;
    }
    const payload = { consent: consent.checked };
    if (c) payload.contact = c;
    ui.volunteerOpen = false;
    send("council_volunteer", payload);
    page.render();
    toasts.show(t("phone.council.thanks"), "ok");
  });
  return form;
}

start().catch((err) => {
  console.error(err);
  clear(main).append(el("p", { class: "error-text" }, t("error.unknown")));
});
