"""What a person sees on the pages (issue 11): the meetings the groups page and the
calendar feeds announce, the cards' summaries, the partner dashboard's status.

Through Django's test client on the demo content, in both languages.
"""

import datetime
import re

import pytest
from dateutil.rrule import rrulestr
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Locale

from programme.models import Group, GroupIndexPage, HolidayMeeting, MeetingSlot, Venue
from programme.schedule import is_public_holiday, public_holidays, upcoming_meetings

pytestmark = pytest.mark.django_db

LANGUAGES = ["it", "en"]
GROUPS_PAGE = {"it": "/it/gruppi/", "en": "/en/groups/"}


# --- Meetings do not fall on public holidays -------------------------------------------


def _group_in_memory(weekdays):
    group = Group(name="Prova", status=Group.Status.AUTOMATIC)
    group.slots = [MeetingSlot(weekday=w, start=datetime.time(18), end=datetime.time(19))
                   for w in weekdays]
    return group


def test_milans_december_holidays_have_no_meetings():
    """7 December 2026 (Sant'Ambrogio, Milan's patron) is a Monday, the 8th (Immacolata)
    a Tuesday, Christmas a Friday: a group meeting on those weekdays skips those dates
    without an editor cancelling each, and meets on the others."""
    group = _group_in_memory([0, 1, 4])
    meetings = upcoming_meetings([group], datetime.date(2026, 12, 1), 31)
    days = {m.date for m in meetings if not m.cancelled}
    # Listed all the same, marked cancelled for the holiday.
    assert {m.date for m in meetings if m.cancelled and m.public_holiday} == {
        datetime.date(2026, 12, d) for d in (7, 8, 25)}
    assert {datetime.date(2026, 12, d) for d in (7, 8, 25)}.isdisjoint(days)
    assert {datetime.date(2026, 12, d) for d in (4, 11, 14, 15, 18, 21, 22, 28, 29)} <= days


def test_the_holidays_come_from_the_holidays_package_with_milans_patron_day():
    assert is_public_holiday(datetime.date(2026, 12, 7))  # Sant'Ambrogio (MI only)
    assert is_public_holiday(datetime.date(2027, 3, 29))  # Easter Monday 2027
    assert is_public_holiday(datetime.date(2027, 4, 25))
    assert not is_public_holiday(datetime.date(2026, 12, 9))
    assert public_holidays(datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)) == [
        datetime.date(2026, 12, d) for d in (7, 8, 25, 26)]


def test_an_opened_holiday_has_its_meeting():
    group = _group_in_memory([0])
    group.holiday_meetings = [HolidayMeeting(date=datetime.date(2026, 12, 7))]
    days = {m.date for m in upcoming_meetings([group], datetime.date(2026, 12, 1), 14)
            if not m.cancelled}
    assert days == {datetime.date(2026, 12, 7), datetime.date(2026, 12, 14)}


def _next_holiday(today):
    return public_holidays(today, today + datetime.timedelta(days=400))[0]


def _group_meeting_on(day):
    venue = Venue.objects.filter(locale=Locale.get_default()).first()
    group = Group(locale=Locale.get_default(), name="Gruppo delle feste",
                  description="Si incontra ogni settimana.", venue=venue)
    group.slots = [MeetingSlot(weekday=day.weekday(), start=datetime.time(18),
                               end=datetime.time(19, 30))]
    group.save()
    return group


def _page_dates(html, name):
    """The dates of `name`'s meetings in the page's "Next meetings" list (those held: a
    holiday is listed as cancelled)."""
    section = re.search(r'id="meetings-title".*?</section>', html, re.S).group(0)
    return {
        datetime.date.fromisoformat(match[:10])
        for item in re.findall(r"<li.*?</li>", section, re.S)
        if name in item and "meeting-cancelled" not in item
        for match in re.findall(r'datetime="([^"]+)"', item)
    }


def _feed_dates(client, url, summary, until):
    """The dates a calendar app shows for the event `summary`: its RRULE expanded from
    DTSTART up to `until`, less its EXDATEs."""
    response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == summary]
    start = event["DTSTART"].dt
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    values = event.get("EXDATE", [])
    excluded = {d.dt.date() for v in (values if isinstance(values, list) else [values])
                for d in v.dts}
    return {o.date() for o in rule.between(start, until, inc=True)} - excluded


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_groups_page_and_its_feeds_agree_on_holidays(client, language):
    """The next public holiday, whatever today is: the page leaves it out, the feeds
    exclude it (EXDATE), both list the same dates; opened by an editor, it comes back in
    both."""
    today = timezone.localdate()
    holiday = _next_holiday(today)
    index = GroupIndexPage.objects.get(locale__language_code=language)
    GroupIndexPage.objects.filter(pk=index.pk).update(
        weeks_ahead=(holiday - today).days // 7 + 3)
    group = _group_meeting_on(holiday)
    window_end = today + datetime.timedelta(days=7 * ((holiday - today).days // 7 + 3))
    until = datetime.datetime.combine(window_end, datetime.time(0),
                                      tzinfo=timezone.get_current_timezone())
    feeds = [index.url + index.reverse_subpage("calendar_all"),
             index.url + index.reverse_subpage("calendar_group", args=[group.pk])]

    page = _page_dates(client.get(GROUPS_PAGE[language]).content.decode(), group.name)
    assert holiday not in page
    assert holiday + datetime.timedelta(days=7) in page or is_public_holiday(
        holiday + datetime.timedelta(days=7))
    for url in feeds:
        assert {d for d in _feed_dates(client, url, group.name, until) if d >= today} == page

    HolidayMeeting.objects.create(group=group, date=holiday)
    page = _page_dates(client.get(GROUPS_PAGE[language]).content.decode(), group.name)
    assert holiday in page
    for url in feeds:
        assert {d for d in _feed_dates(client, url, group.name, until) if d >= today} == page


def test_opening_a_working_day_as_a_holiday_is_refused_with_a_clear_message():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with pytest.raises(ValidationError) as error:
        HolidayMeeting(date=datetime.date(2026, 12, 9)).clean()
    with translation.override("it"):  # the admin shows it in the editor's language
        assert "non è un giorno festivo" in str(error.value.message_dict["date"][0])
    with translation.override("en"):
        assert "not a public holiday" in str(error.value.message_dict["date"][0])


# --- Cards show plain text, never markup, never nothing ----------------------------------

HOME = {"it": "/it/", "en": "/en/"}


def _cards(html, section_id):
    """{card title: the card's text as a browser shows it} in the section `section_id`."""
    section = re.search(rf'id="{section_id}".*?</section>', html, re.S).group(0)
    cards = {}
    for card in section.split('class="card-body"')[1:]:
        title = re.sub(r"<[^>]+>", "", re.search(r'class="card-title[^"]*">(.*?)</h3>', card,
                                                  re.S).group(1)).strip()
        text = re.search(r'<p class="card-text">(.*?)</p>', card, re.S)
        cards[title] = text.group(1) if text else ""
    return cards


@pytest.mark.parametrize("language", LANGUAGES)
def test_find_out_more_cards_show_each_pages_summary_as_text(client, language):
    """The groups page's introduction is rich text: its card printed «<p>Dove e quando…»;
    the protocol page has no introduction: its card was empty."""
    cards = _cards(client.get(HOME[language]).content.decode(), "highlights-title")
    assert len(cards) >= 4
    for title, text in cards.items():
        assert text.strip(), f"the card «{title}» says nothing"
        assert "<" not in text and "&lt;" not in text, f"markup in the card «{title}»: {text}"
    groups = "Gruppi e calendario" if language == "it" else "Groups and schedule"
    assert cards[groups].startswith("Dove e quando" if language == "it" else "Where and when")
    protocol = "Il protocollo d&#x27;intesa" if language == "it" else "The protocol"
    assert "Camera del Lavoro" in cards[protocol]


def test_a_rich_text_introduction_reads_as_the_editor_wrote_it(client):
    """Two paragraphs stay two sentences apart, an ampersand is one ampersand."""
    GroupIndexPage.objects.filter(locale__language_code="it").update(
        introduction="<p>Incontri <b>settimanali</b> &amp; gratuiti.</p><p>Porta un amico.</p>")
    cards = _cards(client.get("/it/").content.decode(), "highlights-title")
    assert cards["Gruppi e calendario"] == "Incontri settimanali &amp; gratuiti. Porta un amico."


# --- The partner dashboard says where the adhesion stands ------------------------------

BADGE = {
    "it": {
        None: "Non ancora verificata: aderisci al protocollo per segnalare persone",
        "pending": "Adesione inviata: potrà segnalare persone quando la Segreteria "
                   "l'avrà approvata",
        "approved": "Verificata: può segnalare persone",
        "rejected": "Adesione respinta: inviane una nuova per segnalare persone",
        "withdrawn": "Uscita dal protocollo: aderisci di nuovo per segnalare persone",
    },
    "en": {
        None: "Not verified yet: join the protocol to refer people",
        "pending": "Adhesion sent: it can refer people once staff approve it",
        "approved": "Verified: can refer people",
        "rejected": "Adhesion rejected: send a new one to refer people",
        "withdrawn": "Left the protocol: join again to refer people",
    },
}


def _badge(html):
    match = re.search(r'aria-labelledby="org-title".*?<span class="badge[^"]*">(.*?)</span>',
                      html, re.S)
    return match.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", [None, "pending", "approved", "rejected", "withdrawn"])
def test_the_dashboards_badge_follows_the_adhesion(client, language, status):
    """Once the adhesion is sent the badge no longer says "join the protocol"."""
    from tests.partner_helpers import make_organisation

    _organisation, admin = make_organisation(adhesion=status)
    client.force_login(admin)
    response = client.get(f"/{language}/partner/")
    assert response.status_code == 200
    assert _badge(response.content.decode()) == BADGE[language][status]


def test_a_viewer_of_a_verified_organisation_sees_it_verified(client):
    """Only the role stops a viewer from referring: the organisation is verified."""
    from accounts.models import Membership
    from tests.partner_helpers import add_member, make_organisation

    organisation, _admin = make_organisation(adhesion="approved")
    client.force_login(add_member(organisation, Membership.Role.VIEWER))
    html = client.get("/it/partner/").content.decode()
    assert _badge(html) == BADGE["it"]["approved"]
    assert "Segnala una persona" not in html
