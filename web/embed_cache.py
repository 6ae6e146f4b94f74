"""Embed documents are cacheable, keyed by release (DESIGN §7).

Dash's index route serves `/embed/<chart_id>`; an `after_request` hook gives each successful GET of a valid
embed address an ETag fixed by the resolved release, the chart, its normalised parameters, the language, the
sites allowed to frame it and the code, and `Cache-Control`. A matching `If-None-Match` is answered 304
without a body.

Shared caches (a CDN in front of the app) keep the document a day for a named release and five minutes for
"the current release", which changes when a new one is published. Browsers revalidate it on every use
(`max-age=0`): the document carries the `frame-ancestors` policy, and a site taken off that list must not go
on framing a copy cached in its visitors' browsers. The revalidation costs a 304 without a body.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Response, request

from components.i18n import language
from data_access.cache import CODE_TOKEN
from data_access.queries import DataUnavailable, current_settings, resolve_release
from data_access.viewer import ANONYMOUS
from embeds.registry import chart_params
from embeds.signing import first_values, frame_ancestors, is_embed_path, pairs, refusal

ROOT = Path(__file__).resolve().parents[1]
PINNED_MAX_AGE = 86_400  # an explicitly named release never changes
CURRENT_MAX_AGE = 300  # "the current release" changes when a new one is published


def _dash_version() -> str:
    try:
        return version("dash")
    except PackageNotFoundError:
        return "missing"


# The document depends on the pages, components, assets and translations: any change to them changes every ETag.
CODE_VERSION = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted([*ROOT.glob("dashboards/**/*.py"), *ROOT.glob("embeds/*.py"),
                                    *ROOT.glob("components/*.py"), *ROOT.glob("components/translations/**/*.po"),
                                    *ROOT.glob("assets/*"),
                                    ROOT / "app.py"]) if p.is_file())
    + f"{CODE_TOKEN}{_dash_version()}".encode()).hexdigest()[:16]


def embed_etag(chart_id: str, params: dict, release_id: str, lang: str, framing: str = "",
               code: str = CODE_VERSION) -> str:
    """Fixed by the chart, its normalised parameters, the resolved release, the language, the sites allowed
    to frame it (a header of the document) and the code."""
    key = f"embed|{chart_id}|{pairs(params)}|{release_id}|{lang}|{framing}|{code}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


def matches(if_none_match: set[str], etag: str) -> bool:
    """Whether the browser holds this ETag, as sent or as flask-compress suffixed it (`<etag>:gzip`)."""
    return any(tag == etag or tag.startswith(etag + ":") for tag in if_none_match)


def cache_headers(chart_id: str, query: dict, lang: str, private: bool) -> dict[str, str] | None:
    """ETag, Cache-Control and Vary of a valid embed address (None when it is not one: nothing to cache)."""
    settings = current_settings()
    params = chart_params(chart_id, query)
    if params is None or refusal(settings.embed_secret, chart_id, query):
        return None
    try:
        info = resolve_release(settings, ANONYMOUS, params.get("release"))
    except DataUnavailable:
        return None
    if info is None or (params.get("release") and info.release_id != params["release"]):
        return None
    age = PINNED_MAX_AGE if params.get("release") else CURRENT_MAX_AGE
    etag = embed_etag(chart_id, params, info.release_id, lang, frame_ancestors(settings.frame_ancestors))
    control = "private, max-age=0" if private else f"public, max-age=0, s-maxage={age}"
    return {"ETag": f'"{etag}"', "Cache-Control": f"{control}, must-revalidate"}


def embed_caching(prefix: str) -> Callable[[Response], Response]:
    """The `after_request` hook for an app whose routes start with `prefix`."""
    def hook(response: Response) -> Response:
        path = request.path.removeprefix(prefix.rstrip("/"))
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or not is_embed_path(path):
            return response
        # A request with cookies (a session, a remembered language) may get a cookie back: never a shared cache.
        headers = cache_headers(path.strip("/").split("/")[1], first_values(request.args.items(multi=True)),
                                language(), private=bool(request.cookies))
        if headers is None:
            return response
        vary = {v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()}
        headers["Vary"] = ", ".join(sorted(vary | {"Cookie"}))  # the language may come from a cookie
        held = request.if_none_match
        if held.star_tag or matches(held.as_set(include_weak=True), headers["ETag"].strip('"')):
            return Response(status=304, headers=headers)
        response.headers.update(headers)
        return response
    return hook
