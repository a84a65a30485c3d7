// The follow-up pulse's public page (/progress/<token>/pulse; docs/pulse.md, "After the day").
// No account: the page makes a random device key once and keeps it in localStorage; the server
// keeps only a hash of it, so this device answers each follow-up pulse once. The person chooses
// their sector, then answers the statements 1–5. Only counts are kept.
//
// The token is in the path (the link is printed and scanned as a QR code); it goes back only in
// an Authorization header, never in a query string.
import { el, userText, clear, announce } from "./dom.js";
import { loadLanguage, t, applyDocumentLanguage, translatePage, availableLanguages, currentLanguage, hasKey } from "./i18n.js";
import { SCALE, questionText } from "./pulse-model.js";

const LANG_KEY = "cg.lang"; // the phone's language, as on the day
const DEVICE_KEY = "cg.followup.device";
const ANSWERED_KEY = "cg.followup.answered";
const main = document.getElementById("main");
const token = decodeURIComponent(location.pathname.split("/")[2] || "");

const ui = { data: null, status: "loading", sector: null, choices: {}, error: null, sending: false };

function read(key) { try { return localStorage.getItem(key); } catch (_) { return null; } }
function write(key, value) { try { localStorage.setItem(key, value); } catch (_) { /* private mode */ } }

/** This device's key: made once (crypto random, URL-safe), kept in localStorage. */
export function deviceKey() {
  let key = read(DEVICE_KEY);
  if (!key || !/^[A-Za-z0-9_-]{20,100}$/.test(key)) {
    const bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    write(DEVICE_KEY, key);
  }
  return key;
}

function answered() {
  try { return new Set(JSON.parse(read(ANSWERED_KEY) || "[]")); } catch (_) { return new Set(); }
}

function markAnswered(id) {
  const set = answered();
  set.add(id);
  write(ANSWERED_KEY, JSON.stringify([...set]));
}

function preferred() {
  const saved = read(LANG_KEY);
  const codes = availableLanguages().map((l) => l.code);
  if (saved && codes.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (codes.includes(base)) return base;
  }
  return "en";
}

async function setLanguage(lang) {
  const got = await loadLanguage(lang);
  applyDocumentLanguage(got);
  translatePage(document);
  document.title = t("followup.pageTitle");
}

async function load() {
  try {
    const resp = await fetch("/api/progress/pulse", {
      headers: { Authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
    });
    if (resp.status === 401 || resp.status === 403) ui.status = "unauthorized";
    else if (!resp.ok) ui.status = "failed";
    else { ui.data = await resp.json(); ui.status = "ok"; }
  } catch (_) {
    ui.status = "failed";
  }
  draw();
}

async function send() {
  const pulse = ui.data.pulse;
  const answers = {};
  for (const q of pulse.questions) if (ui.choices[q.key]) answers[q.key] = ui.choices[q.key];
  if (!ui.sector) { ui.error = t("followup.choose_sector"); draw(); return; }
  if (!Object.keys(answers).length) { ui.error = t("followup.choose_answer"); draw(); return; }
  ui.sending = true;
  ui.error = null;
  draw();
  try {
    const resp = await fetch("/api/progress/pulse", {
      method: "POST", cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ pulse_id: pulse.id, sector: ui.sector, device_key: deviceKey(), answers }),
    });
    const body = await resp.json().catch(() => ({}));
    if (resp.ok || (body.error && body.error.code === "already_answered")) {
      markAnswered(pulse.id);
      announce(t("followup.thanks"));
    } else if (body.error && body.error.code === "closed") {
      ui.data.pulse = null;
    } else {
      ui.error = t("followup.failed");
    }
  } catch (_) {
    ui.error = t("followup.failed");
  }
  ui.sending = false;
  draw();
}

function languagePicker() {
  const langs = (ui.data && ui.data.languages) || availableLanguages().map((l) => l.code);
  const names = Object.fromEntries(availableLanguages().map((l) => [l.code, l.name]));
  const select = el("select", { id: "followup-lang", class: "lang-select", "aria-label": t("common.language") },
    langs.filter((c) => names[c]).map((c) => el("option", { value: c, lang: c, selected: c === currentLanguage() }, names[c])));
  select.addEventListener("change", async () => { write(LANG_KEY, select.value); await setLanguage(select.value); draw(); });
  return el("div", { class: "lang-switch" }, el("label", { for: "followup-lang", class: "visually-hidden" }, t("common.language")), select);
}

/** A choice made: the note asking for it goes (without a redraw, which would move the focus). */
function clearError() {
  ui.error = null;
  const note = main.querySelector(".followup-error");
  if (note) note.remove();
}

function sectorName(s) {
  const names = s.names || {};
  return names[currentLanguage()] || names.en || Object.values(names)[0] || s.key;
}

function question(q) {
  const name = `q-${q.key}`;
  return el("fieldset", { class: "followup-q" },
    el("legend", {}, userText(questionText(q, currentLanguage(), t, hasKey), "span")),
    el("div", { class: "followup-scale" },
      SCALE.map((v) => el("label", {},
        el("input", { type: "radio", name, value: String(v), checked: ui.choices[q.key] === v,
          onchange: () => { ui.choices[q.key] = v; clearError(); } }),
        el("span", {}, new Intl.NumberFormat(currentLanguage()).format(v)),
        el("span", { class: "hint" }, t(`pulse.scale.${v}`))))));
}

function draw() {
  const head = el("header", { class: "card stack" },
    languagePicker(),
    el("h1", {}, t("followup.title")),
    ui.data && ui.data.title ? el("p", { class: "hint" }, userText(ui.data.title, "span")) : null);
  let body;
  if (ui.status === "loading") body = el("p", { class: "loading", role: "status" }, t("followup.loading"));
  else if (ui.status === "unauthorized") body = el("p", { class: "card notice", role: "alert" }, t("followup.unauthorized"));
  else if (ui.status === "failed") body = el("p", { class: "card notice", role: "alert" }, t("followup.failed"));
  else if (!ui.data.pulse) body = el("p", { class: "card", role: "status" }, t("followup.none"));
  else if (answered().has(ui.data.pulse.id)) {
    body = el("p", { class: "card pulse-thanks-text", id: "followup-thanks", role: "status" }, t("followup.thanks"));
  } else {
    const pulse = ui.data.pulse;
    body = el("form", { class: "card stack", id: "followup-form", onsubmit: (e) => { e.preventDefault(); send(); } },
      el("p", {}, t("followup.intro")),
      el("p", { class: "hint" }, t("pulse.phone.anonymous")),
      el("fieldset", { class: "followup-sectors" },
        el("legend", {}, t("followup.sector")),
        pulse.sectors.map((s) => el("label", {},
          el("input", { type: "radio", name: "sector", value: s.key, checked: ui.sector === s.key,
            onchange: () => { ui.sector = s.key; clearError(); } }),
          userText(sectorName(s), "span")))),
      el("p", { class: "hint" }, t("pulse.scale.legend")),
      pulse.questions.map(question),
      ui.error ? el("p", { class: "followup-error", role: "alert" }, ui.error) : null,
      el("button", { type: "submit", class: "btn btn-primary", id: "followup-send", disabled: ui.sending }, t("pulse.phone.send")));
  }
  clear(main).append(head, body);
}

async function start() {
  await setLanguage(preferred());
  if (!token) { ui.status = "unauthorized"; draw(); return; }
  draw();
  await load();
}

start();
