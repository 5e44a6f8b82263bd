"""The domain core of booking: slots from opening rules, closures and holidays; taking a
place (never oversold), the weekly limit, moving, cancelling, marking; affected bookings."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import translation
from wagtail.models import Locale

from booking import availability, bookings
from booking.models.bookings import Booking, BookingEvent, Closure, OpeningRule
from readable.dates import programme_timezone
from tests.booking_helpers import make_services

pytestmark = pytest.mark.django_db
ZONE = programme_timezone()
UTC = datetime.UTC
# A Wednesday morning in Milan; 2026-12-02 (Wednesday) is then bookable.
NOW = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def services():
    return make_services(valid_from=datetime.date(2026, 1, 1))


def milan(*args):
    return datetime.datetime(*args, tzinfo=ZONE)


def person(**overrides):
    data = {"reason": "Cercare lavoro", "details": "", "first_name": "Giulia",
            "last_name": "Rossi", "email": "giulia@example.org", "phone": ""}
    data.update(overrides)
    return data


def test_a_normal_day_has_the_rule_slots_with_free_places(services):
    interview, workstation = services
    slots = availability.slots_of_day(workstation, datetime.date(2026, 12, 2), now=NOW)
    assert [slot.starts_at.astimezone(ZONE).strftime("%H:%M") for slot in slots] == [
        "09:00", "11:00", "13:00", "15:00"]  # 17:00 would end after 18:00
    assert all(slot.places == 10 and slot.free == 10 for slot in slots)
    assert slots[0].starts_at == milan(2026, 12, 2, 9)
    assert slots[0].ends_at == milan(2026, 12, 2, 11)
    interview_slots = availability.slots_of_day(interview, datetime.date(2026, 12, 2), now=NOW)
    assert len(interview_slots) == 12  # 9:00 … 17:15, 45 minutes each
    assert availability.slots_of_day(interview, datetime.date(2026, 12, 5), now=NOW) == []


def test_the_english_translation_reads_the_canonical_rules_and_bookings(services):
    interview, _ = services
    english = interview.get_translation(Locale.objects.get(language_code="en"))
    start = milan(2026, 12, 2, 9)
    bookings.book(service=english, starts_at=start, data=person(), language="en", now=NOW)
    [slot] = [s for s in availability.slots_of_day(interview, start.date(), now=NOW)
              if s.starts_at == start]
    assert slot.free == 0
    assert Booking.objects.get().service == interview


def test_past_slots_and_days_beyond_the_window_are_not_offered(services):
    interview, _ = services
    later = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 11:00 in Milan
    slots = availability.slots_of_day(interview, datetime.date(2026, 12, 2), now=later)
    assert slots[0].starts_at == milan(2026, 12, 2, 11, 15)
    far = NOW.date() + datetime.timedelta(days=interview.days_ahead + 1)
    assert availability.slots_of_day(interview, far, now=NOW) == []
    assert availability.find_slot(interview, milan(2026, 11, 30, 9), now=NOW) is None


def test_a_closure_of_the_service_a_day_and_a_range(services):
    interview, workstation = services
    Closure.objects.create(venue=interview.venue, service=interview,
                           first_day=datetime.date(2026, 12, 2),
                           last_day=datetime.date(2026, 12, 4),
                           reason="Formazione degli operatori", reason_en="Staff training")
    for day in (2, 3, 4):
        assert availability.slots_of_day(interview, datetime.date(2026, 12, day), now=NOW) == []
    assert availability.slots_of_day(interview, datetime.date(2026, 12, 9), now=NOW)
    # The other service of the venue stays open.
    assert availability.slots_of_day(workstation, datetime.date(2026, 12, 3), now=NOW)
    month = {d.day: d for d in availability.month_availability(interview, 2026, 12, now=NOW)}
    assert month[datetime.date(2026, 12, 3)].free == 0
    with translation.override("it"):
        reason = availability.month_availability(interview, 2026, 12, now=NOW)[2].closed_reason
    assert reason == "Formazione degli operatori"
    with translation.override("en"):
        reason = availability.month_availability(interview, 2026, 12, now=NOW)[2].closed_reason
    assert reason == "Staff training"


def test_a_venue_wide_closure_closes_every_service_and_falls_back_to_italian(services):
    interview, workstation = services
    Closure.objects.create(venue=interview.venue, first_day=datetime.date(2026, 12, 10),
                           last_day=datetime.date(2026, 12, 10), reason="Disinfestazione")
    day = datetime.date(2026, 12, 10)
    assert availability.slots_of_day(interview, day, now=NOW) == []
    assert availability.slots_of_day(workstation, day, now=NOW) == []
    with translation.override("en"):
        month = availability.month_availability(workstation, 2026, 12, now=NOW)
    assert month[9].closed_reason == "Disinfestazione"


@pytest.mark.parametrize("day, italian, english", [
    (datetime.date(2027, 4, 26), None, None),  # a Monday, no holiday: control
    (datetime.date(2026, 12, 7), "Sant'Ambrogio", "Saint Ambrose's Day"),
    (datetime.date(2026, 12, 8), "Immacolata Concezione", "Immaculate Conception"),
])
def test_public_holidays_are_closed_by_default_with_their_name(services, day, italian, english):
    interview, _ = services
    slots = availability.slots_of_day(interview, day, now=NOW)
    if italian is None:
        return
    assert slots == []
    with translation.override("it"):
        [entry] = [d for d in availability.month_availability(interview, day.year, day.month,
                                                               now=NOW) if d.day == day]
    assert entry.closed_reason == italian and entry.free == 0
    with translation.override("en"):
        [entry] = [d for d in availability.month_availability(interview, day.year, day.month,
                                                               now=NOW) if d.day == day]
    assert entry.closed_reason == english


def test_liberation_day_and_a_rule_open_on_public_holidays(services):
    interview, _ = services
    liberation = datetime.date(2028, 4, 25)  # a Tuesday
    now = datetime.datetime(2028, 4, 1, tzinfo=UTC)
    assert availability.slots_of_day(interview, liberation, now=now) == []
    OpeningRule.objects.filter(service=interview).update(open_on_public_holidays=True)
    assert len(availability.slots_of_day(interview, liberation, now=now)) == 12


def test_overlapping_rules_are_refused_in_both_languages(services):
    interview, _ = services
    rule = OpeningRule(service=interview, weekdays=[2], opens=datetime.time(17),
                       closes=datetime.time(19), slot_minutes=30, places=1,
                       valid_from=datetime.date(2026, 6, 1))
    with translation.override("it"), pytest.raises(ValidationError) as italian:
        rule.full_clean()
    assert "si sovrappongono" in str(italian.value)
    with translation.override("en"), pytest.raises(ValidationError) as english:
        rule.full_clean()
    assert "overlap another opening rule" in str(english.value)
    rule.opens = datetime.time(18)  # touching ends do not overlap
    rule.full_clean()
    rule.weekdays = [5, 7]
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_identical_starts_of_overlapping_rows_give_one_slot(services):
    _, workstation = services
    OpeningRule.objects.create(service=workstation, weekdays=[2], opens=datetime.time(9),
                               closes=datetime.time(11), slot_minutes=120, places=3,
                               valid_from=datetime.date(2026, 1, 1))  # past clean()
    slots = availability.slots_of_day(workstation, datetime.date(2026, 12, 2), now=NOW)
    assert len([slot for slot in slots if slot.starts_at == milan(2026, 12, 2, 9)]) == 1


@pytest.mark.parametrize("count", [1, 100])
def test_availability_takes_a_fixed_number_of_queries(services, count,
                                                      django_assert_max_num_queries):
    _, workstation = services
    rows = [Booking(service=workstation, starts_at=milan(2026, 12, 2 + i % 20, 9),
                    ends_at=milan(2026, 12, 2 + i % 20, 11), place=1 + i // 20,
                    reason="x", first_name="A", last_name="B", email=f"p{i}@example.org",
                    privacy_notice_version="1", privacy_acknowledged_at=NOW)
            for i in range(count)]
    Booking.objects.bulk_create(rows)
    with django_assert_max_num_queries(6):
        availability.slots_of_day(workstation, datetime.date(2026, 12, 2), now=NOW)
    with django_assert_max_num_queries(6):
        availability.month_availability(workstation, 2026, 12, now=NOW)
    with django_assert_max_num_queries(6):
        availability.find_slot(workstation, milan(2026, 12, 2, 9), now=NOW)


@pytest.mark.parametrize("junk", [
    None, 12, "", "20261203T0800", "20261203T0800Z" * 1000, "2026120\x003T0800Z",
    "２０２６１２０３T0800Z", "20261303T0800Z", "20260230T0800Z", "99999999T9999Z",
    "20261203t0800z", " 20261203T0800Z",
])
def test_slot_tokens_never_raise_on_junk(junk):
    assert availability.parse_slot_token(junk) is None


def test_slot_token_round_trip():
    start = milan(2026, 12, 3, 9)
    assert availability.slot_token(start) == "20261203T0800Z"
    assert availability.parse_slot_token("20261203T0800Z") == start


def test_two_bookings_of_the_same_place_are_refused_by_the_database(services):
    interview, _ = services
    fields = {"service": interview, "starts_at": milan(2026, 12, 2, 9),
              "ends_at": milan(2026, 12, 2, 9, 45), "place": 1, "reason": "x",
              "first_name": "A", "last_name": "B", "email": "a@example.org",
              "privacy_notice_version": "1", "privacy_acknowledged_at": NOW}
    Booking.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(**{**fields, "email": "b@example.org"})
    # A cancelled booking does not hold its place.
    Booking.objects.filter(place=1).update(status=Booking.Status.CANCELLED)
    Booking.objects.create(**{**fields, "email": "b@example.org"})


def test_book_until_full_then_slot_full(services, django_capture_on_commit_callbacks):
    _, workstation = services
    start = milan(2026, 12, 2, 9)
    made = [bookings.book(service=workstation, starts_at=start,
                          data=person(email=f"p{i}@example.org"), language="it", now=NOW)
            for i in range(10)]
    assert sorted(b.place for b in made) == list(range(1, 11))
    assert all(b.reference == f"PA-2026-{b.pk:05d}" for b in made)
    assert made[0].privacy_notice_version and made[0].privacy_acknowledged_at == NOW
    with translation.override("en"), pytest.raises(bookings.SlotFull) as full:
        bookings.book(service=workstation, starts_at=start,
                      data=person(email="late@example.org"), language="it", now=NOW)
    assert "Il posto scelto è stato appena prenotato" in full.value.messages[0]
    assert Booking.objects.count() == 10


def test_a_place_taken_meanwhile_makes_book_try_the_next_one(services, monkeypatch):
    _, workstation = services
    start = milan(2026, 12, 2, 9)
    bookings.book(service=workstation, starts_at=start, data=person(email="a@example.org"),
                  language="it", now=NOW)
    # The booker read the places before someone else took place 1 and 2.
    monkeypatch.setattr(bookings, "_places_taken", lambda *args, **kwargs: set())
    second = bookings.book(service=workstation, starts_at=start,
                           data=person(email="b@example.org"), language="it", now=NOW)
    assert second.place == 2


def test_booking_an_unoffered_time_is_refused(services):
    interview, _ = services
    with pytest.raises(bookings.SlotUnavailable):
        bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9, 10), data=person(),
                      language="it", now=NOW)


def test_the_weekly_limit_counts_email_in_any_case_and_phone_in_any_spelling(services):
    interview, _ = services
    bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9),
                  data=person(phone="02 8844 7502"), language="it", now=NOW)
    with pytest.raises(bookings.LimitReached) as by_email:
        bookings.book(service=interview, starts_at=milan(2026, 12, 4, 10, 30),
                      data=person(email="GIULIA@Example.ORG"), language="it", now=NOW)
    assert by_email.value.messages[0] == (
        "Hai già una prenotazione per «Colloquio di orientamento» nella settimana "
        "30 novembre – 6 dicembre 2026: puoi averne al massimo 1 per settimana. Per "
        "spostare o annullare una prenotazione usa il link nella sua mail di conferma.")
    with pytest.raises(bookings.LimitReached) as by_phone:
        bookings.book(service=interview, starts_at=milan(2026, 12, 3, 9),
                      data=person(email="", phone="+39 02 88447502"), language="en", now=NOW)
    assert "Orientation interview" in by_phone.value.messages[0]
    assert "30 November to 6 December 2026" in by_phone.value.messages[0]
    # Another week is fine.
    bookings.book(service=interview, starts_at=milan(2026, 12, 9, 9), data=person(),
                  language="it", now=NOW)


def test_a_cancelled_booking_does_not_count_for_the_limit(services):
    interview, _ = services
    first = bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9), data=person(),
                          language="it", now=NOW)
    bookings.cancel(first)
    bookings.book(service=interview, starts_at=milan(2026, 12, 3, 9), data=person(),
                  language="it", now=NOW)


def test_move_keeps_the_reference_and_frees_the_old_place(services):
    interview, _ = services
    booking = bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9),
                            data=person(), language="it", now=NOW)
    reference, key = booking.reference, booking.access_key
    bookings.move(booking, milan(2026, 12, 2, 11, 15), now=NOW)
    assert booking.reference == reference and booking.access_key == key
    assert booking.starts_at == milan(2026, 12, 2, 11, 15)
    assert booking.ends_at == milan(2026, 12, 2, 12)
    free = {s.starts_at: s.free for s in availability.slots_of_day(
        interview, datetime.date(2026, 12, 2), now=NOW)}
    assert free[milan(2026, 12, 2, 9)] == 1 and free[milan(2026, 12, 2, 11, 15)] == 0
    other = bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9),
                          data=person(email="x@example.org"), language="it", now=NOW)
    with pytest.raises(bookings.SlotFull):
        bookings.move(other, milan(2026, 12, 2, 11, 15), now=NOW)
    assert [e.kind for e in booking.events.all()] == ["booked", "moved"]


def test_cancel_frees_the_place_and_records_who(services, demo_editor):
    interview, _ = services
    start = milan(2026, 12, 2, 9)
    booking = bookings.book(service=interview, starts_at=start, data=person(),
                            language="it", now=NOW)
    with pytest.raises(ValidationError):
        bookings.cancel(booking, by=demo_editor, reason="  ")  # staff must say why
    bookings.cancel(booking, by=demo_editor, reason="Operatore malato")
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_by == demo_editor
    assert BookingEvent.objects.filter(booking=booking, kind="cancelled",
                                       by=demo_editor).exists()
    assert availability.find_slot(interview, start, now=NOW).free == 1
    with pytest.raises(ValidationError):
        bookings.cancel(booking)


def test_attended_and_no_show_only_once_the_slot_has_started(services, demo_editor):
    interview, _ = services
    start = milan(2026, 12, 2, 9)
    booking = bookings.book(service=interview, starts_at=start, data=person(),
                            language="it", now=NOW)
    with pytest.raises(ValidationError) as early:
        bookings.mark_attended(booking, by=demo_editor, now=NOW)
    assert early.value.code == "not_started"
    bookings.mark_attended(booking, by=demo_editor, now=start)
    assert booking.status == Booking.Status.ATTENDED
    assert booking.events.filter(kind="attended", by=demo_editor).exists()


def test_affected_bookings_lists_what_a_closure_or_rule_change_touched(services):
    interview, workstation = services
    kept = bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9), data=person(),
                         language="it", now=NOW)
    hit = bookings.book(service=interview, starts_at=milan(2026, 12, 10, 9), data=person(),
                        language="it", now=NOW)
    desk = bookings.book(service=workstation, starts_at=milan(2026, 12, 10, 9),
                         data=person(), language="it", now=NOW)
    assert list(bookings.affected_bookings(interview, now=NOW)) == []
    Closure.objects.create(venue=interview.venue, first_day=datetime.date(2026, 12, 10),
                           last_day=datetime.date(2026, 12, 10), reason="Sciopero")
    assert list(bookings.affected_bookings(interview, now=NOW)) == [hit]
    assert set(bookings.affected_bookings(venue=interview.venue, now=NOW)) == {hit, desk}
    # A rule change: the interviews now start at 10:00.
    OpeningRule.objects.filter(service=interview).update(opens=datetime.time(10))
    assert kept in bookings.affected_bookings(interview, now=NOW)


def test_a_cancellation_is_in_the_audit_trail_with_its_actor_and_no_personal_data(
        services, demo_editor):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    interview, _ = services
    booking = bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9),
                            data=person(), language="it", now=NOW)
    with set_actor(demo_editor):
        bookings.cancel(booking, by=demo_editor, reason="Operatore malato")
    entries = LogEntry.objects.get_for_object(booking)
    [update] = [entry for entry in entries.filter(action=LogEntry.Action.UPDATE)
                if "status" in entry.changes_dict]
    assert update.actor == demo_editor
    assert update.changes_dict["status"] == ["confirmed", "cancelled"]
    text = " ".join(f"{entry.changes} {entry.object_repr}" for entry in entries)
    assert "Giulia" not in text and "giulia@example.org" not in text
    assert "Operatore malato" not in text


def test_a_booking_without_email_or_phone_is_refused_with_a_message(services):
    interview, _ = services
    with pytest.raises(ValidationError) as refused:
        bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9),
                      data=person(email="", phone=" "), language="it", now=NOW)
    assert refused.value.messages == ["Indica un indirizzo email o un numero di telefono."]
    assert not Booking.objects.exists()


# --- Review fixes (issue 18): languages, rule bounds, corrections ----------------------


def test_a_move_to_an_unoffered_time_reads_in_the_persons_italian(services):
    interview, _ = services
    booking = bookings.book(service=interview, starts_at=milan(2026, 12, 2, 9),
                            data=person(), language="it", now=NOW)
    with translation.override("en"), pytest.raises(bookings.SlotUnavailable) as refused:
        bookings.move(booking, milan(2026, 12, 2, 9, 10), now=NOW)
    assert refused.value.messages == [
        "L'orario scelto non è più prenotabile: scegli un altro orario."]
    with translation.override("en"), pytest.raises(ValidationError) as same:
        bookings.move(booking, milan(2026, 12, 2, 9), now=NOW)
    assert same.value.messages == ["La tua prenotazione è già a quest'ora."]


TRANSLATED_MODULES = ["booking/bookings.py", "booking/availability.py",
                      "booking/admin_forms.py", "booking/admin_views.py",
                      "booking/calendar_admin.py", "booking/models/bookings.py"]
SAME_IN_ITALIAN = {"email"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy"}


def _messages_of(path):
    """The literal msgids of the gettext calls in `path` (what makemessages finds)."""
    found = []
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GETTEXT and node.args:
                first = node.args[1 if name.startswith("pgettext") else 0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((name, node.args))
    return found


@pytest.mark.parametrize("path", TRANSLATED_MODULES)
def test_every_message_of_the_booking_rules_has_an_italian_translation(path):
    # availability.py and calendar_admin.py have none today: the test guards new ones.
    messages = _messages_of(path)
    untranslated = []
    with translation.override("it"):
        for name, args in messages:
            values = [arg.value for arg in args if isinstance(arg, ast.Constant)]
            if name.startswith("pgettext"):
                text = translation.pgettext(values[0], values[1])
                english = values[1]
            elif name == "ngettext":
                text, english = translation.ngettext(values[0], values[1], 1), values[0]
            else:
                text, english = translation.gettext(values[0]), values[0]
            if text == english and english not in SAME_IN_ITALIAN:
                untranslated.append(english)
    assert untranslated == []


def test_a_message_is_never_built_from_a_hidden_msgid():
    # A literal passed to a helper that calls gettext later is invisible to makemessages.
    source = Path("booking/bookings.py").read_text()
    assert "_in(language, gettext" not in source
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_in":
            assert not any(isinstance(arg, ast.Constant) for arg in node.args)


def _rule(service, **changes):
    fields = {"service": service, "weekdays": [5], "opens": datetime.time(9),
              "closes": datetime.time(12), "slot_minutes": 30, "places": 2,
              "valid_from": datetime.date(2027, 1, 1)}
    fields.update(changes)
    return OpeningRule(**fields)


def test_a_rule_cannot_end_before_it_starts(services):
    interview, _ = services
    rule = _rule(interview, valid_until=datetime.date(2026, 12, 31))
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert list(refused.value.message_dict) == ["valid_until"]
    assert "non può finire prima di iniziare" in refused.value.message_dict[
        "valid_until"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()  # the database refuses it too
    _rule(interview, valid_until=datetime.date(2027, 1, 1)).full_clean()  # one day


@pytest.mark.parametrize("field, value, fine", [
    ("places", 70000, 500), ("places", 0, 1),
    ("slot_minutes", 721, 720), ("slot_minutes", 4, 5)])
def test_a_rules_places_and_slot_length_are_bounded(services, field, value, fine):
    interview, _ = services
    rule = _rule(interview, **{field: value})
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        rule.full_clean()
    expected = ("Un turno ha da 1 a 500 posti." if field == "places"
                else "Un turno dura da 5 a 720 minuti (12 ore).")
    assert refused.value.message_dict[field] == [expected]
    # SQLite stores any number: the constraint refuses it (PostgreSQL's smallint, too).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        rule.save()
    setattr(rule, field, fine)
    rule.full_clean()


def test_the_overlap_error_speaks_to_one_person(services):
    interview, _ = services
    rule = _rule(interview, weekdays=[2], valid_from=datetime.date(2026, 6, 1))
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "cambia i giorni, gli orari o le date di validità" in str(refused.value)


def test_a_mis_tap_between_present_and_absent_is_corrected(services, demo_editor):
    interview, _ = services
    start = milan(2026, 12, 2, 9)
    booking = bookings.book(service=interview, starts_at=start, data=person(),
                            language="it", now=NOW)
    bookings.mark_attended(booking, by=demo_editor, now=start)
    assert bookings.can_mark(booking, Booking.Status.NO_SHOW)
    assert bookings.is_correction(booking, Booking.Status.NO_SHOW)
    bookings.mark_no_show(booking, by=demo_editor, now=start)
    assert booking.status == Booking.Status.NO_SHOW
    correction = booking.events.get(kind="no_show")
    assert correction.by == demo_editor and correction.at is not None
    assert correction.note == "attended → no_show"
    bookings.mark_attended(booking, by=demo_editor, now=start)
    assert booking.status == Booking.Status.ATTENDED
    assert booking.events.filter(kind="attended").last().note == "no_show → attended"
    with translation.override("it"), pytest.raises(ValidationError) as again:
        bookings.mark_attended(booking, by=demo_editor, now=start)
    assert again.value.messages == ["Questa prenotazione è già segnata come presente."]


def test_a_cancelled_booking_is_never_marked(services, demo_editor):
    interview, _ = services
    start = milan(2026, 12, 2, 9)
    booking = bookings.book(service=interview, starts_at=start, data=person(),
                            language="it", now=NOW)
    bookings.cancel(booking)
    assert not bookings.can_mark(booking, Booking.Status.ATTENDED)
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        bookings.mark_no_show(booking, by=demo_editor, now=start)
    assert refused.value.code == "not_active"
    assert "non si può segnare" in refused.value.messages[0]
