"""Review of issue 13: "Non è la stessa persona" sent twice (Back, then the button again)
is recorded once; the second send is told it was already recorded
(programme.duplicates.mark_not_duplicates)."""

import html

import pytest
from django.urls import reverse

from programme.models import StatusChange
from tests.test_duplicates import person, segreteria, speaks

pytestmark = pytest.mark.django_db
__all__ = ["segreteria"]  # the fixture, used by name

ALREADY = {"it": "Già registrato: {reference} non è la stessa persona.",
           "en": "Already recorded: {reference} is not the same person."}


@pytest.mark.parametrize("language", ["it", "en"])
def test_not_the_same_person_sent_twice_is_recorded_once(client, segreteria, language):
    speaks(segreteria, language)
    client.force_login(segreteria)
    a = person(1, email="same@example.org")
    b = person(2, email="same@example.org")
    url = reverse("participation_requests:not_duplicate", args=[a.pk])
    client.post(url, {"other": b.pk})
    notes = StatusChange.objects.count()
    assert b in a.not_duplicates.all()

    again = client.post(url, {"other": b.pk}, follow=True)

    assert again.status_code == 200
    assert StatusChange.objects.count() == notes  # no second pair of history notes
    assert ALREADY[language].format(reference=b.reference) in html.unescape(
        again.content.decode())
