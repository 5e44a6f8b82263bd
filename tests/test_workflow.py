"""The editorial workflow: Redazione writes and submits, Approvazione publishes.

Everything goes through the Wagtail admin with the test client, as an editor would.
"""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from programme.models import NewsIndexPage, NewsPage, ProgrammePage, ProtocolPage
from programme.workflow import APPROVAZIONE, REDAZIONE, SEGRETERIA, WORKFLOW_NAME

pytestmark = pytest.mark.django_db


def _member_of(group_name, username):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="unused-in-tests"
    )
    user.groups.add(Group.objects.get(name=group_name))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def editor(db):
    return _member_of(REDAZIONE, "redattrice")


@pytest.fixture
def approver(db):
    return _member_of(APPROVAZIONE, "approvatore")


@pytest.fixture
def news_index():
    return NewsIndexPage.objects.get(locale=Locale.get_default())


@pytest.fixture
def draft_article(news_index):
    """A news article that was written but never published."""
    article = NewsPage(
        title="Nuovo gruppo il martedì", slug="nuovo-gruppo-martedi", live=False,
        date=datetime.date(2026, 3, 1), summary="Apre un nuovo gruppo.",
    )
    news_index.add_child(instance=article)
    article.save_revision()
    return NewsPage.objects.get(pk=article.pk)


def _edit(client, page, action, title=None):
    """POST the page's edit form, as the admin's buttons do."""
    data = nested_form_data({
        "title": title or page.title,
        "slug": page.slug,
        "date": page.date.isoformat(),
        "summary": page.summary,
        "image": "",
        "image_alt_text": "",
        "body": streamfield([("paragraph", rich_text("<p>Il gruppo si incontra in villa.</p>"))]),
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        f"action-{action}": "action",
    })
    return client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)


def _approve(client, page):
    page = Page.objects.get(pk=page.pk)
    task_state = page.current_workflow_task_state
    assert task_state is not None, "the page is not in moderation"
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
        {"comment": ""},
    )


def _public_html(page):
    """The page as a visitor sees it (a fresh client: no admin messages, no login)."""
    response = Client().get(Page.objects.get(pk=page.pk).url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_migration_made_the_three_groups():
    redazione = Group.objects.get(name=REDAZIONE)
    approvazione = Group.objects.get(name=APPROVAZIONE)
    segreteria = Group.objects.get(name=SEGRETERIA)

    def page_perms(group):
        return set(group.page_permissions.values_list("permission__codename", flat=True))

    assert page_perms(redazione) == {"add_page", "change_page"}
    assert page_perms(approvazione) == {"add_page", "change_page", "publish_page"}
    assert page_perms(segreteria) == set()
    for group in (redazione, approvazione):
        assert group.page_permissions.get(permission__codename="add_page").page.depth == 1
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert {"access_admin", "add_venue", "change_venue", "add_group",
                "change_group", "submit_translation"} <= codenames
        collection_codenames = set(
            group.collection_permissions.values_list("permission__codename", flat=True)
        )
        assert collection_codenames == {"add_image", "choose_image", "change_image",
                                        "add_document", "choose_document", "change_document"}
    assert "delete_venue" not in redazione.permissions.values_list("codename", flat=True)
    assert {"delete_venue", "delete_group"} <= set(
        approvazione.permissions.values_list("codename", flat=True)
    )
    # The triage office gets into the admin; what it may do there, later migrations add.
    assert "access_admin" in segreteria.permissions.values_list("codename", flat=True)


@pytest.mark.parametrize("model", [ProgrammePage, ProtocolPage, NewsIndexPage, NewsPage])
def test_sections_in_both_languages_are_under_the_workflow(model):
    pages = model.objects.all()
    assert {p.locale.language_code for p in pages} == {"it", "en"}
    for page in pages:
        workflow = page.get_workflow()
        assert workflow is not None and workflow.name == WORKFLOW_NAME, page.url_path
        tasks = [task.specific for task in workflow.tasks]
        assert [list(task.groups.values_list("name", flat=True)) for task in tasks] == [
            [APPROVAZIONE]
        ]


def test_an_editor_can_open_the_admin_and_the_edit_form(client, editor, news_index):
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    article = news_index.get_children().first()
    assert client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,))).status_code == 200


def test_an_editor_pressing_publish_only_saves_a_draft(client, editor, draft_article):
    client.force_login(editor)
    response = _edit(client, draft_article, "publish", title="Nuovo gruppo il mercoledì")
    assert response.status_code == 302  # saved, not refused with form errors

    article = NewsPage.objects.get(pk=draft_article.pk)
    assert not article.live
    assert article.get_latest_revision().as_object().title == "Nuovo gruppo il mercoledì"
    assert client.get(f"/it/notizie/{article.slug}/").status_code == 404


def test_an_editor_cannot_change_a_live_article(client, editor, news_index):
    article = NewsPage.objects.get(slug="percorsi-di-mutuo-aiuto")
    live_title = article.title
    client.force_login(editor)
    response = _edit(client, article, "publish", title="Titolo cambiato dalla redazione")
    assert response.status_code == 302

    article.refresh_from_db()
    assert article.title == live_title
    assert article.has_unpublished_changes
    html = _public_html(article)
    assert "Titolo cambiato dalla redazione" not in html
    assert live_title[:40] in html


def test_submitting_for_moderation_starts_the_workflow(client, editor, draft_article):
    client.force_login(editor)
    response = _edit(client, draft_article, "submit")
    assert response.status_code == 302

    article = NewsPage.objects.get(pk=draft_article.pk)
    assert not article.live
    assert article.workflow_in_progress
    state = WorkflowState.objects.for_instance(article).get()
    assert state.workflow.name == WORKFLOW_NAME
    assert state.requested_by == editor
    assert article.current_workflow_task.name == "Approvazione"

    # The editor is not an approver: their "approve" changes nothing.
    _approve(client, article)
    assert not NewsPage.objects.get(pk=article.pk).live


def test_an_approver_approves_and_the_article_goes_live(client, editor, approver, draft_article):
    client.force_login(editor)
    _edit(client, draft_article, "submit", title="Nuovo gruppo il giovedì")

    client.force_login(approver)
    response = _approve(client, draft_article)
    assert response.status_code in (200, 302)

    article = NewsPage.objects.get(pk=draft_article.pk)
    assert article.live
    assert article.title == "Nuovo gruppo il giovedì"
    assert not article.workflow_in_progress
    assert WorkflowState.objects.for_instance(article).get().status == "approved"
    assert "Nuovo gruppo il giovedì" in _public_html(article)


def test_an_approver_can_publish_directly(client, approver, draft_article):
    client.force_login(approver)
    response = _edit(client, draft_article, "publish", title="Pubblicato da chi approva")
    assert response.status_code == 302

    article = NewsPage.objects.get(pk=draft_article.pk)
    assert article.live
    assert article.title == "Pubblicato da chi approva"
    assert "Pubblicato da chi approva" in _public_html(article)


def test_segreteria_has_no_page_rights(client, draft_article):
    clerk = _member_of(SEGRETERIA, "segreteria")
    client.force_login(clerk)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    edit_url = reverse("wagtailadmin_pages:edit", args=(draft_article.pk,))
    assert client.get(edit_url).status_code in (302, 403)


def test_every_page_of_the_site_goes_through_the_citys_workflow():
    """Not only the programme's sections: the home page and the standard pages too, so no
    change waits for Wagtail's default Moderators, a group nobody is in."""
    from home.models import HomePage, StandardPage

    for page in [*HomePage.objects.all(), *StandardPage.objects.all()]:
        workflow = page.get_workflow()
        assert workflow is not None and workflow.name == "Revisione e approvazione", page
