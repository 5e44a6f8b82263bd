"""The waiting list keeps its group (issue 13): an entry waits for one group, in order;
each group shows its list on "Gruppi e posti" and the request its place in line; a freed
seat, whatever freed it, is offered to the first person waiting — shown to the
Segreteria with "Assegna", counted in the digest —, never taken silently."""

import datetime
import html as html_lib
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from programme.duplicates import merge_requests
from programme.models import Group, MeetingSlot, ParticipationRequest, StatusChange
from programme.participation import change_status, correct_status
from programme.seats import set_group_status
from programme.triage_alerts import digest_context, send_triage_digest
from programme.waiting_list import (
    accept_offer,
    days_waited,
    seat_offers,
    waiting_list,
    waiting_position,
)
from tests.admin_helpers import make_segreteria, speaks

pytestmark = pytest.mark.django_db

Status = ParticipationRequest.Status
SEATS = "/admin/group-seats/"


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


@pytest.fixture
def small_group():
    group = Group.objects.canonical().order_by("name").first()
    group.capacity = 2
    group.status = Group.Status.AUTOMATIC
    group.save()
    return group


@pytest.fixture
def other_group(small_group):
    group = Group.objects.canonical().exclude(pk=small_group.pk).order_by("name").first()
    group.capacity = 12
    group.status = Group.Status.AUTOMATIC
    group.save()
    return group


def person(n, status="new"):
    return ParticipationRequest.objects.create(
        first_name=f"Persona{n}", last_name="Prova", email=f"p{n}@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language="it", status=status,
        reference=f"MA-2026-8{n:04d}")


@pytest.fixture
def full_with_queue(segreteria, small_group):
    """small_group full (people 1 and 2 assigned) and three waiting: 3, 4, 5 in order."""
    seated = [change_status(person(n), "assigned", by=segreteria, group=small_group)
              for n in (1, 2)]
    waiting = [change_status(person(n), "waiting_list", by=segreteria, group=small_group)
               for n in (3, 4, 5)]
    return seated, waiting


def text(response):
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                         response.content.decode())))


# --- The entry keeps its group, dated ----------------------------------------------------


def test_the_waiting_list_takes_a_group_even_a_full_one_and_dates_the_entry(
        client, segreteria, small_group, full_with_queue):
    newcomer = person(9)
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{newcomer.pk}/status/",
                           {"status": "waiting_list", "group": small_group.pk},
                           follow=True)
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert newcomer.status == "waiting_list" and newcomer.group == small_group
    assert timezone.now() - newcomer.waiting_since < datetime.timedelta(minutes=1)
    step = newcomer.history.last()
    assert (step.to_status, step.group) == ("waiting_list", small_group)


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Scegli il gruppo nella cui lista d'attesa entra questa persona"),
    ("en", "Choose the group whose waiting list this person joins"),
])
def test_the_waiting_list_without_a_group_is_refused_with_a_message(
        client, segreteria, language, message):
    speaks(segreteria, language)
    newcomer = person(9)
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{newcomer.pk}/status/",
                           {"status": "waiting_list", "group": ""}, follow=True)
    assert response.status_code == 200
    assert message in text(response)
    newcomer.refresh_from_db()
    assert newcomer.status == "new" and newcomer.waiting_since is None


def test_a_full_group_can_be_chosen_and_is_marked_full(client, segreteria, small_group,
                                                       full_with_queue):
    client.force_login(segreteria)
    html = client.get(f"/admin/participation_requests/inspect/{person(9).pk}/").content.decode()
    select = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
    attrs, label = re.search(
        rf'<option value="{small_group.pk}"([^>]*)>([^<]*)</option>', select).groups()
    assert "disabled" not in attrs and label == f"{small_group.name} — al completo"


def test_the_date_is_kept_while_on_the_list_and_cleared_when_it_leaves(
        segreteria, small_group, other_group, full_with_queue):
    _seated, (first, _second, _third) = full_with_queue
    since = first.waiting_since
    # A correction moving the entry to another group's list keeps its place in time.
    correct_status(first, "waiting_list", by=segreteria, reason="Preferisce l'altro",
                   group=other_group)
    first.refresh_from_db()
    assert (first.group, first.waiting_since) == (other_group, since)
    change_status(first, "withdrawn", by=segreteria)
    first.refresh_from_db()
    assert (first.status, first.group, first.waiting_since) == ("withdrawn", None, None)


def test_from_the_waiting_list_an_assignment_takes_a_seat_in_that_group(
        client, segreteria, small_group, full_with_queue):
    (leaving, _), (first, *_rest) = full_with_queue
    client.force_login(segreteria)
    url = f"/admin/participation_requests/inspect/{first.pk}/"
    html = client.get(url).content.decode()
    select = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{small_group.pk}"[^>]*selected', select), \
        "the group waited for is chosen already"
    # Full: refused with the message, nothing changes.
    response = client.post(f"/admin/participation_requests/{first.pk}/status/",
                           {"status": "assigned"}, follow=True)
    assert "è al completo" in text(response)
    first.refresh_from_db()
    assert first.status == "waiting_list" and first.group == small_group
    change_status(leaving, "withdrawn", by=segreteria)
    mail.outbox.clear()
    change_status(first, "assigned", by=segreteria)  # no group given: the one waited for
    first.refresh_from_db()
    assert (first.status, first.group, first.waiting_since) == ("assigned", small_group,
                                                                 None)
    assert [m.to for m in mail.outbox] == [[first.email]]  # the assignment mail


# --- The list in order, on Gruppi e posti and on the request ------------------------------


def test_the_list_is_in_order_of_waiting_then_number(segreteria, small_group,
                                                     full_with_queue):
    _seated, (third, fourth, fifth) = full_with_queue
    earlier = timezone.now() - datetime.timedelta(days=3)
    ParticipationRequest.objects.filter(pk__in=[fourth.pk, fifth.pk]).update(
        waiting_since=earlier)
    assert list(waiting_list(small_group)) == [fourth, fifth, third]
    assert [waiting_position(ParticipationRequest.objects.get(pk=p.pk))
            for p in (fourth, fifth, third)] == [(1, 3), (2, 3), (3, 3)]
    assert waiting_position(ParticipationRequest.objects.get(pk=_seated[0].pk)) is None
    assert days_waited(earlier) == 3 and days_waited(timezone.now()) == 0


@pytest.mark.parametrize(("language", "words"), [
    ("it", {"count": "3 in attesa", "title": "Lista d'attesa", "days": "4 giorni",
            "today": "da oggi", "position": "Posizione nella lista d'attesa di"}),
    ("en", {"count": "3 waiting", "title": "Waiting list", "days": "4 days",
            "today": "since today", "position": "Position on the waiting list of"}),
])
def test_each_group_shows_its_waiting_list_in_order(client, segreteria, small_group,
                                                    full_with_queue, language, words):
    _seated, (third, fourth, fifth) = full_with_queue
    ParticipationRequest.objects.filter(pk=fifth.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=4))
    speaks(segreteria, language)
    client.force_login(segreteria)
    seats = client.get(SEATS)
    row = re.search(rf"<tr>\s*<th scope=\"row\">{re.escape(small_group.name)}</th>.*?</tr>",
                    seats.content.decode(), re.S).group(0)
    assert words["count"] in row
    page = client.get(f"/admin/group-seats/{small_group.pk}/waiting-list/")
    assert page.status_code == 200
    body = text(page)
    assert words["title"] in body
    references = re.findall(r"MA-2026-8\d{4}", body)
    assert references == [fifth.reference, third.reference, fourth.reference]
    assert words["days"] in body and words["today"] in body
    inspect = text(client.get(f"/admin/participation_requests/inspect/{third.pk}/"))
    assert re.search(rf"{words['position']} [«“] ?{re.escape(small_group.name)} ?[»”]: "
                     r"2 (di|of) 3", inspect)


# --- A freed seat is offered to the first person waiting ---------------------------------


def free_by_withdrawing(seated, segreteria, **_):
    change_status(seated, "withdrawn", by=segreteria)


def free_by_completing(seated, segreteria, **_):
    change_status(seated, "attending", by=segreteria)
    change_status(seated, "completed", by=segreteria)


def free_by_moving_to_another_group(seated, segreteria, other_group, **_):
    correct_status(seated, "assigned", by=segreteria, reason="Gruppo sbagliato",
                   group=other_group)


def free_by_moving_to_another_waiting_list(seated, segreteria, other_group, **_):
    change_status(seated, "waiting_list", by=segreteria, group=other_group)


def free_by_unreachable(seated, segreteria, **_):
    change_status(seated, "unreachable", by=segreteria)


def free_by_not_eligible(seated, segreteria, **_):
    correct_status(seated, "not_eligible", by=segreteria, reason="Fuori requisiti")


def free_by_correcting_to_new(seated, segreteria, **_):
    correct_status(seated, "new", by=segreteria, reason="Assegnata per errore")


def free_by_merging(seated, segreteria, other_group, **_):
    # The same person asked again and already has a seat in another group: the seated
    # request is merged into that one, whose seat the person keeps; this one frees.
    # (Merged into a request with no place, the seat would pass to it instead:
    # tests/test_duplicates.py.)
    keep = person(77)
    change_status(keep, Status.ASSIGNED, by=segreteria, group=other_group)
    merge_requests(keep, seated, by=segreteria)
    seated.refresh_from_db()
    assert seated.status == Status.MERGED


def free_by_raising_the_capacity(seated, segreteria, small_group, **_):
    small_group.capacity = 3
    small_group.save()


def free_by_reopening(seated, segreteria, small_group, **_):
    set_group_status(small_group, Group.Status.CLOSED)
    assert seat_offers() == []  # a closed group takes nobody, even with a free seat
    change_status(seated, "withdrawn", by=segreteria)
    assert seat_offers() == []
    set_group_status(small_group, Group.Status.AUTOMATIC)


@pytest.mark.parametrize("free", [
    free_by_withdrawing, free_by_completing, free_by_moving_to_another_group,
    free_by_moving_to_another_waiting_list, free_by_unreachable, free_by_not_eligible,
    free_by_correcting_to_new, free_by_merging, free_by_raising_the_capacity,
    free_by_reopening,
], ids=lambda f: f.__name__)
def test_every_way_a_seat_frees_offers_it_to_the_first_person_waiting(
        segreteria, small_group, other_group, full_with_queue, free):
    (seated, _), (first, second, _third) = full_with_queue
    assert seat_offers() == []
    free(seated=seated, segreteria=segreteria, small_group=small_group,
         other_group=other_group)
    offers = seat_offers()
    # (Moved to the list of a group with free seats, the person is offered one there.)
    [offer] = [offer for offer in offers if offer.group.pk == small_group.pk]
    assert (offer.participation, offer.position) == (first, 1)
    first.refresh_from_db()
    assert first.status == "waiting_list"  # offered, not assigned behind staff's back
    assert digest_context()["offers_count"] == len(offers)


def test_raising_the_capacity_in_the_groups_edit_offers_the_seats(
        client, demo_editor, segreteria):
    venue = Group.objects.canonical().first().venue
    group = Group(locale=Locale.get_default(), name="Gruppo del lunedì", venue=venue,
                  description="Nuovo.", capacity=1)
    group.slots = [MeetingSlot(weekday=0, start=datetime.time(18), end=datetime.time(20))]
    group.save()
    change_status(person(1), "assigned", by=segreteria, group=group)
    first = change_status(person(2), "waiting_list", by=segreteria, group=group)
    second = change_status(person(3), "waiting_list", by=segreteria, group=group)
    client.force_login(demo_editor)
    slot = group.slots.get()
    response = client.post(f"/admin/snippets/programme/group/edit/{group.pk}/",
                           nested_form_data({
                               "name": group.name, "description": group.description,
                               "venue": venue.pk, "facilitators": "", "language": "it",
                               "capacity": 3, "status": "auto",
                               "slots": inline_formset([{
                                   "id": slot.pk, "weekday": 0, "start": "18:00",
                                   "end": "20:00", "valid_from": "", "valid_until": ""}],
                                   min=1),
                               "cancelled_meetings": inline_formset([]),
                               "holiday_meetings": inline_formset([]),
                               "action-publish": "action-publish",
                           }))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.capacity == 3
    assert [(o.participation, o.position) for o in seat_offers()] == [(first, 1),
                                                                       (second, 2)]


@pytest.mark.parametrize(("language", "offer_text", "done"), [
    ("it", "Posto libero in «{group}»: proponilo a {reference}", "{reference} è assegnata"),
    ("en", "Free seat in “{group}”: offer it to {reference}", "{reference} is assigned"),
])
def test_the_segreteria_sees_the_offer_and_assigns_in_one_click(
        client, segreteria, small_group, full_with_queue, language, offer_text, done):
    (seated, _), (first, second, _third) = full_with_queue
    speaks(segreteria, language)
    client.force_login(segreteria)
    assert offer_text.format(group=small_group.name, reference=first.reference) \
        not in text(client.get(SEATS))
    change_status(seated, "withdrawn", by=segreteria)
    for url in (SEATS, "/admin/"):
        body = text(client.get(url))
        assert offer_text.format(group=small_group.name, reference=first.reference) in body
        assert second.reference not in body
    mail.outbox.clear()
    response = client.post(f"/admin/group-seats/offers/{first.pk}/assign/",
                           {"next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    first.refresh_from_db()
    assert (first.status, first.group) == ("assigned", small_group)
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert done.format(reference=first.reference) in text(client.get("/admin/"))
    assert seat_offers() == []  # the group is full again: nobody else is offered


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Nessun posto libero in «{group}» è proposto ora a {reference}"),
    ("en", "No free seat in “{group}” is offered to {reference} now"),
])
def test_the_second_in_line_cannot_jump_the_queue(client, segreteria, small_group,
                                                  full_with_queue, language, message):
    (seated, _), (first, second, _third) = full_with_queue
    change_status(seated, "withdrawn", by=segreteria)
    speaks(segreteria, language)
    client.force_login(segreteria)
    response = client.post(f"/admin/group-seats/offers/{second.pk}/assign/", follow=True)
    assert response.status_code == 200
    assert message.format(group=small_group.name, reference=second.reference) \
        in text(response)
    second.refresh_from_db()
    assert second.status == "waiting_list"


def test_a_stale_click_is_refused_and_an_outside_next_is_ignored(
        client, segreteria, small_group, full_with_queue):
    (seated, _), (first, *_rest) = full_with_queue
    change_status(seated, "withdrawn", by=segreteria)
    accept_offer(first, by=segreteria)  # another clerk was quicker
    client.force_login(segreteria)
    response = client.post(f"/admin/group-seats/offers/{first.pk}/assign/",
                           {"next": "https://elsewhere.example/admin/"})
    assert response["Location"] == SEATS
    assert "non è più in una lista d'attesa" in text(client.get(SEATS))
    assert StatusChange.objects.filter(request=first, to_status="assigned").count() == 1
    with pytest.raises(ValidationError):
        accept_offer(seated, by=segreteria)


def test_only_the_segreteria_sees_lists_and_assigns(client, django_user_model, small_group,
                                                    segreteria, full_with_queue):
    (seated, _), (first, *_rest) = full_with_queue
    change_status(seated, "withdrawn", by=segreteria)
    editor = django_user_model.objects.create_user(
        username="redattore", email="redattore@example.org", password="x" * 12,
        is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client.force_login(editor)
    assert client.get(f"/admin/group-seats/{small_group.pk}/waiting-list/").status_code \
        in {302, 403}
    assert client.post(f"/admin/group-seats/offers/{first.pk}/assign/").status_code \
        in {302, 403}
    first.refresh_from_db()
    assert first.status == "waiting_list"
    assert first.reference not in client.get("/admin/").content.decode()


def test_an_old_entry_without_a_group_is_pointed_out(client, segreteria):
    person(9, status="waiting_list")  # put on the list before it kept the group
    client.force_login(segreteria)
    assert ("1 persona è in lista d'attesa senza gruppo" in text(client.get(SEATS)))


# --- The digest -----------------------------------------------------------------------


@pytest.mark.parametrize(("language", "line"), [
    ("it", "1 posto libero proposto al primo in lista d'attesa"),
    ("en", "1 free seat offered to the first person on a waiting list"),
])
def test_the_digest_counts_the_offers_pending(segreteria, small_group, full_with_queue,
                                              language, line):
    (seated, _), _waiting = full_with_queue
    change_status(seated, "withdrawn", by=segreteria)
    ParticipationRequest.objects.filter(status__in=["new", "contacted"]).delete()
    segreteria.language = language
    segreteria.save()
    mail.outbox.clear()
    assert send_triage_digest() == 1  # an offer alone is worth the morning's mail
    [message] = mail.outbox
    assert line in message.body
    assert "Persona" not in message.body  # counts only, no names


# --- Bounded queries ----------------------------------------------------------------------


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_groups_and_people_waiting(client, segreteria,
                                                            small_group, full_with_queue):
    (seated, _), _waiting = full_with_queue
    change_status(seated, "withdrawn", by=segreteria)
    client.force_login(segreteria)
    urls = [SEATS, "/admin/", f"/admin/group-seats/{small_group.pk}/waiting-list/"]
    before = {url: _queries(client, url) for url in urls}
    template = Group.objects.canonical().first()
    for n in range(12):
        group = Group(locale=template.locale, name=f"Gruppo in coda {n:02d}",
                      description="Un gruppo.", venue=template.venue, capacity=2)
        group.save()
        for k in range(3):  # two seated would fill it; one seat free, and a queue
            request_obj = person(200 + n * 3 + k, status="waiting_list")
            ParticipationRequest.objects.filter(pk=request_obj.pk).update(
                group=group, waiting_since=timezone.now())
    for n in range(6):
        change_status(person(300 + n), "waiting_list", by=segreteria, group=small_group)
    assert len(seat_offers()) > 12
    after = {url: _queries(client, url) for url in urls}
    assert before == after



@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has no row locks: its IMMEDIATE transactions take turns")
def test_from_the_waiting_list_the_seat_is_taken_under_the_groups_row_lock(
        segreteria, small_group, full_with_queue):
    (seated, _), (first, *_rest) = full_with_queue
    change_status(seated, "withdrawn", by=segreteria)
    with CaptureQueriesContext(connection) as queries:
        accept_offer(first, by=segreteria)
    locked = [q["sql"] for q in queries.captured_queries
              if 'FROM "programme_group"' in q["sql"] and "FOR UPDATE" in q["sql"]]
    assert locked, "the group's row is not locked before its seats are counted"
