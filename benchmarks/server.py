"""The production configuration on 127.0.0.1, for the benchmarks (and the burst test):
the environment of website.settings.production on a throwaway folder, and gunicorn."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(workdir, port):
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_"))
    }
    env.update({
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "MFA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "WAGTAILADMIN_BASE_URL": f"https://{HOST}:{port}",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "CACHE_URL": f"filecache://{workdir / 'cache'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "EMAIL_URL": "consolemail://",
        "DEFAULT_FROM_EMAIL": "noreply@example.org",
        "STAFF_NOTIFICATION_EMAILS": "segreteria@example.org",
        "LOG_LEVEL": "WARNING",
        # One client sends every submission: the per-IP limit would refuse most of them.
        "SPAM_RATE_LIMIT": "1000000000",
        "TRUSTED_PROXY_COUNT": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


@contextmanager
def gunicorn(env, port, *, workers=2, threads=1):
    """`gunicorn website.wsgi` on 127.0.0.1:`port` until the block ends, answering
    /it/ when the block starts. Yields the master process (its pid counts CPU time)."""
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "website.wsgi", "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
         "--worker-tmp-dir", "/dev/shm", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        _wait_until_ready(port, server)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_ready(port, server):
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited early with status {server.returncode}")
        conn = HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/it/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")
