"""Embeds (DESIGN §7): signed addresses, one chart per embed for the public, framing headers, chart images."""
from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import os
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embeds import registry
from embeds import signing as em
from geo.towns import towns
from tests.layouts import panel_table, texts, walk

SECRET = "correct horse battery staple"
KEYS = st.sampled_from(["release", "measure", "year", "group", "region", "peer", "x"])
VALUES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                 max_size=12)


def reference_sig(secret: str, text: str) -> str:
    """HMAC-SHA256 of the canonical text, computed here without the code under test."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- signing
def test_signature_is_hmac_sha256_of_chart_id_and_sorted_parameters():
    params = {"year": "2025", "measure": "broadband", "region": "09110"}
    # canonical text by hand: chart id, '?', parameters sorted by name, URL-encoded
    expected = reference_sig(SECRET, "access-map?measure=broadband&region=09110&year=2025")
    assert em.sign(SECRET, "access-map", params) == expected
    assert em.verify(SECRET, "access-map", {**params, "sig": expected})


def test_normalisation_ignores_order_whitespace_and_empty_values():
    sig = em.sign(SECRET, "access-map", {"measure": "broadband", "year": "2025"})
    same = {"year": " 2025 ", "group": "", "measure": "broadband", "sig": sig}
    assert em.verify(SECRET, "access-map", same)


@pytest.mark.parametrize("change", [
    {"year": "2024"},  # tampered value
    {"region": "09120"},  # extra parameter
    {"measure": "broadband", "extra": "1"},  # extra unknown parameter
])
def test_changed_address_is_refused(change):
    params = {"measure": "broadband", "year": "2025"}
    sig = em.sign(SECRET, "access-map", params)
    assert not em.verify(SECRET, "access-map", {**params, **change, "sig": sig})
    assert em.refusal(SECRET, "access-map", {**params, **change, "sig": sig}) == em.REFUSED


@pytest.mark.parametrize("sig", [None, "", "abc", "z" * 64, "0" * 64, "0" * 63, ["0" * 64]])
def test_missing_or_malformed_signature_is_refused(sig):
    params = {"measure": "broadband"} if sig is None else {"measure": "broadband", "sig": sig}
    assert not em.verify(SECRET, "access-map", params)
    assert em.refusal(SECRET, "access-map", params) == em.REFUSED


def test_wrong_secret_and_other_chart_are_refused():
    params = {"year": "2025"}
    sig = reference_sig("another secret", "contracting-small?year=2025")
    assert not em.verify(SECRET, "contracting-small", {**params, "sig": sig})
    good = reference_sig(SECRET, "contracting-small?year=2025")
    assert em.verify(SECRET, "contracting-small", {**params, "sig": good})
    assert not em.verify(SECRET, "contracting-minority", {**params, "sig": good})  # moved to another chart


def test_hex_in_either_case_and_urlsafe_base64_are_accepted():
    digest = hmac.new(SECRET.encode(), b"overview-cards?year=2024", hashlib.sha256).digest()
    for sig in (digest.hex(), digest.hex().upper(), base64.urlsafe_b64encode(digest).decode(),
                base64.urlsafe_b64encode(digest).decode().rstrip("=")):
        assert em.verify(SECRET, "overview-cards", {"year": "2024", "sig": sig}), sig


def test_no_secret_means_unsigned_addresses_work():
    assert em.refusal("", "access-map", {"measure": "broadband"}) is None
    assert not em.verify("", "access-map", {"measure": "broadband", "sig": "0" * 64})


def test_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(em.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    sig = em.sign(SECRET, "access-map", {"year": "2025"})
    assert em.verify(SECRET, "access-map", {"year": "2025", "sig": sig})
    assert len(calls) == 1 and all(isinstance(x, bytes) and len(x) == 32 for x in calls[0])


@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5), st.data())
def test_any_signed_view_verifies_and_any_changed_value_does_not(params, data):
    signed = {**params, "sig": em.sign(SECRET, "access-map", params)}
    assert em.verify(SECRET, "access-map", signed)
    key = data.draw(st.sampled_from(sorted(params)))
    new = data.draw(VALUES.filter(lambda v: v.strip() != params[key].strip()))
    assert not em.verify(SECRET, "access-map", {**signed, key: new})


def test_signed_query_round_trips_through_verify():
    query = em.signed_query(SECRET, "access-map", {"year": 2025, "measure": "broadband", "group": None})
    from urllib.parse import parse_qsl

    assert query.startswith("?measure=broadband&year=2025&sig=")
    assert em.verify(SECRET, "access-map", dict(parse_qsl(query[1:])))
    assert em.signed_query("", "access-map", {"year": "2025"}) == "?year=2025"


def test_the_language_is_not_part_of_the_signature():
    """A signed embed can be shown in either language; every other added parameter breaks the signature."""
    from urllib.parse import parse_qsl

    signed = dict(parse_qsl(em.signed_query(SECRET, "access-map", {"year": "2025", "measure": "broadband"})[1:]))
    assert em.verify(SECRET, "access-map", {**signed, "lang": "es"})
    assert em.verify(SECRET, "access-map", {**signed, "lang": "en"})
    assert not em.verify(SECRET, "access-map", {**signed, "region": "09110"})


# ---------------------------------------------------------------- parameters, frames, code
@pytest.mark.parametrize("chart_id, params, expected", [
    ("access-map", {"measure": "broadband", "utm": "x"}, {"measure": "broadband"}),
    ("access-map", {"measure": ["a", "b"]}, None),  # repeated
    ("access-map", {"measure": "x" * 65}, None),  # overlong
    ("access-map", {"measure": {"$ne": 1}}, None),  # not text
    ("no-such-chart", {}, None),
    (None, {}, None),
    ("contracting-small", {"peer": " health ", "year": ""}, {"peer": "health"}),
])
def test_chart_params_allow_list(chart_id, params, expected):
    importlib.import_module("dashboards.access.embeds")  # the areas register their charts
    importlib.import_module("dashboards.contracting.embeds")
    assert registry.chart_params(chart_id, params) == expected


@pytest.mark.parametrize("setting, expected", [
    ("", "*"),
    ("   ", "*"),
    ("https://portal.ct.gov", "https://portal.ct.gov"),
    ("https://portal.ct.gov/ http://127.0.0.1:8000 https://*.example.org",
     "https://portal.ct.gov http://127.0.0.1:8000 https://*.example.org"),
    ("https://a.gov; script-src *", "'none'"),  # the whole token is not an origin, so it is dropped
    ("https://a.gov 'unsafe-inline' javascript:alert(1)", "https://a.gov"),
])
def test_frame_ancestors_from_the_setting(setting, expected):
    assert em.frame_ancestors(setting) == expected


@pytest.mark.parametrize("path, expected", [
    ("/embed/access-map", True), ("embed/access-map/", True), ("/embed", False), ("/embed/", False),
    ("/embedded/x", False), ("/", False), ("/embed/a/b", False), ("/access", False),
])
def test_is_embed_path(path, expected):
    assert em.is_embed_path(path) is expected


def test_iframe_code_escapes_title_and_address():
    code = em.iframe_code('https://x.gov/embed/a?b=1&c=2', 'Title "with" <quotes>')
    assert code == ('<iframe src="https://x.gov/embed/a?b=1&amp;c=2" title="Title &quot;with&quot; '
                    '&lt;quotes&gt;" width="100%" height="520" style="border:0" loading="lazy"></iframe>')


# ---------------------------------------------------------------- the embed page, chart by chart
@pytest.fixture
def embed(app_env):
    import app as app_module

    with app_module.app.server.test_request_context("/embed/x"):
        yield importlib.import_module("embeds.page")


def grid_rows(component) -> list[dict]:
    return panel_table(component)["rowData"]


def figure_of(component):
    return next(n for n in walk(component) if type(n).__name__ == "Graph").figure


def db(app_env) -> sqlite3.Connection:
    return sqlite3.connect(app_env["env"]["CT_EQUITY_DATABASE_URL"].removeprefix("sqlite:///"))


def test_access_map_embed_shows_the_region_s_towns(embed, app_env):
    page = embed.layout(chart_id="access-map", measure="broadband", year="2024", region="09110")
    text = texts(page)
    assert "not available" not in text and "Households with broadband, 2024" in text
    capitol = towns()[towns()["region_id"] == "09110"]  # the built-in town table, not the release
    assert len(grid_rows(page)) == len(capitol) == 38
    assert {r["town_name"] for r in grid_rows(page)} == set(capitol["town_name"])
    trace = figure_of(page)["data"][0]
    assert len(trace["locations"]) == 169
    assert trace["geojson"].endswith(f"/geo/{app_env['release_id']}/clockwise/town.geojson")
    assert "Download PNG" in text and "Download CSV" in text and app_env["release_id"] in text


def test_contracting_embed_ranks_the_peer_group(embed, app_env):
    with db(app_env) as conn:
        health = {r[0] for r in conn.execute("select agency_name from agencies where peer_group = 'health'")}
    page = embed.layout(chart_id="contracting-minority", year="2023", peer="health")
    rows = grid_rows(page)
    assert {r["agency"] for r in rows} == health and len(rows) == 5
    shares = [r["share"] for r in rows if r["share"] is not None]
    assert shares == sorted(shares, reverse=True)  # ranked, highest first
    assert "FY2023" in texts(page)


def test_overview_cards_embed_has_six_domains(embed):
    page = embed.layout(chart_id="overview-cards", year="2024")
    assert [r["domain"] for r in grid_rows(page)] == [
        "Workforce representation", "Hiring, promotion and separation", "Access to state services",
        "Small and minority business contracting", "Agency equity plans", "Equity training"]
    assert "In 2024," in texts(page)


def test_disparities_embed_shows_each_group_with_an_interval(embed):
    page = embed.layout(chart_id="disparities-groups", measure="broadband", year="2025", level="region",
                        area="09110", group="hispanic")
    rows = grid_rows(page)
    assert rows[0]["group"] == "Hispanic or Latino" and rows[-1]["group"] == "All residents"
    assert all(r["ci_low"] <= r["value"] <= r["ci_high"] for r in rows)
    assert "Capitol Planning Region" in texts(page)


def test_agency_embed_is_public_even_for_a_signed_in_statewide_user(embed, app_env, monkeypatch):
    from dashboards import _shared as _helpers
    from data_access.viewer import Viewer

    monkeypatch.setattr(_helpers, "resolve_viewer", lambda: Viewer("statewide"))
    page = embed.layout(chart_id="agency-utilization", agency="dss", year="2025")
    rows = grid_rows(page)
    with db(app_env) as conn:
        (cells,) = conn.execute("select count(*) from workforce_utilization where agency_code = 'DSS' and "
                                "fiscal_year = 2025 and group_dimension = 'race_ethnicity'").fetchone()
    assert len(rows) == cells == 56  # 8 job-category lines (all + 7) × 7 groups
    k = int(app_env["settings"].suppression_k)
    employees = [r["employees"] for r in rows]
    assert f"suppressed (fewer than {k})" in employees  # the public view, not the statewide one
    assert not any(e.replace(",", "").isdigit() and 0 < int(e.replace(",", "")) < k for e in employees)


@pytest.mark.parametrize("chart_id, params", [
    ("no-such-chart", {}),
    ("access-map", {"measure": "zzz"}),
    ("access-map", {"year": "1900"}),
    ("access-map", {"region": "99999"}),
    ("access-map", {"group": "martians"}),
    ("access-map", {"measure": ["broadband", "uninsured"]}),
    ("access-map", {"release": "20990101-000000-deadbeef"}),
    ("overview-cards", {"year": "abc"}),
    ("overview-benchmark", {"benchmark": "'; DROP TABLE benchmark_progress; --"}),
    ("overview-benchmark", {"benchmark": "workforce.share"}),
    ("agency-utilization", {}),  # the agency is required
    ("agency-utilization", {"agency": "NOPE"}),
    ("agency-utilization", {"agency": "DSS", "dimension": "height"}),
    ("disparities-groups", {"area": "'; DROP TABLE towns; --"}),
    ("disparities-groups", {"level": "planet"}),
    ("contracting-small", {"peer": "aliens"}),
    ("contracting-small", {"year": "x" * 500}),
])
def test_bad_addresses_say_not_available(embed, chart_id, params):
    text = texts(embed.layout(chart_id=chart_id, **params))
    assert em.NOT_AVAILABLE in text and "Download" not in text


def test_with_a_secret_only_the_signed_address_is_shown(embed, monkeypatch):
    from data_access.queries import current_settings

    monkeypatch.setenv("CT_EQUITY_EMBED_SECRET", SECRET)
    current_settings.cache_clear()
    params = {"measure": "broadband", "year": "2024"}
    assert em.REFUSED in texts(embed.layout(chart_id="access-map", **params))
    sig = reference_sig(SECRET, "access-map?measure=broadband&year=2024")
    assert "Households with broadband, 2024" in texts(embed.layout(chart_id="access-map", **params, sig=sig))
    assert em.REFUSED in texts(embed.layout(chart_id="access-map", **{**params, "year": "2025"}, sig=sig))
    current_settings.cache_clear()


# ---------------------------------------------------------------- framing headers
@pytest.fixture
def client(app_env):
    from app import app

    return app.server.test_client()


def csp(response) -> dict[str, str]:
    parts = [p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";")]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_embed_documents_may_be_framed_by_anyone_when_no_list_is_set(client):
    response = client.get("/embed/access-map?measure=broadband")
    assert response.status_code == 200 and "X-Frame-Options" not in response.headers
    assert csp(response)["frame-ancestors"] == "*"


def test_embed_documents_may_be_framed_only_by_the_configured_sites(client, monkeypatch):
    from data_access.queries import current_settings

    monkeypatch.setenv("CT_EQUITY_FRAME_ANCESTORS", "https://portal.ct.gov https://*.example.org")
    current_settings.cache_clear()
    response = client.get("/embed/contracting-small")
    assert csp(response)["frame-ancestors"] == "https://portal.ct.gov https://*.example.org"
    assert "X-Frame-Options" not in response.headers
    current_settings.cache_clear()


@pytest.mark.parametrize("path", ["/", "/access", "/embed", "/embed/a/b", "/png/access-map"])
def test_other_pages_are_never_framed(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"


# ---------------------------------------------------------------- chart images
@pytest.fixture(scope="module")
def warm_renderer():
    """One Chromium for the image tests of this module, closed after them."""
    from web.png import renderer

    yield renderer()
    renderer().close()


@pytest.fixture
def png_client(app_env, warm_renderer):
    from flask import Flask

    from app import app
    from web.png import register_png_route

    if not os.path.exists("/usr/bin/chromium"):
        from tests.conftest import service_missing

        service_missing("Chromium", "/usr/bin/chromium is not installed")
    server = app.server
    if "ct_equity_png" not in server.view_functions:  # app.py does not register it (yet): a bare server
        server = Flask("png_test")
        register_png_route(server)
    return server.test_client()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR follows the 8-byte signature and 8 bytes of chunk head)."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.browser
@pytest.mark.parametrize("path, width", [
    ("/png/contracting-small?year=2025&peer=health", 1000),
    ("/png/access-map?measure=broadband&year=2024&region=09110", 800),
])
def test_png_is_a_real_image_cached_by_release(png_client, app_env, path, width):
    response = png_client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    data = response.data
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert png_size(data)[0] == 2 * width  # drawn at scale 2
    assert 300 < png_size(data)[1] < 5000 and 20_000 < len(data) < 3_000_000
    assert "max-age=300" in response.headers["Cache-Control"]  # no release named: the current one
    again = png_client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    pinned = png_client.get(f"{path}&release={app_env['release_id']}")
    assert pinned.status_code == 200 and "max-age=86400" in pinned.headers["Cache-Control"]
    assert pinned.headers["ETag"] != response.headers["ETag"]


@pytest.mark.browser
def test_png_refuses_bad_and_unsigned_addresses(png_client, monkeypatch):
    from data_access.queries import current_settings

    assert png_client.get("/png/nothing").status_code == 404
    assert png_client.get("/png/access-map?measure=zzz").status_code == 404
    plain = png_client.get("/png/disparities-groups?year=2025")
    smuggled = png_client.get('/png/disparities-groups?year=2025&figure={"data":[{"type":"bar"}]}')
    assert smuggled.status_code == 200 and smuggled.headers["ETag"] == plain.headers["ETag"]  # never drawn
    monkeypatch.setenv("CT_EQUITY_EMBED_SECRET", SECRET)
    current_settings.cache_clear()
    refused = png_client.get("/png/contracting-small?year=2025")
    assert refused.status_code == 403 and b"changed or is not signed" in refused.data
    sig = reference_sig(SECRET, "contracting-small?year=2025")
    assert png_client.get(f"/png/contracting-small?year=2025&sig={sig}").status_code == 200
    current_settings.cache_clear()


def test_recent_images_keep_the_last_ones_used():
    from web.png import RecentImages

    kept = RecentImages(2)
    kept.put("a", b"1")
    kept.put("b", b"2")
    assert kept.get("a") == b"1"  # "a" is now the most recent
    kept.put("c", b"3")  # so "b" goes
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (b"1", None, b"3")


def test_the_areas_register_the_36_embeddable_charts_with_their_parameters():
    """The registry, filled by each page area, holds exactly the charts and parameters of the README's list."""
    import app  # noqa: F401  (the pages, and with them their areas' charts)

    town = ("release", "measure", "year", "group", "region")
    workforce = ("release", "year", "agency", "category", "dimension", "convention")
    plans = ("release", "year", "status", "peer", "q")
    assert registry.CHART_PARAMS == {
        "overview-cards": ("release", "year"), "overview-benchmark": ("release", "year", "benchmark"),
        "agency-utilization": ("release", "agency", "year", "dimension", "convention"),
        "access-map": town, "access-ranked": town, "access-lens": town,
        "disparities-groups": ("release", "measure", "year", "level", "area", "group"),
        "contracting-small": ("release", "year", "peer"), "contracting-minority": ("release", "year", "peer"),
        "workforce-representation": workforce, "workforce-trend": workforce, "workforce-level": workforce,
        "workforce-selection": ("release", "year", "agency", "category", "dimension"),
        "disparities-ratio-trend": ("release", "measure", "area", "group"),
        "disparities-dissimilarity": ("release", "measure", "year", "level"),
        "disparities-theil-split": ("release", "measure", "year"),
        "disparities-theil-trend": ("release", "measure", "area"),
        "contracting-trend": ("release", "agency"),
        "agencies-list": ("release", "year", "peer"),
        "agency-selection": ("release", "agency", "year", "dimension", "category"),
        **{f"agency-{c}": ("release", "agency", "year")
           for c in ("contracting-small", "contracting-minority", "plans", "training", "benchmarks",
                     "casework-complaints", "casework-accommodations", "casework-goals")},
        "plans-status": plans, "plans-directory": plans,
        "town-profile": ("release", "geoid", "year"),
        **{f"casework-{c}": ("release", "agency", "by", "year")
           for c in ("complaints", "forums", "closing", "accommodations", "goals")},
    }
    assert registry.CHARTS["access-map"].image_width == 800 and registry.CHARTS["town-profile"].image_width == 1000


def test_the_agencies_list_embed_links_each_agency_in_a_plain_table(embed, app_env):
    """The list is a grid on its page; an embed draws it as a plain table whose links open the site in a new tab."""
    rid = app_env["release_id"]
    page = embed.layout(chart_id="agencies-list", year="2024")
    assert not [n for n in walk(page) if getattr(n, "_namespace", None) == "dash_ag_grid"]
    table = next(n for n in walk(page) if getattr(n, "id", None) == "agencies-table")
    links = {a.children: a for a in walk(table) if type(a).__name__ == "A"}
    assert len(links) == len(grid_rows(page)) == 39  # every agency, as in the panel's data table
    doc = links["Department of Correction"]
    assert (doc.href, doc.target) == (f"/agencies/DOC?release={rid}&year=2024", "_blank")
