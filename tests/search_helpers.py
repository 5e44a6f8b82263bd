"""The site search as a visitor uses it, for the tests of search (findability, scale)."""

import re

from django.urls import reverse
from django.utils import translation


def search(client, lang, query, **params):
    """The search page for `query` in `lang`: (its HTML, the result links in order).
    Asserts a 200."""
    with translation.override(lang):
        url = reverse("search")
    response = client.get(url, {"q": query, **params})
    assert response.status_code == 200
    body = response.content.decode()
    listing = re.search(r'<ol class="list-unstyled search-results".*?</ol>', body, re.S)
    hrefs = re.findall(r'<a href="([^"]+)"', listing.group(0)) if listing else []
    return body, hrefs
