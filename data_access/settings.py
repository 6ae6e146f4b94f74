"""Every CT_EQUITY_* setting: one place, each with a default and a line of help (DESIGN §10)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "CT_EQUITY_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "data", "Folder for the embedded SQLite database, the file cache and imported boundaries."),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL of the release database; empty = SQLite file `<DATA_DIR>/ct_equity.sqlite`. "
        "Production: `postgresql+psycopg://user@host/db`.",
    ),
    Setting(
        "CACHE_URL", "", "Redis URL shared by all workers (`redis://127.0.0.1:6379/0`); empty = file-system cache."
    ),
    Setting("CACHE_DIR", "", "Folder of the file-system cache; empty = `<DATA_DIR>/cache`."),
    Setting("CACHE_TIMEOUT", "3600", "Seconds a cached query result is kept (entries are keyed by release id).", int),
    Setting(
        "CACHE_MAX_ENTRIES",
        "20000",
        "Most entries the file-system cache holds; when full, the oldest quarter is dropped in one pass.",
        int,
    ),
    Setting(
        "BOUNDARIES",
        "",
        "Town boundary file (.zip shapefile, .shp, .geojson, .gpkg) that `build` imports by itself; empty = the "
        "boundaries `ct-equity geo import` saved, else the town layer shipped in `geo/` (Census 2017, offline).",
    ),
    Setting("HOST", "127.0.0.1", "Address `ct-equity serve` listens on."),
    Setting("PORT", "8050", "Port `ct-equity serve` listens on.", int),
    Setting(
        "SECRET_KEY",
        "",
        "Flask secret key for signed cookies; empty = a random key per process (set it in production).",
    ),
    Setting(
        "SUPPRESSION_K", "5", "Counts from 1 to k-1 (and figures derived from them) are suppressed for the public.", int
    ),
    Setting("REFERENCE_GROUP", "white", "Reference group for access ratios, differences and dissimilarity."),
    Setting(
        "SMALL_BUSINESS_GOAL",
        "0.25",
        "Small-contractor set-aside goal as a share of eligible spend (CGS 4a-60g).",
        float,
    ),
    Setting(
        "MINORITY_BUSINESS_GOAL", "0.0625", "Minority-business goal as a share of eligible spend (CGS 4a-60g).", float
    ),
    Setting(
        "COMPLAINT_DAYS",
        "90",
        "Time limit, in calendar days from filing to closing, for a discrimination complaint (DESIGN §4.6).",
        int,
    ),
    Setting(
        "ACCOMMODATION_DAYS",
        "20",
        "Time limit, in working days (Connecticut state holidays excluded), for deciding an accommodation request.",
        int,
    ),
    Setting("CV_HIGH", "0.12", "Largest coefficient of variation still rated high reliability.", float),
    Setting(
        "CV_MEDIUM", "0.40", "Largest coefficient of variation still rated medium reliability; above is low.", float
    ),
    Setting(
        "BOOTSTRAP_DRAWS", "1000", "Parametric-bootstrap draws for the 90 % intervals of group-weighted access.", int
    ),
    Setting("BOOTSTRAP_SEED", "20240701", "Seed of the bootstrap, so a release is reproducible.", int),
    Setting(
        "CLASS_SCHEME",
        "quantiles",
        "mapclassify scheme for map class breaks (quantiles, equal_interval, fisher_jenks …).",
    ),
    Setting("CLASS_COUNT", "5", "Number of map classes.", int),
    Setting(
        "COOKIE_SECURE",
        "1",
        "1 = session cookies only over HTTPS (browsers also allow them on localhost); 0 = off.",
        int,
    ),
    Setting(
        "LOGIN_RATE_LIMIT",
        "10 per minute",
        "Login attempts allowed per client address (Flask-Limiter syntax); counted in Redis when CACHE_URL is set.",
    ),
    Setting("SESSION_IDLE_MINUTES", "30", "A signed-in session ends after this many minutes without a request.", int),
    Setting(
        "MAX_REQUEST_BYTES",
        "524288",
        "Largest request body accepted (bytes); larger ones get 413 without being read.",
        int,
    ),
    Setting(
        "HSTS_SECONDS",
        "0",
        "max-age of the Strict-Transport-Security header sent on HTTPS requests; 0 = no header.",
        int,
    ),
    Setting(
        "TRUSTED_HEADER",
        "",
        "Header naming the signed-in user, set by a single-sign-on proxy (e.g. X-Remote-User); empty = off.",
    ),
    Setting(
        "TRUSTED_PROXIES", "", "Comma-separated proxy addresses whose TRUSTED_HEADER is believed; others are ignored."
    ),
    Setting(
        "EMBED_SECRET",
        "",
        "Secret for HMAC-signed embed URLs; when set, an embed without a valid signature is refused.",
    ),
    Setting(
        "FRAME_ANCESTORS",
        "",
        "Space-separated origins allowed to frame /embed pages (e.g. https://portal.ct.gov); "
        "empty = any site may embed them; other pages are never framed.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    cache_url: str
    cache_dir: Path
    cache_timeout: int
    cache_max_entries: int
    boundaries: str
    host: str
    port: int
    secret_key: str
    suppression_k: int
    reference_group: str
    small_business_goal: float
    minority_business_goal: float
    complaint_days: int
    accommodation_days: int
    cv_high: float
    cv_medium: float
    bootstrap_draws: int
    bootstrap_seed: int
    class_scheme: str
    class_count: int
    cookie_secure: int
    login_rate_limit: str
    session_idle_minutes: int
    max_request_bytes: int
    hsts_seconds: int
    trusted_header: str
    trusted_proxies: str
    embed_secret: str
    frame_ancestors: str


class SettingsError(ValueError):
    """A CT_EQUITY_* variable has a value of the wrong kind."""


def _read(setting: Setting, environ: dict[str, str]) -> Any:
    raw = environ.get(PREFIX + setting.name, setting.default)
    try:
        return setting.kind(raw)
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}{setting.name}={raw!r} is not a valid {setting.kind.__name__}") from exc


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read every setting from the environment (or the mapping given)."""
    env = dict(os.environ if environ is None else environ)
    values = {s.name.lower(): _read(s, env) for s in SETTINGS}
    data_dir = Path(values["data_dir"])
    values["data_dir"] = data_dir
    values["database_url"] = values["database_url"] or f"sqlite:///{data_dir / 'ct_equity.sqlite'}"
    values["cache_dir"] = Path(values["cache_dir"] or data_dir / "cache")
    return Settings(**values)


def settings_markdown_table() -> str:
    """The README table of settings."""
    lines = ["| variable | default | what it does |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| `{PREFIX}{s.name}` | {default} | {s.help} |")
    return "\n".join(lines)
