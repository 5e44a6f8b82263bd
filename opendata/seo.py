"""The Open data page's JSON-LD block: its datasets as a schema.org DataCatalog (what
search engines' dataset search reads).

The DCAT-AP_IT description the national portals harvest is the page's
`catalogo.jsonld` / `catalogue.jsonld` file, linked from the page's head
(rel="alternate"): the page's block is schema.org (seo's JSON-LD blocks all are, and are
checked against schema.org's vocabulary), DCAT is another vocabulary with its own context.
Registered with seo.metadata; found by `autodiscover_modules("seo")`.
"""


from opendata import datasets, sources
from seo.metadata import absolute_url, page_url, register


@register("opendata.OpenDataPage")
def open_data_page(page, context):
    request = context.get("request")
    modified = sources.last_modified()
    licence = datasets.LICENCE["url"]
    publisher = {"@type": "GovernmentOrganization", "name": "Comune di Milano"}
    return {
        "@type": "DataCatalog",
        "name": page.seo_title or page.title,
        "url": page_url(page, request),
        "inLanguage": page.locale.language_code,
        "license": licence,
        "publisher": publisher,
        "dataset": [
            {
                "@type": "Dataset",
                "name": str(dataset.title),
                "description": str(dataset.description),
                "identifier": dataset.key,
                "url": page_url(page, request) + "#" + dataset.key,
                "license": licence,
                "isAccessibleForFree": True,
                "creator": publisher,
                **({"dateModified": changed.isoformat()}
                   if (changed := datasets.modified(dataset, modified)) else {}),
                "distribution": [
                    {"@type": "DataDownload", "encodingFormat": media_type,
                     "contentUrl": absolute_url(request, page.file_url(dataset, extension))}
                    for extension, media_type in (("csv", "text/csv"),
                                                  ("json", "application/json"))
                ],
            }
            for dataset in datasets.DATASETS
        ],
    }
