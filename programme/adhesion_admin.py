"""Staff decide on adhesions to the protocol in the Wagtail admin."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from readable.display import ReadableInspectMixin, email_link, phone_link, yes_no

from . import adhesions
from .admin_actions import act_and_report
from .admin_policies import ReadOnlyPolicy
from .forms import AdhesionDecisionForm
from .models.adhesions import Adhesion

DECIDE_PERMISSION = "programme.change_adhesion"


def can_decide(user):
    return user.is_active and user.has_perm(DECIDE_PERMISSION)


def deciding_staff_q():
    from django.db.models import Q

    app_label, codename = DECIDE_PERMISSION.split(".")
    return (
        Q(is_superuser=True)
        | Q(groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename,
            user_permissions__content_type__app_label=app_label)
    )


class AdhesionPermissionPolicy(ReadOnlyPolicy):
    """Staff with the right to decide read adhesions; decisions go through `decide_view`,
    never through a generic edit form."""

    allowed = staticmethod(can_decide)
    allowed_users = staticmethod(deciding_staff_q)


class AdhesionInspectView(ReadableInspectMixin, InspectView):
    template_name = "programme/adhesions/inspect.html"

    def get_organisation_display_value(self):
        organisation = self.object.organisation
        return format_html("{}<br>{} — {}", organisation.name,
                           organisation.get_kind_display(), organisation.tax_code)

    def get_fields_context(self):
        fields = super().get_fields_context()
        # The consent governs the contact just above it: staff read them together.
        consent = fields.pop(list(self.fields).index("publish_contact_details"))
        organisation = self.object.organisation
        contact = {
            "label": _("Contact"),
            "value": format_html("{}<br>{}", email_link(organisation.email),
                                 phone_link(organisation.phone)),
        }
        return fields[:1] + [contact, consent] + fields[1:]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status == Adhesion.Status.PENDING:
            context["decision_form"] = AdhesionDecisionForm()
            context["decide_url"] = reverse("adhesions:decide", args=[self.object.pk])
        return context


DECIDED = {
    "approve": _("Adhesion approved: the organisation is now listed on the protocol page."),
    "reject": _("Adhesion rejected; the organisation has been told why."),
}


@require_POST
def decide_view(request, pk):
    if not can_decide(request.user):
        raise PermissionDenied
    adhesion = get_object_or_404(Adhesion, pk=pk)

    def decide(data):
        if data["decision"] == "approve":
            adhesions.approve(adhesion, by=request.user)
        else:
            adhesions.reject(adhesion, by=request.user, reason=data["reason"])

    return act_and_report(request, AdhesionDecisionForm(request.POST), decide,
                          lambda data: DECIDED[data["decision"]],
                          reverse("adhesions:inspect", args=[pk]))


class AdhesionViewSet(ModelViewSet):
    model = Adhesion
    name = "adhesions"
    icon = "doc-full"
    menu_label = _("Adhesions")  # short enough for the menu; the screen says the rest
    menu_order = 160
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_class = AdhesionInspectView
    copy_view_enabled = False
    # Which version each organisation accepted: after a new version, who is on an older one.
    # The consent as «Sì/No» words: Wagtail's boolean column titles its icon "True".
    list_display = ["organisation", "status", "protocol_version", "signatory_name",
                    Column("publish_contact_details", label=_("Contacts published"),
                           accessor=lambda adhesion: yes_no(adhesion.publish_contact_details)),
                    "submitted_at", "decided_at"]
    list_filter = ["status", "protocol_version"]
    search_fields = ["organisation__name", "organisation__tax_code", "signatory_name"]
    search_backend_name = None
    inspect_view_fields_exclude = ["id"]
    form_fields = ["rejection_reason"]  # unused: decisions go through decide_view

    @property
    def permission_policy(self):
        return AdhesionPermissionPolicy(self.model)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/decide/", decide_view, name="decide"),
        ]
