"""A tester's review of issue 11: forms, mails and the Segreteria's screens.

- The referral form speaks of the person referred (third person), and does not ask the
  partner how the person heard of the groups: stored blank, shown as "—".
- Phones are read formatted (+39 02 8844 7502) and clickable (tel:), addresses too
  (mailto:), in the messages list, the request screen and the staff mail; the staff mail
  answers the person (Reply-To).
- Mails greet, sign, and give a way to act: an absolute link, the office's phone.
- The error summary follows the page's order, links a form-wide error to its fields and
  marks them invalid, and never reads "…groups.: …".
- Italian dates need no article (no «il 8»), and questions speak to everyone.
"""

import csv
import html
import io
import re

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from programme.models import Adhesion, ParticipationRequest
from readable.display import field_display, phone_link
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import VAT_NUMBERS, make_organisation, make_user

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
CONTACT = {"it": "/it/contatti/", "en": "/en/contact/"}


def page_text(response):
    return html.unescape(response.content.decode())


def url_in(lang, name, *args):
    with translation.override(lang):
        return reverse(name, args=args)


def partner_client(**kwargs):
    organisation, admin = make_organisation(**kwargs)
    client = Client()
    client.force_login(admin)
    return client, organisation, admin


@pytest.fixture
def segreteria():
    user = make_user("segreteria@comune.example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


# --- The referral form speaks of the person, and asks only what the partner knows ----------


FIRST_PERSON = {
    "it": ["La tua situazione", "Come preferisci", "Come hai saputo", "Vuoi dirci altro",
           "ho perso il lavoro", "tua salute", "Quando preferisci"],
    "en": ["Your situation", "How would you like", "How did you hear", "I lost my job",
           "your health", "When would you prefer"],
}


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_referral_form_speaks_of_the_person_referred(lang):
    client, _organisation, _admin = partner_client()
    text = page_text(client.get(url_in(lang, "partner:referral_create")))
    for words in FIRST_PERSON[lang]:
        assert words not in text
    assert 'name="heard_from"' not in text
    expected = {"it": ["La situazione della persona", "ha perso il lavoro"],
                "en": ["The person's situation", "lost their job"]}[lang]
    for words in expected:
        assert words in text


def test_a_referral_is_stored_without_heard_from_and_read_as_a_dash(segreteria):
    client, _organisation, _admin = partner_client()
    data = intake_data(privacy=None, consent="on", heard_from=None)
    response = client.post(url_in("it", "partner:referral_create"), data)
    assert response.status_code == 302
    referral = ParticipationRequest.objects.get()
    assert referral.heard_from == ""
    assert field_display(referral, "heard_from") == "—"
    staff = Client()
    staff.force_login(segreteria)
    exported = b"".join(staff.get(
        "/admin/participation_requests/?export=csv").streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))[:2]
    column = next(n for n, name in enumerate(header) if "conosciuto il programma" in name)
    assert row[column] == "—"


def test_a_person_applying_is_still_asked_how_they_heard_of_the_groups(client):
    response = client.post(INTAKE["it"], intake_data(heard_from=""))
    assert response.status_code == 200
    assert ParticipationRequest.objects.count() == 0
    assert 'id="id_heard_from_errors"' in response.content.decode()


# --- Phones formatted and clickable; the staff mail answers the person ---------------------


def test_the_request_screen_reads_a_phone_formatted():
    link = str(phone_link("+390288447502"))
    assert 'href="tel:+390288447502"' in link and ">+39 02 8844 7502<" in link


def test_the_messages_list_links_email_and_phone(client, segreteria):
    data = contact_data(telefono="02 884 47502")
    assert client.post(CONTACT["it"], data).status_code in {200, 302}
    client.logout()
    client.force_login(segreteria)
    response = client.get("/admin/messages/", follow=True)
    content = response.content.decode()
    assert 'href="mailto:mario@example.org"' in content
    assert 'href="tel:+390288447502"' in content
    assert "+39 02 8844 7502" in html.unescape(content)


def test_the_staff_contact_mail_answers_the_person_and_formats_the_phone(client):
    mail.outbox.clear()
    data = contact_data(telefono="02 884 47502")
    assert client.post(CONTACT["en"], data).status_code in {200, 302}
    message, = mail.outbox
    assert message.reply_to == ["mario@example.org"]
    assert "+39 02 8844 7502" in message.body and "+390288447502" not in message.body


# --- Mails greet, sign and give a way to act -----------------------------------------------


def test_adhesion_mails_name_the_menu_link_the_adhesion_and_greet_the_partner():
    client, organisation, admin = partner_client(tax_code=VAT_NUMBERS[1], adhesion=None)
    mail.outbox.clear()
    response = client.post(url_in("it", "partner:adhesion"), {
        "signatory_name": "Marta Neri", "signatory_role": "Presidente",
        "declares_authority": "on"})
    assert response.status_code == 302
    adhesion = Adhesion.objects.get(organisation=organisation)
    staff = next(m for m in mail.outbox if m.to == list(settings.STAFF_NOTIFICATION_EMAILS))
    partner = next(m for m in mail.outbox if admin.email in m.to)
    assert "Adesioni al protocollo" not in staff.body
    assert "alla voce Adesioni" in staff.body
    inspect = reverse("adhesions:inspect", args=[adhesion.pk])
    assert f"http://testserver{inspect}" in staff.body
    assert partner.body.startswith("Buongiorno,")
    assert "http://testserver/it/partner/" in partner.body
    assert "Cordiali saluti," in partner.body


def test_the_decision_mails_greet_sign_and_link_the_partner_area(demo_editor):
    _client, organisation, admin = partner_client(tax_code=VAT_NUMBERS[2],
                                                 adhesion=Adhesion.Status.PENDING)
    adhesion = organisation.adhesions.get()
    staff = Client()
    staff.force_login(demo_editor)
    mail.outbox.clear()
    staff.post(f"/admin/adhesions/{adhesion.pk}/decide/", {"decision": "approve"})
    message = next(m for m in mail.outbox if admin.email in m.to)
    assert message.body.startswith("Buongiorno,")
    assert "/it/partner/" in message.body and "http://testserver" in message.body
    assert "La Segreteria di Mutuo Aiuto Lavoro" in message.body


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_intake_confirmation_gives_the_office_phone_and_contact_page(client, lang):
    mail.outbox.clear()
    assert client.post(INTAKE[lang], intake_data()).status_code == 302
    message, = mail.outbox
    assert "02 884 47502" in message.body
    assert f"http://testserver{CONTACT[lang]}" in message.body
    assert "on the website" not in message.body and "sul sito" not in message.body


# --- The error summary: the page's order, form-wide errors linked, fields marked -----------


def summary_of(content):
    summary = re.search(r'<div[^>]*id="form-errors".*?</div>', content, re.S).group(0)
    return summary, re.findall(r'<a href="#([\w-]+)"', summary)


def ids_in_page_order(content, ids):
    positions = {}
    for anchor in ids:
        match = re.search(rf'id="{re.escape(anchor)}"', content.split('id="form-errors"')[1])
        assert match, anchor
        positions[anchor] = match.start()
    return sorted(ids, key=positions.get)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_neither_email_nor_phone_links_to_the_fields_and_marks_them(client, lang):
    content = client.post(INTAKE[lang], intake_data(email="", phone="")).content.decode()
    summary, anchors = summary_of(content)
    assert anchors == ["id_email"]
    for name in ("email", "phone"):
        tag = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', content).group(0)
        assert 'aria-invalid="true"' in tag and "is-invalid" in tag


def test_the_referral_without_contact_links_to_the_fields_too():
    client, _organisation, _admin = partner_client()
    data = intake_data(email="", phone="", privacy=None, consent="on")
    content = client.post(url_in("en", "partner:referral_create"), data).content.decode()
    _summary, anchors = summary_of(content)
    assert anchors == ["id_email"]
    tag = re.search(r'<input[^>]*id="id_phone"[^>]*>', content).group(0)
    assert 'aria-invalid="true"' in tag


def empty_forms():
    client, _organisation, _admin = partner_client(tax_code=VAT_NUMBERS[1], adhesion=None)
    fresh = Client()
    fresh.force_login(make_user("nuova@example.org"))
    return [
        (Client(), INTAKE["it"], {}),
        (Client(), CONTACT["it"], {}),
        # An empty body shows the form afresh: something must be sent.
        (partner_client(tax_code=VAT_NUMBERS[2])[0], url_in("it", "partner:referral_create"),
         {"first_name": ""}),
        (client, url_in("it", "partner:adhesion"), {"signatory_name": ""}),
        (fresh, "/it/partner/organizzazione/nuova/", {"tax_code": "x"}),
    ]


def test_every_summary_follows_the_page_and_reads_without_doubled_punctuation():
    for client, url, data in empty_forms():
        response = client.post(url, data)
        content = response.content.decode()
        assert 'id="form-errors"' in content, (url, response.status_code)
        summary, anchors = summary_of(content)
        assert anchors, url
        assert anchors == ids_in_page_order(content, anchors), url
        text = html.unescape(re.sub(r"<[^>]+>", "", summary))
        assert not re.search(r"[.?:]\s*:\s", text), (url, text)
        for anchor in anchors:  # every link lands on an element of the page
            assert re.search(rf'id="{anchor}"', content), (url, anchor)


# --- Italian wording --------------------------------------------------------------------


def italian_catalogue():
    return [entry for entry in polib.pofile(settings.BASE_DIR / "locale/it/LC_MESSAGES/django.po")
            if not entry.obsolete]


def test_no_italian_date_needs_an_article_it_cannot_elide():
    # «il 8 maggio», «dal 11 marzo» are wrong Italian; a label avoids the article.
    for entry in italian_catalogue():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert not re.search(r"\b(il|dal|del|al|nel)\s+%\(\w+\)s", text), entry.msgid


def test_questions_to_people_are_not_masculine_only():
    for entry in italian_catalogue():
        assert "essere contattato" not in entry.msgstr or "persona" in entry.msgstr, entry.msgid


def test_the_protocol_page_writes_the_signature_date_without_an_article(client):
    text = page_text(client.get("/it/protocollo/"))
    assert "Firmato il" not in text
    assert "Data della firma:" in text
