"""Print how many planted demo disparities the adverse-impact rule finds, by agency size (README table).

Usage: PYTHONPATH=. python3 scripts/adverse_impact_detection.py [--scale 10]
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.demo.agencies import scaled_agencies
from pipeline.demo.detection import detection_table
from pipeline.demo.generate import write_demo_inputs
from pipeline.stats.selection import selection_rates


def main() -> None:
    """Generate the demo at a scale, compute selection_rates and print the detection table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_demo_inputs(Path(folder), seed=args.seed, scale=args.scale)
        actions = pd.read_csv(Path(folder) / "personnel_actions.csv", dtype={"agency_code": str})
    table = detection_table(selection_rates(actions), scaled_agencies(args.scale))
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
