from importlib import import_module

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.utils import translation
from django.utils.translation import pgettext_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.documents import urls as wagtaildocs_urls

from home import document_links
from home import views as home_views
from pagecache import routing
from seo.sitemap import AllLanguagesSitemap


class AdminLoginRedirect(RedirectView):
    """Send /admin/login/ to allauth, keeping ?next=.

    Wagtail's own login form would accept a password without allauth's email
    verification, rate limits and MFA.
    """

    pattern_name = "account_login"
    query_string = True


def former_italian_addresses(module):
    """Until paths were translated, the English site used the Italian ones
    (/en/partner/segnalazioni/): links in mails already sent answer 301 to the English
    address. Placed after the real patterns, they never shadow an Italian address."""
    urlconf = import_module(module)
    redirects = []
    for pattern in urlconf.urlpatterns:
        with translation.override("it"):
            italian = str(pattern.pattern)
        with translation.override("en"):
            english = str(pattern.pattern)
        if italian != english:
            redirects.append(path(italian, RedirectView.as_view(
                pattern_name=f"{urlconf.app_name}:{pattern.name}", permanent=True,
                query_string=True)))
    return redirects


SITEMAPS = {"pages": AllLanguagesSitemap}

urlpatterns = [
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    # Before Wagtail's: a link with a replaced file's former name still finds the document.
    re_path(r"^documents/(\d+)/(.*)$", document_links.serve_or_redirect),
    path("documents/", include(wagtaildocs_urls)),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("altcha/", include("antispam.urls")),
    # Monitoring: the queue's health as JSON, 200 or 503 (worker/health.py); no language.
    path("health/", include("worker.urls")),
    # Open data: the HSDS 3.0 API, read-only and public; no language prefix (?lang=).
    path("api/hsds/", include("opendata.api_urls")),
    # Any other address under /api/ is a 404 in JSON, not a redirect to /it/api/….
    re_path(r"^api(?:/.*)?$", home_views.json_not_found),
    # Outside i18n_patterns, one sitemap for both languages (its items span every locale):
    # an index of pages of at most SITEMAP_PAGE_SIZE URLs each (seo/sitemap.py).
    path("sitemap.xml", sitemap_views.index,
         {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap,
         {"sitemaps": SITEMAPS, "template_name": "seo/sitemap.xml"}, name="sitemap_section"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every public page lives under /it/ or /en/; "/" is redirected by LocaleMiddleware to
# the language the browser prefers among the two, else Italian.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("partner/", include("programme.partner_urls")),
    # The facilitators' area (facilitation/views.py): /it/facilitatori/, /en/facilitators/.
    path(pgettext_lazy("URL", "facilitators/"), include("facilitation.urls")),
    # Print material (flyers/views.py): /it/volantini/…, /en/flyers/….
    path(pgettext_lazy("URL", "flyers/"), include("flyers.urls")),
    path("partner/", include("accounts.urls")),
    path("partner/", include(former_italian_addresses("programme.partner_urls")
                             + former_italian_addresses("accounts.urls"))),
    # Before Wagtail's catch-all, which would look for a page called "cerca".
    path(pgettext_lazy("URL", "search/"), home_views.search, name="search"),
    path("cerca/", RedirectView.as_view(pattern_name="search", permanent=True,
                                        query_string=True)),
    # The page rating's endpoint and thank-you page (rating/views.py).
    path("", include("rating.urls")),
    # A person's request about their own data (GDPR arts. 15-22), in both languages.
    path("", include("privacy.urls")),
    # Routes such as notizie/rss.xml, which Wagtail's catch-all does not match.
    re_path(routing.FILE_ROUTE_PATTERN, routing.serve_file_route),
    # Wagtail's front-end login (for private pages) is a plain password form too.
    path("_util/login/", AdminLoginRedirect.as_view(), name="wagtailcore_login_redirect"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# The site's error pages, in the visitor's language; they never read the request's body
# (Django's own views do, and a body it refused to read turned their 400 into a 500).
handler400 = "home.views.bad_request"
handler403 = "home.views.permission_denied"
handler404 = "home.views.page_not_found"
handler500 = "website.outage.server_error"  # the 503 page for a database outage
