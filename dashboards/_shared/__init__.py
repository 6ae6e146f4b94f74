"""Helpers shared by the pages: the viewer, settings, URL state, allow-lists and the failure envelope."""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

import pandas as pd
from dash.exceptions import PreventUpdate
from flask import current_app, has_request_context

from components.failure import DB_DOWN, NOT_AVAILABLE, NotAvailable, answers_failure
from data_access import queries
from data_access.queries import DataUnavailable, current_settings
from data_access.releases import ReleaseInfo
from data_access.settings import Settings
from data_access.viewer import ANONYMOUS, RESOLVER, Viewer

__all__ = ["DB_DOWN", "NOT_AVAILABLE", "NotAvailable", "chosen_release", "guarded"]


def resolve_viewer() -> Viewer:
    """The viewer as the app's sign-in resolves it (`web.install` registers the resolver with Flask)."""
    resolver = current_app.extensions.get(RESOLVER)
    return resolver() if resolver else ANONYMOUS


def guarded(unchanged: int = 0, cleared: int = 0, silent: bool = False, frame=None):
    """The failure envelope of a page's callback or layout: the database down or a value not on the lists
    answers with a notice (then `cleared` outputs emptied and `unchanged` left as they are; `silent`: no notice,
    all `unchanged` outputs left as they are) instead of repeating try/except."""
    return answers_failure((DataUnavailable,), unchanged, frame=frame, cleared=cleared, silent=silent)


def chosen_release(release: object) -> ReleaseInfo:
    """The release a callback names, if the viewer may see it; anything else is `NotAvailable`."""
    info = queries.resolve_release(settings(), viewer(), release if isinstance(release, str) else None)
    if info is None or info.release_id != release:
        raise NotAvailable(release)
    return info


def viewer() -> Viewer:
    """The viewer of the current request, resolved on the server (never from callback inputs)."""
    return resolve_viewer() if has_request_context() else ANONYMOUS


def settings() -> Settings:
    return current_settings()


def query_string(**params: object) -> str:
    """A query string of the non-empty parameters, in a stable order."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else ""


def rows_of(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts of Python values — what `iterrows` gives for a frame with a text column (every value
    boxed to one common object type), at a fraction of its cost."""
    names = list(frame.columns)
    return [dict(zip(names, values)) for values in zip(*(frame[n].tolist() for n in names))]


def view_state(path: str, **params: object) -> dict:
    """What the page now shows; the router skips re-rendering the same view (see app.py)."""
    return {"path": path, "query": {k: str(v) for k, v in params.items() if v not in (None, "")}}


def skip_if_shown(view: dict | None, path: str, query: dict) -> None:
    """Raise PreventUpdate when the page already shows exactly this URL (a filter callback wrote it)."""
    if view and view.get("path") == path and view.get("query") == {k: str(v) for k, v in query.items() if v}:
        raise PreventUpdate


def pick(value: object, allowed: Iterable[str], default: str | None = None) -> str | None:
    """An allow-listed choice: the value if it is one of the allowed strings, else the default."""
    allowed = list(allowed)
    text = value if isinstance(value, str) else str(value) if isinstance(value, int) else None
    return text if text in allowed else default


LENIENT, STRICT, EMBED = "lenient", "strict", "embed"


def allowed(value: object, choices: Iterable[str], default: str | None, mode: str,
            missing_is_default: bool = False) -> str | None:
    """One filter value checked against its list. LENIENT (a page's address): anything not on the list gives
    the default; STRICT (a callback's input): only the list (a missing value is the default only when
    `missing_is_default`); EMBED (an embed's address): a missing value gives the default, anything else not on
    the list None (the embed answers "not available")."""
    if value in (None, "") and (missing_is_default or mode == EMBED):
        return default
    return pick(value, choices, default if mode == LENIENT else None)


def release_years(measures: pd.DataFrame) -> list[str]:
    """Every year any measure of a release has, newest first (what a page's year filter offers)."""
    return sorted({str(y) for ys in measures["years"] for y in ys}, reverse=True)


def measure_and_year(measures: pd.DataFrame, measure: object, year: object,
                     mode: str = LENIENT) -> tuple[pd.Series, str] | None:
    """The one rule for a measure and its year, on every page and its embeds: a measure of the release (default:
    the first) and a year the release offers (default: that measure's own latest year, since a measure may have
    no figures in the newest year overall); None when `mode` (see `allowed`) refuses a value."""
    ids = measures["measure_id"].tolist()
    measure_id = allowed(measure, ids, ids[0] if ids else None, mode)
    if measure_id is None:
        return None
    row = measures[measures["measure_id"] == measure_id].iloc[0]
    own = sorted((str(y) for y in row["years"]), key=int)
    chosen = allowed(year, release_years(measures), own[-1] if own else None, mode)
    return None if chosen is None else (row, chosen)
