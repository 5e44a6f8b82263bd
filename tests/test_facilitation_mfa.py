"""A facilitator's two-factor set-up, end to end with a real TOTP code (issue 20, part
A2b): signed in with their password, sent from their area to allauth's set-up, the code
their app would show computed here, then the recovery codes page leads back to the area
(allauth's set-up ignores `next`: facilitation.views.NEXT_SESSION_KEY)."""

import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from facilitation.views import NEXT_SESSION_KEY
from tests.facilitation_helpers import daily_group, make_facilitator, meeting_path, today

pytestmark = pytest.mark.django_db
PASSWORD = "una-password-lunga-1"  # tests.facilitation_helpers.make_facilitator's
AREA = {"it": "/it/facilitatori/", "en": "/en/facilitators/"}
CONTINUE = {"it": "Continua verso i tuoi incontri", "en": "Continue to your meetings"}


def fresh_totp(secret):
    """The code an authenticator app shows now, not about to expire."""
    if 30 - time.time() % 30 < 2:
        time.sleep(2.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("language", ["it", "en"])
def test_set_up_from_the_area_ends_with_a_way_back_to_it(settings, language):
    settings.ADMIN_MFA_REQUIRED = True
    group = daily_group(0)
    user = make_facilitator(f"anna-{language}@comune.example.org", [group], language=language)
    client = Client(raise_request_exception=False)
    login = client.post(f"/{language}/accounts/login/",
                        {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302
    assert login["Location"] == AREA[language]  # facilitators land on their area

    # A meeting's address asked for first: that is where the way back leads.
    wanted = meeting_path(group, today(), language)
    sent = client.get(wanted)
    assert sent.status_code == 302
    location = urlsplit(sent["Location"])
    assert location.path == f"/{language}/accounts/2fa/totp/activate/"
    assert parse_qs(location.query) == {"next": [wanted]}

    response = client.get(sent["Location"])
    if response.status_code == 302:  # allauth asks for the password again
        assert client.post(response["Location"], {"password": PASSWORD}).status_code == 302
        response = client.get(sent["Location"])
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in unescape(response.content.decode())

    wrong = client.post(f"/{language}/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    done = client.post(f"/{language}/accounts/2fa/totp/activate/",
                       {"code": fresh_totp(secret)})
    assert done.status_code == 302, done.content.decode()[:2000]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    codes = client.get(done["Location"])
    html = unescape(codes.content.decode())
    assert codes.status_code == 200
    assert f'href="{wanted}"' in html and CONTINUE[language] in html
    assert "Continue to the administration" not in html
    assert "Prosegui nell'area di amministrazione" not in html

    area = client.get(wanted)
    assert area.status_code == 200
    assert {"it": "Nessuna persona", "en": "Nobody is assigned"}[language] in (
        area.content.decode())  # the meeting's register, not a redirect or a refusal
    # Back in the area, the way back is forgotten: the codes page no longer offers it.
    assert NEXT_SESSION_KEY not in client.session
    assert CONTINUE[language] not in client.get(done["Location"]).content.decode()


def test_a_post_without_an_authenticator_leads_back_to_the_list(settings):
    settings.ADMIN_MFA_REQUIRED = True
    group = daily_group(0)
    user = make_facilitator("bruno@comune.example.org", [group])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.post(meeting_path(group, today()), {})
    assert response.status_code == 302
    assert client.session[NEXT_SESSION_KEY] == "/it/facilitatori/"
