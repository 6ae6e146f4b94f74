"""The one error type of the boundary import and download (DESIGN §3)."""
from __future__ import annotations


class BoundaryError(Exception):
    """A boundary file cannot be downloaded, read or accepted; the message says why and what to do."""
