"""The drill-down pages' figure builders (components/figures.py) skip plotly's validation for speed: every figure
they make must still be one plotly accepts property by property."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from components import figures as fg

AXIS = fg.Axis("Share", ".0%", "", {"rangemode": "tozero"})
PLACES = ["Hartford", "New Haven", "Stamford"]
BUILDERS = {
    "dot_whisker": lambda: fg.dot_whisker(PLACES, [0.2, 0.35, None], [0.1, 0.3, None], [0.3, 0.4, None],
                                          ["#0072B2", "#D55E00", "#555555"], AXIS, (0.25, "Connecticut")),
    "ranked_bars": lambda: fg.ranked_bars(PLACES, [0.3, None, 0.1], ["30 %", "—", "10 %"], [True, None, False],
                                          0.25, "goal 25 %", AXIS),
    "trend_lines": lambda: fg.trend_lines([fg.Series("Connecticut", [2023, 2024], [0.2, 0.3]),
                                           fg.Series("Hartford", [2023, 2024], [0.1, None], dash="dash",
                                                     symbol="square")], AXIS, [(0.25, "goal")]),
    "stacked_bars": lambda: fg.stacked_bars([2023, 2024], [("Between", [0.1, 0.2], "#0072B2"),
                                                            ("Within", [0.3, 0.2], "#E69F00")], AXIS),
    "group_dots": lambda: fg.group_dots(PLACES, [("Asian", [0.2, 0.3, 0.4], "#009E73"),
                                                 ("Black", [0.5, None, 0.6], "#0072B2")], AXIS),
    "count_bars": lambda: fg.count_bars(["Filed", "Closed"], [12, 7], ["#0072B2", "#D55E00"], AXIS),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_makes_a_figure_plotly_accepts(name):
    lean = BUILDERS[name]()
    checked = go.Figure(lean.to_dict())  # validates every property (raises on a wrong name or value)
    assert checked.to_dict() == lean.to_dict()
    assert lean.data and all(trace.type in ("bar", "scatter") for trace in lean.data)


def test_a_wrong_property_is_caught_by_the_check():
    lean = fg._figure([{"type": "bar", "x": [1], "y": ["a"], "colour": "red"}], 200, AXIS.layout(), {})
    with pytest.raises(ValueError):
        go.Figure(lean.to_dict())
