"""The mixed load of issue #16: 40 loopback clients mixing page HTML, callbacks, the API and chart images.

Each client is of one kind and loops over its kind's addresses for a bounded time and count, with a fresh
start offset so clients do not move in step. Chart images are asked for without `If-None-Match`, across
more distinct addresses than a run can draw, so renders go on for the whole run. A 503 from `/png/` that
carries `Retry-After` is the render queue turning a request away: counted apart, not as an error, and the
client waits as told (within the run's time). Everything else that is not 200 is an error.
"""
from __future__ import annotations

import http.client
import random
import threading
import time
from dataclasses import dataclass, field

from .budgets import Result, judge, p95
from .load import router_payload

# Of every ten clients: four load page HTML, three call callbacks, one the API, two ask for chart images.
MIX = ("page", "page", "page", "page", "callback", "callback", "callback", "api", "png", "png")
PAGE_PATHS = ("/", "/agencies", "/agencies/DSS", "/workforce", "/access", "/towns/0911037070", "/disparities",
              "/contracting", "/equity-plans", "/methodology")
API_PATHS = ("/api/v1/agencies", "/api/v1/measures", "/api/v1/towns?limit=50", "/api/v1/contracting?limit=100",
             "/api/v1/workforce-utilization?limit=100", "/api/v1/town-measures?limit=100", "/api/v1/releases")
PNG_CHARTS = ("contracting-small", "contracting-minority", "contracting-trend", "access-map",
              "disparities-groups", "disparities-dissimilarity", "disparities-theil-split",
              "disparities-theil-trend", "disparities-ratio-trend", "workforce-representation", "workforce-trend",
              "plans-status", "overview-cards")
THINK_SECONDS = 0.0  # mean pause of a client between its requests (uniform from 0 to twice this); 0 = none
PNG_PATHS = tuple(f"/png/{chart}?lang={lang}" for lang in ("en", "es") for chart in PNG_CHARTS)


@dataclass
class MixedLoad:
    """Latencies (ms) by kind, errors with a sample of what they were, and render-queue refusals."""
    clients: int
    seconds: float
    ms: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in set(MIX)})
    errors: int = 0
    busy: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.ms.values()) + self.errors + self.busy


def classify(kind: str, status: int, retry_after: str | None) -> str:
    """"ok" (200), "busy" (the render queue's 503 with Retry-After, chart images only) or "error"."""
    if status == 200:
        return "ok"
    if status == 503 and kind == "png" and retry_after:
        return "busy"
    return "error"


def _request(kind: str, index: int) -> tuple[str, str, bytes | None, dict[str, str]]:
    """Method, path, body and headers of the `index`-th request of a client of this kind."""
    if kind == "page":
        return "GET", PAGE_PATHS[index % len(PAGE_PATHS)], None, {}
    if kind == "callback":
        body = router_payload(PAGE_PATHS[index % len(PAGE_PATHS)])
        return "POST", "/_dash-update-component", body, {"Content-Type": "application/json"}
    if kind == "api":
        return "GET", API_PATHS[index % len(API_PATHS)], None, {}
    return "GET", PNG_PATHS[index % len(PNG_PATHS)], None, {}


def mixed_load(port: int, seconds: float, clients: int = 40, max_requests: int = 20_000,
               timeout: float = 30.0, mix: tuple[str, ...] = MIX, think: float = THINK_SECONDS) -> MixedLoad:
    """Run the mix against 127.0.0.1:`port` for at most `seconds` (and `max_requests` in all)."""
    result = MixedLoad(clients, seconds)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    per_client = max(1, max_requests // clients)

    def client(i: int) -> None:
        kind = mix[i % len(mix)]
        pauses = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        n = 0
        while time.monotonic() < stop and n < per_client:
            method, path, body, headers = _request(kind, i * 7 + n)
            n += 1
            started = time.perf_counter()
            try:
                try:
                    conn.request(method, path, body=body, headers=headers)
                    reply = conn.getresponse()
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # the server closed an idle keep-alive connection: once more on a new one, as browsers do
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                    started = time.perf_counter()
                    conn.request(method, path, body=body, headers=headers)
                    reply = conn.getresponse()
                reply.read()
            except OSError as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                with lock:
                    result.errors += 1
                    result.error_samples[len(result.error_samples):10] = [f"{path}: {exc!r}"[:160]]
                continue
            elapsed = (time.perf_counter() - started) * 1000
            wait = reply.getheader("Retry-After")
            outcome = classify(kind, reply.status, wait)
            with lock:
                if outcome == "ok":
                    result.ms[kind].append(elapsed)
                elif outcome == "busy":
                    result.busy += 1
                else:
                    result.errors += 1
                    result.error_samples[len(result.error_samples):10] = [f"{path}: {reply.status}"]
            if outcome == "busy":
                time.sleep(max(0.0, min(float(wait), stop - time.monotonic())))
            if reply.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            time.sleep(max(0.0, min(pauses.uniform(0, 2 * think), stop - time.monotonic())))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    return result


def mixed_results(load: MixedLoad) -> list[Result]:
    """The three budget lines of a mixed-load run: page HTML p95, callback p95, errors (render refusals apart)."""
    shown = ", ".join(f"{kind} {len(load.ms[kind])}" for kind in ("page", "callback", "api", "png"))
    common = f"{load.clients} clients, {load.seconds:.0f} s: {shown} answered"
    api, png = p95(load.ms["api"]), p95(load.ms["png"])
    extra = (f"; API p95 {api:.0f} ms" if api is not None else "") + (f"; PNG p95 {png:.0f} ms" if png else "")
    return [judge("mixed_page_p95_ms", p95(load.ms["page"]), common + extra),
            judge("mixed_callback_p95_ms", p95(load.ms["callback"]), common),
            judge("mixed_errors", load.errors, f"{load.busy} image requests turned away by the render queue "
                  f"(503 with Retry-After, not errors)" + (f"; {'; '.join(load.error_samples[:3])}"
                                                           if load.error_samples else ""))]
