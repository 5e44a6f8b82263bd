"""The large-dataset seeder (programme/demo_scale.py): valid rows the site shows."""

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.management import call_command
from wagtail.models import Page

from programme.demo_scale import grow, vat_number
from programme.models import (
    Adhesion,
    Group,
    NewsIndexPage,
    NewsPage,
    ParticipationRequest,
    StatusChange,
)
from programme.participation import reference_for
from programme.seats import SEATED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def grown():
    return grow(news=6, groups=5, venues=2, requests=40, adherents=3)


def test_grow_returns_what_it_added(grown):
    assert grown == {"news": 6, "news_en": 3, "venues": 2, "groups": 5,
                     "meeting_slots": grown["meeting_slots"], "adherents": 3,
                     "requests": 40, "status_changes": 106}
    assert grown["meeting_slots"] == 7  # one each, two for every third group
    assert ParticipationRequest.objects.count() == 40
    assert StatusChange.objects.count() == 106  # 2.65 per request, as in issue 16


def test_grown_pages_are_a_valid_tree(grown):
    assert Page.find_problems() == ([], [], [], [], [])
    for index in NewsIndexPage.objects.all():
        assert index.numchild == index.get_children().count()
    english = NewsPage.objects.filter(locale__language_code="en", slug__startswith="news-")
    assert english.count() == 3
    for page in english:  # a translation as wagtail-localize makes it: same key
        original = page.get_translation(NewsPage.objects.get(pk=page.pk).locale.get_default())
        assert original.translation_key == page.translation_key
        assert original.slug.startswith("notizia-")


def test_each_request_has_its_reference_and_a_history_ending_in_its_status(grown):
    for request_obj in ParticipationRequest.objects.prefetch_related("history"):
        assert request_obj.reference == reference_for(request_obj)
        history = list(request_obj.history.all())
        assert history[0].from_status == "" and history[0].to_status == "new"
        assert history[-1].to_status == request_obj.status
        if request_obj.status in SEATED or request_obj.status == "waiting_list":
            assert request_obj.group_id is not None
    assert {r.status for r in ParticipationRequest.objects.all()} >= {
        "new", "contacted", "assigned", "attending", "completed", "waiting_list"}


def test_seats_are_never_over_filled():
    grow(groups=1, requests=200, search_index=False)
    for group in Group.objects.filter(locale__language_code="it"):
        assert group.seats_taken_now <= group.capacity


def test_status_changes_follow_the_mean_asked():
    counts = grow(requests=100, status_changes_per_request=1.5, search_index=False)
    assert counts["status_changes"] == 150


def test_organisations_have_valid_vat_numbers(grown):
    from accounts.organisations import normalise_tax_code

    assert normalise_tax_code(vat_number(7)) == vat_number(7)
    assert Adhesion.objects.listed().count() == 3


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError):
        grow(news=-1)


def test_the_site_shows_the_grown_data(client, grown, django_user_model):
    groups = client.get("/it/gruppi/")
    assert groups.status_code == 200
    assert Group.objects.filter(name__startswith="Gruppo ").first().name in groups.text
    protocol = client.get("/it/protocollo/")
    assert protocol.status_code == 200 and "Associazione " in protocol.text
    news = client.get("/it/notizie/")
    assert news.status_code == 200
    latest = NewsPage.objects.filter(locale__language_code="it").order_by("-date").first()
    assert latest.title in news.text
    assert client.get(latest.url).status_code == 200
    english = NewsPage.objects.filter(locale__language_code="en").order_by("-date").first()
    assert client.get(english.url).status_code == 200
    assert client.get("/en/news/").status_code == 200
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    search = client.get("/it/cerca/", {"q": "lavoro"})
    assert search.status_code == 200 and "Testimonianze dai gruppi" in search.text

    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.force_login(user)
    triage = client.get("/admin/participation_requests/")
    assert triage.status_code == 200
    newest = ParticipationRequest.objects.order_by("-created_at").first()
    assert newest.reference in triage.text


def test_the_command_grows_a_copy_and_refuses_a_live_site_by_default():
    from django.core.management.base import CommandError

    out = open("/dev/null", "w")  # noqa: SIM115
    with pytest.raises(CommandError):  # the test settings run with DEBUG off
        call_command("grow_demo_data", "--requests", "5", stdout=out)
    call_command("grow_demo_data", "--news", "2", "--requests", "5",
                 "--i-know-this-is-a-copy", stdout=out)
    assert ParticipationRequest.objects.count() == 5
