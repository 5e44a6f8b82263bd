from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntispamConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "antispam"
    verbose_name = _("Spam protection")
