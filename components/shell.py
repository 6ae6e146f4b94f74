"""The page shell: navigation, the synthetic-data notice, the release line and the page furniture."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

NAV_ITEMS = (("Overview", "/"),)


def navbar(links: tuple[tuple[str, str], ...] = NAV_ITEMS, user: str | None = None) -> dbc.Navbar:
    """Top navigation (dark, for AA contrast), one link per page, and sign-in or the signed-in user."""
    items = [dbc.NavItem(dbc.NavLink(label, href=href, active="exact")) for label, href in links]
    if user:
        items.append(dbc.NavItem(dbc.NavLink(f"{user} · Sign out", href="/logout", external_link=True)))
    else:
        items.append(dbc.NavItem(dbc.NavLink("Sign in", href="/login", external_link=True)))
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand("CT Equity Benchmarks", href="/"),
            dbc.Nav(items, navbar=True, className="flex-wrap"),
        ], fluid=True),
        color="dark", dark=True, className="mb-3",
    )


def shell(content, links: tuple[tuple[str, str], ...] = NAV_ITEMS, user: str | None = None) -> html.Div:
    """Skip link, navigation, main landmark holding the pages, and the footer."""
    return html.Div([
        html.A("Skip to main content", href="#main", className="visually-hidden-focusable"),
        navbar(links, user),
        html.Main(dbc.Container(content, fluid=True), id="main"),
        dbc.Toast("Something went wrong while updating this view. Please try again; if it keeps happening, "
                  "reload the page.", id="shell-error", header="Not updated", is_open=False, dismissable=True,
                  icon="danger", duration=8000, style={"position": "fixed", "bottom": 16, "right": 16}),
        html.Footer(
            dbc.Container(html.Small(
                "CT Equity Benchmarks — figures are published per release and protected against disclosure: "
                "counts below the threshold are suppressed.", className="text-body-secondary"), fluid=True),
            className="border-top mt-4 py-3"),
    ])


def synthetic_notice(synthetic: bool) -> html.Div | None:
    """A plain notice on every page while the release is built from synthetic demo data."""
    if not synthetic:
        return None
    return dbc.Alert(
        [html.Strong("Synthetic demo data. "),
         "Every figure on this page is invented for demonstration; none describes a real agency, person or town."],
        color="warning", className="py-2", id="synthetic-notice",
    )


def release_line(release_id: str, status: str, published: str | None) -> html.P:
    """Source and release line under every chart."""
    when = f", published {published}" if published else ""
    return html.P(f"Release {release_id} ({status}{when}). Source: CT Equity Benchmarks release tables.",
                  className="small text-body-secondary")


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
