"""The contracting page's embeddable charts: the two ranked goal charts and the trend."""
from __future__ import annotations

from dashboards._shared import catalog, query_string
from data_access import codes
from data_access import public_queries as pq
from data_access.settings import Settings
from embeds.registry import Builder, Built, register_chart
from embeds.signing import Unavailable, choose

from . import transforms as ct


def contracting_ranked(kind: str) -> Builder:
    """The ranked chart of the small- or minority-business goal (year, peer group)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        frame = pq.contracting(settings, rid)
        agencies = catalog.agencies(settings, rid)
        years = sorted({str(int(y)) for y in frame["fiscal_year"]}, reverse=True)
        year = choose(p.get("year"), years, years[0] if years else None)
        peer = choose(p.get("peer"), ["all", *sorted(set(agencies["peer_group"]))], "all")
        peer = None if peer == "all" else peer
        rows = ct.agency_rows(frame, agencies, int(year), peer)
        params = {"year": year, "peer": peer}
        page = "/contracting" + query_string(release=rid, **params)
        return ct.ranked_parts(rows, kind, int(year), peer), params, page
    return build


def contracting_trend(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """Both set-aside shares over the years, statewide and of one agency (agency)."""
    frame, agencies = pq.contracting(settings, rid), catalog.agencies(settings, rid)
    if frame.empty:
        raise Unavailable("no contracting figures")
    agency = choose(p.get("agency"), [codes.ALL, *agencies["agency_code"]], codes.ALL)
    params = {"agency": None if agency == codes.ALL else agency}
    return ct.trend_parts(frame, agencies, agency), params, "/contracting" + query_string(release=rid, **params)


for _kind in ("small", "minority"):
    register_chart(f"contracting-{_kind}", ("release", "year", "peer"), contracting_ranked(_kind))
register_chart("contracting-trend", ("release", "agency"), contracting_trend)
