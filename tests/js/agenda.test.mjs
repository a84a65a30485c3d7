// The agenda as the organiser console and the projector read it (web/js/agenda.js; docs/agenda.md).
import { test } from "node:test";
import assert from "node:assert/strict";

import * as agenda from "../../web/js/agenda.js";

const SPCP = ["caucus", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"];
const ws = (segment, list = SPCP, phase = "breakouts") => Object.freeze({ agenda: list, segment, phase });

test("a workshop without an agenda is the short day, standing on its phase", () => {
  const old = { phase: "plenary" };
  assert.deepEqual(agenda.agendaOf(old), ["breakout", "prioritise", "action_plan", "closing"]);
  assert.equal(agenda.isShortDay(old), true);
  assert.equal(agenda.currentKind(old), "prioritise");
  assert.equal(agenda.isShortDay(ws(0)), false);
  assert.equal(agenda.isShortDay(ws(0, ["breakout", "prioritise", "action_plan", "closing"])), true);
});

test("the current segment and the round the rooms are in", () => {
  assert.equal(agenda.currentKind(ws(0)), "caucus");
  assert.equal(agenda.roundKind(ws(0)), "caucus");
  assert.equal(agenda.currentKind(ws(1)), "prioritise");
  assert.equal(agenda.roundKind(ws(1)), "caucus");     // the rooms are still the caucus rooms
  assert.equal(agenda.roundKind(ws(3)), "solution_round");
  assert.deepEqual([...agenda.roundPhases(ws(0))], ["lobby", "brainstorm", "reveal"]);
  assert.deepEqual([...agenda.roundPhases(ws(2))], ["lobby", "solutions", "report_out"]);
  assert.equal(agenda.roundPhases(ws(0, ["breakout", "closing"])).length, 6);
});

test("only the segments after the current one may change", () => {
  assert.equal(agenda.firstEditable(ws(0)), 1);
  assert.equal(agenda.firstEditable(ws(2)), 3);
  // Before the day begins (segment 0, every room in the lobby) the first segment may change too.
  const lobby = { 1: { phase: "lobby" }, 2: { phase: "lobby" } };
  assert.equal(agenda.firstEditable(ws(0), lobby), 0);
  assert.equal(agenda.firstEditable(ws(0), { ...lobby, 2: { phase: "brainstorm" } }), 1);
  assert.equal(agenda.firstEditable(ws(2), lobby), 3);
});

test("segments move, are removed and are added before closing, never into the part reached", () => {
  const list = SPCP;
  assert.deepEqual(agenda.moveSegment(list, 4, 1, 3), [...SPCP.slice(0, 4), "council", "action_plan", "closing"]);
  assert.deepEqual(agenda.moveSegment(list, 3, -1, 3), SPCP, "not above the first editable segment");
  assert.deepEqual(agenda.moveSegment(list, 6, 1, 0), SPCP, "not past the end");
  assert.deepEqual(agenda.removeSegment(list, 5, 3), SPCP.filter((k) => k !== "council"));
  assert.deepEqual(agenda.removeSegment(list, 1, 3), SPCP, "a segment reached stays");
  assert.deepEqual(agenda.addSegment(list, "breakout").slice(-2), ["breakout", "closing"]);
  assert.deepEqual(agenda.addSegment(["caucus"], "prioritise"), ["caucus", "prioritise"]);
  assert.equal(agenda.sameAgenda(SPCP, [...SPCP]), true);
  assert.equal(agenda.sameAgenda(SPCP, SPCP.slice(1)), false);
});

const state = Object.freeze({
  sectors: [{ key: "faith", names: { en: "Faith", fa: "دین" } }, { key: "youth", names: { en: "Youth" } },
    { key: "law_enforcement", names: { en: "Police" } }],
  plenary: {
    1: { id: 1, text: "a", votes: 3, room_votes: 1, merged_into: null, priority: null },
    2: { id: 2, text: "b", votes: 7, room_votes: 0, merged_into: null, priority: 1 },
    3: { id: 3, text: "c", votes: 5, room_votes: 4, merged_into: null, priority: 2 },
    4: { id: 4, text: "d", votes: 5, room_votes: 2, merged_into: null, priority: null },
    5: { id: 5, text: "e", votes: 9, room_votes: 2, merged_into: 2, priority: null },
  },
  plan: {
    10: { id: 10, position: 2, plenary_item_id: 3, room_id: 7, fields: { title: "c", problem: "p", causes: "  ", solution: "s" } },
    11: { id: 11, position: 1, plenary_item_id: 2, room_id: 7, fields: { title: "b" } },
    12: { id: 12, position: 3, plenary_item_id: null, room_id: 8, fields: { title: "x" } },
  },
});

test("the board is ranked by dots (then room dots); merged items are inside their target", () => {
  assert.deepEqual(agenda.boardItems(state).map((i) => i.id), [2, 3, 4, 1]);
  assert.deepEqual(agenda.topIds(state, 2), [2, 3]);
  assert.deepEqual(agenda.topIds(state, 0), []);
  assert.deepEqual(agenda.rankedIds(state, [1, 4, 2]), [2, 4, 1], "ticked items are ranked as the board ranks them");
});

test("the confirmed priorities in rank order, and each solution room's drafts", () => {
  assert.deepEqual(agenda.priorities(state).map((i) => i.id), [2, 3]);
  assert.deepEqual(agenda.roomDrafts(state, 7).map((e) => e.id), [11, 10]);
  assert.equal(agenda.draftRank(state, state.plan[10]), 2);
  assert.equal(agenda.draftRank(state, state.plan[12]), null);
});

test("a draft's progress: which guiding questions have an answer (blank is not one)", () => {
  const p = agenda.guidingProgress(state.plan[10]);
  assert.equal(p.length, 9);
  assert.deepEqual(p.filter((q) => q.answered).map((q) => q.field), ["problem", "solution"]);
  assert.equal(agenda.guidingProgress({ fields: {} }).some((q) => q.answered), false);
});

test("sectors are named in the reading language, else in the first language they have", () => {
  assert.equal(agenda.sectorText(state.sectors, "faith", "fa"), "دین");
  assert.equal(agenda.sectorText(state.sectors, "youth", "fa"), "Youth");
  assert.equal(agenda.sectorText(state.sectors, "gone", "en"), "gone");
  const people = [{ group: "youth" }, { group: "youth" }, { group: "faith" }, { group: "other" }];
  assert.deepEqual(agenda.sectorCounts(state, people),
    [{ key: "faith", count: 1 }, { key: "youth", count: 2 }, { key: "law_enforcement", count: 0 }, { key: "other", count: 1 }]);
});
