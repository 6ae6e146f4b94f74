"""Write the release tables of the scale-1 demo (seed 2024) as parquet files: the engine-equivalence reference.

    PYTHONPATH=$PWD python3 scripts/engine_reference.py tests/data/engine_reference

tests/test_engine_equivalence.py builds the same inputs with the current engine and compares every table,
value for value, against what this script wrote (see tests/data/engine_reference/README.md).
"""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

SEED, SCALE = 2024, 1
# The settings the comparison is made under: fewer bootstrap draws keep the test quick; they are the same
# draws (same seed) for both engines.
ENV = {"CT_EQUITY_BOUNDARIES": "", "CT_EQUITY_BOOTSTRAP_DRAWS": "200"}
TODAY = date(2026, 12, 3)  # casework tables read open cases "as of today": fixed here, so the reference holds
SKIP = {"geometry"}  # GeoJSON text of the shipped town layer: the engine does not touch it


def release_tables(work: Path) -> dict[str, pd.DataFrame]:
    """Generate the demo inputs under `work` and compute every release table (nothing is written to a database)."""
    from data_access.settings import load_settings
    from pipeline.assemble import assemble_tables
    from pipeline.demo.generate import write_demo_inputs
    from pipeline.validate import validate_inputs

    inputs = work / "inputs"
    inputs.mkdir()
    write_demo_inputs(inputs, seed=SEED, scale=SCALE)
    settings = load_settings({**ENV, "CT_EQUITY_DATA_DIR": str(work / "data")})
    frames = validate_inputs(inputs)
    tables = assemble_tables(frames, settings, None, today=TODAY)
    return {name: frame for name, frame in tables.items() if name not in SKIP}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tables = release_tables(Path(tmp))
    for name, frame in sorted(tables.items()):
        frame.to_parquet(out / f"{name}.parquet", index=False, compression="zstd")
        print(f"{name}: {len(frame)} rows, {len(frame.columns)} columns")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/engine_reference"))
