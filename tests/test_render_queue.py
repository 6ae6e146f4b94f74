"""Chart renders kept apart from pages (issue #16 item 5): one render per process, a short bounded line, 503
with Retry-After beyond it, and a worker that goes on serving pages while one of its threads waits for a render."""
from __future__ import annotations

import http.client
import threading
import time

import pytest

from bench.load import Gunicorn, router_payload
from web.png import RenderBusy, RenderGate


def test_gate_lets_one_draw_and_a_few_wait_then_turns_the_rest_away_at_once():
    gate = RenderGate(waiting=1, wait_seconds=30)
    drawing, release, waited = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with gate.turn():
            drawing.set()
            release.wait(10)

    def second() -> None:
        with gate.turn():  # admitted to the line; draws after the first
            waited.set()

    a = threading.Thread(target=first)
    a.start()
    assert drawing.wait(5)
    b = threading.Thread(target=second)
    b.start()
    time.sleep(0.2)
    assert not waited.is_set()  # the second is in line, not drawing
    started = time.perf_counter()
    with pytest.raises(RenderBusy):  # the line (1 drawing + 1 waiting) is full: turned away without waiting
        with gate.turn():
            pass
    assert time.perf_counter() - started < 1
    release.set()
    a.join(5)
    b.join(5)
    assert waited.is_set()
    with gate.turn():  # free again
        pass


def test_gate_turns_away_a_request_that_waited_too_long():
    gate = RenderGate(waiting=2, wait_seconds=0.2)
    release = threading.Event()

    def hold() -> None:
        with gate.turn():
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    with pytest.raises(RenderBusy):
        with gate.turn():
            pass
    release.set()
    holder.join(5)


def test_a_full_render_line_answers_503_with_retry_after(app_env, monkeypatch):
    """The route turns an image away with 503, Retry-After and no-store while the line is full."""
    import web.png as png
    from app import app

    gate = RenderGate(waiting=0, wait_seconds=30)
    monkeypatch.setattr(png, "render_gate", lambda: gate)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.turn():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        response = app.server.test_client().get("/png/contracting-small?year=2025&peer=health&lang=es")
        assert response.status_code == 503 and response.headers["Retry-After"] == str(png.RETRY_AFTER_SECONDS)
        assert response.headers["Cache-Control"] == "no-store" and "segundos" in response.get_data(as_text=True)
    finally:
        release.set()
        holder.join(5)


def _get(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    reply = conn.getresponse()
    reply.read()
    conn.close()
    return reply, time.perf_counter() - started


def _quietly(port: int, path: str) -> None:
    try:
        _get(port, "GET", path, timeout=90)
    except OSError:  # the server is stopped under the waiting request at the end of the test
        pass


def test_a_render_in_progress_does_not_hold_up_pages_of_the_same_worker(published_demo, tmp_path):
    """One gunicorn worker with the project's settings; its chart browser never answers (a stand-in that only
    sleeps), so the first image request stays in its render. Pages and callbacks of that same worker are
    still answered at once, two more images wait in line, and the next one is turned away with Retry-After."""
    stuck = tmp_path / "chromium"
    stuck.write_text("#!/bin/sh\nexec sleep 40\n")
    stuck.chmod(0o755)
    env = {**published_demo["env"], "BROWSER_PATH": str(stuck), "GUNICORN_CMD_ARGS": "--graceful-timeout 2"}
    with Gunicorn("app:server", env, workers=1) as server:
        reply, _ = _get(server.port, "GET", "/healthz")
        assert reply.status == 200
        images = [f"/png/contracting-small?year=2025&peer={peer}" for peer in ("health", "safety", "education")]
        waiting = [threading.Thread(target=_quietly, args=(server.port, path), daemon=True) for path in images]
        for thread in waiting:
            thread.start()
            time.sleep(0.5)
        time.sleep(1.0)
        assert all(t.is_alive() for t in waiting)  # one drawing (stuck), two in line
        turned_away, seconds = _get(server.port, "GET", "/png/contracting-minority?year=2025")
        assert turned_away.status == 503 and turned_away.getheader("Retry-After") and seconds < 5
        page, page_seconds = _get(server.port, "GET", "/")
        callback, callback_seconds = _get(server.port, "POST", "/_dash-update-component", router_payload("/"))
        assert page.status == 200 and callback.status == 200
        # The render stays stuck for up to a minute; a worker held by it would not answer before then.
        assert page_seconds < 5 and callback_seconds < 10, (page_seconds, callback_seconds)
        assert all(t.is_alive() for t in waiting)
