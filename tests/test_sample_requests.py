"""`manage.py load_sample_requests`: fictional requests for training, never in production."""

import pytest
from django.core.management import CommandError, call_command

from programme.models import ParticipationRequest


@pytest.mark.django_db
def test_adds_new_requests_with_references_and_history(settings):
    settings.DEBUG = True
    before = ParticipationRequest.objects.count()
    call_command("load_sample_requests", count=3, stdout=open("/dev/null", "w"))  # noqa: SIM115
    added = ParticipationRequest.objects.order_by("-pk")[:3]
    assert ParticipationRequest.objects.count() == before + 3
    assert all(r.reference and r.status == "new" and r.history.count() == 1 for r in added)
    assert all(r.email.endswith("@example.org") for r in added)


@pytest.mark.django_db
def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_sample_requests", count=3)
    assert not ParticipationRequest.objects.exists()
