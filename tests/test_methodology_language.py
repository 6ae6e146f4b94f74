"""The methodology in Spanish: same outline and formulas as the English text, served to Spanish viewers."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parent.parent / "dashboards" / "content"
ENGLISH = (CONTENT / "methodology.md").read_text(encoding="utf-8")
SPANISH = (CONTENT / "methodology.es.md").read_text(encoding="utf-8")
ENGLISH_TITLE = "# How the figures are made"
SPANISH_TITLE = "# Cómo se calculan las cifras"


def outline(markdown: str) -> dict:
    """What must not differ between translations: headings' levels and numbers, anchors, code, layout."""
    fences = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.M | re.S)
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", markdown, flags=re.M | re.S)
    headings = re.findall(r"^(#{1,6}) +(\d+\.)?", prose, flags=re.M)
    return {
        "headings": [(len(marks), number) for marks, number in headings],
        "anchors": sorted(re.findall(r"\{#([\w-]+)\}|\bid=\"([\w-]+)\"|\]\(#([\w-]+)\)", prose)),
        "links": sorted(re.findall(r"\]\(([^)#][^)]*)\)", prose)),
        "formulas": fences,
        "code spans": Counter(re.findall(r"`([^`\n]+)`", prose)),
        "table rows": len(re.findall(r"^\|", prose, flags=re.M)),
        "rules": len(re.findall(r"^---$", prose, flags=re.M)),
        "numbered items": [int(n) for n in re.findall(r"^(\d+)\. ", prose, flags=re.M)],
        "bullets": len(re.findall(r"^- ", prose, flags=re.M)),
    }


def test_the_spanish_methodology_has_the_english_outline_formulas_and_code():
    english, spanish = outline(ENGLISH), outline(SPANISH)
    assert len(english["headings"]) >= 10 and len(english["formulas"]) >= 10  # the parser sees the real text
    for part in english:
        assert spanish[part] == english[part], part


def test_the_spanish_methodology_is_a_translation_not_a_copy():
    english_headings = re.findall(r"^#+ .*$", ENGLISH, flags=re.M)
    spanish_headings = re.findall(r"^#+ .*$", SPANISH, flags=re.M)
    assert not set(english_headings) & set(spanish_headings)  # every heading is translated
    assert SPANISH.startswith(SPANISH_TITLE + "\n")
    assert "“oculto (menos de k)”" in SPANISH  # the words a suppressed cell shows on the Spanish site
    assert "El personal con\nacceso de nivel estatal ve todas las cifras." in SPANISH  # not "all state employees"
    assert "propiedad minoritaria" not in SPANISH  # a minority ownership stake: the wrong meaning


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("### Town values and how reliable they are", "#### Town values and how reliable they are"),
    lambda t: t.replace("## 4. Benchmarks", "## Benchmarks"),
    lambda t: t.replace("CV             = standard error / |value|", "CV = standard error / value"),
    lambda t: t.replace("`a = Σ a_c·N_c / Σ N_c`", "`a = Σ a_c·N_c`"),
    lambda t: t.replace("| low | more than 40 % |\n", ""),
    lambda t: t + "\n## 8. Something new\n",
], ids=["heading level", "heading number", "formula", "code span", "table row", "new section"])
def test_an_edit_of_one_language_only_is_caught(edit):
    edited = edit(ENGLISH)
    assert edited != ENGLISH
    assert outline(edited) != outline(SPANISH)


def test_the_text_file_follows_the_language_and_falls_back_to_english():
    import app  # noqa: F401  (pages register themselves, so the app is created first)
    from dashboards.methodology import page as methodology

    assert methodology.methodology_text("es").startswith(SPANISH_TITLE)
    assert methodology.methodology_text("en").startswith(ENGLISH_TITLE)
    assert methodology.methodology_text("fr").startswith(ENGLISH_TITLE)  # no French file: English
    assert "```plaintext" in methodology.methodology_text("es")  # formulas stay plain text in Spanish too


# ---------------------------------------------------------------- the page through Dash's router
def route(client, search: str, headers: dict | None = None) -> str:
    """What the routing callback renders for /methodology with this query string, as text."""
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/methodology"},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"],
            "state": [{"id": "shell-view", "property": "data", "value": None}]}
    reply = client.post("/_dash-update-component", json=body, headers=headers or {})
    assert reply.status_code == 200
    texts, stack = [], [reply.get_json()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            texts.append(node)
    return "\n".join(texts)


@pytest.fixture
def client(app_env):
    from app import app

    return app.server.test_client()


def test_methodology_page_in_spanish_with_the_language_cookie(client, app_env):
    from web.language import COOKIE

    client.set_cookie(COOKIE, "es")
    page = route(client, "?lang=es")
    assert SPANISH_TITLE in page and "Supresión complementaria" in page
    assert ENGLISH_TITLE not in page and "Complementary suppression" not in page
    assert app_env["release_id"] in page  # the rest of the page is there too
    # The rendered text is cached per language: English viewers still get English afterwards.
    client.set_cookie(COOKIE, "en")
    english = route(client, "")
    assert ENGLISH_TITLE in english and SPANISH_TITLE not in english


def test_methodology_page_in_spanish_from_the_page_address(client):
    page = route(client, "?lang=es", {"Referer": "http://localhost/methodology?lang=es"})
    assert SPANISH_TITLE in page and ENGLISH_TITLE not in page
    assert ENGLISH_TITLE in route(client, "", {"Referer": "http://localhost/methodology"})
