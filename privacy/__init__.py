"""Personal data's life cycle (GDPR arts. 5(1)(e), 15, 17, 30 and 32).

- Retention: how long each kind of personal data is kept (settings `RETENTION_*`), and
  the daily purge that deletes or anonymises what is older (`retention.py`).
- A person's rights: everything held about one person found, exported and erased in one
  action (`subjects.py`), and the citizen's request from the site (`requests.py`).
- The audit trail: who viewed, changed, exported or erased which record (`audit.py`).

Uses `programme` and `accounts`; neither imports it.
"""
