"""`make run`'s last step: the background worker and the development server side by side.

    .venv/bin/python scripts/run_site.py [PORT]

Each command runs in a process group of its own, so the terminal's Ctrl-C reaches this
script only (not the server's autoreloader child or the worker halfway through a task);
on Ctrl-C or SIGTERM the script sends SIGTERM to both groups, waits for them (SIGKILL
after GRACE seconds) and exits 0. If one of them stops by itself, the other is stopped too
and the script exits with its status. The Makefile runs this script without a shell, so
a SIGTERM to make's process group reaches make and this script, and nothing else.

The shell trap it replaces (`trap 'kill 0' EXIT INT TERM`) signalled make itself and
ended with "make: *** [Makefile:14: run] Segmentation fault".
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE = 10  # seconds a command has to stop after SIGTERM
ROOT = Path(__file__).resolve().parents[1]


def run_together(commands, grace=GRACE, poll=0.2):
    """Start `commands` (argument lists) at once; return 0 when stopped by SIGINT or
    SIGTERM, else the exit status of the first command that ended by itself."""
    stop = []

    def request_stop(signum, _frame):
        stop.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = []
    try:
        processes = [subprocess.Popen(command, start_new_session=True) for command in commands]
        ended = None
        while not stop and ended is None:
            ended = next((p for p in processes if p.poll() is not None), None)
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


def main(argv):
    port = argv[1] if len(argv) > 1 else "8000"
    python = sys.executable
    manage = str(ROOT / "manage.py")
    return run_together([
        [python, manage, "run_worker", "--queue-name", "*"],  # survives database outages
        [python, manage, "runserver", f"127.0.0.1:{port}"],
    ])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
