"""Which URL shows the current page in each of the site's languages."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


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


def language_versions(request, page=None):
    """For each language: the translation of `page` (or of the current view), else its home.

    One query for a Wagtail page (its live translations with their locales); none for
    other views, whose URL patterns Django translates itself.
    """
    current = get_language()
    translated = {}
    if page is not None and getattr(page, "pk", None):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translated[translation.locale.language_code] = translation.get_url(request)
    elif request is not None:
        path = request.get_full_path()
        for code, _name in settings.LANGUAGES:
            url = translate_url(path, code)
            if url != path or code == current:
                translated[code] = url

    return [
        LanguageVersion(
            code=code,
            name=name,
            url=translated.get(code) or language_home_url(code),
            is_current=code == current,
            is_translation=code in translated,
        )
        for code, name in settings.LANGUAGES
    ]
