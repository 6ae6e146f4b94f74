"""Every public chart can be embedded (DESIGN §7): an Embed button beside each chart of every page, whose
iframe code shows the same chart for the public; embed documents are cached by release and language."""
from __future__ import annotations

import importlib
import json
import math
import re
from urllib.parse import parse_qsl, urlsplit

import plotly.io as pio
import pytest

from components.tables import PLAIN_ROWS
from data_access import codes
from embeds import registry
from embeds import signing as em
from tests.layouts import by_id, panel_table, texts, walk
from tests.public_pages import PAGE_MODULES
from tests.test_release_pinning import release

HARTFORD = "0911037070"
CAPITOL = "09110"
SECRET = "correct horse battery staple"
NEW_CHARTS = [
    "workforce-representation", "workforce-trend", "workforce-level", "disparities-ratio-trend",
    "disparities-dissimilarity", "disparities-theil-split", "disparities-theil-trend", "contracting-trend",
    "agencies-list", "agency-selection", "agency-contracting-small", "agency-contracting-minority", "agency-plans",
    "agency-training", "agency-benchmarks", "plans-status", "plans-directory", "access-ranked", "access-lens",
    "town-profile", "casework-complaints", "casework-forums", "casework-closing", "casework-accommodations",
    "casework-goals", "agency-casework-complaints", "agency-casework-accommodations", "agency-casework-goals",
    "workforce-selection",
    "overview-benchmark",
]


# ---------------------------------------------------------------- component helpers
def tree(content):
    """A callback's output (a component or a list of them) as one component."""
    from dash import html

    return html.Div(content if isinstance(content, list) else [content])


def panels(component) -> list:
    """Every chart panel (the furniture around a chart: title, summary, data, downloads)."""
    return [n for n in walk(component) if type(n).__name__ == "Section" and "chart-panel" in (n.className or "")]


def embed_buttons(component) -> list[str]:
    return [n.id["chart"] for n in walk(component)
            if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "panel-embed"]


def panel_view(section) -> dict:
    """What a reader of a chart panel sees: title, summary, the data table's rows and the chart."""
    title = next(n for n in walk(section) if type(n).__name__ == "H2")
    summary = next(n for n in walk(section) if "chart-summary" in (getattr(n, "className", None) or ""))
    store = next(n for n in walk(section) if type(n).__name__ == "Store"
                 and isinstance(n.id, dict) and n.id.get("type") == "panel-table")
    graph = next((n for n in walk(section) if type(n).__name__ == "Graph"), None)
    return {"chart": store.id["chart"], "title": title.children, "summary": summary.children,
            "columns": [c["headerName"] for c in store.data["columnDefs"]],
            "rows": json.dumps(store.data["rowData"], sort_keys=True, default=str),
            "figure": None if graph is None else pio.to_json(graph.figure, validate=False)}


def no_grid(component) -> bool:
    """Nothing of AG Grid: an embed's document does not load it (`web/site.py`)."""
    return not [n for n in walk(component) if getattr(n, "_namespace", None) == "dash_ag_grid"]


def plain_rows(section) -> list[list[str]]:
    """The rows of an embed's plain "Show data" table, as its cells read."""
    details = next(n for n in walk(section) if type(n).__name__ == "Details")
    body = next(n for n in walk(details) if type(n).__name__ == "Tbody")
    return [[td.children for td in tr.children] for tr in body.children]


def shows_rows(section, shown: list[list[str]]) -> bool:
    """The table shows the first rows of the panel's data (the CSV holds all), each figure as the grid shows it:
    the same number (no '.0' on whole numbers), missing values blank."""
    def same(value: object, text: str) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return text == ""
        if isinstance(value, float):
            return float(text) == value and not text.endswith(".0")
        return text == str(value)

    table = panel_table(section)
    fields = [c["field"] for c in table["columnDefs"]]
    rows = table["rowData"][:PLAIN_ROWS]
    return len(shown) == len(rows) and all(len(cells) == len(fields) and all(
        same(row[f], cell) for f, cell in zip(fields, cells)) for row, cells in zip(rows, shown))


# ---------------------------------------------------------------- the pages, for the public
@pytest.fixture
def site(app_env):
    """The page modules in a request of an anonymous visitor, on the published demo release."""
    import app as app_module

    with app_module.app.server.test_request_context("/"):
        modules = {name: importlib.import_module(PAGE_MODULES[name]) for name in (
            "overview", "workforce", "agencies", "agency", "disparities", "contracting", "equity_plans", "access",
            "towns", "casework", "embed", "_embed_button")}
        yield modules, app_env["release_id"]


def views(modules: dict, rid: str) -> dict[str, tuple[object, str, dict]]:
    """Each public view worth walking: (its content as a reader gets it, its path, its query).

    Every page with charts is here; `/methodology`'s "what changed" tables compare two releases and are not a
    chart, so they have no embed."""
    from data_access.queries import current_settings
    from data_access.workforce_queries import workforce_years

    year = str(workforce_years(current_settings(), rid)[0])
    wf, dis, ct, pl, ac = (modules[m] for m in ("workforce", "disparities", "contracting", "equity_plans", "access"))
    d = dis.choose(rid, dis.options(rid), None, None, None, CAPITOL, None, strict=False)
    plan_year = pl._choose(rid, None, None, None, None, strict=False)["year"]
    ct_year = ct._pick_all(rid, None, None, None, strict=False)["year"]
    job = codes.JOB_CATEGORIES[1]
    access_query = {"release": rid, "measure": "uninsured", "year": "2024", "group": "hispanic", "region": CAPITOL}
    _notice, _summary, lens, ranked = ac.update_panel("uninsured", "2024", "hispanic", CAPITOL, rid)
    overview_year = modules["overview"]._years(rid)[0]
    benchmark = modules["overview"]._benchmarks(rid)[1][0]
    return {
        "overview": (modules["overview"].layout(release=rid), "/", {"release": rid}),
        "overview benchmark": (modules["overview"].show_cards(rid, overview_year, benchmark)[1], "/",
                               {"release": rid, "year": overview_year, "benchmark": benchmark}),
        "workforce statewide": (wf.show(rid, year, codes.ALL, codes.ALL, "race_ethnicity", "significant")[0],
                                "/workforce", {"release": rid, "year": year}),
        "workforce agency": (wf.show(rid, year, "DSS", codes.ALL, "sex", "80pct")[0], "/workforce",
                             {"release": rid, "year": year, "agency": "DSS"}),
        "workforce job category": (wf.show(rid, year, codes.ALL, job, "race_ethnicity", "2sd")[0], "/workforce",
                                   {"release": rid, "year": year, "category": job}),
        "agencies": (modules["agencies"].show(rid, year, "all")[0], "/agencies", {"release": rid}),
        "agency": (modules["agency"].show(rid, year, "race_ethnicity", "significant", "ALL", "DSS")[0], "/agencies/DSS",
                   {"release": rid, "year": year}),
        "disparities groups": (dis.show(rid, d.measure["measure_id"], str(d.year), d.level, CAPITOL, d.group)[0],
                               "/disparities", d.params),
        "disparities indices": (dis.show_indices(rid, d.measure["measure_id"], str(d.year), d.level, CAPITOL),
                                "/disparities", d.params),
        "contracting": (ct.show(rid, ct_year, "all", "DSS")[0], "/contracting",
                        {"release": rid, "year": ct_year, "agency": "DSS"}),
        "equity plans": (pl.show(rid, plan_year, "all", "all", None)[0], "/equity-plans",
                         {"release": rid, "year": plan_year}),
        "access": (ac.layout(**access_query), "/access", access_query),
        "access side": ([lens, ranked], "/access", access_query),
        "town profile": (modules["towns"].layout(geoid=HARTFORD, release=rid), f"/towns/{HARTFORD}",
                         {"release": rid}),
        "casework statewide": (modules["casework"].show(rid, codes.ALL, "basis", None)[0], "/casework",
                               {"release": rid}),
        "casework agency": (modules["casework"].show(rid, "DSS", "outcome", None)[0], "/casework",
                            {"release": rid, "agency": "DSS", "by": "outcome"}),
    }


def embed_code_src(modules: dict, component, chart_id: str, path: str, query: dict) -> str:
    """Press the chart's Embed button (its callback): the iframe's address."""
    store = by_id(component, {"type": "panel-embed-params", "chart": chart_id})
    search = "?" + "&".join(f"{k}={v}" for k, v in query.items() if v not in (None, ""))
    code = modules["_embed_button"].show_embed_code(1, store.data if store is not None else None,
                                                   {"type": "panel-embed", "chart": chart_id}, path, search)
    textarea = by_id(code, f"embed-code-{chart_id}")
    assert textarea is not None, texts(code)
    return textarea.value.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def embed_page(modules: dict, src: str):
    parts = urlsplit(src)
    chart_id = parts.path.rsplit("/", 1)[1]
    return modules["embed"].layout(chart_id=chart_id, **dict(parse_qsl(parts.query)))


def test_every_public_chart_panel_has_an_embed_showing_the_same_chart(site):
    """Walks every public page: a chart panel without an Embed button fails, and each button's iframe code
    opens an embed with the same title, summary, data table and figure as the panel on the page."""
    modules, rid = site
    seen = set()
    for name, (content, path, query) in views(modules, rid).items():
        page = tree(content)
        for section in panels(page):
            view = panel_view(section)
            buttons = embed_buttons(section)
            assert buttons, f"{name}: the chart panel “{view['title']}” has no Embed button"
            chart_id = buttons[0]
            src = embed_code_src(modules, section, chart_id, path, query)
            assert urlsplit(src).path == f"/embed/{chart_id}" and f"release={rid}" in src
            shown = embed_page(modules, src)
            assert em.NOT_AVAILABLE not in texts(shown), (name, chart_id, src)
            assert no_grid(shown), (name, chart_id)
            embedded = panel_view(panels(shown)[0])
            assert shows_rows(panels(shown)[0], plain_rows(panels(shown)[0])), (name, chart_id)
            if chart_id in NEW_CHARTS:
                assert embedded == view, (name, chart_id)
            else:  # the first six embeds name their place in the title (their page says it in its header)
                assert embedded["chart"] == view["chart"] and embedded["rows"] == view["rows"], (name, chart_id)
            seen.add(chart_id)
        for chart_id in set(embed_buttons(page)) - {b for s in panels(page) for b in embed_buttons(s)}:
            # Embed buttons outside a chart panel (map, ranked towns, group lens, overview cards) open too.
            shown = embed_page(modules, embed_code_src(modules, page, chart_id, path, query))
            assert em.NOT_AVAILABLE not in texts(shown) and panels(shown), (name, chart_id)
            seen.add(chart_id)
    assert set(NEW_CHARTS) <= seen <= set(registry.CHART_PARAMS)


def test_access_side_panels_embed_the_same_ranking_and_lens(site):
    modules, rid = site
    _notice, summary, lens, ranked = modules["access"].update_panel("uninsured", "2024", "hispanic", CAPITOL, rid)
    query = {"measure": "uninsured", "year": "2024", "group": "hispanic", "region": CAPITOL}
    page_rows = ranked.children  # the long table's HTML
    section = panels(modules["embed"].layout(chart_id="access-ranked", **query))[0]
    assert panel_view(section)["summary"] == summary
    assert next(n for n in walk(section) if type(n).__name__ == "Markdown").children == page_rows
    assert len(json.loads(panel_view(section)["rows"])) == page_rows.count("<tr>") - 1 == 38  # Capitol's towns
    lens_shown = panels(modules["embed"].layout(chart_id="access-lens", **query))[0]
    assert panel_view(lens_shown)["summary"] == by_id(lens, "access-lens-sentence").children
    page_table = by_id(lens, "access-lens-table")
    embed_table = by_id(lens_shown, "access-lens-table")
    assert str(embed_table.children) == str(page_table.children)
    assert [r["area"] for r in json.loads(panel_view(lens_shown)["rows"])] == ["Connecticut",
                                                                              "Capitol Planning Region"]


def test_a_signed_in_viewer_gets_embed_code_of_the_public_figures(site, monkeypatch):
    """On a scorecard a statewide user sees unsuppressed figures; the embed code still shows the public ones."""
    from dashboards import _shared as _helpers
    from data_access.viewer import ANONYMOUS, Viewer

    modules, rid = site
    year = views(modules, rid)["agency"][2]["year"]

    def scorecard(viewer) -> dict:
        monkeypatch.setattr(_helpers, "resolve_viewer", lambda: viewer)
        page = tree(modules["agency"].show(rid, year, "race_ethnicity", "significant", "ALL", "DSS")[0])
        return {embed_buttons(s)[0]: s for s in panels(page)}

    public, statewide = scorecard(ANONYMOUS), scorecard(Viewer("statewide"))
    hidden = [c for c, s in public.items() if "suppressed (fewer than" in panel_view(s)["rows"]]
    assert hidden  # some of the agency's figures are suppressed for the public
    for chart_id in hidden:
        section = statewide[chart_id]
        assert "suppressed (fewer than" not in panel_view(section)["rows"]  # the statewide user sees them all
        shown = panel_view(panels(embed_page(modules, embed_code_src(modules, section, chart_id, "/agencies/DSS",
                                                                     {})))[0])
        expected = panel_view(public[chart_id])
        assert (shown if chart_id in NEW_CHARTS else shown["rows"]) == (
            expected if chart_id in NEW_CHARTS else expected["rows"]), chart_id


@pytest.mark.parametrize("chart_id, params", [
    ("workforce-trend", {"agency": "NOPE"}),
    ("workforce-level", {"agency": "DSS", "category": "professionals"}),  # no level below a job category
    ("disparities-dissimilarity", {"level": "planet"}),
    ("contracting-trend", {"agency": "'; DROP TABLE agencies; --"}),
    ("agencies-list", {"peer": "aliens"}),
    ("agency-plans", {}),  # the agency is required
    ("agency-selection", {"agency": "DSS", "dimension": "height"}),
    ("agency-selection", {"agency": "DSS", "category": "astronauts"}),
    ("workforce-selection", {"agency": "DSS", "category": "astronauts"}),
    ("workforce-selection", {"agency": "ALL", "dimension": "height"}),
    ("plans-directory", {"status": "lost"}),
    ("access-lens", {"measure": "uninsured"}),  # no group chosen: there is no lens
    ("town-profile", {"geoid": "0911000000"}),
    ("town-profile", {"geoid": HARTFORD, "year": "1999"}),
])
def test_bad_addresses_of_new_charts_say_not_available(site, chart_id, params):
    modules, _rid = site
    text = texts(modules["embed"].layout(chart_id=chart_id, **params))
    assert em.NOT_AVAILABLE in text and "Download" not in text


def valid_params(modules: dict, rid: str) -> dict[str, dict]:
    """A valid view of each new chart, from the parameters its page's Embed button stores."""
    out = {}
    for content, _path, query in views(modules, rid).values():
        for node in walk(tree(content)):
            if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == "panel-embed-params":
                # a button without stored parameters takes the view from the address bar
                out.setdefault(node.id["chart"], node.data or registry.chart_params(node.id["chart"], query))
    return out


def test_a_tampered_signed_address_of_every_new_chart_is_refused(site, monkeypatch):
    from data_access.queries import current_settings

    modules, rid = site
    params = valid_params(modules, rid)
    monkeypatch.setenv("CT_EQUITY_EMBED_SECRET", SECRET)
    current_settings.cache_clear()
    try:
        for chart_id in NEW_CHARTS:
            view = {k: v for k, v in params[chart_id].items() if k != "release"}
            signed = {**view, "sig": em.sign(SECRET, chart_id, view)}
            assert em.REFUSED not in texts(modules["embed"].layout(chart_id=chart_id, **signed)), chart_id
            key = next(iter(view))
            tampered = {**signed, key: view[key] + "x"}
            assert em.REFUSED in texts(modules["embed"].layout(chart_id=chart_id, **tampered)), chart_id
            moved = modules["embed"].layout(chart_id=chart_id, **signed, release=rid)  # an added parameter
            assert em.REFUSED in texts(moved), chart_id
    finally:
        current_settings.cache_clear()


# ---------------------------------------------------------------- caching of embed documents
@pytest.fixture
def client(app_env):
    from app import app

    return app.server.test_client(use_cookies=False)


def test_embed_document_has_an_etag_and_answers_304_when_unchanged(client, app_env):
    path = "/embed/workforce-trend?agency=DSS"
    first = client.get(path)
    assert first.status_code == 200 and first.data
    etag = first.headers["ETag"]
    # shared caches keep "the current release" a short while; browsers revalidate (the frame policy may change)
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=300, must-revalidate"
    assert "Cookie" in first.headers["Vary"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data and again.headers["ETag"] == etag
    assert again.headers["X-Content-Type-Options"] == "nosniff"  # the site's headers on a 304 too
    other = client.get("/embed/workforce-trend?agency=DSS&category=professionals", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag  # another view, another document
    pinned = client.get(f"{path}&release={app_env['release_id']}")
    assert pinned.headers["Cache-Control"] == "public, max-age=0, s-maxage=86400, must-revalidate"
    assert pinned.headers["ETag"] != etag
    same = client.get("/embed/workforce-trend?agency=DSS&utm_source=x&sig=")  # not parameters of the chart
    assert same.headers["ETag"] == etag


def test_embed_documents_load_no_ag_grid_and_the_site_s_pages_do(client):
    """AG Grid's bundle (~350 KB compressed) is left out of every embed: it draws no grid (DESIGN §8)."""
    def scripts(path: str) -> list[str]:
        return re.findall(r'<script src="([^"]+)"', client.get(path).get_data(as_text=True))

    page, embed = scripts("/contracting"), scripts("/embed/contracting-small?lang=es")
    assert [s for s in page if "/_dash-component-suites/dash_ag_grid/" in s]  # any page may draw a grid
    assert [s for s in embed if "dash_ag_grid" in s] == []
    assert embed == [s for s in page if "/dash_ag_grid/" not in s]  # and everything else the same
    assert [s for s in scripts("/agencies/DSS") if "/dash_ag_grid/" in s]


def test_compressed_embed_document_is_revalidated_too(client):
    first = client.get("/embed/agencies-list", headers={"Accept-Encoding": "gzip"})
    assert first.headers.get("Content-Encoding") == "gzip" and first.headers["ETag"].endswith(':gzip"')
    again = client.get("/embed/agencies-list", headers={"Accept-Encoding": "gzip",
                                                       "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_embed_etag_differs_by_language_and_a_lang_needs_no_new_signature(client, monkeypatch):
    from data_access.queries import current_settings

    english = client.get("/embed/contracting-trend")
    spanish = client.get("/embed/contracting-trend?lang=es")
    assert english.headers["ETag"] != spanish.headers["ETag"]
    assert client.get("/embed/contracting-trend?lang=es", headers={"If-None-Match": english.headers["ETag"]}
                      ).status_code == 200
    monkeypatch.setenv("CT_EQUITY_EMBED_SECRET", SECRET)
    current_settings.cache_clear()
    try:
        sig = em.sign(SECRET, "contracting-trend", {"agency": "DSS"})
        signed = client.get(f"/embed/contracting-trend?agency=DSS&lang=es&sig={sig}")
        assert "ETag" in signed.headers  # a valid address: cached
        refused = client.get(f"/embed/contracting-trend?agency=DOT&lang=es&sig={sig}")
        assert refused.status_code == 200 and "ETag" not in refused.headers  # refused in the page: not cached
    finally:
        current_settings.cache_clear()


def test_a_site_taken_off_the_framing_list_gets_a_new_document(client, monkeypatch):
    """The document's ETag covers its frame policy: a browser's copy allowing the old sites is not reused."""
    from data_access.queries import current_settings

    before = client.get("/embed/contracting-trend").headers["ETag"]
    monkeypatch.setenv("CT_EQUITY_FRAME_ANCESTORS", "https://portal.ct.gov")
    current_settings.cache_clear()
    try:
        after = client.get("/embed/contracting-trend", headers={"If-None-Match": before})
        assert after.status_code == 200 and after.headers["ETag"] != before
        assert "frame-ancestors https://portal.ct.gov" in after.headers["Content-Security-Policy"]
    finally:
        current_settings.cache_clear()


def test_a_request_with_cookies_is_never_cached_by_shared_caches(client):
    response = client.get("/embed/contracting-trend", headers={"Cookie": "session=abc"})
    assert response.headers["Cache-Control"] == "private, max-age=0, must-revalidate" and response.headers["ETag"]


@pytest.mark.parametrize("path", ["/embed/no-such-chart", "/embed/access-map?measure=zzz&measure=x",
                                  "/embed/access-map?release=20990101-000000-deadbeef", "/access", "/"])
def test_other_documents_get_no_embed_caching(client, path):
    response = client.get(path)
    assert response.status_code == 200 and "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")


def test_png_etag_differs_by_language(client):
    """`If-None-Match: *` gets the image's ETag in a 304 without drawing it."""
    english = client.get("/png/contracting-trend?agency=DSS", headers={"If-None-Match": "*"})
    spanish = client.get("/png/contracting-trend?agency=DSS&lang=es", headers={"If-None-Match": "*"})
    assert english.status_code == spanish.status_code == 304
    assert english.headers["ETag"] != spanish.headers["ETag"] and "Cookie" in spanish.headers["Vary"]


def test_embed_etag_changes_when_a_new_release_is_published(settings_for, monkeypatch, tmp_path):
    import data_access.queries as queries
    from app import app
    from data_access.db import get_engine
    from data_access.releases import list_releases, publish, write_release

    settings = settings_for(f"sqlite:///{tmp_path / 'etag.sqlite'}")
    monkeypatch.setattr(queries, "_releases", lambda s, _bucket: list_releases(queries.engine(s)))
    engine = get_engine(settings.database_url)
    write_release(engine, release("old"), {})  # the document's caching needs the release, not its tables
    publish(engine, "old")
    client = app.server.test_client(use_cookies=False)
    before = client.get("/embed/overview-cards").headers["ETag"]
    assert client.get("/embed/overview-cards", headers={"If-None-Match": before}).status_code == 304
    write_release(engine, release("new"), {})
    publish(engine, "new")
    after = client.get("/embed/overview-cards", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before  # the cached copy is stale now
    pinned = client.get("/embed/overview-cards?release=old").headers["ETag"]
    assert pinned not in (before, after.headers["ETag"])
