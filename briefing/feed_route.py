"""The HTTP side of the status feed: `/feed.atom` and `/feed.atom?agency=<code>` (DESIGN §7).

The feed is public (no cookie is read for rights): it is the same for everyone, cached by the set of
published releases it is built from, its agency and its language, and validated by ETag.
"""
from __future__ import annotations

import hashlib
import logging

from flask import Flask, Response, request

from components.i18n import _, language
from dashboards._shared.catalog import agencies, measures
from data_access import feed_queries
from data_access.cache import CODE_TOKEN
from data_access.public_queries import geographies
from data_access.queries import DataUnavailable, current_settings

from .feed import FeedContext, feed_document

LOG = logging.getLogger("ct_equity")
FEED_MAX_AGE = 300  # a new publication reaches subscribers within five minutes
MAX_CODE = 16
ATOM_TYPE = "application/atom+xml"


def _text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def feed_etag(release_ids: list[str], agency: str | None, lang: str) -> str:
    """Fixed by the published releases, the agency filter, the language and the code."""
    text = "|".join([CODE_TOKEN, ",".join(release_ids), agency or "", lang])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _matches(etag: str) -> bool:
    header = request.if_none_match
    return any(tag == etag or tag.startswith(etag + ":") for tag in header.as_set(include_weak=True))


def requested_agency() -> tuple[bool, str | None]:
    """(well formed, code) of `?agency=`; a repeated, empty or overlong value is malformed."""
    values = request.args.getlist("agency")
    if not values:
        return True, None
    if len(values) > 1 or not values[0].strip() or len(values[0]) > MAX_CODE:
        return False, None
    return True, values[0].strip().upper()


def feed_response() -> Response:
    """The Atom feed, a 304, or a plain-text reason (404 unknown agency, 503 database down)."""
    settings = current_settings()
    well_formed, agency = requested_agency()
    if not well_formed:
        return _text(_("No agency has this code. The agency codes are listed on the Agencies page (/agencies)."),
                     404)
    lang = language()
    try:
        history = feed_queries.release_history(settings)
        current = history[-1] if history else None
        names = {}
        if current is not None:
            frame = agencies(settings, current.release_id)
            names = dict(zip(frame["agency_code"], frame["agency_name"], strict=True))
        if agency is not None and agency not in names:
            return _text(_("No agency has this code. The agency codes are listed on the Agencies page (/agencies)."),
                         404)
        etag = feed_etag([r.release_id for r in history], agency, lang)
        headers = {"ETag": f'"{etag}"', "Cache-Control": f"public, max-age={FEED_MAX_AGE}",
                   "Content-Language": lang}
        if _matches(etag):
            return Response(status=304, headers=headers)
        base = request.host_url.rstrip("/")
        ctx = FeedContext(base, names, {}, {}, {}, lang, agency)
        if current is not None:
            places = geographies(settings, current.release_id)
            regions = places[places["geography_level"] == "region"]
            catalogue = measures(settings, current.release_id)
            ctx = FeedContext(base, names, dict(zip(regions["geography_id"], regions["geography_name"], strict=True)),
                              dict(zip(catalogue["measure_id"], catalogue["label"], strict=True)),
                              dict(zip(catalogue["measure_id"], catalogue["unit"], strict=True)), lang, agency)
        query = "&".join(f"{k}={v}" for k, v in (("agency", agency), ("lang", lang if lang != "en" else None)) if v)
        self_url = f"{base}/feed.atom" + (f"?{query}" if query else "")
        body = feed_document(feed_queries.feed_changes(settings, history), current, ctx, self_url)
    except DataUnavailable:
        return _text(_("The data service is not answering right now. Please try again in a minute."), 503)
    return Response(body, mimetype=ATOM_TYPE, headers=headers)


def register_feed_route(server: Flask) -> None:
    """Add `/feed.atom` to the app's Flask server (once)."""
    if "ct_equity_feed" not in server.view_functions:
        server.add_url_rule("/feed.atom", "ct_equity_feed", feed_response)
