"""`/methodology` — definitions, formulas, sources, settings in use, release notes and what changed (§6)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html

from components.formatting import count, percent, release_status, residents, suppressed
from components.i18n import N_, _, language, ngettext
from components.panel import chart_panel
from components.shell import labelled_select, release_line, synthetic_notice, url_sync
from components.status_words import status_change
from dashboards._shared import (
    NotAvailable,
    catalog,
    guarded,
    pick,
    query_string,
    settings,
    skip_if_shown,
    view_state,
    viewer,
)
from dashboards._shared.wording import goal_text, metric_label
from data_access import feed_queries, queries
from data_access import public_queries as pq
from data_access.releases import METHOD_NOTES, ReleaseInfo
from data_access.settings import Settings

dash.register_page(__name__, path="/methodology", name=N_("Methodology"), order=9,
                   title=lambda **_kw: _("How the figures are made — CT Equity Benchmarks"))

PATH = "/methodology"
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
CONTENT = CONTENT_DIR / "methodology.md"
TABLE_NAMES = {
    "agencies": N_("Agencies"), "measures": N_("Measures"), "towns": N_("Towns"),
    "geometry": N_("Boundary layers"), "workforce_utilization": N_("Workforce utilization"),
    "selection_rates": N_("Selection rates"), "town_measures": N_("Town measures"),
    "access_by_group": N_("Group-weighted access"), "town_population": N_("Town population"),
    "segregation_indices": N_("Dissimilarity indices"), "inequality_indices": N_("Theil indices"),
    "benchmark_progress": N_("Benchmark progress"), "contracting": N_("Contracting"),
    "equity_plans": N_("Equity plans"), "training": N_("Training"),
}


def content_file(lang: str) -> Path:
    """The methodology file in a language (`methodology.<lang>.md`), English when there is none."""
    translated = CONTENT_DIR / f"methodology.{lang}.md"
    return translated if lang.isalpha() and translated.is_file() else CONTENT


def methodology_text(lang: str | None = None) -> str:
    """The methodology in Markdown in the viewer's language (or `lang`), formulas shown as plain text."""
    return _methodology_text(lang or language())


@lru_cache(maxsize=8)
def _methodology_text(lang: str) -> str:
    """Read once per language, on first use."""
    return plain_code_blocks(content_file(lang).read_text(encoding="utf-8"))


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
    suppression = _("k = %(k)s: counts from 1 to %(below)s, and rates, shares or ratios computed from them, "
                    "read “%(suppressed)s” for the public.", k=count(k), below=count(k - 1), suppressed=suppressed(k))
    reliability = _("High when the coefficient of variation is at most %(high)s, medium up to %(medium)s, low "
                    "above.", high=percent(config.cv_high, 0), medium=percent(config.cv_medium, 0))
    reference = _("%(residents)s, for access ratios, differences and the index of dissimilarity.",
                  residents=residents(config.reference_group, start=True))
    goals = _("%(small)s of eligible spending with small contractors; %(minority)s with minority business "
              "enterprises.", small=goal_text(config.small_business_goal),
              minority=goal_text(config.minority_business_goal))
    intervals = _("%(level)s, from %(draws)s parametric-bootstrap draws (seed %(seed)s).",
                  level=percent(0.9, 0), draws=count(config.bootstrap_draws), seed=config.bootstrap_seed)
    return [(_("Suppression threshold"), suppression), (_("Reliability of town estimates"), reliability),
            (_("Reference group"), reference), (_("Contracting goals (CGS 4a-60g)"), goals),
            (_("Intervals for group-weighted access"), intervals)]


# The change-of-method notes a build stores in English (data_access.releases.METHOD_NOTES), as message ids.
METHOD_NOTE_TEXT = {
    2: N_("Change of method: adverse impact now needs all three of an impact ratio below four-fifths against a "
          "reference group large enough to be one, a statistically significant difference (each group against all "
          "others; Cochran–Mantel–Haenszel across job categories and agencies; Holm-adjusted within a comparison) "
          "and more than one person; separations are judged on retention. Benchmark statuses are now met, on "
          "track, improving too slowly, no detectable change, moving away or insufficient data, from the trend "
          "since the baseline against the required pace. Earlier releases used the previous rules."),
}


def notes_text(notes: str) -> str:
    """A release's notes, with a change-of-method note in the viewer's language."""
    for version, english in METHOD_NOTES.items():
        if english in notes and version in METHOD_NOTE_TEXT:
            notes = notes.replace(english, _(METHOD_NOTE_TEXT[version]))
    return notes


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value is not None and not pd.isna(value) else "—"


def release_notes(releases: list[ReleaseInfo]) -> pd.DataFrame:
    """One row per visible release, newest first."""
    return pd.DataFrame([{"release": r.release_id, "status": release_status(r.status),
                          "created": _date(r.created_at), "published": _date(r.published_at),
                          "synthetic": _("yes") if r.synthetic else _("no"),
                          "notes": notes_text(r.notes) or "—"} for r in releases],
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
        "table": [_(TABLE_NAMES[n]) if n in TABLE_NAMES else n for n in both["table_name"]],
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
        return _("Release %(now)s has the same tables, row counts and years as release %(before)s; figures may "
                 "still have been revised within them.", now=now, before=before)
    parts = [_("%(table)s (%(before)s → %(now)s rows, years %(years_before)s → %(years_now)s)", table=r.table,
               before=count(r.rows_before), now=count(r.rows_now), years_before=r.years_before,
               years_now=r.years_now)
             if r.years_now != r.years_before else
             _("%(table)s (%(before)s → %(now)s rows)", table=r.table, before=count(r.rows_before),
               now=count(r.rows_now))
             for r in changed.itertuples()]
    return ngettext("Compared with release %(before)s, release %(now)s changed in %(num)s table: %(changes)s.",
                    "Compared with release %(before)s, release %(now)s changed in %(num)s tables: %(changes)s.",
                    len(parts), before=before, now=now, changes="; ".join(parts))


def status_change_table(changes: pd.DataFrame, names: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Benchmarks whose status changed between two releases, as the public sees them: the benchmark, where, the
    old and new status in symbol and word (`names`: agency and region names, measure labels)."""
    def where(scope: str, scope_id: object) -> str:
        if scope == "agency":
            return names["agency"].get(str(scope_id), str(scope_id))
        if scope == "region":
            return names["region"].get(str(scope_id), str(scope_id))
        return _("Connecticut (whole state)")

    return pd.DataFrame({
        "benchmark": [metric_label(k, names["measure"]) for k in changes["metric_key"]],
        "scope": [where(s, i) for s, i in zip(changes["scope"], changes["scope_id"], strict=True)],
        "change": [status_change(None if hidden_old else old, None if hidden else new) for old, hidden_old, new, hidden
                   in zip(changes["old_status"], changes["old_suppressed"], changes["status"], changes["suppressed"],
                          strict=True)],
    }, columns=["benchmark", "scope", "change"])


def _status_changes(chosen: str, before: str) -> html.Div:
    changes = feed_queries.status_changes(settings(), before, chosen)
    agencies = catalog.agencies(settings(), chosen)
    places = pq.geographies(settings(), chosen)
    regions = places[places["geography_level"] == "region"]
    measures = catalog.measures(settings(), chosen)
    table = status_change_table(changes, {
        "agency": dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True)),
        "region": dict(zip(regions["geography_id"], regions["geography_name"], strict=True)),
        "measure": dict(zip(measures["measure_id"], measures["label"], strict=True))})
    heading = html.H3(_("Benchmark statuses that changed"), className="h5 mt-3")
    if table.empty:
        return html.Div([heading, html.P(_("No benchmark's status changed between the two releases."),
                                         id="methodology-status-changes-none")])
    return html.Div([heading, _simple_table(table, [_("Benchmark"), _("Where"), _("Status now (before)")],
                                            "methodology-status-changes")])


def _simple_table(frame: pd.DataFrame, headers: list[str], id_: str) -> html.Div:
    rows = [html.Tr([html.Td(count(v) if isinstance(v, int) else str(v)) for v in record])
            for record in frame.itertuples(index=False)]
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    return html.Div(html.Table([head, html.Tbody(rows)], className="table table-sm table-striped", id=id_),
                    className="table-responsive")


def _with_text(shown) -> list:
    """A failure still shows the methodology text (it needs no database), the notice under it."""
    return [dcc.Markdown(methodology_text(), dangerously_allow_html=False), shown]


@guarded(frame=_with_text)
def layout(release: str | None = None, view: dict | None = None, **_query):
    """The methodology text, the settings in use, release notes and a release comparison."""
    skip_if_shown(view, PATH, {"release": release})
    info = queries.resolve_release(settings(), viewer(), release)
    releases = queries.visible_releases(settings(), viewer())
    config = settings()
    notes = release_notes(releases)
    return html.Div([
        url_sync("methodology-url"), synthetic_notice(info.synthetic) if info else None,
        dcc.Markdown(methodology_text(), dangerously_allow_html=False, className="methodology-text"),
        html.Hr(),
        html.H2(_("Settings in use on this site"), id="methodology-settings"),
        html.Dl([item for name, text in settings_rows(config) for item in (html.Dt(name), html.Dd(text))]),
        html.H2(_("Release notes"), id="methodology-releases"),
        _simple_table(notes, [_("Release"), _("Status"), _("Created"), _("Published"), _("Synthetic data"),
                              _("Notes")], "methodology-release-table")
        if not notes.empty else html.P(_("No release is visible yet.")),
        html.H2(_("What changed between releases"), id="methodology-changes-heading"),
        html.Div(labelled_select("methodology-release", _("Release to compare with the one before it"),
                                 [(r.release_id, _("%(release)s (%(status)s)", release=r.release_id,
                                                   status=release_status(r.status))) for r in releases],
                                 info.release_id if info else None), style={"maxWidth": "32rem"})
        if releases else None,
        html.Div(id="methodology-changes", **{"aria-live": "polite"}),
        release_line(info.release_id, info.status, info.published_at) if info else None,
    ])


@callback(Output("methodology-changes", "children"), Output("methodology-url", "search"),
          Output("shell-view", "data", allow_duplicate=True), Input("methodology-release", "value"),
          prevent_initial_call="initial_duplicate")
@guarded(unchanged=2)
def compare(release):
    """Row counts and years of every table in the chosen release and the one before it."""
    releases = queries.visible_releases(settings(), viewer())
    chosen = pick(release, [r.release_id for r in releases])
    if chosen is None:
        raise NotAvailable(release)
    before = previous_release(releases, chosen)
    if before is None:
        content = html.P(_("Release %(release)s is the first release, so there is no earlier one to compare "
                           "with.", release=chosen), id="methodology-changes-summary")
    else:
        table = compare_tables(pq.table_summary(settings(), chosen),
                               pq.table_summary(settings(), before.release_id))
        headers = [_("Table"), _("Rows in %(release)s", release=before.release_id),
                   _("Rows in %(release)s", release=chosen), _("Change"),
                   _("Years in %(release)s", release=before.release_id),
                   _("Years in %(release)s", release=chosen)]
        content = chart_panel("methodology-changes", _("Tables of the two releases"),
                              compare_sentence(table, chosen, before.release_id), table, None,
                              dict(zip(table.columns, headers, strict=True)),
                              extra=[_simple_table(table, headers, "methodology-changes-table")])
        content = html.Div([content, _status_changes(chosen, before.release_id)])
    return content, query_string(release=chosen), view_state(PATH, release=chosen)
