"""Findability: what a page tells search engines and link previews about itself.

- `page_meta()`: the description, canonical URL and Open Graph properties of a page.
- `json_ld_for()`: its schema.org description as JSON-LD. Builders are registered per page
  model with `@register("app_label.ModelName")`; the home app registers its own here, and
  other apps in their own `seo` module (found by `seo_tags` with `autodiscover_modules`), so
  the home app never imports them.

The sitemap of both languages is in `seo.sitemap`.
"""

import html
import json
import logging
import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from languages.versions import language_versions
from pagecache.data import cached
from typed_text.editor_text import editor_data
from typed_text.parameters import page_number

logger = logging.getLogger(__name__)

SCHEMA = "https://schema.org"
OG_LOCALES = {"it": "it_IT", "en": "en_GB"}
DESCRIPTION_LENGTH = 300
OG_IMAGE_SPEC = "fill-1200x630|format-jpeg"

# --- URLs ----------------------------------------------------------------------------------


def absolute_url(request, url):
    """`url` (relative or absolute) as an absolute URL on the host the visitor asked for."""
    if not url:
        return ""
    if request is None:
        return url if "://" in url else settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return request.build_absolute_uri(url)


def page_url(page, request):
    return absolute_url(request, page.get_url(request))


def site_name():
    return gettext("Mutual Aid for Work")


def home_url(page, request):
    """The home page of `page`'s language, absolute (found once, then from the cache)."""

    def compute():
        site = page.get_site()
        root = site.root_page.get_translation_or_none(page.locale) if site else None
        return root.get_url(request) if root else None

    host = request.get_host() if request is not None else ""
    url = cached(request, ("home-url", page.pk, host), compute)
    return absolute_url(request, url or "/")


# --- Plain-text description -----------------------------------------------------------------


# Where one block of rich text ends and the next begins: a space, or the words would glue.
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|ul|ol|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def plain_text(rich_text):
    """Rich text (a RichTextField's HTML, or a RichText value) as the words a person reads:
    tags dropped, paragraphs apart, entities (``&amp;``) decoded, white space collapsed.
    Output is plain text, to be escaped by the template like any other."""
    source = getattr(rich_text, "source", rich_text) or ""
    return " ".join(html.unescape(strip_tags(_BLOCK_END.sub(" ", str(source)))).split())


def _first_paragraph(page):
    """The first rich-text block of the page's body, when the body is already loaded
    (a deferred body would cost a query per page on listings)."""
    if "body" in page.get_deferred_fields():
        return ""
    for block in getattr(page, "body", None) or []:
        if hasattr(block.value, "source"):
            text = plain_text(block.value)
            if text:
                return text
    return ""


def description(page):
    """What a page is about, in one plain-text paragraph of at most DESCRIPTION_LENGTH
    characters: its search_description, else its summary or introduction (rich text made
    plain), else the first paragraph of its body. "" when it has none of them. Read from
    the page when `with_descriptions` put it there."""
    if "description_text" in page.__dict__:
        return page.description_text
    if page.search_description:
        return page.search_description.strip()
    for field in ("summary", "introduction", "intro"):
        value = getattr(page, field, "")
        if value:
            return Truncator(plain_text(value)).chars(DESCRIPTION_LENGTH)
    return Truncator(_first_paragraph(page)).chars(DESCRIPTION_LENGTH)


def with_descriptions(pages):
    """`pages` (a list), each given `.description_text`: its description, made once.
    For lists of pages kept in the data cache (the home page's cards): rich text made
    plain and cut on every render was a tenth of the home page's cost (issue 16)."""
    for page in pages:
        page.description_text = description(page)
    return pages


# --- Open Graph and basic meta ----------------------------------------------------------


def og_image(page, request):
    """The page's own image (a news photo), cut for link previews; None without one."""
    image = getattr(page, "image", None)
    if image is None:
        return None
    try:
        rendition = image.get_rendition(OG_IMAGE_SPEC)
    except Exception:  # a missing or unreadable file must not break the page
        logger.exception("No Open Graph rendition for image %s", image.pk)
        return None
    return {
        "url": absolute_url(request, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": getattr(page, "image_alt_text", "") or "",
    }


def page_meta(page, request):
    language = page.locale.language_code
    # The language switcher's answer (kept on the request and in the cache).
    other_languages = [
        version.code for version in language_versions(request, page)
        if version.is_translation and version.code != language
    ]
    canonical = page_url(page, request)
    listing_page = page_number(request.GET.get("page")) if request is not None else None
    if listing_page and listing_page > 1:
        canonical += f"?page={listing_page}"
    is_article = page._meta.label_lower == "programme.newspage"
    meta = {
        "title": page.seo_title or page.title,
        "description": description(page),
        "canonical": canonical,
        "type": "article" if is_article else "website",
        "locale": OG_LOCALES.get(language, language),
        "locale_alternates": sorted(OG_LOCALES.get(code, code) for code in other_languages),
        "site_name": site_name(),
        "image": og_image(page, request),
        "published": None,
    }
    if is_article:
        meta["published"] = page.date.isoformat()
    return meta


# --- JSON-LD --------------------------------------------------------------------------------

_builders = {}


def register(model_label):
    """Register `builder(page, context) -> dict | list[dict]` for pages of `model_label`."""

    def decorator(builder):
        _builders[model_label.lower()] = builder
        return builder

    return decorator


def web_page(page, context):
    """What any page is, when nothing more specific is known."""
    request = context.get("request")
    node = {
        "@type": "WebPage",
        "name": page.seo_title or page.title,
        "url": page_url(page, request),
        "inLanguage": page.locale.language_code,
    }
    text = description(page)
    if text:
        node["description"] = text
    return node


def organisation(name, url=None):
    node = {"@type": "Organization", "name": name}
    if url:
        node["url"] = url
    return node


def publisher(page, request):
    return organisation(site_name(), home_url(page, request))


def json_ld_for(page, context):
    """The schema.org nodes describing `page` (a list of dicts, never empty)."""
    builder = _builders.get(page._meta.label_lower, web_page)
    try:
        nodes = builder(page, context)
    except Exception:  # structured data is a bonus: never let it take the page down
        logger.exception("JSON-LD builder failed for page %s", page.pk)
        nodes = web_page(page, context)
    return nodes if isinstance(nodes, list) else [nodes]


def json_ld_document(nodes):
    if len(nodes) == 1:
        return {"@context": SCHEMA, **nodes[0]}
    return {"@context": SCHEMA, "@graph": nodes}


# Like Django's json_script: the JSON can never close the <script> element early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    """A `<script type="application/ld+json">` data block (not executed, so not subject to
    the Content-Security-Policy's script rules and needing no nonce)."""
    # editor_data: a pasted control character (older rows) is no JSON error, but reads as
    # one to the search engines and validators that parse the block as text.
    text = json.dumps(editor_data(data), cls=DjangoJSONEncoder, ensure_ascii=False,
                      separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # escaped just above
    )


@register("home.HomePage")
def home_page(page, context):
    request = context.get("request")
    url = page_url(page, request)
    website = {
        "@type": "WebSite",
        "name": site_name(),
        "url": url,
        "inLanguage": page.locale.language_code,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(request, reverse("search")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    text = description(page)
    if text:
        website["description"] = text
    return [website, web_page(page, context)]
