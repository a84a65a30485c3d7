// The one count of a room's barriers, the same everywhere (issue: the projector said 7, the
// facilitator 5): barriers visible after merging. A merged group counts once (its members are
// inside it), hidden and withdrawn posts not at all. The projector, which holds no barriers
// before the reveal, gets the same number from the server (room_stats, server/domain/snapshot.py);
// the export counts the same rows (server/reports/model.py).

/** The barriers of `roomId` that count, from a state's `barriers` collection. */
export function shownBarriers(barriers, roomId) {
  return Object.values(barriers || {}).filter((b) => b.room_id === roomId && b.merged_into == null && !b.hidden);
}
