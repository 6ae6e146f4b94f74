"""Disclosure by attack on the aggregates over towns (DESIGN §5, issue #13): no region, county or state figure
gives a suppressed town value back, through the API (JSON and CSV), the pages, their downloads and embeds.

The outsider knows every visible town value, every town's population by group (both public) and the
crosswalk, and reads every public aggregate. For each measure, year and geography holding suppressed towns it
solves, over the groups, Σ_s P_sg·v_s = W_g·Σ_t P_tg − Σ_visible P_tg·v_t for the hidden values v_s (the
population-weighted mean of a geography, assuming every town with a value is in it). A control run on
aggregates that still hold the suppressed towns shows that the attack recovers them.
"""
from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from pipeline.stats.access import population_year
from tests.test_api import all_rows

GROUPS = ("hispanic", "white", "black", "asian", "nhpi", "aian", "two_or_more", "total", "lep")
_STATE: dict[str, SimpleNamespace] = {}


@pytest.fixture
def towns_truth(app_env):
    """The release's own tables (the truth), and the aggregates as they would be with the suppressed towns in."""
    from data_access.queries import read_table
    from pipeline.stats.access import access_by_group
    from pipeline.stats.indices import inequality_indices

    settings, rid = app_env["settings"], app_env["release_id"]
    if rid not in _STATE:
        read = {t: read_table(settings, t, rid) for t in ("town_measures", "town_population", "towns",
                                                          "access_by_group", "inequality_indices")}
        hidden = read["town_measures"][read["town_measures"]["suppressed"].astype(bool)]
        population = read["town_population"].rename(columns={"group_code": "group"})
        leaky_input = read["town_measures"].drop(columns="suppressed")
        leaky = access_by_group(leaky_input, population, read["towns"], draws=10)
        leaky_theil = inequality_indices(leaky_input, population, read["towns"])
        _STATE[rid] = SimpleNamespace(**read, hidden=hidden, leaky=leaky, leaky_theil=leaky_theil,
                                      settings=settings, rid=rid)
    return _STATE[rid]


@pytest.fixture
def client(app_env):
    from app import app

    return app.server.test_client()


def members(towns: pd.DataFrame, level: str, geo_id: str) -> set[str]:
    if level == "state":
        return set(towns["town_geoid"])
    return set(towns.loc[towns[f"{level}_id"] == geo_id, "town_geoid"])


def recover(aggregates: pd.DataFrame, values: pd.DataFrame, population: pd.DataFrame, towns: pd.DataFrame,
            hidden: pd.DataFrame) -> dict[tuple, tuple[float, float]]:
    """The attack: hidden town values solved from the weighted means of each geography (see the module text).

    `values`: the town values the outsider sees (suppressed ones missing); returns {(year, measure, town):
    (recovered, true)} for every hidden town value the equations pin down to within 1e-6.
    """
    found = {}
    pop_years = sorted(set(population["year"]))
    for (year, measure), rows in aggregates.groupby(["year", "measure_id"]):
        secret = hidden[(hidden["year"] == year) & (hidden["measure_id"] == measure)].set_index("town_geoid")["value"]
        if secret.empty:
            continue
        seen = values[(values["year"] == year) & (values["measure_id"] == measure)]
        seen = seen.dropna(subset=["value"]).set_index("town_geoid")["value"].astype(float)
        chosen = population_year(pop_years, int(year))
        pop = population[population["year"] == chosen].pivot_table(index="town_geoid", columns="group_code",
                                                                    values="population", aggfunc="sum")
        for (level, geo_id), geo_rows in rows.groupby(["geography_level", "geography_id"]):
            inside = members(towns, level, geo_id)
            unknown = sorted(set(secret.index) & inside)
            if not unknown:
                continue
            with_value = sorted((set(seen.index) & inside) | set(unknown))
            a, b = [], []
            for _, row in geo_rows.dropna(subset=["weighted_value"]).iterrows():
                if row["group_code"] not in pop.columns:
                    continue
                weights = pop[row["group_code"]].reindex(with_value).fillna(0.0)
                known = [t for t in with_value if t not in unknown]
                a.append(weights[unknown].to_numpy())
                b.append(row["weighted_value"] * weights.sum() - (weights[known] * seen[known]).sum())
            if not a:
                continue
            a, b = np.array(a), np.array(b)
            if np.linalg.matrix_rank(a) < len(unknown):
                continue
            solution = np.linalg.lstsq(a, b, rcond=None)[0]
            for town, got in zip(unknown, solution):
                if abs(got - secret[town]) < 1e-6 * max(1.0, abs(secret[town])):
                    found[(int(year), measure, town)] = (float(got), float(secret[town]))
    return found


def public_tables(client) -> dict[str, pd.DataFrame]:
    """What the outsider reads from the API: town values, populations, towns and every aggregate over towns."""
    def read(slug: str) -> pd.DataFrame:
        return pd.DataFrame(all_rows(client, f"/api/v1/{slug}?limit=1000"))

    return {slug: read(slug) for slug in ("town-measures", "town-population", "towns", "access-by-group",
                                          "inequality-indices")}


def test_the_attack_recovers_towns_from_aggregates_that_still_hold_them(towns_truth):
    """Control: with the suppressed towns left in the aggregates, the attack gives them back."""
    t = towns_truth
    assert len(t.hidden) >= 20, "the demo should suppress some town values"
    visible = t.town_measures.assign(value=t.town_measures["value"].where(~t.town_measures["suppressed"]))
    found = recover(t.leaky, visible, t.town_population, t.towns, t.hidden)
    assert len(found) >= 0.9 * len(t.hidden), f"{len(found)} of {len(t.hidden)} recovered"


def test_the_api_gives_no_suppressed_town_back(client, towns_truth):
    t, public = towns_truth, public_tables(client)
    values = public["town-measures"]
    shown_hidden = values.merge(t.hidden[["year", "measure_id", "town_geoid"]])
    assert len(shown_hidden) == len(t.hidden) and shown_hidden["value"].isna().all()
    aggregates = public["access-by-group"]
    assert len(aggregates) == len(t.access_by_group) and "towns_excluded" in aggregates
    found = recover(aggregates, values, public["town-population"], public["towns"], t.hidden)
    assert not found, f"{len(found)} suppressed town values recovered, e.g. {list(found.items())[:4]}"
    # towns_excluded counts the geography's suppressed towns, by an independent count
    for (year, measure, level, geo_id), n in aggregates.groupby(
            ["year", "measure_id", "geography_level", "geography_id"])["towns_excluded"].first().items():
        secret = t.hidden[(t.hidden["year"] == year) & (t.hidden["measure_id"] == measure)]["town_geoid"]
        assert n == len(set(secret) & members(t.towns, level, geo_id)), (year, measure, level, geo_id)
    csv_rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/v1/access-by-group?limit=1000&format=csv").get_data(as_text=True))))
    json_rows = all_rows(client, "/api/v1/access-by-group?limit=1000")[: len(csv_rows)]
    assert [r["weighted_value"] for r in csv_rows] == ["" if r["weighted_value"] is None else str(r["weighted_value"])
                                                       for r in json_rows]


def visible_theil(values: pd.Series, weights: pd.Series) -> float:
    """Theil T = Σ s_t ln(s_t / w_t), s_t the town's share of Σ P·v, w_t its population share (an independent
    route to DESIGN §4.3's formula)."""
    s, w = weights * values / (weights * values).sum(), weights / weights.sum()
    keep = s > 0
    return float((s[keep] * np.log(s[keep] / w[keep])).sum())


def test_inequality_indices_are_computed_from_visible_towns_only(client, towns_truth):
    t, public = towns_truth, public_tables(client)
    theil = public["inequality-indices"]
    theil = theil[theil["index_name"] == "theil"].set_index(["year", "measure_id", "geography_level",
                                                             "geography_id"])
    values, towns, population = public["town-measures"], public["towns"], public["town-population"]
    pop_years = sorted(set(population["year"]))
    checked, differs = 0, 0
    for (year, measure), secret in t.hidden.groupby(["year", "measure_id"]):
        seen = values[(values["year"] == year) & (values["measure_id"] == measure)].dropna(subset=["value"])
        seen = seen.set_index("town_geoid")["value"].astype(float)
        chosen = population_year(pop_years, int(year))
        total = population[(population["year"] == chosen) & (population["group_code"] == "total")]
        total = total.set_index("town_geoid")["population"].astype(float)
        for level, geo_id in [("state", "09"), *{("region", r) for r in towns.loc[towns["town_geoid"].isin(
                secret["town_geoid"]), "region_id"]}]:
            inside = sorted(set(seen.index) & members(towns, level, geo_id))
            published = theil.loc[(year, measure, level, geo_id)]
            assert published["value"] == pytest.approx(visible_theil(seen[inside], total.reindex(inside)), rel=1e-9)
            assert published["towns_excluded"] == len(set(secret["town_geoid"]) & members(towns, level, geo_id))
            leaky = t.leaky_theil.set_index(["year", "measure_id", "geography_level", "geography_id", "index_name"])
            differs += leaky.loc[(year, measure, level, geo_id, "theil"), "value"] != pytest.approx(
                published["value"], rel=1e-9)
            checked += 1
    assert checked >= 20 and differs >= 0.9 * checked, "the suppressed towns must have mattered to the index"


def text_of(node: object) -> str:
    """The text of a component tree (as JSON): its strings, in order."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return text_of(node.get("props", {}).get("children")) if "props" in node else ""
    if isinstance(node, list):
        return "".join(text_of(n) for n in node)
    return "" if node is None else str(node)


def table_rows(props: dict) -> list[list[str]]:
    """The body rows of an html.Table (as JSON) as lists of cell texts."""
    from tests.disclosure_gather import components

    return [[text_of(td["props"].get("children")) for td in tr["props"]["children"]]
            for kind, tr in ((k, {"props": p}) for k, p in components(props.get("children"))) if kind == "Tr"
            and all(isinstance(c, dict) and c.get("type") == "Td" for c in tr["props"]["children"])]


class Shown:
    """Aggregates the outsider read on pages, embeds and downloads: (year, measure, level, geo, group) → texts."""

    def __init__(self, t: SimpleNamespace) -> None:
        self.regions = dict(zip(t.towns["region_name"], t.towns["region_id"]))
        self.texts: list[tuple[tuple, str, str]] = []

    def place(self, name: str) -> tuple[str, str]:
        return ("state", "09") if name == "Connecticut" else ("region", self.regions[name])

    def harvest(self, answer: object, ctx: dict, source: str) -> None:
        """Lens tables (group and reference figures) and town profiles (region and state figures)."""
        from tests.disclosure_gather import components, data_table

        for kind, props in components(answer):
            ident = props.get("id")
            chart = ident.get("chart") if isinstance(ident, dict) else ident
            table = data_table(kind, props)
            if kind == "Table" and chart == "access-lens-table":
                for area, group, reference, *_ in table_rows(props):
                    where = (ctx["year"], ctx["measure"], *self.place(area))
                    self.texts += [((*where, ctx["group"]), group, source),
                                   ((*where, ctx["reference"]), reference, source)]
            elif table is not None and chart == "town-profile":
                names = {c["field"]: c["headerName"] for c in table["columnDefs"]}
                for row in table["rowData"]:
                    for field in ("region", "state"):
                        key = (ctx["year"], ctx["labels"][row["measure"]], *self.place(names[field]), "total")
                        self.texts.append((key, row[field], source))


def test_pages_embeds_and_downloads_show_only_the_public_aggregates(client, towns_truth):
    """Every group lens and town profile of a measure-year with suppressed towns, on the page, as an embed and
    as a CSV download: each region and state figure is the public one, never the one with the hidden towns."""
    from app import app
    from components.formatting import by_unit
    from data_access.queries import read_table
    from tests.disclosure_gather import Gatherer, components, data_table

    t = towns_truth
    g, shown = Gatherer(app, client, t.settings, t.rid), Shown(t)
    measures = read_table(t.settings, "measures", t.rid).set_index("measure_id")
    labels = dict(zip(measures["label"], measures.index))
    reference = str(t.access_by_group["reference_group"].iat[0])
    region_of = dict(zip(t.towns["town_geoid"], t.towns["region_id"]))
    lens, groups = g.dep("access-lens.children"), [c for c in GROUPS if c not in ("total", reference)]
    embedded: set[str] = set()
    for i, ((year, measure), secret) in enumerate(t.hidden.groupby(["year", "measure_id"])):
        for region in sorted({region_of[town] for town in secret["town_geoid"]}):
            ctx = {"year": int(year), "measure": measure, "group": groups[i % len(groups)], "reference": reference}
            values = {"access-measure.value": measure, "access-year.value": int(year), "access-region.value": region,
                      "access-group.value": ctx["group"], "access-release.data": t.rid}
            answer = g.call(lens, values, ctx)
            shown.harvest(answer, ctx, "access-lens")
            params = next((p["data"] for k, p in components(answer) if k == "Store" and isinstance(p.get("id"), dict)
                           and p["id"].get("chart") == "access-lens"), None)
            if params and measure not in embedded:
                embedded.add(measure)
                shown.harvest(g.embed("access-lens", params), ctx, "embed access-lens")
        for town in sorted(set(secret["town_geoid"])):
            ctx = {"year": int(year), "labels": labels}
            layout = g.page(f"/towns/{town}", {"release": t.rid, "year": str(int(year))})
            shown.harvest(layout, ctx, "town page")
            for kind, props in components(layout):
                ident, props = props.get("id"), data_table(kind, props)
                if props is not None and isinstance(ident, dict) and ident.get("chart") == "town-profile":
                    download = {"panel-csv.n_clicks": 1, "panel-table.id": ident,
                                "panel-table.data": {"rowData": props["rowData"], "columnDefs": props["columnDefs"]}}
                    reply = g.call(g.dep("panel-download"), download, {}, "town-profile")
                    content = next(iter(reply["response"].values()))["data"]["content"]
                    header, *cells = list(csv.reader(io.StringIO(content)))
                    assert header == [c["headerName"] for c in props["columnDefs"]]  # named as the table shows
                    fields = [c["field"] for c in props["columnDefs"]]
                    table = [dict(zip(fields, r)) for r in cells]
                    csv_grid = {"id": ident, "columnDefs": props["columnDefs"], "rowData": table}
                    shown.harvest({"type": "AgGrid", "props": csv_grid}, ctx, "csv town-profile")
            if "town-profile" not in embedded:  # one embed of a suppressed town's profile
                embedded.add("town-profile")
                params = {"release": t.rid, "geoid": town, "year": str(int(year))}
                shown.harvest(g.embed("town-profile", params), ctx, "embed town-profile")
    public = t.access_by_group.set_index(["year", "measure_id", "geography_level", "geography_id", "group_code"])
    leaky = t.leaky.set_index(["year", "measure_id", "geography_level", "geography_id", "group_code"])
    wrong, telling = [], 0
    with app.server.test_request_context():
        for key, text, source in shown.texts:
            unit = measures.loc[key[1], "unit"]
            expected = by_unit(public.loc[key, "weighted_value"], unit)
            with_hidden = by_unit(leaky.loc[key, "weighted_value"], unit)
            if text.split(" (")[0] != expected:
                wrong.append((key, text, expected, with_hidden, source))
            telling += with_hidden != expected
    sources = {source for *_, source in shown.texts}
    assert {"access-lens", "embed access-lens", "town page", "csv town-profile", "embed town-profile"} <= sources
    assert not wrong, f"{len(wrong)} aggregates shown that are not the public ones, e.g. {wrong[:4]}"
    assert telling >= 50, "hardly any figure shown would differ with the hidden towns in: the check is vacuous"


def test_disparities_charts_draw_only_the_public_aggregates(client, towns_truth):
    """The disparities page's charts carry full-precision figures (Theil split and trend, group values, ratio
    trend): every one is the public aggregate, and most would differ with the hidden towns in."""
    from app import app
    from components.formatting import group_label
    from tests.disclosure_gather import Gatherer, clean, components

    t = towns_truth
    g = Gatherer(app, client, t.settings, t.rid)
    regions = dict(zip(t.towns["region_name"], t.towns["region_id"]))
    region_of = dict(zip(t.towns["town_geoid"], t.towns["region_id"]))
    with app.server.test_request_context():
        labels = {clean(group_label(c)): c for c in GROUPS}
    theil_key = ["year", "measure_id", "geography_level", "geography_id", "index_name"]
    group_key = ["year", "measure_id", "geography_level", "geography_id", "group_code"]
    public = {"theil": t.inequality_indices.set_index(theil_key)["value"],
              "group": t.access_by_group.set_index(group_key)[["weighted_value", "ratio"]]}
    leaky = {"theil": t.leaky_theil.set_index(theil_key)["value"],
             "group": t.leaky.set_index(group_key)[["weighted_value", "ratio"]]}
    drawn = []  # (table, key, column, value)

    def place(name: str) -> tuple[str, str]:
        return ("state", "09") if name == "Connecticut" else ("region", regions[name])

    groups = [c for c in GROUPS if c not in ("total", "lep")]
    for i, ((year, measure), secret) in enumerate(t.hidden.groupby(["year", "measure_id"])):
        group = groups[i % len(groups)]
        for region in sorted({region_of[town] for town in secret["town_geoid"]}):
            values = {"disparities-release.value": t.rid, "disparities-measure.value": measure,
                      "disparities-year.value": str(int(year)), "disparities-level.value": "region",
                      "disparities-area.value": region, "disparities-group.value": group}
            for output in ("disparities-indices.", "disparities-content."):
                for kind, props in components(g.call(g.dep(output), values, {})):
                    ident = props.get("id")
                    chart = ident.get("chart") if isinstance(ident, dict) else None
                    if kind != "Graph" or chart is None:
                        continue
                    for trace in props["figure"]["data"]:
                        name = clean(trace.get("name"))
                        if chart == "disparities-theil-split":
                            index = {"Between planning regions": "theil_between",
                                     "Within planning regions": "theil_within"}[name]
                            drawn += [("theil", (x, measure, "state", "09", index), None, y)
                                      for x, y in zip(trace["x"], trace["y"])]
                        elif chart == "disparities-theil-trend":
                            drawn += [("theil", (x, measure, *place(name), "theil"), None, y)
                                      for x, y in zip(trace["x"], trace["y"])]
                        elif chart == "disparities-ratio-trend":
                            drawn += [("group", (x, measure, *place(name), group), "ratio", y)
                                      for x, y in zip(trace["x"], trace["y"])]
                        elif chart == "disparities-groups" and name == "value":
                            codes = [labels[clean(label).removesuffix(" (reference)")] for label in trace["y"]]
                            drawn += [("group", (int(year), measure, "region", region, code), "weighted_value", x)
                                      for x, code in zip(trace["x"], codes)]
    wrong, telling = [], 0
    for table, key, column, value in drawn:
        truth = public[table].loc[key] if column is None else public[table].loc[key, column]
        other = leaky[table].loc[key] if column is None else leaky[table].loc[key, column]
        if value is None or truth != pytest.approx(value, rel=1e-9):
            wrong.append((table, key, column, value, truth))
        telling += other != pytest.approx(truth, rel=1e-9)
    charts = {(table, column) for table, _, column, _ in drawn}
    assert charts == {("theil", None), ("group", "ratio"), ("group", "weighted_value")}
    assert not wrong, f"{len(wrong)} drawn figures are not the public aggregates, e.g. {wrong[:4]}"
    assert telling >= 0.3 * len(drawn) and len(drawn) >= 200, (telling, len(drawn))
