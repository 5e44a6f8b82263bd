from .adhesions import Adhesion
from .groups import CancelledMeeting, Group, MeetingSlot
from .participation import ParticipationPage, ParticipationRequest, StatusChange
from .pages import (
    GroupIndexPage,
    NewsIndexPage,
    NewsPage,
    ProgrammePage,
    ProgrammePageVenue,
    ProtocolPage,
    ProtocolSignatory,
)
from .venues import Venue

__all__ = [
    "Adhesion",
    "CancelledMeeting",
    "Group",
    "GroupIndexPage",
    "MeetingSlot",
    "NewsIndexPage",
    "NewsPage",
    "ParticipationPage",
    "ParticipationRequest",
    "ProgrammePage",
    "ProgrammePageVenue",
    "ProtocolPage",
    "ProtocolSignatory",
    "StatusChange",
    "Venue",
]
