"""The mail a person gets when the Segreteria assigns them to a group: when and where
the group meets, what to bring, whom to call — in the language they applied in."""

from django.conf import settings
from django.utils import timezone, translation

from home.models import office_contacts
from mail.links import page_site_url
from mail.sending import queue_email

from .models.groups import SCHEDULE_PREFETCH, Group
from .models.pages import GroupIndexPage
from .schedule import upcoming_meetings, with_translated_texts

# How far ahead the next meeting is looked for: a group between two schedules may not
# meet for a few weeks; beyond this the mail says the office will confirm the date.
NEXT_MEETING_HORIZON_DAYS = 90


def next_meeting(group, now=None):
    """The group's next meeting that starts after `now` (aware; default: now) and is not
    cancelled, as a schedule.Meeting, or None within NEXT_MEETING_HORIZON_DAYS.
    `group` must have its slots, cancelled and holiday meetings prefetched."""
    now = now or timezone.now()
    start = timezone.localdate(now)
    for meeting in upcoming_meetings([group], start, NEXT_MEETING_HORIZON_DAYS):
        if not meeting.cancelled and meeting.start > now:
            return meeting
    return None


def groups_page_url(language):
    """The public page of the groups in `language` (else the original), absolute, or ""."""
    pages = list(GroupIndexPage.objects.live().select_related("locale"))
    page = next((p for p in pages if p.locale.language_code == language),
                pages[0] if pages else None)
    return page_site_url(page) if page is not None else ""


def assignment_mail_context(participation, language, now=None):
    """What the assignment mail says, in `language`: {"request", "group" (its texts in
    that language), "venue" (likewise), "meeting" (schedule.Meeting or None), "groups_url",
    "office_phone", "contact_url"}."""
    groups = (Group.objects.filter(pk=participation.group_id).select_related("venue")
              .prefetch_related(*SCHEDULE_PREFETCH))
    with translation.override(language):
        [group] = with_translated_texts(groups)
    return {
        "request": participation,
        "group": group.text,
        "venue": group.venue_text,
        "meeting": next_meeting(group, now),
        "groups_url": groups_page_url(language),
        **office_contacts(language),
    }


def notify_assigned(participation, now=None):
    """Queue the assignment mail to the person (a request with a group and an email
    address; without an email address the office phones them, nothing is queued).
    Call it inside the transaction that assigns them: the mail goes if it commits."""
    if not participation.email or participation.group_id is None:
        return None
    language = participation.language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return queue_email(participation.email, "programme/email/participation_assigned",
                       assignment_mail_context(participation, language, now), language)
