"""The framework's floor: a bare Flask endpoint that returns the same bytes as a cached callback."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, request

app = Flask(__name__)
BODY = Path(os.environ.get("BENCH_FLOOR_BODY", "/dev/null")).read_bytes()


@app.post("/_dash-update-component")
def same_bytes() -> Response:
    request.get_data()  # read the body as a callback does (a keep-alive connection must be drained)
    return Response(BODY, mimetype="application/json")
