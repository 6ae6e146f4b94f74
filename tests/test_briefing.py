"""Briefing packs (DESIGN §6 `/briefing/<scope>`): the PDF's text against what the pages show the same viewer.

The reference for "what the page shows the public" is the page's own chart parts as its embeds serve them
(same builders, the anonymous viewer); the reference for what the public must never see is the release
table itself (a benchmark suppressed for the public).
"""
from __future__ import annotations

import io
import os
import re
import sqlite3

import pytest

from data_access.db import get_engine
from data_access.queries import current_settings, read_table
from data_access.users import add_user
from tests.public_pages import component_ids, page

PASSWORD = "correct horse battery staple"
MAX_BYTES = 2 * 1024 * 1024
MARK = "suppressed (fewer than"
AGENCY_CHARTS = ("agency-benchmarks", "agency-utilization", "agency-selection", "agency-contracting-small",
                 "agency-contracting-minority", "agency-plans", "agency-training")


def squash(text: str) -> str:
    """Text without whitespace: a PDF breaks lines and table cells where it likes."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() or "" for p in reader.pages)


@pytest.fixture(scope="module")
def brief_db(published_demo, tmp_path_factory):
    """A copy of the demo database with a statewide user."""
    if not os.path.exists("/usr/bin/chromium"):
        from tests.conftest import service_missing

        service_missing("Chromium", "/usr/bin/chromium is not installed")
    folder = tmp_path_factory.mktemp("briefing")
    source = sqlite3.connect(published_demo["settings"].database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(folder / "brief.sqlite") as target:
        source.backup(target)
    source.close()
    url = f"sqlite:///{folder / 'brief.sqlite'}"
    add_user(get_engine(url), "briefing-gov", PASSWORD, "statewide")  # the copy may hold a "gov" of other tests
    yield {**published_demo["env"], "CT_EQUITY_DATABASE_URL": url, "CT_EQUITY_DATA_DIR": str(folder)}
    from web.png import renderer

    renderer().close()


@pytest.fixture
def client(brief_db, monkeypatch):
    for key, value in brief_db.items():
        monkeypatch.setenv(key, value)
    current_settings.cache_clear()
    from app import app

    app.server.config["TESTING"] = True
    yield app.server.test_client()
    current_settings.cache_clear()


def signed_in(client):
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    done = client.post("/login", data={"csrf": token, "username": "briefing-gov", "password": PASSWORD, "next": "/"})
    assert done.status_code in (302, 303), done.get_data(as_text=True)[:300]
    return client


def public_parts(chart_id: str, **params: str):
    """The chart parts a page shows the public (its embed: the same builder, the anonymous viewer)."""
    from embeds.render import render

    rendered = render(current_settings(), chart_id, params)
    return None if rendered is None else rendered.parts


def shown_text(parts) -> list[str]:
    """The summary and every table cell of a chart part."""
    cells = [str(v) for row in parts.table.itertuples(index=False) for v in row if str(v) not in ("", "None", "nan")]
    return [parts.summary, *cells]


def get_pdf(client, address: str) -> bytes:
    response = client.get(address)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert len(response.data) < MAX_BYTES
    return response.data


def test_the_state_pdf_holds_the_overviews_headline_statuses_and_figures(client):
    pages, text = pdf_text(get_pdf(client, "/briefing/state?format=pdf"))
    assert 1 <= pages <= 6
    cards = public_parts("overview-cards")
    flat = squash(text)
    for chart_id in ("contracting-small", "contracting-minority", "plans-status"):  # chart and summary
        parts = public_parts(chart_id)
        assert squash(parts.title) in flat and squash(parts.summary) in flat, chart_id
    for item in shown_text(cards):
        assert squash(item) in flat, item
    for status in cards.table["status"]:  # symbol and word, as on the cards
        assert squash(status) in flat
    assert "Source: release table benchmark_progress" in text


def test_the_agency_pdf_holds_the_scorecards_figures_and_suppression_marks_for_the_public(client):
    _pages, text = pdf_text(get_pdf(client, "/briefing/DOC?format=pdf"))
    flat = squash(text)
    expected_marks = 0
    for chart_id in AGENCY_CHARTS:
        parts = public_parts(chart_id, agency="DOC")
        if parts is None:
            continue
        for item in shown_text(parts):
            assert squash(item) in flat, (chart_id, item)
            expected_marks += squash(item).count(squash(MARK))
    assert expected_marks > 0, "the demo's DOC should have cells suppressed for the public"
    assert flat.count(squash(MARK)) == expected_marks


def test_an_anonymous_pdf_holds_no_figure_the_public_page_hides(client):
    settings = current_settings()
    hidden = read_table(settings, "benchmark_progress", current_settings_release(), scope="agency", scope_id="DOC",
                        metric_key="workforce.share.female")
    latest = hidden.sort_values("year").iloc[-1]
    assert bool(latest["suppressed"]), "the demo's DOC female-share benchmark is suppressed for the public"
    secret = f"{latest['value'] * 100:.1f} %"
    _pages, text = pdf_text(get_pdf(client, "/briefing/DOC?format=pdf"))
    row = next(line for line in text.splitlines() if "Women as a share of the agency's workforce" in line)
    assert secret not in row and "—" in row
    html = client.get("/briefing/DOC").get_data(as_text=True)
    assert "Women as a share of the agency" in html
    assert re.search(r"Women as a share of the agency&#39;s workforce</td><td>\d+</td><td>—</td>", html)


def current_settings_release() -> str:
    from data_access.queries import resolve_release
    from data_access.viewer import ANONYMOUS

    return resolve_release(current_settings(), ANONYMOUS, None).release_id


def test_a_statewide_viewer_gets_their_own_pack_with_fewer_suppressed_cells(client):
    _pages, public = pdf_text(get_pdf(client, "/briefing/DOC?format=pdf"))
    _pages, staff = pdf_text(get_pdf(signed_in(client), "/briefing/DOC?format=pdf"))
    assert "Figures as shown to statewide staff" in staff and "Figures as shown to the public" in public
    assert squash(staff).count(squash(MARK)) < squash(public).count(squash(MARK))
    response = client.get("/briefing/DOC?format=pdf")
    assert response.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("scope", ["nope", "ZZZ", "0900000000", "09110010800", "..", "%2e%2e",
                                   "%3Cscript%3Ealert(1)%3C", "DOC%27%3B%20DROP%20TABLE", "x" * 200,
                                   "STATE", "%00"])
def test_a_hostile_or_unknown_scope_is_a_clear_404(client, scope):
    response = client.get(f"/briefing/{scope}?format=pdf")
    assert response.status_code == 404
    assert "There is no briefing for this address" in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["format=exe", "format=pdf&format=html", "release=nope",
                                   "release=" + "1" * 300])
def test_hostile_parameters_are_a_clear_404(client, query):
    assert client.get(f"/briefing/state?{query}").status_code == 404


def test_the_printable_page_and_the_spanish_pdf(client):
    town = read_table(current_settings(), "towns", current_settings_release()).iloc[0]
    page_html = client.get(f"/briefing/{town['town_geoid']}")
    assert page_html.status_code == 200 and page_html.mimetype == "text/html"
    body = page_html.get_data(as_text=True)
    assert town["town_name"] in body and "@page" in body and "format=pdf" in body
    _pages, spanish = pdf_text(get_pdf(client, "/briefing/state?format=pdf&lang=es"))
    assert "Informe: Resumen de todo el estado" in spanish
    # A town's Spanish pack names its measures by their Spanish labels (measures.csv label_es, DESIGN §2).
    measures = read_table(current_settings(), "measures", current_settings_release())
    shown = set(read_table(current_settings(), "town_measures", current_settings_release())["measure_id"])
    measure = measures[measures["measure_id"].isin(shown) & measures["label_es"].notna()].iloc[0]
    _pages, town_es = pdf_text(get_pdf(client, f"/briefing/{town['town_geoid']}?format=pdf&lang=es"))
    flat = " ".join(town_es.split())
    assert measure["label_es"] in flat and measure["label"] not in flat


def test_a_busy_renderer_turns_the_request_away_at_once(client, monkeypatch):
    from briefing import pack_route
    from web.png import RenderGate

    gate = RenderGate(0, 0.1)
    monkeypatch.setattr(pack_route, "render_gate", lambda: gate)
    pack_route.kept_packs.cache_clear()
    with gate.turn():
        response = client.get("/briefing/DCF?format=pdf")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "try again" in response.get_data(as_text=True)


def test_the_overview_scorecard_and_town_profile_link_to_their_briefing(client):
    release = current_settings_release()
    town = read_table(current_settings(), "towns", release).iloc[0]["town_geoid"]
    for name, kwargs, link_id, scope in (("overview", {}, "overview-briefing", "state"),
                                         ("agency", {"code": "DOC"}, "agency-briefing", "DOC"),
                                         ("towns", {"geoid": town}, "towns-briefing", town)):
        link = component_ids(page(name).layout(**kwargs))[link_id]
        assert link.children == "Briefing (PDF)"
        assert link.href.startswith(f"/briefing/{scope}?") and "format=pdf" in link.href
        assert f"release={release}" in link.href
