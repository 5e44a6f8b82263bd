"""How long personal data is kept, and the purge that deletes or anonymises what is older
(GDPR art. 5(1)(e), storage limitation).

One function per rule, each `rule(now) -> {"deleted": n, "anonymised": n}` (`now`: an
aware datetime, the moment the periods are counted back from), the period in days from
the rule's setting (website/settings/base.py, `RETENTION_*`). Rows are handled in batches
of BATCH_SIZE ids, each batch in its own transaction and in a fixed number of statements,
so the number of queries grows with the number of batches only. A row a rule has dealt
with no longer matches it: running a rule again changes nothing (idempotent).

`purge(now=None)` runs every rule, records the counts in a `PurgeRun` and logs one line
per kind with counts only. The daily run is privacy.tasks.daily_purge.

Participation requests are anonymised, not deleted (`anonymise_requests`, which erasure
uses too): what the programme's statistics need stays (KEPT_FIELDS), every field that
could tell who the person was is blanked or replaced (ANONYMISED_FIELDS).

What a rule blanks, deletes or anonymises also leaves django-auditlog's change log (when
installed): the entries about those rows keep who changed what and when, not the values.
"""

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import BigIntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, TruncYear
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.forms.models import FormSubmission

from accounts.models import Invitation
from exports.background import purge_expired_exports
from home.models import ContactPage
from mail.sending import send_email
from privacy.models import AccessEvent, DataSubjectRequest, PurgeRun
from programme.models.adhesions import Adhesion
from programme.models.participation import ParticipationRequest, StatusChange

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

Status = ParticipationRequest.Status
# A request in one of these states needs nothing more from staff; its retention period
# runs from its last status change. Unreachable counts as closed here (unlike for the
# duplicates check): a person not reached for the whole period is not coming back.
CLOSED_STATUSES = [Status.COMPLETED, Status.NOT_ELIGIBLE, Status.WITHDRAWN,
                   Status.UNREACHABLE, Status.MERGED]

# What stands in for a required personal field of an anonymised row.
PLACEHOLDER = "—"
# A request must keep an email or a phone (its database constraint): an anonymised one
# keeps this address, on a domain that can never receive mail (RFC 2606).
ANONYMOUS_EMAIL = "anonymised@example.invalid"

# Every field of ParticipationRequest is in exactly one of these two (a test checks it):
# a field added later without a rule here fails that test.
KEPT_FIELDS = frozenset({
    "id",
    "reference",  # a number, not a person: the audit trail and statistics name it
    "preferred_channel", "employment_status", "preferred_venue", "prefers_mornings",
    "prefers_afternoons", "heard_from", "privacy_notice_version",
    "privacy_acknowledged_at", "language", "source", "organisation", "referred_by",
    "status", "group", "waiting_since", "merged_into", "created_at", "updated_at",
    "anonymised_at",
})
ANONYMISED_FIELDS = frozenset({
    "first_name", "last_name",  # PLACEHOLDER
    "email",  # ANONYMOUS_EMAIL
    "phone", "note",  # blanked
    # Kept as its year only: the month a person lost their job, with the venue and the
    # dates, could single them out in a small group; the year still gives the duration.
    "situation_since",
    "privacy_read_by",  # the clerk who read the notice: tied to this person's call
    "entry_token",  # the office form's token, no use after entry
    "not_duplicates",  # staff's "not the same person" checks, about people
})
# StatusChange likewise: the history row stays for statistics, its free text goes.
STATUS_CHANGE_KEPT_FIELDS = frozenset({
    "id", "request", "from_status", "to_status", "group", "is_correction", "changed_by",
    "changed_at",
})
STATUS_CHANGE_ANONYMISED_FIELDS = frozenset({"note"})


def _batches(queryset, handle):
    """Call `handle(ids)` on the primary keys of `queryset` BATCH_SIZE at a time, in
    ascending order, each batch in one transaction; returns the sum of what it returned.
    Each batch starts after the last id of the previous one, so a row `handle` leaves
    matching is never visited twice and the loop always ends."""
    total = 0
    last = None
    queryset = queryset.order_by("pk")
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        ids = list(page.values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            return total
        with transaction.atomic():
            total += handle(ids)
        last = ids[-1]


def _delete(model):
    def handle(ids):
        return model.objects.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)
    return handle


def _scrub_change_log(model, ids, label=None):
    """django-auditlog's entries about rows `ids` of `model` (when it is installed) lose
    the values they copied — old and new values, the row's text — and keep who did what
    and when: the audit trail must not keep what the purge removed. `label`: an
    expression for the entry's new object_repr (default PLACEHOLDER). One statement."""
    if not apps.is_installed("auditlog"):
        return
    from django.contrib.contenttypes.models import ContentType

    log_entry = apps.get_model("auditlog", "LogEntry")
    log_entry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk__in=[str(pk) for pk in ids],
    ).update(changes=None, changes_text="", serialized_data=None,
             object_repr=label if label is not None else Value(PLACEHOLDER))


def _result(deleted=0, anonymised=0):
    return {"deleted": deleted, "anonymised": anonymised}


def _days_before(now, setting):
    return now - datetime.timedelta(days=getattr(settings, setting))


# --- Participation requests and their history ------------------------------------------


def _anonymise_request_ids(ids, now):
    count = ParticipationRequest.objects.filter(pk__in=ids).update(
        first_name=PLACEHOLDER, last_name=PLACEHOLDER, email=ANONYMOUS_EMAIL, phone="",
        note="", situation_since=TruncYear("situation_since"), privacy_read_by=None,
        entry_token=None, anonymised_at=now,
    )
    StatusChange.objects.filter(request_id__in=ids).exclude(note="").update(note="")
    ParticipationRequest.not_duplicates.through.objects.filter(
        Q(from_participationrequest_id__in=ids) | Q(to_participationrequest_id__in=ids)
    ).delete()
    reference = ParticipationRequest.objects.filter(
        pk=Cast(OuterRef("object_pk"), BigIntegerField())).values("reference")[:1]
    _scrub_change_log(ParticipationRequest, ids,
                      label=Coalesce(Subquery(reference), Value(PLACEHOLDER)))
    _scrub_change_log(StatusChange, StatusChange.objects.filter(
        request_id__in=ids).values_list("pk", flat=True))
    return count


def anonymise_requests(queryset, now=None):
    """Anonymise the participation requests of `queryset` not anonymised yet: every field
    of ANONYMISED_FIELDS blanked or replaced, the notes of their history blanked; status,
    dates and the other KEPT_FIELDS stay. `now` (aware datetime, default the current time)
    is recorded as `anonymised_at`. Returns the number of requests anonymised. Does not
    change their status: an open request stays open (erasure closes it if it must)."""
    now = now or timezone.now()
    return _batches(queryset.filter(anonymised_at__isnull=True),
                    lambda ids: _anonymise_request_ids(ids, now))


def closed_requests(now):
    """Closed requests and referrals (CLOSED_STATUSES) whose last status change — their
    arrival when there was none — is older than RETENTION_CLOSED_REQUEST_DAYS: anonymised."""
    cutoff = _days_before(now, "RETENTION_CLOSED_REQUEST_DAYS")
    expired = (ParticipationRequest.objects
               .filter(status__in=CLOSED_STATUSES, anonymised_at__isnull=True)
               .annotate(last_change=Coalesce(Max("history__changed_at"), "created_at"))
               .filter(last_change__lt=cutoff))
    return _result(anonymised=anonymise_requests(expired, now))


def status_notes(now):
    """Staff's notes in requests' histories older than RETENTION_STATUS_NOTE_DAYS: the
    note blanked, the status change kept."""
    cutoff = _days_before(now, "RETENTION_STATUS_NOTE_DAYS")
    old = StatusChange.objects.filter(changed_at__lt=cutoff).exclude(note="")

    def blank(ids):
        _scrub_change_log(StatusChange, ids)
        return StatusChange.objects.filter(pk__in=ids).update(note="")

    return _result(anonymised=_batches(old, blank))


# --- Other kinds ------------------------------------------------------------------------


def contact_messages(now):
    """Messages sent through the contact pages (either language) older than
    RETENTION_CONTACT_MESSAGE_DAYS: deleted, with their handled flag."""
    cutoff = _days_before(now, "RETENTION_CONTACT_MESSAGE_DAYS")
    old = FormSubmission.objects.filter(
        page__in=ContactPage.objects.values("pk"), submit_time__lt=cutoff)

    def delete(ids):
        _scrub_change_log(FormSubmission, ids)
        return _delete(FormSubmission)(ids)

    return _result(deleted=_batches(old, delete))


def adhesion_signatories(now):
    """Signatory's name and role of adhesions rejected or withdrawn more than
    RETENTION_ADHESION_SIGNATORY_DAYS ago: replaced by PLACEHOLDER (the adhesion, its
    organisation, dates and reason stay)."""
    cutoff = _days_before(now, "RETENTION_ADHESION_SIGNATORY_DAYS")
    old = Adhesion.objects.filter(
        Q(status=Adhesion.Status.REJECTED, decided_at__lt=cutoff)
        | Q(status=Adhesion.Status.WITHDRAWN, withdrawn_at__lt=cutoff)
    ).exclude(signatory_name=PLACEHOLDER, signatory_role=PLACEHOLDER)

    def blank(ids):
        _scrub_change_log(Adhesion, ids)
        return Adhesion.objects.filter(pk__in=ids).update(
            signatory_name=PLACEHOLDER, signatory_role=PLACEHOLDER)

    return _result(anonymised=_batches(old, blank))


def invitations(now):
    """Invitations never accepted that expired or were revoked more than
    RETENTION_INVITATION_DAYS ago: deleted."""
    cutoff = _days_before(now, "RETENTION_INVITATION_DAYS")
    old = Invitation.objects.filter(accepted_at__isnull=True).filter(
        Q(revoked_at__lt=cutoff) | Q(revoked_at__isnull=True, expires_at__lt=cutoff))
    return _result(deleted=_batches(old, _delete(Invitation)))


def mail_tasks(now):
    """Finished attempts at sending a mail (the queue's rows of mail.sending.send_email,
    which hold recipients, subject and body) that finished more than
    RETENTION_MAIL_TASK_DAYS ago: deleted. Waiting and running attempts stay."""
    cutoff = _days_before(now, "RETENTION_MAIL_TASK_DAYS")
    old = DBTaskResult.objects.filter(
        task_path=send_email.module_path, finished_at__lt=cutoff,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
    return _result(deleted=_batches(old, _delete(DBTaskResult)))


def sessions(now):
    """Expired sessions (what `manage.py clearsessions` deletes): deleted."""
    return _result(deleted=_batches(Session.objects.filter(expire_date__lt=now),
                                    _delete(Session)))


def user_sessions(now):
    """allauth's records of signed-in sessions (IP address, browser, last seen) not seen
    for RETENTION_SESSION_DAYS: deleted (a session still in use records itself again)."""
    from allauth.usersessions.models import UserSession

    cutoff = _days_before(now, "RETENTION_SESSION_DAYS")
    return _result(deleted=_batches(UserSession.objects.filter(last_seen_at__lt=cutoff),
                                    _delete(UserSession)))


def audit_trail(now):
    """Entries of the audit trail (privacy.AccessEvent, and django-auditlog's LogEntry
    when it is installed) older than RETENTION_AUDIT_DAYS: deleted."""
    cutoff = _days_before(now, "RETENTION_AUDIT_DAYS")
    deleted = _batches(AccessEvent.objects.filter(at__lt=cutoff), _delete(AccessEvent))
    if apps.is_installed("auditlog"):
        log_entry = apps.get_model("auditlog", "LogEntry")
        deleted += _batches(log_entry.objects.filter(timestamp__lt=cutoff),
                            _delete(log_entry))
    return _result(deleted=deleted)


def subject_requests(now):
    """Data-protection requests (privacy.DataSubjectRequest) answered more than
    RETENTION_SUBJECT_REQUEST_DAYS ago: name, email, phone, the participation request's
    reference they typed and their message blanked; their own reference, kind, language,
    dates and status stay (GDPR art. 5(2): the controller shows it answered). Open
    requests are kept however old: the Segreteria still has to answer them."""
    cutoff = _days_before(now, "RETENTION_SUBJECT_REQUEST_DAYS")
    old = DataSubjectRequest.objects.filter(
        status=DataSubjectRequest.Status.ANSWERED, answered_at__lt=cutoff,
    ).exclude(name="", email="", phone="", request_reference="", message="")

    def blank(ids):
        _scrub_change_log(DataSubjectRequest, ids)
        return DataSubjectRequest.objects.filter(pk__in=ids).update(
            name="", email="", phone="", request_reference="", message="")

    return _result(anonymised=_batches(old, blank))


# The rules in the order the purge runs them, by the kind PurgeRun.counts names them.
# Notes before requests: a request anonymised the same day has no note left to count twice.
RULES = {
    "status_notes": status_notes,
    "closed_requests": closed_requests,
    "contact_messages": contact_messages,
    "adhesion_signatories": adhesion_signatories,
    "subject_requests": subject_requests,
    "invitations": invitations,
    "mail_tasks": mail_tasks,
    "sessions": sessions,
    "user_sessions": user_sessions,
    "audit_trail": audit_trail,
    # Background exports' files and records (exports.background), kept hours, not days.
    "export_files": purge_expired_exports,
}


def purge(now=None):
    """Run every rule of RULES at `now` (aware datetime, default the current time) and
    return the saved PurgeRun, whose `counts` is {kind: {"deleted": n, "anonymised": n}}.
    Logs one line per kind, counts only."""
    now = now or timezone.now()
    run = PurgeRun.objects.create(started_at=now)
    counts = {}
    for kind, rule in RULES.items():
        counts[kind] = rule(now)
        logger.info("Retention purge: %s: %d deleted, %d anonymised", kind,
                    counts[kind]["deleted"], counts[kind]["anonymised"])
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return run
