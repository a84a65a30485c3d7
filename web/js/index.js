// The home page: join with a code, or how organisers create a workshop.
import { loadLanguage, applyDocumentLanguage, translatePage, availableLanguages, currentLanguage, t } from "./i18n.js";
import { el, clear } from "./dom.js";
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from "./rules.js";

const LANG_KEY = "cg.lang";
const CODE = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

function preferred() {
  const codes = availableLanguages().map((l) => l.code);
  let saved = null;
  try { saved = localStorage.getItem(LANG_KEY); } catch (_) { /* ignore */ }
  if (saved && codes.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).split("-")[0].toLowerCase();
    if (codes.includes(base)) return base;
  }
  return "en";
}

async function use(lang, save) {
  const used = await loadLanguage(lang);
  applyDocumentLanguage(used);
  translatePage(document);
  if (save) { try { localStorage.setItem(LANG_KEY, used); } catch (_) { /* ignore */ } }
  drawSwitcher();
}

function drawSwitcher() {
  const slot = document.getElementById("lang-switch");
  const select = el("select", { id: "lang-select", class: "lang-select", "aria-label": t("common.language") },
    availableLanguages().map((l) => el("option", { value: l.code, lang: l.code, selected: l.code === currentLanguage() }, l.name)));
  select.addEventListener("change", () => use(select.value, true).then(() => document.getElementById("lang-select").focus()));
  clear(slot).append(select);
}

const form = document.getElementById("join-form");
const input = document.getElementById("code");
const error = document.getElementById("code-error");
form.addEventListener("submit", (e) => {
  e.preventDefault();
  const code = input.value.toUpperCase().replace(/[\s-]/g, "");
  if (!CODE.test(code)) {
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  location.assign(`/j/${code}`);
});

use(preferred(), false);
