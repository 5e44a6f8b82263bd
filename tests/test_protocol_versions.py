"""Issue 13 (D): the protocol's PDF keeps its addresses and its versions.

A new version is a new row on the protocol page, live once the page's revision is approved;
the current PDF has a fixed address per language, each version one of its own, a document
link with a replaced file's former name still finds it, a partner accepts (and the
adhesion records) the version live when the form is sent, and partners on an older one
are told once (programme.protocol_versions, programme.adhesions, home.document_links).
"""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from programme.models import Adhesion, ProtocolPage, ProtocolVersion
from programme.workflow import APPROVAZIONE, REDAZIONE
from tests.partner_helpers import VAT_NUMBERS, make_organisation, partner_path

pytestmark = pytest.mark.django_db

PAGE = {"it": "/it/protocollo/", "en": "/en/protocol/"}
CURRENT_PDF = {"it": "/it/protocollo/protocollo.pdf", "en": "/en/protocol/protocol.pdf"}
VERSION_PDF = {"it": "/it/protocollo/versioni/{}.pdf", "en": "/en/protocol/versions/{}.pdf"}
NEW_VERSION_SUBJECT = {"it": "Il protocollo ha una nuova versione: 2.0",
                       "en": "The protocol has a new version: 2.0"}
SECOND_PDF = b"%PDF-1.4\n% version 2.0 of the protocol\n"


def italian_protocol():
    return ProtocolPage.objects.get(locale__language_code="it")


def pdf_document(content=SECOND_PDF, name="protocollo-v2.pdf"):
    return get_document_model().objects.create(title=f"Protocollo {name}",
                                               file=ContentFile(content, name))


def with_new_version(number="2.0", date=datetime.date(2026, 11, 30), document=None):
    """A revision of the Italian protocol page adding version `number` (not published)."""
    page = italian_protocol().get_latest_revision_as_object()
    page.versions = [*page.versions.all(),
                     ProtocolVersion(number=number, date=date, document=document or pdf_document())]
    return page.save_revision()


def publish_new_version(**kwargs):
    with_new_version(**kwargs).publish()


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def text(response):
    return response.content.decode()


def first_version_pdf():
    return italian_protocol().versions.get(number="1.0").document.file.open("rb").read()


def member_of(group_name, username, language="it"):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="unused-in-tests")
    user.groups.add(Group.objects.get(name=group_name))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


# --- The page and its addresses ------------------------------------------------------


@pytest.mark.parametrize("language, words", [
    ("it", ["Data della firma: 8 maggio 2012", "Versione in vigore: 1.0, data: 8 maggio 2012",
            "Scarica il protocollo, versione 1.0 (PDF)"]),
    ("en", ["Signed on 8 May 2012", "Version in force: 1.0, date: 8 May 2012",
            "Download the protocol, version 1.0 (PDF)"]),
])
def test_the_page_shows_the_current_version_and_links_its_fixed_address(client, language,
                                                                          words):
    response = client.get(PAGE[language])
    for phrase in words:
        assert phrase in text(response)
    assert f'href="{CURRENT_PDF[language]}"' in text(response)
    assert "/documents/" not in text(response)  # the file's own address changes with it


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_fixed_address_gives_the_current_pdf(client, language):
    response = client.get(CURRENT_PDF[language])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == first_version_pdf()


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_new_version_is_current_once_published_and_the_previous_stays_downloadable(
        client, language):
    old = first_version_pdf()
    publish_new_version()

    page = text(client.get(PAGE[language]))
    current = {"it": "Versione in vigore: 2.0, data: 30 novembre 2026",
               "en": "Version in force: 2.0, date: 30 November 2026"}[language]
    previous = {"it": "Versione 1.0, data: 8 maggio 2012 (PDF)",
                "en": "Version 1.0, date: 8 May 2012 (PDF)"}[language]
    assert current in page
    assert previous in page
    assert f'href="{VERSION_PDF[language].format("1.0")}"' in page
    assert body(client.get(CURRENT_PDF[language])) == SECOND_PDF
    assert body(client.get(VERSION_PDF[language].format("1.0"))) == old
    assert body(client.get(VERSION_PDF[language].format("2.0"))) == SECOND_PDF
    assert client.get(VERSION_PDF[language].format("3.0")).status_code == 404


def test_a_version_in_a_draft_is_not_public(client):
    with_new_version()
    assert "Versione in vigore: 1.0" in text(client.get(PAGE["it"]))
    assert body(client.get(CURRENT_PDF["it"])) == first_version_pdf()
    assert client.get(VERSION_PDF["it"].format("2.0")).status_code == 404


def test_an_address_in_the_other_language_is_redirected(client):
    response = client.get("/en/protocol/protocollo.pdf")
    assert response.status_code == 301
    assert response["Location"].endswith(CURRENT_PDF["en"])


# --- Document links ------------------------------------------------------------------


def test_a_document_link_with_the_former_file_name_still_finds_the_document(client,
                                                                           demo_editor):
    document = pdf_document(b"%PDF-1.4 first", "orari-dei-gruppi.pdf")
    old_url = document.url
    client.force_login(demo_editor)
    response = client.post(reverse("wagtaildocs:edit", args=[document.pk]), {
        "title": document.title, "collection": document.collection_id, "tags": "",
        "file": SimpleUploadedFile("orari-dei-gruppi-dicembre.pdf", b"%PDF-1.4 second"),
    })
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.url != old_url

    anonymous = client.__class__()
    response = anonymous.get(old_url)
    assert response.status_code == 302 and response["Location"] == document.url
    assert body(anonymous.get(document.url)) == b"%PDF-1.4 second"
    for junk in ("/documents/999999/x.pdf", "/documents/²/x.pdf"):
        assert anonymous.get(junk, follow=True).status_code == 404


def test_the_protocols_document_link_still_works_after_a_new_version(client):
    document = italian_protocol().versions.get(number="1.0").document
    url = document.url
    publish_new_version()
    assert body(client.get(url)) == first_version_pdf()


@pytest.mark.parametrize("language, message", [
    ("it", "il suo file non può essere sostituito"),
    ("en", "its file cannot be replaced"),
])
def test_editors_cannot_replace_the_file_of_a_protocol_version(client, language, message):
    editor = member_of(REDAZIONE, "redattrice", language)
    document = italian_protocol().versions.get(number="1.0").document
    before = first_version_pdf()
    client.force_login(editor)
    response = client.post(reverse("wagtaildocs:edit", args=[document.pk]), {
        "title": document.title, "collection": document.collection_id, "tags": "",
        "file": SimpleUploadedFile("protocollo-nuovo.pdf", b"%PDF-1.4 replaced"),
    })
    assert response.status_code == 200
    assert message in text(response)
    assert first_version_pdf() == before
    assert body(client.get(document.url)) == before


# --- Editing through the workflow ----------------------------------------------------


def edit_form(page, versions, action):
    """The protocol page's edit form as the admin posts it, with `versions` (dicts)."""
    signatories = [
        {"id": s.pk, "organisation": s.organisation, "representative": s.representative,
         "role": s.role, "ORDER": str(n)} for n, s in enumerate(page.signatories.all())
    ]
    return nested_form_data({
        "title": page.title, "slug": page.slug, "signed_on": page.signed_on.isoformat(),
        "versions": inline_formset(versions, initial=page.versions.count(), min=1),
        "signatories": inline_formset(signatories, initial=len(signatories)),
        "body": streamfield([("paragraph", rich_text("<p>Il testo del protocollo.</p>"))]),
        "join_page": "", "comments": inline_formset([]), "seo_title": "",
        "search_description": "", "go_live_at": "", "expire_at": "",
        f"action-{action}": "action",
    })


def version_row(version, order, **changes):
    row = {"id": version.pk, "number": version.number, "date": version.date.isoformat(),
           "document": version.document_id, "ORDER": str(order)}
    row.update(changes)
    return row


def test_a_new_version_waits_for_approval_then_partners_are_told(client):
    organisation, admin = make_organisation()
    page = italian_protocol()
    first = page.versions.get()
    document = pdf_document()
    editor, approver = member_of(REDAZIONE, "redattrice"), member_of(APPROVAZIONE, "approva")
    client.force_login(editor)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(
        page, [version_row(first, 0),
               {"number": "2.0", "date": "2026-11-30", "document": document.pk, "ORDER": "1"}],
        "submit"))
    assert response.status_code == 302

    assert "Versione in vigore: 1.0" in text(client.__class__().get(PAGE["it"]))
    assert not [m for m in mail.outbox if m.subject in NEW_VERSION_SUBJECT.values()]

    client.force_login(approver)
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    client.post(reverse("wagtailadmin_pages:workflow_action",
                        args=(page.pk, "approve", task_state.pk)), {"comment": ""})
    assert "Versione in vigore: 2.0" in text(client.__class__().get(PAGE["it"]))
    told = [m for m in mail.outbox if m.subject == NEW_VERSION_SUBJECT["it"]]
    assert len(told) == 1 and organisation.email in told[0].to and admin.email in told[0].to


@pytest.mark.parametrize("language, message", [
    ("it", "La versione 1.0 è pubblicata"), ("en", "Version 1.0 is published"),
])
def test_a_published_version_cannot_be_changed_or_removed(client, language, message):
    page = italian_protocol()
    first = page.versions.get()
    editor = member_of(REDAZIONE, "redattrice", language)
    client.force_login(editor)
    other = pdf_document()
    for versions in (
        [version_row(first, 0, document=other.pk)],                      # another PDF
        [version_row(first, 0, DELETE="1"),                               # removed
         {"number": "2.0", "date": "2026-11-30", "document": other.pk, "ORDER": "1"}],
    ):
        response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                               edit_form(page, versions, "submit"))
        assert response.status_code == 200
        assert message in text(response)
    assert page.get_latest_revision().as_object().versions.get().document_id == first.document_id


@pytest.mark.parametrize("language, message", [
    ("it", "Ogni versione deve avere un numero diverso: 1.0 compare due volte."),
    ("en", "Each version needs its own number: 1.0 is given twice."),
])
def test_two_versions_cannot_share_a_number(client, language, message):
    page = italian_protocol()
    client.force_login(member_of(REDAZIONE, "redattrice", language))
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(
        page, [version_row(page.versions.get(), 0),
               {"number": "1.0", "date": "2026-11-30", "document": pdf_document().pk,
                "ORDER": "1"}], "submit"))
    assert response.status_code == 200
    assert message in text(response)


# --- Partners ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_partner_accepts_the_version_shown_and_it_is_recorded(client, language):
    organisation, admin = make_organisation(adhesion=None)
    client.force_login(admin)
    url = partner_path(language, "/adesione/")
    page = text(client.get(url))
    heading = {"it": "Il protocollo, versione 1.0, data: 8 maggio 2012",
               "en": "The protocol, version 1.0, date: 8 May 2012"}[language]
    assert heading in page
    assert f'href="{VERSION_PDF[language].format("1.0")}"' in page
    assert 'name="protocol_version" value="1.0"' in page

    client.post(url, {"signatory_name": "Marta Neri", "signatory_role": "Presidente",
                      "declares_authority": "on", "protocol_version": "1.0"})
    assert Adhesion.objects.get(organisation=organisation).protocol_version == "1.0"


@pytest.mark.parametrize("language, message", [
    ("it", "Mentre leggevi è stata pubblicata una nuova versione del protocollo, la 2.0."),
    ("en", "A new version of the protocol, 2.0, was published while you were reading it."),
])
def test_a_version_published_while_the_partner_reads_is_not_accepted_unread(
        client, language, message):
    organisation, admin = make_organisation(adhesion=None)
    client.force_login(admin)
    url = partner_path(language, "/adesione/")
    client.get(url)  # the form shows version 1.0 ...
    publish_new_version()  # ... and 2.0 goes live before it is sent
    data = {"signatory_name": "Marta Neri", "signatory_role": "Presidente",
            "declares_authority": "on", "protocol_version": "1.0"}
    response = client.post(url, data)

    assert response.status_code == 200
    assert message in text(response)
    assert not Adhesion.objects.filter(organisation=organisation).exists()
    assert 'value="Marta Neri"' in text(response)  # nothing typed is lost
    assert 'name="protocol_version" value="2.0"' in text(response)
    assert f'href="{VERSION_PDF[language].format("2.0")}"' in text(response)

    client.post(url, {**data, "protocol_version": "2.0"})
    assert Adhesion.objects.get(organisation=organisation).protocol_version == "2.0"


def test_partners_on_an_older_version_are_told_once_in_their_language(client):
    _italian, italian_admin = make_organisation()
    english_org, english_admin = make_organisation(
        name="Fondazione Inglese", tax_code=VAT_NUMBERS[1],
        admin_email="admin@english.example.org")
    english_admin.language = "en"
    english_admin.save()
    # Already on the new version, or no longer in the protocol: nobody to tell.
    make_organisation(name="Già aggiornata", tax_code=VAT_NUMBERS[2])
    Adhesion.objects.filter(organisation__name="Già aggiornata").update(protocol_version="2.0")
    make_organisation(name="Respinta", tax_code=VAT_NUMBERS[3],
                      adhesion=Adhesion.Status.REJECTED)

    publish_new_version()
    told = {m.to[-1] if len(m.to) > 1 else m.to[0]: m for m in mail.outbox
            if m.subject in NEW_VERSION_SUBJECT.values()}
    assert len([m for m in mail.outbox if m.subject in NEW_VERSION_SUBJECT.values()]) == 2
    italian = next(m for m in told.values() if italian_admin.email in m.to)
    english = next(m for m in told.values() if english_admin.email in m.to)
    assert italian.subject == NEW_VERSION_SUBJECT["it"]
    assert "versione 2.0, data: 30 novembre 2026" in italian.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/it/protocollo/protocollo.pdf" in italian.body
    assert english.subject == NEW_VERSION_SUBJECT["en"]
    assert "adhered to version 1.0" in english.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/en/protocol/protocol.pdf" in english.body

    # Published again (another change of the page): nobody is told twice.
    mail.outbox.clear()
    italian_protocol().save_revision().publish()
    assert [m for m in mail.outbox if m.subject in NEW_VERSION_SUBJECT.values()] == []
    assert set(Adhesion.objects.filter(organisation=english_org)
               .values_list("told_of_version", flat=True)) == {"2.0"}


@pytest.mark.parametrize("language, column", [("it", "Versione del protocollo"),
                                              ("en", "Protocol version")])
def test_the_adhesion_list_shows_the_version_each_accepted(client, language, column):
    make_organisation()
    make_organisation(name="Fondazione Due", tax_code=VAT_NUMBERS[1])
    Adhesion.objects.filter(organisation__name="Fondazione Due").update(protocol_version="2.0")
    staff = member_of("Segreteria", "segreteria", language)
    client.force_login(staff)
    response = client.get(reverse("adhesions:index"))
    assert response.status_code == 200
    assert column in text(response)
    assert ">1.0<" in text(response).replace(" ", "").replace("\n", "")
    assert ">2.0<" in text(response).replace(" ", "").replace("\n", "")


def test_a_page_without_versions_still_answers(client):
    """No version on the page (a page being set up): no PDF link, no 500."""
    ProtocolVersion.objects.filter(page__locale__language_code="it").delete()
    assert client.get(PAGE["it"]).status_code == 200
    assert client.get(CURRENT_PDF["it"]).status_code == 404


def test_a_protocol_versions_document_cannot_be_deleted(client):
    document = italian_protocol().versions.get(number="1.0").document
    admin = get_user_model().objects.create_superuser(
        username="amministratrice", email="amministratrice@example.org", password="x" * 16)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    client.force_login(admin)
    response = client.post(reverse("wagtaildocs:delete", args=[document.pk]))
    # Wagtail's delete view knows the PROTECT reference: its page says the document is in
    # use, and the POST is refused (never a ProtectedError's 500).
    assert response.status_code == 302
    assert get_document_model().objects.filter(pk=document.pk).exists()
