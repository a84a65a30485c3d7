// The trust pulse's screens, as data (web/js/pulse-model.js). Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  openPulse, pulseByLabel, questionText, waitingAnswer, phonePulse, answerPayload, resultRows, projectorPulse, shares,
  RESULTS_ON_PROJECTOR_MS,
} from "../../web/js/pulse-model.js";

const QUESTIONS = [{ key: "trust", texts: {} }, { key: "heard", texts: {} }, { key: "own", texts: { en: "Mine", fa: "مال من" } }];
const cellOf = (n, means) => ({ n, questions: Object.fromEntries(Object.entries(means).map(([k, mean]) => [k, { mean, counts: [1, 0, 0, 0, n - 1] }])) });

function pulse(id, label, { closed = null, answered = 0, cells = null } = {}) {
  return { id, label, questions: QUESTIONS, opened_at: "2026-12-06T09:00:00Z", closed_at: closed, answered,
    results: closed ? { n: answered, cells: cells || {} } : null };
}
const state = (pulses, answered = []) => ({ pulses: Object.fromEntries(pulses.map((p) => [String(p.id), p])), me: { pulses_answered: answered } });

test("the open pulse and a pulse by its label", () => {
  const s = state([pulse(1, "start", { closed: "2026-12-06T09:10:00Z" }), pulse(2, "end")]);
  assert.equal(openPulse(s).id, 2);
  assert.equal(pulseByLabel(s, "start").id, 1);
  assert.equal(openPulse(state([pulse(1, "start", { closed: "2026-12-06T09:10:00Z" })])), null);
  assert.equal(pulseByLabel(state([]), "end"), null);
  assert.equal(openPulse({}), null);
});

test("a statement reads the pulse's own wording first, then the catalogue, then any wording it has", () => {
  const t = (k) => `T(${k})`;
  assert.equal(questionText(QUESTIONS[2], "fa", t), "مال من");
  assert.equal(questionText(QUESTIONS[0], "fa", t), "T(pulse.question.trust)");
  assert.equal(questionText(QUESTIONS[2], "es", t, () => false), "Mine");
  assert.equal(questionText({ key: "trust", texts: { es: "Confianza" } }, "es", t), "Confianza");
});

test("the phone asks until this person answered; an answer waiting in the outbox says thank you", () => {
  const open = pulse(4, "start");
  assert.deepEqual(phonePulse(state([open]), []), { pulse: open, step: "ask" });
  const outbox = [{ command: "vote_cast", payload: { target_id: 4 } }, { command: "pulse_answer", payload: { pulse_id: 4, answers: { trust: 2 } } }];
  assert.equal(waitingAnswer(outbox, 4), outbox[1]);
  assert.equal(waitingAnswer(outbox, 5), null);
  assert.equal(phonePulse(state([open]), outbox).step, "waiting");
  assert.equal(phonePulse(state([open], [4]), outbox).step, "done");
  assert.equal(phonePulse(state([open]), [], new Set([4])).step, "done"); // refused: already answered
  assert.equal(phonePulse(state([pulse(4, "start", { closed: "2026-12-06T09:10:00Z" })]), []), null);
});

test("the answer holds only the pulse's questions and values 1..5; none chosen, nothing to send", () => {
  const p = pulse(7, "end");
  assert.deepEqual(answerPayload(p, { trust: 5, own: 1, other: 3, heard: 0 }), { pulse_id: 7, answers: { trust: 5, own: 1 } });
  assert.equal(answerPayload(p, {}), null);
  assert.equal(answerPayload(p, { heard: 6, trust: 2.5 }), null);
});

test("results: a side's absent cell is shown as too few, not left out", () => {
  const p = pulse(3, "start", { closed: "2026-12-06T09:10:00Z", answered: 5,
    cells: { all: cellOf(5, { trust: 3.2, heard: null, own: 4 }), "side:community": cellOf(3, { trust: 2, heard: null, own: 4 }) } });
  const rows = resultRows(p);
  assert.equal(rows.shown, true);
  assert.deepEqual(rows.questions.map((q) => q.key), ["trust", "heard", "own"]);
  const trust = rows.questions[0].cells;
  assert.deepEqual(trust.map((c) => [c.cell, c.shown]), [["all", true], ["side:police", false], ["side:community", true]]);
  assert.deepEqual(trust[0], { cell: "all", shown: true, n: 5, mean: 3.2, counts: [1, 0, 0, 0, 4] });
  assert.equal(trust[1].mean, null);
  assert.equal(resultRows(pulse(3, "start")), null); // open: no results
  const none = resultRows(pulse(3, "start", { closed: "2026-12-06T09:10:00Z", answered: 2, cells: {} }));
  assert.equal(none.shown, false);
  assert.ok(none.questions.every((q) => q.cells.every((c) => !c.shown)));
});

test("the projector: the open pulse; a closed one for a while; start and end side by side", () => {
  const t0 = Date.parse("2026-12-06T09:10:00Z");
  const start = pulse(1, "start", { closed: "2026-12-06T09:10:00Z" });
  assert.equal(projectorPulse(state([]), t0), null);
  assert.deepEqual(projectorPulse(state([pulse(1, "start")]), t0).kind, "open");
  const shown = projectorPulse(state([start]), t0 + 1000);
  assert.equal(shown.kind, "results");
  assert.deepEqual(shown.pulses.map((p) => p.id), [1]);
  assert.equal(shown.until, t0 + RESULTS_ON_PROJECTOR_MS);
  assert.equal(projectorPulse(state([start]), t0 + RESULTS_ON_PROJECTOR_MS), null);
  const end = pulse(2, "end", { closed: "2026-12-06T16:00:00Z" });
  const both = projectorPulse(state([end, start]), Date.parse("2026-12-06T16:01:00Z"));
  assert.deepEqual(both.pulses.map((p) => p.label), ["start", "end"]);
  // Once the day moves to another segment, the day's own view comes back before the time is up.
  const seen = () => 0;
  const moved = { ...state([start]), workshop: { segment: 1 } };
  assert.equal(projectorPulse(moved, t0 + 1000, RESULTS_ON_PROJECTOR_MS, seen), null);
  assert.equal(projectorPulse({ ...moved, workshop: { segment: 0 } }, t0 + 1000, RESULTS_ON_PROJECTOR_MS, seen).kind,
    "results");
  // The end pulse open: it is shown, not the start's results.
  assert.equal(projectorPulse(state([start, pulse(2, "end")]), t0 + 1000).pulse.id, 2);
});

test("shares of the largest count shade the boxes", () => {
  assert.deepEqual(shares([0, 2, 4, 1, 0]), [0, 0.5, 1, 0.25, 0]);
  assert.deepEqual(shares([0, 0, 0, 0, 0]), [0, 0, 0, 0, 0]);
});
