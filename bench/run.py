"""Run the whole benchmark: build the scaled data, serve it with gunicorn, measure every §8 budget."""
from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .browser import chromium, visit
from .budgets import Result, as_dicts, judge, p95
from .build_scales import build_point, curve_results, generate, make_point, measured_build_cpu
from .load import Gunicorn, hammer, router_payload
from .mixed import mixed_load, mixed_results

PAGES = ("/", "/agencies", "/agencies/DSS", "/workforce", "/access", "/towns/0911037070", "/disparities",
         "/contracting", "/equity-plans", "/methodology")
# Embeds with each kind of drawing: a map (d3-geo, SVG), a table, bars, a heat map.
EMBEDS = ("/embed/access-map", "/embed/agencies-list", "/embed/contracting-small", "/embed/workforce-representation",
          "/embed/disparities-dissimilarity")
Say = Callable[[str], None]
def machine() -> dict:
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine()}


def build_scaled(workdir: Path, scale: int, env: dict[str, str], say: Say) -> dict:
    """Generate and build the scaled inputs in a child process: a point of the build curve."""
    inputs, gen_seconds = generate(workdir, scale, env)
    say(f"built inputs at scale {scale}; building the release …")
    seconds, peak_mb, cpu = measured_build_cpu(inputs, env)
    return make_point(inputs, scale, gen_seconds, seconds, peak_mb, cpu)


def build_curve(scales: list[int], workdir: Path, say: Say) -> list[dict]:
    """Generate and build each scale into a database of its own (the cost curve of DESIGN §8)."""
    points = []
    for scale in scales:
        folder = workdir / f"curve-{scale}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        env = {**os.environ, "CT_EQUITY_DATA_DIR": str(folder / "data"), "CT_EQUITY_DATABASE_URL": ""}
        points.append(build_point(folder, scale, env, say))
        shutil.rmtree(folder, ignore_errors=True)  # scale 50 leaves gigabytes behind otherwise
    return points


def browse_pages(port: int, passes: int, say: Say,
                 embeds_too: bool = True) -> tuple[dict[str, list], dict[str, list], dict[str, int]]:
    """One cold visit per page (fresh server), then `passes` warm visits; the bytes of each embed's first load."""
    driver = chromium()
    cold, warm, embeds = {}, {}, {}
    try:
        base = f"http://127.0.0.1:{port}"
        for path in PAGES:
            cold[path] = [visit(driver, base, path)]
            say(f"cold {path}")
        for _ in range(passes):
            for path in PAGES:
                warm.setdefault(path, []).append(visit(driver, base, path))
        for path in EMBEDS if embeds_too else ():
            embeds[path] = visit(driver, base, path, change_filters=0).transferred_bytes
    finally:
        driver.quit()
    return cold, warm, embeds


def callback_ms(visits: dict[str, list]) -> list[float]:
    """Server time of every callback of the visits: a page's first ones and those of its filter changes."""
    return [ms for vs in visits.values() for v in vs for ms in v.callback_ms + v.filter_callback_ms]


def cold_after_publish(workdir: Path, env: dict[str, str], say: Say) -> tuple[dict[str, list], float]:
    """The cold visits a deployment sees after `releases publish`: the cache wiped, warmed by the command (timed),
    then a freshly started server visited once per page."""
    shutil.rmtree(workdir / "data" / "cache", ignore_errors=True)
    root = Path(__file__).resolve().parents[1]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", "releases", "warm"], env=env, cwd=root, check=True,
                   capture_output=True)
    warm_seconds = time.perf_counter() - started
    say(f"warmed the cache as `releases publish` does ({warm_seconds:.1f} s); cold visits after publish …")
    with Gunicorn("app:server", env, cwd=root) as server:
        cold, _warm, _embeds = browse_pages(server.port, 0, say, embeds_too=False)
    return cold, warm_seconds


def run_bench(scale: int, workdir: Path, passes: int = 3, load_seconds: float = 5.0, say: Say = print,
              build_scales: list[int] | None = None, build_only: bool = False) -> dict:
    """Measure every budget (and the build at each of `build_scales`); returns the JSON-ready report."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = {**os.environ, "CT_EQUITY_DATA_DIR": str(workdir / "data"), "CT_EQUITY_DATABASE_URL": ""}
    curve = build_curve([s for s in build_scales or [] if s != scale], workdir, say)
    main = build_scaled(workdir, scale, env, say)
    build_s, build_mb = main["build_seconds"], main["build_peak_memory_mb"]
    if build_scales and scale in build_scales:
        curve = sorted([*curve, main], key=lambda p: p["scale"])
    results: list[Result] = [judge("build_seconds", build_s, f"scale {scale}"),
                             judge("build_peak_memory_mb", build_mb, f"scale {scale}"), *curve_results(curve)]
    if build_only:
        return {"machine": machine(), "scale": scale, "results": as_dicts(results), "build_curve": curve}
    published, warm_seconds = cold_after_publish(workdir, env, say)
    shutil.rmtree(workdir / "data" / "cache", ignore_errors=True)
    with Gunicorn("app:server", env, cwd=Path(__file__).resolve().parents[1]) as server:
        cold, warm, embeds = browse_pages(server.port, passes, say)
        all_cold, all_warm, all_published = callback_ms(cold), callback_ms(warm), callback_ms(published)
        worst_warm = max(((p95(callback_ms({p: vs})) or 0, p) for p, vs in warm.items()), default=(None, ""))
        results.append(judge("callback_p95_warm_ms", p95(all_warm), f"worst page {worst_warm[1]}: "
                             f"{worst_warm[0]:.1f} ms; p50 {statistics.median(all_warm):.1f} ms"
                             if all_warm else ""))
        results.append(judge("callback_p95_cold_ms", p95(all_published), _cold_note(
            all_published, published, f"first request of each page on a fresh server after `releases publish` "
            f"warmed the cache ({warm_seconds:.1f} s), as a deployment serves it")))
        results.append(judge("callback_p95_cold_empty_ms", p95(all_cold), _cold_note(
            all_cold, cold, "the same with the cache wiped: every query read and masked")))
        access = cold.get("/access", [None])[0]
        geometry = access.geometry_bytes if access and access.geometry_bytes else None
        results.append(judge("town_geometry_gzip_bytes", geometry))
        change = max(access.filter_response_bytes) if access and access.filter_response_bytes else None
        results.append(judge("map_filter_change_bytes", change))
        first = {p: vs[0].transferred_bytes for p, vs in cold.items()}
        heaviest = max(first, key=first.get)
        results.append(judge("first_load_max_bytes", first[heaviest], f"heaviest page {heaviest}"))
        heaviest_embed = max(embeds, key=embeds.get)
        results.append(judge("embed_first_load_max_bytes", embeds[heaviest_embed], f"heaviest {heaviest_embed}"))
        external = sorted({e for vs in cold.values() for v in vs for e in v.external})
        results.append(judge("external_requests", len(external), ", ".join(external[:3])))
        body = router_payload("/")
        rps, errors = hammer(server.port, "/_dash-update-component", body, seconds=load_seconds)
        results.append(judge("gunicorn_cached_rps", rps, f"{errors} errors"))
        say("mixed load: 40 clients, pages, callbacks, API and chart images …")
        mixed = mixed_load(server.port, seconds=max(5.0, 2 * load_seconds))
        results.extend(mixed_results(mixed))
        floor = _floor_rps(server.port, body, load_seconds, workdir)
    results.append(judge("cached_callback_floor_ratio", rps / floor if floor else None,
                         f"{rps:.0f} against {floor:.0f} req/s" if floor else ""))
    report = {"machine": machine(), "scale": scale, "results": as_dicts(results), "build_curve": curve,
              "cache_warm_seconds": warm_seconds,
              "pages": {p: {"cold_ms": callback_ms({p: published.get(p, [])}),
                            "cold_empty_cache_ms": callback_ms({p: vs}),
                            "warm_p95_ms": p95([m for v in warm[p] for m in v.callback_ms]),
                            "first_load_bytes": vs[0].transferred_bytes}
                        for p, vs in cold.items()},
              "embeds": {p: {"first_load_bytes": b} for p, b in embeds.items()},
              "mixed_load": {"clients": mixed.clients, "seconds": mixed.seconds, "requests": mixed.requests,
                             "errors": mixed.errors, "turned_away_by_render_queue": mixed.busy,
                             "answered": {k: len(v) for k, v in mixed.ms.items()},
                             "p95_ms": {k: p95(v) for k, v in mixed.ms.items()}, "error_samples": mixed.error_samples},
              "floor": {"bare_flask_rps": floor, "callback_rps": rps,
                        "callback_vs_floor": rps / floor if floor else None}}
    return report


def _cold_note(values: list[float], visits: dict[str, list], what: str) -> str:
    """p50 and the slowest page beside a cold p95, and what was measured."""
    if not values:
        return what
    slowest = max(visits, key=lambda p: max(callback_ms({p: visits[p]}), default=0))
    return (f"{what}; p50 {statistics.median(values):.1f} ms, slowest page {slowest} "
            f"{max(callback_ms({slowest: visits[slowest]})):.0f} ms")


def _floor_rps(port: int, body: bytes, seconds: float, workdir: Path) -> float | None:
    """Requests/s of a bare Flask endpoint returning the same bytes, under the same gunicorn settings."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/_dash-update-component", body=body, headers={"Content-Type": "application/json"})
    sample = workdir / "callback-body.json"
    sample.write_bytes(conn.getresponse().read())
    conn.close()
    with Gunicorn("bench.floor:app", {"BENCH_FLOOR_BODY": str(sample)},
                  cwd=Path(__file__).resolve().parents[1]) as floor:
        rps, _ = hammer(floor.port, "/_dash-update-component", body, seconds=seconds)
    return rps


def write_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(report, indent=2, default=str))
