"""Search as a municipal site's (issue 17, "Search"): a visitor's word finds its other
forms (Italian and English stemming, the same on SQLite and PostgreSQL: run this file with
scripts/with-postgres.sh too), editors' promoted results come first marked "Suggerito" /
"Recommended" and write nothing per search, each result shows its type of page and a
snippet with the words marked (escaped first), the page has the model's breadcrumb, the
English address is English, and no junk in the address gives a 500."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Locale, Page

from home.models import StandardPage
from home.search_results import snippet
from home.stemming import extra_stems, query_terms, stem
from home.views import clean_query
from tests.search_helpers import search

pytestmark = pytest.mark.django_db


def _page(language, slug):
    return Page.objects.get(locale__language_code=language, slug=slug)


def _results(body):
    """[(type label, title, href, snippet HTML, promoted)] of the results list."""
    listing = re.search(r'<ol class="list-unstyled search-results".*?</ol>', body, re.S)
    items = re.findall(r"<li class=\"border-bottom py-3([^\"]*)\">(.*?)</li>",
                       listing.group(0) if listing else "", re.S)
    found = []
    for classes, item in items:
        kind = re.search(r'<p class="search-result-type[^"]*">(.*?)</p>', item, re.S).group(1)
        link = re.search(r'<a href="([^"]+)">([^<]*)</a>', item)
        text = re.search(r'<p class="search-snippet[^"]*">(.*?)</p>', item, re.S)
        found.append((re.sub(r"<[^>]+>", " ", kind).split(), link.group(2), link.group(1),
                      text.group(1) if text else "", "promoted" in classes))
    return found


# --- Stemming: the domain functions -----------------------------------------------------


def test_italian_and_english_words_share_their_stems():
    assert stem("gruppo", "it") == stem("gruppi", "it") == "grupp"
    assert stem("orari", "it") == stem("orario", "it") == "orar"
    assert stem("groups", "en") == stem("group", "en") == "group"
    assert stem("hours", "en") == "hour"


def test_only_the_stems_that_differ_from_the_words_are_added():
    assert extra_stems("Gruppi e calendario", "it") == "grupp calendar"
    assert extra_stems("Milano 21 gruppo gruppi", "it") == "mil grupp"  # each once
    assert query_terms("Orari, dell'ufficio!", "it") == [
        ("orari", "orar"), ("dell",), ("ufficio", "uffic")]
    assert query_terms("?!…", "it") == []


# --- Stemming: the search page (SQLite and PostgreSQL) --------------------------------------


@pytest.mark.parametrize(("language", "query", "slug"), [
    ("it", "gruppo", "gruppi"),  # "Gruppi e calendario"
    ("it", "orari", "domande-frequenti"),  # "Qual è l'orario dello sportello?"
    ("en", "group", "groups"),  # "Groups and schedule"
    ("en", "losing", "mutual-aid-programmes"),  # "people who lose their job"
])
def test_a_word_finds_its_other_forms(client, language, query, slug):
    _body, hrefs = search(client, language, query)
    assert _page(language, slug).url in hrefs
    assert all(href.startswith(f"/{language}/") for href in hrefs)


def test_without_stems_the_word_alone_would_not_match(client):
    """The pages found by "orari" hold "orario", never "orari": stemming found them."""
    body, hrefs = search(client, "it", "orari")
    faq = _page("it", "domande-frequenti").specific
    assert " orari " not in f" {faq.body.stream_block.get_searchable_content(faq.body)} "
    assert faq.url in hrefs


def test_a_stemmed_search_costs_the_same_queries_as_an_exact_word(client):
    search(client, "it", "gruppo")  # warm
    with CaptureQueriesContext(connection) as stemmed:
        search(client, "it", "gruppo")
    with CaptureQueriesContext(connection) as exact:
        search(client, "it", "Scheibler")
    assert len(stemmed) == len(exact)


# --- Promotions -------------------------------------------------------------------------


def _promote(query_string, page=None, **fields):
    query, _created = Query.objects.get_or_create(query_string=query_string)
    return SearchPromotion.objects.create(query=query, page=page, **fields)


def test_a_promoted_page_comes_first_marked_suggerito_and_is_not_repeated(client):
    contact = _page("it", "contatti")
    _promote("orari", page=contact, description="Telefono e orari dello sportello.")
    body, hrefs = search(client, "it", "Orari")
    results = _results(body)
    assert hrefs[0] == contact.url and hrefs.count(contact.url) == 1
    kind, title, _href, text, promoted = results[0]
    assert promoted and kind[0] == "Suggerito" and title == contact.title
    assert text == "Telefono e <mark>orari</mark> dello sportello."
    assert not any(result[4] for result in results[1:])
    assert _page("it", "domande-frequenti").url in hrefs[1:]


def test_a_promotion_shows_the_page_in_the_readers_language(client):
    _promote("hours", page=_page("it", "contatti"))
    body, hrefs = search(client, "en", "hours")
    assert hrefs[0] == _page("en", "contact").url
    assert _results(body)[0][0][0] == "Recommended"


def test_an_external_promotion_is_listed_with_its_text(client):
    _promote("inps", external_link_url="https://www.inps.it/", external_link_text="INPS",
             description="Cassa integrazione e NASpI")
    body, hrefs = search(client, "it", "INPS")
    assert hrefs == ["https://www.inps.it/"]
    assert _results(body)[0][:2] == (["Suggerito", "Collegamento"], "INPS")


def test_a_search_writes_nothing(client):
    _promote("orari", page=_page("it", "contatti"))
    before = (Query.objects.count(), QueryDailyHits.objects.count())
    with CaptureQueriesContext(connection) as captured:
        search(client, "it", "orari")
        search(client, "it", "parola nuova")
    writes = [q["sql"] for q in captured
              if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert (Query.objects.count(), QueryDailyHits.objects.count()) == before


def test_promotions_keep_the_cost_constant(client):
    search(client, "it", "gruppo")
    with CaptureQueriesContext(connection) as none:
        search(client, "it", "gruppo")
    for slug in ("contatti", "programma", "domande-frequenti"):
        _promote("gruppo", page=_page("it", slug))
    search(client, "it", "gruppo")
    with CaptureQueriesContext(connection) as three:
        search(client, "it", "gruppo")
    # The promoted pages in the reader's language: their view restrictions, then them.
    assert len(three) <= len(none) + 2


# --- Snippet and type of page ----------------------------------------------------------------


def test_the_snippet_is_escaped_then_marked():
    html = snippet('<script>alert("x")</script> I gruppi & le <b>riunioni</b>', "gruppo", "it")
    assert html == ('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; I <mark>gruppi</mark> '
                    '&amp; le &lt;b&gt;riunioni&lt;/b&gt;')


def test_a_long_text_is_cut_around_the_first_word_found():
    text = "parola " * 60 + "calendario dei gruppi " + "altro " * 60
    html = snippet(text, "calendari", "it")
    assert html.startswith("… ") and "<mark>calendario</mark>" in html
    assert len(re.sub(r"<[^>]+>", "", html)) <= 245


def test_a_results_snippet_comes_from_the_page_escaped(client, django_capture_on_commit_callbacks):
    home = Page.objects.get(depth=2, locale=Locale.objects.get(language_code="it"))
    with django_capture_on_commit_callbacks(execute=True):
        home.add_child(instance=StandardPage(
            title="Pagina di prova", slug="pagina-di-prova",
            introduction='<img src=x onerror="alert(1)"> Tutto sui Quokkagruppi del giovedì.'))
    body, _hrefs = search(client, "it", "quokkagruppi")
    (kind, title, _href, text, promoted), = _results(body)
    assert (kind, title, promoted) == (["Pagina"], "Pagina di prova", False)
    listing = re.search(r'<ol class="list-unstyled search-results".*?</ol>', body, re.S)
    assert "<img" not in listing.group(0)
    assert text.startswith("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Tutto sui "
                           "<mark>Quokkagruppi</mark>")


def test_the_search_description_is_the_snippet_when_there_is_one(
        client, django_capture_on_commit_callbacks):
    home = Page.objects.get(depth=2, locale=Locale.objects.get(language_code="it"))
    with django_capture_on_commit_callbacks(execute=True):
        home.add_child(instance=StandardPage(
            title="Zebraquokka", slug="zebraquokka", introduction="Testo della pagina.",
            search_description="Che cosa fa Zebraquokka il giovedì."))
    body, _hrefs = search(client, "it", "zebraquokka")
    assert _results(body)[0][3] == "Che cosa fa <mark>Zebraquokka</mark> il giovedì."


@pytest.mark.parametrize(("language", "query", "expected"), [
    ("it", "gruppo", {"programma": "Servizio", "gruppi": "Gruppi",
                      "percorsi-di-mutuo-aiuto": "Notizia", "domande-frequenti": "Pagina",
                      "protocollo": "Documento"}),
    ("en", "group", {"programme": "Service", "groups": "Groups",
                     "mutual-aid-programmes": "News", "faq": "Page", "protocol": "Document"}),
])
def test_each_result_says_its_type_in_the_readers_language(client, language, query, expected):
    body, _hrefs = search(client, language, query)
    kinds = {href: " ".join(kind) for kind, _title, href, _text, _p in _results(body)}
    for slug, label in expected.items():
        assert kinds[_page(language, slug).url] == label


# --- Breadcrumb and addresses -----------------------------------------------------------------


@pytest.mark.parametrize(("language", "crumbs"), [
    ("it", ["Home", "Cerca"]), ("en", ["Home", "Search"])])
def test_the_search_page_has_the_models_breadcrumb(client, language, crumbs):
    body, _hrefs = search(client, language, "")
    trail = re.search(r'<ol class="breadcrumb" data-element="breadcrumb">(.*?)</ol>', body, re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", trail.group(1), re.S)
    texts = [re.sub(r"<span class=\"separator\">/</span>|<[^>]+>", "", item).strip()
             for item in items]
    assert texts == crumbs
    assert f'href="/{language}/"' in items[0]


def test_the_english_search_address_is_english(client):
    with translation.override("en"):
        assert reverse("search") == "/en/search/"
    response = client.get("/en/cerca/", {"q": "group"})
    assert response.status_code == 301
    assert response["Location"] == "/en/search/?q=group"
    assert client.get("/it/cerca/", {"q": "gruppo"}).status_code == 200


# --- Junk never gives a 500 -------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"q": "gruppo " * 500},
    {"q": "grup\x00po"},
    {"q": "?!.,;:…—«»"},
    {"q": "\"*():^{}[]<>+\\"},
    {"q": "AND OR NOT NEAR"},
    {"q": "gruppo", "page": "junk"},
    {"q": "gruppo", "page": "-1"},
    {"q": "gruppo", "page": "99999999999999999999"},
    {"q": ["gruppo", "orari"]},
    {"page": "junk"},
])
@pytest.mark.parametrize("language", ["it", "en"])
def test_junk_never_gives_a_500(language, params):
    client = Client(raise_request_exception=False)
    with translation.override(language):
        url = reverse("search")
    response = client.get(url, params)
    assert response.status_code == 200


def test_only_punctuation_says_no_results():
    assert clean_query("?!…") == "?!…"
    client = Client(raise_request_exception=False)
    body = client.get("/it/cerca/", {"q": "?!…"}).content.decode()
    assert "Nessun risultato" in body


# --- Who promotes -------------------------------------------------------------------------------


@pytest.mark.parametrize(("group", "may"), [
    ("Redazione", True), ("Approvazione", True), ("Segreteria", False)])
def test_editors_may_promote_results(group, may):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username=f"p6-{group}", email=f"{group}@example.org")
    user.groups.add(Group.objects.get(name=group))
    user = get_user_model().objects.get(pk=user.pk)
    assert user.has_perms([f"wagtailsearchpromotions.{action}_searchpromotion"
                           for action in ("add", "change", "delete")]) is may
