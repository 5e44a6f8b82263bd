"""The protocol page's admin form: a published version is never rewritten, only followed.

A partner accepted a version by its number and read it at its own address
(…/versioni/<number>.pdf): if an editor could change that row's PDF, date or number, or
remove it, what the partner accepted would no longer be what the address gives. A change
of text is a new version (a new row), approved with the page.
"""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class ProtocolPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("versions")
        # The rows' own checks first (the formset is validated once, then read).
        if formset is None or not formset.is_valid():
            return cleaned_data
        kept = [form.cleaned_data for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        numbers = [data["number"] for data in kept if data.get("number")]
        repeated = sorted({number for number in numbers if numbers.count(number) > 1})
        if repeated:
            formset_error(formset, _("Each version needs its own number: %(number)s is given "
                                     "twice.") % {"number": repeated[0]})
        for error in published_version_changes(self.instance, kept):
            formset_error(formset, error)
        return cleaned_data


def formset_error(formset, message):
    """Show `message` above the versions (InlinePanel shows a formset's non-form errors)."""
    formset._non_form_errors.append(message)


def published_version_changes(page, kept):
    """Why the versions edited in the form (`kept`: the cleaned data of the rows kept) would
    change a published one: a list of localized messages, empty when none.

    Published versions are the page's rows in the database, which only publishing writes
    (a draft is a revision): so only a live page has any to protect.
    """
    from programme.models.protocol_versions import ProtocolVersion

    if page.pk is None or not page.live:
        return []
    by_id = {data["id"].pk: data for data in kept if data.get("id") is not None}
    errors = []
    for version in ProtocolVersion.objects.filter(page_id=page.pk).order_by("date", "pk"):
        data = by_id.get(version.pk)
        unchanged = data is not None and (
            data.get("number"), data.get("date"), getattr(data.get("document"), "pk", None)
        ) == (version.number, version.date, version.document_id)
        if not unchanged:
            errors.append(
                _("Version %(number)s is published: its number, date and PDF stay as they "
                  "are, and it stays on the page. To change the protocol, add a new version.")
                % {"number": version.number})
    return errors
