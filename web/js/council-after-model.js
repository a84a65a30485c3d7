// The council's work after the day, without the DOM (web/js/council-after.js draws it;
// tests/js/council-after.test.mjs): overdue actions and the meetings split into upcoming and past.
import { PLAN_CLOSED_STATUSES } from "./rules.js";

/** Today in the reader's own calendar, YYYY-MM-DD (a due date is a day, not an instant). */
export function localToday(now = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Overdue: a due date before today, and the action neither done nor dropped. */
export function isOverdue(due, status, today = localToday()) {
  return Boolean(due) && due < today && !PLAN_CLOSED_STATUSES.includes(status || "proposed");
}

/** Upcoming (not yet ended) first, soonest first; then past ones, latest first. */
export function splitMeetings(meetings, now = Date.now()) {
  const list = [...(meetings || [])].sort((a, b) => a.starts_utc.localeCompare(b.starts_utc) || a.id - b.id);
  const end = (m) => Date.parse(m.starts_utc) + (m.duration_minutes || 60) * 60000;
  return { upcoming: list.filter((m) => end(m) >= now), past: list.filter((m) => end(m) < now).reverse() };
}

