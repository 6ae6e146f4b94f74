"""Releases on SQLite and PostgreSQL: atomic writes, publish and rollback as single transactions."""
from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.db import get_engine
from data_access.releases import (
    ReleaseError,
    current_release_id,
    list_releases,
    publish,
    rollback,
    write_release,
)
from data_access.schema import RELEASE_TABLES, agencies


def release_row(release_id: str) -> dict:
    return {"release_id": release_id, "created_at": datetime.now(UTC), "inputs_sha256": "0" * 64,
            "code_version": "test", "notes": "", "synthetic": True}


def small_tables(n: int = 3) -> dict[str, pd.DataFrame]:
    return {"agencies": pd.DataFrame({"agency_code": [f"A{i}" for i in range(n)],
                                      "agency_name": [f"Agency {i}" for i in range(n)],
                                      "peer_group": ["health"] * n})}


def count_agencies(engine, release_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(agencies)
                            .where(agencies.c.release_id == release_id)).scalar_one()


def test_write_publish_rollback(db_url):
    engine = get_engine(db_url)
    write_release(engine, release_row("r1"), small_tables(2))
    write_release(engine, release_row("r2"), small_tables(4))
    assert current_release_id(engine) is None
    assert {r.status for r in list_releases(engine)} == {"draft"}
    publish(engine, "r1")
    publish(engine, "r2")
    assert current_release_id(engine) == "r2"
    statuses = {r.release_id: r.status for r in list_releases(engine)}
    assert statuses == {"r1": "retired", "r2": "published"}
    assert rollback(engine) == "r1"
    assert current_release_id(engine) == "r1"
    assert count_agencies(engine, "r1") == 2 and count_agencies(engine, "r2") == 4
    with pytest.raises(ReleaseError, match="nothing to roll back"):
        rollback(engine)
    assert current_release_id(engine) == "r1"


def test_publish_unknown_release_changes_nothing(db_url):
    engine = get_engine(db_url)
    write_release(engine, release_row("r1"), small_tables())
    publish(engine, "r1")
    with pytest.raises(ReleaseError, match="no release"):
        publish(engine, "nope")
    assert current_release_id(engine) == "r1"


def test_a_failing_write_leaves_nothing_behind(db_url):
    engine = get_engine(db_url)
    write_release(engine, release_row("good"), small_tables())
    bad = small_tables()
    bad["town_measures"] = pd.DataFrame({"year": [2024], "town_geoid": ["0911001080"]})  # lacks measure_id
    with pytest.raises(ReleaseError, match="lacks columns"):
        write_release(engine, release_row("bad"), bad)
    assert [r.release_id for r in list_releases(engine)] == ["good"]
    assert count_agencies(engine, "bad") == 0


def test_every_design_table_exists_with_its_key_columns():
    expected = {
        "workforce_utilization": ["headcount", "total", "share", "availability", "utilization_ratio", "expected",
                                  "shortfall", "z_score", "p_value", "flag_80pct", "flag_2sd",
                                  "flag_significant", "suppressed", "group_code"],
        "selection_rates": ["pool", "selected", "rate", "reference_group", "impact_ratio", "z_score", "fisher_p",
                            "flag_four_fifths", "flag_significant", "practically_significant", "suppressed"],
        "town_measures": ["value", "numerator", "denominator", "moe", "cv", "reliability", "class_break"],
        "access_by_group": ["weighted_value", "ci_low", "ci_high", "reference_group", "ratio", "difference"],
        "town_population": ["population", "moe"],
        "segregation_indices": ["reference_group", "dissimilarity"],
        "inequality_indices": ["index_name", "value"],
        "benchmark_progress": ["value", "baseline_value", "target_value", "target_year", "progress", "slope",
                               "slope_ci_low", "slope_ci_high", "status"],
        "contracting": ["eligible_spend", "small_business_spend", "minority_business_spend", "small_share",
                        "minority_share", "small_goal", "minority_goal", "small_met", "minority_met"],
        "equity_plans": ["status", "submitted_on", "approved_on", "url", "commitments_total", "commitments_met",
                         "aap_decision", "aap_basis"],
        "aap_goals": ["plan_year", "agency_code", "job_category", "action", "group_dimension", "group_code", "goal",
                      "achieved", "met", "suppressed"],
        "complaint_stats": ["fiscal_year", "agency_code", "forum", "dimension", "category", "filed", "closed",
                            "open_at_year_end", "median_days_to_close", "p90_days_to_close",
                            "closed_within_limit_share", "over_limit_open", "suppressed"],
        "accommodation_stats": ["fiscal_year", "agency_code", "kind", "requests", "decided", "granted_share",
                                "denied_share", "median_days_to_decision", "decided_within_limit_share",
                                "pending_at_year_end", "suppressed"],
    }
    for table, names in expected.items():
        assert set(names) <= set(RELEASE_TABLES[table].c.keys()), table
        assert "release_id" in RELEASE_TABLES[table].c.keys()
