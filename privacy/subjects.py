"""A person's rights over their data (GDPR arts. 15, 17 and 20): everything held about
one person found by email, phone or reference, exported, and erased in one action.

"One person" means exact matches only: the same email (in any case), the same phone
number (as typed_text.phones stores it, +39…) or the reference of one of their requests
(MA-2026-00042) or data-protection requests (DP-2026-00001). A person with a similar name
or a similar address is never included: names are never searched, and the coarse
`__icontains` filters below (on JSON columns) are checked again for an exact match.
"""

import datetime
import importlib
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.contrib.forms.models import FormSubmission

from home.models import ContactSubmission
from mail.sending import send_email
from programme.models.participation import ParticipationRequest, StatusChange
from programme.participation import TRANSITIONS, change_status
from readable.display import EMPTY, display_value, is_language_field, language_name
from typed_text.phones import normalise_phone, readable_phone

from .models import AccessEvent, DataSubjectRequest, ErasureRecord
from .retention import anonymise_requests

Source = ParticipationRequest.Source

# The kinds of rows held about a person, in the order screens and files list them.
KINDS = {
    "participation_requests": gettext_lazy("Participation requests"),
    "referrals": gettext_lazy("Referrals by partner organisations"),
    "status_changes": gettext_lazy("Status changes of the requests"),
    "contact_messages": gettext_lazy("Contact messages"),
    "data_protection_requests": gettext_lazy("Data protection requests"),
    "mails": gettext_lazy("Mails queued or kept"),
}

CONTROLLER = gettext_lazy(
    "Mutual Aid for Work – City of Milan and Camera del Lavoro Metropolitana di Milano")
REFERENCE = re.compile(r"(?:MA|DP)-\d{4}-\d{5,}")
INVALID_REFERENCE = gettext_lazy(
    "Enter a reference such as MA-2026-00042 (a participation request) or DP-2026-00001 "
    "(a data protection request).")
NOTHING_TO_SEARCH = gettext_lazy("Enter an email address, a phone number or a reference.")


def extra_sources():
    """{kind: source} of settings.PRIVACY_EXTRA_SUBJECT_SOURCES (dotted paths of modules
    or objects), for apps privacy must not import (booking). A source has `KIND` (str),
    `LABEL` (text), `find(emails, phones, references) -> [model instance, …]` oldest
    first, `references(items) -> set` of references the items carry (their mails name
    them), and `erase(items, now) -> int` (rows erased or anonymised; called inside the
    erasure's transaction). Its rows are exported with `row_fields`."""
    sources = {}
    for path in getattr(settings, "PRIVACY_EXTRA_SUBJECT_SOURCES", ()):
        try:  # a module …
            source = importlib.import_module(path)
        except ImportError:  # … or an object in one
            source = import_string(path)
        sources[source.KIND] = source
    return sources


def all_kinds():
    """KINDS followed by the kinds of extra_sources(): {kind: label}."""
    return {**KINDS, **{kind: source.LABEL for kind, source in extra_sources().items()}}


@dataclass
class SubjectData:
    """Everything held about one person. Lists of model instances, each kind ordered
    oldest first; `emails`/`phones`/`references` are what identified the person (those
    searched for, plus those found on their requests)."""

    emails: set = field(default_factory=set)
    phones: set = field(default_factory=set)
    references: set = field(default_factory=set)
    participation_requests: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    contact_messages: list = field(default_factory=list)
    data_protection_requests: list = field(default_factory=list)
    mails: list = field(default_factory=list)
    # {kind: [instance, …]} of extra_sources().
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        # An extra source's kind reads like a built-in one: subject.bookings.
        if name != "extra" and not name.startswith("__") and name in self.extra:
            return self.extra[name]
        raise AttributeError(name)

    @property
    def requests(self):
        """Participation requests and referrals together."""
        return self.participation_requests + self.referrals

    def counts(self):
        """{kind: number of rows}, every kind of all_kinds()."""
        return {kind: len(getattr(self, kind, [])) for kind in all_kinds()}

    @property
    def is_empty(self):
        return not any(self.counts().values())


def normalise_reference(value):
    """"ma-2026-00042 " -> "MA-2026-00042"; a ValidationError (INVALID_REFERENCE) for
    anything else."""
    value = (value or "").strip().upper()
    if not REFERENCE.fullmatch(value):
        raise ValidationError(INVALID_REFERENCE, code="invalid_reference")
    return value


def find_subject(email=None, phone=None, reference=None):
    """Everything held about the person with this email, phone or reference (any one, or
    several: their union), as a SubjectData.

    `phone` as typed ("02 884 47502") is normalised to +39…; `reference` is a request's
    MA-… or a data protection request's DP-…. Raises ValidationError (a message for
    staff) when none is given or a phone or reference is not one. The requests found
    lend their own email and phone to the search (a reference finds the person's contact
    messages too), and the requests merged into or with them are the person's as well.

    A fixed number of queries, whatever the number of other people's rows (the merge
    chain of this person's requests adds one per link).
    """
    emails = {email.strip().lower()} if email and email.strip() else set()
    phones = {normalise_phone(phone)} if phone and phone.strip() else set()
    references = {normalise_reference(reference)} if reference and reference.strip() else set()
    if not (emails or phones or references):
        raise ValidationError(NOTHING_TO_SEARCH, code="empty")

    subject = SubjectData(emails=emails, phones=phones, references=set(references))
    # A DP- reference names a data protection request: its email and phone are the person's.
    dp_refs = {ref for ref in references if ref.startswith("DP-")}
    if dp_refs:
        for dsr in DataSubjectRequest.objects.filter(reference__in=dp_refs):
            # Not its request_reference: what a person typed there is unchecked.
            _add_contacts(subject, dsr.email, dsr.phone)

    requests = _find_requests(subject)
    for request_obj in requests.values():
        if request_obj.anonymised_at is None:  # an anonymised one holds no contact
            _add_contacts(subject, request_obj.email, request_obj.phone)
        subject.references.add(request_obj.reference)
    subject.references.discard(None)
    # Their own contacts may find another request of theirs (sent with the same email).
    requests = _find_requests(subject, known=requests)
    subject.references.update(r.reference for r in requests.values() if r.reference)
    ordered = sorted(requests.values(), key=lambda r: (r.created_at, r.pk))
    subject.participation_requests = [r for r in ordered
                                      if r.source != Source.PARTNER_REFERRAL]
    subject.referrals = [r for r in ordered if r.source == Source.PARTNER_REFERRAL]
    subject.status_changes = list(
        StatusChange.objects.filter(request__in=[r.pk for r in ordered])
        .select_related("group", "changed_by", "request").order_by("changed_at", "pk"))
    subject.contact_messages = _find_contact_messages(subject)
    subject.data_protection_requests = _find_subject_requests(subject)
    # The Segreteria's mail about a data protection request names it by its reference.
    subject.references.update(d.reference for d in subject.data_protection_requests
                              if d.reference)
    for kind, source in extra_sources().items():
        items = list(source.find(set(subject.emails), set(subject.phones),
                                 set(subject.references)))
        subject.extra[kind] = items
        subject.references.update(source.references(items))
    subject.mails = _find_mails(subject)
    return subject


def _add_contacts(subject, email, phone):
    if email:
        subject.emails.add(email.lower())
    if phone:
        subject.phones.add(phone)


def _find_requests(subject, known=None):
    """{pk: request} of the person's requests, with those merged into or with them."""
    found = dict(known or {})
    # email_key and phone are indexed (ParticipationRequest.Meta): lookups, not a scan.
    contacts = Q(email_key__in=subject.emails)
    if subject.phones:
        contacts |= Q(phone__in=subject.phones)
    # Anonymised requests share a placeholder address and hold nobody's contacts.
    match = contacts & Q(anonymised_at__isnull=True)
    ma_refs = {ref for ref in subject.references if ref.startswith("MA-")}
    if ma_refs:
        match |= Q(reference__in=ma_refs)
    related = ("preferred_venue", "preferred_group", "organisation", "referred_by", "group",
               "privacy_read_by", "merged_into")
    queryset = ParticipationRequest.objects.select_related(*related)
    new = {r.pk: r for r in queryset.filter(match) if r.pk not in found}
    # Merging joins one person's requests: follow the links both ways until none is new.
    while new:
        found.update(new)
        ids = list(new)
        targets = [r.merged_into_id for r in new.values() if r.merged_into_id]
        new = {r.pk: r for r in queryset.filter(Q(merged_into__in=ids) | Q(pk__in=targets))
               if r.pk not in found}
    return found


def _icontains_any(lookup, needles):
    query = Q(pk__in=[])
    for needle in needles:
        query |= Q(**{f"{lookup}__icontains": needle})
    return query


def _find_contact_messages(subject):
    """Contact messages whose answers hold the person's email or phone exactly."""
    needles = subject.emails | subject.phones
    if not needles:
        return []
    # form_data is JSON whose keys the editors chose: a coarse text filter on the column
    # (no index can serve it, but it reads each row once and in one query), then an exact
    # comparison of each answer, so "anna.rossi@…" never finds "rossi@…".
    candidates = FormSubmission.objects.filter(_icontains_any("form_data", needles))
    found = []
    for submission in candidates.select_related("page").order_by("submit_time", "pk"):
        answers = submission.form_data if isinstance(submission.form_data, dict) else {}
        values = {str(value).strip().lower() for value in answers.values()
                  if isinstance(value, str)}
        if values & subject.emails or values & {p.lower() for p in subject.phones}:
            found.append(submission)
    return found


def _find_subject_requests(subject):
    match = Q(pk__in=[])
    for email in subject.emails:
        match |= Q(email__iexact=email)
    if subject.phones:
        match |= Q(phone__in=subject.phones)
    if subject.references:
        match |= Q(reference__in=subject.references)
        match |= Q(request_reference__in=subject.references)
    return list(DataSubjectRequest.objects.filter(match).order_by("received_at", "pk"))


def _token(text):
    """A regular expression finding `text` as a whole word (MA-2026-00042 is not found in
    MA-2026-000421, nor rossi@example.org in anna.rossi@example.org)."""
    return re.compile(rf"(?<![\w.+-]){re.escape(text)}(?![\w-])", re.IGNORECASE)


def _find_mails(subject):
    """Mail tasks (django-tasks-db rows of mail.sending.send_email) sent to the person or
    naming them by reference, email or phone."""
    if not apps.is_installed("django_tasks_db"):
        return []
    from django_tasks_db.models import DBTaskResult

    phone_spellings = set(subject.phones) | {readable_phone(p) for p in subject.phones}
    needles = subject.emails | phone_spellings | subject.references
    if not needles:
        return []
    # args_kwargs is JSON (recipients, subject, body): a coarse text filter, one query,
    # then each candidate's text is checked for a whole-word match.
    candidates = DBTaskResult.objects.filter(
        _icontains_any("args_kwargs", needles), task_path=send_email.module_path)
    patterns = [_token(needle) for needle in needles]
    found = []
    for task in candidates.order_by("enqueued_at", "pk"):
        text = _mail_text(task)
        if any(pattern.search(text) for pattern in patterns):
            found.append(task)
    return found


def _mail_parts(task):
    """(recipients, subject, body, reply_to) of a send_email task row."""
    args = (task.args_kwargs or {}).get("args") or []
    kwargs = (task.args_kwargs or {}).get("kwargs") or {}
    recipients = args[0] if len(args) > 0 else kwargs.get("recipients", [])
    mail_subject = args[1] if len(args) > 1 else kwargs.get("subject", "")
    body = args[2] if len(args) > 2 else kwargs.get("body", "")
    reply_to = kwargs.get("reply_to") or []
    return list(recipients or []), str(mail_subject or ""), str(body or ""), list(reply_to)


def _mail_text(task):
    recipients, mail_subject, body, reply_to = _mail_parts(task)
    return "\n".join([*map(str, recipients), *map(str, reply_to), mail_subject, body])


# --- Export -------------------------------------------------------------------------------


def _value(value):
    """A stored value as JSON: ISO 8601 for dates and times, text for the rest."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else \
            value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _display(instance, model_field):
    """What a person reads for one field (choice labels, names, local times), as text."""
    return str(_readable(instance, model_field))


def _readable(instance, model_field):
    if model_field.is_relation:
        related = getattr(instance, model_field.name)
        if related is None:
            return EMPTY
        if isinstance(related, ParticipationRequest):
            return related.reference or EMPTY  # the merged request: by its reference
        return display_value(related)
    value = getattr(instance, model_field.attname)
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        if is_language_field(model_field):
            return language_name(value)
        return str(dict(model_field.flatchoices).get(value, value))
    return str(display_value(value))


def row_fields(instance):
    """Every concrete field of `instance` as [{"field", "label", "value", "text"}]:
    `value` as stored (dates ISO 8601, related rows by id), `text` as a person reads
    it in the active language."""
    rows = []
    for model_field in instance._meta.concrete_fields:
        if model_field.generated:  # a derived copy of a field already listed
            continue
        rows.append({
            "field": model_field.name,
            "label": str(model_field.verbose_name),
            "value": _value(getattr(instance, model_field.attname)),
            "text": _display(instance, model_field),
        })
    return rows


def _message_row(submission):
    answers = submission.form_data if isinstance(submission.form_data, dict) else {}
    return [
        {"field": "id", "label": "ID", "value": submission.pk, "text": str(submission.pk)},
        {"field": "submit_time", "label": str(_("sent")),
         "value": _value(submission.submit_time),
         "text": str(display_value(submission.submit_time))},
        {"field": "page", "label": str(_("page")), "value": submission.page_id,
         "text": submission.page.title if submission.page_id else EMPTY},
        *({"field": f"form_data.{key}", "label": key, "value": _value(value),
           "text": str(display_value(value))} for key, value in answers.items()),
    ]


# A mail task's status as the person reads it: django-tasks' own labels ("Successful")
# are not translated, and speak of a task, not of a mail.
MAIL_STATUSES = {
    "READY": pgettext_lazy("mail status", "queued"),
    "RUNNING": pgettext_lazy("mail status", "being sent"),
    "SUCCESSFUL": pgettext_lazy("mail status", "sent"),
    "FAILED": pgettext_lazy("mail status", "not delivered"),
}


def mail_status(status):
    """The label of a mail task's status ("SUCCESSFUL" -> "sent", in the active
    language); an unknown status as stored."""
    return str(MAIL_STATUSES.get(str(status), status))


def _mail_row(task):
    recipients, mail_subject, body, reply_to = _mail_parts(task)
    status = mail_status(task.status)
    return [
        {"field": "id", "label": "ID", "value": str(task.pk), "text": str(task.pk)},
        {"field": "status", "label": str(_("status")), "value": task.status,
         "text": status},
        {"field": "enqueued_at", "label": str(_("queued")), "value": _value(task.enqueued_at),
         "text": str(display_value(task.enqueued_at))},
        {"field": "finished_at", "label": str(_("finished")),
         "value": _value(task.finished_at), "text": str(display_value(task.finished_at))},
        {"field": "recipients", "label": str(_("recipients")), "value": recipients,
         "text": ", ".join(map(str, recipients)) or EMPTY},
        {"field": "reply_to", "label": str(_("reply to")), "value": reply_to,
         "text": ", ".join(map(str, reply_to)) or EMPTY},
        {"field": "subject", "label": str(_("subject")), "value": mail_subject,
         "text": mail_subject or EMPTY},
        {"field": "body", "label": str(_("text")), "value": body, "text": body or EMPTY},
    ]


def export_rows(subject):
    """{kind: [row, …]} for every kind of all_kinds(), each row a list of fields as
    `row_fields` gives them (labels in the active language)."""
    rows = {}
    for kind in all_kinds():
        items = getattr(subject, kind, [])
        if kind == "contact_messages":
            rows[kind] = [_message_row(item) for item in items]
        elif kind == "mails":
            rows[kind] = [_mail_row(item) for item in items]
        else:
            rows[kind] = [row_fields(item) for item in items]
    return rows


def export_json(subject, now=None):
    """The machine-readable copy (GDPR arts. 15(3) and 20): a dict ready for
    json.dumps(ensure_ascii=False), labels in the active language.

    {"generated_at": ISO 8601, "controller": the programme's name,
     "kinds": {kind: {"label", "count", "rows": [[{"field", "label", "value", "text"}]]}}}.
    """
    now = now or timezone.now()
    kinds = all_kinds()
    return {
        "generated_at": timezone.localtime(now).isoformat(),
        "controller": str(CONTROLLER),
        "kinds": {
            kind: {"label": str(kinds[kind]), "count": len(rows), "rows": rows}
            for kind, rows in export_rows(subject).items()
        },
    }


def export_document(subject, now=None):
    """The readable copy: a self-contained HTML document (printable, no script, no
    outside style) in the active language, to hand or send to the person."""
    now = now or timezone.now()
    rows = export_rows(subject)
    sections = [{"kind": kind, "label": label, "rows": rows[kind]}
                for kind, label in all_kinds().items()]
    return render_to_string("privacy/subject_document.html", {
        "sections": sections, "generated_at": now,
        "controller": CONTROLLER,
    })


# --- Erasure ------------------------------------------------------------------------------

def record_access(user, action, instances, rows=1):
    """One audit-trail line per request in `instances` (privacy.audit's `record`; nothing
    where the audit trail is not installed)."""
    try:
        from .audit import record
    except ImportError:
        return
    for instance in instances:
        record(user, action, instance, rows=rows)


def _scrub_log_entries(targets):
    """Remove the erased values from the change histories of the erased rows: Wagtail's
    own log (label and data) and, when installed, django-auditlog's (its representation
    and changes; the fact that a change happened, who made it and when stay).

    `targets`: [(model, [pk, …], {pk: label})]. Returns the number of entries scrubbed."""
    from wagtail.models import ModelLogEntry

    scrubbed = 0
    logentry_model = None
    if apps.is_installed("auditlog"):
        from auditlog import get_logentry_model

        logentry_model = get_logentry_model()
    for model, pks, labels in targets:
        if not pks:
            continue
        content_types = ContentType.objects.get_for_models(model, for_concrete_models=False)
        cts = {ct.pk for ct in content_types.values()}
        cts.add(ContentType.objects.get_for_model(model).pk)
        keys = [str(pk) for pk in pks]
        for entry in ModelLogEntry.objects.filter(content_type__in=cts, object_id__in=keys):
            ModelLogEntry.objects.filter(pk=entry.pk).update(
                label=labels.get(entry.object_id, "") or EMPTY, data={})
            scrubbed += 1
        if logentry_model is not None:
            for entry in logentry_model.objects.filter(content_type__in=cts,
                                                       object_pk__in=keys):
                changes = entry.changes if isinstance(entry.changes, dict) else {}
                logentry_model.objects.filter(pk=entry.pk).update(
                    object_repr=labels.get(entry.object_pk, "") or EMPTY,
                    changes={name: [EMPTY, EMPTY] for name in changes} or None,
                    changes_text="", serialized_data=None, additional_data=None)
                scrubbed += 1
    return scrubbed


def erase_subject(subject, *, by, reason, subject_request=None):
    """Erase or anonymise everything in `subject` (a SubjectData), in one transaction
    (GDPR art. 17), and return the ErasureRecord.

    Requests and referrals are anonymised by the retention rule (statistics fields
    stay), their status changes lose their notes, contact messages and mail rows are
    deleted, the person's answered data protection requests keep only their reference,
    kind and dates (open ones keep their contact until answered: counted as
    "data_protection_requests_kept_until_answered"), and the change histories of those
    rows lose the erased values. `subject_request`, the data protection request this
    answers, is marked answered first (so it is scrubbed).
    The record says who (`by`), when, why (`reason`, required) and how many rows of each
    kind — never the erased data. Raises ValidationError for an empty reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the erasure."), code="required")
    request_ids = [r.pk for r in subject.requests]
    labels = {str(r.pk): r.reference or "" for r in subject.requests}
    with transaction.atomic():
        counts = subject.counts()
        # The person leaves the programme: an open request is withdrawn (its seat freed
        # and offered, its partner told by reference), as staff would do by hand.
        counts["closed"] = 0
        for request_obj in subject.requests:
            status = ParticipationRequest.Status(request_obj.status)
            if ParticipationRequest.Status.WITHDRAWN in TRANSITIONS[status]:
                change_status(request_obj, ParticipationRequest.Status.WITHDRAWN, by=by)
                counts["closed"] += 1
        requests = ParticipationRequest.objects.filter(pk__in=request_ids)
        anonymise_requests(requests)
        StatusChange.objects.filter(request__in=request_ids).update(note="")
        message_ids = [m.pk for m in subject.contact_messages]
        FormSubmission.objects.filter(pk__in=message_ids).delete()
        mail_ids = [m.pk for m in subject.mails]
        if mail_ids:
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(pk__in=mail_ids).delete()
        extra_history = []
        for kind, source in extra_sources().items():
            items = subject.extra.get(kind, [])
            counts[kind] = source.erase(items, timezone.now()) if items else 0
            if items:
                extra_history.append((type(items[0]), [item.pk for item in items], {}))
        if subject_request is not None:
            DataSubjectRequest.objects.filter(
                pk=subject_request.pk, status=DataSubjectRequest.Status.OPEN,
            ).update(status=DataSubjectRequest.Status.ANSWERED,
                     answered_at=timezone.now(), answered_by=by)
        # An open data protection request keeps its contact until answered: the
        # Segreteria must reply to it (GDPR art. 12(3)), and it may be another person's
        # that shares a phone. The retention rule scrubs it once answered.
        kept_open = set(DataSubjectRequest.objects.filter(
            pk__in=[d.pk for d in subject.data_protection_requests],
            status=DataSubjectRequest.Status.OPEN).values_list("pk", flat=True))
        dsr_ids = [d.pk for d in subject.data_protection_requests if d.pk not in kept_open]
        DataSubjectRequest.objects.filter(pk__in=dsr_ids).update(
            name="", email="", phone="", message="")
        counts["data_protection_requests"] = len(dsr_ids)
        counts["data_protection_requests_kept_until_answered"] = len(kept_open)
        counts["history_entries"] = _scrub_log_entries([
            (ParticipationRequest, request_ids, labels),
            (StatusChange, [c.pk for c in subject.status_changes], {}),
            (FormSubmission, message_ids, {}),
            (ContactSubmission, message_ids, {}),
            (DataSubjectRequest, dsr_ids,
             {str(d.pk): d.reference or "" for d in subject.data_protection_requests}),
            *extra_history,
        ])
        erasure = ErasureRecord.objects.create(
            performed_by=by, reason=reason, counts=counts, subject_request=subject_request)
        record_access(by, AccessEvent.Action.ERASED,
                      ParticipationRequest.objects.filter(pk__in=request_ids))
        if not request_ids:  # no request to name: the line points at the erasure's record
            record_access(by, AccessEvent.Action.ERASED, [erasure])
    return erasure


def reason_names_the_person(reason, subject):
    """Whether `reason` holds one of the person's emails, phones or names: the erasure
    record must not keep what it erased."""
    text = (reason or "").lower()
    needles = set(subject.emails) | {p.lower() for p in subject.phones}
    needles |= {readable_phone(p).lower() for p in subject.phones}
    for request_obj in subject.requests:
        needles |= {n.lower() for n in (request_obj.first_name, request_obj.last_name)
                    if len(n) > 2}
    for dsr in subject.data_protection_requests:
        needles |= {part.lower() for part in dsr.name.split() if len(part) > 2}
    return any(_token(needle).search(text) for needle in needles if needle)
