from .adhesions import Adhesion
from .digests import TriageDigest
from .groups import CancelledMeeting, Group, HolidayMeeting, MeetingSlot
from .meeting_changes import MeetingChange
from .pages import (
    GroupIndexPage,
    NewsIndexPage,
    NewsPage,
    ProgrammePage,
    ProgrammePageVenue,
    ProtocolPage,
    ProtocolSignatory,
)
from .participation import ParticipationRequest, StatusChange
from .participation_page import ParticipationPage
from .protocol_versions import ProtocolVersion
from .venues import Venue

__all__ = [
    "Adhesion",
    "CancelledMeeting",
    "Group",
    "GroupIndexPage",
    "HolidayMeeting",
    "MeetingChange",
    "MeetingSlot",
    "NewsIndexPage",
    "NewsPage",
    "ParticipationPage",
    "ParticipationRequest",
    "ProgrammePage",
    "ProgrammePageVenue",
    "ProtocolPage",
    "ProtocolSignatory",
    "ProtocolVersion",
    "StatusChange",
    "TriageDigest",
    "Venue",
]
