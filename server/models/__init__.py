"""SQLAlchemy 2.x typed models, one module per aggregate."""
from .accounts import Account, KeptLink, WorkshopOrganiser, WorkspaceAudit
from .base import Base, utcnow
from .board import Barrier, Merge, Solution, Vote
from .election import Election, ElectionCandidate, ElectionTally, ElectionVoter
from .log import AuditEntry, CommandRecord, Event, NewEvent
from .meetings import CouncilMeeting
from .people import CouncilVolunteer, Participant
from .plenary import CouncilLink, PlanEntry, PlanNote, PlenaryItem, PlenaryMerge
from .pulse import Pulse, PulseDevice, PulseResponder, PulseTally
from .workshop import FacilitatorInvite, Room, Sector, Workshop

__all__ = [
    "Account",
    "AuditEntry",
    "Barrier",
    "Base",
    "CommandRecord",
    "CouncilLink",
    "CouncilMeeting",
    "CouncilVolunteer",
    "Election",
    "ElectionCandidate",
    "ElectionTally",
    "ElectionVoter",
    "Event",
    "FacilitatorInvite",
    "KeptLink",
    "Merge",
    "NewEvent",
    "Participant",
    "PlanEntry",
    "PlanNote",
    "PlenaryItem",
    "PlenaryMerge",
    "Pulse",
    "PulseDevice",
    "PulseResponder",
    "PulseTally",
    "Room",
    "Sector",
    "Solution",
    "Vote",
    "Workshop",
    "WorkshopOrganiser",
    "WorkspaceAudit",
    "utcnow",
]
