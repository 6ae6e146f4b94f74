"""A briefing pack as one printable HTML document: chart images inline, summaries, tables, sources, release.

The HTML is made by Jinja2 with autoescaping (never by string concatenation) and is self-contained: styles
inline and images as `data:` URIs, so printing it (in a browser or by the headless Chromium of `pdf.py`)
needs nothing from anywhere.
"""
from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from jinja2 import Environment

from components.figures import separators
from components.formatting import day
from components.i18n import N_, _
from components.panel import ChartParts
from data_access.releases import ReleaseInfo

from .sections import Pack

IMAGE_WIDTH = 900
IMAGE_HEIGHT = 450
ROLE_WORDS = {"anonymous": N_("the public"), "agency": N_("agency staff"), "statewide": N_("statewide staff"),
              "admin": N_("administrators")}

PRINT_CSS = """
@page { size: Letter; margin: 0.6in 0.6in 0.7in; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; color: #1b1b1b;
       margin: 0 auto; max-width: 8in; line-height: 1.35; }
header { border-bottom: 2px solid #1b365d; margin-bottom: 12pt; padding-bottom: 6pt; }
h1 { font-size: 18pt; margin: 0 0 4pt; color: #1b365d; }
h2 { font-size: 13pt; margin: 14pt 0 4pt; color: #1b365d; break-after: avoid; }
.meta, .source { color: #444; font-size: 9pt; }
.synthetic { border: 1px solid #b35900; padding: 4pt 6pt; font-size: 9pt; }
section { margin-bottom: 10pt; }
figure { margin: 4pt 0; break-inside: avoid; }
figure img { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4pt 0; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
tr { break-inside: avoid; }
footer { border-top: 1px solid #bbb; margin-top: 14pt; padding-top: 4pt; color: #444; font-size: 8.5pt; }
.noprint a { margin-right: 12pt; }
@media print { .noprint { display: none; } }
"""

TEMPLATE = Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ heading }}</title>
<style>{{ css }}</style></head>
<body><header>
<p class="noprint">{% for label, href in actions %}<a href="{{ href }}">{{ label }}</a>{% endfor %}</p>
<h1>{{ heading }}</h1>
<p class="meta">{{ release_line }}<br>{{ audience }}</p>
{% if synthetic %}<p class="synthetic">{{ synthetic }}</p>{% endif %}
</header>
<main>
{% for s in sections %}<section>
<h2>{{ s.title }}</h2>
{% if s.image %}<figure><img src="data:image/png;base64,{{ s.image }}" alt="{{ s.summary }}"></figure>{% endif %}
<p>{{ s.summary }}</p>
{% if s.headers %}<table><thead><tr>{% for h in s.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in s.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>{% endif %}
{% if s.source %}<p class="source">{{ s.source }}</p>{% endif %}
</section>{% else %}<p>{{ empty }}</p>{% endfor %}
</main>
<footer>{{ footer }}<br>{{ online }}</footer>
</body></html>""")


@dataclass(frozen=True)
class Section:
    title: str
    summary: str
    headers: list[str]
    rows: list[list[str]]
    source: str
    image: str | None  # base64 PNG


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return str(value)


def table_rows(parts: ChartParts) -> tuple[list[str], list[list[str]]]:
    """The section's data table with the page's own headers (English message ids, shown translated)."""
    labels = parts.labels or {}
    frame = parts.table if parts.table is not None else pd.DataFrame()
    headers = [_(labels[c]) if c in labels else str(c).replace("_", " ").capitalize() for c in frame.columns]
    return headers, [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def image_spec(figure) -> tuple[dict, int, int]:
    """The figure as plotly JSON with the viewer's number marks and a print size."""
    spec = copy.deepcopy(figure) if isinstance(figure, dict) else figure.to_plotly_json()
    layout = spec.setdefault("layout", {})
    height = int(layout.get("height") or IMAGE_HEIGHT)
    layout.update({"width": IMAGE_WIDTH, "height": height, "separators": separators(), "paper_bgcolor": "white"})
    return spec, IMAGE_WIDTH, height


def sections(pack: Pack, draw: Callable[[dict, int, int], bytes]) -> list[Section]:
    """Each chart part as a printable section; `draw(figure, width, height)` makes the PNG of a figure."""
    out = []
    for parts in pack.sections:
        image = None
        if parts.figure is not None:
            image = base64.b64encode(draw(*image_spec(parts.figure))).decode("ascii")
        headers, rows = table_rows(parts) if parts.chart_id not in pack.untabled else ([], [])
        out.append(Section(parts.title, parts.summary, headers, rows, parts.source, image))
    return out


def release_line(info: ReleaseInfo) -> str:
    if info.published_at:
        return _("Release %(release)s, published %(date)s.", release=info.release_id, date=day(info.published_at))
    return _("Release %(release)s (not published).", release=info.release_id)


def render_html(pack: Pack, info: ReleaseInfo, role: str, lang: str, drawn: list[Section], page_url: str,
                actions: list[tuple[str, str]]) -> str:
    """The whole pack as one HTML document in the viewer's language."""
    return TEMPLATE.render(
        lang=lang, css=PRINT_CSS, heading=_("Briefing: %(scope)s", scope=pack.title), sections=drawn,
        release_line=release_line(info),
        audience=_("Figures as shown to %(audience)s; cells hidden from them to protect privacy are marked "
                   "as suppressed.", audience=_(ROLE_WORDS.get(role, role))),
        synthetic=_("Synthetic demonstration data: these figures describe no real person or agency.")
        if info.synthetic else "",
        empty=_("This release has no figures for this briefing."),
        footer=_("CT Equity Benchmarks — release %(release)s", release=info.release_id),
        online=_("Online, with every chart's data and download: %(url)s", url=page_url),
        actions=actions)
