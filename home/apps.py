from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    label = "home"
    verbose_name = _("Site pages and settings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Publishing, unpublishing and saving what public pages show clears the caches
        # (home/cache.py), from every process: web workers, commands, the task worker.
        from .cache import connect_signals

        connect_signals()
        # Every spreadsheet export of the admin, Wagtail's own reports included: instants
        # in Milan's time, CSV files Excel reads as UTF-8 in the reader's language.
        from .exports import apply_to_every_wagtail_export

        apply_to_every_wagtail_export()
