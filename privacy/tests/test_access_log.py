"""The gunicorn access log of production records no query string and no token (issue 15,
"Defaults"): search words (/it/cerca/?q=…) and invitation tokens leaked there.

deploy/gunicorn.conf.py is what the systemd unit and the README's command use.
"""

import re
import runpy
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
UNIT = ROOT / "deploy" / "systemd" / "mutuo-aiuto-lavoro-web.service"
GUNICORN = Path(sys.executable).parent / "gunicorn"
# gunicorn's atoms that carry a query string or a header's value (glogging.Logger.atoms):
# the request line, the query, the referer, {header}i / {header}o / {variable}e.
LEAKING_ATOMS = re.compile(r"%\((?:r|q|f|\{[^}]*\}[ioe])\)s")


@pytest.fixture(scope="module")
def config():
    return runpy.run_path(str(CONFIG))


def test_the_access_log_format_has_no_query_atom(config):
    access_log_format = config["access_log_format"]
    assert "%(U)s" in access_log_format and "%(s)s" in access_log_format
    assert LEAKING_ATOMS.findall(access_log_format) == []
    assert LEAKING_ATOMS.findall('%(h)s "%(r)s" %(f)s %({cookie}i)s %(q)s') == [
        "%(r)s", "%(f)s", "%({cookie}i)s", "%(q)s"]  # the check itself catches them
    assert config["accesslog"] == "-"


def test_the_unit_and_the_readme_run_gunicorn_with_that_configuration():
    exec_start = next(line for line in UNIT.read_text().splitlines()
                      if line.startswith("ExecStart="))
    assert "-c deploy/gunicorn.conf.py" in exec_start
    assert "--access-logformat" not in exec_start and "--access-logfile" not in exec_start
    assert "gunicorn website.wsgi -c deploy/gunicorn.conf.py" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("path,logged", [
    ("/it/cerca/?q=segreto", "/it/cerca/"),
    ("/it/partner/invito/Tk-123_abc/", "/it/partner/invito/…/"),
    ("/en/partner/invitation/Tk-123_abc/?next=/x/", "/en/partner/invitation/…/"),
    ("/accounts/password/reset/key/3-abc-def/", "/accounts/password/reset/key/…/"),
    ("https://host.example.org/it/cerca/?q=segreto", "https://host.example.org/it/cerca/"),
    ("-", "-"),
])
def test_paths_lose_their_query_and_their_tokens(config, path, logged):
    assert config["private_path"](path) == logged


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, **headers):
    deadline = time.monotonic() + 30
    while True:
        # A slow answer is waited for, not asked again (a second request is a second
        # line in the log): only a server not listening yet is retried.
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", path, headers=headers)
            return connection.getresponse().status
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()


@pytest.mark.own_sqlite
def test_a_search_and_an_invitation_leave_no_trace_in_the_access_log(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"gunicorn is not installed in the virtualenv ({GUNICORN}): make deps")
    port = free_port()
    log = tmp_path / "access.log"
    # The test settings on an empty database: the pages answer 500 (no tables: a
    # mistake, not an outage, for website/outage.py), logged like any other answer.
    database = tmp_path / "db.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "DJANGO_SETTINGS_MODULE": "website.settings.test",
           "DATABASE_URL": f"sqlite:///{database}", "PYTHONDONTWRITEBYTECODE": "1"}
    server = subprocess.Popen(
        [str(GUNICORN), "website.wsgi", "-c", str(CONFIG), "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--access-logfile", str(log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        get(port, "/it/cerca/?q=segreto", Referer="http://x.example.org/?q=segreto")
        get(port, "/it/partner/invito/tokensegreto/?q=segreto")
        deadline = time.monotonic() + 15
        while log.read_text().count("\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    lines = log.read_text().splitlines()
    assert len(lines) == 2, server.stderr.read().decode(errors="replace")[-2000:]
    assert '"GET /it/cerca/ HTTP/1.1"' in lines[0]
    assert '"GET /it/partner/invito/…/ HTTP/1.1"' in lines[1]
    assert not [line for line in lines if "segreto" in line]
