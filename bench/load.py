"""Bounded loopback load against gunicorn: requests per second for a cached callback and a bare endpoint."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def router_payload(path: str, search: str = "") -> bytes:
    """The request the browser sends to render a page: the router callback for a path."""
    return json.dumps({
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [{"id": "shell-view", "property": "data", "value": None}],
        "changedPropIds": ["_pages_location.pathname"],
    }).encode()


CONFIG = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


class Gunicorn:
    """`gunicorn APP` with the project's settings (gunicorn.conf.py: threaded workers) and 2 workers on a free
    loopback port, stopped on exit."""

    def __init__(self, target: str, env: dict[str, str], cwd: Path | None = None, workers: int = 2):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", target, "--config", str(CONFIG), "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning"],
            env={**os.environ, **env}, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.process.stderr.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *_exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hammer(port: int, path: str, body: bytes | None, seconds: float = 5.0, clients: int = 8,
           max_requests: int = 100_000) -> tuple[float, int]:
    """Requests/s over keep-alive connections from `clients` threads, bounded in time and count."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.time() + seconds
    method = "POST" if body is not None else "GET"
    headers = {"Content-Type": "application/json"} if body is not None else {}

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.time() < stop and done[i] < max_requests // clients:
            try:
                conn.request(method, path, body=body, headers=headers)
                reply = conn.getresponse()
                reply.read()
                if reply.status == 200:
                    done[i] += 1
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.time() - started), sum(errors)
