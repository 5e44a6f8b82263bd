"""The versions of the protocol, each with its PDF, kept on the protocol page.

Apart from pages.py because the protocol page's admin form (protocol_forms.py) reads the
published versions, and pages.py uses that form: the form imports this module, which
imports neither.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class ProtocolVersion(Orderable):
    """One version of the protocol: its number, its date and its PDF. Not translatable:
    a version is the same document in every language; the English page shows the
    versions of the Italian original (programme.protocol_versions.versions_of)."""

    page = ParentalKey("programme.ProtocolPage", on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(
        _("version number"), max_length=30,
        validators=[RegexValidator(
            r"^[0-9A-Za-z][0-9A-Za-z.-]*$",
            _("Write the version number with digits, letters, dots and hyphens only "
              "(for example 2.0): it is part of the PDF's address."))],
        help_text=_("For example 2.0. Part of the address of this version's PDF."),
    )
    date = models.DateField(_("date of the version"))
    # PROTECT: a published version's PDF stays downloadable at its address.
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("protocol (PDF)"), on_delete=models.PROTECT,
        related_name="+",
    )

    panels = [FieldPanel("number"), FieldPanel("date"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("version of the protocol")
        verbose_name_plural = _("versions of the protocol")

    def __str__(self):
        return self.number
