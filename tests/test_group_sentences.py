"""Group names inside running sentences (review S1): every population group, in English and Spanish, reads as a
whole phrase — no doubled word ("All residents residents"), no raw code, no "del grupo Todos los residentes"."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from data_access import codes

GROUPS = list(codes.POPULATION_GROUPS) + ["ALL"]
DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE | re.UNICODE)


def rows_for(group: str) -> pd.DataFrame:
    base = {"year": 2025, "geography_level": "state", "geography_id": codes.STATE_ID, "measure_id": "m",
            "reference_group": "white"}
    values = {"white": 90.0, group: 80.0}
    return pd.DataFrame([{**base, "group_code": g, "weighted_value": v, "ci_low": v - 1, "ci_high": v + 1,
                          "ratio": v / 90.0, "difference": v - 90.0} for g, v in values.items()])


def sentences(group: str) -> list[str]:
    from components.formatting import residents
    from components.i18n import _
    from dashboards.access import transforms as at
    from dashboards.disparities import transforms as dt

    rows = rows_for(group)
    lens = at.group_lens(rows, group, [("state", codes.STATE_ID, "Connecticut")], "Broadband", "percent",
                         "higher_is_better")[0]
    keyed = rows.set_index("group_code", drop=False).reset_index(drop=True)
    found = dt.group_sentence(keyed, group, "white", "Hartford", "Broadband", "percent", "higher_is_better")
    missing = dt.group_sentence(keyed.iloc[0:0], group, "white", "Hartford", "Broadband", "percent",
                                "higher_is_better")
    return [lens, found, missing,
            _("No group-weighted figures for %(residents)s.", residents=residents(group)),
            _("%(residents)s against %(reference)s over time", residents=residents(group, start=True),
              reference=residents("white"))]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("group", GROUPS)
def test_every_group_reads_as_a_whole_phrase_in_both_languages(app_env, lang, group):
    from app import app

    with app.server.test_request_context(f"/?lang={lang}"):
        texts = sentences(group)
    for text in texts:
        assert text and not DOUBLED.search(text), text
        assert not re.search(rf"\b{re.escape(group)}\b", text), text  # never the raw code
        assert "residents residents" not in text.lower() and "del grupo" not in text, text
        if lang == "es":
            assert not re.search(r"\bresidents\b", text), text  # no English left in a Spanish sentence
            assert "Todos los residentes" not in text[1:], text  # no capital in mid-sentence


def test_the_all_residents_groups_read_naturally(app_env):
    from app import app
    from components.formatting import residents

    assert residents("total") == "all residents" and residents("ALL", start=True) == "All residents"
    with app.server.test_request_context("/?lang=es"):
        assert residents("total") == "todos los residentes"
        assert residents("black") == "residentes negros o afroamericanos"
        assert residents("lep") == "residentes con dominio limitado del inglés"
        assert residents("hispanic", start=True) == "Residentes hispanos o latinos"
