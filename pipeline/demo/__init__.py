"""Synthetic demo inputs in the raw-data contract (`ct-equity demo-data`)."""
from __future__ import annotations

from pipeline.demo.generate import DEMO_FILES, SYNTHETIC_FILE, demo_frames, write_demo_inputs

__all__ = ["DEMO_FILES", "SYNTHETIC_FILE", "demo_frames", "write_demo_inputs"]
