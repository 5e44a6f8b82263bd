"""How the open data is served (opendata/http.py, pagecache/views.py): ETag and
Last-Modified answered with 304, kept under the page version so a publication shows at
once, CORS for any origin, only GET/HEAD/OPTIONS, errors in JSON and never cached."""

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from programme.models import Group

pytestmark = pytest.mark.django_db

API = "/api/hsds/services"
GROUPS_CSV = "/it/dati-aperti/gruppi.csv"
GROUPS_JSON_EN = "/en/open-data/groups.json"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.DEBUG = False


@pytest.mark.parametrize("url", [API, GROUPS_CSV, GROUPS_JSON_EN])
def test_an_etag_is_answered_with_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize("url", [API, GROUPS_CSV, GROUPS_JSON_EN])
def test_last_modified_is_answered_with_304(client, url):
    first = client.get(url)
    modified = first["Last-Modified"]
    assert modified.endswith(" GMT")
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    earlier = http_date(timezone.now().timestamp() - 10 * 365 * 86400)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


@pytest.mark.parametrize("url", [API, GROUPS_CSV])
def test_a_publication_changes_the_answer_at_once(client, url, monkeypatch):
    import time

    from pagecache import versions

    first = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # Published a few seconds later (HTTP dates count whole seconds).
    later = time.time() + 5
    monkeypatch.setattr(versions.time, "time", lambda: later)
    group = Group.objects.published().filter(locale__language_code="it").first()
    group.name = "Gruppo appena pubblicato"
    group.save_revision().publish()
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert after["ETag"] != first["ETag"]
    assert "Gruppo appena pubblicato" in after.content.decode("utf-8-sig")
    # The client's former copy is no longer current.
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200


def test_the_answers_language_is_part_of_the_key(client):
    italian = client.get(API, HTTP_ACCEPT_LANGUAGE="it")
    english = client.get(API, HTTP_ACCEPT_LANGUAGE="en")
    assert italian["Content-Language"] == "it" and english["Content-Language"] == "en"
    assert client.get(API, HTTP_ACCEPT_LANGUAGE="en")["X-Page-Cache"] == "hit"
    assert client.get(API + "?lang=en")["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]


@pytest.mark.parametrize("url", [API, GROUPS_CSV])
def test_cors_allows_reading_from_any_origin(client, url):
    response = client.get(url, HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_is_answered_without_a_body():
    response = Client().options(API, HTTP_ORIGIN="https://example.org",
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "ETag" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writing_is_refused_in_json(method):
    response = getattr(Client(enforce_csrf_checks=True), method)(
        API, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    body = response.json()
    assert body["status"] == 405 and body["error"] == "method_not_allowed"
    assert "sola lettura" in body["message"]


def test_head_answers_like_get_without_a_body(client):
    get = client.get(API)
    head = client.head(API)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]


def test_an_error_is_never_cached(client):
    for _ in range(2):
        response = client.get(API + "?page=0")
        assert response.status_code == 400
        assert response.get("X-Page-Cache") is None
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", ["/api/hsds/organizations?full=true",
                                 "/it/dati-aperti/organizzazioni-aderenti.csv"])
def test_a_change_the_data_do_not_date_still_moves_last_modified(client, url, monkeypatch):
    """An organisation withdrawing its consent changes no publication or decision date;
    a client revalidating by date alone must not keep the copy with its contacts."""
    import time

    from accounts.models import Organisation
    from pagecache import versions
    from programme.models import Adhesion

    organisation = Organisation.objects.create(
        name="Associazione Consenso", kind="association", tax_code="97000000001",
        email="info@consenso.example", website="https://consenso.example")
    adhesion = Adhesion.objects.create(
        organisation=organisation, protocol_version="1.0", signatory_name="A B",
        signatory_role="Presidente", declares_authority=True,
        status=Adhesion.Status.APPROVED, decided_at=timezone.now(),
        publish_contact_details=True)
    first = client.get(url)
    assert "consenso.example" in first.content.decode("utf-8-sig")
    # The change happens a few seconds later (HTTP dates count whole seconds).
    later = time.time() + 5
    monkeypatch.setattr(versions.time, "time", lambda: later)
    adhesion.publish_contact_details = False
    adhesion.save()
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert after.status_code == 200
    assert "consenso.example" not in after.content.decode("utf-8-sig")


@pytest.mark.parametrize("url", ["/it/dati-aperti/", "/en/open-data/",
                                 "/it/dati-aperti/catalogo.jsonld", API,
                                 "/it/dati-aperti/prossimi-incontri.csv"])
def test_after_midnight_a_date_only_revalidation_gets_the_new_answer(client, url,
                                                                     monkeypatch):
    """Yesterday's meetings leave the lists at midnight with no change of data."""
    import datetime

    from opendata import http

    first = client.get(url)
    assert first.status_code == 200
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(http.timezone, "localdate", lambda: tomorrow)
    monkeypatch.setattr("pagecache.middleware._local_pages", lambda: _Empty())
    monkeypatch.setattr("pagecache.views._local_pages", lambda: _Empty())
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200


class _Empty:
    """A page cache that has forgotten everything (its entries expired)."""

    def get(self, key):
        return None

    def set(self, key, entry, seconds):
        pass
