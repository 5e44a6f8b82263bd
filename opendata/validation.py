"""Checks of the HSDS answers against the vendored official schemas (HSDS 3.0, `schemas/`),
offline: JSON Schema Draft 2020-12 with format checking (uuid, uri, email, date-time).

The 3.0 OpenAPI file's `$ref`s name the schemas by their addresses on GitHub
(https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/*.json
and .../schema/*.json); `REGISTRY` maps those addresses to the vendored files, so the
entities' relative `$ref`s ("address.json") resolve to them too and nothing is fetched.

The schema.org half of the checks is opendata.vocabulary.
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HSDS_DIR = Path(__file__).resolve().parent / "schemas" / "hsds-3.0"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

# What each kind of answer is checked against: the compiled schema the 3.0 OpenAPI file
# names for that path, and for /locations (an extension: the 3.0 OpenAPI has no such
# path) the release's location entity.
KINDS = {
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    # The 3.0 OpenAPI gives /service_at_locations/{id} the service schema, by a slip
    # (its description says "fully nested service_at_location"): we answer a
    # service_at_location and check it against the compiled service_at_location schema.
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "location": "location.json",
}
# The item schema of each list: a list's items, and with full=true the nested records.
LIST_ITEMS = {
    "services": ("service_list", "service"),
    "organizations": ("organization_list", "organization"),
    "service_at_locations": ("service_at_location_list", "service_at_location"),
    "locations": ("location", "location"),
}
PAGE_KEYS = {"total_items": int, "total_pages": int, "page_number": int, "size": int,
             "first_page": bool, "last_page": bool, "empty": bool}


def _uri(relative):
    """The address the OpenAPI file names `relative` by (entities live in schema/)."""
    return SCHEMA_BASE + relative.removeprefix("entities/") if relative.startswith(
        "entities/") else SCHEMA_BASE + relative


@functools.cache
def registry():
    """A referencing.Registry of every vendored HSDS 3.0 schema under its GitHub address."""
    resources = []
    for path in sorted((HSDS_DIR / "compiled").glob("*.json")):
        resources.append((f"{SCHEMA_BASE}compiled/{path.name}", path))
    for path in sorted((HSDS_DIR / "entities").glob("*.json")):
        resources.append((f"{SCHEMA_BASE}{path.name}", path))
    return Registry().with_resources(
        (uri, Resource.from_contents(json.loads(path.read_text()),
                                     default_specification=DRAFT202012))
        for uri, path in resources
    )


@functools.cache
def _validator(kind):
    uri = SCHEMA_BASE + KINDS[kind]
    schema = registry().contents(uri)
    # The schema is given with its address as $id so relative $refs resolve from there.
    return Draft202012Validator({**schema, "$id": uri}, registry=registry(),
                                format_checker=FormatChecker())


def hsds_errors(kind, document):
    """The ways `document` breaks the HSDS 3.0 schema of `kind` (a key of KINDS): a list
    of "path: message" strings, empty when it validates. Raises KeyError for an unknown
    kind."""
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in _validator(kind).iter_errors(document)]


def validate_hsds(kind, document):
    """Raise ValueError listing every error when `document` is not a valid HSDS 3.0
    `kind`; return `document` otherwise."""
    errors = hsds_errors(kind, document)
    if errors:
        raise ValueError(f"Not a valid HSDS 3.0 {kind}:\n" + "\n".join(errors))
    return document


def page_errors(list_name, document, *, full=False):
    """The errors of a whole list answer: the page object (the OpenAPI's Page, every key
    present with its type, `contents` an array) and each item against the list's item
    schema (`LIST_ITEMS[list_name]`: the list's own, or the full record's when `full`).
    A list of strings, empty when valid."""
    errors = []
    if not isinstance(document, dict):
        return ["(root): not an object"]
    for key, kind in PAGE_KEYS.items():
        value = document.get(key)
        # bool is an int in Python: an int key must not be a bool.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            errors.append(f"{key}: missing or not {kind.__name__}")
    contents = document.get("contents")
    if not isinstance(contents, list):
        return [*errors, "contents: missing or not an array"]
    item_kind = LIST_ITEMS[list_name][1 if full else 0]
    for number, item in enumerate(contents):
        errors += [f"contents/{number}/{error}" for error in hsds_errors(item_kind, item)]
    return errors


def validate_page(list_name, document, *, full=False):
    """As page_errors, raising ValueError with them; returns `document` when valid."""
    errors = page_errors(list_name, document, full=full)
    if errors:
        raise ValueError(f"Not a valid HSDS 3.0 page of {list_name}:\n" + "\n".join(errors))
    return document
