"""Issue 13: every link in every mail the site sends starts with the configured site URL
(WAGTAILADMIN_BASE_URL), whatever host the request came in on and whatever the Site
record says: the site's own mails, allauth's, and Wagtail's moderation notifications
(mail/links.py, accounts/adapter.on_base_url, templates/wagtailadmin/notifications/)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.utils import timezone
from wagtail.models import Locale, Site

from accounts.models import Membership
from booking import availability, bookings, reminders
from booking.models.bookings import BookableService
from facilitation.facilitators import create_facilitator
from programme import adhesions
from programme.assignment import next_meeting
from programme.group_notices import notify_schedule_change, read_schedule
from programme.models import (
    Adhesion,
    CancelledMeeting,
    Group,
    NewsIndexPage,
    NewsPage,
    ParticipationRequest,
)
from programme.participation import change_status
from programme.triage_alerts import send_triage_digest
from programme.workflow import APPROVAZIONE, REDAZIONE, SEGRETERIA
from tests.forms_helpers import contact_data, intake_data, subject_request_data
from tests.partner_helpers import make_organisation, make_user
from tests.test_protocol_versions import publish_new_version
from tests.test_workflow import _approve, _edit, _member_of

pytestmark = pytest.mark.django_db

BASE = "https://lavoro.example.org"
# The host requests arrive on (a proxy's, an internal name): not where readers go.
OTHER_HOST = "127.0.0.1:8000"
LINK = re.compile(r"https?://[^\s<>\"'»)]+")


def project_mail_templates():
    root = Path(django_settings.BASE_DIR) / "templates"
    return {str(path.relative_to(root)) for path in root.rglob("email/*_body.txt")}


@pytest.fixture
def rendered():
    names = set()

    def record(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.fixture
def elsewhere(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) != ("lavoro.example.org", 443)
    return Client(HTTP_HOST=OTHER_HOST)


def every_mail_the_site_sends(client, language, demo_editor):
    """Cause each kind of mail, through the site as people use it where that is short."""
    prefix = f"/{language}"
    intake = {"it": "/it/partecipa/", "en": "/en/apply/"}[language]
    contact = {"it": "/it/contatti/", "en": "/en/contact/"}[language]
    # A citizen applies and writes; the Segreteria assigns them.
    client.post(intake, intake_data())
    person = ParticipationRequest.objects.latest("pk")
    change_status(person, "assigned", by=demo_editor,
                  group=Group.objects.canonical().filter(slots__isnull=False).first())
    client.post(contact, contact_data())
    # allauth: sign-up with a new and a known email, password reset for both.
    known = make_user(f"known-{language}@example.org")
    for email in (f"new-{language}@example.org", known.email):
        Client(HTTP_HOST=OTHER_HOST).post(f"{prefix}/accounts/signup/", {
            "email": email, "password1": "una-password-lunga-1",
            "password2": "una-password-lunga-1"})
    for email in (known.email, f"nobody-{language}@example.org"):
        client.post(f"{prefix}/accounts/password/reset/", {"email": email})
    # A partner invites a colleague, adheres (rejected, then approved), refers, withdraws.
    organisation, admin = make_organisation(adhesion=None,
                                            admin_email=f"admin-{language}@example.org")
    admin.language = language
    admin.save(update_fields=["language"])
    partner = Client(HTTP_HOST=OTHER_HOST)
    partner.force_login(admin)
    partner.post({"it": "/it/partner/membri/", "en": "/en/partner/members/"}[language],
                 {"email": f"colleague-{language}@example.org", "role": "referrer"})
    membership = Membership.objects.get(user=admin)
    signature = {"signatory_name": "Anna Verdi", "signatory_role": "Presidente",
                 "declares_authority": True}
    adhesions.reject(adhesions.submit(membership, **signature), by=demo_editor,
                     reason="Manca la firma")
    adhesion = adhesions.submit(membership, **signature)
    adhesions.approve(adhesion, by=demo_editor)
    # A new version of the protocol: partners on the older one are told.
    publish_new_version()
    referral = ParticipationRequest.objects.create(
        first_name="Luca", last_name="Neri", email="", phone="+390288447502",
        preferred_channel="phone", employment_status="unemployed", language=language,
        source="partner_referral", organisation=organisation, referred_by=admin,
        privacy_notice_version="1", situation_since="2026-01-01", reference="MA-2026-99999",
        privacy_acknowledged_at="2026-01-01T10:00:00+01:00")
    change_status(referral, "contacted", by=demo_editor)
    adhesions.withdraw(membership, Adhesion.objects.get(pk=adhesion.pk))
    # Wagtail's moderation: an editor submits a page, an approver approves it.
    editor = _member_of(REDAZIONE, f"redattrice-{language}")
    approver = _member_of(APPROVAZIONE, f"approvatore-{language}")
    index = NewsIndexPage.objects.get(locale=Locale.get_default())
    article = NewsPage(title="Nuovo gruppo", slug=f"nuovo-gruppo-{language}", live=False,
                       date="2026-03-01", summary="Apre un nuovo gruppo.")
    index.add_child(instance=article)
    article.save_revision()
    staff = Client(HTTP_HOST=OTHER_HOST)
    staff.force_login(editor)
    assert _edit(staff, article, "submit").status_code == 302
    staff.force_login(approver)
    assert _approve(staff, article).status_code == 302
    # The Segreteria's daily digest of requests still to handle.
    client.post(intake, intake_data(email=f"second-{language}@example.org"))
    _member_of(SEGRETERIA, f"segreteria-{language}")
    assert send_triage_digest() >= 1
    # A citizen asks about their data: their acknowledgement, the Segreteria's notice.
    data_request = {"it": "/it/richiesta-dati-personali/",
                    "en": "/en/data-protection-request/"}[language]
    assert client.post(data_request, subject_request_data()).status_code == 302
    # A meeting of the group is cancelled: its people, the referring partner, and the
    # Segreteria for those reachable by phone only (programme.group_notices).
    change_status(referral, "assigned", by=demo_editor, group=person.group)
    before = read_schedule(person.group_id)
    meeting = next_meeting(Group.objects.prefetch_related(
        "slots", "cancelled_meetings", "holiday_meetings").get(pk=person.group_id))
    CancelledMeeting.objects.create(group=person.group, date=meeting.date, reason="Sciopero")
    assert notify_schedule_change(person.group_id, before)["partners"] == 1
    # A citizen books an appointment, moves it, is reminded, and the Segreteria cancels it
    # (booking.notices: each mail carries the signed link and the .ics).
    service = BookableService.objects.filter(locale=Locale.get_default()).first()
    free = [slot for days in range(3, 30)
            for slot in availability.slots_of_day(
                service, timezone.localdate() + datetime.timedelta(days=days))
            if slot.free > 0]
    booking = bookings.book(service=service, starts_at=free[0].starts_at, language=language,
                            data={"reason": "Altro", "first_name": "Rita", "last_name": "Gallo",
                                  "email": f"rita-{language}@example.org", "phone": ""})
    bookings.move(booking, free[1].starts_at)
    booking.refresh_from_db()
    assert reminders.send_reminder.call(booking.pk, booking.starts_at.isoformat())
    bookings.cancel(booking, by=demo_editor, reason="Chiusura straordinaria")
    # The Segreteria makes a facilitator, who is mailed the link to set a password
    # (facilitation.facilitators).
    create_facilitator(first_name="Anna", last_name="Neri",
                       email=f"anna-{language}@comune.example.org", language=language,
                       groups=[person.group], by=demo_editor)


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_link_in_every_mail_is_on_the_site_url(elsewhere, rendered, demo_editor,
                                                     language):
    every_mail_the_site_sends(elsewhere, language, demo_editor)
    # Each mail template of the project was rendered (a new one must join this test)...
    missing = project_mail_templates() - rendered
    assert not missing, f"mails this test does not send yet: {sorted(missing)}"
    # ...and Wagtail's moderation notifications too.
    assert {"wagtailadmin/notifications/workflow_state_submitted.txt",
            "wagtailadmin/notifications/workflow_state_approved.txt"} <= rendered
    links = [(message.subject, link) for message in mail.outbox
             for link in LINK.findall(message.body)]
    assert len(links) > 10
    wrong = [(subject, link) for subject, link in links if not link.startswith(BASE + "/")]
    assert not wrong
    pages = [link for _subject, link in links if "/nuovo-gruppo-" in link]
    assert pages, "the approval mail links the published page"


def test_an_absolute_address_keeps_only_its_path(settings):
    from mail.links import site_url

    settings.WAGTAILADMIN_BASE_URL = BASE + "/"
    assert site_url("/it/gruppi/") == f"{BASE}/it/gruppi/"
    assert site_url(f"http://{OTHER_HOST}/it/gruppi/?a=1#b") == f"{BASE}/it/gruppi/?a=1#b"
