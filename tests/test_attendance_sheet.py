"""The printable attendance sheet (issue 13): the Segreteria chooses one of a group's
next meetings in "Gruppi e posti" and prints an A4 sheet with the people seated in the
group — names only, a signature column, empty rows for walk-ins — in the admin's
language; a cancelled date is refused with its reason; nobody else sees it."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from programme import attendance
from programme.models import CancelledMeeting, Group, MeetingSlot, ParticipationRequest
from tests.admin_helpers import make_segreteria, speaks

pytestmark = pytest.mark.django_db


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


@pytest.fixture
def redattore(django_user_model):
    user = django_user_model.objects.create_user(
        username="redattore", email="redattore@example.org", password="x" * 12,
        is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Redazione"))
    return user


@pytest.fixture
def group():
    """A demo group meeting every weekday of the coming weeks, with no cancelled date
    and no opened holiday, so every test picks its own dates."""
    group = Group.objects.canonical().order_by("name").first()
    group.status = Group.Status.AUTOMATIC
    group.save()
    group.slots.all().delete()
    group.cancelled_meetings.all().delete()
    for weekday in range(7):
        MeetingSlot.objects.create(group=group, weekday=weekday,
                                   start=datetime.time(15, 0), end=datetime.time(17, 0))
    return group


def person(n, group=None, status="assigned", first="Persona", last="Prova"):
    return ParticipationRequest.objects.create(
        first_name=f"{first}{n}", last_name=last, email=f"p{n}@example.org",
        phone="+393335500" + f"{n:03d}", preferred_channel="email",
        employment_status="unemployed", situation_since="2026-01-01", heard_from="flyer",
        privacy_notice_version="t", privacy_acknowledged_at="2026-01-01T00:00Z",
        language="it", status=status, group=group, reference=f"MA-2026-8{n:04d}")


def working_day(offset=1):
    """A day `offset` days ahead that is no public holiday (the group meets daily)."""
    from programme.schedule import is_public_holiday

    day = attendance.today_in_milan() + datetime.timedelta(days=offset)
    while is_public_holiday(day):
        day += datetime.timedelta(days=1)
    return day


def sheet_url(group, day):
    return f"/admin/group-seats/{group.pk}/attendance/{day:%Y-%m-%d}/"


def names_on(html):
    rows = re.findall(r'<tr class="attendee">(.*?)</tr>', html, re.S)
    return [tuple(re.findall(r"<td>([^<]*)</td>", row)[:2]) for row in rows]


def test_the_sheet_lists_exactly_the_people_seated_in_the_group(client, segreteria, group):
    other = Group.objects.canonical().exclude(pk=group.pk).first()
    person(1, group, "assigned", first="Marta", last="Colombo")
    person(2, group, "attending", first="Luca", last="Bianchi")
    person(3, group, "waiting_list")
    person(4, group, "withdrawn")
    person(5, group, "completed")
    person(6, other, "assigned")
    person(7, None, "new")
    client.force_login(segreteria)
    response = client.get(sheet_url(group, working_day()))
    assert response.status_code == 200
    html = response.content.decode()
    assert names_on(html) == [("Luca2", "Bianchi"), ("Marta1", "Colombo")]
    assert html.count('<tr class="walk-in">') == attendance.WALK_IN_ROWS
    # Names only: the sheet lies on the table for everyone to sign.
    assert "+39333" not in html and "@example.org" not in html and "MA-2026-8" not in html


def test_italian_admin_heading_date_time_venue(client, segreteria, group):
    person(1, group)
    day = working_day(2)
    client.force_login(segreteria)
    speaks(segreteria, "it")
    html = client.get(sheet_url(group, day)).content.decode()
    assert '<html lang="it">' in html
    assert "Foglio presenze" in html and group.name in html
    assert attendance.long_date(day) in html
    assert re.search(r"15:00–17:00", html)
    assert group.venue.name in html and group.venue.street_address in html
    assert '<th scope="col">Firma</th>' in html.replace(' class="signature"', "")
    assert "<caption>" in html


def test_english_admin_sheet(client, segreteria, group):
    from django.utils import translation

    person(1, group)
    day = working_day(2)
    client.force_login(segreteria)
    speaks(segreteria, "en")
    html = client.get(sheet_url(group, day)).content.decode()
    assert '<html lang="en">' in html
    assert "Attendance sheet" in html and "Signature" in html
    english = group.get_translation_or_none(
        group.locale.__class__.objects.get(language_code="en"))
    assert escape((english or group).name) in html
    with translation.override("en"):
        assert attendance.long_date(day) in html
    assert "Foglio presenze" not in html and "Firma" not in html


def test_print_css_a4_header_repeated_no_admin_chrome(client, segreteria, group):
    client.force_login(segreteria)
    html = client.get(sheet_url(group, working_day())).content.decode()
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", html)
    assert re.search(r"thead\s*\{[^}]*display:\s*table-header-group", html)
    assert re.search(r"@media print\s*\{[^@]*\.sheet-toolbar\s*\{\s*display:\s*none", html)
    # A page of its own: no admin menu, header or scripts.
    assert "sidebar" not in html and "wagtailadmin" not in html
    assert html.count("<th scope=\"col\"") == 4


def test_a_cancelled_date_is_refused_with_its_reason(client, segreteria, group):
    person(1, group)
    day = working_day(3)
    CancelledMeeting.objects.create(group=group, date=day, reason="sala chiusa",
                                    locale=group.locale)
    client.force_login(segreteria)
    speaks(segreteria, "it")
    response = client.get(sheet_url(group, day))
    assert response.status_code == 400
    html = response.content.decode()
    assert "annullato" in html and "sala chiusa" in html
    assert "Persona1" not in html
    # The chooser leaves the cancelled date out and offers the others.
    chooser = client.get(f"/admin/group-seats/{group.pk}/attendance/").content.decode()
    assert sheet_url(group, day) not in chooser
    assert sheet_url(group, working_day(4)) in chooser
    speaks(segreteria, "en")
    html = client.get(sheet_url(group, day)).content.decode()
    assert "is cancelled" in html and "Choose another date" in html


@pytest.mark.parametrize("day", ["2020-01-01", "2026-02-30", "abc", "²", "x" * 5000])
def test_past_junk_and_impossible_dates_answer_a_clear_message(client, segreteria, group, day):
    client.force_login(segreteria)
    speaks(segreteria, "it")
    response = client.get(f"/admin/group-seats/{group.pk}/attendance/{day}/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "è passato" in html or "non indica una data" in html


def test_a_day_the_group_does_not_meet(client, segreteria, group):
    day = working_day(1)
    group.slots.exclude(weekday=day.weekday()).delete()
    client.force_login(segreteria)
    speaks(segreteria, "it")
    response = client.get(sheet_url(group, day + datetime.timedelta(days=1)))
    assert response.status_code == 400
    assert "non si riunisce" in response.content.decode()


def test_reached_from_groups_and_seats(client, segreteria, group):
    client.force_login(segreteria)
    speaks(segreteria, "it")
    seats = client.get("/admin/group-seats/").content.decode()
    chooser_url = f"/admin/group-seats/{group.pk}/attendance/"
    assert f'href="{chooser_url}"' in seats
    chooser = client.get(chooser_url)
    assert chooser.status_code == 200
    assert sheet_url(group, working_day()) in chooser.content.decode()


def test_no_sheet_for_anyone_but_the_segreteria(client, redattore, group, django_user_model):
    person(1, group, first="Segreto")
    client.force_login(redattore)
    for url in (sheet_url(group, working_day()), f"/admin/group-seats/{group.pk}/attendance/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Segreto1" not in response.content.decode()
    client.logout()
    response = client.get(sheet_url(group, working_day()))
    assert response.status_code in (302, 403) and "Segreto1" not in response.content.decode()


def test_unknown_group_is_404(client, segreteria):
    client.force_login(segreteria)
    for pk in (0, 99999999, 99999999999):
        for url in (f"/admin/group-seats/{pk}/attendance/",
                    f"/admin/group-seats/{pk}/attendance/2030-01-01/"):
            assert client.get(url, follow=True).status_code == 404


def test_queries_do_not_grow_with_the_people(client, segreteria, group):
    client.force_login(segreteria)
    day = working_day()
    person(1, group)
    client.get(sheet_url(group, day))  # warm the session and the user's profile
    with CaptureQueriesContext(connection) as few:
        assert client.get(sheet_url(group, day)).status_code == 200
    for n in range(2, 13):
        person(n, group)
    with CaptureQueriesContext(connection) as many:
        html = client.get(sheet_url(group, day)).content.decode()
    assert len(names_on(html)) == 12
    assert len(many) == len(few)
    assert len(many) <= 20, [q["sql"] for q in many]
