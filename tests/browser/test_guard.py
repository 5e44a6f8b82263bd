"""The browser tests' own guards can fail: a request to another host is aborted and
recorded, and so is an error in the console."""

import pytest

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CALLS_OUT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Calls out</title><link rel="stylesheet" href="https://cdn.example.org/style.css">
</head><body><main><h1>Calls out</h1><img src="http://203.0.113.7/pixel.gif" alt="">
</main></body></html>"""


def test_requests_to_other_hosts_are_aborted_and_recorded(web, page):
    page.route(f"{web.origin}/__calls-out__/", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=CALLS_OUT))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/__calls-out__/")
    page.wait_for_load_state("load")

    blocked = web.offsite_requests()
    assert set(blocked) == {"https://cdn.example.org/style.css",
                            "http://203.0.113.7/pixel.gif"}
    assert set(failed) == set(blocked)  # aborted: nothing reached the network
    # The failed loads are console errors too: both would fail the test at teardown.
    assert any("Failed to load resource" in error for error in web.errors)
    web.forget_failures()  # this test wanted them
