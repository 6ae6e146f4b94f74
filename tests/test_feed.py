"""The status feed (DESIGN §7): two published releases that differ in known statuses, and a draft after them.

The second release is the demo release with five benchmarks' latest statuses changed by hand (two of them
suppressed for the public) and one figure moved without a status change; the draft changes one more status.
The feed must hold exactly the three public changes, nothing from the draft, and never a hidden figure.
"""
from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from data_access.db import get_engine
from data_access.feed_queries import published_history
from data_access.queries import current_settings, read_table
from data_access.releases import ReleaseInfo, list_releases, publish, write_release
from data_access.schema import RELEASE_TABLES

NS = {"a": "http://www.w3.org/2005/Atom"}
# (metric_key, scope, scope_id) → new status of its latest year in the second release
PUBLIC_CHANGES = {
    ("training.completion", "state", "09"): "moving_away",
    ("workforce.share.hispanic", "agency", "DOC"): "met",
    ("access.office_distance.value", "region", "09160"): "on_track",
}
HIDDEN_CHANGES = {  # suppressed for the public in the demo: their status is never shown, so never a feed entry
    ("workforce.share.female", "agency", "DOC"): "moving_away",
    ("workforce.underutilized_share", "state", "09"): "met",
}
VALUE_ONLY = ("contracting.small_share", "state", "09")  # its figure moves, its status does not
DRAFT_CHANGE = (("contracting.minority_share", "state", "09"), "moving_away")
WORDS = {"met": "Target met", "on_track": "On track", "moving_away": "Moving away from the target",
         "improving_too_slowly": "Improving, but too slowly", "no_detectable_change": "No change beyond noise"}


def _latest(frame, key):
    rows = frame[(frame["metric_key"] == key[0]) & (frame["scope"] == key[1]) & (frame["scope_id"] == key[2])]
    return rows["year"].idxmax()


def _copy(settings, source: str, release_id: str, changes: dict, value_moves: tuple = ()) -> str:
    tables = {name: read_table(settings, name, source) for name in RELEASE_TABLES}
    progress = tables["benchmark_progress"].copy()
    for key, status in changes.items():
        progress.loc[_latest(progress, key), "status"] = status
    for key in value_moves:
        progress.loc[_latest(progress, key), "value"] += 0.01
    tables["benchmark_progress"] = progress
    info = next(r for r in list_releases(get_engine(settings.database_url)) if r.release_id == source)
    release = {"release_id": release_id, "created_at": datetime.now(), "inputs_sha256": info.inputs_sha256,
               "code_version": info.code_version, "notes": "feed test", "synthetic": True,
               "method_version": info.method_version}
    return write_release(get_engine(settings.database_url), release, tables)


@pytest.fixture(scope="module")
def feed_db(published_demo, tmp_path_factory):
    """A copy of the demo database with a second published release and a draft after it."""
    folder = tmp_path_factory.mktemp("feed")
    source = sqlite3.connect(published_demo["settings"].database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(folder / "feed.sqlite") as target:
        source.backup(target)  # the published state may still sit in the write-ahead log
    source.close()
    env = {**published_demo["env"], "CT_EQUITY_DATABASE_URL": f"sqlite:///{folder / 'feed.sqlite'}",
           "CT_EQUITY_DATA_DIR": str(folder)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        current_settings.cache_clear()
        settings = current_settings()
        first = published_demo["release_id"]
        second = _copy(settings, first, "feed-second", {**PUBLIC_CHANGES, **HIDDEN_CHANGES}, (VALUE_ONLY,))
        publish(get_engine(settings.database_url), second)
        _copy(settings, second, "feed-draft", dict([DRAFT_CHANGE]))
        yield {"settings": settings, "first": first, "second": second}
    current_settings.cache_clear()


@pytest.fixture
def client(feed_db, monkeypatch):
    for key in ("CT_EQUITY_DATABASE_URL", "CT_EQUITY_DATA_DIR"):
        monkeypatch.setenv(key, {"CT_EQUITY_DATABASE_URL": feed_db["settings"].database_url,
                                 "CT_EQUITY_DATA_DIR": str(feed_db["settings"].data_dir)}[key])
    current_settings.cache_clear()
    from app import app

    yield app.server.test_client()
    current_settings.cache_clear()


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall("a:entry", NS)


def entry_key(entry: ET.Element) -> tuple[str, str, str]:
    """The benchmark an entry names, from its stable id `urn:ct-equity:status:<release>:<scope>:<id>:<key>`."""
    _urn, _app, _kind, _release, scope, scope_id, key = entry.find("a:id", NS).text.split(":", 6)
    return key, scope, scope_id


def test_the_feed_holds_exactly_the_public_status_changes_and_nothing_from_the_draft(client, feed_db):
    feed = parse(client.get("/feed.atom"))
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("id", "title", "updated", "author/a:name"):
        assert feed.find(f"a:{name}", NS) is not None and feed.find(f"a:{name}", NS).text.strip(), name
    found = {entry_key(e): e for e in entries(feed)}
    assert set(found) == set(PUBLIC_CHANGES)
    for key, new in PUBLIC_CHANGES.items():
        entry = found[key]
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"a:{name}", NS) is not None, name
        assert feed_db["second"] in entry.find("a:id", NS).text
        title = entry.find("a:title", NS).text
        assert title.endswith(WORDS[new]), title
        assert "draft" not in entry.find("a:id", NS).text


def test_entries_carry_old_and_new_status_the_figure_and_an_absolute_link(client, feed_db):
    settings = feed_db["settings"]
    old = read_table(settings, "benchmark_progress", feed_db["first"], metric_key="workforce.share.hispanic",
                     scope="agency", scope_id="DOC").sort_values("year").iloc[-1]
    feed = parse(client.get("/feed.atom", base_url="https://equity.example.gov"))
    entry = next(e for e in entries(feed) if entry_key(e) == ("workforce.share.hispanic", "agency", "DOC"))
    summary = entry.find("a:summary", NS).text
    assert WORDS[old["status"]] in entry.find("a:title", NS).text and "✔ Target met" in entry.find("a:title", NS).text
    assert f"{old['value'] * 100:.1f} %" in summary  # the value is unchanged: the status alone moved
    link = urlsplit(entry.find("a:link", NS).get("href"))
    assert (link.scheme, link.netloc, link.path) == ("https", "equity.example.gov", "/agencies/DOC")
    assert parse_qs(link.query) == {"release": [feed_db["second"]], "year": [str(int(old["year"]))]}


def test_the_agency_filter_keeps_that_agencys_benchmarks_only(client):
    assert [entry_key(e) for e in entries(parse(client.get("/feed.atom?agency=DOC")))] == [
        ("workforce.share.hispanic", "agency", "DOC")]
    assert [entry_key(e) for e in entries(parse(client.get("/feed.atom?agency=doc")))] == [
        ("workforce.share.hispanic", "agency", "DOC")]
    assert entries(parse(client.get("/feed.atom?agency=DCF"))) == []  # an agency with no change: an empty feed


@pytest.mark.parametrize("query", ["agency=ZZZ", "agency=", "agency=DOC&agency=DCF", "agency=" + "D" * 200,
                                   "agency=%3Cscript%3E", "agency=DOC%27%20OR%201%3D1"])
def test_an_unknown_or_malformed_agency_is_a_clear_404(client, query):
    response = client.get(f"/feed.atom?{query}")
    assert response.status_code == 404 and "No agency has this code" in response.text
    assert "<script>" not in response.text


def test_other_parameters_cannot_break_the_feed(client):
    feed = parse(client.get("/feed.atom?lang=xx&foo=%00&release=feed-draft"))
    assert {entry_key(e) for e in entries(feed)} == set(PUBLIC_CHANGES)


def test_a_suppressed_figure_never_appears(client, feed_db):
    body = client.get("/feed.atom").text + client.get("/feed.atom?agency=DOC").text
    hidden = read_table(feed_db["settings"], "benchmark_progress", feed_db["second"], suppressed=True)
    for value in hidden["value"].dropna():
        assert f"{value * 100:.1f} %" not in body and f"{value:.2f}" not in body


def test_the_feed_is_cached_by_etag_and_speaks_spanish(client, feed_db):
    first = client.get("/feed.atom")
    assert client.get("/feed.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    spanish = client.get("/feed.atom?lang=es")
    assert spanish.headers["ETag"] != first.headers["ETag"] and spanish.headers["Content-Language"] == "es"
    feed = parse(spanish)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert {entry_key(e) for e in entries(feed)} == set(PUBLIC_CHANGES)
    assert all("lang=es" in e.find("a:link", NS).get("href") for e in entries(feed))
    assert "Moving away from the target" not in spanish.text
    # A measure's Spanish label (measures.csv label_es, DESIGN §2) names its benchmark; the English one does not.
    catalogue = read_table(feed_db["settings"], "measures", feed_db["second"])
    office = catalogue.set_index("measure_id").loc["office_distance"]
    assert office["label_es"] and office["label_es"] != office["label"]
    title = next(e for e in entries(feed) if entry_key(e)[0] == "access.office_distance.value").find("a:title", NS)
    assert office["label_es"] in title.text and office["label"] not in title.text


def test_every_page_announces_the_feed(client):
    page = client.get("/agencies").text
    assert '<link rel="alternate" type="application/atom+xml"' in page and 'href="/feed.atom"' in page


def _info(rid: str, status: str, published: int | None, created: int) -> ReleaseInfo:
    base = datetime(2026, 1, 1)
    return ReleaseInfo(rid, base + timedelta(days=created), status, "", "", "", True,
                       None if published is None else base + timedelta(days=published))


def test_the_history_is_what_the_public_was_shown_up_to_now():
    one, two, three = _info("r1", "retired", 1, 0), _info("r2", "retired", 5, 2), _info("r3", "draft", None, 4)
    assert [r.release_id for r in published_history([three, replace(two, status="published"), one])] == ["r1", "r2"]
    # r2 rolled back: r1 is current again, and r2's changes leave the feed
    assert [r.release_id for r in published_history([three, two, replace(one, status="published")])] == ["r1"]
    assert published_history([three]) == []


def test_the_diff_reads_each_benchmarks_latest_year_and_never_carries_a_hidden_figure():
    import pandas as pd

    from data_access.changes import benchmark_status_changes

    def rows(*items):
        return pd.DataFrame([{"metric_key": k, "scope": "agency", "scope_id": a, "year": y, "status": s, "value": v,
                              "suppressed": h} for k, a, y, s, v, h in items])

    old = rows(("training.completion", "AAA", 2023, "moving_away", 0.5, False),
               ("training.completion", "AAA", 2024, "on_track", 0.6, False),
               ("training.completion", "BBB", 2024, "on_track", 0.7, False),
               ("training.completion", "CCC", 2024, None, None, True),
               ("training.completion", "DDD", 2024, "met", 0.9, False))
    new = rows(("training.completion", "AAA", 2024, "on_track", 0.6, False),
               ("training.completion", "AAA", 2025, "met", 0.8, False),  # latest year moved: a change
               ("training.completion", "BBB", 2025, None, 0.71, True),  # now hidden: shown as suppressed
               ("training.completion", "CCC", 2025, None, None, True),  # hidden on both sides: nothing
               ("training.completion", "EEE", 2025, "met", 0.9, False))  # new benchmark: not a change
    out = benchmark_status_changes(old, new).set_index("scope_id")
    assert list(out.index) == ["AAA", "BBB"]
    assert out.loc["AAA", ["old_status", "status", "old_year", "year"]].tolist() == ["on_track", "met", 2024, 2025]
    assert out.loc["BBB", "suppressed"] and out.loc["BBB", "value"] is None and out.loc["BBB", "status"] is None


def test_the_methodology_what_changed_lists_the_same_status_changes_as_the_feed(client, feed_db):
    """`/methodology`'s "what changed" for the second release: the public status changes, each with its old and
    new status in symbol and word, and none of the changes the public may not see."""
    with client.application.test_request_context("/methodology"):
        from dashboards.methodology import page

        content = page.compare(feed_db["second"])[0]
    text = str(content)
    assert "methodology-status-changes" in text
    rows = [row for row in content.children[1].children[1].children.children[1].children]
    assert len(rows) == len(PUBLIC_CHANGES)
    for new in PUBLIC_CHANGES.values():
        assert f"{WORDS[new]} (was " in text
    assert "Women" not in text and "under-represented" not in text  # the two changes hidden from the public
