"""The privacy app's admin screens, wired into Wagtail's admin."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from privacy.purge_admin import PurgeRunsView, may_see_purges


@hooks.register("register_admin_urls")
def register_purge_runs_url():
    return [path("privacy/purges/", PurgeRunsView.as_view(), name="privacy_purge_runs")]


class PurgeRunsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_purges(request.user)


@hooks.register("register_reports_menu_item")
def register_purge_runs_menu_item():
    return PurgeRunsMenuItem(_("Retention purges"), reverse("privacy_purge_runs"),
                             name="retention-purges", icon_name="bin", order=910)


# --- The audit trail (privacy/trail.py): superusers only, read-only ------------------


@hooks.register("register_admin_urls")
def register_audit_trail_url():
    from privacy.trail import TrailView

    return [path("privacy/audit-trail/", TrailView.as_view(), name="privacy_audit_trail")]


class AuditTrailMenuItem(MenuItem):
    def is_shown(self, request):
        from privacy.trail import can_read_trail

        return can_read_trail(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_trail_menu_item():
    return AuditTrailMenuItem(_("Audit trail"), reverse("privacy_audit_trail"),
                              name="audit-trail", icon_name="history", order=920)


# --- A person's data (privacy/subject_admin.py): the Segreteria and superusers -------


@hooks.register("register_admin_urls")
def register_subject_urls():
    from privacy import subject_admin

    return [
        path("privacy/person/", subject_admin.SubjectsView.as_view(), name="privacy_subjects"),
        path("privacy/person/export/<str:file_format>/", subject_admin.subject_export,
             name="privacy_subject_export"),
        path("privacy/person/erase/", subject_admin.SubjectEraseView.as_view(),
             name="privacy_subject_erase"),
        path("privacy/requests/<int:pk>/answered/", subject_admin.subject_request_answered,
             name="privacy_subject_request_answered"),
    ]


class SubjectsMenuItem(MenuItem):
    def is_shown(self, request):
        from accounts.roles import is_triage_staff

        return is_triage_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_subjects_menu_item():
    return SubjectsMenuItem(_("A person's data"), reverse("privacy_subjects"),
                            name="person-data", icon_name="user", order=158)
