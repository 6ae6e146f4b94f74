"""The overview's pure transform and its layout, without a browser."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboards.overview.transforms import domain_cards, metric_label


def progress_rows() -> pd.DataFrame:
    base = {"metric_key": "workforce.share.hispanic", "scope": "state", "scope_id": "", "baseline_year": 2019,
            "baseline_value": 0.10, "target_value": 0.18, "target_year": 2028}
    rows = []
    for year, value, status, slope in [(2022, 0.12, "insufficient_data", None),
                                       (2023, 0.13, "no_detectable_change", 0.004), (2024, 0.15, "on_track", 0.015)]:
        rows.append({**base, "year": year, "value": value, "progress": (value - 0.10) / 0.08, "status": status,
                     "slope": slope, "slope_ci_low": None if slope is None else slope - 0.01,
                     "slope_ci_high": None if slope is None else slope + 0.01})
    return pd.DataFrame(rows)


MEASURES = pd.DataFrame({"measure_id": ["broadband"], "label": ["Households with broadband"], "unit": ["percent"]})


def test_cards_for_a_year_state_value_target_and_status():
    cards = {c.domain: c for c in domain_cards(progress_rows(), 2024, MEASURES)}
    assert len(cards) == 6
    work = cards["workforce"]
    assert work.value_text == "15.0 %" and work.target_text == "Target 18.0 % by 2028"
    assert work.status == "on_track"
    assert work.summary.startswith("Hispanic or Latino share of the state workforce was 15.0 % in 2024")
    assert "closing beyond year-to-year noise" in work.summary  # 0.015 ± 0.01 excludes 0, gap closing
    assert work.years == [2022, 2023, 2024]
    assert cards["contracting"].summary == "No statewide benchmark is set for this domain."


def test_cards_open_their_page_with_the_same_filters():
    cards = domain_cards(progress_rows(), 2024, MEASURES, "?release=r1&year=2024")
    assert {c.domain: c.href for c in cards}["workforce"] == "/workforce?release=r1&year=2024"


@pytest.mark.parametrize("value,text", [(0.0004, "< 0.001"), (0.0123, "0.012"), (0.0496, "0.0496"), (0.05, "0.05"),
                                        (0.5, "0.5")])
def test_p_values_read_right(value, text):
    from components.formatting import p_value

    assert p_value(value) == text


def test_another_year_changes_the_card():
    card = {c.domain: c for c in domain_cards(progress_rows(), 2023, MEASURES)}["workforce"]
    assert card.value_text == "13.0 %" and card.status == "no_detectable_change"
    assert "not beyond year-to-year noise" in card.summary  # 0.004 ± 0.01 includes 0


@pytest.mark.parametrize("key,label", [
    ("selection.hire.impact_ratio.black", "Black or African American hire impact ratio"),
    ("access.broadband.ratio.hispanic", "Households with broadband: Hispanic or Latino against the reference group"),
    ("access.broadband.value", "Households with broadband"),
    ("plans.published_share", "Agencies with a published equity plan"),
])
def test_metric_labels_are_plain_words(key, label):
    assert metric_label(key, {"broadband": "Households with broadband"}) == label
