"""Exports cost the same number of queries whatever the number of rows (issue 16, P1).

Each export is made with a few rows and again with many more, every row pointing at a
venue, a group and an organisation of its own (the foreign keys the export reads): the
number of queries must be the same. Before issue 16 each row cost one query per foreign
key (12 -> 31,081 queries on 20,000 requests).
"""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale

from accounts.models import Organisation
from home.models import ContactPage
from programme.models import Group, ParticipationRequest, Venue
from tests.admin_helpers import make_segreteria, speaks

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 25
serial = itertools.count(1)


def seed_requests(count):
    """`count` participation requests, each with its own venue, group and referring
    organisation (bulk inserts)."""
    italian = Locale.get_default()
    venues, groups, organisations, requests = [], [], [], []
    for _ in range(count):
        n = next(serial)
        venue = Venue.objects.create(
            locale=italian, name=f"Sede di scala {n}", street_address=f"via Scala {n}",
            postal_code="20100", city="Milano", latitude="45.46", longitude="9.19")
        venues.append(venue)
        groups.append(Group.objects.create(locale=italian, name=f"Gruppo di scala {n}",
                                           description="Un gruppo.", venue=venue,
                                           facilitators="Anna"))
        organisations.append(Organisation(
            name=f"Associazione di scala {n}", kind=Organisation.Kind.ASSOCIATION,
            tax_code=f"{90000000000 + n:011d}", email=f"info{n}@example.org"))
    organisations = Organisation.objects.bulk_create(organisations)
    now = timezone.now()
    for venue, group, organisation in zip(venues, groups, organisations, strict=True):
        n = next(serial)
        requests.append(ParticipationRequest(
            reference=f"MA-SC-{n:06d}", first_name="Maria", last_name=f"Rossi {n}",
            email=f"maria.{n}@example.org", phone="+390288447502",
            preferred_channel=ParticipationRequest.Channel.EMAIL,
            employment_status=ParticipationRequest.EmploymentStatus.UNEMPLOYED,
            situation_since=datetime.date(2026, 1, 1), preferred_venue=venue,
            heard_from=ParticipationRequest.HeardFrom.WEBSITE, privacy_notice_version="1",
            privacy_acknowledged_at=now, language="it",
            source=ParticipationRequest.Source.PARTNER_REFERRAL,
            organisation=organisation, group=group,
            status=ParticipationRequest.Status.ASSIGNED))
    ParticipationRequest.objects.bulk_create(requests)


def seed_messages(page, count):
    FormSubmission.objects.bulk_create(
        FormSubmission(page=page, form_data={"name": f"Persona {n}", "email":
                                             f"p{n}@example.org", "message": "Ciao"})
        for n in range(count))


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
    assert response.status_code == 200, url
    assert body
    return len(queries), body


@pytest.fixture
def segreteria(client, django_user_model):
    user = make_segreteria(django_user_model)
    speaks(user, "it")
    client.force_login(user)
    return user


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_triage_export_costs_the_same_queries_for_few_and_many_rows(
        client, segreteria, export_format):
    url = f"/admin/participation_requests/?export={export_format}"
    seed_requests(SMALL)
    client.get(url)  # warm: per-process caches filled
    small, _ = queries_of(client, url)
    seed_requests(LARGE - SMALL)
    large, body = queries_of(client, url)
    assert ParticipationRequest.objects.count() >= LARGE
    assert large == small, f"{small} queries for {SMALL} rows, {large} for {LARGE}"
    if export_format == "csv":
        text = body.decode("utf-8-sig")
        # The foreign keys are read (joined in), not left empty.
        assert "Sede di scala" in text and "Gruppo di scala" in text
        assert "Associazione di scala" in text


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_triage_selection_export_costs_the_same_queries(client, segreteria,
                                                           export_format):
    seed_requests(LARGE)
    ids = list(ParticipationRequest.objects.values_list("pk", flat=True))
    base = f"/admin/participation_requests/?export={export_format}"
    url_few = base + "".join(f"&id={pk}" for pk in ids[:SMALL])
    url_many = base + "".join(f"&id={pk}" for pk in ids[:LARGE])
    client.get(url_few)
    small, _ = queries_of(client, url_few)
    large, _ = queries_of(client, url_many)
    assert large == small


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_messages_export_costs_the_same_queries_for_few_and_many_rows(
        client, django_user_model, export_format):
    page = ContactPage.objects.get(locale=Locale.get_default())
    user = make_segreteria(django_user_model)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.force_login(user)
    url = f"/admin/forms/submissions/{page.pk}/?export={export_format}"
    seed_messages(page, SMALL)
    client.get(url)
    small, _ = queries_of(client, url)
    seed_messages(page, LARGE - SMALL)
    large, _ = queries_of(client, url)
    assert large == small


def test_an_export_reads_the_rows_once_not_once_more_to_count_them(client, segreteria):
    # Wagtail's listing context reads the whole list (len) before the export reads it
    # again: the export skips that screen-only work and counts with COUNT(*).
    seed_requests(SMALL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/participation_requests/?export=csv")
        b"".join(response.streaming_content)
    selects = [q["sql"] for q in queries.captured_queries
               if 'FROM "programme_participationrequest"' in q["sql"]
               and "SELECT" in q["sql"].upper()  # PostgreSQL's iterator: DECLARE … SELECT
               and "COUNT(" not in q["sql"].upper()]
    # The rows' keys in the list's order, then the rows of the one chunk.
    assert len(selects) == 2, selects
    # The screen's "possible duplicate" flag (a subquery per row) is not in the file.
    assert "EXISTS" not in " ".join(selects).upper()


def test_each_chunk_is_its_own_query_and_the_order_is_kept(client, segreteria, monkeypatch):
    """No read stays open between chunks (exports.spreadsheets._in_chunks): on SQLite a
    background export's progress write failed with "database is locked" while its
    progress page, refreshing, wrote the staff member's session."""
    import exports.spreadsheets

    monkeypatch.setattr(exports.spreadsheets, "EXPORT_CHUNK_SIZE", 2)
    seed_requests(5)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/participation_requests/?export=csv")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    chunks = [q["sql"] for q in queries.captured_queries
              if 'FROM "programme_participationrequest"' in q["sql"]
              and '"programme_participationrequest"."id" IN' in q["sql"]]
    assert len(chunks) == 3, chunks
    expected = list(ParticipationRequest.objects.order_by("-created_at", "-pk")
                    .values_list("reference", flat=True))
    assert [line.split(";")[0] for line in body.splitlines()[1:]] == expected
