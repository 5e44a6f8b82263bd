"""A wrong address outside /it/ and /en/ keeps its own 404 (languages.middleware): Django's
LocaleMiddleware sent /admin/…/999/ to /it/admin/…/999/, the public "page not found",
because Wagtail's catch-all makes every /it/… path "valid". Public addresses without a
language still go to the visitor's language."""

import pytest

from languages.middleware import has_no_language
from tests.admin_helpers import make_segreteria

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/admin/participation_requests/inspect/99999999/",
    "/admin/no-such-screen/",
    "/documents/99999999/nothing.pdf",
    "/health/no-such-check/",
    "/sitemap-nothing.xml",
])
def test_a_wrong_address_without_a_language_keeps_its_404(client, django_user_model, url):
    client.force_login(make_segreteria(django_user_model))
    response = client.get(url)
    assert response.status_code == 404, (url, response.get("Location"))
    assert response["Content-Language"] in ("it", "en")


@pytest.mark.parametrize(("url", "target"), [
    ("/gruppi/", "/it/gruppi/"),
    ("/notizie/", "/it/notizie/"),
])
def test_a_public_address_without_a_language_still_finds_it(client, url, target):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == target


def test_which_addresses_have_no_language():
    assert has_no_language("/admin/pages/")
    assert has_no_language("/robots.txt")
    assert not has_no_language("/gruppi/")
    assert not has_no_language("/robots.txt/more")
