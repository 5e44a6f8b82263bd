"""`make cluster`: the site as several app servers would run it, on this machine only.

Started from the project's own files, each on 127.0.0.1 and a free port, in a throwaway
folder, and stopped together (Ctrl-C, SIGTERM, or the end of the `with` block):

- PostgreSQL 15 (the data), as the `postgres` user when run as root;
- Redis (Debian's redis-server: the shared cache, without persistence);
- an S3-compatible object store (moto's server mode) with two buckets: `media` (images,
  documents, renditions) and `exports` (the background exports, private);
- two app servers, A and B: gunicorn with the production settings, 2 workers each;
- one background worker (`manage.py run_worker`: mail, exports, Wagtail's purges);
- nginx (Debian), load-balancing between A and B, caching anonymous pages (purged by
  Wagtail on publication) and passing /media/images/ to the object store
  (deploy/nginx/cluster.conf).

The README's "Several app servers" says which production machine each stands for.

    .venv/bin/python scripts/cluster.py [--port 8080] [--app-servers 2] [--empty] [--keep]
    make cluster CLUSTER_PORT=8080 CLUSTER_ARGS=--keep

`Cluster` is also used by the cluster tests (tests/cluster/) and `make bench-cluster`
(benchmarks/cluster.py). `ClusterUnavailable` says which service could not start.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = Path(sys.executable)
HOST = "127.0.0.1"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/local/bin"))
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "cluster.conf"
NGINX_MODULES = Path("/usr/lib/nginx/modules")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
S3_KEY, S3_SECRET = "cluster-access-key", "cluster-secret-key"  # noqa: S105 (moto's, local)
BUCKETS = ("media", "exports")


class ClusterUnavailable(RuntimeError):
    """A service of the cluster could not be started here (args[0] says which, and why)."""


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, seconds=60, name="service"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ClusterUnavailable(f"{name} exited with status {process.returncode}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise ClusterUnavailable(f"{name} did not listen on {HOST}:{port} within {seconds} s")


def http_get(port, path, headers=None, timeout=10):
    """(status, headers as a dict with lower-case names, body bytes) of GET `path`."""
    conn = HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read())
    finally:
        conn.close()


def fill(template, **fields):
    """`template` with each ${name} replaced by fields[name] (nginx's own $variables
    are left alone); KeyError for a ${name} without a field."""
    for name, value in fields.items():
        template = template.replace("${" + name + "}", str(value))
    if "${" in template:
        raise KeyError(template[template.index("${"):].split("}", 1)[0] + "}")
    return template


def _stop(process, name, seconds=20, sig=signal.SIGTERM):
    """Stop `process` and its process group (`sig`, then SIGKILL after `seconds`); what is
    left of the group afterwards (workers of a master that died first) is killed too."""
    try:
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=seconds)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        print(f"== cluster: {name} did not stop within {seconds} s: killed ==", file=sys.stderr)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if process.poll() is None:
        process.wait(timeout=10)


class Cluster:
    """The services of `make cluster`, started by `start()` (or `with Cluster() as c`) and
    stopped by `stop()`.

    `port`: nginx's (0: a free one); `app_servers`: how many gunicorn app servers (1 or
    more); `settings`: the Django settings module of the app servers and commands
    (`tests.server_settings` finds static files without collectstatic); `demo`: load the
    demo content (else an empty site, migrated); `workers`/`threads`: gunicorn's, per app
    server; `extra_env`: settings for this run (the tests raise SPAM_RATE_LIMIT: their
    burst comes from one address). Attributes once started: `url`, `port`, `app_ports`
    (A, B...), `env` (the production environment every process of the site gets),
    `workdir`.
    """

    def __init__(self, port=0, app_servers=2, settings="website.settings.production",
                 demo=True, workers=2, threads=4, log=print, proxy_cache=True,
                 extra_env=None, keep=False):
        self.port = port or free_port()
        self.purge_port = free_port()
        self.app_count = app_servers
        self.settings = settings
        self.demo = demo
        self.workers, self.threads = workers, threads
        self.log = log
        self.proxy_cache = proxy_cache
        self.extra_env = extra_env or {}
        self.keep = keep
        self.apps = {}
        self._stack = ExitStack()
        self.workdir = None

    # --- Life cycle ------------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        missing = [name for name in ("redis-server", "nginx") if shutil.which(name) is None
                   and not Path("/usr/sbin", name).exists()]
        if missing:
            raise ClusterUnavailable(
                f"missing {', '.join(missing)}: scripts/debian-packages.sh cluster")
        self.workdir = Path(tempfile.mkdtemp(prefix="mutuo-aiuto-lavoro-cluster-"))
        if self.keep:
            self._stack.callback(self.log, f"== cluster: its folder is kept: {self.workdir} ==")
        else:
            self._stack.callback(shutil.rmtree, self.workdir, ignore_errors=True)
        self.url = f"http://{HOST}:{self.port}"
        self.env = dict(os.environ)  # the services' own, until the site's is known
        self.database_url = self._start_postgres()
        self.redis_port = self._start_redis()
        self.s3_port = self._start_object_store()
        self.env = self.production_env()
        self._prepare_site()
        self.app_ports = [free_port() for _ in range(self.app_count)]
        for index, port in enumerate(self.app_ports):
            self.start_app_server(index, port)
        self.worker = self._spawn("worker", [str(PY), "manage.py", "run_worker",
                                             "--queue-name", "*"])
        self._start_nginx()
        self.log(f"== cluster: ready on {self.url}/ (app servers on "
                 f"{', '.join(str(p) for p in self.app_ports)}) ==")
        return self

    def stop(self):
        for name, process in reversed(list(self.apps.items())):
            _stop(process, f"app server {name}")
        self.apps.clear()
        self._stack.close()

    # --- Services --------------------------------------------------------------------

    def _spawn(self, name, command, env=None, cwd=ROOT):
        out = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed at stop)
        self._stack.callback(out.close)
        process = subprocess.Popen(command, cwd=cwd, env=env or self.env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self._stack.callback(_stop, process, name)
        return process

    def _start_postgres(self):
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if not (PG_BIN / "initdb").exists():
            raise ClusterUnavailable(f"PostgreSQL's initdb not found in {PG_BIN} (PG_BIN)")
        folder = self.workdir / "postgres"
        folder.mkdir()
        if as_pg:
            shutil.chown(folder, "postgres")
            os.chmod(self.workdir, 0o711)  # noqa: S103 (postgres passes through, lists nothing)
        port = free_port()
        data = folder / "data"
        initdb = subprocess.run(
            [*as_pg, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U",
             "postgres", "-E", "UTF8", "--locale=C.UTF-8"],
            cwd=folder, capture_output=True, text=True, check=False)
        if initdb.returncode:
            raise ClusterUnavailable(f"PostgreSQL initdb failed: {initdb.stderr[-500:]}")
        # fsync off: a throwaway database, rebuilt at each start.
        server = subprocess.Popen(
            [*as_pg, str(PG_BIN / "postgres"), "-D", str(data), "-k", str(folder),
             "-c", f"listen_addresses={HOST}", "-p", str(port), "-c", "fsync=off",
             "-c", "max_connections=200"],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        # SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client).
        self._stack.callback(_stop, server, "PostgreSQL", sig=signal.SIGINT)
        wait_for_port(port, server, name="PostgreSQL")
        self.log(f"== cluster: PostgreSQL on {HOST}:{port} ==")
        return f"postgres://postgres@{HOST}:{port}/postgres"

    def _start_redis(self):
        port = free_port()
        server = self._spawn("redis", [
            shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", HOST,
            "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(self.workdir), "--protected-mode", "yes"])
        wait_for_port(port, server, name="Redis")
        self.log(f"== cluster: Redis on {HOST}:{port} ==")
        return port

    def _start_object_store(self):
        port = free_port()
        moto = PY.parent / "moto_server"
        if not moto.exists():
            raise ClusterUnavailable("moto_server not installed (make install)")
        server = self._spawn("object-store", [str(moto), "-H", HOST, "-p", str(port)])
        wait_for_port(port, server, name="the S3 object store (moto)")
        import boto3

        s3 = boto3.client("s3", endpoint_url=f"http://{HOST}:{port}",
                          aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET,
                          region_name="us-east-1")
        for bucket in BUCKETS:
            s3.create_bucket(Bucket=bucket)
        # Objects are private; anyone may read the renditions (the proxy's /media/images/),
        # as a production bucket's policy would say. Exports and originals stay private.
        s3.put_bucket_policy(Bucket="media", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "RenditionsAreForEveryone", "Effect": "Allow",
                           "Principal": "*", "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::media/images/*"}]}))
        self.log(f"== cluster: S3 object store (moto) on {HOST}:{port}, "
                 f"buckets {', '.join(BUCKETS)} ==")
        return port

    def production_env(self):
        from cryptography.fernet import Fernet

        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "MEDIA_", "S3_"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": self.settings,
            "SECRET_KEY": "cluster-only-" + "k" * 20 + "ey-" + "z" * 20,
            "MFA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "WAGTAILADMIN_BASE_URL": self.url,
            "DATABASE_URL": self.database_url,
            "CACHE_URL": f"redis://{HOST}:{self.redis_port}/0",
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": f"http://{HOST}:{self.s3_port}",
            "S3_ACCESS_KEY_ID": S3_KEY,
            "S3_SECRET_ACCESS_KEY": S3_SECRET,
            "S3_REGION": "us-east-1",
            "MEDIA_BUCKET": "media",
            "EXPORTS_BUCKET": "exports",
            "FRONTEND_CACHE_PURGE_URL": (f"http://{HOST}:{self.purge_port}"
                                         if self.proxy_cache else ""),
            "EMAIL_URL": "consolemail://",
            "DEFAULT_FROM_EMAIL": "noreply@example.org",
            "STAFF_NOTIFICATION_EMAILS": "segreteria@example.org",
            "LOG_LEVEL": "WARNING",
            # Plain HTTP on 127.0.0.1: the TLS proxy of production is not part of it.
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            # nginx appends the client's address to X-Forwarded-For.
            "TRUSTED_PROXY_COUNT": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        env.update(self.extra_env)
        return env

    def manage(self, *args, check=True):
        return subprocess.run([str(PY), "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, check=check)

    def _prepare_site(self):
        started = time.monotonic()
        done = self.manage("migrate", "--no-input", "-v0", check=False)
        if done.returncode:
            raise ClusterUnavailable(f"migrate failed: {done.stderr[-2000:]}")
        if self.demo:
            done = self.manage("load_demo_content", check=False)
            if done.returncode:
                raise ClusterUnavailable(f"load_demo_content failed: {done.stderr[-2000:]}")
            self.demo_output = done.stdout
        self.log(f"== cluster: database migrated{' with the demo content' if self.demo else ''}"
                 f" in {time.monotonic() - started:.0f} s ==")

    def start_app_server(self, index, port):
        name = "AB"[index] if index < 2 else str(index + 1)
        process = subprocess.Popen(
            [str(PY.parent / "gunicorn"), "website.wsgi", "-c", "deploy/gunicorn.conf.py",
             "--bind", f"{HOST}:{port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--worker-tmp-dir", "/dev/shm",  # noqa: S108
             "--control-socket", str(self.workdir / f"app-{name}.ctl"),
             "--access-logfile", str(self.workdir / f"app-{name}.access.log"),
             "--error-logfile", str(self.workdir / f"app-{name}.log")],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.apps[name] = process
        wait_for_port(port, process, name=f"app server {name}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http_get(port, "/it/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.log(f"== cluster: app server {name} on {HOST}:{port} ==")
        return process

    def kill_app_server(self, name):
        """SIGKILL app server `name` ("B") and its workers, as a machine that fails."""
        process = self.apps[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def _start_nginx(self):
        folder = self.nginx_folder = self.workdir / "nginx"
        for sub in ("cache", "temp"):
            (folder / sub).mkdir(parents=True)
        if os.geteuid() == 0:  # nginx's workers run as www-data: their cache and temp
            for sub in ("cache", "temp"):
                shutil.chown(folder / sub, "www-data")
        self._write_nginx_config(self.app_ports, self.proxy_cache)
        self.nginx = self._spawn("nginx", [NGINX, "-p", str(folder), "-c", "nginx.conf",
                                           "-g", "daemon off;"])
        wait_for_port(self.port, self.nginx, name="nginx")

    def _write_nginx_config(self, app_ports, proxy_cache):
        module = NGINX_MODULES / "ngx_http_cache_purge_module.so"
        if not module.exists():
            raise ClusterUnavailable(
                "nginx's cache purge module is missing: scripts/debian-packages.sh cluster")
        folder = self.nginx_folder
        config = fill(
            NGINX_TEMPLATE.read_text(), purge_module=module, prefix=folder, port=self.port,
            purge_port=self.purge_port, public_host=f"{HOST}:{self.port}",
            upstreams="\n".join(f"        server {HOST}:{port} max_fails=1 fail_timeout=10s;"
                                for port in app_ports),
            object_store=f"{HOST}:{self.s3_port}", media_bucket="media",
            error_pages=ROOT / "deploy" / "nginx" / "errors",
            proxy_cache="pages" if proxy_cache else "off",
            user="www-data" if os.geteuid() == 0 else "nobody")
        (folder / "nginx.conf").write_text(config)
        test = subprocess.run([NGINX, "-t", "-q", "-p", str(folder), "-c", "nginx.conf"],
                              capture_output=True, text=True, check=False)
        if test.returncode:
            raise ClusterUnavailable(f"nginx refused its configuration: {test.stderr[-1000:]}")

    def balance(self, app_servers=None, proxy_cache=None):
        """Point nginx at the first `app_servers` app servers, with its page cache on or
        off, and wait until it has reloaded (the benchmark's 1 and 2 app servers)."""
        ports = self.app_ports[:app_servers] if app_servers else self.app_ports
        self._write_nginx_config(ports, self.proxy_cache if proxy_cache is None
                                 else proxy_cache)
        subprocess.run([NGINX, "-s", "reload", "-p", str(self.nginx_folder), "-c",
                        "nginx.conf"], check=True, capture_output=True)
        time.sleep(1)  # the old workers finish, the new ones take the port


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--empty", action="store_true", help="no demo content")
    parser.add_argument("--keep", action="store_true",
                        help="keep the working folder (logs, data) after Ctrl-C")
    options = parser.parse_args(argv)
    stopping = []

    def interrupted(signum, _frame):
        stopping.append(signum)
        # A second signal (Ctrl-C pressed twice, `timeout` passing its own on) must not
        # cut the stopping of the services short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        with Cluster(port=options.port, app_servers=options.app_servers,
                     demo=not options.empty, keep=options.keep) as cluster:
            print("\n".join(line for line in cluster.demo_output.splitlines()
                            if "password" in line.lower() or "@" in line)
                  if options.empty is False else "", flush=True)
            print(f"\nThe site, through nginx: {cluster.url}/  (Ctrl-C stops everything; "
                  f"logs in {cluster.workdir}, deleted then unless --keep)", flush=True)
            told = set()
            while True:
                for name, process in cluster.apps.items():
                    if process.poll() is not None and name not in told:
                        told.add(name)
                        print(f"== cluster: app server {name} exited (its log: "
                              f"{cluster.workdir / f'app-{name}.log'}) ==", flush=True)
                time.sleep(1)
    except KeyboardInterrupt:
        print("\n== cluster: stopped ==", flush=True)
    except ClusterUnavailable as error:
        print(f"!! The cluster could not start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
