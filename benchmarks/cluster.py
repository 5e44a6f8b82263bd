"""`make bench-cluster`: the wrk runs of `make bench`, through nginx, with one and with two
app servers, on PostgreSQL and Redis (issue 22).

Starts `make cluster`'s services (scripts/cluster.py: PostgreSQL, Redis, the S3 object
store, two app servers of 2 gunicorn workers each, a worker, nginx; the demo content),
then, with nginx's page cache off so that every request reaches an app server:

1. nginx balancing over app server A only, then over A and B: `wrk -t2 -c16 -d10s`
   (benchmarks/run.py's settings) on each page of benchmarks/run.py's list, and the intake
   POST (post.lua, each body once);
2. with nginx's page cache on (two app servers): the home page, as the proxy serves it.

Prints a markdown table (requests/s, p95, errors per run) and saves it as
benchmarks/results/<date-time>-cluster/report.md. On a 2-core machine the app servers,
nginx, PostgreSQL, Redis and wrk share the same two cores: see the README's reading of it.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.intake_burst import django_child  # noqa: E402
from benchmarks.run import DURATION, PAGES, WRK_CONNECTIONS, WRK_THREADS, ms, wrk  # noqa: E402
from scripts.cluster import Cluster, http_get  # noqa: E402

POST_BODIES = int(os.environ.get("BENCH_POST_BODIES", "1500"))
INTAKE_PATH = "/it/partecipa/"


def log(message):
    print(message, file=sys.stderr, flush=True)


def stored_requests(cluster):
    """How many participation requests the cluster's database holds."""
    done = cluster.manage("shell", "-c", "from programme.models import ParticipationRequest;"
                          " print(ParticipationRequest.objects.count())")
    return int(done.stdout.strip().splitlines()[-1])


def post_run(cluster, count):
    """The intake POST through nginx: `count` valid bodies (each with its own challenge;
    one CSRF cookie), each sent once. The stored rows are counted before and after."""
    made = django_child(cluster.env, "one-cookie-bodies", str(count))
    body_file = cluster.workdir / "bodies.txt"
    body_file.write_text("\n".join(made["bodies"]) + "\n")
    before = stored_requests(cluster)
    result = wrk(cluster.port, INTAKE_PATH, "post.lua", str(body_file), str(WRK_THREADS),
                 str(WRK_CONNECTIONS), made["cookie"], cluster.url)
    time.sleep(1)  # requests still in an app server when wrk stopped
    after = stored_requests(cluster)
    result["stored"] = after - before
    return result


def report(rows):
    lines = [
        f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{DURATION} through nginx on "
        f"{os.cpu_count()} cores; app servers: gunicorn, 2 workers x 4 threads each; "
        "PostgreSQL 15, Redis, moto (S3); nginx's page cache off unless said.",
        "",
        "| run | path | app servers | requests/s | p95 ms | errors | stored |",
        "| --- | --- | --: | --: | --: | --: | --: |",
    ]
    for label, path, servers, result in rows:
        lines.append(f"| {label} | `{path}` | {servers} | {result['rps']:.0f} | "
                     f"{ms(result['p95'])} | {result['errors']} | "
                     f"{result.get('stored', '')} |")
    return "\n".join(lines)


def main():
    started = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = ROOT / "benchmarks" / "results" / f"{started}-cluster"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with Cluster(app_servers=2, workers=2, threads=4, log=log, proxy_cache=False,
                 extra_env={"SPAM_RATE_LIMIT": "1000000000"}) as cluster:
        for _label, path, _cached in PAGES:  # every app server's caches warm
            for port in cluster.app_ports:
                http_get(port, path)
        for servers in (1, 2):
            cluster.balance(app_servers=servers, proxy_cache=False)
            for label, path, _cached in PAGES:
                log(f"== {servers} app server(s): {label} ==")
                rows.append((label, path, servers, wrk(cluster.port, path, "get.lua")))
            log(f"== {servers} app server(s): intake POST ==")
            rows.append(("intake form (POST)", INTAKE_PATH, servers,
                         post_run(cluster, POST_BODIES)))
        cluster.balance(app_servers=2, proxy_cache=True)
        http_get(cluster.port, "/it/")
        rows.append(("home, nginx's page cache on", "/it/", 2,
                     wrk(cluster.port, "/it/", "get.lua")))
    text = report(rows)
    (out / "report.md").write_text(text + "\n")
    print(text)
    print(f"\n(saved in {out / 'report.md'})")


if __name__ == "__main__":
    main()
