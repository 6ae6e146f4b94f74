"""Download the Census cartographic town boundary file for Connecticut (DESIGN §3).

The file is streamed to a temporary `.part` file beside the target, checked (size, a readable zip holding
a shapefile, the SHA-256 against `KNOWN_SHA256` or a given checksum) and only then moved into place, with
its SHA-256 written next to it as `<name>.zip.sha256` (`sha256sum` format). Nothing partial is left behind.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from geo.errors import BoundaryError

CENSUS_BASE_URL = "https://www2.census.gov/geo/tiger"
# SHA-256 of official files by vintage. Empty on purpose: checksums are recorded from a real download
# (see the .sha256 file written next to it), never guessed.
KNOWN_SHA256: dict[int, str] = {}
FIRST_VINTAGE = 2013  # the first `cb_YYYY_09_cousub_500k` cartographic file
MIN_BYTES = 10_000  # the real file is a few hundred KB; an error page is smaller
DEFAULT_TIMEOUT = 10.0
CHUNK_BYTES = 64 * 1024
IMPORT_HINT = "download the file on a connected machine and run `ct-equity geo import FILE`"

Progress = Callable[[int, int | None], None]


def census_file_name(vintage: int) -> str:
    """The Census file name of the Connecticut county-subdivision cartographic boundaries."""
    return f"cb_{vintage}_09_cousub_500k.zip"


def census_url(vintage: int, base_url: str = CENSUS_BASE_URL) -> str:
    """The official download address of the file for a vintage."""
    return f"{base_url.rstrip('/')}/GENZ{vintage}/shp/{census_file_name(vintage)}"


def checksum_path(zip_path: Path) -> Path:
    """Where the SHA-256 of a downloaded file is recorded."""
    return zip_path.with_name(zip_path.name + ".sha256")


def _check_vintage(vintage: int) -> None:
    """Refuse a vintage the Census cannot have published."""
    last = dt.date.today().year
    if not isinstance(vintage, int) or not FIRST_VINTAGE <= vintage <= last:
        raise BoundaryError(f"Vintage must be a year from {FIRST_VINTAGE} to {last}, not {vintage!r}.")


def _content_length(response: http.client.HTTPResponse) -> int | None:
    """The announced size in bytes, if the server sent a usable one."""
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _copy(response: http.client.HTTPResponse, stream: BinaryIO, progress: Progress | None, url: str) -> str:
    """Stream the body into `stream`, reporting progress; return its SHA-256."""
    total = _content_length(response)
    digest, done = hashlib.sha256(), 0
    if progress:
        progress(0, total)
    try:
        while chunk := response.read(CHUNK_BYTES):
            stream.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    except (OSError, http.client.HTTPException) as exc:
        raise BoundaryError(f"The download of {url} stopped after {done} bytes ({exc}); try again, or "
                            f"{IMPORT_HINT}.") from exc
    if total is not None and done != total:
        raise BoundaryError(f"The download of {url} stopped after {done} of {total} bytes; try again, or "
                            f"{IMPORT_HINT}.")
    return digest.hexdigest()


def _fetch(url: str, stream: BinaryIO, progress: Progress | None, timeout: float) -> str:
    """Download `url` into `stream`; return the SHA-256. Any network failure is a BoundaryError."""
    host = urllib.parse.urlsplit(url).hostname
    request = urllib.request.Request(url, headers={"User-Agent": "ct-equity boundary download"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise BoundaryError(f"{url} answered HTTP {exc.code} ({exc.reason}); check the vintage, or "
                            f"{IMPORT_HINT}.") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise BoundaryError(f"Cannot reach {host} ({reason}): {IMPORT_HINT} (the file is {url}).") from exc
    with response:
        return _copy(response, stream, progress, url)


def _check_archive(path: Path, min_bytes: int, url: str) -> None:
    """The download is big enough and a readable zip holding a shapefile."""
    size = path.stat().st_size
    if size < max(min_bytes, 1):
        raise BoundaryError(f"{url} gave {size} bytes, fewer than the {min_bytes} a boundary file has.")
    if not zipfile.is_zipfile(path):
        raise BoundaryError(f"{url} did not give a zip archive (perhaps an error page); nothing was kept.")
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise BoundaryError(f"The zip archive from {url} is damaged ({exc}).") from exc
    if damaged is not None:
        raise BoundaryError(f"The zip archive from {url} is damaged (member {damaged}).")
    if not any(name.lower().endswith(".shp") for name in names):
        raise BoundaryError(f"The zip archive from {url} holds no shapefile (.shp).")


def _temp_in(directory: Path, name: str) -> Path:
    """A new empty hidden `.part` file in `directory` (same file system, so the final move is atomic)."""
    handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
    os.close(handle)
    return Path(temp)


def download_boundaries(
    vintage: int,
    dest_dir: Path,
    progress: Progress | None = None,
    *,
    base_url: str = CENSUS_BASE_URL,
    timeout: float = DEFAULT_TIMEOUT,
    expected_sha256: str | None = None,
    min_bytes: int = MIN_BYTES,
) -> Path:
    """Download, check and keep the Census CT town boundary zip; record its SHA-256; return its path."""
    _check_vintage(vintage)
    url = census_url(vintage, base_url)
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / census_file_name(vintage)
    temp = _temp_in(dest_dir, target.name)
    sha_temp = _temp_in(dest_dir, target.name + ".sha256")
    try:
        with temp.open("wb") as stream:
            digest = _fetch(url, stream, progress, timeout)
        _check_archive(temp, min_bytes, url)
        expected = expected_sha256 or KNOWN_SHA256.get(vintage)
        if expected and expected.lower() != digest:
            raise BoundaryError(f"Checksum mismatch for {url}: got {digest}, expected {expected}; "
                                "the file was not kept.")
        sha_temp.write_text(f"{digest}  {target.name}\n", encoding="utf-8")
        os.replace(temp, target)
        os.replace(sha_temp, checksum_path(target))
    finally:
        temp.unlink(missing_ok=True)
        sha_temp.unlink(missing_ok=True)
    return target
