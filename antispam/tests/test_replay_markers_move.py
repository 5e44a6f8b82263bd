"""The replay markers moved from home to antispam (antispam 0001, home 0010): a solution
accepted before the update stays spent after it, and migrating back keeps them too."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

# A SQLite file of its own in a child process: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.own_sqlite

ROOT = Path(__file__).resolve().parents[2]
MARKER = ("a" * 64, "2030-01-01 00:00:00")


def migrate(env, *args):
    subprocess.run([sys.executable, "manage.py", "migrate", *args, "-v0"], cwd=ROOT, env=env,
                   check=True)


def rows(database, table):
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT signature, expires_at FROM {table}").fetchall()  # noqa: S608


def tables(database):
    with sqlite3.connect(database) as connection:
        return {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_markers_survive_the_move_and_the_way_back(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_SETTINGS_MODULE": "website.settings.dev"}
    migrate(env, "home", "0009")  # as the site was before the move
    assert "antispam_usedchallenge" not in tables(database)
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO home_usedchallenge VALUES (?, ?)", MARKER)

    migrate(env, "home")
    assert rows(database, "antispam_usedchallenge") == [MARKER]
    assert "home_usedchallenge" not in tables(database)

    migrate(env, "antispam", "zero")
    assert rows(database, "home_usedchallenge") == [MARKER]
    assert "antispam_usedchallenge" not in tables(database)
