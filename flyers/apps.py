from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlyersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "flyers"
    verbose_name = _("Print material")
