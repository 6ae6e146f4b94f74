"""`/methodology`: release comparison and notes, the settings stated, the rendered text and its plain formulas."""
from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from tests.public_pages import component_ids, page


# ---------------------------------------------------------------- /methodology: pure transforms
def summary(rows: dict[str, tuple[int, int | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame([{"table_name": n, "rows": r, "first_year": a, "last_year": b}
                         for n, (r, a, b) in rows.items()])


def test_compare_tables_and_sentence():
    before = summary({"agencies": (39, None, None), "contracting": (280, 2019, 2025)})
    now = summary({"agencies": (39, None, None), "contracting": (240, 2020, 2025)})
    module = page("methodology")
    compare_sentence, compare_tables = module.compare_sentence, module.compare_tables

    table = compare_tables(now, before)
    assert table["table"].tolist() == ["Agencies", "Contracting"]
    assert table["change"].tolist() == [0, -40]  # 240 − 280
    assert table["years_before"].tolist() == ["—", "2019–2025"]
    assert table["years_now"].tolist() == ["—", "2020–2025"]
    assert compare_sentence(table, "R2", "R1") == (
        "Compared with release R1, release R2 changed in 1 table: Contracting (280 → 240 rows, years "
        "2019–2025 → 2020–2025).")
    unchanged = compare_sentence(compare_tables(before, before), "R2", "R1")
    assert unchanged.startswith("Release R2 has the same tables")


def test_status_changes_read_benchmark_place_and_old_and_new_status_in_symbols_and_words():
    from data_access.changes import benchmark_status_changes

    def progress(statuses: dict[tuple[str, str, str], tuple[str, bool]]) -> pd.DataFrame:
        return pd.DataFrame([{"metric_key": k, "scope": s, "scope_id": i, "year": 2024, "status": st, "value": 0.5,
                              "suppressed": hidden} for (k, s, i), (st, hidden) in statuses.items()])

    old = progress({("contracting.small_share", "state", "CT"): ("on_track", False),
                    ("training.completion", "agency", "DOT"): ("met", False),
                    ("access.pcp.value", "region", "R1"): ("moving_away", True),
                    ("plans.published_share", "state", "CT"): ("met", False)})
    new = progress({("contracting.small_share", "state", "CT"): ("moving_away", False),
                    ("training.completion", "agency", "DOT"): ("met", False),
                    ("access.pcp.value", "region", "R1"): ("no_detectable_change", False),
                    ("plans.published_share", "state", "CT"): ("met", False)})
    table = page("methodology").status_change_table(benchmark_status_changes(old, new), {
        "agency": {"DOT": "Department of Transportation"}, "region": {"R1": "Capitol Region"},
        "measure": {"pcp": "Primary care within 15 minutes"}})
    assert table.to_dict("records") == [
        {"benchmark": "Primary care within 15 minutes", "scope": "Capitol Region",
         "change": "≈ No change beyond noise (new)"},  # the old status was hidden from the public
        {"benchmark": "Small-business share of eligible spend", "scope": "Connecticut (whole state)",
         "change": "↘ Moving away from the target (was ↗ On track)"},
    ]


def test_previous_release_and_notes():
    previous_release, release_notes = page("methodology").previous_release, page("methodology").release_notes
    from data_access.releases import ReleaseInfo

    def info(rid, day, status):
        return ReleaseInfo(rid, datetime(2025, 1, day, tzinfo=UTC), status, "x", "0.1", "", True,
                           datetime(2025, 1, day, tzinfo=UTC) if status != "draft" else None)
    releases = [info("R3", 3, "published"), info("R1", 1, "retired"), info("R2", 2, "retired")]
    assert previous_release(releases, "R3").release_id == "R2"
    assert previous_release(releases, "R1") is None
    notes = release_notes(releases)
    assert notes["release"].tolist() == ["R3", "R1", "R2"] and set(notes["synthetic"]) == {"yes"}
    assert notes["published"].iloc[0] == "2025-01-03"


def test_settings_rows_state_the_configured_values():
    settings_rows = page("methodology").settings_rows
    from data_access.settings import load_settings

    rows = dict(settings_rows(load_settings({"CT_EQUITY_SUPPRESSION_K": "7", "CT_EQUITY_CV_HIGH": "0.15"})))
    assert rows["Suppression threshold"].startswith("k = 7: counts from 1 to 6")
    assert "at most 15 %" in rows["Reliability of town estimates"]
    assert rows["Contracting goals (CGS 4a-60g)"].startswith("25 % of eligible spending")


# ---------------------------------------------------------------- the page on the published demo
def test_methodology_layout_renders_the_text_settings_and_releases(app_env):
    module = page("methodology")
    tree = module.layout()
    ids = component_ids(tree)
    texts = [c for c in tree.children if type(c).__name__ == "Markdown"]
    assert texts and texts[0].dangerously_allow_html is False
    assert "# How the figures are made" in texts[0].children
    assert app_env["release_id"] in str(ids["methodology-release-table"].children)
    content, search, _ = module.compare(app_env["release_id"])
    assert "first release" in content.children and search == f"?release={app_env['release_id']}"


def test_formulas_are_plain_text_not_highlighted_code():
    plain = page("methodology").plain_code_blocks
    assert plain("a\n```\nx = 1\n```\n```sql\ny\n```\n") == "a\n```plaintext\nx = 1\n```\n```sql\ny\n```\n"
    text = page("methodology").methodology_text()
    fences = [line for line in text.splitlines() if line.startswith("```")]
    assert fences and all(line in ("```plaintext", "```") for line in fences[::2])  # every opening fence
