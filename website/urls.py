from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.seo import AllLanguagesSitemap


class AdminLoginRedirect(RedirectView):
    """Send /admin/login/ to allauth, keeping ?next=.

    Wagtail's own login form would accept a password without allauth's email
    verification, rate limits and MFA.
    """

    pattern_name = "account_login"
    query_string = True


urlpatterns = [
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("altcha/", include("home.spam_urls")),
    # Outside i18n_patterns, one sitemap for both languages (its items span every locale).
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": AllLanguagesSitemap}}, name="sitemap"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every public page lives under /it/ or /en/; "/" is redirected by LocaleMiddleware to
# the language the browser prefers among the two, else Italian.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("partner/", include("programme.partner_urls")),
    path("partner/", include("accounts.urls")),
    # Before Wagtail's catch-all, which would look for a page called "cerca".
    path("cerca/", home_views.search, name="search"),
    # Routes such as notizie/rss.xml, which Wagtail's catch-all does not match.
    re_path(home_views.FILE_ROUTE_PATTERN, home_views.serve_file_route),
    # Wagtail's front-end login (for private pages) is a plain password form too.
    path("_util/login/", AdminLoginRedirect.as_view(), name="wagtailcore_login_redirect"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
