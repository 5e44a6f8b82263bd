"""StreamField blocks shared by the site's pages (programme pages use them too)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        help_text=_("Describe the image for people who cannot see it."),
        max_length=250,
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(
        label=_("Answer"), features=["bold", "italic", "link", "ul", "ol"]
    )


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"))

    class Meta:
        icon = "help"
        template = "blocks/faq_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), max_length=200)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_block.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Button text"), max_length=80)
    page = blocks.PageChooserBlock(label=_("Page"))

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class BaseStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), form_classname="title", template="blocks/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=RICH_TEXT_FEATURES)
    image = ImageBlock(label=_("Image"))
    callout = CalloutBlock(label=_("Callout"))
    faq = FAQBlock(label=_("Frequently asked questions"))
    document = DocumentBlock(label=_("Document"))
    call_to_action = CallToActionBlock(label=_("Call to action"))


class ContentLicenceBlock(blocks.StructBlock):
    """The legal notes' content licence, as Designers Italia's validator finds it: a
    heading marked data-element="legal-notes-section" whose whole text is "Licenza dei
    contenuti" and a body marked "legal-notes-body" holding exactly the model's text
    (pa-website-validator-ng, src/audits/license/legalNotes.ts). Editors keep both
    texts editable and translatable; only the markup is fixed."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(
        label=_("Licence text"),
        help_text=_("The model prescribes this text word for word: change it only if the "
                    "licence changes."),
    )

    class Meta:
        icon = "doc-full-inverse"
        label = _("Content licence")
        template = "blocks/content_licence_block.html"


class StandardPageStreamBlock(BaseStreamBlock):
    """The standard page's body: the shared blocks and the legal notes' licence."""

    content_licence = ContentLicenceBlock()
