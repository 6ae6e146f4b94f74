"""Warming the shared cache for a newly published release (issue #15): what each page asks for first.

`ct-equity releases publish` (and `build --publish`) asks the app, in-process, for every page as a first-time
visitor would: the page itself, then each callback the browser fires when the page appears, with the values the
page starts with (read from the page's own layout, so a page's defaults are never written down twice), and
then, on the pages that are not one agency's or town's, the callbacks of each other year of the page's year
filter (rows are read per year: a visitor's first change of year was a cold read of the whole year). Every
query those callbacks make is then in the shared query cache (`data_access.cache`) for the release, and the
first real visitor only pays for drawing the page.

Only the public is asked for (no session, so the anonymous viewer): nothing kept here answers anyone else, and
each kept answer carries the viewer in its key. A cache wipe only makes the first requests slower again.

Each gunicorn worker also draws every page's first view once before it serves (`warm_worker`, from
gunicorn.conf.py): the one-time costs of a fresh process are paid then, not by its first visitors.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator

import dash
from dash import Dash

Say = Callable[[str], None]
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


def _router_body(path: str, search: str) -> dict:
    """The request the browser sends to draw a page: Dash's router callback for a path and query."""
    return {"output": ROUTER_OUTPUT,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [{"id": "shell-view", "property": "data", "value": None}],
            "changedPropIds": ["_pages_location.pathname"]}


def props_by_id(node: object, found: dict[str, dict] | None = None) -> dict[str, dict]:
    """The props of every component with a plain (string) id in a layout as Dash sends it."""
    found = {} if found is None else found
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            found[props["id"]] = props
        for child in node.values():
            props_by_id(child, found)
    elif isinstance(node, list):
        for child in node:
            props_by_id(child, found)
    return found


def _outputs(output: str) -> list[dict] | dict:
    """`..a.children...b.data@hash..` → the list of outputs a request names; `a.children` → the one output."""
    def one(part: str) -> dict:
        name, prop = part.rsplit(".", 1)
        return {"id": json.loads(name) if name.startswith("{") else name, "property": prop.split("@")[0]}

    return [one(part) for part in output[2:-2].split("...")] if output.startswith("..") else one(output)


def _request(dep: dict, props: dict[str, dict], changed: list[str]) -> dict:
    """The request of one callback with the values of `props`, as the browser sends it."""
    def valued(items: list[dict]) -> list[dict]:
        return [{**i, "value": props.get(i["id"], {}).get(i["property"])} for i in items]

    return {"output": dep["output"], "outputs": _outputs(dep["output"]), "inputs": valued(dep["inputs"]),
            "state": valued(dep.get("state", [])), "changedPropIds": changed}


def first_callbacks(dependencies: list[dict], props: dict[str, dict]) -> Iterator[dict]:
    """The requests the browser sends when a page with these components appears: every callback that is not
    held back on the initial call and whose inputs are all on the page, with the values the page starts with."""
    for dep in dependencies:
        inputs = dep["inputs"]
        if dep.get("prevent_initial_call") is True or dep.get("clientside_function") or not inputs:
            continue
        if not all(i["id"] in props for i in inputs):
            continue  # pattern-matching ids (JSON text) and components of other pages are never all on the page
        yield _request(dep, props, [])


def year_callbacks(dependencies: list[dict], props: dict[str, dict]) -> Iterator[dict]:
    """The requests the browser sends when a visitor picks each other year of the page's year filter (the
    select whose id ends in `-year`): every callback that filter feeds, with the other values the page starts
    with."""
    for select_id, select in props.items():
        if not select_id.endswith("-year") or not isinstance(select.get("options"), list):
            continue
        for option in select["options"]:
            value = option.get("value") if isinstance(option, dict) else None
            if value is None or value == select.get("value"):
                continue
            changed = {**props, select_id: {**select, "value": value}}
            for dep in dependencies:
                if dep.get("clientside_function") or not any(
                        i["id"] == select_id and i["property"] == "value" for i in dep["inputs"]):
                    continue
                if all(i["id"] in changed for i in dep["inputs"]):
                    yield _request(dep, changed, [f"{select_id}.value"])


def template_link(template: str, text: str) -> str | None:
    """The first path in `text` that a page's path template (`/agencies/<code>`) matches, or None."""
    pattern = re.escape(template)
    for name in re.findall(r"<(\w+)>", template):
        pattern = pattern.replace(re.escape(f"<{name}>"), r"[A-Za-z0-9_.-]{1,40}")
    found = re.search(f"(?<![A-Za-z0-9_/]){pattern}(?![A-Za-z0-9_.-])", text)
    return found.group(0) if found else None


def warm_release(app: Dash, release_id: str, say: Say = print) -> list[tuple[str, float]]:
    """Ask for every page of the release (and its first callbacks) as an anonymous visitor; (path, seconds) each.

    A page with one view per agency or town is asked for once, for the first one the other pages link to: what
    all of them share (the release's agency list, the statewide figures they compare against) is then kept too.
    """
    return _visit_pages(app.server.test_client(), app.config.routes_pathname_prefix, f"?release={release_id}",
                        say, {}, years=True)


def warm_worker(app: Dash, say: Say = lambda _line: None, seconds: float | None = None) -> list[tuple[str, float]]:
    """Draw every page's first view once in this process, as the public, before it serves anyone.

    A fresh process pays once for what its first callbacks touch: plotly's validators for each kind of trace,
    pandas' and SQLAlchemy's lazily built machinery, the first query, the first translation lookup. Paid while
    serving, that put 100–200 ms on the first visitor's callbacks of each page. Every callback runs here (the
    response cache is bypassed and keeps nothing, `response_cache.BYPASS`); the queries it makes go through the
    shared query cache as a visitor's would, so after `releases publish` they are answered from it. With
    `seconds`, no page is begun after that long (an empty cache on a large release): visitors pay for the rest.
    """
    from .response_cache import BYPASS

    return _visit_pages(app.server.test_client(), app.config.routes_pathname_prefix, "", say, {BYPASS: True},
                        until=None if seconds is None else time.monotonic() + seconds)


def _visit_pages(client, prefix: str, search: str, say: Say, environ: dict, years: bool = False,
                 until: float | None = None) -> list[tuple[str, float]]:
    """Every page's first view (the page, then its first callbacks) through `client`, and with `years` each other
    year of the pages that are not one agency's or town's; (path, seconds) each."""
    dispatch = prefix + "_dash-update-component"
    dependencies = client.get(prefix + "_dash-dependencies").get_json()
    seen: list[str] = []

    def ask(body: dict) -> dict | None:
        reply = client.post(dispatch, data=json.dumps(body), content_type="application/json",
                            environ_overrides=environ)
        answer = reply.get_json(silent=True) if reply.status_code == 200 else None
        if answer is not None:
            seen.append(json.dumps(answer))  # decoded: Dash writes "/" as \u002f
        return answer

    def visit(path: str, other_years: bool) -> float:
        started = time.perf_counter()
        answer = ask(_router_body(path, search))
        props = props_by_id(answer.get("response", {}) if answer else {})
        for body in first_callbacks(dependencies, props):
            ask(body)
        for body in year_callbacks(dependencies, props) if other_years else ():
            ask(body)
        return time.perf_counter() - started

    pages = [p for p in dash.page_registry.values() if not p["path"].startswith("/embed")]
    done = []
    for page in sorted(pages, key=lambda p: bool(p.get("path_template"))):  # pages with links to follow first
        if until is not None and time.monotonic() > until:
            break
        template = page.get("path_template")
        path = template_link(template, "\n".join(seen)) if template else page["path"]
        if path is None:
            continue  # no page links to one of its views
        done.append((path, visit(path, years and not template)))
        say(f"  warmed {path} ({done[-1][1]:.1f} s)")
    return done
