"""The build's cost curve: generate and build the demo at several scales, each in a child process (DESIGN §8).

`ct-equity bench --build-scales 1,10,50` reports, per scale, the build's wall time and peak resident memory
against the budget of that scale (scale 10: 20 s and 1 GB; scale 50, about two million employees: 120 s and
4 GB), and draws the curve as a small SVG for the README.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from .budgets import Result

Say = Callable[[str], None]
# scale → (seconds, MB): DESIGN §8. Scales without a budget are measured and shown, not judged.
BUILD_SCALE_BUDGETS = {10: (20.0, 1024.0), 50: (120.0, 4096.0)}
# The build in a child of its own, which prints last its peak resident memory (KB): the build process and the
# release writer it starts (data_access/bulk.py) together, sampled every 50 ms, or the build's own peak if higher.
MEASURED_BUILD = """
import resource, sys, threading, time
import psutil
import cli
me, peak = psutil.Process(), [0]
def sample():
    while True:
        try:
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in [me, *me.children(recursive=True)]))
        except psutil.Error:
            pass
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
try:
    cli.main(["build", "--inputs", sys.argv[1], "--publish", "--no-warm"], standalone_mode=False)
finally:
    print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak[0] // 1024))
"""


def parse_scales(text: str) -> list[int]:
    """`1,10,50` → [1, 10, 50] (sorted, without repeats); each scale from 1 to 100."""
    scales = sorted({int(part) for part in text.split(",") if part.strip()})
    if not scales or any(not 1 <= s <= 100 for s in scales):
        raise ValueError("scales are whole numbers from 1 to 100, separated by commas, e.g. 1,10,50")
    return scales


def employees(inputs: Path) -> int:
    """Headcount of the latest fiscal year of workforce.csv (the size the scale stands for)."""
    frame = pl.read_csv(inputs / "workforce.csv", columns=["fiscal_year", "headcount"])
    if frame.is_empty():
        return 0
    return int(frame.filter(pl.col("fiscal_year") == pl.col("fiscal_year").max())["headcount"].sum())


def generate(workdir: Path, scale: int, env: dict[str, str]) -> tuple[Path, float]:
    """Write the scaled demo inputs under workdir; returns the folder and the generator's wall seconds."""
    inputs = workdir / f"inputs-{scale}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", "demo-data", "--out", str(inputs), "--scale", str(scale)],
                   env=env, check=True, capture_output=True)
    return inputs, time.perf_counter() - started


def measured_build_cpu(inputs: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """`ct-equity build --publish --no-warm` in a child process (the cache is warmed, and timed, apart): wall
    seconds, peak resident memory (MB) and the child's CPU seconds (user + system; on a shared machine the wall
    time swings with the other load, the CPU time far less)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED_BUILD, str(inputs)], env=env, check=True,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, int(done.stdout.strip().splitlines()[-1]) / 1024, cpu


def make_point(inputs: Path, scale: int, gen_seconds: float, seconds: float, peak_mb: float,
               cpu_seconds: float | None = None) -> dict:
    """One point of the curve, judged against its scale's budget (if it has one)."""
    budget_s, budget_mb = BUILD_SCALE_BUDGETS.get(scale, (None, None))
    return {"scale": scale, "employees": employees(inputs), "generate_seconds": gen_seconds,
            "build_seconds": seconds, "build_cpu_seconds": cpu_seconds, "build_peak_memory_mb": peak_mb,
            "budget_seconds": budget_s, "budget_memory_mb": budget_mb,
            "passed": None if budget_s is None else seconds <= budget_s and peak_mb <= budget_mb}


def build_point(workdir: Path, scale: int, env: dict[str, str], say: Say) -> dict:
    """Generate and build one scale; one point of the curve."""
    inputs, gen_seconds = generate(workdir, scale, env)
    say(f"scale {scale}: inputs generated in {gen_seconds:.1f} s; building …")
    seconds, peak_mb, cpu = measured_build_cpu(inputs, env)
    say(f"scale {scale}: build {seconds:.1f} s ({cpu:.1f} s CPU), peak {peak_mb:,.0f} MB")
    return make_point(inputs, scale, gen_seconds, seconds, peak_mb, cpu)


def curve_results(points: list[dict]) -> list[Result]:
    """A budget line per measured scale that has a budget other than the main `--scale` build's lines."""
    out = []
    for p in points:
        if p["budget_seconds"] is None or p["scale"] == 10:
            continue  # scale 10 is the main build_seconds / build_peak_memory_mb lines
        s = p["scale"]
        out.append(Result(f"build_seconds_scale{s}", f"build at scale {s}", p["budget_seconds"], "s",
                          p["build_seconds"], p["build_seconds"] <= p["budget_seconds"],
                          f"{p['employees']:,} employees"))
        out.append(Result(f"build_peak_memory_mb_scale{s}", f"build peak memory at scale {s}", p["budget_memory_mb"],
                          "MB", p["build_peak_memory_mb"], p["build_peak_memory_mb"] <= p["budget_memory_mb"]))
    return out


def curve_svg(points: list[dict], machine: str = "") -> str:
    """A small two-panel SVG: build seconds and peak memory against employees, budgets dashed."""
    width, height, pad = 640, 260, 48
    panel = (width - 3 * pad) / 2
    xs = [p["employees"] for p in points] or [1]
    x_max = max(xs) * 1.05 or 1

    def panel_svg(left: float, key: str, budget_key: str, title: str, unit: str) -> list[str]:
        ys = [p[key] for p in points] + [p[budget_key] or 0 for p in points]
        y_max = max(ys) * 1.1 or 1
        top, bottom = pad, height - pad

        def x(v: float) -> float:
            return left + v / x_max * panel

        def y(v: float) -> float:
            return bottom - v / y_max * (bottom - top)

        parts = [f'<text x="{left}" y="{top - 16}" font-size="13" font-weight="bold">{title}</text>',
                 f'<line x1="{left}" y1="{bottom}" x2="{left + panel}" y2="{bottom}" stroke="#555"/>',
                 f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#555"/>',
                 f'<text x="{left + panel / 2}" y="{height - 12}" font-size="11" text-anchor="middle">'
                 f'employees</text>']
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(p['employees']):.1f},{y(p[key]):.1f}"
                        for i, p in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="#0072B2" stroke-width="2"/>')
        for i, p in enumerate(points):
            px, py = x(p["employees"]), y(p[key])
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="#0072B2"/>')
            parts.append(f'<text x="{px:.1f}" y="{py - 8:.1f}" font-size="11" text-anchor="middle">'
                         f'{p[key]:,.0f} {unit}</text>')
            parts.append(f'<text x="{px:.1f}" y="{bottom + 14 + 11 * (i % 2)}" font-size="10" text-anchor="middle">'
                         f'{p["employees"] / 1000:,.0f}k (×{p["scale"]})</text>')
            if p[budget_key]:
                by = y(p[budget_key])
                parts.append(f'<line x1="{px - 14:.1f}" y1="{by:.1f}" x2="{px + 14:.1f}" y2="{by:.1f}" '
                             f'stroke="#D55E00" stroke-width="2" stroke-dasharray="4 3"/>')
        return parts

    body = [*panel_svg(pad, "build_seconds", "budget_seconds", "Build time (s)", "s"),
            *panel_svg(2 * pad + panel, "build_peak_memory_mb", "budget_memory_mb", "Peak memory (MB)", "MB")]
    note = f"dashed: DESIGN §8 budget. {machine}".strip()
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" role="img" '
            f'aria-label="ct-equity build time and peak memory by scale">'
            f'<rect width="100%" height="100%" fill="white"/>{"".join(body)}'
            f'<text x="{pad}" y="{height - 1}" font-size="9" fill="#555">{note}</text></svg>\n')
