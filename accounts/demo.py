"""The demo editor account: a real, verified login with a password made up on the spot."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

DEMO_EDITOR_EMAIL = "redazione@example.org"
# Before issue 15 the demo editor signed in with this address; a development database made
# then keeps its editor, under the new address.
FORMER_DEMO_EDITOR_EMAIL = "redazione@mutuoaiutolavoro.example"


def ensure_demo_editor():
    """Create the demo editor once. Returns (user, password) — password is None if it existed.

    The password is random and shown once: a fixed password in the code would be a
    known password on every machine that ran the demo.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=DEMO_EDITOR_EMAIL).first()
    if user is None:
        user = User.objects.filter(email__iexact=FORMER_DEMO_EDITOR_EMAIL).first()
        if user is not None:
            EmailAddress.objects.filter(user=user, email__iexact=user.email).delete()
            user.email = DEMO_EDITOR_EMAIL
            user.save(update_fields=["email"])
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(
            username="redazione", email=DEMO_EDITOR_EMAIL, password=password,
            first_name="Redazione", last_name="Demo",
        )
    # Users made outside allauth have no EmailAddress row; without a verified one,
    # mandatory verification would stop the editor at login.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user, password
