"""The Segreteria's bookings admin (issue 18, "Staff"): the calendar's counts in the day
and week views, the actions on a booking, who may open it, the day's list as Excel opens
it, and closures or rule changes that touch bookings never dropping them silently."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from booking.availability import holiday_name
from booking.models.bookings import Booking, Closure, OpeningRule
from readable.dates import programme_timezone
from tests.admin_helpers import make_segreteria, speaks
from tests.booking_helpers import make_services
from tests.partner_helpers import make_user
from tests.test_times_and_exports import excel_csv, xlsx_rows

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/booking/calendar/"
MILAN = programme_timezone()


def next_weekday(weekday):
    """A date at least a week from now falling on `weekday` (0 = Monday), in a week with
    no public holiday (the calendar's slots follow the rules alone)."""
    day = timezone.localdate(timezone=MILAN) + datetime.timedelta(days=7)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    monday = day - datetime.timedelta(days=day.weekday())
    while any(holiday_name(monday + datetime.timedelta(days=n)) for n in range(7)):
        day += datetime.timedelta(days=7)
        monday += datetime.timedelta(days=7)
    return day


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=MILAN)


def book(service, starts_at, minutes=120, *, place=1, language="it", **extra):
    number = Booking.objects.count() + 1
    data = {"first_name": "Giulia", "last_name": f"Rossi {number}",
            "email": f"giulia{number}@example.org", "phone": "+390288447502",
            "reason": "Cercare offerte di lavoro", "details": "",
            **extra}
    return Booking.objects.create(
        service=service, starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes), place=place,
        reference=f"PA-2026-{number:05d}", language=language,
        privacy_notice_version="1", privacy_acknowledged_at=timezone.now(), **data)


@pytest.fixture
def services(db):
    return make_services()


@pytest.fixture
def segreteria(client, django_user_model):
    user = make_segreteria(django_user_model)
    speaks(user, "it")
    client.force_login(user)
    return user


def calendar(client, service, day, view="day", **extra):
    query = {"venue": service.venue_id, "service": service.pk, "day": day.isoformat(),
             "view": view, **extra}
    return client.get(CALENDAR, query)


# --- Counts ---------------------------------------------------------------------------


def test_day_view_counts_places_taken_and_free_per_slot(client, segreteria, services):
    _interview, workstation = services
    monday = next_weekday(0)
    for place in (1, 2, 3):
        book(workstation, at(monday, 9), place=place)
    cancelled = book(workstation, at(monday, 9), place=4)
    cancelled.status = Booking.Status.CANCELLED
    cancelled.save()

    response = calendar(client, workstation, monday)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-slot-start="09:00–11:00" data-taken="3" data-free="7"' in html
    assert "7 di 10 liberi" in html
    assert 'data-slot-start="11:00–13:00" data-taken="0" data-free="10"' in html
    assert "PA-2026-00001" in html and "Giulia Rossi 1" in html
    assert "giulia1@example.org" in html  # the day view gives the contacts
    assert "+39 02 8844 7502" in html
    assert html.count('data-slot-start="') == 4  # 09, 11, 13, 15 (the last ends at 17)


def test_week_view_counts_each_day(client, segreteria, services):
    interview, _workstation = services
    monday = next_weekday(0)
    book(interview, at(monday + datetime.timedelta(days=2), 9, 45), minutes=45)

    html = calendar(client, interview, monday + datetime.timedelta(days=3), "week") \
        .content.decode()
    assert html.count('class="booking-calendar-day') == 7
    assert f'data-day="{monday.isoformat()}"' in html
    assert 'data-slot-start="09:45–10:30" data-taken="1" data-free="0"' in html
    assert "0 di 1 liberi" in html
    # Saturday and Sunday: no rule.
    assert html.count("Nessun orario in questo giorno") == 2
    assert "giulia1@example.org" not in html  # contacts only on the day view


# Every admin page's own reads (session, user, permissions, menu) plus the calendar's
# services, rules, closures and bookings: the same whatever the bookings.
CALENDAR_QUERIES = 30


@pytest.mark.parametrize("view", ["day", "week"])
def test_the_calendar_reads_a_fixed_number_of_queries(
        client, segreteria, services, view, django_assert_max_num_queries):
    _interview, workstation = services
    monday = next_weekday(0)
    book(workstation, at(monday, 9))
    with django_assert_max_num_queries(CALENDAR_QUERIES):
        assert calendar(client, workstation, monday, view).status_code == 200
    for index in range(1, 50):
        day = monday + datetime.timedelta(days=index // 40)
        book(workstation, at(day, 9 + 2 * (index % 40 // 10)), place=index % 10 + 1)
    assert Booking.objects.count() == 50
    with django_assert_max_num_queries(CALENDAR_QUERIES):
        html = calendar(client, workstation, monday, view).content.decode()
    assert html.count('class="booking-entry"') == (50 if view == "week" else 40)


def test_bookings_outside_the_current_rules_are_flagged(client, segreteria, services):
    _interview, workstation = services
    monday = next_weekday(0)
    book(workstation, at(monday, 19))
    html = calendar(client, workstation, monday).content.decode()
    assert "fuori orario" in html
    assert 'data-slot-start="19:00–21:00" data-taken="1"' in html


def test_date_junk_in_the_address_is_a_clear_message(client, segreteria, services):
    _interview, workstation = services
    for junk in ("2026-13-45", "domani", "2026-02-30'--"):
        response = client.get(CALENDAR, {"service": workstation.pk, "day": junk})
        assert response.status_code == 400
        assert "non indica una data valida" in response.content.decode()
    assert client.get(CALENDAR, {"service": "abc", "venue": "9" * 30}).status_code == 200


def test_the_calendar_speaks_the_admins_language(client, segreteria, services):
    _interview, workstation = services
    speaks(segreteria, "en")
    monday = next_weekday(0)
    book(workstation, at(monday, 9))
    html = calendar(client, workstation, monday).content.decode()
    assert "9 of 10 free" in html
    assert "Booking calendar" in html and "Present" in html
    assert "Confirmed" in html


def test_the_bookings_menu_and_the_services_snippet(client, segreteria, services,
                                                     demo_editor):
    html = client.get("/admin/").content.decode()
    assert "Prenotazioni" in html and CALENDAR in html
    assert "/admin/booking/rules/" in html and "/admin/booking/closures/" in html
    interview, _workstation = services
    for user in (segreteria, demo_editor):
        client.force_login(user)
        listing = client.get("/admin/snippets/booking/bookableservice/")
        assert listing.status_code == 200
        assert "Colloquio di orientamento" in listing.content.decode()
    edit = client.get(f"/admin/snippets/booking/bookableservice/edit/{interview.pk}/")
    assert edit.status_code == 200


# --- Actions --------------------------------------------------------------------------


def test_present_and_absent_only_once_the_slot_started(client, segreteria, services):
    _interview, workstation = services
    future = book(workstation, at(next_weekday(0), 9))
    response = client.post(f"/admin/booking/bookings/{future.pk}/attended/", follow=True)
    assert "non è ancora iniziato" in response.content.decode()
    future.refresh_from_db()
    assert future.status == Booking.Status.CONFIRMED

    yesterday = timezone.now() - datetime.timedelta(days=1)
    past = book(workstation, yesterday, place=1)
    other = book(workstation, yesterday, place=2)
    client.post(f"/admin/booking/bookings/{past.pk}/attended/")
    client.post(f"/admin/booking/bookings/{other.pk}/no-show/")
    past.refresh_from_db()
    other.refresh_from_db()
    assert past.status == Booking.Status.ATTENDED
    assert other.status == Booking.Status.NO_SHOW


def test_cancelling_needs_a_reason_and_tells_the_person(
        client, segreteria, services, django_capture_on_commit_callbacks):
    _interview, workstation = services
    booking = book(workstation, at(next_weekday(0), 9), language="en")
    response = client.post(f"/admin/booking/bookings/{booking.pk}/cancel/",
                           {"reason": "   "}, follow=True)
    assert "Indica il motivo" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/booking/bookings/{booking.pk}/cancel/",
                    {"reason": "Operatore malato"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_by == segreteria
    assert booking.cancellation_reason == "Operatore malato"
    (message,) = mail.outbox
    assert message.to == [booking.email]
    assert "Operatore malato" in message.body
    assert "cancelled" in (message.subject + message.body).lower()  # in English


# --- Permissions ----------------------------------------------------------------------


def test_who_opens_the_calendar(client, services, django_user_model, demo_editor):
    redazione = django_user_model.objects.create_user(
        username="editor", email="editor@example.org", password="x" * 12, is_staff=True)
    redazione.groups.add(Group.objects.get(name="Redazione"))
    partner = make_user("partner@example.org")
    segreteria = make_segreteria(django_user_model)

    assert client.get(CALENDAR).status_code == 302  # anonymous: to the login
    for user, status in ((segreteria, 200), (demo_editor, 200), (redazione, 403)):
        client.force_login(user)
        assert client.get(CALENDAR).status_code == status, user
        assert client.get("/admin/booking/calendar/export/?export=csv").status_code in (
            (302,) if status == 200 else (403,))
    client.force_login(partner)
    response = client.get(CALENDAR)
    assert response.status_code in (302, 403)
    assert "Colloquio di orientamento" not in response.content.decode()


def test_redazione_edits_services_and_segreteria_rules_and_closures(django_user_model):
    redazione = Group.objects.get(name="Redazione").permissions.values_list("codename",
                                                                            flat=True)
    assert {"add_bookableservice", "change_bookableservice"} <= set(redazione)
    assert "change_booking" not in redazione
    segreteria = set(Group.objects.get(name="Segreteria").permissions
                     .values_list("codename", flat=True))
    assert {"view_booking", "change_booking", "add_openingrule", "change_openingrule",
            "delete_openingrule", "add_closure", "change_closure", "delete_closure",
            "view_bookableservice"} <= segreteria


# --- Export ---------------------------------------------------------------------------


def test_the_days_list_exports_as_excel_opens_it(client, segreteria, services):
    _interview, workstation = services
    monday = next_weekday(0)
    book(workstation, at(monday, 9), first_name="=HYPERLINK(\"http://x\")", last_name="Verdi",
         details="Porto il curriculum")
    book(workstation, at(monday + datetime.timedelta(days=1), 9))  # another day
    query = f"?service={workstation.pk}&day={monday.isoformat()}"

    response = client.get(f"/admin/booking/calendar/export/{query}&export=csv")
    assert monday.isoformat() in response["Content-Disposition"]
    rows = excel_csv(response, "it")
    assert rows[0] == ["Orario", "Codice di riferimento", "Nome", "Cognome", "Telefono",
                       "Email", "Motivo", "Dettagli", "Stato"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0].endswith(", 09:00")
    assert row[1] == "PA-2026-00001"
    assert row[2] == "'=HYPERLINK(\"http://x\")"
    assert row[4] == "+39 02 8844 7502"
    assert row[8] == "Confermata"

    rows = xlsx_rows(client.get(f"/admin/booking/calendar/export/{query}&export=xlsx"))
    assert [cell.value for cell in rows[0]][:2] == ["Orario", "Codice di riferimento"]
    cells = rows[1]
    assert cells[0].value == datetime.datetime.combine(monday, datetime.time(9))
    assert cells[2].value == "=HYPERLINK(\"http://x\")"
    assert cells[2].data_type == "s"  # text, never a formula


# --- Closures and rule changes --------------------------------------------------------


def closure_data(venue, day, **extra):
    return {"venue": venue.pk, "service": "", "first_day": day.isoformat(),
            "last_day": day.isoformat(), "reason": "Chiusura per lavori",
            "reason_en": "Closed for works", **extra}


def test_a_closure_over_a_booked_day_lists_the_bookings(client, segreteria, services):
    _interview, workstation = services
    monday = next_weekday(0)
    booking = book(workstation, at(monday, 9))
    untouched = book(workstation, at(monday + datetime.timedelta(days=1), 9))

    response = client.post("/admin/booking/closures/new/",
                           closure_data(workstation.venue, monday))
    closure = Closure.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/booking/affected/?closure={closure.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'data-reference="{booking.reference}"' in html
    assert untouched.reference not in html
    assert 'value="Chiusura per lavori"' in html  # the reason prefilled
    assert "Avvisa e annulla" in html and "Mantieni" in html


def test_notify_and_cancel_tells_each_person_in_their_language(
        client, segreteria, services, django_capture_on_commit_callbacks):
    _interview, workstation = services
    monday = next_weekday(0)
    english = book(workstation, at(monday, 9), place=1, language="en")
    italian = book(workstation, at(monday, 11), place=1)
    phone_only = book(workstation, at(monday, 13), place=1, email="")
    url = client.post("/admin/booking/closures/new/",
                      closure_data(workstation.venue, monday))["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Chiusura per lavori", "cancel": "1",
                                     "booking": [english.pk, italian.pk, phone_only.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chiama queste persone" in html and phone_only.reference in html
    for booking in (english, italian, phone_only):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert booking.cancelled_by == segreteria
    assert english.cancellation_reason == "Closed for works"
    assert italian.cancellation_reason == "Chiusura per lavori"
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {english.email, italian.email}
    assert "Closed for works" in by_address[english.email].body
    assert "Chiusura per lavori" in by_address[italian.email].body


def test_keep_leaves_them_booked_and_flagged(client, segreteria, services):
    _interview, workstation = services
    monday = next_weekday(0)
    booking = book(workstation, at(monday, 9))
    url = client.post("/admin/booking/closures/new/",
                      closure_data(workstation.venue, monday))["Location"]

    response = client.post(url, {"keep": "1", "reason": ""}, follow=True)
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not mail.outbox
    assert "fuori orario" in calendar(client, workstation, monday).content.decode()


def test_notify_and_cancel_without_a_reason_is_refused(client, segreteria, services):
    _interview, workstation = services
    monday = next_weekday(0)
    booking = book(workstation, at(monday, 9))
    url = client.post("/admin/booking/closures/new/",
                      closure_data(workstation.venue, monday))["Location"]
    response = client.post(url, {"reason": "", "cancel": "1", "booking": [booking.pk]})
    assert response.status_code == 400
    assert "Indica il motivo" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def rule_data(rule, **changes):
    data = {"service": rule.service_id, "weekdays": rule.weekdays,
            "opens": rule.opens.strftime("%H:%M"), "closes": rule.closes.strftime("%H:%M"),
            "slot_minutes": rule.slot_minutes, "places": rule.places,
            "valid_from": rule.valid_from.isoformat(), "valid_until": ""}
    data.update(changes)
    return data


def test_a_rule_edit_that_drops_a_booked_day_lists_the_booking(client, segreteria,
                                                               services):
    _interview, workstation = services
    friday = next_weekday(4)
    booking = book(workstation, at(friday, 9))
    rule = OpeningRule.objects.get(service=workstation)

    response = client.post(f"/admin/booking/rules/edit/{rule.pk}/",
                           rule_data(rule, weekdays=[0, 1, 2, 3]))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/booking/affected/?service={workstation.pk}"
    assert booking.reference in client.get(response["Location"]).content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # nothing cancelled by itself


def test_deleting_a_rule_lists_its_bookings(client, segreteria, services):
    _interview, workstation = services
    booking = book(workstation, at(next_weekday(0), 9))
    rule = OpeningRule.objects.get(service=workstation)
    response = client.post(f"/admin/booking/rules/delete/{rule.pk}/")
    assert response["Location"] == f"/admin/booking/affected/?service={workstation.pk}"
    assert booking.reference in client.get(response["Location"]).content.decode()


def test_rule_form_errors_are_clear(client, segreteria, services):
    _interview, workstation = services
    rule = OpeningRule.objects.get(service=workstation)
    rules = OpeningRule.objects.count()
    response = client.post("/admin/booking/rules/new/",
                           rule_data(rule, weekdays=[], opens="18:00", closes="09:00"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Scegli almeno un giorno della settimana" in html
    assert OpeningRule.objects.count() == rules
    response = client.post("/admin/booking/rules/new/", rule_data(rule))
    assert "si sovrappongono" in response.content.decode()


def test_rule_and_closure_forms_offer_only_italian_services(client, segreteria, services):
    interview, _workstation = services
    english = interview.get_translation(
        interview.locale.__class__.objects.get(language_code="en"))
    for address in ("/admin/booking/rules/new/", "/admin/booking/closures/new/"):
        html = client.get(address).content.decode()
        assert f'value="{interview.pk}"' in html
        assert f'value="{english.pk}"' not in html


# --- Review fixes: rule bounds in the form, correcting a mark --------------------------


@pytest.mark.parametrize("changes, expected", [
    ({"valid_from": "2027-02-01", "valid_until": "2027-01-31"},
     "La regola non può finire prima di iniziare"),
    ({"places": 70000}, "Un turno ha da 1 a 500 posti."),
    ({"slot_minutes": 721}, "Un turno dura da 5 a 720 minuti (12 ore)."),
    ({"slot_minutes": 4}, "Un turno dura da 5 a 720 minuti (12 ore)."),
])
def test_rule_form_refuses_inverted_dates_and_out_of_range_numbers(
        client, segreteria, services, changes, expected):
    _interview, workstation = services
    rule = OpeningRule.objects.get(service=workstation)
    rules = OpeningRule.objects.count()
    response = client.post("/admin/booking/rules/new/",
                           rule_data(rule, weekdays=[5], **changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert "si sovrappongono" not in html
    assert OpeningRule.objects.count() == rules


def _actions(html, booking):
    """The action buttons' labels offered on `booking`'s line of the calendar."""
    import re

    start = f'<li class="booking-entry" data-reference="{booking.reference}"'
    entry = re.search(re.escape(start) + r".*?</li>", html, re.S).group(0)
    return [re.sub(r"<span.*?</span>", "", label).strip() for label in
            re.findall(r'<button type="submit"[^>]*>(.*?)</button>', entry, re.S)]


def test_a_mark_is_corrected_from_the_calendar(client, segreteria, services):
    _interview, workstation = services
    yesterday = timezone.now() - datetime.timedelta(days=1)
    day = timezone.localtime(yesterday, MILAN).date()
    booking = book(workstation, yesterday)
    assert _actions(calendar(client, workstation, day).content.decode(), booking) == [
        "Presente", "Assente", "Annulla"]

    client.post(f"/admin/booking/bookings/{booking.pk}/attended/")
    assert _actions(calendar(client, workstation, day).content.decode(), booking) == [
        "Correggi: assente"]
    response = client.post(f"/admin/booking/bookings/{booking.pk}/no-show/", follow=True)
    assert "segnato come assente" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    correction = booking.events.get(kind="no_show")
    assert correction.by == segreteria and correction.note == "attended → no_show"
    assert _actions(calendar(client, workstation, day).content.decode(), booking) == [
        "Correggi: presente"]


def test_dates_at_the_ends_of_the_calendar_are_a_clear_message(client, segreteria, services):
    """0001-01-01 and 9999-12-31 are valid ISO dates, but a week's view around them
    overflows Python's dates: refused like any junk date, and the export goes back to
    the calendar with a message."""
    _interview, workstation = services
    for day in ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"):
        for view in ("day", "week"):
            response = client.get(CALENDAR, {"venue": workstation.venue_id,
                                             "service": workstation.pk, "day": day,
                                             "view": view})
            assert response.status_code == 400, (day, view)
            assert "non indica una data valida" in response.content.decode()
        for kind in ("csv", "xlsx"):
            response = client.get("/admin/booking/calendar/export/",
                                  {"service": workstation.pk, "day": day, "export": kind})
            assert response.status_code == 302, (day, kind)


def test_the_rule_form_labels_its_hours_as_hours(client, segreteria, services):
    """"from"/"to" of an opening rule are hours, not the «Stato precedente/Nuovo stato» of
    a request's history that share the English words."""
    html = client.get("/admin/booking/rules/new/").content.decode()
    assert "Dalle ore" in html and "Alle ore" in html
    assert "Stato precedente" not in html and "Nuovo stato" not in html
