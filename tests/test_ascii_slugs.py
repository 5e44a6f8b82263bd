"""Page slugs are ASCII (issue 13): «Gruppo del giovedì» lives at `gruppo-del-giovedi`,
never at `gioved%C3%AC`, and a slug typed by hand with an accent is refused with a
message in the editor's language (home/slugs.py)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from home.models import HomePage, StandardPage
from home.slugs import validate_ascii_slug
from programme.workflow import REDAZIONE
from tests.admin_helpers import speaks

pytestmark = pytest.mark.django_db

ITALIAN_ERROR = "Usa nello slug solo lettere senza accenti (a-z), cifre e trattini"
ENGLISH_ERROR = "Use only letters without accents (a-z), digits and hyphens in the slug"


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user(
        username="redattrice", email="redattrice@example.org", password="unused-in-tests")
    user.groups.add(Group.objects.get(name=REDAZIONE))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def add_standard_page(client, title, slug=""):
    """POST the admin's "add a standard page" form under the Italian home page, as the
    "Salva bozza" button does."""
    home = HomePage.objects.get(locale=Locale.get_default())
    data = nested_form_data({
        "title": title, "slug": slug, "introduction": "", "body": streamfield([]),
        "comments": inline_formset([]), "seo_title": "", "search_description": "",
        "go_live_at": "", "expire_at": "",
    })
    return client.post(
        reverse("wagtailadmin_pages:add", args=("home", "standardpage", home.pk)), data)


def test_a_title_with_an_accent_gives_an_ascii_slug():
    """The slug Wagtail makes on save when none was given (as the demo content, a copy or
    a translation does)."""
    home = HomePage.objects.get(locale=Locale.get_default())
    page = home.add_child(instance=StandardPage(title="Gruppo del giovedì"))
    assert page.slug == "gruppo-del-giovedi"


def test_the_admin_fills_the_slug_from_the_title_without_accents(client, editor):
    """The slug field Wagtail's script fills from the title, as the editor types it, is
    told to drop accents (WAGTAIL_ALLOW_UNICODE_SLUGS)."""
    client.force_login(editor)
    home = HomePage.objects.get(locale=Locale.get_default())
    html = client.get(reverse("wagtailadmin_pages:add",
                              args=("home", "standardpage", home.pk))).content.decode()
    slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', html).group(0)
    assert 'data-controller="w-slug"' in slug_input
    # Django leaves a false attribute out; Wagtail's script then drops accents.
    assert "data-w-slug-allow-unicode-value" not in slug_input


@pytest.mark.parametrize(("language", "message"), [("it", ITALIAN_ERROR),
                                                     ("en", ENGLISH_ERROR)])
def test_a_slug_typed_with_an_accent_is_refused_in_the_editors_language(
        client, editor, language, message):
    speaks(editor, language)
    client.force_login(editor)
    response = add_standard_page(client, "Gruppo del giovedì", slug="gruppo-del-giovedì")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StandardPage.objects.filter(title="Gruppo del giovedì").exists()


def test_the_rule_itself():
    validate_ascii_slug("gruppo-del-giovedi_2")
    for slug in ("giovedì", "caffè", "straße", "gruppo del giovedi"):
        with pytest.raises(ValidationError) as error, translation.override("it"):
            validate_ascii_slug(slug)
        assert error.value.code == "invalid"


def test_the_demo_content_has_ascii_slugs():
    from wagtail.models import Page
    slugs = list(Page.objects.values_list("slug", flat=True))
    assert slugs and all(slug.isascii() for slug in slugs), slugs
