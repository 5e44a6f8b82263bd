"""The programme's pages. Thin: what they show is computed in programme/*.py functions."""

from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from home.blocks import BaseStreamBlock
from languages.routes import LocalizedRoutesMixin, localized_path

from ..protocol_forms import ProtocolPageForm
from ..public_lists import GROUPS_PER_PAGE, page_of
from ..service_categories import ServiceCategory, ServiceStatus
from .adhesions import Adhesion
from .groups import SCHEDULE_PREFETCH, Group
from .offices import ResponsibleOffice
from .venues import Venue


def _groups_for_listing(request, *related):
    """Group.objects.for_listing(), with the default Locale from the cache (one query
    fewer) and, when asked, more related rows in the same query (the venues' photos)."""
    from languages.versions import default_locale
    from programme.seats import with_seats

    # Seats taken come with the groups (one annotated query): the public status needs them.
    return (
        with_seats(Group.objects.published().filter(locale=default_locale(request)))
        .select_related("venue", *related)
        .prefetch_related(*SCHEDULE_PREFETCH)
        .order_by("name")
    )


def _application_form_link():
    """The page an "Apply to join a group" button leads to (chosen by editors)."""
    return models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("application form"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Where the “Apply to join a group” button leads."),
    )


def _section(label):
    return StreamField(BaseStreamBlock(), verbose_name=label, blank=True)


class ProgrammePage(Page):
    """The service sheet, in the order of the Designers Italia municipal-site model
    (design-comuni-docs, "Scheda servizio"; the validator's
    src/storage/municipality/contentTypeItems.ts): breadcrumb with the service's
    category, title, status, short description, the eight sections, topics, last update.
    """

    category = models.CharField(
        _("service category"), max_length=40, choices=ServiceCategory.choices,
        default=ServiceCategory.WORK_LIFE,
        help_text=_("Shown in the breadcrumb: Home / Services / category / title."))
    service_status = models.CharField(
        _("service status"), max_length=10, choices=ServiceStatus.choices,
        default=ServiceStatus.ACTIVE)
    status_reason = models.CharField(
        _("reason for the status"), max_length=250, blank=True,
        help_text=_("Required when the service is not active: why, and until when."))
    introduction = models.TextField(_("introduction"), max_length=500)
    for_whom = _section(_("Who it is for"))
    how_to = _section(_("How to take part"))
    what_you_need = _section(_("What you need"))
    what_you_get = _section(_("What you get"))
    timing = _section(_("Times and deadlines"))
    access = _section(_("Access the service"))
    conditions = _section(_("Conditions of service"))
    conditions_document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("conditions of service (document)"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The document people download under “Conditions of service”, "
                    "e.g. the protocol's PDF."))
    responsible_office = models.ForeignKey(
        ResponsibleOffice, verbose_name=_("responsible office"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    # Kept as further contact text under the office (the page's contacts before the
    # office snippet existed): nothing editors wrote is lost.
    contacts = _section(_("Other contacts"))
    topics = ParentalManyToManyField("topics.Topic", verbose_name=_("topics"), blank=True,
                                     related_name="+")
    intake_page = _application_form_link()

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("category"), FieldPanel("service_status"),
                         FieldPanel("status_reason")], heading=_("Service")),
        FieldPanel("introduction"),
        FieldPanel("for_whom"),
        FieldPanel("how_to"),
        FieldPanel("what_you_need"),
        FieldPanel("what_you_get"),
        FieldPanel("timing"),
        FieldPanel("access"),
        PageChooserPanel("intake_page"),
        FieldPanel("conditions"),
        FieldPanel("conditions_document"),
        FieldPanel("responsible_office"),
        FieldPanel("contacts"),
        FieldPanel("topics"),
        InlinePanel("venue_links", label=_("Venue")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("for_whom"),
        index.SearchField("how_to"),
        # The topics' chips link to a search for the topic's name: the page must be
        # found by it. Indexed when the page is published (a topic renamed or the page
        # re-tagged reaches the index with the page's next publication, or update_index).
        index.SearchField("topic_names"),
    ]
    # The office is shown in the reader's language at render time (ResponsibleOffice.
    # in_language): a translation of the page need not wait for the office's.
    override_translatable_fields = [SynchronizedField("responsible_office")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("programme page")

    # The model's sections in its order: (anchor, heading, field name, data-element).
    # Headings in Italian are the model's exact words ("Condizioni di servizio"...).
    SECTIONS = [
        ("a-chi-e-rivolto", _("Who it is for"), "for_whom", "service-addressed"),
        ("come-fare", _("How to take part"), "how_to", "service-how-to"),
        ("cosa-serve", _("What you need"), "what_you_need", "service-needed"),
        ("cosa-si-ottiene", _("What you get"), "what_you_get", "service-achieved"),
        ("tempi-e-scadenze", _("Times and deadlines"), "timing", "service-calendar-text"),
        ("accedi-al-servizio", _("Access the service"), "access", "service-generic-access"),
        ("condizioni", _("Conditions of service"), "conditions", "service-file"),
        ("contatti", _("Contacts"), "contacts", "service-area"),
    ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.service_status == ServiceStatus.INACTIVE and not self.status_reason.strip():
            raise ValidationError({"status_reason": _(
                "Say why the service is not active: people read the reason next to the "
                "status.")})

    def breadcrumb_trail(self):
        """[(label, url or None)] between the page's ancestors and its title: the model's
        "Servizi" and the service's category (no page of their own: plain text)."""
        return [(_("Services"), None), (self.get_category_display(), None)]

    def sections(self):
        """The eight sections, each always present (the model requires every one):
        [{anchor, heading, body, field, data_element}]."""
        return [
            {"anchor": anchor, "heading": heading, "body": getattr(self, field),
             "field": field, "data_element": data_element}
            for anchor, heading, field, data_element in self.SECTIONS
        ]

    def conditions_attachment(self):
        """The "Conditions of service" document as the page links it: {"url", "title",
        "format" ("PDF"), "size" (bytes, or None when unknown)}, or None without one.

        Never saves the document: Wagtail's get_file_size() stores a missing size, and a
        document's save clears every cached page (pagecache), so a page read would
        make itself uncacheable.
        """
        document = self.conditions_document
        if document is None:
            return None
        size = document.file_size
        if size is None:
            try:
                size = document.file.size
            except OSError:  # the file is missing from storage: the link says no size
                size = None
        return {"url": document.url, "title": document.title,
                "format": document.file_extension.upper(), "size": size}

    def topics_shown(self, locale):
        """The page's topics in `locale`, sorted by name: one query for the rows (or none
        when prefetched) and one at most for their translations."""
        from topics.shown import in_language

        return in_language(self.topics.all(), locale)

    def topic_names(self):
        """The names of the page's topics in the page's own language (str, ". "-joined,
        sorted by name; "" without topics): what the search index holds of them."""
        return ". ".join(topic.name for topic in self.topics_shown(self.locale))

    def venues(self):
        """The venues listed on the page in the page's language, published ones only: a
        venue whose translation is not published yet shows the published original instead.

        wagtail-localize copies the links of a translated page as they are, so the English
        page links the Italian venues: each is swapped for its version in the page's
        locale (one query, whatever the number of venues)."""
        from programme.moderation import published_versions

        linked = [link.venue for link in self.venue_links.select_related("venue__photo")]
        if not linked:
            return []
        in_locale = {
            venue.translation_key: venue
            for venue in Venue.objects.filter(
                translation_key__in=[v.translation_key for v in linked],
                locale_id=self.locale_id).select_related("photo")
        }
        return published_versions([in_locale.get(v.translation_key, v) for v in linked])

    def get_context(self, request, *args, **kwargs):
        from languages.versions import active_locale

        context = super().get_context(request, *args, **kwargs)
        locale = active_locale(request)
        context["sections"] = self.sections()
        context["venues"] = self.venues()
        context["topics"] = self.topics_shown(locale)
        context["attachment"] = self.conditions_attachment()
        context["office"] = (self.responsible_office.in_language(locale)
                             if self.responsible_office_id else None)
        return context


class ProgrammePageVenue(Orderable):
    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="venue_links")
    venue = models.ForeignKey("programme.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="+")

    panels = [FieldPanel("venue")]


class GroupIndexPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """Where and when groups meet: the groups a page at a time, filtered by venue, day and
    language (programme.public_lists), their next meetings, calendar feeds (all groups,
    a venue's, a group's)."""

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)
    weeks_ahead = models.PositiveSmallIntegerField(
        _("weeks of meetings shown"), default=4,
    )
    intake_page = _application_form_link()

    content_panels = Page.content_panels + [
        FieldPanel("introduction"), PageChooserPanel("intake_page"), FieldPanel("weeks_ahead"),
    ]
    max_count_per_parent = 1
    subpage_types = []
    groups_per_page = GROUPS_PER_PAGE

    class Meta:
        verbose_name = _("groups and schedule page")

    def get_context(self, request, *args, **kwargs):
        from languages.versions import active_locale, default_locale
        from programme.public_lists import (
            MEETINGS_SHOWN,
            GroupFilterForm,
            filter_groups,
            filter_query,
            page_of,
            venue_options,
        )
        from programme.schedule import slots_in_force, upcoming_meetings, with_translated_texts

        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        locale = active_locale(request)
        form = GroupFilterForm(request.GET,
                               venues=venue_options(default_locale(request), locale))
        filters = form.filters()
        listed = page_of(
            filter_groups(_groups_for_listing(request, "venue__photo"), filters, today),
            request.GET.get("page"), per_page=self.groups_per_page, filters=filters)
        groups = with_translated_texts(listed.page.object_list, reasons=True, locale=locale)
        for group in groups:
            group.slots_shown = slots_in_force(group, today)
        venues = list({g.venue_text.pk: g.venue_text for g in groups}.values())
        for group in groups:
            group.venue_text.feed_id = group.venue_id  # the original's key names the feed
        # Each venue card shows the venue's photo: one query for all of them, not one each.
        prefetch_related_objects(venues, "photo")
        meetings = upcoming_meetings(groups, start=today, days=7 * self.weeks_ahead)
        context.update({
            "groups": groups,
            "groups_page": listed,
            "filter_form": form,
            "filters": filters,
            "chosen_venue": form.chosen_venue(),
            "previous_query": (filter_query(filters, listed.page.previous_page_number())
                               if listed.page.has_previous() else None),
            "next_query": (filter_query(filters, listed.page.next_page_number())
                           if listed.page.has_next() else None),
            "today": today,
            "venues": venues,
            # The meetings of the groups listed on this page, the soonest: a page's
            # worth, whatever the number of groups.
            "meetings": meetings[:MEETINGS_SHOWN],
            "more_meetings": len(meetings) > MEETINGS_SHOWN,
        })
        return context

    @path("")
    def index(self, request):
        response = self.render(request)
        # ?page=40 of 15 pages (or ?page=abc) shows a page of the list and says so, as a
        # 404: never stored by the page cache, never indexed as a page of its own.
        if response.context_data["groups_page"].missing:
            response.status_code = 404
        return response

    @localized_path({"it": "calendario.ics", "en": "calendar.ics"}, name="calendar_all")
    def calendar_all(self, request):
        from languages.versions import active_locale
        from programme.calendar import calendar_response

        return calendar_response(_groups_for_listing(request),
                                 filename=pgettext("file name", "groups.ics"),
                                 locale=active_locale(request))

    @localized_path(
        {"it": "sedi/<int:venue_id>/calendario.ics", "en": "venues/<int:venue_id>/calendar.ics"},
        name="calendar_venue",
    )
    def calendar_venue(self, request, venue_id):
        from django.http import Http404

        from languages.versions import active_locale, default_locale
        from programme.calendar import calendar_response

        # The published original the address names and its published translation, in
        # one query; a translation's own key, a draft or an unknown key is a 404.
        locale, default = active_locale(request), default_locale(request)
        rows = {venue.locale_id: venue for venue in Venue.objects.filter(
            live=True, locale__in={locale, default},
            translation_key__in=Venue.objects.filter(
                pk=venue_id, locale=default, live=True).values("translation_key"))}
        if default.pk not in rows:
            raise Http404
        venue = rows[default.pk]
        return calendar_response(
            _groups_for_listing(request).filter(venue=venue),
            filename=pgettext("file name", "venue-%(id)s.ics") % {"id": venue.pk},
            name=rows.get(locale.pk, venue).name, locale=locale)

    @localized_path(
        {"it": "<int:group_id>/calendario.ics", "en": "<int:group_id>/calendar.ics"},
        name="calendar_group",
        # The former address repeated the section's name (/en/groups/gruppi/1/calendario.ics).
        legacy=["gruppi/<int:group_id>/calendario.ics"],
    )
    def calendar_group(self, request, group_id):
        from django.shortcuts import get_object_or_404

        from languages.versions import active_locale
        from programme.calendar import calendar_response

        group = get_object_or_404(_groups_for_listing(request), pk=group_id)
        return calendar_response(
            [group], filename=pgettext("file name", "group-%(id)s.ics") % {"id": group.pk},
            locale=active_locale(request))


class NewsIndexPage(RoutablePageMixin, Page):
    introduction = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["programme.NewsPage"]
    max_count_per_parent = 1
    PER_PAGE = 10

    class Meta:
        verbose_name = _("news index")

    def news(self):
        return (
            NewsPage.objects.child_of(self).live().select_related("image")
            .order_by("-date", "-pk")
        )

    def latest_items(self, count):
        """The news slot of the home page asks for this."""
        return list(self.news()[:count])

    @path("")
    def index(self, request):
        listing = page_of(self.news(), request.GET.get("page"), per_page=self.PER_PAGE)
        response = self.render(request, context_overrides={"news_page": listing.page,
                                                           "news_listing": listing})
        # As the groups page: ?page=9999 shows the last page and says so, as a 404, so
        # the page cache never stores a copy per number anyone types.
        if listing.missing:
            response.status_code = 404
        return response

    @path("rss.xml", name="rss")
    def rss(self, request):
        from programme.feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), max_length=400)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    image_alt_text = models.CharField(_("image description"), max_length=250, blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt_text")], heading=_("Image")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["programme.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")


class ProtocolPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """The signed protocol, its founding signatories, its versions (each a PDF at an address
    of its own, the current one at a fixed address) and the organisations that joined."""

    body = StreamField(BaseStreamBlock(), verbose_name=_("text of the protocol"), blank=True)
    signed_on = models.DateField(_("date of signature"))
    join_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("“Join the protocol” leads to"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Leave empty to send organisations to the partner area."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("signed_on"),
        InlinePanel(
            "versions", label=_("Version of the protocol"), min_num=1,
            heading=_("Versions of the protocol"),
            help_text=_("A new version is a new row with its number, date and PDF; it goes "
                        "live when the page is approved. Published versions stay as "
                        "they are: their PDF stays downloadable at its own address."),
        ),
        InlinePanel("signatories", label=_("Founding signatory")),
        FieldPanel("body"),
        PageChooserPanel("join_page"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    base_form_class = ProtocolPageForm
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("protocol page")

    def protocol_versions(self):
        """The versions of the protocol, newest first (see programme.protocol_versions)."""
        from programme.protocol_versions import versions_of

        return versions_of(self)

    @path("")
    def index(self, request):
        return self.render(request)

    @localized_path({"it": "protocollo.pdf", "en": "protocol.pdf"}, name="current_pdf")
    def current_pdf(self, request):
        from programme.protocol_versions import serve_current

        return serve_current(self, request)

    @localized_path({"it": "versioni/<str:number>.pdf", "en": "versions/<str:number>.pdf"},
                    name="version_pdf")
    def version_pdf(self, request, number):
        from programme.protocol_versions import serve_version

        return serve_version(self, request, number)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The template and the JSON-LD both list the signatories: one query for both.
        prefetch_related_objects([self], "signatories")
        # However many joined, the list stays short to read: folded by kind of
        # organisation (<details>, no JavaScript) once there are more than a few.
        from programme.public_lists import ADHERENTS_SHOWN_OPEN, adherents_by_kind

        adherents = list(Adhesion.objects.listed())
        context["adherents"] = adherents
        context["adherent_kinds"] = adherents_by_kind(adherents)
        context["adherents_folded"] = len(adherents) > ADHERENTS_SHOWN_OPEN
        return context


class ProtocolSignatory(TranslatableMixin, Orderable):
    """A founding signatory. Translatable, so the English page names the organisations and
    roles in English (wagtail-localize translates translatable inline children only)."""

    page = ParentalKey(ProtocolPage, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.CharField(_("organisation"), max_length=200)
    representative = models.CharField(_("representative"), max_length=150)
    role = models.CharField(_("role"), max_length=150)

    panels = [FieldPanel("organisation"), FieldPanel("representative"), FieldPanel("role")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        pass
