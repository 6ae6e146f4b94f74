"""Chart images: `/png/<chart_id>?…` draws an embeddable chart as PNG on the server (DESIGN §7).

The figure is always rebuilt from the allow-listed parameters (never taken from the client), for the public
and a published release, and drawn by kaleido in the system Chromium (BROWSER_PATH, else `chromium` on the
PATH; nothing is ever downloaded). One Chromium per process is kept warm in a background event loop
(~0.2 s an image instead of ~2 s) and restarted after a failure. The ETag is fixed by chart, parameters,
release and drawing code, so a repeated request costs a 304; each process also keeps its last images.

Renders are kept apart from pages (issue #16): a process draws one image at a time and lets at most
RENDER_WAITING more wait their turn; any further request is turned away at once with 503 and `Retry-After`
(an image already drawn is still served at once). Chromium runs at a lower CPU priority than the app, so
pages and callbacks served by the other threads of the same worker (gunicorn `gthread`, see
`gunicorn.conf.py`) are not kept waiting behind a render.
"""
from __future__ import annotations

import asyncio
import atexit
import copy
import hashlib
import logging
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import plotly.graph_objects as go
from flask import Flask, Response, request

from components.figures import separators
from components.formatting import day
from components.i18n import DEFAULT_LANGUAGE, _, language
from data_access.cache import CODE_TOKEN
from data_access.queries import DataUnavailable, current_settings, resolve_release
from data_access.viewer import ANONYMOUS
from embeds.registry import chart_params
from embeds.render import Rendered, render
from embeds.signing import NOT_AVAILABLE, REFUSED, first_values, pairs, refusal

LOG = logging.getLogger("ct_equity")
ROOT = Path(__file__).resolve().parents[1]
GEO_OFFLINE = ROOT / "assets" / "plotly-geo-offline.js"  # the maps' empty world topojson: nothing is fetched


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


# Images depend on the drawing code too: any change to it changes every ETag.
DRAW_TOKEN = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted([*ROOT.glob("components/*.py"), *ROOT.glob("dashboards/**/*.py"),
                                    *ROOT.glob("embeds/*.py")]))
    + f"{CODE_TOKEN}{_version('plotly')}{_version('kaleido')}".encode()).hexdigest()[:16]
RENDER_SECONDS = 45
SCALE = 2
MAX_HEIGHT = 2400
HEADER = 80  # pixels added on top of a chart for its title and source line
PINNED_MAX_AGE = 86_400  # an explicitly named release never changes
CURRENT_MAX_AGE = 300  # "the current release" changes when a new one is published
KEPT_IMAGES = 64  # per process (~0.1–0.5 MB each); browsers and proxies keep them by ETag too
RENDER_WAITING = 2  # images a process lets wait behind the one it is drawing; more are turned away (503)
RENDER_WAIT_SECONDS = 20  # longest a request waits for its turn before it is turned away
RETRY_AFTER_SECONDS = 5  # what a turned-away request is told
CHROMIUM_NICE = 10  # added to Chromium's nice value: page requests win the CPU over a render


def browser_path() -> str:
    """The system Chromium kaleido drives (never a downloaded one)."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _low_priority_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Run kaleido's event loop in a thread with a higher nice value, which the browser it starts inherits."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CHROMIUM_NICE)  # this thread only (Linux)
    except OSError:
        pass
    loop.run_forever()


class WarmKaleido:
    """One headless Chromium with kaleido's page, kept open in a background event loop."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _open(self) -> None:
        import kaleido

        async def start():
            page = kaleido.PageGenerator(mathjax=False, others=[GEO_OFFLINE])
            browser = kaleido.Kaleido(path=self._path, page_generator=page, n=1, timeout=RENDER_SECONDS)
            await browser.open()
            return browser

        loop = asyncio.new_event_loop()
        threading.Thread(target=_low_priority_loop, args=(loop,), name="kaleido", daemon=True).start()
        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=60)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            raise
        self._loop = loop
        lower_priority(CHROMIUM_NICE)

    def warm(self) -> None:
        """Start the browser now (a worker does this when it starts, so no request pays for it)."""
        try:
            with self._lock:
                if self._kaleido is None:
                    self._open()
        except Exception as exc:  # noqa: BLE001 - the first image will try again and say why
            LOG.warning("chart image browser did not start: %r", exc)

    def png(self, figure: go.Figure | dict, width: int, height: int, scale: float = SCALE) -> bytes:
        """The figure as PNG bytes; a failure closes the browser so the next call starts a fresh one."""
        with self._lock:
            if self._kaleido is None:
                self._open()
            loop, browser = self._loop, self._kaleido
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        future = asyncio.run_coroutine_threadsafe(browser.calc_fig(figure, opts=opts), loop)
        try:
            return future.result(timeout=RENDER_SECONDS + 5)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._lock:
            loop, browser, self._loop, self._kaleido = self._loop, self._kaleido, None, None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(timeout=10)
        except BaseException:  # noqa: BLE001 - closing a broken browser may fail; it is dropped either way
            LOG.warning("kaleido browser did not close cleanly")
        loop.call_soon_threadsafe(loop.stop)


def lower_priority(increment: int) -> int:
    """Raise the nice value of every thread of this process's child processes (the browser and its helpers) by
    `increment` (on Linux a nice value belongs to a thread); processes they start later inherit it. Returns how
    many threads were changed (0 where this is not allowed)."""
    import psutil

    changed = 0
    for child in psutil.Process().children(recursive=True):
        try:
            threads = [t.id for t in child.threads()]
        except psutil.Error:
            continue
        for tid in threads:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment))
                changed += 1
            except OSError:  # the thread ended, or lowering is not allowed here
                continue
    return changed


class RenderBusy(Exception):
    """This process is drawing an image and enough others are waiting: come back later."""


class RenderGate:
    """One render at a time per process and at most `waiting` more in line; the rest are turned away at once."""

    def __init__(self, waiting: int, wait_seconds: float) -> None:
        self._admitted = threading.BoundedSemaphore(1 + waiting)
        self._drawing = threading.Lock()
        self._wait_seconds = wait_seconds

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the render turn for the block; raises RenderBusy when the line is full or too slow."""
        if not self._admitted.acquire(blocking=False):
            raise RenderBusy
        try:
            if not self._drawing.acquire(timeout=self._wait_seconds):
                raise RenderBusy
            try:
                yield
            finally:
                self._drawing.release()
        finally:
            self._admitted.release()


@lru_cache(maxsize=1)
def render_gate() -> RenderGate:
    return RenderGate(RENDER_WAITING, RENDER_WAIT_SECONDS)


class RecentImages:
    """The last images drawn by this process, by ETag (bounded; thread-safe)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


@lru_cache(maxsize=1)
def recent_images() -> RecentImages:
    return RecentImages(KEPT_IMAGES)


@lru_cache(maxsize=1)
def renderer() -> WarmKaleido:
    """This process's warm renderer (started on the first image)."""
    warm = WarmKaleido(browser_path())
    atexit.register(warm.close)
    return warm


def image_figure(rendered: Rendered) -> tuple[dict, int, int]:
    """The chart with its title and release line drawn on top, and the image size."""
    parts, info = rendered.parts, rendered.info
    figure = copy.deepcopy(parts.figure) if isinstance(parts.figure, dict) else parts.figure.to_plotly_json()
    layout = figure.setdefault("layout", {})
    width, height = rendered.image_size
    margin = dict(layout.get("margin") or {})
    margin["t"] = int(margin.get("t", 40)) + HEADER
    line = (_("CT Equity Benchmarks — release %(release)s, published %(date)s", release=info.release_id,
              date=day(info.published_at)) if info.published_at
            else _("CT Equity Benchmarks — release %(release)s", release=info.release_id))
    layout.update({"margin": margin, "height": height + HEADER, "width": width, "separators": separators(), "title": {
        "text": f"<b>{parts.title}</b><br><span style='font-size:12px'>{line}</span>",
        "x": 0.01, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 16},
        "font": {"size": 16}}})
    return figure, width, min(height + HEADER, MAX_HEIGHT)


def image_etag(chart_id: str, params: dict, release_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Fixed by the chart, its parameters, the release, the drawing code and the language of its words."""
    key = f"{chart_id}|{pairs(params)}|{release_id}|{DRAW_TOKEN}|{lang}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


def _text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def png_response(chart_id: str, query: dict) -> Response:
    """The image of one chart view, or a plain-text reason (404 not available, 403 unsigned, 503 down)."""
    settings = current_settings()
    params = chart_params(chart_id, query)
    if params is None:
        return _text(_(NOT_AVAILABLE), 404)
    if refusal(settings.embed_secret, chart_id, query):
        return _text(_(REFUSED), 403)
    try:
        info = resolve_release(settings, ANONYMOUS, params.get("release"))
        if info is None or (params.get("release") and info.release_id != params["release"]):
            return _text(_(NOT_AVAILABLE), 404)
        etag = image_etag(chart_id, params, info.release_id, language())
        age = PINNED_MAX_AGE if params.get("release") else CURRENT_MAX_AGE
        headers = {"ETag": f'"{etag}"', "Cache-Control": f"public, max-age={age}", "Vary": "Cookie",
                   "Content-Disposition": f'inline; filename="ct-equity-{chart_id}-{info.release_id}.png"'}
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=headers)
        data = recent_images().get(etag)
        if data is None:
            with render_gate().turn():
                data = recent_images().get(etag)  # drawn by the request this one waited behind
                if data is None:
                    rendered = render(settings, chart_id, params, image=True)
                    if rendered is None or rendered.parts.figure is None:
                        return _text(_(NOT_AVAILABLE), 404)
                    data = renderer().png(*image_figure(rendered))
                    recent_images().put(etag, data)
    except RenderBusy:
        response = _text(_("Chart images are busy right now. Please try again in a few seconds."), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except DataUnavailable:
        return _text(_("The data service is not answering right now. Please try again in a minute."), 503)
    except Exception as exc:  # noqa: BLE001 - a broken browser must not become a 500 with a traceback
        LOG.error("chart image failed: %s %r", chart_id, exc)
        return _text(_("Chart images cannot be drawn right now. Please try again in a minute."), 503)
    return Response(data, mimetype="image/png", headers=headers)


def register_png_route(server: Flask) -> None:
    """Add `/png/<chart_id>` to the app's Flask server (once)."""
    if "ct_equity_png" in server.view_functions:
        return

    def chart_png(chart_id: str) -> Response:
        return png_response(chart_id, first_values(request.args.items(multi=True)))

    server.add_url_rule("/png/<chart_id>", "ct_equity_png", chart_png)
