"""`ct-equity build`: validate everything, compute every table, write one draft release atomically."""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from data_access.db import get_engine
from data_access.releases import METHOD_VERSION, DraftRelease, method_note
from data_access.settings import Settings
from geo.boundaries import import_boundaries, load_layers
from geo.shipped import shipped_layers

from .assemble import assemble_tables
from .memory import return_large_arrays_promptly
from .release_checks import validate_release
from .validate import inputs_sha256, validate_inputs

SYNTHETIC_MARKER = "SYNTHETIC"
OPTIONAL_INPUTS = ("aap_goals", "accommodations", "benchmarks", "complaints", "contracts", "equity_plans",
                   "personnel_actions", "training")
Progress = Callable[[str], None]


@dataclass
class BuildResult:
    release_id: str
    row_counts: dict[str, int]
    seconds: float
    synthetic: bool
    notes: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)


def code_version() -> str:
    try:
        return version("ct-equity")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def boundary_layers(settings: Settings) -> dict[str, str]:
    """Boundaries named by CT_EQUITY_BOUNDARIES, else those `ct-equity geo import` saved, else the shipped layer."""
    if settings.boundaries:
        return import_boundaries(Path(settings.boundaries))
    return load_layers(settings.data_dir / "boundaries") or shipped_layers()


def build_release(inputs: Path, settings: Settings, progress: Progress = lambda _s: None) -> BuildResult:
    """Validate inputs, compute, check the tables (ValidationError either way) and write a draft release."""
    started = time.perf_counter()
    return_large_arrays_promptly()
    progress("validating inputs")
    frames = validate_inputs(inputs)
    notes: list[str] = []
    progress("importing town boundaries")
    layers = boundary_layers(settings)
    synthetic = (inputs / SYNTHETIC_MARKER).exists()
    digest = inputs_sha256(inputs)
    now = datetime.now(UTC)
    release_id = f"{now:%Y%m%d-%H%M%S}-{digest[:8]}-{secrets.token_hex(2)}"
    engine = get_engine(settings.database_url)
    notes += [note] if (note := method_note(engine)) else []
    notes += [f"Optional input {name}.csv was not given; its page is empty." for name in OPTIONAL_INPUTS
              if name not in frames]
    release = {
        "release_id": release_id,
        "created_at": now,
        "inputs_sha256": digest,
        "code_version": code_version(),
        "notes": " ".join(notes),
        "synthetic": synthetic,
        "method_version": METHOD_VERSION,
    }
    # Each table goes to the database as soon as it is computed (written by a child process while the build goes
    # on); the checks run on the whole release before the commit, and a failed check leaves nothing written.
    with DraftRelease(engine, release) as draft:
        tables = assemble_tables(frames, settings, layers, step=progress, done=draft.add, consume=True)
        validate_release(tables)  # raises ReleaseCheckError (a ValidationError): nothing is committed
        progress("writing the release")
        draft.commit()
    counts = {name: len(frame) for name, frame in tables.items()}
    return BuildResult(release_id, counts, time.perf_counter() - started, synthetic, notes, tables)
