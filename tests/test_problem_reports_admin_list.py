"""The admin's list of problem reports (issue 17, «Segnala disservizio»): its heading names
the problem reports, not the messages; its menu item is short enough for the sidebar and
is the one highlighted while the list is open — in both admin languages."""

import pytest
from django.contrib.auth.models import Group as AuthGroup

from home.models import ContactPage, ProblemReportPage
from tests.admin_helpers import speaks
from tests.partner_helpers import make_user
from tests.test_admin_screens import menu_labels, texts
from tests.test_segreteria_messages import menu_url

pytestmark = pytest.mark.django_db

HEADING = {"it": "Segnalazioni di disservizio: tutte le lingue",
           "en": "Problem reports: every language"}
MENU = {"it": ("Disservizi", "Messaggi"), "en": ("Problem reports", "Messages")}
# The sidebar's label is cut beyond about this many characters at its default width.
SIDEBAR_LABEL_MAX = 18


@pytest.fixture
def segreteria():
    user = make_user("segreteria@comune.example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


def list_url(model):
    return f"/admin/forms/submissions/{model.objects.get(locale__language_code='it').pk}/"


def highlighted(response, labels):
    """The menu items (among `labels`) Wagtail's sidebar highlights on this response's
    page: its script marks the item whose URL is the longest start of the current path
    (client/src/components/Sidebar/modules/MainMenu.tsx)."""
    path = response.wsgi_request.path
    urls = {label: menu_url(response, label) for label in labels}
    matching = {label: url for label, url in urls.items() if path.startswith(url)}
    if not matching:
        return []
    longest = max(len(url) for url in matching.values())
    return [label for label, url in matching.items() if len(url) == longest]


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_problem_reports_list_is_headed_as_such(client, segreteria, language):
    speaks(segreteria, language)
    client.force_login(segreteria)
    response = client.get(list_url(ProblemReportPage))
    assert response.status_code == 200
    shown = " ".join(texts(response))
    assert HEADING[language] in shown
    assert "Messaggi" not in response.content.decode().split("<title>")[1].split("</title>")[0]
    assert response.content.decode().split("<title>")[1].split("</title>")[0].startswith(
        HEADING[language])
    # The contact messages keep their own heading.
    messages = " ".join(texts(client.get(list_url(ContactPage))))
    assert {"it": "Messaggi: tutte le lingue", "en": "Messages: every language"}[
        language] in messages


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_menu_item_is_short_and_highlighted_on_its_list(client, segreteria, language):
    speaks(segreteria, language)
    client.force_login(segreteria)
    reports, messages = MENU[language]
    response = client.get(list_url(ProblemReportPage))
    assert reports in menu_labels(response)
    assert len(reports) <= SIDEBAR_LABEL_MAX
    assert highlighted(response, [reports, messages]) == [reports]
    # Reached through the menu's short address, the list highlights it too.
    followed = client.get("/admin/problem-reports/", follow=True)
    assert followed.redirect_chain and highlighted(followed, [reports, messages]) == [reports]
    # And on the contact messages, "Messages" is the one.
    assert highlighted(client.get(list_url(ContactPage)), [reports, messages]) == [messages]
