from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import (
    FORM_FIELD_CHOICES,
    AbstractEmailForm,
    AbstractFormField,
    FormSubmission,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    Page,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail_localize.fields import SynchronizedField, TranslatableField

from antispam.forms import SpamProtectedFormPageMixin
from readable.display import language_name
from typed_text.phones import PhoneNumberField, validate_phone
from typed_text.web_addresses import validate_visible_web_address

from .blocks import BaseStreamBlock, StandardPageStreamBlock
from .problem_reports import ProblemReportFormBuilder, problem_report_form_class, report_fields


class HomePage(Page):
    """The programme's front page: what it is, for whom, and where to go next."""

    intro = RichTextField(
        _("What the programme is"), features=["bold", "italic", "link"], blank=True
    )
    audience = RichTextField(
        _("Who it is for"), features=["bold", "italic", "link", "ul"], blank=True
    )
    participate_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("“Take part” leads to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("“Contact us” leads to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    news_index = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("Latest news from"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("The news section whose latest articles the home page shows."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("More content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [PageChooserPanel("participate_page"), PageChooserPanel("contact_page")],
            heading=_("Calls to action"),
        ),
        PageChooserPanel("news_index"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("audience")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from languages.versions import language_code, localized_pages
        from pagecache.data import cached
        from pagecache.tags import children_tag, page_tag
        from seo.metadata import with_descriptions

        context = super().get_context(request, *args, **kwargs)
        code = language_code()

        # One query per page type, then kept in the cache until one of the home page's
        # children changes. Bodies included: a card without an introduction shows its
        # first paragraph. Each is read when the template first asks for it: inside the
        # cards' cached fragment (home_page.html), only when that is rendered again.
        highlights = _once(lambda: cached(
            request, ("home-highlights", self.pk, code),
            lambda: with_descriptions(list(self.get_children().live().in_menu().specific())),
            tags=[children_tag(self.path)],
        ))

        # Any section page that knows its latest items can fill the news slot; the home
        # app does not need to know the news models. An article published clears the
        # latest items only, not the highlights.
        def news_index():
            if not self.news_index_id:
                return None
            return cached(
                request, ("home-news-index", self.pk, code),
                lambda: _specific_or_none(
                    localized_pages(request, [self.news_index_id]).get(self.news_index_id)),
                tags=[page_tag(self.news_index_id)],
            )

        news_index = _once(news_index)

        def latest_news():
            index = news_index()
            latest = getattr(index, "latest_items", None)
            if not callable(latest):
                return []
            return cached(request, ("home-latest-items", index.pk),
                          lambda: with_descriptions(latest(3)),
                          tags=[children_tag(index.path)])

        latest_news = _once(latest_news)
        context["highlights"] = highlights
        context["news_index"] = news_index
        context["latest_news"] = latest_news
        return context


def _once(compute):
    """A function that computes its answer the first time it is called (a template's
    variable calls it), then gives the same again."""
    found = []

    def answer():
        if not found:
            found.append(compute())
        return found[0]

    return answer


def _specific_or_none(page):
    return page.specific if page is not None else None


class StandardPage(Page):
    """A plain content page: privacy notice, accessibility statement, legal notes, FAQ."""

    introduction = models.TextField(_("Introduction"), blank=True, max_length=500)
    body = StreamField(StandardPageStreamBlock(), verbose_name=_("Body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("standard page")


class ContactDetailsForm(WagtailAdminModelForm):
    """The snippet's admin form: numbers phonenumbers accepts, kept as the editor wrote
    them (the footer and the mails show "02 884 47502"), and a Facebook address with no
    hidden character (typed_text)."""

    def clean_phone_primary(self):
        validate_phone(self.cleaned_data["phone_primary"])
        return self.cleaned_data["phone_primary"]

    def clean_phone_secondary(self):
        validate_phone(self.cleaned_data["phone_secondary"])
        return self.cleaned_data["phone_secondary"]

    def clean_facebook_url(self):
        validate_visible_web_address(self.cleaned_data["facebook_url"])
        return self.cleaned_data["facebook_url"]


@register_snippet
class ContactDetails(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin,
                     TranslatableMixin, PreviewableMixin, models.Model):
    """The programme's office and how to reach it, shown in every footer.

    A translatable snippet rather than a site setting: settings cannot be translated,
    and the opening hours and the office's name read differently in each language.
    """

    office_name = models.CharField(_("office"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    phone_primary = models.CharField(_("phone"), max_length=30)
    phone_secondary = models.CharField(_("second phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"))
    # The model's footer lists a certified address (posta elettronica certificata): the
    # one whose messages have legal value, e.g. a formal complaint.
    pec = models.EmailField(_("certified email (PEC)"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=250, blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="contact_details")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState", content_type_field="base_content_type",
        object_id_field="object_id", related_query_name="contact_details",
        for_concrete_model=False,
    )

    base_form_class = ContactDetailsForm
    panels = [
        FieldPanel("office_name"),
        MultiFieldPanel(
            [FieldPanel("street_address"), FieldPanel("postal_code"), FieldPanel("city")],
            heading=_("Address"),
        ),
        MultiFieldPanel(
            [FieldPanel("phone_primary"), FieldPanel("phone_secondary"), FieldPanel("email"),
             FieldPanel("pec")],
            heading=_("Phone and email"),
        ),
        FieldPanel("opening_hours"),
        FieldPanel("facebook_url"),
    ]

    # Only the words are translated; the address, numbers and links are the same in
    # every language and follow the Italian original.
    translatable_fields = [
        TranslatableField("office_name"),
        TranslatableField("opening_hours"),
        SynchronizedField("street_address"),
        SynchronizedField("postal_code"),
        SynchronizedField("city"),
        SynchronizedField("phone_primary"),
        SynchronizedField("phone_secondary"),
        SynchronizedField("email"),
        SynchronizedField("pec"),
        SynchronizedField("facebook_url"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self):
        return self.office_name

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "home/contact_details_preview.html"

    @classmethod
    def for_active_locale(cls):
        """The active language's published version, else the default language's, else
        None. A draft never published is nobody's contact details yet."""
        rows = {c.locale_id: c for c in cls.objects.filter(live=True)
                .select_related("locale").order_by("pk")[:10]}
        active = Locale.get_active()
        if active.pk in rows:
            return rows[active.pk]
        return next(iter(rows.values()), None)

    @classmethod
    def for_request(cls, request=None):
        """As `for_active_locale()`, in one query, then from the data cache (the data
        version covers ContactDetails: a publication clears it)."""
        from languages.versions import language_code
        from pagecache.data import cached
        from pagecache.tags import model_tag

        code = language_code()

        def compute():
            rows = list(cls.objects.filter(live=True).select_related("locale").order_by("pk")[:10])
            return next((row for row in rows if row.locale.language_code == code),
                        rows[0] if rows else None)

        return cached(request, ("contact-details", code), compute,
                      tags=[model_tag(cls._meta.label)])

    @staticmethod
    def tel_href(number):
        """A dialable tel: address for a number written the Italian way (02 884 47502)."""
        digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
        return "tel:" + (digits if digits.startswith("+") else "+39" + digits)


@register_setting(icon="link")
class FooterLinks(BaseSiteSetting):
    """Pages every footer links to; each link follows the visitor's language."""

    privacy_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("privacy notice"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("accessibility statement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    legal_notes_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("legal notes"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    faq_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("frequently asked questions"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    report_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("report a problem (“Segnala disservizio”)"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    site_map_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("site map"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    open_data_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("open data"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    outcomes_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("the programme in numbers"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [
        PageChooserPanel("privacy_page"),
        PageChooserPanel("accessibility_page"),
        PageChooserPanel("legal_notes_page"),
        PageChooserPanel("faq_page"),
        PageChooserPanel("report_page", ["home.ProblemReportPage"]),
        PageChooserPanel("site_map_page", ["home.SiteMapPage"]),
        PageChooserPanel("open_data_page"),
        PageChooserPanel("outcomes_page", ["outcomes.OutcomesPage"]),
    ]

    class Meta:
        verbose_name = _("footer links")


class ContactFormField(TranslatableMixin, AbstractFormField):
    """One field of the contact form. Translatable like the page (label, help text,
    choices, default value): a plain child row would be copied from the Italian page into
    the English one, and the English form would be labelled in Italian."""

    FIELD_TYPES = FORM_FIELD_CHOICES + (("phone", _("Phone number")),)

    page = ParentalKey("home.ContactPage", on_delete=models.CASCADE, related_name="form_fields")
    field_type = models.CharField(_("field type"), max_length=16, choices=FIELD_TYPES)

    # The stored key of each answer must be the same in every language, or the English
    # page's submissions would be filed under other names.
    override_translatable_fields = [SynchronizedField("clean_name", overridable=False)]

    class Meta(TranslatableMixin.Meta, AbstractFormField.Meta):
        pass


class ContactFormBuilder(FormBuilder):
    def create_phone_field(self, field, options):
        return PhoneNumberField(**options)


class ContactSubmission(FormSubmission):
    """A message sent through a contact page, in whichever language's page."""

    class Meta:
        proxy = True
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def get_data(self):
        """The answers, plus the language of the page the message was sent from, by
        name (select `page__locale` with it: ContactPage.get_submissions does)."""
        return {**super().get_data(), "language": language_name(self.page.locale.language_code)}


class MessageFormPageMixin:
    """What every page whose form sends a message to the Segreteria shares (the contact
    page, the problem report page): the privacy acknowledgement, one list of messages for
    every language with its handled flag and safe exports, the message stored before
    its mail is queued. Placed after SpamProtectedFormPageMixin, before AbstractEmailForm."""

    # Translators must not redirect the messages elsewhere.
    override_translatable_fields = [
        SynchronizedField("to_address", overridable=False),
        SynchronizedField("from_address", overridable=False),
    ]
    max_count_per_parent = 1
    subpage_types = []

    def get_form_class(self):
        from .contact import contact_form_class

        return contact_form_class(super().get_form_class())

    def get_submissions_list_view_class(self):
        from .contact import ContactSubmissionsListView

        return ContactSubmissionsListView

    def get_submission_class(self):
        return ContactSubmission

    def get_submissions(self):
        """The messages sent through this page and through its translations: the
        Segreteria reads one list, whatever the language a person wrote in."""
        return ContactSubmission.objects.filter(
            page__translation_key=self.translation_key
        ).select_related("page__locale")

    def get_data_fields(self):
        fields = super().get_data_fields()
        return fields[:1] + [("language", _("Language"))] + fields[1:]

    def process_form_submission(self, form):
        from .contact import store_and_notify

        return store_and_notify(self, form)


class ContactPage(SpamProtectedFormPageMixin, MessageFormPageMixin, AbstractEmailForm):
    """"Contattaci": editors choose the fields, the texts and who receives the messages."""

    form_builder = ContactFormBuilder

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)
    thank_you_text = RichTextField(_("text after sending"), features=["bold", "italic", "link"],
                                   blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FieldPanel("introduction"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldPanel("to_address"), FieldPanel("subject")],
            heading=_("Who receives the messages"),
        ),
    ]

    class Meta:
        verbose_name = _("contact page")



class MessageHandling(models.Model):
    """Whether a contact message has been handled, who said so and when
    (home.message_handling). No row means nobody has handled it yet; reopening a message
    keeps the row, with `handled` false and who reopened it."""

    submission = models.OneToOneField(
        FormSubmission, on_delete=models.CASCADE, primary_key=True, related_name="handling",
        verbose_name=_("message"))
    handled = models.BooleanField(_("handled"), default=False)
    handled_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("reopened by"))
    reopened_at = models.DateTimeField(_("reopened on"), null=True, blank=True)

    class Meta:
        verbose_name = _("handling of a message")
        verbose_name_plural = _("handling of messages")

    def __str__(self):
        return f"{self.submission_id}: {self.handled}"


def office_contacts(language):
    """How a person reaches the office, for a mail in `language` ("it", "en").

    Returns {"office_phone": «02 884 47502» or "", "contact_url": the contact page in
    that language (else the original), absolute, or ""}; from the ContactDetails snippet
    and the live contact page.
    """
    from home.contact import absolute_url

    details = list(ContactDetails.objects.filter(live=True).select_related("locale")
                   .order_by("pk"))
    detail = next((row for row in details if row.locale.language_code == language),
                  details[0] if details else None)
    pages = list(ContactPage.objects.live().select_related("locale"))
    page = next((row for row in pages if row.locale.language_code == language),
                pages[0] if pages else None)
    url = page.get_url() if page is not None else None
    return {
        "office_phone": detail.phone_primary if detail is not None else "",
        "contact_url": (url if url and url.startswith("http") else absolute_url(url))
        if url else "",
    }


class ProblemReportPage(SpamProtectedFormPageMixin, MessageFormPageMixin, AbstractEmailForm):
    """«Segnala disservizio»: a category, a description (required, at most 2,000
    characters) and an optional email or phone. Stored and triaged as contact messages;
    why a page type of its own and the form's rules: home.problem_reports."""

    spam_form_name = "problem-report"
    submissions_heading = _("Problem reports")  # the heading of their list in the admin
    form_builder = ProblemReportFormBuilder
    template = "home/problem_report_page.html"
    landing_page_template = "home/problem_report_page_landing.html"

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)
    thank_you_text = RichTextField(_("text after sending"), features=["bold", "italic", "link"],
                                   blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldPanel("to_address"), FieldPanel("subject")],
            heading=_("Who receives the reports"),
        ),
    ]

    class Meta:
        verbose_name = _("problem report page")

    def get_form_fields(self):
        return report_fields()

    def get_form_class(self):
        return problem_report_form_class(super().get_form_class())


# A page type of its own module, registered with the app through this one.
from .site_map import SiteMapPage  # noqa: E402, F401
