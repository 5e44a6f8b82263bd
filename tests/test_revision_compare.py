"""Wagtail's revision compare of a group reads as a person writes: a changed time
«10:00 11:00» (not «10:00:0011:00:00»), an empty date "—" (not «None»), a date as the
admin's language writes it (home/compare.py). Through the admin with Django's client."""

import datetime
import html as html_lib
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as UserGroup
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from home.compare import ReadableFieldComparison, readable
from programme.models import Group, MeetingSlot
from programme.workflow import REDAZIONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user(
        username="redattrice", email="redattrice@example.org", password="unused-in-tests")
    user.groups.add(UserGroup.objects.get(name=REDAZIONE))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _url(name, *args):
    return reverse(f"wagtailsnippets_programme_group:{name}", args=args)


def _text(response):
    """What the page says, without markup, white space collapsed."""
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    main = html[html.index("<main"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _edit(client, group, *, start, valid_until="", cancelled=()):
    slots = [{"id": s.pk, "weekday": s.weekday, "start": start,
              "end": s.end.strftime("%H:%M"), "valid_from": "", "valid_until": valid_until}
             for s in group.slots.all()]
    data = nested_form_data({
        "name": group.name, "description": group.description,
        "venue": group.venue_id, "facilitators": group.facilitators,
        "language": group.language, "capacity": group.capacity,
        "slots": inline_formset(slots, min=1),
        "cancelled_meetings": inline_formset(
            [{"date": day, "reason": "Sede chiusa"} for day in cancelled]),
        "holiday_meetings": inline_formset([]),
    })
    response = client.post(_url("edit", group.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Group.objects.get(pk=group.pk).latest_revision


def test_the_compare_of_a_changed_slot_time_reads_10_00_and_11_00_and_no_none(editor):
    group = Group.objects.get(locale=Locale.get_default(), name="Ripartire insieme")
    assert [s.start for s in group.slots.all()] == [datetime.time(10, 0)]
    client = Client()
    client.force_login(editor)
    revision = _edit(client, group, start="11:00", valid_until="2026-12-31",
                     cancelled=["2026-12-08"])

    text = _text(client.get(_url("revisions_compare", group.pk, "live", revision.pk)))
    assert "10:00" in text and "11:00" in text
    assert "10:00:00" not in text and "11:00:00" not in text
    assert "None" not in text
    assert "—" in text  # the empty "valid from"
    assert "31 dicembre 2026" in text
    assert "8 dicembre 2026" in text


def test_readable_values_of_dates_times_and_empty():
    assert readable(None) == "—"
    assert readable(datetime.time(9, 5)) == "09:05"
    with translation.override("en"):
        assert readable(datetime.date(2026, 11, 30)) == "30 November 2026"
        assert readable(False) == "No"
    with translation.override("it"):
        assert readable(datetime.date(2026, 11, 30)) == "30 novembre 2026"
        assert readable(True) == "Sì"


def test_an_unchanged_empty_date_reads_as_a_dash():
    slot = MeetingSlot(weekday=0, start=datetime.time(10), end=datetime.time(11))
    comparison = ReadableFieldComparison(MeetingSlot._meta.get_field("valid_from"), slot, slot)
    assert comparison.htmldiff() == "—"
    assert not comparison.has_changed()


def test_a_changed_time_reads_old_then_new_apart():
    before = MeetingSlot(weekday=0, start=datetime.time(10), end=datetime.time(12))
    after = MeetingSlot(weekday=0, start=datetime.time(11), end=datetime.time(12))
    comparison = ReadableFieldComparison(MeetingSlot._meta.get_field("start"), before, after)
    assert comparison.has_changed()
    assert re.sub(r"<[^>]+>", "", comparison.htmldiff()) == "10:00 11:00"
