"""The Segreteria in the browser (issue 13): a selection assigned to a group up to its
places, refused beyond them; two requests of one person flagged in the list and on the
request, then merged."""

import re

import pytest
from django.contrib.auth.models import Group as AuthGroup

from programme.models import Group, ParticipationRequest
from tests.browser.helpers import sign_in
from tests.partner_helpers import make_user

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIST = "/admin/participation_requests/"


def segreteria():
    member = make_user("segreteria@comune.example.org", is_staff=True, first_name="Sara",
                       last_name="Neri")
    member.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return member


def person(n):
    return ParticipationRequest.objects.create(
        first_name=f"Nome{n}", last_name=f"Cognome{n}", email=f"sel{n}@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language="it",
        reference=f"MA-2026-6{n:04d}")


def select(page, rows):
    for row in rows:
        page.locator(f'input[data-bulk-action-checkbox][data-object-id="{row.pk}"]').check()


def test_bulk_assign_up_to_capacity(web):
    from playwright.sync_api import expect

    group = Group.objects.canonical().filter(slots__isnull=False).order_by("name").first()
    group.capacity = 4
    group.status = Group.Status.AUTOMATIC
    group.save()
    assert not ParticipationRequest.objects.filter(group=group).exists()
    people = [person(n) for n in range(1, 6)]
    page = web.new_page()
    sign_in(page.context, segreteria(), web.origin)
    page.goto(LIST)

    # Two people, four places: both assigned.
    select(page, people[:2])
    page.get_by_role("link", name="Assegna a un gruppo le richieste selezionate").click()
    expect(page.get_by_role("heading", name="Assegna a un gruppo")).to_be_visible()
    expect(page.locator("[data-selected-request]")).to_have_count(2)
    page.get_by_label("Gruppo").select_option(str(group.pk))
    page.get_by_role("button", name="Assegna al gruppo").click()
    page.wait_for_url(f"**{LIST}")
    expect(page.get_by_text("2 richieste aggiornate.")).to_be_visible()
    assert set(ParticipationRequest.objects.filter(group=group, status="assigned")
               .values_list("pk", flat=True)) == {people[0].pk, people[1].pk}

    # Three more, two places left: refused, nobody moved, the selection still there.
    select(page, people[2:])
    page.get_by_role("link", name="Assegna a un gruppo le richieste selezionate").click()
    page.get_by_label("Gruppo").select_option(str(group.pk))
    page.get_by_role("button", name="Assegna al gruppo").click()
    expect(page.get_by_text(re.compile(r"posti liberi: 2, selezionate: 3"))).to_be_visible()
    expect(page.locator("[data-selected-request]")).to_have_count(3)
    assert list(ParticipationRequest.objects.filter(pk__in=[p.pk for p in people[2:]])
                .values_list("status", flat=True)) == ["new"] * 3
    assert ParticipationRequest.objects.filter(group=group).count() == 2


def test_duplicate_flagged(web):
    from django.test import Client
    from playwright.sync_api import expect

    from tests.forms_helpers import intake_data

    # The same person applies twice, writing the phone number two ways.
    client = Client()
    client.post("/it/partecipa/", intake_data(first_name="Marta", last_name="Colombo",
                                              email="marta@example.org",
                                              phone="333 550 0123"))
    client.post("/it/partecipa/", intake_data(first_name="M.", last_name="Colombo",
                                              email="mc.lavoro@example.org",
                                              phone="+39 333-5500123"))
    first, second = ParticipationRequest.objects.filter(
        last_name="Colombo").order_by("pk")
    assert first.phone == second.phone  # stored the same: the flag's rule

    page = web.new_page()
    sign_in(page.context, segreteria(), web.origin)
    page.goto(LIST)
    for row in (first, second):
        line = page.locator("tr", has=page.get_by_role("link", name=row.reference))
        expect(line.get_by_text("Possibile doppione")).to_be_visible()

    page.get_by_role("link", name=first.reference).click()
    section = page.get_by_role("region", name=re.compile("Richieste che sembrano"))
    expect(section.get_by_text("Possibile doppione")).to_be_visible()
    expect(section.get_by_role("link", name=second.reference)).to_be_visible()
    expect(section.get_by_text("stesso telefono")).to_be_visible()
    section.get_by_role("button", name=f"Unisci {second.reference} a questa richiesta").click()
    expect(page.get_by_text(f"{second.reference} è stata unita a questa richiesta"))\
        .to_be_visible()
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into_id == first.pk
    page.goto(LIST)
    expect(page.get_by_text("Possibile doppione")).to_have_count(0)
