"""What a tester found on the pages at phone width (issue 11, review): the intake
confirmation's title and its language switcher, status badges and table boxes as the
templates write them. The colours and the keyboard are checked in the browser
(tests/browser/test_accessibility.py, test_links_and_regions.py)."""

import re

import pytest

from programme.models import ParticipationRequest
from tests.forms_helpers import intake_data
from tests.partner_helpers import VAT_NUMBERS, make_organisation, partner_path

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
CONFIRMATION = {"it": "/it/partecipa/conferma/", "en": "/en/apply/confirmation/"}
RECEIVED = {"it": "Richiesta ricevuta", "en": "Request received"}


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _h1(html):
    return re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


def _switcher_link(html, language):
    return re.search(rf'<a class="language-link[^"]*" href="([^"]+)" lang="{language}"',
                     html).group(1)


@pytest.mark.parametrize(("language", "other"), [("it", "en"), ("en", "it")])
def test_the_confirmation_is_titled_as_its_heading_and_kept_in_the_other_language(
        client, language, other):
    response = client.post(INTAKE[language], intake_data(), follow=True)
    html = response.content.decode()
    reference = ParticipationRequest.objects.get().reference
    assert response.redirect_chain[-1][0] == CONFIRMATION[language]
    # WCAG 2.4.2: the title says what the page is, as its heading does.
    assert _h1(html) == RECEIVED[language]
    assert _title(html).startswith(f"{RECEIVED[language]} ·"), _title(html)

    # The language switcher leads to the confirmation in the other language, with the
    # reference, not to an empty form.
    link = _switcher_link(html, other)
    assert link == CONFIRMATION[other]
    switched = client.get(link)
    assert switched.status_code == 200
    page = switched.content.decode()
    assert _h1(page) == RECEIVED[other]
    assert _title(page).startswith(f"{RECEIVED[other]} ·")
    assert reference in page
    assert _switcher_link(page, language) == CONFIRMATION[language]


def test_the_form_s_switcher_still_leads_to_the_other_form(client):
    html = client.get(INTAKE["it"]).content.decode()
    assert _switcher_link(html, "en") == INTAKE["en"]


@pytest.mark.parametrize("language", ["it", "en"])
def test_status_badges_never_put_dark_text_on_the_warning_colour(client, language):
    """Bootstrap Italia's bg-warning is dark orange: `text-dark` on it read at 2.39:1."""
    from programme.models import Adhesion

    pages = []
    for number, status in enumerate([None, *Adhesion.Status]):
        _organisation, admin = make_organisation(
            name=f"Organizzazione {number}", tax_code=VAT_NUMBERS[number], adhesion=status)
        client.force_login(admin)
        for path in ("/", "/adesione/"):
            response = client.get(partner_path(language, path))
            assert response.status_code == 200
            pages.append(response.content.decode())
    badges = [badge for html in pages for badge in re.findall(r'class="badge[^"]*"', html)]
    assert any("bg-warning" in badge for badge in badges)
    assert not [badge for badge in badges if "bg-warning" in badge and "text-dark" in badge]


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_table_box_can_take_the_focus_and_has_a_name(client, language):
    from accounts.models import Membership
    from accounts.organisations import invite

    _organisation, admin = make_organisation()
    invite(Membership.objects.get(user=admin), "collega@example.org",
           Membership.Role.REFERRER)
    client.force_login(admin)
    client.post(partner_path(language, "/segnalazioni/nuova/"),
                intake_data(privacy=None, consent="on"))
    boxes = []
    for url in (partner_path(language, "/"), partner_path(language, "/segnalazioni/"),
                partner_path(language, "/membri/"), f"/{language}/accounts/sessions/"):
        response = client.get(url)
        assert response.status_code == 200, url
        found = re.findall(r'<div class="table-responsive"[^>]*>', response.content.decode())
        assert found, url
        boxes += [(url, box) for box in found]
    assert len(boxes) >= 5  # dashboard, referrals, members, invitations, sessions
    for url, box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box, (url, box)
        assert re.search(r'aria-label="[^"]+"', box), (url, box)
    if language == "it":
        labels = {re.search(r'aria-label="([^"]+)"', box).group(1) for _url, box in boxes}
        assert "Sessioni" in labels and "Members of the organisation" not in labels, labels
