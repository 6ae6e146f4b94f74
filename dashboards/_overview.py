"""Pure transforms behind the overview page: benchmark rows → one card per domain."""
from __future__ import annotations

import math

import pandas as pd

from components.cards import DomainCard
from components.formatting import STATUS_LABELS, group_label, percent, ratio

# domain → (card title, metric-key prefix, page)
DOMAINS = (
    ("workforce", "Workforce representation", "workforce.", "/workforce"),
    ("selection", "Hiring, promotion and separation", "selection.", "/agencies"),
    ("service_access", "Access to state services", "access.", "/access"),
    ("contracting", "Small and minority business contracting", "contracting.", "/contracting"),
    ("equity_plans", "Agency equity plans", "plans.", "/equity-plans"),
    ("training", "Equity training", "training.", "/agencies"),
)


def metric_label(key: str, measure_labels: dict[str, str]) -> str:
    """Plain words for a metric key."""
    parts = key.split(".")
    if parts[0] == "workforce" and parts[1] == "share":
        return f"{group_label(parts[2])} share of the state workforce"
    if key == "workforce.underutilized_share":
        return "Job-category groups significantly under-represented"
    if parts[0] == "selection":
        return f"{group_label(parts[3])} {parts[1]} impact ratio"
    if parts[0] == "access":
        measure = measure_labels.get(parts[1], parts[1])
        return measure if parts[2] == "value" else f"{measure}: {group_label(parts[3])} against the reference group"
    return {
        "contracting.small_share": "Small-business share of eligible spend",
        "contracting.minority_share": "Minority-business share of eligible spend",
        "plans.published_share": "Agencies with a published equity plan",
        "training.completion": "Employees who completed equity training",
    }.get(key, key)


def format_metric(key: str, value: float | None, units: dict[str, str]) -> str:
    """Format a metric value the way its key reads (ratios as ratios, shares as percentages)."""
    if ".ratio." in key or ".impact_ratio." in key:
        return ratio(value)
    if key.startswith("access.") and key.endswith(".value"):
        measure = key.split(".")[1]
        if units.get(measure) != "percent":
            return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.1f}"
        return "—" if value is None else f"{value:.1f} %"
    return percent(value)


def domain_cards(progress: pd.DataFrame, year: int, measures: pd.DataFrame, link_query: str = "") -> list[DomainCard]:
    """One card per domain for the year: the domain's first benchmark as headline, and status counts.

    Each card links to its page with the same release and year (`link_query`)."""
    labels = dict(zip(measures["measure_id"], measures["label"])) if not measures.empty else {}
    units = dict(zip(measures["measure_id"], measures["unit"])) if not measures.empty else {}
    cards = []
    for domain, title, prefix, page in DOMAINS:
        href = page + link_query
        rows = progress[progress["metric_key"].str.startswith(prefix)] if not progress.empty else progress
        if rows.empty:
            cards.append(DomainCard(domain, title, href, summary="No statewide benchmark is set for this domain."))
            continue
        at_year = rows[rows["year"] == year]
        counts = at_year["status"].value_counts().to_dict()
        key = sorted(rows["metric_key"].unique())[0]
        series = rows[rows["metric_key"] == key].sort_values("year")
        current = series[series["year"] == year]
        if current.empty:
            cards.append(DomainCard(domain, title, href, headline=metric_label(key, labels),
                                    summary=f"No value for {year}.", status_counts=counts))
            continue
        row = current.iloc[0]
        label = metric_label(key, labels)
        value = format_metric(key, row["value"], units)
        target = format_metric(key, row["target_value"], units)
        status = row["status"]
        word = STATUS_LABELS.get(status, (status, ""))[0].lower()
        summary = (f"{label} was {value} in {year}, against a target of {target} by {int(row['target_year'])}"
                   f" — {word}. {_trend_sentence(row)}")
        cards.append(DomainCard(
            domain, title, href, headline=label, value_text=value,
            target_text=f"Target {target} by {int(row['target_year'])}", status=status, summary=summary,
            years=series["year"].astype(int).tolist(), values=series["value"].astype(float).tolist(),
            target=float(row["target_value"]), status_counts=counts))
    return cards


def _trend_sentence(row: pd.Series) -> str:
    slope, low, high = row["slope"], row["slope_ci_low"], row["slope_ci_high"]
    if pd.isna(slope):
        return "Fewer than three years of data, so no trend yet."
    gap_closing = (row["target_value"] - row["value"]) * slope > 0
    beyond_noise = not (low <= 0 <= high)
    if gap_closing and beyond_noise:
        return "The gap is closing beyond year-to-year noise."
    if gap_closing:
        return "The gap may be closing, but not beyond year-to-year noise."
    return "The trend is not closing the gap."


STATUS_ORDER = ("met", "on_track", "off_track", "insufficient_data")
CARD_LABELS = {"domain": "Domain", "benchmark": "Headline benchmark", "value": "Value", "target": "Target",
               "status": "Status", "benchmarks": "Benchmarks in this domain"}


def _status_phrase(status: str, n: int) -> str:
    one = n == 1
    return {"met": f"{n} {'has' if one else 'have'} met {'its' if one else 'their'} target",
            "on_track": f"{n} {'is' if one else 'are'} on track",
            "off_track": f"{n} {'is' if one else 'are'} off track",
            "insufficient_data": f"{n} {'does' if one else 'do'} not have enough data yet"}[status]


def cards_sentence(cards: list[DomainCard], year: int) -> str:
    """How the domains' headline benchmarks stand in a year, in words."""
    parts = [_status_phrase(s, n) for s in STATUS_ORDER if (n := sum(c.status == s for c in cards))]
    if not parts:
        return f"In {year}, none of the {len(cards)} domains has a headline benchmark with a value."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    text = f"In {year}, of the headline benchmarks of the {len(cards)} domains, {listed}."
    without = sum(c.status is None for c in cards)
    if without:
        text += f" {without} {'domain has' if without == 1 else 'domains have'} no headline value for {year}."
    return text


def cards_table(cards: list[DomainCard]) -> pd.DataFrame:
    """What the cards show, one row per domain (status as symbol and word)."""
    def status(card: DomainCard) -> str:
        word, symbol = STATUS_LABELS.get(card.status, (card.status or "", ""))
        return f"{symbol} {word}".strip() if card.status else "—"

    def counts(card: DomainCard) -> str:
        return ", ".join(f"{n} {STATUS_LABELS[s][0].lower()}" for s, n in card.status_counts.items()
                         if n and s in STATUS_LABELS) or "—"

    return pd.DataFrame({
        "domain": [c.title for c in cards], "benchmark": [c.headline or "—" for c in cards],
        "value": [c.value_text for c in cards], "target": [c.target_text or "—" for c in cards],
        "status": [status(c) for c in cards], "benchmarks": [counts(c) for c in cards],
    })
