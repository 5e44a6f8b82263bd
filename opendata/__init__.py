"""The programme's open data: what other systems may reuse, in the formats they read.

- the HSDS 3.0 API at /api/hsds/ (Open Referral's Human Services Data Specification:
  services, organizations, locations, service_at_locations, schedules): `hsds.py` maps
  the programme's data to HSDS, `api.py` serves it, `identifiers.py` gives every record
  a UUID that never changes;
- the downloadable datasets (CSV and JSON) and their DCAT-AP_IT catalogue, listed on the
  "Dati aperti"/"Open data" page: `datasets.py`, `catalogue.py`, `models.py`;
- the official schemas they are checked against, vendored with their licences under
  `schemas/` (see `schemas/README.md`), and the checks themselves (`validation.py`,
  `manage.py validate_open_data`).

Reads `programme`, `accounts` and `home`; nothing imports it but the project's wiring.
"""
