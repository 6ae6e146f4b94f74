"""Census boundary download (DESIGN §3): streamed, checked, checksummed, and never left half-written.

A local HTTP server on 127.0.0.1 stands in for www2.census.gov; checksums are computed here with hashlib
from the bytes the server sent.
"""
from __future__ import annotations

import hashlib
import http.server
import io
import os
import socket
import threading
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from geo.boundaries import import_boundaries
from geo.download import census_url, checksum_path, download_boundaries
from geo.errors import BoundaryError
from geo.towns import towns
from tests.conftest import SHARED, shared_reference

BOUNDARIES = SHARED / "geo" / "ct_towns.geojson"  # the independent reference: the Census 2017 file
FILE_NAME = "cb_2022_09_cousub_500k.zip"
URL_PATH = f"/GENZ2022/shp/{FILE_NAME}"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the (status, body, announced length) stored on the server."""

    def do_GET(self) -> None:
        status, body, length = self.server.answer  # type: ignore[attr-defined]
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.paths = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def shapefile_zip(tmp_path_factory) -> bytes:
    """The real towns as a zipped shapefile, the way the Census ships them."""
    shared_reference("geo/ct_towns.geojson")  # skips with the reason when absent; fails in CI
    directory = tmp_path_factory.mktemp("shp")
    gpd.read_file(BOUNDARIES)[["GEOID", "NAME", "geometry"]].to_file(directory / "cb_2022_09_cousub_500k.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(directory.iterdir()):
            archive.write(part, part.name)
    return buffer.getvalue()


def _base(httpd) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_the_official_address():
    assert census_url(2022) == "https://www2.census.gov/geo/tiger/GENZ2022/shp/cb_2022_09_cousub_500k.zip"


def test_a_download_is_kept_with_its_checksum_and_reports_progress(tmp_path, server, shapefile_zip):
    server.answer = (200, shapefile_zip, None)
    calls: list[tuple[int, int | None]] = []
    path = download_boundaries(2022, tmp_path, lambda done, total: calls.append((done, total)),
                               base_url=_base(server))
    assert server.paths[-1] == URL_PATH
    assert path == tmp_path / FILE_NAME
    assert path.read_bytes() == shapefile_zip
    expected = hashlib.sha256(shapefile_zip).hexdigest()
    assert checksum_path(path).read_text(encoding="utf-8") == f"{expected}  {FILE_NAME}\n"
    assert _files(tmp_path) == [FILE_NAME, FILE_NAME + ".sha256"]
    assert calls[0] == (0, len(shapefile_zip)) and calls[-1] == (len(shapefile_zip), len(shapefile_zip))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    towns_layer = import_boundaries(path)["town"]
    assert towns_layer.count('"type":"Feature"') == len(towns()) == 169


def test_a_matching_known_checksum_is_accepted(tmp_path, server, shapefile_zip):
    server.answer = (200, shapefile_zip, None)
    expected = hashlib.sha256(shapefile_zip).hexdigest()
    path = download_boundaries(2022, tmp_path, base_url=_base(server), expected_sha256=expected.upper())
    assert path.is_file()


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on exit: nothing listens there


def test_offline_fails_fast_with_the_import_hint(tmp_path):
    started = time.monotonic()
    with pytest.raises(BoundaryError, match=r"Cannot reach 127\.0\.0\.1 .*ct-equity geo import FILE"):
        download_boundaries(2022, tmp_path, base_url=f"http://127.0.0.1:{_refused_port()}")
    assert time.monotonic() - started < 5
    assert _files(tmp_path) == []


def test_a_server_that_never_answers_times_out(tmp_path):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel accepts the connection; nobody ever replies
        started = time.monotonic()
        with pytest.raises(BoundaryError, match="ct-equity geo import FILE"):
            download_boundaries(2022, tmp_path, base_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
                                timeout=0.5)
        assert time.monotonic() - started < 5
    assert _files(tmp_path) == []


def _zip_with(name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((200, b"<html>Service unavailable</html>" * 1000, None), "did not give a zip archive"),
        ((404, b"not found", None), "HTTP 404"),
        ((200, b"x" * 20_000, 50_000), "stopped after 20000 of 50000 bytes"),
        ((200, b"tiny", None), "gave 4 bytes"),
        ((200, b"", None), "gave 0 bytes"),
        ((200, _zip_with("readme.txt", os.urandom(20_000)), None), "holds no shapefile"),
    ],
    ids=["html_page", "not_found", "truncated", "too_small", "empty", "zip_without_shp"],
)
def test_a_bad_answer_is_an_error_and_leaves_no_file(tmp_path, server, answer, message):
    server.answer = answer
    with pytest.raises(BoundaryError, match=message):
        download_boundaries(2022, tmp_path, base_url=_base(server))
    assert _files(tmp_path) == []


def test_a_checksum_mismatch_keeps_nothing(tmp_path, server, shapefile_zip):
    server.answer = (200, shapefile_zip, None)
    with pytest.raises(BoundaryError, match="Checksum mismatch"):
        download_boundaries(2022, tmp_path, base_url=_base(server), expected_sha256="0" * 64)
    assert _files(tmp_path) == []


def test_a_failed_download_leaves_an_earlier_good_file_alone(tmp_path, server, shapefile_zip):
    server.answer = (200, shapefile_zip, None)
    path = download_boundaries(2022, tmp_path, base_url=_base(server))
    recorded = checksum_path(path).read_text(encoding="utf-8")
    server.answer = (200, b"<html>oops</html>" * 2000, None)
    with pytest.raises(BoundaryError):
        download_boundaries(2022, tmp_path, base_url=_base(server))
    assert path.read_bytes() == shapefile_zip
    assert checksum_path(path).read_text(encoding="utf-8") == recorded
    assert _files(tmp_path) == [FILE_NAME, FILE_NAME + ".sha256"]


@pytest.mark.parametrize("vintage", [1999, 2999])
def test_an_impossible_vintage_is_refused_before_any_request(tmp_path, vintage):
    with pytest.raises(BoundaryError, match="Vintage must be a year"):
        download_boundaries(vintage, tmp_path, base_url=f"http://127.0.0.1:{_refused_port()}")
    assert _files(tmp_path) == []
