"""Places are never oversold (issue 18): people press «Conferma» for the same slot at
the same moment on the site as it runs in production (gunicorn, 2 workers × 4 threads,
production settings, a database file of its own in a child process, as
tests/test_intake_burst.py does); exactly as many get a confirmation as there were free
places, everyone else sees the day's free times again with the "full" message, nobody
gets an error, and the database holds one booking per confirmation, each in a place of
its own. The same code is `make bench-booking` (benchmarks/booking_burst.py), with 50
people for 10 places.

On SQLite always; on PostgreSQL as well in the PostgreSQL pass (DATABASE_URL).
"""

import pytest

from benchmarks.booking_burst import all_good, prepare, report, run_burst
from benchmarks.intake_burst import site_env
from benchmarks.server import free_port
from tests import test_intake_burst
from tests.built_site import built_site
from tests.test_intake_burst import POSTGRES_URL, SETTINGS

database_url = test_intake_burst.database_url  # the fixture: a file or a PostgreSQL database

BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.own_sqlite),
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="PostgreSQL pass only (DATABASE_URL)")),
]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_twelve_people_for_three_places_then_two_for_the_last_one(tmp_path, tmp_path_factory,
                                                                  database_url):
    port = free_port()
    env = site_env(tmp_path, port, settings=SETTINGS, database_url=database_url)
    built_site(env, tmp_path_factory)

    figures = run_burst(env, port, prepare(env, 12, places=3))
    assert (figures["confirmed"], figures["full"], figures["errors"]) == (3, 9, 0), \
        report(figures)
    assert figures["stored"] == 3 and figures["places_distinct"], report(figures)
    assert figures["references_match"] and all_good(figures)
    assert not any(status.startswith("5") for status in figures["statuses"])

    # Another slot of 3 places, 2 already taken: two people race for the last one.
    figures = run_burst(env, port, prepare(env, 2, places=3, taken=2))
    assert (figures["confirmed"], figures["full"], figures["errors"]) == (1, 1, 0), \
        report(figures)
    assert figures["stored"] == 1 and figures["places_distinct"] and all_good(figures)
