"""Facilitators, their groups and the people seated in them, for tests/test_facilitation_*."""

import datetime
import itertools

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.test import Client
from django.utils import timezone

from accounts.roles import FACILITATOR_GROUP
from facilitation.models import FacilitatorAssignment
from programme.attendance import today_in_milan
from programme.models import Group, MeetingSlot, ParticipationRequest

_counter = itertools.count(1)


def make_facilitator(email, groups=(), language="it"):
    user = get_user_model().objects.create_user(
        username=email, email=email, password="una-password-lunga-1",
        first_name="Fac", last_name=email.split("@")[0], language=language)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.groups.add(AuthGroup.objects.get(name=FACILITATOR_GROUP))
    for group in groups:
        FacilitatorAssignment.objects.create(user=user, group=group)
    return user


def daily_group(index=0, start=datetime.time(0, 0), end=datetime.time(0, 30)):
    """The `index`-th canonical demo group, open, meeting every day at `start` (default
    midnight: today's meeting has begun whatever the hour), no cancelled date."""
    group = Group.objects.canonical().order_by("name")[index]
    group.status = Group.Status.AUTOMATIC
    group.capacity = 50
    group.save()
    group.slots.all().delete()
    group.cancelled_meetings.all().delete()
    group.holiday_meetings.all().delete()
    for weekday in range(7):
        MeetingSlot.objects.create(group=group, weekday=weekday, start=start, end=end)
    return group


def seat(group, status="assigned", first="Persona", last="Prova", **extra):
    n = next(_counter)
    return ParticipationRequest.objects.create(
        first_name=f"{first}{n}", last_name=last, email=f"seat{n}@example.org",
        phone="+39333770" + f"{n:04d}", preferred_channel="email",
        employment_status="unemployed", situation_since="2026-01-01", heard_from="flyer",
        privacy_notice_version="t", privacy_acknowledged_at=timezone.now(),
        language="it", status=status, group=group, reference=f"MA-2026-7{n:04d}", **extra)


def not_holiday(day, step=1):
    from programme.schedule import is_public_holiday

    while is_public_holiday(day):
        day += datetime.timedelta(days=step)
    return day


def meeting_path(group, day, language="it", suffix="", start="0000"):
    base = "/it/facilitatori/incontri" if language == "it" else "/en/facilitators/meetings"
    tail = {"": "", "move": {"it": "sposta/", "en": "move/"}[language] if suffix else "",
            "cancel": {"it": "annulla/", "en": "cancel/"}[language] if suffix else ""}
    return f"{base}/{group.pk}/{day:%Y-%m-%d}/{start}/{tail[suffix]}"


def today():
    return today_in_milan()


def client_for(user=None):
    """A test client signed in as `user` (anonymous without one) that answers a server
    error as the visitor sees it instead of raising."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# Fixtures shared by the facilitators' test modules, imported by name there.

@pytest.fixture
def group():
    """A group meeting every day at midnight (daily_group(0))."""
    return daily_group(0)


@pytest.fixture
def facilitator(group):
    """Anna, the facilitator of `group`."""
    return make_facilitator("anna@comune.example.org", [group])


@pytest.fixture
def past_day():
    """The last day before today that is no public holiday."""
    return not_holiday(today() - datetime.timedelta(days=1), step=-1)
