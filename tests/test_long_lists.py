"""Issue 16, long lists: the groups page (filters by venue, day and language, pages of
GROUPS_PER_PAGE), the feeds of all groups and of one venue, the protocol's adherents
and the admin triage list cost the same number of queries, and the groups page the same
size, with a few rows or many (programme/public_lists.py; rows added by
programme.demo_scale.grow)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from wagtail.models import Locale

from programme.demo_scale import grow
from programme.models import Group, GroupIndexPage, Venue
from programme.public_lists import (
    ADHERENTS_SHOWN_OPEN,
    GROUPS_PER_PAGE,
    MEETINGS_SHOWN,
    filter_query,
    page_of,
)
from tests.admin_helpers import make_segreteria

pytestmark = pytest.mark.django_db

PAGE = {"it": "/it/gruppi/", "en": "/en/groups/"}
PROTOCOL = {"it": "/it/protocollo/", "en": "/en/protocol/"}
TRIAGE = "/admin/participation_requests/"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """What is measured is rendering; the page cache has its own tests below."""
    settings.PAGE_CACHE_SECONDS = 0


def count_queries(client, url, status=200):
    # Warm: per-process caches (routes, locales) filled; twice, as the first visit
    # remembers the route and the second the routed page (pagecache.routing).
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(queries), [q["sql"] for q in queries.captured_queries]


def assert_same_counts(before, after):
    grown = {url: (before[url][0], after[url][0]) for url in before
             if before[url][0] != after[url][0]}
    assert not grown, (grown, {url: after[url][1] for url in grown})


def cards(html):
    """Names of the group cards on the page."""
    section = re.search(r'id="groups-title".*?</section>', html, re.S).group(0)
    return re.findall(r'<h3 class="card-title h5"[^>]*>(.*?)</h3>', section)


def status_line(html):
    return re.sub(r"\s+", " ", re.search(r'<p class="groups-count[^"]*" role="status" '
                                         r'aria-live="polite">(.*?)</p>', html, re.S).group(1))


def names(groups, lang):
    """The names citizens read in `lang` of `groups` (canonical rows): the published
    translation's, else the original's."""
    keys = {g.translation_key: g.name for g in groups}
    translated = dict(Group.objects.filter(translation_key__in=keys, live=True,
                                           locale__language_code=lang)
                      .values_list("translation_key", "name"))
    return {translated.get(key, name) for key, name in keys.items()}


def canonical_venue(name_start):
    return Venue.objects.get(locale=Locale.get_default(), name__startswith=name_start)


def venue_feed_url(lang, venue):
    page = GroupIndexPage.objects.get(locale__language_code=lang)
    return page.url + page.reverse_subpage("calendar_venue", args=[venue.pk])


# --- Query counts and size --------------------------------------------------------------

LIST_URLS = [
    PAGE["it"], PAGE["en"],
    PAGE["it"] + "?day=2", PAGE["en"] + "?language=it&page=2",
    PAGE["it"] + "calendario.ics", PAGE["en"] + "calendar.ics",
    PROTOCOL["it"], PROTOCOL["en"],
]


def test_public_lists_cost_the_same_queries_with_few_and_many_rows(client):
    grow(groups=GROUPS_PER_PAGE + 3, venues=2, adherents=3)
    venue_urls = [venue_feed_url("it", canonical_venue("Villa Scheibler")),
                  venue_feed_url("en", canonical_venue("Villa Scheibler"))]
    urls = LIST_URLS + venue_urls
    before = {url: count_queries(client, url) for url in urls}
    grow(groups=3 * GROUPS_PER_PAGE, venues=10, adherents=30)
    after = {url: count_queries(client, url) for url in urls}
    assert_same_counts(before, after)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_groups_page_lists_a_page_of_groups_and_stays_the_same_size(client, lang):
    grow(groups=GROUPS_PER_PAGE + 5, venues=3)
    total = Group.objects.canonical().published().count()
    first = client.get(PAGE[lang]).content.decode()
    assert len(cards(first)) == GROUPS_PER_PAGE
    grow(groups=4 * GROUPS_PER_PAGE)
    larger = client.get(PAGE[lang]).content.decode()
    assert len(cards(larger)) == GROUPS_PER_PAGE
    # A page's worth either way (686 KB for 300 groups before issue 16): the cards and
    # meetings of other groups, a few more page links.
    assert len(larger) < 1.1 * len(first) and len(larger) < 100_000, (len(first), len(larger))
    meetings = re.search(r'id="meetings-title".*?</section>', larger, re.S).group(0)
    assert meetings.count("<li") <= MEETINGS_SHOWN
    assert str(total + 4 * GROUPS_PER_PAGE) in status_line(larger)

    # Every group is on one page or another, once.
    seen, number = [], 1
    while True:
        html = client.get(PAGE[lang] + filter_query({}, number)).content.decode()
        if not cards(html):
            break
        seen += cards(html)
        if 'rel="next"' not in html:
            break
        number += 1
    assert len(seen) == len(set(seen)) == total + 4 * GROUPS_PER_PAGE


def test_the_triage_list_costs_the_same_queries_with_few_and_many_requests(
        client, django_user_model):
    client.force_login(make_segreteria(django_user_model))
    grow(requests=5, venues=2, groups=3)
    urls = [TRIAGE, TRIAGE + "?status=new", TRIAGE + "?q=colombo"]
    before = {url: count_queries(client, url) for url in urls}
    html = client.get(TRIAGE).content.decode()
    assert "Villa Scheibler" in html or "Sede" in html  # the venue column is filled
    grow(requests=45)
    after = {url: count_queries(client, url) for url in urls}
    assert_same_counts(before, after)


# --- Filters ------------------------------------------------------------------------------


@pytest.fixture
def many_groups():
    grow(groups=GROUPS_PER_PAGE + 10, venues=3)


@pytest.mark.parametrize(("lang", "tuesday", "matches"), [
    ("it", "martedì", "gruppi corrispondono ai filtri"),
    ("en", "Tuesday", "groups match the filters"),
])
def test_filter_by_day_lists_the_groups_meeting_that_day(client, many_groups, lang, tuesday,
                                                         matches):
    html = client.get(PAGE[lang], {"day": "2"}).content.decode()
    expected = names(Group.objects.canonical().published().filter(slots__weekday=1), lang)
    shown = cards(html)
    assert expected and set(shown) <= expected and len(shown) == min(len(expected),
                                                                   GROUPS_PER_PAGE)
    assert matches in status_line(html)
    assert f'<option value="2" selected>{tuesday}</option>'.lower() in html.lower()
    remove = {"it": "Togli i filtri", "en": "Remove filters"}[lang]
    assert f'href="{PAGE[lang]}">{remove}</a>' in html


@pytest.mark.parametrize("lang", ["it", "en"])
def test_filter_by_venue_lists_its_groups_and_links_its_feed(client, many_groups, lang):
    venue = Venue.objects.filter(locale=Locale.get_default(),
                                 name__startswith="Spazio comunale").order_by("pk").first()
    html = client.get(PAGE[lang], {"venue": str(venue.pk)}).content.decode()
    expected = names(Group.objects.filter(venue=venue), lang)
    assert expected and set(cards(html)) == expected
    assert f'href="{venue_feed_url(lang, venue)}"' in html
    # The only venue card is this one's.
    venues = re.search(r'id="venues-title".*?</section>', html, re.S).group(0)
    assert venues.count('class="card card-bg mb-4"') == 1


@pytest.mark.parametrize(("lang", "english"), [("it", "Inglese"), ("en", "English")])
def test_filter_by_language_and_combined_filters_keep_their_state_in_the_links(
        client, many_groups, lang, english):
    grow(groups=2 * GROUPS_PER_PAGE)
    in_english = names(Group.objects.canonical().published().filter(language="en"), lang)
    html = client.get(PAGE[lang], {"language": "en"}).content.decode()
    assert set(cards(html)) == in_english
    assert f'<option value="en" selected>{english}</option>' in html

    italian = Group.objects.canonical().published().filter(language="it")
    assert italian.count() > GROUPS_PER_PAGE
    html = client.get(PAGE[lang], {"language": "it", "day": "1"}).content.decode()
    expected = names(italian.filter(slots__weekday=0), lang)
    if len(expected) > GROUPS_PER_PAGE:
        assert f'href="{PAGE[lang]}?day=1&amp;language=it&amp;page=2" rel="next"' in html
    assert set(cards(html)) <= expected


@pytest.mark.parametrize(("lang", "nothing"), [
    ("it", "Nessun gruppo corrisponde a questi filtri."),
    ("en", "No group matches these filters."),
])
def test_no_group_matches_says_so_with_a_way_back(client, lang, nothing):
    html = client.get(PAGE[lang], {"day": "7"}).content.decode()  # nobody meets on Sunday
    assert cards(html) == []
    assert nothing in status_line(html)
    assert f'{nothing} <a href="{PAGE[lang]}">' in html


@pytest.mark.parametrize(("lang", "message"), [
    ("it", "Scegli una sede dall’elenco."),
    ("en", "Choose a venue from the list."),
])
@pytest.mark.parametrize("value", ["999999", "abc", "٣", "-1", "1" * 40])
def test_a_wrong_filter_value_is_a_clear_error_and_the_other_filters_still_apply(
        client, lang, message, value):
    response = client.get(PAGE[lang], {"venue": value, "day": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    remove = {"it": "Togli i filtri", "en": "Remove filters"}[lang]
    assert f'href="{PAGE[lang]}">{remove}</a>' in html
    assert set(cards(html)) == names(
        Group.objects.canonical().published().filter(slots__weekday=0), lang)


def test_the_filter_form_works_without_javascript(client):
    html = client.get(PAGE["en"]).content.decode()
    form = re.search(r'<form class="group-filters site-form" method="get" action="/en/groups/">.*?'
                     r"</form>", html, re.S).group(0)
    for name, label in (("venue", "Venue"), ("day", "Day of the week"),
                        ("language", "Language of the meetings")):
        assert re.search(rf'<label for="id_{name}">{label}</label>', form)
        assert f'name="{name}" ' in form
    assert '<button class="btn btn-primary" type="submit">' in form
    assert "Remove filters" not in form  # nothing to remove yet


# --- Pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "label", "previous"), [
    ("it", "Pagine dei gruppi", "Pagina precedente"),
    ("en", "Pages of the groups", "Previous page"),
])
def test_pages_are_linked_with_prev_and_next(client, many_groups, lang, label, previous):
    html = client.get(PAGE[lang], {"page": "2"}).content.decode()
    assert f'<nav class="pagination-wrapper" aria-label="{label}">' in html
    assert f'<a class="page-link" href="{PAGE[lang]}" rel="prev">' in html
    assert previous in html
    assert 'aria-current="page"><span class="visually-hidden">' in html
    assert f'<link rel="prev" href="{PAGE[lang]}">' in html
    first = client.get(PAGE[lang]).content.decode()
    assert f'href="{PAGE[lang]}?page=2" rel="next"' in first
    assert not set(cards(html)) & set(cards(first))


@pytest.mark.parametrize(("lang", "message"), [
    ("it", "Non c’è una pagina «%s» dei gruppi: questa è la pagina %d di %d."),
    ("en", "There is no page “%s” of the groups: this is page %d of %d."),
])
@pytest.mark.parametrize("asked", ["99", "0", "abc", "²", "12345", "-1"])
def test_a_page_that_does_not_exist_says_so_and_shows_one_that_does(
        client, many_groups, lang, message, asked):
    response = client.get(PAGE[lang], {"page": asked})
    assert response.status_code == 404  # never stored, never indexed
    html = response.content.decode()
    last = response.context["groups_page"].page.paginator.num_pages
    shown = last if asked == "99" else 1  # "12345": more digits than any page has
    assert message % (asked, shown, last) in html
    assert cards(html)


def test_page_of_is_a_plain_function():
    rows = list(range(45))
    assert page_of(rows, None, per_page=20).page.number == 1
    assert not page_of(rows, "3", per_page=20).missing
    assert page_of(rows, "4", per_page=20).page.number == 3
    assert page_of(rows, "4", per_page=20).asked == "4"
    assert page_of([], "1", per_page=20).page.number == 1
    links = page_of(list(range(400)), "10", per_page=20, filters={"day": "1"}).links
    assert (10, "?day=1&page=10") in links and (None, "") in links and (1, "?day=1") in links
    assert len(links) < 10  # an ellipsis, not every page


def test_pages_are_cached_and_filtered_lists_are_not(client, many_groups, settings):
    """Only ?page= of the whole list is stored (pagecache's KEPT_PARAMETERS): a few
    pages. Filtered lists have as many addresses as combinations of filters and pages:
    they are rendered every time, at the bounded cost measured above, and an address
    past the end is a 404, never stored."""
    settings.PAGE_CACHE_SECONDS = 300
    assert Client().get(PAGE["it"] + "?page=2")["X-Page-Cache"] == "miss"
    assert Client().get(PAGE["it"] + "?page=2")["X-Page-Cache"] == "hit"
    filtered = Client().get(PAGE["it"] + "?day=2")
    assert filtered.status_code == 200 and "X-Page-Cache" not in filtered
    for _ in range(2):
        missing = Client().get(PAGE["it"] + "?page=9999")
        assert missing.status_code == 404 and "X-Page-Cache" not in missing


@pytest.mark.parametrize(("path", "said"), [
    ("/it/notizie/", "Non c’è una pagina «9999» delle notizie"),
    ("/en/news/", "There is no page “9999” of the news"),
])
def test_a_news_page_past_the_end_says_so_and_is_never_stored(settings, path, said):
    """The same fault as the groups' ?page=9999: the news index stored one copy of its
    last page per number anyone typed."""
    settings.PAGE_CACHE_SECONDS = 300
    for _ in range(2):
        missing = Client().get(path + "?page=9999")
        assert missing.status_code == 404 and "X-Page-Cache" not in missing
        assert said in missing.content.decode()
    assert Client().get(path)["X-Page-Cache"] in ("miss", "hit")


# --- Feeds --------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "filename"), [("it", "sede"), ("en", "venue")])
def test_a_venues_feed_has_its_groups_meetings(client, many_groups, lang, filename):
    venue = Venue.objects.filter(locale=Locale.get_default(),
                                 name__startswith="Spazio comunale").order_by("pk").first()
    response = client.get(venue_feed_url(lang, venue))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="{filename}-{venue.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert venue.name in str(calendar["X-WR-CALNAME"])
    groups = Group.objects.filter(venue=venue).exclude(status="paused")
    expected = sorted(slot_group for g in groups for slot_group in [g.name] * g.slots.count())
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == expected
    assert all(venue.street_address in str(e["LOCATION"]) for e in calendar.walk("VEVENT"))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    # The same UIDs as in the feed of all groups: a calendar app never sees two events.
    everything = Calendar.from_ical(client.get(PAGE[lang] + {"it": "calendario.ics",
                                                              "en": "calendar.ics"}[lang]
                                               ).content)
    assert ({str(e["UID"]) for e in calendar.walk("VEVENT")}
            <= {str(e["UID"]) for e in everything.walk("VEVENT")})


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_venue_feed_uses_the_venues_name_in_the_language(client, lang):
    venue = canonical_venue("Villa Scheibler")
    text = Venue.objects.filter(translation_key=venue.translation_key,
                                locale__language_code=lang, live=True).first() or venue
    calendar = Calendar.from_ical(client.get(venue_feed_url(lang, venue)).content)
    assert str(calendar["X-WR-CALNAME"]).startswith(text.name)
    html = client.get(PAGE[lang]).content.decode()
    assert f'<a href="{venue_feed_url(lang, venue)}">' in html  # from the venue's card


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_venue_feed_for_no_published_venue_is_404(client, lang):
    venue = canonical_venue("Villa Scheibler")
    page = GroupIndexPage.objects.get(locale__language_code=lang)
    base = page.url
    translation = Venue.objects.filter(translation_key=venue.translation_key).exclude(
        pk=venue.pk).first()
    missing = Venue.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    for pk in [missing] + ([translation.pk] if translation else []):
        assert client.get(base + page.reverse_subpage("calendar_venue", args=[pk])
                          ).status_code == 404
    venue.live = False
    venue.save(update_fields=["live"])
    assert client.get(venue_feed_url(lang, venue)).status_code == 404


def test_the_venue_feed_address_is_translated():
    venue = canonical_venue("Villa Scheibler")
    assert venue_feed_url("it", venue) == f"/it/gruppi/sedi/{venue.pk}/calendario.ics"
    assert venue_feed_url("en", venue) == f"/en/groups/venues/{venue.pk}/calendar.ics"


# --- The protocol's adherents -------------------------------------------------------------


@pytest.mark.parametrize(("lang", "heading", "joined"), [
    ("it", "Associazioni", "organizzazioni hanno aderito al protocollo"),
    ("en", "Associations", "organisations have joined the protocol"),
])
def test_many_adherents_are_folded_by_kind(client, lang, heading, joined):
    grow(adherents=ADHERENTS_SHOWN_OPEN + 18)
    html = client.get(PROTOCOL[lang]).content.decode()
    section = re.search(r'id="adherents-title".*?</section>', html, re.S).group(0)
    assert joined in section
    folds = re.findall(r'<details class="adherent-kind[^"]*">\s*<summary[^>]*>(.*?)</summary>',
                       section, re.S)
    assert len(folds) == 3  # associations, employment agencies, cooperatives
    assert any(fold.startswith(f"{heading} (") for fold in folds)
    assert "<details" in section and " open" not in section
    assert section.count("<li>") >= ADHERENTS_SHOWN_OPEN + 18


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_few_adherents_are_listed_open(client, lang):
    grow(adherents=3)
    section = re.search(r'id="adherents-title".*?</section>',
                        client.get(PROTOCOL[lang]).content.decode(), re.S).group(0)
    assert "<details" not in section
    assert '<h3 class="h5 mt-3">' in section


def test_a_venue_not_translated_is_marked_italian_in_the_filter(client):
    """WCAG 3.1.2, as everywhere a venue's Italian name shows under /en/; and the
    filter's own Select subclass is still drawn as Bootstrap Italia's select."""
    Venue.objects.filter(locale__language_code="en").update(live=False)
    html = client.get(PAGE["en"]).content.decode()
    select = re.search(r'<select name="venue"[^>]*>.*?</select>', html, re.S).group(0)
    assert 'class="form-select"' in select
    options = re.findall(r"<option ([^>]*)>", select)
    assert options[1:] and all('lang="it"' in attrs for attrs in options[1:])
    assert 'lang="it"' not in options[0]  # "All venues" is English
    italian = client.get(PAGE["it"]).content.decode()
    assert 'lang="it"' not in re.search(r'<select name="venue".*?</select>', italian,
                                        re.S).group(0)
