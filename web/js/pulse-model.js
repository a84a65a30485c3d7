// What the trust pulse's screens show (docs/pulse.md), as plain data: no DOM, no catalogue, so
// it is tested on its own (tests/js/pulse-model.test.mjs). web/js/pulse-view.js draws it.

export const SCALE = Object.freeze([1, 2, 3, 4, 5]);
// The result cells the screens show, in this order; a side's cell absent from the results was
// held back by the small-group rule (too few answered on that side, or it would give one away).
export const CELLS = Object.freeze(["all", "side:police", "side:community"]);
// The projector shows a pulse's results for this long after it closes, then the day's own view.
export const RESULTS_ON_PROJECTOR_MS = 10 * 60 * 1000;

// The day's pulses; a follow-up pulse after the day (`followup-<n>`) is answered from its public link
// and drawn by web/js/followup-view.js, never by the phone's card or the projector.
export const DAY_LABELS = Object.freeze(["start", "end"]);

/** The workshop's pulses of the day, oldest first. */
export function pulseList(state) {
  return Object.values((state && state.pulses) || {}).filter((p) => DAY_LABELS.includes(p.label)).sort((a, b) => a.id - b.id);
}

/** The pulse open now, or null (at most one is open). */
export function openPulse(state) {
  return pulseList(state).find((p) => p.closed_at == null) || null;
}

/** The pulse asked with this label (`start`/`end`), or null. */
export function pulseByLabel(state, label) {
  return pulseList(state).filter((p) => p.label === label).pop() || null;
}

/** A statement's wording in `lang`: the pulse's own text if it has one, else the catalogue's
 *  (`pulse.question.<key>`, through `t`), else any wording the pulse has. */
export function questionText(question, lang, t, hasKey = () => true) {
  const texts = question.texts || {};
  if (texts[lang]) return texts[lang];
  const key = `pulse.question.${question.key}`;
  if (hasKey(key)) return t(key);
  return Object.values(texts)[0] || question.key;
}

/** The command in the outbox answering this pulse (sent, not acknowledged yet), or null. */
export function waitingAnswer(outbox, pulseId) {
  return (outbox || []).find((i) => i.command === "pulse_answer" && i.payload && i.payload.pulse_id === pulseId) || null;
}

/**
 * What the phone shows of the pulse: null (nothing open), or {pulse, step}:
 *   "ask"      not answered: the statements and the buttons
 *   "waiting"  answered on this phone, still in the outbox (offline): thank you, it will be sent
 *   "done"     answered (the server says so, or said it was already): thank you
 * `known`: pulse ids this page knows are answered (a refusal `already_answered`).
 */
export function phonePulse(state, outbox, known = new Set()) {
  const pulse = openPulse(state);
  if (!pulse) return null;
  const answered = ((state.me && state.me.pulses_answered) || []).includes(pulse.id) || known.has(pulse.id);
  if (answered) return { pulse, step: "done" };
  if (waitingAnswer(outbox, pulse.id)) return { pulse, step: "waiting" };
  return { pulse, step: "ask" };
}

/** The payload of pulse_answer from the choices made ({key: 1..5}): only the pulse's questions,
 *  only values 1..5; null when none is chosen. */
export function answerPayload(pulse, choices) {
  const answers = {};
  for (const q of pulse.questions) {
    const v = choices && choices[q.key];
    if (Number.isInteger(v) && v >= 1 && v <= 5) answers[q.key] = v;
  }
  return Object.keys(answers).length ? { pulse_id: pulse.id, answers } : null;
}

/**
 * A closed pulse's results as rows to draw: {n, shown, questions: [{key, cells: [{cell, shown,
 * n, mean, counts}]}]}. `shown` false at the top: fewer than K answered, nothing is shown; a
 * cell with shown false: held back (too few to show). Null while the pulse is open.
 */
export function resultRows(pulse) {
  if (!pulse || !pulse.results) return null;
  const cells = pulse.results.cells || {};
  return {
    n: pulse.results.n,
    shown: Boolean(cells.all),
    questions: pulse.questions.map((q) => ({
      key: q.key,
      cells: CELLS.map((cell) => {
        const c = cells[cell];
        const r = c && c.questions && c.questions[q.key];
        return r ? { cell, shown: true, n: c.n, mean: r.mean, counts: r.counts.slice() }
          : { cell, shown: false, n: null, mean: null, counts: null };
      }),
    })),
  };
}

/**
 * What the projector shows of the pulse at server time `now` (ms): null (the day's own view),
 * {kind: "open", pulse}, or {kind: "results", pulses: [start?, end?], until, lastId}: a pulse closed
 * less than RESULTS_ON_PROJECTOR_MS ago, beside the other one when both are closed (before/after).
 * `seenIn(lastId)`: the segment the day stood on when this screen first saw that pulse closed; once
 * the day has moved to another segment, the day's own view comes back (the organiser moved on).
 */
export function projectorPulse(state, now, holdMs = RESULTS_ON_PROJECTOR_MS, seenIn = () => undefined) {
  const open = openPulse(state);
  if (open) return { kind: "open", pulse: open };
  const closed = pulseList(state).filter((p) => p.closed_at);
  if (!closed.length) return null;
  const last = closed.reduce((a, b) => (Date.parse(b.closed_at) >= Date.parse(a.closed_at) ? b : a));
  const until = Date.parse(last.closed_at) + holdMs;
  if (!(now < until)) return null;
  const segment = state && state.workshop ? state.workshop.segment : undefined;
  const seen = seenIn(last.id, segment);
  if (seen !== undefined && seen !== segment) return null;
  const start = pulseByLabel(state, "start");
  const end = pulseByLabel(state, "end");
  const pulses = [start, end].filter((p) => p && p.closed_at);
  return { kind: "results", pulses: pulses.length ? pulses : [last], until, lastId: last.id };
}

/** Each count's share of the largest (0..1), for the shade of its box. */
export function shares(counts) {
  const max = Math.max(0, ...counts);
  return counts.map((c) => (max ? c / max : 0));
}
