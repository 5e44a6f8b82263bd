"""Narrow guards in front of Wagtail admin views that fail on junk input (issue 12).

Wagtail 7.4.4 (and wagtail-localize 1.14.5) answer a few hand-typed addresses with a 500:
the value reaches `int()`, a paginator or a query unchecked. Until upstream fixes them,
`WagtailInputGuardMiddleware` checks those parameters, for those paths only, and answers
with the site's 404 (no such object or page of results) or 400 page. Each guard has a
test in tests/test_junk_urls.py (`test_wagtail_still_fails_without_guard_...`) that calls
the unguarded view: when an upgrade fixes a view, that test fails and the guard can go.

What to report upstream (Wagtail 7.4.4, Django 5.2, any database):

1. wagtail.admin.views.workflows.Edit.get_paginated_pages: `GET
   /admin/workflows/edit/<pk>/?p=abc` (or "²", "", a 5,000-character value) raises
   ValueError from `int(self.request.GET.get("p", 1))`; `?p=99999` or `?p=-1` raises
   EmptyPage from `paginator.page()`. Expected: `paginator.get_page()` or a 404, as the
   task chooser in the same module does.
2. `?id=<not a key>` raises ValueError ("Field 'id' expected a number but got 'abc'")
   from `pk__in` / `get(id=…)`: wagtail.admin.views.bulk_action.BulkAction
   (`/admin/bulk/wagtailcore/page/publish/?id=abc`), the ChosenMultipleView of every
   chooser (`/admin/choose-page/chosen-multiple/`, documents, images, snippets) and the
   admin API's `find` view (`/admin/api/main/pages/find/?id=abc`, documents, images).
   Expected: invalid keys ignored or a 400/404.
3. wagtail.admin.views.generic.chooser.ChosenViewMixin.get: `GET
   /admin/images/chooser/chosen/abc/` (documents, snippets too) raises ValueError; only
   ObjectDoesNotExist becomes a 404. Expected: a 404 for a key the model cannot hold.
4. wagtail.images.views.chooser (ImageChooseView / ImageChooseResultsView):
   `/admin/images/chooser/?q=x&tag=y` raises FilterFieldError: the tag filter
   (`tags__name`) is applied before `search()`, and Image.search_fields declares no
   FilterField("name") inside RelatedFields("tags").
5. wagtail-localize 1.14.5, SubmitSnippetTranslationView.get_object:
   `/admin/localize/submit/snippet/programme/venue/abc/` raises ValueError through
   `get_object_or_404(model, pk=…)`.
6. Forms POSTed without their fields (a hand-made or truncated request):
   wagtail.admin.views.chooser.ExternalLinkView.post (`POST /admin/choose-external-link/`
   without `external-link-chooser-url`) raises AttributeError ('NoneType' object has no
   attribute 'startswith'): the form validates a missing URL; the snippet chooser's
   CreateView.post (`POST /admin/snippets/choose/<app>/<model>/create/` for a snippet
   whose chooser offers no creation form) raises AttributeError ('NoneType' object has no
   attribute 'is_valid'); wagtail.contrib.redirects.views.process_import without its
   management fields raises KeyError 'import_file_name'. Expected: a 400 or the form
   shown again with its errors. (The page and snippet edit views reading
   `<formset>-count` with request.POST[...] are answered 400 by
   website.request_hygiene for every view.)
7. wagtail-localize 1.14.5, strings of its translation editor no catalogue can translate
   (wagtail_localize/static/wagtail_localize/js/wagtail-localize.js, built from
   client/src/components/TranslationEditor): each tab's heading is the template literal
   `${sourceLocale.displayName} to ${locale.displayName} translation`, never passed to
   gettext, so the Italian admin reads «Italiano to Inglese translation»; the publish
   button is gettext("Publish in ") + the locale's name (djangojs msgid "Publish in ",
   Italian "Pubblica in "), a concatenation no language can reorder. Expected:
   interpolated msgids ("%(source)s to %(target)s translation", "Publish in %(locale)s").
   Its "Pubblica in …" is also offered only to those who may publish, with no "submit
   for moderation" for the others (the project adds one: home/translations.py).
   The same editor's footer says "More actions" hard-coded, not through gettext.
8. wagtail.snippets.views.snippets' revisions compare view (draft-state snippets):
   `GET /admin/snippets/<app>/<model>/history/<pk>/revisions/compare/1...1/` with a
   `<pk>` the model's key cannot hold ("²", "abc") raises ValueError from
   `get_object_or_404`; the other history views answer 404. Expected: a 404.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import InvalidPage
from django.db import connection
from django.http import Http404

from typed_text.parameters import page_number


def _named_model(match):
    try:
        return apps.get_model(match["app_label"], match["model_name"])
    except (LookupError, ValueError):
        return None  # Wagtail answers an unknown model with its own 404


def _page_model(_match):
    from wagtail.models import Page

    return Page


def _document_model(_match):
    from wagtail.documents import get_document_model

    return get_document_model()


def _image_model(_match):
    from wagtail.images import get_image_model

    return get_image_model()


@dataclass(frozen=True)
class KeyedView:
    """Admin paths (after the admin prefix) whose view looks objects of `model(match)` up
    by keys taken from the path (`pk` group) or from every `?id=`."""

    path: re.Pattern
    model: object
    extra_ids: tuple = ()  # values the view reads as words, not keys ("all")


IDS_IN_QUERY = [
    KeyedView(re.compile(r"bulk/(?P<app_label>[^/]+)/(?P<model_name>[^/]+)/[^/]+/"),
              _named_model, extra_ids=("all",)),
    KeyedView(re.compile(r"choose-page/chosen-multiple/"), _page_model),
    KeyedView(re.compile(r"documents/chooser/chosen-multiple/"), _document_model),
    KeyedView(re.compile(r"images/chooser/chosen-multiple/"), _image_model),
    KeyedView(re.compile(r"snippets/choose/(?P<app_label>[^/]+)/(?P<model_name>[^/]+)/"
                         r"chosen-multiple/"), _named_model),
    KeyedView(re.compile(r"api/main/pages/find/"), _page_model),
    KeyedView(re.compile(r"api/main/documents/find/"), _document_model),
    KeyedView(re.compile(r"api/main/images/find/"), _image_model),
]
KEY_IN_PATH = [
    KeyedView(re.compile(r"documents/chooser/chosen/(?P<pk>[^/]+)/"), _document_model),
    KeyedView(re.compile(r"images/chooser/chosen/(?P<pk>[^/]+)/"), _image_model),
    KeyedView(re.compile(r"snippets/choose/(?P<app_label>[^/]+)/(?P<model_name>[^/]+)/"
                         r"chosen/(?P<pk>[^/]+)/"), _named_model),
    KeyedView(re.compile(r"localize/submit/snippet/(?P<app_label>[^/]+)/"
                         r"(?P<model_name>[^/]+)/(?P<pk>[^/]+)/"), _named_model),
    KeyedView(re.compile(r"snippets/(?P<app_label>[^/]+)/(?P<model_name>[^/]+)/history/"
                         r"(?P<pk>[^/]+)/revisions/compare/[^/]+/"), _named_model),
]
# Views that read a page of results from ?p= with int() and Paginator.page().
PAGE_NUMBER_IN_P = [re.compile(r"workflows/edit/\d+/")]
# POSTs whose view fails when these fields are missing or empty (item 6).
POST_NEEDS = [
    (re.compile(r"choose-external-link/"), ("external-link-chooser-url",)),
    (re.compile(r"redirects/import/process/"), ("import_file_name", "input_format")),
]
CHOOSER_CREATE = re.compile(r"snippets/choose/[^/]+/[^/]+/create/")
# Views that filter by ?tag= before a search the tag cannot be filtered in.
TAG_AND_SEARCH = [re.compile(r"images/chooser/(results/)?")]


def is_object_key(model, value):
    """True when `value` (a str from a URL, admin-quoted as Wagtail writes keys) is a key
    `model`'s primary key can hold: the right type and, for integers, within the range
    of the database's column."""
    field = model._meta.pk
    try:
        key = field.to_python(unquote(value))
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(key, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or key >= low) and (high is None or key <= high)
    return key is not None


class WagtailInputGuardMiddleware:
    """Answers 404/400 before the Wagtail views listed above see junk (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def admin_prefix(self):
        if self._admin_prefix is None:
            from django.urls import reverse

            self._admin_prefix = reverse("wagtailadmin_home")
        return self._admin_prefix

    def admin_path(self, request):
        """The path after the admin prefix, or None outside the admin."""
        prefix = self.admin_prefix()
        path = request.path_info
        return path[len(prefix):] if path.startswith(prefix) else None

    def __call__(self, request):
        path = self.admin_path(request)
        if path is not None:
            self.check(request, path)
        return self.get_response(request)

    def check(self, request, path):
        for view in KEY_IN_PATH:
            match = view.path.fullmatch(path)
            model = match and view.model(match)
            if model is not None and not is_object_key(model, match["pk"]):
                raise Http404("Not a key of this model")
        for view in IDS_IN_QUERY:
            match = view.path.fullmatch(path)
            model = match and view.model(match)
            if model is not None and not all(
                    value in view.extra_ids or is_object_key(model, value)
                    for value in request.GET.getlist("id")):
                raise BadRequest("An id that is not a key of this model")
        if any(pattern.fullmatch(path) for pattern in PAGE_NUMBER_IN_P) and (
                "p" in request.GET and page_number(request.GET["p"]) is None):
            raise Http404("Not a page number")
        if request.method == "POST":
            self.check_post(request, path)
        if any(pattern.fullmatch(path) for pattern in TAG_AND_SEARCH) and (
                request.GET.get("tag") and request.GET.get("q")):
            raise BadRequest("The image chooser cannot search within a tag")

    def check_post(self, request, path):
        for pattern, fields in POST_NEEDS:
            if pattern.fullmatch(path) and not all(
                    (request.POST.get(name) or "").strip() for name in fields):
                raise BadRequest("A form posted without the fields its view needs")
        if CHOOSER_CREATE.fullmatch(path):
            from django.urls import resolve

            view_class = getattr(resolve(request.path_info).func, "view_class", None)
            if view_class is not None and view_class(
                    **resolve(request.path_info).func.view_initkwargs
            ).get_creation_form_class() is None:
                raise BadRequest("This chooser creates nothing")

    def process_exception(self, request, exception):
        # A page number past the last page: Paginator.page() raises, Django's ListView
        # would answer 404.
        path = self.admin_path(request)
        if (path is not None and isinstance(exception, InvalidPage)
                and any(pattern.fullmatch(path) for pattern in PAGE_NUMBER_IN_P)):
            raise Http404("No such page of results") from exception
        return None
