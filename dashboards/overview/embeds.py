"""The overview's embeddable charts: the six domain cards of a year (`overview-cards`) and one statewide
benchmark in detail (`overview-benchmark`)."""
from __future__ import annotations

from components.card_trends import card_trends
from components.cards import card_grid
from components.formatting import suppressed
from components.i18n import _
from components.panel import ChartParts
from dashboards._shared import catalog, query_string
from data_access import queries
from data_access.settings import Settings
from embeds.registry import Built, register_chart
from embeds.signing import choose

from .parts import benchmark_choices, detail_parts
from .transforms import CARD_LABELS, cards_sentence, cards_table, domain_cards


def overview_cards(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """The six domain cards of a year (year); as an image, their trends as small multiples."""
    progress = queries.benchmark_progress(settings, rid, "state")
    years = sorted({str(int(y)) for y in progress["year"]}, reverse=True) if not progress.empty else []
    year = choose(p.get("year"), years, years[0] if years else None)
    link = query_string(release=rid, year=year)
    cards = domain_cards(progress, int(year), catalog.measures(settings, rid), link)
    figure = card_trends(cards, int(year)) if image else None
    parts = ChartParts("overview-cards", _("Statewide benchmarks by domain, %(year)s", year=year),
                       cards_sentence(cards, int(year)), cards_table(cards), figure, CARD_LABELS,
                       _("Source: release table benchmark_progress (statewide benchmarks)."),
                       extra=None if image else [card_grid(cards)])
    return parts, {"year": year}, "/" + query_string(release=rid, year=year)


register_chart("overview-cards", ("release", "year"), overview_cards)


def overview_benchmark(settings: Settings, rid: str, p: dict, image: bool) -> Built:
    """One statewide benchmark (benchmark, default the first) as of a year (year, default the latest)."""
    progress = queries.benchmark_progress(settings, rid, "state")
    years = sorted({str(int(y)) for y in progress["year"]}, reverse=True) if not progress.empty else []
    year = choose(p.get("year"), years, years[0] if years else None)
    measures = catalog.measures(settings, rid)
    keys = [k for k, _label in benchmark_choices(progress, measures)]
    benchmark = choose(p.get("benchmark"), keys, keys[0] if keys else None)
    parts = detail_parts(progress, benchmark, int(year), measures, suppressed(settings.suppression_k))
    params = {"year": year, "benchmark": benchmark}
    return parts, params, "/" + query_string(release=rid, **params)


register_chart("overview-benchmark", ("release", "year", "benchmark"), overview_benchmark)
