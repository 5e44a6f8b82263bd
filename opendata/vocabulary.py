"""The schema.org half of the open data's checks: is a JSON-LD block made of schema.org's
own words, used where the vocabulary says they belong?

`problems(document)` reads the vendored release file (schemas/schemaorg-30.0, loaded once
per process) and answers a list of readable problems, [] when there is none:

- every `@type` is a schema.org class;
- every property exists and its domain (schema:domainIncludes) holds the node's type or
  one of its superclasses;
- every value fits the property's range (schema:rangeIncludes): a node of a range type
  or of a subclass of it, an `{"@id": ...}` reference, an enumeration member (the URL
  https://schema.org/EventScheduled for an EventStatusType), or a literal of a data
  type's shape (Text takes any string, URL an absolute http(s) URL, Date YYYY-MM-DD,
  DateTime ISO 8601 with its offset, Time HH:MM(:SS), Duration ISO 8601 like P1W,
  Number/Integer/Float numbers, Boolean true/false);
- recursively, in `@graph` blocks too.

Like schema.org's own validator, "<property>-input"/"-output" (Actions' annotations, as in
the SearchAction's "query-input") are read as their property.
"""

import datetime
import functools
import gzip
import json
import re
from pathlib import Path

VOCABULARY = (Path(__file__).parent / "schemas" / "schemaorg-30.0"
              / "schemaorg-current-https.jsonld.gz")
PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")


def _name(term):
    """"https://schema.org/Event", "schema:Event" or "Event" → "Event"."""
    for prefix in PREFIXES:
        if term.startswith(prefix):
            return term[len(prefix):]
    return term


def _ids(value):
    """The schema.org names in a JSON-LD `{"@id": ...}` value or a list of them."""
    values = value if isinstance(value, list) else [value]
    return [_name(v["@id"]) for v in values if isinstance(v, dict) and "@id" in v]


class Vocabulary:
    """schema.org's classes, properties and enumeration members, by short name."""

    def __init__(self, graph):
        self.classes, self.properties, self.members = {}, {}, {}
        self.datatypes = set()
        for node in graph:
            if not node["@id"].startswith("schema:"):
                continue
            name = _name(node["@id"])
            kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            if "rdfs:Class" in kinds:
                self.classes[name] = _ids(node.get("rdfs:subClassOf", []))
                if "schema:DataType" in kinds:
                    self.datatypes.add(name)
            elif "rdf:Property" in kinds:
                self.properties[name] = (set(_ids(node.get("schema:domainIncludes", []))),
                                         _ids(node.get("schema:rangeIncludes", [])))
            else:  # an enumeration member: its @type is its enumeration
                self.members[name] = [_name(kind) for kind in kinds]

    @functools.cache  # noqa: B019 (one vocabulary per process, never freed)
    def ancestors(self, name):
        """`name` and every class it is a subclass of, directly or not."""
        found = {name}
        for parent in self.classes.get(name, []):
            found |= self.ancestors(parent)
        return frozenset(found)

    def is_datatype(self, name):
        return bool(self.ancestors(name) & self.datatypes)


@functools.cache
def vocabulary():
    """The vendored schema.org release, read once per process."""
    with gzip.open(VOCABULARY, "rt", encoding="utf-8") as stream:
        return Vocabulary(json.load(stream)["@graph"])


def _literal_fits(value, range_name, vocab):
    """Whether the literal `value` (str, bool, int or float) is of `range_name`'s shape."""
    kinds = vocab.ancestors(range_name)
    if isinstance(value, bool):
        return "Boolean" in kinds
    if isinstance(value, (int, float)):
        if "Integer" in kinds:
            return isinstance(value, int)
        return "Number" in kinds
    if not isinstance(value, str):
        return False
    if range_name == "Duration":
        return bool(_DURATION.match(value))
    if value.startswith(PREFIXES[:2]) and _name(value) in vocab.members and any(
            range_name in vocab.ancestors(kind) for kind in vocab.members[_name(value)]):
        return True
    if "DateTime" in kinds:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return False
        return "T" in value and moment.utcoffset() is not None
    if "Date" in kinds:
        if not _DATE.match(value):
            return False
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if "Time" in kinds:
        return bool(_TIME.match(value))
    if "URL" in kinds:
        return bool(_URL.match(value))
    return "Text" in kinds  # Text and its other subclasses (CssSelectorType...)


def _check_value(value, prop, ranges, path, vocab, found):
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, prop, ranges, f"{path}[{index}]", vocab, found)
        return
    if isinstance(value, dict):
        types = value.get("@type")
        if types is None:
            if "@id" in value or "@value" in value:
                return  # a reference to a node described elsewhere (or a typed literal)
            found.append(f"{path}: a node without @type")
            return
        node_types = [_name(t) for t in (types if isinstance(types, list) else [types])]
        known = [t for t in node_types if t in vocab.classes]
        if known and ranges and not any(
                r in vocab.ancestors(t) for t in known for r in ranges):
            found.append(f"{path}: {prop} expects {' or '.join(ranges)}, "
                         f"not a {'/'.join(node_types)}")
        _check_node(value, path, vocab, found)
        return
    if not ranges or any(_literal_fits(value, r, vocab) for r in ranges):
        return
    found.append(f"{path}: {prop} expects {' or '.join(ranges)}, not the value {value!r}")


def _check_node(node, path, vocab, found):
    types = node.get("@type")
    names = [_name(t) for t in (types if isinstance(types, list) else [types])]
    unknown = [t for t in names if t not in vocab.classes]
    for name in unknown:
        found.append(f"{path}: unknown type {name!r}")
    lineage = set().union(*(vocab.ancestors(t) for t in names if t not in unknown))
    for key, value in node.items():
        if key.startswith("@"):
            continue
        prop = _name(key)
        if prop not in vocab.properties:
            base = re.sub(r"-(input|output)$", "", prop)
            if base != prop and base in vocab.properties:
                continue  # an Action's annotation: a PropertyValueSpecification's text
            found.append(f"{path}: unknown property {prop!r}")
            continue
        domains, ranges = vocab.properties[prop]
        if lineage and domains and not domains & lineage:
            found.append(f"{path}: {prop!r} is not a property of {'/'.join(names)} "
                         f"(it belongs to {', '.join(sorted(domains))})")
            continue
        _check_value(value, prop, ranges, f"{path}.{prop}", vocab, found)


def problems(document):
    """What is wrong with the JSON-LD `document` (a dict, or a list of nodes), as readable
    sentences naming where (e.g. "@graph[2].location.address: ..."); [] when nothing."""
    vocab = vocabulary()
    found = []
    nodes = document if isinstance(document, list) else [document]
    for index, node in enumerate(nodes):
        path = f"[{index}]" if isinstance(document, list) else "$"
        if not isinstance(node, dict):
            found.append(f"{path}: not a JSON-LD node")
            continue
        if "@graph" in node:
            for position, member in enumerate(node["@graph"]):
                _check_value(member, "@graph", [], f"{path}.@graph[{position}]", vocab, found)
            continue
        if "@type" not in node:
            found.append(f"{path}: a node without @type")
            continue
        _check_node(node, path, vocab, found)
    return found
