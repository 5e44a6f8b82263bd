"""Review of issue 13: a group's capacity cannot be set below the people already in it
(Group.clean -> programme.seats.check_capacity), in the group's form, as a draft or
published; equal to them is a full group, and a group with nobody in it is free."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from wagtail.users.models import UserProfile

from programme.models import Group, ParticipationRequest
from programme.seats import check_capacity
from tests.test_group_notices import edit_form

pytestmark = pytest.mark.django_db

BELOW = {
    "it": "Nel gruppo ci sono già 3 persone: la capienza non può essere inferiore.",
    "en": "There are already 3 people in the group: the capacity cannot be lower.",
}


@pytest.fixture
def group():
    return Group.objects.canonical().get(name="Ripartire insieme")


def seat(group, count, status="assigned", first=0):
    for n in range(first, first + count):
        ParticipationRequest.objects.create(
            first_name=f"Persona{n}", last_name="Posto", email=f"posto{n}@example.org",
            preferred_channel="email", employment_status="unemployed",
            situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
            privacy_acknowledged_at="2026-01-01T00:00Z", language="it", status=status,
            group=group, reference=f"MA-2026-7{n:04d}")


@pytest.fixture
def three_seated(group):
    """Two assigned and one attending (each holds a seat); two waiting, who do not."""
    seat(group, 2, "assigned")
    seat(group, 1, "attending", first=2)
    seat(group, 2, "waiting_list", first=3)
    return group


def test_check_capacity_refuses_below_the_seats_taken_only():
    check_capacity(3, 3)
    check_capacity(12, 0)
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        check_capacity(5, 11)
    assert refused.value.message_dict == {"capacity": [
        "Nel gruppo ci sono già 11 persone: la capienza non può essere inferiore."]}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        check_capacity(0, 1)
    assert refused.value.message_dict == {"capacity": [
        "There is already 1 person in the group: the capacity cannot be lower."]}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_model_refuses_a_capacity_below_the_people_in_the_group(
        three_seated, language):
    group = three_seated
    group.capacity = 2
    with translation.override(language), pytest.raises(ValidationError) as refused:
        group.full_clean()
    assert refused.value.message_dict["capacity"] == [BELOW[language]]
    group.capacity = 3
    group.full_clean()  # full, not overfilled
    translation_row = group.get_translations().first()
    if translation_row is not None:  # the same seats, whichever language is edited
        translation_row.capacity = 2
        with pytest.raises(ValidationError):
            translation_row.full_clean()


def test_people_waiting_or_gone_do_not_count(group):
    seat(group, 3, "waiting_list")
    ParticipationRequest.objects.filter(group=group).update(status="withdrawn")
    group.capacity = 1
    group.full_clean()


@pytest.mark.parametrize(("language", "action"), [
    ("it", None), ("it", "action-publish"), ("en", "action-publish"),
    ("en", "action-submit"),
])
def test_the_groups_form_shows_the_error_and_saves_nothing(
        demo_editor, three_seated, language, action):
    group = three_seated
    profile = UserProfile.get_for_user(demo_editor)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(demo_editor)
    revisions = group.revisions.count()
    data = edit_form(group)
    data["capacity"] = 2
    if action:
        data[action] = action
    response = client.post(f"/admin/snippets/programme/group/edit/{group.pk}/", data)
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert BELOW[language] in page
    group.refresh_from_db()
    assert group.capacity != 2
    assert group.revisions.count() == revisions
    assert not group.has_unpublished_changes or group.latest_revision.as_object().capacity != 2


@pytest.mark.parametrize("action", [None, "action-publish"])
def test_a_capacity_equal_to_the_people_saves_and_an_empty_group_saves_any(
        demo_editor, three_seated, action):
    client = Client()
    client.force_login(demo_editor)
    url = "/admin/snippets/programme/group/edit/{}/"
    data = edit_form(three_seated)
    data["capacity"] = 3
    if action:
        data[action] = action
    assert client.post(url.format(three_seated.pk), data).status_code == 302
    assert Group.objects.get(pk=three_seated.pk).latest_revision.as_object().capacity == 3

    empty = Group.objects.canonical().exclude(pk=three_seated.pk).first()
    assert not ParticipationRequest.objects.filter(group=empty).exists()
    data = edit_form(empty)
    data["capacity"] = 1
    if action:
        data[action] = action
    assert client.post(url.format(empty.pk), data).status_code == 302
    assert Group.objects.get(pk=empty.pk).latest_revision.as_object().capacity == 1
