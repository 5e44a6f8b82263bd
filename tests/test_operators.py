"""What an operator sees at the first `make run` (issue 11).

- The demo load leaves no FAILED task for the worker (it left two
  `update_reference_index_task`, `ProgrammePageVenue.DoesNotExist`): migrate, load the
  demo and run the worker's queue, as `make run` does, on a fresh SQLite database.
- Stopping `make run` with Ctrl-C or SIGTERM to its process group stops the worker and
  the server (and their children) and make reports no error (it printed
  "make: *** [Makefile:14: run] Segmentation fault"): scripts/run_site.py under make,
  with two stand-in commands that each leave a child behind, as runserver's autoreloader
  does.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# A SQLite file of its own in a child process: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.own_sqlite

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _manage(tmp_path, *args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_demo_load_leaves_no_failed_task(tmp_path):
    for args in (["migrate", "-v0"], ["load_demo_content"],
                 ["db_worker", "--batch", "--queue-name", "*"]):
        result = _manage(tmp_path, *args)
        assert result.returncode == 0, result.stderr[-3000:]
    worker_log = result.stdout + result.stderr
    assert "FAILED" not in worker_log, worker_log[-3000:]

    # The daily retention purge waits for tomorrow night (privacy.tasks): the one task
    # left READY on purpose; any other READY task, or a FAILED one, fails the test.
    counts = _manage(tmp_path, "shell", "-c", textwrap.dedent("""
        from django_tasks_db.models import DBTaskResult
        from wagtail.models import ReferenceIndex
        from privacy.tasks import daily_purge
        purge = DBTaskResult.objects.filter(task_path=daily_purge.module_path,
                                            status="READY")
        rest = DBTaskResult.objects.exclude(pk__in=purge.values("pk"))
        print("statuses", sorted(set(rest.values_list("status", flat=True))))
        print("purges", purge.count())
        print("references", ReferenceIndex.objects.count())
    """))
    lines = dict(line.split(" ", 1) for line in counts.stdout.splitlines()
                 if line.startswith(("statuses", "purges", "references")))
    assert lines["statuses"] in ("['SUCCESSFUL']", "[]"), counts.stdout
    assert int(lines["purges"]) <= 1, counts.stdout
    # The reference index was built all the same (the usage counts in the admin).
    assert int(lines["references"]) > 0


# --- Stopping `make run` -------------------------------------------------------------------

STAND_IN = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("run_site", {script!r})
run_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_site)
child = "sleep 300 & echo $! > {{pids}}/{{name}}.child; echo $$ > {{pids}}/{{name}}; wait"
sys.exit(run_site.run_together([
    ["bash", "-c", child.format(pids={pids!r}, name="worker")],
    ["bash", "-c", child.format(pids={pids!r}, name="server")],
], grace=5, poll=0.05))
"""


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie awaiting its parent's wait() is gone for our purpose.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_make_run_stops_worker_and_server_cleanly(tmp_path, sig):
    pids = tmp_path / "pids"
    pids.mkdir()
    (tmp_path / "stand_in.py").write_text(STAND_IN.format(
        script=str(ROOT / "scripts" / "run_site.py"), pids=str(pids)))
    # The `run` recipe's last line, as in the Makefile, with the stand-in script.
    recipe = [line for line in (ROOT / "Makefile").read_text().splitlines()
              if "scripts/run_site.py" in line]
    assert recipe == ["\t@$(PY) scripts/run_site.py $(PORT)"]
    (tmp_path / "Makefile").write_text(
        "SHELL := /bin/bash\nrun:\n\t@$(PY) stand_in.py $(PORT)\n")

    make = subprocess.Popen(["make", "-s", "run", f"PY={PYTHON}", "PORT=8123"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 20
    while len(list(pids.iterdir())) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = {path.name: int(path.read_text()) for path in pids.iterdir()}
    assert len(started) == 4, started

    os.killpg(make.pid, sig)  # what Ctrl-C in the terminal, or `kill -TERM -PGID`, does
    output, _ = make.communicate(timeout=20)

    assert "***" not in output and "Segmentation" not in output, output
    # make received the signal too and ends by it, silently, as a stopped program should
    # (a shell prints nothing for Ctrl-C); the script itself exited 0.
    assert make.returncode in (0, -sig), output
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in started.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [name for name, pid in started.items() if _alive(pid)]
