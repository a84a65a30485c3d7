// The pulse after the day (docs/pulse.md, "After the day"): the trend of the closed pulses by side
// (start, end, each follow-up), the organiser's follow-up panel, and the progress page's section.
// Only the cells the server shows are drawn (server/domain/pulse_results.py): a side held back by
// the small-group rule reads "too few to show". Styles: web/css/closing.css.
//
//   trendTable(pulses)                      a card per statement: a row per pulse, a column per side
//   followupPanel({ state, run, ask })      pulse-view.js pulsePanel, once the day is closed (organiser)
//   createTrend(token, redraw)              progress.js: {load(), section()} from GET /api/progress/pulse

import { el, userText } from "./dom.js";
import { t, hasKey, currentLanguage, formatNumber } from "./i18n.js";
import { CELLS, questionText } from "./pulse-model.js";

const FOLLOWUP = /^followup-(\d+)$/;

export function isFollowup(pulse) { return Boolean(pulse && FOLLOWUP.test(pulse.label)); }

/** The pulses in the order of the trend: start, end, then the follow-ups as asked. */
export function trendOrder(pulses) {
  const rank = (p) => (p.label === "start" ? 0 : p.label === "end" ? 1 : 2);
  return [...pulses].sort((a, b) => (rank(a) - rank(b)) || (a.id - b.id));
}

function fmtDate(iso) {
  if (!iso) return "";
  try { return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: "medium" }).format(new Date(iso)); } catch (_) { return ""; }
}

/** A pulse's name in the trend: the start or end of the day, or "Follow-up n (date)". */
export function pulseName(p) {
  const m = FOLLOWUP.exec(p.label);
  if (!m) return t(`pulse.label.${p.label === "end" ? "end" : "start"}`);
  const n = formatNumber(Number(m[1]));
  return p.closed_at ? t("followup.label_date", { n, date: fmtDate(p.closed_at) }) : t("followup.label", { n });
}

function fmtMean(mean) {
  if (mean == null) return "—";
  return new Intl.NumberFormat(currentLanguage(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);
}

/**
 * The trend, one card per statement (so it reads on a phone without scrolling sideways, and on a
 * projector): a row per closed pulse (its name and how many answered), a column per side (its
 * average, or "too few to show").
 */
export function trendTable(pulses) {
  const ordered = trendOrder(pulses.filter((p) => p.results));
  const keys = [];
  const questions = {};
  for (const p of ordered) for (const q of p.questions) if (!questions[q.key]) { questions[q.key] = q; keys.push(q.key); }
  const statement = (q) => questionText(q, currentLanguage(), t, hasKey);
  const side = (cell) => t(`pulse.cell.${cell.replace("side:", "")}`);
  return el("div", { class: "trend-cards", id: "pulse-trend", role: "group", aria: { label: t("followup.trend.caption") } },
    keys.map((key, ki) => el("section", { class: "trend-card", aria: { labelledby: `trend-q-${ki}` } },
      el("h3", { class: "trend-statement", id: `trend-q-${ki}` }, userText(statement(questions[key]), "span")),
      el("table", { class: "trend-table", aria: { labelledby: `trend-q-${ki}` } },
        el("thead", {}, el("tr", {},
          el("td", { class: "trend-corner" }),
          CELLS.map((cell) => el("th", { scope: "col", class: `trend-side trend-${cell.replace(":", "-")}` }, side(cell))))),
        el("tbody", {}, ordered.map((p) => el("tr", { class: "trend-row", "data-label": p.label },
          el("th", { scope: "row", class: "trend-col", "data-label": p.label }, pulseName(p),
            el("span", { class: "trend-n" }, t("pulse.answered", { count: p.results.n }))),
          CELLS.map((cell) => {
            const cls = `trend-${cell.replace(":", "-")}`;
            const c = (p.results.cells || {})[cell];
            const r = c && c.questions && c.questions[key];
            if (!p.questions.some((q) => q.key === key)) return el("td", { class: ["trend-too-few", cls] }, "—");
            if (!r) return el("td", { class: ["trend-too-few", cls] }, t("pulse.too_few"));
            return el("td", { class: ["trend-mean", cls] }, fmtMean(r.mean));
          }))))))));
}

function sharePublicLink(token) {
  if (!token) return null;
  const base = `/progress/${encodeURIComponent(token)}`;
  const href = `${base}/pulse`;
  return el("div", { class: "followup-share" },
    el("a", { class: "btn", href, target: "_blank", rel: "noopener noreferrer", id: "followup-public-link" }, t("followup.answer_link")),
    el("img", { src: `${base}/qr.svg?to=pulse`, alt: t("followup.qr"), width: "148", height: "148", loading: "lazy" }));
}

/** The organiser's panel once the day is closed: ask a follow-up pulse, its public link and QR, close it, the trend. */
export function followupPanel({ state, run, ask }) {
  const all = Object.values(state.pulses || {});
  const open = all.find((p) => p.closed_at == null && isFollowup(p)) || null;
  const closed = all.filter((p) => p.closed_at && p.results);
  const askIt = async () => {
    const ok = await ask({ title: t("followup.console.confirm"), body: t("followup.console.confirm_body"),
      confirm: t("followup.console.ask") });
    if (ok) run("followup_open", {}, t("followup.console.opened"));
  };
  const close = async () => {
    const ok = await ask({ title: t("followup.console.confirm_close"),
      body: t("pulse.console.confirm_close_body", { count: open.answered }), confirm: t("followup.console.close") });
    if (ok) run("followup_close", {}, t("followup.console.closed"));
  };
  return el("section", { class: ["card", "pulse-panel", "followup-panel"], aria: { labelledby: "followup-console-h" } },
    el("h2", { id: "followup-console-h" }, t("followup.console.title")),
    el("p", { class: "hint" }, t("followup.console.explain")),
    open
      ? el("div", { class: "pulse-open-row" },
        el("p", { class: "pulse-open-status", role: "status" },
          el("strong", {}, t("followup.console.open", { name: pulseName(open) })), t("common.separator"),
          el("span", { class: "pulse-answered" }, t("pulse.answered", { count: open.answered }))),
        el("button", { type: "button", class: "btn btn-primary", id: "followup-close", onclick: close }, t("followup.console.close")),
        sharePublicLink(state.workshop.progress_token))
      : el("div", { class: "pulse-open-row" },
        el("button", { type: "button", class: "btn", id: "followup-ask", onclick: askIt }, t("followup.console.ask"))),
    closed.length ? el("details", { class: "pulse-results-box", open: true },
      el("summary", {}, t("followup.trend.title")), trendTable(closed), el("p", { class: "hint" }, t("pulse.scale.legend"))) : null);
}

/** The progress page's trend: loads GET /api/progress/pulse; `section()` draws it (null until loaded). */
export function createTrend(token, redraw) {
  let data = null;
  return {
    async load() {
      try {
        const resp = await fetch("/api/progress/pulse", {
          headers: { Authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
        });
        if (resp.ok) { data = await resp.json(); redraw(); }
      } catch (_) { /* the plan is still shown; the trend comes with the next reload */ }
    },
    section() {
      if (!data) return null;
      const trend = data.trend || [];
      return el("section", { class: "card stack trend-section", aria: { labelledby: "trend-h" } },
        el("h2", { id: "trend-h" }, t("followup.trend.title")),
        el("p", { class: "hint" }, t("followup.trend.intro")),
        data.pulse ? el("div", { class: "stack" }, el("p", {}, t("followup.trend.open")), sharePublicLink(token)) : null,
        trend.length ? trendTable(trend) : el("p", { class: "empty" }, t("followup.trend.empty")));
    },
  };
}
