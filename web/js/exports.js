// The organiser's exports panel: the action plan and the report of the day as PDF, Word,
// CSV, Markdown, and the JSON archive, in a chosen language.
//
// GET /api/workshops/<id>/export.<fmt>?what=plan|report&lang=… (server/http.py) with the
// organiser token in an Authorization: Bearer header — never in the address — then
// Blob → object URL → <a download>. The panel's state lives in ctx.ui.exports so it
// survives the console's re-renders (a PDF takes several seconds).
import { el, announce } from "./dom.js";
import { t, errorText, currentLanguage, languageName, CONSOLE_LANGUAGES } from "./console-common.js";

// The report languages the server has (server/reports/i18n.py) — every console language.
const REPORT_LANGUAGES = CONSOLE_LANGUAGES;
const CHOICES = [
  ["plan", ["pdf", "docx", "csv", "md"]],
  ["report", ["pdf", "docx", "md"]],
  ["archive", ["json"]],
];

function panelState(ctx) {
  ctx.ui.exports = ctx.ui.exports || { lang: null, busy: null, message: "", error: "" };
  const s = ctx.ui.exports;
  if (!s.lang || !REPORT_LANGUAGES.includes(s.lang)) s.lang = REPORT_LANGUAGES.includes(currentLanguage()) ? currentLanguage() : "en";
  return s;
}

function filenameOf(resp, fallback) {
  const cd = resp.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) { try { return decodeURIComponent(star[1]); } catch (_) { /* fall through */ } }
  const plain = /filename="([^"]+)"/i.exec(cd);
  return plain ? plain[1] : fallback;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name, class: "visually-hidden" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(ctx, what, fmt) {
  const s = panelState(ctx);
  if (s.busy) return;
  const label = t(`console.exports.format.${fmt}`);
  const part = t(`console.exports.what.${what}`);
  s.busy = `${what}-${fmt}`;
  s.error = "";
  s.message = t("console.exports.preparing", { what: part, format: label });
  announce(s.message);
  ctx.refresh();
  const query = new URLSearchParams({ what: what === "archive" ? "report" : what, lang: s.lang });
  const url = `/api/workshops/${encodeURIComponent(ctx.workshopId())}/export.${fmt}?${query}`;
  try {
    const resp = await fetch(url, { headers: { Authorization: `Bearer ${ctx.token}` }, cache: "no-store", credentials: "omit" });
    if (!resp.ok) {
      let error = null;
      try { error = (await resp.json()).error; } catch (_) { error = { code: `http_${resp.status}`, message: resp.statusText }; }
      throw Object.assign(new Error("export"), { error });
    }
    const blob = await resp.blob();
    if (!blob.size) throw Object.assign(new Error("export"), { error: { code: "empty", message: "" } });
    const name = filenameOf(resp, `common-ground-${what}-${s.lang}.${fmt}`);
    save(blob, name);
    s.message = t("console.exports.done", { file: name });
  } catch (err) {
    s.message = "";
    const detail = err && err.error ? errorText(err.error) : t("console.exports.offline");
    s.error = t("console.exports.failed", { what: part, format: label, detail });
  } finally {
    s.busy = null;
    if (s.message) announce(s.message);
    ctx.refresh();
  }
}

/** The panel: a language picker, one button per document and format, progress and errors. */
export function exportsPanel(state, ctx) {
  const s = panelState(ctx);
  const langSelect = el("select", { id: "export-lang", class: "select-small" },
    REPORT_LANGUAGES.map((l) => el("option", { value: l, lang: l }, `${t(`console.language.native.${l}`)}${l === currentLanguage() ? "" : ` (${languageName(l)})`}`)));
  langSelect.value = s.lang;
  langSelect.addEventListener("change", () => { s.lang = langSelect.value; });
  return el("section", { class: "card exports-panel no-print", id: "exports", aria: { labelledby: "exports-h", busy: s.busy ? "true" : "false" } },
    el("h2", { id: "exports-h" }, t("console.exports.title")),
    el("p", { class: "hint" }, t("console.exports.explain")),
    el("div", { class: "exports-lang" },
      el("label", { for: "export-lang", class: "label-text" }, t("console.exports.language")), langSelect),
    el("dl", { class: "exports-grid" }, CHOICES.map(([what, fmts]) => [
      el("dt", {}, t(`console.exports.what.${what}`)),
      el("dd", { class: "row" }, fmts.map((fmt) => {
        const busy = s.busy === `${what}-${fmt}`;
        return el("button", {
          type: "button", class: ["btn", "btn-small", busy && "is-busy"], id: `export-${what}-${fmt}`,
          aria: { disabled: s.busy ? "true" : null, label: t("console.exports.buttonLabel", { what: t(`console.exports.what.${what}`), format: t(`console.exports.format.${fmt}`) }) },
          onclick: () => download(ctx, what, fmt),
        }, busy ? el("span", { class: "spinner", aria: { hidden: "true" } }) : null, t(`console.exports.format.${fmt}`));
      })),
    ])),
    el("p", { class: "exports-status", role: "status" }, s.busy ? s.message : (s.error ? "" : s.message)),
    s.error ? el("p", { class: "exports-error", role: "alert" }, s.error) : null);
}
