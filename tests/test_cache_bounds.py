"""Bounded caches (issue #16): made-up filter values never reach the cache, the file cache stays under its
cap with cheap eviction, and a cache that cannot be written degrades to uncached service with one warning."""
from __future__ import annotations

import logging
import time

import pytest

from data_access import cache
from data_access.settings import load_settings

calls: list[str] = []


@cache.memoize
def square(settings, n: int) -> int:
    calls.append(n)
    return n * n


@pytest.fixture
def fresh_cache(monkeypatch, tmp_path):
    """The app's settings with a private, empty file cache."""
    from data_access.queries import current_settings

    monkeypatch.setenv("CT_EQUITY_CACHE_DIR", str(tmp_path / "cache"))
    current_settings.cache_clear()
    cache._guarded.cache_clear()
    yield tmp_path / "cache"
    current_settings.cache_clear()
    cache._guarded.cache_clear()


def test_the_file_cache_holds_at_most_its_cap_and_evicts_in_one_pass(tmp_path):
    settings = load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_CACHE_MAX_ENTRIES": "200"})
    store = cache.backend(settings)
    started = time.perf_counter()
    results = [square(settings, n) for n in range(3000)]
    elapsed = time.perf_counter() - started
    assert results == [n * n for n in range(3000)]
    count = store.entry_count()
    assert 0 < count <= 200
    assert len(list((tmp_path / "cache").iterdir())) <= 201  # + the count file
    assert elapsed < 30  # 3,000 writes; a scan of the folder on every write past the cap took minutes
    calls.clear()
    assert square(settings, 2999) == 2999 * 2999 and calls == []  # the newest entries stay


def test_two_workers_writing_one_folder_keep_it_about_at_its_cap_without_a_shared_count_file(tmp_path):
    """Each process counts its own writes and the folder now and then (no count file rewritten per write: ext4
    flushed that file on every replace, which stalled cold callbacks under disk load); the folder stays within
    the cap plus what the other worker wrote since it was last counted."""
    folder = tmp_path / "cache"
    first, second = (cache.BoundedFileCache(str(folder), threshold=200, default_timeout=0) for _ in range(2))
    for n in range(3000):
        (first if n % 2 else second).set(f"k{n}", n)
    count = first.entry_count()
    assert 100 <= count <= 250
    assert len(list(folder.iterdir())) == count  # entries only
    assert first.get("k2999") == 2999 and second.get("k2998") == 2998  # the newest entries stay, for both


def test_3000_made_up_filter_values_leave_the_cache_entry_count_unchanged(app_env, fresh_cache, monkeypatch):
    from app import app
    from data_access import queries
    from data_access.queries import current_settings

    now = time.time()
    monkeypatch.setattr(queries.time, "time", lambda: now)  # one release-list entry (it is re-read every 5 s)
    client = app.server.test_client()
    assert client.get("/api/v1/agencies?agency_code=DSS").get_json()["count"] == 1
    store = cache.backend(current_settings())
    before = store.entry_count()
    for n in range(3000):
        body = client.get(f"/api/v1/agencies?agency_code=X{n:05d}").get_json()
        assert body["count"] == 0 and body["rows"] == []
    assert store.entry_count() == before
    real = client.get("/api/v1/agencies?agency_code=BOPP").get_json()
    assert real["count"] == 1 and real["rows"][0]["agency_code"] == "BOPP"  # known values are still answered


def test_an_unwritable_cache_folder_serves_correct_answers_with_one_warning(app_env, fresh_cache, monkeypatch,
                                                                             caplog):
    from app import app
    from data_access.queries import current_settings

    blocker = fresh_cache.parent / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CT_EQUITY_CACHE_DIR", str(blocker / "cache"))
    current_settings.cache_clear()
    client = app.server.test_client()
    with caplog.at_level(logging.WARNING):
        replies = [client.get("/api/v1/agencies?limit=3") for _ in range(20)]
    assert all(r.status_code == 200 for r in replies)
    assert [r["agency_code"] for r in replies[-1].get_json()["rows"]] == [
        r["agency_code"] for r in replies[0].get_json()["rows"]]
    assert replies[0].get_json()["count"] > 3
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "not usable" in warnings[0].getMessage() and not warnings[0].exc_info
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["cache"].startswith("not used")


def test_a_read_only_cache_folder_logs_once(tmp_path, monkeypatch, caplog):
    settings = load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path)})
    square(settings, 1)  # the folder exists and works

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", refuse)
    calls.clear()
    with caplog.at_level(logging.WARNING):
        assert [square(settings, n) for n in range(100, 120)] == [n * n for n in range(100, 120)]
    assert len(calls) == 20
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


def test_redis_down_logs_once(tmp_path, caplog):
    settings = load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_CACHE_URL": "redis://127.0.0.1:1/0"})
    with caplog.at_level(logging.WARNING):
        assert [square(settings, n) for n in range(10)] == [n * n for n in range(10)]
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(messages) == 1 and "127.0.0.1:1/0" in messages[0]
