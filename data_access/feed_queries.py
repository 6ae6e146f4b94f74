"""Questions of the status feed (DESIGN §7): which releases the public has been shown, and what changed.

The feed is public: every frame is masked for the anonymous viewer before it is compared, so an entry never
carries a status or figure the public pages hide.
"""
from __future__ import annotations

import pandas as pd

from .cache import memoize
from .changes import STATUS_CHANGE_COLUMNS, benchmark_status_changes
from .queries import read_table, visible_releases
from .releases import ReleaseInfo
from .settings import Settings
from .suppression import mask_for_viewer
from .viewer import ANONYMOUS


def published_history(infos: list[ReleaseInfo]) -> list[ReleaseInfo]:
    """The releases the public has been shown, oldest first, ending with the current one.

    A release counts once it has been published (it has a publication time; drafts never do). A release
    rolled back is left out with everything published after the current one: the feed tells the story that
    leads to what the public sees now. Empty when nothing is published.
    """
    current = next((r for r in infos if r.status == "published"), None)
    if current is None or current.published_at is None:
        return []
    shown = [r for r in infos if r.status != "draft" and r.published_at is not None
             and r.published_at <= current.published_at]
    return sorted(shown, key=lambda r: (r.published_at, r.created_at))


def release_history(settings: Settings) -> list[ReleaseInfo]:
    """`published_history` of the database (the release list is re-read every few seconds)."""
    return published_history(visible_releases(settings, ANONYMOUS))


def public_progress(settings: Settings, release_id: str) -> pd.DataFrame:
    """Every benchmark_progress row of a release, masked for the public."""
    return mask_for_viewer(read_table(settings, "benchmark_progress", release_id), "benchmark_progress", ANONYMOUS)


@memoize
def status_changes(settings: Settings, old_release: str, new_release: str) -> pd.DataFrame:
    """Benchmarks whose status changed from one release to the next, as the public sees them."""
    return benchmark_status_changes(public_progress(settings, old_release), public_progress(settings, new_release))


def feed_changes(settings: Settings, history: list[ReleaseInfo]) -> list[tuple[ReleaseInfo, ReleaseInfo, pd.DataFrame]]:
    """(older, newer, changes) for each consecutive pair of the history, newest pair first."""
    pairs = list(zip(history, history[1:], strict=False))
    out = []
    for older, newer in reversed(pairs):
        frame = status_changes(settings, older.release_id, newer.release_id)
        out.append((older, newer, frame if not frame.empty else pd.DataFrame(columns=STATUS_CHANGE_COLUMNS)))
    return out
