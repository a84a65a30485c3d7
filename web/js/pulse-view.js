// The trust pulse on the screens (docs/pulse.md): the phone's card (the statements, five
// buttons each, Send, then "Thank you"), the organiser's panel (ask, close, how many answered,
// the results) and the projector's view (the statements and how many answered while open; the
// results, start and end side by side, once closed). What is shown is worked out in
// web/js/pulse-model.js; this file only draws it. Styles: web/css/pulse.css.
//
//   phonePulseCard({ state, outbox, send, redraw })            participant.js, at the top of the room
//   pulseRefusalShown(item, error)                               participant.js onAck: true if the card says it
//   pulsePanel({ state, run, ask })                              organiser.js, above the tabs
//   projectorPulseView(state, { now, redraw })                   display.js: a view, or null for the day's own

import { el, userText } from "./dom.js";
import { t, hasKey, currentLanguage, formatNumber } from "./i18n.js";
import {
  SCALE, CELLS, pulseList, openPulse, pulseByLabel, questionText, phonePulse, answerPayload, resultRows,
  projectorPulse, shares,
} from "./pulse-model.js";
import { followupPanel } from "./followup-view.js";

const statement = (q) => questionText(q, currentLanguage(), t, hasKey);
const digit = (n) => formatNumber(n);

function fmtMean(mean) {
  if (mean == null) return "—";
  return new Intl.NumberFormat(currentLanguage(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);
}

// ------------------------------------------------------------------ phone

// Kept across redraws (the phone redraws on every event): the choices made, which pulses were
// put off ("Later") or thanked and put away, which were sent from this page load, and which the
// server says were answered already.
const phone = { choices: {}, later: new Set(), thanked: new Set(), sent: new Set(), answeredHere: new Set(), known: new Set(),
  focusThanks: false };

/** participant.js onAck: a refusal the card itself answers (already answered: "Thank you"). */
export function pulseRefusalShown(item, error) {
  if (!item || item.command !== "pulse_answer") return false;
  const id = item.payload && item.payload.pulse_id;
  phone.sent.delete(id);
  if (error && error.code === "already_answered") {
    phone.known.add(id);
    return true;
  }
  return false;
}

/** The pulse's card at the top of the phone, or null (none open, or answered and put away). */
export function phonePulseCard({ state, outbox, send, redraw }) {
  const shown = phonePulse(state, outbox, phone.known);
  if (!shown) return null;
  const { pulse } = shown;
  const step = shown.step === "ask" && phone.sent.has(pulse.id) ? "waiting" : shown.step;
  if (step !== "ask" && phone.thanked.has(pulse.id)) return null;
  const thanks = () => {
    const text = step === "done" ? t("pulse.phone.thanks") : t("pulse.phone.thanks_offline");
    const note = el("p", { class: "pulse-thanks-text", tabindex: "-1", id: "pulse-thanks" }, text);
    if (phone.focusThanks) {
      phone.focusThanks = false;
      setTimeout(() => { if (note.isConnected) note.focus({ preventScroll: true }); }, 0);
    }
    return el("div", { class: ["pulse-thanks", step === "waiting" && "pulse-waiting"], role: "status" },
      note,
      el("button", { type: "button", class: "btn-quiet pulse-ok", "data-key": "pulse-ok",
        onclick: () => { phone.thanked.add(pulse.id); redraw(); } }, t("pulse.phone.ok")));
  };
  const choices = phone.choices[pulse.id] || (phone.choices[pulse.id] = {});
  // Answered on another device, or before a reload: a line of thanks. Answered here: the card stays
  // as it was, the choices shown, and the thanks where Send was (a second tap lands on the thanks).
  if (step !== "ask" && !phone.answeredHere.has(pulse.id)) return el("section", { class: ["card", "pulse-card", "pulse-card-done"] }, thanks());
  if (step === "ask" && phone.later.has(pulse.id)) {
    return el("section", { class: ["card", "pulse-card", "pulse-later"], aria: { label: t(`pulse.title.${pulse.label}`) } },
      el("p", {}, t("pulse.phone.reminder")),
      el("button", { type: "button", class: "btn-primary", "data-key": "pulse-toggle",
        onclick: () => { phone.later.delete(pulse.id); redraw(); } }, t("pulse.phone.answer_now")));
  }
  const locked = step !== "ask";
  const chosen = answerPayload(pulse, choices);
  const questions = pulse.questions.map((q, qi) => {
    const name = `pulse-${pulse.id}-${q.key}`;
    return el("fieldset", { class: "pulse-q", disabled: locked },
      el("legend", {}, el("span", { class: "pulse-q-n" }, `${digit(qi + 1)}.`), " ", userText(statement(q), "span")),
      el("div", { class: "pulse-scale" }, SCALE.map((v) => el("label", { class: ["pulse-opt", `pulse-opt-${v}`, choices[q.key] === v && "is-chosen"] },
        el("input", { type: "radio", name, value: String(v), checked: choices[q.key] === v, "data-key": `${name}-${v}`,
          onchange: () => { choices[q.key] = v; redraw(); } }),
        el("span", { class: "pulse-digit", "aria-hidden": "true" }, digit(v)),
        el("span", { class: "pulse-word" }, t(`pulse.scale.${v}`))))));
  });
  const sendNow = () => {
    if (phone.sent.has(pulse.id)) return; // a second tap, or a tap while the first is on its way
    const payload = answerPayload(pulse, choices);
    if (!payload) return;
    phone.sent.add(pulse.id);
    phone.answeredHere.add(pulse.id);
    phone.focusThanks = true;
    Promise.resolve(send("pulse_answer", payload)).then((ack) => {
      // Refused for a reason that may pass (not "already answered"): the buttons come back.
      if (ack && !ack.ok && !(ack.error && ack.error.code === "already_answered")) {
        phone.sent.delete(pulse.id);
        phone.answeredHere.delete(pulse.id);
      }
      redraw();
    });
    redraw(); // the thanks, a live region, is read out
  };
  const total = pulse.questions.length;
  const count = chosen ? Object.keys(chosen.answers).length : 0;
  return el("section", { class: ["card", "pulse-card", locked && "pulse-card-sent"], aria: { labelledby: "pulse-h" } },
    el("h2", { id: "pulse-h" }, t(`pulse.title.${pulse.label}`)),
    el("p", { class: "pulse-intro" }, t("pulse.phone.intro")),
    el("p", { class: "pulse-anon" }, t("pulse.phone.anonymous")),
    questions,
    el("p", { class: "pulse-progress", id: "pulse-progress" }, t("pulse.phone.progress", { answered: count, total })),
    locked ? thanks() : el("div", { class: "pulse-actions" },
      el("button", { type: "button", class: "btn-primary pulse-send", "data-key": "pulse-send", disabled: !chosen,
        "aria-describedby": "pulse-progress", onclick: sendNow }, t("pulse.phone.send")),
      el("button", { type: "button", class: "btn-quiet", "data-key": "pulse-toggle",
        onclick: () => { phone.later.add(pulse.id); redraw(); } }, t("pulse.phone.later"))));
}

// ------------------------------------------------------------------ results (console and projector)

function spread(counts) {
  const share = shares(counts);
  return el("span", { class: "pulse-spread" },
    el("span", { class: "visually-hidden" }, t("pulse.spread", { counts: counts.map(digit).join(", ") })),
    counts.map((c, i) => el("span", { class: ["pulse-count", `pulse-count-${i + 1}`, c === 0 && "is-zero"],
      "aria-hidden": "true", style: { "--share": share[i].toFixed(2) } }, digit(c))));
}

function scaleHead() {
  return el("span", { class: "pulse-spread pulse-spread-head", "aria-hidden": "true" },
    SCALE.map((v) => el("span", { class: "pulse-count" }, digit(v))));
}

/** One table: a row per statement and side, a column pair (average, answers 1..5) per pulse. */
export function resultsTable(pulses, variant = "console") {
  const rows = pulses.map((p) => resultRows(p));
  const keys = [];
  const questions = {};
  for (const p of pulses) for (const q of p.questions) if (!questions[q.key]) { questions[q.key] = q; keys.push(q.key); }
  const head = el("thead", {},
    el("tr", {},
      el("td", { class: "pulse-corner", colspan: "2" }),
      pulses.map((p, i) => el("th", { scope: "colgroup", colspan: "2", class: ["pulse-col-head", i > 0 && "pulse-next-col"] },
        el("span", { class: "pulse-col-label" }, t(`pulse.label.${p.label}`)),
        " ", el("span", { class: "pulse-col-n" }, t("pulse.answered", { count: rows[i].n }))))),
    el("tr", { class: "pulse-sub-head" },
      el("td", { colspan: "2" }),
      pulses.map((p, i) => [el("th", { scope: "col", class: ["pulse-mean-head", i > 0 && "pulse-next-col"] }, t("pulse.average")),
        el("th", { scope: "col", class: "pulse-spread-th" }, el("span", { class: "visually-hidden" }, t("pulse.answers_head")), scaleHead())])));
  // A statement heads its three rows (everyone, police, community) at the line's start.
  const body = keys.map((key) => el("tbody", { class: "pulse-q-rows" },
    CELLS.map((cell, ci) => el("tr", { class: `pulse-cell-${cell.replace(":", "-")}` },
      ci === 0 ? el("th", { scope: "rowgroup", rowspan: String(CELLS.length), class: "pulse-statement" }, userText(statement(questions[key]), "span")) : null,
      el("th", { scope: "row", class: "pulse-side" }, t(`pulse.cell.${cell.replace("side:", "")}`)),
      rows.map((r, i) => {
        const q = r.questions.find((x) => x.key === key);
        const c = q && q.cells.find((x) => x.cell === cell);
        const next = i > 0 && "pulse-next-col"; // the end pulse's columns, after the start's
        if (!q) return el("td", { colspan: "2", class: ["pulse-none", next] }, "—");
        if (!c.shown) return el("td", { colspan: "2", class: ["pulse-too-few", next] }, t("pulse.too_few"));
        return [el("td", { class: ["pulse-mean", next] }, fmtMean(c.mean)), el("td", { class: "pulse-spread-td" }, spread(c.counts))];
      })))));
  return el("table", { class: ["pulse-results", `pulse-results-${variant}`, pulses.length > 1 && "pulse-before-after"] },
    el("caption", { class: "visually-hidden" }, t("pulse.results_caption")), head, body);
}

// ------------------------------------------------------------------ organiser

const consoleUi = { resultsOpen: true }; // the results folded away stay folded across redraws

/** The organiser's pulse panel: ask the start or end pulse, close it, how many answered, results. */
export function pulsePanel({ state, run, ask }) {
  const open = openPulse(state);
  const dayClosed = state.workshop.phase === "closed";
  if (dayClosed) return followupPanel({ state, run, ask }); // after the day: the follow-up pulse (followup-view.js)
  const askFor = async (label) => {
    const ok = await ask({ title: t(`pulse.console.confirm_open.${label}`), body: t("pulse.console.confirm_open_body"),
      confirm: t("pulse.console.confirm_open_button") });
    if (ok) run("pulse_open", { label }, t("pulse.console.opened"));
  };
  const close = async () => {
    const ok = await ask({ title: t("pulse.console.confirm_close"),
      body: t("pulse.console.confirm_close_body", { count: open.answered }), confirm: t("pulse.console.close") });
    if (ok) run("pulse_close", {}, t("pulse.console.closed"));
  };
  const closed = pulseList(state).filter((p) => p.closed_at);
  const byLabel = ["start", "end"].map((l) => pulseByLabel(state, l)).filter((p) => p && p.closed_at);
  return el("section", { class: ["card", "pulse-panel"], aria: { labelledby: "pulse-console-h" } },
    el("h2", { id: "pulse-console-h" }, t("pulse.console.title")),
    open
      ? el("div", { class: "pulse-open-row" },
        el("p", { class: "pulse-open-status", role: "status" },
          el("strong", {}, t(`pulse.console.open.${open.label}`)), t("common.separator"),
          el("span", { class: "pulse-answered" }, t("pulse.answered", { count: open.answered }))),
        el("button", { type: "button", class: "btn btn-primary", id: "pulse-close", onclick: close }, t("pulse.console.close")))
      : el("div", { class: "pulse-open-row" },
        el("p", { class: "hint" }, dayClosed ? t("pulse.console.day_closed") : t("pulse.console.explain")),
        ["start", "end"].map((label) => {
          const asked = pulseByLabel(state, label);
          return el("button", { type: "button", class: "btn", id: `pulse-ask-${label}`, disabled: Boolean(asked) || dayClosed,
            onclick: () => askFor(label) }, asked ? t(`pulse.console.asked.${label}`) : t(`pulse.console.ask.${label}`));
        })),
    closed.length ? el("details", { class: "pulse-results-box", open: consoleUi.resultsOpen,
      ontoggle: (e) => { consoleUi.resultsOpen = e.target.open; } },
      el("summary", {}, t("pulse.console.results")),
      resultsTable(byLabel.length ? byLabel : closed, "console"),
      el("p", { class: "hint" }, t("pulse.scale.legend"))) : null);
}

// ------------------------------------------------------------------ projector

let projectorTimer = 0;

/** The projector's pulse view, or null: the day's own view is shown (display.js draws it). */
// The segment this screen was on when it first saw each pulse closed (its results give way to the
// day's own view as soon as the organiser moves the day on).
const closedSeenIn = new Map();

export function projectorPulseView(state, { now, redraw }) {
  const shown = projectorPulse(state, now, undefined, (id, segment) => {
    if (!closedSeenIn.has(id)) closedSeenIn.set(id, segment);
    return closedSeenIn.get(id);
  });
  clearTimeout(projectorTimer);
  if (!shown) return null;
  if (shown.kind === "results") projectorTimer = setTimeout(redraw, Math.max(0, shown.until - now) + 100);
  const ws = state.workshop;
  const bar = (subtitle) => el("header", { class: "title-bar" },
    el("div", { class: "title-main" },
      el("h1", { dir: "auto" }, ws.title),
      el("p", { class: "subtitle" }, subtitle)),
    el("div", { class: "title-side" }, el("span", { class: "phase-pill" }, t("pulse.console.title"))));
  if (shown.kind === "open") {
    const p = shown.pulse;
    return el("div", { class: "view view-pulse view-pulse-open" },
      bar(t(`pulse.title.${p.label}`)),
      el("div", { class: "pulse-open-grid" },
        el("div", { class: "pulse-open-main" },
          el("p", { class: "pulse-open-call" }, t("pulse.display.call")),
          el("ol", { class: "pulse-statements" }, p.questions.map((q) => el("li", {}, userText(statement(q), "span")))),
          el("p", { class: "pulse-open-legend" }, t("pulse.scale.legend"))),
        el("div", { class: "pulse-open-side" },
          el("p", { class: "pulse-big-n", role: "status" }, el("span", { class: "pulse-big-digit" }, digit(p.answered)),
            el("span", { class: "pulse-big-label" }, t("pulse.display.answered", { count: p.answered }))),
          el("p", { class: "pulse-open-anon" }, t("pulse.display.anonymous")),
          el("p", { class: "pulse-open-join" }, t("pulse.display.join", { code: ws.join_code })))));
  }
  const pulses = shown.pulses;
  // Compact rows where they would not fit a 1080p screen: more than three statements, or three
  // side by side with a second pulse (its two-line head takes a row's height).
  const many = pulses[0].questions.length > 3 || (pulses.length > 1 && pulses[0].questions.length > 2);
  return el("div", { class: ["view", "view-pulse", "view-pulse-results", many && "pulse-many"] },
    bar(pulses.length > 1 ? t("pulse.display.before_after") : t(`pulse.display.results.${pulses[0].label}`)),
    el("div", { class: "pulse-results-wrap" }, resultsTable(pulses, "projector")),
    el("p", { class: "pulse-open-legend" }, t("pulse.scale.legend"), t("common.separator"), t("pulse.display.too_few_note")));
}
