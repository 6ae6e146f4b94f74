"""Gathering for the disclosure test: every route an anonymous caller has, answers parsed into cells.

`gather` drives the app as a visitor's browser would (pages, callbacks over their options, Embed buttons, CSV
downloads, the API) and pools what it was shown in a `Seen`, keyed like the release tables.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.test_hostile_callbacks import payloads, server_callbacks

WU, SR, TR = "workforce_utilization", "selection_rates", "training"
ROUTER = "_pages_content.children"
UTILIZATION = ("workforce-representation", "workforce-trend", "agency-utilization")
ROW_TABLES = (*UTILIZATION, "agency-selection", "agency-training", "agencies-list")  # a row per cell
ALIASES = {"workforce-level-table": "workforce-level", "agencies-table": "agencies-list",
           "workforce-selection": "agency-selection"}  # the same adverse-impact panel, on /workforce
DRIVEN_APART = (ROUTER, "panel-download", "panel-embed-code", "agency-content.", "workforce-content.")
OPTIONS_PER_FILTER, EMBEDS_PER_CHART = 4, 1  # samples where the space is large (every agency is swept apart)
KEY = ["fiscal_year", "agency_code", "job_category", "action", "group_dimension", "group_code"]
ADDITIVE = {WU: ("headcount",), SR: ("pool", "selected"), TR: ("employees", "completed")}


def number(text: object) -> float | None:
    """'1,234' → 1234.0, '12.3 %' → 12.3, 7 → 7.0; None for '—', '' and words."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    try:
        return float(re.sub(r"[\s,\u00a0\u202f%]", "", text)) if isinstance(text, str) else None
    except ValueError:
        return None


def says_suppressed(text: object) -> bool:
    return isinstance(text, str) and "suppr" in text.lower()


def clean(label: object) -> str:
    """A label as written, without a chart's line breaks or a link grid's markdown link."""
    text = str(label).replace("<br>", " ")
    link = re.fullmatch(r"\[(.*)\]\(.*\)", text)
    return re.sub(r"\\(.)", r"\1", link.group(1)) if link else text.strip()


class Seen:
    """What the anonymous caller was shown, cell by cell: numbers (with the count they give), 'suppressed', blanks."""

    def __init__(self) -> None:
        self.numbers: dict[tuple, list] = defaultdict(list)  # key → [(count column or None, value, source)]
        self.marks: dict[tuple, list] = defaultdict(list)  # key → sources that said "suppressed"
        self.blanks: dict[tuple, list] = defaultdict(list)  # key → sources that left a row's count blank
        self.sources: dict[str, int] = defaultdict(int)  # source → cells parsed from it
        self.ratios: set[tuple] = set()  # selection cells whose impact ratio was shown as a number

    def cell(self, key: tuple, text: object, column: str | None, source: str, row: bool = False) -> None:
        self.sources[source] += 1
        if says_suppressed(text):
            self.marks[key].append(source)
        elif (value := number(text)) is not None:
            self.numbers[key].append((column, value, source))
        elif row:
            self.blanks[key].append(source)


class Maps:
    """Labels back to codes, from the label functions the pages render with (inside a request)."""

    def __init__(self, app, settings, rid: str) -> None:
        from components.formatting import group_label
        from dashboards._shared.selection import ACTIONS
        from dashboards._shared.workforce import GROUPS, job_label
        from dashboards.agencies.compare import scope_names
        from dashboards.agencies.listing import LIST_LABELS
        from data_access import codes
        from data_access import workforce_queries as wq

        agencies = wq.agency_list(settings, rid)
        self.peers = dict(zip(agencies["agency_code"], agencies["peer_group"]))
        self.employees_column = list(LIST_LABELS).index("employees_text")
        with app.server.test_request_context():
            self.groups = {d: {clean(group_label(c)): c for c in groups} for d, groups in GROUPS.items()}
            self.jobs = {clean(job_label(c)): c for c in (codes.ALL, *codes.JOB_CATEGORIES)}
            self.actions = {clean(label[0]): code for code, label in ACTIONS.items()}
            self.agencies = {clean(n): c for c, n in zip(agencies["agency_code"], agencies["agency_name"])}
            self.scopes = {c: {clean(v): k for k, v in scope_names(n, self.peers[c]).items()}
                           for c, n in zip(agencies["agency_code"], agencies["agency_name"])}


def parse_grid(seen: Seen, maps: Maps, chart: str, rows: list, fields: list, ctx: dict, source: str) -> None:
    """Cells of a data table (its rowData, or the rows of its CSV) of the view `ctx`."""
    agency, dim, year, row = ctx.get("agency"), ctx.get("dimension"), int(ctx.get("year") or 0), chart in ROW_TABLES
    for r in rows:
        if chart in UTILIZATION:
            key = ("wu", int(r["fiscal_year"]), agency, maps.jobs[r["job_category"]], dim, maps.groups[dim][r["group"]])
            seen.cell(key, r["employees"], "headcount", source, row)
        elif chart == "workforce-level":  # the agencies (statewide view) or job categories, then their employees
            unit = clean(r[fields[0]])
            key = (("wu", year, maps.agencies[unit], ctx["category"], "all", "ALL") if agency == "ALL"
                   else ("wu", year, agency, maps.jobs[unit], "all", "ALL"))
            seen.cell(key, r[fields[1]], "headcount", source)
        elif chart == "agencies-list":
            key = ("wu", year, maps.agencies[clean(r[fields[0]])], "ALL", "all", "ALL")
            seen.cell(key, r[fields[maps.employees_column]], "headcount", source, row)
        elif chart == "agency-selection":
            key = ("sr", year, agency, ctx.get("category") or "ALL", maps.actions[r["action"]], dim,
                   maps.groups[dim][r["group"]])
            seen.cell(key, r["pool"], "pool", source, row)
            seen.cell(key, r["selected"], "selected", source, row)
            if number(r.get("impact_ratio")) is not None:
                seen.ratios.add(key)
        elif chart == "agency-training":  # year, who, completion, completed, employees
            scope = maps.scopes[agency][clean(r[fields[1]])]
            key = ("tr", int(r[fields[0]]), {"agency": agency, "state": "ALL"}.get(scope, f"peers of {agency}"))
            seen.cell(key, r[fields[3]], "completed", source, row)
            seen.cell(key, r[fields[4]], "employees", source, row)


def parse_figure(seen: Seen, maps: Maps, chart: str, figure: dict, ctx: dict, source: str) -> None:
    """Points of a chart: a drawn share or ratio shows its cell; a point's text may say 'suppressed'."""
    data, agency, dim = figure.get("data", []), ctx.get("agency"), ctx.get("dimension")
    groups = maps.groups.get(dim, {})
    if chart == "workforce-representation":  # bars of shares, then a trace of their texts
        for trace in (t for t in data if t.get("type") == "bar" or t.get("mode") == "text"):
            for label, x, text in zip(trace["y"], trace["x"], trace.get("text") or trace["x"]):
                key = ("wu", int(ctx["year"]), agency, ctx["category"], dim, groups[clean(label)])
                seen.cell(key, text if trace.get("mode") == "text" else x, None, source)
    elif chart == "workforce-trend":
        for trace in (t for t in data if clean(t.get("name")) in groups):
            for x, y in zip(trace["x"], trace["y"]):
                seen.cell(("wu", int(x), agency, ctx["category"], dim, groups[clean(trace["name"])]), y, None, source)
    elif chart == "agency-utilization":
        heat = data[0]
        jobs_as_rows = all(clean(y) in maps.jobs for y in heat["y"])
        for i, across in enumerate(heat["y"]):
            for j, down in enumerate(heat["x"]):
                job, group = (across, down) if jobs_as_rows else (down, across)
                key = ("wu", int(ctx["year"]), agency, maps.jobs[clean(job)], dim, groups[clean(group)])
                text = heat["text"][i][j]
                seen.cell(key, text if says_suppressed(text) else heat["z"][i][j], None, source)
    elif chart == "agency-selection":  # one panel (annotation) and trace per action
        panels = [a["text"] for a in figure.get("layout", {}).get("annotations", [])]
        for panel, trace in zip(panels, (t for t in data if t.get("customdata"))):
            for label, x in zip(trace["y"], trace["x"]):
                key = ("sr", int(ctx["year"]), agency, ctx.get("category") or "ALL", maps.actions[clean(panel)], dim,
                       groups[clean(label)])
                seen.cell(key, x, None, source)
                if number(x) is not None:  # the chart draws each group's impact ratio
                    seen.ratios.add(key)


def components(node):
    """Every (type, props) of a Dash component tree (as JSON)."""
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            yield node["type"], node["props"]
            node = node["props"]
        for value in node.values():
            yield from components(value)
    elif isinstance(node, list):
        for value in node:
            yield from components(value)


def data_table(kind: str, props: dict) -> dict | None:
    """A data table handed out (its rowData, columnDefs and id): a grid on the page, or the table a chart panel
    holds for its "Show data" and its download (`panel-table`), or None."""
    ident = props.get("id")
    if kind == "Store" and isinstance(ident, dict) and ident.get("type") == "panel-table":
        props = {**props["data"], "id": ident} if isinstance(props.get("data"), dict) else {}
    elif kind != "AgGrid":
        return None
    return props if isinstance(props.get("rowData"), list) and isinstance(props.get("columnDefs"), list) else None


def string_ids(layout: object) -> dict[str, dict]:
    return {props["id"]: props for _, props in components(layout) if isinstance(props.get("id"), str)}


def post(client, dep: dict, values: dict, chart: str | None = None) -> dict | None:
    """POST one callback, inputs and state from `values` ('id.property', a pattern id by its type) for `chart`."""
    body = payloads(dep, None)
    given = [i for entry in body["inputs"] + body["state"] for i in (entry if isinstance(entry, list) else [entry])]
    for item in [*(body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]]), *given]:
        item["id"] = {**item["id"], "chart": chart} if isinstance(item["id"], dict) and chart else item["id"]
    for item in given:
        item["value"] = values.get(f"{item['id']['type'] if isinstance(item['id'], dict) else item['id']}."
                                   f"{item['property']}")
    reply = client.post("/_dash-update-component", json=body)
    assert reply.status_code in (200, 204) and "Traceback" not in reply.get_data(as_text=True), dep["output"][:80]
    return reply.get_json() if reply.status_code == 200 else None


def ids_of(dep: dict) -> list[tuple[str, str]]:
    return [(i["id"], i["property"]) for i in [*dep["inputs"], *dep.get("state", [])]]


class Gatherer:
    """Drives the callbacks as a visitor's browser would and parses every answer into one `Seen`."""

    def __init__(self, app, client, settings, rid: str) -> None:
        self.client, self.maps, self.seen = client, Maps(app, settings, rid), Seen()
        self.deps = server_callbacks(client)
        self.covered: set[str] = set()
        self.tables: dict[str, tuple] = {}  # every distinct data table handed out, for its CSV download
        self.embeds: dict[tuple, dict] = {}  # (chart, agency) → a view an Embed button offers
        self.benchmarks: dict = {}  # channel → the benchmark_progress rows it handed out

    def dep(self, fragment: str) -> dict:
        return next(d for d in self.deps if fragment in d["output"])

    def harvest(self, answer: object, ctx: dict, source: str) -> None:
        for kind, props in components(answer):
            ident = props.get("id")
            chart = str(ident.get("chart") if isinstance(ident, dict) else ident)
            chart = ALIASES.get(chart, chart)
            table = data_table(kind, props)
            if table is not None:
                fields = [c["field"] for c in table["columnDefs"]]
                parse_grid(self.seen, self.maps, chart, table["rowData"], fields, ctx, source)
                if isinstance(ident, dict):
                    self.tables[json.dumps([ident, table["rowData"]], sort_keys=True)] = (table, ctx)
            elif kind == "Store" and isinstance(ident, dict) and isinstance(props.get("data"), dict):
                self.embeds.setdefault((chart, props["data"].get("agency")), props["data"])
            elif kind == "Graph" and isinstance(props.get("figure"), dict):
                parse_figure(self.seen, self.maps, chart, props["figure"], ctx, source + " chart")

    def call(self, dep: dict, values: dict, ctx: dict, chart: str | None = None) -> dict | None:
        answer = post(self.client, dep, values, chart)
        self.covered.add(dep["output"])
        if answer:
            self.harvest(answer["response"], ctx, dep["output"].strip(".").split(".")[0])
        return answer

    def page(self, path: str, query: dict | None = None, ctx: dict | None = None) -> object:
        """A page's layout as the router renders it for the address."""
        search = "?" + urlencode(query) if query else ""
        values = {"_pages_location.pathname": path, "_pages_location.search": search}
        return self.call(self.dep(ROUTER), values, ctx or {})["response"]["_pages_content"]["children"]

    def sweep(self, dep: dict, layout: object, extra: dict) -> None:
        """A callback over what its page offers: the page's own values, then each option of each filter in turn."""
        index, offered, base = string_ids(layout), {}, {}
        for cid, prop in ids_of(dep):
            props, name = index.get(cid, {}), f"{cid}.{prop}"
            options = [o["value"] if isinstance(o, dict) else o for o in props.get("options") or []]
            if prop == "n_clicks" or name in extra:
                options = [extra.get(name, 1)]
            elif not options:
                assert cid in index, f"no page offers {cid} to {dep['output'][:60]}"
                options = [props.get(prop)]
            base[name] = props.get(prop) if props.get(prop) in options else options[0]
            offered[name] = options[:: max(1, len(options) // OPTIONS_PER_FILTER)]
        runs = [base] + [{**base, name: v} for name, options in offered.items() for v in options if v != base[name]]
        for values in runs:
            self.call(dep, values, {n.split(".")[0].split("-", 1)[-1]: v for n, v in values.items()})

    def embed(self, chart: str, params: dict) -> object:
        """The Embed button's iframe code for a view, then the embed page that iframe opens (its layout)."""
        from dashboards._shared.workforce import DEFAULT_DIMENSION

        values = {"panel-embed.n_clicks": 1, "panel-embed-params.data": params, "_pages_location.pathname": "/",
                  "panel-embed.id": {"type": "panel-embed", "chart": chart}, "_pages_location.search": ""}
        answer = self.call(self.dep("panel-embed-code"), values, {}, chart)
        code = next((p["value"] for _, p in components(answer) if "/embed/" in str(p.get("value"))), None)
        assert code, f"the Embed button of {chart} gave no iframe code"
        src = urlsplit(unescape(re.search(r'src="([^"]+)"', code).group(1)))
        query = dict(parse_qsl(src.query))
        return self.page(src.path, query, {"agency": "ALL", "category": "ALL", "dimension": DEFAULT_DIMENSION,
                                           **query})

    def downloads(self) -> None:
        """Every distinct data table handed out, through its 'Download CSV' button."""
        for props, ctx in list(self.tables.values()):
            values = {"panel-csv.n_clicks": 1, "panel-table.id": props["id"],
                      "panel-table.data": {"rowData": props["rowData"], "columnDefs": props["columnDefs"]}}
            answer = self.call(self.dep("panel-download"), values, {}, props["id"]["chart"])
            table = list(csv.reader(io.StringIO(next(iter(answer["response"].values()))["data"]["content"])))
            chart = ALIASES.get(props["id"]["chart"], props["id"]["chart"])
            # The CSV names its columns as the table shows them; read its cells back by the grid's fields.
            fields = [c["field"] for c in props["columnDefs"]]
            assert table[0] == [c.get("headerName") or c["field"] for c in props["columnDefs"]], table[0]
            parse_grid(self.seen, self.maps, chart, [dict(zip(fields, r)) for r in table[1:]], fields, ctx, "csv")

    def api(self) -> None:
        """Every page of the API's JSON of the tables that count people."""
        for table, columns in ADDITIVE.items():
            url = f"/api/v1/{table.replace('_', '-')}?limit=1000"
            while url:
                body = self.client.get(url).get_json()
                for row in body["rows"]:
                    key = key_of(table, [row[c] for c in KEY if c in row])
                    for column in columns:
                        self.seen.cell(key, row[column], column, "api")
                    if table == SR and row["impact_ratio"] is not None:
                        self.seen.ratios.add(key)
                    self.seen.cell(key, "suppressed" if row["suppressed"] else None, None, "api")
                    if table == WU and row["total"] is not None:  # a row's total is its cell's headcount
                        self.seen.cell((*key[:4], "all", "ALL"), row["total"], "headcount", "api total")
                url = body["next"]


def benchmark_channels(client, settings, rid: str, agencies) -> dict:
    """Every benchmark_progress row the caller can obtain, per channel: the API's JSON and CSV, and the
    data-access queries the overview, agency pages and embeds read (as the anonymous viewer they pass)."""
    import pandas as pd

    from data_access import queries
    from data_access import workforce_queries as wq

    url = "/api/v1/benchmark-progress?limit=1000"
    json_rows = []
    while url:
        body = client.get(url).get_json()
        json_rows += body["rows"]
        url = body["next"]
    text = client.get("/api/v1/benchmark-progress?limit=1000&format=csv").get_data(as_text=True)
    csv_rows = pd.DataFrame(list(csv.DictReader(io.StringIO(text))))
    for column in ("year", "value"):
        csv_rows[column] = pd.to_numeric(csv_rows[column], errors="coerce")
    pages = pd.concat([queries.benchmark_progress(settings, rid, scope) for scope in ("state", "agency", "region")]
                      + [wq.agency_benchmarks(settings, rid, code) for code in agencies], ignore_index=True)
    return {"api json": pd.DataFrame(json_rows), "api csv": csv_rows, "page queries": pages}


def key_of(table: str, values) -> tuple:
    """A cell's key: (table, year, agency, job category and/or action, group dimension, group) as the table has them."""
    return ({WU: "wu", SR: "sr", TR: "tr"}[table], int(values[0]), *values[1:])


def gather(app, client, settings, rid: str) -> Gatherer:
    """Everything the anonymous caller can obtain, by every route the app offers."""
    import dash

    from dashboards._shared.workforce import CONVENTIONS, DIMENSIONS
    from data_access import codes
    from data_access import workforce_queries as wq
    from data_access.queries import read_table

    g = Gatherer(app, client, settings, rid)
    agencies = sorted(g.maps.agencies.values())
    years = [str(y) for y in wq.workforce_years(settings, rid)]
    dims, conventions, categories = list(DIMENSIONS), list(CONVENTIONS), [codes.ALL, *codes.JOB_CATEGORIES]
    town = read_table(settings, "towns", rid)["town_geoid"].iat[0]
    fill = {"<code>": agencies[0], "<geoid>": town, "<chart_id>": "<chart_id>"}  # embeds: opened as offered
    paths = [re.sub(r"<\w+>", lambda m: fill[m.group(0)], p.get("path_template") or p["path"])
             for p in dash.page_registry.values()]
    layouts = {path: g.page(path) for path in paths if "<chart_id>" not in path}

    def visit(page: str, extra: dict | None = None, **chosen: str) -> None:
        values = {f"{page}-{name}.value": value for name, value in chosen.items()}
        g.call(g.dep(f"{page}-content."), {**values, **(extra or {})}, {"category": codes.ALL, **chosen})

    for i, code in enumerate(agencies):  # 1. every agency: drill-down and scorecard, years and groups rotating
        view = {"release": rid, "year": years[i % len(years)], "dimension": dims[i % 3],
                "convention": conventions[i // 3 % 3]}
        visit("workforce", agency=code, category=codes.ALL, **view)
        visit("agency", {"agency-code.data": code}, agency=code, **view)
    for j, category in enumerate(categories):  # 2. statewide, every job category: its agencies and its trend
        visit("workforce", release=rid, year=years[-1 - j % len(years)], agency=codes.ALL, category=category,
              dimension=dims[j % 3], convention=conventions[j % 3])
    for dep in g.deps:  # 3. every other callback, over the options its page offers
        if not any(part in dep["output"] for part in DRIVEN_APART):
            ids = {cid for cid, _ in ids_of(dep)}
            home = next(layout for layout in layouts.values() if ids <= set(string_ids(layout)))
            g.sweep(dep, home, {"access-map.clickData": {"points": [{"location": town}]}})
    per_chart: dict[str, int] = defaultdict(int)
    for (chart, _), params in list(g.embeds.items()):  # 4. views the Embed buttons offer, opened as embeds
        per_chart[chart] += 1
        if per_chart[chart] <= EMBEDS_PER_CHART:
            g.embed(chart, params)
    g.downloads()  # 5. every data table through its CSV download
    g.api()  # 6. the API
    g.benchmarks = benchmark_channels(client, settings, rid, agencies)  # 7. benchmark values, every channel
    return g
