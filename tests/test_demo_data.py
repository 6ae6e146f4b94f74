"""`ct-equity demo-data`: a deterministic synthetic input set that keeps the raw-data contract (DESIGN §2)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from data_access import codes
from geo.towns import towns
from pipeline.demo.generate import write_demo_inputs
from pipeline.demo.labour import round_shares

# The contract, copied by hand from DESIGN §2 (an independent reference, not imported from the code).
CONTRACT = {
    "agencies.csv": ["agency_code", "agency_name", "peer_group", "agency_name_es"],
    "workforce.csv": ["fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex", "headcount"],
    "availability.csv": ["fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex", "availability"],
    "personnel_actions.csv": ["fiscal_year", "agency_code", "job_category", "action", "race_ethnicity", "sex",
                              "pool", "selected"],
    "town_population.csv": ["year", "town_geoid", "group", "population", "moe"],
    "town_measures.csv": ["year", "town_geoid", "measure_id", "value", "numerator", "denominator", "moe"],
    "measures.csv": ["measure_id", "domain", "label", "unit", "direction", "description", "source", "label_es",
                     "description_es"],
    "benchmarks.csv": ["metric_key", "scope", "scope_id", "baseline_year", "baseline_value", "target_year",
                       "target_value"],
    "contracts.csv": ["fiscal_year", "agency_code", "eligible_spend", "small_business_spend",
                      "minority_business_spend"],
    "equity_plans.csv": ["agency_code", "plan_year", "status", "submitted_on", "approved_on", "url",
                         "commitments_total", "commitments_met", "aap_decision", "aap_basis"],
    "training.csv": ["fiscal_year", "agency_code", "employees", "completed"],
    "aap_goals.csv": ["agency_code", "plan_year", "job_category", "action", "race_ethnicity", "sex", "goal",
                      "achieved"],
    "complaints.csv": ["complaint_id", "agency_code", "forum", "filed_on", "closed_on", "bases", "issues",
                       "outcome"],
    "accommodations.csv": ["request_id", "agency_code", "requested_on", "decided_on", "kind", "decision"],
}
KEYS = {
    "agencies.csv": ["agency_code"],
    "workforce.csv": ["fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex"],
    "availability.csv": ["fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex"],
    "personnel_actions.csv": ["fiscal_year", "agency_code", "job_category", "action", "race_ethnicity", "sex"],
    "town_population.csv": ["year", "town_geoid", "group"],
    "town_measures.csv": ["year", "town_geoid", "measure_id"],
    "measures.csv": ["measure_id"],
    "benchmarks.csv": ["metric_key", "scope", "scope_id"],
    "contracts.csv": ["fiscal_year", "agency_code"],
    "equity_plans.csv": ["agency_code", "plan_year"],
    "training.csv": ["fiscal_year", "agency_code"],
    "aap_goals.csv": ["agency_code", "plan_year", "job_category", "action", "race_ethnicity", "sex"],
    "complaints.csv": ["complaint_id"],
    "accommodations.csv": ["request_id"],
}
TEXT_COLUMNS = {"agency_code", "agency_name", "peer_group", "job_category", "race_ethnicity", "sex", "action",
                "town_geoid", "group", "measure_id", "domain", "label", "unit", "direction", "description",
                "source", "metric_key", "scope", "scope_id", "status", "submitted_on", "approved_on", "url",
                "aap_decision", "aap_basis", "complaint_id", "forum", "filed_on", "closed_on", "bases", "issues",
                "outcome", "request_id", "requested_on", "decided_on", "kind", "decision", "agency_name_es", "label_es",
                "description_es"}
PLAIN_NUMBER = re.compile(r"^(\d+(\.\d+)?)?$")  # digits, optional point and decimals, or empty
YEARS = set(range(2019, 2026))


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _numbers(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_numeric(frame[c].replace("", np.nan)) for c in columns})


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """The default demo set (seed 2024, scale 1), generated once, with the progress calls it made."""
    folder = tmp_path_factory.mktemp("demo")
    steps: list[str] = []
    rows = write_demo_inputs(folder, seed=2024, scale=1, progress=steps.append)
    return {"folder": folder, "rows": rows, "steps": steps}


@pytest.fixture(scope="module")
def frames(demo) -> dict[str, pd.DataFrame]:
    return {name: _read(demo["folder"], name) for name in CONTRACT}


def test_same_seed_gives_byte_identical_files(demo, tmp_path):
    write_demo_inputs(tmp_path, seed=2024, scale=1)
    for name in [*CONTRACT, "SYNTHETIC"]:
        assert (tmp_path / name).read_bytes() == (demo["folder"] / name).read_bytes(), name


def test_another_seed_gives_other_figures(demo, tmp_path):
    write_demo_inputs(tmp_path, seed=7, scale=1)
    for name in ("workforce.csv", "personnel_actions.csv", "town_measures.csv", "contracts.csv"):
        assert (tmp_path / name).read_bytes() != (demo["folder"] / name).read_bytes(), name
    # the agency list is fact, not chance
    assert (tmp_path / "agencies.csv").read_bytes() == (demo["folder"] / "agencies.csv").read_bytes()


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_file_has_exactly_the_contract_columns_and_reported_rows(demo, name):
    text = (demo["folder"] / name).read_text(encoding="utf-8")
    assert "\r" not in text
    lines = text.split("\n")
    assert lines[0].split(",") == CONTRACT[name]
    assert lines[-1] == ""  # ends with a newline
    assert demo["rows"][name] == len(lines) - 2 > 0


def test_progress_is_called_once_per_file(demo):
    assert demo["steps"] == list(CONTRACT)


def test_synthetic_marker_labels_the_set(demo):
    text = (demo["folder"] / "SYNTHETIC").read_text(encoding="utf-8")
    assert text == "Synthetic demo data generated by ct-equity demo-data (seed 2024, scale 1). Not real figures.\n"


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_numbers_are_plain_decimals_and_missing_is_empty(frames, name):
    frame = frames[name]
    for column in frame.columns:
        if column in TEXT_COLUMNS:
            assert not frame[column].isin(["NA", "N/A", "nan", "NaN", "-", "None"]).any(), column
            continue
        bad = frame.loc[~frame[column].str.match(PLAIN_NUMBER), column]
        assert bad.empty, f"{name}.{column}: {bad.head(3).tolist()}"


@pytest.mark.parametrize("name", sorted(KEYS))
def test_no_duplicate_keys(frames, name):
    assert not frames[name].duplicated(KEYS[name]).any()


@pytest.mark.parametrize(
    ("name", "column", "allowed"),
    [
        ("agencies.csv", "peer_group", codes.PEER_GROUPS),
        ("workforce.csv", "job_category", codes.JOB_CATEGORIES),
        ("workforce.csv", "race_ethnicity", codes.RACE_ETHNICITY),
        ("workforce.csv", "sex", codes.SEX),
        ("availability.csv", "job_category", codes.JOB_CATEGORIES),
        ("availability.csv", "race_ethnicity", codes.RACE_ETHNICITY),
        ("availability.csv", "sex", codes.SEX),
        ("personnel_actions.csv", "action", codes.ACTIONS),
        ("personnel_actions.csv", "race_ethnicity", codes.RACE_ETHNICITY),
        ("personnel_actions.csv", "sex", codes.SEX),
        ("town_population.csv", "group", codes.POPULATION_GROUPS),
        ("measures.csv", "domain", codes.DOMAINS),
        ("measures.csv", "unit", codes.UNITS),
        ("measures.csv", "direction", codes.DIRECTIONS),
        ("benchmarks.csv", "scope", codes.BENCHMARK_SCOPES),
        ("equity_plans.csv", "status", codes.PLAN_STATUS),
        ("equity_plans.csv", "aap_decision", codes.AAP_DECISIONS),
        ("equity_plans.csv", "aap_basis", codes.AAP_BASES + ("",)),
        ("aap_goals.csv", "action", codes.AAP_ACTIONS),
        ("aap_goals.csv", "race_ethnicity", codes.RACE_ETHNICITY + ("",)),
        ("aap_goals.csv", "sex", codes.SEX + ("",)),
        ("complaints.csv", "forum", codes.FORUMS),
        ("complaints.csv", "outcome", codes.COMPLAINT_OUTCOMES + ("",)),
        ("accommodations.csv", "kind", codes.ACCOMMODATION_KINDS),
        ("accommodations.csv", "decision", codes.ACCOMMODATION_DECISIONS + ("",)),
    ],
)
def test_codes_come_from_the_code_lists(frames, name, column, allowed):
    assert set(frames[name][column]) <= set(allowed)


def test_codes_cover_the_lists_the_pages_need(frames):
    assert set(frames["workforce.csv"]["job_category"]) == set(codes.JOB_CATEGORIES)
    assert set(frames["personnel_actions.csv"]["action"]) == set(codes.ACTIONS)
    assert set(frames["town_population.csv"]["group"]) == set(codes.POPULATION_GROUPS)
    assert set(frames["agencies.csv"]["peer_group"]) == set(codes.PEER_GROUPS)


def test_agency_codes_in_every_file_are_known(frames):
    known = set(frames["agencies.csv"]["agency_code"])
    for name in ("workforce.csv", "personnel_actions.csv", "contracts.csv", "equity_plans.csv", "training.csv"):
        assert set(frames[name]["agency_code"]) == known, name
    assert set(frames["availability.csv"]["agency_code"]) - {""} < known


def test_real_agencies_with_their_names(frames):
    agencies = frames["agencies.csv"].set_index("agency_code")
    assert len(agencies) >= 30
    assert agencies.loc["DSS", "agency_name"] == "Department of Social Services"
    assert agencies.loc["DOC", "peer_group"] == "public safety"
    assert agencies.loc["DMHAS", "peer_group"] == "health"
    assert not agencies["agency_name"].str.contains("synthetic").any()


def test_every_agency_and_measure_has_its_spanish_text(frames):
    agencies = frames["agencies.csv"].set_index("agency_code")
    assert (agencies["agency_name_es"].str.strip() != "").all()
    assert agencies.loc["DOT", "agency_name_es"] == "Departamento de Transporte"
    assert agencies.loc["DSS", "agency_name_es"] == "Departamento de Servicios Sociales"
    measures = frames["measures.csv"].set_index("measure_id")
    for column in ("label_es", "description_es"):
        assert (measures[column].str.strip() != "").all(), column
        # Spanish, not the English copied over
        assert not (measures[column] == measures[column.removesuffix("_es")]).any(), column
    assert measures.loc["broadband", "label_es"] == "Hogares con banda ancha"


def test_sizes_are_realistic(frames):
    staff = _numbers(frames["workforce.csv"], "headcount")
    totals = staff[staff["fiscal_year"] == "2025"].groupby("agency_code")["headcount"].sum()
    assert 4500 <= totals["DOC"] <= 6500
    assert 1400 <= totals["DSS"] <= 2200
    assert totals.min() < 100  # small commissions


def test_only_some_agencies_have_sworn_officers(frames):
    staff = frames["workforce.csv"]
    sworn = set(staff.loc[staff["job_category"] == "protective_sworn", "agency_code"])
    assert {"DOC", "DESPP"} <= sworn
    assert "DSS" not in sworn


@pytest.mark.parametrize(
    ("name", "column"),
    [("workforce.csv", "fiscal_year"), ("availability.csv", "fiscal_year"),
     ("personnel_actions.csv", "fiscal_year"), ("contracts.csv", "fiscal_year"), ("training.csv", "fiscal_year"),
     ("town_population.csv", "year"), ("town_measures.csv", "year")],
)
def test_years_2019_to_2025(frames, name, column):
    assert set(frames[name][column].astype(int)) == YEARS


def test_equity_plans_for_2024_and_2025_for_every_agency(frames):
    plans = frames["equity_plans.csv"]
    assert set(plans["plan_year"]) == {"2024", "2025"}
    assert len(plans) == 2 * len(frames["agencies.csv"])


def test_availability_sums_to_one_per_year_agency_and_category(frames):
    shares = _numbers(frames["availability.csv"], "availability")
    assert shares["availability"].between(0, 1).all()
    sums = shares.groupby(["fiscal_year", "agency_code", "job_category"])["availability"].sum()
    assert np.allclose(sums, 1.0, atol=0.001)


def test_availability_has_statewide_defaults_and_some_agency_rows(frames):
    shares = frames["availability.csv"]
    state = shares[shares["agency_code"] == ""]
    assert len(state.groupby(["fiscal_year", "job_category"])) == 7 * 9
    own = set(shares["agency_code"]) - {""}
    assert 0 < len(own) < len(frames["agencies.csv"])


def test_counts_are_whole_non_negative_and_selected_within_pool(frames):
    actions = _numbers(frames["personnel_actions.csv"], "pool", "selected")
    assert (actions["selected"] >= 0).all()
    assert (actions["selected"] <= actions["pool"]).all()
    assert (_numbers(frames["workforce.csv"], "headcount")["headcount"] >= 0).all()


def test_small_cells_that_need_suppression_are_present(frames):
    headcount = _numbers(frames["workforce.csv"], "headcount")["headcount"]
    assert headcount.between(1, 4).sum() > 100
    pools = _numbers(frames["personnel_actions.csv"], "pool")["pool"]
    assert pools.between(1, 4).sum() > 100


def _utilization(frames) -> pd.DataFrame:
    """Race share ÷ availability per year × agency × category (statewide default where no own row)."""
    staff = _numbers(frames["workforce.csv"], "headcount")
    shares = _numbers(frames["availability.csv"], "availability")
    keys = ["fiscal_year", "job_category", "race_ethnicity"]
    race = staff.groupby(["agency_code", *keys], as_index=False)["headcount"].sum()
    avail = shares.groupby(["agency_code", *keys], as_index=False)["availability"].sum()
    own = race.merge(avail, on=["agency_code", *keys], how="left")["availability"]
    default = race.merge(avail[avail["agency_code"] == ""].drop(columns="agency_code"), on=keys)["availability"]
    race["availability"] = own.fillna(default)
    race["total"] = race.groupby(["fiscal_year", "agency_code", "job_category"])["headcount"].transform("sum")
    race["ratio"] = race["headcount"] / race["total"] / race["availability"]
    return race


def test_disparities_run_both_ways_and_both_close_and_widen(frames):
    util = _utilization(frames)
    big = util[util["total"] >= 200]
    latest = big[big["fiscal_year"] == "2025"]
    assert (latest["ratio"] < 0.8).sum() >= 10  # under-represented against availability
    assert (latest["ratio"] > 1.2).sum() >= 10  # over-represented
    wide = big.pivot_table(index=["agency_code", "job_category", "race_ethnicity"], columns="fiscal_year",
                           values="ratio").dropna()
    wide = wide[(wide["2019"] > 0) & (wide["2025"] > 0)]
    gap_2019, gap_2025 = np.log(wide["2019"]).abs(), np.log(wide["2025"]).abs()
    assert (gap_2025 < gap_2019 - 0.1).sum() >= 5  # gaps that close
    assert (gap_2025 > gap_2019 + 0.1).sum() >= 5  # gaps that widen


@pytest.mark.parametrize("action", codes.ACTIONS)
def test_adverse_impact_clear_and_borderline_cases(frames, action):
    # Each group against white in the same agency, pooled over the years; for separations a lower rate is
    # the favourable one, so the ratio is white's rate over the group's. Fisher's exact test from SciPy.
    actions = _numbers(frames["personnel_actions.csv"], "pool", "selected")
    rows = actions[actions["action"] == action].groupby(["agency_code", "race_ethnicity"])[["pool", "selected"]]
    totals = rows.sum().reset_index()
    white = totals[totals["race_ethnicity"] == "white"].drop(columns="race_ethnicity")
    pairs = totals.merge(white, on="agency_code", suffixes=("", "_white"))
    pairs = pairs[(pairs["race_ethnicity"] != "white") & (pairs["pool"] >= 50) & (pairs["pool_white"] >= 50)
                  & (pairs["selected"] > 0) & (pairs["selected_white"] > 0)]
    rate, rate_white = pairs["selected"] / pairs["pool"], pairs["selected_white"] / pairs["pool_white"]
    ratio = rate_white / rate if action == "separation" else rate / rate_white
    p_value = np.array([
        fisher_exact([[s, n - s], [sw, nw - sw]]).pvalue
        for s, n, sw, nw in zip(pairs["selected"], pairs["pool"], pairs["selected_white"], pairs["pool_white"])
    ])
    assert ((ratio < 0.7) & (p_value < 0.001)).sum() >= 3  # clear adverse impact
    assert ratio.between(0.75, 0.85).sum() >= 3  # borderline four-fifths cases


def test_all_169_towns_with_2022_geoids(frames):
    expected = set(towns()["town_geoid"])
    for name in ("town_population.csv", "town_measures.csv"):
        geoids = frames[name]["town_geoid"]
        assert set(geoids) == expected and len(expected) == 169
        assert geoids.str.match(r"^091[1-9]0\d{5}$").all()


def test_race_groups_add_up_to_the_total(frames):
    people = _numbers(frames["town_population.csv"], "population", "moe")
    wide = people.pivot_table(index=["year", "town_geoid"], columns="group", values="population")
    races = wide[list(codes.RACE_ETHNICITY)].sum(axis=1)
    assert np.allclose(races, wide["total"], rtol=0.01)
    assert (wide["lep"] < wide["total"]).all()
    survey = people[people["group"] != "total"]
    assert survey["moe"].notna().all() and people.loc[people["group"] == "total", "moe"].isna().all()


def test_measures_cover_service_and_language_access(frames):
    measures = frames["measures.csv"]
    assert len(measures) >= 6
    assert {"service_access", "language_access"} <= set(measures["domain"])
    assert set(measures["direction"]) == set(codes.DIRECTIONS)
    assert measures["source"].str.startswith("Synthetic demo data modelled on").all()
    assert set(frames["town_measures.csv"]["measure_id"]) == set(measures["measure_id"])


def test_town_measures_have_ratios_margins_and_unreliable_small_towns(frames):
    values = _numbers(frames["town_measures.csv"], "value", "numerator", "denominator", "moe")
    both = values.dropna(subset=["numerator", "denominator"])
    assert len(both) > 0 and (both["numerator"] <= both["denominator"]).all()
    surveyed = values.dropna(subset=["moe"])
    cv = surveyed["moe"] / 1.645 / surveyed["value"]
    assert (cv > 0.40).sum() > 0  # unreliable estimates exist
    assert (cv <= 0.12).sum() > 0  # and reliable ones
    assert values["numerator"].isna().any() and values["moe"].isna().any()  # blanks where not applicable


def test_benchmarks_use_design_keys_and_scopes(frames):
    marks = frames["benchmarks.csv"]
    agencies = set(frames["agencies.csv"]["agency_code"])
    regions = set(towns()["region_id"])
    measures = set(frames["measures.csv"]["measure_id"])
    assert len(marks) >= 12
    for row in marks.itertuples():
        family = row.metric_key.split(".")[0]
        allowed = {"access": {"state", "region"}, "plans": {"state"}}.get(family, {"state", "agency"})
        assert row.scope in allowed, row
        assert (row.scope_id == "") == (row.scope == "state")
        assert row.scope != "agency" or row.scope_id in agencies
        assert row.scope != "region" or row.scope_id in regions
        if family == "access":
            assert row.metric_key.split(".")[1] in measures
        assert int(row.baseline_year) in {2019, 2020, 2024} and 2026 <= int(row.target_year) <= 2030
    assert {"state", "agency", "region"} == set(marks["scope"])


def test_benchmark_baselines_are_the_figures_in_the_data(frames):
    marks = _numbers(frames["benchmarks.csv"], "baseline_value").set_index(["metric_key", "scope", "scope_id"])
    staff = _numbers(frames["workforce.csv"], "headcount")
    staff = staff[staff["fiscal_year"] == "2019"]
    hispanic = staff.loc[staff["race_ethnicity"] == "hispanic", "headcount"].sum() / staff["headcount"].sum()
    assert marks.loc[("workforce.share.hispanic", "state", ""), "baseline_value"] == pytest.approx(hispanic, abs=1e-4)
    money = _numbers(frames["contracts.csv"], "eligible_spend", "small_business_spend")
    money = money[money["fiscal_year"] == "2019"]
    small = money["small_business_spend"].sum() / money["eligible_spend"].sum()
    assert marks.loc[("contracting.small_share", "state", ""), "baseline_value"] == pytest.approx(small, abs=1e-4)


def test_contracts_some_agencies_meet_the_goals_and_some_do_not(frames):
    money = _numbers(frames["contracts.csv"], "eligible_spend", "small_business_spend", "minority_business_spend")
    assert (money["minority_business_spend"] <= money["small_business_spend"]).all()
    assert (money["small_business_spend"] <= money["eligible_spend"]).all()
    small = money["small_business_spend"] / money["eligible_spend"]
    minority = money["minority_business_spend"] / money["eligible_spend"]
    assert 0 < (small >= 0.25).mean() < 1 and 0 < (minority >= 0.0625).mean() < 1


def test_equity_plan_dates_follow_status(frames):
    plans = frames["equity_plans.csv"]
    submitted = plans["status"].isin(["submitted", "approved", "published"])
    approved = plans["status"].isin(["approved", "published"])
    assert ((plans["submitted_on"] != "") == submitted).all()
    assert ((plans["approved_on"] != "") == approved).all()
    dates = plans.loc[approved, ["submitted_on", "approved_on"]].apply(pd.to_datetime, format="%Y-%m-%d")
    assert (dates["approved_on"] > dates["submitted_on"]).all()
    published = plans[plans["status"] == "published"]
    assert published["url"].str.match(r"^https://portal\.ct\.gov/[a-z0-9-]+/equity-plan/\d{4}$").all()
    counts = _numbers(plans, "commitments_total", "commitments_met")
    assert (counts["commitments_met"] <= counts["commitments_total"]).all()


def test_training_counts_the_workforce(frames):
    training = _numbers(frames["training.csv"], "employees", "completed").set_index(["fiscal_year", "agency_code"])
    staff = _numbers(frames["workforce.csv"], "headcount").groupby(["fiscal_year", "agency_code"])["headcount"].sum()
    assert (training["completed"] <= training["employees"]).all()
    assert training["employees"].sort_index().tolist() == staff.sort_index().tolist()


def test_scale_two_doubles_the_agencies_and_keeps_towns(demo, tmp_path):
    rows = write_demo_inputs(tmp_path, seed=2024, scale=2)
    agencies = _read(tmp_path, "agencies.csv").set_index("agency_code")
    assert len(agencies) == 2 * demo["rows"]["agencies.csv"]
    assert agencies.loc["DSS_2", "agency_name"] == "Department of Social Services (synthetic copy 2)"
    assert agencies.index.str.len().max() <= 16
    assert rows["workforce.csv"] == 2 * demo["rows"]["workforce.csv"]
    assert rows["town_population.csv"] == demo["rows"]["town_population.csv"]
    assert "scale 2" in (tmp_path / "SYNTHETIC").read_text(encoding="utf-8")


@pytest.mark.parametrize(("seed", "scale"), [(2024, 0), (2024, -1), (-5, 1), (2024, 1.5)])
def test_bad_seed_or_scale_is_refused(tmp_path, seed, scale):
    with pytest.raises(ValueError):
        write_demo_inputs(tmp_path, seed=seed, scale=scale)
    assert not any(tmp_path.iterdir())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=1e-6, max_value=1.0), min_size=2, max_size=21))
def test_rounded_shares_keep_four_decimals_and_sum_to_one(weights):
    shares = round_shares(np.array(weights))[0]
    assert abs(shares.sum() - 1.0) <= 0.001
    assert (shares >= 0.0001).all() and (shares <= 1).all()
    assert np.allclose(shares, np.round(shares, 4))
