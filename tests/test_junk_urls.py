"""Junk in any address or parameter never gives a 5xx (issue 12).

Every URL pattern of the resolver (public pages under /it/ and /en/, allauth, the partner
area, Wagtail's admin, documents, sitemap, robots) and every sub-route of every live
routable page is requested with junk in each path parameter (the others filled with a
real object's value, so the deeper views run) and, with real values, with junk in the
query parameters views read (page, p, id, locale, q, ordering, the admin's filters), as
an anonymous visitor, as a partner and as a superuser. Every live page is requested with
junk in its query string and as a parent of a junk sub-path. A 5xx, or an exception the
client sees, is collected; the test lists them all at once.

The same module runs in the PostgreSQL pass (scripts/with-postgres.sh runs pytest whole),
where a NUL or an out-of-range number reaching a query raises instead of finding nothing.
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import get_converters
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone, translation
from django.utils.regex_helper import normalize
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from tests.partner_helpers import make_organisation

pytestmark = pytest.mark.django_db

JUNK = {
    "nul": "\x00",
    "superscript-two": "²",
    "minus-one": "-1",
    "huge": "99999999999",
    "letters": "abc",
    "long": "x" * 5000,
}
# What views read from a query string: pagination, lookups, and Wagtail's listing filters.
QUERY_NAMES = ["page", "p", "id", "locale", "q", "ordering", "status", "content_type",
               "owner", "collection_id", "tag", "next"]
# GET on these changes who is signed in; they are walked signed out only.
SIGNS_OUT = {"account_logout", "wagtailadmin_logout"}
# Wagtail's page that raises on purpose, for superusers to test the 500 page.
RAISES_ON_PURPOSE = {"wagtailadmin_error_test"}
# The queue's health check answers 503 by design while no worker runs (worker/health.py).
DESIGNED_STATUSES = {"health": {503}}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # a converter's name ("int", "str", ...) or "regex"


def _route_pieces(pattern):
    """Literal strings and Params of one pattern, in the active language."""
    if isinstance(pattern, RoutePattern):
        pieces = []
        route = str(pattern)
        position = 0
        for match in re.finditer(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>", route):
            pieces.append(route[position:match.start()])
            pieces.append(Param(match["name"], match["kind"] or "str"))
            position = match.end()
        pieces.append(route[position:])
        return pieces
    if isinstance(pattern, RegexPattern):
        template, _names = normalize(pattern.regex.pattern)[0]
        pieces = []
        for number, part in enumerate(re.split(r"%\((\w+)\)s", template)):
            pieces.append(Param(part, "regex") if number % 2 else part)
        return pieces
    return [str(pattern)]  # the language prefix


def _walk(resolver, prefix):
    for pattern in resolver.url_patterns:
        pieces = [*prefix, *_route_pieces(pattern.pattern)]
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, pieces)
        else:
            yield pieces, pattern.name


def url_routes():
    """(pieces, name) of every URL pattern, the i18n ones once per language."""
    routes = {}
    for language in ("it", "en"):
        with translation.override(language):
            for pieces, name in _walk(get_resolver(), ["/"]):
                key = "".join(p if isinstance(p, str) else f"<{p.name}>" for p in pieces)
                routes.setdefault(key, (tuple(p for p in pieces if p != ""), name))
    return list(routes.values())


def subpage_routes():
    """Sub-routes of every live routable page, under the page's URL."""
    routes = []
    for page in Page.objects.live().specific():
        if not isinstance(page, RoutablePageMixin):
            continue
        for pattern in page.get_subpage_urls():
            routes.append(((page.url, *_route_pieces(pattern.pattern)), pattern.name))
    return routes


# --- Real values, so the views behind a pattern run on an object that exists --------


@dataclass
class Objects:
    page: int
    contact_page: int
    revision: int
    referral: int
    invitation: int
    invitation_token: str
    by_prefix: dict  # route text prefix -> pk of an object of that listing


def real_objects():
    from django.contrib.auth.models import Group as AuthGroup
    from django.core.files.base import ContentFile
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, Locale, Site, Task, Workflow
    from wagtail_localize.models import Translation, TranslationSource

    from accounts.organisations import invite, membership_of
    from home.models import ContactDetails, ContactPage, HomePage
    from programme.models import Adhesion, Group, ParticipationRequest, Venue

    organisation, admin = make_organisation()
    membership = membership_of(admin)
    referral = ParticipationRequest.objects.create(
        first_name="Giulia", last_name="Rossi", email="giulia@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since=date(2025, 1, 1), privacy_notice_version="2026-11",
        privacy_acknowledged_at=timezone.now(), language="it",
        source=ParticipationRequest.Source.PARTNER_REFERRAL, organisation=organisation,
        referred_by=admin)
    invitation = invite(membership, "collega@example.org", "referrer")
    home = HomePage.objects.get(locale__language_code="it")
    document = Document.objects.create(title="Protocollo",
                                       file=ContentFile(b"%PDF-1.4 x", "protocollo.pdf"))
    image = Image.objects.create(title="Villa", file=get_test_image_file("villa.png"))
    redirect = Redirect.objects.create(old_path="/vecchio", redirect_link="/it/")

    def first(model):
        return model.objects.order_by("pk").values_list("pk", flat=True).first()

    return admin, Objects(
        page=home.pk,
        contact_page=ContactPage.objects.order_by("pk").first().pk,
        revision=home.latest_revision_id or 1,
        referral=referral.pk,
        invitation=invitation.pk,
        invitation_token=invitation.token,
        by_prefix={
            "/admin/participation_requests/": referral.pk,
            "/admin/adhesions/": first(Adhesion),
            "/admin/snippets/programme/venue/": first(Venue),
            "/admin/snippets/choose/programme/venue/": first(Venue),
            "/admin/snippets/programme/group/": first(Group),
            "/admin/snippets/choose/programme/group/": first(Group),
            "/admin/snippets/home/contactdetails/": first(ContactDetails),
            "/admin/snippets/choose/home/contactdetails/": first(ContactDetails),
            "/admin/workflows/tasks/": first(Task),
            "/admin/workflows/task_chooser/": first(Task),
            "/admin/workflows/": first(Workflow),
            "/admin/collections/": first(Collection),
            "/admin/groups/": first(AuthGroup),
            "/admin/locales/": first(Locale),
            "/admin/sites/": first(Site),
            "/admin/settings/": first(Site),
            "/admin/users/": admin.pk,
            "/admin/redirects/": redirect.pk,
            "/admin/documents/": document.pk,
            "/documents/": document.pk,
            "/admin/api/main/pages/": home.pk,
            "/admin/api/main/documents/": document.pk,
            "/admin/api/main/images/": image.pk,
            "/admin/images/": image.pk,
            "/admin/localize/translate/": first(Translation),
            "/admin/localize/update/": first(TranslationSource),
            "/admin/localize/api/snippets/": first(Venue),
            "/admin/localize/submit/snippet/": first(Venue),
        },
    )


# Routes whose parameters name models, actions or files rather than objects.
NAMED_VALUES = [
    (r"/admin/bulk/", {"app_label": "wagtailcore", "model_name": "page", "action": "publish"}),
    (r"/admin/pages/(add|usage)/", {"content_type_app_name": "home",
                                    "content_type_model_name": "standardpage"}),
    (r"/admin/pages/create/", {"app_label": "home", "model_name": "standardpage"}),
    (r"/admin/settings/", {"app_name": "home", "model_name": "footerlinks"}),
    (r"/admin/tag-autocomplete/", {"app_name": "wagtaildocs", "model_name": "document"}),
    (r"/admin/workflows/tasks/add/", {"app_label": "wagtailcore",
                                      "model_name": "groupapprovaltask"}),
    (r"/admin/editing-sessions/", {"app_label": "wagtailcore", "model_name": "page"}),
    (r"/admin/localize/", {"app_label": "programme", "model_name": "venue", "mode": ""}),
    (r"/admin/images/\d*<image_id>/preview/", {"filter_spec": "original"}),
    (r"/admin/pages/workflow/", {"action_name": "approve"}),
    (r"/admin/api/main/pages/", {"action_name": "copy"}),
    (r"/documents/", {"_1": "protocollo.pdf"}),
    (r"/admin/pages/<_0>/revisions/compare/", {"_1": "earliest", "_2": "latest"}),
    (r"/accounts/password/reset/key/", {"uidb36": "1", "key": "abc"}),
    (r"/admin/password_reset/confirm/", {"uidb64": "MQ", "token": "abc"}),
]
PAGE_PARAMS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk", "destination_id",
               "_0"}


def route_text(pieces):
    return "".join(p if isinstance(p, str) else f"<{p.name}>" for p in pieces)


def real_value(pieces, name, param, objects):
    text = route_text(pieces)
    if name == "wagtail_serve":
        return ""  # the home page; every live page is walked on its own
    if param.kind == "regex" and text in ("/it/<_0>", "/en/<_0>"):
        # Routes with a dot (notizie/rss.xml): the news feed of the route's language.
        return "notizie/rss.xml" if text.startswith("/it/") else "news/rss.xml"
    for prefix_pattern, values in NAMED_VALUES:
        if re.match(prefix_pattern, text) and param.name in values:
            return values[param.name]
    if text.startswith("/admin/forms/submissions/"):
        return str(objects.contact_page)
    if param.name == "revision_id":
        return str(objects.revision)
    if param.name in PAGE_PARAMS and not text.startswith("/documents/"):
        return str(objects.page)
    if "/invit" in text and param.name == "token":
        return objects.invitation_token
    if "/partner/" in text and param.name == "pk":
        return str(objects.invitation if "/invit" in text else objects.referral)
    for prefix, pk in sorted(objects.by_prefix.items(), key=lambda item: -len(item[0])):
        if text.startswith(prefix) and pk is not None:
            return str(pk)
    return "1"


def build(pieces, values, junk_param=None):
    """The path of `pieces` with `values`; the junk parameter's value fully escaped."""
    return "".join(
        piece if isinstance(piece, str)
        else quote(values[piece.name], safe="" if piece.name == junk_param else "/")
        for piece in pieces)


# Signed-out visitors and partners never reach a view of Wagtail's admin (a redirect to
# sign in, the 403 page of accounts.middleware): a few of its addresses show it.
ADMIN_SAMPLES = {"/admin/", "/admin/pages/<parent_page_id>/", "/admin/workflows/edit/<pk>/",
                 "/admin/snippets/programme/venue/"}
SIGNED_IN_AREAS = re.compile(r"/(it|en)/(accounts|partner)/")


def walked_by(who, pieces):
    """Whether `who` requests this route: the admin as a superuser, the signed-in account
    and partner pages as a partner, everything public as an anonymous visitor (public
    pages run the same views for everyone)."""
    text = route_text(pieces)
    if text.startswith("/admin/"):
        return who == "superuser" or text in ADMIN_SAMPLES
    if who == "superuser":
        return text.startswith("/documents/")
    if who == "partner":
        return SIGNED_IN_AREAS.match(text) is not None
    return True


def accepts(param, junk):
    """Whether the parameter's converter lets `junk` reach a view: one it refuses (an int
    converter and "abc") is a 404 from Django's resolver, before any view."""
    if param.kind == "regex":
        return True
    return re.fullmatch(get_converters()[param.kind].regex, junk) is not None


def junk_urls(junk, routes, objects, page_urls, who):
    """(route name, URL) of every request for one junk value and one user: junk in each
    path parameter whose converter takes it (the others real), then every query
    parameter junk on the real values; every live page with a junk query and a junk
    sub-path."""
    urls = []
    query = urlencode(dict.fromkeys(QUERY_NAMES, junk))
    for pieces, name in routes:
        if not walked_by(who, pieces):
            continue
        params = [piece for piece in pieces if isinstance(piece, Param)]
        real = {param.name: real_value(pieces, name, param, objects) for param in params}
        for param in params:
            if accepts(param, junk):
                urls.append((name, build(pieces, {**real, param.name: junk}, param.name)))
        urls.append((name, f"{build(pieces, real)}?{query}"))
    if who == "anonymous":
        for url in page_urls:
            urls.append(("page", f"{url}?{query}"))
            urls.append(("page", f"{url}{quote(junk, safe='')}/"))
    return urls


def request_each(client, urls, who):
    """GET each URL; the failures (5xx or an exception) as readable lines."""
    failures = []
    for name, url in urls:
        if name in RAISES_ON_PURPOSE or (name in SIGNS_OUT and who != "anonymous"):
            continue
        savepoint = transaction.savepoint()
        try:
            status = client.get(url).status_code
        except Exception as error:  # noqa: BLE001 - every failure is collected
            status = f"{type(error).__name__}: {str(error)[:200]}"
        finally:
            transaction.savepoint_rollback(savepoint)
        if not isinstance(status, int) or (
                status >= 500 and status not in DESIGNED_STATUSES.get(name, ())):
            failures.append(f"{who} GET {url[:160]} ({name}) -> {status}")
    return failures


@pytest.fixture
def walk_setup(demo_editor):
    partner, objects = real_objects()
    routes = url_routes() + subpage_routes()
    page_urls = [page.url for page in Page.objects.live().specific() if page.url]
    users = {"anonymous": None, "partner": partner, "superuser": demo_editor}
    return routes, objects, page_urls, users


@pytest.mark.parametrize("junk_name", list(JUNK))
@pytest.mark.parametrize("who", ["anonymous", "partner", "superuser"])
def test_junk_in_every_url_never_gives_a_5xx(walk_setup, junk_name, who):
    routes, objects, page_urls, users = walk_setup
    client = Client(raise_request_exception=True)
    if users[who] is not None:
        client.force_login(users[who])
    urls = junk_urls(JUNK[junk_name], routes, objects, page_urls, who)
    failures = request_each(client, urls, who)
    assert not failures, f"{len(failures)} of {len(urls)} requests failed:\n" + "\n".join(
        failures)


def test_an_incomplete_form_posted_to_every_admin_address_never_gives_a_5xx(walk_setup):
    """An edit form without its formsets' counts (Wagtail read `body-count` with
    request.POST[...]: a 500) or with junk in every field it names: POSTed as a superuser
    to every admin route, with real keys in the path."""
    routes, objects, _page_urls, users = walk_setup
    client = Client(raise_request_exception=True)
    client.force_login(users["superuser"])
    failures, posted = [], 0
    for pieces, name in routes:
        if (not route_text(pieces).startswith("/admin/") or name in SIGNS_OUT
                or name in RAISES_ON_PURPOSE):
            continue
        params = [piece for piece in pieces if isinstance(piece, Param)]
        url = build(pieces, {param.name: real_value(pieces, name, param, objects)
                             for param in params})
        for data in ({}, dict.fromkeys(("title", "name", "slug", "id", "p", "locale"),
                                       JUNK["superscript-two"])):
            posted += 1
            savepoint = transaction.savepoint()
            try:
                status = client.post(url, data).status_code
            except Exception as error:  # noqa: BLE001 - every failure is collected
                status = f"{type(error).__name__}: {str(error)[:200]}"
            finally:
                transaction.savepoint_rollback(savepoint)
            if not isinstance(status, int) or status >= 500:
                failures.append(f"POST {url[:160]} ({name}) {sorted(data)} -> {status}")
    assert posted > 100, "the walk no longer finds the admin's addresses"
    assert not failures, f"{len(failures)} of {posted} requests failed:\n" + "\n".join(
        failures)


# --- The guards in front of Wagtail's views (website/admin_guards.py) -----------------


@pytest.fixture
def editor(demo_editor):
    client = Client(raise_request_exception=False)
    client.force_login(demo_editor)
    return client


@pytest.mark.parametrize(("url", "status"), [
    ("/admin/workflows/edit/1/?p=abc", 404),
    ("/admin/workflows/edit/1/?p=%C2%B2", 404),
    ("/admin/workflows/edit/1/?p=-1", 404),
    ("/admin/workflows/edit/1/?p=99999", 404),
    ("/admin/workflows/edit/1/?p=1", 200),
    ("/admin/workflows/edit/1/", 200),
    ("/admin/bulk/wagtailcore/page/publish/?id=abc", 400),
    ("/admin/bulk/wagtailcore/page/publish/?id=3&id=%C2%B2", 400),
    ("/admin/choose-page/chosen-multiple/?id=abc", 400),
    ("/admin/snippets/choose/programme/venue/chosen-multiple/?id=1&id=x", 400),
    ("/admin/api/main/pages/find/?id=abc", 400),
    ("/admin/images/chooser/chosen/abc/", 404),
    ("/admin/snippets/choose/programme/venue/chosen/abc/", 404),
    ("/admin/localize/submit/snippet/programme/venue/abc/", 404),
    ("/admin/images/chooser/?q=villa&tag=mare", 400),
    ("/admin/images/chooser/?q=villa", 200),
    ("/admin/images/chooser/?tag=mare", 200),
    ("/admin/snippets/programme/venue/?locale=%00", 200),
])
def test_wagtail_views_answer_junk_with_404_or_400(editor, url, status):
    # Every 404 under /admin/ (Wagtail's own too) is first redirected to /it/admin/… by
    # LocaleMiddleware, whose catch-all then answers 404.
    response = editor.get(url, follow=True)
    assert response.status_code == status, (url, response.status_code)
    if status == 400:
        assert "Richiesta non valida" in response.content.decode()


def test_the_guards_let_real_keys_through(editor):
    from programme.models import Venue

    home = Page.objects.get(depth=2, locale__language_code="it")
    venue = Venue.objects.order_by("pk").first()
    for url in (f"/admin/bulk/wagtailcore/page/publish/?id={home.pk}",
                "/admin/bulk/wagtailcore/page/publish/?id=all&childOf=1",
                f"/admin/choose-page/chosen-multiple/?id={home.pk}",
                f"/admin/snippets/choose/programme/venue/chosen/{venue.pk}/",
                f"/admin/snippets/choose/programme/venue/chosen-multiple/?id={venue.pk}",
                f"/admin/api/main/pages/find/?id={home.pk}"):
        assert editor.get(url).status_code in {200, 302}, url


def test_an_object_key_is_what_the_models_primary_key_holds():
    from home.models import ContactDetails
    from website.admin_guards import is_object_key

    assert is_object_key(Page, "3") and is_object_key(Page, "-1")
    assert not any(is_object_key(Page, junk) for junk in ("abc", "²", "", "1.5", "x" * 5000))
    # Page's key is a 32-bit integer column on PostgreSQL; our models' keys are 64-bit.
    assert is_object_key(ContactDetails, "99999999999")
    assert not is_object_key(ContactDetails, "9" * 30)


# Each test below calls Wagtail's (or wagtail-localize's) view without the guard: when it
# stops raising, an upgrade fixed it, and its guard in website/admin_guards.py can go.


def call_unguarded(path, user, data=None):
    """Wagtail's view for `path` called directly (no middleware): a GET, or a POST of
    `data` when given."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.urls import resolve

    factory = RequestFactory()
    request = factory.get(path) if data is None else factory.post(path, data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    match = resolve(request.path_info)
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


@pytest.mark.parametrize(("path", "error"), [
    ("/admin/workflows/edit/1/?p=abc", ValueError),
    ("/admin/workflows/edit/1/?p=99999", "EmptyPage"),
])
def test_wagtail_still_fails_without_guard_workflow_pages(demo_editor, path, error):
    from django.core.paginator import EmptyPage

    with pytest.raises(EmptyPage if error == "EmptyPage" else error):
        call_unguarded(path, demo_editor)


@pytest.mark.parametrize("path", [
    "/admin/bulk/wagtailcore/page/publish/?id=abc",
    "/admin/choose-page/chosen-multiple/?id=abc",
    "/admin/images/chooser/chosen-multiple/?id=abc",
    "/admin/snippets/choose/programme/venue/chosen-multiple/?id=abc",
    "/admin/api/main/pages/find/?id=abc",
])
def test_wagtail_still_fails_without_guard_ids_that_are_not_keys(demo_editor, path):
    with pytest.raises(ValueError, match="expected a number"):
        call_unguarded(path, demo_editor)


@pytest.mark.parametrize("path", [
    "/admin/images/chooser/chosen/abc/",
    "/admin/snippets/choose/programme/venue/chosen/abc/",
])
def test_wagtail_still_fails_without_guard_chosen_key_in_path(demo_editor, path):
    with pytest.raises(ValueError, match="expected a number"):
        call_unguarded(path, demo_editor)


def test_wagtail_still_fails_without_guard_image_chooser_tag_and_search(demo_editor):
    from wagtail.search.backends.base import FilterFieldError

    with pytest.raises(FilterFieldError):
        call_unguarded("/admin/images/chooser/?q=villa&tag=mare", demo_editor)


@pytest.mark.parametrize("model", ["programme/group", "programme/venue", "home/contactdetails"])
def test_wagtail_still_fails_without_guard_snippet_revisions_compare(demo_editor, model):
    with pytest.raises(ValueError, match="expected a number"):
        call_unguarded(f"/admin/snippets/{model}/history/abc/revisions/compare/1...1/",
                       demo_editor)


def test_wagtail_localize_still_fails_without_guard_snippet_key(demo_editor):
    with pytest.raises(ValueError, match="expected a number"):
        call_unguarded("/admin/localize/submit/snippet/programme/venue/abc/", demo_editor)


@pytest.mark.parametrize(("path", "error"), [
    ("/admin/choose-external-link/", AttributeError),
    ("/admin/snippets/choose/programme/venue/create/", AttributeError),
    ("/admin/redirects/import/process/", KeyError),
])
def test_wagtail_still_fails_without_guard_forms_posted_without_their_fields(
        demo_editor, path, error):
    with pytest.raises(error):
        call_unguarded(path, demo_editor, data={})


@pytest.mark.parametrize("path", ["/admin/choose-external-link/",
                                  "/admin/snippets/choose/programme/venue/create/",
                                  "/admin/redirects/import/process/"])
def test_forms_posted_without_their_fields_get_a_400(editor, path):
    response = editor.post(path, {})
    assert response.status_code == 400
    assert "Richiesta non valida" in response.content.decode()


def test_the_external_link_chooser_still_takes_a_link(editor):
    response = editor.post("/admin/choose-external-link/",
                           {"external-link-chooser-url": "https://www.comune.milano.it/"})
    assert response.status_code == 200
