"""Flyers from the site's own content (issue 21): the PDF's text in each language, its
QR code read back by zbarimg and followed to the intake form, a published schedule
change in the next download, a group with no meetings, a valid tagged PDF with its
title and language, and what a visitor gets where PDFs cannot be made.

The PDFs are read with Debian's poppler-utils (pdfinfo, pdftotext, pdftoppm) and
zbar-tools (zbarimg), which scripts/debian-packages.sh installs: without them, or
without WeasyPrint's Pango, these tests are skipped with the reason, and under CI
(CI=true) they fail instead, so CI never passes without running them.
"""

import datetime
import os
import re
import shutil
import subprocess
import zlib
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client
from wagtail.models import Locale

from flyers import content, rendering
from programme.models import Group, MeetingSlot, Venue

pytestmark = pytest.mark.django_db

TOOLS = ("pdfinfo", "pdftotext", "pdftoppm", "zbarimg")


def _missing():
    reasons = [f"{tool} not found (apt-get install poppler-utils zbar-tools)"
               for tool in TOOLS if shutil.which(tool) is None]
    if rendering.unavailable():
        reasons.append(f"WeasyPrint cannot run: {rendering.unavailable()}")
    return reasons


@pytest.fixture(autouse=True)
def pdf_tools():
    missing = _missing()
    if missing and os.environ.get("CI"):
        pytest.fail("; ".join(missing))
    if missing:
        pytest.skip("; ".join(missing))


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def run(*command, data=None):
    return subprocess.run(command, input=data, capture_output=True, check=True,
                          timeout=60).stdout


def pdf_text(pdf):
    return " ".join(run("pdftotext", "-layout", "-", "-", data=pdf).decode().split())


def pdf_info(pdf):
    lines = run("pdfinfo", "-", data=pdf).decode().splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line) | {}


def pdf_language(pdf):
    """The catalogue's /Lang, looked for in the file and in its compressed streams."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    for chunk in chunks:
        found = re.search(rb"/Lang\s*\(([^)]*)\)", chunk)
        if found:
            return found.group(1).decode()
    return None


def qr_codes(pdf, tmp_path):
    """The texts of the QR codes on the PDF's first page, rendered at 200 dpi."""
    stem = tmp_path / "page"
    run("pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-", str(stem), data=pdf)
    (image,) = tmp_path.glob("page*.png")
    out = run("zbarimg", "--quiet", "--raw", str(image)).decode()
    return [line for line in out.splitlines() if line]


def demo_group(name="Cassa integrazione: parliamone"):
    return Group.objects.get(locale=Locale.get_default(), name=name)


def flyer(client, language, group=None, venue=None):
    path = {"it": "/it/volantini/", "en": "/en/flyers/"}[language]
    if venue is not None:
        path += {"it": f"sedi/{venue.pk}/manifesto.pdf",
                 "en": f"venues/{venue.pk}/poster.pdf"}[language]
    else:
        path += {"it": f"gruppi/{group.pk}.pdf", "en": f"groups/{group.pk}.pdf"}[language] \
            if group else {"it": "programma.pdf", "en": "programme.pdf"}[language]
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    return response.content


WORDS = {
    "it": ["Come partecipare", "Quando e dove", "ogni giovedì, 14:30–16:30",
           "Villa Scheibler – Quarto Oggiaro", "via Felice Orsini 21", "02 884 47502",
           "infolavoro@example.org", "Prossimi incontri"],
    "en": ["How to apply", "When and where", "every Thursday, 14:30–16:30",
           "Villa Scheibler – Quarto Oggiaro", "via Felice Orsini 21", "02 884 47502",
           "infolavoro@example.org", "Next meetings"],
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_groups_flyer_says_when_where_and_whom_to_call_in_its_language(client,
                                                                         language):
    pdf = flyer(client, language, demo_group())
    text = pdf_text(pdf)
    for words in WORDS[language]:
        assert words.lower() in text.lower(), words
    other = "en" if language == "it" else "it"
    assert WORDS[other][0] not in text


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_pdf_is_tagged_with_its_title_and_language_on_one_a5_page(client, language):
    pdf = flyer(client, language, demo_group())
    info = pdf_info(pdf)
    assert info["Tagged"].strip() == "yes"
    assert info["Pages"].strip() == "1"
    assert info["Page size"].split()[:3] == ["419.528", "x", "595.276"]  # A5 in points
    title = {"it": "gruppo di auto mutuo aiuto", "en": "mutual self-help group"}[language]
    assert title in info["Title"]
    assert pdf_language(pdf) == language
    fonts = run("pdffonts", "-", data=pdf).decode()
    assert "Titillium" in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_qr_code_leads_to_the_form_with_the_group_and_the_flyer_chosen(
        client, language, tmp_path):
    group = demo_group()
    (url,) = qr_codes(flyer(client, language, group), tmp_path)
    assert url == content.intake_url(language, group=group)
    address = urlsplit(url)
    assert address.query == f"heard_from=flyer&group={group.pk}"
    html = client.get(f"{address.path}?{address.query}").content.decode()
    assert '<option value="flyer" selected>' in html
    venue_select = re.search(r'<select name="preferred_venue".*?</select>', html, re.S)
    assert f'<option value="{group.venue_id}" selected>' in venue_select.group(0)
    group_select = re.search(r'<select name="preferred_group".*?</select>', html, re.S)
    name = {"it": "Cassa integrazione: parliamone",
            "en": "Wage support: let&#x27;s talk about it"}[language]
    assert re.search(rf'<option value="{group.pk}" selected>{re.escape(name)} \(',
                     group_select.group(0))


def test_the_programmes_flyer_lists_the_groups_and_its_qr_code_says_flyer(client,
                                                                          tmp_path):
    pdf = flyer(client, "it")
    text = pdf_text(pdf)
    assert "Cassa integrazione: parliamone" in text
    assert "Come partecipare" in text
    (url,) = qr_codes(pdf, tmp_path)
    assert urlsplit(url).query == "heard_from=flyer"


def test_a_published_schedule_change_is_in_the_next_download(client):
    group = demo_group()
    before = pdf_text(flyer(client, "it", group))
    assert "14:30–16:30" in before
    group.slots = [MeetingSlot(weekday=3, start=datetime.time(17), end=datetime.time(19))]
    group.save_revision().publish()
    after = pdf_text(flyer(client, "it", group))
    assert "ogni giovedì, 17:00–19:00" in after.lower()
    assert "14:30–16:30" not in after


def test_a_group_with_no_meetings_yet_gets_a_flyer_saying_so(client):
    venue = Venue.objects.filter(locale=Locale.get_default(), live=True).first()
    group = Group(locale=Locale.get_default(), name="Nuovo gruppo", description="Presto.",
                  venue=venue)
    later = datetime.date.today() + datetime.timedelta(days=90)
    group.slots = [MeetingSlot(weekday=0, start=datetime.time(10), end=datetime.time(12),
                               valid_from=later)]
    group.save()
    group.save_revision().publish()
    text = pdf_text(flyer(client, "it", group))
    assert "Nuovo gruppo" in text
    assert "Non ci sono ancora incontri in programma" in text


def test_an_unchanged_flyer_is_drawn_once(client, monkeypatch):
    drawn = []
    real = rendering.write_pdf
    monkeypatch.setattr(rendering, "write_pdf", lambda html: drawn.append(1) or real(html))
    group = demo_group()
    first = flyer(client, "it", group)
    second = flyer(client, "it", group)
    assert first == second and len(drawn) == 1
    flyer(client, "en", group)
    assert len(drawn) == 2


@pytest.mark.parametrize("path", ["/it/volantini/gruppi/999999.pdf",
                                  "/en/flyers/groups/999999.pdf"])
def test_an_unknown_or_unpublished_group_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_a_draft_group_has_no_flyer(client):
    group = demo_group()
    Group.objects.filter(pk=group.pk).update(live=False)
    assert client.get(f"/it/volantini/gruppi/{group.pk}.pdf").status_code == 404


@pytest.mark.parametrize("language, words", [
    ("it", "Il volantino non si può preparare in questo momento"),
    ("en", "The flyer cannot be made at the moment"),
])
def test_where_pdfs_cannot_be_made_the_visitor_reads_why_in_their_language(
        monkeypatch, language, words):
    monkeypatch.setattr(rendering, "unavailable", lambda: "libpango missing")
    path = {"it": "/it/volantini/programma.pdf", "en": "/en/flyers/programme.pdf"}[language]
    response = Client().get(path)
    assert response.status_code == 503
    html = response.content.decode()
    assert words in html
    assert "libpango" not in html


def test_the_pdf_fetches_nothing_but_its_fonts_and_the_qr_code():
    fetcher = rendering._fetcher()
    for url in ["http://127.0.0.1/", "https://example.org/x.css", "file:///etc/passwd",
                f"file://{rendering.font_folder()}/../../css/x.css"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("query, expected", [
    ("heard_from=flyer", {"heard_from": "flyer"}),
    ("heard_from=poster&group=abc", {"heard_from": "poster"}),
    ("heard_from=Flyer", {}),
    ("group=01", {}),
    ("venue=abc", {}),
    ("venue=999999", {}),
    ("heard_from=<script>", {}),
    ("group=²", {}),
    ("group=-1", {}),
    ("group=99999999999999999999", {}),
    ("group=", {}),
    ("heard_from=website&heard_from=flyer", {"heard_from": "flyer"}),
])
def test_what_a_link_preselects_is_checked_and_anything_else_ignored(query, expected):
    from django.http import QueryDict

    from programme.forms import initial_from_address

    assert initial_from_address(QueryDict(query)) == expected


def test_a_link_naming_a_group_preselects_its_venue_and_a_bad_one_shows_the_form(client):
    from django.http import QueryDict

    from programme.forms import initial_from_address

    group = demo_group()
    assert initial_from_address(QueryDict(f"group={group.pk}")) == {
        "preferred_group": group.pk, "preferred_venue": group.venue_id}
    for query in ["group=%C2%B2", "group=99999999999999999999", "heard_from=%00",
                  "group=1" + "0" * 5000]:
        response = client.get(f"/it/partecipa/?{query}")
        assert response.status_code == 200, query


def test_editors_find_every_flyer_in_the_admin_in_both_languages(django_user_model):
    from tests.test_outcomes_dashboard import make_staff

    editor = make_staff(django_user_model, "redattore", "Redazione")
    client = Client()
    client.force_login(editor)
    html = client.get("/admin/print-material/").content.decode()
    assert "Print material" in html or "Materiale da stampare" in html
    assert 'href="/it/volantini/programma.pdf"' in html
    assert 'href="/en/flyers/programme.pdf"' in html
    for group in content.published_groups():
        assert f'href="/it/volantini/gruppi/{group.pk}.pdf"' in html
        assert f'href="/en/flyers/groups/{group.pk}.pdf"' in html
    venues = content.published_venues()
    assert venues
    for venue in venues:
        assert f'href="/it/volantini/sedi/{venue.pk}/manifesto.pdf"' in html
        assert f'href="/en/flyers/venues/{venue.pk}/poster.pdf"' in html
    assert "WeasyPrint" not in html


def test_the_admin_says_why_when_pdfs_cannot_be_made(django_user_model, monkeypatch):
    from tests.test_outcomes_dashboard import make_staff

    monkeypatch.setattr(rendering, "unavailable", lambda: "cannot load library 'pango'")
    editor = make_staff(django_user_model, "redattore", "Redazione")
    client = Client()
    client.force_login(editor)
    html = client.get("/admin/print-material/").content.decode()
    assert "Pango" in html and "scripts/debian-packages.sh" in html
    assert "/it/volantini/programma.pdf" not in html


# --- The A4 poster of a venue ------------------------------------------------------------

def demo_venue():
    return Venue.objects.get(locale=Locale.get_default(), live=True,
                             name="Villa Scheibler – Quarto Oggiaro")


@pytest.mark.parametrize("language, words", [
    ("it", ["Gruppi nella sede: Villa Scheibler – Quarto Oggiaro", "Cassa integrazione: parliamone",
            "ogni giovedì, 14:30–16:30", "Come partecipare", "02 884 47502"]),
    ("en", ["The groups at Villa Scheibler – Quarto Oggiaro",
            "Wage support: let's talk about it", "every Thursday, 14:30–16:30",
            "How to apply", "02 884 47502", "(in Italian)"]),
])
def test_a_venues_poster_is_one_a4_page_of_its_groups_in_its_language(
        client, language, words):
    pdf = flyer(client, language, venue=demo_venue())
    info = pdf_info(pdf)
    assert info["Pages"].strip() == "1"
    assert info["Page size"].split()[:3] == ["595.276", "x", "841.89"]  # A4 in points
    assert info["Tagged"].strip() == "yes" and pdf_language(pdf) == language
    text = pdf_text(pdf)
    for word in words:
        assert word.lower() in text.lower(), word


def test_the_posters_qr_code_says_poster_and_the_form_opens_with_it(client, tmp_path):
    venue = demo_venue()
    (url,) = qr_codes(flyer(client, "it", venue=venue), tmp_path)
    address = urlsplit(url)
    assert address.query == f"heard_from=poster&venue={venue.pk}"
    html = client.get(f"{address.path}?{address.query}").content.decode()
    assert '<option value="poster" selected>' in html
    venue_select = re.search(r'<select name="preferred_venue".*?</select>', html, re.S)
    assert f'<option value="{venue.pk}" selected>' in venue_select.group(0)
    assert 'name="preferred_group"' not in html  # a poster names no single group


def test_a_long_description_still_fits_on_one_sheet(client):
    group = demo_group()
    group.description = " ".join(["Un gruppo per ritrovare fiducia e contatti."] * 25)
    group.save_revision().publish()
    for language in ("it", "en"):
        assert pdf_info(flyer(client, language, group))["Pages"].strip() == "1"


def test_a_browser_asks_again_and_gets_304_while_the_flyer_is_the_same(client):
    group = demo_group()
    first = client.get(f"/it/volantini/gruppi/{group.pk}.pdf")
    assert first["Cache-Control"] == "public, no-cache" and first["ETag"]
    again = client.get(f"/it/volantini/gruppi/{group.pk}.pdf",
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    group.slots = [MeetingSlot(weekday=3, start=datetime.time(17), end=datetime.time(19))]
    group.save_revision().publish()
    changed = client.get(f"/it/volantini/gruppi/{group.pk}.pdf",
                         HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.parametrize("path", ["/it/volantini/sedi/999999/manifesto.pdf",
                                  "/en/flyers/venues/abc/poster.pdf"])
def test_an_unknown_venue_has_no_poster(client, path):
    assert client.get(path).status_code == 404


# --- The preferred group, chosen by a group's flyer ----------------------------------------

def test_a_request_from_a_groups_flyer_keeps_the_group_chosen(client):
    from programme.models import ParticipationRequest
    from tests.forms_helpers import intake_data

    group = demo_group()
    response = client.post(f"/it/partecipa/?heard_from=flyer&group={group.pk}",
                           intake_data(preferred_group=str(group.pk)))
    assert response.status_code == 302, response.content.decode()[:500]
    request = ParticipationRequest.objects.latest("pk")
    assert request.preferred_group == group and request.heard_from == "flyer"


def test_the_person_may_drop_the_group_the_flyer_chose(client):
    from programme.models import ParticipationRequest
    from tests.forms_helpers import intake_data

    response = client.post("/it/partecipa/", intake_data(preferred_group=""))
    assert response.status_code == 302
    assert ParticipationRequest.objects.latest("pk").preferred_group is None


@pytest.mark.parametrize("language, value, message", [
    ("it", "abc", "Scegli un'opzione valida"),
    ("it", "٢", "Scegli un'opzione valida"),
    ("en", "999999", "Select a valid choice"),
    ("en", "draft", "Select a valid choice"),
])
def test_a_group_no_flyer_offers_is_refused_with_a_clear_message(
        client, language, value, message):
    from programme.models import ParticipationRequest
    from tests.forms_helpers import intake_data

    if value == "draft":
        group = demo_group()
        Group.objects.filter(pk=group.pk).update(live=False)
        value = str(group.pk)
    before = ParticipationRequest.objects.count()
    path = {"it": "/it/partecipa/", "en": "/en/apply/"}[language]
    response = client.post(path, intake_data(preferred_group=value))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html and 'href="#id_preferred_group"' in html
    assert ParticipationRequest.objects.count() == before


def test_the_segreteria_sees_the_preferred_group_on_the_request(django_user_model):
    from programme.models import ParticipationRequest
    from tests.forms_helpers import intake_data
    from tests.test_outcomes_dashboard import make_staff

    group = demo_group()
    Client().post("/it/partecipa/", intake_data(preferred_group=str(group.pk)))
    request = ParticipationRequest.objects.latest("pk")
    staff = make_staff(django_user_model, "segreteria", "Segreteria")
    client = Client()
    client.force_login(staff)
    html = client.get(f"/admin/participation_requests/inspect/{request.pk}/").content.decode()
    assert "gruppo preferito" in html.lower() or "preferred group" in html.lower()
    assert group.name in html


# --- The links on the public pages ----------------------------------------------------------

LINK = (r'<a href="(/(?:it/volantini|en/flyers)/[^"]+)" type="application/pdf">(.*?)</a>'
        r'&nbsp;\(([^)]*)\)')


def _download_link(html):
    found = re.search(LINK, html, re.S)
    return found and (found.group(1), re.sub(r"<[^>]+>", "", found.group(2)), found.group(3))


@pytest.mark.parametrize("language, page, label", [
    ("it", "/it/programma/", "Scarica il volantino"),
    ("en", "/en/programme/", "Download the flyer"),
])
def test_the_programme_sheet_links_its_flyer_with_its_size(client, settings, language,
                                                           page, label):
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    settings.FLYERS_DRAW_FOR_SIZE = True
    url, text, size = _download_link(client.get(page).content.decode())
    assert text == label
    pdf = client.get(url).content
    with translation.override(language):
        assert size == f"PDF, {filesizeformat(len(pdf))}"
    assert pdf_language(pdf) == language


def test_each_group_card_links_its_own_flyer_named_for_screen_readers(client, settings):
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    settings.FLYERS_DRAW_FOR_SIZE = True
    html = client.get("/it/gruppi/").content.decode()
    links = re.findall(LINK, html, re.S)
    groups = content.published_groups()
    assert sorted(url for url, _text, _size in links) == sorted(
        f"/it/volantini/gruppi/{g.pk}.pdf" for g in groups)
    for url, text, size in links:
        group = next(g for g in groups if url.endswith(f"/{g.pk}.pdf"))
        assert re.sub(r"<[^>]+>", "", text) == f"Scarica il volantino: {group.name}"
        with translation.override("it"):
            assert size == f"PDF, {filesizeformat(len(client.get(url).content))}"


def test_without_drawing_for_a_page_the_link_says_pdf_until_downloaded(client):
    # The test settings' FLYERS_DRAW_FOR_SIZE = False: no WeasyPrint run for a page view.
    url, _text, size = _download_link(client.get("/it/programma/").content.decode())
    assert size == "PDF"
    client.get(url)
    assert _download_link(client.get("/it/programma/").content.decode())[2].startswith(
        "PDF, ")


def test_where_pdfs_cannot_be_made_the_pages_offer_no_flyer(client, monkeypatch):
    monkeypatch.setattr(rendering, "unavailable", lambda: "libpango missing")
    for page in ["/it/programma/", "/en/groups/"]:
        html = client.get(page).content.decode()
        assert "flyer-download" not in html and "/volantini/" not in html
