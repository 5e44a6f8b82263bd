"""Issue 13: the person assigned to a group gets a mail in the language they applied in:
when the group next meets (Milan time), where, what to bring, whom to call; links on the
site's base URL (programme.assignment)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.utils import translation

from programme.assignment import next_meeting
from programme.models import CancelledMeeting, Group, ParticipationRequest
from programme.participation import change_status
from programme.schedule import MILAN
from readable.dates import local_date
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
WORDS = {
    "it": {"subject": "Hai un posto nel gruppo", "when": "Il prossimo incontro",
           "bring": "Cosa portare", "phone": "Telefono"},
    "en": {"subject": "You have a place in the group", "when": "The next meeting",
           "bring": "What to bring", "phone": "Phone"},
}


@pytest.fixture
def segreteria(django_user_model):
    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


def open_group():
    group = (Group.objects.canonical().filter(slots__isnull=False).select_related("venue")
             .distinct().first())
    assert group is not None, "the demo content has a group with a schedule"
    return group


def apply(client, language, **overrides):
    client.post(INTAKE[language], intake_data(**overrides))
    return ParticipationRequest.objects.latest("pk")


def assignment_mails():
    return [m for m in mail.outbox if m.subject.startswith(
        (WORDS["it"]["subject"], WORDS["en"]["subject"]))]


@pytest.mark.parametrize("language", ["it", "en"])
def test_assigned_through_the_admin_the_person_is_told_in_their_language(
        client, segreteria, language):
    participation = apply(client, language)
    group = open_group()
    mail.outbox.clear()
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{participation.pk}/status/",
                           {"status": "assigned", "group": group.pk, "note": ""})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == "assigned"
    [message] = assignment_mails()
    assert message.to == [participation.email]
    assert participation.reference in message.subject
    words = WORDS[language]
    body = message.body
    with translation.override(language):
        group_text = Group.objects.get(translation_key=group.translation_key,
                                       locale__language_code=language) \
            if Group.objects.filter(translation_key=group.translation_key,
                                    locale__language_code=language).exists() else group
        meeting = next_meeting(Group.objects.prefetch_related(
            "slots", "cancelled_meetings", "holiday_meetings").get(pk=group.pk))
        assert meeting is not None
        assert local_date(meeting.date) in body
    assert group_text.name in message.subject
    assert words["when"] in body and words["bring"] in body and words["phone"] in body
    assert meeting.start.astimezone(MILAN).strftime("%H:%M") in body
    assert group.venue.street_address in body
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(f"http://testserver/{language}/") for link in links)
    other = "en" if language == "it" else "it"
    assert WORDS[other]["bring"] not in body


def test_no_email_no_mail_and_no_second_mail_for_attending(client, segreteria):
    phone_only = apply(client, "it", email="", preferred_channel="phone")
    with_email = apply(client, "it", email="m@example.org")
    group = open_group()
    mail.outbox.clear()
    change_status(phone_only, "assigned", by=segreteria, group=group)
    assert assignment_mails() == []
    change_status(with_email, "assigned", by=segreteria, group=group)
    change_status(with_email, "attending", by=segreteria)
    assert len(assignment_mails()) == 1


def test_a_refused_assignment_sends_nothing(client, segreteria):
    participation = apply(client, "it")
    group = open_group()
    group.capacity = 1
    group.save()
    change_status(apply(client, "it", email="first@example.org"), "assigned",
                  by=segreteria, group=group)
    mail.outbox.clear()
    with pytest.raises(Exception):  # noqa: B017, PT011 (the full group's ValidationError)
        change_status(participation, "assigned", by=segreteria, group=group)
    assert assignment_mails() == []


def test_the_next_meeting_skips_a_cancelled_date_and_past_times():
    group = Group.objects.prefetch_related("slots", "cancelled_meetings",
                                           "holiday_meetings").get(pk=open_group().pk)
    first = next_meeting(group, now=datetime.datetime(2027, 3, 1, 8, tzinfo=MILAN))
    assert first is not None and not first.cancelled
    # Right after it starts, the next one is a later meeting.
    later = next_meeting(group, now=first.start + datetime.timedelta(minutes=1))
    assert later.start > first.start
    CancelledMeeting.objects.create(group=group, date=first.date, reason="sciopero",
                                    locale=group.locale)
    group = Group.objects.prefetch_related("slots", "cancelled_meetings",
                                           "holiday_meetings").get(pk=group.pk)
    again = next_meeting(group, now=datetime.datetime(2027, 3, 1, 8, tzinfo=MILAN))
    assert again.date != first.date and again.start > first.start
