// Strings and formatting in the reader's language (docs/i18n.md).
//
//   await loadLanguage("fa");          // fetches /static/i18n/fa.json (+ en.json as fallback)
//   applyDocumentLanguage("fa");       // <html lang="fa" dir="rtl">
//   t("phone.votes.left", { left: 2, budget: 3 })
//   translatePage(document)            // [data-i18n], [data-i18n-aria-label], [data-i18n-placeholder]
//
// Numbers in params are formatted for the language (Persian digits in fa). A key with
// params.count may have plural forms "key.one" / "key.other" (Intl.PluralRules).

export const RTL_LANGS = Object.freeze(["fa", "ar", "ur", "he"]);

// Languages that have a catalogue in web/i18n/. Add a line here when adding one.
const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "es", name: "Español" },
  { code: "fa", name: "فارسی" },
];

let current = "en";
let catalogue = {};
let fallback = {};
const cache = new Map();
let numberFmt = new Intl.NumberFormat("en");
let pad2Fmt = new Intl.NumberFormat("en", { minimumIntegerDigits: 2, useGrouping: false });
let pluralRules = new Intl.PluralRules("en");

/** The languages this app has a catalogue for: [{code, name}] (name in that language). */
export function availableLanguages() {
  return LANGUAGES.map((l) => ({ ...l }));
}

/** The name of a language in that language, e.g. "fa" -> "فارسی". */
export function languageName(code) {
  const known = LANGUAGES.find((l) => l.code === code);
  if (known) return known.name;
  try {
    const name = new Intl.DisplayNames([code], { type: "language" }).of(code);
    if (name) return name;
  } catch (_) { /* unknown code */ }
  return code;
}

export function currentLanguage() {
  return current;
}

export function isRtl(lang = current) {
  return RTL_LANGS.includes(String(lang).split("-")[0].toLowerCase());
}

async function fetchCatalogue(lang) {
  if (cache.has(lang)) return cache.get(lang);
  let data = {};
  try {
    const res = await fetch(`/static/i18n/${encodeURIComponent(lang)}.json`, { cache: "no-cache" });
    if (res.ok) data = await res.json();
  } catch (_) { /* offline: use what we have */ }
  if (data && typeof data === "object" && Object.keys(data).length) cache.set(lang, data);
  return data || {};
}

/** Load a language's catalogue; keys it lacks fall back to English. Returns the language used. */
export async function loadLanguage(lang) {
  const code = String(lang || "en").toLowerCase();
  const [own, en] = await Promise.all([
    fetchCatalogue(code),
    code === "en" ? Promise.resolve(null) : fetchCatalogue("en"),
  ]);
  current = code;
  catalogue = own || {};
  fallback = en || catalogue;
  numberFmt = new Intl.NumberFormat(code);
  pad2Fmt = new Intl.NumberFormat(code, { minimumIntegerDigits: 2, useGrouping: false });
  pluralRules = new Intl.PluralRules(code);
  return code;
}

function lookup(key) {
  if (Object.prototype.hasOwnProperty.call(catalogue, key)) return catalogue[key];
  if (Object.prototype.hasOwnProperty.call(fallback, key)) return fallback[key];
  return undefined;
}

/** Has the current catalogue (or English) got this key? */
export function hasKey(key) {
  return lookup(key) !== undefined;
}

/** The string for `key` with {name} placeholders filled; the key itself when unknown. */
export function t(key, params = {}) {
  let template;
  if (params && typeof params.count === "number") {
    template = lookup(`${key}.${pluralRules.select(params.count)}`) ?? lookup(`${key}.other`);
  }
  if (template === undefined) template = lookup(key);
  if (template === undefined) return key;
  return String(template).replace(/\{(\w+)\}/g, (m, name) => {
    if (!params || !(name in params)) return m;
    const v = params[name];
    return typeof v === "number" ? numberFmt.format(v) : String(v ?? "");
  });
}

/** <html lang=… dir=…>. */
export function applyDocumentLanguage(lang = current) {
  const root = document.documentElement;
  root.lang = lang;
  root.dir = isRtl(lang) ? "rtl" : "ltr";
}

export function formatNumber(n) {
  return numberFmt.format(n);
}

/** A clock time ("14:05", "۲:۰۵ بعدازظهر") in the current language. */
export function formatTime(date) {
  const d = date instanceof Date ? date : new Date(date);
  return new Intl.DateTimeFormat(current, { hour: "numeric", minute: "2-digit" }).format(d);
}

/** Time left as m:ss (or h:mm:ss), in the language's digits; never negative. */
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const sep = ":";
  if (h > 0) return `${numberFmt.format(h)}${sep}${pad2Fmt.format(m)}${sep}${pad2Fmt.format(s)}`;
  return `${numberFmt.format(m)}${sep}${pad2Fmt.format(s)}`;
}

/** Fill translatable elements under root. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.setAttribute("title", t(el.dataset.i18nTitle));
}
