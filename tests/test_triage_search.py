"""Issue 13: the Segreteria finds a request by a phone number in any spelling and by a
name written surname-first (programme.participation.search_requests)."""

import pytest
from django.contrib.auth.models import Group as AuthGroup

from programme.models import ParticipationRequest
from programme.participation import phone_search_digits, search_requests
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db

LIST = "/admin/participation_requests/"


@pytest.fixture
def people(client):
    client.post("/it/partecipa/", intake_data(first_name="Marta", last_name="Colombo",
                                              email="mc@example.org", phone="333 550 0123"))
    client.post("/en/apply/", intake_data(first_name="Ahmed", last_name="Kaur",
                                          email="ak@example.org", phone="02 884 47502"))
    client.post("/it/partecipa/", intake_data(first_name="Colombo", last_name="Bianchi",
                                              email="cb@example.org", phone="+39 347 111 2233"))
    assert ParticipationRequest.objects.count() == 3
    return {row.first_name: row for row in ParticipationRequest.objects.all()}


@pytest.fixture
def segreteria(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.force_login(user)
    return user


def found(text):
    return set(search_requests(ParticipationRequest.objects.all(), text)
               .values_list("first_name", flat=True))


@pytest.mark.parametrize("typed", ["333 5500", "3335500123", "+39 333 550 0123",
                                   "0039 333 5500123", "333-550-0123", "(333) 550.0123"])
def test_a_phone_is_found_in_any_spelling(people, typed):
    assert found(typed) == {"Marta"}


def test_a_landline_is_found_with_its_leading_zero_or_the_country_code(people):
    assert found("02 884 47502") == {"Ahmed"}
    assert found("+39 02 88447502") == {"Ahmed"}


@pytest.mark.parametrize("typed", ["colombo marta", "Marta Colombo", "COLOMBO  MARTA"])
def test_a_name_is_found_in_either_order(people, typed):
    assert found(typed) == {"Marta"}


def test_one_word_finds_it_in_the_first_or_the_last_name(people):
    assert found("colombo") == {"Marta", "Colombo"}
    assert found("colombo bianchi") == {"Colombo"}


def test_what_is_not_a_phone_is_not_searched_as_one(people):
    assert phone_search_digits("marta") == ""
    assert phone_search_digits("33") == ""  # too few digits to mean anything
    assert phone_search_digits("0039 333") == "39333"
    # Two digits no reference holds (references are MA-<year>-<pk>, and the pk depends
    # on how many rows the database's sequence handed out before: on PostgreSQL "12" was
    # in all three): searched as a reference, not as a phone, they find nobody.
    references = " ".join(person.reference for person in people.values())
    digits = next(pair for pair in ("12", "47", "86", "90", "58", "76", "31")
                  if pair not in references)
    assert found(digits) == set()


def test_a_long_search_is_bounded_and_answers(people):
    assert found("colombo " * 200) == {"Marta", "Colombo"}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_triage_list_searches_the_same_way(client, people, segreteria, language):
    client.cookies["django_language"] = language
    by_phone = client.get(LIST, {"q": "+39 333 5500"}).content.decode()
    assert "Colombo" in by_phone and "Kaur" not in by_phone and "Bianchi" not in by_phone
    by_name = client.get(LIST, {"q": "colombo marta"}).content.decode()
    assert people["Marta"].reference in by_name
    assert people["Colombo"].reference not in by_name
    by_reference = client.get(LIST, {"q": people["Ahmed"].reference}).content.decode()
    assert "Kaur" in by_reference and "Marta" not in by_reference
