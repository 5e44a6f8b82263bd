"""The document admin's form: a protocol version's PDF is never replaced in place.

Replacing a document's file keeps its id and address but deletes the former file: the
version a partner accepted would then open another text. A new text of the protocol is a
new version on the protocol page (programme.protocol_versions), approved with the page.
Settings: WAGTAILDOCS_DOCUMENT_FORM_BASE names this form.
"""

from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm


class ProtocolDocumentForm(BaseDocumentForm):
    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and "file" in self.changed_data and is_protocol_version(
                self.instance):
            self.add_error("file", _(
                "This PDF is a version of the protocol that partners accepted: its file "
                "cannot be replaced. To publish a new text, add a new version on the "
                "protocol page (Versions of the protocol); it goes live once approved."))
        return cleaned_data


def is_protocol_version(document):
    """True when `document` is the PDF of a version of the protocol (any page, any
    language, published or in a page's first save)."""
    from programme.models.protocol_versions import ProtocolVersion

    return ProtocolVersion.objects.filter(document_id=document.pk).exists()
