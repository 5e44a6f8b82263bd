"""«Segnala disservizio» (issue 17, P4): the model's problem report, stored and triaged
like contact messages, with clear errors in both languages."""

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from home.models import MessageHandling, ProblemReportPage
from home.problem_reports import report_category_choices
from tests.forms_helpers import spam_fields
from tests.test_segreteria_messages import menu_url, segreteria  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

URLS = {"it": "/it/segnala-disservizio/", "en": "/en/report-a-problem/"}


def report_data(**overrides):
    data = {
        "categoria": "Un modulo non funziona",
        "descrizione": "Il modulo di contatto non si invia dal telefono.",
        "contatto": "",
        "privacy_acknowledgement": "on",
    }
    data.update(spam_fields("problem-report"))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_form_shows_the_fixed_categories_in_the_visitor_s_language(client, language):
    response = client.get(URLS[language])
    assert response.status_code == 200
    html = response.content.decode()
    if language == "it":
        assert "Informazioni errate o mancanti" in html and "Problema di accessibilità" in html
    else:
        assert "Information wrong or missing" in html and "Accessibility problem" in html
        # The stored value is the Italian label, whatever the language shown.
        assert 'value="Informazioni errate o mancanti"' in html


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_valid_report_is_stored_mailed_and_listed_for_the_segreteria(
    client, language, segreteria  # noqa: F811
):
    response = client.post(URLS[language], report_data(contatto="02 884 47502"))
    assert response.status_code == 200
    assert ("segnalazione è stata inviata" if language == "it"
            else "your report has been sent") in response.content.decode()
    submission = FormSubmission.objects.get()
    data = submission.get_data()
    assert data["categoria"] == "Un modulo non funziona"
    assert data["descrizione"].startswith("Il modulo di contatto")
    assert data["language"] == language
    assert data["privacy_notice_version"]
    assert len(mail.outbox) == 1

    client.force_login(segreteria)
    dashboard = client.get("/admin/")
    listing = client.get(menu_url(dashboard, "Disservizi"), follow=True)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Il modulo di contatto non si invia dal telefono." in html
    assert "Da gestire" in html  # the same handled flag as contact messages
    assert not MessageHandling.objects.exists()


@pytest.mark.parametrize(
    ("language", "overrides", "message"),
    [
        ("it", {"descrizione": ""}, "Descrivi il problema."),
        ("it", {"categoria": ""}, "Scegli il tipo di problema."),
        ("it", {"categoria": "Qualcos'altro"}, "Scegli il tipo di problema."),
        ("it", {"descrizione": "x" * 2500}, "2000"),
        ("it", {"contatto": "chiamami dopo"}, "indirizzo email o un numero di telefono"),
        ("it", {"privacy_acknowledgement": None}, "informativa"),
        ("en", {"descrizione": ""}, "Please describe the problem."),
        ("en", {"categoria": ""}, "Please choose the kind of problem."),
        ("en", {"contatto": "later"}, "an email address or a phone number"),
        ("en", {"descrizione": "x" * 2500}, "at most 2000 characters"),
    ],
)
def test_bad_input_gets_a_localized_error_and_nothing_is_stored(
    client, language, overrides, message
):
    response = client.post(URLS[language], report_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_an_email_is_accepted_as_contact(client):
    client.post(URLS["it"], report_data(contatto="mario@example.org"))
    assert FormSubmission.objects.get().get_data()["contatto"] == "mario@example.org"


def test_the_categories_are_stored_in_italian_and_shown_translated():
    from django.utils import translation

    with translation.override("en"):
        choices = dict(report_category_choices())
    assert choices["Informazioni errate o mancanti"] == "Information wrong or missing"
    assert choices["Altro"] == "Other"


def test_reports_are_purged_with_the_contact_messages(settings):
    from datetime import timedelta

    from django.utils import timezone

    from privacy.retention import contact_messages

    page = ProblemReportPage.objects.get(locale__language_code="it")
    old = FormSubmission.objects.create(page=page, form_data={"descrizione": "vecchia"})
    FormSubmission.objects.filter(pk=old.pk).update(
        submit_time=timezone.now() - timedelta(days=settings.RETENTION_CONTACT_MESSAGE_DAYS + 1))
    recent = FormSubmission.objects.create(page=page, form_data={"descrizione": "nuova"})
    contact_messages(timezone.now())
    assert list(FormSubmission.objects.all()) == [recent]
