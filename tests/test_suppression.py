"""Disclosure control tested by attack: subtraction along every additive line recovers no suppressed count."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access.suppression import mask_for_viewer, primary_suppression, suppression_flags
from data_access.viewer import ANONYMOUS, Viewer
from pipeline.stats.selection import selection_rates
from pipeline.stats.utilization import utilization
from pipeline.validate import validate_inputs

K = 5


@pytest.fixture(scope="module")
def demo_tables(demo_inputs):
    frames = validate_inputs(demo_inputs)
    wu = utilization(frames["workforce"], frames["availability"])
    wu["suppressed"] = suppression_flags(wu, "workforce_utilization", K)
    sr = selection_rates(frames["personnel_actions"])
    sr["suppressed"] = suppression_flags(sr, "selection_rates", K)
    return wu, sr


def workforce_equations(frame: pd.DataFrame) -> list[tuple[np.ndarray, int]]:
    """Every additive line an outsider can see, written independently of the code under test:
    (member row positions, total row position)."""
    f = frame.reset_index(drop=True)
    race_sex = f["group_dimension"] == "race_sex"
    split = f["group_code"].where(race_sex, "_").str.rsplit("_", n=1)
    f["race"], f["sex"] = split.str[0], split.str[1]
    equations = []

    def add(members: pd.DataFrame, totals: pd.DataFrame, keys: list[str], total_keys: list[str]) -> None:
        index = {tuple(k): i for k, i in zip(totals[total_keys].itertuples(index=False), totals.index)}
        for key, rows in members.groupby(keys):
            total = index.get(key if isinstance(key, tuple) else (key,))
            if total is not None:
                equations.append((rows.index.to_numpy(), total))

    cell = ["fiscal_year", "agency_code", "job_category"]
    alls = f[f["group_dimension"] == "all"]
    for dim in ("race_ethnicity", "sex", "race_sex"):
        add(f[f["group_dimension"] == dim], alls, cell, cell)
    races, sexes = f[f["group_dimension"] == "race_ethnicity"], f[f["group_dimension"] == "sex"]
    add(f[race_sex], races.assign(race=races["group_code"]), [*cell, "race"], [*cell, "race"])
    add(f[race_sex], sexes.assign(sex=sexes["group_code"]), [*cell, "sex"], [*cell, "sex"])
    group = ["fiscal_year", "group_dimension", "group_code"]
    add(f[f["job_category"] != "ALL"], f[f["job_category"] == "ALL"], [*group, "agency_code"],
        [*group, "agency_code"])
    add(f[f["agency_code"] != "ALL"], f[f["agency_code"] == "ALL"], [*group, "job_category"],
        [*group, "job_category"])
    return equations


def attack(values: np.ndarray, known: np.ndarray, equations) -> np.ndarray:
    """Solve every line with one unknown, again and again, until nothing more can be learnt."""
    known = known.copy()
    values = values.copy()
    changed = True
    while changed:
        changed = False
        for members, total in equations:
            unknown = [i for i in (*members, total) if not known[i]]
            if len(unknown) != 1:
                continue
            i = unknown[0]
            if i == total:
                values[i] = values[members].sum()
            else:
                values[i] = values[total] - values[[m for m in members if m != i]].sum()
            known[i] = True
            changed = True
    return known


def test_primary_suppression_marks_small_counts_and_small_totals():
    frame = pd.DataFrame({"headcount": [0, 1, 4, 5, 30, 7], "total": [30, 30, 30, 30, 30, 3]})
    assert primary_suppression(frame, "workforce_utilization", 5).tolist() == [False, True, True, False, False, True]


def test_complementary_cell_is_the_smallest_visible_non_zero():
    # One cell: white 40, black 3 (primary), asian 6, hispanic 0 → total 49; asian is the smallest non-zero.
    rows = [("white", 40), ("black", 3), ("asian", 6), ("hispanic", 0)]
    frame = pd.DataFrame({
        "fiscal_year": 2024, "agency_code": "DSS", "job_category": "professionals",
        "group_dimension": ["race_ethnicity"] * 4 + ["all"],
        "group_code": [g for g, _ in rows] + ["ALL"],
        "headcount": [n for _, n in rows] + [49], "total": 49,
    })
    flags = suppression_flags(frame, "workforce_utilization", 5)
    assert flags.tolist() == [False, True, True, False, False]


def test_outsider_recovers_no_suppressed_workforce_count(demo_tables):
    wu, _ = demo_tables
    wu = wu.reset_index(drop=True)
    public = mask_for_viewer(wu, "workforce_utilization", ANONYMOUS)
    known = public["headcount"].notna().to_numpy()
    assert (~known).sum() > 100, "the demo should need suppression"
    assert not public.loc[public["suppressed"], ["share", "shortfall", "p_value"]].notna().any().any()
    learnt = attack(wu["headcount"].to_numpy(dtype=float), known, workforce_equations(wu))
    recovered = learnt & ~known
    assert not recovered.any(), wu[recovered].head().to_string()


def test_agency_insider_recovers_no_other_agency_count(demo_tables):
    wu, _ = demo_tables
    wu = wu.reset_index(drop=True)
    for agency in ("DSS", "DOC", "FOIC"):
        insider = Viewer("agency", frozenset({agency}))
        seen = mask_for_viewer(wu, "workforce_utilization", insider)
        known = seen["headcount"].notna().to_numpy()
        learnt = attack(wu["headcount"].to_numpy(dtype=float), known, workforce_equations(wu))
        others = (wu["agency_code"] != agency).to_numpy()
        assert not (learnt & ~known & others).any(), agency


def test_outsider_recovers_no_selection_count(demo_tables):
    _, sr = demo_tables
    sr = sr.reset_index(drop=True)
    public = mask_for_viewer(sr, "selection_rates", ANONYMOUS)
    known = public["selected"].notna().to_numpy()
    race_sex = sr["group_dimension"] == "race_sex"
    split = sr["group_code"].where(race_sex, "_").str.rsplit("_", n=1)
    f = sr.assign(race=split.str[0], sex=split.str[1])
    equations = []
    cell = ["fiscal_year", "agency_code", "action"]
    for dim, col in (("race_ethnicity", "race"), ("sex", "sex")):
        totals = f[f["group_dimension"] == dim]
        index = {tuple(k): i for k, i in zip(totals[[*cell, "group_code"]].itertuples(index=False), totals.index)}
        for key, rows in f[race_sex].groupby([*cell, col]):
            if key in index:
                equations.append((rows.index.to_numpy(), index[key]))
    group = ["fiscal_year", "action", "group_dimension", "group_code"]
    totals = f[f["agency_code"] == "ALL"]
    index = {tuple(k): i for k, i in zip(totals[group].itertuples(index=False), totals.index)}
    for key, rows in f[f["agency_code"] != "ALL"].groupby(group):
        if key in index:
            equations.append((rows.index.to_numpy(), index[key]))
    for column in ("selected", "pool"):
        learnt = attack(sr[column].to_numpy(dtype=float), known, equations)
        assert not (learnt & ~known).any(), column


def test_viewers_see_what_their_role_allows(demo_tables):
    wu, _ = demo_tables
    suppressed_dss = wu[(wu["agency_code"] == "DSS") & wu["suppressed"]]
    assert len(suppressed_dss) > 0
    statewide = mask_for_viewer(suppressed_dss, "workforce_utilization", Viewer("statewide"))
    own = mask_for_viewer(suppressed_dss, "workforce_utilization", Viewer("agency", frozenset({"DSS"})))
    other = mask_for_viewer(suppressed_dss, "workforce_utilization", Viewer("agency", frozenset({"DOC"})))
    assert statewide["headcount"].notna().all() and own["headcount"].notna().all()
    assert other["headcount"].isna().all() and other["suppressed"].all()
