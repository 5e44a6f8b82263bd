"""`make run` starts the worker again when it ends by itself (issue 12): a crashed worker
must not leave mail waiting until someone notices. The restarts wait longer while the
worker keeps ending (never a tight loop), and Ctrl-C or SIGTERM still stops everything.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_run_site():
    spec = importlib.util.spec_from_file_location("run_site", ROOT / "scripts" / "run_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_restarts_wait_longer_each_time_up_to_a_bound():
    run_site = load_run_site()
    delays = [run_site.restart_delay(n) for n in range(1, 9)]
    assert delays[:5] == [1, 2, 4, 8, 16]
    assert delays == sorted(delays)
    assert max(delays) == run_site.MAX_RESTART_DELAY <= 60


def test_make_run_restarts_the_worker_and_not_the_server(monkeypatch):
    run_site = load_run_site()
    calls = []
    monkeypatch.setattr(run_site, "run_together",
                        lambda commands, **options: calls.append((commands, options)))

    run_site.main(["run_site.py", "8001"])

    (commands, options), = calls
    restarted = [commands[index] for index in options["restart"]]
    assert [command[2] for command in restarted] == ["run_worker"]


STAND_IN = textwrap.dedent("""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("run_site", {script!r})
    run_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_site)
    sys.exit(run_site.run_together([
        # A worker that crashes at once, leaving a line each time it starts.
        ["bash", "-c", "echo started >> {starts}; exit 3"],
        ["bash", "-c", "echo $$ > {server}; exec sleep 300"],
    ], grace=5, poll=0.02, restart={{0}}, delay=lambda n: {delay}))
""")


def start_stand_in(tmp_path, delay):
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN.format(script=str(ROOT / "scripts" / "run_site.py"),
                                      starts=str(tmp_path / "starts"),
                                      server=str(tmp_path / "server"), delay=delay))
    return subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def starts(tmp_path):
    path = tmp_path / "starts"
    return len(path.read_text().splitlines()) if path.exists() else 0


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_worker_that_ends_is_started_again_until_stopped(tmp_path, sig):
    runner = start_stand_in(tmp_path, delay=0.05)
    try:
        assert wait_for(lambda: starts(tmp_path) >= 3), runner.stdout
        assert runner.poll() is None  # the worker's exit did not end make run
        server = int((tmp_path / "server").read_text())
        os.kill(runner.pid, sig)
        output, _ = runner.communicate(timeout=20)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    assert runner.returncode == 0, output
    assert "ended with status 3; starting it again" in output
    assert wait_for(lambda: not Path(f"/proc/{server}").exists()
                    or Path(f"/proc/{server}/stat").read_text().split(")")[-1].split()[0] == "Z",
                    seconds=5)


def test_stopping_during_the_wait_before_a_restart_is_clean(tmp_path):
    runner = start_stand_in(tmp_path, delay=300)  # the worker waits to be started again
    try:
        assert wait_for(lambda: starts(tmp_path) == 1 and (tmp_path / "server").exists())
        time.sleep(0.2)  # several polls into the wait
        os.kill(runner.pid, signal.SIGTERM)
        output, _ = runner.communicate(timeout=20)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    assert runner.returncode == 0, output
    assert starts(tmp_path) == 1


@pytest.mark.parametrize("unit,command", [
    ("mutuo-aiuto-lavoro-web.service", "gunicorn website.wsgi"),
    ("mutuo-aiuto-lavoro-worker.service", "manage.py run_worker"),
])
def test_production_units_restart_what_exits(unit, command):
    # deploy/systemd/, which README's production instructions point to.
    lines = (ROOT / "deploy" / "systemd" / unit).read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")
    assert settings["Restart"] == "always"
    assert int(settings["RestartSec"]) >= 1  # not a tight loop
    assert command in settings["ExecStart"]
    assert "website.settings.production" in settings["Environment"]
    assert f"deploy/systemd/{unit}" in (ROOT / "README.md").read_text()
