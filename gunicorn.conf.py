"""gunicorn settings for `gunicorn app:server` (gunicorn reads this file from the working folder by itself).

Threaded workers (`gthread`): a worker whose thread is waiting for a chart image (web/png.py draws one at a
time per process, in Chromium) goes on serving pages and callbacks from its other threads; with the default
sync workers that wait held the whole process, and page HTML queued behind renders (issue #16). Eight threads
a worker (`GUNICORN_THREADS`): one may be waiting for a render, and a cheap request (page HTML, an API page)
is served beside slow callbacks instead of queueing behind them; measured under the 40-client mixed load of
`ct-equity bench`, 4 threads left page HTML at p95 2.4 s, 8 brought it to 0.5–1.1 s, 16 did no better. Two workers
by default (`WEB_CONCURRENCY` overrides it), about one per core.
"""
from __future__ import annotations

import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 60  # a render waits at most 20 s for its turn and 50 s for Chromium (web/png.py)
keepalive = 5
WARM_AFTER_SECONDS = 3.0
DRAW_PAGES_SECONDS = 20.0  # a worker begins no page drawing at start after this long (the master's timeout is 60)


def post_worker_init(worker) -> None:
    """Before the worker takes requests, let it draw the index page once (see `_register_scripts`) and every page's
    first view (`_draw_pages`); then start its chart-image browser in the background a little after the worker is
    up (it starts at a lower CPU priority), so no image request waits for Chromium to start."""
    import sys
    import threading

    png = sys.modules.get("web.png")
    if png is None:  # another app under these settings (the benchmark's bare-Flask floor): nothing to warm
        return
    _register_scripts(worker)
    _draw_pages(worker)
    threading.Timer(WARM_AFTER_SECONDS, png.renderer().warm).start()


def _register_scripts(worker) -> None:
    """Dash serves a component library's scripts only from a process that has drawn a page itself (it registers
    them then), and a page's script requests may reach the other worker than its HTML did: the first visitor after
    a start got 404s for React and a blank page. Drawing the index once in each worker registers them."""
    from werkzeug.test import Client

    try:
        Client(worker.wsgi).get("/")
    except Exception as exc:  # noqa: BLE001 - the worker serves anyway; the first page may then need a reload
        worker.log.warning("could not draw the index page at start: %s", exc)


def _draw_pages(worker) -> None:
    """A fresh worker's first callbacks paid its one-time costs (plotly's validators per kind of chart, the first
    query, pandas' lazily built machinery): 100–200 ms more on the first visitor's page. The worker pays them
    here, drawing each page's first view once without the response cache (`web.warm.warm_worker`), telling the
    master it is alive after each page and beginning none after DRAW_PAGES_SECONDS (an empty cache on a large
    release must not keep it from serving, nor get it killed as hung)."""
    import time

    import dash

    from web.warm import warm_worker

    started = time.perf_counter()
    try:
        warm_worker(dash.get_app(), lambda _line: worker.notify(), DRAW_PAGES_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the worker serves anyway; its first visitors pay the costs instead
        worker.log.warning("could not draw the pages at start: %s", exc)
        return
    worker.log.info("drew every page's first view in %.1f s", time.perf_counter() - started)
