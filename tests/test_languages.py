"""Languages kept from start to finish (issue 11): every redirect of the account and
partner pages stays in the language of the page the person was using, whatever their
browser prefers; the English contact form speaks English; English URLs have no Italian
parts; the Segreteria's mail about a contact message is Italian and readable; account
mails name the site, never a host and port.

Each request carries the *other* language in Accept-Language, so a test passes only
when the path's /it/ or /en/ prefix wins.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from home.models import ContactPage
from tests.forms_helpers import contact_data
from tests.partner_helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db

LANGUAGES = ["it", "en"]
OTHER = {"it": "en", "en": "it"}
PASSWORD = "una-password-lunga-1"  # noqa: S105 (partner_helpers.make_user's)
NEW_PASSWORD = "Un-segreto-lungo-2026"  # noqa: S105
SITE_NAME = {"it": "Mutuo Aiuto Lavoro", "en": "Mutual Aid for Work"}
HOSTS = ("127.0.0.1", "8101", "testserver", "example.com", "localhost")


def browser(lang):
    """Headers of a browser that prefers the other language."""
    return {"HTTP_ACCEPT_LANGUAGE": OTHER[lang]}


def paths(response):
    return [urlsplit(url).path for url, _status in response.redirect_chain]


def final_path(response):
    return urlsplit(response.redirect_chain[-1][0]).path if response.redirect_chain else None


def html_lang(response):
    match = re.search(r'<html[^>]*\blang="([^"]+)"', response.content.decode())
    return match and match.group(1)


def text(response):
    return unescape(response.content.decode())


def prose(body):
    """A mail's text without its links: a link may name the host, a sentence may not."""
    return re.sub(r"https?://\S+", "", body)


# --- 1. Every redirect keeps the language -------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_partner_area_asks_an_anonymous_visitor_to_sign_in_in_the_same_language(
        client, lang):
    response = client.get(f"/{lang}/partner/", follow=True, **browser(lang))
    assert response.status_code == 200
    assert paths(response) == [f"/{lang}/accounts/login/"]
    assert html_lang(response) == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_signing_in_from_the_partner_area_returns_to_it_and_out_to_the_home_page(
        client, lang):
    _organisation, admin = make_organisation()
    login_page = client.get(f"/{lang}/partner/", follow=True, **browser(lang))
    response = client.post(login_page.redirect_chain[-1][0],
                           {"login": admin.email, "password": PASSWORD},
                           follow=True, **browser(lang))
    assert final_path(response) == f"/{lang}/partner/"
    assert html_lang(response) == lang

    response = client.post(f"/{lang}/accounts/logout/", follow=True, **browser(lang))
    assert final_path(response) == f"/{lang}/"
    assert html_lang(response) == lang
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("lang", LANGUAGES)
def test_signing_in_without_a_destination_leads_to_the_partner_area(client, lang):
    _organisation, admin = make_organisation()
    response = client.post(f"/{lang}/accounts/login/",
                           {"login": admin.email, "password": PASSWORD},
                           follow=True, **browser(lang))
    assert paths(response) == [f"/{lang}/partner/"]
    assert html_lang(response) == lang


def test_staff_signing_in_without_a_destination_go_to_the_admin(client, demo_editor):
    demo_editor.set_password(PASSWORD)
    demo_editor.save()
    response = client.post("/en/accounts/login/",
                           {"login": demo_editor.email, "password": PASSWORD}, **browser("en"))
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_password_reset_journey_stays_in_the_language(client, lang):
    user = make_user(f"reset-{lang}@associazione.example")
    response = client.post(f"/{lang}/accounts/password/reset/", {"email": user.email},
                           follow=True, **browser(lang))
    assert paths(response) == [f"/{lang}/accounts/password/reset/done/"]
    link = re.search(r"http://testserver(/\S+/password/reset/key/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True, **browser(lang))
    form_url = response.redirect_chain[-1][0]
    assert urlsplit(form_url).path.startswith(f"/{lang}/accounts/")
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                           follow=True, **browser(lang))
    assert all(path.startswith(f"/{lang}/") for path in paths(response)), paths(response)
    assert html_lang(response) == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_wagtails_front_end_login_leads_to_the_sign_in_of_the_language(client, lang):
    response = client.get(f"/{lang}/_util/login/?next=/{lang}/", follow=True, **browser(lang))
    assert paths(response) == [f"/{lang}/accounts/login/"]


# --- 2. After the sign-up code: the partner area, signed in ---------------------------------


def emailed_code(message):
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_after_the_sign_up_code_the_partner_lands_in_the_partner_area(client, lang):
    email = f"nuovo-{lang}@associazione.example"
    response = client.post(f"/{lang}/accounts/signup/",
                           {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                           follow=True, **browser(lang))
    assert paths(response) == [f"/{lang}/accounts/confirm-email/"]
    code = emailed_code(mail.outbox[-1])

    response = client.post(f"/{lang}/accounts/confirm-email/", {"code": code},
                           follow=True, **browser(lang))
    user = get_user_model().objects.get(email=email)
    assert client.session["_auth_user_id"] == str(user.pk)
    # The partner area first; with no organisation yet, it asks to register one.
    assert paths(response)[0] == f"/{lang}/partner/"
    assert "/accounts/login/" not in " ".join(paths(response))
    assert all(path.startswith(f"/{lang}/") for path in paths(response))
    assert response.status_code == 200
    assert html_lang(response) == lang
    # The programme's own mails (adhesion, referrals) will be written in that language.
    assert user.language == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_signing_in_remembers_the_language_for_the_programmes_mails(client, lang):
    user = make_user(f"lingua-{lang}@associazione.example")
    user.language = OTHER[lang]
    user.save()
    client.post(f"/{lang}/accounts/login/", {"login": user.email, "password": PASSWORD},
                **browser(lang))
    user.refresh_from_db()
    assert user.language == lang


# --- 3. The English contact form is in English ------------------------------------------------

CONTACT_TEXTS = {
    "it": ["Nome e cognome", "Telefono", "Messaggio", "Facoltativo.",
           "Al massimo 2000 caratteri."],
    "en": ["Full name", "Phone", "Message", "Optional.", "At most 2,000 characters."],
}
CONTACT_URL = {"it": "/it/contatti/", "en": "/en/contact/"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contact_form_is_labelled_in_the_pages_language(client, lang):
    html = text(client.get(CONTACT_URL[lang], **browser(lang)))
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, re.DOTALL)
    labels = [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in labels]
    for expected in CONTACT_TEXTS[lang][:3]:
        assert any(label.startswith(expected) for label in labels), (expected, labels)
    for expected in CONTACT_TEXTS[lang][3:]:
        assert expected in html
    for foreign in CONTACT_TEXTS[OTHER[lang]][:3]:
        assert not any(label.startswith(foreign) for label in labels), (foreign, labels)
    for foreign in CONTACT_TEXTS[OTHER[lang]][3:]:
        assert foreign not in html
    with translation.override(lang):
        assert translation.gettext(
            "I have read the privacy notice, which explains how my data are used to answer "
            "my message.") in html


def test_the_english_form_stores_answers_under_the_italian_keys(client):
    italian = ContactPage.objects.get(locale__language_code="it")
    english = ContactPage.objects.get(locale__language_code="en")
    assert [f.clean_name for f in english.get_form_fields()] == [
        f.clean_name for f in italian.get_form_fields()]
    assert [f.label for f in english.get_form_fields()] != [
        f.label for f in italian.get_form_fields()]


# --- 4. English URLs are English --------------------------------------------------------------

ROUTES = {
    "it": {"groups": "/it/gruppi/", "calendar": "/it/gruppi/calendario.ics",
           "group_calendar": "/it/gruppi/{pk}/calendario.ics",
           "apply": "/it/partecipa/", "confirmation": "/it/partecipa/conferma/"},
    "en": {"groups": "/en/groups/", "calendar": "/en/groups/calendar.ics",
           "group_calendar": "/en/groups/{pk}/calendar.ics",
           "apply": "/en/apply/", "confirmation": "/en/apply/confirmation/"},
}


def a_group():
    from programme.models import Group

    return Group.objects.filter(locale__language_code="it").order_by("pk").first()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calendar_feeds_are_named_in_the_pages_language(client, lang):
    routes, group = ROUTES[lang], a_group()
    html = text(client.get(routes["groups"]))
    own = routes["group_calendar"].format(pk=group.pk)
    assert f'href="{routes["calendar"]}"' in html
    assert f'href="{own}"' in html
    assert not re.findall(r'href="[^"]*/gruppi/gruppi/', html)
    for url in (routes["calendar"], own):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.parametrize(("old", "new"), [
    ("/en/groups/calendario.ics", "/en/groups/calendar.ics"),
    ("/en/groups/gruppi/{pk}/calendario.ics", "/en/groups/{pk}/calendar.ics"),
    ("/it/gruppi/gruppi/{pk}/calendario.ics", "/it/gruppi/{pk}/calendario.ics"),
    ("/en/groups/{pk}/calendario.ics", "/en/groups/{pk}/calendar.ics"),
    ("/it/gruppi/calendar.ics", "/it/gruppi/calendario.ics"),
    ("/en/apply/conferma/", "/en/apply/confirmation/"),
    ("/it/partecipa/confirmation/", "/it/partecipa/conferma/"),
])
def test_former_and_other_language_addresses_redirect_to_the_right_one(client, old, new):
    pk = a_group().pk
    response = client.get(old.format(pk=pk))
    assert response.status_code == 301
    assert response["Location"] == new.format(pk=pk)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_confirmation_page_is_named_in_the_pages_language(lang):
    from programme.models import ParticipationPage

    page = ParticipationPage.objects.get(locale__language_code=lang)
    assert page.url + page.reverse_subpage("confirmation") == ROUTES[lang]["confirmation"]


def test_a_sent_english_request_ends_on_the_english_confirmation(client):
    from tests.forms_helpers import intake_data

    response = client.post(ROUTES["en"]["apply"], intake_data(), **browser("en"))
    assert response.status_code == 302, text(response)[:2000]
    assert response["Location"] == ROUTES["en"]["confirmation"]
    response = client.get(response["Location"])
    assert response.status_code == 200


# --- 5. The Segreteria's mail about a contact message --------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_staff_mail_about_a_contact_message_is_italian_and_readable(client, lang):
    from wagtail.contrib.forms.models import FormSubmission

    from readable.dates import local_datetime

    italian = ContactPage.objects.get(locale__language_code="it")
    response = client.post(CONTACT_URL[lang], contact_data(nome="John Smith"), **browser(lang))
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.subject == italian.subject
    body = message.body
    assert "Nome e cognome: John Smith" in body
    assert "Email: mario@example.org" in body
    assert "Telefono: —" in body
    assert "Messaggio: Vorrei informazioni sui gruppi." in body
    for raw in ("True", "False", "None", "+00:00", "Full name", "Phone:", "Message:"):
        assert raw not in body, raw
    assert "informativa sulla privacy" in body
    submission = FormSubmission.objects.get()
    with translation.override("it"):
        assert local_datetime(submission.submit_time) in body
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", body)
    if lang == "en":
        assert "inglese" in body  # so the Segreteria answers in English
    assert f"/admin/forms/submissions/{italian.pk}/" in body


# --- 6. Account mails name the site ------------------------------------------------------------


def assert_names_the_site(message, lang):
    assert message.subject.startswith(f"[{SITE_NAME[lang]}] "), message.subject
    assert SITE_NAME[lang] in message.body
    for host in HOSTS:
        assert host not in prose(message.body), (host, message.body)
        assert host not in message.subject


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sign_up_code_mail_names_the_site_in_the_language(client, lang):
    client.post(f"/{lang}/accounts/signup/",
                {"email": "nuovo@associazione.example", "password1": NEW_PASSWORD,
                 "password2": NEW_PASSWORD},
                HTTP_HOST="127.0.0.1:8101", REMOTE_ADDR="203.0.113.7", **browser(lang))
    [message] = mail.outbox
    assert_names_the_site(message, lang)
    with translation.override(lang):
        assert translation.gettext("Hello from %(site_name)s!") % {
            "site_name": SITE_NAME[lang]} in message.body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_password_reset_and_change_mails_name_the_site(client, lang):
    user = make_user(f"reset-{lang}@associazione.example")
    client.post(f"/{lang}/accounts/password/reset/", {"email": user.email},
                HTTP_HOST="127.0.0.1:8101", REMOTE_ADDR="203.0.113.7", **browser(lang))
    [reset] = mail.outbox
    assert_names_the_site(reset, lang)

    client.force_login(user)
    client.post(f"/{lang}/accounts/password/change/",
                {"oldpassword": PASSWORD, "password1": NEW_PASSWORD,
                 "password2": NEW_PASSWORD},
                HTTP_HOST="127.0.0.1:8101", REMOTE_ADDR="203.0.113.7", **browser(lang))
    notification = mail.outbox[-1]
    assert notification is not reset
    assert_names_the_site(notification, lang)



# --- The partner area's and search's paths are in the page's language ------------------

PARTNER_ROUTES = [
    ("partner:adhesion", [], "/it/partner/adesione/", "/en/partner/adhesion/"),
    ("partner:referral_list", [], "/it/partner/segnalazioni/", "/en/partner/referrals/"),
    ("partner:referral_create", [], "/it/partner/segnalazioni/nuova/",
     "/en/partner/referrals/new/"),
    ("partner:referral_detail", [7], "/it/partner/segnalazioni/7/",
     "/en/partner/referrals/7/"),
    ("accounts:organisation_create", [], "/it/partner/organizzazione/nuova/",
     "/en/partner/organisation/new/"),
    ("accounts:members", [], "/it/partner/membri/", "/en/partner/members/"),
    ("accounts:invitation_accept", ["abc"], "/it/partner/invito/abc/",
     "/en/partner/invitation/abc/"),
    ("search", [], "/it/cerca/", "/en/search/"),
]


@pytest.mark.parametrize(("name", "args", "italian", "english"), PARTNER_ROUTES)
def test_partner_and_search_paths_are_in_the_pages_language(client, name, args, italian,
                                                             english):
    with translation.override("it"):
        assert reverse(name, args=args) == italian
    with translation.override("en"):
        assert reverse(name, args=args) == english
    # The Italian path under /en/ (links in mails sent before) leads to the English one.
    former = "/en/" + italian.removeprefix("/it/")
    response = client.get(former + "?next=/en/")
    assert response.status_code == 301
    assert response["Location"] == english + "?next=/en/"


def test_an_invitation_mail_links_to_the_address_in_the_inviters_language(client):
    organisation, admin = make_organisation()
    client.force_login(admin)
    mail.outbox.clear()
    response = client.post("/en/partner/members/", {"email": "new@example.org",
                                                    "role": "referrer"})
    assert response.status_code == 302
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert "/en/partner/invitation/" in link


@pytest.mark.parametrize(("lang", "all_groups", "one_group"), [
    ("it", "gruppi.ics", "gruppo-{pk}.ics"), ("en", "groups.ics", "group-{pk}.ics")])
def test_a_calendar_download_is_named_in_the_pages_language(client, lang, all_groups,
                                                             one_group):
    from programme.models import Group, GroupIndexPage

    page = GroupIndexPage.objects.get(locale__language_code=lang)
    group = Group.objects.canonical().first()
    response = client.get(page.url + page.reverse_subpage("calendar_all"))
    assert f'filename="{all_groups}"' in response["Content-Disposition"]
    response = client.get(page.url + page.reverse_subpage("calendar_group",
                                                          args=[group.pk]))
    assert f'filename="{one_group.format(pk=group.pk)}"' in response["Content-Disposition"]
