from wagtail import hooks
from wagtail.contrib.forms.utils import get_form_types
from wagtail.models import Page

from accounts.roles import is_triage_staff


@hooks.register("filter_form_submissions_for_user")
def only_triage_staff_read_submissions(user, editable_forms):
    """The Segreteria reads every form's messages without editing pages; editing a contact
    page does not mean reading what people wrote to us."""
    if is_triage_staff(user):
        return Page.objects.filter(content_type__in=get_form_types())
    return editable_forms.none()
