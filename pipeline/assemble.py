"""From validated input frames to every release table (DESIGN §4), as pure functions."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from data_access.schema import columns
from data_access.settings import Settings
from data_access.suppression import primary_suppression, suppression_flags
from geo.boundaries import geometry_rows
from geo.towns import towns as builtin_towns

from .stats.aap import aap_goal_table
from .stats.access import access_by_group, town_measure_table
from .stats.benchmarks import benchmark_progress
from .stats.casework import accommodation_stats, complaint_stats
from .stats.contracting import contracting_table, training_table
from .stats.indices import inequality_indices, segregation_indices
from .stats.metrics import metric_series
from .stats.selection import selection_rates
from .stats.utilization import utilization

Step = Callable[[str], None]
Done = Callable[[str, pd.DataFrame], None]


def town_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The built-in 169 towns, with names overridden by the optional towns.csv."""
    table = builtin_towns()
    if "towns" in frames:
        names = frames["towns"].dropna().set_index("town_geoid")["town_name"]
        table["town_name"] = table["town_geoid"].map(names).fillna(table["town_name"])
    return table[columns("towns")]


def geometry_table(layers: dict[str, str] | None) -> pd.DataFrame:
    """One row per geography level holding its GeoJSON text."""
    return pd.DataFrame(geometry_rows(layers or {}), columns=columns("geometry"))


def _suppress(frame: pd.DataFrame, table: str, k: int) -> pd.DataFrame:
    return frame.assign(suppressed=suppression_flags(frame, table, k))


def casework_tables(frames: dict[str, pd.DataFrame], settings: Settings,
                    today: date | None = None) -> dict[str, pd.DataFrame]:
    """The EEO officer's casework tables (DESIGN §4.6) of the optional inputs given, suppressed (§5)."""
    k, out = settings.suppression_k, {}
    if "aap_goals" in frames:
        out["aap_goals"] = _suppress(aap_goal_table(frames["aap_goals"]), "aap_goals", k)
    if "complaints" in frames:
        out["complaint_stats"] = _suppress(
            complaint_stats(frames["complaints"], settings.complaint_days, today), "complaint_stats", k)
    if "accommodations" in frames:
        out["accommodation_stats"] = _suppress(
            accommodation_stats(frames["accommodations"], settings.accommodation_days, today),
            "accommodation_stats", k)
    return out


def assemble_tables(
    frames: dict[str, pd.DataFrame],
    settings: Settings,
    layers: dict[str, str] | None = None,
    step: Step = lambda _name: None,
    today: date | None = None,
    done: Done | None = None,
    consume: bool = False,
) -> dict[str, pd.DataFrame]:
    """Compute every release table from validated inputs (`today` dates the casework snapshots; default: now).

    `done(name, table)` is told of each table once it is final — the big ones as soon as they are, so that the
    build can write them while it computes the rest — and of every table exactly once. With `consume`, the
    largest inputs are taken out of `frames` once their tables are computed (the build's peak memory)."""
    k = settings.suppression_k
    told: set[str] = set()

    def final(*names: str) -> None:
        for name in names:
            if done and name in tables and name not in told:
                told.add(name)
                done(name, tables[name])

    towns = town_table(frames)
    tables: dict[str, pd.DataFrame] = {
        "agencies": frames["agencies"],
        "measures": frames["measures"],
        "towns": towns,
        "geometry": geometry_table(layers),
    }
    step("workforce utilization")
    tables["workforce_utilization"] = _suppress(
        utilization(frames["workforce"], frames["availability"]), "workforce_utilization", k)
    final("agencies", "measures", "towns", "geometry", "workforce_utilization")
    if consume:
        frames.pop("workforce"), frames.pop("availability")
    step("selection rates")
    actions = frames.get("personnel_actions")
    if actions is not None:
        tables["selection_rates"] = _suppress(selection_rates(actions), "selection_rates", k)
        final("selection_rates")
        if consume:
            del frames["personnel_actions"], actions
    step("town measures")
    population = frames["town_population"]
    tables["town_measures"] = town_measure_table(
        frames["town_measures"], frames["measures"], cv_high=settings.cv_high, cv_medium=settings.cv_medium,
        scheme=settings.class_scheme, k=settings.class_count,
    )
    tables["town_measures"]["suppressed"] = primary_suppression(tables["town_measures"], "town_measures", k)
    tables["town_population"] = population.rename(columns={"group": "group_code"})[columns("town_population")]
    step("access by group (bootstrap)")
    # Public aggregates leave out the towns whose value is suppressed (DESIGN §5): one table for every viewer.
    tables["access_by_group"] = access_by_group(
        tables["town_measures"], population, towns, reference_group=settings.reference_group,
        draws=settings.bootstrap_draws, seed=settings.bootstrap_seed,
    )
    step("segregation and inequality indices")
    tables["segregation_indices"] = segregation_indices(population, towns, reference_group=settings.reference_group)
    tables["inequality_indices"] = inequality_indices(tables["town_measures"], population, towns)
    step("contracting, plans and training")
    if "contracts" in frames:
        tables["contracting"] = contracting_table(
            frames["contracts"], small_goal=settings.small_business_goal,
            minority_goal=settings.minority_business_goal)
    if "training" in frames:
        tables["training"] = _suppress(training_table(frames["training"]), "training", k)
    if "equity_plans" in frames:
        tables["equity_plans"] = frames["equity_plans"]
    step("affirmative action goals, complaints and accommodations")
    tables.update(casework_tables(frames, settings, today))
    final(*tables)
    step("benchmark progress")
    if "benchmarks" in frames:
        series = metric_series(frames["benchmarks"], tables)
        tables["benchmark_progress"] = benchmark_progress(series, frames["benchmarks"])
    final(*tables)
    return tables
