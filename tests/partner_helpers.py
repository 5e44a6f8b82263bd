"""Partner organisations in a given state, for the partner-area tests."""

import itertools

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Membership, Organisation
from programme.models import Adhesion

# Valid Italian VAT numbers (check digit included), one per test organisation.
VAT_NUMBERS = ["12345670157", "76543210157", "11111110158", "22222220158", "33333330158"]
_counter = itertools.count()


def make_user(email, **extra):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0] + str(next(_counter)), email=email,
        password="una-password-lunga-1", **extra,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_organisation(name="Associazione Lavoro Insieme", tax_code=VAT_NUMBERS[0],
                      adhesion=Adhesion.Status.APPROVED, admin_email=None):
    organisation = Organisation.objects.create(
        name=name, kind=Organisation.Kind.ASSOCIATION, tax_code=tax_code,
        email=f"info@{tax_code}.example.org",
    )
    admin = make_user(admin_email or f"admin@{tax_code}.example.org")
    Membership.objects.create(user=admin, organisation=organisation,
                              role=Membership.Role.ADMIN)
    if adhesion:
        Adhesion.objects.create(
            organisation=organisation, status=adhesion, protocol_version="1.0",
            signatory_name="Anna Verdi", signatory_role="Presidente",
            declares_authority=True, submitted_by=admin,
            decided_at=timezone.now() if adhesion != Adhesion.Status.PENDING else None,
        )
    return organisation, admin


def add_member(organisation, role, email=None):
    user = make_user(email or f"{role}{next(_counter)}@{organisation.tax_code}.example.org")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def partner_path(language, italian_path):
    """The partner-area address of `italian_path` ("/segnalazioni/nuova/") in `language`:
    paths are translated (/en/partner/referrals/new/)."""
    from django.urls import resolve, reverse
    from django.utils import translation

    with translation.override("it"):
        match = resolve(f"/it/partner{italian_path}")
    with translation.override(language):
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
