"""The raw-data contract of DESIGN §2: files, columns, kinds, code lists and keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from data_access import codes


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # int, float, share, year, code, codes (;-separated), text, date, geoid, agency, url
    required: bool = True
    choices: tuple[str, ...] = ()
    maximum: float | None = None
    signed: bool = False  # negative numbers allowed
    optional: bool = False  # the column itself may be left out of the header (read as all blank)


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    required: bool = True
    notes: str = ""
    example: dict[str, str] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


MAX_COUNT = 10_000_000  # more than a state workforce or a town population could hold
MAX_DOLLARS = 1e12


def _code(name: str, choices: tuple[str, ...], required: bool = True) -> Col:
    return Col(name, "code", required, choices)


FY = Col("fiscal_year", "year")
AGENCY = Col("agency_code", "agency")
JOB = _code("job_category", codes.JOB_CATEGORIES)
RACE = _code("race_ethnicity", codes.RACE_ETHNICITY)
SEX = _code("sex", codes.SEX)

SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "agencies",
            (
                Col("agency_code", "text", maximum=16),
                Col("agency_name", "text"),
                _code("peer_group", codes.PEER_GROUPS),
                Col("agency_name_es", "text", required=False, maximum=200, optional=True),
            ),
            ("agency_code",),
        ),
        FileSpec(
            "workforce",
            (FY, AGENCY, JOB, RACE, SEX, Col("headcount", "int", maximum=MAX_COUNT)),
            ("fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex"),
        ),
        FileSpec(
            "availability",
            (FY, Col("agency_code", "agency", required=False), JOB, RACE, SEX, Col("availability", "share")),
            ("fiscal_year", "agency_code", "job_category", "race_ethnicity", "sex"),
            notes="blank agency_code = statewide default",
        ),
        FileSpec(
            "personnel_actions",
            (
                FY,
                AGENCY,
                JOB,
                _code("action", codes.ACTIONS),
                RACE,
                SEX,
                Col("pool", "int", maximum=MAX_COUNT),
                Col("selected", "int", maximum=MAX_COUNT),
            ),
            ("fiscal_year", "agency_code", "job_category", "action", "race_ethnicity", "sex"),
        ),
        FileSpec(
            "towns",
            (Col("town_geoid", "geoid"), Col("town_name", "text")),
            ("town_geoid",),
            required=False,
            notes="optional: overrides town names",
        ),
        FileSpec(
            "town_population",
            (
                Col("year", "year"),
                Col("town_geoid", "geoid"),
                _code("group", codes.POPULATION_GROUPS),
                Col("population", "float", maximum=MAX_COUNT),
                Col("moe", "float", required=False, maximum=MAX_COUNT),
            ),
            ("year", "town_geoid", "group"),
        ),
        FileSpec(
            "town_measures",
            (
                Col("year", "year"),
                Col("town_geoid", "geoid"),
                Col("measure_id", "measure"),
                Col("value", "float", maximum=MAX_DOLLARS, signed=True),
                Col("numerator", "float", required=False, maximum=MAX_DOLLARS),
                Col("denominator", "float", required=False, maximum=MAX_DOLLARS),
                Col("moe", "float", required=False, maximum=MAX_DOLLARS),
            ),
            ("year", "town_geoid", "measure_id"),
        ),
        FileSpec(
            "measures",
            (
                Col("measure_id", "text", maximum=64),
                _code("domain", codes.DOMAINS),
                Col("label", "text"),
                _code("unit", codes.UNITS),
                _code("direction", codes.DIRECTIONS),
                Col("description", "text", required=False),
                Col("source", "text", required=False),
                Col("label_es", "text", required=False, maximum=200, optional=True),
                Col("description_es", "text", required=False, optional=True),
            ),
            ("measure_id",),
        ),
        FileSpec(
            "benchmarks",
            (
                Col("metric_key", "text", maximum=128),
                _code("scope", codes.BENCHMARK_SCOPES),
                Col("scope_id", "text", required=False, maximum=16),
                Col("baseline_year", "year"),
                Col("baseline_value", "float", signed=True),
                Col("target_year", "year"),
                Col("target_value", "float", signed=True),
            ),
            ("metric_key", "scope", "scope_id"),
            required=False,
        ),
        FileSpec(
            "contracts",
            (
                FY,
                AGENCY,
                Col("eligible_spend", "float", maximum=MAX_DOLLARS),
                Col("small_business_spend", "float", maximum=MAX_DOLLARS),
                Col("minority_business_spend", "float", maximum=MAX_DOLLARS),
            ),
            ("fiscal_year", "agency_code"),
            required=False,
        ),
        FileSpec(
            "equity_plans",
            (
                AGENCY,
                Col("plan_year", "year"),
                _code("status", codes.PLAN_STATUS),
                Col("submitted_on", "date", required=False),
                Col("approved_on", "date", required=False),
                Col("url", "url", required=False),
                Col("commitments_total", "int", maximum=MAX_COUNT),
                Col("commitments_met", "int", maximum=MAX_COUNT),
                _code("aap_decision", codes.AAP_DECISIONS),
                _code("aap_basis", codes.AAP_BASES, required=False),
            ),
            ("agency_code", "plan_year"),
            required=False,
        ),
        FileSpec(
            "training",
            (FY, AGENCY, Col("employees", "int", maximum=MAX_COUNT), Col("completed", "int", maximum=MAX_COUNT)),
            ("fiscal_year", "agency_code"),
            required=False,
        ),
    )
}

CASEWORK_SPECS = (
    FileSpec(
        "aap_goals",
        (
            AGENCY,
            Col("plan_year", "year"),
            JOB,
            _code("action", codes.AAP_ACTIONS),
            _code("race_ethnicity", codes.RACE_ETHNICITY, required=False),
            _code("sex", codes.SEX, required=False),
            Col("goal", "int", maximum=MAX_COUNT),
            Col("achieved", "int", maximum=MAX_COUNT),
        ),
        ("agency_code", "plan_year", "job_category", "action", "race_ethnicity", "sex"),
        required=False,
        notes="optional: affirmative action plan goals; race_ethnicity or sex may be empty, not both",
    ),
    FileSpec(
        "complaints",
        (
            Col("complaint_id", "text", maximum=64),
            AGENCY,
            _code("forum", codes.FORUMS),
            Col("filed_on", "date"),
            Col("closed_on", "date", required=False),
            Col("bases", "codes", choices=codes.COMPLAINT_BASES),
            Col("issues", "codes", choices=codes.COMPLAINT_ISSUES),
            _code("outcome", codes.COMPLAINT_OUTCOMES, required=False),
        ),
        ("complaint_id",),
        required=False,
        notes="optional: discrimination complaints; bases and issues are ;-separated lists",
    ),
    FileSpec(
        "accommodations",
        (
            Col("request_id", "text", maximum=64),
            AGENCY,
            Col("requested_on", "date"),
            Col("decided_on", "date", required=False),
            _code("kind", codes.ACCOMMODATION_KINDS),
            _code("decision", codes.ACCOMMODATION_DECISIONS, required=False),
        ),
        ("request_id",),
        required=False,
        notes="optional: reasonable-accommodation requests; decided_on and decision empty while pending",
    ),
)
SPECS.update({spec.name: spec for spec in CASEWORK_SPECS})

# (file, smaller column, larger column): the first may never exceed the second.
NOT_GREATER = (
    ("personnel_actions", "selected", "pool"),
    ("town_measures", "numerator", "denominator"),
    ("contracts", "small_business_spend", "eligible_spend"),
    ("contracts", "minority_business_spend", "eligible_spend"),
    ("equity_plans", "commitments_met", "commitments_total"),
    ("training", "completed", "employees"),
)

YEAR_RANGE = (1990, 2100)
AVAILABILITY_TOLERANCE = 0.01
