"""Named, seeded random streams, so each demo file draws from its own reproducible generator."""
from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *names: str) -> np.random.Generator:
    """Return a generator determined by the seed and the names (stable across runs and platforms)."""
    keys = [int(seed)] + [zlib.crc32(name.encode("utf-8")) for name in names]
    return np.random.default_rng(keys)
