// The council election's screens as data (docs/council-election.md): which ballot a phone is at,
// whom it may nominate, what a ballot may send, and the results of a ballot and its second
// ballots put together. No DOM here (tests/js/election-model.test.mjs); web/js/election-view.js
// draws it. Counts per candidate do not exist in any view: only who is elected and who is tied.

import * as agenda from "./agenda.js";

const byId = (a, b) => a.id - b.id;

/** Every election, oldest first (a second ballot comes after the ballot it follows). */
export function electionList(state) {
  return Object.values((state && state.elections) || {}).sort(byId);
}

/** The ballots of one kind: the first and its second ballots, oldest first. */
export function chainOf(state, kind) {
  return electionList(state).filter((e) => e.kind === kind);
}

/** The newest ballot of a kind, or null. */
export function latest(state, kind) {
  const chain = chainOf(state, kind);
  return chain.length ? chain[chain.length - 1] : null;
}

export function inCouncilSegment(state) {
  return agenda.currentKind((state && state.workshop) || {}) === "council";
}

/** A sector's co-chair side: law enforcement's, or the community's (every other sector). */
export function sideOf(state, group) {
  const sector = ((state && state.sectors) || []).find((s) => s.key === group);
  const side = sector ? sector.side : group === "law_enforcement" ? "law_enforcement" : "community";
  return side === "law_enforcement" ? "law_enforcement" : "community";
}

export function isMember(state, participantId) {
  return participantId != null && Boolean(((state && state.council) || {})[String(participantId)]);
}

/** The constituencies this phone votes in, in a ballot (none: []). Sectors: one's own sector if
 *  it has a seat; co-chairs: every side with a seat, for a council member. */
export function myConstituencies(state, election) {
  const me = (state && state.me) || {};
  const seats = election.seats || {};
  if (election.kind === "sectors") return me.group && seats[me.group] ? [me.group] : [];
  if (!isMember(state, me.participant_id)) return [];
  return ["law_enforcement", "community"].filter((s) => seats[s]);
}

/** The candidates of one constituency, in the order they came forward. */
export function candidatesOf(election, constituency) {
  return Object.values(election.candidates || {}).filter((c) => c.constituency === constituency).sort(byId);
}

/** This phone's candidacy in a ballot, or null. */
export function myCandidacy(state, election) {
  const pid = state && state.me && state.me.participant_id;
  return Object.values(election.candidates || {}).find((c) => c.participant_id === pid) || null;
}

/** The people this phone may nominate, by name: sectors, the named people of one's own sector,
 *  whatever their room (`state.sector_people`, sent while nominations are open; the phone's own
 *  room's people too, should a snapshot predate it); co-chairs, the council's members of a side
 *  with a seat. Not oneself (one stands instead), not a candidate already, not one nominated from here. */
export function nomineesFor(state, election, asked = new Set()) {
  const me = (state && state.me) || {};
  const taken = new Set(Object.values(election.candidates || {}).map((c) => c.participant_id));
  const free = (pid) => pid !== me.participant_id && !taken.has(pid) && !asked.has(pid);
  const named = (a, b) => String(a.name).localeCompare(String(b.name)) || a.id - b.id;
  if (election.kind === "sectors") {
    if (!me.group || !(election.seats || {})[me.group]) return [];
    const people = {};
    for (const p of Object.values(state.participants || {})) if (p.group === me.group && p.name) people[p.id] = p.name;
    for (const p of Object.values(state.sector_people || {})) if (p.name) people[p.id] = p.name;
    return Object.entries(people).map(([id, name]) => ({ id: Number(id), name, group: me.group }))
      .filter((p) => free(p.id)).sort(named);
  }
  if (!isMember(state, me.participant_id)) return [];
  return Object.values(state.council || {})
    .filter((m) => free(m.participant_id) && (election.seats || {})[sideOf(state, m.group)])
    .map((m) => ({ id: m.participant_id, name: m.name, group: m.group })).sort((a, b) =>
      (a.name ? 0 : 1) - (b.name ? 0 : 1) || String(a.name || "").localeCompare(String(b.name || "")) || a.id - b.id);
}

/** A nomination waiting for this phone's answer, of an election still taking nominations. */
export function pendingNominations(state) {
  const elections = (state && state.elections) || {};
  return Object.values((state && state.me && state.me.nominations) || {})
    .filter((n) => elections[String(n.election_id)] && elections[String(n.election_id)].status === "nominating")
    .sort(byId);
}

/** A vote for this ballot still in the outbox (tapped offline), or null. */
export function waitingVote(outbox, electionId) {
  return (outbox || []).find((i) => i.command === "election_vote" && i.payload && i.payload.election_id === electionId) || null;
}

/**
 * Where this phone is in a ballot that is open: "vote" (its ballot), "waiting" (voted here, in the
 * outbox), "voted" (the server says so, or refused a second vote), or null (no vote in it).
 */
export function ballotStep(state, election, outbox, known = new Set()) {
  if (!election || election.status !== "voting" || !myConstituencies(state, election).length) return null;
  const voted = ((state.me && state.me.elections_voted) || []).includes(election.id) || known.has(election.id);
  if (voted) return "voted";
  if (waitingVote(outbox, election.id)) return "waiting";
  return "vote";
}

/** A choice tapped on the ballot: with one seat the choice moves (as a radio button does); with
 *  more, it is ticked or unticked, never more than the seats. Returns the new list of ids. */
export function toggleChoice(election, chosen, candidate) {
  const seats = (election.seats || {})[candidate.constituency] || 0;
  const same = (chosen || []).filter((id) => {
    const c = (election.candidates || {})[String(id)];
    return c && c.constituency === candidate.constituency;
  });
  const others = (chosen || []).filter((id) => !same.includes(id));
  if (same.includes(candidate.id)) return [...others, ...same.filter((id) => id !== candidate.id)];
  if (seats === 1) return [...others, candidate.id];
  if (same.length >= seats) return chosen.slice();
  return [...others, ...same, candidate.id];
}

/** The payload of election_vote, or null: at least one candidate, each of this phone's ballot,
 *  at most each constituency's seats. */
export function ballotPayload(state, election, chosen) {
  const mine = new Set(myConstituencies(state, election));
  const ids = [...new Set(chosen || [])];
  if (!ids.length) return null;
  const per = {};
  for (const id of ids) {
    const c = (election.candidates || {})[String(id)];
    if (!c || !mine.has(c.constituency)) return null;
    per[c.constituency] = (per[c.constituency] || 0) + 1;
    if (per[c.constituency] > election.seats[c.constituency]) return null;
  }
  return { election_id: election.id, candidate_ids: ids.sort((a, b) => a - b) };
}

/**
 * The results of a kind's ballots put together, per constituency of the first ballot, in its
 * order: {constituency, seats, elected: [participant ids], tied: [ids], open_seats, status}.
 * `status`: "closed" (decided, or tied with no second ballot yet), "runoff" (a second ballot is
 * open for it), "tied" (tied still, after the last ballot). Null until the first ballot closes.
 */
export function combinedResults(state, kind) {
  const chain = chainOf(state, kind);
  const first = chain[0];
  if (!first || !first.results) return null;
  const order = sectorOrder(state, Object.keys(first.seats || {}), kind);
  return order.map((constituency) => {
    const row = { constituency, seats: first.seats[constituency], elected: [], tied: [], open_seats: 0, status: "closed" };
    for (const e of chain) {
      if (!(constituency in (e.seats || {}))) continue;
      if (!e.results) { row.status = "runoff"; row.tied = candidatesOf(e, constituency).map((c) => c.participant_id); continue; }
      const r = e.results[constituency] || { elected: [], tied: [], open_seats: 0 };
      row.elected = [...row.elected, ...r.elected];
      row.tied = r.tied;
      row.open_seats = r.open_seats;
      row.status = r.tied.length ? "tied" : "closed";
    }
    return row;
  });
}

/** A tied seat the organiser has filled by hand (council_role_set) is no longer open: a sector's
 *  tie once as many of the tied sit on the council as seats were open; a co-chair's once the seat
 *  has a holder. */
export function tieSettled(state, kind, row) {
  const council = (state && state.council) || {};
  if (kind === "co_chairs") return Object.values(council).some((m) => m.role === `co_chair_${row.constituency}`);
  return row.tied.filter((pid) => council[String(pid)]).length >= row.open_seats;
}

/** The rows of combinedResults still tied: neither a second ballot nor an appointment decided them. */
export function openTies(state, kind) {
  return (combinedResults(state, kind) || []).filter((r) => r.status === "tied" && !tieSettled(state, kind, r));
}

/** Constituency keys in the workshop's sector order (co-chairs: law enforcement first). */
export function sectorOrder(state, keys, kind = "sectors") {
  if (kind === "co_chairs") return ["law_enforcement", "community"].filter((k) => keys.includes(k));
  const order = ((state && state.sectors) || []).map((s) => s.key);
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  return keys.slice().sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Everyone who ever stood in a kind's ballots, by participant id (names for the results). */
export function peopleOf(state, kind) {
  const out = {};
  for (const e of chainOf(state, kind)) for (const c of Object.values(e.candidates || {})) out[c.participant_id] = c;
  return out;
}

/**
 * How to call each candidate of a ballot: their name as they chose to show it, else a label for
 * their sector ("a Youth member"), numbered when a constituency has several such: unnamed(group, n)
 * gives its text, or a label of the caller's own ({text, …}: the view's adds how to draw it), kept whole.
 * Returns {candidate id: {text, typed}} (`typed`: a name the person typed).
 */
export function candidateLabels(election, unnamed) {
  const out = {};
  const count = {};
  const seen = {};
  const all = Object.values(election.candidates || {}).sort(byId);
  for (const c of all) if (!c.name) count[c.constituency] = (count[c.constituency] || 0) + 1;
  for (const c of all) {
    if (c.name) { out[c.id] = { text: c.name, typed: true }; continue; }
    seen[c.constituency] = (seen[c.constituency] || 0) + 1;
    const label = unnamed(c.group, count[c.constituency] > 1 ? seen[c.constituency] : null);
    out[c.id] = typeof label === "string" ? { text: label, typed: false } : { ...label, typed: false };
  }
  return out;
}

/** How many of a sector the organiser's state knows (its participants), for "3 of 5 voted". */
export function electorateSize(state, election, constituency) {
  if (election.kind === "co_chairs") return Object.keys(state.council || {}).length;
  return Object.values(state.participants || {}).filter((p) => p.group === constituency).length;
}

/**
 * What the phone shows of the elections in the council segment (or a ballot open at any time):
 * a list of {election, step} where step is "answer" (a nomination to answer: `nomination` set),
 * "nominate", "vote", "waiting", "voted" or "results". Empty: nothing to show.
 */
export function phoneSteps(state, outbox, known = new Set()) {
  const steps = [];
  const council = inCouncilSegment(state);
  for (const n of pendingNominations(state)) {
    if (council) steps.push({ election: state.elections[String(n.election_id)], step: "answer", nomination: n });
  }
  for (const kind of ["sectors", "co_chairs"]) {
    const e = latest(state, kind);
    if (!e) continue;
    if (e.status === "nominating" && council) {
      if (myConstituencies(state, e).length || myCandidacy(state, e)) steps.push({ election: e, step: "nominate" });
    } else if (e.status === "voting") {
      const step = ballotStep(state, e, outbox, known);
      if (step) steps.push({ election: e, step });
      else if (council) steps.push({ election: e, step: "no_vote" });
    } else if (e.status === "closed" && council) {
      steps.push({ election: e, step: "results" });
    }
  }
  // What asks something of this person first; results and "no vote here" after.
  const later = (x) => (x.step === "results" || x.step === "no_vote" ? 1 : 0);
  return steps.map((x, i) => [x, i]).sort((a, b) => later(a[0]) - later(b[0]) || a[1] - b[1]).map(([x]) => x);
}
