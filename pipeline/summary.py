"""A few headline figures printed at the end of `ct-equity build`, so a builder can sanity-check a release."""

from __future__ import annotations

import pandas as pd


def headline_figures(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Plain-text headline figures of a freshly built release."""
    lines: list[str] = []
    wu = tables.get("workforce_utilization")
    if wu is not None and not wu.empty:
        year = int(wu["fiscal_year"].max())
        state = wu[(wu["fiscal_year"] == year) & (wu["agency_code"] == "ALL")]
        total = state[(state["job_category"] == "ALL") & (state["group_dimension"] == "all")]["total"]
        cells = state[(state["job_category"] != "ALL") & (state["group_dimension"] == "race_ethnicity")]
        lines.append(
            f"FY{year} statewide workforce: {int(total.iloc[0]) if len(total) else 0:,} employees; "
            f"{int(cells['flag_significant'].fillna(False).sum())} of {len(cells)} job category × "
            "race/ethnicity cells significantly under-represented"
        )
        lines.append(f"suppressed for the public: {int(wu['suppressed'].sum()):,} of {len(wu):,} utilization rows")
    sr = tables.get("selection_rates")
    if sr is not None and not sr.empty:
        lines.extend(_adverse_impact_lines(sr))
    bp = tables.get("benchmark_progress")
    if bp is not None and not bp.empty:
        latest = bp.sort_values("year").groupby(["metric_key", "scope", "scope_id"], dropna=False).tail(1)
        counts = latest["status"].value_counts().to_dict()
        lines.append("benchmarks (latest year): " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return lines


def _adverse_impact_lines(sr: pd.DataFrame) -> list[str]:
    """Statewide groups with adverse impact (§4.2 headline) and how many agency comparisons show any."""
    year = int(sr["fiscal_year"].max())
    latest = sr[(sr["fiscal_year"] == year) & (sr["job_category"] == "ALL")]
    state = latest[(latest["agency_code"] == "ALL") & (latest["group_dimension"] == "race_ethnicity")]
    flagged = state[state["adverse_impact"].fillna(False).astype(bool)]
    groups = ", ".join(f"{g} ({a})" for a, g in zip(flagged["action"], flagged["group_code"])) or "none"
    below = int(state["flag_four_fifths"].fillna(False).astype(bool).sum())
    agencies = latest[latest["agency_code"] != "ALL"]
    per_comparison = agencies.groupby(["agency_code", "action"])["adverse_impact"].agg(
        lambda flags: bool(flags.fillna(False).astype(bool).any()))
    return [
        f"FY{year} statewide race/ethnicity groups with adverse impact (pooled over job categories): {groups} "
        f"({below} below four-fifths before the significance and one-person checks)",
        f"FY{year} agency × action comparisons with any adverse impact: {int(per_comparison.sum())} "
        f"of {len(per_comparison)}",
    ]
