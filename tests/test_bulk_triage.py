"""Issue 13: the Segreteria selects several requests in the triage list and changes their
status, assigns them to a group (all or nothing, within the group's places) or exports
them (programme.bulk_triage, programme.triage_bulk)."""

import codecs
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme.models import Group, ParticipationRequest, StatusChange
from tests.admin_helpers import speaks

pytestmark = pytest.mark.django_db

LIST = "/admin/participation_requests/"
BULK = "/admin/bulk/programme/participationrequest/{action}/"


@pytest.fixture
def segreteria(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12,
        is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.force_login(user)
    return user


@pytest.fixture
def group():
    group = (Group.objects.canonical().filter(slots__isnull=False).order_by("name")
             .distinct().first())
    group.capacity = 3
    group.status = Group.Status.AUTOMATIC
    group.save()
    return group


def person(n, status="new", language="it"):
    return ParticipationRequest.objects.create(
        first_name=f"Nome{n}", last_name=f"Cognome{n}", email=f"b{n}@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language=language, status=status,
        reference=f"MA-2026-7{n:04d}")


def url(action, rows):
    return BULK.format(action=action) + "?" + urlencode(
        [("id", row.pk) for row in rows] + [("next", LIST)])


def statuses(rows):
    return [ParticipationRequest.objects.get(pk=row.pk).status for row in rows]


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.parametrize(("language", "words"), [
    ("it", ("Cambia stato", "Assegna a un gruppo", "Esporta", "Possibile doppione")),
    ("en", ("Change status", "Assign to a group", "Export", "Possible duplicate")),
])
def test_the_list_has_a_checkbox_per_row_and_the_three_actions(client, segreteria,
                                                               language, words):
    speaks(segreteria, language)
    rows = [person(1), person(2)]
    html = client.get(LIST).content.decode()
    for row in rows:
        assert f'data-object-id="{row.pk}"' in html
        assert f'id="request_{row.pk}_title"' in html  # the checkbox's description
    footer = html[html.index("data-bulk-action-footer"):]
    for action, label in zip(("change_status", "assign", "export"), words, strict=False):
        assert BULK.format(action=action) in footer and label in footer


def test_change_status_of_a_selection_records_each_step(client, segreteria):
    rows = [person(n) for n in range(1, 4)]
    page = client.get(url("change_status", rows))
    assert page.status_code == 200
    for row in rows:
        assert row.reference in page.content.decode()
    response = client.post(url("change_status", rows), {"status": "contacted",
                                                         "note": "Chiamate oggi"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert statuses(rows) == ["contacted"] * 3
    for row in rows:
        step = StatusChange.objects.filter(request=row).last()
        assert (step.from_status, step.to_status, step.changed_by, step.note) == (
            "new", "contacted", segreteria, "Chiamate oggi")
    assert "3 richieste aggiornate." in text(client.get(LIST))


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Queste richieste non possono passare a “Contattata”: {refs}. Non è stato "
           "cambiato nulla."),
    ("en", "These requests cannot become “Contacted”: {refs}. Nothing was changed."),
])
def test_a_status_some_rows_cannot_take_is_refused_for_all_with_their_references(
        client, segreteria, language, message):
    speaks(segreteria, language)
    rows = [person(1), person(2, status="completed"), person(3, status="attending")]
    response = client.post(url("change_status", rows), {"status": "contacted"})
    assert response.status_code == 200
    refs = ", ".join(row.reference for row in sorted(rows[1:], key=lambda r: r.pk))
    assert message.format(refs=refs) in text(response)
    assert statuses(rows) == ["new", "completed", "attending"]


def test_assign_a_selection_within_the_places_left(client, segreteria, group):
    rows = [person(1), person(2, language="en"), person(3, status="contacted")]
    mail.outbox.clear()
    response = client.post(url("assign", rows), {"group": group.pk})
    assert response.status_code == 302
    assert statuses(rows) == ["assigned"] * 3
    assert all(r.group == group for r in ParticipationRequest.objects.filter(
        pk__in=[row.pk for row in rows]))
    # The same mail as one by one: each person told, in their language.
    subjects = sorted(m.subject for m in mail.outbox if m.to[0].startswith("b"))
    assert len(subjects) == 3
    assert sum("You have a place" in s for s in subjects) == 1


@pytest.mark.parametrize(("language", "message"), [
    ("it", "posti liberi: 3, selezionate: 4. Non è stato cambiato nulla."),
    ("en", "places left: 3, selected: 4. Nothing was changed."),
])
def test_assigning_more_people_than_places_left_changes_nothing(client, segreteria, group,
                                                                language, message):
    speaks(segreteria, language)
    rows = [person(n) for n in range(1, 5)]
    mail.outbox.clear()
    response = client.post(url("assign", rows), {"group": group.pk})
    assert response.status_code == 200
    assert message in text(response)
    assert statuses(rows) == ["new"] * 4
    assert not StatusChange.objects.filter(request__in=rows).exists()
    assert mail.outbox == []
    for row in rows:  # the selection is still there to choose another group
        assert row.reference in text(response)


def test_a_closed_group_is_refused_in_bulk(client, segreteria, group):
    group.status = Group.Status.CLOSED
    group.save()
    rows = [person(1)]
    response = client.post(url("assign", rows), {"group": group.pk})
    assert "non accetta nuovi partecipanti" in text(response)
    assert statuses(rows) == ["new"]


def test_assign_without_a_group_or_with_junk_is_a_message(client, segreteria):
    rows = [person(1)]
    for data in ({}, {"group": "abc"}, {"group": "99999999"}):
        response = client.post(url("assign", rows), data)
        assert response.status_code == 200
        assert "error" in response.content.decode()
    assert statuses(rows) == ["new"]


def test_export_the_selection_only(client, segreteria):
    rows = [person(1), person(2)]
    other = person(3)
    page = client.get(url("export", rows))
    html = page.content.decode()
    links = re.findall(r'href="([^"]*export=(?:csv|xlsx)[^"]*)"', html)
    assert len(links) == 2
    csv_link = next(link for link in links if "export=csv" in link).replace("&amp;", "&")
    response = client.get(csv_link)
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    content = body.decode("utf-8-sig")
    assert rows[0].reference in content and rows[1].reference in content
    assert other.reference not in content
    xlsx = client.get(next(link for link in links if "export=xlsx" in link)
                      .replace("&amp;", "&"))
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]


def _queries(client, method, target, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(target, data or {})
    assert response.status_code in {200, 302}
    return len(queries)


def test_queries_grow_only_with_the_rows_changed(client, segreteria, group):
    group.capacity = 40
    group.save()
    people = [person(n) for n in range(1, 25)]
    client.get(url("change_status", people[:2]))  # warm per-process caches
    # The confirmation page and a refusal cost the same for any selection.
    assert (_queries(client, "get", url("change_status", people[:2]))
            == _queries(client, "get", url("change_status", people[:8])))
    group.capacity = 1
    group.save()
    assert (_queries(client, "post", url("assign", people[:2]), {"group": group.pk})
            == _queries(client, "post", url("assign", people[:8]), {"group": group.pk}))
    group.capacity = 40
    group.save()
    # Changing rows: a fixed cost per row changed, the same for the 2nd and the 6th.
    two = _queries(client, "post", url("change_status", people[0:2]), {"status": "contacted"})
    four = _queries(client, "post", url("change_status", people[2:6]), {"status": "contacted"})
    eight = _queries(client, "post", url("change_status", people[6:14]),
                     {"status": "contacted"})
    per_row = (four - two) // 2
    assert four - two == 2 * per_row and eight - four == 4 * per_row


def test_only_the_segreteria_uses_the_bulk_actions(client, django_user_model):
    editor = django_user_model.objects.create_user(
        username="red", email="red@example.org", password="x" * 12, is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client.force_login(editor)
    rows = [person(1)]
    for action in ("change_status", "assign", "export"):
        assert client.get(url(action, rows)).status_code in {302, 403}
    assert client.post(url("change_status", rows), {"status": "withdrawn"}).status_code in {
        302, 403}
    assert statuses(rows) == ["new"]


def test_junk_selections_are_refused_not_a_500(client, segreteria):
    # website/admin_guards.py answers an id that is not a number with a 400 first.
    client.raise_request_exception = False
    for query in ("id=abc", "id=%C2%B2", "id=all", "", "id=99999999"):
        response = client.get(BULK.format(action="change_status") + "?" + query,
                              follow=True)
        assert response.status_code in {400, 404}


@pytest.mark.parametrize(("language", "message"), [
    ("it", "potrebbero essere la stessa persona"),
    ("en", "may be the same person"),
])
def test_possible_duplicates_are_not_assigned_two_seats(client, segreteria, group, language,
                                                         message):
    from programme.duplicates import mark_not_duplicates

    speaks(segreteria, language)
    first, other = person(1), person(2)
    twin = person(3)
    ParticipationRequest.objects.filter(pk=twin.pk).update(email=first.email)
    # Both in the selection: refused, nothing changed.
    response = client.post(url("assign", [first, other, twin]), {"group": group.pk},
                           follow=True)
    assert message in text(response)
    assert f"{first.reference} – {twin.reference}" in text(response)
    assert statuses([first, other, twin]) == ["new"] * 3
    # One already sits in the group: its look-alike is refused too.
    client.post(url("assign", [first]), {"group": group.pk})
    response = client.post(url("assign", [twin, other]), {"group": group.pk}, follow=True)
    assert message in text(response) and statuses([twin, other]) == ["new", "new"]
    # Checked as two different people: assigned.
    mark_not_duplicates(first, twin, by=segreteria)
    client.post(url("assign", [twin, other]), {"group": group.pk})
    assert statuses([twin, other]) == ["assigned", "assigned"]
