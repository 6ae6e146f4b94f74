"""Pure transforms behind the overview page: benchmark rows → one card per domain."""
from __future__ import annotations

import math

import pandas as pd

from components.cards import DomainCard
from components.formatting import number, percent, ratio, status_label
from components.i18n import N_, _, ngettext
from components.status_words import STATUS_ORDER, listed, status_counts, status_phrases, status_text
from dashboards._shared.wording import METRIC_LABELS, impact_ratio_label, metric_label  # noqa: F401  (metric_label: re-exported)

# domain → (card title, metric-key prefix, page)
DOMAINS = (
    ("workforce", N_("Workforce representation"), "workforce.", "/workforce"),
    ("selection", N_("Hiring, promotion and separation"), "selection.", "/agencies"),
    ("service_access", N_("Access to state services"), "access.", "/access"),
    ("contracting", N_("Small and minority business contracting"), "contracting.", "/contracting"),
    ("equity_plans", N_("Agency equity plans"), "plans.", "/equity-plans"),
    ("training", N_("Equity training"), "training.", "/agencies"),
)
def format_metric(key: str, value: float | None, units: dict[str, str]) -> str:
    """Format a metric value the way its key reads (ratios as ratios, shares as percentages)."""
    if ".ratio." in key or ".impact_ratio." in key:
        return ratio(value)
    if key.startswith("access.") and key.endswith(".value"):
        measure = key.split(".")[1]
        if units.get(measure) != "percent":
            return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else number(value, 1)
        return "—" if value is None else f"{number(value, 1)} %"
    return percent(value)


def domain_cards(progress: pd.DataFrame, year: int, measures: pd.DataFrame, link_query: str = "") -> list[DomainCard]:
    """One card per domain for the year: the domain's first benchmark as headline, and status counts.

    Each card links to its page with the same release and year (`link_query`)."""
    labels = dict(zip(measures["measure_id"], measures["label"])) if not measures.empty else {}
    units = dict(zip(measures["measure_id"], measures["unit"])) if not measures.empty else {}
    cards = []
    for domain, title_id, prefix, page in DOMAINS:
        title, href = _(title_id), page + link_query
        rows = progress[progress["metric_key"].str.startswith(prefix)] if not progress.empty else progress
        if rows.empty:
            cards.append(DomainCard(domain, title, href, summary=_("No statewide benchmark is set for this domain.")))
            continue
        at_year = rows[rows["year"] == year]
        counts = at_year["status"].value_counts().to_dict()
        key = sorted(rows["metric_key"].unique())[0]
        series = rows[rows["metric_key"] == key].sort_values("year")
        current = series[series["year"] == year]
        if current.empty:
            cards.append(DomainCard(domain, title, href, headline=metric_label(key, labels),
                                    summary=_("No value for %(year)s.", year=year), status_counts=counts))
            continue
        row = current.iloc[0]
        label = metric_label(key, labels)
        value = format_metric(key, row["value"], units)
        target = format_metric(key, row["target_value"], units)
        status = row["status"]
        word = status_label(status)[0].lower()
        target_year = int(row["target_year"])
        summary = " ".join([
            _("%(benchmark)s was %(value)s in %(year)s, against a target of %(target)s by %(target_year)s — "
              "%(status)s.", benchmark=label, value=value, year=year, target=target, target_year=target_year,
              status=word),
            _trend_sentence(row)])
        cards.append(DomainCard(
            domain, title, href, headline=label, value_text=value,
            target_text=_("Target %(target)s by %(target_year)s", target=target, target_year=target_year),
            status=status, summary=summary,
            years=series["year"].astype(int).tolist(), values=series["value"].astype(float).tolist(),
            target=float(row["target_value"]), status_counts=counts))
    return cards


def _trend_sentence(row: pd.Series) -> str:
    slope, low, high = row["slope"], row["slope_ci_low"], row["slope_ci_high"]
    if pd.isna(slope):
        return _("Fewer than three years of data, so no trend yet.")
    gap_closing = (row["target_value"] - row["value"]) * slope > 0
    beyond_noise = not (low <= 0 <= high)
    if gap_closing and beyond_noise:
        return _("The gap is closing beyond year-to-year noise.")
    if gap_closing:
        return _("The gap may be closing, but not beyond year-to-year noise.")
    return _("The trend is not closing the gap.")


CARD_LABELS = {"domain": N_("Domain"), "benchmark": N_("Headline benchmark"), "value": N_("Value"),
               "target": N_("Target"), "status": N_("Status"), "benchmarks": N_("Benchmarks in this domain")}


def cards_sentence(cards: list[DomainCard], year: int) -> str:
    """How the domains' headline benchmarks stand in a year, in words."""
    parts = status_phrases({s: sum(c.status == s for c in cards) for s in STATUS_ORDER})
    if not parts:
        return _("In %(year)s, none of the %(domains)s domains has a headline benchmark with a value.", year=year,
                 domains=len(cards))
    text = _("In %(year)s, of the headline benchmarks of the %(domains)s domains, %(listed)s.", year=year,
             domains=len(cards), listed=listed(parts))
    without = sum(c.status is None for c in cards)
    if without:
        text += " " + ngettext("%(num)s domain has no headline value for %(year)s.",
                               "%(num)s domains have no headline value for %(year)s.", without, year=year)
    return text


def cards_table(cards: list[DomainCard]) -> pd.DataFrame:
    """What the cards show, one row per domain (status as symbol and word)."""
    return pd.DataFrame({
        "domain": [c.title for c in cards], "benchmark": [c.headline or "—" for c in cards],
        "value": [c.value_text for c in cards], "target": [c.target_text or "—" for c in cards],
        "status": [status_text(c.status) for c in cards],
        "benchmarks": [status_counts(c.status_counts) or "—" for c in cards],
    })
