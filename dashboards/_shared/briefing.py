"""The "Briefing (PDF)" link the overview, the agency scorecard and the town profile carry (DESIGN §6)."""
from __future__ import annotations

import dash
from dash import html

from components.i18n import DEFAULT_LANGUAGE, _, language

from . import query_string


def briefing_link(scope: str, release_id: str, link_id: str) -> html.P:
    """A link to the scope's briefing pack as a PDF, for the release on screen and in the viewer's language."""
    lang = language()
    href = dash.get_relative_path(f"/briefing/{scope}") + query_string(
        release=release_id, format="pdf", lang=None if lang == DEFAULT_LANGUAGE else lang)
    return html.P(html.A(_("Briefing (PDF)"), href=href, id=link_id, className="btn btn-outline-secondary btn-sm",
                         title=_("A printable briefing of this page's headline figures, charts and sources")),
                  className="mb-2")
