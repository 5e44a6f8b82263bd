from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = _("Spreadsheet exports")

    def ready(self):
        # Every spreadsheet export of the admin, Wagtail's own reports included: instants
        # in Milan's time, CSV files Excel reads as UTF-8 in the reader's language.
        from exports import checks  # noqa: F401  (registers the settings' checks)
        from exports.spreadsheets import apply_to_every_wagtail_export

        apply_to_every_wagtail_export()
