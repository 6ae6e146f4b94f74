"""Release tables (DESIGN §4): table definitions and column names, the single source of truth."""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

RELEASE_ID = "release_id"


def _rid() -> Column:
    return Column(RELEASE_ID, String(64), primary_key=True)


def _key(name: str, length: int = 64) -> Column:
    return Column(name, String(length), primary_key=True)


def _year(name: str) -> Column:
    return Column(name, Integer, primary_key=True)


releases = Table(
    "releases",
    metadata,
    Column("release_id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("inputs_sha256", String(64), nullable=False),
    Column("code_version", String(32), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("published_at", DateTime(timezone=True)),
    # The version of the statistical rules the release was built with (releases.METHOD_VERSION); 1 = before #13.
    Column("method_version", Integer, nullable=False, default=1, server_default="1"),
)

agencies = Table(
    "agencies",
    metadata,
    _rid(),
    _key("agency_code", 16),
    Column("agency_name", String(200), nullable=False),
    Column("peer_group", String(64), nullable=False),
    # optional Spanish name; NULL = show the English one
    Column("agency_name_es", String(200), info={"optional": True}),
)

measures = Table(
    "measures",
    metadata,
    _rid(),
    _key("measure_id"),
    Column("domain", String(32), nullable=False),
    Column("label", String(200), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("direction", String(20), nullable=False),
    Column("description", Text),
    Column("source", Text),
    # optional Spanish label and description; NULL = show the English
    Column("label_es", String(200), info={"optional": True}),
    Column("description_es", Text, info={"optional": True}),
)

towns = Table(
    "towns",
    metadata,
    _rid(),
    _key("town_geoid", 10),
    Column("town_name", String(100), nullable=False),
    Column("region_id", String(5), nullable=False),
    Column("region_name", String(100), nullable=False),
    Column("county_id", String(5), nullable=False),
    Column("county_name", String(100), nullable=False),
)

geometry = Table(
    "geometry",
    metadata,
    _rid(),
    _key("geography_level", 16),
    Column("geojson", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
)

workforce_utilization = Table(
    "workforce_utilization",
    metadata,
    _rid(),
    _year("fiscal_year"),
    _key("agency_code", 16),
    _key("job_category", 32),
    _key("group_dimension", 16),
    _key("group_code", 32),
    Column("headcount", Integer),
    Column("total", Integer),
    Column("share", Float),
    Column("availability", Float),
    Column("utilization_ratio", Float),
    Column("expected", Float),
    Column("shortfall", Float),
    Column("z_score", Float),
    Column("p_value", Float),
    Column("flag_80pct", Boolean),
    Column("flag_2sd", Boolean),
    Column("flag_significant", Boolean),
    Column("suppressed", Boolean, nullable=False, default=False),
)

selection_rates = Table(
    "selection_rates",
    metadata,
    _rid(),
    _year("fiscal_year"),
    _key("agency_code", 16),
    _key("job_category", 32),
    _key("action", 16),
    _key("group_dimension", 16),
    _key("group_code", 32),
    Column("pool", Integer),
    Column("selected", Integer),
    Column("rate", Float),
    Column("reference_group", String(32)),
    Column("reference_eligible", Boolean),
    Column("impact_ratio", Float),
    Column("z_score", Float),
    Column("fisher_p", Float),
    Column("cmh_p", Float),
    Column("flag_four_fifths", Boolean),
    Column("flag_significant", Boolean),
    Column("practically_significant", Boolean),
    Column("adverse_impact", Boolean),
    Column("suppressed", Boolean, nullable=False, default=False),
)

town_measures = Table(
    "town_measures",
    metadata,
    _rid(),
    _year("year"),
    _key("town_geoid", 10),
    _key("measure_id"),
    Column("value", Float),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("moe", Float),
    Column("cv", Float),
    Column("reliability", String(8)),
    Column("class_break", Integer),
    Column("suppressed", Boolean, nullable=False, default=False),
)

access_by_group = Table(
    "access_by_group",
    metadata,
    _rid(),
    _year("year"),
    _key("geography_level", 16),
    _key("geography_id", 10),
    _key("measure_id"),
    _key("group_code", 32),
    Column("weighted_value", Float),
    Column("ci_low", Float),
    Column("ci_high", Float),
    Column("reference_group", String(32)),
    Column("ratio", Float),
    Column("ratio_ci_low", Float),
    Column("ratio_ci_high", Float),
    Column("difference", Float),
    Column("towns_excluded", Integer, nullable=False, default=0),  # suppressed towns left out (DESIGN §5)
)

town_population = Table(
    "town_population",
    metadata,
    _rid(),
    _year("year"),
    _key("town_geoid", 10),
    _key("group_code", 32),
    Column("population", Float),
    Column("moe", Float),
)

segregation_indices = Table(
    "segregation_indices",
    metadata,
    _rid(),
    _year("year"),
    _key("geography_level", 16),
    _key("geography_id", 10),
    _key("group_code", 32),
    Column("reference_group", String(32)),
    Column("dissimilarity", Float),
)

inequality_indices = Table(
    "inequality_indices",
    metadata,
    _rid(),
    _year("year"),
    _key("measure_id"),
    _key("geography_level", 16),
    _key("geography_id", 10),
    _key("index_name", 16),
    Column("value", Float),
    Column("towns_excluded", Integer, nullable=False, default=0),  # suppressed towns left out (DESIGN §5)
)

benchmark_progress = Table(
    "benchmark_progress",
    metadata,
    _rid(),
    _key("metric_key", 128),
    _key("scope", 16),
    _key("scope_id", 16),
    _year("year"),
    Column("value", Float),
    Column("baseline_year", Integer),
    Column("baseline_value", Float),
    Column("target_value", Float),
    Column("target_year", Integer),
    Column("progress", Float),
    Column("fitted_value", Float),
    Column("slope", Float),
    Column("slope_ci_low", Float),
    Column("slope_ci_high", Float),
    Column("required_slope", Float),
    Column("status", String(24)),
    Column("suppressed", Boolean, nullable=False, default=False),
)

contracting = Table(
    "contracting",
    metadata,
    _rid(),
    _year("fiscal_year"),
    _key("agency_code", 16),
    Column("eligible_spend", Float),
    Column("small_business_spend", Float),
    Column("minority_business_spend", Float),
    Column("small_share", Float),
    Column("minority_share", Float),
    Column("small_goal", Float),
    Column("minority_goal", Float),
    Column("small_met", Boolean),
    Column("minority_met", Boolean),
)

equity_plans = Table(
    "equity_plans",
    metadata,
    _rid(),
    _key("agency_code", 16),
    _year("plan_year"),
    Column("status", String(16)),
    Column("submitted_on", String(10)),
    Column("approved_on", String(10)),
    Column("url", Text),
    Column("commitments_total", Integer),
    Column("commitments_met", Integer),
    Column("aap_decision", String(24)),
    Column("aap_basis", String(16)),
)

aap_goals = Table(
    "aap_goals",
    metadata,
    _rid(),
    _year("plan_year"),
    _key("agency_code", 16),
    _key("job_category", 32),
    _key("action", 16),
    _key("group_dimension", 16),
    _key("group_code", 32),
    Column("goal", Integer),
    Column("achieved", Integer),
    Column("met", Integer),  # a goal row: 1 when achieved ≥ goal; an ALL row: goals met (its `goal`: goals set)
    Column("suppressed", Boolean, nullable=False, default=False),
)

complaint_stats = Table(
    "complaint_stats",
    metadata,
    _rid(),
    _year("fiscal_year"),
    _key("agency_code", 16),
    _key("forum", 16),
    _key("dimension", 16),
    _key("category", 32),
    Column("filed", Integer),
    Column("closed", Integer),
    Column("open_at_year_end", Integer),
    Column("median_days_to_close", Float),
    Column("p90_days_to_close", Float),
    Column("closed_within_limit_share", Float),
    Column("over_limit_open", Integer),
    Column("suppressed", Boolean, nullable=False, default=False),
)

accommodation_stats = Table(
    "accommodation_stats",
    metadata,
    _rid(),
    _year("fiscal_year"),
    _key("agency_code", 16),
    _key("kind", 16),
    Column("requests", Integer),
    Column("decided", Integer),
    Column("granted_share", Float),
    Column("denied_share", Float),
    Column("median_days_to_decision", Float),
    Column("decided_within_limit_share", Float),
    Column("pending_at_year_end", Integer),
    Column("suppressed", Boolean, nullable=False, default=False),
)

training = Table(
    "training",
    metadata,
    _rid(),
    _year("fiscal_year"),
    _key("agency_code", 16),
    Column("employees", Integer),
    Column("completed", Integer),
    Column("completion_rate", Float),
    Column("suppressed", Boolean, nullable=False, default=False),
)

# Accounts are not release data: one table for the deployment.
users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("agencies", String(400), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Raised by sign-out, password, role or agency changes: sessions holding an older number end (issue #16).
    Column("session_version", Integer, nullable=False, default=0, server_default="0"),
)

Index("ix_releases_status", releases.c.status)
Index("ix_wu_view", workforce_utilization.c.release_id, workforce_utilization.c.group_dimension,
      workforce_utilization.c.job_category, workforce_utilization.c.fiscal_year)
Index("ix_tm_view", town_measures.c.release_id, town_measures.c.measure_id, town_measures.c.year)
Index("ix_bp_view", benchmark_progress.c.release_id, benchmark_progress.c.scope, benchmark_progress.c.year)

# Every table that a build writes for one release, in write order.
RELEASE_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        agencies, measures, towns, geometry, workforce_utilization, selection_rates, town_measures,
        access_by_group, town_population, segregation_indices, inequality_indices, benchmark_progress,
        contracting, equity_plans, training, aap_goals, complaint_stats, accommodation_stats,
    )
}


def columns(table_name: str) -> list[str]:
    """Column names of a release table without release_id, in table order."""
    return [c.name for c in RELEASE_TABLES[table_name].columns if c.name != RELEASE_ID]
