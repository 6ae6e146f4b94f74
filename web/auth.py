"""Sign-in for agency, statewide and admin users (Flask-Login), the trusted-header mode, origin checks."""
from __future__ import annotations

import hmac
import secrets
from html import escape
from urllib.parse import urlparse

from flask import Flask, Response, abort, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from components.i18n import _, language
from data_access.queries import current_settings, engine
from data_access.sessions import begin_session, end_sessions, session_viewer
from data_access.users import authenticate, viewer_of
from data_access.viewer import ANONYMOUS, Viewer

from .guards import retry_after

PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — CT Equity Benchmarks</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"></head>
<body><main class="container py-4" style="max-width:28rem"><h1 class="h3">{title}</h1>{body}
<p class="mt-3"><a href="/">{back}</a></p></main></body></html>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    """A plain page outside Dash (sign-in, sign-out) in the viewer's language."""
    html = PAGE.format(lang=language(), title=escape(title), body=body, back=escape(_("Back to the public dashboard")))
    return Response(html, status=status, mimetype="text/html")


class Account(UserMixin):
    def __init__(self, username: str, viewer: Viewer):
        self.id = username
        self.viewer = viewer


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    return bool(session.get("csrf")) and hmac.compare_digest(sent, session["csrf"])


def _local_path(target: str | None) -> str:
    """Only redirect within this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target if not urlparse(target).netloc else "/"


def _login_form(message: str = "", status: int = 200) -> Response:
    alert = f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else ""
    user, password, sign_in = escape(_("User name")), escape(_("Password")), escape(_("Sign in"))
    body = f"""{alert}<form method="post" action="/login">
<input type="hidden" name="csrf" value="{_csrf_token()}">
<input type="hidden" name="next" value="{escape(_local_path(request.values.get('next')))}">
<div class="mb-3"><label class="form-label" for="username">{user}</label>
<input class="form-control" id="username" name="username" autocomplete="username" required maxlength="64"></div>
<div class="mb-3"><label class="form-label" for="password">{password}</label>
<input class="form-control" id="password" name="password" type="password" autocomplete="current-password"
required maxlength="200"></div><button class="btn btn-dark" type="submit">{sign_in}</button></form>"""
    return _page(_("Sign in"), body, status)


def resolve_viewer() -> Viewer:
    """The viewer of this request: trusted proxy header, else the signed-in account, else anonymous."""
    settings = current_settings()
    if settings.trusted_header:
        proxies = {p.strip() for p in settings.trusted_proxies.split(",") if p.strip()}
        name = request.headers.get(settings.trusted_header)
        if name and request.remote_addr in proxies:
            return viewer_of(engine(settings), name) or ANONYMOUS
    if current_user and current_user.is_authenticated:
        return current_user.viewer
    return ANONYMOUS


def register_auth(server: Flask) -> None:
    """Sessions, /login and /logout, login rate limiting and the same-origin check on POSTs."""
    settings = current_settings()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=bool(settings.cookie_secure), REMEMBER_COOKIE_HTTPONLY=True)
    manager = LoginManager(server)

    @manager.user_loader
    def _load(username: str) -> Account | None:
        settings = current_settings()
        viewer = session_viewer(engine(settings), username, session, settings.session_idle_minutes)
        return Account(username, viewer) if viewer else None

    # Counted in Redis when CT_EQUITY_CACHE_URL is set (shared by every worker), else per worker process.
    storage = settings.cache_url or "memory://"
    limiter = Limiter(get_remote_address, app=server, storage_uri=storage, default_limits=[],
                      key_prefix="ct-equity-login", swallow_errors=True)

    @server.before_request
    def _same_origin() -> None:
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin and origin != "null" and urlparse(origin).netloc != request.host:
                abort(403)

    @server.route("/login", methods=["GET"])
    def _login_page() -> Response:
        return _login_form()

    @server.route("/login", methods=["POST"])
    @limiter.limit(lambda: current_settings().login_rate_limit)
    def _login() -> Response:
        if not _csrf_ok():
            return _login_form(_("The form expired. Please try again."), 400)
        viewer = authenticate(engine(current_settings()), request.form.get("username", ""),
                              request.form.get("password", ""))
        if viewer is None:
            return _login_form(_("That user name and password do not match."), 401)
        session.clear()
        login_user(Account(request.form["username"], viewer))
        begin_session(engine(current_settings()), request.form["username"], session)
        return redirect(_local_path(request.form.get("next")))

    @server.route("/logout", methods=["POST"])
    def _logout() -> Response:
        if not _csrf_ok():
            abort(400)
        if current_user.is_authenticated:
            end_sessions(engine(current_settings()), current_user.id)
        logout_user()
        session.clear()
        return redirect("/")

    @server.route("/logout", methods=["GET"])
    def _logout_page() -> Response:
        sign_out = escape(_("Sign out"))
        body = (f'<form method="post" action="/logout"><input type="hidden" name="csrf" value="{_csrf_token()}">'
                f'<button class="btn btn-dark" type="submit">{sign_out}</button></form>')
        return _page(_("Sign out"), body)

    @server.errorhandler(429)
    def _too_many(_error) -> Response:
        response = _login_form(_("Too many sign-in attempts. Please wait a minute and try again."), 429)
        response.headers["Retry-After"] = retry_after(limiter)
        return response
