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


# --- 2. Bodies too large, files no form asks for --------------------------------------


def test_a_12_mb_file_to_the_intake_form_gets_the_413_page_and_nothing_is_stored(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programme.models import ParticipationRequest
    from tests.forms_helpers import intake_data

    big = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 " + b"x" * 12 * 1024 * 1024)
    response = Client(raise_request_exception=False).post(
        "/it/partecipa/", {**intake_data(), "allegato": big})
    assert_site_page(response, 413, "it", "Ciò che è stato inviato è troppo grande")
    assert "nessun file allegato" in response.content.decode()
    assert not ParticipationRequest.objects.exists()


@pytest.mark.parametrize(("language", "url"), PUBLIC_FORMS)
def test_a_small_file_to_a_form_without_file_fields_is_refused(language, url):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programme.models import ParticipationRequest
    from tests.forms_helpers import contact_data, intake_data

    data = intake_data() if "conta" not in url else contact_data()
    response = Client(raise_request_exception=False).post(
        url, {**data, "file": SimpleUploadedFile("a.txt", b"hello")})
    title = {"it": "Ciò che è stato inviato è troppo grande",
             "en": "What was sent is too large"}[language]
    assert_site_page(response, 413, language, title)
    assert not ParticipationRequest.objects.exists()


def test_a_partner_form_with_a_file_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    _organisation, admin = make_organisation()
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    with translation.override("en"):
        url = reverse("accounts:organisation_edit")
    response = client.post(url, {"name": "x", "logo": SimpleUploadedFile("a.png", b"x")})
    assert_site_page(response, 413, "en", "What was sent is too large")


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(client):
    response = Client(raise_request_exception=False).post(
        "/en/contact/", "x=1", content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert_site_page(response, 413, "en", "What was sent is too large")


def test_editors_still_upload_images_and_documents_in_the_admin(client, demo_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    client.force_login(demo_editor)
    response = client.post("/admin/images/add/", {
        "title": "Villa Scheibler",
        "file": SimpleUploadedFile("villa.png", get_test_image_file().file.getvalue()),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Image.objects.filter(title="Villa Scheibler").exists()
    response = client.post("/admin/documents/add/", {
        "title": "Protocollo", "file": SimpleUploadedFile("protocollo.pdf", b"%PDF-1.4 x"),
    })
    assert response.status_code == 302
    assert Document.objects.filter(title="Protocollo").exists()


def test_an_admin_body_over_the_upload_limit_gets_the_413_page(demo_editor):
    editor = Client(raise_request_exception=False)
    editor.force_login(demo_editor)
    response = editor.post("/admin/images/add/", "x=1",
                           content_type="application/x-www-form-urlencoded",
                           CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413


# --- 3. Numbers that are not numbers ------------------------------------------------------

LISTS = {"/it/notizie/", "/en/news/", "/it/gruppi/"}
JUNK_NUMBERS = ["²", "١٢", "１２", " 2", "2_0", "+2", "-1", "0", "abc", "99999999999",
                "1e9", "x" * 5000]


@pytest.mark.parametrize("url", [
    "/it/", "/en/", "/it/notizie/", "/en/news/", "/it/gruppi/", "/it/partecipa/",
    "/en/contact/", "/it/cerca/?q=Scheibler&", "/en/search/?q=group&",
])
def test_a_page_number_that_is_not_a_number_never_fails(url):
    client = visitor()
    for junk in JUNK_NUMBERS:
        separator = "" if url.endswith("&") else "?"
        response = client.get(f"{url}{separator}page={junk}", follow=True)
        # The long lists (news, groups) show a page of the list and say the number was
        # not one, as a 404 the page cache never stores; other pages ignore it.
        expected = 404 if url in LISTS and junk != "0012" else 200
        assert response.status_code == expected, (url, junk, response.status_code)
        assert "site-header" in response.content.decode() or "<header" in response.content.decode()
        assert "?page=" not in response.content.decode().split('rel="canonical"')[-1][:200]


def test_a_page_number_is_ascii_digits_only():
    from typed_text.parameters import is_ascii_number, page_number

    assert [page_number(value) for value in ("1", "2", "0012")] == [1, 2, 12]
    assert all(page_number(junk) is None for junk in [*JUNK_NUMBERS, None, "", "2\n"])
    assert is_ascii_number("1234", max_digits=4) and not is_ascii_number("12345", max_digits=4)


def test_the_page_cache_keeps_no_page_for_a_superscript_page_number(settings):
    from django.test import RequestFactory

    from pagecache.middleware import _cache_key

    assert _cache_key(RequestFactory().get("/it/notizie/", {"page": "²"})) is None
    assert _cache_key(RequestFactory().get("/it/notizie/", {"page": "2"})) is not None


# --- 4. Characters no database stores never reach a query -----------------------------


@pytest.mark.parametrize(("language", "path"), [
    ("it", "/it/partner/invito/%00/"),
    ("en", "/en/partner/invitation/%00/"),
    ("it", "/it/%00/"),
    ("it", "/it/notizie/%00/"),
    ("en", "/en/news/rss%00.xml"),
    ("it", "/it/partner/segnalazioni/1%00/"),
    ("it", "/it/accounts/login/%00"),
    ("it", "/%00/"),
])
def test_a_nul_in_the_path_gets_the_sites_400_page(language, path):
    response = visitor().get(path, HTTP_ACCEPT_LANGUAGE="it")
    assert_site_page(response, 400, language, TITLES[language])


def test_a_nul_in_an_admin_path_gets_a_400(demo_editor):
    editor = Client(raise_request_exception=False)
    editor.force_login(demo_editor)
    for path in ("/admin/pages/%00/", "/admin/snippets/programme/venue/edit/%00/",
                 "/admin/participation_requests/%00/"):
        assert editor.get(path).status_code == 400, path


@pytest.mark.parametrize("url", [
    "/it/notizie/?page=%00", "/en/search/?q=%00&page=%00", "/it/?%00=%00",
    "/it/partner/invito/abc/?next=%00",
])
def test_a_nul_in_a_parameter_is_dropped(url):
    response = visitor().get(url)
    assert response.status_code < 500 and response.status_code != 400, response.status_code


def test_a_nul_in_a_sign_in_form_gets_the_form_again():
    client = visitor()
    client.get("/it/accounts/login/")
    response = client.post("/it/accounts/login/", {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "login": "nessuno\x00@example.org", "password": "x\x00y",
    })
    assert response.status_code == 200
    assert "alert" in response.content.decode() or "errorlist" in response.content.decode()


def test_a_session_cookie_holding_a_nul_is_ignored():
    client = visitor()
    client.cookies["sessionid"] = "abcdefghijklmnop\x00qrstuvwxyz012345"
    assert client.get("/it/partner/").status_code == 302  # to sign in, as anyone new
    assert client.get("/it/").status_code == 200


def test_names_and_values_lose_nul_and_lone_surrogates_files_are_kept():
    from django.http import QueryDict

    from website.request_hygiene import without_unstorable

    query = QueryDict(mutable=True)
    query.setlist("n\x00ome", ["Ros\x00si", "a\ud800b"])
    query["file"] = object_ = object()
    cleaned = without_unstorable(query)
    assert cleaned.getlist("nome") == ["Rossi", "ab"]
    assert cleaned["file"] is object_
    assert not cleaned._mutable


# --- Every form endpoint, from the resolver ------------------------------------------


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_every_address_under_a_language_refuses_another_charset_with_the_sites_400(charset):
    """Every URL pattern under /it/ and /en/ (allauth's sign-in, sign-up, password reset,
    e-mail, two-factor and session pages, the partner area, search, every page with a
    form), found from the resolver so a new form is covered the day it is added: a body
    in another charset gets the site's 400 page in the path's language, signed out and,
    for the account and partner pages, signed in as a partner."""
    from tests.test_junk_urls import SIGNED_IN_AREAS, Param, build, url_routes

    _organisation, admin = make_organisation()
    partner = visitor()
    partner.force_login(admin)
    checked = 0
    for pieces, _name in url_routes():
        path = build(pieces, {piece.name: "1" for piece in pieces if isinstance(piece, Param)})
        language = path[1:3]
        if language not in TITLES:
            continue
        clients = [visitor()] + ([partner] if SIGNED_IN_AREAS.match(path) else [])
        for client in clients:
            response = post_in_charset(client, path, charset)
            assert response.status_code == 400, (path, response.status_code)
            assert_site_page(response, 400, language, TITLES[language])
            checked += 1
    assert checked > 60  # allauth's, the partner area's and the site's addresses


# --- Review findings: a debug server, an incomplete admin form ---------------------------


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_with_debug_on_another_charset_is_a_400_not_a_500(settings, charset):
    """`make run` has DEBUG on: Django's debug page read the body again and failed with
    'A server error occurred' (500). The body is marked unreadable first."""
    settings.DEBUG = True
    response = post_in_charset(visitor(), "/it/partecipa/", charset)
    assert response.status_code == 400


def superuser_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_an_admin_edit_form_without_its_formsets_gets_a_400(demo_editor):
    """Wagtail's edit views read `<formset>-count` with request.POST[...]: a POST of the
    title alone was a 500 (MultiValueDictKeyError 'body-count')."""
    from wagtail.models import Page

    from programme.models import Venue

    client = superuser_client(demo_editor)
    page = Page.objects.live().filter(depth=3).specific().first()
    venue = Venue.objects.first()
    for url in (f"/admin/pages/{page.pk}/edit/",
                f"/admin/snippets/programme/venue/edit/{venue.pk}/"):
        response = client.post(url, {"title": "x", "name": "x"})
        assert response.status_code == 400, url
        assert TITLES["it"] in response.content.decode()


def test_wagtail_still_fails_on_an_edit_form_without_its_formsets_without_the_guard(
        settings, demo_editor):
    """Without RequestHygieneMiddleware's process_exception the same POST raises: when an
    upgrade of Wagtail answers it by itself, this test fails and the guard can go."""
    from django.utils.datastructures import MultiValueDictKeyError
    from wagtail.models import Page

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE
                           if m != "website.request_hygiene.RequestHygieneMiddleware"]
    client = superuser_client(demo_editor)
    client.raise_request_exception = True
    page = Page.objects.live().filter(depth=3).specific().first()
    with pytest.raises(MultiValueDictKeyError):
        client.post(f"/admin/pages/{page.pk}/edit/", {"title": "x"})
