// The agenda as the organiser console and the projector read it (docs/agenda.md): which segment
// the day stands on, what the rooms are doing in it, the confirmed priorities and the drafts'
// progress. Pure functions of a state (a snapshot folded with state.js); no DOM, no strings.
import { AGENDA_PRESETS, ROUND_PHASES, ROOM_PHASES, GUIDING_FIELDS, GROUPS, WORKSHOP_PHASES } from "./rules.js";

// The `short` day: the day of before, whose four segments are exactly the four workshop phases.
const SHORT = AGENDA_PRESETS.short;
const ROUNDS = Object.keys(ROUND_PHASES);

/** The day's segments; a workshop without an agenda (an old snapshot) has the short day. */
export function agendaOf(ws) {
  return Array.isArray(ws && ws.agenda) && ws.agenda.length ? ws.agenda : SHORT;
}

export function segmentIndex(ws) {
  const n = Number(ws && ws.segment);
  return Number.isInteger(n) && n >= 0 ? n : Math.max(0, WORKSHOP_PHASES.indexOf(ws && ws.phase));
}

/** The kind of segment the day stands on. */
export function currentKind(ws) {
  const agenda = agendaOf(ws);
  return agenda[Math.min(segmentIndex(ws), agenda.length - 1)];
}

/** Is this the short day (or a workshop from before agendas)? It looks exactly as before. */
export function isShortDay(ws) {
  const agenda = agendaOf(ws);
  return agenda.length === SHORT.length && agenda.every((k, i) => k === SHORT[i]);
}

/** The latest round at or before the current segment (the rooms' shape now); `breakout` before any. */
export function roundKind(ws) {
  const agenda = agendaOf(ws);
  for (let i = Math.min(segmentIndex(ws), agenda.length - 1); i >= 0; i -= 1) if (ROUNDS.includes(agenda[i])) return agenda[i];
  return "breakout";
}

export const isRound = (kind) => ROUNDS.includes(kind);

/** The room phases of the current round. */
export function roundPhases(ws) {
  return ROUND_PHASES[roundKind(ws)] || ROOM_PHASES;
}

/** The first segment the organiser may still change: the one after the segment the day stands on
 *  (the server keeps every segment reached, the current one too: agenda_locked), or the first one
 *  before the day begins (its first segment, every room still in the lobby). */
export function firstEditable(ws, rooms = null) {
  const i = segmentIndex(ws);
  if (i === 0 && rooms && Object.values(rooms).every((r) => r.phase === "lobby")) return 0;
  return i + 1;
}

/** The agenda with segment `i` moved by `step` (-1 up, +1 down), within the editable part. */
export function moveSegment(agenda, i, step, from = 0) {
  const j = i + step;
  if (i < from || j < from || j >= agenda.length) return agenda.slice();
  const out = agenda.slice();
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

export function removeSegment(agenda, i, from = 0) {
  if (i < from || i >= agenda.length) return agenda.slice();
  return agenda.filter((_, k) => k !== i);
}

/** Add a segment just before `closing` (the day ends with it), else at the end. */
export function addSegment(agenda, kind) {
  const out = agenda.slice();
  const at = out.lastIndexOf("closing");
  out.splice(at < 0 ? out.length : at, 0, kind);
  return out;
}

export const sameAgenda = (a, b) => a.length === b.length && a.every((k, i) => k === b[i]);

const byIdList = (coll) => Object.values(coll || {});

/** The plenary board's items (merged ones inside their target), most dots first. */
export function boardItems(state) {
  return byIdList(state.plenary).filter((i) => i.merged_into == null)
    .sort((a, b) => ((b.votes || 0) - (a.votes || 0)) || ((b.room_votes || 0) - (a.room_votes || 0)) || a.id - b.id);
}

/** The confirmed priorities, in rank order. */
export function priorities(state) {
  return byIdList(state.plenary).filter((i) => i.priority != null && i.merged_into == null)
    .sort((a, b) => a.priority - b.priority || a.id - b.id);
}

/** The ids preselected as priorities once the dots close: the top `n` of the board. */
export function topIds(state, n) {
  return boardItems(state).slice(0, Math.max(0, n)).map((i) => i.id);
}

/** The ids ticked, ranked as the board ranks them (most dots first). */
export function rankedIds(state, picked) {
  const set = new Set(picked);
  return boardItems(state).filter((i) => set.has(i.id)).map((i) => i.id);
}

/** The drafts a solution room works on (plan entries with its room_id), in rank order. */
export function roomDrafts(state, roomId) {
  const rank = (e) => {
    const item = e.plenary_item_id != null ? (state.plenary || {})[String(e.plenary_item_id)] : null;
    return item && item.priority != null ? item.priority : 1000;
  };
  return byIdList(state.plan).filter((e) => e.room_id === roomId)
    .sort((a, b) => rank(a) - rank(b) || (a.position - b.position) || a.id - b.id);
}

/** The priority rank of a draft, or null. */
export function draftRank(state, entry) {
  const item = entry.plenary_item_id != null ? (state.plenary || {})[String(entry.plenary_item_id)] : null;
  return item && item.priority != null ? item.priority : null;
}

/** Which guiding questions a draft answers: [{field, answered}] in order. */
export function guidingProgress(entry) {
  const fields = (entry && entry.fields) || {};
  return GUIDING_FIELDS.map((field) => ({ field, answered: typeof fields[field] === "string" && fields[field].trim() !== "" }));
}

/** A sector's name in `lang`: its own name there, else `fallback(key)` (a catalogue's label of one of
 *  the four groups, or null), else its name in the first language it has, else its key. */
export function sectorText(sectors, key, lang, fallback = () => null) {
  const s = (sectors || []).find((x) => x.key === key);
  const names = (s && s.names) || {};
  return names[lang] || fallback(key) || Object.values(names)[0] || key;
}

/** Count people per sector, in the workshop's order of sectors (the four groups without sectors). */
export function sectorCounts(state, people) {
  const keys = (state.sectors && state.sectors.length ? state.sectors.map((s) => s.key) : GROUPS).slice();
  const counts = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const p of people) {
    if (!(p.group in counts)) keys.push(p.group);
    counts[p.group] = (counts[p.group] || 0) + 1;
  }
  return keys.map((key) => ({ key, count: counts[key] }));
}
