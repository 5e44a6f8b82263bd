from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagecacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        # Every process (site, worker, management commands) clears the caches on change.
        from pagecache.invalidation import connect_signals

        connect_signals()
