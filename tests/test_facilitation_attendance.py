"""A meeting's register (issue 20): present/absent in one form, the first "present" of
an assigned person moves them to attending (history, partner's closed-loop notice), the
partner never sees the register, future meetings cannot be marked, and a meeting moved
or cancelled goes through programme.meeting_changes."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Membership
from facilitation import registers
from facilitation.models import AttendanceRecord
from programme.models import ParticipationRequest, StatusChange
from programme.participation import TRANSITIONS
from tests import facilitation_helpers
from tests.facilitation_helpers import (
    client_for,
    daily_group,
    meeting_path,
    not_holiday,
    seat,
    today,
)
from tests.partner_helpers import add_member, make_organisation

pytestmark = pytest.mark.django_db
# The facilitators' shared fixtures (tests.facilitation_helpers).
group = facilitation_helpers.group
facilitator = facilitation_helpers.facilitator
past_day = facilitation_helpers.past_day
Status = ParticipationRequest.Status


def test_one_save_marks_everyone_and_the_first_present_moves_to_attending(
        group, facilitator, past_day):
    came, missed, already = seat(group), seat(group), seat(group, status="attending")
    response = client_for(facilitator).post(meeting_path(group, past_day), {
        f"p{came.pk}": "present", f"p{missed.pk}": "absent", f"p{already.pk}": "present"})
    assert response.status_code == 302
    marks = {r.request_id: r.present for r in AttendanceRecord.objects.filter(group=group)}
    assert marks == {came.pk: True, missed.pk: False, already.pk: True}
    assert AttendanceRecord.objects.get(request=came).recorded_by == facilitator
    came.refresh_from_db(), missed.refresh_from_db(), already.refresh_from_db()
    assert came.status == Status.ATTENDING
    assert missed.status == Status.ASSIGNED  # absent changes nothing
    assert already.status == Status.ATTENDING
    step = StatusChange.objects.filter(request=came).latest("changed_at")
    assert (step.from_status, step.to_status, step.changed_by) == (
        Status.ASSIGNED, Status.ATTENDING, facilitator)
    assert not StatusChange.objects.filter(request=missed, to_status=Status.ATTENDING)


def test_marks_can_be_changed_later_and_the_page_shows_them(group, facilitator, past_day):
    person = seat(group)
    client = client_for(facilitator)
    client.post(meeting_path(group, past_day), {f"p{person.pk}": "absent"})
    html = client.get(meeting_path(group, past_day)).content.decode()
    assert 'value="absent" checked' in html
    client.post(meeting_path(group, past_day), {f"p{person.pk}": "present"})
    assert AttendanceRecord.objects.get(request=person).present is True
    assert AttendanceRecord.objects.filter(request=person).count() == 1
    person.refresh_from_db()
    assert person.status == Status.ATTENDING
    html = client.get(meeting_path(group, past_day, "en")).content.decode()
    assert 'value="present" checked' in html and "Save attendance" in html


def test_a_future_meeting_cannot_be_marked(group, facilitator):
    person = seat(group)
    future = not_holiday(today() + datetime.timedelta(days=2))
    client = client_for(facilitator)
    page = client.get(meeting_path(group, future, "en")).content.decode()
    assert "has not started yet" in page and 'type="radio"' not in page
    assert "non è ancora iniziato" in client.get(meeting_path(group, future)).content.decode()
    response = client.post(meeting_path(group, future), {f"p{person.pk}": "present"})
    assert response.status_code == 400
    assert not AttendanceRecord.objects.exists()
    person.refresh_from_db()
    assert person.status == Status.ASSIGNED
    with pytest.raises(ValidationError):
        registers.record_attendance(group, registers.find_meeting(
            group, future, datetime.time(0, 0)), {person.pk: True}, by=facilitator)


def test_someone_not_seated_cannot_be_marked(group, facilitator, past_day):
    waiting = seat(group, status="waiting_list")
    meeting = registers.find_meeting(group, past_day, datetime.time(0, 0))
    with pytest.raises(ValidationError):
        registers.record_attendance(group, meeting, {waiting.pk: True}, by=facilitator)
    assert not AttendanceRecord.objects.exists()
    # Posted by hand, the field does not exist: nothing recorded.
    client_for(facilitator).post(meeting_path(group, past_day), {f"p{waiting.pk}": "present"})
    assert not AttendanceRecord.objects.exists()


def test_the_partner_sees_the_status_change_never_the_register(group, facilitator, past_day):
    organisation, admin = make_organisation()
    referrer = add_member(organisation, Membership.Role.REFERRER)
    referral = seat(group, source=ParticipationRequest.Source.PARTNER_REFERRAL,
                    organisation=organisation, referred_by=referrer)
    mail.outbox.clear()
    client_for(facilitator).post(meeting_path(group, past_day),
                                 {f"p{referral.pk}": "present"})
    notices = [m for m in mail.outbox if referral.reference in m.subject]
    assert notices and organisation.email in notices[0].to
    body = notices[0].body
    assert "Frequenta" in body or "Attending" in body
    partner = Client(raise_request_exception=False)
    partner.force_login(referrer)
    html = partner.get(f"/it/partner/segnalazioni/{referral.pk}/").content.decode()
    assert "Frequenta" in html
    for word in ("Presente", "Assente", "presenze", past_day.strftime("%Y-%m-%d")):
        assert word not in html, word


def test_staff_close_a_path_as_completed(group, facilitator, past_day, django_user_model):
    from tests.admin_helpers import make_segreteria

    assert Status.COMPLETED in TRANSITIONS[Status.ATTENDING]
    person = seat(group)
    registers.record_attendance(group, registers.find_meeting(
        group, past_day, datetime.time(0, 0)), {person.pk: True}, by=facilitator)
    staff = make_segreteria(django_user_model)
    client = client_for(staff)
    response = client.post(f"/admin/participation_requests/{person.pk}/status/",
                           {"status": "completed"})
    assert response.status_code in (200, 302)
    person.refresh_from_db()
    assert person.status == Status.COMPLETED
    assert AttendanceRecord.objects.filter(request=person, present=True).exists()


def test_a_cancelled_meeting_cannot_be_marked(group, facilitator, past_day):
    from programme.models import CancelledMeeting

    CancelledMeeting.objects.create(group=group, date=past_day, reason="Sciopero")
    person = seat(group)
    client = client_for(facilitator)
    response = client.post(meeting_path(group, past_day), {f"p{person.pk}": "present"})
    assert response.status_code == 400
    assert not AttendanceRecord.objects.exists()
    assert "è annullato" in response.content.decode()


# --- A meeting moved or cancelled (programme.meeting_changes, A1's functions) ------------


def test_cancel_asks_first_then_calls_cancel_meeting(group, facilitator):
    day = not_holiday(today() + datetime.timedelta(days=3))
    client = client_for(facilitator)
    with mock.patch("programme.meeting_changes.cancel_meeting") as cancel:
        page = client.get(meeting_path(group, day, "en", "cancel"))
        assert page.status_code == 200 and "Yes, cancel the meeting" in page.content.decode()
        assert "Sì, annulla l’incontro" in client.get(
            meeting_path(group, day, "it", "cancel")).content.decode()
        cancel.assert_not_called()
        response = client.post(meeting_path(group, day, "it", "cancel"))
    assert response.status_code == 302 and response["Location"] == "/it/facilitatori/"
    cancel.assert_called_once_with(group, day, datetime.time(0, 0), by=facilitator)
    assert "è annullato" in client.get("/it/facilitatori/").content.decode()


def test_cancel_refused_shows_the_localized_reason(group, facilitator):
    day = not_holiday(today() + datetime.timedelta(days=3))
    with mock.patch("programme.meeting_changes.cancel_meeting",
                    side_effect=ValidationError("Incontro già passato.")):
        response = client_for(facilitator).post(meeting_path(group, day, "it", "cancel"))
    assert response.status_code == 400
    assert "Incontro già passato." in response.content.decode()


def test_move_shows_a_confirmation_then_calls_move_meeting(group, facilitator):
    day = not_holiday(today() + datetime.timedelta(days=3))
    new_day = day + datetime.timedelta(days=1)
    data = {"new_day": f"{new_day:%Y-%m-%d}", "new_start": "18:00", "new_end": "19:30"}
    client = client_for(facilitator)
    with mock.patch("programme.meeting_changes.move_meeting") as move:
        form = client.get(meeting_path(group, day, "en", "move"))
        assert form.status_code == 200 and 'type="date"' in form.content.decode()
        confirm = client.post(meeting_path(group, day, "en", "move"), data)
        assert confirm.status_code == 200
        assert "Yes, move the meeting" in confirm.content.decode()
        move.assert_not_called()
        done = client.post(meeting_path(group, day, "en", "move"), {**data, "confirm": "1"})
    assert done.status_code == 302
    move.assert_called_once_with(group, day, datetime.time(0, 0), by=facilitator,
                                 new_day=new_day, new_start=datetime.time(18, 0),
                                 new_end=datetime.time(19, 30))


def test_move_with_bad_input_is_a_clear_error(group, facilitator):
    day = not_holiday(today() + datetime.timedelta(days=3))
    client = client_for(facilitator)
    with mock.patch("programme.meeting_changes.move_meeting",
                    side_effect=ValidationError("La nuova data è passata.")) as move:
        bad = client.post(meeting_path(group, day, "it", "move"),
                          {"new_day": "ieri", "new_start": "18:00", "new_end": "17:00"})
        assert bad.status_code == 400
        assert "Please check the form" not in bad.content.decode()
        move.assert_not_called()
        refused = client.post(meeting_path(group, day, "it", "move"), {
            "new_day": f"{day:%Y-%m-%d}", "new_start": "18:00", "new_end": "19:00",
            "confirm": "1"})
    assert refused.status_code == 400
    assert "La nuova data è passata." in refused.content.decode()


def test_the_area_lists_meetings_in_bounded_queries(facilitator, django_assert_max_num_queries):
    from facilitation.models import FacilitatorAssignment

    client = client_for(facilitator)
    client.get("/it/facilitatori/")
    with django_assert_max_num_queries(15) as few:
        client.get("/it/facilitatori/")
    for index in (1, 2):
        FacilitatorAssignment.objects.create(user=facilitator, group=daily_group(index))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/it/facilitatori/")
    assert response.status_code == 200


def test_the_register_page_reads_people_in_bounded_queries(group, facilitator, past_day,
                                                           django_assert_max_num_queries):
    seat(group)
    client = client_for(facilitator)
    client.get(meeting_path(group, past_day))
    with django_assert_max_num_queries(20) as few:
        client.get(meeting_path(group, past_day))
    for _ in range(20):
        seat(group)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(meeting_path(group, past_day))


def test_end_to_end_a_facilitator_moves_then_cancels_a_meeting(group, facilitator):
    """Without patching: programme.meeting_changes stores the change, the public
    schedule shows the meeting at its new time, then not at all once cancelled."""
    from programme.models.groups import Group as GroupModel
    from programme.schedule import upcoming_meetings

    day = not_holiday(today() + datetime.timedelta(days=3))
    new_day = not_holiday(day + datetime.timedelta(days=1))
    client = client_for(facilitator)
    data = {"new_day": f"{new_day:%Y-%m-%d}", "new_start": "18:00", "new_end": "19:30",
            "confirm": "1"}
    response = client.post(meeting_path(group, day, "it", "move"), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    def held(on):
        fresh = GroupModel.objects.for_listing().get(pk=group.pk)
        return [(m.start.time(), m.cancelled) for m in upcoming_meetings([fresh], on, 1)]

    assert (datetime.time(18, 0), False) in held(new_day)
    assert (datetime.time(0, 0), True) in held(day)  # the weekly one, moved away
    home = client.get("/it/facilitatori/").content.decode()
    assert "Spostato, nuova data:" in home and "Incontro spostato" in home
    # The moved meeting is cancelled at its new date and time.
    response = client.post(meeting_path(group, new_day, "it", "cancel", start="1800"))
    assert response.status_code == 302
    assert (datetime.time(18, 0), False) not in held(new_day)
    # A past meeting cannot be cancelled: the localized reason, nothing changed.
    past = not_holiday(today() - datetime.timedelta(days=1), step=-1)
    refused = client.post(meeting_path(group, past, "en", "cancel"))
    assert refused.status_code == 400
    assert "can no longer be changed" in refused.content.decode()


@pytest.mark.parametrize("language,present,words,absent_words", [
    ("it", "Presente", ("I tuoi incontri", "Salva le presenze", "Assente",
                        "Registra lo spostamento dell’incontro"),
     ("Save attendance", "Your meetings")),
    ("en", "Present", ("Your meetings", "Save attendance", "Absent",
                       "Record that the meeting was moved"), ("Salva le presenze",)),
])
def test_what_a_facilitator_reads_in_each_language(group, facilitator, language, present,
                                                   words, absent_words):
    seat(group, first="Marta", last="Colombo")
    day = today()  # today's meeting began at midnight: it can be marked and changed
    client = client_for(facilitator)
    home = client.get("/it/facilitatori/" if language == "it" else "/en/facilitators/")
    page = client.get(meeting_path(group, day, language))
    coming = client.get(meeting_path(group, not_holiday(day + datetime.timedelta(days=2)),
                                     language))
    html = home.content.decode() + page.content.decode()
    # Changes are offered for a meeting not begun yet, marks for one that has begun.
    assert "Registra lo spostamento" not in page.content.decode()
    html += coming.content.decode()
    assert f'lang="{language}"' in html
    assert present in html and "Colombo" in html
    for word in words:
        assert word in html, word
    for word in absent_words:
        assert word not in html, word
    assert "<textarea" not in html  # no free text about people anywhere


def test_dates_read_as_each_language_writes_them(group, facilitator):
    """Italian weekdays and months in lower case, English ones capitalised (the reviewer
    found «thursday 26 november» in English)."""
    day = today()
    english = client_for(facilitator).get("/en/facilitators/").content.decode()
    italian = client_for(facilitator).get("/it/facilitatori/").content.decode()
    assert f"{day:%A} {day.day} {day:%B}" in english
    assert f"{day:%A}".lower() not in english
    from django.utils import dateformat, translation
    with translation.override("it"):
        italian_day = dateformat.format(day, "l j F")
    assert italian_day == italian_day.lower() and italian_day in italian
