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


def empty_x(frame: pd.DataFrame) -> np.ndarray:
    """Rows of sex x holding nobody: hidden, but a zero is no one's secret, so subtraction may give the 0 back
    (protecting it would hide a female or male cell beside every empty x cell)."""
    x = frame["group_code"].astype(str).str.fullmatch(r"x|.*_x") & frame["group_dimension"].isin(["sex", "race_sex"])
    return (x & (frame["headcount"] == 0)).to_numpy()


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
    recovered = learnt & ~known & ~empty_x(wu)
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
        assert not (learnt & ~known & others & ~empty_x(wu)).any(), agency


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


def _workforce_cell(category: str, total: int, groups: dict[str, int]) -> list[dict]:
    rows = [dict(fiscal_year=2024, agency_code="AAA", job_category=category, group_dimension="all", group_code="ALL",
                 headcount=total, total=total)]
    return rows + [dict(fiscal_year=2024, agency_code="AAA", job_category=category, group_dimension="sex",
                        group_code=code, headcount=n, total=total) for code, n in groups.items()]


def test_a_hidden_cell_total_hides_every_row_that_repeats_it():
    # Job categories add up to the agency: a small category (total 3) forces a second category total to be
    # hidden; every row of that category carries its total, so all of them go (else `total` gives it away).
    frame = pd.DataFrame(_workforce_cell("ALL", 53, {"female": 30, "male": 23})
                         + _workforce_cell("professionals", 3, {"female": 2, "male": 1})
                         + _workforce_cell("technicians", 20, {"female": 10, "male": 10})
                         + _workforce_cell("skilled_craft", 30, {"female": 18, "male": 12}))
    flags = suppression_flags(frame, "workforce_utilization", k=5)
    technicians = frame["job_category"] == "technicians"  # the smallest visible category total
    assert flags[frame["job_category"] == "professionals"].all()
    assert flags[technicians].all(), "the technicians' group rows repeat the hidden total 20"
    assert not flags[frame["job_category"].isin(["ALL", "skilled_craft"])].any()


def test_each_group_dimension_of_a_selection_hides_two_groups_or_none():
    # Race groups and sex groups both add up to the same pool (no row shows it): with the sex groups all
    # shown, one hidden race group would be pool − the others.
    rows = [dict(fiscal_year=2024, agency_code="AAA", job_category="ALL", action="hire", group_dimension=dim,
                 group_code=code, pool=pool, selected=sel)
            for dim, code, pool, sel in (("race_ethnicity", "white", 40, 10), ("race_ethnicity", "black", 30, 8),
                                         ("race_ethnicity", "asian", 26, 6), ("race_ethnicity", "aian", 4, 1),
                                         ("sex", "female", 50, 12), ("sex", "male", 50, 13))]
    frame = pd.DataFrame(rows)
    flags = suppression_flags(frame, "selection_rates", k=5).to_numpy()
    race = (frame["group_dimension"] == "race_ethnicity").to_numpy()
    assert flags[race].sum() == 2 and flags[frame["group_code"] == "aian"].all()
    assert flags[frame["group_code"] == "asian"].all(), "the smallest other race group is the complement"
    assert not flags[~race].any()


def test_a_comparison_with_a_hidden_reference_is_not_shown_to_outsiders():
    # The impact ratio is the group's rate over the reference's: beside a hidden reference it would give the
    # reference's rate away (and so do z and Fisher p).
    rows = pd.DataFrame([
        dict(fiscal_year=2024, agency_code="AAA", job_category="ALL", action="hire", group_dimension="race_ethnicity",
             group_code=code, pool=pool, selected=sel, rate=sel / pool, reference_group="aian",
             impact_ratio=(sel / pool) / 0.75, z_score=-1.0, fisher_p=0.2, flag_four_fifths=True,
             flag_significant=False, practically_significant=False, suppressed=code == "aian")
        for code, pool, sel in (("aian", 8, 6), ("white", 40, 10), ("black", 30, 9))])
    outsider = mask_for_viewer(rows, "selection_rates", ANONYMOUS)
    shown = outsider[outsider["group_code"] != "aian"]
    assert shown["impact_ratio"].isna().all() and shown["fisher_p"].isna().all()
    assert shown["flag_four_fifths"].isna().all() and shown["reference_suppressed"].all()
    assert shown["rate"].notna().all() and shown["pool"].tolist() == [40, 30]  # the groups' own figures stay
    insider = mask_for_viewer(rows, "selection_rates", Viewer("agency", frozenset({"AAA"})))
    assert insider["impact_ratio"].notna().all() and not insider["reference_suppressed"].any()
    # A page of rows without its reference row: the comparison is hidden unless the lookup shows it.
    page = rows[rows["group_code"] == "white"]
    assert mask_for_viewer(page, "selection_rates", ANONYMOUS)["impact_ratio"].isna().all()
    visible_reference = rows.assign(suppressed=False)
    assert mask_for_viewer(page, "selection_rates", ANONYMOUS, visible_reference)["impact_ratio"].notna().all()


# ---------------------------------------------------------------- issue #13: extreme rates and sex x
def test_a_rate_of_0_or_100_percent_in_a_pool_below_20_is_primary():
    # (pool, selected): 0 % and 100 % of 19 tell everyone's outcome; 0 % or 100 % of 20, 9 of 19 (no count
    # below 5: 9 selected, 10 not) and an empty pool do not.
    frame = pd.DataFrame({"pool": [19, 19, 20, 20, 19, 0], "selected": [0, 19, 0, 20, 9, 0]})
    assert primary_suppression(frame, "selection_rates", 5).tolist() == [True, True, False, False, False, False]
    training = pd.DataFrame({"employees": [12, 12, 25], "completed": [12, 0, 25]})
    assert primary_suppression(training, "training", 5).tolist() == [True, True, False]


def test_goals_met_of_0_or_100_percent_of_fewer_than_20_goals_is_primary_on_the_count_rows_only():
    # aap_goals ALL rows count goals set (`goal`) and met (`met`): 0 of 1, 3 of 3 and 0 of 19 say how every goal
    # of the plan ended; 2 of 3 and 0 of 20 do not. A single goal's row (job category named) holds selections
    # wanted (`goal`) and whether they were reached (`met` 0/1): not a rate, so 0 of 6 there is no extreme rate.
    frame = pd.DataFrame({"plan_year": 2024, "agency_code": "AAA", "action": "ALL", "group_dimension": "all",
                          "group_code": "ALL", "achieved": [9, 9, 9, 9, 9, 9],
                          "job_category": ["ALL", "ALL", "ALL", "ALL", "ALL", "officials"],
                          "goal": [1, 3, 19, 3, 20, 6], "met": [0, 3, 0, 2, 0, 0]})
    assert primary_suppression(frame, "aap_goals", 5).tolist() == [True, True, True, False, False, False]


def _selection(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([dict(fiscal_year=2024, agency_code="AAA", job_category="ALL", action="hire",
                              group_dimension=dim, group_code=code, pool=pool, selected=sel)
                         for dim, code, pool, sel in rows])


def test_a_hidden_0_percent_needs_a_complement_that_was_selected():
    # Race groups: white 60/12, black 15/0 (0 % of a small pool: primary), hispanic 25/0, asian 30/7 (total 130/19).
    # The usual complement is the smallest visible pool, hispanic 25/0 — but then the hidden pair is 0 of 40
    # (19 − 12 − 7 = 0 selected), which still says black 0 %. So asian (30/7, the smallest visible pool with
    # someone selected) is hidden too: hidden 70/7, and nothing says which group the 7 came from.
    frame = _selection([("race_ethnicity", "white", 60, 12), ("race_ethnicity", "black", 15, 0),
                        ("race_ethnicity", "hispanic", 25, 0), ("race_ethnicity", "asian", 30, 7),
                        ("sex", "female", 65, 10), ("sex", "male", 65, 9)])
    flags = suppression_flags(frame, "selection_rates", k=5)
    assert flags.tolist() == [False, True, True, True, False, False]


def test_a_hidden_100_percent_across_agencies_survives_an_insider():
    # Training, state 200/150; agencies A 12/12 (100 % of a small pool), B 30/30, C 40/30, D 50/40, E 68/38.
    # Lines across agencies hide three agencies: A, then B (30) and C (40), the smallest. But C's own staff know
    # C: A + B = 42 of 42 would still say A 100 %. So D (50/40, the smallest visible with someone not trained)
    # goes too; then whichever of B, C, D is known, the other two and A are never all trained.
    frame = pd.DataFrame({"fiscal_year": 2024, "agency_code": ["ALL", "A", "B", "C", "D", "E"],
                          "employees": [200, 12, 30, 40, 50, 68], "completed": [150, 12, 30, 30, 40, 38]})
    flags = suppression_flags(frame, "training", k=5)
    assert flags.tolist() == [False, True, True, True, True, False]


def _sex_cell(x: int) -> pd.DataFrame:
    female, male = 30, 24
    return pd.DataFrame(_workforce_cell("ALL", female + male + x, {"female": female, "male": male, "x": x}))


def test_sex_x_is_always_hidden_and_protected_along_its_line():
    # x = 6 is not a small count, but x rows are never public: its line (60 = 30 + 24 + 6) then needs a
    # complement, the smallest visible non-zero group, male 24.
    flags = suppression_flags(_sex_cell(6), "workforce_utilization", k=5)
    assert flags.tolist() == [False, False, True, True]  # ALL, female, male, x
    # An empty x cell is hidden too, but a zero is no one's secret: no complement.
    assert suppression_flags(_sex_cell(0), "workforce_utilization", k=5).tolist() == [False, False, False, True]
    race_sex = pd.DataFrame([dict(group_dimension="race_sex", group_code="white_x", headcount=40, total=90),
                             dict(group_dimension="race_sex", group_code="white_female", headcount=50, total=90)])
    assert primary_suppression(race_sex, "workforce_utilization", 5).tolist() == [True, False]
    public = mask_for_viewer(_sex_cell(6).assign(suppressed=suppression_flags(_sex_cell(6),
                                                 "workforce_utilization", 5)), "workforce_utilization", ANONYMOUS)
    assert public["headcount"].isna().tolist() == [False, False, True, True]


def exposed_extremes(outcome: np.ndarray, pool: np.ndarray, known: np.ndarray, equations) -> np.ndarray:
    """Hidden cells whose 0 % or 100 % comes out of a line: the total less the visible members leaves the hidden
    members' combined outcome and pool; when that is 0 % (100 %) so is each of theirs. Lines whose own total is
    0 % or 100 % of a pool of 20 or more are left out: the rule publishes that total, and it says as much."""
    exposed = np.zeros(len(outcome), dtype=bool)
    for members, total in equations:
        unknown = [m for m in members if not known[m]]
        if not known[total] or not unknown or (outcome[total] in (0, pool[total]) and pool[total] >= 20):
            continue
        rest_pool = pool[total] - pool[[m for m in members if known[m]]].sum()
        rest_outcome = outcome[total] - outcome[[m for m in members if known[m]]].sum()
        if rest_pool > 0 and rest_outcome in (0, rest_pool):
            exposed[unknown] = True
    return exposed


def test_outsider_learns_no_small_0_or_100_percent_selection_rate(demo_tables):
    _, sr = demo_tables
    sr = sr.reset_index(drop=True)
    known = mask_for_viewer(sr, "selection_rates", ANONYMOUS)["selected"].notna().to_numpy()
    pool, selected = sr["pool"].to_numpy(dtype=float), sr["selected"].to_numpy(dtype=float)
    extreme = (pool >= 1) & (pool < 20) & ((selected == 0) | (selected == pool))
    assert (extreme & ~known).sum() > 1000, "the demo has many small 0 % / 100 % rates to protect"
    assert not (extreme & known).any(), "a small 0 % / 100 % rate is shown"
    x = sr["group_code"].astype(str).str.fullmatch(r"x|.*_x").to_numpy()
    assert x.any() and not (x & known).any(), "a sex x row is shown"
    from tests.test_disclosure_callbacks import selection_lines

    frame, equations = selection_lines(sr.assign(suppressed=~known))
    full_known = np.concatenate([known, np.zeros(len(frame) - len(sr), dtype=bool)])
    learnt = np.ones(len(frame), dtype=bool)
    for column in ("selected", "pool"):
        learnt &= attack(frame[column].to_numpy(dtype=float), full_known, equations)
    exposed = exposed_extremes(frame["selected"].to_numpy(dtype=float), frame["pool"].to_numpy(dtype=float),
                               learnt, equations)[: len(sr)]
    assert not (exposed & extreme).any(), sr[exposed & extreme].head().to_string()
