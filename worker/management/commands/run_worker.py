"""`manage.py run_worker`: django-tasks-db's `db_worker`, with the same options, that
keeps running through database outages (worker/resilient.py).

With --reload (the default when DEBUG is on, as under `make run`) the parent process,
which starts the worker again after a code change, is our own `run_reloader`: Django's
kills the worker with SIGKILL as soon as it gets SIGTERM, before the worker can delete
its heartbeat, and health then counted a stopped worker as alive."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import CommandError
from django.utils.autoreload import (
    DJANGO_AUTORELOAD_ENV,
    get_child_arguments,
    run_with_reloader,
)
from django_tasks_db.management.commands import db_worker

from worker.resilient import ResilientWorker

# Seconds the reloading parent gives its worker to stop by itself after a signal, then
# again after passing the signal on, before SIGKILL.
STOP_GRACE = 5


class Command(db_worker.Command):
    help = "Run the background worker; it survives database outages"

    # db_worker's handle() builds its own Worker class: the same steps, with ours.
    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, **options):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id, excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
                sys.exit(run_reloader())
            worker.configure_signals()  # only the reloader's child handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()


def run_reloader(grace=STOP_GRACE, poll=0.2):
    """Django's `restart_with_reloader` (run this command again as a child with
    DJANGO_AUTORELOAD_ENV=true, and again while it exits with status 3, a code change)
    that lets the child stop cleanly: on SIGINT or SIGTERM it waits `grace` seconds for
    the child, which got the signal too when it was sent to the process group (Ctrl-C,
    `make run`, systemd), passes the signal on if the child is still there, and only
    kills it `grace` seconds later. Returns the child's exit status."""
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append((signum, time.monotonic())))
    environment = {**os.environ, DJANGO_AUTORELOAD_ENV: "true"}
    while True:
        child = subprocess.Popen(get_child_arguments(), env=environment, close_fds=False)
        passed_on = False
        while child.poll() is None:
            if stopping:
                signum, since = stopping[0]
                waited = time.monotonic() - since
                if waited >= 2 * grace:
                    child.kill()
                elif waited >= grace and not passed_on:
                    child.send_signal(signum)
                    passed_on = True
            time.sleep(poll)
        if stopping or child.returncode != 3:
            return child.returncode if child.returncode >= 0 else 128 - child.returncode
