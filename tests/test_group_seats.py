"""Seats and the status changes staff really make (issue 13): a group's public status
follows its seats, the Segreteria may close or pause it, the triage screen shows the
places left, assigns in one step, refuses a full group and records corrections."""

import json
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from programme.models import Group, ParticipationRequest, StatusChange
from programme.participation import change_status, correct_status
from programme.seats import PublicStatus, public_status, seats_left
from tests.admin_helpers import make_segreteria, speaks

pytestmark = pytest.mark.django_db

GROUPS_PAGE = {"it": "/it/gruppi/", "en": "/en/groups/"}


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
def small_group():
    group = Group.objects.canonical().order_by("name").first()
    group.capacity = 2
    group.status = Group.Status.AUTOMATIC
    group.save()
    return group


def person(n, status="new"):
    return ParticipationRequest.objects.create(
        first_name=f"Persona{n}", last_name="Prova", email=f"p{n}@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language="it", status=status,
        reference=f"MA-2026-9{n:04d}")


def card_status(client, group, language="it"):
    """The status badge of `group`'s card on the public groups page."""
    html = client.get(GROUPS_PAGE[language]).content.decode()
    name = group.get_translation(group.locale.__class__.objects.get(
        language_code=language)).name if language != "it" else group.name
    card = html[html.index(f">{escape(name)}</h3>"):]
    return re.search(r'data-status="(\w+)">([^<]+)<', card).groups()


def test_the_rule_seats_decide_unless_staff_closed_or_paused():
    assert public_status(Group.Status.AUTOMATIC, 12, 11) == PublicStatus.OPEN
    assert public_status(Group.Status.AUTOMATIC, 12, 12) == PublicStatus.FULL
    assert public_status(Group.Status.AUTOMATIC, 12, 13) == PublicStatus.FULL
    assert public_status(Group.Status.CLOSED, 12, 0) == PublicStatus.CLOSED
    assert public_status(Group.Status.PAUSED, 12, 12) == PublicStatus.PAUSED
    assert seats_left(12, 9) == 3 and seats_left(2, 3) == 0


def test_public_status_follows_the_seats_fill_then_free_one(client, segreteria, small_group):
    assert card_status(client, small_group) == ("open", "Aperto a nuovi partecipanti")
    first, second = person(1), person(2)
    change_status(first, "assigned", by=segreteria, group=small_group)
    assert card_status(client, small_group)[0] == "open"
    change_status(second, "assigned", by=segreteria, group=small_group)
    assert card_status(client, small_group) == ("full", "Al completo")
    assert card_status(client, small_group, "en") == ("full", "Full")
    change_status(second, "withdrawn", by=segreteria)
    assert card_status(client, small_group) == ("open", "Aperto a nuovi partecipanti")
    assert card_status(client, small_group, "en") == ("open", "Open to new participants")


def test_json_ld_gives_the_places_left(client, segreteria, small_group):
    change_status(person(1), "assigned", by=segreteria, group=small_group)
    html = client.get(GROUPS_PAGE["it"]).content.decode()
    nodes = []
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        nodes += data.get("@graph", [data]) if isinstance(data, dict) else data
    events = [n for n in nodes if n.get("@type") == "Event" and n["name"] == small_group.name]
    assert events, "the small group has meetings in the JSON-LD"
    assert {(e["maximumAttendeeCapacity"], e["remainingAttendeeCapacity"])
            for e in events} == {(2, 1)}


def test_segreteria_closes_and_reopens_a_group(client, segreteria, small_group):
    client.force_login(segreteria)
    listing = client.get("/admin/group-seats/")
    assert listing.status_code == 200
    assert small_group.name in listing.content.decode()
    response = client.post(f"/admin/group-seats/{small_group.pk}/status/",
                           {f"group-{small_group.pk}-status": "closed"}, follow=True)
    assert response.status_code == 200
    assert set(Group.objects.filter(translation_key=small_group.translation_key)
               .values_list("status", flat=True)) == {"closed"}
    assert card_status(client, small_group) == ("closed", "Non accetta nuovi partecipanti")
    assert card_status(client, small_group, "en") == ("closed", "Not taking new participants")
    with pytest.raises(ValidationError):
        change_status(person(1), "assigned", by=segreteria, group=small_group)
    client.post(f"/admin/group-seats/{small_group.pk}/status/",
                {f"group-{small_group.pk}-status": "auto"})
    assert card_status(client, small_group)[0] == "open"


def test_a_status_that_does_not_exist_is_refused_with_a_message(client, segreteria,
                                                                small_group):
    client.force_login(segreteria)
    response = client.post(f"/admin/group-seats/{small_group.pk}/status/",
                           {f"group-{small_group.pk}-status": "open-forever"}, follow=True)
    assert response.status_code == 200
    assert "Scegli uno degli stati proposti." in response.content.decode()
    small_group.refresh_from_db()
    assert small_group.status == "auto"


def test_only_the_segreteria_sets_a_groups_status(client, redattore, small_group):
    client.force_login(redattore)
    # Wagtail's admin answers a refusal with a redirect and a message.
    assert client.get("/admin/group-seats/").status_code in {302, 403}
    response = client.post(f"/admin/group-seats/{small_group.pk}/status/",
                           {f"group-{small_group.pk}-status": "closed"})
    assert response.status_code in {302, 403}
    small_group.refresh_from_db()
    assert small_group.status == "auto"


@pytest.mark.parametrize(("language", "left", "one_left", "full"), [
    ("it", "2 posti liberi", "1 posto libero", "al completo"),
    ("en", "2 places left", "1 place left", "full"),
])
def test_the_group_choice_shows_places_left_and_full_groups_are_marked(
        client, segreteria, small_group, language, left, one_left, full):
    speaks(segreteria, language)
    client.force_login(segreteria)
    request_obj = person(1)
    url = f"/admin/participation_requests/inspect/{request_obj.pk}/"

    def option():
        html = client.get(url).content.decode()
        select = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
        return re.search(rf'<option value="{small_group.pk}"([^>]*)>([^<]*)</option>',
                         select).groups()

    assert option() == ("", f"{small_group.name} — {left}")
    change_status(person(2), "assigned", by=segreteria, group=small_group)
    assert option() == ("", f"{small_group.name} — {one_left}")
    change_status(person(3), "assigned", by=segreteria, group=small_group)
    # Still selectable: a full group is the one to choose for its waiting list
    # (tests/test_waiting_list.py); assigning to it is refused with a message.
    attrs, label = option()
    assert "disabled" not in attrs and label == f"{small_group.name} — {full}"



@pytest.mark.parametrize(("language", "refusal"), [
    ("it", "non è ancora pubblicato"), ("en", "is not published yet")])
def test_a_group_not_yet_published_is_neither_offered_nor_joined(
        client, segreteria, small_group, language, refusal):
    from django.utils import translation

    from programme.triage import groups_with_seats

    Group.objects.filter(pk=small_group.pk).update(live=False)
    small_group.refresh_from_db()
    assert small_group not in groups_with_seats()
    for status in ("assigned", "waiting_list"):
        with translation.override(language), pytest.raises(ValidationError, match=refusal):
            change_status(person(1 if status == "assigned" else 2), status, by=segreteria,
                          group=small_group)
    assert not ParticipationRequest.objects.filter(group=small_group).exists()
    # "Gruppi e posti" says so instead of "Open to new participants".
    speaks(segreteria, language)
    client.force_login(segreteria)
    html = client.get("/admin/group-seats/").content.decode()
    row = re.search(rf"<th scope=\"row\">{re.escape(small_group.name)}</th>.*?</tr>", html,
                    re.S).group(0)
    assert {"it": "Non ancora pubblicato", "en": "Not published yet"}[language] in row



def test_a_new_request_is_assigned_in_one_save(client, segreteria, small_group):
    request_obj = person(1)
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{request_obj.pk}/status/",
                           {"status": "assigned", "group": small_group.pk}, follow=True)
    assert response.status_code == 200
    request_obj.refresh_from_db()
    assert request_obj.status == "assigned" and request_obj.group == small_group
    step = request_obj.history.last()
    assert (step.from_status, step.to_status, step.changed_by) == ("new", "assigned",
                                                                    segreteria)


@pytest.mark.parametrize(("language", "message"), [
    ("it", "è al completo: scegli un altro gruppo o la lista d'attesa"),
    ("en", "is full: choose another group or the waiting list"),
])
def test_a_full_group_is_refused_with_a_clear_message(client, segreteria, small_group,
                                                      language, message):
    speaks(segreteria, language)
    for n in (1, 2):
        change_status(person(n), "assigned", by=segreteria, group=small_group)
    third = person(3)
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{third.pk}/status/",
                           {"status": "assigned", "group": small_group.pk}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    third.refresh_from_db()
    assert third.status == "new" and third.group is None
    assert ParticipationRequest.objects.filter(group=small_group).count() == 2


def test_a_correction_needs_a_reason_and_is_recorded_and_shown(client, segreteria,
                                                                small_group):
    request_obj = person(1)
    change_status(request_obj, "withdrawn", by=segreteria)  # the wrong button
    client.force_login(segreteria)
    url = f"/admin/participation_requests/{request_obj.pk}/correct-status/"
    response = client.post(url, {"correction-status": "new", "correction-reason": " "},
                           follow=True)
    assert "Indica perché correggi lo stato." in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.status == "withdrawn"

    reason = "Ritirata per errore: aveva chiesto di spostare il colloquio"
    client.post(url, {"correction-status": "assigned", "correction-group": small_group.pk,
                      "correction-reason": reason})
    request_obj.refresh_from_db()
    assert request_obj.status == "assigned" and request_obj.group == small_group
    step = StatusChange.objects.filter(request=request_obj).last()
    assert step.is_correction and step.note == reason and step.changed_by == segreteria
    assert (step.from_status, step.to_status) == ("withdrawn", "assigned")
    page = client.get(f"/admin/participation_requests/inspect/{request_obj.pk}/")
    html = page.content.decode()
    assert reason in html and "(correzione)" in html


def test_a_correction_never_overfills_a_group(segreteria, small_group):
    for n in (1, 2):
        change_status(person(n), "assigned", by=segreteria, group=small_group)
    wrong = person(3, status="completed")
    with pytest.raises(ValidationError) as refused:
        correct_status(wrong, "assigned", by=segreteria, reason="Errore", group=small_group)
    assert small_group.name in refused.value.messages[0]
    wrong.refresh_from_db()
    assert wrong.status == "completed"


def _queries(client, url):
    # Warm, as in tests/test_query_bounds.py: twice, as the first visit remembers the
    # route and the second the routed page (pagecache.routing).
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more_groups_with_people(count):
    template = Group.objects.canonical().select_related("venue").first()
    for n in range(count):
        group = Group(locale=template.locale, name=f"Gruppo in più {n:02d}",
                      description="Un gruppo.", venue=template.venue, capacity=3)
        group.save()
        for k in range(n % 4):
            request_obj = person(100 + n * 4 + k, status="assigned")
            request_obj.group = group
            request_obj.save()


def test_queries_do_not_grow_with_groups_and_seats(client, segreteria):
    client.force_login(segreteria)
    request_obj = person(1)
    urls = [GROUPS_PAGE["it"], GROUPS_PAGE["en"], "/admin/group-seats/",
            f"/admin/participation_requests/inspect/{request_obj.pk}/"]
    before = {url: _queries(client, url) for url in urls}
    _more_groups_with_people(20)
    after = {url: _queries(client, url) for url in urls}
    assert before == after


def test_a_cached_groups_page_shows_the_new_status_at_once(client, settings, segreteria,
                                                            small_group):
    settings.PAGE_CACHE_SECONDS = 300
    assert card_status(client, small_group)[0] == "open"
    assert card_status(client, small_group)[0] == "open"  # now from the page cache
    for n in (1, 2):
        change_status(person(n), "assigned", by=segreteria, group=small_group)
    assert card_status(client, small_group)[0] == "full"
    from programme.seats import set_group_status

    set_group_status(small_group, Group.Status.PAUSED)
    assert card_status(client, small_group)[0] == "paused"


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has no row locks: its IMMEDIATE transactions take turns")
def test_a_seat_is_taken_under_the_groups_row_lock(segreteria, small_group):
    """Two clerks assigning the last seat at once: the second waits for the first's
    transaction on the group's row, then counts the seats again and is refused."""
    with CaptureQueriesContext(connection) as queries:
        change_status(person(1), "assigned", by=segreteria, group=small_group)
    locked = [q["sql"] for q in queries.captured_queries
              if 'FROM "programme_group"' in q["sql"] and "FOR UPDATE" in q["sql"]]
    assert locked, "the group's row is not locked before its seats are counted"
