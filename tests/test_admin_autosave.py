"""Create forms are not autosaved (website/admin_autosave.py): an autosave racing the
"Pubblica" click made a group twice. Edit forms still autosave."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from programme.models import NewsIndexPage

pytestmark = pytest.mark.django_db

# Only the form Wagtail autosaves carries its interval (the page header's autosave
# indicator is a w-autosave controller too, but only listens).
def autosaved(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return bool(soup.find("form", attrs={"data-w-autosave-interval-value": True}))


@pytest.fixture
def admin(client, demo_editor):
    demo_editor.is_superuser = True
    demo_editor.save()
    client.force_login(demo_editor)
    return client


@pytest.mark.parametrize("model", ["programme/group", "programme/venue",
                                   "home/contactdetails"])
def test_snippet_create_form_is_not_autosaved_but_its_edit_form_is(admin, model):
    from django.apps import apps

    create = admin.get(f"/admin/snippets/{model}/add/")
    assert create.status_code == 200
    assert not autosaved(create)
    row = apps.get_model(*model.split("/")).objects.first()
    edit = admin.get(f"/admin/snippets/{model}/edit/{row.pk}/")
    assert autosaved(edit)


def test_page_create_form_is_not_autosaved_but_its_edit_form_is(admin):
    news = NewsIndexPage.objects.get(locale__language_code="it")
    create = admin.get(f"/admin/pages/add/programme/newspage/{news.pk}/")
    assert create.status_code == 200
    assert not autosaved(create)
    article = Page.objects.child_of(news).first()
    assert autosaved(admin.get(f"/admin/pages/{article.pk}/edit/"))

