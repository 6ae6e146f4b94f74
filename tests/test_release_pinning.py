"""A view stays on its release while a new one is published; new visitors get the new release."""
from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from data_access.db import get_engine
from data_access.releases import list_releases, publish, write_release
from data_access.viewer import ANONYMOUS


def progress(value: float) -> pd.DataFrame:
    return pd.DataFrame([{
        "metric_key": "workforce.share.hispanic", "scope": "state", "scope_id": "09", "year": 2024,
        "value": value, "baseline_year": 2019, "baseline_value": 0.10, "target_value": 0.18, "target_year": 2028,
        "progress": (value - 0.10) / 0.08, "fitted_value": None, "slope": None, "slope_ci_low": None,
        "slope_ci_high": None, "required_slope": 0.08 / 9, "status": "insufficient_data"}])


def release(release_id: str) -> dict:
    return {"release_id": release_id, "created_at": datetime.now(UTC), "inputs_sha256": "0" * 64,
            "code_version": "test", "notes": "", "synthetic": True}


def test_publishing_mid_session_does_not_change_an_open_view(settings_for, monkeypatch, tmp_path):
    import data_access.queries as queries
    from app import app
    from dashboards.overview.page import show_cards

    settings = settings_for(f"sqlite:///{tmp_path / 'pin.sqlite'}")
    # No 5-second release-list cache in this test: every call sees the database as it is.
    monkeypatch.setattr(queries, "_releases", lambda s, _bucket: list_releases(queries.engine(s)))
    engine = get_engine(settings.database_url)
    write_release(engine, release("old"), {"benchmark_progress": progress(0.12)})
    publish(engine, "old")
    with app.server.test_request_context("/"):
        cards, _detail, search, _view = show_cards("old", "2024")
        assert "12.0 %" in str(cards) and "release=old" in search
        write_release(engine, release("new"), {"benchmark_progress": progress(0.15)})
        publish(engine, "new")
        cards, _detail, search, _view = show_cards("old", "2024")  # the open view asks again, pinned to "old"
        shown = str(cards)
        assert "12.0 %" in shown and "15.0 %" not in shown and "release=old" in search
        assert queries.resolve_release(settings, ANONYMOUS, None).release_id == "new"  # a new visitor
