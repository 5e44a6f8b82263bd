"""Admin › "A person's data": the Segreteria finds everything held about one person,
downloads it (JSON and a readable document) and erases it (privacy.subjects), and answers
the requests people sent from the site (privacy.requests). Segreteria and superusers
only (accounts.roles.is_triage_staff); partners never reach the admin at all."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.roles import is_triage_staff
from typed_text.characters import PlainTextFormMixin
from typed_text.phones import PhoneNumberField

from .audit import record_person
from .models import AccessEvent, DataSubjectRequest
from .requests import is_overdue, mark_answered, open_requests
from .subjects import (
    all_kinds,
    erase_subject,
    export_document,
    export_json,
    find_subject,
    normalise_reference,
    reason_names_the_person,
)

SEARCH_FIELDS = ("email", "phone", "reference")
# The downloads offered: a machine-readable file and a readable document (GDPR art. 15(3)).
EXPORT_FORMATS = ("json", "html")


def _check(user):
    if not is_triage_staff(user):
        raise PermissionDenied


class SubjectSearchForm(PlainTextFormMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), required=False, max_length=254,
                             error_messages={"invalid": gettext_lazy(
                                 "Enter a valid email address, for example "
                                 "name@example.org.")})
    phone = PhoneNumberField(label=gettext_lazy("Phone"), required=False)
    reference = forms.CharField(label=gettext_lazy("Reference"), required=False,
                                max_length=30,
                                help_text=gettext_lazy("MA-2026-00042 or DP-2026-00001"))

    def clean_reference(self):
        value = self.cleaned_data.get("reference")
        return normalise_reference(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in SEARCH_FIELDS):
            raise ValidationError(gettext_lazy(
                "Enter an email address, a phone number or a reference."), code="empty")
        return cleaned

    def criteria(self):
        return {name: self.cleaned_data.get(name) or None for name in SEARCH_FIELDS}

    def query_string(self):
        return urlencode({name: self.cleaned_data.get(name) or "" for name in SEARCH_FIELDS})


class ErasureForm(PlainTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the erasure"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: the person's request DP-2026-00001, or the "
                               "end of the purpose. Do not write the person's name or "
                               "contacts: the record of the erasure keeps this text."),
        error_messages={"required": gettext_lazy("Give the reason for the erasure.")})
    subject_request = forms.ModelChoiceField(
        label=gettext_lazy("Data protection request it answers (optional)"),
        queryset=DataSubjectRequest.objects.none(), required=False,
        empty_label=gettext_lazy("No data-protection request"),
        error_messages={"invalid_choice": gettext_lazy(
            "Choose one of the open requests offered.")})

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.fields["subject_request"].queryset = open_requests()
        self.fields["subject_request"].label_from_instance = lambda dsr: (
            f"{dsr.reference} · {dsr.get_kind_display()}")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if self.subject is not None and reason_names_the_person(reason, self.subject):
            raise ValidationError(gettext_lazy(
                "Write the reason without the person's name, email or phone: the record "
                "of the erasure must not keep what it erases."), code="personal_data")
        return reason


def _search(request):
    """(form, subject or None) from the query string."""
    if not any(name in request.GET for name in SEARCH_FIELDS):
        return SubjectSearchForm(), None
    form = SubjectSearchForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        return form, find_subject(**form.criteria())
    except ValidationError as error:
        form.add_error(None, error)
        return form, None


def _sections(subject):
    return [{"kind": kind, "label": label, "count": len(getattr(subject, kind, [])),
             "items": getattr(subject, kind, [])} for kind, label in all_kinds().items()]


class SubjectsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "privacy/admin/subjects.html"
    page_title = gettext_lazy("A person's data")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        _check(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        form, subject = _search(self.request)
        if subject is not None:  # the screen shows each request's name and status
            record_person(self.request.user, AccessEvent.Action.VIEWED, subject)
        today = timezone.localdate()
        pending = [{"request": dsr, "overdue": is_overdue(dsr, today)}
                   for dsr in open_requests()]
        return super().get_context_data(
            form=form, subject=subject, sections=_sections(subject) if subject else [],
            query=form.query_string() if subject else "", pending=pending, **kwargs)


def subject_export(request, file_format):
    """The person's data as a JSON file or a readable HTML document (a download)."""
    _check(request.user)
    if file_format not in EXPORT_FORMATS:
        raise Http404
    form, subject = _search(request)
    if subject is None:
        messages.error(request, _("Search for the person first: their data could not be "
                                  "found from this address."))
        return redirect("privacy_subjects")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "json":
        content = json.dumps(export_json(subject), ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        name = f"dati-personali-{stamp}.json"
    else:  # "html"
        response = HttpResponse(export_document(subject), content_type="text/html; charset=utf-8")
        name = f"dati-personali-{stamp}.html"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    record_person(request.user, AccessEvent.Action.EXPORTED, subject,
                  rows=sum(subject.counts().values()))
    return response


class SubjectEraseView(WagtailAdminTemplateMixin, TemplateView):
    """The confirmation page (GET) and the erasure itself (POST)."""

    template_name = "privacy/admin/erase_confirm.html"
    page_title = gettext_lazy("Erase or anonymise everything")
    header_icon = "bin"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("privacy_subjects"), "label": _("A person's data")},
                {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        _check(request.user)
        source = request.POST if request.method == "POST" else request.GET
        self.search = SubjectSearchForm(source)
        self.subject = None
        if self.search.is_valid():
            try:
                self.subject = find_subject(**self.search.criteria())
            except ValidationError:
                self.subject = None
        if self.subject is None:
            messages.error(request, _("Search for the person first: their data could not "
                                      "be found from this address."))
            return redirect("privacy_subjects")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ErasureForm(subject=self.subject))
        return super().get_context_data(
            search=self.search, sections=_sections(self.subject),
            query=self.search.query_string(), **kwargs)

    def post(self, request):
        form = ErasureForm(request.POST, subject=self.subject)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if self.subject.is_empty:
            messages.warning(request, _("Nothing is held about this person: nothing erased."))
            return redirect("privacy_subjects")
        record = erase_subject(self.subject, by=request.user,
                               reason=form.cleaned_data["reason"],
                               subject_request=form.cleaned_data["subject_request"])
        counted = "; ".join(f"{label}: {record.counts.get(kind, 0)}"
                            for kind, label in all_kinds().items())
        messages.success(request, _("The person's data are erased or anonymised (%(counts)s).")
                         % {"counts": counted})
        return redirect("privacy_subjects")


@require_POST
def subject_request_answered(request, pk):
    _check(request.user)
    subject_request = get_object_or_404(DataSubjectRequest, pk=pk)
    if mark_answered(subject_request, by=request.user):
        messages.success(request, _("Request %(reference)s marked as answered.")
                         % {"reference": subject_request.reference})
    else:
        messages.warning(request, _("Request %(reference)s had already been answered.")
                         % {"reference": subject_request.reference})
    return redirect(reverse("privacy_subjects"))
