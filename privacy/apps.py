from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from privacy.tasks import queue_after_migrate

        # After every migrate: `make run` and production deploys get the daily purge.
        post_migrate.connect(queue_after_migrate, sender=self,
                             dispatch_uid="privacy.queue_daily_purge")

        # The audit trail (privacy/audit.py): auditlog follows the models with personal
        # data, and every spreadsheet export is recorded.
        from exports.spreadsheets import spreadsheet_exported
        from privacy import audit

        audit.register_change_tracking()
        spreadsheet_exported.connect(audit.record_export,
                                     dispatch_uid="privacy.audit.record_export")
