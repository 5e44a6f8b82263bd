"""Issue 13: possible duplicates are flagged in the triage list and on the request, and
can be merged with their history kept (programme.duplicates)."""

import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme.duplicates import (
    mark_not_duplicates,
    merge_requests,
    possible_duplicates,
    with_duplicate_flag,
)
from programme.models import Group, ParticipationRequest, StatusChange
from programme.participation import change_status
from tests.admin_helpers import make_segreteria, speaks

pytestmark = pytest.mark.django_db

LIST = "/admin/participation_requests/"
FLAG = {"it": "Possibile doppione", "en": "Possible duplicate"}


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


@pytest.fixture
def group():
    group = Group.objects.canonical().order_by("name").first()
    group.capacity = 5
    group.status = Group.Status.AUTOMATIC
    group.save()
    return group


def person(n, first="Persona", last=None, email=None, phone="", status="new"):
    return ParticipationRequest.objects.create(
        first_name=first, last_name=last or f"Prova{n}",
        email=f"p{n}@example.org" if email is None else email, phone=phone,
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language="it", status=status,
        reference=f"MA-2026-8{n:04d}")


def flagged():
    return set(with_duplicate_flag(ParticipationRequest.objects.all())
               .filter(possible_duplicate=True).values_list("reference", flat=True))


def test_same_email_whatever_the_case_is_a_possible_duplicate():
    a = person(1, email="Marta.Colombo@Example.org")
    b = person(2, email="marta.colombo@example.org")
    person(3)
    assert flagged() == {a.reference, b.reference}
    assert list(possible_duplicates(a)) == [b]


def test_same_phone_is_a_possible_duplicate_but_an_empty_one_is_not():
    a = person(1, phone="+393335500123")
    b = person(2, phone="+393335500123")
    person(3, phone="")
    person(4, phone="")
    assert flagged() == {a.reference, b.reference}


@pytest.mark.parametrize(("first", "last"), [
    ("marta", "colombo"), ("MARTA", "COLOMBO"), ("Colombo", "Marta"),
    ("Marta ", " Colombo"),
])
def test_same_name_in_any_case_or_order_is_a_possible_duplicate(first, last):
    a = person(1, first="Marta", last="Colombo")
    b = person(2, first=first, last=last)
    assert flagged() == {a.reference, b.reference}


def test_accents_spaces_and_apostrophes_do_not_hide_a_duplicate():
    a = person(1, first="Nicolò", last="D'Amico")
    b = person(2, first="Nicolo", last="Damico")
    c = person(3, first="Anna Maria", last="De Luca")
    d = person(4, first="Annamaria", last="Deluca")
    assert flagged() == {a.reference, b.reference, c.reference, d.reference}


def test_closed_requests_and_pairs_checked_as_different_people_are_not_flagged(segreteria):
    a = person(1, email="same@example.org")
    b = person(2, email="same@example.org")
    person(3, email="other@example.org", status="withdrawn")
    person(4, email="other@example.org")
    mark_not_duplicates(a, b, by=segreteria)
    assert flagged() == set()
    assert list(possible_duplicates(a)) == []


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_list_flags_possible_duplicates_in_words(client, segreteria, language):
    speaks(segreteria, language)
    client.force_login(segreteria)
    a = person(1, phone="+393335500123")
    b = person(2, phone="+393335500123")
    c = person(3)
    html = client.get(LIST).content.decode()
    rows = {ref: row for row in re.findall(r"<tr.*?</tr>", html, re.S)
            for ref in (a.reference, b.reference, c.reference) if ref in row}
    assert FLAG[language] in rows[a.reference] and FLAG[language] in rows[b.reference]
    assert FLAG[language] not in rows[c.reference]


def _list_queries(client):
    client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_flag_costs_the_same_queries_for_any_number_of_rows(client, segreteria):
    client.force_login(segreteria)
    person(1, email="x@example.org")
    person(2, email="x@example.org")
    before = _list_queries(client)
    for n in range(3, 15):
        person(n, email="y@example.org" if n % 2 else None, phone="+39333550012" + str(n % 3))
    assert _list_queries(client) == before


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_request_lists_its_duplicates_with_links_and_the_two_buttons(
        client, segreteria, language):
    speaks(segreteria, language)
    client.force_login(segreteria)
    a = person(1, first="Marta", last="Colombo")
    b = person(2, first="colombo", last="marta", email="mc@example.org")
    html = client.get(f"{LIST}inspect/{a.pk}/").content.decode()
    assert FLAG[language] in html
    assert f'href="{LIST}inspect/{b.pk}/"' in html
    merge, different = {"it": ("Unisci", "Non è la stessa persona"),
                        "en": ("Merge", "Not the same person")}[language]
    assert f">{merge}</button>" in html and f">{different}</button>" in html
    assert {"it": "stesso nome", "en": "same name"}[language] in html
    alone = person(3, first="Sola", last="Persona", email="sola@example.org")
    assert FLAG[language] not in client.get(f"{LIST}inspect/{alone.pk}/").content.decode()


def test_merge_keeps_history_passes_the_seat_and_copies_missing_contacts(
        client, segreteria, group):
    keep = person(1, first="Marta", last="Colombo", email="mc@example.org")
    duplicate = person(2, first="Marta", last="Colombo", email="mc@example.org",
                       phone="+393335500123")
    change_status(duplicate, "assigned", by=segreteria, group=group)
    steps_before = list(duplicate.history.values_list("pk", flat=True))
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{keep.pk}/merge/",
                           {"other": duplicate.pk}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{duplicate.reference} è stata unita a questa richiesta" in html
    assert "Copiati da quella richiesta: telefono." in html
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.group) == ("merged", keep, None)
    # The person's seat passes to the kept request (it had none).
    assert keep.phone == "+393335500123" and (keep.status, keep.group) == ("assigned", group)
    # The duplicate's history stays, with one more step; the kept one says what came in.
    assert set(steps_before) < set(duplicate.history.values_list("pk", flat=True))
    last = duplicate.history.last()
    assert (last.to_status, last.changed_by) == ("merged", segreteria)
    assert keep.reference in last.note
    note = keep.history.last()
    assert duplicate.reference in note.note and note.changed_by == segreteria
    assert list(ParticipationRequest.objects.filter(group=group, status="assigned")) == [keep]
    # Both screens link each other; the merged one is no longer flagged.
    assert f'href="{LIST}inspect/{duplicate.pk}/"' in client.get(
        f"{LIST}inspect/{keep.pk}/").content.decode()
    assert keep.reference in client.get(f"{LIST}inspect/{duplicate.pk}/").content.decode()
    assert flagged() == set()


def test_merge_refuses_itself_a_merged_request_and_what_the_user_cannot_see(
        segreteria, demo_editor, django_user_model):
    a, b, c = person(1), person(2), person(3)
    with pytest.raises(ValidationError, match="unita a sé stessa"):
        merge_requests(a, a, by=segreteria)
    merge_requests(a, b, by=segreteria)
    with pytest.raises(ValidationError, match="già stata unita"):
        merge_requests(b, c, by=segreteria)
    with pytest.raises(ValidationError, match="già stata unita"):
        merge_requests(c, b, by=segreteria)
    editor = django_user_model.objects.create_user(
        username="red", email="red@example.org", password="x" * 12, is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    with pytest.raises(ValidationError, match="non è tra quelle che puoi vedere"):
        merge_requests(a, c, by=editor)
    c.refresh_from_db()
    assert c.status == "new" and c.merged_into is None


@pytest.mark.parametrize(("language", "message"), [
    ("it", "non può essere unita a sé stessa"),
    ("en", "cannot be merged into itself"),
])
def test_a_refused_merge_is_a_message_in_the_admins_language(client, segreteria, language,
                                                            message):
    speaks(segreteria, language)
    client.force_login(segreteria)
    a = person(1)
    response = client.post(f"{LIST}{a.pk}/merge/", {"other": a.pk}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_junk_or_a_missing_request_is_a_message_not_a_500(client, segreteria):
    client.force_login(segreteria)
    a = person(1)
    for data, message in (({"other": "abc"}, "Quella richiesta non c'è più."),
                          ({"other": "99999999"}, "Quella richiesta non c'è più."),
                          ({}, "Scegli l'altra richiesta.")):
        response = client.post(f"{LIST}{a.pk}/merge/", data, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode().replace("&#x27;", "'")
    missing = client.post(f"{LIST}99999999/merge/", {"other": a.pk}, follow=True)
    assert missing.status_code == 404
    a.refresh_from_db()
    assert a.status == "new"


def test_only_the_segreteria_merges(client, django_user_model):
    editor = django_user_model.objects.create_user(
        username="red", email="red@example.org", password="x" * 12, is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    a, b = person(1), person(2)
    client.force_login(editor)
    response = client.post(f"{LIST}{a.pk}/merge/", {"other": b.pk})
    assert response.status_code in {302, 403}
    b.refresh_from_db()
    assert b.status == "new"


def test_not_the_same_person_removes_the_flag_and_is_in_both_histories(client, segreteria):
    a = person(1, email="same@example.org")
    b = person(2, email="same@example.org")
    client.force_login(segreteria)
    response = client.post(f"{LIST}{a.pk}/not-duplicate/", {"other": b.pk}, follow=True)
    assert "non è la stessa persona" in response.content.decode()
    assert flagged() == set()
    assert b in a.not_duplicates.all() and a in b.not_duplicates.all()
    for row, other in ((a, b), (b, a)):
        step = StatusChange.objects.filter(request=row).last()
        assert other.reference in step.note and step.changed_by == segreteria
    html = client.get(LIST).content.decode()
    assert FLAG["it"] not in html


def test_a_correction_cannot_merge_and_undoing_a_merge_clears_its_link(client, segreteria):
    from programme.participation import correct_status

    keep = person(1, first="Marta", last="Colombo")
    duplicate = person(2, first="Marta", last="Colombo")
    # "Merged" is not offered as a correction: it would say into which request nowhere.
    client.force_login(segreteria)
    speaks(segreteria, "it")
    page = client.get(f"{LIST}inspect/{duplicate.pk}/").content.decode()
    correction = page[page.index('name="correction-status"'):]
    assert 'value="merged"' not in correction[:correction.index("</select>")]
    with pytest.raises(ValidationError, match="Unisci|Merge"):
        correct_status(duplicate, "merged", by=segreteria, reason="stessa persona")
    # A merge made by mistake is put right: the request stands on its own again.
    merge_requests(keep, duplicate, by=segreteria)
    correct_status(duplicate, "new", by=segreteria, reason="persone diverse, stesso nome")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("new", None)
    assert [s.to_status for s in duplicate.history.all()][-2:] == ["merged", "new"]


def test_merging_keeps_the_persons_place_when_the_kept_request_has_none(
        client, segreteria, group):
    keep = person(1, first="Marta", last="Colombo")
    duplicate = person(2, first="Marta", last="Colombo")
    change_status(duplicate, "assigned", by=segreteria, group=group)
    client.force_login(segreteria)
    speaks(segreteria, "it")
    html = client.post(f"{LIST}{keep.pk}/merge/", {"other": duplicate.pk},
                       follow=True).content.decode()
    keep.refresh_from_db()
    # The seat passes, no one else is offered it, no second assignment mail.
    assert (keep.status, keep.group) == ("assigned", group)
    assert ParticipationRequest.objects.filter(group=group, status="assigned").count() == 1
    assert "Il suo posto passa a questa richiesta: Assegnata a un gruppo, gruppo" in html
    assert keep.history.last().to_status == "assigned"


def test_merging_says_when_the_duplicates_place_is_freed(client, segreteria, group):
    other_group = Group.objects.canonical().exclude(pk=group.pk).first()
    keep = person(1, first="Marta", last="Colombo")
    duplicate = person(2, first="Marta", last="Colombo")
    change_status(keep, "assigned", by=segreteria, group=other_group)
    change_status(duplicate, "assigned", by=segreteria, group=group)
    client.force_login(segreteria)
    speaks(segreteria, "en")
    html = client.post(f"{LIST}{keep.pk}/merge/", {"other": duplicate.pk},
                       follow=True).content.decode()
    assert "is freed: this request keeps its own" in html
    keep.refresh_from_db()
    assert (keep.status, keep.group) == ("assigned", other_group)


@pytest.mark.parametrize("junk", ["٢", "２", " 2", "2_0", "+2"])
def test_a_key_in_other_digits_is_not_a_choice(client, segreteria, junk):
    """Django's ModelChoiceField reads "٢" as 2 (int() does): not a key any form offered
    (typed_text.parameters.AsciiKeyChoiceField, used by every choice of a row by its key)."""
    keep = person(1, first="Marta", last="Colombo")
    other = person(2, first="Marta", last="Colombo")
    client.force_login(segreteria)
    speaks(segreteria, "it")
    data = {"other": junk.replace("2", str(other.pk)).replace("٢", "".join(
        chr(0x660 + int(d)) for d in str(other.pk))).replace("２", "".join(
        chr(0xFF10 + int(d)) for d in str(other.pk)))}
    client.post(f"{LIST}{keep.pk}/merge/", data, follow=True)
    other.refresh_from_db()
    assert other.status == "new" and other.merged_into is None


def test_the_matching_keys_follow_every_way_a_row_is_written():
    # The keys are computed by the database (generated columns), so an update that
    # bypasses save() — the purge's anonymisation, a bulk fix — keeps them right.
    a = person(1, first="Nicolò", last="De Luca", email="A@Example.org")
    b = person(2, first="Nicolo", last="Deluca", email="b@example.org")
    a.refresh_from_db()
    assert (a.email_key, a.first_key, a.last_key) == ("a@example.org", "nicolo", "deluca")
    assert flagged() == {a.reference, b.reference}
    ParticipationRequest.objects.filter(pk=b.pk).update(first_name="Anna")
    assert flagged() == set()


def test_the_matching_keys_are_indexed():
    # Each alternative of _same_person is an index lookup (the triage list checks every
    # request it shows against all the others).
    indexed = {tuple(index.fields) for index in ParticipationRequest._meta.indexes}
    assert {("email_key",), ("phone",), ("first_key", "last_key"), ("-created_at",)} <= indexed
