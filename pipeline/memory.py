"""The build's peak memory (DESIGN §8): large arrays given back to the system as soon as they are freed."""
from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BYTES = 4 << 20


def return_large_arrays_promptly() -> bool:
    """Have glibc map every allocation of 4 MiB or more on its own, unmapped when freed.

    By default glibc raises that threshold each time a large block is freed, so the build's many short-lived
    arrays end up inside the heap, which keeps what they used (about 70 MB more at the scale-10 peak, for no
    gain in speed at this size). Elsewhere than glibc (or if the call fails) nothing changes; returns whether
    the setting took."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, LARGE_BYTES))
    except (OSError, AttributeError):
        return False
