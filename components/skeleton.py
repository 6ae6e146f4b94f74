"""The page skeleton, written once (STYLE.md, "one of each"): a page's own location, the synthetic-data notice,
the title that states the question, the filters row with the release selector, the body and the release line."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

import dash_bootstrap_components as dbc
from dash import html

from .formatting import release_status
from .i18n import N_, _
from .shell import labelled_select, notice, page_header, release_line, synthetic_notice, url_sync

NO_RELEASE = N_("No release has been published yet.")


class Release(Protocol):
    """What the skeleton reads of a release (`data_access.releases.ReleaseInfo` has it)."""

    release_id: str
    status: str
    published_at: date | datetime | None
    synthetic: bool


def release_select(id_: str, releases: Iterable[Release], chosen: str | None) -> html.Div:
    """The release selector: every release the viewer may see, with its status."""
    return labelled_select(id_, _("Data release"),
                           [(r.release_id, f"{r.release_id} ({release_status(r.status)})") for r in releases], chosen)


def filters_row(columns: Sequence[dbc.Col]) -> dbc.Row:
    """The row of filters under the question (each filter in a column sized by the page)."""
    return dbc.Row(list(columns), className="g-2")


def page_skeleton(release: Release, title: str, question: str, filters, body: Sequence, *,
                  location: str | None = None, before: Sequence = (), lead: Sequence = (),
                  intro: Sequence = ()) -> html.Div:
    """A page: its location (`location` id) and `before` (stores), the synthetic-data notice, `lead` (a back
    link), the title and question, `intro`, the filters, the body and the release line."""
    return html.Div([
        *([url_sync(location)] if location else []), *before,
        synthetic_notice(release.synthetic), *lead,
        *page_header(title, question), *intro,
        *([filters] if filters is not None else []), *body,
        release_line(release.release_id, release.status, release.published_at),
    ])


def empty_page(title: str, question: str, message: str | None = None, release: Release | None = None) -> list:
    """The title and question over a notice: no release is published yet (no `message`), or `release` has
    nothing for this page (`message`, translated)."""
    return [*([synthetic_notice(release.synthetic)] if release is not None else []),
            *page_header(title, question), notice(_(NO_RELEASE) if message is None else message)]
