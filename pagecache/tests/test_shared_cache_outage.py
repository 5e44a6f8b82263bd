"""Redis down (issue 22): the site slows down, nothing stops (pagecache/backends.py,
pagecache/versions.py).

The shared cache here is Redis on a port nothing listens on: every call is refused at
once, as when Redis is down. The cluster's own tests (tests/cluster/) use a real one.
"""

import logging

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

import pagecache.versions as versions
from antispam.rate_limit import rate_limit
from pagecache.backends import SharedRedisCache
from pagecache.versions import PAGE_VERSION_KEY, data_version_now, page_version
from scripts.cluster import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, monkeypatch):
    port = free_port()  # bound, then closed: nothing listens there
    settings.CACHES = {"default": {"BACKEND": "pagecache.backends.SharedRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    monkeypatch.setattr(versions, "_versions_store", None)
    monkeypatch.setattr(versions, "_outages", 0)
    monkeypatch.setattr(versions, "_pending", set())
    monkeypatch.setattr(versions, "_warned_at", 0.0)
    cache = caches["default"]
    assert isinstance(cache, SharedRedisCache)
    yield cache
    versions._versions_store = None


def test_reads_find_nothing_and_writes_keep_nothing(redis_down, caplog):
    cache = redis_down
    with caplog.at_level(logging.WARNING, logger="pagecache.backends"):
        assert cache.get("key", "default") == "default"
        cache.set("key", 1)
        assert cache.add("key", 1) is True  # as if added: a lock never blocks
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("key") is False
        assert cache.delete("key") is False
        with pytest.raises(ValueError):
            cache.incr("key")
    # One warning, not one per call: the log stays readable during an outage.
    assert [r.getMessage() for r in caplog.records].count(
        "Shared cache unavailable (ConnectionError): pages are rendered without it") == 1


def test_the_versions_are_read_strictly(redis_down):
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        redis_down.strict.get(PAGE_VERSION_KEY)


def test_a_rate_limit_lets_people_through_rather_than_fail(redis_down):
    request = RequestFactory().post("/it/partecipa/", REMOTE_ADDR="198.51.100.4")
    for _ in range(20):
        assert not rate_limit(request, "intake", limit=3, period=600).limited


def test_people_can_still_sign_in(redis_down, demo_editor):
    """allauth's sign-in limits take a lock in the cache: with Redis down, a sign-in is
    let through, never refused as "too many attempts"."""
    client = Client()
    demo_editor.set_password("una-password-di-prova-lunga")
    demo_editor.save()
    wrong = client.post("/it/accounts/login/", {"login": demo_editor.email,
                                                 "password": "sbagliata"})
    assert wrong.status_code == 200  # the form again, not 429
    right = client.post("/it/accounts/login/", {"login": demo_editor.email,
                                                 "password": "una-password-di-prova-lunga"})
    assert right.status_code == 302


@pytest.mark.parametrize("url", ["/it/", "/en/", "/it/gruppi/", "/api/hsds/services"])
def test_pages_are_still_served_uncached(redis_down, settings, url):
    settings.PAGE_CACHE_SECONDS = 300
    first = Client().get(url)
    again = Client().get(url)
    assert first.status_code == again.status_code == 200
    assert again.get("X-Page-Cache") != "hit"  # every request renders its page


def test_each_request_has_a_version_nothing_was_stored_under(redis_down, caplog):
    one, two = RequestFactory().get("/it/"), RequestFactory().get("/it/")
    assert page_version(one) != page_version(two)
    assert page_version(one) == page_version(one)  # one state per request
    assert data_version_now() is None
    assert versions._outages >= 2
    # The log says it once, not once per request.
    assert [r.name for r in caplog.records].count("pagecache.versions") <= 1


class FlakyStore:
    """The versions' store: down while `down`, then back with what it held."""

    def __init__(self):
        self.values, self.down = {}, False

    def _check(self):
        if self.down:
            raise OSError("unreachable")

    def get(self, key, default=None):
        self._check()
        return self.values.get(key, default)

    def add(self, key, value, timeout=None):
        self._check()
        return self.values.setdefault(key, value) == value

    def set_many(self, values, timeout=None):
        self._check()
        self.values.update(values)


def test_a_change_made_during_the_outage_is_seen_after_it(monkeypatch):
    """A publication whose renewal could not reach the shared cache is renewed when it
    is back, and no page kept from before the outage is read as current."""
    store = FlakyStore()
    monkeypatch.setattr(versions, "_versions_store", store)
    monkeypatch.setattr(versions, "_outages", 0)
    monkeypatch.setattr(versions, "_pending", set())
    before = page_version(RequestFactory().get("/"))
    store.down = True
    versions._bump(PAGE_VERSION_KEY)  # an editor publishes: logged, not raised
    assert PAGE_VERSION_KEY in versions._pending
    during = page_version(RequestFactory().get("/"))
    store.down = False
    after = page_version(RequestFactory().get("/"))
    assert len({before, during, after}) == 3
    assert versions._pending == set()
    # The shared version itself was renewed: every other server lets go of its pages.
    assert store.values[PAGE_VERSION_KEY] != before.split("~")[0]
