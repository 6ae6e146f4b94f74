"""Spanish interface (DESIGN §11): every interface string has a Spanish translation, the language is chosen by
`?lang=` and remembered, and numbers and dates follow the language."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "components" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def interface_messages() -> dict[str, str]:
    """Every message id in the interface code (components/, dashboards/, embeds/, web/ and briefing/) → where it
    was found."""
    found: dict[str, str] = {}
    for folder in ("components", "dashboards", "embeds", "web", "briefing"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / folder, [("**.py", "python")], keywords=KEYWORDS,
                directory_filter=lambda path: not Path(path).name.startswith(".")):  # dashboards/_shared too
            msgid = message[0] if isinstance(message, tuple) else message  # a plural is filed under its singular
            if msgid:
                found.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="es")


def test_the_extraction_finds_the_interface(catalog):
    messages = interface_messages()
    assert len(messages) > 300, "the extractor should see every page's text"
    assert "Sign in" in messages and "Show data" in messages


def test_every_interface_string_has_a_spanish_translation(catalog):
    missing = []
    for msgid, where in interface_messages().items():
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} interface strings lack a Spanish translation:\n" + "\n".join(missing)


def test_translations_only_use_the_placeholders_the_code_fills(catalog):
    wrong = []
    for entry in catalog:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        given = set().union(*(PLACEHOLDER.findall(i) for i in ids)) | ({"num"} if len(ids) > 1 else set())
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            if not set(PLACEHOLDER.findall(text or "")) <= given:
                wrong.append((entry.id, text))
    wrong += [(message.id, [str(e) for e in errors]) for message, errors in catalog.check() if errors]
    assert not wrong, wrong


def test_the_catalog_holds_no_stale_entries(catalog):
    stale = sorted(str(entry.id) for entry in catalog
                   if entry.id and (entry.id[0] if isinstance(entry.id, tuple) else entry.id)
                   not in interface_messages())
    assert not stale, f"translations of text no longer in the code (run the update in README): {stale[:20]}"


# ------------------------------------------------------------------ choosing the language


@pytest.fixture
def client(app_env):
    from app import app

    return app.server.test_client()


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_lang_in_the_address_sets_the_document_language_and_is_remembered(client):
    first = client.get("/workforce?lang=es")
    assert html_lang(first) == "es"
    assert "ct_equity_lang=es" in first.headers.get("Set-Cookie", "")
    assert "HttpOnly" in first.headers["Set-Cookie"] and "SameSite=Lax" in first.headers["Set-Cookie"]
    assert html_lang(client.get("/agencies")) == "es"  # the cookie carries the choice to the next page
    assert html_lang(client.get("/agencies?lang=en")) == "en"
    assert html_lang(client.get("/")) == "en"


def test_embeds_and_images_take_the_language_from_their_address_without_a_cookie(client):
    response = client.get("/embed/overview-cards?lang=es")
    assert response.status_code == 200 and html_lang(response) == "es"
    assert "Set-Cookie" not in response.headers  # a shared cache may keep an embed: it must not carry a cookie


def test_a_browser_that_prefers_spanish_gets_spanish_until_told_otherwise(client):
    spanish = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
    first = client.get("/", headers=spanish)
    assert html_lang(first) == "es" and "Accept-Language" in first.headers["Vary"]
    assert html_lang(client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})) == "en"
    assert html_lang(client.get("/?lang=en", headers=spanish)) == "en"
    assert html_lang(client.get("/", headers=spanish)) == "en"  # the choice is remembered over the preference


@pytest.mark.parametrize("value", ["xx", "<script>", "es-ES", "", "ES"])
def test_an_unknown_language_falls_back_to_english_and_is_not_remembered(client, value):
    response = client.get("/", query_string={"lang": value})
    assert response.status_code == 200 and html_lang(response) == "en"
    assert "ct_equity_lang" not in response.headers.get("Set-Cookie", "")


def _strings(node) -> list[str]:
    """Every string in a parsed JSON value (keys and values), depth first."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for key, value in node.items() for text in (key, *_strings(value))]
    if isinstance(node, list):
        return [text for item in node for text in _strings(item)]
    return []


def _layout_text(client, **headers) -> str:
    """The layout's strings, parsed from its JSON (orjson writes "ó", the standard library "\\u00f3")."""
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return "\n".join(_strings(response.get_json()))


def test_dash_requests_follow_the_page_address_then_the_cookie(client):
    assert "Iniciar sesión" not in _layout_text(client)
    assert "Iniciar sesión" in _layout_text(client, Referer="http://localhost/workforce?year=2024&lang=es")
    # Another site's address says nothing about this site's language.
    assert "Iniciar sesión" not in _layout_text(client, Referer="http://evil.example/?lang=es")
    client.set_cookie("ct_equity_lang", "es")
    spanish = _layout_text(client)
    assert "Iniciar sesión" in spanish and "Ir al contenido principal" in spanish
    assert "Iniciar sesión" not in _layout_text(client, Referer="http://localhost/?lang=en")


def test_the_switcher_offers_both_languages_and_marks_the_current_one(client):
    client.set_cookie("ct_equity_lang", "es")
    layout = client.get("/_dash-layout").get_json()
    links = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if str(props.get("id", "")).startswith("shell-lang-"):
                links[props["lang"]] = props
            for value in props.values() if "props" in node else node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(layout)
    assert set(links) == {"en", "es"}
    assert links["es"]["children"] == "Español" and links["es"].get("aria-current") == "true"
    assert links["en"]["children"] == "English" and "aria-current" not in links["en"]
    assert links["en"]["href"] == "?lang=en"


# ------------------------------------------------------------------ numbers and dates


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["12.3 %", "12,345", "$1.2 million", "$45,300", "0.80", "< 0.001", "November 26, 2026",
            "3.2 per 1,000", "12.3 % (10.1–14.6 %)"]),
    # US / Puerto Rico Spanish (es_US): decimal point, comma thousands, the dollar sign first (issue #18)
    ("es", ["12.3 %", "12,345", "$1.2 millones", "$45,300", "0.80", "< 0.001", "26 de noviembre de 2026",
            "3.2 por cada 1,000", "12.3 % (10.1–14.6 %)"]),
])
def test_numbers_and_dates_follow_the_language(app_env, lang, expected):
    from app import app
    from components import formatting as f

    with app.server.test_request_context(f"/?lang={lang}"):
        shown = [f.percent(0.1234), f.count(12345), f.dollars(1_234_567), f.dollars(45_321), f.ratio(0.8),
                 f.p_value(0.0004), f.day(date(2026, 11, 26)), f.by_unit(3.21, "per_1000"),
                 f.interval(0.1234, 0.101, 0.146)]
    assert shown == expected


def test_labels_and_suppression_notes_are_translated(app_env):
    from app import app
    from components import formatting as f

    with app.server.test_request_context("/?lang=es"):
        assert f.group_label("hispanic") == "Hispano o latino"
        assert f.group_label("black_female") == "Mujeres negras o afroamericanas"  # agrees with "mujeres"
        assert f.group_label("white_male") == "Hombres blancos"
        assert f.group_label("black_x") == "Negro o afroamericano (no binario o sin especificar)"
        assert f.suppressed(5) == "oculto (menos de 5)"
        assert f.status_label("on_track") == ("Por buen camino", "↗")
    assert f.group_label("black_female") == "Black or African American women"  # outside a request: English


def test_spanish_plurals_pick_the_right_form(app_env, catalog):
    from app import app
    from components.i18n import ngettext

    entry = next(m for m in catalog if isinstance(m.id, tuple) and "%(num)s" in m.id[1])
    singular, plural = entry.id
    with app.server.test_request_context("/?lang=es"):
        values = {name: "X" for name in PLACEHOLDER.findall(plural) if name != "num"}
        one, many = ngettext(singular, plural, 1, **values), ngettext(singular, plural, 5, **values)
    assert one == entry.string[0] % {"num": 1, **values}
    assert many == entry.string[2] % {"num": 5, **values}  # CLDR Spanish: one, many (millions), other


def test_charts_use_the_languages_number_marks_without_changing_a_shared_figure(app_env):
    import plotly.graph_objects as go

    from app import app
    from components.figures import localize

    figure = go.Figure(go.Bar(x=[1234.5], y=["a"]))
    as_dict = figure.to_dict()
    with app.server.test_request_context("/?lang=es"):
        spanish, spanish_dict = localize(figure), localize(as_dict)
    with app.server.test_request_context("/?lang=en"):
        english = localize(figure)
    # Spanish charts use the es_US marks (1,234.5) like the text, which are plotly's defaults: nothing to copy
    assert (spanish.layout.separators or ".,") == ".," and (spanish_dict["layout"].get("separators") or ".,") == ".,"
    assert figure.layout.separators is None and "separators" not in as_dict["layout"]  # the originals stay
    assert english is figure and spanish is figure


def test_the_sign_in_page_speaks_the_chosen_language(client):
    page = client.get("/login?lang=es")
    assert page.status_code == 200 and html_lang(page) == "es"
    assert "Iniciar sesión" in page.get_data(as_text=True)
    assert html_lang(client.get("/login?lang=en")) == "en"
