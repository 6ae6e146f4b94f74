"""The app's Dash class: the page document says its language, and an embed's document loads no AG Grid.

Dash puts the scripts of every imported component library on every page. The site's pages navigate in the
browser (dash pages, `dcc.Link`), so any of them may draw a grid and all keep AG Grid's script; an embed
(`/embed/<chart_id>`) draws its tables as plain HTML (`components.panel.chart_panel(plain=True)`) and every link
in it opens the site in a new tab (`assets/embed.js`), so its document leaves that script out (DESIGN §8).
"""
from __future__ import annotations

from flask import has_request_context, request

from embeds.signing import is_embed_path

from .language import LocalizedDash

EMBED_FREE = ("dash_ag_grid",)  # libraries no embed renders a component of


def without_libraries(scripts: str, prefix: str, libraries: tuple[str, ...] = EMBED_FREE) -> str:
    """The index's script tags without those of the component libraries named (served from Dash's suites)."""
    suites = tuple(f'src="{prefix}_dash-component-suites/{name}/' for name in libraries)
    return "\n".join(line for line in scripts.split("\n")
                     if not (line.startswith("<script ") and any(s in line for s in suites)))


class SiteDash(LocalizedDash):
    """Dash with a localized document and embeds' documents free of the libraries they never render."""

    def interpolate_index(self, **kwargs) -> str:
        if has_request_context() and is_embed_path(request.path.removeprefix(
                self.config.routes_pathname_prefix.rstrip("/"))):
            kwargs["scripts"] = without_libraries(kwargs.get("scripts", ""), self.config.requests_pathname_prefix)
        return super().interpolate_index(**kwargs)
