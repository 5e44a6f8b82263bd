"""Issue 13: people assigned to a group are told when its time changes or a meeting is
cancelled, in their language, once the change is published; the referring partner gets
the closed-loop notice; the Segreteria learns whom to phone (programme.group_notices)."""

import datetime

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from programme.group_notices import (
    GroupSchedule,
    WeeklySlot,
    notify_schedule_change,
    read_schedule,
    schedule_changes,
)
from programme.models import (
    CancelledMeeting,
    Group,
    MeetingSlot,
    ParticipationRequest,
    Venue,
)
from programme.participation import change_status
from programme.schedule import MILAN, is_public_holiday
from readable.dates import local_date
from tests.forms_helpers import intake_data
from tests.partner_helpers import make_organisation

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
SUBJECT = {"it": "Cambiano gli incontri del gruppo", "en": "The meetings of the group"}
NEW_TIME = {"it": "Nuovo orario a partire dalla data:", "en": "New time from the date:"}
CANCELLED = {"it": "Annullato, data:", "en": "Cancelled, date:"}


@pytest.fixture
def segreteria(django_user_model):
    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


@pytest.fixture
def group():
    return Group.objects.canonical().get(name="Ripartire insieme")


def apply(language, **overrides):
    Client().post(INTAKE[language], intake_data(**overrides))
    return ParticipationRequest.objects.latest("pk")


@pytest.fixture
def people(group, segreteria):
    """An Italian and an English speaker with email, one reachable by phone only and one
    referred by a partner whose referrer reads English; all seated in `group`."""
    italian = apply("it", first_name="Marta", last_name="Colombo", email="marta@example.org")
    english = apply("en", first_name="John", last_name="Smith", email="john@example.org")
    phone_only = apply("it", first_name="Piero", last_name="Neri", email="",
                       preferred_channel="phone")
    referred = apply("it", first_name="Lucia", last_name="Gialli", email="lucia@example.org")
    organisation, referrer = make_organisation()
    referrer.language = "en"
    referrer.save()
    ParticipationRequest.objects.filter(pk=referred.pk).update(
        organisation=organisation, referred_by=referrer, source="partner")
    for person in (italian, english, phone_only, referred):
        change_status(person, "assigned", by=segreteria, group=group)
    change_status(english, "attending", by=segreteria)
    mail.outbox.clear()
    return {"it": italian, "en": english, "phone": phone_only, "referred": referred,
            "organisation": organisation, "referrer": referrer}


def next_day_of(slot, weeks=1, after=None):
    """A date the slot meets `weeks` weeks ahead of today, or the first after the date
    `after` (not a public holiday)."""
    today = timezone.localdate() if after is None else after + datetime.timedelta(days=1)
    day = today + datetime.timedelta(days=(slot.weekday - today.weekday()) % 7 + 7 * weeks)
    while is_public_holiday(day):
        day += datetime.timedelta(days=7)
    return day


def edit_form(group, *, slot_changes=None, description=None, cancelled=()):
    slots = [{"id": s.pk, "weekday": s.weekday, "start": f"{s.start:%H:%M}",
              "end": f"{s.end:%H:%M}", "valid_from": s.valid_from or "",
              "valid_until": s.valid_until or "", **(slot_changes or {})}
             for s in group.slots.all()]
    cancellations = [{"id": c.pk, "date": c.date.isoformat(), "reason": c.reason}
                     for c in group.cancelled_meetings.all()]
    initial_cancellations = len(cancellations)
    cancellations += [{"date": day.isoformat(), "reason": reason} for day, reason in cancelled]
    holidays = [{"id": h.pk, "date": h.date.isoformat()} for h in group.holiday_meetings.all()]
    return nested_form_data({
        "name": group.name, "description": description or group.description,
        "venue": group.venue_id, "facilitators": group.facilitators,
        "language": group.language, "capacity": group.capacity, "status": group.status,
        "slots": inline_formset(slots, initial=len(slots), min=1),
        "cancelled_meetings": inline_formset(cancellations, initial=initial_cancellations),
        "holiday_meetings": inline_formset(holidays, initial=len(holidays)),
    })


def publish(client, group, data, django_capture_on_commit_callbacks, action="action-publish"):
    if action:
        data[action] = action
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/snippets/programme/group/edit/{group.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def later(time, hours=1):
    return (datetime.datetime.combine(datetime.date.today(), time)
            + datetime.timedelta(hours=hours)).time()


def test_a_new_time_published_tells_each_person_in_their_language(
        demo_editor, group, people, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(demo_editor)
    slot = group.slots.first()
    start, end = later(slot.start), later(slot.end)
    publish(client, group, edit_form(group, slot_changes={
        "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}),
        django_capture_on_commit_callbacks)
    assert MeetingSlot.objects.get(pk=slot.pk).start == start
    first = next_day_of(slot, weeks=0)
    # Today's meeting may be over when the suite runs, and the week after may be a
    # holiday (8 December): the next meeting is one of the next two that are held.
    second = next_day_of(slot, weeks=0, after=first)
    for language in ("it", "en"):
        person = people[language]
        [message] = mails_to(person.email)
        assert message.subject.startswith(SUBJECT[language])
        assert person.reference in message.subject
        body = message.body
        with translation.override(language):
            assert local_date(first) in body or local_date(second) in body
        assert NEW_TIME[language] in body
        assert f"{start:%H:%M}–{end:%H:%M}" in body and f"{slot.start:%H:%M}" in body
        other = "en" if language == "it" else "it"
        assert NEW_TIME[other] not in body
        assert "http://testserver/" in body and "127.0.0.1" not in body
    # Italian dates as labels, never «il 3 dicembre».
    assert " il " + str(first.day) not in mails_to(people["it"].email)[0].body


def test_the_referring_partner_gets_the_closed_loop_notice_without_personal_details(
        demo_editor, group, people, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(demo_editor)
    slot = group.slots.first()
    publish(client, group, edit_form(group, slot_changes={
        "start": f"{later(slot.start):%H:%M}", "end": f"{later(slot.end):%H:%M}"}),
        django_capture_on_commit_callbacks)
    referred, organisation = people["referred"], people["organisation"]
    [notice] = mails_to(organisation.email)
    assert sorted(notice.to) == sorted([organisation.email, people["referrer"].email])
    assert referred.reference in notice.subject
    assert NEW_TIME["en"] in notice.body  # the referrer's language
    assert "/en/partner/" in notice.body and f"/{referred.pk}/" in notice.body
    for detail in ("Lucia", "Gialli", "lucia@example.org", "884"):
        assert detail not in notice.body and detail not in notice.subject
    # The person is told too, in their own language.
    [own] = mails_to(referred.email)
    assert NEW_TIME["it"] in own.body


def test_people_without_email_are_listed_to_the_segreteria_by_reference(
        demo_editor, group, people, segreteria, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(demo_editor)
    slot = group.slots.first()
    publish(client, group, edit_form(group, slot_changes={
        "start": f"{later(slot.start):%H:%M}", "end": f"{later(slot.end):%H:%M}"}),
        django_capture_on_commit_callbacks)
    [message] = mails_to(segreteria.email)
    assert message.subject.startswith("Gruppo «Ripartire insieme»")
    phone_only = people["phone"]
    assert phone_only.reference in message.body
    assert (f"http://testserver/admin/participation_requests/inspect/{phone_only.pk}/"
            in message.body)
    assert "telefonata" in message.body
    for detail in ("Piero", "Neri", "884"):
        assert detail not in message.body
    # Those with an address are mailed, not listed.
    assert people["it"].reference not in message.body
    # Nobody else is mailed: one mail per person, partner and Segreteria member.
    assert len(mail.outbox) == 3 + 1 + 1


def test_a_cancelled_date_is_told_with_its_reason(
        demo_editor, group, people, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(demo_editor)
    day = next_day_of(group.slots.first())
    publish(client, group, edit_form(group, cancelled=[(day, "Sede chiusa per lavori")]),
            django_capture_on_commit_callbacks)
    for language in ("it", "en"):
        [message] = mails_to(people[language].email)
        with translation.override(language):
            assert f"{CANCELLED[language]} " in message.body
            assert local_date(day) in message.body
        # Not yet translated: the English mail gives the editor's Italian reason.
        assert "Sede chiusa per lavori" in message.body


def test_the_reason_comes_in_the_persons_language_when_translated(group, people):
    before = read_schedule(group.pk)
    day = next_day_of(group.slots.first())
    cancelled = CancelledMeeting.objects.create(group=group, date=day,
                                                reason="Sede chiusa per lavori")
    english = Group.objects.get(translation_key=group.translation_key,
                                locale__language_code="en")
    CancelledMeeting.objects.create(group=english, date=day, reason="Venue closed for works",
                                    translation_key=cancelled.translation_key,
                                    locale=english.locale)
    outcome = notify_schedule_change(group.pk, before)
    assert outcome["people"] == 3 and outcome["partners"] == 1
    assert outcome["to_phone"] == [people["phone"].reference]
    assert "Venue closed for works" in mails_to(people["en"].email)[0].body
    assert "Sede chiusa per lavori" in mails_to(people["it"].email)[0].body


def test_a_description_only_edit_sends_nothing(
        demo_editor, group, people, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(demo_editor)
    publish(client, group, edit_form(group, description="Un gruppo per ripartire."),
            django_capture_on_commit_callbacks)
    assert Group.objects.get(pk=group.pk).description == "Un gruppo per ripartire."
    assert mail.outbox == []


def test_a_draft_sends_nothing_until_it_is_published(
        demo_editor, group, people, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(demo_editor)
    slot = group.slots.first()
    changed = {"start": f"{later(slot.start):%H:%M}", "end": f"{later(slot.end):%H:%M}"}
    publish(client, group, edit_form(group, slot_changes=changed),
            django_capture_on_commit_callbacks, action=None)
    assert MeetingSlot.objects.get(pk=slot.pk).start == slot.start  # still the published time
    assert mail.outbox == []
    publish(client, group, edit_form(group, slot_changes=changed),
            django_capture_on_commit_callbacks)
    assert len(mails_to(people["it"].email)) == 1


def test_several_saves_in_one_transaction_send_one_mail_each(
        group, people, django_capture_on_commit_callbacks):
    slot = group.slots.first()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        group.save()
        slot.start, slot.end = later(slot.start), later(slot.end)
        slot.save()
        group.save()
    assert len(mails_to(people["it"].email)) == 1
    assert len(mails_to(people["en"].email)) == 1


def test_a_rolled_back_change_sends_nothing(group, people, django_capture_on_commit_callbacks):
    slot = group.slots.first()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            group.save()
            slot.start = later(slot.start)
            slot.save()
            raise RuntimeError
    assert mail.outbox == []


def test_saving_a_translation_sends_nothing(group, people, django_capture_on_commit_callbacks):
    english = Group.objects.get(translation_key=group.translation_key,
                                locale__language_code="en")
    with django_capture_on_commit_callbacks(execute=True):
        english.save()
        for slot in english.slots.all():
            slot.start = later(slot.start)
            slot.save()
        english.save()
    assert mail.outbox == []


# --- What changed, as a plain function ------------------------------------------------

THURSDAY = 3
NOW = datetime.datetime(2027, 3, 1, 9, tzinfo=MILAN)  # a Monday
T = datetime.time


SIX_PM, EIGHT_PM = T(18), T(20)


def weekly(start=SIX_PM, end=EIGHT_PM, weekday=THURSDAY, **validity):
    return WeeklySlot(weekday, start, end, **validity)


def test_a_time_change_from_a_date_moves_only_the_meetings_from_then():
    before = GroupSchedule(slots=(weekly(),), venue_id=1)
    after = GroupSchedule(slots=(
        weekly(valid_until=datetime.date(2027, 3, 10)),
        weekly(T(17), T(19), valid_from=datetime.date(2027, 3, 11))), venue_id=1)
    [change] = schedule_changes(before, after, NOW, days=28)
    # One line for a new weekly time, from its first meeting.
    assert (change.kind, change.date, change.onwards) == (
        "moved", datetime.date(2027, 3, 11), True)
    assert change.before == ((T(18), T(20)),) and change.after == ((T(17), T(19)),)


def test_a_time_changed_for_two_weeks_lists_each_meeting():
    before = GroupSchedule(slots=(weekly(),), venue_id=1)
    after = GroupSchedule(slots=(
        weekly(valid_until=datetime.date(2027, 3, 10)),
        weekly(T(17), T(19), valid_from=datetime.date(2027, 3, 11),
               valid_until=datetime.date(2027, 3, 18)),
        weekly(valid_from=datetime.date(2027, 3, 19))), venue_id=1)
    changes = schedule_changes(before, after, NOW, days=28)
    assert [(c.kind, c.date, c.onwards) for c in changes] == [
        ("moved", datetime.date(2027, 3, 11), False),
        ("moved", datetime.date(2027, 3, 18), False)]


def test_cancelled_reinstated_new_weekday_and_venue():
    cancelled_day = datetime.date(2027, 3, 4)
    before = GroupSchedule(slots=(weekly(),), cancelled={datetime.date(2027, 3, 11): "k1"},
                           venue_id=1)
    after = GroupSchedule(slots=(weekly(), weekly(weekday=1, valid_until=datetime.date(
        2027, 3, 2))), cancelled={cancelled_day: "k2"}, venue_id=2)
    changes = schedule_changes(before, after, NOW, days=14)
    assert [(c.kind, c.date, c.cancellation_key) for c in changes] == [
        ("venue", None, None),
        ("added", datetime.date(2027, 3, 2), None),
        ("cancelled", cancelled_day, "k2"),
        ("added", datetime.date(2027, 3, 11), None),
    ]


def test_a_holiday_no_longer_opened_is_cancelled_as_a_public_holiday():
    holiday = datetime.date(2027, 12, 8)  # a Wednesday, Immacolata
    slots = (weekly(weekday=2),)
    before = GroupSchedule(slots=slots, opened_holidays=frozenset({holiday}), venue_id=1)
    after = GroupSchedule(slots=slots, venue_id=1)
    now = datetime.datetime(2027, 12, 1, 9, tzinfo=MILAN)
    [change] = schedule_changes(before, after, now, days=14)
    assert change.kind == "cancelled" and change.public_holiday and change.date == holiday


def test_nothing_noticed_no_change_and_past_or_far_meetings_left_alone():
    slots = (weekly(),)
    assert schedule_changes(GroupSchedule(slots=slots, venue_id=1),
                            GroupSchedule(slots=slots, venue_id=1), NOW) == []
    # A meeting that already began today, and one beyond the horizon.
    thursday_evening = datetime.datetime(2027, 3, 4, 19, tzinfo=MILAN)
    after = GroupSchedule(slots=slots, venue_id=1, cancelled={
        datetime.date(2027, 3, 4): "k", datetime.date(2027, 12, 30): "far"})
    assert schedule_changes(GroupSchedule(slots=slots, venue_id=1), after,
                            thursday_evening, days=90) == []


def test_a_venue_change_is_told_with_the_new_address(group, people):
    before = read_schedule(group.pk)
    other = Venue.objects.create(name="Casa dei diritti", street_address="Via De Amicis 10",
                                 postal_code="20123", latitude=45.46, longitude=9.18,
                                 locale=group.locale)
    Group.objects.filter(pk=group.pk).update(venue=other)
    notify_schedule_change(group.pk, before)
    body = mails_to(people["it"].email)[0].body
    assert "Nuova sede" in body and other.street_address in body


def test_submitted_for_moderation_nothing_is_sent_until_approvazione_approves(
        group, people, django_capture_on_commit_callbacks):
    from programme.workflow import APPROVAZIONE, REDAZIONE
    from tests.test_snippet_moderation import _approve, _member_of

    editor = Client()
    editor.force_login(_member_of(REDAZIONE, "redattrice"))
    slot = group.slots.first()
    start, end = later(slot.start, 2), later(slot.end, 2)
    publish(editor, group, edit_form(group, slot_changes={
        "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}),
        django_capture_on_commit_callbacks, action="action-submit")
    assert Group.objects.get(pk=group.pk).current_workflow_state is not None
    # Only Wagtail's notice to the approvers: nobody of the group hears of a draft.
    told = {people[key].email for key in ("it", "en", "referred")} | {
        people["organisation"].email, "segreteria@example.org"}
    assert not [m for m in mail.outbox if told & set(m.to)]
    approver = Client()
    approver.force_login(_member_of(APPROVAZIONE, "approvatore"))
    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(approver, group).status_code in (200, 302)
    assert MeetingSlot.objects.get(pk=slot.pk).start == start
    [message] = mails_to(people["it"].email)
    assert NEW_TIME["it"] in message.body and f"{start:%H:%M}–{end:%H:%M}" in message.body
    assert len(mails_to(people["en"].email)) == 1
