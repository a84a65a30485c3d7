"""The day's vocabulary: phases, sectors, limits. Shared by every layer."""
from __future__ import annotations

ROOM_PHASES = ("lobby", "brainstorm", "reveal", "vote", "solutions", "report_out")
WORKSHOP_PHASES = ("breakouts", "plenary", "action_plan", "closed")
# The agenda (docs/agenda.md): the kinds of segment a day is made of, the workshop phase each
# stands in, and the room phases of each kind of round.
SEGMENT_KINDS = ("breakout", "caucus", "prioritise", "solution_round", "report_out", "action_plan", "council",
                 "closing")
SEGMENT_PHASE = {"breakout": "breakouts", "caucus": "breakouts", "prioritise": "plenary",
                 "solution_round": "breakouts", "report_out": "plenary", "action_plan": "action_plan",
                 "council": "action_plan", "closing": "closed"}
ROUND_PHASES = {"breakout": ROOM_PHASES, "caucus": ("lobby", "brainstorm", "reveal"),
                "solution_round": ("lobby", "solutions", "report_out")}
AGENDA_PRESETS = {"short": ("breakout", "prioritise", "action_plan", "closing"),
                  "spcp": ("caucus", "prioritise", "solution_round", "report_out", "action_plan", "council",
                           "closing")}
MIN_SEGMENTS = 2
MAX_SEGMENTS = 12
MAX_PRIORITIES = 12
DEFAULT_PRIORITIES = 5
# What a caucus room posts: what stands in the way of trust, and what is working.
BARRIER_KINDS = ("barrier", "strength")
MAX_PROMPT_CHARS = 300
# The trust pulse (docs/pulse.md): when it is asked, and its default questions (1-5 scale; the
# wording is the catalogue's, pulse.question.<key>).
PULSE_LABELS = ("start", "end")
PULSE_QUESTIONS = ("trust", "heard", "together")
MAX_PULSE_QUESTIONS = 5
# The council elected by its sectors (docs/council-election.md): the ballots, their steps, the
# seats per sector (default 1), and the two co-chair seats the members elect, one per side.
ELECTION_KINDS = ("sectors", "co_chairs")
ELECTION_STAGES = ("nominating", "voting", "closed")
DEFAULT_SECTOR_SEATS = 1
MAX_SECTOR_SEATS = 5
CO_CHAIR_SIDES = ("law_enforcement", "community")
MAX_BALLOT_CHOICES = 12
# The sector keys of the `groups` preset, every workshop's sectors before sectors were named by
# the organiser (server/domain/sectors.py); the reports still use these keys.
GROUPS = ("law_enforcement", "community_member", "community_org", "government_other")
# Groups counted on the police side and on the community side when rooms are balanced.
POLICE_GROUPS = ("law_enforcement",)
COMMUNITY_GROUPS = ("community_member", "community_org")
# A sector's side: the seating balances the three; agreement splits police (law_enforcement)
# from the community (every other sector), docs/agreement.md.
SECTOR_SIDES = ("law_enforcement", "community", "other")
SECTOR_PRESETS = ("groups", "spcp")
MIN_SECTORS = 2
MAX_SECTORS = 12
MAX_SECTOR_KEY_CHARS = 30
MAX_SECTOR_NAME_CHARS = 60

DEFAULT_LANGUAGES = ("en", "es", "fa")
KNOWN_LANGUAGES = ("en", "es", "fa", "ar", "fr", "zh", "vi", "ko", "ru", "so", "ht", "pt", "tl", "ur")

MAX_BARRIER_CHARS = 280
MAX_SOLUTION_CHARS = 400
MAX_NAME_CHARS = 60
MAX_REASON_CHARS = 300
MAX_MESSAGE_CHARS = 500
MAX_PLAN_FIELD_CHARS = 2000
MAX_CONTACT_CHARS = 200
MAX_TITLE_CHARS = 200
MAX_ROOMS = 50
MAX_VOTE_BUDGET = 20
MAX_TIMER_SECS = 4 * 3600
MAX_MERGE_MEMBERS = 20

PLAN_FIELDS = ("title", "problem", "causes", "options", "solution", "actions", "owner", "timeline", "resources", "success_measure", "status", "council_lead",
               "co_lead_law_enforcement", "co_lead_community")
PLAN_STATUSES = ("proposed", "agreed", "in_progress", "done", "dropped")
# The guiding questions of a solution room, in the order it answers them (docs/agenda.md); the
# fields a draft gained with them read as empty in entries made before.
GUIDING_FIELDS = ("problem", "causes", "options", "solution", "actions", "owner", "timeline", "resources",
                  "success_measure")
NEW_PLAN_FIELDS = ("problem", "causes", "options")
# An action's two co-leads: council members' participant ids (as text, "" for none), one per side.
CO_LEAD_FIELDS = ("co_lead_law_enforcement", "co_lead_community")
# Council roles: one co-chair from law enforcement, one from the community, and members.
CO_CHAIR_ROLES = ("co_chair_law_enforcement", "co_chair_community")
COUNCIL_ROLES = (*CO_CHAIR_ROLES, "member")
LEGACY_COUNCIL_ROLES = ("co_chair",)  # before the two co-chairs (archives may hold it)
# What a council member's own link may change after the day (server/domain/council.py).
COUNCIL_EDITABLE_FIELDS = ("status",)
# Phases in which a council member's link may change the plan (once the plan exists, and after the day),
# and in which dated notes are added to it.
COUNCIL_PHASES = ("action_plan", "closed")
NOTE_PHASES = ("action_plan", "closed")
MAX_NOTE_CHARS = 1000
# The council's meetings after the day and an action's due date (server/domain/meetings.py).
MAX_MEETING_PLACE_CHARS = 200
MAX_MEETING_AGENDA_CHARS = 2000
MAX_MEETING_MINUTES_CHARS = 10000
MIN_MEETING_MINUTES = 15  # how long a meeting lasts
MAX_MEETING_MINUTES = 720
# An action is overdue when its due date has passed and its status is not one of these.
PLAN_CLOSED_STATUSES = ("done", "dropped")

# Phases in which each room command is allowed.
BARRIER_POST_PHASES = ("brainstorm", "reveal")
BARRIER_WITHDRAW_PHASES = ("brainstorm", "reveal")
MERGE_PHASES = ("reveal", "vote")
BARRIER_VOTE_PHASES = ("vote",)
SOLUTION_PHASES = ("solutions",)
REPORT_PHASES = ("report_out",)

# A client further behind than this gets a snapshot instead of events.
RESUME_MAX_EVENTS = 500
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
