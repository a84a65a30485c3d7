// state = applyEvent(state, event): the JavaScript twin of server/domain/reducer.py.
//
// Every client keeps one state object (a snapshot, docs/protocol.md §7) and folds
// the events it receives into it with applyEvent. The rules below mirror the
// Python reducer rule for rule, in the same order; both are checked against the
// same recorded fixtures (tests/fixtures/events/*.json, tests/js/reducer.test.mjs),
// so they cannot drift apart. Change one, change the other.
//
// applyEvent is pure: it never mutates its input and returns a new state.

export const EVENT_TYPES = Object.freeze([
  "workshop_updated",
  "sectors_changed",
  "agenda_changed",
  "room_updated",
  "room_added",
  "room_removed",
  "participant_joined",
  "participant_moved",
  "room_changed",
  "barrier_posted",
  "barriers_revealed",
  "barrier_withdrawn",
  "barriers_merged",
  "merge_undone",
  "authorship",
  "tally",
  "tallies_shown",
  "vote_progress",
  "my_votes",
  "solution_posted",
  "solution_withdrawn",
  "post_hidden",
  "post_hidden_reason",
  "post_edited",
  "post_flagged",
  "merge_objected",
  "merge_objection_dismissed",
  "participant_removed",
  "author_names_cleared",
  "access_ended",
  "facilitator_link_changed",
  "link_renewed",
  "post_restored",
  "plenary_item_added",
  "plenary_item_withdrawn",
  "plenary_items_merged",
  "plenary_merge_undone",
  "priorities_set",
  "pulse_changed",
  "pulse_progress",
  "pulse_answered",
  "election_changed",
  "election_candidate",
  "election_nomination",
  "election_progress",
  "election_voted",
  "sector_people",
  "sector_person",
  "plan_entry_created",
  "plan_entry_updated",
  "plan_note_added",
  "meeting_changed",
  "council_link_changed",
  "council_volunteered",
  "council_role_set",
  "help_called",
  "help_cleared",
  "room_stats",
  "workshop_purged",
]);

const TALLY_COLLECTIONS = { barrier: "barriers", solution: "solutions", plenary: "plenary" };

function clone(value) {
  if (typeof structuredClone === "function") return structuredClone(value);
  return JSON.parse(JSON.stringify(value));
}

function key(kind, id) {
  return `${kind}:${id}`;
}

// Python's sorted() on strings compares code points; for the ASCII keys used here
// ("barrier:12") that is the same as JavaScript's default sort.
function sortedUnique(items) {
  return Array.from(new Set(items)).sort();
}

function has(obj, k) {
  return obj != null && Object.prototype.hasOwnProperty.call(obj, k);
}

/** Apply one event; events at or below the state's seq are ignored (the same state is returned). */
export function applyEvent(state, event) {
  if (event.seq <= state.seq) return state;
  const s = clone(state);
  apply(s, event.type, event.data);
  hideOpenTallies(s);
  s.seq = event.seq;
  return s;
}

const OPEN_PHASE = { barriers: "vote", solutions: "solutions" };

// Participants, the projector and council pages see no count of an open vote
// (server/domain/tallies.py) unless the workshop shows live tallies.
function hideOpenTallies(s) {
  if (!["participant", "display", "council"].includes(s.me.role) || s.workshop.live_tallies) return;
  for (const [coll, phase] of Object.entries(OPEN_PHASE)) {
    for (const item of Object.values(s[coll] || {})) {
      const room = (s.rooms || {})[String(item.room_id)];
      if (room !== undefined && room !== null && room.phase === phase) item.votes = null;
    }
  }
  if (plenaryVoteOpen(s.workshop)) {
    for (const item of Object.values(s.plenary || {})) item.votes = null;
  }
}

/** The prioritisation's dots are open (server/domain/agenda.py plenary_vote_open). */
export function plenaryVoteOpen(ws) {
  if (ws.agenda === undefined || ws.agenda === null) return ws.phase === "plenary"; // a state from before the agenda
  return ws.agenda[ws.segment] === "prioritise" && !ws.plenary_vote_closed;
}

/** Apply events in order. */
export function applyEvents(state, events) {
  let s = state;
  for (const ev of events) s = applyEvent(s, ev);
  return s;
}

// Is this room's board part of this viewer's state? A moved participant's socket stays
// in its old room's channel until its `sync` is answered, so room news can still
// arrive from the room it left.
function here(s, roomId) {
  return s.me.role === "organiser" || s.me.role === "display" || s.me.room_id === roomId;
}

// Set the field at the end of `path` wherever it exists; "*" is every entry of a map or list.
function setPath(node, path, value) {
  const [head, ...rest] = path;
  let children;
  if (head === "*") {
    children = node !== null && typeof node === "object" ? Object.values(node) : [];
  } else if (node !== null && typeof node === "object" && !Array.isArray(node) && has(node, head)) {
    if (!rest.length) {
      node[head] = value;
      return;
    }
    children = [node[head]];
  } else {
    return;
  }
  if (rest.length) for (const child of children) setPath(child, rest, value);
}

function apply(s, t, d) {
  const role = s.me.role;
  switch (t) {
    case "workshop_updated":
      Object.assign(s.workshop, d.workshop);
      break;
    case "sectors_changed":
      s.sectors = d.sectors;
      break;
    case "agenda_changed":
      s.workshop.agenda = d.agenda;
      break;
    case "priorities_set":
      for (const [id, item] of Object.entries(s.plenary)) item.priority = d.priorities[id] ?? null;
      break;
    case "pulse_changed":
      s.pulses[String(d.pulse.id)] = d.pulse;
      break;
    case "pulse_progress": {
      const pulse = s.pulses[String(d.pulse_id)];
      if (pulse !== undefined) pulse.answered = d.answered;
      break;
    }
    case "pulse_answered":
      s.me.pulses_answered = [...new Set([...(s.me.pulses_answered || []), d.pulse_id])].sort((a, b) => a - b);
      break;
    case "election_changed":
      s.elections[String(d.election.id)] = d.election;
      break;
    case "election_candidate": {
      const election = s.elections[String(d.election_id)];
      if (election !== undefined) election.candidates[String(d.candidate.id)] = d.candidate;
      break;
    }
    case "election_nomination":
      if (s.me.nominations === undefined) s.me.nominations = {};
      if (d.pending) s.me.nominations[String(d.nomination.id)] = d.nomination;
      else delete s.me.nominations[String(d.nomination.id)];
      break;
    case "election_progress": {
      const election = s.elections[String(d.election_id)];
      if (election !== undefined) election.voted = d.voted;
      break;
    }
    case "election_voted":
      s.me.elections_voted = [...new Set([...(s.me.elections_voted || []), d.election_id])].sort((a, b) => a - b);
      break;
    case "sector_people":
      s.sector_people = d.people;
      break;
    case "sector_person":
      if (s.sector_people === undefined) s.sector_people = {};
      if (d.person === null) delete s.sector_people[String(d.participant_id)];
      else s.sector_people[String(d.participant_id)] = d.person;
      break;
    case "room_updated":
      s.rooms[String(d.room.id)] = d.room;
      break;
    case "room_added": {
      const id = String(d.room.id);
      s.rooms[id] = d.room;
      if (has(s, "stats")) s.stats[id] = d.stats;
      if ((role === "organiser" || role === "display") && has(s, "vote_progress")) s.vote_progress[id] = d.vote_progress;
      break;
    }
    case "room_removed":
      for (const coll of ["rooms", "stats", "vote_progress", "help"]) {
        if (has(s, coll)) delete s[coll][String(d.room_id)];
      }
      break;
    case "participant_joined": {
      const p = d.participant;
      if (role === "organiser" || role === "display" || s.me.room_id === p.room_id) {
        s.participants[String(p.id)] = p;
      }
      break;
    }
    case "participant_moved": {
      const p = d.participant;
      if (role === "organiser" || role === "display" || s.me.room_id === p.room_id) {
        s.participants[String(p.id)] = p;
      } else {
        delete s.participants[String(p.id)];
      }
      break;
    }
    case "room_changed":
      s.me.room_id = d.room_id;
      s.participants = d.participants;
      s.barriers = d.barriers;
      s.solutions = d.solutions;
      s.vote_progress = d.vote_progress;
      if (has(s, "objections")) {
        // own objections belong to the room left behind
        s.objections = Object.fromEntries(Object.entries(s.objections).filter(([, o]) => o.room_id === d.room_id));
      }
      break;
    case "barrier_posted":
      if (here(s, d.barrier.room_id)) s.barriers[String(d.barrier.id)] = d.barrier;
      break;
    case "barriers_revealed":
      if (here(s, d.room_id)) {
        for (const b of d.barriers) s.barriers[String(b.id)] = b;
      }
      break;
    case "barrier_withdrawn":
      delete s.barriers[String(d.barrier_id)];
      // A withdrawn post is no longer "mine" (the snapshot lists live posts only).
      s.mine = s.mine.filter((k) => k !== key("barrier", d.barrier_id));
      if (has(s, "flags")) delete s.flags[key("barrier", d.barrier_id)];
      break;
    case "barriers_merged":
      if (here(s, d.shared.room_id)) {
        s.barriers[String(d.shared.id)] = d.shared;
        for (const b of d.members) s.barriers[String(b.id)] = b;
      }
      break;
    case "merge_undone":
      delete s.barriers[String(d.shared_id)];
      if (has(s, "flags")) delete s.flags[key("barrier", d.shared_id)];
      if (has(s, "objections")) {
        // an undone merge takes its objections with it
        s.objections = Object.fromEntries(Object.entries(s.objections).filter(([, o]) => o.shared_id !== d.shared_id));
      }
      for (const b of d.members) {
        if (here(s, b.room_id) && (has(s.barriers, String(b.id)) || !b.hidden)) s.barriers[String(b.id)] = b;
      }
      break;
    case "authorship":
      s.mine = sortedUnique([...s.mine, d.key]);
      break;
    case "tally": {
      const coll = TALLY_COLLECTIONS[d.target_type];
      if (coll === undefined) throw new Error(`unknown tally target_type ${JSON.stringify(d.target_type)}`);
      const item = s[coll][String(d.target_id)];
      if (item !== undefined && item !== null) item.votes = d.votes;
      break;
    }
    case "tallies_shown": {
      // A vote closed: its counts (an item not listed has none).
      const coll = TALLY_COLLECTIONS[d.target_type];
      for (const [id, item] of Object.entries(s[coll])) {
        if (d.target_type === "plenary" || item.room_id === d.room_id) item.votes = has(d.votes, id) ? d.votes[id] : 0;
      }
      break;
    }
    case "vote_progress": {
      const cell = (s.vote_progress || {})[String(d.room_id)];
      if (cell !== undefined && cell !== null) cell[d.target_type] = { voted: d.voted, spent: d.spent };
      break;
    }
    case "my_votes": {
      const remove = new Set(d.remove);
      s.my_votes = sortedUnique([...s.my_votes.filter((k) => !remove.has(k)), ...d.add]);
      break;
    }
    case "solution_posted":
      if (here(s, d.solution.room_id)) s.solutions[String(d.solution.id)] = d.solution;
      break;
    case "solution_withdrawn":
      delete s.solutions[String(d.solution_id)];
      s.mine = s.mine.filter((k) => k !== key("solution", d.solution_id));
      if (has(s, "flags")) delete s.flags[key("solution", d.solution_id)];
      break;
    case "post_hidden": {
      const coll = d.kind === "barrier" ? "barriers" : "solutions";
      const k = String(d.id);
      if (role === "participant" && !s.mine.includes(key(d.kind, d.id))) {
        delete s[coll][k];
      } else if (has(s[coll], k)) {
        Object.assign(s[coll][k], { hidden: true, votes: 0 });
      }
      break;
    }
    case "post_hidden_reason": {
      // Why a post was hidden: its author, the room's facilitators and organisers only.
      const item = s[d.kind === "barrier" ? "barriers" : "solutions"][String(d.id)];
      if (item != null) item.hidden_reason = d.reason;
      break;
    }
    case "post_edited": {
      const coll = d.kind === "barrier" ? "barriers" : "solutions";
      const item = s[coll][String(d.id)];
      if (item != null) Object.assign(item, { text: d.text, edited: d.edited });
      break;
    }
    case "post_flagged":
      // Second-look flags: facilitators and organisers only (they alone hear this event).
      if (has(s, "flags")) {
        if (d.flags.length) s.flags[key(d.kind, d.id)] = d.flags;
        else delete s.flags[key(d.kind, d.id)];
      }
      break;
    case "merge_objected":
      if (has(s, "objections")) s.objections[String(d.objection.id)] = d.objection;
      break;
    case "merge_objection_dismissed":
      for (const o of Object.values(s.objections || {})) {
        if (o.shared_id === d.shared_id && o.status === "open") o.status = "dismissed";
      }
      break;
    case "participant_removed":
      delete s.participants[String(d.participant_id)];
      // A removed person is no longer a volunteer the organisers can seat (snapshot: same).
      if (s.volunteers) delete s.volunteers[String(d.participant_id)];
      break;
    case "author_names_cleared":
      // A removed person's posts stay without their name (only posts that showed it are listed).
      for (const [coll, ids] of [["barriers", d.barrier_ids], ["solutions", d.solution_ids]]) {
        for (const id of ids) {
          const item = s[coll][String(id)];
          if (item != null) item.author_name = null;
        }
      }
      break;
    case "access_ended":
      // This screen's link no longer works (removed, or a revoked facilitator link).
      // `erased: true` when the workshop's personal data was erased (workshop_purge, expiry).
      s.me.ended = { ...d };
      break;
    case "facilitator_link_changed":
    case "link_renewed":
      break; // notices for the organiser's console; links are not part of the state
    case "post_restored": {
      const coll = d.kind === "barrier" ? "barriers" : "solutions";
      if (here(s, d.item.room_id)) s[coll][String(d.item.id)] = d.item;
      break;
    }
    case "plenary_item_added":
      s.plenary[String(d.item.id)] = d.item;
      break;
    case "plenary_item_withdrawn":
      delete s.plenary[String(d.item_id)];
      break;
    case "plenary_items_merged":
    case "plenary_merge_undone":
      for (const item of [d.item, ...d.members]) s.plenary[String(item.id)] = item;
      break;
    case "plan_entry_created":
      s.plan[String(d.entry.id)] = d.entry;
      break;
    case "plan_entry_updated": {
      const entry = s.plan[String(d.entry_id)];
      if (entry !== undefined && entry !== null) {
        entry.fields[d.field] = d.value;
        entry.versions[d.field] = d.version;
      }
      break;
    }
    case "plan_note_added": {
      const entry = s.plan[String(d.note.entry_id)];
      if (entry !== undefined && entry !== null) entry.notes.push(d.note);
      break;
    }
    case "meeting_changed":
      s.meetings[String(d.meeting.id)] = d.meeting;
      break;
    case "council_link_changed":
      if (role === "organiser") {
        if (d.active) s.council_links[String(d.participant_id)] = true;
        else delete s.council_links[String(d.participant_id)];
      }
      break;
    case "council_volunteered": {
      const v = d.volunteer;
      if (role === "organiser") {
        s.volunteers[String(v.participant_id)] = v;
      } else if (role === "participant" && s.me.participant_id === v.participant_id) {
        s.me.volunteer = v;
      }
      break;
    }
    case "council_role_set": {
      const pid = String(d.participant_id);
      if (d.member) s.council[pid] = d.member;
      else delete s.council[pid];
      if (role === "organiser" && has(s.volunteers || {}, pid)) s.volunteers[pid].role = d.role;
      if (role === "participant" && s.me.participant_id === d.participant_id && s.me.volunteer) {
        s.me.volunteer.role = d.role;
      }
      break;
    }
    case "help_called":
      s.help[String(d.help.room_id)] = d.help;
      break;
    case "help_cleared":
      delete s.help[String(d.room_id)];
      break;
    case "room_stats":
      s.stats[String(d.room_id)] = d;
      break;
    case "workshop_purged":
      // The event lists what the erasure changed (server/domain/purge.py); the content stays.
      for (const erased of d.erased) setPath(s, erased.path, erased.value);
      if (role === "organiser") s.privacy = { purged_at: d.purged_at };
      break;
    default:
      throw new Error(`unknown event type ${JSON.stringify(t)}`);
  }
}
