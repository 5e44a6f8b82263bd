"""A person's data request covers their attendance (issue 20): found by their requests,
exported, and kept after erasure only as an anonymised request's (outcome figures)."""

import datetime

import pytest

from facilitation import registers
from facilitation.models import AttendanceRecord
from privacy.subjects import erase_subject, export_json, find_subject
from tests.admin_helpers import make_segreteria
from tests.facilitation_helpers import daily_group, make_facilitator, not_holiday, seat, today

pytestmark = pytest.mark.django_db


def test_export_and_erasure_cover_attendance(django_user_model):
    group = daily_group(0)
    facilitator = make_facilitator("anna@comune.example.org", [group])
    person, other = seat(group), seat(group)
    day = not_holiday(today() - datetime.timedelta(days=1), step=-1)
    registers.record_attendance(group, registers.find_meeting(group, day, datetime.time(0)),
                                {person.pk: True, other.pk: False}, by=facilitator)
    subject = find_subject(email=person.email)
    assert [r.request_id for r in subject.attendance] == [person.pk]
    section = export_json(subject)["kinds"]["attendance"]
    assert section["count"] == 1
    assert {f["field"] for f in section["rows"][0]} >= {"date", "present", "group"}
    record = erase_subject(subject, by=make_segreteria(django_user_model), reason="art. 17")
    assert record.counts["attendance"] == 1
    kept = AttendanceRecord.objects.get(request=person)
    kept.request.refresh_from_db()
    assert kept.request.anonymised_at is not None and kept.request.email != person.email
    assert AttendanceRecord.objects.filter(request=other).exists()
