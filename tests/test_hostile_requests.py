"""Odd and hostile requests get the site's clear answers, never a 500: a body declared
in a charset other than UTF-8, a body too large or carrying files no form asks for,
numbers that are not numbers, characters no database can store (issue 12)."""

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.partner_helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db

TITLES = {"it": "Richiesta non valida", "en": "Bad request"}


def visitor():
    """A browser as a person's: CSRF checked, the status a person would get."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def assert_site_page(response, status, language, title):
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}"' in html, html[:300]
    assert title in html
    assert "<style" not in html  # the site's layout, not Django's bare page
    assert f'href="/{language}/"' in html


# --- 1. A body declared in another charset than UTF-8 -----------------------------------

PUBLIC_FORMS = [("it", "/it/partecipa/"), ("en", "/en/apply/"),
                ("it", "/it/contatti/"), ("en", "/en/contact/")]
ACCOUNT_FORMS = ["account_login", "account_signup", "account_reset_password"]
PARTNER_FORMS = ["accounts:organisation_edit", "accounts:members", "partner:adhesion",
                 "partner:adhesion_withdraw", "partner:referral_create"]


def post_in_charset(client, url, charset, fields="first_name=G%FCl&email=a%40b.it"):
    """A urlencoded form with a valid CSRF token whose Content-Type declares `charset`."""
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    # A str: the test client encodes it in the declared charset.
    body = f"csrfmiddlewaretoken={token}&{fields}"
    return client.post(
        url, body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )


def form_endpoints():
    """(language, path, who) of every form a person posts: public, account, partner."""
    endpoints = [(language, path, "anonymous") for language, path in PUBLIC_FORMS]
    for language in ("it", "en"):
        with translation.override(language):
            endpoints += [(language, reverse(name), "anonymous") for name in ACCOUNT_FORMS]
            endpoints += [(language, reverse(name), "partner") for name in PARTNER_FORMS]
            endpoints.append((language, reverse("accounts:organisation_create"), "new user"))
            endpoints.append((language, reverse("accounts:invitation_accept",
                                                args=["abc"]), "new user"))
    return endpoints


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_a_form_in_another_charset_gets_the_sites_400_page(charset):
    organisation, admin = make_organisation()
    newcomer = make_user("nuovo@example.org")
    for language, path, who in form_endpoints():
        client = visitor()
        if who == "partner":
            client.force_login(admin)
        elif who == "new user":
            client.force_login(newcomer)
        response = post_in_charset(client, path, charset)
        assert response.status_code == 400, (path, response.status_code)
        assert_site_page(response, 400, language, TITLES[language])


def test_a_post_to_an_address_that_does_not_exist_in_another_charset_gets_a_404():
    response = post_in_charset(visitor(), "/it/non-esiste/", "latin-1")
    # Django's own 404 view checks the CSRF token, which reads the body again.
    assert response.status_code in {400, 404}
    assert "Errore del server" not in response.content.decode()


def test_a_host_the_site_does_not_serve_gets_a_plain_400_not_a_500():
    # The site's layout asks the request for its host again: the plain page answers.
    response = Client(raise_request_exception=False).get("/it/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Richiesta non valida" in response.content.decode()


def test_the_sites_own_404_and_500_pages():
    response = visitor().get("/en/no-such-page/")
    assert_site_page(response, 404, "en", "Page not found")
    from home.views import server_error

    assert server_error(None).status_code == 500
