"""SQLAlchemy 2.x typed models, one module per aggregate."""
from .base import Base, utcnow
from .board import Barrier, Merge, Solution, Vote
from .log import AuditEntry, CommandRecord, Event
from .people import CouncilVolunteer, Participant
from .plenary import PlanEntry, PlenaryItem
from .workshop import FacilitatorInvite, Room, Workshop

__all__ = [
    "Base", "utcnow", "Barrier", "Merge", "Solution", "Vote", "AuditEntry", "CommandRecord",
    "Event", "CouncilVolunteer", "Participant", "PlanEntry", "PlenaryItem", "FacilitatorInvite",
    "Room", "Workshop",
]
