"""Every registered callback, POSTed directly with hostile payloads: never a 500, never a traceback."""

from __future__ import annotations

import json
import re

import pytest

from data_access.db import get_engine
from data_access.queries import current_settings
from data_access.schema import users
from data_access.users import add_user

HOSTILE = [
    None,
    0,
    -1,
    10**18,
    3.5,
    True,
    "",
    "x" * 20_000,
    "'; DROP TABLE releases; --",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "DOC",
    "ALL",
    "0911037070",
    "2024",
    ["DSS", "DOC"],
    {"$ne": 1},
    '=HYPERLINK("http://evil")',
    "\u0000",
    "🙂",
]
WILDCARDS = ('["MATCH"]', '["ALL"]', '["ALLSMALLER"]')


def concrete(component_id: str) -> str | dict:
    """A concrete id for a (possibly pattern-matching) dependency id."""
    if not component_id.startswith("{"):
        return component_id
    parsed = json.loads(component_id)
    return {k: ("hostile" if isinstance(v, list) else v) for k, v in parsed.items()}


def payloads(dep: dict, value) -> dict:
    output = dep["output"]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        outputs.append({"id": concrete(cid), "property": prop})

    def entries(items):
        out = []
        for item in items:
            entry = {"id": concrete(item["id"]), "property": item["property"], "value": value}
            is_all = any(w in item["id"] for w in ('["ALL"]', '["ALLSMALLER"]'))
            out.append([entry] if is_all else entry)
        return out

    inputs = entries(dep["inputs"])
    return {
        "output": output,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": entries(dep.get("state", [])),
        "changedPropIds": [
            f"{json.dumps(i['id'], separators=(',', ':')) if isinstance(i['id'], dict) else i['id']}.{i['property']}"
            for i in inputs
            if isinstance(i, dict)
        ][:1],
    }


def server_callbacks(client) -> list[dict]:
    deps = json.loads(client.get("/_dash-dependencies").data)
    return [d for d in deps if not d.get("clientside_function")]


@pytest.fixture
def clients(app_env):
    from app import app

    engine = get_engine(current_settings().database_url)
    with engine.begin() as conn:
        conn.execute(users.delete())
    add_user(engine, "dss-eeo", "correct horse battery staple", "agency", frozenset({"DSS"}))
    app.server.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)  # errors answered as in production
    anonymous = app.server.test_client()
    agency = app.server.test_client()
    page = agency.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert (
        agency.post(
            "/login", data={"csrf": token, "username": "dss-eeo", "password": "correct horse battery staple"}
        ).status_code
        == 302
    )
    return {"anonymous": anonymous, "agency": agency}


@pytest.mark.parametrize("who", ["anonymous", "agency"])
def test_no_callback_breaks_on_hostile_input(clients, who, caplog):
    client = clients[who]
    deps = server_callbacks(client)
    assert len(deps) >= 10
    failures = []
    for dep in deps:
        for value in HOSTILE:
            reply = client.post("/_dash-update-component", json=payloads(dep, value))
            body = reply.get_data(as_text=True)
            if reply.status_code >= 500 or "Traceback" in body or 'File "' in body:
                failures.append((dep["output"][:60], repr(value)[:40], reply.status_code, body[:200]))
    assert not failures, failures[:10]
    crashed = [r.getMessage() for r in caplog.records if r.name == "ct_equity" and r.levelname == "ERROR"]
    assert not crashed, f"callbacks raised instead of answering 'not available': {crashed[:5]}"


def test_malformed_requests_are_refused_cleanly(clients):
    client = clients["anonymous"]
    for body in (b"", b"{", b"[]", b'{"output": 5}', b'{"output": "nope.children", "inputs": []}'):
        reply = client.post("/_dash-update-component", data=body, content_type="application/json")
        assert reply.status_code in (400, 204) and "Traceback" not in reply.get_data(as_text=True)
