"""Selection rows for the agency tests, worked from counts with SciPy's Fisher test."""
from __future__ import annotations

from scipy.stats import fisher_exact

K_TEXT = "suppressed (fewer than 5)"


def selection(group, pool, selected, ref_pool, ref_selected, *, action="hire", reference="white", suppressed=False):
    """A selection row against its reference group, worked from counts (DESIGN §4.2) with SciPy's Fisher test."""
    rate, ref_rate = selected / pool, ref_selected / ref_pool
    impact = rate / ref_rate if action != "separation" else ref_rate / rate
    p = fisher_exact([[selected, pool - selected], [ref_selected, ref_pool - ref_selected]]).pvalue
    plus_one = (selected + 1) / pool / ref_rate if action != "separation" else ref_rate / ((selected - 1) / pool)
    row = {
        "fiscal_year": 2025,
        "agency_code": "DOC",
        "action": action,
        "group_dimension": "race_ethnicity",
        "group_code": group,
        "pool": pool,
        "selected": selected,
        "rate": rate,
        "reference_group": reference,
        "impact_ratio": impact,
        "z_score": -1.0,
        "fisher_p": p,
        "flag_four_fifths": impact < 0.8,
        "flag_significant": p < 0.05,
        "practically_significant": impact < 0.8 and plus_one < 0.8,
        "suppressed": suppressed,
    }
    if suppressed:
        for column in (
            "pool",
            "selected",
            "rate",
            "impact_ratio",
            "z_score",
            "fisher_p",
            "flag_four_fifths",
            "flag_significant",
            "practically_significant",
        ):
            row[column] = None
    return row


# Hispanic hires: 10 of 100 against White 40 of 200 → ratio 0.10/0.20 = 0.50; Fisher p ≈ 0.036 → significant.
# Asian hires: 3 of 20 against 40 of 200 → ratio 0.75; p = 0.77 (SciPy) → four-fifths only; 4 of 20 → 1.0 passes.
# Black hires: 30 of 160 against 40 of 200 → 0.9375, no adverse impact.
HISPANIC = selection("hispanic", 100, 10, 200, 40)
ASIAN = selection("asian", 20, 3, 200, 40)
BLACK = selection("black", 160, 30, 200, 40)
WHITE = selection("white", 200, 40, 200, 40)
SMALL = selection("nhpi", 3, 1, 200, 40, suppressed=True)
