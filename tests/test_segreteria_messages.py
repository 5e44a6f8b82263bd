"""The Segreteria's contact messages (issue 13): reached from the menu, one list for both
languages, each message handled or not, with who handled it and when."""

import json
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from wagtail.contrib.forms.models import FormSubmission

from home.message_handling import mark_handled, mark_not_handled
from home.models import ContactPage, MessageHandling
from tests.forms_helpers import contact_data
from tests.partner_helpers import make_user
from tests.test_admin_screens import menu_labels, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def segreteria():
    user = make_user("segreteria@comune.example.org", is_staff=True, first_name="Sara",
                     last_name="Neri")
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


@pytest.fixture
def two_messages(client):
    assert client.post("/it/contatti/", contact_data()).status_code in {200, 302}
    english = contact_data(nome="John Smith", email="john@example.org")
    assert client.post("/en/contact/", english).status_code in {200, 302}
    client.logout()
    italian = FormSubmission.objects.get(page__locale__language_code="it")
    english = FormSubmission.objects.get(page__locale__language_code="en")
    return italian, english


def list_url():
    return f"/admin/forms/submissions/{ContactPage.objects.get(locale__language_code='it').pk}/"


def menu_url(response, label):
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)'
                      r"</script>", response.content.decode(), re.S).group(1)

    def walk(node):
        if isinstance(node, dict):
            if node.get("label") == label and node.get("url"):
                yield node["url"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return next(walk(json.loads(props)))


def test_the_segreteria_reaches_messaggi_from_the_menu(client, segreteria, two_messages):
    client.force_login(segreteria)
    dashboard = client.get("/admin/")
    labels = menu_labels(dashboard)
    assert "Messaggi" in labels and "Modulistica" not in labels
    response = client.get(menu_url(dashboard, "Messaggi"), follow=True)
    shown = texts(response)
    assert {"Mario Bianchi", "John Smith"} <= set(shown)  # one list, both languages


def test_handled_records_who_and_when_and_leaves_the_default_list(
    client, segreteria, two_messages
):
    italian, english = two_messages
    client.force_login(segreteria)
    shown = texts(client.get(list_url()))
    assert shown.count("Segna come gestito") == 2
    response = client.post(f"/admin/messages/{italian.pk}/handling/",
                           {"handled": "1", "next": list_url()}, follow=True)
    assert "Il messaggio è segnato come gestito." in texts(response)
    handling = MessageHandling.objects.get(submission=italian)
    assert handling.handled and handling.handled_by == segreteria
    assert handling.handled_at is not None
    # The default list shows what is still to handle; "Gestiti" shows who and when.
    shown = " ".join(texts(client.get(list_url())))
    assert "John Smith" in shown and "Mario Bianchi" not in shown
    shown = " ".join(texts(client.get(list_url() + "?handled=handled")))
    assert "Mario Bianchi" in shown and "John Smith" not in shown
    assert "Gestito da Sara Neri, " in shown
    everything = " ".join(texts(client.get(list_url() + "?handled=all")))
    assert "Mario Bianchi" in everything and "John Smith" in everything
    assert client.get(list_url() + "?handled=%00x").status_code == 200  # junk: no 500
    # Reopened: back to handle, with who reopened it.
    client.post(f"/admin/messages/{italian.pk}/handling/", {"handled": "0"})
    handling.refresh_from_db()
    assert not handling.handled and handling.handled_by is None
    assert handling.reopened_by == segreteria
    assert "Da gestire (riaperto da Sara Neri, " in " ".join(texts(client.get(list_url())))


def test_the_list_and_its_buttons_in_english(client, segreteria, two_messages):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(segreteria)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(segreteria)
    shown = texts(client.get(list_url()))
    assert "Mark as handled" in shown and "To handle" in shown
    assert "Handled" in shown  # the column and the filter


def test_marking_needs_post_csrf_and_the_segreteria(client, segreteria, two_messages):
    from django.test import Client

    italian, _english = two_messages
    client.force_login(segreteria)
    assert client.get(f"/admin/messages/{italian.pk}/handling/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(segreteria)
    assert strict.post(f"/admin/messages/{italian.pk}/handling/",
                       {"handled": "1"}).status_code == 403
    editor = make_user("redattrice@comune.example.org", is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client.force_login(editor)
    response = client.post(f"/admin/messages/{italian.pk}/handling/", {"handled": "1"})
    assert response.status_code in {302, 403}
    assert not MessageHandling.objects.exists()
    client.force_login(segreteria)
    # An unknown message: not found (Django's LocaleMiddleware first tries /it/…).
    assert client.post("/admin/messages/999999/handling/", {"handled": "1"},
                       follow=True).status_code == 404
    # A value that is neither says so and changes nothing; a foreign "next" is ignored.
    response = client.post(f"/admin/messages/{italian.pk}/handling/",
                           {"handled": "x", "next": "https://example.com/"}, follow=True)
    assert "Scegli se il messaggio è gestito." in texts(response)
    assert not MessageHandling.objects.exists()


def test_marking_twice_keeps_the_first_handler(segreteria, two_messages):
    italian, _english = two_messages
    first = mark_handled(italian, by=segreteria)
    other = make_user("altra@comune.example.org", is_staff=True)
    again = mark_handled(italian, by=other)
    assert again.handled_by == segreteria and again.handled_at == first.handled_at
    reopened = mark_not_handled(italian, by=other)
    assert reopened.reopened_by == other and not reopened.handled


def test_a_second_tab_marking_a_handled_message_is_told_who_handled_it(client, segreteria,
                                                                       two_messages):
    italian, _english = two_messages
    mark_handled(italian, by=segreteria)
    other = make_user("altra@comune.example.org", is_staff=True, first_name="Anna",
                      last_name="Bruni")
    other.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.force_login(other)
    response = client.post(f"/admin/messages/{italian.pk}/handling/", {"handled": "1"},
                           follow=True)
    page = " ".join(texts(response))
    assert "Questo messaggio era già stato gestito: Gestito da Sara Neri" in page
    assert "Il messaggio è segnato come gestito" not in page
    assert MessageHandling.objects.get(submission_id=italian.pk).handled_by == segreteria


@pytest.mark.parametrize(("language", "headings", "yes"), [
    ("it", ["Gestito", "Gestito da", "Gestito il"], "Sì"),
    ("en", ["Handled", "Handled by", "Handled at"], "Yes"),
])
def test_the_export_says_whether_each_message_was_handled_by_whom_and_when(
        client, segreteria, two_messages, language, headings, yes):
    import csv
    import io

    from wagtail.users.models import UserProfile

    italian, _english = two_messages
    mark_handled(italian, by=segreteria)
    profile = UserProfile.get_for_user(segreteria)
    profile.preferred_language = language
    profile.save()
    client.force_login(segreteria)
    response = client.get(list_url() + "?export=csv&handled=all")
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";" if language == "it" else ","))
    assert rows[0][-3:] == headings
    handled = [row for row in rows[1:] if row[-3] == yes]
    assert len(handled) == 1 and handled[0][-2] == "Sara Neri" and handled[0][-1]
    assert [row[-2:] for row in rows[1:] if row[-3] != yes] == [["", ""]]


@pytest.mark.parametrize(("language", "title"), [("it", "Messaggi: tutte le lingue"),
                                                 ("en", "Messages: every language")])
def test_the_list_is_titled_for_both_languages(client, segreteria, two_messages, language,
                                               title):
    from tests.admin_helpers import speaks

    speaks(segreteria, language)
    client.force_login(segreteria)
    page = " ".join(texts(client.get(list_url())))
    assert title in page and "Contattaci" not in page
