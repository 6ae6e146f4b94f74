"""`/methodology` — definitions, formulas, sources, settings in use, release notes and what changed (§6)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html

from components.formatting import group_label, percent
from components.panel import chart_panel
from components.shell import labelled_select, notice, release_line, synthetic_notice, url_sync
from data_access import public_queries as pq
from data_access import queries
from data_access.queries import DataUnavailable
from data_access.releases import ReleaseInfo
from data_access.settings import Settings

from ._contracting import goal_text
from ._helpers import DB_DOWN, NOT_AVAILABLE, pick, query_string, settings, skip_if_shown, view_state, viewer

dash.register_page(__name__, path="/methodology", name="Methodology", order=9,
                   title="How the figures are made — CT Equity Benchmarks")

PATH = "/methodology"
CONTENT = Path(__file__).parent / "content" / "methodology.md"
TABLE_NAMES = {
    "agencies": "Agencies", "measures": "Measures", "towns": "Towns", "geometry": "Boundary layers",
    "workforce_utilization": "Workforce utilization", "selection_rates": "Selection rates",
    "town_measures": "Town measures", "access_by_group": "Group-weighted access",
    "town_population": "Town population", "segregation_indices": "Dissimilarity indices",
    "inequality_indices": "Theil indices", "benchmark_progress": "Benchmark progress",
    "contracting": "Contracting", "equity_plans": "Equity plans", "training": "Training",
}


@lru_cache(maxsize=1)
def methodology_text() -> str:
    """The methodology in Markdown (read once, on first use), formulas shown as plain text."""
    return plain_code_blocks(CONTENT.read_text(encoding="utf-8"))


def plain_code_blocks(markdown: str) -> str:
    """Mark code fences without a language as plain text, so formulas are not coloured like code."""
    lines, inside = [], False
    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            if not inside and line.strip() == "```":
                line = line.replace("```", "```plaintext", 1)
            inside = not inside
        lines.append(line)
    return "\n".join(lines) + "\n"


def settings_rows(config: Settings) -> list[tuple[str, str]]:
    """The conventions configured on this site, in words."""
    k = config.suppression_k
    suppression = (f"k = {k}: counts from 1 to {k - 1}, and rates, shares or ratios computed from them, "
                   f"read “suppressed (fewer than {k})” for the public.")
    reliability = (f"High when the coefficient of variation is at most {percent(config.cv_high, 0)}, "
                   f"medium up to {percent(config.cv_medium, 0)}, low above.")
    reference = (f"{group_label(config.reference_group)} residents, for access ratios, differences and the "
                 "index of dissimilarity.")
    goals = (f"{goal_text(config.small_business_goal)} of eligible spending with small contractors; "
             f"{goal_text(config.minority_business_goal)} with minority business enterprises.")
    intervals = (f"90 %, from {config.bootstrap_draws:,} parametric-bootstrap draws "
                 f"(seed {config.bootstrap_seed}).")
    return [("Suppression threshold", suppression), ("Reliability of town estimates", reliability),
            ("Reference group", reference), ("Contracting goals (CGS 4a-60g)", goals),
            ("Intervals for group-weighted access", intervals)]


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value is not None and not pd.isna(value) else "—"


def release_notes(releases: list[ReleaseInfo]) -> pd.DataFrame:
    """One row per visible release, newest first."""
    return pd.DataFrame([{"release": r.release_id, "status": r.status, "created": _date(r.created_at),
                          "published": _date(r.published_at), "synthetic": "yes" if r.synthetic else "no",
                          "notes": r.notes or "—"} for r in releases],
                        columns=["release", "status", "created", "published", "synthetic", "notes"])


def previous_release(releases: list[ReleaseInfo], release_id: str) -> ReleaseInfo | None:
    """The visible release created just before the given one."""
    ordered = sorted(releases, key=lambda r: r.created_at)
    ids = [r.release_id for r in ordered]
    at = ids.index(release_id) if release_id in ids else 0
    return ordered[at - 1] if at > 0 else None


def _years(first, last) -> str:
    if first is None or pd.isna(first):
        return "—"
    return str(int(first)) if int(first) == int(last) else f"{int(first)}–{int(last)}"


def compare_tables(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per release table: rows and years covered in both releases, and the change in rows."""
    both = current.merge(previous, on="table_name", how="outer", suffixes=("_now", "_before")).fillna(
        {"rows_now": 0, "rows_before": 0})
    both["_order"] = both["table_name"].map({n: i for i, n in enumerate(TABLE_NAMES)})
    both = both.sort_values("_order", na_position="last")
    return pd.DataFrame({
        "table": [TABLE_NAMES.get(n, n) for n in both["table_name"]],
        "rows_before": both["rows_before"].astype(int).tolist(),
        "rows_now": both["rows_now"].astype(int).tolist(),
        "change": (both["rows_now"] - both["rows_before"]).astype(int).tolist(),
        "years_before": [_years(a, b) for a, b in zip(both["first_year_before"], both["last_year_before"])],
        "years_now": [_years(a, b) for a, b in zip(both["first_year_now"], both["last_year_now"])],
    })


def compare_sentence(table: pd.DataFrame, now: str, before: str) -> str:
    """Which tables changed size or years between two releases."""
    changed = table[(table["change"] != 0) | (table["years_now"] != table["years_before"])]
    if changed.empty:
        return (f"Release {now} has the same tables, row counts and years as release {before}; "
                "figures may still have been revised within them.")
    parts = [f"{r.table} ({r.rows_before:,} → {r.rows_now:,} rows"
             + (f", years {r.years_before} → {r.years_now})" if r.years_now != r.years_before else ")")
             for r in changed.itertuples()]
    tables = "1 table" if len(parts) == 1 else f"{len(parts)} tables"
    return f"Compared with release {before}, release {now} changed in {tables}: " + "; ".join(parts) + "."


def _simple_table(frame: pd.DataFrame, headers: list[str], id_: str) -> html.Div:
    rows = [html.Tr([html.Td(f"{v:,}" if isinstance(v, int) else str(v)) for v in record])
            for record in frame.itertuples(index=False)]
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    return html.Div(html.Table([head, html.Tbody(rows)], className="table table-sm table-striped", id=id_),
                    className="table-responsive")


def layout(release: str | None = None, view: dict | None = None, **_query):
    """The methodology text, the settings in use, release notes and a release comparison."""
    skip_if_shown(view, PATH, {"release": release})
    try:
        info = queries.resolve_release(settings(), viewer(), release)
        releases = queries.visible_releases(settings(), viewer())
    except DataUnavailable:
        return [dcc.Markdown(methodology_text(), dangerously_allow_html=False), notice(DB_DOWN, "danger")]
    config = settings()
    notes = release_notes(releases)
    return html.Div([
        url_sync("methodology-url"), synthetic_notice(info.synthetic) if info else None,
        dcc.Markdown(methodology_text(), dangerously_allow_html=False, className="methodology-text"),
        html.Hr(),
        html.H2("Settings in use on this site", id="methodology-settings"),
        html.Dl([item for name, text in settings_rows(config) for item in (html.Dt(name), html.Dd(text))]),
        html.H2("Release notes", id="methodology-releases"),
        _simple_table(notes, ["Release", "Status", "Created", "Published", "Synthetic data", "Notes"],
                      "methodology-release-table")
        if not notes.empty else html.P("No release is visible yet."),
        html.H2("What changed between releases", id="methodology-changes-heading"),
        html.Div(labelled_select("methodology-release", "Release to compare with the one before it",
                                 [(r.release_id, f"{r.release_id} ({r.status})") for r in releases],
                                 info.release_id if info else None), style={"maxWidth": "32rem"})
        if releases else None,
        html.Div(id="methodology-changes", **{"aria-live": "polite"}),
        release_line(info.release_id, info.status, _date(info.published_at)) if info else None,
    ])


@callback(Output("methodology-changes", "children"), Output("methodology-url", "search"),
          Output("shell-view", "data", allow_duplicate=True), Input("methodology-release", "value"),
          prevent_initial_call="initial_duplicate")
def compare(release):
    """Row counts and years of every table in the chosen release and the one before it."""
    try:
        releases = queries.visible_releases(settings(), viewer())
        chosen = pick(release, [r.release_id for r in releases])
        if chosen is None:
            return notice(NOT_AVAILABLE, "warning"), dash.no_update, dash.no_update
        before = previous_release(releases, chosen)
        if before is None:
            content = html.P(f"Release {chosen} is the first release, so there is no earlier one to compare "
                             "with.",
                             id="methodology-changes-summary")
        else:
            table = compare_tables(pq.table_summary(settings(), chosen),
                                   pq.table_summary(settings(), before.release_id))
            headers = ["Table", f"Rows in {before.release_id}", f"Rows in {chosen}", "Change",
                       f"Years in {before.release_id}", f"Years in {chosen}"]
            content = chart_panel("methodology-changes", "Tables of the two releases",
                                  compare_sentence(table, chosen, before.release_id), table, None,
                                  dict(zip(table.columns, headers, strict=True)),
                                  extra=[_simple_table(table, headers, "methodology-changes-table")])
    except DataUnavailable:
        return notice(DB_DOWN, "danger"), dash.no_update, dash.no_update
    return content, query_string(release=chosen), view_state(PATH, release=chosen)
