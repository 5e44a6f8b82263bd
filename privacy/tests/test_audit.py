"""The audit trail (issue 15): views and exports recorded by the site, changes by
django-auditlog with their actor, one read-only screen for superusers."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.sites import site as django_admin_site
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from home.models import ContactPage
from privacy.audit import AUDITED_VIEWS, CHANGE_TRACKED_MODELS
from privacy.models import AccessEvent
from programme.models import ParticipationRequest
from programme.participation import change_status
from tests.admin_helpers import make_segreteria, speaks
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db

TRAIL = "/admin/privacy/audit-trail/"


@pytest.fixture
def giulia(client):
    assert client.post("/it/partecipa/", intake_data()).status_code == 302
    return ParticipationRequest.objects.get()


@pytest.fixture
def superuser():
    return make_user("dpo@comune.example.org", is_staff=True, is_superuser=True,
                     first_name="Dora", last_name="Protezione")


@pytest.fixture
def segreteria(django_user_model):
    user = make_segreteria(django_user_model)
    user.first_name, user.last_name = "Sara", "Neri"
    user.save()
    return user


def table(response):
    """The trail's lines, without the filter form (which lists every staff member)."""
    html = response.content.decode()
    start = html.find('<tbody data-trail>')
    return html[start:html.index("</tbody>", start)] if start >= 0 else ""


def events(action):
    return list(AccessEvent.objects.filter(action=action))


def test_viewing_a_request_records_viewed_with_its_reference(client, giulia, segreteria):
    client.force_login(segreteria)
    assert client.get(f"/admin/participation_requests/inspect/{giulia.pk}/").status_code == 200
    [event] = events(AccessEvent.Action.VIEWED)
    assert (event.actor, event.label, event.object_id) == (
        segreteria, giulia.reference, str(giulia.pk))
    assert event.content_type.model_class() is ParticipationRequest
    assert "Giulia" not in event.label and "Rossi" not in event.label


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exporting_requests_records_exported_with_the_row_count(
        client, giulia, segreteria, export_format):
    assert client.post("/it/partecipa/", intake_data(
        first_name="Luca", email="luca@example.org", phone="")).status_code == 302
    client.force_login(segreteria)
    response = client.get(f"/admin/participation_requests/?export={export_format}")
    assert response.status_code == 200
    [event] = events(AccessEvent.Action.EXPORTED)
    assert (event.actor, event.rows, event.object_id) == (segreteria, 2, "")
    assert event.content_type.model_class() is ParticipationRequest
    assert not events(AccessEvent.Action.VIEWED)


def test_the_messages_list_and_its_export_are_recorded(client, segreteria):
    assert client.post("/it/contatti/", contact_data()).status_code in {200, 302}
    client.force_login(segreteria)
    page = ContactPage.objects.get(locale__language_code="it")
    assert client.get(f"/admin/forms/submissions/{page.pk}/").status_code == 200
    assert client.get(f"/admin/forms/submissions/{page.pk}/?export=csv").status_code == 200
    [viewed] = events(AccessEvent.Action.VIEWED)
    [exported] = events(AccessEvent.Action.EXPORTED)
    assert viewed.rows == exported.rows == 1
    assert viewed.content_type == exported.content_type == ContentType.objects.get(
        app_label="wagtailforms", model="formsubmission")


def test_a_partner_viewing_its_referral_is_recorded(client, giulia):
    from accounts.models import Membership
    from tests.partner_helpers import add_member

    organisation, _admin = make_organisation()
    referrer = add_member(organisation, Membership.Role.REFERRER)
    giulia.organisation, giulia.referred_by = organisation, referrer
    giulia.save()
    client.force_login(referrer)
    url = reverse("partner:referral_detail", args=[giulia.pk])
    assert client.get(url).status_code == 200
    [event] = events(AccessEvent.Action.VIEWED)
    assert (event.actor, event.label) == (referrer, giulia.reference)


def test_other_pages_and_refused_views_record_nothing(client, giulia, segreteria):
    client.force_login(segreteria)
    for url in ["/admin/", "/admin/participation_requests/", "/it/", "/admin/group-seats/"]:
        assert client.get(url).status_code == 200, url
    # A partner refused the admin, a missing request: nothing was shown, nothing recorded.
    assert client.get("/admin/participation_requests/inspect/999999/").status_code != 200
    client.force_login(make_user("partner@example.org"))
    client.get(f"/admin/participation_requests/inspect/{giulia.pk}/")
    assert not AccessEvent.objects.exists()


def test_every_audited_view_name_still_exists():
    for name in AUDITED_VIEWS:
        try:
            reverse(name, kwargs={"pk": 1})
        except NoReverseMatch:
            reverse(name, kwargs={"page_id": 1})  # the messages' list, by its page


def test_a_status_change_is_in_auditlog_with_its_actor(giulia, segreteria):
    change_status(giulia, "contacted", by=segreteria, note="")
    from auditlog.context import set_actor

    with set_actor(segreteria):
        change_status(giulia, "not_eligible", by=segreteria, note="")
    updates = LogEntry.objects.get_for_object(giulia).filter(action=LogEntry.Action.UPDATE)
    assert updates.filter(actor=segreteria).exists()
    assert "entry_token" not in str(list(LogEntry.objects.values_list("changes", flat=True)))


def test_a_status_change_through_the_admin_names_who_made_it(client, giulia, segreteria):
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{giulia.pk}/status/",
                           {"status": "contacted", "note": ""})
    assert response.status_code == 302
    updates = LogEntry.objects.get_for_object(giulia).filter(action=LogEntry.Action.UPDATE)
    [status] = [entry for entry in updates if "status" in entry.changes_dict]
    assert status.actor == segreteria
    assert status.changes_dict["status"] == ["new", "contacted"]


def test_every_tracked_model_is_registered_and_secrets_are_left_out():
    from auditlog.registry import auditlog
    from django.apps import apps

    for label in CHANGE_TRACKED_MODELS:
        assert auditlog.contains(apps.get_model(label)), label
    fields = auditlog.get_model_fields(ParticipationRequest)
    assert "entry_token" in fields["exclude_fields"]


def test_the_trail_lists_views_exports_and_changes_filtered_by_person_and_staff(
        client, giulia, segreteria, superuser):
    assert client.post("/it/partecipa/", intake_data(
        first_name="Luca", last_name="Verdi", email="luca@example.org",
        phone="")).status_code == 302
    luca = ParticipationRequest.objects.exclude(pk=giulia.pk).get()
    client.force_login(segreteria)
    client.get(f"/admin/participation_requests/inspect/{giulia.pk}/")
    client.get(f"/admin/participation_requests/inspect/{luca.pk}/")
    client.get("/admin/participation_requests/?export=csv")
    client.post(f"/admin/participation_requests/{giulia.pk}/status/",
                {"status": "contacted", "note": ""})
    client.force_login(superuser)
    speaks(superuser, "en")
    page = table(client.get(TRAIL))
    assert giulia.reference in page and luca.reference in page
    assert "exported" in page and "viewed" in page and "changed" in page
    assert "Sara Neri" in page
    assert "Rossi" not in page  # the trail names records by reference

    by_person = table(client.get(TRAIL, {"person": giulia.reference}))
    assert giulia.reference in by_person and luca.reference not in by_person
    assert "changed" in by_person
    assert re.search(r"<td>[^<]*status[^<]*</td>", by_person, re.I)  # the field changed
    by_email = table(client.get(TRAIL, {"person": "LUCA@example.org"}))
    assert luca.reference in by_email and giulia.reference not in by_email

    client.get(f"/admin/participation_requests/inspect/{luca.pk}/")  # the superuser
    by_staff = table(client.get(TRAIL, {"actor": segreteria.pk}))
    assert "Sara Neri" in by_staff and "Dora Protezione" not in by_staff
    everyone = table(client.get(TRAIL))
    assert "Dora Protezione" in everyone
    assert everyone.index("Dora Protezione") < everyone.index("Sara Neri")  # newest first


def test_the_trail_in_italian_with_readable_dates(client, giulia, superuser):
    client.force_login(superuser)
    speaks(superuser, "it")
    client.get(f"/admin/participation_requests/inspect/{giulia.pk}/")
    page = client.get(TRAIL).content.decode()
    assert "Registro degli accessi" in page and "visualizzato" in page

    assert re.search(r"\d{1,2} [a-z]+ \d{4}, \d{2}:\d{2}", page)  # «30 novembre 2026, 01:08»


@pytest.mark.parametrize("query", [{"actor": "٢"}, {"actor": "999999"}, {"p": "²"},
                                   {"p": "999"}, {"person": "x" * 300}])
def test_junk_filters_get_a_message_not_a_500(client, superuser, query):
    client.force_login(superuser)
    speaks(superuser, "en")
    response = client.get(TRAIL, query)
    assert response.status_code == 200


def test_the_trail_is_paginated(client, superuser):
    ct = ContentType.objects.get_for_model(ParticipationRequest)
    AccessEvent.objects.bulk_create(
        AccessEvent(action="viewed", content_type=ct, object_id=str(n), label=f"MA-X-{n:03}")
        for n in range(60))
    client.force_login(superuser)
    first, second = table(client.get(TRAIL)), table(client.get(TRAIL, {"p": "2"}))
    assert first.count("MA-X-") == 50 and second.count("MA-X-") == 10


def test_segreteria_and_partners_get_403(client, segreteria):
    _organisation, partner = make_organisation()
    for user in (segreteria, partner):
        client.force_login(user)
        assert client.get(TRAIL).status_code == 403


def test_nobody_changes_or_deletes_the_trail(client, giulia, superuser, segreteria):
    client.force_login(segreteria)
    client.get(f"/admin/participation_requests/inspect/{giulia.pk}/")
    event = AccessEvent.objects.get()
    entry = LogEntry.objects.first()
    for user in (superuser, segreteria):
        client.force_login(user)
        for method in ("post", "put", "delete"):
            response = getattr(client, method)(TRAIL, {"person": "x"})
            assert response.status_code in {403, 404, 405}, (user, method)
        # No screen of the site edits either kind of line (Django's admin is not mounted).
        for url in [f"/admin/privacy/audit-trail/{event.pk}/delete/",
                    f"/admin/auditlog/logentry/{entry.pk}/delete/",
                    f"/django-admin/auditlog/logentry/{entry.pk}/delete/",
                    f"/admin/snippets/privacy/accessevent/delete/{event.pk}/"]:
            assert client.post(url).status_code in {302, 403, 404, 405}, url
    assert AccessEvent.objects.filter(pk=event.pk).exists()
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    request = RequestFactory().get("/")
    request.user = superuser
    request.resolver_match = None
    model_admin = django_admin_site._registry[LogEntry]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
