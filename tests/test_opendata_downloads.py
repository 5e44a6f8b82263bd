"""The Open data page and its downloads (opendata/models.py, datasets.py, catalogue.py):
CSV files as Excel opens them, JSON files' shape, the DCAT-AP_IT catalogue, both
languages."""

import csv
import io
import json

import pytest

from accounts.models import Organisation
from opendata.datasets import DATASETS
from programme.models import Adhesion, Group
from programme.models.groups import CancelledMeeting

pytestmark = pytest.mark.django_db

PAGE_IT, PAGE_EN = "/it/dati-aperti/", "/en/open-data/"
FILES = {
    "it": {"groups": "gruppi", "venues": "sedi", "organisations": "organizzazioni-aderenti",
           "meetings": "prossimi-incontri"},
    "en": {"groups": "groups", "venues": "venues", "organisations": "organisations",
           "meetings": "upcoming-meetings"},
}
PAGES = {"it": PAGE_IT, "en": PAGE_EN}


def read_csv_as_excel(response, language):
    """Open the file as Excel does: the BOM tells UTF-8, the region's list separator."""
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    delimiter = ";" if language == "it" else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("key", ["groups", "venues", "organisations", "meetings"])
def test_each_dataset_is_served_as_csv_and_json_in_both_languages(client, language, key):
    url = PAGES[language] + FILES[language][key]
    csv_response = client.get(url + ".csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{FILES[language][key]}.csv"' in csv_response["Content-Disposition"]
    assert csv_response["Access-Control-Allow-Origin"] == "*"
    assert csv_response["Last-Modified"]
    rows = read_csv_as_excel(csv_response, language)
    dataset = next(d for d in DATASETS if d.key == key)
    assert len(rows[0]) == len(dataset.fields)

    json_response = client.get(url + ".json")
    assert json_response.status_code == 200
    body = json.loads(json_response.content.decode("utf-8"))
    assert list(body) == ["dataset", "title", "description", "language", "licence",
                          "modified", "fields", "rows"]
    assert body["dataset"] == key and body["language"] == language
    assert body["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [f["name"] for f in body["fields"]] == [f.name for f in dataset.fields]
    assert all(set(f["title"]) == {"it", "en"} for f in body["fields"])
    assert len(body["rows"]) == len(rows) - 1
    for row in body["rows"]:
        assert list(row) == [f.name for f in dataset.fields]


def test_the_csv_headers_are_in_the_readers_language(client):
    italian = read_csv_as_excel(client.get(PAGE_IT + "gruppi.csv"), "it")
    english = read_csv_as_excel(client.get(PAGE_EN + "groups.csv"), "en")
    assert italian[0][1] == "Gruppo" and english[0][1] == "Group"
    assert italian[0][10] == "Giorno della settimana" and english[0][10] == "Weekday"
    assert len(italian) == len(english) > 1
    monday = [row for row in italian[1:] if row[9] == "1"]
    assert all(row[10] == "lunedì" for row in monday)


def test_a_name_that_looks_like_a_formula_is_plain_text_in_the_csv(client):
    group = Group.objects.published().filter(locale__language_code="it").first()
    group.name = "=HYPERLINK(\"http://evil.example\")"
    group.save()
    rows = read_csv_as_excel(client.get(PAGE_IT + "gruppi.csv"), "it")
    names = [row[1] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\")" in names
    assert not any(name.startswith("=") for name in names)


def test_contact_details_only_with_the_organisations_consent(client):
    organisation = Organisation.objects.create(
        name="Cooperativa Aperta", kind="cooperative", email="info@aperta.example",
        website="https://aperta.example", phone="+39 02 1234 5678")
    adhesion = Adhesion.objects.create(
        organisation=organisation, protocol_version="1.0", signatory_name="A",
        signatory_role="B", status=Adhesion.Status.APPROVED, publish_contact_details=False)
    from django.utils import timezone
    Adhesion.objects.filter(pk=adhesion.pk).update(decided_at=timezone.now())

    def row():
        body = client.get(PAGE_EN + "organisations.json").json()
        return next(r for r in body["rows"] if r["organisation_id"] == str(organisation.public_id))

    assert row()["email"] == "" and row()["website"] == "" and row()["phone"] == ""
    assert row()["kind_label"] == "Cooperative"
    Adhesion.objects.filter(pk=adhesion.pk).update(publish_contact_details=True)
    assert row()["email"] == "info@aperta.example"
    assert row()["website"] == "https://aperta.example"


def test_the_other_languages_file_name_redirects_and_an_unknown_one_is_404(client):
    response = client.get(PAGE_EN + "gruppi.csv")
    assert response.status_code == 301 and response["Location"] == PAGE_EN + "groups.csv"
    assert client.get(PAGE_IT + "nessuno.csv").status_code == 404
    assert client.get(PAGE_IT + "gruppi.xml").status_code == 404


@pytest.mark.parametrize("language,name", [("it", "catalogo.jsonld"),
                                           ("en", "catalogue.jsonld")])
def test_the_catalogue_is_dcat_ap_it_json_ld_naming_every_dataset_and_file(
        client, language, name):
    response = client.get(PAGES[language] + name)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(response.content)
    context = catalogue["@context"]
    assert context["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    assert "dcatapit:Catalog" in catalogue["@type"]
    for prop in ("dct:title", "dct:description", "dct:publisher", "dct:modified",
                 "dcat:dataset"):
        assert catalogue[prop], prop
    assert catalogue["dct:publisher"]["dct:identifier"] == "c_f205"
    assert {t["@language"] for t in catalogue["dct:title"]} == {"it", "en"}
    datasets = catalogue["dcat:dataset"]
    assert len(datasets) == len(DATASETS)
    files = set()
    for dataset in datasets:
        assert "dcatapit:Dataset" in dataset["@type"]
        for prop in ("dct:identifier", "dct:title", "dct:description", "dct:modified",
                     "dcat:theme", "dct:rightsHolder", "dct:accrualPeriodicity",
                     "dcat:contactPoint", "dcat:distribution", "dct:publisher"):
            assert dataset[prop], (dataset["@id"], prop)
        assert dataset["dcat:theme"]["@id"].rsplit("/", 1)[1] in ("SOCI", "GOVE")
        for distribution in dataset["dcat:distribution"]:
            assert "dcatapit:Distribution" in distribution["@type"]
            assert distribution["dct:license"]["@id"] == (
                "https://creativecommons.org/licenses/by/4.0/")
            assert "dcatapit:LicenseDocument" in distribution["dct:license"]["@type"]
            assert distribution["dct:format"]["@id"].rsplit("/", 1)[1] in ("CSV", "JSON")
            files.add(distribution["dcat:accessURL"]["@id"])
    for lang, stems in FILES.items():
        for stem in stems.values():
            for extension in ("csv", "json"):
                assert f"http://testserver{PAGES[lang]}{stem}.{extension}" in files
    assert "http://testserver/api/hsds/" in files
    for url in files - {"http://testserver/api/hsds/"}:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_page_lists_every_dataset_with_links_that_work(client, language):
    response = client.get(PAGES[language])
    assert response.status_code == 200
    html = response.content.decode()
    for stem in FILES[language].values():
        for extension in ("csv", "json"):
            href = f'href="{PAGES[language]}{stem}.{extension}"'
            assert href in html
            assert client.get(f"{PAGES[language]}{stem}.{extension}").status_code == 200
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert 'href="/api/hsds/"' in html and 'href="/api/hsds/openapi.json"' in html
    catalogue = "catalogo.jsonld" if language == "it" else "catalogue.jsonld"
    assert f'href="{PAGES[language]}{catalogue}"' in html
    assert '<th scope="col">' in html and "<caption>" in html
    assert '"@type": "DataCatalog"' in html or '"@type":"DataCatalog"' in html


def test_upcoming_meetings_mark_a_cancelled_one_with_its_reason(client):
    import datetime

    from opendata.sources import today
    from programme.schedule import first_meeting_date

    group = next(g for g in Group.objects.published().filter(locale__language_code="it")
                 .prefetch_related("slots") if g.slots.all() and g.status != "paused")
    slot = group.slots.all()[0]
    day = first_meeting_date(slot, today() + datetime.timedelta(days=8))
    CancelledMeeting.objects.create(group=group, date=day, reason="Assemblea cittadina",
                                    locale=group.locale)
    rows = client.get(PAGE_IT + "prossimi-incontri.json").json()["rows"]
    mine = [r for r in rows if r["group_id"] == str(group.translation_key)]
    cancelled = next(r for r in mine if r["date"] == day.isoformat())
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation_reason"] == "Assemblea cittadina"
    assert cancelled["public_holiday"] is False
    assert cancelled["starts_at"].startswith(f"{day.isoformat()}T{slot.start:%H:%M}")
    assert cancelled["starts_at"][-6:] in ("+01:00", "+02:00")
    assert any(r["status"] == "scheduled" for r in mine)


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_pages_json_ld_block_is_a_valid_schema_org_data_catalog(client, language):
    import re

    from opendata.vocabulary import problems

    html = client.get(PAGES[language]).content.decode()
    blocks = [json.loads(block) for block in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    catalogues = [b for b in blocks if b.get("@type") == "DataCatalog"]
    assert len(catalogues) == 1
    assert not problems(catalogues[0])
    assert len(catalogues[0]["dataset"]) == len(DATASETS)


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_footer_links_the_open_data_page_in_the_readers_language(client, language):
    home = client.get(f"/{language}/").content.decode()
    footer = home[home.index("<footer"):]
    label = {"it": "Dati aperti", "en": "Open data"}[language]
    assert f'<a href="{PAGES[language]}">{label}</a>' in footer


@pytest.mark.parametrize("language", ["it", "en"])
def test_each_field_type_is_named_in_words_on_the_page(client, language):
    page = client.get(PAGES[language]).content.decode()
    words = {"it": "identificativo (UUID)", "en": "identifier (UUID)"}[language]
    assert f"<td>{words}</td>" in page
    assert "<td>uuid</td>" not in page and "<td>string</td>" not in page
