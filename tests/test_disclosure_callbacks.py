"""Disclosure by attack over everything an anonymous caller can obtain (DESIGN §5, issue #6).

Every server callback is POSTed over the values its page offers, every agency through its scorecard and drill-down;
the Embed buttons' views are opened as embeds, every data table is downloaded as CSV and the API read in full. The
answers, parsed into cells and pooled, must let subtraction along no additive line recover a small count.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tests.disclosure_gather import ADDITIVE, KEY, SR, TR, WU, gather, key_of
from tests.test_suppression import attack, workforce_equations

_GATHERED: dict[str, SimpleNamespace] = {}  # release id → what was gathered, once for this module


@pytest.fixture
def gathered(app_env):
    """What the anonymous caller was shown, the release's true tables, and the callbacks driven."""
    from app import app
    from data_access.queries import read_table

    settings, rid = app_env["settings"], app_env["release_id"]
    if rid not in _GATHERED:
        g = gather(app, app.server.test_client(), settings, rid)
        truth = {t: read_table(settings, t, rid).reset_index(drop=True) for t in (WU, SR, TR)}
        _GATHERED[rid] = SimpleNamespace(seen=g.seen, truth=truth, covered=g.covered, peers=g.maps.peers,
                                         benchmarks=g.benchmarks,
                                         registered=[d["output"] for d in g.deps], k=settings.suppression_k,
                                         attacks={})
    return _GATHERED[rid]


def keyed(frame: pd.DataFrame, table: str) -> dict[tuple, int]:
    """The row position of each cell's key in a true table."""
    rows = frame[[c for c in KEY if c in frame.columns]].itertuples(index=False)
    return {key_of(table, k): i for k, i in zip(rows, frame.index)}


def lines(f: pd.DataFrame, members: pd.Series, totals: pd.Series, keys: list[str]) -> list[tuple[np.ndarray, int]]:
    """(member positions, total position) of every line whose members and total share `keys`."""
    index = dict(zip(f.loc[totals, keys].itertuples(index=False, name=None), f.index[totals]))
    return [(rows.index.to_numpy(), index[k]) for k, rows in f[members].groupby(keys) if k in index]


def selection_lines(frame: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """race×sex → race and → sex, agencies → state, categories → agency, and each dimension of a comparison adding
    up to the same pool: a total no page shows, added as a row nobody sees (one fully shown dimension gives it)."""
    cell = ["fiscal_year", "agency_code", "job_category", "action"]
    unseen = frame[frame["group_dimension"] == "sex"].groupby(cell, as_index=False)[["pool", "selected"]].sum()
    f = pd.concat([frame, unseen.assign(group_dimension="total", group_code="ALL", suppressed=True)],
                  ignore_index=True)
    race_sex, dim = f["group_dimension"] == "race_sex", f["group_dimension"]
    split = f["group_code"].str.rsplit("_", n=1)
    f["race"], f["sex"] = split.str[0].where(race_sex, f["group_code"]), split.str[-1].where(race_sex, f["group_code"])
    found = [*lines(f, race_sex, dim == "race_ethnicity", [*cell, "race"]),
             *lines(f, race_sex, dim == "sex", [*cell, "sex"]),
             *lines(f, f["agency_code"] != "ALL", f["agency_code"] == "ALL",
                    ["fiscal_year", "job_category", "action", "group_dimension", "group_code"]),
             *lines(f, f["job_category"] != "ALL", f["job_category"] == "ALL",
                    ["fiscal_year", "agency_code", "action", "group_dimension", "group_code"])]
    for d in ("race_ethnicity", "sex", "race_sex"):
        found += lines(f, dim == d, dim == "total", cell)
    return f, found


SMALL = {WU: lambda f: [f["headcount"], f["total"]],  # the counts that make a cell small (DESIGN §5)
         SR: lambda f: [f["pool"], f["selected"], f["pool"] - f["selected"]],
         TR: lambda f: [f["employees"], f["completed"], f["employees"] - f["completed"]]}
LINES = {WU: lambda f: (f, workforce_equations(f)), SR: selection_lines,
         TR: lambda f: (f, lines(f, f["agency_code"] != "ALL", f["agency_code"] == "ALL", ["fiscal_year"]))}


def attacked(gathered, table: str):
    """(frame, the lines that hold in the data, cells the outsider knows, cells with a small count) of a table."""
    if table not in gathered.attacks:
        frame, equations = LINES[table](gathered.truth[table])
        values = frame[list(ADDITIVE[table])].to_numpy(dtype=float)
        counts = np.column_stack([c.to_numpy(dtype=float) for c in SMALL[table](frame)])
        small = ((counts >= 1) & (counts < gathered.k)).any(axis=1)
        equations = [(m, t) for m, t in equations if (abs(values[m].sum(axis=0) - values[t]) < 0.5).all()]
        position = keyed(frame[frame["group_dimension"] != "total"] if table == SR else frame, table)
        known = np.zeros(len(frame), dtype=bool)
        known[[position[key] for key in gathered.seen.numbers if key in position]] = True
        gathered.attacks[table] = frame, equations, known, small
    return gathered.attacks[table]


def test_every_callback_is_driven_and_the_pool_is_not_vacuous(gathered):
    seen, truth = gathered.seen, gathered.truth
    assert set(gathered.registered) <= gathered.covered, set(gathered.registered) - gathered.covered
    pages = {key for key, obs in seen.numbers.items() if any(not source.startswith("api") for *_, source in obs)}
    wu = {key for key in pages if key[0] == "wu"}
    assert len(wu) > 3000 and {k[1] for k in wu} == set(truth[WU]["fiscal_year"]), "every year, many cells"
    small = set(truth[WU].loc[truth[WU]["suppressed"], "agency_code"]) - {"ALL"}
    assert small <= {k[2] for k in wu} and small <= {k[2] for k in seen.marks if k[0] == "wu"}, "every small agency"
    pages_marked = {k for k, sources in seen.marks.items() if any(s != "api" for s in sources)}
    # (fewer selection cells are visible since 0 %/100 % rates of small pools and sex x rows are hidden too)
    assert len([k for k in pages if k[0] == "sr"]) > 100 and len([k for k in pages_marked if k[0] == "sr"]) > 200
    assert len([k for k in pages if k[0] == "tr"]) > 30
    sources = {source.split(" ")[0] for source in seen.sources}
    assert {"csv", "api", "agency-content", "workforce-content", "agencies-content", "_pages_content"} <= sources


def test_every_number_shown_is_true_and_every_suppressed_cell_says_so(gathered):
    seen, truth, tables = gathered.seen, gathered.truth, {"wu": WU, "sr": SR, "tr": TR}
    index = {prefix: keyed(truth[t], t) for prefix, t in tables.items()}
    hidden = {prefix: truth[t]["suppressed"].astype(bool).to_numpy() for prefix, t in tables.items()}
    counts = {prefix: {c: truth[t][c].to_numpy(dtype=float) for c in ADDITIVE[t]} for prefix, t in tables.items()}
    problems = []
    for key, observations in seen.numbers.items():
        frame = truth[tables[key[0]]]
        if str(key[2]).startswith("peers of "):  # a peer group's figure: the sum of its visible agencies only
            agency, group = key[2].removeprefix("peers of "), frame["agency_code"].map(gathered.peers)
            peers = frame[(frame["fiscal_year"] == key[1]) & (group == gathered.peers[agency])
                          & (frame["agency_code"] != agency) & ~frame["suppressed"].astype(bool)]
            problems += [("peer figure is not the sum of the visible peers", key, column, value, peers[column].sum())
                         for column, value, _ in observations if abs(value - peers[column].sum()) > 0.5]
            continue
        assert key in index[key[0]], f"parsed a cell the release does not have: {key}"
        i = index[key[0]][key]
        if hidden[key[0]][i]:
            problems.append(("suppressed cell shown as a number", key, observations[:3]))
        true = counts[key[0]]
        problems += [("wrong number", key, column, value, true[column][i], source)
                     for column, value, source in observations if column and abs(value - true[column][i]) > 0.5]
    for kind, found, wrong_when in (("says suppressed but is not", seen.marks, False),
                                    ("suppressed but left blank", seen.blanks, True)):
        for key, sources in found.items():
            assert key in index[key[0]], f"parsed a cell the release does not have: {key}"
            if hidden[key[0]][index[key[0]][key]] == wrong_when:
                problems.append((kind, key, sources[:3]))
    assert not problems, f"{len(problems)} problems, e.g. {problems[:6]}"


@pytest.mark.parametrize("table", [WU, SR, TR])
def test_subtraction_recovers_no_suppressed_count(gathered, table):
    frame, equations, known, small = attacked(gathered, table)
    visible = ~frame["suppressed"].astype(bool).to_numpy()
    assert (known & visible).sum() >= 0.9 * visible.sum() and len(equations) >= len(set(frame["fiscal_year"]))
    assert any((small & ~known)[[*m, t]].any() for m, t in equations), "no hidden small count on any line"
    recovered = {}
    for column in ADDITIVE[table]:
        learnt = attack(frame[column].to_numpy(dtype=float), known, equations)
        for i in np.flatnonzero(learnt & ~known & small):
            recovered[i] = " ".join(f"{c}={frame[c].iat[i]}" for c in (*KEY, *ADDITIVE[table]) if c in frame.columns)
    assert not recovered, f"{len(recovered)} small counts recovered by subtraction, e.g. {list(recovered.values())[:6]}"


def test_the_attack_catches_a_leaked_complement(gathered):
    """Show the outsider one more hidden cell of a line that hides two: the attack must then find the other."""
    frame, equations, known, small = attacked(gathered, WU)
    values = frame["headcount"].to_numpy(dtype=float)
    learnt = attack(values, known, equations)
    pairs = [u for m, t in equations if len(u := [i for i in (*m, t) if not learnt[i]]) == 2 and small[u].any()]
    assert len(pairs) > 10, "hardly any line hides a small count: the gathering is vacuous"
    target, leaked = pairs[0] if small[pairs[0][0]] else pairs[0][::-1]
    leak = learnt.copy()
    leak[leaked] = True
    assert not learnt[target] and attack(values, leak, equations)[target]


def test_no_hidden_rate_comes_out_of_a_shown_impact_ratio(gathered):
    """An impact ratio is a rate over the reference group's: shown beside a hidden reference, it gives that rate."""
    frame = gathered.truth[SR]
    shown = frame.index.isin([i for key, i in keyed(frame, SR).items() if key in gathered.seen.ratios])
    cell = ["fiscal_year", "agency_code", "job_category", "action", "group_dimension"]
    references = frame[frame["group_code"] == frame["reference_group"]][[*cell, "group_code", "suppressed"]]
    pairs = frame[shown & frame["impact_ratio"].notna() & (frame["group_code"] != frame["reference_group"])].merge(
        references.rename(columns={"group_code": "reference", "suppressed": "reference_hidden"}), on=cell)
    assert len(pairs) > 100, "the outsider saw hardly any impact ratio: the gathering is vacuous"
    leaks = pairs[pairs["reference_hidden"].astype(bool)]
    assert leaks.empty, (f"{len(leaks)} shown impact ratios give a suppressed reference group's rate, e.g. "
                         f"{leaks[[*cell, 'group_code', 'reference']].head(4).to_dict('records')}")


OUTCOME = {SR: ("selected", "pool"), TR: ("completed", "employees")}


@pytest.mark.parametrize("table", [SR, TR])
def test_no_small_0_or_100_percent_rate_and_no_sex_x_reaches_the_public(gathered, table):
    """DESIGN §5 (issue #13): a 0 % or 100 % rate of a pool below 20 and every sex x row stay hidden in every
    channel, and no line's hidden cells add up to a 0 % or 100 % that would give such a rate away."""
    from tests.test_suppression import exposed_extremes

    frame, equations, known, _ = attacked(gathered, table)
    outcome, pool = (frame[c].to_numpy(dtype=float) for c in OUTCOME[table])
    extreme = (pool >= 1) & (pool < 20) & ((outcome == 0) | (outcome == pool))
    codes = frame["group_code"].astype(str) if "group_code" in frame else pd.Series("", index=frame.index)
    sex_x = codes.str.fullmatch(r"x|.*_x").to_numpy()
    if table == SR:
        assert extreme.sum() > 1000 and sex_x.sum() > 100, "the demo has small extreme rates and x rows to hide"
    assert not (known & extreme).any(), frame[known & extreme].head(4).to_string()
    assert not (known & sex_x).any(), frame[known & sex_x].head(4).to_string()
    learnt = np.ones(len(frame), dtype=bool)
    for column in OUTCOME[table]:
        learnt &= attack(frame[column].to_numpy(dtype=float), known, equations)
    exposed = exposed_extremes(outcome, pool, learnt, equations) & extreme
    assert not exposed.any(), f"{exposed.sum()} small 0 %/100 % rates follow from a line, e.g. " \
                              f"{frame[exposed].head(4).to_string()}"


def test_no_benchmark_value_read_from_a_suppressed_cell_is_handed_out(gathered, app_env):
    """The benchmark rows of every channel, gathered with the rest, against the cells they are read from."""
    from data_access.queries import read_table
    from tests.benchmark_fixture import exposure_problems

    tables = {**gathered.truth, "benchmark_progress": read_table(app_env["settings"], "benchmark_progress",
                                                                 app_env["release_id"])}
    problems, hidden = exposure_problems(tables, gathered.benchmarks)
    assert hidden.any() and set(gathered.benchmarks) == {"api json", "api csv", "page queries"}
    assert not problems, f"{len(problems)} problems, e.g. {problems[:6]}"
