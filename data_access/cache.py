"""Query-result caching keyed by release id: file-system by default, Redis when CT_EQUITY_CACHE_URL is set."""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from cachelib import BaseCache, FileSystemCache, RedisCache

from .settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
# Cached results are only valid for the query code that made them: a deploy that changes it starts afresh.
CODE_TOKEN = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))).hexdigest()[
    :12
]


@lru_cache(maxsize=4)
def _backend(cache_url: str, cache_dir: str, timeout: int) -> BaseCache:
    if cache_url:
        import redis

        client = redis.Redis.from_url(cache_url, socket_connect_timeout=2, socket_timeout=2)
        return RedisCache(host=client, default_timeout=timeout, key_prefix="ct-equity:")
    return FileSystemCache(cache_dir, threshold=20_000, default_timeout=timeout)


def backend(settings: Settings) -> BaseCache:
    """The cache named by the settings (one instance per process)."""
    return _backend(settings.cache_url, str(settings.cache_dir), settings.cache_timeout)


def memoize(fn: F) -> F:
    """Cache a query on (function, arguments); arguments must include the release id and the viewer."""

    @functools.wraps(fn)
    def wrapper(settings: Settings, *args: Any) -> Any:
        digest = hashlib.sha256(pickle.dumps((settings.database_url, args))).hexdigest()
        key = f"{CODE_TOKEN}:{fn.__module__}.{fn.__qualname__}:{digest}"
        cache = backend(settings)
        try:
            hit = cache.get(key)
        except Exception:  # a cache outage must not take pages down
            hit = None
        if hit is not None:
            return hit
        value = fn(settings, *args)
        try:
            cache.set(key, value)
        except Exception:
            pass
        return value

    return wrapper  # type: ignore[return-value]
