"""The intake form's GET costs what an uncached content page costs (issue 16): the blank
form's fields are rendered once per language (programme.forms.blank_fields_html) and
the Locales come from the data cache, while the spam protection stays per visitor.

The cost itself is measured by benchmarks/cold_pages.py (callgrind), never here.
"""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import programme.forms
import programme.views
from programme.demo_scale import grow
from programme.models import ParticipationRequest, Venue
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
# What differs from one visitor to the next, by design.
PER_VISITOR = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'name="form_token" value="[^"]+"'), 'name="form_token"'),
]


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """Whole pages cached would hide what rendering costs (the intake page is never
    cached whole anyway: it carries per-visitor tokens)."""
    settings.PAGE_CACHE_SECONDS = 0


def visit(url):
    """The page as a new visitor (no cookies) gets it."""
    response = Client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def without_tokens(html):
    for pattern, replacement in PER_VISITOR:
        html, found = pattern.subn(replacement, html)
        assert found == 1, pattern.pattern
    return html


def token(html, name):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def venue_options(html):
    select = re.search(r'<select name="preferred_venue".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="\d+"', select)


def query_count(url):
    client = Client()
    client.get(url)  # per-process and data caches warm, as between two publications
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_blank_form_from_the_cache_is_the_form_rendered_field_by_field(
    language, monkeypatch
):
    url = INTAKE[language]
    first, second = visit(url), visit(url)  # the second one's fields come from the cache
    assert token(first, "form_token") != token(second, "form_token")
    assert token(first, "csrfmiddlewaretoken") != token(second, "csrfmiddlewaretoken")
    # The page as it was before the cache: every field rendered by its template.
    monkeypatch.setattr(programme.views, "blank_fields_html", lambda request, form: None)
    uncached = visit(url)
    assert without_tokens(first) == without_tokens(second) == without_tokens(uncached)
    # What a screen reader and a browser's autofill rely on is in the cached fields.
    assert 'autocomplete="given-name"' in second and 'autocomplete="tel"' in second
    assert 'aria-describedby="id_email_helptext"' in second
    assert re.search(r'<input type="text" name="first_name"[^>]* required', second)


def test_the_blank_fields_are_rendered_once_per_language_the_venues_when_they_change(monkeypatch):
    rendered = []
    render = programme.forms.render_to_string

    def counting(template_name, context):
        rendered.append(template_name)
        return render(template_name, context)

    monkeypatch.setattr(programme.forms, "render_to_string", counting)
    for url in (*INTAKE.values(), *INTAKE.values()):
        visit(url)
    fields, venue_field = programme.forms.FIELDS_TEMPLATE, programme.forms.FIELD_TEMPLATE
    assert rendered == [fields, venue_field] * 2
    # A venue saved: the first visitor of each language pays for the venue field only.
    rendered.clear()
    Venue.objects.filter(locale__language_code="it", live=True).first().save()
    for url in (*INTAKE.values(), *INTAKE.values()):
        visit(url)
    assert rendered == [venue_field] * 2


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_intake_get_reads_one_query_whatever_the_venues(language):
    url = INTAKE[language]
    Venue.objects.filter(name__startswith="Sede di prova").delete()
    small = query_count(url)
    before = len(venue_options(visit(url)))
    grow(venues=22, search_index=False)
    large = query_count(url)
    # The venues are on the page: what the count measures is a fresh form, not a stale one.
    assert len(venue_options(visit(url))) == before + 22
    # The page itself (Wagtail's routing); the Locales, the venues and their names in
    # the visitor's language are in the data cache.
    assert small == large == 1


@pytest.mark.parametrize(("language", "lang_attr"), [("it", False), ("en", True)])
def test_a_venue_saved_is_in_the_form_at_once(language, lang_attr):
    url = INTAKE[language]
    assert "Casa del quartiere Adriano" not in visit(url)
    venue = Venue.objects.filter(locale__language_code="it", live=True).first()
    new = Venue.objects.create(
        locale=venue.locale, name="Casa del quartiere Adriano", street_address="Via Adriano 1",
        postal_code="20128", city="Milano", latitude="45.51", longitude="9.24",
    )
    html = visit(url)
    option = re.search(rf'<option value="{new.pk}"[^>]*>Casa del quartiere Adriano</option>',
                       html)
    assert option
    # Not translated yet: under /en/ the Italian name says it is Italian (WCAG 3.1.2).
    assert ('lang="it"' in option.group(0)) is lang_attr
    new.name = "Casa del quartiere Adriano e Padova"
    new.save()
    assert "Casa del quartiere Adriano e Padova" in visit(url)


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Questo campo è obbligatorio"), ("en", "This field is required"),
])
def test_a_refused_post_shows_what_was_typed_and_its_errors(client, language, message):
    client.get(INTAKE[language])  # the blank fields cached
    response = client.post(INTAKE[language], intake_data(first_name="", last_name="Bianchi"))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Bianchi"' in html
    assert re.search(r'<input type="text" name="first_name"[^>]*aria-invalid="true"', html)
    assert 'aria-describedby="id_first_name_errors"' in html
    assert not ParticipationRequest.objects.exists()
    # The next visitor gets a blank form again.
    assert 'value="Bianchi"' not in visit(INTAKE[language])


def test_each_visitor_gets_a_challenge_and_a_solution_counts_once(client):
    challenges = [json.loads(Client().get("/altcha/challenge/").content) for _ in range(2)]
    assert challenges[0]["salt"] != challenges[1]["salt"]
    assert challenges[0]["challenge"] != challenges[1]["challenge"]
    data = intake_data()
    assert client.post(INTAKE["it"], data).status_code == 302
    replayed = {**data, "email": "altra@example.org"}
    response = client.post(INTAKE["it"], replayed)
    assert response.status_code == 200
    assert "già stato usato" in response.content.decode()
    assert ParticipationRequest.objects.count() == 1
