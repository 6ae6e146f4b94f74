"""A release's rows go to the database through the ADBC writer child (data_access/bulk.py): what is read back is
what was written, value for value, on SQLite and PostgreSQL; a failed write or an unfinished draft leaves nothing."""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from data_access.db import get_engine
from data_access.queries import read_table
from data_access.releases import DraftRelease, ReleaseError, list_releases, write_release
from data_access.schema import releases
from data_access.settings import load_settings


@pytest.fixture
def url(db_url):
    """The embedded SQLite file and PostgreSQL (conftest's db_url)."""
    return db_url


def row(release_id: str, created: datetime) -> dict:
    return {"release_id": release_id, "created_at": created, "inputs_sha256": "a" * 64, "code_version": "t",
            "notes": "nota: señal", "synthetic": False, "method_version": 2}


TRAINING = pd.DataFrame({
    "fiscal_year": [2024, 2024, 2025],
    "agency_code": ["DSS", "DOC", "ALL"],
    "employees": [12, 0, 7],
    "completed": [10.0, np.nan, 7.0],  # an integer column read as floats: whole numbers and a missing value
    "completion_rate": [10 / 12, np.nan, 1.0],
    "suppressed": np.array([False, True, False], dtype=object),
})


def test_rows_read_back_as_written(url, tmp_path):
    engine = get_engine(url)
    created = datetime(2026, 12, 3, 17, 30, 5, 123456, tzinfo=UTC)
    agencies = pd.DataFrame({"agency_code": ["DSS"], "agency_name": ["Department of Social Services"],
                             "peer_group": ["human services"]})  # agency_name_es (optional) left out
    write_release(engine, row("r1", created), {"agencies": agencies, "training": TRAINING})
    info = list_releases(engine)[0]
    assert (info.release_id, info.status, info.notes, info.synthetic, info.method_version) == (
        "r1", "draft", "nota: señal", False, 2)
    assert info.created_at.replace(tzinfo=UTC) == created
    settings = load_settings({"CT_EQUITY_DATABASE_URL": url, "CT_EQUITY_DATA_DIR": str(tmp_path)})
    back = read_table(settings, "agencies", "r1")
    assert back.loc[0, "agency_name"] == "Department of Social Services" and pd.isna(back.loc[0, "agency_name_es"])
    training = read_table(settings, "training", "r1").sort_values("agency_code").reset_index(drop=True)
    assert list(training["agency_code"]) == ["ALL", "DOC", "DSS"] and list(training["employees"]) == [7, 0, 12]
    assert list(training["completed"].fillna(-1)) == [7, -1, 10]
    assert pd.isna(training.loc[1, "completion_rate"]) and training.loc[2, "completion_rate"] == pytest.approx(10 / 12)
    assert [bool(v) for v in training["suppressed"]] == [False, True, False]


def test_a_failed_write_says_why_and_leaves_the_earlier_release(url):
    engine = get_engine(url)
    write_release(engine, row("same", datetime.now(UTC)), {})
    with pytest.raises(ReleaseError, match="not written"):
        write_release(engine, row("same", datetime.now(UTC)), {})  # the release id is taken
    assert [r.release_id for r in list_releases(engine)] == ["same"]


def test_a_draft_left_without_commit_writes_nothing(url):
    engine = get_engine(url)
    with pytest.raises(RuntimeError, match="a check failed"), DraftRelease(engine, row("half", datetime.now(UTC))) as d:
        d.add("training", TRAINING)
        raise RuntimeError("a check failed")
    with engine.connect() as conn:
        assert conn.execute(select(releases.c.release_id)).all() == []
    assert read_table(load_settings({"CT_EQUITY_DATABASE_URL": url}), "training", "half").empty


def test_a_missing_required_value_is_refused_with_the_database_reason(url):
    with pytest.raises(ReleaseError, match=r"(?i)not null|null value"):
        write_release(get_engine(url), row("null", datetime.now(UTC)), {"training": TRAINING.assign(suppressed=None)})
    assert list_releases(get_engine(url)) == []


def test_a_fraction_in_a_count_column_is_refused(url):
    with pytest.raises(ValueError, match="truncated"):
        write_release(get_engine(url), row("frac", datetime.now(UTC)),
                      {"training": TRAINING.assign(employees=[12.5, 0, 7])})
