"""The audit trail: who viewed, changed, exported or erased which person's record, and
when (GDPR arts. 30 and 32).

Two sources, read together by the superusers' screen (`privacy/trail.py`):

- changes: django-auditlog's `LogEntry`, written by its signals for the models
  registered in `register_change_tracking` (the actor comes from its middleware). Its
  `changes` hold each changed field's value before and after, and `object_repr` the
  record's name as `str()` gives it (a participation request's reference *and* the
  person's name): personal data, like the record itself. The retention purge deletes
  entries older than `RETENTION_AUDIT_DAYS` and a person's erasure scrubs theirs.
- views and exports: `AccessEvent`, written by `record`. The site's views do not know
  of this app: `AccessTrailMiddleware` (privacy/middleware.py) records a successful GET
  of a view named in `AUDITED_VIEWS`, and every spreadsheet export of personal data
  announces itself with `exports.spreadsheets.spreadsheet_exported`, which
  `record_export` receives. An `AccessEvent` names a record by its reference, never by
  a person's name.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from .models import AccessEvent


def _actor(request_or_user):
    user = getattr(request_or_user, "user", request_or_user)
    return user if getattr(user, "is_authenticated", False) else None


def reference_of(obj):
    """The label a trail line shows for `obj`: its reference (MA-2026-00042) when it has
    one, else "" (the line still holds the record's id); never a person's name."""
    return str(getattr(obj, "reference", "") or "")[:40]


def record(request_or_user, action, obj_or_model, *, object_id=None, label="", rows=1):
    """Write one line of the trail and return it (an `AccessEvent`).

    `request_or_user`: the request (its user is the actor) or a user; an anonymous one
    is recorded as no actor. `action`: an `AccessEvent.Action`. `obj_or_model`: the
    record (its pk is `object_id` and its reference the label unless given) or a model
    class (an export or a list: `object_id` blank, `rows` the number of rows it held).
    """
    if isinstance(obj_or_model, Model):
        model = type(obj_or_model)
        if object_id is None:
            object_id = obj_or_model.pk
        label = label or reference_of(obj_or_model)
    else:
        model = obj_or_model
    return AccessEvent.objects.create(
        actor=_actor(request_or_user), action=action,
        # A proxy (home's ContactSubmission) as its concrete model, as auditlog does.
        content_type=ContentType.objects.get_for_model(model),
        object_id="" if object_id is None else str(object_id), label=label[:40],
        rows=max(int(rows), 0))


@dataclass(frozen=True)
class AuditedView:
    """A view that shows personal data: `model` ("app_label.Model") is what it shows;
    `one_record` when it shows one record (its pk the URL's `pk` argument), else a list,
    recorded with the number of rows its page showed (`list_context`: the context's
    name of that page's rows)."""

    model: str
    one_record: bool = True
    list_context: str = ""

    def record(self, request, response):
        model = apps.get_model(self.model)
        context = getattr(response, "context_data", None) or {}
        if not self.one_record:
            shown = context.get(self.list_context)
            rows = len(shown) if shown is not None else 1
            return record(request, AccessEvent.Action.VIEWED, model, rows=rows)
        pk = request.resolver_match.kwargs.get("pk")
        obj = context.get("object")
        if not isinstance(obj, model) or str(obj.pk) != str(pk):
            obj = model._default_manager.filter(pk=pk).first()
        if obj is None:
            return None
        return record(request, AccessEvent.Action.VIEWED, obj)


# Which views show a person's data, by URL name (namespace:name). A view renamed
# upstream or here makes privacy/tests/test_audit.py fail: add its new name here.
AUDITED_VIEWS = {
    # The Segreteria's page of one participation request (programme/triage.py).
    "participation_requests:inspect": AuditedView("programme.ParticipationRequest"),
    # An organisation's adhesion, with its signatory (programme/adhesion_admin.py).
    "adhesions:inspect": AuditedView("programme.Adhesion"),
    # A partner's page of a person it referred (programme/partner_views.py).
    "partner:referral_detail": AuditedView("programme.ParticipationRequest"),
    # "Messaggi": the contact messages themselves are only read in this list
    # (home/contact.py); its "results" address is the same list filtered in place.
    "wagtailforms:list_submissions": AuditedView(
        "home.ContactSubmission", one_record=False, list_context="submissions"),
    "wagtailforms:list_submissions_results": AuditedView(
        "home.ContactSubmission", one_record=False, list_context="submissions"),
}


def audited_view(request, response):
    """The `AuditedView` `request` showed, or None: a successful GET of a view in
    `AUDITED_VIEWS` by a signed-in user; an export (`?export=`) is recorded as one by
    `record_export` instead."""
    match = getattr(request, "resolver_match", None)
    if (match is None or request.method != "GET" or response.status_code != 200
            or not _actor(request) or "export" in request.GET):
        return None
    return AUDITED_VIEWS.get(match.view_name)


def record_export(sender, *, request, model, rows, **kwargs):
    """Receiver of `exports.spreadsheets.spreadsheet_exported`: one EXPORTED line for the
    model exported, with its number of rows."""
    record(request, AccessEvent.Action.EXPORTED, model, rows=rows)


# What auditlog follows, and the fields it leaves out: secrets (a one-time token would
# let whoever reads the trail replay an office entry) and bookkeeping nobody reads.
CHANGE_TRACKED_MODELS = {
    "programme.ParticipationRequest": {"exclude_fields": ["entry_token"]},
    "programme.StatusChange": {},
    "programme.Adhesion": {},
    "accounts.Organisation": {},
    "accounts.Membership": {},
    # A proxy of Wagtail's FormSubmission: its contact page creates ContactSubmission
    # rows (ContactPage.get_submission_class), so the proxy's own signals fire.
    "home.ContactSubmission": {},
}


def register_change_tracking():
    """Register `CHANGE_TRACKED_MODELS` with auditlog (once; from PrivacyConfig.ready).
    Without auditlog installed, nothing is tracked."""
    if not apps.is_installed("auditlog"):
        return
    from auditlog.registry import auditlog

    for label, options in CHANGE_TRACKED_MODELS.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, **options)


def record_person(request_or_user, action, subject, *, rows=1):
    """Write the trail's lines for "A person's data" (privacy.subject_admin) showing or
    downloading `subject` (a privacy.subjects.SubjectData), and return them.

    A view (`AccessEvent.Action.VIEWED`) writes one line per participation request or
    referral shown; a download or a person with no request writes one line for the main
    record found — their first request, else data protection request, contact message
    or mail — labelled with its MA- or DP- reference, holding `rows` (the number of rows
    exported). A person of whom nothing is held still leaves a line, of no record: the
    search itself processed their contacts (GDPR art. 30).
    """
    requests = subject.requests
    if action == AccessEvent.Action.VIEWED and requests:
        return [record(request_or_user, action, obj, rows=rows) for obj in requests]
    found = [*requests, *subject.data_protection_requests, *subject.contact_messages,
             *subject.mails]
    if not found:
        model = apps.get_model("programme.ParticipationRequest")
        return [record(request_or_user, action, model, rows=rows)]
    return [record(request_or_user, action, found[0], rows=rows)]
