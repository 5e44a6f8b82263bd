"""The sitemap of both languages: an index at /sitemap.xml and pages of at most
SITEMAP_PAGE_SIZE URLs (/sitemap-pages.xml, ?p=2...), as the sitemaps protocol asks
(https://www.sitemaps.org/protocol.html: at most 50,000 URLs a file, an index above them).

Each URL carries its hreflang alternates — every language the page is published in, and
x-default, the Italian version (the site's default language, Google's "Tell Google about
localized versions of your page"). A sitemap page costs the same queries however many
pages the site has: the pages of the sitemap page in one query (their Locale joined),
the translations of all of them in one more (by translation_key), and what is site-wide
(the site's language roots) from the data cache.
"""

from urllib.parse import quote

from django.conf import settings
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page, Site

from pagecache.data import cached

# The protocol's ceiling; SITEMAP_PAGE_SIZE is kept within it.
PROTOCOL_LIMIT = 50_000
DEFAULT_PAGE_SIZE = 2_000
X_DEFAULT = "x-default"
KEYS_PER_QUERY = 5_000

# What a URL needs: its address (url_path under its language's home), lastmod and the key
# its translations share, read as plain values: making 2,000 Page objects and reversing
# each one's URL was most of a sitemap page's time.
_FIELDS = ("translation_key", "url_path", "locale__language_code", "last_published_at",
           "latest_revision_created_at")
# What Django's reverse() leaves unquoted in a path (RFC 3986's sub-delimiters and more).
_SAFE_IN_PATH = "/~:@!$&'()*+,;="


def sitemap_page_size():
    """URLs per sitemap page: settings.SITEMAP_PAGE_SIZE (default 2,000), within 1 and the
    protocol's 50,000."""
    size = getattr(settings, "SITEMAP_PAGE_SIZE", DEFAULT_PAGE_SIZE)
    return max(1, min(int(size), PROTOCOL_LIMIT))


def site_language_roots(request):
    """The home page of each language of the site the request asked for, from the data
    cache: [(tree path, url_path, relative URL)], as Wagtail builds the URL of the home
    page itself. Wagtail's site is the Italian home page only; its English translation is
    a sibling, not a descendant."""

    def compute():
        site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
        found = []
        for root in site.root_page.get_translations(inclusive=True).select_related("locale"):
            parts = root.get_url_parts(request)
            if parts and parts[2]:
                found.append((root.path, root.url_path, parts[2]))
        return sorted(found)

    host = request.get_host() if request is not None else ""
    return cached(request, ("sitemap-language-roots", host), compute)


def page_location(url_path, roots):
    """The relative URL of a page from its url_path, under the home page of its language
    among `roots` (site_language_roots); None when it is in none of them."""
    for _path, root_url_path, root_location in roots:
        if url_path.startswith(root_url_path):
            return root_location + quote(url_path[len(root_url_path):], safe=_SAFE_IN_PATH)
    return None


def local_date(moment):
    """A sitemap's <lastmod>: the day in the site's time zone, "YYYY-MM-DD" ("" for None),
    as Django's sitemap template (`|date:"Y-m-d"`) writes it."""
    return timezone.localtime(moment).date().isoformat() if moment else ""


def url_element(url):
    """The <url> element of one entry of `_urls` (location, lastmod, alternates), escaped:
    written here rather than by a template loop, which took most of a 2,000-URL page's
    time."""
    parts = [f"<url><loc>{escape(url['location'])}</loc>"]
    if url["lastmod"]:
        parts.append(f"<lastmod>{local_date(url['lastmod'])}</lastmod>")
    parts.extend(
        f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
        f'href="{escape(alternate["location"])}"/>'
        for alternate in url["alternates"]
    )
    parts.append("</url>")
    return mark_safe("".join(parts))  # every value escaped above


def x_default_language():
    """The language x-default points at: the site's default, Italian."""
    return settings.LANGUAGE_CODE


def hreflang_alternates(versions):
    """The xhtml:link alternates of a page published in `versions` ({language code:
    absolute URL}): one per language, sorted, then x-default (the Italian version's URL).
    [] for a page in a single language (nothing to point at) or without an Italian
    version (no default to name)."""
    if len(versions) < 2:
        return []
    alternates = [{"lang_code": code, "location": versions[code]} for code in sorted(versions)]
    default = versions.get(x_default_language())
    if default:
        alternates.append({"lang_code": X_DEFAULT, "location": default})
    return alternates


class AllLanguagesSitemap(WagtailSitemap):
    """Every live, public page of the site's tree in every language, with hreflang links.

    Wagtail's own sitemap walks only the site's root page, which is the Italian home page:
    the English tree (a sibling of it) would be left out. URLs are made absolute with the
    host the sitemap was asked on, as are robots.txt's and the pages' canonical links.
    Aliases are left out (their content is another page's), and so are drafts: an English
    translation stays unpublished until approved (home/translations.py).
    """

    def __init__(self, request=None):
        super().__init__(request)
        self._pages = None

    @property
    def limit(self):
        return sitemap_page_size()

    def items(self):
        """The listed pages as dicts of _FIELDS, in tree order (a values() queryset)."""
        # Built once per request: public() reads the view restrictions when it is called,
        # and Django's views ask for the items several times (count, page, lastmod).
        if self._pages is None:
            in_site = Q()
            for root_path, _url_path, _location in site_language_roots(self.request):
                in_site |= Q(path__startswith=root_path)
            self._pages = (
                Page.objects.live()
                .public()
                .filter(in_site or Q(pk__in=[]), depth__gt=1, alias_of__isnull=True)
                .order_by("path")
                .values(*_FIELDS)
            )
        return self._pages

    def lastmod(self, item):
        return item["last_published_at"] or item["latest_revision_created_at"]

    def get_latest_lastmod(self):
        """The newest publication of any listed page (one query), for the index: Django's
        default reads every page to find it."""
        return self.items().aggregate(
            latest=Max(Coalesce("last_published_at", "latest_revision_created_at"))
        )["latest"]

    def _urls(self, page, protocol, domain):
        """The <url> entries of sitemap page `page` (Django's shape: location, lastmod,
        alternates...), absolute on `protocol`://`domain`, the host that was asked."""
        roots = site_language_roots(self.request)
        rows = list(self.paginator.page(page).object_list)  # EmptyPage, PageNotAnInteger
        keys = sorted({row["translation_key"] for row in rows})
        # A translation may sit on another sitemap page (the trees are listed one after
        # the other): all versions of this page's items, in one query per KEYS_PER_QUERY
        # keys (one at the default page size; SQLite allows 32,766 parameters a query).
        versions = {}
        for start in range(0, len(keys), KEYS_PER_QUERY):
            chunk = keys[start:start + KEYS_PER_QUERY]
            for version in self.items().filter(translation_key__in=chunk).order_by():
                location = page_location(version["url_path"], roots)
                if location is not None:
                    versions.setdefault(version["translation_key"], {})[
                        version["locale__language_code"]] = f"{protocol}://{domain}{location}"
        urls = []
        for row in rows:
            location = page_location(row["url_path"], roots)
            if location is None:
                continue
            url = {
                "item": row,
                "location": f"{protocol}://{domain}{location}",
                "lastmod": self.lastmod(row),
                "changefreq": None,
                "priority": "",
                "alternates": hreflang_alternates(versions.get(row["translation_key"], {})),
            }
            url["xml"] = url_element(url)
            urls.append(url)
        lastmods = [url["lastmod"] for url in urls]
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)  # the response's Last-Modified
        return urls
