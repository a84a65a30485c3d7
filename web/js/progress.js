// The read-only progress page (/progress/<token>): after the day, the action plan, each
// action's status, its co-leads (a chosen name, else council role and group) and dated notes.
// No contact details, no participant data (server/domain/council.py progress_view).
//
// The token is in the path because the link is printed and mailed. It is sent back only in an
// Authorization header (never in a query string); every response carries
// Referrer-Policy: no-referrer, and the page loads nothing from another origin.
// Live enough: it re-reads the plan every 30 s while visible, on focus, and on "Refresh".
import { el, userText, rerender, announce } from "./dom.js";
import {
  setLanguage, preferredLanguage, t, statusName, fieldName, fmtTime, fmtNumber, personLabel, planNotes, renderHeader,
  pageLanguagePicker, pageNotice,
} from "./console-common.js";
import { createPage } from "./page.js";
import { dueLine, historyDetails, meetingsSection } from "./council-after.js";
import { createTrend } from "./followup-view.js";

const LANG_KEY = "cg.progress.lang";
const POLL_MS = 30000;
const DETAIL_FIELDS = ["solution", "actions", "owner", "timeline", "resources", "success_measure", "council_lead"];
const header = document.getElementById("header");
const main = document.getElementById("main");

const token = decodeURIComponent(location.pathname.split("/")[2] || "");
// The page (web/js/page.js): its state is the last answer of GET /api/progress, its status
// loading | ok | failed | unauthorized.
const page = createPage({ draw, status: "loading" });
// The trust pulse over time, by side (start, end, each follow-up): web/js/followup-view.js.
const trend = createTrend(token, () => page.render());
let updatedAt = null;
let loading = false;

async function load(manual = false) {
  if (loading) return;
  loading = true;
  try {
    const resp = await fetch("/api/progress", {
      headers: { Authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
    });
    if (resp.status === 401 || resp.status === 403) {
      page.status = "unauthorized";
    } else if (!resp.ok) {
      page.status = page.state ? "ok" : "failed";
    } else {
      page.state = await resp.json();
      page.status = "ok";
      updatedAt = new Date().toISOString();
      trend.load();
      if (manual) announce(t("progress.updated", { time: fmtTime(updatedAt) }));
    }
  } catch (_) {
    if (!page.state) page.status = "failed";
  } finally {
    loading = false;
  }
  page.render();
}

function drawHeader() {
  const ws = page.state && page.state.workshop;
  renderHeader(header, {
    role: t("progress.title"),
    title: [ws ? el("h1", {}, userText(ws.title, "span")) : null,
      ws && (ws.date || ws.place) ? el("span", { class: "hint" },
        [ws.date, ws.place].filter(Boolean).map((f, i) => [i ? t("common.separator") : "", userText(f, "span")])) : null],
    tools: [pageLanguagePicker(LANG_KEY, page.render)],
  });
}

function coLeads(entry) {
  return el("div", { class: "plan-field" },
    el("span", { class: "field-label" }, t("display.plan.coLeads")),
    el("ul", { class: "colead-list" },
      el("li", {}, el("span", { class: "side" }, fieldName("co_lead_law_enforcement")), " ", personLabel(entry.co_leads.law_enforcement)),
      el("li", {}, el("span", { class: "side" }, fieldName("co_lead_community")), " ", personLabel(entry.co_leads.community))));
}

function entryCard(entry) {
  const f = entry.fields;
  const s = f.status || "proposed";
  return el("li", { class: "plan-entry card" },
    el("div", { class: "plan-entry-head" },
      el("h3", { class: "entry-title" }, el("span", { class: "entry-pos" }, `${fmtNumber(entry.position)}. `), userText(f.title, "span")),
      el("span", { class: `status-chip status-${s}` }, statusName(s))),
    el("div", { class: "plan-fields" },
      DETAIL_FIELDS.filter((name) => f[name]).map((name) => el("div", { class: ["plan-field", ["solution", "actions"].includes(name) && "wide"] },
        el("span", { class: "field-label" }, fieldName(name)),
        userText(f[name], "p", "field-value"))),
      coLeads(entry)),
    dueLine(entry),
    planNotes({ id: entry.id, notes: entry.notes }, "progress"),
    historyDetails(entry, "progress"));
}

function draw() {
  drawHeader();
  const { state: data, status } = page;
  if (status === "unauthorized") {
    rerender(main, pageNotice("alert", t("progress.unauthorized.title"), t("progress.unauthorized.body")));
    return;
  }
  if (!data) {
    rerender(main, el("p", { class: status === "failed" ? "card notice" : "loading", role: status === "failed" ? "alert" : "status" },
      t(status === "failed" ? "progress.failed" : "progress.loading")));
    return;
  }
  const entries = [...data.entries].sort((a, b) => (a.position - b.position) || a.id - b.id);
  const done = entries.filter((e) => e.fields.status === "done").length;
  rerender(main, [
    el("section", { class: "after-intro", aria: { labelledby: "progress-h" } },
      el("h2", { id: "progress-h" }, t("progress.title")),
      el("p", { class: "hint" }, t("progress.intro")),
      el("div", { class: "after-toolbar" },
        entries.length ? el("p", { class: "summary" }, t("progress.summary", { done, count: entries.length })) : null,
        el("span", { class: "hint", role: "status" }, updatedAt ? t("progress.updated", { time: fmtTime(updatedAt) }) : ""),
        el("button", { type: "button", class: "btn btn-small", id: "refresh", onclick: () => load(true) }, t("progress.refresh")))),
    entries.length
      ? el("ol", { class: "plan-list after-list", aria: { labelledby: "progress-h" } }, entries.map(entryCard))
      : el("p", { class: "empty card" }, t("progress.empty")),
    // The council's meetings, each with its .ics (a link keyed by this page's own token).
    meetingsSection(data.meetings || [], {
      idPrefix: "progress",
      icsHref: (m) => `/progress/${encodeURIComponent(token)}/meetings/${m.id}.ics`,
    }),
    trend.section(),
  ].filter(Boolean));
}

async function start() {
  await setLanguage(preferredLanguage(LANG_KEY));
  page.render();
  if (!token) { page.status = "unauthorized"; page.render(); return; }
  await load();
  const again = () => { if (document.visibilityState === "visible" && page.status !== "unauthorized") load(); };
  setInterval(again, POLL_MS);
  document.addEventListener("visibilitychange", again);
}

start();
