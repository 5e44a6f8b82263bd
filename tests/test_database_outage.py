"""The database is unavailable: people get the site's 503 page, in their language, that
says their form was not sent and lets them send it again as typed (issue 12;
website/outage.py). Never the 500 page, and nothing half-written."""

import shutil
import sqlite3
import threading
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.test import Client, RequestFactory

from programme.models import ParticipationRequest
from tests.forms_helpers import intake_data
from website.outage import database_unavailable_response, is_database_unavailable

pytestmark = pytest.mark.django_db

TEXTS = {
    "it": ("Servizio temporaneamente non disponibile", "Il modulo non è stato inviato.",
           "Riprova"),
    "en": ("Service temporarily unavailable", "Your form was not sent.", "Try again"),
}
INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}


class FormFields(HTMLParser):
    """The (name, value) pairs of the first <form method="post"> of a page, and its action."""

    def __init__(self, html):
        super().__init__()
        self.action, self.fields, self._inside, self._done = None, [], False, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and not self._done:
            self.action, self._inside = attrs.get("action"), True
        elif tag == "input" and self._inside and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form" and self._inside:
            self._inside, self._done = False, True

    def as_post(self):
        data = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        return data


def assert_503_page(response, language):
    title, not_sent, try_again = TEXTS[language]
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert f"<h1>{title}</h1>" in html and f"<title>{title} ·" in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "Errore del server" not in html and "Server error" not in html  # not the 500
    assert "<style" not in html and "https://" not in html and "http://" not in html
    return html


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_form_sent_while_the_database_is_down_gets_the_503_page_with_what_was_typed(
    language
):
    data = intake_data(first_name="Anna", note='Grazie "><b>&</b><script>alert(1)</script>')
    with mock.patch("programme.views.submit_request",
                    side_effect=OperationalError("connection refused")):
        response = Client().post(INTAKE[language], data)
    html = assert_503_page(response, language)
    assert TEXTS[language][1] in html and TEXTS[language][2] in html
    form = FormFields(html)
    assert form.action == INTAKE[language]
    posted = form.as_post()
    assert posted["note"] == [data["note"]] and posted["email"] == [data["email"]]
    assert posted["preferred_times"] == ["mornings"]
    assert posted["form_token"] == [data["form_token"]] and posted["altcha"] == [data["altcha"]]
    # Written back escaped: the typed markup is text, never markup of the page.
    assert "<script>alert" not in html and "<b>&" not in html
    assert "Grazie &quot;&gt;&lt;b&gt;&amp;&lt;/b&gt;&lt;script&gt;alert(1)" in html
    assert not ParticipationRequest.objects.filter(first_name__startswith="Anna").exists()


def test_a_password_or_code_is_never_written_back_into_the_page():
    data = intake_data(password="hunter2-secret-pw", login_code="424242",
                       otp_token="135790")
    with mock.patch("programme.views.submit_request",
                    side_effect=OperationalError("database is locked")):
        response = Client().post("/en/apply/", data)
    html = assert_503_page(response, "en")
    for secret in ("hunter2-secret-pw", "424242", "135790"):
        assert secret not in html
    assert "passwords, codes and attached files are not kept" in html
    assert dict(FormFields(html).fields)["first_name"] == "Giulia"


def test_a_tax_code_identifies_and_is_kept_for_the_retry():
    from website.outage import is_secret_field_name

    assert not is_secret_field_name("tax_code")
    assert not is_secret_field_name("organisation-tax_code")
    assert is_secret_field_name("code") and is_secret_field_name("login-code")


def test_a_page_read_while_the_connection_is_closed_gets_the_503_page_and_a_link_back():
    with mock.patch("programme.views.participation_form",
                    side_effect=InterfaceError("connection already closed")):
        response = Client().get("/en/apply/?from=flyer")
    html = assert_503_page(response, "en")
    assert "If you were sending a form, it was not sent." in html
    assert 'href="/en/apply/?from=flyer"' in html and "<form" not in html


@pytest.mark.parametrize(("path", "language"), [("/it/", "it"), ("/en/", "en"),
                                                 ("/it/partecipa/", "it")])
def test_with_every_query_failing_the_503_page_still_answers(path, language):
    """The database refuses every query: whatever middleware or view meets it first,
    the page is the 503 page, and rendering it asked for nothing."""
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    visitor = Client(raise_request_exception=False)
    data = intake_data() if path == "/it/partecipa/" else None
    with connection.execute_wrapper(refuse):
        response = visitor.post(path, data) if data else visitor.get(path)
    assert_503_page(response, language)


def test_the_503_page_itself_makes_no_query(django_assert_num_queries):
    request = RequestFactory().post("/it/partecipa/?x=1", {"first_name": "Ugo", "privacy": "on"})
    with django_assert_num_queries(0):
        response = database_unavailable_response(request)
    html = assert_503_page(response, "it")
    assert 'action="/it/partecipa/?x=1"' in html and 'value="Ugo"' in html


def test_an_address_starting_with_two_slashes_is_not_another_sites():
    response = database_unavailable_response(RequestFactory().get("//evil.example/it/"))
    assert 'href="//evil.example' not in response.content.decode()


def test_other_errors_stay_500_and_outages_are_recognised_through_their_cause():
    assert not is_database_unavailable(ValueError("no"))
    assert not is_database_unavailable(OperationalError("no such table: home_thing"))
    wrapped = RuntimeError("rendering failed")
    wrapped.__cause__ = OperationalError("server closed the connection unexpectedly")
    assert is_database_unavailable(wrapped)
    with mock.patch("programme.views.submit_request", side_effect=ValueError("a bug")):
        response = Client(raise_request_exception=False).post("/it/partecipa/", intake_data())
    assert response.status_code == 500


def test_try_again_sends_the_form_as_typed_with_its_security_token_and_spam_checks():
    """The outage hits before the spam check spent the proof of work (SQLite locked on
    its first write): once the database is back, "Try again" stores the request."""
    visitor = Client(enforce_csrf_checks=True)
    token = dict(FormFields(visitor.get("/it/partecipa/").content.decode()).fields)[
        "csrfmiddlewaretoken"]
    data = intake_data(first_name="Rita", csrfmiddlewaretoken=token)
    with mock.patch("antispam.altcha.consume_challenge",
                    side_effect=OperationalError("database is locked")):
        response = visitor.post("/it/partecipa/", data)
    retry = FormFields(assert_503_page(response, "it"))
    assert "csrfmiddlewaretoken" in dict(retry.fields)

    response = visitor.post(retry.action, retry.as_post())
    assert response.status_code == 302 and response["Location"].endswith("/conferma/")
    assert ParticipationRequest.objects.filter(first_name="Rita").count() == 1


def test_try_again_after_the_proof_of_work_was_spent_shows_the_form_as_typed():
    """The outage hits after the proof of work was accepted (and remembered): the retry
    is refused as a used check, as any replay is, and the form comes back filled in."""
    visitor = Client()
    data = intake_data(first_name="Piera", note="Il martedì mattina")
    with mock.patch("programme.views.submit_request",
                    side_effect=OperationalError("terminating connection")):
        response = visitor.post("/it/partecipa/", data)
    retry = FormFields(assert_503_page(response, "it"))

    response = visitor.post(retry.action, retry.as_post())
    assert response.status_code == 200
    html = response.content.decode()
    assert "già stato usato" in html or "already been used" in html
    assert 'value="Piera"' in html and "Il martedì mattina" in html
    assert not ParticipationRequest.objects.filter(first_name="Piera").exists()


@pytest.fixture(scope="module")
def sqlite_file_copy(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database with the demo content, copied to a file in WAL mode (taken
    before any test's transaction, which would hold the in-memory database)."""
    path = tmp_path_factory.mktemp("locked") / "db.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
    return path


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own lock")
def test_a_sqlite_database_locked_by_another_connection_gets_the_503_page(
    sqlite_file_copy, caplog
):
    """A real lock: a copy of the test database in a file, held by another connection's
    BEGIN EXCLUSIVE; the request waits its busy timeout (0.2 s here, 20 s in the
    settings) and gets the 503 page; nothing is written; "Try again" after the lock is
    released stores the request."""
    path = sqlite_file_copy
    settings_dict = {**connection.settings_dict, "NAME": str(path),
                     "OPTIONS": {**connection.settings_dict["OPTIONS"], "timeout": 0.2}}
    wrapper_class = type(connections["default"])
    data = intake_data(first_name="Bruna")

    def post(fields):
        """POST the intake form from a thread whose connection is the file's."""
        outcome = {}

        def run():
            connections["default"] = wrapper_class(settings_dict, alias="default")
            try:
                outcome["response"] = Client().post("/it/partecipa/", fields)
            finally:
                connections["default"].close()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        return outcome["response"]

    locker = sqlite3.connect(path, isolation_level=None)
    try:
        stored_before = locker.execute(
            "SELECT count(*) FROM programme_participationrequest").fetchone()[0]
        locker.execute("BEGIN EXCLUSIVE")
        response = post(data)
        locker.execute("ROLLBACK")
        retry = FormFields(assert_503_page(response, "it"))
        assert "database is locked" in caplog.text
        assert locker.execute("SELECT count(*) FROM programme_participationrequest"
                              ).fetchone()[0] == stored_before

        response = post(retry.as_post())
        assert response.status_code == 302
        assert locker.execute(
            "SELECT count(*) FROM programme_participationrequest WHERE first_name = 'Bruna'"
        ).fetchone()[0] == 1
    finally:
        locker.close()


def test_the_503_pages_are_valid_html(tmp_path):
    from tests.test_html_validity import VNU_JAR, run_vnu

    if not shutil.which("java") or not VNU_JAR.exists():
        pytest.skip("NO HTML CHECK: java or vnu.jar is missing")
    factory = RequestFactory()
    requests = {
        "get": factory.get("/en/apply/"),
        "post": factory.post("/it/partecipa/", {"note": 'a"<b>', "password": "x",
                                                "preferred_times": ["a", "b"]}),
    }
    for label, request in requests.items():
        (tmp_path / f"{label}.html").write_bytes(database_unavailable_response(request).content)
    assert run_vnu(tmp_path) == []
