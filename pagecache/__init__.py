"""What the site keeps in memory between requests, and how publishing clears it.

Two *versions* live in the default cache, which every worker shares: tokens that
editors' changes replace. Everything else is kept in each worker's own memory, under the
version it was computed for: a worker asks the shared cache for the versions once per
request (a few bytes), and an entry stored under an old version is never read again.
Nothing has to be found and deleted, and a publication is seen by every worker at once.

- The data version covers what many pages need from the page tree, the settings and
  the contact details (`cached(request, name, compute)`: routes, menus, breadcrumbs,
  footer links, language versions, pages in the active language, Locales...).
- The page version covers whole responses of public pages served to anonymous visitors
  (`PageCacheMiddleware`), per URL (so per language: /it/ and /en/), compressed once.

`bump()` replaces both: on Wagtail's publish, unpublish, move and slug-change signals,
and when a page, a site, a locale, a view restriction, a setting or the contact details
are saved or deleted. `bump_pages()` replaces the page version only: when anything else
public pages show (`WATCHED_MODELS`, every snippet, images, documents) is saved or
deleted. The signal handlers are connected from PagecacheConfig.ready, so management commands
and the task worker invalidate too. A bump happens at once and again when the
transaction commits (a request that read the old rows in between cannot keep them).

Why in each worker's memory rather than all in the shared cache: on the small server
this site runs on, the shared cache is a folder of files (Django's file cache), where
every write lists the folder and a read means opening, decompressing and unpickling a
file; a page kept in memory is served in a fraction of that. Each worker renders each
page once per version: a few renders after a publication.

Settings: `PAGE_CACHE_SECONDS` (0 turns the page cache off; it is off while DEBUG is
on), `SITE_CACHE_SECONDS` (lifetime of the data entries), `PAGE_CACHE_LOCAL_ENTRIES` and
`SITE_CACHE_LOCAL_ENTRIES` (how many of each a worker keeps).

Where each part lives: `versions.py` (the two versions), `data.py` (`cached()`),
`invalidation.py` (what clears what: every rule in one place), `middleware.py` (whole
pages), `routing.py` (which page answers a path, remembered, and the routes of
routable pages that end in a file name).
"""
