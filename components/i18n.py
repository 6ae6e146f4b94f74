"""The interface in English and Spanish (DESIGN §11): every user-visible string is an English message id.

Wrap text shown to people in `_()` (with `%(name)s` placeholders filled by keywords) or `ngettext()`;
mark module-level constants with `N_()` and translate them with `_()` where they are shown. Outside a
request (pure-function tests, the command line) the English text comes back unchanged.
"""
from __future__ import annotations

import flask_babel
from flask import current_app, has_request_context
from flask.globals import _cv_request as _REQUEST  # the request context (has_request_context reads it too)

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# Numbers and money follow US conventions in both languages (decimal point, comma thousands, $45,300): the
# Spanish of the United States and Puerto Rico (CLDR es_US), while the interface language stays `es`.
NUMBER_LOCALES = {"en": "en_US", "es": "es_US"}


def N_(text: str) -> str:
    """Mark a constant for extraction; it is translated later, where it is shown."""
    return text


def _babel_ready() -> bool:
    """Whether this request's app has Flask-Babel (a bare Flask app in a test may not)."""
    return has_request_context() and "babel" in current_app.extensions


def _translations():
    """This request's catalogue, or None outside a request with Flask-Babel.

    Found once per request and kept on the request context: through Flask-Babel each string costs several
    context-proxy lookups (about 20 µs), and a page writes thousands. The language is chosen once per request
    (`web.language.select_language`), so the catalogue found first holds for the whole request.
    """
    ctx = _REQUEST.get(None)
    if ctx is None:
        return None
    kept = getattr(ctx, "_ct_equity_translations", None)
    if kept is None:
        kept = (flask_babel.get_translations() if "babel" in current_app.extensions else None,)
        ctx._ct_equity_translations = kept
    return kept[0]


def _(text: str, **values: object) -> str:
    """The text in the viewer's language, `%(name)s` placeholders filled from `values`."""
    translations = _translations()
    if translations is not None:
        text = translations.ugettext(text)
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, **values: object) -> str:
    """Singular or plural text in the viewer's language; `%(num)s` is the count."""
    values.setdefault("num", num)
    translations = _translations()
    if translations is None:
        return (singular if num == 1 else plural) % values
    return translations.ungettext(singular, plural, num) % values


def language() -> str:
    """The language code of the current request ('en' outside a request)."""
    if not _babel_ready():
        return DEFAULT_LANGUAGE
    locale = flask_babel.get_locale()
    code = locale.language if locale is not None else DEFAULT_LANGUAGE
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def number_locale() -> str:
    """The Babel locale numbers are written in for the current request ('es_US' for Spanish)."""
    return NUMBER_LOCALES[language()]
