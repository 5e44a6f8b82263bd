"""What a person's data request finds, exports and erases among attendance registers
(GDPR arts. 15, 17, 20); listed in settings.PRIVACY_EXTRA_SUBJECT_SOURCES, read by
privacy.subjects (KIND, LABEL, find, references, erase) without importing this app.

An attendance row holds a request, a meeting (group, date, time), present or absent,
and who marked it: nothing else about the person. Erasure anonymises the person's
requests (privacy.subjects.erase_subject, the retention rule's fields kept), so their
rows then belong to an anonymous request: they are kept as they are, for the outcome
figures (attendance rates per group and month survive the purge, issue 20), and counted
as anonymised. The retention purge needs no rule of its own for the same reason.
"""

from django.utils.translation import gettext_lazy

from .models import AttendanceRecord

KIND = "attendance"
LABEL = gettext_lazy("Attendance at group meetings")


def find(emails, phones, references):
    """The attendance rows of the person's participation requests (`references`,
    MA-2026-00042, as privacy.subjects found them from the emails and phones), oldest
    first. One query."""
    refs = {ref for ref in references if ref.startswith("MA-")}
    if not refs:
        return []
    return list(AttendanceRecord.objects.filter(request__reference__in=refs)
                .select_related("group").order_by("date", "start", "pk"))


def references(items):
    """No reference of its own: the rows are found by their requests' references."""
    return set()


def erase(items, now):
    """Erasure: the rows stay, now an anonymised request's (see the module's docstring);
    returns their number (counted as anonymised with the request)."""
    return len(items)
