"""The release's agency and measure catalogues as the pages show them: names and labels in the viewer's
language (components.data_text decides which). Pages and embeds read agencies and measures only here."""
from __future__ import annotations

import pandas as pd

from components.data_text import agencies_in_language, in_language
from data_access import access_queries as aq
from data_access import public_queries as pq
from data_access import queries
from data_access import workforce_queries as wq
from data_access.settings import Settings


def agencies(settings: Settings, release_id: str) -> pd.DataFrame:
    """agency_code, agency_name (viewer's language), peer_group, sorted by the name shown."""
    return agencies_in_language(pq.agencies(settings, release_id))


def agency_list(settings: Settings, release_id: str) -> pd.DataFrame:
    """The same agencies as `agencies` (the workforce pages' query)."""
    return agencies_in_language(wq.agency_list(settings, release_id))


def measures(settings: Settings, release_id: str) -> pd.DataFrame:
    """The measure catalogue, labels and descriptions in the viewer's language."""
    return in_language(queries.measures(settings, release_id))


def access_measures(settings: Settings, release_id: str) -> pd.DataFrame:
    """Access measures with town values and their years, labels in the viewer's language."""
    return in_language(aq.access_measures(settings, release_id))


def disparity_measures(settings: Settings, release_id: str) -> pd.DataFrame:
    """Measures with group rows and their years, labels in the viewer's language."""
    return in_language(pq.disparity_measures(settings, release_id))
