"""Messages people can act on, tax codes in any spelling, and text editors paste that
cannot break a page or a feed (issue 11).

- A form refused by a database rule says so in words, once, in the page's language; never
  the constraint's name. A person who presses "Send" at once on an empty form is told
  what is missing, not that they were too quick. A refused page's title starts with
  "Errore:"/"Error:".
- The confirmation page says whether a confirmation email was sent, calls the office with
  a tel: link and keeps the reference code on one line.
- A tax code is one organisation whatever the spelling: stored compact, a second spelling
  refused as a duplicate; a codice fiscale with spaces fits.
- Word's line break (U+000B) in a title, summary or group name: the RSS feed, the
  iCalendar feeds, the sitemap and the JSON-LD still parse; saving cleans it for good.
"""

import html
import importlib
import json
import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from accounts.models import TAX_CODE_TAKEN, Organisation
from antispam.forms import MESSAGES, issue_token
from programme.models import Group, NewsIndexPage, NewsPage, ParticipationRequest
from programme.models.participation import NO_CONTACT_MESSAGE
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import VAT_NUMBERS, make_organisation, make_user
from typed_text.editor_text import NOT_IN_XML, editor_text

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
CONTACT = {"it": "/it/contatti/", "en": "/en/contact/"}
CONSTRAINT_WORDS = ("participation_request_has_email_or_phone", "vincolo", "Constraint",
                    "constraint", "one_live_adhesion")


def page_text(response):
    return html.unescape(response.content.decode())


def title_of(response):
    return re.search(r"<title>(.*?)</title>", page_text(response), re.S).group(1).strip()


def in_language(lang, message):
    with translation.override(lang):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def url_in(lang, name, *args):
    with translation.override(lang):
        return reverse(name, args=args)


# --- No database rule speaks to a person in its own words ----------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_an_intake_with_neither_email_nor_phone_says_so_once_and_no_constraint(client, lang):
    response = client.post(INTAKE[lang], intake_data(email="", phone=""))
    assert response.status_code == 200
    text = page_text(response)
    assert text.count(in_language(lang, NO_CONTACT_MESSAGE)) == 1
    for word in CONSTRAINT_WORDS:
        assert word not in text
    assert ParticipationRequest.objects.count() == 0


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_referral_with_neither_email_nor_phone_says_so_once_and_no_constraint(lang):
    _organisation, admin = make_organisation()
    client = Client()
    client.force_login(admin)
    data = intake_data(email="", phone="", privacy=None, consent="on")
    response = client.post(url_in(lang, "partner:referral_create"), data)
    assert response.status_code == 200
    text = page_text(response)
    expected = in_language(lang, "Give at least the person's email address or phone number, "
                                 "so we can contact them.")
    assert text.count(expected) == 1
    assert in_language(lang, NO_CONTACT_MESSAGE) not in text
    for word in CONSTRAINT_WORDS:
        assert word not in text
    assert ParticipationRequest.objects.count() == 0


def _site_models():
    from pathlib import Path

    from django.conf import settings

    return [model for model in apps.get_models()
            if Path(model._meta.app_config.path).parent == Path(settings.BASE_DIR)]


def test_every_constraint_of_the_site_has_a_message_for_people():
    """Django's default says 'Constraint “<name>” is violated.': a developer's words."""
    found = []
    for model in _site_models():
        for constraint in model._meta.constraints:
            found.append(constraint.name)
            message = str(constraint.violation_error_message)
            assert message != str(constraint.default_violation_error_message), constraint.name
            assert constraint.name not in message
    assert "participation_request_has_email_or_phone" in found  # the walk found them


def test_every_unique_field_a_form_can_check_has_a_message_for_people():
    default = str(models.Field.default_error_messages["unique"])
    site_models = _site_models()
    for model in site_models:
        for field in model._meta.concrete_fields:
            # Fields of the site's models (a page's path is Wagtail's business).
            if field.model not in site_models:
                continue
            if field.unique and field.editable and not field.primary_key:
                assert str(field.error_messages["unique"]) != default, (
                    f"{model._meta.label}.{field.name}")


def test_a_second_live_adhesion_is_refused_in_words_by_model_validation():
    from django.core.exceptions import ValidationError

    from programme.models import Adhesion

    organisation, admin = make_organisation(adhesion=Adhesion.Status.PENDING)
    second = Adhesion(organisation=organisation, protocol_version="1.0",
                      signatory_name="Marta Neri", signatory_role="Presidente",
                      submitted_by=admin)
    with translation.override("it"), pytest.raises(ValidationError) as error:
        second.validate_constraints()
    assert error.value.messages == [
        "Questa organizzazione ha già un'adesione al protocollo in esame o approvata."]


# --- Refused for the real reason only --------------------------------------------------------


def empty_submission(form_name):
    """What a browser posts when "Send" is pressed at once on an untouched form: the
    token issued a moment ago, the anti-spam check not finished."""
    return {"form_token": issue_token(form_name, issued_at=time.time()), "altcha": "",
            "website": ""}


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("form", ["intake", "contact"])
def test_an_empty_form_sent_at_once_is_told_what_is_missing_not_too_quick(client, lang, form):
    url = (INTAKE if form == "intake" else CONTACT)[lang]
    response = client.post(url, empty_submission(form))
    assert response.status_code == 200
    text = page_text(response)
    assert in_language(lang, "This field is required.") in text
    for reason in ("too_fast", "challenge_missing"):
        assert in_language(lang, MESSAGES[reason]) not in text


def test_a_complete_form_sent_too_quickly_is_still_refused_for_it(client):
    data = intake_data(form_token=issue_token("intake", issued_at=time.time()))
    response = client.post(INTAKE["it"], data)
    assert in_language("it", MESSAGES["too_fast"]) in page_text(response)
    assert ParticipationRequest.objects.count() == 0


def test_a_form_refused_for_what_was_typed_leaves_the_challenge_unspent(client):
    """The same solved challenge works for the corrected submission."""
    data = intake_data(first_name="")
    client.post(INTAKE["it"], data)
    data["first_name"] = "Giulia"
    client.post(INTAKE["it"], data)
    assert ParticipationRequest.objects.count() == 1


# --- "Errore:" in the title of a refused page -------------------------------------------------


ERROR = {"it": "Errore:", "en": "Error:"}


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_refused_public_form_has_error_first_in_its_title(client, lang):
    for url, data in ((INTAKE[lang], intake_data(first_name="")),
                      (CONTACT[lang], contact_data(email="non-una-email"))):
        assert not title_of(client.get(url)).startswith(ERROR[lang])
        refused = client.post(url, data)
        assert refused.status_code == 200
        assert title_of(refused).startswith(ERROR[lang] + " "), url


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_refused_partner_form_has_error_first_in_its_title(client, lang):
    client.force_login(make_user("nuovo@example.org"))
    url = url_in(lang, "accounts:organisation_create")
    assert not title_of(client.get(url)).startswith(ERROR[lang])
    refused = client.post(url, {"name": ""})
    assert title_of(refused).startswith(ERROR[lang] + " ")
    client.logout()
    refused_login = client.post(url_in(lang, "account_login"),
                                {"login": "nessuno@example.org", "password": "sbagliata"})
    assert title_of(refused_login).startswith(ERROR[lang] + " ")


def test_every_page_loads_the_forms_script_and_the_summary_can_take_focus(client):
    response = client.post(INTAKE["it"], intake_data(first_name=""))
    text = response.content.decode()
    assert re.search(r'<script src="[^"]*js/forms\.js" defer data-busy-text="Invio in corso…">',
                     text)
    assert 'id="form-errors" tabindex="-1"' in text


# --- The confirmation page ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_confirmation_says_an_email_was_sent_when_it_was(client, lang):
    response = client.post(INTAKE[lang], intake_data(), follow=True)
    text = page_text(response)
    reference = ParticipationRequest.objects.get().reference
    assert re.search(rf'<strong class="reference-code text-nowrap">{reference}</strong>', text)
    assert in_language(lang, "We have sent you an email confirming your request, with this "
                             "code. If you cannot find it, look in your spam folder.") in text
    assert 'href="tel:+390288447502"' in text


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_confirmation_says_no_email_was_sent_without_an_address(client, lang):
    response = client.post(INTAKE[lang], intake_data(email="", preferred_channel="phone"),
                           follow=True)
    text = page_text(response)
    assert ParticipationRequest.objects.get().email == ""
    assert "We have sent you an email" not in text and "Ti abbiamo inviato" not in text
    assert in_language(lang, "You gave us no email address, so no confirmation email was "
                             "sent: we will phone you.") in text
    assert 'href="tel:+390288447502"' in text


# --- Tax codes: one organisation whatever the spelling ---------------------------------------


def organisation_form(**overrides):
    data = {"name": "Nuova Associazione", "kind": "association", "tax_code": VAT_NUMBERS[0],
            "address": "", "website": "", "email": "info@nuova.example.org", "phone": ""}
    data.update(overrides)
    return data


def register(tax_code, email):
    client = Client()
    client.force_login(make_user(email))
    return client.post(url_in("it", "accounts:organisation_create"),
                       organisation_form(tax_code=tax_code, name=f"Associazione {email}"))


@pytest.mark.parametrize("second", ["1234567-0157", "12345670157", "IT12345670157",
                                    "123.456.701.57", "IT 1234567 0157"])
def test_a_vat_number_in_any_spelling_is_one_organisation(second):
    first = register("it 1234567 015 7", "prima@example.org")
    assert first.status_code == 302
    assert Organisation.objects.get().tax_code == "12345670157"

    refused = register(second, "seconda@example.org")
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"tax_code": [in_language("it", TAX_CODE_TAKEN)]}
    assert in_language("it", TAX_CODE_TAKEN) in page_text(refused)
    assert Organisation.objects.count() == 1


def test_a_codice_fiscale_with_spaces_is_accepted_and_stored_compact(client):
    client.force_login(make_user("cf@example.org"))
    url = url_in("it", "accounts:organisation_create")
    field = re.search(r'<input[^>]*name="tax_code"[^>]*>', client.get(url).content.decode())
    maxlength = re.search(r'maxlength="(\d+)"', field.group(0))
    assert maxlength is None or int(maxlength.group(1)) >= len("IT-RSS.MRA.80A01.F205X")
    response = client.post(url, organisation_form(tax_code="RSS MRA 80A01 F205X"))
    assert response.status_code == 302, page_text(response)
    assert Organisation.objects.get().tax_code == "RSSMRA80A01F205X"


def test_editing_the_organisation_keeps_its_own_code_in_another_spelling(client):
    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[1])
    client.force_login(admin)
    response = client.post(url_in("it", "accounts:organisation_edit"),
                           organisation_form(tax_code="IT " + VAT_NUMBERS[1]))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.tax_code == VAT_NUMBERS[1]


def test_the_migration_compacts_stored_codes_and_reports_collisions(capsys):
    migration = importlib.import_module(
        "accounts.migrations.0004_compact_tax_codes_and_unique_messages")
    spaced = Organisation.objects.create(name="A", kind="association", email="a@example.org",
                                         tax_code="it 7654321 015 7")
    twin_a = Organisation.objects.create(name="B", kind="association", email="b@example.org",
                                         tax_code="1234567-0157")
    twin_b = Organisation.objects.create(name="C", kind="association", email="c@example.org",
                                         tax_code="12345670157")
    migration.compact_stored_tax_codes(apps, None)
    for row in (spaced, twin_a, twin_b):
        row.refresh_from_db()
    assert spaced.tax_code == "76543210157"
    assert (twin_a.tax_code, twin_b.tax_code) == ("1234567-0157", "12345670157")
    report = capsys.readouterr().out
    assert "12345670157" in report and "'B'" in report and "'C'" in report


# --- Text editors paste: feeds and pages never break ------------------------------------------


PASTED = "Riunione\x0bdi marzo"  # Word's Shift+Enter between the two lines


def italian_news():
    return NewsPage.objects.live().filter(locale__language_code="it").first()


def test_an_older_news_title_with_a_vertical_tab_keeps_the_rss_feed_up(client):
    article = italian_news()
    NewsPage.objects.filter(pk=article.pk).update(title=PASTED, summary="Prima\x0bseconda")
    index = NewsIndexPage.objects.get(locale__language_code="it")
    response = Client(raise_request_exception=False).get(
        index.url + index.reverse_subpage("rss"))
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 (our feed)
    titles = [item.findtext("title") for item in channel.iter("item")]
    assert "Riunione di marzo" in titles
    descriptions = [item.findtext("description") for item in channel.iter("item")]
    assert "Prima\nseconda" in descriptions


def test_an_older_news_title_with_a_vertical_tab_leaves_the_json_ld_readable(client):
    article = italian_news()
    NewsPage.objects.filter(pk=article.pk).update(title=PASTED)
    response = client.get(article.url)
    assert response.status_code == 200
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                      response.content.decode(), re.S).group(1)
    assert not NOT_IN_XML.search(block) and "\\u000b" not in block
    data = json.loads(block)
    assert data["headline"] == "Riunione di marzo"


def test_an_older_group_name_with_a_vertical_tab_keeps_the_calendar_valid(client):
    from programme.models import GroupIndexPage

    group = Group.objects.canonical().first()
    Group.objects.filter(pk=group.pk).update(name=PASTED, description="Uno\x0bdue\x01")
    page = GroupIndexPage.objects.get(locale__language_code="it")
    for url in (page.url + page.reverse_subpage("calendar_all"),
                page.url + page.reverse_subpage("calendar_group", args=[group.pk])):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", body), url
        calendar = Calendar.from_ical(response.content)
        events = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Riunione di marzo"]
        assert events, url
        assert str(events[0]["DESCRIPTION"]) == "Uno\ndue"


def test_the_sitemap_parses_with_a_pasted_title_in_the_database(client):
    NewsPage.objects.filter(pk=italian_news().pk).update(title=PASTED)
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    assert ET.fromstring(response.content).tag.endswith("urlset")  # noqa: S314


def test_saving_a_page_replaces_pasted_breaks_for_good():
    article = italian_news()
    article.title = PASTED
    article.summary = "Prima riga \x0b seconda riga\x07"
    article.body = [("paragraph", "<p>Uno\x0bdue</p>")]
    article.save_revision().publish()
    article = NewsPage.objects.get(pk=article.pk)
    assert article.title == "Riunione di marzo"
    assert article.summary == "Prima riga\nseconda riga"
    assert article.body.raw_data[0]["value"] == "<p>Uno\ndue</p>"


def test_saving_a_snippet_replaces_pasted_breaks():
    group = Group.objects.canonical().first()
    group.name = PASTED
    group.save()
    group.refresh_from_db()
    assert group.name == "Riunione di marzo"


def test_rich_text_gets_a_line_break_where_word_had_one():
    from programme.models import GroupIndexPage

    page = GroupIndexPage.objects.get(locale__language_code="it")
    page.introduction = "<p>Prima riga\x0bseconda riga</p>"
    page.save()
    page.refresh_from_db()
    assert page.introduction == "<p>Prima riga<br/>seconda riga</p>"


def test_editor_text_reads_as_the_editor_meant():
    assert editor_text("Riunione \x0b di marzo") == "Riunione di marzo"
    assert editor_text("Uno\x0bdue", multiline=True) == "Uno\ndue"
    assert editor_text("a\x00b\ufffec\tno\r\nchange") == "abc\tno\r\nchange"


# --- A line break pasted by a person separates words, it does not glue them ------------


def test_a_pasted_line_break_in_what_a_person_types_keeps_the_words_apart(client):
    """Word's Shift+Enter (U+000B) in a name is a space; in a text area, a new line."""
    response = client.post("/it/partecipa/", intake_data(
        first_name="Maria\x0bChiara", note="riga uno\x0b riga due\x0cfine"))
    assert response.status_code == 302
    stored = ParticipationRequest.objects.get()
    assert stored.first_name == "Maria Chiara"
    assert stored.note == "riga uno\nriga due\nfine"
