// generated from server/domain/rules.py by `python -m server.webrules`; do not edit.
// The day's vocabulary: phases, sectors, limits. Shared by every layer.
// Tuples are frozen arrays; the comments are rules.py's own.

export const ROOM_PHASES = Object.freeze(["lobby", "brainstorm", "reveal", "vote", "solutions", "report_out"]);
export const WORKSHOP_PHASES = Object.freeze(["breakouts", "plenary", "action_plan", "closed"]);
// The agenda (docs/agenda.md): the kinds of segment a day is made of, the workshop phase each
// stands in, and the room phases of each kind of round.
export const SEGMENT_KINDS = Object.freeze(["breakout", "caucus", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"]);
export const SEGMENT_PHASE = Object.freeze({"breakout": "breakouts", "caucus": "breakouts", "prioritise": "plenary", "solution_round": "breakouts", "report_out": "plenary", "action_plan": "action_plan", "council": "action_plan", "closing": "closed"});
export const ROUND_PHASES = Object.freeze({"breakout": Object.freeze(["lobby", "brainstorm", "reveal", "vote", "solutions", "report_out"]), "caucus": Object.freeze(["lobby", "brainstorm", "reveal"]), "solution_round": Object.freeze(["lobby", "solutions", "report_out"])});
export const AGENDA_PRESETS = Object.freeze({"short": Object.freeze(["breakout", "prioritise", "action_plan", "closing"]), "spcp": Object.freeze(["caucus", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"])});
export const MIN_SEGMENTS = 2;
export const MAX_SEGMENTS = 12;
export const MAX_PRIORITIES = 12;
export const DEFAULT_PRIORITIES = 5;
// What a caucus room posts: what stands in the way of trust, and what is working.
export const BARRIER_KINDS = Object.freeze(["barrier", "strength"]);
export const MAX_PROMPT_CHARS = 300;
// The trust pulse (docs/pulse.md): when it is asked, and its default questions (1-5 scale; the
// wording is the catalogue's, pulse.question.<key>).
export const PULSE_LABELS = Object.freeze(["start", "end"]);
export const PULSE_QUESTIONS = Object.freeze(["trust", "heard", "together"]);
export const MAX_PULSE_QUESTIONS = 5;
// The council elected by its sectors (docs/council-election.md): the ballots, their steps, the
// seats per sector (default 1), and the two co-chair seats the members elect, one per side.
export const ELECTION_KINDS = Object.freeze(["sectors", "co_chairs"]);
export const ELECTION_STAGES = Object.freeze(["nominating", "voting", "closed"]);
export const DEFAULT_SECTOR_SEATS = 1;
export const MAX_SECTOR_SEATS = 5;
export const CO_CHAIR_SIDES = Object.freeze(["law_enforcement", "community"]);
export const MAX_BALLOT_CHOICES = 12;
// The sector keys of the `groups` preset, every workshop's sectors before sectors were named by
// the organiser (server/domain/sectors.py); the reports still use these keys.
export const GROUPS = Object.freeze(["law_enforcement", "community_member", "community_org", "government_other"]);
// Groups counted on the police side and on the community side when rooms are balanced.
export const POLICE_GROUPS = Object.freeze(["law_enforcement"]);
export const COMMUNITY_GROUPS = Object.freeze(["community_member", "community_org"]);
// A sector's side: the seating balances the three; agreement splits police (law_enforcement)
// from the community (every other sector), docs/agreement.md.
export const SECTOR_SIDES = Object.freeze(["law_enforcement", "community", "other"]);
export const SECTOR_PRESETS = Object.freeze(["groups", "spcp"]);
export const MIN_SECTORS = 2;
export const MAX_SECTORS = 12;
export const MAX_SECTOR_KEY_CHARS = 30;
export const MAX_SECTOR_NAME_CHARS = 60;

export const DEFAULT_LANGUAGES = Object.freeze(["en", "es", "fa"]);
export const KNOWN_LANGUAGES = Object.freeze(["en", "es", "fa", "ar", "fr", "zh", "vi", "ko", "ru", "so", "ht", "pt", "tl", "ur"]);

export const MAX_BARRIER_CHARS = 280;
export const MAX_SOLUTION_CHARS = 400;
export const MAX_NAME_CHARS = 60;
export const MAX_REASON_CHARS = 300;
export const MAX_MESSAGE_CHARS = 500;
export const MAX_PLAN_FIELD_CHARS = 2000;
export const MAX_CONTACT_CHARS = 200;
export const MAX_TITLE_CHARS = 200;
export const MAX_ROOMS = 50;
export const MAX_VOTE_BUDGET = 20;
export const MAX_TIMER_SECS = 14400;
export const MAX_MERGE_MEMBERS = 20;

export const PLAN_FIELDS = Object.freeze(["title", "problem", "causes", "options", "solution", "actions", "owner", "timeline", "resources", "success_measure", "status", "council_lead", "co_lead_law_enforcement", "co_lead_community"]);
export const PLAN_STATUSES = Object.freeze(["proposed", "agreed", "in_progress", "done", "dropped"]);
// The guiding questions of a solution room, in the order it answers them (docs/agenda.md); the
// fields a draft gained with them read as empty in entries made before.
export const GUIDING_FIELDS = Object.freeze(["problem", "causes", "options", "solution", "actions", "owner", "timeline", "resources", "success_measure"]);
export const NEW_PLAN_FIELDS = Object.freeze(["problem", "causes", "options"]);
// An action's two co-leads: council members' participant ids (as text, "" for none), one per side.
export const CO_LEAD_FIELDS = Object.freeze(["co_lead_law_enforcement", "co_lead_community"]);
// Council roles: one co-chair from law enforcement, one from the community, and members.
export const CO_CHAIR_ROLES = Object.freeze(["co_chair_law_enforcement", "co_chair_community"]);
export const COUNCIL_ROLES = Object.freeze(["co_chair_law_enforcement", "co_chair_community", "member"]);
export const LEGACY_COUNCIL_ROLES = Object.freeze(["co_chair"]);  // before the two co-chairs (archives may hold it)
// What a council member's own link may change after the day (server/domain/council.py).
export const COUNCIL_EDITABLE_FIELDS = Object.freeze(["status"]);
// Phases in which a council member's link may change the plan (once the plan exists, and after the day),
// and in which dated notes are added to it.
export const COUNCIL_PHASES = Object.freeze(["action_plan", "closed"]);
export const NOTE_PHASES = Object.freeze(["action_plan", "closed"]);
export const MAX_NOTE_CHARS = 1000;
// The council's meetings after the day and an action's due date (server/domain/meetings.py).
export const MAX_MEETING_PLACE_CHARS = 200;
export const MAX_MEETING_AGENDA_CHARS = 2000;
export const MAX_MEETING_MINUTES_CHARS = 10000;
export const MIN_MEETING_MINUTES = 15;  // how long a meeting lasts
export const MAX_MEETING_MINUTES = 720;
// An action is overdue when its due date has passed and its status is not one of these.
export const PLAN_CLOSED_STATUSES = Object.freeze(["done", "dropped"]);

// Phases in which each room command is allowed.
export const BARRIER_POST_PHASES = Object.freeze(["brainstorm", "reveal"]);
export const BARRIER_WITHDRAW_PHASES = Object.freeze(["brainstorm", "reveal"]);
export const MERGE_PHASES = Object.freeze(["reveal", "vote"]);
export const BARRIER_VOTE_PHASES = Object.freeze(["vote"]);
export const SOLUTION_PHASES = Object.freeze(["solutions"]);
export const REPORT_PHASES = Object.freeze(["report_out"]);

// A client further behind than this gets a snapshot instead of events.
export const RESUME_MAX_EVENTS = 500;
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;
