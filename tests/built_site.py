"""One built site per test run, copied for each test that serves the site from a child
process (the intake and booking bursts).

Building a site — `migrate` (about 250 migrations: 34 s on a 2-core machine) and the
demo content — is what such a test spent most of its time on. The first test of a run
that needs one builds it (`benchmarks.intake_burst.build_site`, as before) into a
folder all the run's pytest-xdist workers share, under a lock; every test then gets a
copy of its own, so what one test stores is never seen by another:

- SQLite: the database file, copied with SQLite's backup API (a consistent copy);
- PostgreSQL: `CREATE DATABASE … TEMPLATE` of a database built once (the pass's
  cluster is thrown away at its end, with it);
- the media files of the demo content (venue photos, documents) and the key the demo's
  two-factor secrets were encrypted with (MFA_ENCRYPTION_KEY), so the copy reads as the
  original would.
"""

import fcntl
import hashlib
import json
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.intake_burst import build_site


def shared_folder(tmp_path_factory):
    """The folder every pytest-xdist worker of this run shares (the parent of each
    worker's base temporary folder), or the base folder itself without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


@contextmanager
def _locked(path):
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _postgres(url):
    return url.startswith(("postgres://", "postgresql://"))


def _admin_url(url):
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _database_name(url):
    return urlsplit(url).path.lstrip("/")


def _build_template(env, template, shared):
    """Build the site of `env`'s kind into `template`; its database URL."""
    template.mkdir()
    if _postgres(env["DATABASE_URL"]):
        import psycopg

        # A name of this run (the cluster may be reused by `make test-postgres` runs).
        name = "built_site_" + hashlib.sha256(str(shared).encode()).hexdigest()[:12]
        url = urlunsplit(urlsplit(env["DATABASE_URL"])._replace(path=f"/{name}"))
        with psycopg.connect(_admin_url(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{template / 'db.sqlite3'}"
    build_site({**env, "DATABASE_URL": url, "MEDIA_ROOT": str(template / "media"),
                "CACHE_URL": f"filecache://{template / 'cache'}"})
    (template / "site.json").write_text(json.dumps({
        "database_url": url, "mfa_encryption_key": env["MFA_ENCRYPTION_KEY"]}))
    return url


def _copy_database(source_url, target_url):
    if _postgres(target_url):
        import psycopg

        source, target = _database_name(source_url), _database_name(target_url)
        with psycopg.connect(_admin_url(target_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        return
    source = sqlite3.connect(urlsplit(source_url).path)
    target = sqlite3.connect(urlsplit(target_url).path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def built_site(env, tmp_path_factory):
    """Give the site of `env` (benchmarks.intake_burst.site_env: its DATABASE_URL, an
    empty SQLite file's place or an empty PostgreSQL database, and MEDIA_ROOT) a copy of
    this run's built site, building that first if no test has. Sets
    env["MFA_ENCRYPTION_KEY"] to the built site's. Returns `env`."""
    shared = shared_folder(tmp_path_factory)
    kind = "postgresql" if _postgres(env["DATABASE_URL"]) else "sqlite"
    template = shared / f"built-site-{kind}"
    with _locked(shared / f"built-site-{kind}.lock"):
        if not (template / "site.json").exists():
            shutil.rmtree(template, ignore_errors=True)  # a build that failed half-way
            _build_template(env, template, shared)
        built = json.loads((template / "site.json").read_text())
        _copy_database(built["database_url"], env["DATABASE_URL"])
    if (template / "media").exists():
        shutil.copytree(template / "media", Path(env["MEDIA_ROOT"]), dirs_exist_ok=True)
    env["MFA_ENCRYPTION_KEY"] = built["mfa_encryption_key"]
    return env
