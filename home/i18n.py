"""Which URL shows the current page in each of the site's languages."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page


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

    One query for a Wagtail page (its live translations with their locales); none for
    other views, whose URL patterns Django translates itself. The answer is kept on the
    request: the switcher and the <link rel="alternate"> tags ask for the same thing.
    """
    current = get_language()
    is_page = isinstance(page, Page) and page.pk is not None
    key = (page.pk if is_page else None, current)
    cache = getattr(request, "_language_versions", None) if request is not None else None
    if cache is not None and key in cache:
        return cache[key]

    if is_page:
        translated = _page_urls(request, page)
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
