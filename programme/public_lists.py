"""The long public lists, as a citizen on a phone uses them: the groups filtered by venue,
day of the week and language, a page at a time; the protocol's adherents grouped by
kind of organisation.

Each answer costs the same number of queries whatever the number of groups, venues or
adherents (issue 16: 300 groups, 50 venues, 200 adherents must not make the page
longer or slower than a page of them).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from home.templatetags.content_language import other_language
from typed_text.parameters import page_number

from .models.groups import Group, MeetingSlot
from .models.venues import WEEKDAYS, Venue

# A phone shows a card per screen: twenty cards is a long scroll already, and keeps the
# page under 100 KB of HTML whatever the number of groups.
GROUPS_PER_PAGE = 20
# Page numbers have at most this many digits (the page cache keeps ?page= up to 4 digits).
PAGE_DIGITS = 4
# The "Next meetings" list stops after this many (soonest first): each group's calendar
# and each venue's have them all.
MEETINGS_SHOWN = 30
# Fewer adherents than this are listed open; more are folded, one fold per kind.
ADHERENTS_SHOWN_OPEN = 12

# Query-string names, the same in both languages (a shared link keeps its filters when
# the language is switched).
FILTER_NAMES = ("venue", "day", "language")


# --- The groups' filters -------------------------------------------------------------------


def venue_options(default_locale, active_locale):
    """The venues citizens may filter by: published originals where a published group
    meets, by name, each given `.text` (its published translation into
    `active_locale`, else itself). A list; one query for both languages."""
    meets_there = Group.objects.published().filter(
        locale=default_locale, venue__translation_key=OuterRef("translation_key"))
    rows = list(
        Venue.objects.filter(live=True, locale__in={default_locale, active_locale})
        .filter(Exists(meets_there)).order_by("name")
    )
    translated = {v.translation_key: v for v in rows if v.locale_id == active_locale.pk}
    originals = [v for v in rows if v.locale_id == default_locale.pk]
    for venue in originals:
        venue.text = translated.get(venue.translation_key, venue)
    return sorted(originals, key=lambda v: v.text.name.casefold())


class LanguageMarkedSelect(forms.Select):
    """A select whose options may be in another language than the page's: `languages`
    ({value: language code}) puts `lang` on those (WCAG 3.1.2), as `lang_attr` does
    in the templates."""

    languages = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.languages.get(str(value)):
            option["attrs"]["lang"] = self.languages[str(value)]
        return option


class GroupFilterForm(forms.Form):
    """The groups page's GET form. Values are the venue original's key, the ISO day of
    the week (1 = Monday ... 7 = Sunday) and the language code of the meetings."""

    venue = forms.ChoiceField(
        label=_("Venue"), required=False, widget=LanguageMarkedSelect,
        error_messages={"invalid_choice": _("Choose a venue from the list.")})
    day = forms.ChoiceField(
        label=_("Day of the week"), required=False,
        choices=[("", _("Any day"))] + [(str(n + 1), label) for n, label in WEEKDAYS],
        error_messages={"invalid_choice": _("Choose a day of the week from the list.")})
    language = forms.ChoiceField(
        label=_("Language of the meetings"), required=False,
        choices=[("", _("Any language"))] + list(Group.Language.choices),
        error_messages={"invalid_choice": _("Choose a language from the list.")})

    def __init__(self, data, *, venues):
        super().__init__({name: data.get(name, "") for name in FILTER_NAMES})
        self.venues = {str(venue.pk): venue for venue in venues}
        self.fields["venue"].choices = [("", _("All venues"))] + [
            (key, venue.text.name) for key, venue in self.venues.items()]
        # A venue not translated into the page's language is named in Italian.
        self.fields["venue"].widget.languages = {
            key: other_language(venue.text) for key, venue in self.venues.items()}

    def filters(self):
        """{name: value} of the valid, non-empty filters (a wrong value is left out and
        reported on its field)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in FILTER_NAMES if data.get(name)}

    def chosen_venue(self):
        """The Venue original the form filters by, or None."""
        return self.venues.get(self.filters().get("venue"))


def filter_groups(groups, filters, today):
    """`groups` (a queryset of canonical groups) narrowed by `filters`, as
    GroupFilterForm.filters gives them: the groups meeting at the venue, the groups
    with a weekly meeting on that ISO day still in force on `today` (a schedule that
    ended does not count), the groups meeting in that language."""
    if "venue" in filters:
        groups = groups.filter(venue_id=int(filters["venue"]))
    if "day" in filters:
        groups = groups.filter(Exists(MeetingSlot.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            group=OuterRef("pk"), weekday=int(filters["day"]) - 1)))
    if "language" in filters:
        groups = groups.filter(language=filters["language"])
    return groups


def filter_query(filters, page=1):
    """The query string ("?venue=3&page=2", "" for none) of `filters` and `page`: the
    filters in a fixed order, page 1 left out (one address per list)."""
    pairs = [(name, filters[name]) for name in FILTER_NAMES if filters.get(name)]
    if page != 1:
        pairs.append(("page", page))
    return "?" + urlencode(pairs) if pairs else ""


# --- Pages of a list -----------------------------------------------------------------------


@dataclass
class ListPage:
    """One page of a list. `page` (Django's Page) holds the rows; `asked` is what the
    address asked for when it was not a page of the list ("" when it was one), so the
    template says which page is shown instead."""

    page: PaginatorPage
    asked: str = ""
    links: list = field(default_factory=list)

    @property
    def missing(self):
        return bool(self.asked)


def page_of(rows, asked, *, per_page, filters=None):
    """The page of `rows` (a queryset) the `asked` value ("2", None, "abc", "9999")
    names, as a ListPage. A value that is not a page number shows the first page, a
    number past the end the last one, and `asked` is kept to say so. `links` are the
    page numbers to link (an ellipsis as None) with their query strings."""
    paginator = Paginator(rows, per_page, allow_empty_first_page=True)
    number = page_number(asked, PAGE_DIGITS) if asked is not None else 1
    missing = ""
    if number is None:
        number, missing = 1, asked
    elif number > paginator.num_pages:
        number, missing = paginator.num_pages, asked
    page = paginator.page(number)
    links = [
        (n, filter_query(filters or {}, n)) if n != Paginator.ELLIPSIS else (None, "")
        for n in paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
    ]
    return ListPage(page=page, asked=missing, links=links)


# --- The protocol's adherents --------------------------------------------------------------


def _kind_headings():
    from accounts.models import Organisation

    kind = Organisation.Kind
    return {
        kind.ASSOCIATION: _("Associations"),
        kind.EMPLOYMENT_AGENCY: _("Employment agencies"),
        kind.COOPERATIVE: _("Cooperatives"),
        kind.PUBLIC_BODY: _("Public bodies"),
        kind.TRADE_UNION: _("Trade unions"),
        kind.COMPANY: _("Companies"),
        kind.OTHER: _("Other organisations"),
    }


@dataclass
class AdherentKind:
    heading: str
    adhesions: list


def adherents_by_kind(adhesions):
    """`adhesions` (approved, organisations selected) grouped by the organisations'
    kind, in the order of Organisation.Kind (a kind no longer offered counts as
    "other"), each kind's by name: a list of AdherentKind. No query beyond iterating
    `adhesions`."""
    from accounts.models import Organisation

    headings = _kind_headings()
    groups = {}
    for adhesion in adhesions:
        kind = adhesion.organisation.kind
        groups.setdefault(kind if kind in headings else Organisation.Kind.OTHER,
                          []).append(adhesion)
    return [
        AdherentKind(heading=heading, adhesions=sorted(
            groups[kind], key=lambda a: a.organisation.name.casefold()))
        for kind, heading in headings.items() if kind in groups
    ]
