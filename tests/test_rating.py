"""Page rating ("Valuta questo sito", issue 17): the model's component with its
data-elements and texts, the plain form without JavaScript in both languages, bad input,
the protection, the page cache, the admin report and its CSV.

The data-elements and texts come from pa-website-validator-ng,
src/storage/municipality/feedbackComponentStructure.ts (audit
src/audits/municipality_feedback), the markup from design-comuni-pagine-statiche,
src/components/cmp-rating/cmp-rating.hbs. The JavaScript steps are in
tests/browser/test_rating.py.
"""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from rating.models import Answer, PageRating, answers_for, is_positive
from rating.ratings import may_be_rated, record_rating, summaries

pytestmark = pytest.mark.django_db

# A first-level page (the service sheet), a second-level one (a news item), in each
# language; the home page is neither.
SERVICE_SHEET = {"it": "/it/programma/", "en": "/en/programme/"}
ARTICLE = {"it": "/it/notizie/percorsi-di-mutuo-aiuto/", "en": "/en/news/mutual-aid-programmes/"}
ENDPOINT = {"it": "/it/valutazione-pagina/", "en": "/en/page-rating/"}

# feedbackComponentStructure.ts, word for word.
ITALIAN = {
    "title": "Quanto sono chiare le informazioni su questa pagina?",
    "positive_question": "Quali sono stati gli aspetti che hai preferito?",
    "positive_answers": ["Le indicazioni erano chiare", "Le indicazioni erano complete",
                         "Capivo sempre che stavo procedendo correttamente",
                         "Non ho avuto problemi tecnici", "Altro"],
    "negative_question": "Dove hai incontrato le maggiori difficoltà?",
    "negative_answers": ["A volte le indicazioni non erano chiare",
                         "A volte le indicazioni non erano complete",
                         "A volte non capivo se stavo procedendo correttamente",
                         "Ho avuto problemi tecnici", "Altro"],
}
ENGLISH = {
    "title": "How clear is the information on this page?",
    "positive_question": "What did you like best?",
    "positive_answers": ["The instructions were clear", "The instructions were complete",
                         "I always understood that I was proceeding correctly",
                         "I had no technical problems", "Other"],
    "negative_question": "Where did you have the most difficulty?",
    "negative_answers": ["Sometimes the instructions were not clear",
                         "Sometimes the instructions were not complete",
                         "Sometimes I did not understand whether I was proceeding correctly",
                         "I had technical problems", "Other"],
}
TEXTS = {"it": ITALIAN, "en": ENGLISH}


def page_at(url):
    return next(page for page in Page.objects.filter(depth__gt=1) if page.url == url)


def page_id(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select_one('form.cmp-rating input[name="page"]')["value"]


def rating_data(page, **overrides):
    data = {"page": str(page), "stars": "5", "answer": "clear", "comment": ""}
    data.update(overrides)
    return data


def text(element):
    return " ".join(element.get_text(" ").split())


# --- The rules ------------------------------------------------------------------------------


def test_one_to_three_stars_ask_what_went_wrong_four_and_five_what_went_well():
    assert [is_positive(stars) for stars in range(1, 6)] == [False, False, False, True, True]
    assert answers_for(3)[0] == Answer.UNCLEAR and answers_for(4)[0] == Answer.CLEAR
    assert len(set(answers_for(1)) | set(answers_for(5))) == 10


def test_the_first_and_second_levels_and_the_service_sheet_are_rated_not_the_home_page():
    home = Page.objects.get(depth=2, locale__language_code="it")
    assert not may_be_rated(home)
    for url in (*SERVICE_SHEET.values(), *ARTICLE.values()):
        assert may_be_rated(page_at(url)), url
    news = page_at(ARTICLE["it"])
    news.live = False
    assert not may_be_rated(news)


def test_a_service_sheet_deeper_in_the_tree_is_rated_by_its_type(settings):
    sheet = page_at(SERVICE_SHEET["it"])
    sheet.depth = 6
    assert may_be_rated(sheet)
    settings.RATING_PAGE_TYPES = []
    assert not may_be_rated(sheet)


def test_record_rating_stores_the_page_language_stars_answer_comment_and_the_day_only():
    page = page_at(ARTICLE["it"])
    rating = record_rating(page=page, stars=2, answer="lost",
                           comment="  Non trovavo gli orari  ")
    stored = PageRating.objects.get()
    assert stored == rating
    assert (stored.page_id, stored.language, stored.stars, stored.answer, stored.comment) == (
        page.pk, "it", 2, "lost", "Non trovavo gli orari")
    # Nothing else: no address, browser, session or account; a date, not an instant.
    assert {field.name for field in PageRating._meta.concrete_fields} == {
        "id", "page", "language", "stars", "answer", "comment", "created"}
    assert type(stored.created).__name__ == "date"


@pytest.mark.parametrize("stars, answer", [(5, "lost"), (1, "clear"), (3, "other_positive"),
                                           (4, "other_negative")])
def test_record_rating_refuses_an_answer_of_the_other_branch(stars, answer):
    with pytest.raises(ValidationError):
        record_rating(page=page_at(ARTICLE["it"]), stars=stars, answer=answer)
    assert not PageRating.objects.exists()


def test_record_rating_refuses_the_home_page():
    with pytest.raises(ValidationError):
        record_rating(page=Page.objects.get(depth=2, locale__language_code="it"),
                      stars=5, answer="clear")


def test_summaries_per_page_count_mean_answers_and_comments():
    article, sheet = page_at(ARTICLE["it"]), page_at(SERVICE_SHEET["it"])
    record_rating(page=article, stars=5, answer="clear", comment="Chiaro")
    record_rating(page=article, stars=4, answer="clear")
    record_rating(page=article, stars=1, answer="problems", comment="Lento")
    record_rating(page=sheet, stars=3, answer="unclear")
    first, second = summaries(PageRating.objects.all())
    assert (first.page.pk, first.count, first.mean) == (article.pk, 3, 3.3)
    assert first.answer_count("clear") == 2 and first.answer_count("problems") == 1
    assert sorted(comment for _day, _stars, comment in first.comments) == ["Chiaro", "Lento"]
    assert (second.page.pk, second.count, second.mean) == (sheet.pk, 1, 3.0)


# --- The component --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("urls", [SERVICE_SHEET, ARTICLE])
def test_the_component_has_the_models_data_elements_and_texts(client, language, urls):
    soup = BeautifulSoup(client.get(urls[language]).content, "html.parser")
    expected = TEXTS[language]
    components = soup.select('[data-element="feedback"]')
    assert len(components) == 1
    feedback = components[0]
    assert text(feedback.select_one('[data-element="feedback-title"]')) == expected["title"]
    for stars in range(1, 6):
        star = feedback.select_one(f'[data-element="feedback-rate-{stars}"]')
        radio = soup.find(id=star["for"])
        assert radio["name"] == "stars" and radio["value"] == str(stars)
    stars_fieldset = feedback.select_one("fieldset.rating")
    assert stars_fieldset.legend is not None
    for branch in ("positive", "negative"):
        part = feedback.select_one(f'[data-element="feedback-rating-{branch}"]')
        assert part.name == "fieldset"
        question = part.select('[data-element="feedback-rating-question"]')
        assert [text(q) for q in question] == [expected[f"{branch}_question"]]
        answers = part.select('[data-element="feedback-rating-answer"]')
        assert [text(answer) for answer in answers] == expected[f"{branch}_answers"]
        for answer in answers:
            radio = soup.find(id=answer["for"])
            assert radio["type"] == "radio" and radio["name"] == "answer"
    comment = feedback.select_one('[data-element="feedback-input-text"]')
    assert comment["name"] == "comment" and comment["maxlength"] == "200"
    form = soup.select_one("form.cmp-rating")
    assert form["action"] == ENDPOINT[language] and form["method"] == "post"
    # Chrome that must not print; nothing per visitor in a cached page.
    assert "d-print-none" in soup.select_one("section.rating-section")["class"]
    assert not form.select('input[name="csrfmiddlewaretoken"]')
    assert not soup.select_one("section.rating-section").select("script:not([src])")


def test_the_home_page_has_no_component(client):
    for url in ("/it/", "/en/"):
        assert b'data-element="feedback"' not in client.get(url).content


def test_the_italian_stars_say_one_star_and_n_stars():
    with translation.override("it"):
        from rating.forms import RatingForm, component_context

        labels = dict(component_context(RatingForm(), None)["stars"])
    assert labels[1] == "Valuta 1 stella su 5" and labels[4] == "Valuta 4 stelle su 5"


# --- Without JavaScript: the plain form -----------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_plain_form_stores_one_rating_and_thanks_in_the_pages_language(client, language):
    page = page_id(client, ARTICLE[language])
    response = client.post(ENDPOINT[language], rating_data(
        page, stars="2", answer="incomplete", comment="Mancano\u202e gli orari\x07"))
    assert response.status_code == 303
    assert not response.cookies
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    body = thanks.content.decode()
    assert {"it": "Grazie, il tuo parere ci aiuterà a migliorare il servizio!",
            "en": "Thank you, your opinion will help us improve the service!"}[language] in body
    assert f'href="{ARTICLE[language]}"' in body
    assert not thanks.cookies
    rating = PageRating.objects.get()
    assert (rating.page_id, rating.language, rating.stars, rating.answer, rating.comment) == (
        int(page), language, 2, "incomplete", "Mancano gli orari")  # cleaned like any input


BAD_INPUT = {
    "stars 9": ({"stars": "9"}, {"it": "Scegli quanto è chiara la pagina, da 1 a 5 stelle.",
                                 "en": "Choose how clear the page was, from 1 to 5 stars."}),
    "no stars": ({"stars": ""}, {"it": "Scegli quanto è chiara la pagina",
                                 "en": "Choose how clear the page was"}),
    "arabic digit": ({"stars": "٥"}, {"it": "da 1 a 5 stelle", "en": "from 1 to 5 stars"}),
    "wrong branch": ({"stars": "5", "answer": "problems"},
                     {"it": "Questa risposta è dell’altra domanda",
                      "en": "This answer belongs to the other question"}),
    "unknown answer": ({"answer": "<script>"},
                       {"it": "Scegli una delle risposte alla domanda.",
                        "en": "Choose one of the answers to the question."}),
    "no answer": ({"answer": ""}, {"it": "Scegli una delle risposte alla domanda.",
                                   "en": "Choose one of the answers to the question."}),
    "201 characters": ({"comment": "a" * 201},
                       {"it": "Il dettaglio può contenere al massimo 200 caratteri "
                              "(ne contiene 201).",
                        "en": "The details can be at most 200 characters long (they are 201)."}),
}


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_a_localized_error_and_stores_nothing(client, language, case):
    changes, message = BAD_INPUT[case]
    page = page_id(client, ARTICLE[language])
    response = client.post(ENDPOINT[language], rating_data(page, **changes))
    assert response.status_code == 400
    body = response.content.decode()
    assert message[language] in body
    assert "<title>" + {"it": "Errore:", "en": "Error:"}[language] in body
    # The form comes back with what was typed, to correct and send again.
    soup = BeautifulSoup(body, "html.parser")
    assert soup.select_one('[data-element="feedback"]') is not None
    assert not PageRating.objects.exists()
    # The JavaScript component gets the same message as JSON.
    response = client.post(ENDPOINT[language], rating_data(page, **changes),
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert any(message[language] in error for error in response.json()["errors"])
    assert not PageRating.objects.exists()


@pytest.mark.parametrize("page", ["", "abc", "999999", "1", "1e3", "１４"])
def test_junk_or_an_unrated_page_is_a_clear_error_not_a_500(client, page):
    response = client.post(ENDPOINT["it"], rating_data(page))
    assert response.status_code == 400
    assert "Questa pagina non si può valutare." in response.content.decode()
    assert not PageRating.objects.exists()


def test_the_home_page_cannot_be_rated_by_posting_its_id(client):
    home = Page.objects.get(depth=2, locale__language_code="en")
    response = client.post(ENDPOINT["en"], rating_data(home.pk),
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == ["This page cannot be rated."]


def test_a_get_on_the_endpoint_is_refused_politely(client):
    assert client.get(ENDPOINT["it"]).status_code == 405


# --- Protection without CSRF token, cookie or timestamp -------------------------------------


def test_the_endpoint_takes_a_post_without_a_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = page_id(client, ARTICLE["it"])
    assert strict.post(ENDPOINT["it"], rating_data(page)).status_code == 303
    assert PageRating.objects.count() == 1


def test_the_honeypot_refuses_with_a_message(client):
    page = page_id(client, ARTICLE["it"])
    response = client.post(ENDPOINT["it"], rating_data(page, website="http://spam.example"))
    assert response.status_code == 400
    assert "deve restare vuoto" in response.content.decode()
    assert not PageRating.objects.exists()


def test_a_rating_sent_from_another_site_is_refused(client):
    page = page_id(client, ARTICLE["en"])
    response = client.post(ENDPOINT["en"], rating_data(page), HTTP_ORIGIN="https://evil.example",
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json()["errors"]
    same_site = client.post(ENDPOINT["en"], rating_data(page), HTTP_ORIGIN="http://testserver",
                            HTTP_ACCEPT="application/json")
    assert same_site.status_code == 201
    assert PageRating.objects.count() == 1


def test_over_the_rate_limit_the_answer_is_429_with_a_message(client, settings):
    settings.RATING_RATE_LIMIT = 2
    page = page_id(client, ARTICLE["it"])
    for _ in range(2):
        assert client.post(ENDPOINT["it"], rating_data(page)).status_code == 303
    response = client.post(ENDPOINT["it"], rating_data(page))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "troppe volte" in response.content.decode()
    assert PageRating.objects.count() == 2


def test_a_refusal_for_what_was_typed_does_not_count_towards_the_limit(client, settings):
    settings.RATING_RATE_LIMIT = 1
    page = page_id(client, ARTICLE["it"])
    for _ in range(3):
        assert client.post(ENDPOINT["it"], rating_data(page, stars="9")).status_code == 400
    assert client.post(ENDPOINT["it"], rating_data(page)).status_code == 303


def test_the_page_stays_in_the_page_cache_after_a_rating(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.DEBUG = False
    url = ARTICLE["it"]
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert not first.cookies
    page = page_id(client, url)  # a hit already
    response = client.post(ENDPOINT["it"], rating_data(page), HTTP_ACCEPT="application/json")
    assert response.status_code == 201 and response.json()["ok"]
    assert not response.cookies
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit"
    thanks = client.post(ENDPOINT["it"], rating_data(page))
    assert client.get(thanks["Location"]).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"


# --- The report -----------------------------------------------------------------------------


@pytest.fixture
def ratings():
    article, sheet = page_at(ARTICLE["it"]), page_at(SERVICE_SHEET["en"])
    record_rating(page=article, stars=5, answer="clear", comment="=1+1 chiaro")
    record_rating(page=article, stars=2, answer="lost")
    record_rating(page=sheet, stars=4, answer="no_problems", comment="Fine")
    return article, sheet


def staff(django_user_model, group):
    user = django_user_model.objects.create_user(
        username=f"rating-{group.lower()}", email=f"rating-{group.lower()}@example.org",
        password="x" * 12, is_staff=True)
    user.groups.add(AuthGroup.objects.get(name=group))
    return user


@pytest.mark.parametrize("group", ["Redazione", "Approvazione", "Segreteria"])
def test_editors_and_the_segreteria_see_the_report(client, django_user_model, ratings, group):
    client.force_login(staff(django_user_model, group))
    response = client.get(reverse("rating_report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Percorsi di mutuo aiuto" in body or ratings[0].title in body
    assert "=1+1 chiaro" in body and "Fine" in body
    soup = BeautifulSoup(body, "html.parser")
    rows = soup.select("table.listing tbody tr")
    assert len(rows) == 2
    cells = [text(cell) for cell in rows[0].find_all("td")]
    assert cells[2] == "2" and cells[3] == "3,5"  # two ratings, mean 3.5 in Italian
    menu = client.get("/admin/").content.decode()
    assert reverse("rating_report") in menu


def test_others_do_not_see_the_report(client, django_user_model, ratings):
    user = django_user_model.objects.create_user(
        username="rating-someone", email="rating-someone@example.org", password="x" * 12,
        is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(reverse("rating_report"))
    assert response.status_code in (302, 403)
    assert reverse("rating_report") not in client.get("/admin/").content.decode()


def test_the_report_filters_by_date(client, demo_editor, ratings):
    import datetime

    PageRating.objects.filter(page=ratings[1]).update(created=datetime.date(2020, 1, 10))
    client.force_login(demo_editor)
    body = client.get(reverse("rating_report"), {"created_from": "2020-01-01",
                                                 "created_to": "2020-01-31"}).content
    soup = BeautifulSoup(body, "html.parser")
    rows = soup.select("table.listing tbody tr")
    assert len(rows) == 1 and "Fine" in text(rows[0])


def test_the_csv_export_is_safe_in_excel_and_in_the_readers_language(client, demo_editor,
                                                                     ratings):
    client.force_login(demo_editor)
    response = client.get(reverse("rating_report"), {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Pagina", "Lingua", "Valutazioni", "Media (stelle)"]
    assert "Le indicazioni erano chiare (preferito)" in header
    assert header[-1] == "Commenti"
    article = next(row for row in rows[1:] if row[2] == "2")
    assert article[3] == "3,5"
    assert article[header.index("Le indicazioni erano chiare (preferito)")] == "1"
    # Each comment after its date and stars: a cell that never starts as a formula.
    assert article[-1].endswith("(5/5): =1+1 chiaro") and article[-1][0].isdigit()


# --- Retention ------------------------------------------------------------------------------


def test_comments_older_than_the_retention_period_are_blanked_the_rating_stays(settings):
    import datetime

    from django.utils import timezone

    from privacy import retention

    settings.RETENTION_RATING_COMMENT_DAYS = 365
    page = page_at(ARTICLE["it"])
    old = record_rating(page=page, stars=1, answer="lost", comment="Mario R.")
    recent = record_rating(page=page, stars=1, answer="lost", comment="Ok")
    today = timezone.localdate()
    PageRating.objects.filter(pk=old.pk).update(created=today - datetime.timedelta(days=366))
    assert "rating_comments" in retention.RULES
    assert retention.rating_comments(timezone.now()) == {"deleted": 0, "anonymised": 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.comment, old.stars, old.answer) == ("", 1, "lost")
    assert recent.comment == "Ok"
    assert retention.rating_comments(timezone.now()) == {"deleted": 0, "anonymised": 0}
