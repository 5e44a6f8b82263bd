"""The flyers' render time and the cache's hit ratio (issue 21): part of `make bench`,
alone `make bench-flyers`.

On the demo content, production settings (file cache), in-process test client,
nothing listening on the network:

- render time: for each kind (the programme's A5 flyer, a group's A5 flyer, a venue's A4
  poster) in Italian and English, the wall time of the first download (the PDF is drawn
  by WeasyPrint) and the median of REPEAT downloads after it (found in the cache: the
  HTML is made again and its digest looked up);
- hit ratio: DOWNLOADS downloads spread at random (seeded) over every flyer and poster in
  both languages, with an editor publishing a schedule change to one group every
  PUBLISH_EVERY downloads (which changes that group's flyer, the programme's and the
  venue's poster): the share of downloads served from the cache, counted by wrapping
  flyers.rendering.write_pdf;
- the programme's sheet and the groups' page, uncached, when their flyers are not drawn
  yet (the page draws them for the size in the link) and when they are.

Prints one markdown report; exits 1 when a PDF cannot be made here.
"""

import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/flyers.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sizes import print_json, run_per_size  # noqa: E402

REPEAT = 7
DOWNLOADS = 300
PUBLISH_EVERY = 50
SEED = 21


def log(message):
    print(f"[bench-flyers] {message}", file=sys.stderr, flush=True)


def _ms(seconds):
    return round(seconds * 1000, 1)


def _timed_get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    body = response.content
    return time.perf_counter() - started, response.status_code, len(body)


def measure(_size):
    import datetime

    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from flyers import content, rendering
    from programme.models import MeetingSlot

    if rendering.unavailable():
        return {"unavailable": rendering.unavailable()}
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", secure=True)
    groups = content.published_groups()
    venues = content.published_venues()
    documents = []  # (kind, language, url)
    for language in ("it", "en"):
        with translation.override(language):
            documents.append(("programme", language, reverse("flyers:programme")))
            documents += [("group", language, reverse("flyers:group", args=[g.pk]))
                          for g in groups]
            documents += [("poster", language, reverse("flyers:poster", args=[v.pk]))
                          for v in venues]
    cache.clear()
    _timed_get(client, documents[0][2])  # the process's first PDF loads fonts and Pango
    cache.clear()

    render = {}
    for kind, language, url in documents:
        key = f"{kind}, {language}"
        if key in render:
            continue
        first, status, size = _timed_get(client, url)
        again = [_timed_get(client, url)[0] for _ in range(REPEAT)]
        render[key] = {"status": status, "bytes": size, "drawn_ms": _ms(first),
                       "cached_ms": _ms(statistics.median(again))}

    drawn = []
    real = rendering.write_pdf
    rendering.write_pdf = lambda html: drawn.append(1) or real(html)
    cache.clear()
    rng = random.Random(SEED)
    publications = 0
    try:
        for n in range(DOWNLOADS):
            if n and n % PUBLISH_EVERY == 0:
                group = groups[publications % len(groups)]
                slot = group.slots.first()
                minute = (slot.start.minute + 5) % 60 if slot else 0
                group.slots = [MeetingSlot(weekday=slot.weekday if slot else 0,
                                           start=datetime.time(10, minute),
                                           end=datetime.time(12, minute))]
                group.save_revision().publish()
                publications += 1
            _kind, _language, url = rng.choice(documents)
            client.get(url)
    finally:
        rendering.write_pdf = real

    pages = {}
    for label, url in (("programme sheet, Italian", "/it/programma/"),
                       ("groups page, Italian", "/it/gruppi/")):
        cache.clear()  # no page cache (PAGE_CACHE_SECONDS=0) and no flyer drawn yet
        cold = _timed_get(client, url)[0]
        warm = statistics.median(_timed_get(client, url)[0] for _ in range(REPEAT))
        pages[label] = {"flyers_not_drawn_ms": _ms(cold), "flyers_cached_ms": _ms(warm)}
    return {"documents": len(documents), "render": render, "downloads": DOWNLOADS,
            "drawn": len(drawn), "publications": publications, "pages": pages}


def report(result):
    if "unavailable" in result:
        return f"PDFs cannot be made here: {result['unavailable']}", False
    lines = ["### Flyers: render time (wall clock, in-process, production settings)", "",
             "| flyer | HTTP | size | first download (drawn) ms | next downloads "
             f"(cached, median of {REPEAT}) ms |", "|---|---|--:|--:|--:|"]
    for key, figures in result["render"].items():
        lines.append(f"| {key} | {figures['status']} | {figures['bytes'] / 1024:.1f} KB "
                     f"| {figures['drawn_ms']} | {figures['cached_ms']} |")
    hits = result["downloads"] - result["drawn"]
    lines += ["", f"Cache hit ratio: {hits / result['downloads']:.1%} ({hits} of "
              f"{result['downloads']} downloads over {result['documents']} flyers and "
              f"posters, {result['publications']} schedule changes published meanwhile, "
              f"{result['drawn']} PDFs drawn).", "",
              "| page (uncached) | its flyers not drawn yet, ms | its flyers cached, ms |",
              "|---|--:|--:|"]
    for label, figures in result["pages"].items():
        lines.append(f"| {label} | {figures['flyers_not_drawn_ms']} "
                     f"| {figures['flyers_cached_ms']} |")
    return "\n".join(lines), True


def main():
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--django-side", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    if args.django_side is not None:
        import django

        django.setup()
        print_json(measure(args.django_side))
        return 0
    (result,) = run_per_size(Path(__file__), "flyers", [1], args.keep, log, demo=True)
    text, ok = report(result)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
