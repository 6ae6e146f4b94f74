"""One allow-list per filter kind and one rule for the default year (issue #14): the page's address (lenient),
its callbacks (strict) and its embeds (missing → default, unknown → not available) read the same lists."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboards._shared import EMBED, LENIENT, STRICT, allowed, measure_and_year, release_years

ROOT = Path(__file__).resolve().parents[1]
# `late` has no figures in 2024, the newest year overall: its own latest year is 2022
MEASURES = pd.DataFrame({"measure_id": ["uninsured", "late"], "years": [[2021, 2022, 2024], [2020, 2022]]})


def test_the_year_filter_offers_every_year_newest_first():
    assert release_years(MEASURES) == ["2024", "2022", "2021", "2020"]


@pytest.mark.parametrize("measure,year,mode,expected", [
    (None, None, LENIENT, ("uninsured", "2024")),   # the first measure, its own latest year
    ("late", None, LENIENT, ("late", "2022")),       # not 2024: `late` has nothing there
    ("late", None, EMBED, ("late", "2022")),         # the embed defaults exactly as the page
    ("late", "1999", LENIENT, ("late", "2022")),     # a page address falls back
    ("late", "2021", LENIENT, ("late", "2021")),     # any year the release offers is on the list
    ("late", "1999", EMBED, None),                   # an embed says "not available"
    ("nope", None, EMBED, None),
    ("nope", None, LENIENT, ("uninsured", "2024")),
    ("late", "2020", STRICT, ("late", "2020")),
    ("late", None, STRICT, None),                    # a callback gets every value from a list
    (None, "2020", STRICT, None),
    (["late"], 2022, STRICT, None),
])
def test_one_rule_for_a_measure_and_its_year(measure, year, mode, expected):
    chosen = measure_and_year(MEASURES, measure, year, mode)
    assert (None if chosen is None else (chosen[0]["measure_id"], chosen[1])) == expected


@pytest.mark.parametrize("value,mode,missing_is_default,expected", [
    (None, LENIENT, False, "all"), ("", EMBED, False, "all"), (None, STRICT, False, None),
    (None, STRICT, True, "all"), ("09110", STRICT, False, "09110"), ("x", LENIENT, False, "all"),
    ("x", EMBED, False, None), ("x", STRICT, True, None), ({"$ne": 1}, LENIENT, False, "all"),
])
def test_one_filter_value_in_each_mode(value, mode, missing_is_default, expected):
    assert allowed(value, ["all", "09110"], "all", mode, missing_is_default) == expected


@pytest.mark.parametrize("area", ["access", "disparities"])
def test_page_and_embeds_read_the_same_allow_list(area):
    """The lists are written once, in the area's `filters.py`: neither the page nor the embeds rebuild them."""
    for name in ("page.py", "embeds.py"):
        text = (ROOT / "dashboards" / area / name).read_text(encoding="utf-8")
        assert "filters.choose(" in text and "ACCESS_GROUPS" not in text and "POPULATION_GROUPS" not in text
        assert 'for ys in measures["years"]' not in text and 'measure["years"]' not in text
