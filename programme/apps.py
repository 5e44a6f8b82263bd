from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    label = "programme"
    verbose_name = _("Mutual-aid programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import protocol_versions
        from .group_notice_signals import connect
        from .models.pages import ProtocolPage

        connect()
        protocol_versions.connect(ProtocolPage)
