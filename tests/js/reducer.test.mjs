// The keystone property for the JavaScript reducer: for every recorded fixture,
// applyEvents(before, events) deep-equals after (docs/protocol.md §6).
// Fixtures are shared with the Python reducer (server/domain/reducer.py).
// Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { applyEvent, applyEvents, EVENT_TYPES } from "../../web/js/state.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtureDir = join(here, "..", "fixtures", "events");
const files = readdirSync(fixtureDir).filter((f) => f.endsWith(".json")).sort();

test("there is at least one event fixture", () => {
  assert.ok(files.length > 0, `no fixtures in ${fixtureDir}`);
});

for (const file of files) {
  const fixture = JSON.parse(readFileSync(join(fixtureDir, file), "utf8"));
  test(`${file}: ${fixture.name} (${fixture.viewer})`, () => {
    const before = structuredClone(fixture.before);
    const after = applyEvents(fixture.before, fixture.events);
    assert.deepStrictEqual(after, fixture.after);
    assert.deepStrictEqual(fixture.before, before, "applyEvents must not mutate its input");
    for (const ev of fixture.events) assert.ok(EVENT_TYPES.includes(ev.type), `unknown type ${ev.type}`);
  });
}

test("events at or below state.seq are ignored", () => {
  const state = { seq: 5, me: { role: "display", room_id: null }, workshop: { title: "a" } };
  const ev = { seq: 5, type: "workshop_updated", data: { workshop: { title: "b" } }, at: "" };
  assert.equal(applyEvent(state, ev), state);
  const next = applyEvent(state, { ...ev, seq: 6 });
  assert.equal(next.workshop.title, "b");
  assert.equal(next.seq, 6);
  assert.equal(state.workshop.title, "a");
});

test("unknown event types are refused, like the Python reducer", () => {
  const state = { seq: 0, me: { role: "display", room_id: null } };
  assert.throws(() => applyEvent(state, { seq: 1, type: "no_such_event", data: {} }));
});
