from wagtail import hooks

from accounts.roles import is_triage_staff


@hooks.register("filter_form_submissions_for_user")
def only_triage_staff_read_submissions(user, editable_forms):
    """Editing a contact page does not mean reading what people wrote to us."""
    if is_triage_staff(user):
        return editable_forms
    return editable_forms.none()
