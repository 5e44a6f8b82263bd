"""Admin › "Job service database": the Segreteria uploads the job service's export, reads
the preview, confirms or cancels (jobservice.imports); the example files and the record
of past imports. Segreteria and superusers only (programme.participation.can_triage);
every response private and no-store (people's data)."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from programme.participation import can_triage

from . import imports
from .checks import ERROR_KINDS, shown_cell
from .columns import COLUMNS, example_rows
from .forms import UploadForm
from .models import ImportRun
from .reading import UnreadableFile

RECENT_RUNS = 10
PREVIEW_COLUMNS = [("first_name", gettext_lazy("First name")),
                   ("last_name", gettext_lazy("Last name")),
                   ("tax_code", gettext_lazy("Tax code")),
                   ("email", gettext_lazy("Email")), ("phone", gettext_lazy("Phone")),
                   ("employment_status", gettext_lazy("Situation")),
                   ("situation_since", gettext_lazy("Since")),
                   ("preferred_venue", gettext_lazy("Preferred venue")),
                   ("language", gettext_lazy("Language"))]


def _forbidden(request):
    """The site's 403 page (Wagtail's admin would turn PermissionDenied into a redirect)."""
    from home.views import permission_denied

    return permission_denied(request, PermissionDenied())


def _private(response):
    add_never_cache_headers(response)  # adds no-store and private
    return response


class SegreteriaOnly:
    def dispatch(self, request, *args, **kwargs):
        if not can_triage(request.user):
            return _private(_forbidden(request))
        return _private(super().dispatch(request, *args, **kwargs))


class UploadView(SegreteriaOnly, WagtailAdminTemplateMixin, TemplateView):
    """The upload form, the columns expected, the example files, the last imports."""

    template_name = "jobservice/upload.html"
    page_title = gettext_lazy("Job service database")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        # Without its own crumb Wagtail's header reads «Home».
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            form=form or UploadForm(), columns=COLUMNS,
            runs=ImportRun.objects.select_related("imported_by")[:RECENT_RUNS],
            error_kinds=ERROR_KINDS, **kwargs)

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                pending = imports.prepare_import(request.user, form.cleaned_data["file"])
            except UnreadableFile as error:
                form.add_error("file", error.message)
            else:
                return redirect("jobservice_preview", token=pending.token)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class UnderUpload:
    """Breadcrumbs of a screen below the upload screen."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("jobservice_upload"), "label": _("Job service database")},
                {"url": "", "label": self.get_page_title()}]


class PreviewView(SegreteriaOnly, UnderUpload, WagtailAdminTemplateMixin, TemplateView):
    """Each row as it would be stored, with its errors; confirm or cancel."""

    template_name = "jobservice/preview.html"
    page_title = gettext_lazy("Import preview")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        pending = imports.pending_of(kwargs["token"], self.request.user)
        if pending is None:
            raise Http404
        read, valid, skipped = imports.summary(pending.rows)
        rows = [{**row, "cells": [shown_cell(row, key) for key, _label in PREVIEW_COLUMNS]}
                for row in pending.rows]
        return super().get_context_data(
            pending=pending, rows=rows, columns=PREVIEW_COLUMNS, read=read, valid=valid,
            skipped=[(ERROR_KINDS[kind], count) for kind, count in skipped.items()],
            **kwargs)


@require_POST
def confirm_view(request, token):
    if not can_triage(request.user):
        return _private(_forbidden(request))
    try:
        run = imports.confirm_import(token, request.user)
    except PermissionDenied:  # another clerk's preview
        return _private(_forbidden(request))
    except imports.AlreadyImported as already:
        if already.run is None:
            messages.error(request, _("This preview was cancelled or has expired: upload "
                                      "the file again."))
            return redirect("jobservice_upload")
        messages.warning(request, _("This file was already imported: nothing was imported "
                                    "twice."))
        return redirect("jobservice_run", pk=already.run.pk)
    except DatabaseError:
        messages.error(request, _("The import failed and nothing was saved: try again in a "
                                  "few minutes."))
        return redirect("jobservice_preview", token=token)
    messages.success(request, _("%(count)s requests imported.") % {"count": run.imported})
    return redirect("jobservice_run", pk=run.pk)


@require_POST
def cancel_view(request, token):
    if not can_triage(request.user):
        return _private(_forbidden(request))
    imports.cancel_import(token, request.user)
    messages.info(request, _("Import cancelled: nothing was saved."))
    return redirect("jobservice_upload")


class RunView(SegreteriaOnly, UnderUpload, WagtailAdminTemplateMixin, TemplateView):
    """One past import: who, when, which file, the counts."""

    template_name = "jobservice/run.html"
    page_title = gettext_lazy("Job service import")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        run = ImportRun.objects.select_related("imported_by").filter(pk=kwargs["pk"]).first()
        if run is None:
            raise Http404
        skipped = [(ERROR_KINDS.get(kind, kind), count) for kind, count in run.skipped.items()]
        return super().get_context_data(run=run, skipped=skipped, **kwargs)


def example_view(request, kind):
    """The example file, as CSV (UTF-8 with BOM, “;”) or XLSX."""
    if not can_triage(request.user):
        return _private(_forbidden(request))
    rows = example_rows()
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        name = "esempio-banca-dati-lavoro.csv"
    elif kind == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Candidati"
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"  # text: a phone or month is not a number
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = "esempio-banca-dati-lavoro.xlsx"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
