"""Every form cleans control and bidirectional characters and checks phones (issue 12).

- Unicode's control characters and its bidirectional controls (U+061C, U+200E–U+200F,
  U+202A–U+202E, U+2066–U+2069) are dropped from what people type, on every form: the
  organisation, invitation, referral, intake and contact forms, sign-up, and the
  admin's snippets; `Rossi\\u202egpj.exe\\u202c` is stored and exported as `Rossigpj.exe`.
- Whatever a form forgets, saving any model of the site's own apps drops them too.
- A phone is a phone: `＜script＞alert(3)＜/script＞` gets a clear error in the page's
  language; a number is stored as +39…
- A web address holding a character nobody sees is refused, in the page's language.
"""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, streamfield

from accounts.models import Invitation, Organisation
from home.models import ContactDetails, ContactPage, ContactSubmission
from programme.models import NewsPage, ParticipationRequest, Venue
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import VAT_NUMBERS, make_organisation, make_user, partner_path
from typed_text.characters import PlainTextFormMixin, without_control_characters
from typed_text.editor_text import editor_rich_text, editor_text
from typed_text.phones import INVALID_PHONE
from typed_text.web_addresses import HIDDEN_CHARACTER_MESSAGE

pytestmark = pytest.mark.django_db

LANGUAGES = ["it", "en"]
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
DISGUISED = "Rossi\u202egpj.exe\u202c"  # shows as "Rossiexe.jpg"
TERMINAL = "\x01\x1b[31mACME\x7f"  # a terminal's colour code pasted with the name
SCRIPT_PHONE = "＜script＞alert(3)＜/script＞"  # full-width brackets
INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
CONTACT = {"it": "/it/contatti/", "en": "/en/contact/"}


def page_text(response):
    return html.unescape(response.content.decode())


def in_language(lang, message):
    with translation.override(lang):
        return str(message)


def url_in(lang, name, *args):
    with translation.override(lang):
        return reverse(name, args=args)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- The rule ---------------------------------------------------------------------------


def test_every_bidirectional_control_goes_and_the_words_stay():
    assert without_control_characters(f"Ma{BIDI}ria") == "Maria"
    assert without_control_characters(DISGUISED) == "Rossigpj.exe"
    # The escape goes; what followed it is text a person can read and correct.
    assert without_control_characters(TERMINAL) == "ACME"
    assert without_control_characters("\x1b]0;title\x07Rossi \x1b[1;4mSrl\x1b[0m") == "Rossi Srl"
    # C1 controls go; NEL and the Unicode line separators are line breaks.
    assert without_control_characters("a\x80b\x9fc") == "abc"
    assert without_control_characters("Maria\u2028Chiara") == "Maria Chiara"
    assert without_control_characters("uno\x85due", multiline=True) == "uno\ndue"
    # Letters of right-to-left scripts, accents, tabs and new lines are text.
    assert without_control_characters("مرحبا Niccolò\tsì\r\n") == "مرحبا Niccolò\tsì\r\n"


def test_what_editors_type_loses_them_too():
    assert editor_text(f"Riunione{BIDI} di marzo\x85fine") == "Riunione di marzo fine"
    assert editor_rich_text("<p>Rossi\u202egpj.exe</p>") == "<p>Rossigpj.exe</p>"


def test_passwords_and_web_addresses_stay_as_typed_for_their_own_checks():
    from django import forms

    class Form(PlainTextFormMixin, forms.Form):
        name = forms.CharField()
        secret = forms.CharField(widget=forms.PasswordInput)
        site = forms.URLField(assume_scheme="https")

    form = Form({"name": DISGUISED, "secret": "pa\u202ess", "site": "https://a\u202e.it"})
    form.is_valid()
    assert form.data["name"] == "Rossigpj.exe"
    assert form.data["secret"] == "pa\u202ess"
    assert form.data["site"] == "https://a\u202e.it"


# --- The organisation form ---------------------------------------------------------------


def organisation_form(**overrides):
    data = {"name": "Nuova Associazione", "kind": "association", "tax_code": VAT_NUMBERS[0],
            "address": "", "website": "", "email": "info@nuova.example.org", "phone": ""}
    data.update(overrides)
    return data


def register(lang="it", **overrides):
    client = signed_in(make_user("registra@example.org"))
    return client.post(url_in(lang, "accounts:organisation_create"),
                       organisation_form(**overrides))


@pytest.mark.parametrize("name, stored", [(TERMINAL, "ACME"), (DISGUISED, "Rossigpj.exe")])
def test_the_organisation_form_drops_control_and_bidi_characters(name, stored):
    response = register(name=name, address=f"Via Roma 1{BIDI}",
                        email="info@nuo\u202eva.example.org")
    assert response.status_code == 302, page_text(response)[:2000]
    organisation = Organisation.objects.get()
    assert organisation.name == stored
    assert organisation.address == "Via Roma 1"
    assert organisation.email == "info@nuova.example.org"


def test_the_organisation_phone_is_stored_as_plus_39():
    assert register(phone="02 884 47502").status_code == 302
    assert Organisation.objects.get().phone == "+390288447502"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_organisation_phone_must_be_a_phone(lang):
    response = register(lang, phone=SCRIPT_PHONE)
    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": [in_language(lang, INVALID_PHONE)]}
    assert in_language(lang, INVALID_PHONE) in page_text(response)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("website", ["https://acme\u202e.it", "acme\u2066.it",
                                     "https://ac\u200bme.it", "https://acme.it/\u202egpj.exe"])
def test_a_web_address_holding_a_hidden_character_is_refused(lang, website):
    response = register(lang, website=website)
    assert response.status_code == 200
    message = in_language(lang, HIDDEN_CHARACTER_MESSAGE)
    assert response.context["form"].errors == {"website": [message]}
    assert message in page_text(response)
    assert not Organisation.objects.exists()


def test_a_plain_or_international_web_address_is_welcome():
    assert register(website="caffè-sociale.it").status_code == 302
    assert Organisation.objects.get().website == "https://caffè-sociale.it"


def test_editing_the_organisation_cleans_and_checks_the_same_way():
    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[2])
    client = signed_in(admin)
    url = url_in("en", "accounts:organisation_edit")
    refused = client.post(url, organisation_form(tax_code=VAT_NUMBERS[2], phone=SCRIPT_PHONE))
    assert in_language("en", INVALID_PHONE) in page_text(refused)
    response = client.post(url, organisation_form(tax_code=VAT_NUMBERS[2], name=DISGUISED,
                                                  phone="+39 333 123 4567"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.phone) == ("Rossigpj.exe", "+393331234567")


# --- The invitation form -----------------------------------------------------------------


def test_the_invitation_form_drops_control_and_bidi_characters():
    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[3])
    response = signed_in(admin).post(url_in("it", "accounts:members"), {
        "email": "collega@coope\u202erativa.example.org\x01", "role": "referrer"})
    assert response.status_code == 302, page_text(response)[:2000]
    assert Invitation.objects.get().email == "collega@cooperativa.example.org"


# --- The referral and intake forms -------------------------------------------------------


def referral_client():
    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[4])
    return signed_in(admin)


def test_the_referral_form_drops_control_and_bidi_characters():
    response = referral_client().post(partner_path("it", "/segnalazioni/nuova/"), intake_data(
        privacy=None, consent="on", first_name=f"Giulia{BIDI}", last_name=DISGUISED,
        note="Preferisce\u2067 il martedì\x1b"))
    assert response.status_code == 302, page_text(response)[:2000]
    referral = ParticipationRequest.objects.get()
    assert (referral.first_name, referral.last_name) == ("Giulia", "Rossigpj.exe")
    assert referral.note == "Preferisce il martedì"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_referral_phone_must_be_a_phone(lang):
    response = referral_client().post(partner_path(lang, "/segnalazioni/nuova/"), intake_data(
        privacy=None, consent="on", phone=SCRIPT_PHONE))
    assert response.status_code == 200
    assert in_language(lang, INVALID_PHONE) in page_text(response)
    assert not ParticipationRequest.objects.exists()


def test_the_intake_form_drops_control_and_bidi_characters(client):
    response = client.post(INTAKE["it"], intake_data(
        first_name="\u202bGiulia", last_name=DISGUISED, phone="\u202d02 884 47502"))
    assert response.status_code == 302, page_text(response)[:2000]
    stored = ParticipationRequest.objects.get()
    assert (stored.first_name, stored.last_name) == ("Giulia", "Rossigpj.exe")
    assert stored.phone == "+390288447502"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_intake_phone_must_be_a_phone(client, lang):
    response = client.post(INTAKE[lang], intake_data(phone=SCRIPT_PHONE))
    assert response.status_code == 200
    assert in_language(lang, INVALID_PHONE) in page_text(response)
    assert not ParticipationRequest.objects.exists()


# --- The contact form (Wagtail's form builder) ---------------------------------------------


def test_the_contact_form_drops_control_and_bidi_characters(client):
    response = client.post(CONTACT["it"], contact_data(
        nome=DISGUISED, telefono="02 884\u200f 47502", messaggio="Buongiorno\u202e, grazie"))
    assert response.status_code in (200, 302), page_text(response)[:2000]
    answers = ContactSubmission.objects.get().get_data()
    assert answers["nome"] == "Rossigpj.exe"
    assert answers["telefono"] == "+390288447502"
    assert answers["messaggio"] == "Buongiorno, grazie"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contact_phone_must_be_a_phone(client, lang):
    response = client.post(CONTACT[lang], contact_data(telefono=SCRIPT_PHONE))
    assert response.status_code == 200
    assert in_language(lang, INVALID_PHONE) in page_text(response)
    assert not ContactSubmission.objects.exists()


# --- Sign-up (allauth) ---------------------------------------------------------------------


def test_sign_up_drops_bidi_characters_from_the_email_and_keeps_the_password(client):
    password = "una-password-lunga-\u202e1"
    response = client.post("/it/accounts/signup/", {
        "email": "nuova@associa\u202ezione.example", "password1": password,
        "password2": password})
    assert response.status_code == 302, page_text(response)[:2000]
    user = get_user_model().objects.get(email__startswith="nuova@")
    assert user.email == "nuova@associazione.example"
    assert EmailAddress.objects.get(user=user).email == "nuova@associazione.example"
    assert user.check_password(password)


# --- The admin's snippets -------------------------------------------------------------------


def admin_client(user, lang):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = lang
    profile.save()
    return signed_in(user)


def venue_form(venue, **overrides):
    data = {
        "name": venue.name, "street_address": venue.street_address,
        "postal_code": venue.postal_code, "city": venue.city,
        "latitude": str(venue.latitude), "longitude": str(venue.longitude),
        "opening_hours": streamfield([]), "facilities": streamfield([]),
        "accessibility_notes": "", "public_transport": "", "photo": "", "photo_alt_text": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_a_venue_edited_in_the_admin_loses_control_and_bidi_characters(demo_editor):
    venue = Venue.objects.filter(locale__language_code="it").first()
    client = admin_client(demo_editor, "it")
    # Published at once (a superuser may): what the row holds is what the public reads.
    response = client.post(f"/admin/snippets/programme/venue/edit/{venue.pk}/",
                           venue_form(venue, name=DISGUISED, city=f"Milano{BIDI}\x1b",
                                      **{"action-publish": "action"}))
    assert response.status_code == 302, page_text(response)[:3000]
    venue.refresh_from_db()
    assert (venue.name, venue.city) == ("Rossigpj.exe", "Milano")


def contact_details_form(details, **overrides):
    data = {
        "office_name": details.office_name, "street_address": details.street_address,
        "postal_code": details.postal_code, "city": details.city,
        "phone_primary": details.phone_primary, "phone_secondary": details.phone_secondary,
        "email": details.email, "opening_hours": details.opening_hours,
        "facebook_url": details.facebook_url,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_offices_phone_must_be_a_phone_in_the_admin(demo_editor, lang):
    details = ContactDetails.objects.get(locale__language_code="it")
    client = admin_client(demo_editor, lang)
    url = f"/admin/snippets/home/contactdetails/edit/{details.pk}/"
    response = client.post(url, contact_details_form(
        details, phone_secondary=SCRIPT_PHONE, facebook_url="https://facebook.com/\u202eabc"))
    assert response.status_code == 200
    text = page_text(response)
    assert in_language(lang, INVALID_PHONE) in text
    assert in_language(lang, HIDDEN_CHARACTER_MESSAGE) in text
    details.refresh_from_db()
    assert details.phone_secondary != SCRIPT_PHONE

    # A valid number is kept as the editor wrote it: the footer shows it that way.
    response = client.post(url, contact_details_form(
        details, phone_secondary="02 884 45019", office_name=f"Ufficio{BIDI}",
        **{"action-publish": "action"}))
    assert response.status_code == 302, page_text(response)[:3000]
    details.refresh_from_db()
    assert (details.phone_secondary, details.office_name) == ("02 884 45019", "Ufficio")


# --- Whatever a form forgets: saving ---------------------------------------------------------


def test_saving_any_own_model_drops_them(demo_editor):
    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[1])
    organisation.name = DISGUISED
    organisation.save()
    organisation.refresh_from_db()
    assert organisation.name == "Rossigpj.exe"

    admin.first_name, admin.last_name = "Giulia\u202e", "Rossi\u2066"
    admin.save()
    admin.refresh_from_db()
    assert admin.get_full_name() == "Giulia Rossi"

    page = NewsPage.objects.filter(locale__language_code="it").first()
    page.title = f"Notizia{BIDI}"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.title == "Notizia"


def test_a_contact_message_saved_without_the_form_loses_them_too():
    page = ContactPage.objects.get(locale__language_code="it")
    submission = ContactSubmission.objects.create(page=page, form_data={
        "nome": DISGUISED, "messaggio": "riga\u202e uno\x0bdue"})
    submission.refresh_from_db()
    assert submission.form_data == {"nome": "Rossigpj.exe", "messaggio": "riga uno\ndue"}


# --- Exports -----------------------------------------------------------------------------------


def test_a_name_stored_before_this_rule_is_exported_without_them(client, demo_editor):
    client.post(INTAKE["it"], intake_data())
    stored = ParticipationRequest.objects.get()
    # Stored before the rule existed: no save, no form.
    ParticipationRequest.objects.filter(pk=stored.pk).update(last_name=DISGUISED)
    staff = admin_client(demo_editor, "it")
    response = staff.get("/admin/participation_requests/?export=csv")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = data.decode("utf-8-sig")
    assert "Rossigpj.exe" in text
    assert not re.search(f"[{BIDI}]", text)
