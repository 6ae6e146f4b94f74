"""The read-only data API (DESIGN §7) on the published demo release: pages, filters, CSV, suppression by
viewer, caching, and problem+json for every bad request."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import codes
from data_access.api_queries import API_TABLES
from data_access.csv_export import csv_text
from data_access.db import get_engine
from data_access.queries import current_settings
from data_access.schema import columns, users
from data_access.suppression import HIDDEN_COLUMNS
from data_access.users import add_user, viewer_of
from data_access.viewer import Viewer

PASSWORD = "correct horse battery staple"
PROBLEM_KEYS = {"type", "title", "status", "detail"}
BOPP_VIEWER = Viewer("agency", frozenset({"BOPP"}))


@pytest.fixture
def client(app_env):
    from api import register_api
    from app import app
    from web.auth import resolve_viewer

    if "api_v1" not in app.server.blueprints:
        register_api(app.server, resolve_viewer)
    engine = get_engine(current_settings().database_url)
    if viewer_of(engine, "bopp-eeo") != BOPP_VIEWER:  # hashing a password is slow: once per session
        with engine.begin() as conn:
            conn.execute(users.delete().where(users.c.username == "bopp-eeo"))
        add_user(engine, "bopp-eeo", PASSWORD, "agency", frozenset({"BOPP"}))
    return app.server.test_client()


def sign_in(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"csrf": token, "username": username, "password": PASSWORD, "next": "/"})
    assert reply.status_code == 302


def all_rows(client, url: str) -> list[dict]:
    """Every row of a view, following `next` links."""
    rows: list[dict] = []
    while url:
        body = client.get(url).get_json()
        rows += body["rows"]
        url = body["next"]
    return rows


@pytest.mark.parametrize("slug", list(API_TABLES))
def test_every_table_answers_with_its_columns_and_full_count(client, app_env, slug):
    table = API_TABLES[slug]
    reply = client.get(f"/api/v1/{slug}?limit=3")
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    body = reply.get_json()
    assert (body["release_id"], body["table"], body["limit"], body["offset"]) == (app_env["release_id"], table, 3, 0)
    with get_engine(current_settings().database_url).connect() as conn:
        stored = conn.execute(text(f"SELECT count(*) FROM {table} WHERE release_id = :r"),
                              {"r": app_env["release_id"]}).scalar_one()
    assert body["count"] == stored > 0
    assert len(body["rows"]) == min(3, body["count"])
    assert all(list(row) == columns(table) for row in body["rows"])
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_walk_through_every_agency_in_key_order(client, app_env, demo_inputs):
    expected = sorted(pd.read_csv(demo_inputs / "agencies.csv", dtype=str)["agency_code"])
    first = client.get("/api/v1/agencies?limit=10").get_json()
    assert first["count"] == len(expected) == 39
    assert first["next"] == f"/api/v1/agencies?release={app_env['release_id']}&limit=10&offset=10"
    codes_seen, offsets, url = [], [], "/api/v1/agencies?limit=10"
    while url:
        body = client.get(url).get_json()
        offsets.append(body["offset"])
        codes_seen += [row["agency_code"] for row in body["rows"]]
        url = body["next"]
    assert offsets == [0, 10, 20, 30] and codes_seen == expected  # 39 rows: the last page holds 9


def test_filters_select_exactly_the_matching_rows(client, demo_inputs):
    url = ("/api/v1/workforce-utilization?fiscal_year=2023&agency_code=DSS&job_category=professionals"
           "&group_dimension=race_ethnicity")
    body = client.get(url).get_json()
    assert body["count"] == len(codes.RACE_ETHNICITY)  # one row per race, even with headcount 0
    assert {row["group_code"] for row in body["rows"]} == set(codes.RACE_ETHNICITY)
    assert all((r["fiscal_year"], r["agency_code"], r["job_category"]) == (2023, "DSS", "professionals")
               for r in body["rows"])
    work = pd.read_csv(demo_inputs / "workforce.csv")
    cell = work[(work.fiscal_year == 2023) & (work.agency_code == "DSS") & (work.job_category == "professionals")]
    by_race = cell.groupby("race_ethnicity")["headcount"].sum()
    for row in body["rows"]:
        if not row["suppressed"]:
            assert row["headcount"] == by_race.get(row["group_code"], 0)
    one = client.get("/api/v1/town-measures?year=2022&town_geoid=0911001080&measure_id=broadband").get_json()
    assert one["count"] == 1 and one["rows"][0]["measure_id"] == "broadband"


def test_csv_has_the_release_and_columns_and_blanks_suppressed_figures(client, app_env):
    reply = client.get("/api/v1/workforce-utilization?fiscal_year=2023&agency_code=BOPP&format=csv&limit=1000")
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert list(rows[0]) == ["release_id", *columns("workforce_utilization")]
    assert int(reply.headers["X-Total-Count"]) == len(rows) > 0
    assert {r["release_id"] for r in rows} == {app_env["release_id"]}
    hidden = [r for r in rows if r["suppressed"] == "true"]
    assert hidden, "BOPP has publicly suppressed cells in 2023"
    assert all(r[c] == "" for r in hidden for c in HIDDEN_COLUMNS["workforce_utilization"])


def test_csv_cells_neutralise_formulas_and_never_write_missing_as_zero():
    text = csv_text(["a", "b"], [{"a": "=HYPERLINK(\"http://x\")", "b": -1.5}, {"a": "+1", "b": None},
                                 {"a": "@SUM(A1)", "b": True}, {"a": "\tx", "b": 0}, {"a": "-2", "b": 3}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["'=HYPERLINK(\"http://x\")", "-1.5"], ["'+1", ""], ["'@SUM(A1)", "true"],
                    ["'\tx", "0"], ["'-2", "3"]]


SUPPRESSED_VIEWS = [
    ("workforce-utilization", "fiscal_year=2023&agency_code=BOPP", "workforce_utilization"),
    ("selection-rates", "agency_code=BOPP", "selection_rates"),
    ("training", "fiscal_year=2024", "training"),
    ("town-measures", "measure_id=lep_served_in_language", "town_measures"),
]


@pytest.mark.parametrize(("slug", "query", "table"), SUPPRESSED_VIEWS)
def test_the_public_gets_null_never_zero_for_suppressed_figures(client, slug, query, table):
    rows = all_rows(client, f"/api/v1/{slug}?{query}&limit=1000")
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden, f"the demo has publicly suppressed {table} rows"
    assert all(r[c] is None for r in hidden for c in HIDDEN_COLUMNS[table])


def test_an_agency_user_sees_its_own_agency_unsuppressed_but_not_another(client, demo_inputs):
    url = "/api/v1/workforce-utilization?fiscal_year=2023&agency_code={}&group_dimension=race_ethnicity&limit=1000"
    public = client.get(url.format("BOPP"))
    public_rows = public.get_json()["rows"]
    assert any(r["suppressed"] for r in public_rows)
    sign_in(client, "bopp-eeo")
    own = client.get(url.format("BOPP"))
    assert own.headers["Cache-Control"] == "private, no-cache" and own.headers["ETag"] != public.headers["ETag"]
    own_rows = own.get_json()["rows"]
    assert not any(r["suppressed"] for r in own_rows) and all(r["headcount"] is not None for r in own_rows)
    work = pd.read_csv(demo_inputs / "workforce.csv")
    cells = work[(work.fiscal_year == 2023) & (work.agency_code == "BOPP")]
    expected = cells.groupby(["job_category", "race_ethnicity"])["headcount"].sum()
    for row in own_rows:
        if row["job_category"] != "ALL":
            assert row["headcount"] == expected.get((row["job_category"], row["group_code"]), 0)
    other = client.get(url.format("OSC")).get_json()["rows"]
    assert any(r["suppressed"] for r in other)
    assert all(r["headcount"] is None for r in other if r["suppressed"])


def test_etag_gives_304_and_public_caching_for_the_current_release(client):
    first = client.get("/api/v1/measures")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300" and "Cookie" in first.headers["Vary"]
    again = client.get("/api/v1/measures", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    weak = client.get("/api/v1/measures", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    assert client.get("/api/v1/measures?limit=2", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/api/v1/measures?limit=2").headers["ETag"] != etag
    head = client.head("/api/v1/measures")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag


BAD_REQUESTS = [
    ("/api/v1/agencies?release=20990101-000000-deadbeef-0000", 404, None),
    ("/api/v1/agencies?release=../../etc/passwd", 400, "release"),
    ("/api/v1/workforce-utilization?fiscal_year=20x3", 400, "fiscal_year"),
    ("/api/v1/workforce-utilization?fiscal_year=1850", 400, "fiscal_year"),
    ("/api/v1/workforce-utilization?agency_code=DSS' OR '1'='1", 400, "agency_code"),
    ("/api/v1/workforce-utilization?job_category=professionals'; DROP TABLE releases; --", 400, "job_category"),
    ("/api/v1/town-measures?town_geoid=0911001080 OR 1=1", 400, "town_geoid"),
    ("/api/v1/benchmark-progress?metric_key=x%00y", 400, "metric_key"),
    ("/api/v1/agencies?1=1;--", 400, "1"),
    ("/api/v1/workforce-utilization?headcount=3", 400, "headcount"),  # no filtering on a figure
    ("/api/v1/agencies?limit=0", 400, "limit"),
    ("/api/v1/agencies?limit=100000", 400, "limit"),
    ("/api/v1/agencies?limit=ten", 400, "limit"),
    ("/api/v1/agencies?offset=-1", 400, "offset"),
    ("/api/v1/agencies?format=xml", 400, "format"),
    ("/api/v1/agencies?agency_code=DSS&agency_code=DOC", 400, "agency_code"),
    ("/api/v1/users", 404, None),
    ("/api/v1/geometry", 404, None),
    ("/api/v1/releases/nope", 404, None),
    ("/api/v1/agencies/DSS/x", 404, None),
]


@pytest.mark.parametrize(("url", "status", "parameter"), BAD_REQUESTS)
def test_bad_requests_get_problem_json_naming_the_parameter(client, app_env, url, status, parameter):
    reply = client.get(url)
    assert reply.status_code == status and reply.mimetype == "application/problem+json"
    body = reply.get_json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status and body.get("parameter") == parameter
    assert client.get("/api/v1/agencies").get_json()["count"] == 39  # nothing was dropped


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_only_reading_is_allowed(client, method):
    reply = client.open("/api/v1/agencies", method=method)
    assert reply.status_code == 405 and reply.mimetype == "application/problem+json"
    assert reply.headers["Allow"] == "GET, HEAD, OPTIONS"
    preflight = client.options("/api/v1/agencies")
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_database_unavailable_is_a_503_problem(client, monkeypatch, tmp_path):
    monkeypatch.setenv("CT_EQUITY_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")  # refused
    monkeypatch.setenv("CT_EQUITY_DATA_DIR", str(tmp_path))  # an empty query cache too
    current_settings.cache_clear()
    reply = client.get("/api/v1/agencies")
    assert reply.status_code == 503 and reply.mimetype == "application/problem+json"
    assert "Traceback" not in reply.get_data(as_text=True) and reply.headers["Retry-After"]


def test_releases_list_and_detail(client, app_env):
    listing = client.get("/api/v1/releases").get_json()
    assert listing["current_release_id"] == app_env["release_id"]
    [current] = [r for r in listing["rows"] if r["current"]]
    assert current["status"] == "published" and current["created_at"].endswith("Z")
    detail = client.get(f"/api/v1/releases/{app_env['release_id']}").get_json()
    built = app_env["result"].tables
    assert detail["tables"]["workforce_utilization"] == len(built["workforce_utilization"])
    assert detail["tables"]["agencies"] == 39


def test_openapi_document_describes_every_endpoint_from_the_schema(client):
    reply = client.get("/api/v1/openapi.json")
    doc = reply.get_json()
    assert doc["openapi"].startswith("3.") and doc["servers"] == [{"url": "/api/v1"}]
    assert set(doc["paths"]) == {f"/{slug}" for slug in API_TABLES} | {"/releases", "/releases/{release_id}",
                                                                       "/changes"}
    row = doc["components"]["schemas"]["WorkforceUtilizationRow"]
    assert list(row["properties"]) == columns("workforce_utilization")
    assert row["properties"]["headcount"] == {"type": "integer", "nullable": True}  # suppressible
    assert row["properties"]["fiscal_year"] == {"type": "integer"}
    assert row["properties"]["suppressed"] == {"type": "boolean"}
    params = {p.get("name"): p for p in doc["paths"]["/workforce-utilization"]["get"]["parameters"]}
    assert set(params["job_category"]["schema"]["enum"]) == {*codes.JOB_CATEGORIES, "ALL"}
    assert params["group_dimension"]["schema"]["enum"] == list(codes.GROUP_DIMENSIONS)
    assert "headcount" not in params
    problem = doc["components"]["responses"]["BadRequest"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_api_queries_filter_and_page_on_both_databases(db_url, settings_for):
    from datetime import UTC, datetime

    from data_access.api_queries import api_page
    from data_access.releases import write_release
    from data_access.viewer import ANONYMOUS

    settings = settings_for(db_url)
    # 2 years × 3 agencies of training rows; C in 2024 is suppressed (3 of 4 trained: a count below k = 5).
    rows = [{"fiscal_year": y, "agency_code": a, "employees": 40 if a != "C" else 4,
             "completed": 30 if a != "C" else 3, "completion_rate": 0.75, "suppressed": (y, a) == (2024, "C")}
            for y in (2023, 2024) for a in ("C", "A", "B")]
    release = {"release_id": "api-db-test", "created_at": datetime.now(UTC), "inputs_sha256": "0" * 64,
               "code_version": "test", "notes": "", "synthetic": True}
    write_release(get_engine(db_url), release, {"training": pd.DataFrame(rows)})
    total, page = api_page(settings, ANONYMOUS, "training", "api-db-test", (("fiscal_year", 2024),), 2, 1)
    assert total == 3
    assert list(page["agency_code"]) == ["B", "C"]  # key order A, B, C; offset 1, limit 2
    hidden = page[page["agency_code"] == "C"].iloc[0]
    assert hidden["suppressed"] and hidden["completed"] is None and hidden["completion_rate"] is None
    none, empty = api_page(settings, ANONYMOUS, "training", "api-db-test", (("agency_code", "X' OR '1'='1"),), 10, 0)
    assert none == 0 and empty.empty
