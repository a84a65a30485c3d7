// The JavaScript reducer on the agenda's events (docs/agenda.md), and the room view helpers
// (web/js/room-agenda.js) the phone and the facilitator read the segment from.
// Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import { applyEvent, applyEvents, EVENT_TYPES } from "../../web/js/state.js";
import {
  segmentKind, roundKind, namedSegment, roomPhases, postKind, promptText, questionText, sectorName, roomDrafts, allDrafts, rankedPriorities,
} from "../../web/js/room-agenda.js";

function base(role = "participant") {
  return {
    seq: 10,
    me: { role, room_id: 1, participant_id: 5 },
    workshop: { phase: "breakouts", agenda: ["caucus", "prioritise", "solution_round", "closing"], segment: 0,
      plenary_vote_closed: false, prompts: {}, live_tallies: false },
    sectors: [{ key: "faith", names: { en: "Faith", fa: "مذهبی" }, side: "community" },
      { key: "law_enforcement", names: {}, side: "law_enforcement" }],
    rooms: { 1: { id: 1, number: 1, name: "Room 1", phase: "lobby", sectors: ["faith"], revealed: false, deadline: null },
      2: { id: 2, number: 2, name: "Room 2", phase: "lobby", sectors: [], revealed: false, deadline: null } },
    participants: {}, barriers: {}, solutions: {}, vote_progress: {}, mine: [], my_votes: [],
    plenary: {
      7: { id: 7, room_id: 1, text: "No one answers calls", votes: null, priority: null },
      8: { id: 8, room_id: 2, text: "Fear of reprisal", votes: null, priority: null },
      9: { id: 9, room_id: 2, text: "Language", votes: null, priority: null },
    },
    plan: {},
  };
}

const ev = (seq, type, data) => ({ seq, type, data, at: "" });

test("the agenda's events are known to the reducer", () => {
  for (const t of ["agenda_changed", "priorities_set"]) assert.ok(EVENT_TYPES.includes(t), t);
});

test("agenda_changed replaces the workshop's agenda, nothing else", () => {
  const s = base();
  const next = applyEvent(s, ev(11, "agenda_changed", { agenda: ["caucus", "prioritise", "report_out", "closing"] }));
  assert.deepEqual(next.workshop.agenda, ["caucus", "prioritise", "report_out", "closing"]);
  assert.equal(next.workshop.segment, 0);
  assert.deepEqual(s.workshop.agenda, ["caucus", "prioritise", "solution_round", "closing"], "input untouched");
});

test("priorities_set ranks the listed items and clears every other item's rank", () => {
  let s = base();
  s = applyEvent(s, ev(11, "priorities_set", { priorities: { 8: 1, 7: 2 } }));
  assert.equal(s.plenary["8"].priority, 1);
  assert.equal(s.plenary["7"].priority, 2);
  assert.equal(s.plenary["9"].priority, null);
  s = applyEvent(s, ev(12, "priorities_set", { priorities: { 9: 1 } }));
  assert.deepEqual(Object.values(s.plenary).map((i) => [i.id, i.priority]), [[7, null], [8, null], [9, 1]]);
  assert.deepEqual(rankedPriorities(s).map((i) => i.id), [9]);
});

test("workshop_updated carries the segment, the closed dots and the prompts", () => {
  const s = applyEvent(base(), ev(11, "workshop_updated", { workshop: { phase: "plenary", segment: 1, plenary_vote_closed: true,
    prompts: { strength: { en: "What helps?" } } } }));
  assert.equal(s.workshop.segment, 1);
  assert.equal(s.workshop.plenary_vote_closed, true);
  assert.equal(segmentKind(s), "prioritise");
  assert.equal(promptText(s, "strength", "en", (k) => `[${k}]`), "What helps?");
  assert.equal(promptText(s, "strength", "fa", (k) => `[${k}]`), "[prompt.strength]", "another language: the catalogue's");
  assert.equal(promptText(s, "barrier", "en", (k) => `[${k}]`), "[prompt.barrier]");
});

test("room_updated brings a caucus room's sectors", () => {
  const room = { id: 2, number: 2, name: "Room 2", phase: "brainstorm", sectors: ["law_enforcement"], revealed: false, deadline: null };
  const s = applyEvent(base(), ev(11, "room_updated", { room }));
  assert.deepEqual(s.rooms["2"].sectors, ["law_enforcement"]);
  const label = (k) => (k === "law_enforcement" ? "Police (label)" : null);
  assert.deepEqual(sectorName(s, "law_enforcement", "en", label), { text: "Police (label)", typed: false });
  assert.deepEqual(sectorName(s, "faith", "fa", label), { text: "مذهبی", typed: true });
  assert.deepEqual(sectorName(s, "faith", "es", label), { text: "Faith", typed: true }, "no Spanish name: the first");
});

test("a strength is posted and revealed like a barrier, with its kind", () => {
  let s = base();
  s = applyEvent(s, ev(11, "barrier_posted", { barrier: { id: 3, room_id: 1, text: "Youth league", kind: "strength", merged_into: null } }));
  s = applyEvent(s, ev(12, "barrier_posted", { barrier: { id: 4, room_id: 1, text: "Stops", kind: "barrier", merged_into: null } }));
  s = applyEvent(s, ev(13, "barrier_posted", { barrier: { id: 5, room_id: 2, text: "Elsewhere", kind: "strength", merged_into: null } }));
  assert.deepEqual(Object.keys(s.barriers), ["3", "4"], "another room's post is not this phone's");
  assert.equal(postKind(s.barriers["3"]), "strength");
  assert.equal(postKind(s.barriers["4"]), "barrier");
  assert.equal(postKind({ text: "before kinds" }), "barrier");
});

test("plan entries gain room_id and the new fields; updates of the new fields land", () => {
  let s = base("facilitator");
  s = applyEvents(s, [
    ev(11, "priorities_set", { priorities: { 8: 1, 7: 2 } }),
    ev(12, "plan_entry_created", { entry: { id: 21, plenary_item_id: 7, room_id: 1, position: 1, notes: [],
      fields: { title: "No one answers calls", problem: "", causes: "", options: "" }, versions: { title: 1, problem: 1, causes: 1, options: 1 } } }),
    ev(13, "plan_entry_created", { entry: { id: 22, plenary_item_id: 8, room_id: 1, position: 2, notes: [],
      fields: { title: "Fear of reprisal", problem: "" }, versions: { title: 1, problem: 1 } } }),
    ev(14, "plan_entry_created", { entry: { id: 23, plenary_item_id: 9, room_id: 2, position: 3, notes: [],
      fields: { title: "Language" }, versions: { title: 1 } } }),
    ev(15, "plan_entry_updated", { entry_id: 21, field: "problem", value: "Calls go unanswered at night", version: 2 }),
  ]);
  assert.equal(s.plan["21"].room_id, 1);
  assert.equal(s.plan["21"].fields.problem, "Calls go unanswered at night");
  assert.equal(s.plan["21"].versions.problem, 2);
  assert.deepEqual(roomDrafts(s, 1).map((e) => e.id), [22, 21], "in the priorities' rank order");
  assert.deepEqual(roomDrafts(s, 2).map((e) => e.id), [23]);
  assert.deepEqual(allDrafts(s).map((e) => e.id), [22, 21, 23], "unranked last");
});

test("the segment's kind and its room phases", () => {
  const s = base();
  assert.equal(segmentKind(s), "caucus");
  assert.deepEqual([...roomPhases("caucus")], ["lobby", "brainstorm", "reveal"]);
  assert.deepEqual([...roomPhases("solution_round")], ["lobby", "solutions", "report_out"]);
  assert.deepEqual([...roomPhases("breakout")], ["lobby", "brainstorm", "reveal", "vote", "solutions", "report_out"]);
  assert.equal(segmentKind({ workshop: { ...s.workshop, segment: 2 } }), "solution_round");
  // A snapshot from before agendas: the short day, read from the phase.
  assert.equal(segmentKind({ workshop: { phase: "breakouts" } }), "breakout");
  assert.equal(segmentKind({ workshop: { phase: "plenary" } }), "prioritise");
});

test("a guiding question in the workshop's wording, else the catalogue's", () => {
  const s = base();
  s.workshop.prompts = { questions: { problem: { fa: "مشکل چیست؟" } } };
  assert.equal(questionText(s, "problem", "fa", (k) => k), "مشکل چیست؟");
  assert.equal(questionText(s, "problem", "en", (k) => k), "prompt.question.problem");
  assert.equal(questionText(s, "causes", "fa", (k) => k), "prompt.question.causes");
});

test("the rooms keep the shape of the latest round through the plenary segments", () => {
  const ws = { phase: "plenary", agenda: ["caucus", "prioritise", "solution_round", "report_out", "closing"], segment: 1 };
  assert.equal(segmentKind({ workshop: ws }), "prioritise");
  assert.equal(roundKind({ workshop: ws }), "caucus");
  assert.equal(roundKind({ workshop: { ...ws, segment: 3 } }), "solution_round");
  assert.equal(roundKind({ workshop: { phase: "plenary" } }), "breakout", "a day without an agenda");
});

test("the pages name the segment on an SPCP day, the phase on the short day", () => {
  assert.equal(namedSegment(base()), "caucus");
  const short = { workshop: { phase: "plenary", agenda: ["breakout", "prioritise", "action_plan", "closing"], segment: 1 } };
  assert.equal(namedSegment(short), null);
  assert.equal(namedSegment({ workshop: { phase: "plenary" } }), null, "a day without an agenda");
});
