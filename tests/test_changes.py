"""What changed between releases, the pure comparison on hand-made frames: rows matched on their key, what counts as
a change, the largest moves, masking, every row counted once."""

from __future__ import annotations

import hypothesis
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.changes import compare_releases, compare_table
from data_access.schema import columns
from data_access.suppression import mask_for_viewer
from data_access.viewer import ANONYMOUS, Viewer


def contracting(*rows: tuple) -> pd.DataFrame:
    """Contracting rows from (fiscal_year, agency_code, small_share, small_met)."""
    records = [
        {c: None for c in columns("contracting")}
        | {"fiscal_year": y, "agency_code": a, "small_share": s, "small_met": m}
        for y, a, s, m in rows
    ]
    return pd.DataFrame(records, columns=columns("contracting"))


def test_rows_are_matched_on_the_key_into_added_removed_and_changed():
    old = contracting((2023, "A", 0.20, False), (2023, "B", 0.20, False), (2023, "C", 0.30, True))
    new = contracting((2023, "B", 0.30, True), (2023, "C", 0.30, True), (2023, "D", 0.10, False))
    report = compare_table("contracting", old, new)
    assert report["added"] == [{"fiscal_year": 2023, "agency_code": "D"}]
    assert report["removed"] == [{"fiscal_year": 2023, "agency_code": "A"}]
    assert report["changed"] == [
        {"key": {"fiscal_year": 2023, "agency_code": "B"}, "columns": ["small_share", "small_met"]}
    ]
    assert report["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}
    # B moved 0.20 → 0.30: +0.10; C did not move.
    [move] = report["largest_moves"]
    assert move["key"] == {"fiscal_year": 2023, "agency_code": "B"} and move["change"] == pytest.approx(0.10)
    assert report["status_changes"] == [
        {"key": {"fiscal_year": 2023, "agency_code": "B"}, "column": "small_met", "old": False, "new": True}
    ]


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        (0.5, 0.5, False),
        (0.5, 0.5 + 5e-10, False),  # within 1e-9
        (0.5, 0.5 + 2e-9, True),  # beyond 1e-9
        (None, None, False),
        (None, 0.5, True),  # a value appearing is a change
        (0.5, None, True),
        (0.0, None, True),  # missing is not zero
    ],
)
def test_a_change_is_a_difference_beyond_1e_9_or_a_value_appearing_or_vanishing(old, new, changed):
    report = compare_table("contracting", contracting((2023, "A", old, True)), contracting((2023, "A", new, True)))
    assert report["counts"]["changed"] == int(changed)


def test_largest_moves_are_the_ten_largest_absolute_changes_of_the_headline_value():
    # Fifteen towns; town i moves by (-1)^i · i/100, so the ten largest |moves| are towns 15, 14, …, 6.
    def frame(moved: bool) -> pd.DataFrame:
        rows = [
            {c: None for c in columns("town_measures")}
            | {
                "year": 2022,
                "town_geoid": f"09110{i:05d}",
                "measure_id": "m",
                "suppressed": False,
                "value": 50.0 + ((-1) ** i * i / 100 if moved else 0.0),
            }
            for i in range(1, 16)
        ]
        return pd.DataFrame(rows)

    moves = compare_table("town_measures", frame(False), frame(True))["largest_moves"]
    assert [m["key"]["town_geoid"] for m in moves] == [f"09110{i:05d}" for i in range(15, 5, -1)]
    assert [m["change"] for m in moves[:2]] == [pytest.approx(-0.15), pytest.approx(0.14)]
    assert all(m["column"] == "value" and m["new"] - m["old"] == pytest.approx(m["change"]) for m in moves)


def workforce_row(agency: str, headcount: int, suppressed: bool) -> dict:
    return {c: None for c in columns("workforce_utilization")} | {
        "fiscal_year": 2023,
        "agency_code": agency,
        "job_category": "professionals",
        "group_dimension": "sex",
        "group_code": "x",
        "headcount": headcount,
        "total": 100,
        "share": headcount / 100,
        "availability": 0.02,
        "utilization_ratio": headcount / 100 / 0.02,
        "suppressed": suppressed,
    }


def test_a_masked_comparison_never_reveals_a_suppressed_value():
    # AAA: suppressed in both releases, 2 → 3 people. BBB: suppressed only in the old one, 3 → 9 people.
    old = pd.DataFrame([workforce_row("AAA", 2, True), workforce_row("BBB", 3, True)])
    new = pd.DataFrame([workforce_row("AAA", 3, True), workforce_row("BBB", 9, False)])
    table = "workforce_utilization"
    public = compare_table(table, mask_for_viewer(old, table, ANONYMOUS), mask_for_viewer(new, table, ANONYMOUS))
    assert [c["key"]["agency_code"] for c in public["changed"]] == ["BBB"]
    assert public["largest_moves"] == []  # BBB's old ratio is hidden, so no move can be computed from it
    own = Viewer("agency", frozenset({"AAA"}))
    mine = compare_table(table, mask_for_viewer(old, table, own), mask_for_viewer(new, table, own))
    assert [c["key"]["agency_code"] for c in mine["changed"]] == ["AAA", "BBB"]
    # AAA's ratio 1.0 → 1.5 (2/100/0.02 → 3/100/0.02) is visible to its own agency only.
    assert [(m["key"]["agency_code"], m["change"]) for m in mine["largest_moves"]] == [("AAA", pytest.approx(0.5))]


def test_a_table_missing_from_one_release_is_all_added():
    new = {"contracting": contracting((2023, "A", 0.2, False), (2024, "A", 0.3, True))}
    report = compare_releases({}, new)
    assert list(report) == ["contracting"] and report["contracting"]["counts"]["added"] == 2


@hypothesis.settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E"]), st.floats(0, 1), max_size=5),
    st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E"]), st.floats(0, 1), max_size=5),
)
def test_every_row_is_counted_once_and_a_release_never_differs_from_itself(old_shares, new_shares):
    old = contracting(*((2023, a, s, s >= 0.25) for a, s in sorted(old_shares.items())))
    new = contracting(*((2023, a, s, s >= 0.25) for a, s in sorted(new_shares.items())))
    counts = compare_table("contracting", old, new)["counts"]
    assert counts["removed"] + counts["changed"] + counts["unchanged"] == len(old)
    assert counts["added"] + counts["changed"] + counts["unchanged"] == len(new)
    assert counts["added"] == len(new_shares.keys() - old_shares.keys())
    same = compare_table("contracting", old, old)
    assert same["counts"]["unchanged"] == len(old) and not same["changed"] and not same["largest_moves"]
