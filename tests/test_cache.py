"""Query caching on the file system (default) and on Redis (production), keyed by arguments and code."""
from __future__ import annotations

import uuid

import pytest

from data_access import cache
from data_access.settings import load_settings
from tests.conftest import REDIS_URL, service_missing

calls: list[tuple] = []


@cache.memoize
def expensive(settings, release_id: str, viewer_role: str) -> dict:
    calls.append((release_id, viewer_role))
    return {"release": release_id, "role": viewer_role, "rows": list(range(5))}


def settings_with(tmp_path, cache_url: str = ""):
    return load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path), "CT_EQUITY_CACHE_URL": cache_url})


def check_memoized(settings) -> None:
    calls.clear()
    release = uuid.uuid4().hex  # fresh keys, whatever an earlier run left in the cache
    first = expensive(settings, release, "anonymous")
    assert expensive(settings, release, "anonymous") == first
    assert calls == [(release, "anonymous")]
    expensive(settings, release, "statewide")
    expensive(settings, "other-" + release, "anonymous")
    assert len(calls) == 3


def test_file_system_cache(tmp_path):
    check_memoized(settings_with(tmp_path))
    assert any((tmp_path / "cache").iterdir())


@pytest.mark.redis
def test_redis_cache(tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing("Redis", str(exc))
    check_memoized(settings_with(tmp_path, REDIS_URL))
    keys = redis.Redis.from_url(REDIS_URL).keys("ct-equity:*expensive*")
    assert keys, "the result should be stored in Redis"


def test_a_cache_outage_does_not_break_queries(tmp_path):
    settings = settings_with(tmp_path, "redis://127.0.0.1:1/0")  # nothing listens there
    calls.clear()
    assert expensive(settings, "r", "anonymous")["rows"] == [0, 1, 2, 3, 4]
    assert expensive(settings, "r", "anonymous")["rows"] == [0, 1, 2, 3, 4]
    assert len(calls) == 2  # computed each time, never an error


def test_code_token_is_part_of_the_key(tmp_path, monkeypatch):
    settings = settings_with(tmp_path)
    calls.clear()
    expensive(settings, "same", "anonymous")
    monkeypatch.setattr(cache, "CODE_TOKEN", "another-version")
    expensive(settings, "same", "anonymous")
    assert len(calls) == 2
