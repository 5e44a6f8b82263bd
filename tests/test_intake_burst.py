"""Many people send the intake form at the same moment: none of them is lost.

The app runs as in production (gunicorn, 2 workers × 4 threads, production settings)
on a database of its own, in a child process: the test database cannot serve another
process (in-memory SQLite) or would be rolled back under it. The same code is the
200-submission benchmark, benchmarks/intake_burst.py. Here 20 people, sent at once with
a form lacking the privacy acknowledgement (a refusal must be counted as one) and with
half of the 20 forms sent four times each, as a bot replaying a solved spam check
would: each solution is accepted once, even when its copies reach two workers together.

On SQLite always (the embedded default); on PostgreSQL as well in the PostgreSQL pass
(DATABASE_URL), on a throwaway database next to the test database. The site is a copy
of the run's one built site (tests/built_site.py).
"""

import os
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from benchmarks.intake_burst import prepare, run_burst, site_env
from benchmarks.server import free_port
from tests.built_site import built_site

PEOPLE = 20
REPLAYED_COPIES = 3
SETTINGS = "tests.server_settings"
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
if not POSTGRES_URL.startswith(("postgres://", "postgresql://")):
    POSTGRES_URL = ""


@pytest.fixture
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    name = f"burst_{uuid.uuid4().hex[:12]}"
    server = urlsplit(POSTGRES_URL)
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(server._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("database_url", [
    pytest.param("sqlite", marks=pytest.mark.own_sqlite),
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="PostgreSQL pass only (DATABASE_URL)")),
], indirect=True)
def test_simultaneous_submissions_are_all_stored_and_confirmed(tmp_path, tmp_path_factory,
                                                              database_url):
    port = free_port()
    env = site_env(tmp_path, port, settings=SETTINGS, database_url=database_url)
    built_site(env, tmp_path_factory)
    submissions = prepare(env, PEOPLE + 1)
    unacknowledged = dict(parse_qsl(submissions[-1]["body"]))
    del unacknowledged["privacy"]
    submissions[-1]["body"] = urlencode(unacknowledged)
    # Copies next to their original: the server takes them up at the same moment.
    burst = []
    for number, submission in enumerate(submissions):
        burst += [submission] * (REPLAYED_COPIES + 1 if number < PEOPLE // 2 else 1)

    figures = run_burst(env, port, burst)

    # Refused forms are shown again (200): the unacknowledged one and every replay.
    assert figures["statuses"] == {"200": 1 + PEOPLE // 2 * REPLAYED_COPIES, "302": PEOPLE}
    assert figures["successes"] == PEOPLE
    assert figures["stored"] == PEOPLE
    assert figures["emails_queued"] == PEOPLE
    assert figures["references_distinct"] == PEOPLE
    assert figures["references_match"]
