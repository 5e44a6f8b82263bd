"""The catalogue of the open data described in DCAT-AP_IT (the Italian profile of DCAT-AP,
http://dati.gov.it/onto/dcatapit, AgID's "Linee guida per i cataloghi dati"), as JSON-LD,
so the national portal (dati.gov.it) and the region's can harvest it.

What the profile makes mandatory is given: the catalogue's title, description,
publisher (a dcatapit:Agent with the IPA code as dct:identifier), modified date and
datasets; each dataset's identifier («IPA code:local id»), title, description, modified
date, theme (EU data theme), rights holder, accrual periodicity (EU frequency), contact
point (vCard) and distributions; each distribution's format (EU file type), access URL
and licence (dcatapit:LicenseDocument). Titles and descriptions are in Italian and
English (@language). The HSDS API is one more distribution of the groups' dataset.
"""

from django.utils import translation

from opendata.datasets import DATASETS, LANGUAGES, LICENCE, modified

# The City of Milan in the Indice delle Pubbliche Amministrazioni (IPA): its code is
# c_f205 (F205 is Milan's cadastral code), the publisher and rights holder of this data.
CITY_IPA_CODE = "c_f205"
CITY_NAME = "Comune di Milano"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE_URIS = {"it": EU + "language/ITA", "en": EU + "language/ENG"}
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}


def _texts(lazy):
    values = []
    for language in LANGUAGES:
        with translation.override(language):
            values.append({"@language": language, "@value": str(lazy)})
    return values


def _date(value):
    return {"@type": "xsd:date", "@value": value.date().isoformat()} if value else None


def _agent():
    return {"@id": f"https://indicepa.gov.it/ipa-portale/consultazione/indirizzo-sede/"
                   f"ricerca-ente/scheda-ente/{CITY_IPA_CODE}",
            "@type": ["dcatapit:Agent", "foaf:Agent"],
            "dct:identifier": CITY_IPA_CODE, "foaf:name": CITY_NAME}


def _licence():
    return {"@id": LICENCE["url"], "@type": ["dcatapit:LicenseDocument", "dct:LicenseDocument"],
            "dct:type": {"@id": "http://purl.org/adms/licencetype/Attribution"},
            "foaf:name": LICENCE["title"]}


def build(*, title, description, homepage, email, issued, last_modified, file_url, api_url):
    """The catalogue as a JSON-LD document (a dict). `title`, `description`: lazy texts
    (given in both languages); `homepage`: the Open data page's absolute URL; `email`: the
    contact point's address; `issued`, `last_modified`: aware datetimes or None;
    `file_url(dataset, language, extension)` -> absolute URL of a download;
    `api_url`: the HSDS API's absolute URL."""
    datasets = []
    for dataset in DATASETS:
        changed = modified(dataset, last_modified)
        distributions = [
            {
                "@id": file_url(dataset, language, extension),
                "@type": ["dcatapit:Distribution", "dcat:Distribution"],
                "dct:title": _texts(dataset.title),
                "dct:format": {"@id": EU + "file-type/" + file_type},
                "dcat:mediaType": media_type,
                "dcat:accessURL": {"@id": file_url(dataset, language, extension)},
                "dcat:downloadURL": {"@id": file_url(dataset, language, extension)},
                "dct:language": {"@id": LANGUAGE_URIS[language]},
                "dct:license": _licence(),
                "dct:modified": _date(changed),
            }
            for extension, (file_type, media_type) in FORMATS.items()
            for language in LANGUAGES
        ]
        if dataset.key == "groups":
            distributions.append({
                "@id": api_url,
                "@type": ["dcatapit:Distribution", "dcat:Distribution"],
                "dct:title": "Open Referral HSDS 3.0 API",
                "dct:format": {"@id": EU + "file-type/JSON"},
                "dcat:mediaType": "application/json",
                "dcat:accessURL": {"@id": api_url},
                "dct:conformsTo": {"@id": "https://docs.openreferral.org/en/v3.0/"},
                "dct:license": _licence(),
            })
        datasets.append({
            "@id": f"{homepage}#{dataset.key}",
            "@type": ["dcatapit:Dataset", "dcat:Dataset"],
            "dct:identifier": f"{CITY_IPA_CODE}:mutuo-aiuto-lavoro-{dataset.key}",
            "dct:title": _texts(dataset.title),
            "dct:description": _texts(dataset.description),
            "dct:modified": _date(changed),
            "dct:issued": _date(issued),
            "dcat:theme": {"@id": EU + "data-theme/" + dataset.theme},
            "dct:accrualPeriodicity": {"@id": EU + "frequency/" + dataset.periodicity},
            "dct:language": [{"@id": uri} for uri in LANGUAGE_URIS.values()],
            "dct:rightsHolder": _agent(),
            "dct:publisher": _agent(),
            "dcat:contactPoint": {
                "@type": ["dcatapit:Organization", "vcard:Organization", "vcard:Kind"],
                "vcard:fn": CITY_NAME,
                "vcard:hasEmail": {"@id": f"mailto:{email}"},
            },
            "dcat:landingPage": {"@id": homepage},
            "dcat:distribution": distributions,
        })
    return {
        "@context": CONTEXT,
        "@id": homepage,
        "@type": ["dcatapit:Catalog", "dcat:Catalog"],
        "dct:title": _texts(title),
        "dct:description": _texts(description),
        "dct:publisher": _agent(),
        "dct:issued": _date(issued),
        "dct:modified": _date(last_modified),
        "dct:language": [{"@id": uri} for uri in LANGUAGE_URIS.values()],
        "foaf:homepage": {"@id": homepage},
        "dct:license": _licence(),
        "dcat:dataset": datasets,
    }
