"""Page rating fixes of issue 17's review: a private page (password, login), an
unpublished page or another site's page is refused like an unknown page and its title is
never shown; a rating keeps the page's language whatever the endpoint's; the report's
date filter says what it did not understand and keeps what it did; the export's comments
carry their date and stars."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page, PageViewRestriction, Site

from home.models import StandardPage
from rating.models import NEGATIVE_ANSWERS, POSITIVE_ANSWERS, PageRating
from rating.ratings import comment_line, may_be_rated, record_rating
from rating.report import RatingReportView

pytestmark = pytest.mark.django_db

ARTICLE = {"it": "/it/notizie/percorsi-di-mutuo-aiuto/", "en": "/en/news/mutual-aid-programmes/"}
SHEET_EN = "/en/programme/"
ENDPOINT = {"it": "/it/valutazione-pagina/", "en": "/en/page-rating/"}
THANKS = "/it/valutazione-pagina/grazie/"
REFUSED = {"it": "Questa pagina non si può valutare.", "en": "This page cannot be rated."}


def page_at(url):
    return next(page for page in Page.objects.filter(depth__gt=1) if page.url == url)


def _post(client, language, page):
    return client.post(ENDPOINT[language], {"page": str(page.pk), "stars": "5",
                                            "answer": "clear", "comment": ""})


def _assert_refused_and_title_hidden(client, page):
    for language in ("it", "en"):
        response = _post(client, language, page)
        assert response.status_code == 400
        assert REFUSED[language] in response.content.decode()
    assert not PageRating.objects.exists()
    thanks = client.get(THANKS, {"page": page.pk}).content.decode()
    assert page.title not in thanks
    assert "Torna alla pagina iniziale" in thanks


@pytest.mark.parametrize("restriction", [PageViewRestriction.PASSWORD,
                                         PageViewRestriction.LOGIN])
def test_a_private_page_is_refused_and_its_title_never_shown(client, restriction):
    article = page_at(ARTICLE["it"]).specific
    article.title = "Verbale riservato del comitato"
    article.save_revision().publish()
    assert may_be_rated(article)
    PageViewRestriction.objects.create(page=article, restriction_type=restriction,
                                       password="segreto-123")
    assert not may_be_rated(article)
    _assert_refused_and_title_hidden(client, article)


def test_a_page_under_a_private_section_is_refused(client):
    article = page_at(ARTICLE["it"])
    PageViewRestriction.objects.create(page=article.get_parent(),
                                       restriction_type=PageViewRestriction.LOGIN)
    _assert_refused_and_title_hidden(client, article)


def test_a_restricted_page_shows_no_rating_component(client, demo_editor):
    article = page_at(ARTICLE["it"])
    assert client.get(ARTICLE["it"]).content.decode().count('data-element="feedback"') == 1
    PageViewRestriction.objects.create(page=article,
                                       restriction_type=PageViewRestriction.LOGIN)
    client.force_login(demo_editor)  # may read it: still nothing to rate
    response = client.get(ARTICLE["it"])
    assert response.status_code == 200
    assert 'data-element="feedback"' not in response.content.decode()


def test_an_unpublished_page_is_refused(client):
    parent = page_at(ARTICLE["it"]).get_parent()
    draft = parent.add_child(instance=StandardPage(
        title="Bozza mai pubblicata", slug="bozza-mai-pubblicata", live=False))
    draft.save_revision()
    assert not may_be_rated(draft)
    _assert_refused_and_title_hidden(client, draft)


def test_a_page_of_another_site_is_refused(client):
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=StandardPage(title="Altro sito", slug="altro-sito"))
    other_page = other_home.add_child(instance=StandardPage(
        title="Pagina di un altro sito", slug="pagina-altro-sito"))
    site = Site.objects.create(hostname="altro.example.org", root_page=other_home)
    assert may_be_rated(other_page) and may_be_rated(other_page, site)
    assert not may_be_rated(other_page, Site.objects.get(is_default_site=True))
    _assert_refused_and_title_hidden(client, other_page)


def test_a_rating_keeps_the_pages_language_not_the_endpoints(client):
    italian = page_at(ARTICLE["it"])
    response = _post(client, "en", italian)
    assert response.status_code == 303
    english = page_at(SHEET_EN)
    assert _post(client, "it", english).status_code == 303
    assert dict(PageRating.objects.values_list("page_id", "language")) == {
        italian.pk: "it", english.pk: "en"}


# --- The report -----------------------------------------------------------------------------


@pytest.fixture
def ratings():
    article, sheet = page_at(ARTICLE["it"]), page_at(SHEET_EN)
    record_rating(page=article, stars=5, answer="clear", comment="=1+1 chiaro")
    record_rating(page=article, stars=2, answer="lost", comment="Mancano gli orari")
    old = record_rating(page=sheet, stars=4, answer="no_problems", comment="Fine")
    PageRating.objects.filter(pk=old.pk).update(created=datetime.date(2020, 1, 10))
    return article, sheet


def _report(client, **params):
    response = client.get(reverse("rating_report"), params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = [" ".join(row.get_text(" ").split())
            for row in soup.select("table.listing tbody tr")]
    return " ".join(soup.get_text(" ").split()), rows


@pytest.mark.parametrize(("params", "shown"), [
    ({"created_from": "junk", "created_to": "2020-01-31"}, ["Fine"]),
    ({"created_from": "2026-13-45", "created_to": "2020-01-31"}, ["Fine"]),
    ({"created_from": "2020-01-01", "created_to": "31/31/2020"}, ["Fine", "chiaro"]),
])
def test_a_date_that_is_not_one_is_an_error_the_other_date_still_applies(
        client, demo_editor, ratings, params, shown):
    client.force_login(demo_editor)
    text, rows = _report(client, **params)
    assert "Inserisci una data valida." in text
    assert sorted(shown) == sorted(word for word in ("Fine", "chiaro")
                                   if any(word in row for row in rows))


def test_a_reversed_period_is_an_error_and_the_report_stays_whole(client, demo_editor,
                                                                    ratings):
    client.force_login(demo_editor)
    text, rows = _report(client, created_from="2020-01-31", created_to="2020-01-01")
    assert "La prima data è successiva alla seconda: scambiale." in text
    assert len(rows) == 2


def test_the_csv_comments_carry_their_date_and_stars(client, demo_editor, ratings):
    client.force_login(demo_editor)
    response = client.get(reverse("rating_report"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    today = timezone.localdate().strftime("%d/%m/%Y")
    article = next(row for row in rows[1:] if row[2] == "2")
    assert article[-1] == (f"{today} (2/5): Mancano gli orari | "
                           f"{today} (5/5): =1+1 chiaro")
    sheet = next(row for row in rows[1:] if row[2] == "1")
    assert sheet[-1] == "10/01/2020 (4/5): Fine"
    assert comment_line(datetime.date(2020, 1, 10), 4, "Fine") == "10/01/2020 (4/5): Fine"


def test_the_export_headings_tell_the_two_questions_by_the_models_answers():
    with translation.override("en"):
        headings = {key: str(value) for key, value in RatingReportView().export_headings.items()}
    for code in POSITIVE_ANSWERS:
        assert headings[f"answers.{code}"].endswith("(liked)")
    for code in NEGATIVE_ANSWERS:
        assert headings[f"answers.{code}"].endswith("(difficulty)")
