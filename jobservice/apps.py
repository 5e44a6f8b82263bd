from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobserviceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobservice"
    verbose_name = _("Candidates from the job service")
