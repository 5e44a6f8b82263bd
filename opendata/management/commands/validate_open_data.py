"""manage.py validate_open_data: check what the site publishes against the official
schemas, as a visitor reads it (Django's test Client on the default Site's host, against
the live database; nothing is written):

- the JSON-LD block of one live page of every public page type, in every language,
  against schema.org's vocabulary (opendata.vocabulary, the vendored 30.0 release);
- every HSDS 3.0 answer (the index, every page of every list, the lists' full records,
  one record of each kind) in both languages against the vendored HSDS 3.0 schemas
  (opendata.validation).

Prints each address checked and its problems; exits 1 (CommandError) when there is any.
"""

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from wagtail.models import Page, Site

from opendata import validation, vocabulary

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
HSDS = "/api/hsds/"
LANGUAGES = ("it", "en")


def page_type_urls():
    """One live public page of each type in each language: their paths, by tree order."""
    seen, urls = set(), []
    for page in Page.objects.live().public().filter(depth__gt=1).order_by("path"):
        key = (page.content_type_id, page.locale_id)
        if key in seen:
            continue
        seen.add(key)
        url = page.get_url()
        if url:
            urls.append(url)
    return urls


class Command(BaseCommand):
    help = "Check every page's schema.org JSON-LD and every HSDS 3.0 answer; exit 1 on any problem."

    def add_arguments(self, parser):
        parser.add_argument("--host", help="The host to ask for (default: the default Site's).")

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).first()
        host = options["host"] or (site.hostname if site else "localhost")
        self.client = Client(HTTP_HOST=host)
        self.secure = getattr(settings, "SECURE_SSL_REDIRECT", False)
        self.failures = 0
        for url in page_type_urls():
            self.check_page(url)
        for lang in LANGUAGES:
            self.check_hsds(lang)
        if self.failures:
            raise CommandError(f"{self.failures} address(es) with problems.")
        self.stdout.write(self.style.SUCCESS("Open data: no problems found."))

    def get(self, url, **params):
        return self.client.get(url, params, secure=self.secure)

    def report(self, url, problems):
        if problems:
            self.failures += 1
            self.stdout.write(self.style.ERROR(f"FAIL {url}"))
            for problem in problems:
                self.stdout.write(f"  {problem}")
        else:
            self.stdout.write(f"ok   {url}")

    def check_page(self, url):
        response = self.get(url)
        if response.status_code != 200:
            self.report(url, [f"answered {response.status_code}"])
            return
        found = []
        for block in JSON_LD.findall(response.content.decode()):
            try:
                found += vocabulary.problems(json.loads(block))
            except ValueError as error:
                found.append(f"not JSON: {error}")
        self.report(url, found)

    def fetch_json(self, url, **params):
        """The JSON answer of `url` (None after reporting a problem with it)."""
        response = self.get(url, **params)
        shown = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        if response.status_code != 200:
            self.report(shown, [f"answered {response.status_code}"])
            return None, shown
        try:
            return json.loads(response.content), shown
        except ValueError as error:
            self.report(shown, [f"not JSON: {error}"])
            return None, shown

    def check_hsds(self, lang):
        index, shown = self.fetch_json(HSDS, lang=lang)
        if index is not None:
            self.report(shown, [] if index.get("version") == "3.0"
                        else [f"version {index.get('version')!r}, not '3.0'"])
        for list_name, (_, kind) in validation.LIST_ITEMS.items():
            first, page_number, last = None, 1, False
            while not last:
                document, shown = self.fetch_json(f"{HSDS}{list_name}", lang=lang,
                                                  page=page_number, per_page=100)
                if document is None:
                    break
                self.report(shown, validation.page_errors(list_name, document))
                first = first or (document.get("contents") or [None])[0]
                last = document.get("last_page", True) or document.get("empty", True)
                page_number += 1
            document, shown = self.fetch_json(f"{HSDS}{list_name}", lang=lang, full="true")
            if document is not None:
                self.report(shown, validation.page_errors(list_name, document, full=True))
            if first and first.get("id"):
                record, shown = self.fetch_json(f"{HSDS}{list_name}/{first['id']}", lang=lang)
                if record is not None:
                    self.report(shown, validation.hsds_errors(kind, record))
