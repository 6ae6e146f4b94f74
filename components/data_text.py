"""Text that comes from the data, in the viewer's language (DESIGN §2, issue #18).

`measures.csv` may give `label_es` and `description_es`, and `agencies.csv` `agency_name_es`. This module is
the one place that chooses between them: on a Spanish page (or embed, or PDF) a non-empty Spanish value is
shown, anything else falls back to the English. Peer groups are a fixed code list, so their names are
translated in the interface instead.
"""
from __future__ import annotations

import pandas as pd

from .i18n import N_, _, language

# The English column and its Spanish companion (blank or absent = show the English).
DATA_TEXT = {"agency_name": "agency_name_es", "label": "label_es", "description": "description_es"}

PEER_GROUP_LABELS = {
    "human services": N_("human services"),
    "public safety": N_("public safety"),
    "health": N_("health"),
    "education": N_("education"),
    "infrastructure": N_("infrastructure"),
    "general government": N_("general government"),
}


def _given(values: pd.Series) -> pd.Series:
    return values.notna() & (values.astype("string").str.strip().fillna("") != "")


def in_language(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A copy of an agency or measure frame whose `agency_name`, `label` and `description` are in the viewer's
    language: the Spanish column where it holds text and the page is Spanish, else the English one."""
    lang = lang or language()
    out = frame.copy()
    if lang != "es":
        return out
    for english, spanish in DATA_TEXT.items():
        if english in out.columns and spanish in out.columns:
            given = _given(out[spanish])
            out[english] = out[spanish].where(given, out[english])
    return out


def agencies_in_language(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """`in_language` for the agency list, sorted by the name the viewer reads."""
    out = in_language(frame, lang)
    if "agency_name" not in out.columns or out.empty:
        return out
    return out.sort_values("agency_name", key=lambda s: s.str.casefold(), ignore_index=True)


def peer_group_label(code: str) -> str:
    """A peer group's name in the viewer's language (lower case, as it reads inside a sentence)."""
    return _(PEER_GROUP_LABELS[code]) if code in PEER_GROUP_LABELS else code
