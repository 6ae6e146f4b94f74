"""The code lists of the input contract (DESIGN §2.1): one source of truth for every layer."""
from __future__ import annotations

RACE_ETHNICITY = ("hispanic", "white", "black", "asian", "nhpi", "aian", "two_or_more")
SEX = ("female", "male", "x")
JOB_CATEGORIES = (
    "officials_administrators",
    "professionals",
    "technicians",
    "protective_sworn",
    "protective_nonsworn",
    "paraprofessionals",
    "administrative_support",
    "skilled_craft",
    "service_maintenance",
)
ACTIONS = ("hire", "promotion", "separation")
FAVOURABLE_ACTIONS = ("hire", "promotion")
POOL_KINDS = ("applicants", "eligibles", "headcount")
GROUP_DIMENSIONS = ("race_ethnicity", "sex", "race_sex", "all")
RACE_SEX = tuple(f"{r}_{s}" for r in RACE_ETHNICITY for s in SEX)
ALL = "ALL"

PEER_GROUPS = (
    "human services",
    "public safety",
    "health",
    "education",
    "infrastructure",
    "general government",
)
# town_population.group: the race/ethnicity codes plus the two totals.
POPULATION_GROUPS = RACE_ETHNICITY + ("total", "lep")
DOMAINS = ("workforce", "service_access", "language_access", "contracting", "equity_plans", "training")
UNITS = ("percent", "per_1000", "minutes", "dollars", "count", "ratio")
DIRECTIONS = ("higher_is_better", "lower_is_better")
BENCHMARK_SCOPES = ("state", "agency", "region")
PLAN_STATUS = ("not_started", "drafting", "submitted", "approved", "published")
# The Commission on Human Rights and Opportunities' decision on an affirmative action plan, and its basis.
AAP_DECISIONS = ("not_submitted", "pending", "approved", "conditionally_approved", "disapproved")
AAP_BASES = ("parity", "goals_met", "good_faith")
AAP_APPROVED = ("approved", "conditionally_approved")
AAP_ACTIONS = ("hire", "promotion")
# The EEO officer's casework (DESIGN §2, §2.1, §4.6).
FORUMS = ("internal", "chro", "eeoc")
COMPLAINT_BASES = (
    "race", "color", "national_origin", "ancestry", "sex", "sexual_orientation", "gender_identity", "religion",
    "age", "disability", "marital_status", "veteran", "genetic_information", "retaliation", "other",
)
COMPLAINT_ISSUES = (
    "hiring", "promotion", "discharge", "harassment", "terms_conditions", "pay", "discipline", "accommodation",
    "other",
)
COMPLAINT_OUTCOMES = ("no_cause", "settled", "withdrawn", "cause_found", "administrative_closure", "dismissed")
COMPLAINT_DIMENSIONS = ("all", "basis", "issue", "outcome")
ACCOMMODATION_KINDS = ("disability", "religious", "pregnancy")
ACCOMMODATION_DECISIONS = ("granted", "alternative_granted", "denied", "withdrawn")
RELEASE_STATUS = ("draft", "published", "retired")
# benchmark_progress.status (DESIGN §4.4), from best to no judgement: pages and the API read this one list.
BENCHMARK_STATUSES = ("met", "on_track", "improving_too_slowly", "no_detectable_change", "moving_away",
                      "insufficient_data")
GEOGRAPHY_LEVELS = ("state", "region", "county", "town")
STATE_ID = "09"
