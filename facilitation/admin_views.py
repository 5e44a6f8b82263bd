"""Admin › "Facilitatori"/"Facilitators", for the Segreteria (and superusers): the list
of facilitators with their groups, a new facilitator (facilitation.facilitators
.create_facilitator), and each one's groups and whether they may sign in."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.roles import FACILITATOR_GROUP, is_triage_staff

from . import facilitators
from .forms import FacilitatorForm, FacilitatorGroupsForm


def _forbidden(request):
    """The site's 403 page (Wagtail turns PermissionDenied into a redirect)."""
    from home.views import permission_denied

    return permission_denied(request, PermissionDenied())


class SegreteriaOnly:
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not is_triage_staff(request.user):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items,
                 {"url": reverse("facilitators"), "label": _("Facilitators")}]
        if not getattr(self, "is_list", False):
            items.append({"url": "", "label": self.get_page_title()})
        return items


class FacilitatorListView(SegreteriaOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "facilitation/admin/list.html"
    page_title = gettext_lazy("Facilitators")
    is_list = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(facilitators=facilitators.facilitators(), **kwargs)


class FacilitatorCreateView(SegreteriaOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "facilitation/admin/form.html"
    page_title = gettext_lazy("New facilitator")
    form_class = FacilitatorForm

    def form_valid(self, form):
        data = form.cleaned_data
        user = facilitators.create_facilitator(
            first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
            language=data["language"], groups=data["groups"], by=self.request.user)
        messages.success(self.request, _("Facilitator %(name)s created: an email with the "
                                         "link to choose a password is on its way.")
                         % {"name": user.get_full_name()})
        return redirect("facilitators")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class FacilitatorEditView(SegreteriaOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "facilitation/admin/form.html"
    page_title = gettext_lazy("Facilitator")
    form_class = FacilitatorGroupsForm

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs["pk"]
        self.facilitator = get_user_model().objects.filter(
            pk=pk, groups__name=FACILITATOR_GROUP).first() if 0 < pk < 2**31 else None
        if self.facilitator is None and is_triage_staff(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.facilitator.get_full_name()

    def get_initial(self):
        return {"active": self.facilitator.is_active,
                "groups": list(self.facilitator.facilitated_groups.values_list(
                    "group_id", flat=True))}

    def form_valid(self, form):
        facilitators.set_groups(self.facilitator, form.cleaned_data["groups"],
                                by=self.request.user)
        facilitators.set_active(self.facilitator, form.cleaned_data["active"])
        messages.success(self.request, _("Facilitator %(name)s updated.")
                         % {"name": self.facilitator.get_full_name()})
        return redirect("facilitators")

    def get_context_data(self, **kwargs):
        return super().get_context_data(facilitator=self.facilitator, **kwargs)
