"""The upload form of the job service's export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import UnreadableFile, check_size


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export of the job service's database"),
        help_text=_("CSV (UTF-8, “;” or “,”) or Excel workbook (.xlsx), at most 5 MB."),
        error_messages={"required": _("Choose the file to import.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            check_size(uploaded)  # before anything reads it
        except UnreadableFile as error:
            raise forms.ValidationError(error.message, code="too_large") from None
        return uploaded
