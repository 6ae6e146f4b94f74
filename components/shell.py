"""The page shell: navigation, the synthetic-data notice, the release line and the page furniture."""
from __future__ import annotations

from datetime import date, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from .formatting import day, release_status
from .i18n import LANGUAGES, N_, _, language

NAV_ITEMS = ((N_("Overview"), "/"),)


def navbar(links: tuple[tuple[str, str], ...] = NAV_ITEMS, user: str | None = None) -> dbc.Navbar:
    """Top navigation (dark, for AA contrast), one link per page, and sign-in or the signed-in user."""
    items = [dbc.NavItem(dbc.NavLink(_(label), href=href, active="exact")) for label, href in links]
    if user:
        items.append(dbc.NavItem(dbc.NavLink(_("%(user)s · Sign out", user=user), href="/logout",
                                             external_link=True)))
    else:
        items.append(dbc.NavItem(dbc.NavLink(_("Sign in"), href="/login", external_link=True)))
    items.append(language_switcher())
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand(_("CT Equity Benchmarks"), href="/"),
            dbc.Nav(items, navbar=True, className="flex-wrap"),
        ], fluid=True),
        color="dark", dark=True, className="mb-3",
    )


def shell(content, links: tuple[tuple[str, str], ...] = NAV_ITEMS, user: str | None = None) -> html.Div:
    """Skip link, navigation, main landmark holding the pages, and the footer."""
    return html.Div([
        html.A(_("Skip to main content"), href="#main", className="visually-hidden-focusable"),
        navbar(links, user),
        html.Main(dbc.Container(content, fluid=True), id="main"),
        dbc.Toast(_("Something went wrong while updating this view. Please try again; if it keeps happening, "
                    "reload the page."), id="shell-error", header=_("Not updated"), is_open=False, dismissable=True,
                  icon="danger", duration=8000, style={"position": "fixed", "bottom": 16, "right": 16}),
        html.Footer(
            dbc.Container(html.Small(
                _("CT Equity Benchmarks — figures are published per release and protected against disclosure: "
                  "counts below the threshold are suppressed."), className="text-body-secondary"), fluid=True),
            className="border-top mt-4 py-3"),
    ])


def synthetic_notice(synthetic: bool) -> html.Div | None:
    """A plain notice on every page while the release is built from synthetic demo data."""
    if not synthetic:
        return None
    return dbc.Alert(
        [html.Strong(_("Synthetic demo data.") + " "),
         _("Every figure on this page is invented for demonstration; none describes a real agency, person or "
           "town.")],
        color="warning", className="py-2", id="synthetic-notice",
    )


def release_line(release_id: str, status: str, published: date | datetime | None) -> html.P:
    """Source and release line under every chart."""
    if published:
        text = _("Release %(release)s (%(status)s, published %(date)s). Source: CT Equity Benchmarks release "
                 "tables.", release=release_id, status=release_status(status), date=day(published))
    else:
        text = _("Release %(release)s (%(status)s). Source: CT Equity Benchmarks release tables.",
                 release=release_id, status=release_status(status))
    return html.P(text, className="small text-body-secondary")


def notice(message: str, color: str = "info") -> dbc.Alert:
    """A clear, non-technical message in place of content."""
    return dbc.Alert(message, color=color)


def labelled_select(id_: str, label: str, options: list[tuple[str, str]], value: str | None) -> html.Div:
    """A native, labelled select (keyboard- and screen-reader-friendly)."""
    return html.Div([
        dbc.Label(label, html_for=id_),
        dbc.Select(id=id_, options=[{"label": text, "value": val} for val, text in options], value=value),
    ], className="mb-2")


def page_header(title: str, question: str) -> list:
    return [html.H1(title, className="h2"), html.P(question, className="lead")]


def url_sync(id_: str) -> dcc.Location:
    """A page's own location component: its callbacks write filters into the query string as a navigation
    (so back and forward work); the router then skips re-rendering the view the callback already shows."""
    return dcc.Location(id=id_, refresh="callback-nav")


def language_switcher() -> dbc.NavItem:
    """Links to this page in each language (the address keeps its filters; see web/language.py)."""
    here = language()
    links = [html.A(name, href=f"?lang={code}", lang=code, hrefLang=code, id=f"shell-lang-{code}",
                    className="nav-link" + (" active fw-semibold" if code == here else ""),
                    **({"aria-current": "true"} if code == here else {}))
             for code, name in LANGUAGES.items()]
    return dbc.NavItem(html.Nav(links, className="d-flex", **{"aria-label": _("Language")}))
