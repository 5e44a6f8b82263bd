"""Issue 13: a clerk enters requests from the office without hitting the public per-IP
limit (signed-in Segreteria are exempt), and a form refused for what the person typed
does not count towards the limit (antispam.rate_limit.rate_limit / refund_attempt)."""

import pytest
from django.contrib.auth.models import Group as AuthGroup

from programme.models import ParticipationRequest
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(settings):
    """Counts live in fixed windows: a test crossing a window's end would start again
    at zero. One window longer than any run."""
    settings.SPAM_RATE_PERIOD = 10**9


@pytest.fixture
def segreteria(django_user_model):
    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="redazione-p4", email="redazione-p4@example.org", password="x" * 12)
    user.groups.add(AuthGroup.objects.get(name="Redazione"))
    return user


def apply(client, url, n, **overrides):
    return [client.post(url, intake_data(**{"email": f"p{i}@example.org", **overrides}))
            for i in range(n)]


@pytest.mark.parametrize("url", ["/it/partecipa/", "/en/apply/"])
def test_signed_in_segreteria_is_not_limited(client, settings, segreteria, url):
    settings.SPAM_RATE_LIMIT = 2
    client.force_login(segreteria)
    answers = apply(client, url, 5)
    assert [answer.status_code for answer in answers] == [302] * 5
    assert ParticipationRequest.objects.count() == 5


def test_the_office_exemption_does_not_use_up_the_addresss_allowance(
        client, settings, segreteria):
    settings.SPAM_RATE_LIMIT = 2
    client.force_login(segreteria)
    apply(client, "/it/partecipa/", 3)
    client.logout()
    answers = apply(client, "/it/partecipa/", 3)
    assert [answer.status_code for answer in answers] == [302, 302, 429]


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_everyone_else_is_still_limited(client, settings, editor, who):
    settings.SPAM_RATE_LIMIT = 2
    if who == "editor":
        client.force_login(editor)
    answers = apply(client, "/it/partecipa/", 3)
    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert ParticipationRequest.objects.count() == 2


@pytest.mark.parametrize(("url", "message"), [
    ("/it/partecipa/", "troppe volte"), ("/en/apply/", "too many times")])
def test_mistakes_corrected_do_not_count_but_spam_does(client, settings, url, message):
    settings.SPAM_RATE_LIMIT = 2
    mistakes = apply(client, url, 4, email="not-an-address")
    assert [answer.status_code for answer in mistakes] == [200] * 4
    assert [answer.status_code for answer in apply(client, url, 2)] == [302, 302]
    refused_as_spam = client.post(url, intake_data(website="https://spam.example"))
    assert refused_as_spam.status_code == 429
    assert message in refused_as_spam.content.decode()
