"""Reports › "Retention purges": the daily purge's runs and what each deleted or
anonymised, per kind (counts only), for superusers; 403 for anyone else, the Segreteria
included (GDPR art. 5(2): the controller shows the purge happens)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from privacy.models import PurgeRun
from privacy.retention import all_rules

RUNS_SHOWN = 60  # two months of daily runs
# Each kind of PurgeRun.counts (privacy.retention.RULES) as staff read it.
KIND_LABELS = {
    "status_notes": _("Notes in requests' histories"),
    "closed_requests": _("Closed participation requests and referrals"),
    "contact_messages": _("Contact messages"),
    "adhesion_signatories": _("Signatories of rejected or withdrawn adhesions"),
    "subject_requests": _("Answered data protection requests"),
    "invitations": _("Expired or revoked invitations"),
    "mail_tasks": _("Mails in the queue, sent or given up"),
    "sessions": _("Expired sessions"),
    "user_sessions": _("Sign-in records (IP address, browser)"),
    "audit_trail": _("Audit trail entries"),
    "export_files": _("Exported files of long lists"),
    "rating_comments": _("Comments of page ratings"),
}


def may_see_purges(user):
    """Superusers only (active, signed in)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def run_lines(run):
    """The kinds `run` deleted or anonymised rows of, in RULES' order: [{"label",
    "deleted", "anonymised"}]; kinds with nothing left out."""
    lines = []
    rules = all_rules()
    for kind in [*rules, *(kind for kind in run.counts if kind not in rules)]:
        figures = run.counts.get(kind) or {}
        deleted, anonymised = figures.get("deleted", 0), figures.get("anonymised", 0)
        if deleted or anonymised:
            label = KIND_LABELS.get(kind) or getattr(rules.get(kind), "label", kind)
            lines.append({"label": label, "deleted": deleted,
                          "anonymised": anonymised})
    return lines


class PurgeRunsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "privacy/purge_runs.html"
    page_title = _("Retention purges")
    header_icon = "bin"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_purges(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        runs = [{"run": run, "lines": run_lines(run)}
                for run in PurgeRun.objects.all()[:RUNS_SHOWN]]
        return super().get_context_data(**kwargs, runs=runs, runs_shown=RUNS_SHOWN)
