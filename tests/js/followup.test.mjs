// After the day (docs/pulse.md): a follow-up pulse is never the phone's card nor the projector's view;
// the closing card's links (web/js/closing-view.js). Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import { openPulse, phonePulse, projectorPulse, pulseList } from "../../web/js/pulse-model.js";

const Q = [{ key: "trust", texts: {} }];
const pulse = (id, label, closed = null) => ({ id, label, questions: Q, opened_at: "2027-01-06T09:00:00Z", closed_at: closed,
  answered: 0, results: closed ? { n: 0, cells: {} } : null });
const state = (pulses) => ({ pulses: Object.fromEntries(pulses.map((p) => [String(p.id), p])), me: { pulses_answered: [] } });

test("an open follow-up pulse is not asked on the phones of the day nor shown on the projector", () => {
  const s = state([pulse(1, "start", "2026-12-06T09:10:00Z"), pulse(2, "end", "2026-12-06T16:00:00Z"), pulse(3, "followup-1")]);
  assert.equal(openPulse(s), null);
  assert.equal(phonePulse(s, []), null);
  assert.deepEqual(pulseList(s).map((p) => p.label), ["start", "end"]);
  const later = Date.parse("2027-01-06T09:05:00Z");
  assert.equal(projectorPulse(s, later), null);
});

test("the day's pulses are still asked as before", () => {
  const s = state([pulse(1, "start")]);
  assert.equal(phonePulse(s, []).step, "ask");
});

test("the closing card links the report in the reader's language and the progress page", async () => {
  globalThis.document ??= undefined; // closing-view only touches the DOM when it draws
  const { closingLinks } = await import("../../web/js/closing-view.js");
  const links = closingLinks("tok_en-1", "fa");
  assert.equal(links.report, "/progress/tok_en-1/report.pdf?lang=fa");
  assert.equal(links.reportQr, "/progress/tok_en-1/qr.svg?to=report&lang=fa");
  assert.equal(links.progress, "/progress/tok_en-1");
  assert.equal(links.progressQr, "/progress/tok_en-1/qr.svg?to=progress&lang=fa");
});
