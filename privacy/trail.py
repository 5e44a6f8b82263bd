"""The superusers' screen of the audit trail (GDPR art. 30): views and exports
(`AccessEvent`) and changes (django-auditlog's `LogEntry`) in one list, newest first,
filtered by person and by staff member. Read-only for everyone: the screen answers GET
only, and no screen of the site adds, edits or deletes a line (Django's own admin, where
auditlog registers its LogEntry, is not mounted: website/urls.py)."""

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.contrib.forms.models import FormSubmission

from programme.models.participation import ParticipationRequest, StatusChange
from readable.dates import local_datetime
from readable.display import EMPTY, person_name
from typed_text.characters import without_control_characters
from typed_text.parameters import AsciiKeyChoiceField, page_number

from .models import AccessEvent

PER_PAGE = 50

# auditlog's actions, as the trail names them beside AccessEvent's ("changed" alone is
# already the catalogue's "date changed").
CHANGE_ACTIONS = {
    LogEntry.Action.CREATE: "created",
    LogEntry.Action.UPDATE: AccessEvent.Action.CHANGED.value,
    LogEntry.Action.DELETE: "deleted",
    LogEntry.Action.ACCESS: AccessEvent.Action.VIEWED.value,
}
ACTION_LABELS = {
    AccessEvent.Action.VIEWED.value: pgettext_lazy("audit trail", "viewed"),
    AccessEvent.Action.CHANGED.value: pgettext_lazy("audit trail", "changed"),
    AccessEvent.Action.EXPORTED.value: pgettext_lazy("audit trail", "exported"),
    AccessEvent.Action.ERASED.value: pgettext_lazy("audit trail", "erased"),
    "created": pgettext_lazy("audit trail", "created"),
    "deleted": pgettext_lazy("audit trail", "deleted"),
}


def can_read_trail(user):
    """Only superusers read the audit trail (issue 15): it says what every staff member
    looked at."""
    return bool(getattr(user, "is_superuser", False))


def person_records(person):
    """The records of the person `person` names (str: a participation request's
    reference, or an email address), as {ContentType: set of ids as str}: their
    requests, the status changes of those, their contact messages."""
    person = person.strip()
    requests = ParticipationRequest.objects.filter(
        Q(reference__iexact=person) | Q(email__iexact=person)) if person else \
        ParticipationRequest.objects.none()
    request_ids = {str(pk) for pk in requests.values_list("pk", flat=True)}
    change_ids = {str(pk) for pk in StatusChange.objects.filter(
        request__in=requests).values_list("pk", flat=True)}
    message_ids = set()
    if "@" in person:
        message_ids = {str(pk) for pk in FormSubmission.objects.filter(
            form_data__email__iexact=person).values_list("pk", flat=True)}
    get = ContentType.objects.get_for_model
    return {get(ParticipationRequest): request_ids, get(StatusChange): change_ids,
            get(FormSubmission): message_ids}


def _only_records(records, id_field):
    condition = Q(pk__in=[])
    for content_type, ids in records.items():
        if ids:
            condition |= Q(content_type=content_type, **{f"{id_field}__in": ids})
    return condition


def trail_lines(person=None, actor=None):
    """The trail's lines as one queryset of dicts, newest first: `at`, `actor_id`,
    `action` (a key of ACTION_LABELS), `content_type_id`, `record` (the id as str),
    `label`, `rows`, `entry` (a LogEntry's id, or None for a view or export).
    `person`: see person_records; `actor`: a user."""
    events = AccessEvent.objects.all()
    changes = LogEntry.objects.all()
    if person:
        records = person_records(person)
        events = events.filter(_only_records(records, "object_id"))
        changes = changes.filter(_only_records(records, "object_pk"))
    if actor is not None:
        events = events.filter(actor=actor)
        changes = changes.filter(actor=actor)
    # The same columns in the same order on both sides of the UNION, all annotations,
    # and no ordering of their own (a compound statement orders once).
    events = events.order_by().annotate(
        t_at=F("at"), t_actor=F("actor_id"), t_action=F("action"),
        t_type=F("content_type_id"), t_record=F("object_id"), t_label=F("label"),
        t_rows=F("rows"), t_entry=Value(None, output_field=IntegerField()),
    ).values("t_at", "t_actor", "t_action", "t_type", "t_record", "t_label", "t_rows",
             "t_entry")
    changes = changes.order_by().annotate(
        t_at=F("timestamp"), t_actor=F("actor_id"),
        t_action=Case(*[When(action=value, then=Value(key))
                        for value, key in CHANGE_ACTIONS.items()],
                      default=Value("changed"), output_field=CharField()),
        t_type=F("content_type_id"), t_record=Cast("object_pk", CharField()),
        t_label=Value("", output_field=CharField()),
        t_rows=Value(1, output_field=IntegerField()), t_entry=F("pk"),
    ).values("t_at", "t_actor", "t_action", "t_type", "t_record", "t_label", "t_rows",
             "t_entry")
    return events.union(changes, all=True).order_by("-t_at")


def readable_lines(lines):
    """The page's `lines` (from trail_lines) as the screen shows them: when, who, what,
    which record (its reference when it has one), rows, and the fields a change touched
    (names only: the values stay in the log entry)."""
    lines = list(lines)
    users = get_user_model().objects.in_bulk({line["t_actor"] for line in lines} - {None})
    entries = LogEntry.objects.in_bulk([line["t_entry"] for line in lines if line["t_entry"]])
    request_type = ContentType.objects.get_for_model(ParticipationRequest)
    references = dict(ParticipationRequest.objects.filter(pk__in=[
        line["t_record"] for line in lines
        if line["t_type"] == request_type.pk and line["t_record"].isdigit()
    ]).values_list("pk", "reference"))
    readable = []
    for line in lines:
        content_type = ContentType.objects.get_for_id(line["t_type"])
        model = content_type.model_class()
        entry = entries.get(line["t_entry"])
        fields = []
        if entry is not None and isinstance(entry.changes_dict, dict) and model is not None:
            for name in entry.changes_dict:
                try:
                    fields.append(str(model._meta.get_field(name).verbose_name))
                except Exception:  # noqa: BLE001 - a field since removed: its name
                    fields.append(name)
        label = line["t_label"]
        if not label and line["t_type"] == request_type.pk and line["t_record"].isdigit():
            label = references.get(int(line["t_record"])) or ""
        readable.append({
            "when": local_datetime(line["t_at"]),
            "who": person_name(users.get(line["t_actor"])),
            "action": ACTION_LABELS.get(line["t_action"], line["t_action"]),
            "kind": model._meta.verbose_name if model is not None else content_type.model,
            "record": label or (f"#{line['t_record']}" if line["t_record"] else EMPTY),
            "rows": line["t_rows"],
            "fields": ", ".join(fields),
        })
    return readable


def trail_actors():
    """Who may appear as the actor of a line: staff and superusers."""
    return get_user_model().objects.filter(
        Q(is_staff=True) | Q(is_superuser=True)).order_by("email")


class StaffMemberField(AsciiKeyChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class TrailFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person"), required=False, max_length=254,
        help_text=_("A request's reference (MA-2026-00042) or the person's email."))
    actor = StaffMemberField(label=_("Staff member"), required=False,
                             queryset=get_user_model().objects.none(), empty_label=_("All"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = trail_actors()

    def clean_person(self):
        return without_control_characters(self.cleaned_data["person"]).strip()


@method_decorator(require_GET, name="dispatch")
class TrailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "privacy/trail.html"
    page_title = _("Audit trail")
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not can_read_trail(request.user):
            # The site's 403 page, not Wagtail's redirect to the dashboard: the screen
            # exists and is refused (home.views.permission_denied).
            from home.views import permission_denied

            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        form = TrailFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        lines = trail_lines(person=filters.get("person"), actor=filters.get("actor"))
        paginator = Paginator(lines, PER_PAGE)
        page = paginator.get_page(page_number(self.request.GET.get("p")) or 1)
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(
            form=form, page=page, lines=readable_lines(page.object_list),
            query=query.urlencode(), **kwargs)
