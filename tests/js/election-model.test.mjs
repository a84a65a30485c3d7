// The council election's screens, as data (web/js/election-model.js). Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  phoneSteps, nomineesFor, openTies, toggleChoice, ballotPayload, combinedResults, candidateLabels, ballotStep, pendingNominations,
  myConstituencies,
} from "../../web/js/election-model.js";

const SECTORS = [{ key: "faith", side: "community" }, { key: "youth", side: "community" }, { key: "law_enforcement", side: "law_enforcement" }];
const cand = (id, pid, constituency, name = null, group = constituency) => ({ id, participant_id: pid, name, group, constituency });
function election(id, { kind = "sectors", status = "nominating", seats = { faith: 1, youth: 2 }, candidates = [], results = null, round = 1, runoff_of = null, voted = {} } = {}) {
  return { id, kind, round, runoff_of, status, seats, candidates: Object.fromEntries(candidates.map((c) => [String(c.id), c])), voted, results };
}
function state(elections, me = {}, extra = {}) {
  return {
    workshop: { agenda: ["breakout", "council", "closing"], segment: 1, phase: "action_plan" },
    sectors: SECTORS,
    me: { role: "participant", participant_id: 1, group: "youth", elections_voted: [], nominations: {}, ...me },
    participants: {
      1: { id: 1, group: "youth", name: "Omid" }, 2: { id: 2, group: "youth", name: "Ana" },
      3: { id: 3, group: "youth", name: null }, 4: { id: 4, group: "faith", name: "Ruth" }, 5: { id: 5, group: "youth", name: "Bea" },
    },
    council: {},
    elections: Object.fromEntries(elections.map((e) => [String(e.id), e])),
    ...extra,
  };
}

test("a phone nominates only named people of its own sector, never itself or a candidate", () => {
  const e = election(1, { candidates: [cand(10, 5, "youth", "Bea")] });
  assert.deepEqual(nomineesFor(state([e]), e).map((p) => p.id), [2]);
  assert.deepEqual(nomineesFor(state([e]), e, new Set([2])).map((p) => p.id), []);
  // A sector with no seat: nobody to nominate, and no nominating card.
  const noSeat = election(1, { seats: { faith: 1 } });
  assert.deepEqual(nomineesFor(state([noSeat]), noSeat), []);
  assert.deepEqual(phoneSteps(state([noSeat]), []), []);
});

test("a phone nominates its sector's named people in other rooms (sector_people), by name", () => {
  const e = election(1);
  // Kira (7) and Noor (8) sit in other rooms: the phone knows them only from sector_people.
  const s = state([e], {}, { sector_people: { 1: { id: 1, name: "Omid" }, 2: { id: 2, name: "Ana" }, 7: { id: 7, name: "Kira" }, 8: { id: 8, name: "Noor" } } });
  assert.deepEqual(nomineesFor(s, e).map((p) => [p.id, p.name]), [[2, "Ana"], [5, "Bea"], [7, "Kira"], [8, "Noor"]]);
  assert.deepEqual(nomineesFor(s, e, new Set([7])).map((p) => p.id), [2, 5, 8]);
  const taken = election(1, { candidates: [cand(10, 8, "youth", "Noor")] });
  assert.deepEqual(nomineesFor({ ...s, elections: { 1: taken } }, taken).map((p) => p.id), [2, 5, 7]);
});

test("the phone's steps: a nomination to answer, nominating, the ballot, waiting, voted, results", () => {
  const nominating = election(1);
  const s = state([nominating], { nominations: { 11: { id: 11, election_id: 1, constituency: "youth" } } });
  assert.deepEqual(phoneSteps(s, []).map((x) => x.step), ["answer", "nominate"]);
  assert.equal(pendingNominations(s).length, 1);
  // Not in the council segment: nothing to nominate; an open ballot is still shown.
  const later = { ...s, workshop: { ...s.workshop, segment: 2, phase: "closed" } };
  assert.deepEqual(phoneSteps(later, []), []);
  const voting = election(1, { status: "voting", candidates: [cand(10, 5, "youth", "Bea")] });
  assert.deepEqual(phoneSteps({ ...later, elections: { 1: voting } }, []).map((x) => x.step), ["vote"]);
  const outbox = [{ command: "election_vote", payload: { election_id: 1, candidate_ids: [10] } }];
  assert.equal(ballotStep(state([voting]), voting, outbox), "waiting");
  assert.equal(ballotStep(state([voting], { elections_voted: [1] }), voting, outbox), "voted");
  assert.equal(ballotStep(state([voting]), voting, [], new Set([1])), "voted");
  assert.equal(ballotStep(state([voting], { group: "law_enforcement" }), voting, []), null);
  const closed = election(1, { status: "closed", results: { youth: { elected: [5], tied: [], open_seats: 0 } } });
  assert.deepEqual(phoneSteps(state([closed]), []).map((x) => x.step), ["results"]);
});

test("one seat: a choice moves; more seats: ticked up to the seats, never more", () => {
  const e = election(1, { status: "voting", seats: { youth: 1, faith: 1 }, candidates: [cand(10, 5, "youth"), cand(11, 2, "youth")] });
  assert.deepEqual(toggleChoice(e, [10], e.candidates[11]), [11]);
  assert.deepEqual(toggleChoice(e, [11], e.candidates[11]), []);
  const two = election(1, { status: "voting", seats: { youth: 2 }, candidates: [cand(10, 5, "youth"), cand(11, 2, "youth"), cand(12, 3, "youth")] });
  assert.deepEqual(toggleChoice(two, [10, 11], two.candidates[12]), [10, 11]);
  assert.deepEqual(toggleChoice(two, [10], two.candidates[12]), [10, 12]);
});

test("a ballot sends only its own sector's candidates, at most its seats, at least one", () => {
  const e = election(1, { status: "voting", seats: { youth: 1, faith: 1 }, candidates: [cand(10, 5, "youth"), cand(11, 2, "youth"), cand(12, 4, "faith")] });
  const s = state([e]);
  assert.deepEqual(ballotPayload(s, e, [10]), { election_id: 1, candidate_ids: [10] });
  assert.equal(ballotPayload(s, e, []), null);
  assert.equal(ballotPayload(s, e, [10, 11]), null);
  assert.equal(ballotPayload(s, e, [12]), null);
});

test("co-chairs: a member votes on both sides; a non-member has no vote", () => {
  const e = election(2, { kind: "co_chairs", status: "voting", seats: { law_enforcement: 1, community: 1 } });
  assert.deepEqual(myConstituencies(state([e]), e), []);
  const member = state([e], {}, { council: { 1: { participant_id: 1, group: "youth", role: "member", name: "Omid" } } });
  assert.deepEqual(myConstituencies(member, e), ["law_enforcement", "community"]);
});

test("results put a second ballot's decision together with the first's, in the sectors' order", () => {
  const first = election(1, { status: "closed", seats: { youth: 2, faith: 1 },
    results: { youth: { elected: [5], tied: [2, 3], open_seats: 1 }, faith: { elected: [4], tied: [], open_seats: 0 } } });
  let rows = combinedResults(state([first]), "sectors");
  assert.deepEqual(rows.map((r) => [r.constituency, r.status]), [["faith", "closed"], ["youth", "tied"]]);
  const second = election(2, { status: "voting", round: 2, runoff_of: 1, seats: { youth: 1 }, candidates: [cand(20, 2, "youth"), cand(21, 3, "youth")] });
  rows = combinedResults(state([first, second]), "sectors");
  assert.deepEqual(rows[1], { constituency: "youth", seats: 2, elected: [5], tied: [2, 3], open_seats: 1, status: "runoff" });
  const done = { ...second, status: "closed", results: { youth: { elected: [3], tied: [], open_seats: 0 } } };
  rows = combinedResults(state([first, done]), "sectors");
  assert.deepEqual(rows[1].elected, [5, 3]);
  assert.equal(rows[1].status, "closed");
  assert.equal(combinedResults(state([election(1)]), "sectors"), null);
});

test("a candidate with no name is called by their sector, numbered when there are several", () => {
  const e = election(1, { candidates: [cand(10, 5, "youth", "Bea"), cand(11, 3, "youth"), cand(12, 6, "youth"), cand(13, 4, "faith")] });
  const labels = candidateLabels(e, (group, n) => `a ${group} member${n ? ` ${n}` : ""}`);
  assert.deepEqual(labels[10], { text: "Bea", typed: true });
  assert.deepEqual(labels[11], { text: "a youth member 1", typed: false });
  assert.deepEqual(labels[12], { text: "a youth member 2", typed: false });
  assert.deepEqual(labels[13], { text: "a faith member", typed: false });
  // A label of the view's own (how to draw it) is kept whole, never a name the person typed.
  const draw = () => [];
  const own = candidateLabels(e, (group, n) => ({ text: `a ${group} member`, typed: true, n, draw }));
  assert.deepEqual(own[11], { text: "a youth member", typed: false, n: 1, draw });
  assert.deepEqual(own[10], { text: "Bea", typed: true });
});

test("a tie the organiser filled by appointment is no longer open", () => {
  const first = election(1, { status: "closed", seats: { youth: 1 }, results: { youth: { elected: [], tied: [2, 3], open_seats: 1 } } });
  assert.equal(openTies(state([first]), "sectors").length, 1);
  const appointed = state([first], {}, { council: { 3: { participant_id: 3, group: "youth", role: "member", name: null } } });
  assert.equal(openTies(appointed, "sectors").length, 0);
  const chairs = election(2, { kind: "co_chairs", status: "closed", seats: { community: 1 }, results: { community: { elected: [], tied: [2, 3], open_seats: 1 } } });
  const members = { 2: { participant_id: 2, group: "youth", role: "member" }, 3: { participant_id: 3, group: "youth", role: "member" } };
  assert.equal(openTies(state([chairs], {}, { council: members }), "co_chairs").length, 1);
  assert.equal(openTies(state([chairs], {}, { council: { ...members, 3: { ...members[3], role: "co_chair_community" } } }), "co_chairs").length, 0);
});

test("what asks something of the phone comes before results", () => {
  const sectors = election(1, { status: "closed", results: { youth: { elected: [1], tied: [], open_seats: 0 } } });
  const chairs = election(2, { kind: "co_chairs", status: "nominating", seats: { law_enforcement: 1, community: 1 } });
  const s = state([sectors, chairs], {}, { council: { 1: { participant_id: 1, group: "youth", role: "member", name: "Omid" } } });
  assert.deepEqual(phoneSteps(s, []).map((x) => [x.election.id, x.step]), [[2, "nominate"], [1, "results"]]);
});
