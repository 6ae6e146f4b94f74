"""Selection rows for the agency tests (DESIGN §4.2), their ratios and flags worked by hand from counts.

The flags are what the pipeline would publish for these counts; the pages only read them. Ratios compare the
favourable outcome: hires and promotions, or retention (pool − separations) for separations.
"""
from __future__ import annotations

import math

K_TEXT = "suppressed (fewer than 5)"
HIDDEN = ("pool", "selected", "rate", "reference_eligible", "impact_ratio", "z_score", "fisher_p", "cmh_p",
          "flag_four_fifths", "flag_significant", "practically_significant", "adverse_impact")


def selection(group, pool, selected, ref_pool=200, ref_selected=40, *, action="hire", reference="white",
              eligible=True, significant=False, p=None, category="ALL", agency="DOC", suppressed=False):
    """A selection row against its reference group: ratio on the favourable outcome, flags as §4.2 sets them."""
    favourable = selected if action != "separation" else pool - selected
    ref_favourable = ref_selected if action != "separation" else ref_pool - ref_selected
    impact = (favourable / pool) / (ref_favourable / ref_pool) if ref_favourable and reference else math.nan
    four_fifths = bool(eligible and impact < 0.8)
    practical = four_fifths and ((favourable + 1) / pool) / (ref_favourable / ref_pool) < 0.8
    pooled = category == "ALL" or agency == "ALL"
    row = {
        "fiscal_year": 2025,
        "agency_code": agency,
        "job_category": category,
        "action": action,
        "group_dimension": "race_ethnicity",
        "group_code": group,
        "pool": pool,
        "selected": selected,
        "rate": selected / pool,
        "reference_group": reference,
        "reference_eligible": eligible,
        "impact_ratio": impact,
        "z_score": -1.0,
        "fisher_p": None if pooled else p,
        "cmh_p": p if pooled else None,
        "flag_four_fifths": four_fifths,
        "flag_significant": significant,
        "practically_significant": practical,
        "adverse_impact": four_fifths and significant and practical,
        "suppressed": suppressed,
    }
    if suppressed:
        row.update(dict.fromkeys(HIDDEN))
    return row


# Pooled hire rows of the DOC (all job categories), White 40 of 200 (20 %) the reference:
# Hispanic 10 of 100 → 0.10/0.20 = 0.50, significant across categories (CMH p = 0.002) → adverse impact.
# Asian 6 of 40 → 0.75, not significant (p = 0.41) → below four-fifths on the ratio alone, could be chance.
# American Indian 9 of 60 → 0.75, significant, but 10 of 60 → 0.83: rests on one person → not adverse impact.
# Black 30 of 160 → 0.9375: no adverse impact. Two or more races 5 of 25: under 30, too few to judge.
HISPANIC = selection("hispanic", 100, 10, significant=True, p=0.002)
ASIAN = selection("asian", 40, 6, p=0.41)
AIAN = selection("aian", 60, 9, significant=True, p=0.03)
BLACK = selection("black", 160, 30, p=0.6)
WHITE = selection("white", 200, 40, p=0.2)
SMALL_GROUP = selection("two_or_more", 25, 5, eligible=False, p=0.9)
SMALL = selection("nhpi", 3, 1, suppressed=True)
