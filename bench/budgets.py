"""The DESIGN §8 budgets and the result lines the benchmark reports against them."""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Budget:
    key: str
    label: str
    limit: float
    unit: str
    higher_is_better: bool = False


BUDGETS = {b.key: b for b in (
    Budget("callback_p95_warm_ms", "every drill-down callback, server p95, warm", 50, "ms"),
    # Cold: the first request of each page on a freshly started server, after `releases publish` warmed the shared
    # cache as a deployment has it (§8's line); and again with the cache wiped (the same budget, shown beside it).
    Budget("callback_p95_cold_ms", "every drill-down callback, server p95, cold (after publish)", 250, "ms"),
    Budget("callback_p95_cold_empty_ms", "every drill-down callback, server p95, cold (empty cache)", 250, "ms"),
    Budget("map_filter_change_bytes", "map filter change payload", 10 * 1024, "bytes"),
    Budget("town_geometry_gzip_bytes", "town geometry, gzip", 200 * 1024, "bytes"),
    Budget("first_load_max_bytes", "first load of any page, transferred", 1.5 * 1024 * 1024, "bytes"),
    Budget("embed_first_load_max_bytes", "first load of any embed, transferred", 1024 * 1024, "bytes"),
    Budget("external_requests", "requests to other hosts", 0, "requests"),
    Budget("build_seconds", "build of the scaled inputs (scale 10)", 20, "s"),
    Budget("build_peak_memory_mb", "build peak memory (scale 10)", 1024, "MB"),
    Budget("gunicorn_cached_rps", "gunicorn, 2 workers, cached callback", 200, "req/s", higher_is_better=True),
    Budget("cached_callback_floor_ratio", "cached callback against the bare-Flask floor", 0.5, "×",
           higher_is_better=True),
    # Issue #16: 40 loopback clients mixing page HTML, callbacks, the API and chart images (bench/mixed.py).
    Budget("mixed_page_p95_ms", "mixed load with chart images: page HTML p95", 500, "ms"),
    Budget("mixed_callback_p95_ms", "mixed load with chart images: callback p95", 500, "ms"),
    Budget("mixed_errors", "mixed load with chart images: errors", 0, "requests"),
)}


@dataclass
class Result:
    key: str
    label: str
    budget: float
    unit: str
    measured: float | None
    passed: bool | None
    note: str = ""


def p95(values: list[float]) -> float | None:
    """The inclusive 95th percentile (None for no values)."""
    if not values:
        return None
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def judge(key: str, measured: float | None, note: str = "") -> Result:
    """A budget line with its measured value and pass/fail (None when it could not be measured)."""
    budget = BUDGETS[key]
    if measured is None:
        passed = None
    elif budget.higher_is_better:
        passed = measured >= budget.limit
    else:
        passed = measured <= budget.limit
    return Result(key, budget.label, budget.limit, budget.unit, measured, passed, note)


def as_dicts(results: list[Result]) -> list[dict]:
    return [asdict(r) for r in results]


def table(results: list[Result]) -> str:
    """A Markdown table of the results (for the terminal and the README)."""
    lines = ["| budget | limit | measured | result |", "|---|---|---|---|"]
    for r in results:
        digits = 2 if r.budget < 10 and r.budget != 0 else 1
        shown = "not measured" if r.measured is None else f"{r.measured:,.{digits}f} {r.unit}"
        verdict = {True: "met", False: "**missed**", None: "—"}[r.passed]
        note = f" ({r.note})" if r.note else ""
        limit = f"{r.budget:,.0f}" if r.budget >= 10 or r.budget == 0 else f"{r.budget:g}"
        lines.append(f"| {r.label} | {limit} {r.unit} | {shown}{note} | {verdict} |")
    return "\n".join(lines)
