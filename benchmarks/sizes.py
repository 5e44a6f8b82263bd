"""The driver the benchmarks that grow a database share (privacy_purge.py,
privacy_export.py): a throwaway SQLite database migrated once under
benchmarks/results/, a copy of it per size, the script's Django side run in a child
process on each copy (it prints one line "JSON {...}"), and the command line
(`--sizes`, `--keep`) around it. Nothing listens on the network."""

import argparse
import json
import shutil
import subprocess
from datetime import datetime

from benchmarks.server import PY, ROOT, production_env


def run_per_size(script, name, sizes, keep, log, *, demo=False):
    """The Django side of `script` on a fresh copy of the database for each size:
    [the dict each child printed], in the order of `sizes`. `demo` loads the demo content
    into the database first. The work folder goes at the end unless `keep`."""
    workdir = ROOT / "benchmarks" / "results" / f"{datetime.now():%Y%m%d-%H%M%S}-{name}"
    workdir.mkdir(parents=True)
    try:
        env = production_env(workdir, 0)
        log("migrating a throwaway database")
        subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        if demo:
            subprocess.run([PY, "manage.py", "load_demo_content"], cwd=ROOT, env=env,
                           check=True, stdout=subprocess.DEVNULL)
        results = []
        for size in sizes:
            copy = workdir / f"db-{size}.sqlite3"
            shutil.copyfile(workdir / "db.sqlite3", copy)  # nobody has the template open
            log(f"{size:,} rows: seeding and measuring")
            child = subprocess.run([PY, str(script), "--django-side", str(size)], cwd=ROOT,
                                   env={**env, "DATABASE_URL": f"sqlite:///{copy}"},
                                   capture_output=True, text=True)
            if child.returncode:
                raise RuntimeError(f"django side failed:\n{child.stdout}{child.stderr}")
            line = next(line for line in child.stdout.splitlines() if line.startswith("JSON "))
            results.append(json.loads(line.removeprefix("JSON ")))
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def print_json(figures):
    """What the Django side prints for `run_per_size` to read."""
    print("JSON " + json.dumps(figures), flush=True)


def main(doc, default_sizes, django_side, run, report, log):
    """The command line: `--sizes 5000,50000`, `--keep`; the exit status is 1 when
    `report(results)` returns failures (each logged), else 0."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--django-side", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default=",".join(str(size) for size in default_sizes))
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.django_side:
        django_side(args.django_side)
        return 0
    failures = report(run([int(size) for size in args.sizes.split(",")], args.keep))
    for failure in failures:
        log(f"FAILED: {failure}")
    return 1 if failures else 0
