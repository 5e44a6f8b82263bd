"""The union as a partner (issue 20, part B): a trade union's referrals carry the source
"trade union", other partners' "partner referral"; nothing about any person's union
membership is asked or recorded."""

import re

import pytest
from django.test import Client

from accounts.models import Organisation
from programme.forms import ReferralForm
from programme.models import ParticipationRequest
from tests.forms_helpers import intake_data
from tests.partner_helpers import VAT_NUMBERS, make_organisation

pytestmark = pytest.mark.django_db


def refer_as(kind, tax_code):
    organisation, admin = make_organisation(name=f"Org {kind}", tax_code=tax_code)
    Organisation.objects.filter(pk=organisation.pk).update(kind=kind)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    response = client.post("/it/partner/segnalazioni/nuova/",
                           intake_data(privacy=None, consent="on"))
    assert response.status_code == 302
    return ParticipationRequest.objects.get(organisation=organisation)


def test_the_unions_referrals_carry_the_source_trade_union():
    referral = refer_as(Organisation.Kind.TRADE_UNION, VAT_NUMBERS[0])
    assert referral.source == ParticipationRequest.Source.TRADE_UNION


def test_other_partners_referrals_stay_partner_referrals():
    referral = refer_as(Organisation.Kind.ASSOCIATION, VAT_NUMBERS[1])
    assert referral.source == ParticipationRequest.Source.PARTNER_REFERRAL


def test_nothing_about_union_membership_is_asked_or_stored():
    words = re.compile(r"union|sindaca|iscritt|tessera|membership", re.IGNORECASE)
    form = ReferralForm()
    for name, field in form.fields.items():
        assert not words.search(name), name
        assert not words.search(str(field.label or "")), name
    model_fields = [field.name for field in ParticipationRequest._meta.get_fields()]
    assert not [name for name in model_fields if words.search(name)]
    client = Client()
    _organisation, admin = make_organisation(name="CdL", tax_code=VAT_NUMBERS[2])
    client.force_login(admin)
    html = client.get("/it/partner/segnalazioni/nuova/").content.decode()
    assert not re.search(r"iscritt[oa] al sindacato|tessera", html, re.IGNORECASE)
