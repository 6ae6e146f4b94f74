"""The equity-plans page's embeddable charts: the status counts and the directory."""
from __future__ import annotations

from dashboards._shared import catalog, query_string
from data_access import public_queries as pq
from data_access.settings import Settings
from embeds.registry import Builder, Built, register_chart
from embeds.signing import Unavailable, choose

from . import parts as pp
from . import transforms as pl


def plans(chart_id: str) -> Builder:
    """The plan status counts or the directory (year, status, peer group, search)."""
    def build(settings: Settings, rid: str, p: dict, image: bool) -> Built:
        plan_rows, agencies = pq.equity_plans(settings, rid), catalog.agencies(settings, rid)
        years = sorted({str(int(y)) for y in plan_rows["plan_year"]}, reverse=True)
        year = choose(p.get("year"), years, years[0] if years else None)
        status = choose(p.get("status"), [pl.ALL, *pl.STATUS_WORDS, pl.NO_PLAN], pl.ALL)
        peer = choose(p.get("peer"), [pl.ALL, *sorted(set(agencies["peer_group"]))], pl.ALL)
        if len(p.get("q") or "") > pl.SEARCH_MAX:
            raise Unavailable("search too long")
        search = pl.clean_search(p.get("q"))
        everyone, shown = pp.plan_views(plan_rows, agencies, int(year), status, peer, search)
        parts = (pp.status_parts(everyone, shown, int(year), status, peer, search) if chart_id == "plans-status"
                 else pp.directory_parts(shown, int(year)))
        params = {"year": year, "status": None if status == pl.ALL else status,
                  "peer": None if peer == pl.ALL else peer, "q": search or None}
        return parts, params, "/equity-plans" + query_string(release=rid, **params)
    return build


for _chart in ("plans-status", "plans-directory"):
    register_chart(_chart, ("release", "year", "status", "peer", "q"), plans(_chart))
