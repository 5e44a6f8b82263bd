"""The facilitators' area against bad input (issue 20, part A2b): impossible dates and
times, other groups' ids, tampered registers, double submissions, a deactivated
facilitator's old session, a group unlinked meanwhile. Each gets a clear answer in the
person's language, never a 500, and nothing is saved that should not be."""

import datetime

import pytest

from facilitation.models import AttendanceRecord, FacilitatorAssignment
from programme.models import MeetingChange, ParticipationRequest, StatusChange
from tests import facilitation_helpers
from tests.facilitation_helpers import (
    client_for,
    daily_group,
    meeting_path,
    not_holiday,
    seat,
    today,
)

pytestmark = pytest.mark.django_db
# The facilitators' shared fixtures (tests.facilitation_helpers).
group = facilitation_helpers.group
facilitator = facilitation_helpers.facilitator
past_day = facilitation_helpers.past_day
Status = ParticipationRequest.Status
NOT_FOUND = {"it": "Incontro non trovato", "en": "Meeting not found"}
AREA = {"it": "/it/facilitatori/", "en": "/en/facilitators/"}
BASE = {"it": "/it/facilitatori/incontri", "en": "/en/facilitators/meetings"}


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("day,time", [
    ("2026-02-30", "0000"), ("9999-01-01", "0000"), ("9999-12-31", "0000"),
    ("0001-01-01", "0000"), ("2026-13-01", "0000"), ("2026-1-01", "0000"),
    ("today", "0000"), ("{past}", "2599"), ("{past}", "2400"), ("{past}", "0960"),
    ("{past}", "9"), ("{past}", "0915"),
])
@pytest.mark.parametrize("action", ["", "move", "cancel"])
def test_impossible_dates_and_times_are_a_clear_not_found(group, facilitator, past_day,
                                                          language, day, time, action):
    day = day.format(past=f"{past_day:%Y-%m-%d}")
    tail = {"": "", "move": {"it": "sposta/", "en": "move/"}[language],
            "cancel": {"it": "annulla/", "en": "cancel/"}[language]}[action]
    path = f"{BASE[language]}/{group.pk}/{day}/{time}/{tail}"
    client = client_for(facilitator)
    for response in (client.get(path), client.post(path, {"confirm": "1"})):
        assert response.status_code == 404, path
        html = response.content.decode()
        assert NOT_FOUND[language] in html and f'lang="{language}"' in html
        assert f'href="{AREA[language]}"' in html  # the way back to their meetings
    assert not MeetingChange.objects.exists()


@pytest.mark.parametrize("pk", ["0", "99999999999", "2147483648", "-1"])
def test_ids_that_are_no_group_of_theirs(group, facilitator, past_day, pk):
    other = daily_group(1)
    seat(other, first="Giorgio", last="Esposito")
    client = client_for(facilitator)
    for target in (pk, str(other.pk)):
        path = f"/it/facilitatori/incontri/{target}/{past_day:%Y-%m-%d}/0000/"
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Esposito" not in response.content.decode()
        assert client.post(path, {}).status_code == 404
        assert client.post(path + "annulla/").status_code == 404
    assert not MeetingChange.objects.exists()


def test_marking_someone_of_another_group_or_not_seated_saves_nothing(group, facilitator,
                                                                      past_day):
    person = seat(group)
    stranger = seat(daily_group(1))
    waiting = seat(group, status="waiting_list")
    response = client_for(facilitator).post(meeting_path(group, past_day, "en"), {
        f"p{stranger.pk}": "present", f"p{waiting.pk}": "present"})
    # Fields that are not on the form are ignored: nobody marked, nothing moved.
    assert response.status_code in (302, 400)
    assert not AttendanceRecord.objects.exists()
    for other in (stranger, waiting, person):
        other.refresh_from_db()
    assert (stranger.status, waiting.status) == (Status.ASSIGNED, Status.WAITING_LIST)


@pytest.mark.parametrize("language,message", [
    ("it", "Alcune presenze non sono state comprese"),
    ("en", "Some marks were not understood"),
])
@pytest.mark.parametrize("junk", ["maybe", "1", "PRESENT", "<script>alert(1)</script>",
                                  "=HYPERLINK(\"x\")", "présent"])
def test_junk_values_are_refused_whole_with_a_clear_message(group, facilitator, past_day,
                                                            language, message, junk):
    first, second = seat(group), seat(group)
    response = client_for(facilitator).post(meeting_path(group, past_day, language), {
        f"p{first.pk}": "present", f"p{second.pk}": junk})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "<script>alert(1)" not in html
    assert not AttendanceRecord.objects.exists()
    first.refresh_from_db()
    assert first.status == Status.ASSIGNED


def test_a_double_submission_records_once_and_moves_once(group, facilitator, past_day):
    person = seat(group)
    client = client_for(facilitator)
    for _ in range(2):
        response = client.post(meeting_path(group, past_day), {f"p{person.pk}": "present"})
        assert response.status_code == 302
    assert AttendanceRecord.objects.filter(request=person).count() == 1
    assert StatusChange.objects.filter(request=person, to_status=Status.ATTENDING).count() == 1


@pytest.mark.parametrize("language,said", [("it", "è annullato"), ("en", "is cancelled")])
def test_a_second_cancel_changes_nothing_more(group, facilitator, language, said):
    day = not_holiday(today() + datetime.timedelta(days=3))
    client = client_for(facilitator)
    assert client.post(meeting_path(group, day, language, "cancel")).status_code == 302
    first = MeetingChange.objects.get()
    again = client.post(meeting_path(group, day, language, "cancel"), follow=True)
    assert again.status_code == 200 and said in again.content.decode()
    assert MeetingChange.objects.get().changed_at == first.changed_at  # nobody told twice


def test_a_second_move_confirmation_changes_nothing_more(group, facilitator):
    day = not_holiday(today() + datetime.timedelta(days=3))
    new_day = not_holiday(day + datetime.timedelta(days=1))
    data = {"new_day": f"{new_day:%Y-%m-%d}", "new_start": "18:00", "new_end": "19:30",
            "confirm": "1"}
    client = client_for(facilitator)
    assert client.post(meeting_path(group, day, "en", "move"), data).status_code == 302
    again = client.post(meeting_path(group, day, "en", "move"), data)
    assert again.status_code == 400
    assert 'role="alert"' in again.content.decode()
    assert MeetingChange.objects.count() == 1


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("fields", [
    {"new_day": "2026-02-30", "new_start": "18:00", "new_end": "19:00"},
    {"new_day": "9999-12-31", "new_start": "18:00", "new_end": "19:00"},
    {"new_day": "{day}", "new_start": "25:99", "new_end": "26:00"},
    {"new_day": "{day}", "new_start": "2599", "new_end": "19:00"},
    {"new_day": "", "new_start": "", "new_end": ""},
    {"new_day": "2020-01-01", "new_start": "18:00", "new_end": "19:00"},
])
def test_move_with_impossible_values_is_a_localized_error(group, facilitator, language,
                                                          fields):
    day = not_holiday(today() + datetime.timedelta(days=3))
    data = {key: value.format(day=f"{day + datetime.timedelta(days=1):%Y-%m-%d}")
            for key, value in fields.items()}
    client = client_for(facilitator)
    for confirm in ({}, {"confirm": "1"}):
        response = client.post(meeting_path(group, day, language, "move"),
                               {**data, **confirm})
        assert response.status_code == 400
        html = response.content.decode()
        assert {"it": "Controlla il modulo", "en": "Please check the form"}[language] in html
    assert not MeetingChange.objects.exists()


def test_a_deactivated_facilitators_old_session_is_signed_out(group, facilitator, past_day):
    person = seat(group)
    client = client_for(facilitator)
    assert client.get("/it/facilitatori/").status_code == 200
    facilitator.is_active = False
    facilitator.save()
    for response in (client.get("/it/facilitatori/"),
                     client.post(meeting_path(group, past_day), {f"p{person.pk}": "present"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/it/accounts/login/")
    assert not AttendanceRecord.objects.exists()


def test_a_group_unlinked_meanwhile_is_a_clear_not_found(group, facilitator, past_day):
    person = seat(group)
    client = client_for(facilitator)
    assert client.get(meeting_path(group, past_day)).status_code == 200
    FacilitatorAssignment.objects.filter(user=facilitator).delete()
    response = client.post(meeting_path(group, past_day), {f"p{person.pk}": "present"})
    assert response.status_code == 404
    assert "non è più collegato a te" in response.content.decode()
    assert not AttendanceRecord.objects.exists()
    home = client.get("/it/facilitatori/")
    assert home.status_code == 200 and group.name not in home.content.decode()


def test_a_person_removed_from_the_group_meanwhile_is_told_to_check_again(group,
                                                                          facilitator,
                                                                          past_day):
    stays, leaves = seat(group), seat(group)
    client = client_for(facilitator)
    client.get(meeting_path(group, past_day))
    ParticipationRequest.objects.filter(pk=leaves.pk).update(status=Status.WITHDRAWN)
    response = client.post(meeting_path(group, past_day, "en"), {
        f"p{stays.pk}": "present", f"p{leaves.pk}": "present"})
    # A mark for someone no longer in the list: nothing saved, the list shown again with
    # the reason (the facilitator checks who is there now).
    assert response.status_code == 400
    assert "The list of people changed while you were marking" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_a_mark_for_another_groups_person_is_refused_whole(group, facilitator, past_day):
    here = seat(group)
    elsewhere = seat(daily_group(1))
    client = client_for(facilitator)
    response = client.post(meeting_path(group, past_day), {
        f"p{here.pk}": "present", f"p{elsewhere.pk}": "present"})
    assert response.status_code == 400
    assert "L’elenco delle persone è cambiato" in response.content.decode()
    assert not AttendanceRecord.objects.exists()
