"""When something is refused, people read the site's own page in their language and
learn what to do next — never Django's bare pages (their inline styles are blocked by
the site's Content-Security-Policy, so they would not even look like a page)."""

import pytest
from django.test import Client

from accounts.models import Membership
from tests.forms_helpers import intake_data
from tests.partner_helpers import add_member, make_organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "lang", "title", "advice"), [
    ("/it/partecipa/", "it", "Il modulo non è stato inviato", "ricarica la pagina"),
    ("/en/apply/", "en", "The form could not be sent", "reload the page"),
])
def test_a_form_sent_without_its_security_token_gets_a_page_that_says_what_to_do(
    url, lang, title, advice
):
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(url, intake_data())
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert title in html and advice in html
    assert "<style" not in html  # the site's stylesheet, not inline styles the CSP blocks
    assert f'href="/{lang}/"' in html


def test_a_partner_refused_an_action_sees_the_sites_403_page(client):
    organisation, _admin = make_organisation()
    viewer = add_member(organisation, Membership.Role.VIEWER)
    client.force_login(viewer)
    response = client.post("/en/partner/members/", {"email": "n@example.org", "role": "admin"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en"' in html and "Access denied" in html


def test_a_request_too_large_to_read_gets_a_readable_413(client):
    response = client.post("/it/partecipa/", {"note": "x" * 3_000_000})
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="it"' in html
    assert "troppo grande" in html and "abbrevia i testi lunghi" in html
