// What a room looks like in the segment the day stands on (docs/agenda.md): the phone and the
// facilitator's console read the segment's kind, the room phases of its round, the prompts of a
// caucus and the guiding questions of a solution round from here. Pure functions of the state;
// the caller passes its own `t` (the phone and the consoles translate apart) and language.
import * as rules from "./rules.js";
import * as agenda from "./agenda.js";

export const ROUND_KINDS = Object.freeze(Object.keys(rules.ROUND_PHASES));

// The questions that guide a solution room's draft, in the order they are asked.
export const QUESTION_FIELDS = rules.GUIDING_FIELDS;

/** The kind of the segment the day stands on; a day without an agenda (an old snapshot) is the short day
 *  (agenda.js reads it for every page). */
export function segmentKind(state) {
  return agenda.currentKind((state && state.workshop) || {});
}

/** The kind of the latest round at or before the segment the day stands on: the rooms' shape now
 *  (server/domain/agenda.py round_kind); `breakout` before any round and for a day without an agenda. */
export function roundKind(state) {
  return agenda.roundKind((state && state.workshop) || {});
}

/** The room phases of a round segment (a segment that is no round keeps the breakout's list). */
export function roomPhases(kind) {
  return rules.ROUND_PHASES[kind] || rules.ROOM_PHASES;
}

/** The kind a barrier has (older posts have none: a barrier). */
export function postKind(b) {
  return b && b.kind === "strength" ? "strength" : "barrier";
}

/** The workshop's own wording of a caucus prompt ("strength" | "barrier") in `lang`, else the catalogue's. */
export function promptText(state, which, lang, t) {
  const own = ((((state && state.workshop) || {}).prompts || {})[which] || {})[lang];
  return own && String(own).trim() ? own : t(`prompt.${which}`);
}

/** The workshop's own wording of a guiding question in `lang`, else the catalogue's. */
export function questionText(state, field, lang, t) {
  const own = (((((state && state.workshop) || {}).prompts || {}).questions || {})[field] || {})[lang];
  return own && String(own).trim() ? own : t(`prompt.question.${field}`);
}

/**
 * A sector's name: its name in `lang`, else `fallback(key)` for one of the four groups
 * (a translated label), else its name in the workshop's first language, else its key.
 * Returns {text, typed}: typed text came from the organiser (show it as user text).
 */
export function sectorName(state, key, lang, fallback = () => null) {
  const sector = ((state && state.sectors) || []).find((s) => s.key === key);
  const names = (sector && sector.names) || {};
  if (names[lang]) return { text: names[lang], typed: true };
  const label = fallback(key);
  if (label) return { text: label, typed: false };
  const first = Object.values(names)[0];
  return first ? { text: first, typed: true } : { text: key, typed: true };
}

/** The drafts a solution room works on: plan entries dealt to the room, in rank order. */
export function roomDrafts(state, roomId) {
  return agenda.roomDrafts(state || {}, roomId);
}

/** Every draft dealt to a solution room, in rank order (the report-out). */
export function allDrafts(state) {
  return Object.values((state && state.plan) || {})
    .filter((e) => e.room_id != null)
    .sort((a, b) => draftRank(state, a) - draftRank(state, b) || a.position - b.position || a.id - b.id);
}

/** The rank of the priority a draft was made for (Infinity when it has none). */
export function draftRank(state, entry) {
  return agenda.draftRank(state || {}, entry) ?? Infinity;
}

/** The confirmed priorities, ranked. */
export function rankedPriorities(state) {
  return agenda.priorities(state || {});
}

// Segments the day of before did not have: where one is on the agenda, the pages name the
// segment the day stands on ("Caucus round") rather than the workshop's phase ("Breakout rooms").
const NEW_KINDS = ["caucus", "solution_round", "report_out", "council"];

/** The segment to name in a page's header, or null where the workshop's phase says it (the short day). */
export function namedSegment(state) {
  const agenda = (state && state.workshop && state.workshop.agenda) || [];
  return agenda.some((k) => NEW_KINDS.includes(k)) ? segmentKind(state) : null;
}
