"""`make run`'s last step: the background worker and the development server side by side.

    .venv/bin/python scripts/run_site.py [PORT]

Each command runs in a process group of its own, so the terminal's Ctrl-C reaches this
script only (not the server's autoreloader child or the worker halfway through a task);
on Ctrl-C or SIGTERM the script sends SIGTERM to both groups, waits for them (SIGKILL
after GRACE seconds) and exits 0. The worker is started again whenever it ends by itself
(after 1, 2, 4… up to MAX_RESTART_DELAY seconds while it keeps ending, `restart_delay`);
if the server stops by itself, the worker is stopped too and the script exits with the
server's status. The Makefile runs this script without a shell, so
a SIGTERM to make's process group reaches make and this script, and nothing else.

The shell trap it replaces (`trap 'kill 0' EXIT INT TERM`) signalled make itself and
ended with "make: *** [Makefile:14: run] Segmentation fault".
"""

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE = 10  # seconds a command has to stop after SIGTERM
MAX_RESTART_DELAY = 30  # seconds between two starts of a command that keeps ending
STABLE = 60  # seconds a command must have run for its next restart to wait 1 s again
ROOT = Path(__file__).resolve().parents[1]


def restart_delay(restarts):
    """Seconds before the `restarts`-th restart in a row (1, 2, …) of a command that
    ended by itself: 1, 2, 4… up to MAX_RESTART_DELAY (never a tight loop)."""
    return min(2 ** (restarts - 1), MAX_RESTART_DELAY)


def run_together(commands, grace=GRACE, poll=0.2, restart=(), delay=restart_delay):
    """Start `commands` (argument lists) at once; return 0 when stopped by SIGINT or
    SIGTERM, else the exit status of the first command that ended by itself and is not
    in `restart` (indexes of commands started again when they end by themselves, after
    `delay(n)` seconds for the n-th restart in a row)."""
    stop = []

    def request_stop(signum, _frame):
        stop.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = []
    try:
        processes = [subprocess.Popen(command, start_new_session=True) for command in commands]
        started = [time.monotonic()] * len(commands)
        restarts = [0] * len(commands)
        due = {}  # index of a command that ended -> when to start it again
        ended = None
        while not stop and ended is None:
            now = time.monotonic()
            for index, process in enumerate(processes):
                if index in due:
                    if now >= due[index] and not stop:
                        del due[index]
                        processes[index] = subprocess.Popen(commands[index],
                                                            start_new_session=True)
                        started[index] = time.monotonic()
                elif process.poll() is not None:
                    if index not in restart:
                        ended = process
                        break
                    _signal_group(process, signal.SIGTERM)  # children it left behind
                    restarts[index] = 1 if now - started[index] >= STABLE else restarts[index] + 1
                    wait = delay(restarts[index])
                    print(f"run_site: {shlex.join(commands[index][2:])} ended with status "
                          f"{process.returncode}; starting it again in {wait} s",
                          file=sys.stderr)
                    due[index] = now + wait
            time.sleep(poll)
        _stop_all(processes, grace)
        if stop or ended is None:
            return 0
        return ended.returncode if ended.returncode >= 0 else 128 - ended.returncode
    finally:
        _stop_all(processes, grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_all(processes, grace):
    for process in processes:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:  # already gone
        pass


def mail_line():
    """Where the worker and the server of `make run` send mail (mail/destination.py), read
    from the same settings they load (manage.py's default, the environment, `.env`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from django.conf import settings  # settings only: no app is loaded in this process

    from mail.destination import where_mail_goes

    return where_mail_goes(settings, ROOT)


def main(argv):
    port = argv[1] if len(argv) > 1 else "8000"
    print(mail_line(), flush=True)  # a test message must not go anywhere unawares
    python = sys.executable
    manage = str(ROOT / "manage.py")
    return run_together([
        [python, manage, "run_worker", "--queue-name", "*"],  # survives database outages
        [python, manage, "runserver", f"127.0.0.1:{port}"],
    ], restart={0})  # the worker: a crash must not leave mail waiting until someone looks


if __name__ == "__main__":
    sys.exit(main(sys.argv))
