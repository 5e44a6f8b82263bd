"""A translation is not live until translated and approved (issue 13): starting
"Traduci questa pagina → English" makes a draft that no English list, feed, sitemap,
search or language link shows and whose /en/ address answers 404; Redazione sends the
translation for approval from wagtail-localize's editor; Approvazione's approval puts it
live, under an English ASCII slug chosen (or derived from the title) in the translation
step (home/translations.py)."""

import datetime
import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, Translation

from home.translations import missing_strings, translated_page_slug
from programme.models import NewsIndexPage, NewsPage
from programme.workflow import APPROVAZIONE, REDAZIONE
from tests.admin_helpers import speaks
from tests.test_workflow import _approve, _member_of

pytestmark = pytest.mark.django_db

TITLE = "Nuovo gruppo il giovedì"
SUMMARY = "Apre un nuovo gruppo in via Felice Orsini."
PARAGRAPH = "Il gruppo si incontra il giovedì pomeriggio."
ENGLISH = {
    TITLE: "New group on Thursdays",
    SUMMARY: "A new group opens in via Felice Orsini.",
    PARAGRAPH: "The group meets on Thursday afternoons.",
}
ITALIAN_SLUG = "nuovo-gruppo-il-giovedi"


@pytest.fixture
def editor():
    return _member_of(REDAZIONE, "redattrice")


@pytest.fixture
def approver():
    return _member_of(APPROVAZIONE, "approvatore")


@pytest.fixture
def english():
    return Locale.objects.get(language_code="en")


@pytest.fixture
def article():
    """A live Italian news article, not yet translated."""
    news_index = NewsIndexPage.objects.get(locale=Locale.get_default())
    page = NewsPage(title=TITLE, slug=ITALIAN_SLUG, date=datetime.date(2026, 11, 30),
                    summary=SUMMARY,
                    body=json.dumps([{"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>"}]))
    news_index.add_child(instance=page)
    page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


def start_translation(client, page, locale, django_capture_on_commit_callbacks):
    """"Traduci questa pagina" in the admin; wagtail-localize publishes in on_commit, so
    the callbacks are run as a real request would."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtail_localize:submit_page_translation",
                                       args=(page.pk,)), {"locales": [locale.pk]})
    assert response.status_code == 302, response.content[:500]
    return Page.objects.get(translation_key=page.translation_key, locale=locale).specific


def translate(client, target, strings):
    """Type each translation in wagtail-localize's editor (its API, as the editor's
    "Salva" does); returns the API's answers by source string."""
    translation = Translation.objects.get(source__object_id=target.translation_key,
                                          target_locale=target.locale)
    answers = {}
    for segment in StringSegment.objects.filter(source=translation.source).select_related(
            "string"):
        if segment.string.data not in strings:
            continue
        url = reverse("wagtail_localize:edit_string_translation",
                      args=(translation.pk, segment.pk))
        response = client.put(url, urlencode({"value": strings[segment.string.data]}),
                              content_type="application/x-www-form-urlencoded")
        answers[segment.string.data] = response
    return answers


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def public(path):
    return Client().get(path)


def listed(path, needle):
    response = public(path)
    assert response.status_code == 200, path
    return needle in response.content.decode()


def alternates(html):
    return re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"', html)


# --- Starting a translation publishes nothing ------------------------------------------


def test_starting_a_translation_makes_a_draft_nobody_sees(
        client, editor, article, english, django_capture_on_commit_callbacks):
    client.force_login(editor)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)

    assert not target.live
    assert target.title == TITLE  # the untranslated copy...
    # ...is nowhere under /en/: not at its address, in the news, the feed, the sitemap,
    # the search or the Italian page's language links.
    assert public(f"/en/news/{target.slug}/").status_code == 404
    assert public(f"/en/news/{ITALIAN_SLUG}/").status_code == 404
    assert not listed("/en/news/", TITLE)
    assert not listed("/en/news/rss.xml", TITLE)
    assert not listed("/en/news/rss.xml", ITALIAN_SLUG)
    assert not listed("/sitemap-pages.xml", f"/en/news/{target.slug}/")
    assert not listed("/en/search/?q=Orsini", TITLE)
    italian_html = public(article.url).content.decode()
    assert [code for code, _url in alternates(italian_html)] == ["it"]


# --- Redazione sends it for approval, Approvazione approves -----------------------------


def test_the_translator_sends_the_translation_for_approval_and_the_approval_publishes_it(
        client, editor, approver, article, english, django_capture_on_commit_callbacks):
    client.force_login(editor)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)

    editor_page = client.get(edit_url(target))
    assert editor_page.status_code == 200
    assert 'value="submit-translation"' in editor_page.content.decode()
    translate(client, target, ENGLISH)
    response = client.post(edit_url(target), {"action": "submit-translation"}, follow=True)
    assert response.status_code == 200
    assert "è stata inviata per l’approvazione" in response.content.decode()

    target = NewsPage.objects.get(pk=target.pk)
    assert target.workflow_in_progress and not target.live
    assert public("/en/news/new-group-on-thursdays/").status_code == 404
    assert not listed("/en/news/", ENGLISH[TITLE])

    approving = Client()
    approving.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(approving, target).status_code == 302
    target = NewsPage.objects.get(pk=target.pk)
    assert target.live and not target.workflow_in_progress
    assert target.url == "/en/news/new-group-on-thursdays/"

    response = public(target.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ENGLISH[PARAGRAPH] in html and PARAGRAPH not in html
    assert listed("/en/news/", ENGLISH[TITLE])
    assert listed("/en/news/rss.xml", ENGLISH[TITLE])
    assert listed("/sitemap-pages.xml", "/en/news/new-group-on-thursdays/")
    assert listed("/en/search/?q=Orsini", ENGLISH[TITLE])
    italian_html = public(article.url).content.decode()
    assert ("en", "http://testserver/en/news/new-group-on-thursdays/") in alternates(
        italian_html)


def test_a_half_translated_page_cannot_be_sent_nor_published(
        client, editor, approver, article, english, django_capture_on_commit_callbacks):
    client.force_login(editor)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)
    translate(client, target, {TITLE: ENGLISH[TITLE]})
    translation = Translation.objects.get(source__object_id=target.translation_key,
                                          target_locale=english)
    assert missing_strings(translation) > 0

    response = client.post(edit_url(target), {"action": "submit-translation"}, follow=True)
    assert "Traduci tutti i testi prima di proseguire" in response.content.decode()
    assert not NewsPage.objects.get(pk=target.pk).workflow_in_progress

    # Nor does Approvazione's "Pubblica in Inglese" put Italian text live.
    approving = Client()
    approving.force_login(approver)
    speaks(approver, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = approving.post(edit_url(target), {"action": "publish"}, follow=True)
    assert "Translate every text before sending the translation on" in (
        response.content.decode())
    assert not NewsPage.objects.get(pk=target.pk).live


def test_approvazione_publishes_a_complete_translation_from_the_editor(
        client, approver, article, english, django_capture_on_commit_callbacks):
    client.force_login(approver)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)
    assert 'value="submit-translation"' not in client.get(edit_url(target)).content.decode()
    translate(client, target, ENGLISH)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(target), {"action": "publish"})
    target = NewsPage.objects.get(pk=target.pk)
    assert target.live and target.title == ENGLISH[TITLE]
    assert target.slug == "new-group-on-thursdays"


def test_a_change_to_a_live_translation_waits_for_approval(
        client, editor, approver, article, english, django_capture_on_commit_callbacks):
    approving = Client()
    approving.force_login(approver)
    target = start_translation(approving, article, english, django_capture_on_commit_callbacks)
    translate(approving, target, ENGLISH)
    with django_capture_on_commit_callbacks(execute=True):
        approving.post(edit_url(target), {"action": "publish"})

    client.force_login(editor)
    translate(client, target, {PARAGRAPH: "The group meets on Thursdays at three."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(target), {"action": "submit-translation"})
    html = public("/en/news/new-group-on-thursdays/").content.decode()
    assert ENGLISH[PARAGRAPH] in html and "at three" not in html

    with django_capture_on_commit_callbacks(execute=True):
        _approve(approving, target)
    html = public("/en/news/new-group-on-thursdays/").content.decode()
    assert "The group meets on Thursdays at three." in html


# --- Slugs set in the translation step --------------------------------------------------


def test_an_untranslated_slug_follows_the_translated_title(
        client, editor, approver, article, english, django_capture_on_commit_callbacks):
    client.force_login(approver)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)
    translate(client, target, ENGLISH)  # every string but the slug
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(target), {"action": "publish"})
    target = NewsPage.objects.get(pk=target.pk)
    assert target.live
    assert target.slug == "new-group-on-thursdays"
    assert public(f"/en/news/{ITALIAN_SLUG}/").status_code == 404


def test_the_translator_chooses_the_english_slug(
        client, approver, article, english, django_capture_on_commit_callbacks):
    client.force_login(approver)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)
    translate(client, target, {**ENGLISH, ITALIAN_SLUG: "thursday-group"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(target), {"action": "publish"})
    target = NewsPage.objects.get(pk=target.pk)
    assert target.url == "/en/news/thursday-group/"
    # Once published, the address stays (it was given out), whatever the title becomes.
    translation = Translation.objects.get(source__object_id=target.translation_key,
                                          target_locale=english)
    assert translated_page_slug(target, translation) == "thursday-group"


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Usa nello slug solo lettere senza accenti (a-z), cifre e trattini"),
    ("en", "Use only letters without accents (a-z), digits and hyphens in the slug"),
])
def test_a_slug_with_an_accent_is_refused_in_the_editor(
        client, approver, article, english, django_capture_on_commit_callbacks,
        language, message):
    client.force_login(approver)
    speaks(approver, language)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)
    answers = translate(client, target, {ITALIAN_SLUG: "thursday-gioved\u00ec"})
    assert message in answers[ITALIAN_SLUG].json()["error"]
    # The refused slug is not used: the page takes its slug from the translated title.
    translate(client, target, ENGLISH)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(target), {"action": "publish"})
    assert NewsPage.objects.get(pk=target.pk).slug == "new-group-on-thursdays"


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Un’altra pagina di questa sezione usa già lo slug «mutual-aid-programmes»"),
    ("en", "Another page in this section already uses the slug “mutual-aid-programmes”"),
])
def test_a_slug_taken_in_the_english_section_is_refused_in_the_editor(
        client, approver, article, english, django_capture_on_commit_callbacks,
        language, message):
    assert NewsPage.objects.filter(locale=english, slug="mutual-aid-programmes").exists()
    client.force_login(approver)
    speaks(approver, language)
    target = start_translation(client, article, english, django_capture_on_commit_callbacks)
    answers = translate(client, target, {ITALIAN_SLUG: "mutual-aid-programmes"})
    assert message in answers[ITALIAN_SLUG].json()["error"]


def test_snippet_translation_still_starts(client, approver, english,
                                          django_capture_on_commit_callbacks):
    """Groups, venues and contact details are translated too (their moderation is
    another part's): starting one answers, and makes the translation."""
    import uuid

    from programme.models import Venue

    venue = Venue.objects.filter(locale=Locale.get_default()).first()
    venue.pk = venue.id = None
    venue.translation_key = uuid.uuid4()
    venue.name = "Sede di prova"
    venue.save()
    client.force_login(approver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:submit_snippet_translation",
                    args=("programme", "venue", venue.pk)), {"locales": [english.pk]})
    assert response.status_code == 302
    assert Venue.objects.filter(translation_key=venue.translation_key,
                                locale=english).exists()


def test_syncing_translations_does_not_publish_untranslated_strings(
        client, editor, approver, article, english, django_capture_on_commit_callbacks):
    """wagtail-localize's "Sync translated pages" offered "Publish immediately" to
    Redazione: the Italian page's new title went live in English."""
    approving = Client()
    approving.force_login(approver)
    target = start_translation(approving, article, english, django_capture_on_commit_callbacks)
    translate(approving, target, ENGLISH)
    with django_capture_on_commit_callbacks(execute=True):
        approving.post(edit_url(target), {"action": "publish"})
    article.title = "Nuovo gruppo il giovedì mattina"
    article.save_revision().publish()

    client.force_login(editor)
    translation = Translation.objects.get(source__object_id=article.translation_key,
                                          target_locale=english)
    url = reverse("wagtail_localize:update_translations", args=(translation.source_id,))
    assert 'name="publish_translations"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"publish_translations": "on"})
    assert response.status_code == 302
    target = NewsPage.objects.get(pk=target.pk)
    assert target.live and target.title == ENGLISH[TITLE]
    html = public("/en/news/new-group-on-thursdays/").content.decode()
    assert "mattina" not in html
    # The new string waits in the translation editor.
    assert missing_strings(translation) == 1
