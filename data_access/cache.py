"""Query-result caching keyed by release id: file-system by default, Redis when CT_EQUITY_CACHE_URL is set.

The cache is bounded and fails soft (issue #16): the file cache holds at most CT_EQUITY_CACHE_MAX_ENTRIES
entries and evicts the oldest quarter in one directory pass when it is full (no per-write scan); a cache that
cannot be read or written is left alone for RETRY_SECONDS, with one warning, and queries run uncached.
Callers keep keys finite: arguments an anonymous client chooses freely are checked against the release's
own codes before a cached function is called (see `api_queries.api_page`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import pickle
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cachelib import BaseCache, FileSystemCache, RedisCache

from .settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
LOG = logging.getLogger("ct_equity")
# Cached results are only valid for the query code that made them: a deploy that changes it starts afresh.
CODE_TOKEN = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))).hexdigest()[
    :12
]
RETRY_SECONDS = 60.0  # how long a failed cache is left alone before it is tried again
KEEP_SHARE = 0.75  # a full file cache is pruned down to this share of its cap
RECOUNT_WRITES = 256  # a process counts the folder again after this many new entries of its own


class BoundedFileCache(FileSystemCache):
    """A FileSystemCache whose eviction is cheap and whose write errors are raised, not logged per call.

    The entry count is kept in memory: counted from the folder when the cache is opened, at every prune and
    after every RECOUNT_WRITES new entries of this process (the other workers write to the folder too), so the
    folder stays within about the cap plus what the other processes wrote since. cachelib kept it in a count file
    rewritten on every write; replacing that file made ext4 flush it to disk, and under another process's disk
    load one write of a cold callback waited ~100 ms for that flush.
    """

    def __init__(self, cache_dir: str, threshold: int, default_timeout: int):
        self._count_lock = threading.Lock()
        self._count = 0
        self._new_since_count = 0
        super().__init__(cache_dir, threshold=threshold, default_timeout=default_timeout)  # counts the folder

    @property
    def _file_count(self) -> int:
        return self._count

    def _update_count(self, delta: int | None = None, value: int | None = None) -> None:
        with self._count_lock:
            if delta:
                self._count += delta
                self._new_since_count += max(0, delta)
            else:
                self._count, self._new_since_count = value or 0, 0

    def _over_threshold(self) -> bool:
        if self._threshold and self._new_since_count >= RECOUNT_WRITES:
            self._update_count(value=self.entry_count())
        return super()._over_threshold()

    def _prune(self) -> None:
        if not self._over_threshold():
            return
        entries = []
        with os.scandir(self._path) as found:
            for entry in found:
                if self._is_mgmt(entry.name):
                    continue
                try:
                    entries.append((entry.stat().st_mtime, entry.path))
                except FileNotFoundError:  # another worker removed it
                    continue
        entries.sort()
        surplus = max(0, len(entries) - int(self._threshold * KEEP_SHARE))
        for _mtime, path in entries[:surplus]:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
        self._update_count(value=len(entries) - surplus)

    def set(self, key: str, value: Any, timeout: Any = None, mgmt_element: bool = False) -> bool:
        """Write one entry atomically; an OSError (read-only folder, full disk) is raised to the caller."""
        if mgmt_element:
            timeout = 0
        else:
            self._prune()
        expires = self._normalize_timeout(timeout)
        filename = self._get_filename(key)
        overwrite = os.path.isfile(filename)
        fd, tmp = tempfile.mkstemp(suffix=self._fs_transaction_suffix, dir=self._path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(struct.pack("I", expires))
                self.serializer.dump(value, handle)
            os.replace(tmp, filename)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if not overwrite and not mgmt_element:
            self._update_count(delta=1)
        return True

    def entry_count(self) -> int:
        """Entries on disk now (management files excluded)."""
        return sum(1 for _ in self._list_dir())


class GuardedCache:
    """One cache backend that, once it fails, is skipped (queries run uncached) and retried a while later."""

    def __init__(self, make: Callable[[], BaseCache], where: str):
        self._make = make
        self.where = where
        self._backend: BaseCache | None = None
        self._down_until = 0.0
        self.problem = ""
        self._lock = threading.Lock()

    def _usable(self) -> BaseCache | None:
        if time.monotonic() < self._down_until:
            return None
        if self._backend is None:
            try:
                self._backend = self._make()
            except Exception as exc:  # noqa: BLE001 - any failure to open the cache means "uncached"
                self._failed(exc)
                return None
        return self._backend

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            first = not self.problem
            self.problem = f"{exc.__class__.__name__}: {str(exc)[:200]}"
            self._down_until = time.monotonic() + RETRY_SECONDS
            self._backend = None  # reopened on retry (a file cache re-counts its folder, Redis reconnects)
        if first:
            LOG.warning("query cache at %s is not usable (%s); serving uncached, retrying every %.0f s",
                        self.where, self.problem, RETRY_SECONDS)

    def _worked(self) -> None:
        if self.problem:
            with self._lock:
                self.problem = ""
            LOG.warning("query cache at %s works again", self.where)

    def get(self, key: str) -> Any:
        cache = self._usable()
        if cache is None:
            return None
        try:
            return cache.get(key)
        except Exception as exc:  # noqa: BLE001 - a cache outage must not take pages down
            self._failed(exc)
            return None

    def set(self, key: str, value: Any) -> None:
        cache = self._usable()
        if cache is None:
            return
        try:
            cache.set(key, value)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return
        self._worked()

    def entry_count(self) -> int | None:
        """Entries held (file cache only; None for Redis or when the cache is down)."""
        cache = self._usable()
        return cache.entry_count() if isinstance(cache, BoundedFileCache) else None


def _open(cache_url: str, cache_dir: str, timeout: int, max_entries: int) -> BaseCache:
    if cache_url:
        import redis

        client = redis.Redis.from_url(cache_url, socket_connect_timeout=2, socket_timeout=2)
        return RedisCache(host=client, default_timeout=timeout, key_prefix="ct-equity:")
    return BoundedFileCache(cache_dir, threshold=max_entries, default_timeout=timeout)


@functools.lru_cache(maxsize=4)
def _guarded(cache_url: str, cache_dir: str, timeout: int, max_entries: int) -> GuardedCache:
    where = cache_url.split("@")[-1] if cache_url else cache_dir  # never log a password in a Redis URL
    return GuardedCache(lambda: _open(cache_url, cache_dir, timeout, max_entries), where)


def backend(settings: Settings) -> GuardedCache:
    """The cache named by the settings (one instance per process)."""
    return _guarded(settings.cache_url, str(settings.cache_dir), settings.cache_timeout, settings.cache_max_entries)


# Settings that decide how the app is served, never what a query answers: left out of the key, so that the
# `releases publish` command (which warms the cache) and the servers share entries whatever their ports.
SERVING_ONLY = frozenset({
    "data_dir", "cache_url", "cache_dir", "cache_timeout", "cache_max_entries", "host", "port", "secret_key",
    "cookie_secure", "login_rate_limit", "session_idle_minutes", "max_request_bytes", "hsts_seconds",
    "trusted_header", "trusted_proxies", "frame_ancestors",
})


@functools.lru_cache(maxsize=16)
def settings_key(settings: Settings) -> tuple:
    """Every setting that may change an answer (the database, k, the limits and goals …), for cache keys."""
    return tuple((f.name, str(getattr(settings, f.name))) for f in dataclasses.fields(settings)
                 if f.name not in SERVING_ONLY)


def memoize(fn: F) -> F:
    """Cache a query on (function, arguments, settings); arguments must include the release id and the viewer,
    and must come from a finite set the release defines (never a raw value a client typed)."""

    @functools.wraps(fn)
    def wrapper(settings: Settings, *args: Any) -> Any:
        digest = hashlib.sha256(pickle.dumps((settings_key(settings), args))).hexdigest()
        key = f"{CODE_TOKEN}:{fn.__module__}.{fn.__qualname__}:{digest}"
        cache = backend(settings)
        hit = cache.get(key)
        if hit is not None:
            return hit
        value = fn(settings, *args)
        cache.set(key, value)
        return value

    return wrapper  # type: ignore[return-value]
