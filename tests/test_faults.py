"""Faults: the database goes away under a running app, and a build is killed while writing."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pandas as pd
import pytest

from data_access.db import get_engine
from data_access.queries import current_settings
from data_access.releases import current_release_id, list_releases, publish, write_release


class TcpProxy:
    """A loopback TCP forwarder in front of PostgreSQL that the test can cut and restore."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.connections: list[socket.socket] = []
        self.listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass

    def cut(self) -> None:
        self.up.clear()
        for conn in self.connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass
        self.connections.clear()

    def restore(self) -> None:
        self.up.set()


def small_release(release_id: str) -> tuple[dict, dict]:
    row = {"release_id": release_id, "created_at": datetime.now(UTC), "inputs_sha256": "0" * 64,
           "code_version": "test", "notes": "", "synthetic": True}
    tables = {"agencies": pd.DataFrame({"agency_code": ["DSS"], "agency_name": ["Department of Social Services"],
                                        "peer_group": ["human services"]})}
    return row, tables


def test_database_outage_shows_a_notice_and_recovers(pg_url, monkeypatch, tmp_path):
    from app import app

    host, port = "127.0.0.1", 5432
    proxy = TcpProxy((host, port))
    proxy.restore()
    url = pg_url.replace(f"{host}:{port}", f"127.0.0.1:{proxy.port}")
    from data_access.schema import metadata

    metadata.drop_all(get_engine(pg_url))
    row, tables = small_release("outage-test")
    write_release(get_engine(url), row, tables)
    publish(get_engine(url), "outage-test")
    monkeypatch.setenv("CT_EQUITY_DATABASE_URL", url)
    monkeypatch.setenv("CT_EQUITY_DATA_DIR", str(tmp_path))
    current_settings.cache_clear()
    client = app.server.test_client()

    def page_text() -> tuple[int, str]:
        body = {"output": ".._pages_content.children..._pages_store.data..",
                "outputs": [{"id": "_pages_content", "property": "children"},
                            {"id": "_pages_store", "property": "data"}],
                "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                           {"id": "_pages_location", "property": "search", "value": ""}],
                "changedPropIds": ["_pages_location.pathname"],
                "state": [{"id": "shell-view", "property": "data", "value": None}]}
        reply = client.post("/_dash-update-component", json=body)
        return reply.status_code, reply.get_data(as_text=True)

    assert client.get("/healthz").status_code == 200
    proxy.cut()
    health = client.get("/healthz")
    assert health.status_code == 503 and "database unreachable" in json.loads(health.data)["reason"]
    status, text = page_text()
    assert status == 200 and "data service is not answering" in text and "Traceback" not in text
    proxy.restore()
    deadline = time.time() + 15
    while client.get("/healthz").status_code != 200 and time.time() < deadline:
        time.sleep(0.5)
    assert client.get("/healthz").status_code == 200
    status, text = page_text()
    assert status == 200 and "data service is not answering" not in text
    proxy.cut()
    get_engine(url).dispose()


def _writers(since: float) -> list:
    """Release-writer processes (`python -m data_access.bulk`) started since then."""
    import psutil

    return [p for p in psutil.process_iter(["cmdline", "create_time"])
            if "data_access.bulk" in " ".join(p.info["cmdline"] or []) and p.info["create_time"] >= since]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_killed_build_leaves_every_release_intact(backend, demo_inputs, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'kill.sqlite'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    if backend == "postgresql":
        from data_access.schema import metadata

        metadata.drop_all(get_engine(url))
    row, tables = small_release("kept")
    engine = get_engine(url)
    write_release(engine, row, tables)
    publish(engine, "kept")
    env = {**os.environ, "CT_EQUITY_DATABASE_URL": url, "CT_EQUITY_DATA_DIR": str(tmp_path),
           "CT_EQUITY_BOUNDARIES": "", "CT_EQUITY_BOOTSTRAP_DRAWS": "50", "PYTHONUNBUFFERED": "1"}
    started = time.time() - 1
    build = subprocess.Popen([sys.executable, "-m", "cli", "build", "--inputs", str(demo_inputs)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=os.getcwd())
    seen = b""
    deadline = time.time() + 120
    # The release's tables are written while the build computes the rest: by "town measures" the workforce and
    # selection tables are in the writer's open transaction.
    while b"town measures" not in seen and time.time() < deadline:
        chunk = build.stdout.read1(4096) if hasattr(build.stdout, "read1") else build.stdout.read(64)
        if not chunk:
            break
        seen += chunk
    assert b"town measures" in seen, seen[-500:]
    time.sleep(0.3)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL
    deadline = time.time() + 30  # the writer child sees its input end, rolls back and stops
    while _writers(started) and time.time() < deadline:
        time.sleep(0.2)
    assert not _writers(started), "the release writer outlived the killed build"
    engine.dispose()
    assert [r.release_id for r in list_releases(engine)] == ["kept"]
    assert current_release_id(engine) == "kept"
