"""`lang` on editors' text shown in another language than the page's.

Under /en/ a group, venue or the contact details not translated yet (or whose
translation is not published) show their Italian original. WCAG 2.2, success criterion
3.1.2 "Language of Parts", asks that such a passage say its language, so screen readers
pronounce it as Italian: `{% lang_attr group.text %}` in the element holding the text.
"""

from django import template
from django.utils.html import format_html

from languages.versions import _locales, language_code

register = template.Library()


def other_language(row, request=None):
    """The language code of `row` (a translatable model instance: its `locale_id`) when
    it is not the active content language, else "". The Locales come from the cache: no
    query per row."""
    locale_id = getattr(row, "locale_id", None)
    if locale_id is None:
        return ""
    codes = {locale.pk: locale.language_code for locale in _locales(request).values()}
    code = codes.get(locale_id, "")
    return "" if code == language_code() else code


@register.simple_tag(takes_context=True)
def lang_attr(context, row):
    """` lang="it"` (with its leading space) when `row` is in another language than the
    page's (see `other_language`), else the empty string."""
    code = other_language(row, context.get("request"))
    return format_html(' lang="{}"', code) if code else ""
