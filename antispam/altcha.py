"""The proof-of-work challenge (ALTCHA, classic "v1" format), served by the site itself.

A challenge carries its expiry in its salt; a solution is accepted once: the first use
inserts a `UsedChallenge` row (a unique key), which decides between two workers.
"""

import base64
import binascii
import datetime
import json
import time

from altcha import v1 as altcha_v1
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

ALTCHA_ALGORITHM = altcha_v1.SHA256
MAX_PAYLOAD_LENGTH = 4096  # a real ALTCHA payload is about 300 characters


def widget_strings():
    """The ALTCHA widget's texts in the active language, as the JSON its `strings` wants."""
    return json.dumps(
        {
            "label": gettext("I'm not a robot"),
            "verifying": gettext("Verifying…"),
            "verified": gettext("Verified"),
            "waitAlert": gettext("Verifying… please wait."),
            "verificationRequired": gettext("Verification required."),
            "error": gettext("Verification failed. Please try again later."),
            "expired": gettext("Verification expired. Please try again."),
        },
        ensure_ascii=False,
    )


def altcha_hmac_key():
    """`ALTCHA_HMAC_KEY`, or a key derived from SECRET_KEY when it is empty."""
    # The namespace it had in home/spam.py: a new one would change every key.
    return getattr(settings, "ALTCHA_HMAC_KEY", "") or salted_hmac(
        "home.spam.altcha", "altcha-hmac-key"
    ).hexdigest()


def create_challenge():
    """A new challenge, as the JSON the widget fetches (the salt carries its expiry)."""
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=settings.ALTCHA_CHALLENGE_EXPIRY
    )
    challenge = altcha_v1.create_challenge(
        algorithm=ALTCHA_ALGORITHM,
        max_number=settings.ALTCHA_MAX_NUMBER,
        salt_length=altcha_v1.DEFAULT_SALT_LENGTH,
        hmac_key=altcha_hmac_key(),
        salt="",
        number=None,
        expires=expires,
        params=None,
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def verify_challenge(payload, consume=True):
    """None when the solved payload is genuine, unexpired and unused, else the reason.

    A genuine payload is then remembered until it expires (`consume_challenge`): the
    same solution sent again is refused as replayed.
    """
    if not payload:
        return "challenge_missing"
    if len(payload) > MAX_PAYLOAD_LENGTH:
        return "challenge_invalid"
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return "challenge_invalid"
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), str) for key in ("algorithm", "challenge", "salt", "signature")
    ) or not isinstance(data.get("number"), int) or isinstance(data.get("number"), bool):
        return "challenge_invalid"
    if data["algorithm"] != ALTCHA_ALGORITHM:
        return "challenge_invalid"
    expires = altcha_v1.extract_params(data).get("expires")
    try:
        expires_at = int(expires[0]) if expires else None
    except ValueError:
        expires_at = None
    if expires_at is None:  # every challenge this site issues carries its expiry
        return "challenge_invalid"
    ok, _error = altcha_v1.verify_solution(data, altcha_hmac_key(), check_expires=False)
    if not ok:
        return "challenge_invalid"
    now = time.time()
    if expires_at < now:
        return "challenge_expired"
    if consume and not consume_challenge(data["signature"], expires_at):
        return "challenge_replayed"
    return None


def consume_challenge(signature, expires_at):
    """Mark a solution used; False when it already was (by this or another worker).

    The insert of a unique key decides atomically which of two simultaneous uses wins.
    Expired marks go first: a solution cannot be accepted after its expiry anyway.
    """
    from antispam.models import UsedChallenge

    now = datetime.datetime.now(datetime.UTC)
    UsedChallenge.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(
                signature=signature,
                expires_at=datetime.datetime.fromtimestamp(expires_at, datetime.UTC),
            )
    except IntegrityError:
        return False
    return True

