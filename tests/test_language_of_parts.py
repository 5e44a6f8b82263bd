"""Italian text shown under /en/ from an untranslated original says it is Italian
(WCAG 3.1.2, language of parts): groups, venues, the footer's contact details and the
application form's venue choices. Translated text carries no lang of its own."""

import re

import pytest
from wagtail.models import Locale

from home.models import ContactDetails
from home.templatetags.content_language import other_language
from programme.models import Group, MeetingSlot, Venue

pytestmark = pytest.mark.django_db

VENUE_NAME = "Villa Scheibler – Quarto Oggiaro"


def italian_only_group():
    """A new, published group nobody has translated yet, meeting every weekday."""
    venue = Venue.objects.get(locale=Locale.get_default(), name=VENUE_NAME)
    group = Group(locale=Locale.get_default(), name="Gruppo senza traduzione",
                  description="Ci si ritrova per parlare di lavoro.", venue=venue)
    group.slots = [MeetingSlot(weekday=day, start="10:00", end="11:00") for day in range(5)]
    group.save()
    return group


def elements_with(html, text):
    """The opening tags of the elements whose own text is `text`."""
    return re.findall(r"<(\w+)([^<>]*)>" + re.escape(text) + "<", html)


def test_an_untranslated_group_is_marked_italian_on_the_english_groups_page(client):
    italian_only_group()
    html = client.get("/en/groups/").content.decode()

    names = elements_with(html, "Gruppo senza traduzione")
    # The card's heading, its meeting rows and the calendar link's hidden name.
    assert len(names) >= 3
    assert all('lang="it"' in attrs for _tag, attrs in names), names
    [(tag, attrs)] = elements_with(html, "Ci si ritrova per parlare di lavoro.")
    assert (tag, 'lang="it"') == ("p", attrs.strip())


def test_a_translated_group_carries_no_lang_of_its_own(client):
    html = client.get("/en/groups/").content.decode()
    names = elements_with(html, "First job")
    assert names
    assert not any("lang=" in attrs for _tag, attrs in names)
    assert 'lang="it"' not in html.split('id="groups-title"')[1].split("</section>")[0]


def test_the_italian_page_marks_nothing(client):
    italian_only_group()
    html = client.get("/it/gruppi/").content.decode()
    names = elements_with(html, "Gruppo senza traduzione")
    assert names and not any("lang=" in attrs for _tag, attrs in names)


def test_a_venue_whose_translation_is_not_published_is_marked_italian(client):
    Venue.objects.filter(locale__language_code="en").update(live=False)
    html = client.get("/en/groups/").content.decode()
    venue_names = elements_with(html, VENUE_NAME)
    assert venue_names
    assert all('lang="it"' in attrs for _tag, attrs in venue_names), venue_names


def test_footer_contact_details_in_english_carry_no_lang(client):
    english = ContactDetails.objects.get(locale__language_code="en")
    html = client.get("/en/").content.decode()
    [(_tag, attrs)] = elements_with(html, english.office_name)
    assert "lang=" not in attrs


def test_footer_contact_details_from_the_italian_original_are_marked_italian(client):
    italian = ContactDetails.objects.get(locale=Locale.get_default())
    ContactDetails.objects.filter(locale__language_code="en").update(live=False)
    html = client.get("/en/").content.decode()
    [(tag, attrs)] = elements_with(html, italian.office_name)
    assert (tag, attrs.strip()) == ("strong", 'lang="it"')
    [(tag, attrs)] = elements_with(html, italian.opening_hours)
    assert (tag, attrs.strip()) == ("span", 'lang="it"')


def test_the_application_forms_untranslated_venue_choice_is_marked_italian(client):
    Venue.objects.filter(locale__language_code="en").update(live=False)
    html = client.get("/en/apply/").content.decode()
    option = re.search(r"<option [^>]*>" + re.escape(VENUE_NAME) + "</option>", html).group(0)
    assert 'lang="it"' in option
    html = client.get("/it/partecipa/").content.decode()
    option = re.search(r"<option [^>]*>" + re.escape(VENUE_NAME) + "</option>", html).group(0)
    assert "lang=" not in option


def test_other_language_names_the_originals_language_only_when_it_differs(rf):
    from django.utils import translation

    group = italian_only_group()
    with translation.override("en"):
        assert other_language(group) == "it"
    with translation.override("it"):
        assert other_language(group) == ""
    assert other_language(object()) == ""
