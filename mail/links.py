"""Addresses of the site as a mail carries them: always on the configured base URL
(settings.WAGTAILADMIN_BASE_URL: the public host in production, `make run`'s port in
development), never on the host of the request that happened to cause the mail nor on
the hostname and port of Wagtail's Site record (a mail is read far from both)."""

from django.conf import settings


def site_url(path):
    """`path` ("/it/gruppi/", "/admin/pages/3/edit/") on the base URL:
    "https://lavoro.comune.milano.it/it/gruppi/". An address that is already absolute
    keeps only its path, query and fragment."""
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def page_site_url(page):
    """A Wagtail page's public address on the base URL, or "" when it has none (not
    routable, outside every site)."""
    parts = page.get_url_parts()
    if parts is None:
        return ""
    _site_id, _root_url, page_path = parts
    return site_url(page_path)
