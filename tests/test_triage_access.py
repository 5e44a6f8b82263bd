"""Who may read what people sent: every admin view of participation requests and contact
messages, for every kind of signed-in user outside the Segreteria.

Each view is asked for by each user; none may show a name, an email or a reference, and
none may change anything. The Segreteria's own answers are the control: the same URLs
answer it with the data, so a URL that stopped existing would fail here, not pass.
"""

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from wagtail.contrib.forms.models import FormSubmission

from accounts.models import Membership
from home.models import ContactPage
from programme.models import ParticipationRequest
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import add_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

SECRETS = [b"Giulia", b"giulia.rossi@example.org", b"Mario Bianchi", b"mario@example.org"]

# (method, URL); {request} is a participation request's id, {page} the contact page's.
VIEWS = [
    ("get", "/admin/participation_requests/"),
    ("get", "/admin/participation_requests/results/"),
    ("get", "/admin/participation_requests/?q=rossi"),  # her surname
    ("get", "/admin/participation_requests/?export=csv"),
    ("get", "/admin/participation_requests/?export=xlsx"),
    ("get", "/admin/participation_requests/inspect/{request}/"),
    ("get", "/admin/participation_requests/history/{request}/"),
    ("get", "/admin/participation_requests/usage/{request}/"),
    ("get", "/admin/participation_requests/edit/{request}/"),
    ("post", "/admin/participation_requests/edit/{request}/"),
    ("get", "/admin/participation_requests/delete/{request}/"),
    ("post", "/admin/participation_requests/delete/{request}/"),
    ("get", "/admin/participation_requests/new/"),
    ("post", "/admin/participation_requests/{request}/status/"),
    ("get", "/admin/forms/"),
    ("get", "/admin/forms/results/"),
    ("get", "/admin/forms/submissions/{page}/"),
    ("get", "/admin/forms/submissions/{page}/results/"),
    ("get", "/admin/forms/submissions/{page}/?export=csv"),
    ("get", "/admin/forms/submissions/{page}/?export=xlsx"),
    ("get", "/admin/forms/submissions/{page}/delete/?selected-submissions={submission}"),
    ("post", "/admin/forms/submissions/{page}/delete/?selected-submissions={submission}"),
]
# Editors see which pages are forms (an empty list for them): pages, not submissions.
LISTS_OF_FORMS = {"/admin/forms/", "/admin/forms/results/"}


def redazione():
    user = make_user("redattrice@comune.example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Redazione"))
    return user


def approvazione():
    user = make_user("approvatore@comune.example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Approvazione"))
    return user


def admin_access_only():
    """Staff who may enter the admin and nothing else."""
    user = make_user("ospite@comune.example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def partner_admin():
    _organisation, admin = make_organisation()
    return admin


def partner_referrer():
    organisation, _admin = make_organisation()
    return add_member(organisation, Membership.Role.REFERRER)


def account_without_role():
    return make_user("cittadina@example.org")


OUTSIDERS = [redazione, approvazione, admin_access_only, partner_admin, partner_referrer,
             account_without_role]


@pytest.fixture
def people_data(client):
    """One participation request and one contact message, sent through the public forms."""
    assert client.post("/it/partecipa/", intake_data()).status_code == 302
    assert client.post("/it/contatti/", contact_data()).status_code in {200, 302}
    request = ParticipationRequest.objects.get()
    submission = FormSubmission.objects.get()
    return {"request": request.pk, "page": ContactPage.objects.get(
        locale__language_code="it").pk, "submission": submission.pk}


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def ask(client, method, url, ids):
    url = url.format(**ids)
    if method == "get":
        return client.get(url)
    return client.post(url, {"status": "contacted", "note": "x", "first_name": "Hacked"})


@pytest.mark.parametrize("make_outsider", OUTSIDERS, ids=lambda maker: maker.__name__)
def test_no_one_outside_the_segreteria_reads_or_changes_what_people_sent(
    client, people_data, make_outsider
):
    client.force_login(make_outsider())
    for method, url in VIEWS:
        response = ask(client, method, url, people_data)
        allowed = {302, 403, 404} | ({200} if url in LISTS_OF_FORMS else set())
        assert response.status_code in allowed, (method, url, response.status_code)
        if response.status_code == 302:
            assert "/admin/participation_requests" not in response["Location"], (method, url)
        shown = content(response)
        leaked = [secret for secret in SECRETS if secret in shown]
        assert not leaked, (method, url, leaked)
    stored = ParticipationRequest.objects.get()
    assert (stored.first_name, stored.status) == ("Giulia", "new")
    assert stored.history.count() == 1
    assert FormSubmission.objects.count() == 1


def test_the_segreteria_reads_them_through_the_same_views(client, people_data):
    user = make_user("segreteria@comune.example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.force_login(user)
    readable = [
        "/admin/participation_requests/",
        "/admin/participation_requests/?export=csv",
        "/admin/participation_requests/inspect/{request}/",
        "/admin/forms/submissions/{page}/",
        "/admin/forms/submissions/{page}/?export=csv",
    ]
    for url in readable:
        response = client.get(url.format(**people_data))
        assert response.status_code == 200, url
        shown = content(response)
        assert b"Giulia" in shown or b"Mario Bianchi" in shown, url
