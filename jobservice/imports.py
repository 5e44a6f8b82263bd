"""An import of the job service's database, from upload to confirmation.

1. `prepare_import(user, uploaded)`: the file is read and checked (jobservice.reading,
   jobservice.checks) and the result waits as a PendingImport: nothing else is saved.
2. `confirm_import(token, user)`: the rows without errors become participation requests
   with source "job service", in ONE transaction with the ImportRun that records it; rows
   with errors are skipped and counted by kind (the screen says so before confirming).
   The duplicate checks are run again first: someone may have applied meanwhile.
   No mail goes to the people: they did not apply, the Segreteria contacts them.
   The ImportRun is the import's record; bulk inserts fire no auditlog signals, and
   jobservice may not import privacy (tests/test_architecture.py), so the audit trail
   gets no line of its own.
3. `cancel_import(token, user)` drops the PendingImport; `purge_pending` (a retention
   rule) drops those older than PENDING_HOURS.

The privacy notice of an imported request: `privacy_notice_version` is JOB_SERVICE_NOTICE
(the data came from the job service's database under the protocol, art. 14 GDPR: the
person has not read the site's notice), `privacy_acknowledged_at` the time of import; the
Segreteria gives the notice at first contact.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programme.models.participation import ParticipationRequest, StatusChange
from programme.participation import reference_for

from .checks import check_file, known_people, mark_duplicates
from .models import ImportRun, PendingImport
from .reading import check_size, read_file

JOB_SERVICE_NOTICE = "servizio-lavoro"
DUPLICATE_KINDS = ("already_in_database", "repeated_in_file")
PENDING_HOURS = 24
CREATE_BATCH = 500


def prepare_import(user, uploaded, today=None):
    """Read and check `uploaded` (a Django UploadedFile) and keep the result as a
    PendingImport of `user`, returned. Raises jobservice.reading.UnreadableFile (with the
    reason) for a file that cannot be imported; nothing is saved then."""
    check_size(uploaded)
    uploaded.seek(0)
    content = uploaded.read()
    name = (uploaded.name or "")[-255:]
    read = read_file(name, content)
    rows, ignored = check_file(read, today)
    notes = list(read.notes)
    if ignored:
        notes.append(_("Columns ignored (not needed by the programme): %(columns)s.")
                     % {"columns": ", ".join(ignored)})
    return PendingImport.objects.create(created_by=user, file_name=name, rows=rows,
                                        notes=notes)


def pending_of(token, user):
    """`user`'s PendingImport `token`, or None (another person's is never shown)."""
    return PendingImport.objects.filter(token=token, created_by=user).first()


def summary(rows):
    """(rows read, rows importable, {error kind: rows}) of PendingImport rows."""
    skipped = {}
    for row in rows:
        for kind in dict.fromkeys(kind for kind, _message in row["errors"]):
            skipped[kind] = skipped.get(kind, 0) + 1
    valid = sum(1 for row in rows if not row["errors"])
    return len(rows), valid, skipped


def _request(values, now):
    since = datetime.date.fromisoformat(values["situation_since"])
    email, phone = values.get("email", ""), values.get("phone", "")
    return ParticipationRequest(
        first_name=values["first_name"], last_name=values["last_name"], email=email,
        phone=phone,
        preferred_channel=(ParticipationRequest.Channel.EMAIL if email
                           else ParticipationRequest.Channel.PHONE),
        employment_status=values["employment_status"], situation_since=since,
        preferred_venue_id=values.get("preferred_venue"),
        tax_code_digest=values.get("digest", ""), language=values["language"],
        source=ParticipationRequest.Source.JOB_SERVICE,
        privacy_notice_version=JOB_SERVICE_NOTICE, privacy_acknowledged_at=now,
    )


class AlreadyImported(Exception):
    """The preview was confirmed before: `run` is its ImportRun (or None: cancelled or
    expired)."""

    def __init__(self, run):
        super().__init__()
        self.run = run


def confirm_import(token, user):
    """Store the rows without errors of `user`'s PendingImport `token` as participation
    requests (source JOB_SERVICE, status "new", reference assigned, a first history step
    by `user`) and record the ImportRun, returned; all or nothing. Raises AlreadyImported
    when the preview was confirmed (or cancelled) before, PermissionDenied when it is
    another person's."""
    with transaction.atomic():
        pending = PendingImport.objects.select_for_update().filter(token=token).first()
        if pending is None:
            raise AlreadyImported(ImportRun.objects.filter(token=token).first())
        if pending.created_by_id != user.pk:
            raise PermissionDenied
        rows = [dict(row, errors=[error for error in row["errors"]
                                  if error[0] not in DUPLICATE_KINDS])
                for row in pending.rows]
        rows = mark_duplicates(rows, known_people(rows))  # anyone who came meanwhile
        read, _valid, skipped = summary(rows)
        # The unique token: a second confirmation at the same instant fails here.
        run = ImportRun.objects.create(token=pending.token, imported_by=user,
                                       file_name=pending.file_name, rows_read=read,
                                       skipped=skipped)
        now = timezone.now()
        created = ParticipationRequest.objects.bulk_create(
            [_request(row["values"], now) for row in rows if not row["errors"]],
            batch_size=CREATE_BATCH)
        for request_obj in created:
            request_obj.reference = reference_for(request_obj)
        ParticipationRequest.objects.bulk_update(created, ["reference"],
                                                 batch_size=CREATE_BATCH)
        StatusChange.objects.bulk_create(
            [StatusChange(request=request_obj, to_status=ParticipationRequest.Status.NEW,
                          changed_by=user) for request_obj in created],
            batch_size=CREATE_BATCH)
        run.imported = len(created)
        if created:
            run.first_reference = created[0].reference
            run.last_reference = created[-1].reference
        run.save(update_fields=["imported", "first_reference", "last_reference"])
        pending.delete()
    return run


def cancel_import(token, user):
    """Drop `user`'s PendingImport `token` (nothing of it is kept)."""
    PendingImport.objects.filter(token=token, created_by=user).delete()


def purge_pending(now):
    """Retention rule: PendingImports older than PENDING_HOURS deleted."""
    old = PendingImport.objects.filter(
        created_at__lt=now - datetime.timedelta(hours=PENDING_HOURS))
    return {"deleted": old.delete()[1].get(PendingImport._meta.label, 0), "anonymised": 0}


purge_pending.kind = "jobservice_pending_imports"
purge_pending.label = gettext_lazy("Job service imports not confirmed")
