// The council's work after the day (docs/council.md), shared by the progress page (progress.js,
// read-only) and a council member's page (council.js): meetings (upcoming and past, with their
// agenda, minutes and an .ics file), due dates with "overdue", and each action's history from the
// barrier and the room it came from to its status today.
//
// Who may change anything is the server's to say (server/domain/meetings.py): the organiser and
// the co-chairs schedule meetings, record minutes and set due dates; the pages only offer the
// forms to the co-chairs.
import { el, userText, draftInput } from "./dom.js";
import {
  t, run, fmtNumber, fmtDate, statusName, personLabel, groupName, currentLanguage, roomName,
} from "./console-common.js";
import { wholeNumberField } from "./number-field.js";
import { sectorText } from "./agenda.js";
import { isOverdue, splitMeetings } from "./council-after-model.js";
import { GROUPS, MIN_MEETING_MINUTES, MAX_MEETING_MINUTES, MAX_MEETING_PLACE_CHARS,
  MAX_MEETING_AGENDA_CHARS, MAX_MEETING_MINUTES_CHARS } from "./rules.js";

// The boxes opened by the reader (an action's history, the meeting form) stay open when the page
// draws again: the progress page re-reads every 30 s, the council page on every live event.
const opened = new Set();

// What the reader has typed and not yet saved (minutes, the meeting form) stays as typed when the page
// draws again (a live event, the 30-s re-read): by element id, as dom.draftInput keeps it.
const drafts = {};

function keptOpen(details) {
  if (opened.has(details.id)) details.open = true;
  details.addEventListener("toggle", () => { if (details.open) opened.add(details.id); else opened.delete(details.id); });
  return details;
}

function fmtDay(due) {
  // A date without a time: read at noon UTC so no time zone moves it to another day.
  return fmtDate(`${due}T12:00:00Z`);
}

function meetingWhen(m) {
  const lang = currentLanguage();
  let text;
  try {
    text = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short", timeZone: m.timezone })
      .format(new Date(m.starts_utc));
  } catch (_) {
    text = m.starts_at.replace("T", " ");
  }
  return el("span", {}, el("time", { datetime: m.starts_utc }, text), " ",
    el("span", { class: "hint meeting-tz", dir: "ltr" }, `(${m.timezone})`));
}

// -- due dates -------------------------------------------------------------------------

/** "Due 31 Jan 2027", and "Overdue" when it has passed; null without a due date. */
export function dueLine(entry) {
  const due = entry.fields.due || entry.due || "";
  if (!due) return null;
  const late = isOverdue(due, entry.fields.status);
  return el("p", { class: ["due-line", late && "is-overdue"] },
    el("span", { class: "field-label" }, t("council.after.due")), " ",
    el("time", { datetime: due }, fmtDay(due)),
    late ? el("span", { class: "badge badge-overdue" }, t("council.after.overdue")) : null);
}

/** The co-chair's (and organiser's) due-date control on an action. */
export function dueForm(entry, ctx, idPrefix) {
  const id = `${idPrefix}-${entry.id}-due`;
  // A date picked but not yet set survives a redraw (an event from elsewhere re-renders the page).
  const input = draftInput(drafts, id, { type: "date", class: "plan-input due-input", value: entry.fields.due || "" });
  const save = async (due) => {
    const version = (entry.versions && entry.versions.due) ?? 1;
    const ack = await run(ctx, "plan_due_set", { entry_id: entry.id, due, version }, t("council.after.dueSaved"));
    if (ack && ack.ok) delete drafts[id];
    ctx.refresh();
  };
  return el("form", { class: "due-form", onsubmit: (ev) => { ev.preventDefault(); save(input.value); } },
    el("label", { for: id, class: "field-label" }, t("council.after.dueLabel")),
    el("div", { class: "field-edit" }, input,
      el("button", { type: "submit", class: "btn btn-small", id: `${id}-save` }, t("council.after.dueSave")),
      entry.fields.due ? el("button", { type: "button", class: "btn btn-small", id: `${id}-clear`, onclick: () => save("") },
        t("council.after.dueClear")) : null));
}

// -- meetings --------------------------------------------------------------------------

function meetingCard(m, { icsHref, lead, ctx, idPrefix }) {
  const minutesId = `${idPrefix}-meeting-${m.id}-minutes`;
  let minutesForm = null;
  if (lead) {
    const area = draftInput(drafts, minutesId, { dir: "auto", rows: 3, class: "plan-input",
      maxlength: MAX_MEETING_MINUTES_CHARS, value: m.minutes || "" }, true);
    minutesForm = el("form", { class: "minutes-form", onsubmit: async (ev) => {
      ev.preventDefault();
      const ack = await run({ ...ctx, quietConflicts: true }, "meeting_minutes_set",
        { meeting_id: m.id, minutes: area.value.trim(), version: m.minutes_version }, t("meeting.minutesSaved"));
      if (ack.ok) delete drafts[minutesId];  // a conflict keeps what was typed, beside the toast
      if (!ack.ok && ack.error && ack.error.code === "conflict") ctx.toast.show(t("meeting.minutesConflict"), "error");
      ctx.refresh();
    } },
    el("label", { for: minutesId, class: "field-label" }, t("meeting.minutesLabel")),
    el("div", { class: "field-edit" }, area,
      el("button", { type: "submit", class: "btn btn-small btn-primary", id: `${minutesId}-save` }, t("meeting.minutesSave"))));
  }
  return el("li", { class: "meeting card", id: `${idPrefix}-meeting-${m.id}` },
    el("h4", { class: "meeting-when" }, meetingWhen(m)),
    m.place ? el("p", { class: "meeting-place" }, el("span", { class: "field-label" }, t("meeting.place")), " ",
      userText(m.place, "span")) : null,
    m.agenda ? el("div", { class: "plan-field" }, el("span", { class: "field-label" }, t("meeting.agenda")),
      userText(m.agenda, "p", "field-value")) : null,
    m.minutes ? el("div", { class: "plan-field meeting-minutes" }, el("span", { class: "field-label" }, t("meeting.minutes")),
      userText(m.minutes, "p", "field-value")) : null,
    minutesForm,
    // No link to offer (the organiser's console before it knows the progress link): no .ics button.
    icsHref(m) ? el("a", { class: "btn btn-small ics-link", href: icsHref(m), download: `meeting-${m.id}.ics`,
      id: `${idPrefix}-meeting-${m.id}-ics` }, t("meeting.ics")) : null);
}

function scheduleForm(ctx, idPrefix) {
  const id = (f) => `${idPrefix}-meeting-new-${f}`;
  let zone = "UTC";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (_) { /* UTC */ }
  const field = (f, label, input) => el("div", { class: "field" }, el("label", { for: id(f) }, label), input);
  const day = draftInput(drafts, id("date"), { type: "date", required: true, class: "plan-input" });
  const time = draftInput(drafts, id("time"), { type: "time", required: true, class: "plan-input" });
  const tz = draftInput(drafts, id("tz"), { type: "text", required: true, class: "plan-input", dir: "ltr",
    list: id("zones"), value: zone, autocomplete: "off" });
  let zones = [];
  try { zones = Intl.supportedValuesOf("timeZone"); } catch (_) { zones = [zone]; }
  const zoneList = el("datalist", { id: id("zones") }, zones.map((z) => el("option", { value: z })));
  // In the reader's digits, a Persian keyboard's ۹۰ taken, anything else refused with a line saying why.
  const length = wholeNumberField({ id: id("length"), min: MIN_MEETING_MINUTES, max: MAX_MEETING_MINUTES, step: 15, value: 60,
    drafts, cls: "plan-input", message: t("console.wholeNumberInvalid", { min: MIN_MEETING_MINUTES, max: MAX_MEETING_MINUTES }) });
  const place = draftInput(drafts, id("place"), { type: "text", dir: "auto", maxlength: MAX_MEETING_PLACE_CHARS,
    class: "plan-input" });
  const agendaText = draftInput(drafts, id("agenda"), { dir: "auto", rows: 3, maxlength: MAX_MEETING_AGENDA_CHARS,
    class: "plan-input" }, true);
  return keptOpen(el("details", { class: "card meeting-new", id: id("box") },
    el("summary", { id: id("open") }, t("meeting.schedule")),
    el("form", { class: "meeting-form", onsubmit: async (ev) => {
      ev.preventDefault();
      const minutes = length.read();
      if (minutes === null) { length.input.focus(); return; }
      const ack = await run(ctx, "meeting_schedule", {
        starts_at: `${day.value}T${time.value.slice(0, 5)}`, timezone: tz.value.trim(),
        duration_minutes: minutes, place: place.value.trim(), agenda: agendaText.value.trim(),
      }, t("meeting.scheduled"));
      if (ack.ok) {
        for (const n of [day, time, place, agendaText]) { n.value = ""; delete drafts[n.id]; }
        ctx.refresh();
      }
    } },
    el("div", { class: "meeting-form-grid" },
      field("date", t("meeting.date"), day), field("time", t("meeting.time"), time),
      field("tz", t("meeting.timezone"), tz), field("length", t("meeting.length"), [length.input, length.error])),
    zoneList,
    field("place", t("meeting.placeField"), place),
    field("agenda", t("meeting.agenda"), agendaText),
    el("button", { type: "submit", class: "btn btn-primary", id: id("submit") }, t("meeting.scheduleSubmit")))));
}

/**
 * The meetings section: upcoming and past, each with its .ics; `lead` adds the schedule form
 * and the minutes editors (the organiser and co-chairs only: the server refuses anyone else).
 */
export function meetingsSection(meetings, { icsHref, lead = false, ctx = null, idPrefix = "after" }) {
  const { upcoming, past } = splitMeetings(meetings);
  const opts = { icsHref, lead, ctx, idPrefix };
  const list = (items, key, title, none) => el("div", { class: "meeting-group" },
    el("h3", { id: `${idPrefix}-meetings-${key}-h` }, title),
    items.length ? el("ul", { class: "meeting-list", aria: { labelledby: `${idPrefix}-meetings-${key}-h` } },
      items.map((m) => meetingCard(m, opts)))
      : el("p", { class: "hint" }, none));
  return el("section", { class: "after-meetings", aria: { labelledby: `${idPrefix}-meetings-h` } },
    el("h2", { id: `${idPrefix}-meetings-h` }, t("meeting.title")),
    lead ? scheduleForm(ctx, idPrefix) : null,
    list(upcoming, "upcoming", t("meeting.upcoming"), t("meeting.upcomingNone")),
    past.length ? list(past, "past", t("meeting.past"), "") : null);
}

// -- each action's history -------------------------------------------------------------

function sectorName(sectors, key) {
  return GROUPS.includes(key) ? groupName(key) : sectorText(sectors, key, currentLanguage());
}

function roomLine(room) {
  const sectors = room.sectors || [];
  return el("span", {}, roomName(room),
    sectors.length ? [" (", sectors.map((s, i) => [i ? t("council.after.listSeparator") : "", sectorName(sectors, s.key)]), ")"] : null);
}

function originRows(o) {
  if (!o || !o.barrier) return [el("li", {}, t("council.after.fromPlan"))];
  return [
    el("li", {}, el("span", { class: "field-label" }, t("council.after.barrier")), " ", userText(o.barrier, "span")),
    o.room ? el("li", {}, el("span", { class: "field-label" }, t("council.after.room")), " ", roomLine(o.room),
      (o.merged_rooms || []).map((r) => [t("council.after.listSeparator"), roomLine(r)])) : null,
    el("li", {}, t("council.after.votes", { room: fmtNumber(o.room_votes || 0), dots: fmtNumber(o.dots || 0) })),
    o.solution_room ? el("li", {}, el("span", { class: "field-label" }, t("council.after.solutionRoom")), " ",
      userText(o.solution_room, "span")) : null,
  ];
}

function historyRow(h) {
  const when = el("time", { datetime: h.at }, fmtDate(h.at));
  let what;
  if (h.kind === "created") what = t("council.after.created");
  else if (h.kind === "status") what = t("council.after.statusTo", { status: statusName(h.value) });
  else if (h.kind === "due") what = h.value ? t("council.after.dueTo", { date: fmtDay(h.value) }) : t("council.after.dueRemoved");
  else what = [el("span", {}, t("council.after.note")), " ", personLabel(h.author), t("common.separator"), userText(h.value, "span", "note-text")];
  const who = { organiser: () => t("council.after.byOrganiser"), facilitator: () => t("council.after.byFacilitator"),
    council: () => t("council.after.byCouncil") }[h.by];
  const by = h.kind !== "note" && who ? el("span", { class: "hint" }, t("common.separator"), who()) : null;
  return el("li", { class: `history-${h.kind}` }, el("span", { class: "note-meta" }, when), " ", el("span", {}, what), by);
}

/** An expandable history: where the action came from, what happened since, where it stands today. */
export function historyDetails(entry, idPrefix = "progress") {
  const s = entry.fields.status || "proposed";
  return keptOpen(el("details", { class: "action-history", id: `${idPrefix}-${entry.id}-history` },
    el("summary", { id: `${idPrefix}-${entry.id}-history-open` }, t("council.after.history")),
    el("h4", {}, t("council.after.origin")),
    el("ul", { class: "history-origin" }, originRows(entry.origin)),
    el("h4", {}, t("council.after.since")),
    el("ol", { class: "history-list" }, (entry.history || []).map(historyRow)),
    el("p", { class: "history-today" }, t("council.after.today"), " ",
      // Not `status-chip`: the card's own chip is the one to find by that name.
      el("span", { class: `history-chip status-${s}` }, statusName(s)))));
}
