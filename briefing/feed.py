"""The status feed as an Atom 1.0 document (DESIGN §7): one entry per benchmark whose status changed between
consecutive published releases, built with `xml.etree` from the frames of `data_access.feed_queries`.

Benchmark words and figures are the pages' own (the overview's for the state and regions, the scorecard's for
agencies), so an entry reads as the page it links to. Everything here is pure; `briefing.feed_route` serves it.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import pandas as pd

from components.formatting import day, status_label
from components.i18n import _
from dashboards.agencies.transforms import metric_value, metric_words
from dashboards.overview.transforms import format_metric, metric_label
from data_access.releases import ReleaseInfo

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)
FEED_ID = "urn:ct-equity:feed:benchmark-status"
AUTHOR = "CT Equity Benchmarks"


@dataclass(frozen=True)
class FeedContext:
    """What entries need besides the changes: absolute base URL, names of scopes, measure units, language."""

    base_url: str  # e.g. "https://equity.ct.gov" (no trailing slash)
    agency_names: dict[str, str]
    region_names: dict[str, str]
    measure_labels: dict[str, str]
    measure_units: dict[str, str]
    lang: str = "en"
    agency: str | None = None  # the feed's agency filter


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name), attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(moment: datetime | None) -> str:
    """RFC 3339 in UTC (stored times are naive UTC)."""
    moment = moment or datetime(1970, 1, 1)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def status_words(code: object, hidden: bool) -> str:
    """'▲ On track' for a status; what the public pages say for a suppressed one."""
    if hidden:
        return _("suppressed (not shown to the public)")
    word, symbol = status_label(code if isinstance(code, str) else None)
    return f"{symbol} {word}".strip() if word else _("no status")


def benchmark_words(row: pd.Series, ctx: FeedContext) -> tuple[str, str]:
    """(benchmark, scope) in the words of the page the entry links to."""
    key, scope, scope_id = row["metric_key"], row["scope"], str(row["scope_id"] or "")
    if scope == "agency":
        return metric_words(key), ctx.agency_names.get(scope_id, scope_id)
    label = metric_label(key, ctx.measure_labels)
    if scope == "region":
        return label, ctx.region_names.get(scope_id, scope_id)
    return label, _("Connecticut (whole state)")


def figure_text(row: pd.Series, ctx: FeedContext) -> str:
    """The benchmark's value in the new release, or the suppression mark (never a hidden figure)."""
    if bool(row["suppressed"]):
        return _("suppressed (not shown to the public)")
    value = None if pd.isna(row["value"]) else float(row["value"])
    if row["scope"] == "agency":
        return metric_value(row["metric_key"], value)
    return format_metric(row["metric_key"], value, ctx.measure_units)


def view_url(row: pd.Series, release_id: str, ctx: FeedContext) -> str:
    """The absolute address of the page showing the benchmark in the new release."""
    query = {"release": release_id, "year": str(int(row["year"]))}
    if row["scope"] == "agency":
        path = f"/agencies/{row['scope_id']}"
    elif row["scope"] == "region":
        parts = row["metric_key"].split(".")
        path = "/access"
        query = {"release": release_id, "measure": parts[1], "year": query["year"], "region": str(row["scope_id"])}
    else:
        path = "/"
    if ctx.lang != "en":
        query["lang"] = ctx.lang
    return f"{ctx.base_url}{path}?{urlencode(query)}"


def entry_id(row: pd.Series, newer: ReleaseInfo) -> str:
    """Stable: the same change in the same release always has the same id, in any language."""
    scope_id = str(row["scope_id"] or "state")
    return f"urn:ct-equity:status:{newer.release_id}:{row['scope']}:{scope_id}:{row['metric_key']}"


def add_entry(feed: ET.Element, row: pd.Series, older: ReleaseInfo, newer: ReleaseInfo, ctx: FeedContext) -> None:
    benchmark, scope = benchmark_words(row, ctx)
    old = status_words(row["old_status"], bool(row["old_suppressed"]))
    new = status_words(row["status"], bool(row["suppressed"]))
    link = view_url(row, newer.release_id, ctx)
    entry = _sub(feed, "entry")
    _sub(entry, "id", entry_id(row, newer))
    _sub(entry, "title", _("%(benchmark)s — %(scope)s: %(old)s → %(new)s", benchmark=benchmark, scope=scope,
                           old=old, new=new))
    _sub(entry, "updated", _stamp(newer.published_at))
    _sub(entry, "published", _stamp(newer.published_at))
    _sub(entry, "link", rel="alternate", type="text/html", href=link)
    _sub(entry, "category", term=str(row["status"] or "suppressed"), label=new)
    summary = " ".join([
        _("Status of %(benchmark)s for %(scope)s in release %(release)s, published %(date)s: %(new)s (%(year)s); "
          "in release %(previous)s it was %(old)s (%(old_year)s).", benchmark=benchmark, scope=scope,
          release=newer.release_id, date=day(newer.published_at), new=new, year=int(row["year"]),
          previous=older.release_id, old=old, old_year=int(row["old_year"])),
        _("Value in %(year)s: %(figure)s.", year=int(row["year"]), figure=figure_text(row, ctx)),
    ])
    _sub(entry, "summary", summary, type="text")


def feed_title(ctx: FeedContext) -> str:
    if ctx.agency:
        return _("CT Equity Benchmarks — benchmark status changes: %(agency)s",
                 agency=ctx.agency_names.get(ctx.agency, ctx.agency))
    return _("CT Equity Benchmarks — benchmark status changes")


def feed_document(changes: list[tuple[ReleaseInfo, ReleaseInfo, pd.DataFrame]], current: ReleaseInfo | None,
                  ctx: FeedContext, self_url: str) -> bytes:
    """The Atom document (UTF-8 bytes): newest release first; within a release, ordered by benchmark."""
    feed = ET.Element(_tag("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": ctx.lang})
    _sub(feed, "id", f"{FEED_ID}:{ctx.agency}" if ctx.agency else FEED_ID)
    _sub(feed, "title", feed_title(ctx))
    _sub(feed, "subtitle", _("Each entry is a benchmark whose status changed from one published release to the "
                             "next. Drafts are never included."))
    _sub(feed, "updated", _stamp(current.published_at if current else None))
    author = _sub(feed, "author")
    _sub(author, "name", AUTHOR)
    _sub(author, "uri", f"{ctx.base_url}/")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{ctx.base_url}/" + (
        f"agencies/{ctx.agency}" if ctx.agency else ""))
    _sub(feed, "generator", AUTHOR)
    for older, newer, frame in changes:
        rows = frame if ctx.agency is None else frame[(frame["scope"] == "agency") & (frame["scope_id"] == ctx.agency)]
        for _index, row in rows.iterrows():
            add_entry(feed, row, older, newer, ctx)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
