from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The audit trail (privacy/audit.py, django-auditlog) follows a booking's status, time,
# place and who changed them; a booking's str() is its reference. The person's data is
# left out: the retention purge anonymises bookings, not the log's copies of them.
AUDIT_EXCLUDED_FIELDS = ["first_name", "last_name", "email", "phone", "details",
                         "cancellation_reason", "access_key", "reason"]


class BookingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "booking"
    verbose_name = _("Appointment booking")

    def ready(self):
        from django.apps import apps

        if not apps.is_installed("auditlog"):
            return
        from auditlog.registry import auditlog

        booking = self.get_model("Booking")
        if not auditlog.contains(booking):
            auditlog.register(booking, exclude_fields=AUDIT_EXCLUDED_FIELDS)
