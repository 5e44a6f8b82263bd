"""Faults while people apply: `make bench-faults` (see benchmarks/README.md).

For each database — SQLite (a file in a temporary folder) and PostgreSQL 15 (a throwaway
cluster on a free port) — it builds a fresh site with the production settings, starts
gunicorn and one `manage.py run_worker`, with a local SMTP sink in this process that it
switches up, down (connection refused) and silent (accepts, never answers), and sends
intake submissions (/it/partecipa/, each person with an address of their own) in phases:

1. a normal burst;
2. the database unavailable during a burst: SQLite locked by a connection holding
   BEGIN EXCLUSIVE past the site's busy timeout, PostgreSQL stopped (`pg_ctl stop -m
   fast`) and started again; a person who gets an error page tries again after its
   Retry-After (or a few seconds), at most 3 tries;
3. the mail server down, then silent, then back, while people submit;
4. the worker killed with SIGKILL while it is sending (the sink silent), then restarted,
   and the mail server back.

Then it waits (at most DRAIN_SECONDS) until every stored request's confirmation mail has
reached the sink (matched by the recipient's address) and prints one markdown table:

    database | submissions attempted | 2xx | stored | confirmation mails delivered |
    duplicates | lost | longest wait (s)

- attempted: people (each tries up to 3 times);
- 2xx: people who ended on the confirmation page with their reference (the POST's 302
  followed to a 200);
- stored: requests in the database;
- delivered: people with a stored request whose confirmation mail reached the sink;
- duplicates: requests stored twice for one person, plus mails received beyond one per
  stored request;
- lost: people with a stored request and no mail, plus people with no stored request who
  never got a clear "not sent" answer (a 503, 429 or the form shown again) — a 500, a
  dropped connection or no answer is not clear;
- longest wait: the longest a person waited for one answer (in brackets: from the first
  press to the last answer, the tries and the waits between them included).

It exits non-zero if anything is lost. Everything listens on 127.0.0.1 only; every
process it starts and every temporary folder is removed at the end, on Ctrl-C or failure
too. `--only sqlite|postgresql` runs one database.
"""

import argparse
import base64
import email
import email.header
import email.policy
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

if __package__ in (None, ""):  # run as a script: benchmarks/faults.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.intake_burst import REFERENCE, build_site, site_env  # noqa: E402
from benchmarks.server import HOST, PY, ROOT, _wait_until_ready, free_port  # noqa: E402

INTAKE_PATH = "/it/partecipa/"
CONFIRMATION_PATH = INTAKE_PATH + "conferma/"
MARKER = "fault"  # the email addresses of this benchmark's people start with it
TRIES = 3  # a person tries at most this many times
LONGEST_RETRY_AFTER = 15  # seconds a person waits at most before trying again
EMAIL_TIMEOUT = 2  # seconds: a silent mail server costs the worker this much per answer
# A task left RUNNING by a killed worker is taken again after this (the site wants at
# least 10 x EMAIL_TIMEOUT: a slow mail is never taken from a live worker).
LEASE_SECONDS = 10 * EMAIL_TIMEOUT
RETRY_BASE_SECONDS = 0.5  # mail retries after 1, 2, 4, 8… s instead of minutes
SQLITE_BUSY_TIMEOUT = 20  # website/settings/base.py SQLITE_OPTIONS["timeout"]
PG_STOPPED_SECONDS = 10
DRAIN_SECONDS = 180
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/local/bin"))


def log(message):
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- The mail server -----------------------------------------------------------------------


class SmtpSink:
    """A local SMTP server in a thread, switched between three states:

    - "up": speaks enough SMTP for Django's backend and records each message (its
      envelope recipients, subject and arrival time) in `messages`;
    - "down": nothing listens on the port (connection refused);
    - "silent": accepts connections and never says a word (a hung server);
      `silent_connections` counts them (a send in progress)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.silent_connections = 0
        self.mode = "down"
        self._lock = threading.Lock()
        self._listener = None
        self._held = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def set_mode(self, mode):
        assert mode in ("up", "down", "silent")
        with self._lock:
            if mode == "down" and self._listener:
                self._listener.close()
                self._listener = None
            if mode != "down" and not self._listener:
                self._listener = socket.create_server((HOST, self.port), backlog=64)
                self._listener.settimeout(0.1)
            if mode != "silent":  # a server restarted drops the connections it held
                for conn in self._held:
                    conn.close()
                self._held = []
            self.mode = mode
        log(f"SMTP {mode}")

    def close(self):
        self._stop.set()
        self.set_mode("down")
        self._thread.join(timeout=5)

    def delivered_to(self):
        """{address: number of messages received for it}"""
        counts = {}
        with self._lock:
            for message in self.messages:
                for address in message["to"]:
                    counts[address] = counts.get(address, 0) + 1
        return counts

    def _serve(self):
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):  # no one, or closed by set_mode
                continue
            with self._lock:
                if self.mode == "silent":
                    self._held.append(conn)
                    self.silent_connections += 1
                    continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        conn.settimeout(30)
        reader = conn.makefile("rb")

        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        try:
            say("220 sink ESMTP")
            recipients = []
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.decode("ascii", "replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    say("250-sink" if verb == "EHLO" else "250 sink")
                    if verb == "EHLO":
                        say("250 8BITMIME")
                elif verb == "MAIL":
                    recipients = []
                    say("250 OK")
                elif verb == "RCPT":
                    address = command.split(":", 1)[1].strip().strip("<>").split(">")[0]
                    recipients.append(address.lower())
                    say("250 OK")
                elif verb == "DATA":
                    say("354 end with <CRLF>.<CRLF>")
                    data = []
                    while True:
                        chunk = reader.readline()
                        if not chunk or chunk in (b".\r\n", b".\n"):
                            break
                        data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    parsed = email.message_from_bytes(b"".join(data), policy=email.policy.default)
                    with self._lock:
                        self.messages.append({"to": recipients, "subject": str(parsed["Subject"]),
                                              "at": time.monotonic()})
                    say("250 OK queued")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                elif verb in ("RSET", "NOOP"):
                    say("250 OK")
                else:
                    say("502 not implemented")
        except OSError:
            pass
        finally:
            reader.close()
            conn.close()


# --- The databases -------------------------------------------------------------------------


class SqliteDatabase:
    name = "SQLite"

    def __init__(self, workdir):
        self.path = workdir / "db.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def unavailable(self):
        """Held past the site's busy timeout: writers wait, then fail."""
        seconds = SQLITE_BUSY_TIMEOUT + 5
        log(f"SQLite: BEGIN EXCLUSIVE held for {seconds} s")
        return self._locked(seconds)

    @contextmanager
    def _locked(self, seconds):
        holder = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                                 check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
        released = threading.Event()

        def release():
            released.wait(seconds)
            holder.execute("COMMIT")
            holder.close()
            log("SQLite: lock released")

        thread = threading.Thread(target=release, daemon=True)
        thread.start()
        try:
            yield seconds
        finally:
            thread.join()

    def query(self, sql):
        with sqlite3.connect(self.path, timeout=60) as conn:
            return conn.execute(sql).fetchall()

    def close(self):
        pass


class PostgresDatabase:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (scripts/with-postgres.sh's way: as
    the `postgres` user when run as root)."""

    name = "PostgreSQL"

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.as_pg = []
        if os.getuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.tmp, user.pw_uid, user.pw_gid)
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        self.data = self.tmp / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@{HOST}:{self.port}/postgres"
        self.running = False
        self._pg([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                  "postgres", "-E", "UTF8", "--locale=C.UTF-8"])
        self.start()

    def _pg(self, command):
        subprocess.run([*self.as_pg, *command], cwd=self.tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self._pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.tmp / "log"),
                  "-w", "-o", f"-k {self.tmp} -c listen_addresses={HOST} -p {self.port}",
                  "start"])
        self.running = True

    def stop(self, mode="fast"):
        self._pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])
        self.running = False

    @contextmanager
    def unavailable(self):
        log(f"PostgreSQL: stopped for {PG_STOPPED_SECONDS} s")
        self.stop()
        done = threading.Event()

        def start_again():
            done.wait(PG_STOPPED_SECONDS)
            self.start()
            log("PostgreSQL: started again")

        thread = threading.Thread(target=start_again, daemon=True)
        thread.start()
        try:
            yield PG_STOPPED_SECONDS
        finally:
            thread.join()

    def query(self, sql):
        import psycopg

        with psycopg.connect(self.url) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def close(self):
        if self.running:
            try:
                self.stop("immediate")
            except subprocess.CalledProcessError:
                log("PostgreSQL: could not stop the cluster cleanly")
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- The worker ----------------------------------------------------------------------------


class Worker:
    """`manage.py run_worker` in a process group of its own, its output in a log file."""

    def __init__(self, env, logfile):
        self.env, self.logfile, self.process = env, logfile, None

    def start(self):
        with open(self.logfile, "ab") as out:
            self.process = subprocess.Popen(
                [PY, "manage.py", "run_worker", "--queue-name", "*", "--interval", "0.5",
                 "--no-startup-delay"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        log(f"worker started (pid {self.process.pid})")

    def kill(self):
        """SIGKILL: no chance to finish or record the task in hand."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        log("worker killed with SIGKILL")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- People --------------------------------------------------------------------------------


class Person:
    """One person applying: up to TRIES presses of "Invia", with what each answer said."""

    def __init__(self, phase, bodies, cookie):
        self.phase, self.bodies, self.cookie = phase, bodies, cookie
        self.email = dict(parse_qsl(bodies[0]))["email"]
        self.answers = []  # (status, seconds, location)
        self.reference = ""
        self.journey = 0.0

    @property
    def confirmed(self):
        return bool(self.reference)

    @property
    def told_not_sent(self):
        """A clear "not sent, try again" answer: the 503 page, the 429 page, or the form
        shown again with its errors."""
        return any(status in (200, 429, 503) for status, _, _ in self.answers)

    def apply(self, port):
        began = time.monotonic()
        body = 0
        for _ in range(TRIES):
            status, seconds, headers = self._post(port, self.bodies[body])
            self.answers.append((status, seconds, headers.get("location", "")))
            if status == 302 and headers.get("location") == CONFIRMATION_PATH:
                self.reference = self._confirmation(port, headers.get("set-cookie", []))
                break
            if status == 200:  # the form again, with a fresh challenge: sent anew
                body = min(body + 1, len(self.bodies) - 1)
            try:
                wait = float(headers.get("retry-after", "3"))
            except ValueError:
                wait = 3
            time.sleep(min(max(wait, 1), LONGEST_RETRY_AFTER))
        self.journey = time.monotonic() - began
        return self

    def _post(self, port, body):
        began = time.monotonic()
        conn = HTTPConnection(HOST, port, timeout=60)
        try:
            conn.request("POST", INTAKE_PATH, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
                "Origin": f"https://{HOST}:{port}", "X-Forwarded-Proto": "https",
                "Host": f"{HOST}:{port}",
            })
            response = conn.getresponse()
            response.read()
            headers = {"set-cookie": []}
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    headers["set-cookie"].append(value)
                else:
                    headers[name.lower()] = value
            return response.status, time.monotonic() - began, headers
        except OSError as error:  # refused, reset, timed out: no answer at all
            return f"no answer ({type(error).__name__})", time.monotonic() - began, {}
        finally:
            conn.close()

    def _confirmation(self, port, set_cookies):
        cookies = SimpleCookie()
        for value in set_cookies:
            cookies.load(value)
        session = "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())
        conn = HTTPConnection(HOST, port, timeout=60)
        try:
            conn.request("GET", CONFIRMATION_PATH, headers={
                "Cookie": f"{self.cookie}; {session}", "X-Forwarded-Proto": "https",
                "Host": f"{HOST}:{port}",
            })
            page = conn.getresponse()
            found = REFERENCE.search(page.read().decode())
            return found.group(0) if found and page.status == 200 else ""
        except OSError:
            return ""
        finally:
            conn.close()


class Crowd:
    """The people of one run, sent in waves from threads of their own."""

    def __init__(self, port, prepared):
        self.port = port
        self.prepared = iter(prepared)
        self.people = []
        self.pool = ThreadPoolExecutor(max_workers=64)
        self.pending = []

    def wave(self, phase, count):
        """`count` people press "Invia" now (their later tries go on in the background)."""
        for _ in range(count):
            item = next(self.prepared)
            person = Person(phase, item["bodies"], item["cookie"])
            self.people.append(person)
            self.pending.append(self.pool.submit(person.apply, self.port))

    def wait(self):
        for future in self.pending:
            future.result()
        self.pending = []

    def close(self):
        self.pool.shutdown(wait=False, cancel_futures=True)


# --- One database --------------------------------------------------------------------------

PHASE_PEOPLE = {"burst": 20, "database": 30, "smtp": 15, "kill": 5}


def people_needed():
    return sum(PHASE_PEOPLE.values())


def build(database, workdir, sink_port, lease_seconds=LEASE_SECONDS):
    """A fresh site on `database`: migrated, the demo content, and the forms of
    people_needed() people. Returns (environment, port, prepared forms)."""
    port = free_port()
    env = site_env(workdir, port, database_url=database.url)
    env.update({
        "EMAIL_URL": f"smtp://{HOST}:{sink_port}",
        "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT),
        "MAIL_RETRY_BASE_SECONDS": str(RETRY_BASE_SECONDS),
        "TASK_LEASE_SECONDS": str(lease_seconds),
        "LOG_LEVEL": "WARNING",
    })
    # Production refuses to start without it (TOTP secrets); benchmarks/server.py may not
    # set it yet.
    env.setdefault("MFA_ENCRYPTION_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    log(f"{database.name}: migrate, demo content, {people_needed()} people's forms")
    build_site(env)
    prepared = django_child(env, "bodies", str(people_needed()), database.name.lower())
    # The demo's reference-index tasks: not this benchmark's business.
    database.query("DELETE FROM django_tasks_database_dbtaskresult")
    log(f"{database.name}: site ready")
    return env, port, prepared


@contextmanager
def serving(env, port, workdir):
    """gunicorn (3 workers × 4 threads) on 127.0.0.1:`port`, its output in gunicorn.log
    (the tracebacks of the outages would bury the report)."""
    with open(workdir / "gunicorn.log", "ab") as out:
        server = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "website.wsgi", "--bind", f"{HOST}:{port}",
             "--workers", "3", "--worker-class", "gthread", "--threads", "4",
             "--worker-tmp-dir", "/dev/shm", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_until_ready(port, server)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_faults(database, workdir, site, sink, stack, drain_seconds=DRAIN_SECONDS):
    """The four phases on a built site; the figures of its row."""
    env, port, prepared = site
    sink.set_mode("up")
    worker = Worker(env, workdir / "worker.log")
    stack.callback(worker.stop)
    worker.start()
    with serving(env, port, workdir):
        crowd = Crowd(port, prepared)
        stack.callback(crowd.close)

        log("phase 1: a normal burst")
        crowd.wave("burst", PHASE_PEOPLE["burst"])
        crowd.wait()

        log("phase 2: the database unavailable during a burst")
        third = PHASE_PEOPLE["database"] // 3
        with database.unavailable() as seconds:
            for n in range(3):  # at the start, in the middle, near the end
                crowd.wave("database", third if n < 2 else PHASE_PEOPLE["database"] - 2 * third)
                time.sleep(seconds / 3)
        crowd.wait()

        log("phase 3: mail server down, silent, back")
        fifth = PHASE_PEOPLE["smtp"] // 3
        for n, mode in enumerate(("down", "silent", "up")):
            sink.set_mode(mode)
            crowd.wave("smtp", fifth if n < 2 else PHASE_PEOPLE["smtp"] - 2 * fifth)
            crowd.wait()
            time.sleep(6 if mode != "up" else 0)

        log("phase 4: the worker killed while it sends")
        sink.set_mode("silent")
        before = sink.silent_connections
        crowd.wave("kill", PHASE_PEOPLE["kill"])
        crowd.wait()
        deadline = time.monotonic() + 30
        while sink.silent_connections == before and time.monotonic() < deadline:
            time.sleep(0.1)
        killed_mid_send = sink.silent_connections > before
        worker.kill()
        time.sleep(1)
        worker.start()
        sink.set_mode("up")

        log(f"waiting (at most {drain_seconds} s) for every confirmation mail")
        deadline = time.monotonic() + drain_seconds
        while time.monotonic() < deadline:
            stored = stored_by_email(database)
            delivered = sink.delivered_to()
            if all(delivered.get(address) for address in stored):
                break
            time.sleep(2)
        people = crowd.people
    worker.stop()
    stored = stored_by_email(database)
    tasks = dict(database.query(
        "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"))
    result = figures(database.name, people, stored, sink.delivered_to(), tasks,
                     killed_mid_send)
    result["duplicate_tasks"] = {
        address: database.query(
            "SELECT status, exception_class_path, CAST(worker_ids AS TEXT), started_at, "
            "finished_at FROM django_tasks_database_dbtaskresult "
            f"WHERE CAST(args_kwargs AS TEXT) LIKE '%{address}%' ORDER BY enqueued_at")
        for address, count in sink.delivered_to().items()
        if address in stored and count > stored[address]  # the sink serves both databases
    }
    return result


def stored_by_email(database):
    """{address: number of requests stored for it}, this benchmark's people only."""
    rows = database.query(
        "SELECT LOWER(email), COUNT(*) FROM programme_participationrequest "
        f"WHERE email LIKE '{MARKER}-%' GROUP BY LOWER(email)")
    return dict(rows)


def figures(name, people, stored, delivered, tasks, killed_mid_send):
    lost_mail = [p for p in people if stored.get(p.email) and not delivered.get(p.email)]
    unanswered = [p for p in people if not stored.get(p.email) and not p.told_not_sent]
    duplicates = sum(n - 1 for n in stored.values()) + sum(
        max(0, delivered.get(address, 0) - n) for address, n in stored.items())
    waits = [seconds for p in people for _, seconds, _ in p.answers]
    statuses = {}
    for p in people:
        for status, _, _ in p.answers:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "database": name,
        "attempted": len(people),
        "confirmed": sum(1 for p in people if p.confirmed),
        "stored": sum(stored.values()),
        "delivered": sum(1 for p in people if stored.get(p.email) and delivered.get(p.email)),
        "duplicates": duplicates,
        "lost": len(lost_mail) + len(unanswered),
        "lost_mail": [p.email for p in lost_mail],
        "unanswered": [(p.email, [a[0] for a in p.answers]) for p in unanswered],
        "longest_wait": max(waits, default=0),
        "longest_journey": max((p.journey for p in people), default=0),
        "answers": statuses,
        "tasks": tasks,
        "killed_mid_send": killed_mid_send,
    }


def table(results):
    lines = [
        "| database | submissions attempted | 2xx | stored | confirmation mails delivered "
        "| duplicates | lost | longest wait (s) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['attempted']} | {r['confirmed']} | {r['stored']} | "
            f"{r['delivered']} | {r['duplicates']} | {r['lost']} | {r['longest_wait']:.1f} "
            f"({r['longest_journey']:.1f}) |")
    return "\n".join(lines)


def details(results):
    """What lies behind the table, for the log (standard error)."""
    lines = []
    for r in results:
        lines.append(f"{r['database']}: answers {r['answers']}; tasks {r['tasks']}; worker "
                     f"killed {'mid-send' if r['killed_mid_send'] else 'NOT mid-send'}")
        if r["lost_mail"]:
            lines.append(f"  stored, no mail: {', '.join(r['lost_mail'])}")
        for address, answers in r["unanswered"]:
            lines.append(f"  not stored, no clear answer: {address} {answers}")
        for address, rows in r.get("duplicate_tasks", {}).items():
            lines.append(f"  mailed more than once: {address}; its tasks:")
            lines.extend(f"    {row}" for row in rows)
    return "\n".join(lines)


# --- Django side (a child process with the site's environment) -----------------------------


def django_child(env, *args):
    child = subprocess.run([PY, __file__, "--django-side", *args], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError(f"django side {args} failed:\n{child.stdout}{child.stderr}")
    line = next(line for line in child.stdout.splitlines() if line.startswith("JSON "))
    return json.loads(line.removeprefix("JSON "))


def django_side(command, count, tag):
    """`count` people's forms: for each, TRIES bodies (a fresh solved challenge each, as
    the form shown again would carry) with the person's own address, and a CSRF cookie."""
    import django

    django.setup()
    from django.test.utils import override_settings

    from benchmarks.run import intake_bodies

    assert command == "bodies"
    people = []
    with override_settings(ALTCHA_MAX_NUMBER=1000):  # quick to solve, for the benchmark
        for n in range(int(count)):
            bodies, cookie = intake_bodies(TRIES)
            own = []
            for body in bodies:
                fields = dict(parse_qsl(body))
                fields.update(last_name=f"Guasto {n}", email=f"{MARKER}-{tag}-{n}@example.org")
                own.append(urlencode(fields))
            people.append({"bodies": own, "cookie": cookie})
    print("JSON " + json.dumps(people))


# --- Command line --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--lease-seconds", type=float, default=LEASE_SECONDS,
                        help="TASK_LEASE_SECONDS of the site (3600: no reclaim within the run)")
    parser.add_argument("--drain-seconds", type=float, default=DRAIN_SECONDS,
                        help="how long to wait at most for the confirmation mails")
    options = parser.parse_args()
    if not (ROOT / "static_collected" / "staticfiles.json").exists():
        raise SystemExit("no collected static files: run `make static` first")

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    began = time.monotonic()
    kinds = [kind for kind in ("sqlite", "postgresql") if options.only in (None, kind)]
    results = []
    with ExitStack() as stack:
        sink = SmtpSink()
        stack.callback(sink.close)
        runs = []
        for kind in kinds:
            workdir = Path(tempfile.mkdtemp(prefix=f"faults-{kind}-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            if kind == "sqlite":
                database = SqliteDatabase(workdir)
            else:
                database = PostgresDatabase()
                stack.callback(database.close)
            runs.append((database, workdir))
        # Both sites are built at once (the slow part), then faulted one after the other.
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            sites = list(pool.map(lambda run: build(*run, sink.port, options.lease_seconds),
                                  runs))
        for (database, workdir), site in zip(runs, sites, strict=True):
            with ExitStack() as run:
                try:
                    results.append(run_faults(database, workdir, site, sink, run,
                                              options.drain_seconds))
                except BaseException:
                    for name in ("worker.log", "gunicorn.log"):
                        if (workdir / name).exists():
                            log(f"{database.name} run failed; the end of its {name}:")
                            print((workdir / name).read_text()[-3000:], file=sys.stderr)
                    raise
    print(details(results), file=sys.stderr)
    print(f"## Faults while people apply ({time.monotonic() - began:.0f} s)\n")
    print(table(results))
    if any(r["lost"] for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--django-side":
        django_side(*sys.argv[2:])
    else:
        main()
