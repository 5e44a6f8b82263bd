"""The HSDS records' identifiers: UUIDs that never change.

The rule:
- a record's id is a UUID stored with what it describes: a group's, venue's, programme
  sheet's or founding signatory's `translation_key` (the same in every language, kept
  when the row is re-published), an adhering organisation's `Organisation.public_id`, a
  weekly meeting's `MeetingSlot.public_id` (kept when its day or time changes: the same
  schedule moved, not one removed and another added);
- a sub-record (address, accessibility, phone, contact, language,
  service_at_location, program) has no row of its own, or a row whose key is a database
  id: its id is the RFC 4122 version-5 UUID of its parent's stored UUID (the namespace)
  and a fixed name saying what the record is (`sub_id(group.translation_key,
  "service_at_location")`), or what identifies it among its siblings (an opening-hours
  block's stored StreamField id).

Why: other systems keep these ids to update or de-duplicate what they copied, so an id
must be the same between requests, servers, re-publications and rebuilds of the
database; a database id is none of these (a restore or a re-import renumbers it), and it
would say how many rows exist.
"""

import uuid


def record_id(stored):
    """The id of a top-level record: its stored UUID (a UUID or its text), as text.
    Raises ValueError when `stored` is not a UUID."""
    return str(stored if isinstance(stored, uuid.UUID) else uuid.UUID(str(stored)))


def sub_id(parent, name):
    """The id of a sub-record of the record whose stored UUID is `parent`: uuid5(parent,
    name), as text. `name` is fixed text ("address", "phone/1") saying what it is."""
    return str(uuid.uuid5(uuid.UUID(str(parent)), name))


def parse_id(text):
    """The canonical text of the UUID `text` names (any case, with or without hyphens),
    or None when it is not a UUID: an address's id that cannot name a record."""
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        return None
