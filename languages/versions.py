"""Which URL shows the current page in each of the site's languages, and the pages and
Locales of the active language, read with as few queries as possible.

Answers that every page needs are cached under the data version (pagecache/), which
publishing and saving clear: Locales by language code (Wagtail's `Locale.get_active()`
asks the database on every call), the language versions of a page, pages in the active
language, the contact details.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from languages.routes import same_route_in
from pagecache.data import cached
from pagecache.tags import page_tag

# --- Locales -------------------------------------------------------------------------------


def _locales(request=None):
    # Locales change only with a bump() (pagecache DATA_MODELS): no tag of their own.
    return cached(request, "locales",
                  lambda: {locale.language_code: locale for locale in Locale.objects.all()},
                  tags=())


def language_code():
    """The active content language, as Locale.get_active() resolves it."""
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def active_locale(request=None):
    """Locale.get_active(), from the cache."""
    locales = _locales(request)
    return locales.get(language_code()) or default_locale(request)


def default_locale(request=None):
    """Locale.get_default(), from the cache."""
    locales = _locales(request)
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    return locales.get(code) or Locale.get_default()


# --- Pages in the active language ----------------------------------------------------------


def localized_q(ids, code):
    """The pages `ids` and their translations into `code`."""
    return Q(pk__in=ids) | Q(
        locale__language_code=code,
        translation_key__in=Page.objects.filter(pk__in=ids).values("translation_key"),
    )


def resolve_localized(ids, rows, code):
    """{pk: translation into `code` if live, else the page} from rows of localized_q.

    The rows must have their locale selected. Same answer as `page.localized`.
    """
    by_pk = {row.pk: row for row in rows}
    translations = {row.translation_key: row for row in rows if row.locale.language_code == code}
    localized = {}
    for pk in ids:
        page = by_pk.get(pk)
        if page is None:
            continue
        translation = translations.get(page.translation_key)
        localized[pk] = translation if translation is not None and translation.live else page
    return localized


def localized_pages(request, page_ids):
    """{pk: the page in the active language} for page ids, like `page.localized`.

    `.localized` costs one or two queries per page (the active Locale, the translation);
    this costs one for all of them, kept on the request and in the cache.
    """
    code = language_code()
    known = request_memo(request).setdefault(("localized_pages", code), {})
    wanted = sorted(pk for pk in set(page_ids) if pk and pk not in known)
    if wanted:
        def compute():
            rows = list(Page.objects.filter(localized_q(wanted, code)).select_related("locale"))
            return resolve_localized(wanted, rows, code)

        # A translation published or a page retitled renews the page tag of the page and
        # of every translation of it.
        known.update(cached(request, ("localized-pages", code, tuple(wanted)), compute,
                            tags=[page_tag(pk) for pk in wanted]))
    return {pk: known[pk] for pk in page_ids if pk in known}


def request_memo(request):
    """A dict that lives as long as the request (a throwaway one without a request)."""
    if request is None:
        return {}
    memo = getattr(request, "_i18n_memo", None)
    if memo is None:
        memo = request._i18n_memo = {}
    return memo


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str
    url: str
    is_current: bool
    is_translation: bool  # False when the link falls back to that language's home page


def language_home_url(code):
    # i18n_patterns serve each language's home page at its prefix.
    return f"/{code}/"


def _page_urls(request, page):
    """Language code -> URL of each live translation of `page` (itself included)."""
    urls = {}
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        url = translation.get_url(request)
        if url:  # None when the translation is not routable from any site
            urls[translation.locale.language_code] = url
    return urls


def _view_urls(request, current):
    """Language code -> the same non-Wagtail view (allauth, ...) in that language.

    Only for views Django can reverse in another language. A path that reached Wagtail's
    catch-all without a page (a 404) has no translation: translating it would only lead
    to another 404, so the switcher falls back to the home page.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name == "wagtail_serve":
        return {}
    path = request.get_full_path()
    urls = {}
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url != path or code == current:
            urls[code] = url
    return urls


def language_versions(request, page=None):
    """For each language: the translation of `page` (or of the current view), else its home.

    One query for a Wagtail page (its live translations with their locales), kept in the
    cache; none for other views, whose URL patterns Django translates itself. The answer
    is kept on the request: the switcher and the <link rel="alternate"> tags ask for the
    same thing.
    """
    current = get_language()
    is_page = isinstance(page, Page) and page.pk is not None
    key = (page.pk if is_page else None, current)
    cache = getattr(request, "_language_versions", None) if request is not None else None
    if cache is not None and key in cache:
        return cache[key]

    if is_page:
        host = request.get_host() if request is not None else ""
        translated = cached(request, ("page-urls", page.pk, current, host),
                            lambda: _page_urls(request, page), tags=[page_tag(page.pk)])
        # On a sub-route ("conferma/"), the same sub-route of each translation.
        translated = {code: url + same_route_in(request, page, code)
                      for code, url in translated.items()}
    elif request is not None:
        translated = _view_urls(request, current)
    else:
        translated = {}

    versions = [
        LanguageVersion(
            code=code,
            name=name,
            url=translated.get(code) or language_home_url(code),
            is_current=code == current,
            is_translation=code in translated,
        )
        for code, name in settings.LANGUAGES
    ]
    if request is not None:
        if cache is None:
            cache = request._language_versions = {}
        cache[key] = versions
    return versions
